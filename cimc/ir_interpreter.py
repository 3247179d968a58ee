"""The graph and xbar levels run on their own, through xDSL's interpreter framework.

The graph level is the golden model: plain numpy per op, written independently of the
lowering. Running a module before and after a pass and comparing the outputs shows a lowering
bug at the pass that made it. (The cim level runs as a binary in cimc.interpreter.)
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from xdsl.dialects import func
from xdsl.dialects.builtin import ModuleOp
from xdsl.interpreter import Interpreter, InterpreterFunctions, PythonValues, impl, register_impls
from xdsl.interpreters.func import FuncFunctions

from cimc.arch import Arch
from cimc.dialects import graph, xbar
from cimc.dialects.shapes import ints, shape_of
from cimc.errors import CimcError
from cimc.frontend import io_name
from cimc.numerics import quantize_codes
from cimc.weights import WeightStore, tile_matrix


def windows(x: np.ndarray, kernel, strides, pads, dilations, fill: float) -> np.ndarray:
    """N x C x OH x OW x kh x kw sliding windows of NCHW x, padded with `fill`."""
    (kh, kw), (sh, sw), (pt, pl, pb, pr), (dh, dw) = kernel, strides, pads, dilations
    padded = np.pad(x, ((0, 0), (0, 0), (pt, pb), (pl, pr)), constant_values=fill)
    span_h, span_w = dh * (kh - 1) + 1, dw * (kw - 1) + 1
    view = sliding_window_view(padded, (span_h, span_w), axis=(2, 3))
    return view[:, :, ::sh, ::sw, ::dh, ::dw]


ACTIVATIONS = {
    "relu": lambda y, p: np.maximum(y, np.float32(0)),
    "sigmoid": lambda y, p: (0.5 * (1 + np.tanh(0.5 * y.astype(np.float64)))).astype(y.dtype),
    "tanh": lambda y, p: np.tanh(y),
    "leaky_relu": lambda y, p: np.where(y >= 0, y, np.float32(p[0]) * y).astype(y.dtype),
    "clip": lambda y, p: np.clip(y, np.float32(p[0]), np.float32(p[1])),
}


def sequential_sum(points) -> np.ndarray:
    """The sum of arrays added one at a time in order: how the vector unit reduces."""
    points = iter(points)
    total = np.array(next(points), copy=True)
    for point in points:
        total += point
    return total


def activate(op: graph.EpilogueOp, y: np.ndarray) -> np.ndarray:
    """A conv's or gemm's fused activation applied to its output."""
    if op.epilogue is None:
        return y
    kind, params = op.epilogue
    return ACTIVATIONS[kind](y, params)


@register_impls
class GraphFunctions(InterpreterFunctions):
    @staticmethod
    def weights(interpreter: Interpreter) -> WeightStore:
        return interpreter.get_data(GraphFunctions, "weights", WeightStore)

    @staticmethod
    def dtype(interpreter: Interpreter) -> type[np.floating]:
        """The precision tensors are computed in: float32, or float64 for precision "int",
        whose integer partial sums float32 cannot hold exactly."""
        return interpreter.get_data(GraphFunctions, "dtype", lambda: np.float32)

    @impl(graph.WeightOp)
    def run_weight(self, interpreter: Interpreter, op: graph.WeightOp, args: PythonValues) -> PythonValues:
        return (self.weights(interpreter)[op.handle.data],)

    @impl(graph.ConvOp)
    def run_conv(self, interpreter: Interpreter, op: graph.ConvOp, args: PythonValues) -> PythonValues:
        x, w, *b = args
        g = op.group.value.data
        n, c = x.shape[:2]
        o = w.shape[0]
        win = windows(x, op.window(), ints(op.strides), ints(op.pads), ints(op.dilations), 0.0)
        win = win.reshape(n, g, c // g, *win.shape[2:])  # n g cg oh ow kh kw
        # float64 operands: BLAS sums of integer codes and weights (precision int) are exact
        y = np.einsum("ngchwij,gocij->ngohw", win.astype(np.float64),
                      w.reshape(g, o // g, *w.shape[1:]).astype(np.float64), optimize=True)
        y = y.reshape(n, o, *y.shape[3:])
        if b:
            y = y + b[0].reshape(1, o, 1, 1)
        return (activate(op, y.astype(self.dtype(interpreter))),)

    @impl(graph.GemmOp)
    def run_gemm(self, interpreter: Interpreter, op: graph.GemmOp, args: PythonValues) -> PythonValues:
        a, w, *c = args
        y = a.astype(np.float64) @ w
        return (activate(op, (y + c[0] if c else y).astype(self.dtype(interpreter))),)

    @staticmethod
    def pool_windows(op: graph.PoolOp, x: np.ndarray, fill: float, pads: tuple[int, ...] | None = None) -> np.ndarray:
        """The pool's windows over x padded by `pads` (default: the op's) and at the end as far
        as ceil_mode's last window reaches."""
        _, _, oh, ow = shape_of(op.result)
        (kh, kw), (sh, sw), (dh, dw) = op.window(), ints(op.strides), ints(op.dilations)
        pt, pl, pb, pr = ints(op.pads) if pads is None else pads
        pb = max(pb, (oh - 1) * sh + dh * (kh - 1) + 1 - x.shape[2] - pt)
        pr = max(pr, (ow - 1) * sw + dw * (kw - 1) + 1 - x.shape[3] - pl)
        return windows(x, (kh, kw), (sh, sw), (pt, pl, pb, pr), (dh, dw), fill)[:, :, :oh, :ow]

    @impl(graph.MaxPoolOp)
    def run_maxpool(self, interpreter: Interpreter, op: graph.MaxPoolOp, args: PythonValues) -> PythonValues:
        return (self.pool_windows(op, args[0], -np.inf).max(axis=(4, 5)),)

    @impl(graph.AvgPoolOp)
    def run_avgpool(self, interpreter: Interpreter, op: graph.AvgPoolOp, args: PythonValues) -> PythonValues:
        x = args[0]
        win = self.pool_windows(op, x, 0.0)
        sums = sequential_sum(win[..., i, j] for i, j in np.ndindex(*win.shape[4:]))
        ones = np.ones((1, 1, *x.shape[2:]))
        if op.count_include_pad is not None:  # the explicit pads count, ceil_mode's overhang does not
            pt, pl, pb, pr = ints(op.pads)
            ones = np.pad(ones, ((0, 0), (0, 0), (pt, pb), (pl, pr)), constant_values=1.0)
            counts = self.pool_windows(op, ones, 0.0, pads=(0, 0, 0, 0)).sum(axis=(4, 5))
        else:
            counts = self.pool_windows(op, ones, 0.0).sum(axis=(4, 5))
        return ((sums / counts).astype(x.dtype),)

    @impl(graph.GlobalAvgPoolOp)
    def run_global_avgpool(self, interpreter: Interpreter, op, args: PythonValues) -> PythonValues:
        x = args[0]
        n, c, h, w = x.shape
        plane = x.reshape(n, c, h * w)
        return ((sequential_sum(plane[..., i] for i in range(h * w)) / (h * w)).reshape(n, c, 1, 1),)

    @staticmethod
    def activation(op: graph.ElementwiseOp, args: PythonValues) -> PythonValues:
        kind, params = graph.activation_of(op)
        return (ACTIVATIONS[kind](args[0], params),)

    @impl(graph.ReluOp)
    def run_relu(self, interpreter: Interpreter, op: graph.ReluOp, args: PythonValues) -> PythonValues:
        return self.activation(op, args)

    @impl(graph.SigmoidOp)
    def run_sigmoid(self, interpreter: Interpreter, op: graph.SigmoidOp, args: PythonValues) -> PythonValues:
        return self.activation(op, args)

    @impl(graph.TanhOp)
    def run_tanh(self, interpreter: Interpreter, op: graph.TanhOp, args: PythonValues) -> PythonValues:
        return self.activation(op, args)

    @impl(graph.LeakyReluOp)
    def run_leaky_relu(self, interpreter: Interpreter, op: graph.LeakyReluOp, args: PythonValues) -> PythonValues:
        return self.activation(op, args)

    @impl(graph.ClipOp)
    def run_clip(self, interpreter: Interpreter, op: graph.ClipOp, args: PythonValues) -> PythonValues:
        return self.activation(op, args)

    @impl(graph.QuantizeOp)
    def run_quantize(self, interpreter: Interpreter, op: graph.QuantizeOp, args: PythonValues) -> PythonValues:
        return (quantize_codes(args[0], op.scale.value.data, *op.code_range),)

    @impl(graph.IdentityOp)
    def run_identity(self, interpreter: Interpreter, op, args: PythonValues) -> PythonValues:
        return (args[0],)

    @impl(graph.AddOp)
    def run_add(self, interpreter: Interpreter, op, args: PythonValues) -> PythonValues:
        return ((args[0] + args[1]).astype(self.dtype(interpreter)),)

    @impl(graph.MulOp)
    def run_mul(self, interpreter: Interpreter, op, args: PythonValues) -> PythonValues:
        return ((args[0] * args[1]).astype(self.dtype(interpreter)),)

    @impl(graph.ConcatOp)
    def run_concat(self, interpreter: Interpreter, op: graph.ConcatOp, args: PythonValues) -> PythonValues:
        return (np.concatenate(args, axis=op.axis.value.data),)

    @impl(graph.TransposeOp)
    def run_transpose(self, interpreter: Interpreter, op: graph.TransposeOp, args: PythonValues) -> PythonValues:
        return (np.ascontiguousarray(args[0].transpose(ints(op.perm))),)

    @impl(graph.UnsqueezeOp)
    def run_unsqueeze(self, interpreter: Interpreter, op, args: PythonValues) -> PythonValues:
        return (args[0].reshape(shape_of(op.result)),)

    @impl(graph.SoftmaxOp)
    def run_softmax(self, interpreter: Interpreter, op: graph.SoftmaxOp, args: PythonValues) -> PythonValues:
        x = args[0]
        axes = tuple(op.reduced_dims())
        e = np.exp(x - x.max(axis=axes, keepdims=True))
        # summed point by point over the reduced dims in order, as the vector unit does
        moved = np.moveaxis(e, axes, tuple(range(-len(axes), 0)))
        flat = moved.reshape(*moved.shape[: e.ndim - len(axes)], -1)
        total = sequential_sum(flat[..., i] for i in range(flat.shape[-1]))
        return (e / np.expand_dims(total, axes),)

    @impl(graph.LrnOp)
    def run_lrn(self, interpreter: Interpreter, op: graph.LrnOp, args: PythonValues) -> PythonValues:
        x = args[0]
        size, c = op.size.value.data, x.shape[1]
        squares = np.pad(x * x, ((0, 0), ((size - 1) // 2, size // 2), (0, 0), (0, 0)))
        window = sequential_sum(squares[:, i: i + c] for i in range(size))
        # the vector unit's order: (alpha/size * sum + bias) ^ -beta * x, constants in f32
        scale = np.float32(op.alpha.value.data / size) * window + np.float32(op.bias.value.data)
        return (np.power(scale, np.float32(-op.beta.value.data)) * x,)

    @impl(graph.PadOp)
    def run_pad(self, interpreter: Interpreter, op: graph.PadOp, args: PythonValues) -> PythonValues:
        pads, rank = ints(op.pads), args[0].ndim
        widths = [(pads[i], pads[i + rank]) for i in range(rank)]
        return (np.pad(args[0], widths, constant_values=np.float32(op.value.value.data)),)

    @impl(graph.BatchNormOp)
    def run_batchnorm(self, interpreter: Interpreter, op: graph.BatchNormOp, args: PythonValues) -> PythonValues:
        x, scale, bias, mean, var = (a.astype(np.float64) for a in args)
        shape = (1, -1) + (1,) * (x.ndim - 2)
        y = (x - mean.reshape(shape)) / np.sqrt(var.reshape(shape) + op.epsilon.value.data)
        return ((y * scale.reshape(shape) + bias.reshape(shape)).astype(np.float32),)

    @impl(graph.FlattenOp)
    def run_flatten(self, interpreter: Interpreter, op, args: PythonValues) -> PythonValues:
        return (args[0].reshape(shape_of(op.result)),)

    @impl(graph.ReshapeOp)
    def run_reshape(self, interpreter: Interpreter, op, args: PythonValues) -> PythonValues:
        return (args[0].reshape(shape_of(op.result)),)


@register_impls
class XbarFunctions(InterpreterFunctions):
    @impl(xbar.Im2colOp)
    def run_im2col(self, interpreter: Interpreter, op: xbar.Im2colOp, args: PythonValues) -> PythonValues:
        win = windows(args[0], op.window(), ints(op.strides), ints(op.pads), ints(op.dilations), 0.0)
        n, c, oh, ow, kh, kw = win.shape
        return (win.transpose(0, 2, 3, 1, 4, 5).reshape(n * oh * ow, c * kh * kw),)

    @impl(xbar.MvmOp)
    def run_mvm(self, interpreter: Interpreter, op: xbar.MvmOp, args: PythonValues) -> PythonValues:
        x, w = args
        matrix = tile_matrix(w, op.row_range, op.col_range, op.group_count)
        start = op.input_offset
        x = x[:, start: start + matrix.shape[0]]
        if op.cell is not None:  # one slice of one polarity: integer cell digits
            slice_, polarity, offset = op.cell
            base = 2 ** Arch.of_module(interpreter.module).cell_bits
            x, matrix = x + offset, np.maximum(matrix * polarity, 0) // base ** slice_ % base
        return ((x @ matrix).astype(GraphFunctions.dtype(interpreter)),)

    @impl(xbar.ShiftAddOp)
    def run_shift_add(self, interpreter: Interpreter, op: xbar.ShiftAddOp, args: PythonValues) -> PythonValues:
        cell_bits = Arch.of_module(interpreter.module).cell_bits
        y = np.zeros(shape_of(op.result), GraphFunctions.dtype(interpreter))
        for tile, product in zip(op.tiles(), args):
            slice_, polarity, _ = tile.cell
            c0, c1 = tile.col_range
            y[:, c0:c1] += polarity * 2.0 ** (cell_bits * slice_) * product
        return (y,)

    @impl(xbar.AccumulateOp)
    def run_accumulate(self, interpreter: Interpreter, op, args: PythonValues) -> PythonValues:
        return (np.sum(args, axis=0, dtype=GraphFunctions.dtype(interpreter)),)

    @impl(xbar.ConcatOp)
    def run_concat(self, interpreter: Interpreter, op, args: PythonValues) -> PythonValues:
        return (np.concatenate(args, axis=1),)

    @impl(xbar.Col2imOp)
    def run_col2im(self, interpreter: Interpreter, op, args: PythonValues) -> PythonValues:
        n, c, oh, ow = shape_of(op.result)
        return (args[0].reshape(n, oh, ow, c).transpose(0, 3, 1, 2).copy(),)


class ConstantEvaluator:
    """Evaluates single graph ops on weight-store arrays: constant folding with the golden model."""

    def __init__(self, module: ModuleOp, weights: WeightStore):
        self.interpreter = Interpreter(module)
        self.interpreter.register_implementations(GraphFunctions())
        self.interpreter.set_data(GraphFunctions, "weights", weights)

    def evaluate(self, op: graph.GraphOp, args: tuple[np.ndarray, ...]) -> np.ndarray:
        (result,) = self.interpreter.run_op(op, args)
        return np.asarray(result, np.float32)


def run_module(module: ModuleOp, weights: WeightStore, inputs: Mapping[str, np.ndarray],
               dtype: type[np.floating] | None = None) -> dict[str, np.ndarray]:
    """Run function @main of a graph- or xbar-level module; inputs and outputs keyed by ONNX name.

    Tensors are float32, or float64 for a module of precision "int" (or as `dtype` says)."""
    fns = [op for op in module.ops if isinstance(op, func.FuncOp) and op.sym_name.data == "main"]
    if not fns:
        raise CimcError("run_module: the module has no func.func @main (is it lowered past the xbar level?)")
    fn = fns[0]
    names = [io_name(fn, i, "arg") for i in range(len(fn.args))]
    missing = set(names) - set(inputs)
    if missing:
        raise CimcError(f"run_module: missing input(s) {', '.join(sorted(missing))}")
    interpreter = Interpreter(module)
    for functions in (FuncFunctions(), GraphFunctions(), XbarFunctions()):
        interpreter.register_implementations(functions)
    interpreter.set_data(GraphFunctions, "weights", weights)
    if dtype is None:
        dtype = np.float64 if Arch.of_module(module).precision == "int" else np.float32
    interpreter.set_data(GraphFunctions, "dtype", dtype)
    results = interpreter.call_op("main", tuple(np.asarray(inputs[n], dtype) for n in names))
    return {io_name(fn, i, "res"): value for i, value in enumerate(results)}

