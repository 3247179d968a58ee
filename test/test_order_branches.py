"""order-branches (branch_order=True, `cimc compile --branch-order`): the branches meeting at a
concat or add run in the order that lowers the memory peak, never raising the function's
estimated peak, always in a valid topological order, and without changing any output."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import onnx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from onnx import TensorProto, helper, numpy_helper
from xdsl.dialects import func
from xdsl.dialects.builtin import ModuleOp

import cimc
from cimc import models, zoo
from cimc.driver import context, lower
from cimc.passes.order_branches import OrderBranchesPass, estimated_peak
from cimc.reference import model_inputs, onnxruntime_outputs, random_inputs, relative_error


def functions(module: ModuleOp) -> list[func.FuncOp]:
    return [op for op in module.ops if isinstance(op, func.FuncOp)]


def peaks(module: ModuleOp) -> list[int]:
    """Each function's estimated peak, as the pass computes it."""
    return [estimated_peak(list(fn.body.block.ops), fn.body.block.args) for fn in functions(module)]


def assert_topological(module: ModuleOp) -> None:
    """Every operand is a block argument of its function or the result of an op before it."""
    for fn in functions(module):
        defined = set(fn.body.block.args)
        for op in fn.body.block.ops:
            for i, operand in enumerate(op.operands):
                if operand not in defined:
                    pytest.fail(f"{fn.sym_name.data}: {op.name} operand {i} is used before it is defined")
            defined.update(op.results)


def reordered(module: ModuleOp) -> ModuleOp:
    """A copy of `module` after order-branches (the original untouched)."""
    copy = module.clone()
    OrderBranchesPass().apply(context(), copy)
    return copy


def op_order(module: ModuleOp) -> list[list[str]]:
    """Each function's ops, printed, in program order (a clone prints the same as the original)."""
    return [[str(op) for op in fn.body.block.ops] for fn in functions(module)]


# -- the block the pass was written for -------------------------------------------------------


def test_two_branch_block_lowers_the_bound_and_matches_onnxruntime():
    model = models.two_branch_block()
    inputs = random_inputs(model_inputs(model), seed=3)
    reference = onnxruntime_outputs(model, inputs)
    bounds = {}
    outputs = {}
    for branch_order in (False, True):
        program = cimc.compile(model, branch_order=branch_order)
        report = program.report()
        assert report.peak_memory_bytes == report.memory_lower_bound_bytes  # the plan is at the bound
        bounds[branch_order] = report.memory_lower_bound_bytes
        outputs[branch_order] = program.run(inputs, poison=True)
        assert outputs[branch_order].keys() == reference.keys()
        for name, ref in reference.items():
            error = relative_error(outputs[branch_order][name], ref)
            assert error <= 1e-4, f"branch_order={branch_order} {name}: {error:.3g}"
    assert bounds[True] < bounds[False], bounds
    for name in reference:  # the same products, only run in another order
        np.testing.assert_array_equal(outputs[True][name], outputs[False][name])


def test_two_branch_block_graph_order():
    """At the graph level the deep branch (3x3 then 1x1) moves ahead of the wide 1x1 conv, and
    the estimate falls with it; a second run changes nothing."""
    module, _ = lower(models.two_branch_block(), to="graph")
    after = reordered(module)
    layers = [op.attributes["cimc.layer"].data for op in functions(after)[0].body.block.ops
              if "cimc.layer" in op.attributes]
    assert layers == ["deep.3x3", "deep.1x1", "wide", "concat"]
    assert peaks(after)[0] < peaks(module)[0]
    assert op_order(reordered(after)) == op_order(after)


def test_branch_order_must_be_a_bool():
    with pytest.raises(cimc.CimcError, match="branch_order"):
        cimc.compile(models.two_branch_block(), branch_order="yes")


# -- zoo nets at the graph level --------------------------------------------------------------

ZOO = ("squeezenet", "inception_v1", "densenet121")


@pytest.fixture(scope="module")
def zoo_graphs() -> dict[str, ModuleOp]:
    return {name: lower(zoo.network(name), to="graph")[0] for name in ZOO}


@pytest.mark.parametrize("name", ZOO)
def test_zoo_estimate_never_rises_and_order_is_topological(zoo_graphs, name):
    module = zoo_graphs[name]
    after = reordered(module)
    after.verify()
    assert_topological(after)
    for before_peak, after_peak in zip(peaks(module), peaks(after)):
        assert after_peak <= before_peak
    # a permutation: the same ops, each once
    assert [sorted(ops) for ops in op_order(after)] == [sorted(ops) for ops in op_order(module)]


def test_zoo_some_net_is_reordered(zoo_graphs):
    """The checks above are not vacuous: the Inception and SqueezeNet blocks get reordered."""
    changed = [name for name, module in zoo_graphs.items() if op_order(reordered(module)) != op_order(module)]
    assert {"squeezenet", "inception_v1"} <= set(changed), changed


# -- random branchy blocks --------------------------------------------------------------------


def branchy_model(size: int, cin: int, chains: list[list[int]], seed: int) -> onnx.ModelProto:
    """k branches from one 1 x cin x size x size input, branch i a chain of 1x1 convs (each
    followed by a Relu) to the channel counts chains[i], concatenated along channels."""
    rng = np.random.default_rng(seed)
    nodes, initializers, outputs = [], [], []
    for i, chain in enumerate(chains):
        x, c = "input", cin
        for j, cout in enumerate(chain):
            name = f"b{i}.{j}"
            w = (rng.standard_normal((cout, c, 1, 1)) * np.sqrt(2.0 / c)).astype(np.float32)
            b = (rng.standard_normal(cout) * 0.1).astype(np.float32)
            initializers += [numpy_helper.from_array(w, f"{name}.weight"), numpy_helper.from_array(b, f"{name}.bias")]
            nodes.append(helper.make_node("Conv", [x, f"{name}.weight", f"{name}.bias"], [name], name=name,
                                          kernel_shape=[1, 1]))
            nodes.append(helper.make_node("Relu", [name], [f"{name}.relu"], name=f"{name}.relu"))
            x, c = f"{name}.relu", cout
        outputs.append((x, c))
    nodes.append(helper.make_node("Concat", [x for x, _ in outputs], ["concat"], name="concat", axis=1))
    total = sum(c for _, c in outputs)
    graph = helper.make_graph(
        nodes, "branchy", [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, cin, size, size])],
        [helper.make_tensor_value_info("concat", TensorProto.FLOAT, [1, total, size, size])], initializers)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", models.OPSET)])
    model.ir_version = models.IR_VERSION
    onnx.checker.check_model(model)
    return model


channels = st.integers(1, 48)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(size=st.integers(2, 8), cin=st.integers(1, 16),
       chains=st.lists(st.lists(channels, min_size=1, max_size=3), min_size=2, max_size=4),
       seed=st.integers(0, 2**16))
def test_random_branches(size, cin, chains, seed):
    model = branchy_model(size, cin, chains, seed)
    module, _ = lower(model, to="graph")
    after = reordered(module)
    after.verify()
    assert_topological(after)
    assert peaks(after)[0] <= peaks(module)[0]

    inputs = random_inputs(model_inputs(model), seed=seed)
    plain = cimc.compile(model).run(inputs, poison=True)
    ordered = cimc.compile(model, branch_order=True).run(inputs, poison=True)
    assert plain.keys() == ordered.keys() == {"concat"}
    np.testing.assert_array_equal(ordered["concat"], plain["concat"])


# -- the command line -------------------------------------------------------------------------


def tool(name: str) -> str:
    path = Path(sys.executable).parent / name
    found = str(path) if path.exists() else shutil.which(name)
    assert found, f"console script '{name}' is not installed: run pip install -e ."
    return found


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([tool(args[0]), *args[1:]], capture_output=True, text=True, cwd=cwd, timeout=300)


def cli_report(cwd: Path, *flags: str) -> dict:
    result = run("cimc", "compile", "block.onnx", "-o", "block.cimb", *flags, cwd=cwd)
    assert result.returncode == 0, result.stderr
    assert "wrote block.cimb" in result.stdout
    result = run("cimc", "report", "block.cimb", "--json", cwd=cwd)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_cli_branch_order(tmp_path):
    model = models.two_branch_block()
    (tmp_path / "block.onnx").write_bytes(model.SerializeToString())
    plain = cli_report(tmp_path)
    ordered = cli_report(tmp_path, "--branch-order")
    assert ordered["memory_lower_bound_bytes"] < plain["memory_lower_bound_bytes"]
    assert ordered["memory_lower_bound_bytes"] == \
        cimc.compile(model, branch_order=True).report().memory_lower_bound_bytes
    unaliased = cli_report(tmp_path, "--branch-order", "--no-memory-aliasing")
    assert unaliased["memory_lower_bound_bytes"] == unaliased["memory_lower_bound_no_alias_bytes"]
    assert unaliased["memory_lower_bound_bytes"] >= ordered["memory_lower_bound_bytes"]


@pytest.mark.parametrize("size", [1, 2, 3])
def test_small_blocks_are_reordered_whatever_their_weights(size):
    """Weights live in crossbars whatever the order: the estimate does not count them, so
    blocks whose weights outweigh their activations are reordered too (they were not when
    the estimate counted weights)."""
    model = models.two_branch_block(size=size)
    plain = cimc.compile(model).report().memory_lower_bound_bytes
    ordered = cimc.compile(model, branch_order=True).report().memory_lower_bound_bytes
    assert ordered < plain
