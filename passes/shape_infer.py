"""shape-infer: resolve every unknown (`?`) dim of the graph level from the input shapes."""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects import func
from xdsl.dialects.builtin import FunctionType, ModuleOp
from xdsl.passes import ModulePass
from xdsl.pattern_rewriter import (
    GreedyRewritePatternApplier,
    PatternRewriter,
    PatternRewriteWalker,
    RewritePattern,
    op_type_rewrite_pattern,
)
from xdsl.utils.exceptions import VerifyException

from cimc.dialects.graph import LAYER_ATTR, GraphOp, fmt_shape
from cimc.dialects.shapes import is_known, shape_of, tensor
from cimc.errors import CimcError


def _where(op) -> str:
    """`layer "conv1": ` for an op that came from an ONNX node; the messages name the op."""
    layer = op.attributes.get(LAYER_ATTR)
    return f"layer \"{layer.data}\": " if layer is not None else ""


class InferResultShape(RewritePattern):
    """Give a graph op whose operands have static shapes its inferred result shape."""

    def match_and_rewrite(self, op, rewriter: PatternRewriter, /) -> None:
        if not isinstance(op, GraphOp) or is_known(shape_of(op.results[0])):
            return
        try:
            op.verify_attributes()
        except VerifyException as e:
            raise CimcError(f"shape-infer: {_where(op)}{e}") from None
        unknown = [i for i, o in enumerate(op.operands) if not is_known(shape_of(o))]
        if unknown:
            raise CimcError(f"shape-infer: {_where(op)}{op.name}: operand {unknown[0]} has unknown shape "
                            f"{fmt_shape(shape_of(op.operands[unknown[0]]))}")
        try:
            shape = op.infer_shape()
        except VerifyException as e:
            raise CimcError(f"shape-infer: {_where(op)}{e}") from None
        old = shape_of(op.results[0])
        if len(old) != len(shape) or any(a >= 0 and a != b for a, b in zip(old, shape)):
            raise CimcError(f"shape-infer: {_where(op)}{op.name}: inferred shape {fmt_shape(shape)} "
                            f"contradicts the declared {fmt_shape(old)}")
        rewriter.replace_value_with_new_type(op.results[0], tensor(shape))


class UpdateFunctionType(RewritePattern):
    """Make a function's declared result types those its return now yields."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: func.ReturnOp, rewriter: PatternRewriter, /) -> None:
        fn = op.parent_op()
        if not isinstance(fn, func.FuncOp):
            return
        inputs, outputs = fn.function_type.inputs.data, tuple(v.type for v in op.arguments)
        if fn.function_type.outputs.data != outputs:
            fn.function_type = FunctionType.from_lists(list(inputs), list(outputs))
            rewriter.notify_op_modified(fn)


@dataclass(frozen=True)
class ShapeInferPass(ModulePass):
    """Infers static result shapes op by op, in program order, and updates function signatures.

    A contradiction between a declared and an inferred dim, or inconsistent operands, is an error
    naming the op and its layer.
    """

    name = "shape-infer"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        PatternRewriteWalker(
            GreedyRewritePatternApplier([InferResultShape(), UpdateFunctionType()]),
            apply_recursively=False,
        ).rewrite_module(op)
