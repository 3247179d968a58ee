"""The Python API end to end: compile, run against onnxruntime, save/load, determinism, levels."""

from __future__ import annotations

import numpy as np
import pytest
from xdsl.dialects import func

import cimc
from cimc import models
from cimc.reference import model_inputs, onnxruntime_outputs, random_inputs, relative_error
from cimc.dialects import cim, graph, xbar

SIZES = [(128, 128), (64, 64), (100, 72)]


def onnx_inputs(model, seed=0):
    return random_inputs(model_inputs(model), seed)


def assert_matches_onnxruntime(program, model, inputs, tolerance=1e-4):
    reference = onnxruntime_outputs(model, inputs)
    actual = program.run(inputs)
    assert actual.keys() == reference.keys()
    for name, ref in reference.items():
        assert actual[name].shape == ref.shape, name
        assert relative_error(actual[name], ref) <= tolerance, name


@pytest.mark.parametrize("rows,cols", SIZES)
@pytest.mark.parametrize("build", [models.lenet5, models.mlp], ids=["lenet5", "mlp"])
def test_matches_onnxruntime(build, rows, cols):
    model = build(seed=3)
    program = cimc.compile(model, arch=cimc.Arch(precision="fp32", xbar_rows=rows, xbar_cols=cols))
    for seed in range(2):
        inputs = onnx_inputs(model, seed)
        assert_matches_onnxruntime(program, model, inputs)


def test_conv_net_matches_onnxruntime():
    model = models.conv_net(size=20)
    program = cimc.compile(model, arch=cimc.Arch(xbar_rows=32, xbar_cols=8))
    inputs = onnx_inputs(model)
    assert_matches_onnxruntime(program, model, inputs)


def test_instruction_count_does_not_grow_with_image_size():
    small = cimc.compile(models.conv_net(size=32)).report()
    large = cimc.compile(models.conv_net(size=64)).report()
    assert small.instructions == large.instructions
    assert small.mvm_instructions == large.mvm_instructions
    assert large.peak_memory_bytes > small.peak_memory_bytes


def test_save_load_gives_identical_outputs_and_bytes(tmp_path):
    model = models.lenet5()
    program = cimc.compile(model, arch=cimc.Arch(xbar_rows=64, xbar_cols=64))
    program.save(tmp_path / "a.cimb")
    loaded = cimc.Program.load(tmp_path / "a.cimb")
    inputs = onnx_inputs(model)
    for name, value in program.run(inputs).items():
        np.testing.assert_array_equal(loaded.run(inputs)[name], value)
    loaded.save(tmp_path / "b.cimb")
    assert (tmp_path / "a.cimb").read_bytes() == (tmp_path / "b.cimb").read_bytes()
    again = cimc.compile(models.lenet5(), arch=cimc.Arch(xbar_rows=64, xbar_cols=64))
    assert again.to_bytes() == program.to_bytes()


def test_compile_from_path(tmp_path):
    path = tmp_path / "mlp.onnx"
    path.write_bytes(models.mlp().SerializeToString())
    program = cimc.compile(str(path))
    assert program.inputs == {"input": (1, 784)}
    assert program.outputs == {"fc2": (1, 10)}


def test_report_fields():
    report = cimc.compile(models.lenet5(), arch=cimc.Arch(xbar_rows=64, xbar_cols=64)).report()
    d = report.to_dict()
    for key in ("crossbars", "utilization", "instructions", "mvm_instructions", "binary_bytes", "peak_memory_bytes",
                "memory_lower_bound_bytes", "latency_cycles", "energy_pj", "layers"):
        assert key in d
    # conv1: K=25 x N=6 -> 1 tile; conv2: K=150 x 16 -> 3; fc1: 400 x 120 -> 7 x 2; fc2: 120 x 84 -> 2 x 2; fc3: 84 x 10 -> 2
    assert report.crossbars == 1 + 3 + 14 + 4 + 2
    layers = {row["name"]: row for row in d["layers"]}
    assert layers["fc1"]["crossbars"] == 14 and layers["fc1"]["mvm_instructions"] == 14
    assert sum(row["instructions"] for row in d["layers"]) == report.instructions
    assert report.memory_lower_bound_bytes <= report.peak_memory_bytes
    assert 0 < report.utilization <= 1
    assert report.latency_cycles == pytest.approx(sum(row["cycles"] for row in d["layers"]))


def test_lower_returns_each_level():
    arch = cimc.Arch(xbar_rows=64, xbar_cols=64)
    module, weights = cimc.lower(models.lenet5(), arch=arch, to="graph")
    ops = {type(op) for op in module.walk()}
    assert graph.ConvOp in ops and xbar.MvmOp not in ops
    assert "conv1.weight" in weights and weights["conv1.weight"].shape == (6, 1, 5, 5)
    module, _ = cimc.lower(models.lenet5(), arch=arch, to="xbar")
    ops = {type(op) for op in module.walk()}
    assert xbar.MvmOp in ops and graph.ConvOp not in ops and graph.GemmOp not in ops
    module, _ = cimc.lower(models.lenet5(), arch=arch, to="cim")
    ops = {type(op) for op in module.walk()}
    assert cim.MvmOp in ops and func.FuncOp not in ops
    assert all(a.addr is not None for a in module.walk() if isinstance(a, cim.AllocOp))
    assert cimc.Arch.of_module(module) == arch


def test_lower_rejects_unknown_level():
    with pytest.raises(cimc.CimcError, match="unknown level 'tile'"):
        cimc.lower(models.mlp(), to="tile")


def test_int_without_calibration_warns_and_uses_a_seeded_input():
    with pytest.warns(UserWarning, match="no calibration inputs given"):
        first = cimc.compile(models.mlp(), arch=cimc.Arch(precision="int"))
    with pytest.warns(UserWarning):
        second = cimc.compile(models.mlp(), arch=cimc.Arch(precision="int"))
    assert first.to_bytes() == second.to_bytes()


def test_fixed_chip_too_small():
    with pytest.raises(cimc.CimcError, match="needs 24 crossbars, the chip has 16"):
        cimc.compile(models.lenet5(), arch=cimc.Arch(xbar_rows=64, xbar_cols=64, cores=2, xbars_per_core=8))


def test_run_checks_inputs():
    program = cimc.compile(models.mlp())
    with pytest.raises(cimc.CimcError, match="missing input"):
        program.run({})
    with pytest.raises(cimc.CimcError, match="unknown input"):
        program.run({"input": np.zeros((1, 784), np.float32), "x": np.zeros(1)})
    with pytest.raises(cimc.CimcError, match=r"has shape \[784\], the program takes \[1, 784\]"):
        program.run({"input": np.zeros(784, np.float32)})


def test_runs_are_independent():
    """A run leaves nothing behind in memory that changes the next run."""
    model = models.lenet5()
    program = cimc.compile(model)
    a, b = onnx_inputs(model, 1), onnx_inputs(model, 2)
    first = program.run(a)
    program.run(b)
    np.testing.assert_array_equal(program.run(a)["fc3"], first["fc3"])


def test_concurrent_runs_of_one_program():
    """Runs share the program's memory; concurrent callers must still each get their own answer."""
    from concurrent.futures import ThreadPoolExecutor

    model = models.lenet5()
    program = cimc.compile(model)
    inputs = [onnx_inputs(model, seed) for seed in range(8)]
    expected = [program.run(x)["fc3"] for x in inputs]
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda x: program.run(x)["fc3"], inputs))
    for got, want in zip(results, expected):
        np.testing.assert_array_equal(got, want)
