"""The graph dialect: tensor ops close to ONNX, the level the frontend produces.

Functions are builtin `func.func` over f32 tensors. Weights are `graph.weight` ops naming an
array in the weight store, so the IR text stays small. Result shapes may be unknown (`?`)
until `shape-infer`; every op knows how to infer its result shape from its operands, and its
verifier checks a known result shape against that inference.

```mlir
%w = graph.weight "conv1.weight" : tensor<6x1x5x5xf32>
%y = graph.conv %x, %w strides [1, 1] pads [2, 2, 2, 2] dilations [1, 1] group 1
       : (tensor<1x1x28x28xf32>, tensor<6x1x5x5xf32>) -> tensor<1x6x28x28xf32>
```
"""

from __future__ import annotations

import abc

from xdsl.dialects.builtin import (
    I64,
    DenseArrayBase,
    Float32Type,
    FloatAttr,
    IntegerAttr,
    StringAttr,
    TensorType,
    UnitAttr,
    i64,
)
from xdsl.ir import Dialect
from xdsl.irdl import (
    IRDLOperation,
    ParsePropInAttrDict,
    irdl_op_definition,
    operand_def,
    opt_operand_def,
    opt_prop_def,
    prop_def,
    result_def,
    traits_def,
    var_operand_def,
)
from xdsl.traits import Pure
from xdsl.utils.exceptions import VerifyException

from cimc.dialects.shapes import Shape, broadcast, ints, is_known, numel, shape_of, window_out

LAYER_ATTR = "cimc.layer"
"""Discardable attribute naming the ONNX node an op came from; the report's layers use it."""


class GraphOp(IRDLOperation, abc.ABC):
    """A graph op with one tensor result whose shape follows from its operands."""

    @abc.abstractmethod
    def infer_shape(self) -> Shape:
        """The result shape, given operands of known shape whose attributes passed
        verify_attributes; VerifyException if the operands are inconsistent."""

    def verify_(self) -> None:
        self.verify_attributes()
        if not all(is_known(shape_of(o)) for o in self.operands):
            return
        expected = self.infer_shape()
        actual = shape_of(self.results[0])
        if len(actual) != len(expected) or any(a >= 0 and a != e for a, e in zip(actual, expected)):
            raise VerifyException(
                f"{self.name}: result shape {fmt_shape(actual)} does not match the inferred {fmt_shape(expected)}")

    def verify_attributes(self) -> None:
        """Checks of the op's properties alone; overridden where there are any."""


def fmt_shape(shape: Shape) -> str:
    return "x".join("?" if d < 0 else str(d) for d in shape)


def check_len(op: IRDLOperation, name: str, values: tuple[int, ...], n: int, minimum: int) -> None:
    if len(values) != n:
        raise VerifyException(f"{op.name}: '{name}' must have {n} entries, got {len(values)}")
    if any(v < minimum for v in values):
        raise VerifyException(f"{op.name}: '{name}' entries must be >= {minimum}, got {list(values)}")


def check_rank(op: IRDLOperation, operand: str, shape: Shape, rank: int) -> None:
    if len(shape) != rank:
        raise VerifyException(f"{op.name}: operand '{operand}' must have rank {rank}, got {fmt_shape(shape)}")


@irdl_op_definition
class WeightOp(IRDLOperation):
    """A constant tensor held in the weight store under `handle`.

    ```mlir
    %w = graph.weight "fc1.weight" : tensor<120x400xf32>
    ```
    """

    name = "graph.weight"
    handle = prop_def(StringAttr)
    result = result_def(TensorType)
    traits = traits_def(Pure())
    assembly_format = "$handle attr-dict `:` type($result)"

    def __init__(self, handle: str, type: TensorType):
        super().__init__(properties={"handle": StringAttr(handle)}, result_types=[type])

    def verify_(self) -> None:
        if not is_known(shape_of(self.result)):
            raise VerifyException(f"graph.weight \"{self.handle.data}\": a weight's shape must be static")


ACTIVATIONS = {"relu": 0, "sigmoid": 0, "tanh": 0, "leaky_relu": 1, "clip": 2}
"""Activations a conv or gemm can apply to its output (fused by `fuse`): name -> parameters."""


class EpilogueOp(GraphOp, abc.ABC):
    """A conv or gemm, optionally followed by an activation on its output (`fuse` puts it there):
    relu, sigmoid, tanh, leaky_relu [alpha] or clip [min, max]."""

    activation = opt_prop_def(StringAttr)
    activation_params = opt_prop_def(DenseArrayBase[Float32Type])

    @property
    def epilogue(self) -> tuple[str, tuple[float, ...]] | None:
        if self.activation is None:
            return None
        params = tuple(self.activation_params.get_values()) if self.activation_params is not None else ()
        return self.activation.data, params

    def set_epilogue(self, kind: str, params: tuple[float, ...]) -> None:
        self.activation = StringAttr(kind)
        self.activation_params = DenseArrayBase.from_list(Float32Type(), list(params))

    def verify_attributes(self) -> None:
        if self.activation is None:
            if self.activation_params is not None:
                raise VerifyException(f"{self.name}: 'activation_params' without an 'activation'")
            return
        kind, params = self.epilogue
        if kind not in ACTIVATIONS:
            raise VerifyException(f"{self.name}: 'activation' must be one of {', '.join(ACTIVATIONS)}, got \"{kind}\"")
        if len(params) != ACTIVATIONS[kind]:
            raise VerifyException(f"{self.name}: activation \"{kind}\" takes {ACTIVATIONS[kind]} parameter(s), "
                                  f"got {len(params)}")


class WindowOp(GraphOp, abc.ABC):
    """A 2-D sliding-window op over NCHW input: conv and the pools."""

    strides = prop_def(DenseArrayBase[I64])
    pads = prop_def(DenseArrayBase[I64])
    """[top, left, bottom, right], ONNX's [x1_begin, x2_begin, x1_end, x2_end]."""
    dilations = prop_def(DenseArrayBase[I64])

    def window(self) -> tuple[int, int]:
        """The kernel's (height, width)."""
        raise NotImplementedError

    def verify_attributes(self) -> None:
        check_len(self, "strides", ints(self.strides), 2, 1)
        check_len(self, "pads", ints(self.pads), 4, 0)
        check_len(self, "dilations", ints(self.dilations), 2, 1)

    @property
    def ceil(self) -> bool:
        """Whether a last, partial window counts (pools' ceil_mode)."""
        return False

    def window_shape(self, h: int, w: int) -> tuple[int, int]:
        (kh, kw), (sh, sw), (pt, pl, pb, pr), (dh, dw) = (
            self.window(), ints(self.strides), ints(self.pads), ints(self.dilations))
        oh, ow = window_out(h, kh, sh, pt, pb, dh, self.ceil), window_out(w, kw, sw, pl, pr, dw, self.ceil)
        if oh <= 0 or ow <= 0:
            raise VerifyException(
                f"{self.name}: window {kh}x{kw} does not fit the {h}x{w} input (with pads and dilations)")
        return oh, ow


@irdl_op_definition
class ConvOp(WindowOp, EpilogueOp):
    """2-D convolution, ONNX Conv: y = conv(x, w) + b over NCHW input and OIHW weight.

    With `group` g, the C input channels and O output channels are split into g groups and
    output group i sees only input group i (depthwise when g == C).
    """

    name = "graph.conv"
    input = operand_def(TensorType)
    weight = operand_def(TensorType)
    bias = opt_operand_def(TensorType)
    result = result_def(TensorType)
    group = prop_def(IntegerAttr[I64])
    traits = traits_def(Pure())
    irdl_options = (ParsePropInAttrDict(),)
    assembly_format = (
        "$input `,` $weight (`,` $bias^)? `strides` $strides `pads` $pads `dilations` $dilations "
        "`group` $group (`activation` $activation^ $activation_params)? attr-dict `:` functional-type(operands, results)")

    def __init__(self, input, weight, bias, strides, pads, dilations, group: int, result_type):
        super().__init__(
            operands=[input, weight, [bias] if bias is not None else []], result_types=[result_type],
            properties={"strides": DenseArrayBase.from_list(i64, strides),
                        "pads": DenseArrayBase.from_list(i64, pads),
                        "dilations": DenseArrayBase.from_list(i64, dilations),
                        "group": IntegerAttr(group, i64)})

    def window(self) -> tuple[int, int]:
        shape = shape_of(self.weight)
        return shape[2], shape[3]

    def verify_attributes(self) -> None:
        WindowOp.verify_attributes(self)
        EpilogueOp.verify_attributes(self)
        if self.group.value.data < 1:
            raise VerifyException(f"graph.conv: 'group' must be >= 1, got {self.group.value.data}")
        check_rank(self, "weight", shape_of(self.weight), 4)

    def infer_shape(self) -> Shape:
        x, w = shape_of(self.input), shape_of(self.weight)
        check_rank(self, "input", x, 4)
        g = self.group.value.data
        n, c, h, wd = x
        o, cg = w[0], w[1]
        if c != cg * g:
            raise VerifyException(
                f"graph.conv: operand 'input' has {c} channels but 'weight' expects {cg} x group {g}")
        if o % g:
            raise VerifyException(f"graph.conv: operand 'weight' has {o} output channels, not a multiple of group {g}")
        if self.bias is not None and shape_of(self.bias) != (o,):
            raise VerifyException(f"graph.conv: operand 'bias' must have shape {o}, got {fmt_shape(shape_of(self.bias))}")
        return (n, o, *self.window_shape(h, wd))


class PoolOp(WindowOp, abc.ABC):
    input = operand_def(TensorType)
    result = result_def(TensorType)
    kernel = prop_def(DenseArrayBase[I64])
    ceil_mode = opt_prop_def(UnitAttr)
    traits = traits_def(Pure())
    irdl_options = (ParsePropInAttrDict(),)
    assembly_format = (
        "$input `kernel` $kernel `strides` $strides `pads` $pads `dilations` $dilations (`ceil_mode` $ceil_mode^)? "
        "attr-dict `:` functional-type(operands, results)")

    def __init__(self, input, kernel, strides, pads, dilations, result_type, ceil_mode: bool = False, **flags: bool):
        props = {"kernel": DenseArrayBase.from_list(i64, kernel), "strides": DenseArrayBase.from_list(i64, strides),
                 "pads": DenseArrayBase.from_list(i64, pads), "dilations": DenseArrayBase.from_list(i64, dilations)}
        for name, value in (("ceil_mode", ceil_mode), *flags.items()):
            if value:
                props[name] = UnitAttr()
        super().__init__(operands=[input], result_types=[result_type], properties=props)

    @property
    def ceil(self) -> bool:
        return self.ceil_mode is not None

    def window(self) -> tuple[int, int]:
        kh, kw = ints(self.kernel)
        return kh, kw

    def verify_attributes(self) -> None:
        super().verify_attributes()
        check_len(self, "kernel", ints(self.kernel), 2, 1)
        (kh, kw), (pt, pl, pb, pr) = ints(self.kernel), ints(self.pads)
        if max(pt, pb) >= kh or max(pl, pr) >= kw:
            raise VerifyException(f"{self.name}: pads {[pt, pl, pb, pr]} must be smaller than the kernel {[kh, kw]}")

    def infer_shape(self) -> Shape:
        x = shape_of(self.input)
        check_rank(self, "input", x, 4)
        return (x[0], x[1], *self.window_shape(x[2], x[3]))


@irdl_op_definition
class MaxPoolOp(PoolOp):
    """2-D max pooling over NCHW input; padded positions never win (they count as -inf)."""

    name = "graph.maxpool"


@irdl_op_definition
class AvgPoolOp(PoolOp):
    """2-D average pooling over NCHW input. Each window's sum is divided by the number of its
    positions inside the input, or with `count_include_pad` inside the padded input (the
    explicit pads count as zeros; what ceil_mode's last window reaches past them does not),
    as ONNX AveragePool's count_include_pad = 0 / 1."""

    name = "graph.avgpool"
    count_include_pad = opt_prop_def(UnitAttr)
    assembly_format = (
        "$input `kernel` $kernel `strides` $strides `pads` $pads `dilations` $dilations (`ceil_mode` $ceil_mode^)? "
        "(`count_include_pad` $count_include_pad^)? attr-dict `:` functional-type(operands, results)")


@irdl_op_definition
class GlobalAvgPoolOp(GraphOp):
    """Mean over the spatial dims of NCHW input: N x C x H x W -> N x C x 1 x 1."""

    name = "graph.global_avgpool"
    input = operand_def(TensorType)
    result = result_def(TensorType)
    traits = traits_def(Pure())
    assembly_format = "$input attr-dict `:` functional-type(operands, results)"

    def infer_shape(self) -> Shape:
        x = shape_of(self.input)
        check_rank(self, "input", x, 4)
        return (x[0], x[1], 1, 1)


@irdl_op_definition
class GemmOp(EpilogueOp):
    """Matrix product with optional bias: y = a @ w + c, a: ... x M x K (leading dims are more
    rows), w: K x N, c broadcast to the result ... x M x N.

    ONNX Gemm's transposes and alpha/beta scalings are ops of their own on its operands, which
    canonicalize folds into the weights.
    """

    name = "graph.gemm"
    input = operand_def(TensorType)
    weight = operand_def(TensorType)
    bias = opt_operand_def(TensorType)
    result = result_def(TensorType)
    traits = traits_def(Pure())
    irdl_options = (ParsePropInAttrDict(),)
    assembly_format = ("$input `,` $weight (`,` $bias^)? (`activation` $activation^ $activation_params)? attr-dict "
                       "`:` functional-type(operands, results)")

    def __init__(self, input, weight, bias, result_type):
        super().__init__(operands=[input, weight, [bias] if bias is not None else []], result_types=[result_type])

    def infer_shape(self) -> Shape:
        a, w = shape_of(self.input), shape_of(self.weight)
        if len(a) < 2:
            raise VerifyException(f"graph.gemm: operand 'input' must have rank >= 2, got {fmt_shape(a)}")
        check_rank(self, "weight", w, 2)
        if a[-1] != w[0]:
            raise VerifyException(f"graph.gemm: operand 'input' has K = {a[-1]} but 'weight' has K = {w[0]}")
        out = (*a[:-1], w[1])
        if self.bias is not None and broadcast(out, shape_of(self.bias), "graph.gemm bias") != out:
            raise VerifyException(
                f"graph.gemm: operand 'bias' of shape {fmt_shape(shape_of(self.bias))} does not broadcast to {fmt_shape(out)}")
        return out


class ElementwiseOp(GraphOp, abc.ABC):
    """An elementwise function of one tensor."""

    input = operand_def(TensorType)
    result = result_def(TensorType)
    traits = traits_def(Pure())
    assembly_format = "$input attr-dict `:` functional-type(operands, results)"

    def infer_shape(self) -> Shape:
        return shape_of(self.input)


@irdl_op_definition
class ReluOp(ElementwiseOp):
    """Elementwise max(x, 0)."""

    name = "graph.relu"


@irdl_op_definition
class SigmoidOp(ElementwiseOp):
    """Elementwise 1 / (1 + exp(-x))."""

    name = "graph.sigmoid"


@irdl_op_definition
class TanhOp(ElementwiseOp):
    """Elementwise tanh(x)."""

    name = "graph.tanh"


@irdl_op_definition
class IdentityOp(ElementwiseOp):
    """The input itself (ONNX Identity, and Dropout at inference); canonicalize removes it."""

    name = "graph.identity"


def f32_attr(value: float) -> FloatAttr:
    return FloatAttr(value, Float32Type())


@irdl_op_definition
class ClipOp(ElementwiseOp):
    """Elementwise min(max(x, min), max): every value is `max` when min > max, as in ONNX."""

    name = "graph.clip"
    min = prop_def(FloatAttr[Float32Type])
    max = prop_def(FloatAttr[Float32Type])
    irdl_options = (ParsePropInAttrDict(),)
    assembly_format = "$input `min` $min `max` $max attr-dict `:` functional-type(operands, results)"

    def __init__(self, input, low: float, high: float, result_type):
        super().__init__(operands=[input], result_types=[result_type],
                         properties={"min": f32_attr(low), "max": f32_attr(high)})



@irdl_op_definition
class LeakyReluOp(ElementwiseOp):
    """Elementwise x if x >= 0 else alpha * x."""

    name = "graph.leaky_relu"
    alpha = prop_def(FloatAttr[Float32Type])
    irdl_options = (ParsePropInAttrDict(),)
    assembly_format = "$input `alpha` $alpha attr-dict `:` functional-type(operands, results)"

    def __init__(self, input, alpha: float, result_type):
        super().__init__(operands=[input], result_types=[result_type], properties={"alpha": f32_attr(alpha)})


@irdl_op_definition
class QuantizeOp(ElementwiseOp):
    """Per-tensor quantization to integer codes: clip(rint(x / scale), qmin, qmax), where
    [qmin, qmax] is [-(2^(bits-1) - 1), 2^(bits-1) - 1] for a `signed` tensor and
    [0, 2^bits - 1] otherwise. The codes feed a crossbar layer (precision "int")."""

    name = "graph.quantize"
    scale = prop_def(FloatAttr[Float32Type])
    bits = prop_def(IntegerAttr[I64])
    signed = opt_prop_def(UnitAttr)
    irdl_options = (ParsePropInAttrDict(),)
    assembly_format = "$input `scale` $scale `bits` $bits (`signed` $signed^)? attr-dict `:` functional-type(operands, results)"

    def __init__(self, input, scale: float, bits: int, signed: bool, result_type):
        props = {"scale": f32_attr(scale), "bits": IntegerAttr(bits, i64)}
        if signed:
            props["signed"] = UnitAttr()
        super().__init__(operands=[input], result_types=[result_type], properties=props)

    @property
    def code_range(self) -> tuple[int, int]:
        bits = self.bits.value.data
        if self.signed is not None:
            return -(2 ** (bits - 1) - 1), 2 ** (bits - 1) - 1
        return 0, 2 ** bits - 1

    def verify_attributes(self) -> None:
        bits = self.bits.value.data
        if not 1 <= bits <= 16 or (self.signed is not None and bits < 2):
            raise VerifyException(f"graph.quantize: 'bits' must be in 1..16 (2..16 when signed), got {bits}")
        scale = self.scale.value.data
        if not (scale > 0 and scale < float("inf")):
            raise VerifyException(f"graph.quantize: 'scale' must be a finite number > 0, got {scale}")


class BinaryElementwiseOp(GraphOp, abc.ABC):
    """An elementwise function of two tensors, with numpy (ONNX multidirectional) broadcasting."""

    lhs = operand_def(TensorType)
    rhs = operand_def(TensorType)
    result = result_def(TensorType)
    traits = traits_def(Pure())
    assembly_format = "$lhs `,` $rhs attr-dict `:` functional-type(operands, results)"

    def infer_shape(self) -> Shape:
        return broadcast(shape_of(self.lhs), shape_of(self.rhs), self.name)


@irdl_op_definition
class AddOp(BinaryElementwiseOp):
    """Elementwise lhs + rhs."""

    name = "graph.add"


@irdl_op_definition
class MulOp(BinaryElementwiseOp):
    """Elementwise lhs * rhs."""

    name = "graph.mul"


@irdl_op_definition
class ConcatOp(GraphOp):
    """ONNX Concat: the inputs joined along `axis`; every other dim must agree."""

    name = "graph.concat"
    inputs = var_operand_def(TensorType)
    result = result_def(TensorType)
    axis = prop_def(IntegerAttr[I64])
    traits = traits_def(Pure())
    irdl_options = (ParsePropInAttrDict(),)
    assembly_format = "$inputs `axis` $axis attr-dict `:` functional-type(operands, results)"

    def __init__(self, inputs, axis: int, result_type):
        super().__init__(operands=[inputs], result_types=[result_type], properties={"axis": IntegerAttr(axis, i64)})

    def verify_attributes(self) -> None:
        rank = len(shape_of(self.inputs[0])) if self.inputs else 0
        if not -rank <= self.axis.value.data < rank:
            raise VerifyException(f"graph.concat: 'axis' {self.axis.value.data} is out of range for rank {rank}")

    def infer_shape(self) -> Shape:
        shapes = [shape_of(v) for v in self.inputs]
        rank = len(shapes[0])
        axis = self.axis.value.data % rank
        for i, shape in enumerate(shapes):
            if len(shape) != rank or any(a != b for k, (a, b) in enumerate(zip(shape, shapes[0])) if k != axis):
                raise VerifyException(f"graph.concat: input {i} of shape {fmt_shape(shape)} does not match input 0 "
                                      f"of shape {fmt_shape(shapes[0])} off axis {axis}")
        out = list(shapes[0])
        out[axis] = sum(shape[axis] for shape in shapes)
        return tuple(out)


@irdl_op_definition
class TransposeOp(GraphOp):
    """ONNX Transpose: result dim i is input dim perm[i]."""

    name = "graph.transpose"
    input = operand_def(TensorType)
    result = result_def(TensorType)
    perm = prop_def(DenseArrayBase[I64])
    traits = traits_def(Pure())
    irdl_options = (ParsePropInAttrDict(),)
    assembly_format = "$input `perm` $perm attr-dict `:` functional-type(operands, results)"

    def __init__(self, input, perm, result_type):
        super().__init__(operands=[input], result_types=[result_type],
                         properties={"perm": DenseArrayBase.from_list(i64, perm)})

    def verify_attributes(self) -> None:
        rank, perm = len(shape_of(self.input)), ints(self.perm)
        if sorted(perm) != list(range(rank)):
            raise VerifyException(f"graph.transpose: 'perm' {list(perm)} is not a permutation of the {rank} dims")

    def infer_shape(self) -> Shape:
        x = shape_of(self.input)
        return tuple(x[p] for p in ints(self.perm))


@irdl_op_definition
class UnsqueezeOp(GraphOp):
    """ONNX Unsqueeze: size-1 dims inserted at `axes` of the result. A view: no data moves."""

    name = "graph.unsqueeze"
    input = operand_def(TensorType)
    result = result_def(TensorType)
    axes = prop_def(DenseArrayBase[I64])
    traits = traits_def(Pure())
    irdl_options = (ParsePropInAttrDict(),)
    assembly_format = "$input `axes` $axes attr-dict `:` functional-type(operands, results)"

    def __init__(self, input, axes, result_type):
        super().__init__(operands=[input], result_types=[result_type],
                         properties={"axes": DenseArrayBase.from_list(i64, axes)})

    def verify_attributes(self) -> None:
        axes = ints(self.axes)
        rank = len(shape_of(self.input)) + len(axes)
        if len({a % rank for a in axes if -rank <= a < rank}) != len(axes) or len(shape_of(self.result)) != rank:
            raise VerifyException(f"graph.unsqueeze: 'axes' {list(axes)} must be distinct and in range for rank {rank}")

    def infer_shape(self) -> Shape:
        x = shape_of(self.input)
        rank = len(x) + len(ints(self.axes))
        axes = {a % rank for a in ints(self.axes)}
        rest = iter(x)
        return tuple(1 if i in axes else next(rest) for i in range(rank))


@irdl_op_definition
class SoftmaxOp(GraphOp):
    """exp(x) / sum(exp(x)) over dim `axis`, or with `to_end` over dims axis.. flattened
    together (ONNX Softmax before opset 13)."""

    name = "graph.softmax"
    input = operand_def(TensorType)
    result = result_def(TensorType)
    axis = prop_def(IntegerAttr[I64])
    to_end = opt_prop_def(UnitAttr)
    traits = traits_def(Pure())
    irdl_options = (ParsePropInAttrDict(),)
    assembly_format = "$input `axis` $axis (`to_end` $to_end^)? attr-dict `:` functional-type(operands, results)"

    def __init__(self, input, axis: int, to_end: bool, result_type):
        props = {"axis": IntegerAttr(axis, i64)}
        if to_end:
            props["to_end"] = UnitAttr()
        super().__init__(operands=[input], result_types=[result_type], properties=props)

    def reduced_dims(self) -> range:
        rank = len(shape_of(self.input))
        axis = self.axis.value.data % rank
        return range(axis, rank) if self.to_end is not None else range(axis, axis + 1)

    def verify_attributes(self) -> None:
        rank = len(shape_of(self.input))
        if not -rank <= self.axis.value.data < rank:
            raise VerifyException(f"graph.softmax: 'axis' {self.axis.value.data} is out of range for rank {rank}")

    def infer_shape(self) -> Shape:
        return shape_of(self.input)


@irdl_op_definition
class LrnOp(GraphOp):
    """ONNX LRN over NCHW: x / (bias + alpha / size * sum of x^2 over `size` neighbouring
    channels) ^ beta."""

    name = "graph.lrn"
    input = operand_def(TensorType)
    result = result_def(TensorType)
    size = prop_def(IntegerAttr[I64])
    alpha = prop_def(FloatAttr[Float32Type])
    beta = prop_def(FloatAttr[Float32Type])
    bias = prop_def(FloatAttr[Float32Type])
    traits = traits_def(Pure())
    irdl_options = (ParsePropInAttrDict(),)
    assembly_format = ("$input `size` $size `alpha` $alpha `beta` $beta `bias` $bias attr-dict "
                       "`:` functional-type(operands, results)")

    def __init__(self, input, size: int, alpha: float, beta: float, bias: float, result_type):
        super().__init__(operands=[input], result_types=[result_type], properties={
            "size": IntegerAttr(size, i64), "alpha": f32_attr(alpha), "beta": f32_attr(beta), "bias": f32_attr(bias)})

    def verify_attributes(self) -> None:
        check_rank(self, "input", shape_of(self.input), 4)
        if self.size.value.data < 1:
            raise VerifyException(f"graph.lrn: 'size' must be >= 1, got {self.size.value.data}")

    def infer_shape(self) -> Shape:
        return shape_of(self.input)


@irdl_op_definition
class PadOp(GraphOp):
    """ONNX Pad, constant mode: `pads` gives the begin pads of every dim, then the end pads."""

    name = "graph.pad"
    input = operand_def(TensorType)
    result = result_def(TensorType)
    pads = prop_def(DenseArrayBase[I64])
    value = prop_def(FloatAttr[Float32Type])
    traits = traits_def(Pure())
    irdl_options = (ParsePropInAttrDict(),)
    assembly_format = "$input `pads` $pads `value` $value attr-dict `:` functional-type(operands, results)"

    def __init__(self, input, pads, value: float, result_type):
        super().__init__(operands=[input], result_types=[result_type],
                         properties={"pads": DenseArrayBase.from_list(i64, pads), "value": f32_attr(value)})

    def verify_attributes(self) -> None:
        rank, pads = len(shape_of(self.input)), ints(self.pads)
        if len(pads) != 2 * rank or min(pads, default=0) < 0:
            raise VerifyException(f"graph.pad: 'pads' must be {2 * rank} entries >= 0, got {list(pads)}")

    def infer_shape(self) -> Shape:
        x, pads = shape_of(self.input), ints(self.pads)
        return tuple(d + pads[i] + pads[i + len(x)] for i, d in enumerate(x))


@irdl_op_definition
class BatchNormOp(GraphOp):
    """Inference batch normalization over dim 1: (x - mean) / sqrt(var + epsilon) * scale + bias.
    fold-batchnorm folds it into the preceding conv, or into a per-channel multiply-add."""

    name = "graph.batchnorm"
    input = operand_def(TensorType)
    scale = operand_def(TensorType)
    bias = operand_def(TensorType)
    mean = operand_def(TensorType)
    var = operand_def(TensorType)
    result = result_def(TensorType)
    epsilon = prop_def(FloatAttr[Float32Type])
    traits = traits_def(Pure())
    irdl_options = (ParsePropInAttrDict(),)
    assembly_format = ("$input `,` $scale `,` $bias `,` $mean `,` $var `epsilon` $epsilon attr-dict "
                       "`:` functional-type(operands, results)")

    def __init__(self, input, scale, bias, mean, var, epsilon: float, result_type):
        super().__init__(operands=[input, scale, bias, mean, var], result_types=[result_type],
                         properties={"epsilon": f32_attr(epsilon)})

    def infer_shape(self) -> Shape:
        x = shape_of(self.input)
        if len(x) < 2:
            raise VerifyException(f"graph.batchnorm: operand 'input' must have rank >= 2, got {fmt_shape(x)}")
        for name in ("scale", "bias", "mean", "var"):
            if shape_of(getattr(self, name)) != (x[1],):
                raise VerifyException(f"graph.batchnorm: operand '{name}' must have shape {x[1]}, got "
                                      f"{fmt_shape(shape_of(getattr(self, name)))}")
        return x


@irdl_op_definition
class FlattenOp(GraphOp):
    """ONNX Flatten: dims before `axis` become rows, the rest columns. A view: no data moves."""

    name = "graph.flatten"
    input = operand_def(TensorType)
    result = result_def(TensorType)
    axis = prop_def(IntegerAttr[I64])
    traits = traits_def(Pure())
    irdl_options = (ParsePropInAttrDict(),)
    assembly_format = "$input `axis` $axis attr-dict `:` functional-type(operands, results)"

    def __init__(self, input, axis: int, result_type):
        super().__init__(operands=[input], result_types=[result_type], properties={"axis": IntegerAttr(axis, i64)})

    def infer_shape(self) -> Shape:
        x = shape_of(self.input)
        axis = self.axis.value.data
        if not -len(x) <= axis <= len(x):
            raise VerifyException(f"graph.flatten: 'axis' {axis} is out of range for rank {len(x)}")
        if axis < 0:
            axis += len(x)
        return (numel(x[:axis]), numel(x[axis:]))


@irdl_op_definition
class ReshapeOp(GraphOp):
    """ONNX Reshape with a constant target `shape`: 0 copies the input dim, -1 is inferred.
    A view: no data moves."""

    name = "graph.reshape"
    input = operand_def(TensorType)
    result = result_def(TensorType)
    shape = prop_def(DenseArrayBase[I64])
    traits = traits_def(Pure())
    irdl_options = (ParsePropInAttrDict(),)
    assembly_format = "$input `shape` $shape attr-dict `:` functional-type(operands, results)"

    def __init__(self, input, shape, result_type):
        super().__init__(operands=[input], result_types=[result_type],
                         properties={"shape": DenseArrayBase.from_list(i64, shape)})

    def verify_attributes(self) -> None:
        spec = ints(self.shape)
        if spec.count(-1) > 1:
            raise VerifyException(f"graph.reshape: 'shape' {list(spec)} has more than one -1")
        if any(d < -1 for d in spec):
            raise VerifyException(f"graph.reshape: 'shape' {list(spec)} has a negative dim other than -1")

    def infer_shape(self) -> Shape:
        x = shape_of(self.input)
        spec = ints(self.shape)
        out = []
        for i, d in enumerate(spec):
            if d == 0:
                if i >= len(x):
                    raise VerifyException(f"graph.reshape: 'shape' copies dim {i} (0) but the input has rank {len(x)}")
                out.append(x[i])
            else:
                out.append(d)
        total = numel(x)
        if -1 in out:
            rest = numel(d for d in out if d != -1)
            if rest == 0 or total % rest:
                raise VerifyException(f"graph.reshape: cannot reshape {fmt_shape(x)} to {list(spec)}")
            out[out.index(-1)] = total // rest
        if numel(out) != total:
            raise VerifyException(f"graph.reshape: cannot reshape {fmt_shape(x)} ({total} elements) to {list(spec)}")
        return tuple(out)


def activation_of(op: ElementwiseOp) -> tuple[str, tuple[float, ...]] | None:
    """The (kind, parameters) of an elementwise op a conv or gemm can absorb, else None."""
    if isinstance(op, ReluOp):
        return "relu", ()
    if isinstance(op, SigmoidOp):
        return "sigmoid", ()
    if isinstance(op, TanhOp):
        return "tanh", ()
    if isinstance(op, LeakyReluOp):
        return "leaky_relu", (op.alpha.value.data,)
    if isinstance(op, ClipOp):
        return "clip", (op.min.value.data, op.max.value.data)
    return None


def activation_op(kind: str, params: tuple[float, ...], input, result_type) -> ElementwiseOp:
    """The elementwise op computing activation `kind` with `params`."""
    if kind == "leaky_relu":
        return LeakyReluOp(input, params[0], result_type)
    if kind == "clip":
        return ClipOp(input, params[0], params[1], result_type)
    op_type = {"relu": ReluOp, "sigmoid": SigmoidOp, "tanh": TanhOp}[kind]
    return op_type.create(operands=[input], result_types=[result_type])


Graph = Dialect(
    "graph",
    [WeightOp, ConvOp, GemmOp, MaxPoolOp, AvgPoolOp, GlobalAvgPoolOp, ReluOp, SigmoidOp, TanhOp, IdentityOp, ClipOp,
     LeakyReluOp, QuantizeOp, AddOp, MulOp, ConcatOp, TransposeOp, UnsqueezeOp, SoftmaxOp, LrnOp, PadOp, BatchNormOp, FlattenOp,
     ReshapeOp],
    [],
)
