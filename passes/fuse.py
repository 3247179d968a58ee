"""fuse: a conv or gemm absorbs the activation that follows it (conv/gemm + bias + activation
become one op).

Fusion merges a producer and its consumer into one op. It is legal only when the producer's
result has no other user: the fused op computes the activation in place of the plain result,
which any other user would need. That rule also keeps the graph acyclic: with a single use
there is no second path from producer to consumer whose ops the fused op would have to wait
for while they wait for it.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.passes import ModulePass
from xdsl.pattern_rewriter import GreedyRewritePatternApplier, PatternRewriter, PatternRewriteWalker, RewritePattern

from cimc.dialects import graph


class FuseActivation(RewritePattern):
    """conv/gemm (without an activation yet) -> relu | clip | leaky_relu | sigmoid | tanh."""

    def match_and_rewrite(self, op, rewriter: PatternRewriter, /) -> None:
        if not isinstance(op, graph.ElementwiseOp):
            return
        activation = graph.activation_of(op)
        producer = op.input.owner
        if activation is None or not isinstance(producer, graph.EpilogueOp) or producer.epilogue is not None:
            return
        if len(list(producer.results[0].uses)) != 1 or producer.results[0].type != op.result.type:
            return
        producer.set_epilogue(*activation)
        rewriter.notify_op_modified(producer)
        rewriter.replace(op, [], [producer.results[0]])


@dataclass(frozen=True)
class FusePass(ModulePass):
    """Fuses every conv or gemm whose only user is an activation into one op."""

    name = "fuse"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        PatternRewriteWalker(GreedyRewritePatternApplier([FuseActivation()])).rewrite_module(op)
