"""Small ONNX models built in code with seeded random weights, for tests, benchmarks and examples.

Weights are He-scaled (std sqrt(2 / fan_in)) so activations stay in a sane range through the
layers. Nothing is downloaded.
"""

from __future__ import annotations

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 17
IR_VERSION = 8  # readable by every onnxruntime release cimc tests against


class _GraphBuilder:
    def __init__(self, seed: int):
        self.rng = np.random.default_rng(seed)
        self.nodes: list[onnx.NodeProto] = []
        self.initializers: list[onnx.TensorProto] = []
        self.count = 0

    def param(self, name: str, shape: tuple[int, ...], fan_in: int) -> str:
        std = np.sqrt(2.0 / fan_in)
        self.initializers.append(numpy_helper.from_array((self.rng.standard_normal(shape) * std).astype(np.float32), name))
        return name

    def bias(self, name: str, n: int) -> str:
        self.initializers.append(numpy_helper.from_array((self.rng.standard_normal(n) * 0.1).astype(np.float32), name))
        return name

    def node(self, op: str, inputs: list[str], name: str, **attrs) -> str:
        self.nodes.append(helper.make_node(op, inputs, [name], name=name, **attrs))
        return name

    def conv(self, x: str, name: str, cin: int, cout: int, k: int, group: int = 1, **attrs) -> str:
        w = self.param(f"{name}.weight", (cout, cin // group, k, k), cin // group * k * k)
        b = self.bias(f"{name}.bias", cout)
        return self.node("Conv", [x, w, b], name, kernel_shape=[k, k], group=group, **attrs)

    def gemm(self, x: str, name: str, fan_in: int, fan_out: int) -> str:
        """PyTorch's Linear: Gemm with transB=1 and an (out, in) weight."""
        w = self.param(f"{name}.weight", (fan_out, fan_in), fan_in)
        b = self.bias(f"{name}.bias", fan_out)
        return self.node("Gemm", [x, w, b], name, transB=1)

    def model(self, name: str, inputs: dict[str, list[int]], output: str, out_shape: list[int]) -> onnx.ModelProto:
        graph = helper.make_graph(
            self.nodes, name,
            [helper.make_tensor_value_info(n, TensorProto.FLOAT, s) for n, s in inputs.items()],
            [helper.make_tensor_value_info(output, TensorProto.FLOAT, out_shape)],
            self.initializers)
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], ir_version=IR_VERSION,
                                  producer_name="cimc.models")
        onnx.checker.check_model(model)
        return model


def lenet5(seed: int = 0, batch: int = 1) -> onnx.ModelProto:
    """LeNet-5 on 1x28x28 inputs: conv(6,5x5,pad 2)-relu-maxpool-conv(16,5x5)-relu-maxpool-fc120-fc84-fc10."""
    g = _GraphBuilder(seed)
    x = g.node("Relu", [g.conv("input", "conv1", 1, 6, 5, pads=[2, 2, 2, 2])], "relu1")
    x = g.node("MaxPool", [x], "pool1", kernel_shape=[2, 2], strides=[2, 2])
    x = g.node("Relu", [g.conv(x, "conv2", 6, 16, 5)], "relu2")
    x = g.node("MaxPool", [x], "pool2", kernel_shape=[2, 2], strides=[2, 2])
    x = g.node("Flatten", [x], "flatten", axis=1)
    x = g.node("Relu", [g.gemm(x, "fc1", 400, 120)], "relu3")
    x = g.node("Relu", [g.gemm(x, "fc2", 120, 84)], "relu4")
    g.gemm(x, "fc3", 84, 10)
    return g.model("lenet5", {"input": [batch, 1, 28, 28]}, "fc3", [batch, 10])


def mlp(seed: int = 0, sizes: tuple[int, ...] = (784, 256, 128, 10)) -> onnx.ModelProto:
    """A 3-layer perceptron of MatMul + Add + Relu (the bias added by an Add node, as exporters do)."""
    g = _GraphBuilder(seed)
    x = "input"
    for i, (fan_in, fan_out) in enumerate(zip(sizes, sizes[1:])):
        w = g.param(f"fc{i}.weight", (fan_in, fan_out), fan_in)
        x = g.node("Add", [g.node("MatMul", [x, w], f"fc{i}.matmul"), g.bias(f"fc{i}.bias", fan_out)], f"fc{i}")
        if i < len(sizes) - 2:
            x = g.node("Relu", [x], f"relu{i}")
    return g.model("mlp", {"input": [1, sizes[0]]}, x, [1, sizes[-1]])


def conv_net(size: int = 32, seed: int = 0) -> onnx.ModelProto:
    """Convolutions only (no dense layer), so it compiles for any input size >= 8: strided and
    grouped convs, a residual Add, average and global pooling, and a Reshape."""
    g = _GraphBuilder(seed)
    x = g.node("Relu", [g.conv("input", "conv1", 3, 16, 3, pads=[1, 1, 1, 1])], "relu1")
    y = g.node("Relu", [g.conv(x, "conv2", 16, 16, 3, group=4, pads=[1, 1, 1, 1])], "relu2")
    x = g.node("Add", [x, y], "residual")
    x = g.conv(x, "conv3", 16, 32, 3, strides=[2, 2], pads=[0, 0, 1, 1], dilations=[1, 1])
    x = g.node("AveragePool", [x], "pool1", kernel_shape=[3, 3], strides=[1, 1], pads=[1, 1, 1, 1],
               count_include_pad=1)
    x = g.node("MaxPool", [x], "pool2", kernel_shape=[2, 2], strides=[2, 2], pads=[0, 0, 1, 1])
    x = g.conv(x, "conv4", 32, 10, 1)
    x = g.node("GlobalAveragePool", [x], "gap")
    shape = numpy_helper.from_array(np.array([1, 10], np.int64), "shape")
    g.initializers.append(shape)
    g.node("Reshape", [x, "shape"], "logits")
    return g.model("conv_net", {"input": [1, 3, size, size]}, "logits", [1, 10])
