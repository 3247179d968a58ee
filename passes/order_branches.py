"""order-branches: the order of independent branches that lowers the estimated memory peak.

Where branches meet (a concat or add of several branches, as in Inception and ResNet blocks),
every finished branch's output stays live while the others run. The branch whose own peak
most exceeds its output should therefore run first, when the fewest finished outputs are
live: branches are sorted by (own peak - output), largest first (the Sethi-Ullman order,
optimal for independent branches from a shared input). A branch is the ops only that join
needs: reachable from one of its operands and from no other, and read by nothing outside
the branch but the join. Ops written between the branches stay ahead of them if a branch
needs them and follow them otherwise.

Peaks are estimated at the graph level: each tensor live from its op to its last reader
(views share their input's storage; weights live in crossbars or throughout, whatever the
order), plus the scratch an op needs while it runs (a padded
copy of its input, an im2col window no bigger than the padded image, LRN's squares). A new
order is kept only where the estimate of the whole function does not rise. The estimate is
not the lowered program's bound, which may still rise on a small block (the in-place and
windowed lowering differ from it); benchmarks/memory.py reports the real bound.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects import func
from xdsl.dialects.builtin import ModuleOp, TensorType
from xdsl.ir import Block, Operation, SSAValue
from xdsl.passes import ModulePass

from cimc.dialects import graph
from cimc.dialects.cim import ELEMENT_BYTES
from cimc.dialects.shapes import ints, is_known, numel, shape_of
from cimc.errors import CimcError

VIEWS = (graph.FlattenOp, graph.ReshapeOp, graph.UnsqueezeOp, graph.IdentityOp)


def tensor_bytes(value: SSAValue) -> int:
    return numel(shape_of(value)) * ELEMENT_BYTES if isinstance(value.type, TensorType) else 0


def scratch_bytes(op: Operation) -> int:
    """The memory an op needs only while it runs, as lower-to-isa makes it."""
    if isinstance(op, (graph.ConvOp, graph.PoolOp)):
        n, c, h, w = shape_of(op.input)
        pt, pl, pb, pr = ints(op.pads)
        padded = n * c * (h + pt + pb) * (w + pl + pr) * ELEMENT_BYTES if any((pt, pl, pb, pr)) else 0
        if not isinstance(op, graph.ConvOp) or (op.window() == (1, 1) and ints(op.strides) == (1, 1)):
            return padded
        _, _, oh, ow = shape_of(op.result)
        kh, kw = op.window()
        window = n * oh * ow * c * kh * kw * ELEMENT_BYTES
        return padded + min(window, padded or tensor_bytes(op.input))
    if isinstance(op, graph.LrnOp):
        n, c, h, w = shape_of(op.input)
        return n * (c + op.size.value.data - 1) * h * w * ELEMENT_BYTES
    return 0


def storage(value: SSAValue) -> SSAValue:
    """The value whose storage `value` lives in (through views)."""
    while isinstance(value.owner, VIEWS):
        value = value.owner.operands[0]
    return value


def estimated_peak(ops: Sequence[Operation], inputs: Sequence[SSAValue] = (), keep: Sequence[SSAValue] = ()) -> int:
    """The largest memory live at one op when `ops` run in order: `inputs` (live from the
    start) and the ops' results, each until the last op reading it or a view of it (`keep`
    until the end), plus the running op's scratch."""
    end = len(ops)
    last: dict[SSAValue, int] = {}
    born: dict[SSAValue, int] = {value: 0 for value in inputs}
    for i, op in enumerate(ops):
        if not isinstance(op, (*VIEWS, graph.WeightOp)):  # weights live in crossbars or all along
            for result in op.results:
                born[result] = i
        for operand in op.operands:
            root = storage(operand)
            last[root] = max(last.get(root, i), i)
    for value in keep:
        last[storage(value)] = end
    delta = [0] * (end + 2)
    for value, start in born.items():  # a result nobody reads still takes its op's step
        size = tensor_bytes(value)
        delta[start] += size
        delta[max(last.get(value, start), start) + 1] -= size
    for i, op in enumerate(ops):
        delta[i] += scratch_bytes(op)
        delta[i + 1] -= scratch_bytes(op)
    peak = live = 0
    for change in delta:
        live += change
        peak = max(peak, live)
    return peak


def ancestors(op: Operation) -> set[Operation]:
    """The ops (weights aside) whose results op reads, transitively, op included."""
    seen, stack = {op}, [op]
    while stack:
        for operand in stack.pop().operands:
            owner = operand.owner
            if isinstance(owner, Operation) and not isinstance(owner, graph.WeightOp) and owner not in seen:
                seen.add(owner)
                stack.append(owner)
    return seen


def branches(join: Operation, order: Sequence[Operation]) -> list[list[Operation]]:
    """The ops only each operand of `join` needs (see the module docstring), in program order."""
    producers = list(dict.fromkeys(v.owner for v in join.operands
                                   if isinstance(v.owner, Operation) and not isinstance(v.owner, graph.WeightOp)))
    reach = [ancestors(p) for p in producers]
    found = []
    for i, p in enumerate(producers):
        shared = set().union(*(r for j, r in enumerate(reach) if j != i))
        members: set[Operation] = set()
        for op in reversed(order):
            if op in reach[i] and op not in shared and all(
                    use.operation is join or use.operation in members for r in op.results for use in r.uses):
                members.add(op)
        found.append([op for op in order if op in members])
    return [b for b in found if b]


def branch_key(branch: list[Operation], join: Operation) -> int:
    """Own peak minus what stays live after it: the branch's outputs the join reads."""
    outputs = [r for op in branch for r in op.results if any(use.operation is join for use in r.uses)]
    return estimated_peak(branch, keep=outputs) - sum(tensor_bytes(v) for v in outputs)


def reorder_function(body: Block, inputs: Sequence[SSAValue]) -> None:
    ops = list(body.ops)
    for join in [op for op in ops if len(op.operands) > 1]:
        found = branches(join, ops)
        if len(found) < 2:
            continue
        ranked = sorted(found, key=lambda b: -branch_key(b, join))
        if ranked == found:
            continue
        moved = {op for b in found for op in b}
        # ops between the branches stay ahead of them if a branch needs them, else follow them
        first, at = min(ops.index(b[0]) for b in found), ops.index(join)
        needed = set().union(*(ancestors(op) for b in found for op in b))
        between = [op for op in ops[first:at] if op not in moved]
        ahead = [op for op in between if op in needed or isinstance(op, graph.WeightOp)]
        candidate = (ops[:first] + ahead + [op for b in ranked for op in b]
                     + [op for op in between if op not in ahead] + ops[at:])
        if estimated_peak(candidate, inputs) <= estimated_peak(ops, inputs):
            ops = candidate
    for op in ops:
        op.detach()
        body.add_op(op)


@dataclass(frozen=True)
class OrderBranchesPass(ModulePass):
    """Reorders the independent branches of every join, largest (own peak - output) first,
    where that does not raise the function's estimated memory peak."""

    name = "order-branches"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        for fn in op.ops:
            if isinstance(fn, func.FuncOp):
                for inner in fn.walk():
                    for value in (*inner.operands, *inner.results):
                        if isinstance(value.type, TensorType) and not is_known(shape_of(value)):
                            raise CimcError(f"order-branches: {inner.name} has a dynamic shape; run shape-infer first")
                reorder_function(fn.body.block, fn.body.block.args)
