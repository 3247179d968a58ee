"""map-cores: every crossbar to a core (the cim level), and reprogramming when the chip is too small.

Crossbars are renumbered in the order the stream first uses them, so a layer's crossbars
(and a tile's replicas) have consecutive ids. A layer's crossbars are then kept together:
a layer that fits on one core starts a fresh core rather than straddle two, and a larger
one goes on from the current core over as many cores as it needs. On a fixed chip (`cores` set) where that layered packing does not
fit but a dense one does, crossbars are packed densely.

When the model needs more crossbars than the chip has, map-cores fails with needed vs
available, unless the arch has `allow_reload`: the stream is then cut into phases of at
most the chip's crossbars, in order of use, each starting with a `cim.program` that writes
its crossbars into the chip's (core, slot) positions, which every phase reuses.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import IntegerAttr, ModuleOp, i64
from xdsl.passes import ModulePass

from cimc.arch import Arch
from cimc.dialects import cim
from cimc.errors import CimcError


def _renumber(module: ModuleOp, stream: cim.StreamOp) -> list[list[int]]:
    """Give crossbars ids in order of first use; the new ids of each layer, in order."""
    decls = cim.crossbars(module)
    new_ids: dict[int, int] = {}
    layers: list[list[int]] = []
    for layer in stream.body.block.ops:
        if not isinstance(layer, cim.LayerOp):
            continue
        ids: list[int] = []
        for inst in layer.body.block.ops:
            if not isinstance(inst, cim.MvmOp):
                continue
            olds = range(inst.xbar_id, inst.xbar_id + inst.replica_count)
            seen = [old for old in olds if old in new_ids]
            if len(seen) == len(olds) and [new_ids[old] - new_ids[olds[0]] for old in olds] == list(range(len(olds))):
                continue  # the same crossbars as an earlier MVM
            if seen:
                raise CimcError(f"map-cores: crossbar {seen[0]} is a replica of two MVMs")
            for old in olds:
                new_ids[old] = len(new_ids)
                ids.append(new_ids[old])
        if ids:
            layers.append(ids)
    unused = [old for old in decls if old not in new_ids]
    for old in unused:
        new_ids[old] = len(new_ids)
    if unused:
        layers.append([new_ids[old] for old in unused])
    for inst in stream.instructions():
        if isinstance(inst, cim.MvmOp):
            inst.xbar = IntegerAttr(new_ids[inst.xbar_id], i64)
        elif isinstance(inst, cim.ProgramOp):
            raise CimcError("map-cores: the stream already has cim.program instructions (run map-cores once)")
    for old, decl in decls.items():
        decl.id = IntegerAttr(new_ids[old], i64)
        decl.detach()
    for decl in sorted(decls.values(), key=lambda d: d.id.value.data):
        module.body.block.insert_op_before(decl, stream)
    return layers


def layered_cores(layers: list[list[int]], per_core: int) -> dict[int, int]:
    """Cores for crossbars packed layer by layer: a layer that fits on one core never straddles two."""
    cores: dict[int, int] = {}
    core, used = 0, 0
    for ids in layers:
        if len(ids) <= per_core and used + len(ids) > per_core:
            core, used = core + 1, 0
        for ident in ids:
            if used == per_core:
                core, used = core + 1, 0
            cores[ident] = core
            used += 1
    return cores


def _reload_phases(stream: cim.StreamOp, capacity: int) -> list[tuple[int, int, cim.MvmOp]]:
    """Phases of at most `capacity` crossbars, in order of use: (first id, count, first MVM)."""
    phases: list[tuple[int, int, cim.MvmOp]] = []
    for inst in stream.instructions():
        if not isinstance(inst, cim.MvmOp):
            continue
        first, count = inst.xbar_id, inst.replica_count
        if count > capacity:
            raise CimcError(f"map-cores: an MVM replicated over {count} crossbars cannot fit a chip of {capacity}")
        end = phases[-1][0] + phases[-1][1] if phases else 0
        if phases and phases[-1][0] <= first and first + count <= end:
            continue  # programmed in this phase already
        if first < end:
            raise CimcError(f"map-cores: crossbar {first} is used again after its phase was reprogrammed")
        if phases and first + count - phases[-1][0] <= capacity:
            start, _, head = phases[-1]
            phases[-1] = (start, first + count - start, head)
        else:
            phases.append((first, count, inst))
    return phases


@dataclass(frozen=True)
class MapCoresPass(ModulePass):
    """Places every crossbar on a core of the module's Arch (and schedules reprogramming with
    allow_reload when the chip is too small)."""

    name = "map-cores"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        arch = Arch.of_module(op)
        streams = cim.streams(op)
        if len(streams) != 1:
            raise CimcError(f"map-cores: expected one cim.stream, found {len(streams)} (run lower-to-isa first)")
        (stream,) = streams
        layers = _renumber(op, stream)
        decls = cim.crossbars(op)
        per_core = arch.xbars_per_core
        capacity = None if arch.cores is None else arch.cores * per_core
        if capacity is not None and len(decls) > capacity:
            if not arch.allow_reload:
                raise CimcError(f"map-cores: the model needs {len(decls)} crossbars, the chip has {capacity} "
                                f"({arch.cores} cores x {per_core}); set allow_reload to reprogram crossbars "
                                "between layer groups")
            self.schedule_reloads(stream, decls, capacity, per_core)
            return
        cores = layered_cores(layers, per_core)
        if arch.cores is not None and max(cores.values(), default=0) >= arch.cores:
            cores = {ident: ident // per_core for ident in decls}
        for ident, decl in decls.items():
            decl.core = IntegerAttr(cores[ident], i64)
            if decl.slot is not None:
                del decl.properties["slot"]

    @staticmethod
    def schedule_reloads(stream: cim.StreamOp, decls: dict[int, cim.CrossbarOp], capacity: int, per_core: int) -> None:
        for first, count, head in _reload_phases(stream, capacity):
            for ident in range(first, first + count):
                position = ident - first
                decls[ident].core = IntegerAttr(position // per_core, i64)
                decls[ident].slot = IntegerAttr(position % per_core, i64)
            parent = head.parent_block()
            assert parent is not None
            parent.insert_op_before(cim.ProgramOp(first, count), head)
        unused = [decl for decl in decls.values() if decl.slot is None]
        if unused:
            raise CimcError(f"map-cores: crossbar {unused[0].id.value.data} is used by no MVM; a reprogrammed chip "
                            "has no place for it")
