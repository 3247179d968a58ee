"""ONNX import: an onnx.ModelProto (or a path to one) to a graph-dialect module and a weight store.

Initializers go to the weight store and are named in the IR by `graph.weight` ops. Result
shapes are left unknown (`?`, with the rank known) for `shape-infer` to resolve, so the
frontend needs no ONNX shape inference. Anything outside the supported subset is a CimcError
naming the op type, the node and, where it is one, the attribute.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import numpy as np
import onnx
from onnx import numpy_helper
from xdsl.builder import Builder
from xdsl.dialects import func
from xdsl.dialects.builtin import ArrayAttr, DictionaryAttr, FunctionType, ModuleOp, StringAttr, TensorType
from xdsl.ir import Block, Operation, Region, SSAValue
from xdsl.rewriter import InsertPoint

from cimc.dialects import graph
from cimc.dialects.shapes import tensor
from cimc.errors import CimcError
from cimc.weights import WeightStore

NAME_ATTR = "cimc.name"
"""Argument/result attribute of @main holding the ONNX tensor name."""


def io_name(fn: func.FuncOp, index: int, which: str) -> str:
    """The ONNX name of argument (which="arg") or result ("res") `index` of a function."""
    attrs = fn.arg_attrs if which == "arg" else fn.res_attrs
    if attrs is not None:
        name = attrs.data[index].data.get(NAME_ATTR)
        if isinstance(name, StringAttr):
            return name.data
    return f"{which}{index}"


def _static_shapes(model: onnx.ModelProto) -> dict[str, tuple[int, ...]]:
    """Static tensor shapes ONNX shape inference finds (auto_pad SAME needs them); {} if it fails."""
    try:
        inferred = onnx.shape_inference.infer_shapes(model)
    except Exception:  # a model shape inference cannot handle still imports, without them
        return {}
    shapes = {}
    for info in (*inferred.graph.input, *inferred.graph.value_info, *inferred.graph.output):
        dims = info.type.tensor_type.shape.dim
        if info.type.tensor_type.HasField("shape") and all(d.HasField("dim_value") for d in dims):
            shapes[info.name] = tuple(d.dim_value for d in dims)
    return shapes


def load_model(model: str | Path | onnx.ModelProto) -> onnx.ModelProto:
    if isinstance(model, onnx.ModelProto):
        return model
    if not isinstance(model, (str, Path)):
        raise CimcError(f"a model is a path to an .onnx file or an onnx.ModelProto, not {type(model).__name__}")
    path = Path(model)
    if not path.is_file():
        raise CimcError(f"model file '{path}' not found")
    try:
        return onnx.load(str(path))
    except Exception as e:  # onnx raises DecodeError, ValueError, ... for a bad file
        raise CimcError(f"model file '{path}' is not a valid ONNX model: {type(e).__name__}: {e}") from None


def _ssa_name(name: str) -> str:
    hint = re.sub(r"[^A-Za-z0-9_$.-]", "_", name)
    if not hint or hint[0].isdigit():
        hint = f"v{hint}"
    return hint


class _Importer:
    def __init__(self, model: onnx.ModelProto):
        self.graph = model.graph
        self.opset = next((o.version for o in model.opset_import if o.domain in ("", "ai.onnx")), 1)
        self.weights = WeightStore()
        self.constants: dict[str, np.ndarray] = {
            init.name: numpy_helper.to_array(init) for init in self.graph.initializer}
        self.values: dict[str, SSAValue] = {}
        self.weight_values: dict[str, SSAValue] = {}
        self.node: onnx.NodeProto | None = None
        self.node_name = ""
        self.consumed = {name for node in self.graph.node for name in node.input} | {o.name for o in self.graph.output}
        self.model = model
        self._static_shapes: dict[str, tuple[int, ...]] | None = None

    @property
    def static_shapes(self) -> dict[str, tuple[int, ...]]:
        """Tensor shapes from ONNX shape inference, run only if a node needs them (auto_pad SAME)."""
        if self._static_shapes is None:
            self._static_shapes = _static_shapes(self.model)
        return self._static_shapes
        self.builder: Builder

    # -- helpers -----------------------------------------------------------------------------

    @property
    def where(self) -> str:
        node = self.node
        assert node is not None
        return f"{node.op_type} node '{self.node_name}'"

    def error(self, message: str) -> CimcError:
        return CimcError(f"{self.where}: {message}")

    def attrs(self, supported: dict[str, object]) -> dict[str, object]:
        """The node's attributes over `supported`'s defaults; any other attribute is an error."""
        values = dict(supported)
        for attr in self.node.attribute:
            if attr.name not in supported:
                raise self.error(f"attribute '{attr.name}' is not supported")
            values[attr.name] = onnx.helper.get_attribute_value(attr)
            if isinstance(values[attr.name], bytes):
                values[attr.name] = values[attr.name].decode()
        return values

    def unsupported_value(self, name: str, value: object) -> CimcError:
        return self.error(f"attribute {name}={value!r} is not supported")

    def scalar(self, name: str, what: str) -> np.generic:
        """Constant `name` holding one value (of shape () or (1,))."""
        array = self.constant(name, what)
        if array.size != 1:
            raise self.error(f"input {what} '{name}' must hold one value, got shape {list(array.shape)}")
        return array.reshape(-1)[0]

    def constant(self, name: str, what: str) -> np.ndarray:
        if name not in self.constants:
            raise self.error(f"{what} '{name}' must be a constant (an initializer or Constant node)")
        return self.constants[name]

    def constant_value(self, name: str, array: np.ndarray) -> SSAValue:
        """A graph.weight holding `array` (stored under `name`, or `name.N` if taken)."""
        where = f"{self.where}: " if self.node is not None else ""
        if array.dtype.kind not in "fiub":
            raise CimcError(f"{where}constant '{name}' has dtype {array.dtype}, expected a number type")
        if array.size == 0:
            raise CimcError(f"{where}constant '{name}' of shape {list(array.shape)} is empty; cimc does not "
                            "compile tensors without elements")
        handle = self.weights.add(name, array.astype(np.float32))
        op = self.builder.insert(graph.WeightOp(handle, tensor(array.shape)))
        op.result.name_hint = _ssa_name(handle)
        return op.result

    def weight(self, name: str) -> SSAValue:
        """The graph.weight of constant `name`, made on first use."""
        if name not in self.weight_values:
            self.weight_values[name] = self.constant_value(name, self.constants[name])
        return self.weight_values[name]

    def operand(self, name: str) -> SSAValue:
        if name in self.values:
            return self.values[name]
        if name in self.constants:
            return self.weight(name)
        raise self.error(f"input '{name}' is not produced by any node, input or initializer")

    def crossbar_weight(self, name: str) -> SSAValue:
        """Operand `name`, which must be computed from constants only: it goes onto crossbars."""
        value = self.operand(name)
        if not self.is_constant(value):
            raise self.error(f"weight '{name}' is computed from the model's inputs; crossbar weights must be "
                             "constants (initializers, Constant nodes or ops on them)")
        return value

    @staticmethod
    def is_constant(value: SSAValue) -> bool:
        """Whether value is a weight or computed from weights alone."""
        pending = [value]
        while pending:
            owner = pending.pop().owner
            if isinstance(owner, graph.WeightOp):
                continue
            if not isinstance(owner, Operation) or not owner.operands:
                return False
            pending.extend(owner.operands)
        return True

    def insert(self, op: Operation) -> SSAValue:
        """Insert an op of the current node that is not its output (Gemm's transA transpose, ...)."""
        op.attributes[graph.LAYER_ATTR] = StringAttr(self.node_name)
        self.builder.insert(op)
        return op.results[0]

    def emit(self, op: Operation, outputs: int = 1) -> None:
        """Insert the op computing the current node's (first) output; `outputs` it may declare."""
        self.outputs(outputs)
        out = self.node.output[0]
        self.insert(op).name_hint = _ssa_name(out)
        self.values[out] = op.results[0]

    def outputs(self, n: int) -> None:
        extra = [o for o in self.node.output[n:] if o]
        if extra:
            raise self.error(f"output '{extra[0]}' is not supported (only the first {n})")

    # -- ops -------------------------------------------------------------------------------

    def window(self, a: dict, kernel) -> tuple[list[int], list[int], list[int]]:
        if a["auto_pad"] not in ("NOTSET", "VALID", "SAME_UPPER", "SAME_LOWER"):
            raise self.unsupported_value("auto_pad", a["auto_pad"])
        if a.get("kernel_shape") is not None and kernel is not None and list(a["kernel_shape"]) != list(kernel):
            raise self.error(f"attribute kernel_shape={list(a['kernel_shape'])} does not match the weight's {list(kernel)}")
        strides = list(a["strides"] or [1, 1])
        pads = list(a["pads"] or [0, 0, 0, 0]) if a["auto_pad"] == "NOTSET" else [0, 0, 0, 0]
        dilations = list(a["dilations"] or [1, 1])
        for name, v, n in (("strides", strides, 2), ("pads", pads, 4), ("dilations", dilations, 2)):
            if len(v) != n:
                raise self.error(f"attribute {name}={v} must have {n} entries (only 2-D windows are supported)")
        if a["auto_pad"].startswith("SAME"):
            pads = self.same_pads(a["auto_pad"], kernel, strides, dilations)
        return strides, pads, dilations

    def same_pads(self, mode: str, kernel, strides: list[int], dilations: list[int]) -> list[int]:
        """auto_pad SAME_*: pads giving ceil(size / stride) outputs, the odd one at the end (UPPER)
        or the beginning (LOWER). Needs the input's static shape."""
        shape = self.static_shapes.get(self.node.input[0])
        if shape is None or kernel is None:
            raise self.error(f"attribute auto_pad={mode!r} needs the input's shape, which ONNX shape inference "
                             "could not give")
        begins, ends = [], []
        for size, k, s, d in zip(shape[2:], kernel, strides, dilations):
            total = max(0, (-(-size // s) - 1) * s + d * (k - 1) + 1 - size)
            small, large = total // 2, total - total // 2
            begins.append(small if mode == "SAME_UPPER" else large)
            ends.append(large if mode == "SAME_UPPER" else small)
        return begins + ends

    def conv(self) -> None:
        a = self.attrs({"auto_pad": "NOTSET", "dilations": None, "group": 1, "kernel_shape": None,
                        "pads": None, "strides": None})
        x, w, *b = self.node.input
        weight = self.crossbar_weight(w)
        shape = weight.type.get_shape()
        if len(shape) != 4:
            raise self.error(f"weight '{w}' has rank {len(shape)}; only 2-D convolutions (rank-4 weights) are supported")
        kernel = shape[2:] if w in self.constants else a["kernel_shape"]
        strides, pads, dilations = self.window(a, kernel)
        bias = self.operand(b[0]) if b and b[0] else None
        self.emit(graph.ConvOp(self.operand(x), weight, bias, strides, pads, dilations, a["group"], tensor([-1] * 4)))

    def scaled(self, value: SSAValue, factor: float, what: str) -> SSAValue:
        """value * factor, as an op canonicalize folds away when value is a constant."""
        if factor == 1.0:
            return value
        scalar = self.constant_value(f"{self.node_name}.{what}", np.array(factor, np.float32))
        return self.insert(graph.MulOp.create(operands=[value, scalar], result_types=[value.type]))

    def gemm(self) -> None:
        """Gemm as a graph.gemm over transposes and scalings of its operands, which canonicalize
        folds into the weights when B and C are constants."""
        a = self.attrs({"alpha": 1.0, "beta": 1.0, "transA": 0, "transB": 0})
        x, w, *c = self.node.input
        a_value, weight = self.operand(x), self.crossbar_weight(w)
        for name, value, what in ((x, a_value, "A"), (w, weight, "B")):
            if len(value.type.get_shape()) != 2:
                raise self.error(f"input {what} '{name}' must have rank 2, got {len(value.type.get_shape())}")
        if a["transA"]:
            a_value = self.insert(graph.TransposeOp(a_value, [1, 0], tensor([-1, -1])))
        if a["transB"]:
            weight = self.insert(graph.TransposeOp(weight, [1, 0], tensor([-1, -1])))
        weight = self.scaled(weight, a["alpha"], "alpha")
        bias = self.scaled(self.operand(c[0]), a["beta"], "beta") if c and c[0] else None
        self.emit(graph.GemmOp(a_value, weight, bias, tensor([-1, -1])))

    def matmul(self) -> None:
        """MatMul of an activation of rank >= 2 (leading dims as rows) by a constant matrix."""
        self.attrs({})
        x, w = self.node.input
        a_rank, b_rank = (len(self.operand(n).type.get_shape()) for n in (x, w))
        if a_rank < 2 or b_rank != 2:
            raise self.error(f"inputs A '{x}' of rank {a_rank} and B '{w}' of rank {b_rank}: cimc takes A of rank "
                             ">= 2 and a constant B of rank 2")
        self.emit(graph.GemmOp(self.operand(x), self.crossbar_weight(w), None, tensor([-1] * a_rank)))

    def pool(self, op: type[graph.PoolOp]) -> None:
        supported = {"auto_pad": "NOTSET", "ceil_mode": 0, "dilations": None, "kernel_shape": None,
                     "pads": None, "strides": None}
        if op is graph.MaxPoolOp:
            supported["storage_order"] = 0
        else:
            supported["count_include_pad"] = 0
        a = self.attrs(supported)
        if a["kernel_shape"] is None or len(a["kernel_shape"]) != 2:
            raise self.error("attribute kernel_shape must give 2 dims (only 2-D pooling is supported)")
        if a.get("storage_order"):
            raise self.unsupported_value("storage_order", a["storage_order"])
        kernel = list(a["kernel_shape"])
        strides, pads, dilations = self.window(a, kernel)
        flags = {}
        if op is graph.AvgPoolOp:
            flags["count_include_pad"] = bool(a["count_include_pad"])
        self.outputs(1)
        self.emit(op(self.operand(self.node.input[0]), kernel, strides, pads, dilations, tensor([-1] * 4),
                     ceil_mode=bool(a["ceil_mode"]), **flags))

    def global_avgpool(self) -> None:
        self.attrs({})
        self.emit(graph.GlobalAvgPoolOp.create(operands=[self.operand(self.node.input[0])], result_types=[tensor([-1] * 4)]))

    def binary(self, op: type[graph.BinaryElementwiseOp], lhs: SSAValue, rhs: SSAValue) -> Operation:
        rank = max(len(lhs.type.get_shape()), len(rhs.type.get_shape()))
        return op.create(operands=[lhs, rhs], result_types=[tensor([-1] * rank)])

    def add(self) -> None:
        self.attrs({})
        self.emit(self.binary(graph.AddOp, *(self.operand(n) for n in self.node.input)))

    def mul(self) -> None:
        self.attrs({})
        self.emit(self.binary(graph.MulOp, *(self.operand(n) for n in self.node.input)))

    def sum(self) -> None:
        """Sum of n tensors as a chain of n - 1 adds."""
        self.attrs({})
        total, *rest = (self.operand(n) for n in self.node.input)
        for i, value in enumerate(rest):
            op = self.binary(graph.AddOp, total, value)
            if i < len(rest) - 1:
                total = self.insert(op)
            else:
                self.emit(op)
        if not rest:
            self.emit(graph.IdentityOp.create(operands=[total], result_types=[total.type]))

    def elementwise(self, op: type[graph.ElementwiseOp], outputs: int = 1) -> None:
        if op is not graph.IdentityOp:
            self.attrs({})
        x = self.operand(self.node.input[0])
        self.emit(op.create(operands=[x], result_types=[tensor([-1] * len(x.type.get_shape()))]), outputs)

    def dropout(self) -> None:
        a = self.attrs({"ratio": 0.5, "seed": 0, "is_test": 1, "training_mode": 0})
        if len(self.node.input) > 2 and self.node.input[2]:
            if bool(self.constant(self.node.input[2], "training_mode")):
                raise self.unsupported_value("training_mode", 1)
        if not a["is_test"]:
            raise self.unsupported_value("is_test", 0)
        if len(self.node.output) > 1 and self.node.output[1] in self.consumed:
            raise self.error(f"output mask '{self.node.output[1]}' is used; at inference it is all ones, "
                             "which cimc does not produce")
        self.elementwise(graph.IdentityOp, outputs=len(self.node.output))

    def identity(self) -> None:
        self.attrs({})
        self.elementwise(graph.IdentityOp)

    def clip(self) -> None:
        low, high = -np.inf, np.inf
        if self.opset < 11:
            a = self.attrs({"min": float(np.finfo(np.float32).min), "max": float(np.finfo(np.float32).max)})
            low, high = a["min"], a["max"]
        else:
            self.attrs({})
            names = list(self.node.input[1:]) + ["", ""]
            if names[0]:
                low = float(self.scalar(names[0], "min"))
            if names[1]:
                high = float(self.scalar(names[1], "max"))
        f32 = np.finfo(np.float32)
        x = self.operand(self.node.input[0])
        self.emit(graph.ClipOp(x, max(low, float(f32.min)), min(high, float(f32.max)),
                               tensor([-1] * len(x.type.get_shape()))))

    def leaky_relu(self) -> None:
        a = self.attrs({"alpha": 0.01})
        x = self.operand(self.node.input[0])
        self.emit(graph.LeakyReluOp(x, a["alpha"], tensor([-1] * len(x.type.get_shape()))))

    def concat(self) -> None:
        a = self.attrs({"axis": None})
        if a["axis"] is None:
            raise self.error("attribute 'axis' is required")
        values = [self.operand(n) for n in self.node.input]
        rank = len(values[0].type.get_shape())
        self.emit(graph.ConcatOp(values, a["axis"], tensor([-1] * rank)))

    def transpose(self) -> None:
        x = self.operand(self.node.input[0])
        rank = len(x.type.get_shape())
        a = self.attrs({"perm": list(range(rank))[::-1]})
        self.emit(graph.TransposeOp(x, list(a["perm"]), tensor([-1] * rank)))

    def unsqueeze(self) -> None:
        if self.opset < 13:
            axes = self.attrs({"axes": None})["axes"]
        else:
            self.attrs({})
            axes = [int(v) for v in self.constant(self.node.input[1], "axes").reshape(-1)] \
                if len(self.node.input) > 1 else None
        if not axes:
            raise self.error("Unsqueeze needs its 'axes'")
        x = self.operand(self.node.input[0])
        self.emit(graph.UnsqueezeOp(x, list(axes), tensor([-1] * (len(x.type.get_shape()) + len(axes)))))

    def softmax(self) -> None:
        legacy = self.opset < 13
        a = self.attrs({"axis": 1 if legacy else -1})
        x = self.operand(self.node.input[0])
        self.emit(graph.SoftmaxOp(x, a["axis"], legacy, tensor([-1] * len(x.type.get_shape()))))

    def lrn(self) -> None:
        a = self.attrs({"size": None, "alpha": 0.0001, "beta": 0.75, "bias": 1.0})
        if a["size"] is None:
            raise self.error("attribute 'size' is required")
        self.emit(graph.LrnOp(self.operand(self.node.input[0]), a["size"], a["alpha"], a["beta"], a["bias"],
                              tensor([-1] * 4)))

    def pad(self) -> None:
        if self.opset < 11:
            a = self.attrs({"mode": "constant", "pads": None, "value": 0.0})
            pads, value = a["pads"], a["value"]
        else:
            a = self.attrs({"mode": "constant"})
            names = list(self.node.input[1:]) + ["", "", ""]
            pads = [int(v) for v in self.constant(names[0], "pads").reshape(-1)] if names[0] else None
            value = float(self.scalar(names[1], "constant_value")) if names[1] else 0.0
            if names[2] and pads is not None:  # pads of the listed axes only: spread over all dims
                rank = len(self.operand(self.node.input[0]).type.get_shape())
                axes = [int(a) % rank for a in self.constant(names[2], "axes").reshape(-1)]
                if len(pads) != 2 * len(axes):
                    raise self.error(f"input pads has {len(pads)} entries for {len(axes)} axes")
                full = [0] * (2 * rank)
                for i, axis in enumerate(axes):
                    full[axis], full[axis + rank] = pads[i], pads[i + len(axes)]
                pads = full
        if a["mode"] != "constant":
            raise self.unsupported_value("mode", a["mode"])
        if pads is None:
            raise self.error("Pad needs its 'pads'")
        if min(pads) < 0:
            raise self.error(f"negative pads {list(pads)} (cropping) are not supported")
        x = self.operand(self.node.input[0])
        self.emit(graph.PadOp(x, list(pads), value, tensor([-1] * len(x.type.get_shape()))))

    def batchnorm(self) -> None:
        a = self.attrs({"epsilon": 1e-5, "momentum": 0.9, "spatial": 1, "training_mode": 0, "is_test": 1})
        if a["training_mode"]:
            raise self.unsupported_value("training_mode", a["training_mode"])
        if not a["spatial"]:
            raise self.unsupported_value("spatial", a["spatial"])
        self.outputs(1)
        x, *params = self.node.input
        for name, what in zip(params, ("scale", "bias", "mean", "var")):
            self.constant(name, what)
        x_value = self.operand(x)
        self.emit(graph.BatchNormOp(x_value, *(self.weight(n) for n in params), a["epsilon"],
                                    tensor([-1] * len(x_value.type.get_shape()))))

    def constant_of_shape(self) -> None:
        a = self.attrs({"value": None})
        shape = [int(d) for d in self.constant(self.node.input[0], "shape").reshape(-1)]
        if min(shape, default=0) < 0:
            raise self.error(f"input shape {shape} has a negative dim")
        fill = numpy_helper.to_array(a["value"]).reshape(-1)[0] if a["value"] is not None else np.float32(0)
        self.constants[self.node.output[0]] = np.full(shape, fill, dtype=np.asarray(fill).dtype)

    def flatten(self) -> None:
        a = self.attrs({"axis": 1})
        self.emit(graph.FlattenOp(self.operand(self.node.input[0]), a["axis"], tensor([-1, -1])))

    def reshape(self) -> None:
        a = self.attrs({"allowzero": 0})
        x, s = self.node.input
        shape = [int(d) for d in self.constant(s, "shape").reshape(-1)]
        if a["allowzero"] and 0 in shape:
            raise self.unsupported_value("allowzero", a["allowzero"])
        self.emit(graph.ReshapeOp(self.operand(x), shape, tensor([-1] * len(shape))))

    def constant_node(self) -> None:
        kinds = {"value": None, "value_float": np.float32, "value_floats": np.float32, "value_int": np.int64,
                 "value_ints": np.int64}
        if len(self.node.attribute) != 1 or self.node.attribute[0].name not in kinds:
            names = [attr.name for attr in self.node.attribute]
            raise self.error(f"attribute(s) {names} are not supported (one of {', '.join(kinds)})")
        attr = self.node.attribute[0]
        value = onnx.helper.get_attribute_value(attr)
        self.constants[self.node.output[0]] = (
            numpy_helper.to_array(value) if attr.name == "value" else np.array(value, kinds[attr.name]))

    HANDLERS: dict[str, tuple[Callable[[_Importer], None], int, int]] = {
        # op type: (handler, fewest inputs, most inputs)
        "Conv": (conv, 2, 3),
        "Gemm": (gemm, 2, 3),
        "MatMul": (matmul, 2, 2),
        "Relu": (lambda self: self.elementwise(graph.ReluOp), 1, 1),
        "Sigmoid": (lambda self: self.elementwise(graph.SigmoidOp), 1, 1),
        "Tanh": (lambda self: self.elementwise(graph.TanhOp), 1, 1),
        "Clip": (clip, 1, 3),
        "LeakyRelu": (leaky_relu, 1, 1),
        "MaxPool": (lambda self: self.pool(graph.MaxPoolOp), 1, 1),
        "AveragePool": (lambda self: self.pool(graph.AvgPoolOp), 1, 1),
        "GlobalAveragePool": (global_avgpool, 1, 1),
        "Add": (add, 2, 2),
        "Mul": (mul, 2, 2),
        "Sum": (sum, 1, 2**31),
        "Concat": (concat, 1, 2**31),
        "BatchNormalization": (batchnorm, 5, 5),
        "Flatten": (flatten, 1, 1),
        "Reshape": (reshape, 2, 2),
        "Transpose": (transpose, 1, 1),
        "Unsqueeze": (unsqueeze, 1, 2),
        "Softmax": (softmax, 1, 1),
        "LRN": (lrn, 1, 1),
        "Pad": (pad, 1, 4),
        "Dropout": (dropout, 1, 3),
        "Identity": (identity, 1, 1),
        "Constant": (constant_node, 0, 0),
        "ConstantOfShape": (constant_of_shape, 1, 1),
    }

    # -- the graph -----------------------------------------------------------------------------

    def input_types(self) -> list[tuple[str, TensorType]]:
        inputs = []
        for value in self.graph.input:
            if value.name in self.constants:
                continue
            t = value.type.tensor_type
            if t.elem_type != onnx.TensorProto.FLOAT:
                dtype = onnx.TensorProto.DataType.Name(t.elem_type)
                raise CimcError(f"model input '{value.name}' has element type {dtype}; cimc takes float32 inputs")
            if not t.HasField("shape"):
                raise CimcError(f"model input '{value.name}' has no shape; cimc needs static input shapes")
            dims = []
            for d in t.shape.dim:
                if not d.HasField("dim_value"):
                    what = f"a symbolic dim '{d.dim_param}'" if d.dim_param else "an unknown dim"
                    raise CimcError(f"model input '{value.name}' has {what}; cimc needs static input shapes")
                if d.dim_value < 1:
                    raise CimcError(f"model input '{value.name}' has a dim of {d.dim_value}; dims must be >= 1")
                dims.append(d.dim_value)
            inputs.append((value.name, tensor(dims)))
        return inputs

    def run(self) -> tuple[ModuleOp, WeightStore]:
        inputs = self.input_types()
        block = Block(arg_types=[t for _, t in inputs])
        for (name, _), arg in zip(inputs, block.args):
            arg.name_hint = _ssa_name(name)
            self.values[name] = arg
        self.builder = Builder(InsertPoint.at_end(block))
        for i, node in enumerate(self.graph.node):
            self.node, self.node_name = node, node.name or f"{node.op_type}_{i}"
            entry = self.HANDLERS.get(node.op_type)
            if entry is None or node.domain not in ("", "ai.onnx"):
                domain = f" (domain '{node.domain}')" if node.domain not in ("", "ai.onnx") else ""
                raise CimcError(f"unsupported op '{node.op_type}'{domain} in node '{self.node_name}'")
            handler, fewest, most = entry
            if not fewest <= len(node.input) <= most or not node.output or not node.output[0]:
                expected = f"{fewest}" if fewest == most else f"{fewest} or more" if most > 2**30 else f"{fewest} to {most}"
                raise self.error(f"takes {expected} input(s) and an output, got {len(node.input)} input(s) "
                                 f"and {len(node.output)} output(s)")
            handler(self)
        self.node = None
        results = []
        for out in self.graph.output:
            if out.name in self.constants and out.name not in self.values:
                if self.constants[out.name].size == 0:
                    raise CimcError(f"model output '{out.name}' is an empty tensor of shape "
                                    f"{list(self.constants[out.name].shape)}; cimc does not compile tensors without elements")
                self.builder = Builder(InsertPoint.at_end(block))
                self.values[out.name] = self.weight(out.name)
            if out.name not in self.values:
                raise CimcError(f"model output '{out.name}' is not computed by any supported node")
            results.append(self.values[out.name])
        block.add_op(func.ReturnOp(*results))
        fn = func.FuncOp(
            "main", FunctionType.from_lists(block.arg_types, [r.type for r in results]), Region(block),
            arg_attrs=ArrayAttr([DictionaryAttr({NAME_ATTR: StringAttr(n)}) for n, _ in inputs]),
            res_attrs=ArrayAttr([DictionaryAttr({NAME_ATTR: StringAttr(o.name)}) for o in self.graph.output]))
        return ModuleOp([fn]), self.weights


def import_onnx(model: str | Path | onnx.ModelProto) -> tuple[ModuleOp, WeightStore]:
    """The graph-dialect module (function @main) and the weight store of an ONNX model."""
    return _Importer(load_model(model)).run()


SUPPORTED_OPS: tuple[str, ...] = tuple(sorted(_Importer.HANDLERS))
"""The ONNX op types (default domain) the frontend imports."""
