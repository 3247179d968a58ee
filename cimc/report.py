"""What a compiled program costs: crossbars, instructions, memory, time and energy, per layer."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

import numpy as np

from cimc.binary import BinaryImage
from cimc.cost import slots_used, time_program
from cimc.dialects import cim
from cimc.interpreter import memory_lower_bound


@dataclass
class LayerReport:
    name: str
    crossbars: int
    """Crossbars holding one copy of the layer's weights."""
    replicas: int
    mvm_per_image: int
    """Crossbar-group activations one image needs with a single copy."""
    cycles: float
    energy_pj: float
    instructions: int
    mvm_instructions: int
    start_cycle: float
    cores: int


@dataclass
class Report:
    schedule: str
    crossbars: int
    crossbar_budget: int
    cores: int
    utilization: float
    instructions: int
    mvm_instructions: int
    binary_bytes: int
    peak_memory_bytes: int
    memory_lower_bound_bytes: int
    """The largest sum of sizes of the buffers live at one instruction, for the plan used."""
    memory_lower_bound_no_alias_bytes: int | None
    """The same bound had the program been lowered without aliasing (None: not recorded)."""
    cycle_time: int
    """max over layers of ceil(mvm_per_image / replicas): crossbar activations per pipeline step."""
    latency_cycles: float
    latency_us: float
    throughput_per_s: float
    energy_pj: float
    tops_per_w: float
    noc_energy_pj: float
    reload_cycles: float
    reload_energy_pj: float
    layers: list[LayerReport] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=1)

    def __str__(self) -> str:
        lines = [
            f"crossbars          {self.crossbars} on {self.cores} core(s), budget {self.crossbar_budget}, "
            f"cell utilization {self.utilization:.1%}",
            f"instructions       {self.instructions} ({self.mvm_instructions} MVM)",
            f"binary             {self.binary_bytes} bytes",
            f"memory             peak {self.peak_memory_bytes} bytes, lower bound {self.memory_lower_bound_bytes}"
            + ("" if self.memory_lower_bound_no_alias_bytes is None
               else f" ({self.memory_lower_bound_no_alias_bytes} without aliasing)"),
            f"schedule           {self.schedule}: cycle time {self.cycle_time} crossbar activations",
            f"latency            {self.latency_cycles:.0f} cycles ({self.latency_us:.2f} us)",
            f"throughput         {self.throughput_per_s:.1f} inferences/s",
            f"energy             {self.energy_pj / 1e6:.4f} uJ per inference ({self.tops_per_w:.3f} TOPS/W; "
            f"NoC {self.noc_energy_pj / 1e6:.4f} uJ)",
        ]
        if self.reload_cycles:
            lines.append(f"reprogramming      {self.reload_cycles:.0f} cycles, {self.reload_energy_pj / 1e6:.4f} uJ "
                         "per inference")
        lines += ["", f"{'layer':<28} {'xbars':>6} {'reps':>5} {'mvm/img':>8} {'cycles':>12} {'energy pJ':>12} "
                      f"{'instrs':>7} {'start':>12}"]
        for layer in self.layers:
            name = " ".join(layer.name.split())[:28]  # one row per layer, whatever the ONNX name holds
            lines.append(f"{name:<28} {layer.crossbars:>6} {layer.replicas:>5} {layer.mvm_per_image:>8} "
                         f"{layer.cycles:>12.0f} {layer.energy_pj:>12.1f} {layer.instructions:>7} "
                         f"{layer.start_cycle:>12.0f}")
        return "\n".join(lines)


def make_report(image: BinaryImage, binary_bytes: int) -> Report:
    arch, inst = image.arch, image.instructions
    timing = time_program(image)
    xbars = image.crossbars
    cells = float((xbars["rows"].astype(np.int64) * xbars["cols"]).sum())
    layers: dict[str, LayerReport] = {}
    for t in timing.layers:
        layer = layers.get(t.name)
        if layer is None:
            layers[t.name] = LayerReport(t.name, t.crossbars, t.replicas, t.mvm_per_image, t.cycles, t.energy_pj,
                                         t.instructions, t.mvm_instructions, t.start, len(t.cores))
            continue
        layer.crossbars += t.crossbars
        layer.replicas = max(layer.replicas, t.replicas)
        layer.mvm_per_image = max(layer.mvm_per_image, t.mvm_per_image)
        layer.cycles += t.cycles
        layer.energy_pj += t.energy_pj
        layer.instructions += t.instructions
        layer.mvm_instructions += t.mvm_instructions
        layer.cores = max(layer.cores, len(t.cores))
    budget = int(image.streams[0]["budget"]) if len(image.streams) else 0
    if not budget:
        budget = arch.cores * arch.xbars_per_core if arch.cores is not None else slots_used(image)
    schedule = cim.SCHEDULES[int(image.streams[0]["schedule"])] if len(image.streams) else "layer"
    interval = timing.interval_cycles
    return Report(
        schedule=schedule,
        crossbars=len(xbars),
        crossbar_budget=budget,
        cores=len(set(xbars["core"].tolist())),
        utilization=cells / (len(xbars) * arch.xbar_rows * arch.xbar_cols) if len(xbars) else 0.0,
        instructions=len(inst),
        mvm_instructions=int((inst["opcode"] == cim.MvmOp.OPCODE).sum()),
        binary_bytes=binary_bytes,
        peak_memory_bytes=image.memory_bytes,
        memory_lower_bound_bytes=memory_lower_bound(image),
        memory_lower_bound_no_alias_bytes=int(image.streams[0]["no_alias_bound"]) or None if len(image.streams) else None,
        cycle_time=timing.cycle_time,
        latency_cycles=timing.latency_cycles,
        latency_us=timing.latency_cycles / (arch.clock_ghz * 1e3),
        throughput_per_s=arch.clock_ghz * 1e9 / interval if interval else 0.0,
        energy_pj=timing.energy_pj,
        tops_per_w=2 * timing.macs / timing.energy_pj if timing.energy_pj else 0.0,
        noc_energy_pj=timing.noc_energy_pj,
        reload_cycles=timing.reload_cycles,
        reload_energy_pj=timing.reload_energy_pj,
        layers=list(layers.values()),
    )
