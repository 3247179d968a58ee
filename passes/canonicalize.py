"""canonicalize: xDSL's canonicalization, plus the graph level's own clean-ups.

Identity (and Dropout at inference) ops are removed, and constant subgraphs (an Unsqueeze,
Transpose or Mul of weights, ...) are evaluated with the graph level's golden model and
replaced by new weights in the weight store. Dead ops are erased.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.passes import ModulePass
from xdsl.pattern_rewriter import (
    GreedyRewritePatternApplier,
    PatternRewriter,
    PatternRewriteWalker,
    RewritePattern,
    op_type_rewrite_pattern,
)
from xdsl.transforms.canonicalize import CanonicalizePass

from cimc.context import weights_of
from cimc.dialects import graph
from cimc.dialects.shapes import is_known, shape_of, tensor
from cimc.ir_interpreter import ConstantEvaluator
from cimc.weights import WeightStore


class RemoveIdentity(RewritePattern):
    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: graph.IdentityOp, rewriter: PatternRewriter, /) -> None:
        if op.input.type == op.result.type:
            rewriter.replace(op, [], [op.input])


@dataclass
class FoldConstants(RewritePattern):
    """A graph op whose operands are all weights becomes a weight holding its value."""

    module: ModuleOp
    pass_name: str
    ctx: Context
    evaluator: ConstantEvaluator | None = None

    def match_and_rewrite(self, op, rewriter: PatternRewriter, /) -> None:
        if not isinstance(op, graph.GraphOp) or not op.operands:
            return
        if not all(isinstance(v.owner, graph.WeightOp) for v in op.operands) or not is_known(shape_of(op.results[0])):
            return
        weights: WeightStore = weights_of(self.ctx, self.pass_name)
        if self.evaluator is None:
            self.evaluator = ConstantEvaluator(self.module, weights)
        value = self.evaluator.evaluate(op, tuple(weights[v.owner.handle.data] for v in op.operands))
        handle = weights.add(f"{op.results[0].name_hint or 'constant'}.folded", value)
        rewriter.replace(op, graph.WeightOp(handle, tensor(value.shape)))


@dataclass(frozen=True)
class CanonicalizeGraphPass(ModulePass):
    """Removes identities, folds constant subgraphs into the weight store, erases dead ops, then
    runs xDSL's own canonicalize."""

    name = "canonicalize"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        PatternRewriteWalker(GreedyRewritePatternApplier(
            [RemoveIdentity(), FoldConstants(op, self.name, ctx)])).rewrite_module(op)
        CanonicalizePass().apply(ctx, op)
