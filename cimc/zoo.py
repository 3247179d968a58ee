"""The ONNX "light" model-zoo networks shipped inside the onnx package, made runnable.

The onnx package ships the graphs of nine zoo CNNs under onnx/backend/test/data/light with
their weights stripped: each weight is a ConstantOfShape node filling its shape with 0.02 (and
a few layers keep some of their trained values). Such a model runs, but its activations explode
or vanish within a few layers. `light_model` returns the same graph with every float constant
(the ConstantOfShape outputs and the float initializers alike) replaced by an initializer of
seeded random values scaled by its role, found from the op that consumes it:

- Conv, Gemm and MatMul weights: uniform with std sqrt(gain / fan_in), fan_in from the weight
  shape (Gemm's transB minded); gain 2 (He) when a rectifier follows the layer, 1 when it feeds
  another linear layer or a residual sum (so the variance does not double at each), and
  CLASSIFIER_GAIN when its output is the logits (reaches Softmax or the graph output);
- Conv and Gemm biases: N(0, 0.01);
- BatchNormalization: scale 1 + 0.1 N(0, 1), bias and mean N(0, 0.01), var uniform 0.5..1.5;
  the last BatchNormalization of a residual branch with an identity shortcut has its scale
  multiplied by RESIDUAL_GAIN, so the variance grows by a few percent per block, not 2x;
- a constant Mul operand (the per-channel scale of densenet and inception_v2, reached through
  Unsqueeze): 1 + 0.1 N(0, 1); a constant Add or Sum operand: N(0, 0.01);
- anything else: N(0, 0.01).

With a standard-normal input, the logits of every net are of order 1..20 and its softmax is
far from one-hot.

Ops such as Unsqueeze or Reshape between a constant and its consumer are looked through (and
kept). The shape inputs of the ConstantOfShape nodes, and unused initializers, are dropped;
every initializer is removed from graph.input, so the image is the model's only input. The ops
are otherwise left as shipped (opset 9); ir_version becomes 8 since initializers that are not
graph inputs need IR >= 4. Nothing is downloaded; the same seed gives the same model bytes.
"""

from __future__ import annotations

import os

import numpy as np
import onnx
from onnx import TensorProto, numpy_helper

from cimc.errors import CimcError
from cimc.reference import model_inputs, random_inputs

ZOO_NETS = ("bvlc_alexnet", "zfnet512", "vgg19", "resnet50", "squeezenet", "inception_v1", "inception_v2",
            "shufflenet", "densenet121")

IR_VERSION = 8

# ops that pass a constant through unchanged in value (only its shape changes): looked through
# to find the role of the constant
_TRANSPARENT = {"Unsqueeze", "Reshape", "Identity", "Squeeze", "Flatten", "Transpose", "Cast"}
# ops looked through, from a conv or gemm output, to find whether a rectifier follows it
_PASS_THROUGH = {"BatchNormalization", "Concat", "MaxPool", "AveragePool", "Dropout", "LRN", "Identity", "Reshape",
                 "Transpose", "Flatten", "Squeeze", "Unsqueeze"}
_RECTIFIERS = {"Relu", "Clip", "LeakyRelu", "PRelu"}
RESIDUAL_GAIN = 0.25  # the scale of the last BatchNormalization of a residual branch
CLASSIFIER_GAIN = 0.25  # the weight variance gain of the classifier (He's is 2)


def _constant_chain(name: str, producers: dict[str, onnx.NodeProto], constants: set[str]) -> bool:
    """Whether the value is computed from constants only (a weight through Unsqueeze, say)."""
    while name not in constants:
        node = producers.get(name)
        if node is None or node.op_type not in _TRANSPARENT:
            return False
        name = node.input[0]
    return True


def light_dir() -> str:
    """The directory holding the light zoo models in the installed onnx package."""
    return os.path.join(os.path.dirname(onnx.__file__), "backend", "test", "data", "light")


def light_path(name: str) -> str:
    if name not in ZOO_NETS:
        raise CimcError(f"unknown zoo net {name!r}: expected one of {', '.join(ZOO_NETS)}")
    path = os.path.join(light_dir(), f"light_{name}.onnx")
    if not os.path.isfile(path):
        raise CimcError(f"zoo net {name!r}: {path} is missing from the installed onnx package "
                        f"(onnx {onnx.__version__}); cimc does not download models")
    return path


def light_model(name: str, seed: int = 0) -> onnx.ModelProto:
    """The light zoo net `name` (one of ZOO_NETS) with seeded random weights; see the module doc."""
    path = light_path(name)
    try:
        model = onnx.load(path)
    except Exception as e:  # a truncated or corrupt file
        raise CimcError(f"zoo net {name!r}: cannot read {path}: {e}") from None
    return _randomize(model, seed)


def zoo_input(model: onnx.ModelProto, seed: int = 0) -> dict[str, np.ndarray]:
    """Seeded standard-normal values for the model's single non-initializer input."""
    shapes = model_inputs(model)
    if len(shapes) != 1:
        raise CimcError(f"expected a model with one input, got {len(shapes)}: {', '.join(shapes)}")
    return random_inputs(shapes, seed)


def _shapes(model: onnx.ModelProto) -> dict[str, tuple[int, ...]]:
    """Static shapes of the model's values, from onnx shape inference (0 for an unknown dim)."""
    inferred = onnx.shape_inference.infer_shapes(model)
    g = inferred.graph
    shapes = {}
    for v in [*g.input, *g.value_info, *g.output]:
        t = v.type.tensor_type
        if t.HasField("shape"):
            shapes[v.name] = tuple(d.dim_value for d in t.shape.dim)
    for init in g.initializer:
        shapes[init.name] = tuple(init.dims)
    return shapes


def _randomize(model: onnx.ModelProto, seed: int) -> onnx.ModelProto:
    """Randomize the weights of `model` in place, and return it."""
    graph = model.graph
    shapes = _shapes(model)
    initializers = {init.name: init for init in graph.initializer}

    # the float constants to replace: ConstantOfShape outputs (with static shapes) and float initializers
    constant_shapes: dict[str, tuple[int, ...]] = {}
    for node in graph.node:
        if node.op_type == "ConstantOfShape":
            shape_input = initializers.get(node.input[0])
            if shape_input is None:
                raise CimcError(f"ConstantOfShape node {node.name!r}: its shape {node.input[0]!r} is not a constant")
            value = next((a.t for a in node.attribute if a.name == "value"), None)
            if value is not None and value.data_type != TensorProto.FLOAT:
                raise CimcError(f"ConstantOfShape node {node.name!r}: only float constants are supported")
            constant_shapes[node.output[0]] = tuple(int(d) for d in numpy_helper.to_array(shape_input))
    for init in graph.initializer:
        if init.data_type == TensorProto.FLOAT:
            constant_shapes[init.name] = tuple(init.dims)

    consumers: dict[str, list[tuple[onnx.NodeProto, int]]] = {}
    for node in graph.node:
        for k, name in enumerate(node.input):
            consumers.setdefault(name, []).append((node, k))

    def role(name: str) -> tuple[onnx.NodeProto | None, int, str]:
        """The first consumer that is not a shape-only op, the input index there, and the
        name of the value it consumes (the constant after the shape-only ops)."""
        seen = set()
        while name not in seen:
            seen.add(name)
            uses = consumers.get(name, [])
            if not uses:
                return None, -1, name
            node, k = uses[0]
            if node.op_type in _TRANSPARENT and k == 0:
                name = node.output[0]
                continue
            return node, k, name
        return None, -1, name

    producers = {o: node for node in graph.node for o in node.output}
    constants = set(constant_shapes) | set(initializers)

    outputs = {o.name for o in graph.output}

    def reaches(node: onnx.NodeProto, targets: set[str]) -> bool:
        """Whether every use of the node's output reaches one of the `targets` ops (or, with
        "output" among them, a graph output) through per-channel and shape ops only."""
        stack, seen, found = [node.output[0]], set(), False
        while stack:
            name = stack.pop()
            if name in seen:
                continue
            seen.add(name)
            if name in outputs and "output" in targets:
                found = True
                continue
            uses = consumers.get(name, [])
            if not uses:
                return False
            for user, _ in uses:
                if user.op_type in targets:
                    found = True
                elif user.op_type in _PASS_THROUGH or (
                        user.op_type in ("Mul", "Add") and any(i in constants or _constant_chain(i, producers, constants)
                                                               for i in user.input if i not in seen)):
                    stack.append(user.output[0])
                else:
                    return False
        return found

    def weight_gain(node: onnx.NodeProto) -> float:
        """The He gain 2 for a layer followed by a rectifier (Relu, Clip, ...); a small gain for
        the classifier (its output reaches Softmax or the graph output), so that the logits are
        of order 1; else 1, so a conv feeding another conv or a residual sum does not double
        the variance."""
        if reaches(node, _RECTIFIERS):
            return 2.0
        if reaches(node, {"Softmax", "output"}):
            return CLASSIFIER_GAIN
        return 1.0

    # a residual Sum/Add with an identity shortcut (an operand that does not come from a
    # BatchNormalization): the BatchNormalizations on its other operands get a small scale, so
    # that the variance grows by a few percent per block instead of doubling
    bn_gain: dict[str, float] = {}
    for node in graph.node:
        if node.op_type in ("Sum", "Add"):
            operands = [i for i in node.input if i not in constants and not _constant_chain(i, producers, constants)]
            bns = [producers[i] for i in operands if i in producers and producers[i].op_type == "BatchNormalization"]
            if len(operands) >= 2 and len(bns) < len(operands):
                for bn in bns:
                    bn_gain[bn.output[0]] = RESIDUAL_GAIN

    rng = np.random.default_rng(seed)
    values: dict[str, np.ndarray] = {}
    # in node order, so that the random stream, and the model bytes, depend on the seed only
    for node in graph.node:
        for name in node.input:
            if name in constant_shapes and name not in values:
                consumer, k, consumed = role(name)
                if consumer is None:
                    gain = 1.0
                elif consumer.op_type == "BatchNormalization":
                    gain = bn_gain.get(consumer.output[0], 1.0)
                else:
                    gain = weight_gain(consumer)
                values[name] = _random_value(rng, constant_shapes[name], consumer, k,
                                             shapes.get(consumed, constant_shapes[name]), gain)

    # the new graph, edited in place (the weights are large: no copies): no ConstantOfShape
    # nodes, their outputs and the float initializers become the random initializers, unused
    # initializers are dropped and no initializer is left in graph.input
    cos_outputs = [n.output[0] for n in graph.node if n.op_type == "ConstantOfShape"]
    for i in reversed(range(len(graph.node))):
        if graph.node[i].op_type == "ConstantOfShape":
            del graph.node[i]
    used = {name for n in graph.node for name in n.input} | {o.name for o in graph.output}
    for i in reversed(range(len(graph.initializer))):
        init = graph.initializer[i]
        if init.name not in used:
            del graph.initializer[i]
        elif init.name in values:
            _set_values(init, values.pop(init.name))
    for name in cos_outputs:
        if name in used:
            init = graph.initializer.add()
            init.name = name
            _set_values(init, values.pop(name))
    init_names = {i.name for i in graph.initializer}
    for i in reversed(range(len(graph.input))):
        name = graph.input[i].name
        if name in init_names or name in initializers or name not in used:
            del graph.input[i]
    model.ir_version = IR_VERSION
    return model


def _set_values(tensor: onnx.TensorProto, value: np.ndarray) -> None:
    """Make `tensor` hold the float32 `value` (as raw data)."""
    name = tensor.name
    tensor.Clear()
    tensor.name = name
    tensor.data_type = TensorProto.FLOAT
    tensor.dims.extend(value.shape)
    tensor.raw_data = np.ascontiguousarray(value, dtype="<f4").tobytes()


def _random_value(rng: np.random.Generator, shape: tuple[int, ...], consumer: onnx.NodeProto | None, k: int,
                  consumed_shape: tuple[int, ...], gain: float) -> np.ndarray:
    """Random float32 values of `shape` for a constant consumed as input `k` of `consumer`, in
    the shape `consumed_shape` there (after Unsqueeze/Reshape). Weights are uniform with std
    sqrt(gain / fan_in) (He-uniform for gain 2; uniform rather than normal as it is several
    times faster to draw, and the zoo nets hold up to 143M weights); a BatchNormalization
    scale is multiplied by gain."""
    op = consumer.op_type if consumer is not None else None
    attrs = {a.name: a.i for a in consumer.attribute} if consumer is not None else {}
    fan_in = None
    if op == "Conv" and k == 1:
        fan_in = int(np.prod(consumed_shape[1:]))
    elif op == "Gemm" and k == 1:
        fan_in = consumed_shape[1] if attrs.get("transB", 0) else consumed_shape[0]
    elif op == "Gemm" and k == 0:  # a constant A: the weight is on the left
        fan_in = consumed_shape[0] if attrs.get("transA", 0) else consumed_shape[1]
    elif op == "MatMul":
        fan_in = consumed_shape[-2] if k == 1 else consumed_shape[-1]
    if fan_in is not None:
        value = rng.random(shape, dtype=np.float32)  # uniform 0..1, std 1/sqrt(12)
        value -= np.float32(0.5)
        value *= np.float32(np.sqrt(12.0 * gain / max(fan_in, 1)))
        return value
    if op == "BatchNormalization" and k == 4:  # variance
        return rng.uniform(0.5, 1.5, shape).astype(np.float32)
    normal = rng.standard_normal(shape)
    if op == "BatchNormalization" and k == 1:  # scale
        value = (1.0 + 0.1 * normal) * gain
    elif op == "Mul":  # a per-channel scale
        value = 1.0 + 0.1 * normal
    else:  # biases, BatchNormalization bias and mean, Add/Sum operands, anything else
        value = 0.01 * normal
    return value.astype(np.float32)


NETWORKS = (*ZOO_NETS, "mobilenet_v2")
"""Every network the acceptance tests and benchmarks use: the light zoo and MobileNetV2."""


def network(name: str, seed: int = 0) -> onnx.ModelProto:
    """A light zoo net or "mobilenet_v2" (cimc.models), with seeded weights."""
    from cimc import models

    return models.mobilenet_v2(seed) if name == "mobilenet_v2" else light_model(name, seed)
