"""plan-memory: a byte address for every buffer of a cim stream (static memory planning).

Buffers whose live ranges (cim.buffer_lifetimes) overlap must not overlap in memory. Buffers
live throughout (consts) are stacked at the bottom. The rest are placed by the best of a few
greedy orders (TFLite's greedy-by-size first: the largest first, each at the lowest address
that clears every placed buffer it is live with), and when that is above the lower bound (the
largest sum of sizes live at one instruction) by a bounded search for a plan at the bound
(`search_at_bound`).
The result is never worse than greedy-by-size, and deterministic: the search is bounded by a
count of steps, not by time.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import IntegerAttr, ModuleOp, i64
from xdsl.passes import ModulePass

from cimc.arch import Arch
from cimc.dialects import cim
from cimc.errors import CimcError


GREEDY_ORDERS = {
    "size": lambda size, first, last: (-size, first),
    "duration": lambda size, first, last: (-(last - first), -size, first),
    "area": lambda size, first, last: (-size * (last - first + 1), first),
    "first": lambda size, first, last: (first, -size),
}
"""Orders the greedy placement can take buffers in; "size" is greedy-by-size."""
SEARCH_STEPS = 20000
"""The most placements the search for a plan at the lower bound tries."""


def greedy_by_size(buffers: list[tuple[int, int, int]], order: str = "size") -> list[int]:
    """Offsets for (size, first, last) buffers; overlapping lifetimes get disjoint ranges.

    Buffers live throughout (consts) are stacked at the bottom; the others go in `order`
    (largest first by default), each at the lowest offset clear of the placed buffers it is
    live with, found through buckets of time so that a placement looks only at buffers near
    it in time.
    """
    key = GREEDY_ORDERS[order]
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
    for i in sorted(dynamic, key=lambda i: (*key(*buffers[i]), i)):
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


def live_peak(buffers: list[tuple[int, int, int]]) -> int:
    """The lower bound of (size, first, last) buffers: see cim.live_peak."""
    return cim.live_peak(*zip(*buffers)) if buffers else 0


def stream_lower_bound(stream: cim.StreamOp) -> int:
    """The lower bound of a cim stream's buffers."""
    return live_peak([(alloc.size_bytes, *span) for alloc, span in cim.buffer_lifetimes(stream).items()])


def module_lower_bound(module: ModuleOp) -> int:
    """The lower bound of a cim-level module's buffers (its one stream's)."""
    return max((stream_lower_bound(stream) for stream in cim.streams(module)), default=0)


def plan_peak(buffers: list[tuple[int, int, int]], offsets: list[int]) -> int:
    return max((o + size for o, (size, _, _) in zip(offsets, buffers)), default=0)


def plan_offsets(buffers: list[tuple[int, int, int]]) -> list[int]:
    """The best plan found: the best greedy order, or a plan at the lower bound if the search
    finds one."""
    plans = [greedy_by_size(buffers, order) for order in GREEDY_ORDERS]
    best = min(plans, key=lambda offsets: plan_peak(buffers, offsets))
    bound = live_peak(buffers)
    if plan_peak(buffers, best) > bound:
        found = search_at_bound(buffers, bound)
        if found is not None:
            return found
    return best


def search_at_bound(buffers: list[tuple[int, int, int]], capacity: int) -> list[int] | None:
    """Offsets that keep every buffer below `capacity`, or None if the bounded search finds none.

    A depth-first search over the buffers in order of their first step. Each goes at a corner
    of the buffers already placed and live with it: on top of one, just below one, at 0 or
    at the top of the capacity, wherever it clears them all. The placements of the buffers
    still live when a buffer starts are all the future depends on, so a state that failed is
    remembered and not tried again. At most SEARCH_STEPS placements are tried.
    """
    end = max((last for _, _, last in buffers), default=0)
    offsets = [0] * len(buffers)
    base = 0
    for i, (size, first, last) in enumerate(buffers):
        if first == 0 and last == end:
            offsets[i], base = base, base + size
    order = sorted((i for i, (_, first, last) in enumerate(buffers) if not (first == 0 and last == end)),
                   key=lambda i: (buffers[i][1], -buffers[i][0], i))
    room = capacity - base
    if room < 0:
        return None
    placed: dict[int, int] = {}
    failed: set[tuple] = set()

    def corners(depth: int) -> list | None:
        i = order[depth]
        size, first, last = buffers[i]
        live = [(placed[j], placed[j] + buffers[j][0]) for j in placed
                if buffers[j][1] <= last and first <= buffers[j][2]]
        key = (depth, tuple(sorted((j, placed[j]) for j in placed if buffers[j][2] >= first)))
        if key in failed:
            return None
        spots = {0, room - size, *(hi for _, hi in live), *(lo - size for lo, _ in live)}
        fits = sorted(c for c in spots if 0 <= c and c + size <= room
                      and not any(lo < c + size and c < hi for lo, hi in live))
        if not fits:
            failed.add(key)
            return None
        return [fits, 0, key]

    if not order:
        return offsets
    first_frame = corners(0)
    frames = [first_frame] if first_frame is not None else []
    steps = 0
    while frames:
        depth = len(frames) - 1
        frame = frames[-1]
        placed.pop(order[depth], None)  # the last spot tried here failed further down
        if frame[1] == len(frame[0]):
            failed.add(frame[2])
            frames.pop()
            continue
        placed[order[depth]] = frame[0][frame[1]]
        frame[1] += 1
        if depth + 1 == len(order):
            for i, offset in placed.items():
                offsets[i] = base + offset
            return offsets
        steps += 1
        if steps > SEARCH_STEPS:
            return None
        child = corners(depth + 1)
        if child is not None:
            frames.append(child)
    return None


@dataclass(frozen=True)
class PlanMemoryPass(ModulePass):
    """Sets `addr` on every cim.alloc; fails if the plan exceeds the Arch's global memory."""

    name = "plan-memory"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        arch = Arch.of_module(op)
        for stream in cim.streams(op):
            lifetimes = cim.buffer_lifetimes(stream)
            allocs = list(lifetimes)
            offsets = plan_offsets([(a.size_bytes, *lifetimes[a]) for a in allocs])
            peak = max((o + a.size_bytes for o, a in zip(offsets, allocs)), default=0)
            if peak > arch.global_memory_bytes:
                raise CimcError(f"plan-memory: the program needs {peak} bytes of global memory, the arch has "
                                f"{arch.global_memory_bytes}")
            for alloc, offset in zip(allocs, offsets):
                alloc.addr = IntegerAttr(offset, i64)
