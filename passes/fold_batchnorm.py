"""fold-batchnorm: batch normalization and per-channel scale/shift into the preceding conv or gemm.

A conv (or gemm) whose only user is a BatchNormalization, a Mul by a per-channel constant or
an Add of a per-channel constant absorbs it: W' = W * s per output channel, b' = b * s + t.
A BatchNormalization with no conv before it becomes a Mul and an Add of per-channel constants
(run on the vector unit). The new arrays go to the weight store; the old ones die.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp, StringAttr
from xdsl.ir import Operation, SSAValue
from xdsl.passes import ModulePass
from xdsl.pattern_rewriter import (
    GreedyRewritePatternApplier,
    PatternRewriter,
    PatternRewriteWalker,
    RewritePattern,
    op_type_rewrite_pattern,
)

from cimc.context import weights_of
from cimc.dialects import graph
from cimc.dialects.shapes import ints, shape_of, tensor
from cimc.weights import WeightStore

PASS = "fold-batchnorm"


def _weight(value: SSAValue | None) -> graph.WeightOp | None:
    owner = value.owner if value is not None else None
    return owner if isinstance(owner, graph.WeightOp) else None


def channel_vector(array: np.ndarray, out_rank: int, channels: int) -> np.ndarray | None:
    """`array` as a length-`channels` vector if, broadcast against a rank-`out_rank` tensor,
    it varies along dim 1 only (a per-channel constant); else None."""
    if array.ndim > out_rank:
        return None
    shape = (1,) * (out_rank - array.ndim) + array.shape
    if any(d != 1 for i, d in enumerate(shape) if i != 1) or shape[1] not in (1, channels):
        return None
    return np.broadcast_to(array.reshape(-1), (channels,)) if array.size == 1 else array.reshape(channels)


@dataclass
class _Folder:
    ctx: Context

    @property
    def weights(self) -> WeightStore:
        return weights_of(self.ctx, PASS)

    def array(self, value: SSAValue) -> np.ndarray:
        return self.weights[_weight(value).handle.data].astype(np.float64)

    def new_weight(self, name: str, array: np.ndarray) -> graph.WeightOp:
        return graph.WeightOp(self.weights.add(name, array.astype(np.float32)), tensor(array.shape))

    def producer(self, value: SSAValue, user: Operation) -> graph.ConvOp | graph.GemmOp | None:
        """The conv or gemm computing `value` if `user` alone uses it, its weights are constants
        and `user`'s result has its type (so one can stand for the other)."""
        op = value.owner
        if user.results[0].type != value.type:
            return None
        if not isinstance(op, (graph.ConvOp, graph.GemmOp)) or len(list(value.uses)) != 1 or op.epilogue is not None:
            return None
        if _weight(op.weight) is None or (op.bias is not None and _weight(op.bias) is None):
            return None
        if isinstance(op, graph.GemmOp) and (len(shape_of(op.result)) != 2 or
                                             (op.bias is not None and len(shape_of(op.bias)) == 2)):
            return None  # batched rows put the channels off dim 1; a full-matrix bias is not per column
        return op

    def rescale(self, op: graph.ConvOp | graph.GemmOp, scale: np.ndarray, shift: np.ndarray,
                result: Operation, rewriter: PatternRewriter) -> None:
        """Replace `result` (the user of op) by op with W * scale and b * scale + shift (callers
        check that the two have one type)."""
        channels = len(scale)
        b = self.array(op.bias).reshape(-1) if op.bias is not None else np.zeros(channels)
        b = np.broadcast_to(b, (channels,)) * scale + shift
        handle = _weight(op.weight).handle.data
        new_ops: list[Operation] = []
        if np.all(scale == 1):  # a shift alone leaves the weights as they are
            w_value = op.weight
        else:
            w = self.array(op.weight)
            w_op = self.new_weight(f"{handle}.folded", w * (scale.reshape(-1, 1, 1, 1) if w.ndim == 4 else scale))
            new_ops.append(w_op)
            w_value = w_op.result
        b_op = self.new_weight(f"{handle}.folded_bias", b)
        new_ops.append(b_op)
        if isinstance(op, graph.ConvOp):
            new = graph.ConvOp(op.input, w_value, b_op.result, ints(op.strides), ints(op.pads),
                               ints(op.dilations), op.group.value.data, op.result.type)
        else:
            new = graph.GemmOp(op.input, w_value, b_op.result, op.result.type)
        new.attributes.update(op.attributes)
        rewriter.replace(result, [*new_ops, new])
        rewriter.erase(op)

    @staticmethod
    def batchnorm_affine(folder: _Folder, op: graph.BatchNormOp) -> tuple[np.ndarray, np.ndarray]:
        scale, bias, mean, var = (folder.array(v) for v in (op.scale, op.bias, op.mean, op.var))
        s = scale / np.sqrt(var + op.epsilon.value.data)
        return s, bias - mean * s


@dataclass
class FoldBatchNorm(RewritePattern):
    folder: _Folder

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: graph.BatchNormOp, rewriter: PatternRewriter, /) -> None:
        if any(_weight(v) is None for v in (op.scale, op.bias, op.mean, op.var)):
            return
        scale, shift = _Folder.batchnorm_affine(self.folder, op)
        producer = self.folder.producer(op.input, op)
        if producer is not None:
            self.folder.rescale(producer, scale, shift, op, rewriter)
            return
        rank = len(shape_of(op.input))
        shape = (len(scale),) + (1,) * (rank - 2)
        layer = op.attributes.get(graph.LAYER_ATTR)
        name = layer.data if isinstance(layer, StringAttr) else "batchnorm"
        s_op = self.folder.new_weight(f"{name}.scale", scale.reshape(shape))
        t_op = self.folder.new_weight(f"{name}.shift", shift.reshape(shape))
        mul = graph.MulOp.create(operands=[op.input, s_op.result], result_types=[op.result.type])
        add = graph.AddOp.create(operands=[mul.result, t_op.result], result_types=[op.result.type])
        for new in (mul, add):
            new.attributes.update(op.attributes)
        rewriter.replace(op, [s_op, t_op, mul, add])


@dataclass
class FoldChannelScaleShift(RewritePattern):
    """conv/gemm followed by Mul or Add of a per-channel constant."""

    folder: _Folder

    def match_and_rewrite(self, op, rewriter: PatternRewriter, /) -> None:
        if not isinstance(op, (graph.MulOp, graph.AddOp)):
            return
        for value, const in ((op.lhs, op.rhs), (op.rhs, op.lhs)):
            producer = self.folder.producer(value, op)
            if producer is None or _weight(const) is None or shape_of(op.result) != shape_of(value):
                continue
            out = shape_of(value)
            vector = channel_vector(self.folder.array(const), len(out), out[1])
            if vector is None:
                continue
            if isinstance(op, graph.MulOp):
                self.folder.rescale(producer, vector, np.zeros(len(vector)), op, rewriter)
            else:
                self.folder.rescale(producer, np.ones(len(vector)), vector, op, rewriter)
            return


@dataclass(frozen=True)
class FoldBatchNormPass(ModulePass):
    """Folds BatchNormalization and per-channel Mul/Add into the preceding conv or gemm, and
    turns any other BatchNormalization into a per-channel Mul and Add."""

    name = PASS

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        folder = _Folder(ctx)
        PatternRewriteWalker(GreedyRewritePatternApplier(
            [FoldBatchNorm(folder), FoldChannelScaleShift(folder)])).rewrite_module(op)
