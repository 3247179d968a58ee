"""quantize: every conv and gemm to an integer layer (precision "int"), the fake-quant model.

For a conv or gemm y = act(x * W + b), with Wq, s_w = cimc.numerics.quantize_weight(W)
(symmetric per output column) and the input's per-tensor quantization from calibration:

    q   = graph.quantize x scale s_x bits input_bits [signed]     integer codes
    acc = conv/gemm q, Wq                                          a plain integer matmul
    y   = act(acc * (s_x * s_w) + b)                               graph.mul, graph.add, the activation

so the graph-level module after this pass is cimc's fake-quant reference: run by the golden
interpreter (cimc.ir_interpreter) it computes what the int hardware computes with a lossless
ADC. Activation ranges come from running the module on the calibration inputs of the context
(`cimc.compile(..., calibration=[...])`); without any, from one seeded standard-normal input,
with a warning.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from xdsl.context import Context
from xdsl.dialects import func
from xdsl.dialects.builtin import ModuleOp
from xdsl.interpreter import Interpreter, PythonValues, impl, register_impls
from xdsl.interpreters.func import FuncFunctions
from xdsl.ir import Operation
from xdsl.passes import ModulePass
from xdsl.rewriter import Rewriter

from cimc.arch import Arch
from cimc.context import CimcContext, weights_of
from cimc.dialects import graph
from cimc.dialects.shapes import ints, is_known, shape_of, tensor
from cimc.errors import CimcError
from cimc.frontend import io_name
from cimc.ir_interpreter import GraphFunctions
from cimc.numerics import ActivationQuant, quantize_weight
from cimc.reference import random_inputs
from cimc.weights import WeightStore, weight_matrix


@register_impls
class _RangeObserver(GraphFunctions):
    """The golden model, recording the range of every conv's and gemm's input."""

    @staticmethod
    def observe(interpreter: Interpreter, op: Operation, x: np.ndarray) -> None:
        ranges = interpreter.get_data(_RangeObserver, "ranges", dict)
        low, high = ranges.get(op, (np.inf, -np.inf))
        # np.min and np.max let a NaN through, for calibrated() to refuse
        ranges[op] = (float(np.min([low, x.min()])), float(np.max([high, x.max()])))

    @impl(graph.ConvOp)
    def run_conv(self, interpreter: Interpreter, op: graph.ConvOp, args: PythonValues) -> PythonValues:
        self.observe(interpreter, op, args[0])
        return super().run_conv(interpreter, op, args).values

    @impl(graph.GemmOp)
    def run_gemm(self, interpreter: Interpreter, op: graph.GemmOp, args: PythonValues) -> PythonValues:
        self.observe(interpreter, op, args[0])
        return super().run_gemm(interpreter, op, args).values


def calibration_inputs(fn: func.FuncOp, given: list[dict[str, np.ndarray]] | None) -> list[dict[str, np.ndarray]]:
    names = [io_name(fn, i, "arg") for i in range(len(fn.args))]
    if given is not None:
        if not given:
            raise CimcError("quantize: the calibration list is empty (pass None for one seeded input)")
        for sample in given:
            if not isinstance(sample, Mapping):
                raise CimcError(f"quantize: a calibration sample is a dict of input name -> array, not "
                                f"{type(sample).__name__}")
            missing = set(names) - set(sample)
            if missing:
                raise CimcError(f"quantize: a calibration sample lacks input(s) {', '.join(sorted(missing))}")
            for name, arg in zip(names, fn.args):
                if np.shape(sample[name]) != shape_of(arg):
                    raise CimcError(f"quantize: calibration input '{name}' has shape {list(np.shape(sample[name]))}, "
                                    f"the model takes {list(shape_of(arg))}")
        return given
    if not all(is_known(shape_of(a)) for a in fn.args):
        raise CimcError("quantize: the inputs have dynamic shapes; run shape-infer first")
    warnings.warn("quantize: no calibration inputs given; activation ranges come from one seeded "
                  "standard-normal input (pass calibration=[{input: array}, ...] for real ranges)", stacklevel=2)
    return [random_inputs({name: shape_of(arg) for name, arg in zip(names, fn.args)}, seed=0)]


def observed_ranges(module: ModuleOp, weights: WeightStore, samples: list[dict[str, np.ndarray]]) -> dict:
    """Each conv's and gemm's input range over the samples, by op."""
    (fn,) = [op for op in module.ops if isinstance(op, func.FuncOp)]
    names = [io_name(fn, i, "arg") for i in range(len(fn.args))]
    interpreter = Interpreter(module)
    interpreter.register_implementations(FuncFunctions())
    interpreter.register_implementations(_RangeObserver())
    interpreter.set_data(GraphFunctions, "weights", weights)
    for sample in samples:
        interpreter.call_op("main", tuple(np.asarray(sample[n], np.float32) for n in names))
    return interpreter.get_data(_RangeObserver, "ranges", dict)


def quantize_layer(op: graph.ConvOp | graph.GemmOp, act: ActivationQuant, arch: Arch, weights: WeightStore) -> None:
    """Replace op by quantize -> integer conv/gemm -> scale -> bias -> activation."""
    weight_op = op.weight.owner
    if not isinstance(weight_op, graph.WeightOp):
        raise CimcError(f"quantize: {op.name} has a weight computed at run time; only constant weights "
                        "can be programmed into crossbars")
    handle = weight_op.handle.data
    w = weights[handle]
    wq, w_scale = quantize_weight(weight_matrix(w), arch.weight_bits)
    channels = w_scale.shape[0]
    is_conv = isinstance(op, graph.ConvOp)
    wq = wq.T.reshape(w.shape) if is_conv else wq
    scale = np.float32(act.scale) * w_scale
    channel_shape = [channels, 1, 1] if is_conv else [channels]
    new: list[Operation] = []

    def add(new_op: Operation) -> Operation:
        new.append(new_op)
        return new_op

    q = add(graph.QuantizeOp(op.input, act.scale, act.bits, act.signed, op.input.type)).results[0]
    wq_value = add(graph.WeightOp(weights.add(f"{handle}.q", wq), weight_op.result.type)).results[0]
    if is_conv:
        product = add(graph.ConvOp(q, wq_value, None, ints(op.strides), ints(op.pads), ints(op.dilations), op.group.value.data,
                                   op.result.type))
    else:
        product = add(graph.GemmOp(q, wq_value, None, op.result.type))
    scale_value = add(graph.WeightOp(weights.add(f"{handle}.scale", scale.reshape(channel_shape)),
                                     tensor(channel_shape))).results[0]
    y = add(graph.MulOp.create(operands=[product.results[0], scale_value], result_types=[op.result.type])).results[0]
    if op.bias is not None:
        bias_op = op.bias.owner
        bias = weights[bias_op.handle.data] if isinstance(bias_op, graph.WeightOp) else None
        if bias is None:
            raise CimcError(f"quantize: {op.name} has a bias computed at run time")
        if is_conv:
            bias_value = add(graph.WeightOp(weights.add(f"{bias_op.handle.data}.channel", bias.reshape(channel_shape)),
                                            tensor(channel_shape))).results[0]
        else:
            bias_value = op.bias
        y = add(graph.AddOp.create(operands=[y, bias_value], result_types=[op.result.type])).results[0]
    if op.epilogue is not None:
        y = add(graph.activation_op(*op.epilogue, y, op.result.type)).results[0]
    layer = op.attributes.get(graph.LAYER_ATTR)
    for new_op in new:
        if layer is not None and not isinstance(new_op, graph.WeightOp):
            new_op.attributes[graph.LAYER_ATTR] = layer
    y.name_hint = op.result.name_hint
    Rewriter.replace_op(op, new, [y])
    if not weight_op.result.uses:
        Rewriter.erase_op(weight_op)


@dataclass(frozen=True)
class QuantizePass(ModulePass):
    """Quantizes every conv and gemm for the module's Arch (precision "int"): weights per
    output column to weight_bits, inputs per tensor to input_bits from calibration ranges."""

    name = "quantize"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        arch = Arch.of_module(op)
        if arch.precision != "int":
            raise CimcError(f"quantize: the module's arch has precision \"{arch.precision}\"; quantize is for "
                            "precision \"int\"")
        weights = weights_of(ctx, self.name)
        fns = [f for f in op.ops if isinstance(f, func.FuncOp)]
        if len(fns) != 1:
            raise CimcError(f"quantize: expected one func.func, found {len(fns)}")
        layers = [o for o in fns[0].walk() if isinstance(o, (graph.ConvOp, graph.GemmOp))]
        if any(isinstance(o.input.owner, graph.QuantizeOp) for o in layers):
            raise CimcError("quantize: the module is quantized already")
        if not layers:
            return
        given = ctx.calibration if isinstance(ctx, CimcContext) else None
        ranges = observed_ranges(op, weights, calibration_inputs(fns[0], given))
        for layer in layers:
            low, high = ranges[layer]
            name = layer.attributes.get(graph.LAYER_ATTR)
            label = f"{layer.name} \"{name.data}\"" if name is not None else layer.name
            quantize_layer(layer, ActivationQuant.calibrated(low, high, arch.input_bits, label), arch, weights)
