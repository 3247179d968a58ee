"""The test networks: the onnx package's light zoo models with seeded random weights
(cimc.zoo), and the MobileNetV2-style net built in code (cimc.models.mobilenet_v2).

Only the utility is tested here: each net is a valid, self-contained model that onnxruntime
runs to finite logits of a sane size. Each net runs once (vgg19 holds 143M weights)."""

from __future__ import annotations

import collections

import numpy as np
import onnx
import pytest
from onnx import helper, numpy_helper

from cimc import models, zoo
from cimc.errors import CimcError
from cimc.reference import model_inputs, onnxruntime_outputs

NETS = zoo.NETWORKS


def build(name: str, seed: int) -> onnx.ModelProto:
    return zoo.network(name, seed)


def logits_name(model: onnx.ModelProto) -> str:
    """The value holding the logits: the input of the final Softmax, else the graph output."""
    softmax = [n for n in model.graph.node if n.op_type == "Softmax"]
    return softmax[-1].input[0] if softmax else model.graph.output[0].name


def softmax(x: np.ndarray) -> np.ndarray:
    e = np.exp(x - x.max())
    return e / e.sum()


@pytest.mark.parametrize("name", NETS)
def test_net(name):
    model = build(name, 0)
    data = model.SerializeToString()
    onnx.checker.check_model(data, full_check=True)

    # self-contained: the image is the only input, the weights are initializers
    assert [i.name for i in model.graph.input] == list(model_inputs(model))
    (input_name, shape), = model_inputs(model).items()
    assert shape == (1, 3, 224, 224)
    assert not any(n.op_type in ("ConstantOfShape", "Constant") for n in model.graph.node)
    assert model.opset_import[0].version == (models.OPSET if name == "mobilenet_v2" else 9)

    # the same seed gives the same bytes, another seed other weights (same graph)
    assert build(name, 0).SerializeToString() == data
    other = build(name, 1)
    assert other.SerializeToString() != data
    assert [n.op_type for n in other.graph.node] == [n.op_type for n in model.graph.node]
    del other

    inputs = zoo.zoo_input(model, 0)
    assert list(inputs) == [input_name] and inputs[input_name].shape == shape
    assert inputs[input_name].dtype == np.float32
    assert np.array_equal(zoo.zoo_input(model, 0)[input_name], inputs[input_name])

    logits = logits_name(model)
    outputs = [o.name for o in model.graph.output]
    if logits not in outputs:
        model.graph.output.append(helper.make_empty_tensor_value_info(logits))
    results = onnxruntime_outputs(model, inputs)
    for out in outputs:
        assert np.isfinite(results[out]).all(), out
    x = results[logits].reshape(-1)
    assert x.size == 1000
    assert np.isfinite(x).all()
    assert x.std() > 1e-3 * np.abs(x).max()  # not all equal
    assert 1e-2 <= np.abs(x).max() <= 1e3, np.abs(x).max()
    probabilities = softmax(x.astype(np.float64))
    assert probabilities.max() < 0.99, probabilities.max()  # not one-hot
    if logits != outputs[0]:  # the model's own Softmax
        np.testing.assert_allclose(results[outputs[0]].reshape(-1), probabilities, atol=1e-5)


def test_zoo_nets_listed():
    assert zoo.ZOO_NETS == ("bvlc_alexnet", "zfnet512", "vgg19", "resnet50", "squeezenet", "inception_v1",
                            "inception_v2", "shufflenet", "densenet121")


@pytest.mark.parametrize("name", ["inception_v1", "inception_v2", "shufflenet"])
def test_ops_kept(name):
    """Only the ConstantOfShape nodes go; Unsqueeze on weights, Dropout, LRN, Transpose... stay."""
    shipped = collections.Counter(n.op_type for n in onnx.load(zoo.light_path(name)).graph.node)
    del shipped["ConstantOfShape"]
    assert collections.Counter(n.op_type for n in zoo.light_model(name).graph.node) == shipped


def test_weight_roles():
    """The values are scaled by what consumes them (resnet50: Conv, BatchNormalization, Gemm)."""
    model = zoo.light_model("resnet50")
    weights = {i.name: numpy_helper.to_array(i) for i in model.graph.initializer}
    conv_gains = []
    for node in model.graph.node:
        if node.op_type == "Conv":
            w = weights[node.input[1]]
            conv_gains.append(w.var() * np.prod(w.shape[1:]))
        elif node.op_type == "BatchNormalization":
            scale, bias, mean, var = (weights[i] for i in node.input[1:])
            assert 0.5 <= var.min() and var.max() <= 1.5
            assert np.abs(bias).max() < 0.1 and np.abs(mean).max() < 0.1
            assert 0.5 < np.median(scale) / zoo.RESIDUAL_GAIN < 1.5 or 0.5 < np.median(scale) < 1.5
        elif node.op_type == "Gemm":
            w, b = weights[node.input[1]], weights[node.input[2]]
            assert w.shape == (1000, 2048)  # transB: fan_in 2048
            assert w.var() * 2048 == pytest.approx(zoo.CLASSIFIER_GAIN, rel=0.05)
            assert np.abs(b).max() < 0.1
    # He (gain 2) before a Relu, gain 1 before a residual sum
    assert {round(float(g), 1) for g in conv_gains} == {1.0, 2.0}


def test_errors(monkeypatch, tmp_path):
    with pytest.raises(CimcError, match="unknown zoo net 'lenet'"):
        zoo.light_model("lenet")
    monkeypatch.setattr(zoo, "light_dir", lambda: str(tmp_path))
    with pytest.raises(CimcError, match="light_resnet50.onnx is missing"):
        zoo.light_model("resnet50")
    (tmp_path / "light_resnet50.onnx").write_bytes(b"not a model")
    with pytest.raises(CimcError, match="cannot read"):
        zoo.light_model("resnet50")
    with pytest.raises(CimcError, match="one input"):
        zoo.zoo_input(_two_inputs(), 0)


def _two_inputs() -> onnx.ModelProto:
    graph = helper.make_graph([helper.make_node("Add", ["a", "b"], ["c"])], "two",
                              [helper.make_tensor_value_info(n, onnx.TensorProto.FLOAT, [1]) for n in "ab"],
                              [helper.make_tensor_value_info("c", onnx.TensorProto.FLOAT, [1])])
    return helper.make_model(graph)


def test_mobilenet_v2_structure():
    model = models.mobilenet_v2()
    nodes = model.graph.node
    weights = {i.name: numpy_helper.to_array(i) for i in model.graph.initializer}
    ops = collections.Counter(n.op_type for n in nodes)
    assert ops["Add"] >= 4 and ops["Clip"] >= 10 and ops["GlobalAveragePool"] == 1 and ops["Gemm"] == 1
    attrs = [{a.name: helper.get_attribute_value(a) for a in n.attribute} for n in nodes]
    convs = [(n, a) for n, a in zip(nodes, attrs) if n.op_type == "Conv"]
    depthwise = [a["group"] for n, a in convs if a["group"] > 1 and weights[n.input[1]].shape[:2] == (a["group"], 1)]
    assert depthwise and max(depthwise) >= 96
    assert len([a for _, a in convs if a["strides"] == [2, 2]]) >= 3
    for node in nodes:
        if node.op_type == "Clip":
            assert (float(weights[node.input[1]]), float(weights[node.input[2]])) == (0.0, 6.0)
    # each residual Add joins the block input with its projection's BatchNormalization
    producers = {n.output[0]: n for n in nodes}
    for node in nodes:
        if node.op_type == "Add":
            assert producers[node.input[1]].op_type == "BatchNormalization"


@pytest.mark.parametrize("size, width", [(96, 0.5), (64, 0.35)])
def test_mobilenet_v2_sizes(size, width):
    model = models.mobilenet_v2(3, size=size, width=width)
    onnx.checker.check_model(model, full_check=True)
    logits = onnxruntime_outputs(model, zoo.zoo_input(model, 0))["classifier"]
    assert logits.shape == (1, 1000) and np.isfinite(logits).all()
    assert 1e-2 <= np.abs(logits).max() <= 1e3
