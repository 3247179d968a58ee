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

    def weight(self, name: str, shape: tuple[int, ...], fan_in: int, gain: float) -> str:
        """A weight of std sqrt(gain / fan_in): gain 2 (He) before a rectifier, 1 before a linear
        layer or a residual sum, less for a classifier."""
        std = np.sqrt(gain / fan_in)
        self.initializers.append(numpy_helper.from_array((self.rng.standard_normal(shape) * std).astype(np.float32), name))
        return name

    def constant(self, name: str, value: np.ndarray) -> str:
        """An initializer holding `value`, added once (later calls with the same name reuse it)."""
        if all(init.name != name for init in self.initializers):
            self.initializers.append(numpy_helper.from_array(value, name))
        return name

    def batchnorm(self, x: str, name: str, c: int, gain: float = 1.0) -> str:
        """BatchNormalization with random inference statistics: scale gain * (1 + 0.1 N), bias and
        mean 0.01 N, variance uniform 0.5..1.5 (so it neither normalizes nor blows up)."""
        rng = self.rng
        params = {"scale": (1.0 + 0.1 * rng.standard_normal(c)) * gain, "bias": 0.01 * rng.standard_normal(c),
                  "mean": 0.01 * rng.standard_normal(c), "var": rng.uniform(0.5, 1.5, c)}
        names = [self.constant(f"{name}.{k}", v.astype(np.float32)) for k, v in params.items()]
        return self.node("BatchNormalization", [x, *names], name, epsilon=1e-5)

    def clip(self, x: str, name: str, lo: float, hi: float) -> str:
        """Clip (opset >= 11 takes min and max as inputs: shared scalar initializers)."""
        lo_name = self.constant(f"clip.min.{lo:g}", np.array(lo, np.float32))
        hi_name = self.constant(f"clip.max.{hi:g}", np.array(hi, np.float32))
        return self.node("Clip", [x, lo_name, hi_name], name)

    def conv_bn(self, x: str, name: str, cin: int, cout: int, k: int, stride: int = 1, group: int = 1,
                relu6: bool = True, bn_gain: float = 1.0) -> str:
        """Conv without bias (k x k, same padding) -> BatchNormalization -> Clip(0, 6) if relu6."""
        fan_in = cin // group * k * k
        w = self.weight(f"{name}.weight", (cout, cin // group, k, k), fan_in, 2.0 if relu6 else 1.0)
        p = (k - 1) // 2
        x = self.node("Conv", [x, w], name, kernel_shape=[k, k], strides=[stride, stride], pads=[p, p, p, p],
                      group=group)
        x = self.batchnorm(x, f"{name}.bn", cout, bn_gain)
        return self.clip(x, f"{name}.relu6", 0.0, 6.0) if relu6 else x

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


# MobileNetV2's inverted residual stages: (expansion t, output channels c, blocks n, first stride s)
MOBILENET_V2_BLOCKS: tuple[tuple[int, int, int, int], ...] = (
    (1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1))


def _divisible(c: float, by: int = 8) -> int:
    """Round channels to a multiple of 8, not below 90% of c (MobileNet's rule)."""
    rounded = max(by, int(c + by / 2) // by * by)
    return rounded + by if rounded < 0.9 * c else rounded


def mobilenet_v2(seed: int = 0, size: int = 224, width: float = 1.0,
                 blocks: tuple[tuple[int, int, int, int], ...] = MOBILENET_V2_BLOCKS) -> onnx.ModelProto:
    """MobileNetV2 on 1x3xSIZExSIZE inputs: stem conv 3x3 stride 2 + BatchNormalization +
    Clip(0, 6); inverted residual blocks (1x1 expand conv + BN + Clip, 3x3 depthwise conv
    (group = channels) + BN + Clip, 1x1 project conv + BN, and a residual Add when the stride
    is 1 and the channels match); 1x1 conv to 1280 * width channels + BN + Clip;
    GlobalAveragePool, Flatten and Gemm to 1000 classes. `blocks` lists the stages as
    (expansion, channels, repeats, first stride); channels are scaled by `width`.

    The last BatchNormalization of a residual branch has a small scale (0.25) and the
    classifier a small gain, so activations stay in a sane range and the logits are of order 1.
    """
    if size < 32:
        raise ValueError(f"mobilenet_v2 needs an input of at least 32x32, got {size}")
    g = _GraphBuilder(seed)
    cin = _divisible(32 * width)
    x = g.conv_bn("input", "stem", 3, cin, 3, stride=2)
    for stage, (t, c, n, s) in enumerate(blocks):
        cout = _divisible(c * width)
        for i in range(n):
            stride = s if i == 0 else 1
            residual = stride == 1 and cin == cout
            name = f"block{stage}_{i}"
            hidden = cin * t
            y = x
            if t != 1:
                y = g.conv_bn(y, f"{name}.expand", cin, hidden, 1)
            y = g.conv_bn(y, f"{name}.dw", hidden, hidden, 3, stride=stride, group=hidden)
            y = g.conv_bn(y, f"{name}.project", hidden, cout, 1, relu6=False, bn_gain=0.25 if residual else 1.0)
            x = g.node("Add", [x, y], f"{name}.add") if residual else y
            cin = cout
    last = _divisible(1280 * width)
    x = g.conv_bn(x, "head", cin, last, 1)
    x = g.node("GlobalAveragePool", [x], "gap")
    x = g.node("Flatten", [x], "flatten", axis=1)
    w = g.weight("classifier.weight", (1000, last), last, 0.25)
    b = g.bias("classifier.bias", 1000)
    x = g.node("Gemm", [x, w, b], "classifier", transB=1)
    return g.model("mobilenet_v2", {"input": [1, 3, size, size]}, x, [1, 1000])


def two_branch_block(seed: int = 0, size: int = 16) -> onnx.ModelProto:
    """An Inception-style block on 1x8xSxS, its branches in the order that needs more memory:
    a 1x1 conv to 64 channels (a wide output), then a 3x3 conv to 96 channels reduced to 4 by
    a 1x1 conv (a large intermediate, a narrow output); the two concatenated (68 channels)."""
    g = _GraphBuilder(seed)
    wide = g.node("Relu", [g.conv("input", "wide", 8, 64, 1)], "wide.relu")
    deep = g.node("Relu", [g.conv("input", "deep.3x3", 8, 96, 3, pads=[1, 1, 1, 1])], "deep.3x3.relu")
    deep = g.node("Relu", [g.conv(deep, "deep.1x1", 96, 4, 1)], "deep.relu")
    out = g.node("Concat", [wide, deep], "concat", axis=1)
    return g.model("two_branch_block", {"input": [1, 8, size, size]}, out, [1, 68, size, size])
