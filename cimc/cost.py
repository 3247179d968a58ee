"""The cost model's timing of a whole program: layers, their overlap by schedule mode, NoC traffic.

Every instruction is priced by `cimc.interpreter.instruction_costs`. A layer (a LAYR row)
then takes, one image at a time:

- its MVMs: all of its crossbars fire together, so the busiest crossbar: the MVMs on it (one
  per block of rows when the im2col window is made in blocks), ceil(n0 / replicas)
  activations of input_cycles reads each;
- its digital work (copies, fills, vector ops), shared by the vector units of the cores its
  crossbars sit on (a layer without crossbars, such as a pool or an add, uses those of the
  layer that made its main input);
- its crossbar programming (`cim.program`, with allow_reload), serially;
- the NoC: the bytes it reads from buffers that a layer on another core wrote, at
  noc_bytes_per_cycle per link (one per core of the smaller side) plus noc_hop_cycles per hop
  of the mesh between their first cores.

The schedule mode overlaps layers:
- `layer`: one after the other; latency = the sum of the layer times.
- `element`: a layer starts when every layer it reads from has finished, so independent
  branches overlap; latency = the critical path.
- `batch`: the element latency for one image, and a new image every `interval`: the
  busiest resource per image (a layer's crossbars, or a core's vector unit).
Throughput is 1 / latency for the first two and 1 / interval for batch.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from cimc.binary import NO_SLOT, OPCODES, BinaryImage, operand_count
from cimc.dialects import cim
from cimc.interpreter import instruction_costs


@dataclass
class LayerTiming:
    name: str
    instructions: int
    mvm_instructions: int
    crossbars: int
    """Crossbars of one copy of the layer's weights."""
    replicas: int
    mvm_per_image: int
    """Crossbar-group activations one image needs with a single copy."""
    cycles: float
    """The layer's time for one image: MVMs + digital work + programming + NoC."""
    energy_pj: float
    start: float
    finish: float
    cores: list[int]


@dataclass
class Timing:
    layers: list[LayerTiming]
    latency_cycles: float
    interval_cycles: float
    energy_pj: float
    noc_energy_pj: float
    reload_cycles: float
    reload_energy_pj: float
    macs: float
    cycle_time: int
    """max over layers of ceil(mvm_per_image / replicas), in crossbar activations."""


def operand_buffers(image: BinaryImage) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(instruction, is_destination, buffer index) for every memory operand of every instruction:
    the buffer live at that instruction that holds the operand's first address."""
    inst, b = image.instructions, image.buffers
    rows = []
    for slot, column in enumerate(("dst", "src0", "src1")):
        has = np.array([operand_count(OPCODES[int(o)]) > slot for o in inst["opcode"]], bool)
        index = np.flatnonzero(has)
        rows.append((index, np.full(len(index), slot == 0), inst[column][index].astype(np.int64)))
    index = np.concatenate([r[0] for r in rows])
    is_dst = np.concatenate([r[1] for r in rows])
    address = np.concatenate([r[2] for r in rows])
    starts, ends = b["addr"].astype(np.int64), (b["addr"] + b["size"]).astype(np.int64)
    first, last = b["first"].astype(np.int64), b["last"].astype(np.int64)
    owner = np.full(len(index), -1, np.int64)
    for lo in range(0, len(index), 2048):  # chunks bound the operands x buffers matrix
        i, a = index[lo:lo + 2048, None], address[lo:lo + 2048, None]
        hit = (starts <= a) & (a < ends) & (first <= i) & (i <= last)
        owner[lo:lo + 2048] = np.where(hit.any(axis=1), hit.argmax(axis=1), -1)
    return index, is_dst, owner


def busiest_crossbar(crossbars: np.ndarray, cycles: np.ndarray) -> float:
    """The most cycles the MVMs give one crossbar (group): crossbars run at once, the MVMs on
    one crossbar (a layer's blocks of rows) one after the other."""
    if not len(crossbars):
        return 0.0
    ids, where = np.unique(crossbars, return_inverse=True)
    return float(np.bincount(where, weights=cycles, minlength=len(ids)).max())


def time_program(image: BinaryImage) -> Timing:
    arch, inst = image.arch, image.instructions
    cycles, energy = instruction_costs(image)
    opcode = inst["opcode"]
    mvm = opcode == cim.MvmOp.OPCODE
    program = opcode == cim.ProgramOp.OPCODE
    x = image.crossbars
    core_of = dict(zip(x["id"].tolist(), x["core"].tolist()))
    shape_of = {int(r["id"]): (int(r["rows"]), int(r["cols"])) for r in x}
    patterns = image.patterns[inst["pattern"]]
    in_rank = np.arange(cim.MAX_LOOPS)[None, :] < patterns["rank"][:, None]
    points = np.where(in_rank, patterns["counts"], 1).astype(np.float64).prod(axis=1)

    index, is_dst, owner = operand_buffers(image)
    layer_of = np.zeros(len(inst), np.int64)
    for k, row in enumerate(image.layers):
        layer_of[int(row["first"]): int(row["first"] + row["count"])] = k

    layers: list[LayerTiming] = []
    reads: list[set[int]] = []
    digital: list[float] = []  # copies, fills and vector work, shared by the layer's cores
    macs = 0.0
    for k, row in enumerate(image.layers):
        span = slice(int(row["first"]), int(row["first"] + row["count"]))
        ids = np.flatnonzero(mvm[span]) + span.start
        members = {m for i in ids for m in range(int(inst["xbar"][i]), int(inst["xbar"][i]) + int(inst["replicas"][i]))}
        cores = sorted({core_of[m] for m in members})
        replicas = int(inst["replicas"][ids].max(initial=0))
        # a crossbar's MVMs (one per block of rows) add up to the rows one copy computes
        activations = int(busiest_crossbar(inst["xbar"][ids], points[ids]))
        macs += sum(points[i] * math.prod(shape_of[int(inst["xbar"][i])]) for i in ids)
        digital.append(float(cycles[span][~(mvm[span] | program[span])].sum()))
        layers.append(LayerTiming(
            name=image.string(int(row["name"])), instructions=int(row["count"]), mvm_instructions=len(ids),
            crossbars=len(members) // max(replicas, 1), replicas=replicas,
            mvm_per_image=activations,
            cycles=busiest_crossbar(inst["xbar"][ids], cycles[ids]) + float(cycles[span][program[span]].sum()),
            energy_pj=float(energy[span].sum()), start=0.0, finish=0.0, cores=cores))
        mine = layer_of[index] == k
        reads.append(set(owner[mine & ~is_dst].tolist()) - {-1})

    # who wrote each buffer last, layer by layer: the producers a layer waits for
    writer: dict[int, int] = {}
    producers: list[dict[int, int]] = []  # producer layer -> bytes read from it
    sizes = image.buffers["size"].astype(np.int64)
    for k in range(len(layers)):
        edges: dict[int, int] = {}
        for buf in reads[k]:
            if buf in writer and writer[buf] != k:
                edges[writer[buf]] = edges.get(writer[buf], 0) + int(sizes[buf])
        producers.append(edges)
        for buf in set(owner[(layer_of[index] == k) & is_dst].tolist()) - {-1}:
            writer[buf] = k

    # a layer without crossbars (pooling, adds, concat) runs where its main input was made, on the
    # vector units of its producer's cores; a layer's home on the mesh is its first core
    for k, layer in enumerate(layers):
        if not layer.cores:
            main = max(producers[k], key=producers[k].get, default=None)
            layer.cores = list(layers[main].cores) if main is not None else [0]
        layer.cycles += digital[k] / len(layer.cores)
    n_cores = max(len(set(core_of.values())), 1)
    side = math.ceil(math.sqrt(n_cores))
    home = [layer.cores[0] for layer in layers]
    noc_energy = 0.0
    transfer = [0.0] * len(layers)
    for k, edges in enumerate(producers):
        for p, nbytes in edges.items():
            hops = abs(home[p] % side - home[k] % side) + abs(home[p] // side - home[k] // side)
            if hops:
                noc_energy += nbytes * hops * arch.noc_byte_pj
                links = min(len(layers[p].cores), len(layers[k].cores))  # each core sends its share
                transfer[k] = max(transfer[k], hops * arch.noc_hop_cycles + nbytes / (links * arch.noc_bytes_per_cycle))

    mode = cim.SCHEDULES[int(image.streams[0]["schedule"])] if len(image.streams) else "layer"
    clock = 0.0
    for k, layer in enumerate(layers):
        layer.cycles += transfer[k]
        layer.start = clock if mode == "layer" else max((layers[p].finish for p in producers[k]), default=0.0)
        layer.finish = layer.start + layer.cycles
        clock = layer.finish
    latency = max((layer.finish for layer in layers), default=0.0)
    interval = latency
    if mode == "batch":
        busy: dict[int, float] = {}
        for k, layer in enumerate(layers):
            for core in layer.cores:
                busy[core] = busy.get(core, 0.0) + digital[k] / len(layer.cores)
        mvm_stage = busiest_crossbar(inst["xbar"][mvm], cycles[mvm])
        interval = max([mvm_stage, *busy.values(), *transfer])
    cycle_time = max((-(-layer.mvm_per_image // layer.replicas) for layer in layers if layer.replicas), default=0)
    return Timing(layers=layers, latency_cycles=latency, interval_cycles=interval,
                  energy_pj=float(energy.sum()) + noc_energy, noc_energy_pj=noc_energy,
                  reload_cycles=float(cycles[program].sum()), reload_energy_pj=float(energy[program].sum()),
                  macs=macs, cycle_time=cycle_time)


def slots_used(image: BinaryImage) -> int:
    """Physical crossbar positions the program occupies (crossbars that take turns share one)."""
    x = image.crossbars
    slotted = x["slot"] != NO_SLOT
    return int((~slotted).sum()) + len(set(zip(x["core"][slotted].tolist(), x["slot"][slotted].tolist())))

