"""ONNX import: what is supported imports faithfully, the rest is one clear error."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from onnx import TensorProto, helper, numpy_helper

import cimc
from cimc.dialects import graph
from cimc.reference import onnxruntime_outputs, random_inputs, relative_error


def model(nodes, inputs, outputs, initializers=()):
    graph = helper.make_graph(nodes, "g", [helper.make_tensor_value_info(n, TensorProto.FLOAT, s) for n, s in inputs],
                              [helper.make_tensor_value_info(n, TensorProto.FLOAT, s) for n, s in outputs],
                              list(initializers))
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=8)


def const(name, shape, seed=0):
    return numpy_helper.from_array(np.random.default_rng(seed).standard_normal(shape).astype(np.float32), name)


def check_against_onnxruntime(m, arch=None):
    program = cimc.compile(m, arch=arch or cimc.Arch(xbar_rows=16, xbar_cols=8))
    inputs = random_inputs(program.inputs, seed=1)
    reference = onnxruntime_outputs(m, inputs)
    for name, value in program.run(inputs).items():
        assert relative_error(value, reference[name]) <= 1e-4, name


def test_gemm_alpha_beta_transb_fold_into_weights():
    m = model([helper.make_node("Gemm", ["x", "w", "c"], ["y"], alpha=0.5, beta=2.0, transB=1, name="fc")],
              [("x", [3, 20])], [("y", [3, 12])], [const("w", (12, 20)), const("c", (12,), 1)])
    check_against_onnxruntime(m)
    module, weights = cimc.lower(m, to="graph")
    (gemm,) = [op for op in module.walk() if isinstance(op, graph.GemmOp)]
    w, c = (numpy_helper.to_array(init) for init in m.graph.initializer)
    np.testing.assert_allclose(weights[gemm.weight.owner.handle.data], 0.5 * w.T, rtol=1e-6)
    np.testing.assert_allclose(weights[gemm.bias.owner.handle.data], 2.0 * c, rtol=1e-6)
    assert len(weights) == 2  # the unfolded originals are gone


def test_gemm_with_matrix_bias_and_reshape_with_zero():
    shape = numpy_helper.from_array(np.array([0, -1], np.int64), "s")
    m = model([helper.make_node("Reshape", ["x", "s"], ["r"]), helper.make_node("Gemm", ["r", "w", "c"], ["y"])],
              [("x", [2, 3, 4])], [("y", [2, 5])], [shape, const("w", (12, 5)), const("c", (2, 5), 1)])
    check_against_onnxruntime(m)


def test_conv_strides_dilations_asymmetric_pads_groups():
    m = model([helper.make_node("Conv", ["x", "w", "b"], ["y"], strides=[2, 1], dilations=[1, 2], pads=[0, 1, 2, 1],
                                group=2, name="c")],
              [("x", [2, 4, 9, 10])], [("y", [2, 6, 5, 8])], [const("w", (6, 2, 3, 3)), const("b", (6,), 1)])
    check_against_onnxruntime(m)


def test_constant_node_and_activation_add():
    shape = helper.make_tensor("v", TensorProto.INT64, [2], [1, -1])
    m = model([helper.make_node("Constant", [], ["s"], value=shape), helper.make_node("Relu", ["x"], ["r"]),
               helper.make_node("Add", ["x", "r"], ["a"]), helper.make_node("Reshape", ["a", "s"], ["y"])],
              [("x", [1, 2, 3, 3])], [("y", [1, 18])])
    check_against_onnxruntime(m)


def test_model_is_not_modified():
    m = model([helper.make_node("Relu", ["x"], ["y"])], [("x", [1, 4])], [("y", [1, 4])])
    before = m.SerializeToString()
    cimc.compile(m)
    assert m.SerializeToString() == before


@pytest.mark.parametrize("node,inits,message", [
    (helper.make_node("MaxPool", ["x"], ["y"], kernel_shape=[2, 2], storage_order=1, name="mp"), [],
     "MaxPool node 'mp': attribute storage_order=1 is not supported"),
    (helper.make_node("Conv", ["x", "w"], ["y"], auto_pad="SAME_MIDDLE", name="cv"), [const("w", (2, 2, 3, 3))],
     "Conv node 'cv': attribute auto_pad='SAME_MIDDLE' is not supported"),
    (helper.make_node("Pad", ["x", "p"], ["y"], mode="reflect", name="pd"),
     [numpy_helper.from_array(np.zeros(8, np.int64), "p")], "Pad node 'pd': attribute mode='reflect' is not supported"),
    (helper.make_node("Conv", ["x", "x"], ["y"], name="cv2"), [],
     "Conv node 'cv2': weight 'x' is computed from the model's inputs"),
    (helper.make_node("Relu", ["x"], ["y"], name="r", alpha=1.0), [],
     "Relu node 'r': attribute 'alpha' is not supported"),
    (helper.make_node("Softsign", ["x"], ["y"], name="t"), [], "unsupported op 'Softsign' in node 't'"),
    (helper.make_node("Relu", ["x"], ["y"], name="r2", domain="com.example"), [],
     "unsupported op 'Relu' (domain 'com.example') in node 'r2'"),
])
def test_unsupported_is_one_clear_error(node, inits, message):
    m = model([node], [("x", [1, 2, 6, 6])], [("y", [1, 2, 6, 6])], inits)
    with pytest.raises(cimc.CimcError) as error:
        cimc.compile(m)
    assert message in str(error.value)
    assert "\n" not in str(error.value)


def test_symbolic_input_dim():
    m = model([helper.make_node("Relu", ["x"], ["y"])], [("x", ["N", 4])], [("y", ["N", 4])])
    with pytest.raises(cimc.CimcError, match="model input 'x' has a symbolic dim 'N'"):
        cimc.compile(m)


def test_inconsistent_shapes_name_the_layer():
    m = model([helper.make_node("MatMul", ["x", "w"], ["y"], name="mm")], [("x", [1, 5])], [("y", [1, 3])],
              [const("w", (4, 3))])
    with pytest.raises(cimc.CimcError, match="shape-infer: layer \"mm\": graph.gemm: operand 'input' has K = 5"):
        cimc.compile(m)


@pytest.mark.parametrize("nodes,message", [
    ([helper.make_node("Relu", [], ["y"], name="r")], "Relu node 'r': takes 1 input(s) and an output, got 0"),
    ([helper.make_node("Add", ["x", "x", "x"], ["y"], name="a")], "Add node 'a': takes 2 input(s)"),
    ([helper.make_node("Conv", ["x"], ["y"], name="c")], "Conv node 'c': takes 2 to 3 input(s)"),
])
def test_wrong_arity_is_one_clear_error(nodes, message):
    m = model(nodes, [("x", [1, 2, 6, 6])], [("y", [1, 2, 6, 6])])
    with pytest.raises(cimc.CimcError) as error:
        cimc.compile(m)
    assert message in str(error.value)


@pytest.mark.parametrize("dims,message", [
    ([0, 4], "model input 'x' has a dim of 0"),
    (None, "model input 'x' has no shape"),
])
def test_input_shapes_must_be_static_and_positive(dims, message):
    graph = helper.make_graph([helper.make_node("Relu", ["x"], ["y"])], "g",
                              [helper.make_tensor_value_info("x", TensorProto.FLOAT, dims)],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)])
    with pytest.raises(cimc.CimcError, match=message):
        cimc.compile(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]))


def test_matmul_needs_a_matrix_input():
    m = model([helper.make_node("MatMul", ["x", "w"], ["y"], name="mm")], [("x", [5])], [("y", [3])],
              [const("w", (5, 3))])
    with pytest.raises(cimc.CimcError, match="MatMul node 'mm': inputs A 'x' of rank 1 and B 'w' of rank 2"):
        cimc.compile(m)


def test_batched_matmul_and_same_padding():
    m = model([helper.make_node("Conv", ["x", "w"], ["c"], auto_pad="SAME_UPPER", strides=[2, 2]),
               helper.make_node("MaxPool", ["c"], ["p"], kernel_shape=[2, 2], auto_pad="SAME_LOWER"),
               helper.make_node("MatMul", ["p", "m"], ["y"])],
              [("x", [1, 2, 7, 9])], [("y", [1, 3, 4, 6])], [const("w", (3, 2, 3, 3)), const("m", (5, 6), 2)])
    check_against_onnxruntime(m)


def test_bad_api_arguments_are_clear_errors():
    with pytest.raises(cimc.CimcError, match="a model is a path to an .onnx file or an onnx.ModelProto, not int"):
        cimc.compile(123)
    with pytest.raises(cimc.CimcError, match="arch must be a cimc.Arch or a path"):
        cimc.compile(model([helper.make_node("Relu", ["x"], ["y"])], [("x", [1, 4])], [("y", [1, 4])]), arch=64)
    small = Path(__file__).parent.parent / "examples" / "arch" / "small.toml"
    program = cimc.compile(model([helper.make_node("Relu", ["x"], ["y"])], [("x", [1, 4])], [("y", [1, 4])]),
                           arch=str(small))
    assert program.arch == cimc.Arch.load(small)
    with pytest.raises(cimc.CimcError, match="inputs are a dict of input name -> array"):
        program.run(np.zeros((1, 4), np.float32))


@pytest.mark.parametrize("node,inits,message", [
    (helper.make_node("Conv", ["x", "w"], ["y"], strides=[0, 1], name="c"), [const("w", (2, 2, 3, 3))],
     "layer \"c\": graph.conv: 'strides' entries must be >= 1, got [0, 1]"),
    (helper.make_node("Conv", ["x", "w"], ["y"], pads=[-1, 0, 0, 0], name="c"), [const("w", (2, 2, 3, 3))],
     "layer \"c\": graph.conv: 'pads' entries must be >= 0"),
    (helper.make_node("MaxPool", ["x"], ["y"], kernel_shape=[2, 2], pads=[2, 2, 2, 2], name="p"), [],
     "layer \"p\": graph.maxpool: pads [2, 2, 2, 2] must be smaller than the kernel [2, 2]"),
    (helper.make_node("LRN", ["x"], ["y"], size=0, name="n"), [], "layer \"n\": graph.lrn: 'size' must be >= 1"),
    (helper.make_node("Clip", ["x", "lo"], ["y"], name="k"), [const("lo", (2,))],
     "Clip node 'k': input min 'lo' must hold one value, got shape [2]"),
])
def test_invalid_attribute_values_are_one_clear_error(node, inits, message):
    m = model([node], [("x", [1, 2, 6, 6])], [("y", None)], inits)
    with pytest.raises(cimc.CimcError) as error:
        cimc.compile(m)
    assert message in str(error.value) and "\n" not in str(error.value)


def test_clip_bounds_of_shape_one_and_min_above_max():
    lo = numpy_helper.from_array(np.array([0.5], np.float32), "lo")
    hi = numpy_helper.from_array(np.array([0.2], np.float32), "hi")
    check_against_onnxruntime(model([helper.make_node("Clip", ["x", "lo", "hi"], ["y"])], [("x", [2, 5])],
                                    [("y", [2, 5])], [lo, hi]))


def test_onnxruntime_rejecting_a_model_is_one_clear_error():
    from cimc.reference import onnxruntime_session

    m = model([helper.make_node("LRN", ["x"], ["y"], size=2)], [("x", [1, 3, 4, 4])], [("y", None)])
    with pytest.raises(cimc.CimcError, match="onnxruntime rejects the model: .*size"):
        onnxruntime_session(m)
