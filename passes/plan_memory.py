"""plan-memory: a byte address for every buffer of a cim stream (static memory planning).

Buffers whose live ranges (cim.buffer_lifetimes) overlap must not overlap in memory. Buffers
live throughout (consts) are stacked at the bottom; the rest are placed greedy-by-size: the
largest first, each at the lowest address that clears every placed buffer it is live with.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import IntegerAttr, ModuleOp, i64
from xdsl.passes import ModulePass

from cimc.arch import Arch
from cimc.dialects import cim
from cimc.errors import CimcError


def greedy_by_size(buffers: list[tuple[int, int, int]]) -> list[int]:
    """Offsets for (size, first, last) buffers; overlapping lifetimes get disjoint ranges.

    Buffers live throughout (consts) are stacked at the bottom; the others go largest first,
    each at the lowest offset clear of the placed buffers it is live with, found through
    buckets of time so that a placement looks only at buffers near it in time.
    """
    offsets = [0] * len(buffers)
    if not buffers:
        return offsets
    end = max(last for _, _, last in buffers)
    base = 0
    dynamic = []
    for i, (size, first, last) in enumerate(buffers):
        if first == 0 and last == end:
            offsets[i], base = base, base + size
        else:
            dynamic.append(i)
    width = max(1, -(-(end + 1) * 4 // max(len(dynamic), 1)))
    buckets: dict[int, list[int]] = {}
    for i in sorted(dynamic, key=lambda i: (-buffers[i][0], buffers[i][1], i)):
        size, first, last = buffers[i]
        near = {j for b in range(first // width, last // width + 1) for j in buckets.get(b, ())}
        busy = sorted((offsets[j], offsets[j] + buffers[j][0]) for j in near
                      if buffers[j][1] <= last and first <= buffers[j][2])
        offset = base
        for lo, hi in busy:
            if offset + size <= lo:
                break
            offset = max(offset, hi)
        offsets[i] = offset
        for b in range(first // width, last // width + 1):
            buckets.setdefault(b, []).append(i)
    return offsets


@dataclass(frozen=True)
class PlanMemoryPass(ModulePass):
    """Sets `addr` on every cim.alloc; fails if the plan exceeds the Arch's global memory."""

    name = "plan-memory"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        arch = Arch.of_module(op)
        for stream in cim.streams(op):
            lifetimes = cim.buffer_lifetimes(stream)
            allocs = list(lifetimes)
            offsets = greedy_by_size([(a.size_bytes, *lifetimes[a]) for a in allocs])
            peak = max((o + a.size_bytes for o, a in zip(offsets, allocs)), default=0)
            if peak > arch.global_memory_bytes:
                raise CimcError(f"plan-memory: the program needs {peak} bytes of global memory, the arch has "
                                f"{arch.global_memory_bytes}")
            for alloc, offset in zip(allocs, offsets):
                alloc.addr = IntegerAttr(offset, i64)
