"""The graph-level passes on ONNX models: what they rewrite, and that outputs do not change."""

from __future__ import annotations

import numpy as np
from onnx import TensorProto, helper, numpy_helper

import cimc
from cimc.dialects import graph
from cimc.ir_interpreter import run_module
from cimc.reference import model_inputs, onnxruntime_outputs, random_inputs, relative_error


def model(nodes, inputs, outputs, initializers=(), opset=17):
    g = helper.make_graph(nodes, "g", [helper.make_tensor_value_info(n, TensorProto.FLOAT, s) for n, s in inputs],
                          [helper.make_tensor_value_info(n, TensorProto.FLOAT, s) for n, s in outputs],
                          list(initializers))
    return helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)], ir_version=8)


def const(name, array):
    return numpy_helper.from_array(np.asarray(array, np.float32), name)


RNG = np.random.default_rng(0)


def bn_params(prefix, c):
    return [const(f"{prefix}.s", RNG.uniform(0.5, 1.5, c)), const(f"{prefix}.b", RNG.normal(0, 0.1, c)),
            const(f"{prefix}.m", RNG.normal(0, 0.1, c)), const(f"{prefix}.v", RNG.uniform(0.5, 1.5, c))]


def ops_of(m) -> list[str]:
    module, _ = cimc.lower(m, arch=cimc.Arch(xbar_rows=16, xbar_cols=8), to="graph")
    return [op.name for op in module.walk() if isinstance(op, graph.GraphOp)]


def assert_unchanged(m):
    """The graph level (golden model) and the compiled program both match onnxruntime."""
    inputs = random_inputs(model_inputs(m), seed=3)
    reference = onnxruntime_outputs(m, inputs)
    arch = cimc.Arch(xbar_rows=16, xbar_cols=8)
    for outputs in (run_module(*cimc.lower(m, arch=arch, to="graph"), inputs), cimc.compile(m, arch=arch).run(inputs)):
        for name, ref in reference.items():
            assert relative_error(outputs[name], ref) <= 1e-4, name


def test_batchnorm_folds_into_the_conv_before_it():
    m = model([helper.make_node("Conv", ["x", "w", "cb"], ["c"], pads=[1, 1, 1, 1]),
               helper.make_node("BatchNormalization", ["c", "bn.s", "bn.b", "bn.m", "bn.v"], ["y"], epsilon=1e-3)],
              [("x", [1, 3, 6, 6])], [("y", None)],
              [const("w", RNG.normal(0, 0.3, (4, 3, 3, 3))), const("cb", RNG.normal(0, 0.1, 4)), *bn_params("bn", 4)])
    assert ops_of(m) == ["graph.conv"]
    assert_unchanged(m)


def test_batchnorm_with_no_conv_before_it_becomes_mul_add():
    m = model([helper.make_node("Relu", ["x"], ["r"]),
               helper.make_node("BatchNormalization", ["r", "bn.s", "bn.b", "bn.m", "bn.v"], ["y"])],
              [("x", [2, 4, 3, 3])], [("y", None)], bn_params("bn", 4))
    assert ops_of(m) == ["graph.relu", "graph.mul", "graph.add"]
    assert_unchanged(m)


def test_unsqueezed_channel_scale_and_shift_fold_into_the_conv():
    """DenseNet's and Inception-v2's batch norm: Mul and Add of Unsqueeze'd per-channel constants."""
    axes = [1, 2]
    m = model([helper.make_node("Conv", ["x", "w"], ["c"]),
               helper.make_node("Unsqueeze", ["s"], ["s3"], axes=axes), helper.make_node("Mul", ["c", "s3"], ["m"]),
               helper.make_node("Unsqueeze", ["t"], ["t3"], axes=axes), helper.make_node("Add", ["m", "t3"], ["y"])],
              [("x", [1, 3, 5, 5])], [("y", None)],
              [const("w", RNG.normal(0, 0.3, (6, 3, 1, 1))), const("s", RNG.uniform(0.5, 2, 6)),
               const("t", RNG.normal(0, 0.5, 6))], opset=9)
    assert ops_of(m) == ["graph.conv"]
    assert_unchanged(m)


def test_canonicalize_removes_dropout_and_identity_and_folds_constant_subgraphs():
    m = model([helper.make_node("Dropout", ["x"], ["d"]), helper.make_node("Identity", ["d"], ["i"]),
               helper.make_node("ConstantOfShape", ["shp"], ["ones"],
                                value=helper.make_tensor("v", TensorProto.FLOAT, [1], [2.0])),
               helper.make_node("Transpose", ["w"], ["wt"], perm=[1, 0]), helper.make_node("Mul", ["wt", "ones"], ["w2"]),
               helper.make_node("MatMul", ["i", "w2"], ["y"])],
              [("x", [2, 3])], [("y", None)],
              [const("w", RNG.normal(0, 1, (4, 3))), numpy_helper.from_array(np.array([4], np.int64), "shp")])
    assert ops_of(m) == ["graph.gemm"]
    assert_unchanged(m)


def test_fuse_absorbs_a_single_use_activation():
    m = model([helper.make_node("Conv", ["x", "w"], ["c"]), helper.make_node("Clip", ["c", "lo", "hi"], ["y"])],
              [("x", [1, 2, 4, 4])], [("y", None)],
              [const("w", RNG.normal(0, 1, (3, 2, 3, 3))), const("lo", 0.0), const("hi", 0.5)])
    module, _ = cimc.lower(m, to="graph")
    (conv,) = [op for op in module.walk() if isinstance(op, graph.GraphOp)]
    assert conv.epilogue == ("clip", (0.0, 0.5))
    assert_unchanged(m)


def test_fuse_leaves_a_diamond_alone():
    """conv feeds a relu and a sigmoid that meet again in an add: fusing either activation into
    the conv would hand the other one activated values."""
    m = model([helper.make_node("Conv", ["x", "w"], ["c"]), helper.make_node("Relu", ["c"], ["r"]),
               helper.make_node("Sigmoid", ["c"], ["s"]), helper.make_node("Add", ["r", "s"], ["y"])],
              [("x", [1, 2, 4, 4])], [("y", None)], [const("w", RNG.normal(0, 1, (3, 2, 3, 3)))])
    assert ops_of(m) == ["graph.conv", "graph.relu", "graph.sigmoid", "graph.add"]
    assert_unchanged(m)


def test_fuse_after_a_gemm_and_report_layers():
    m = model([helper.make_node("Gemm", ["x", "w", "b"], ["g"], transB=1, name="fc"),
               helper.make_node("LeakyRelu", ["g"], ["y"], alpha=0.1, name="act")],
              [("x", [2, 5])], [("y", None)], [const("w", RNG.normal(0, 1, (3, 5))), const("b", RNG.normal(0, 1, 3))])
    assert ops_of(m) == ["graph.gemm"]
    assert [layer.name for layer in cimc.compile(m).report().layers] == ["fc"]
    assert_unchanged(m)
