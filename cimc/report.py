"""What a compiled program costs: crossbars, instructions, memory, cycles and energy, per layer."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np

from cimc.binary import BinaryImage
from cimc.dialects import cim
from cimc.interpreter import instruction_costs, memory_lower_bound


@dataclass
class LayerReport:
    name: str
    instructions: int
    mvm_instructions: int
    crossbars: int
    cycles: float
    energy_pj: float


@dataclass
class Report:
    crossbars: int
    cores: int
    utilization: float
    instructions: int
    mvm_instructions: int
    binary_bytes: int
    peak_memory_bytes: int
    memory_lower_bound_bytes: int
    latency_cycles: float
    latency_us: float
    energy_pj: float
    layers: list[LayerReport] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)

    def __str__(self) -> str:
        lines = [
            f"crossbars          {self.crossbars} on {self.cores} core(s), utilization {self.utilization:.1%}",
            f"instructions       {self.instructions} ({self.mvm_instructions} MVM)",
            f"binary             {self.binary_bytes} bytes",
            f"memory             peak {self.peak_memory_bytes} bytes, lower bound {self.memory_lower_bound_bytes}",
            f"latency            {self.latency_cycles:.0f} cycles ({self.latency_us:.2f} us)",
            f"energy             {self.energy_pj / 1e6:.4f} uJ",
            "",
            f"{'layer':<28} {'instrs':>7} {'mvm':>6} {'xbars':>6} {'cycles':>12} {'energy pJ':>12}",
        ]
        for layer in self.layers:
            name = " ".join(layer.name.split())[:28]  # one row per layer, whatever the ONNX name holds
            lines.append(f"{name:<28} {layer.instructions:>7} {layer.mvm_instructions:>6} "
                         f"{layer.crossbars:>6} {layer.cycles:>12.0f} {layer.energy_pj:>12.1f}")
        return "\n".join(lines)


def make_report(image: BinaryImage, binary_bytes: int) -> Report:
    arch, inst = image.arch, image.instructions
    cycles, energy = instruction_costs(image)
    xbars = image.crossbars
    cells = float((xbars["rows"].astype(np.int64) * xbars["cols"]).sum())
    mvm = inst["opcode"] == cim.MvmOp.OPCODE
    layers: dict[str, LayerReport] = {}
    for row in image.layers:
        name = image.string(int(row["name"]))
        span = slice(int(row["first"]), int(row["first"] + row["count"]))
        layer = layers.setdefault(name, LayerReport(name, 0, 0, 0, 0.0, 0.0))
        layer.instructions += int(row["count"])
        layer.mvm_instructions += int(mvm[span].sum())
        layer.crossbars += len(set(inst["xbar"][span][mvm[span]].tolist()))
        layer.cycles += float(cycles[span].sum())
        layer.energy_pj += float(energy[span].sum())
    latency = float(cycles.sum())
    return Report(
        crossbars=len(xbars),
        cores=len(set(xbars["core"].tolist())),
        utilization=cells / (len(xbars) * arch.xbar_rows * arch.xbar_cols) if len(xbars) else 0.0,
        instructions=len(inst),
        mvm_instructions=int(mvm.sum()),
        binary_bytes=binary_bytes,
        peak_memory_bytes=image.memory_bytes,
        memory_lower_bound_bytes=memory_lower_bound(image),
        latency_cycles=latency,
        latency_us=latency / (arch.clock_ghz * 1e3),
        energy_pj=float(energy.sum()),
        layers=list(layers.values()),
    )
