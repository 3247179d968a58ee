"""The console scripts as a user runs them: cimc, cimc-translate (cimc-opt is covered by lit)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper

import cimc
from cimc import models
from cimc.reference import model_inputs, onnxruntime_outputs, random_inputs, relative_error

BIN = Path(sys.executable).parent


def tool(name: str) -> str:
    path = BIN / name
    found = str(path) if path.exists() else shutil.which(name)
    assert found, f"console script '{name}' is not installed: run pip install -e ."
    return found


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([tool(args[0]), *args[1:]], capture_output=True, text=True, cwd=cwd, timeout=300)


def assert_one_line_error(result: subprocess.CompletedProcess, *fragments: str) -> None:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("cli")
    (d / "lenet.onnx").write_bytes(models.lenet5().SerializeToString())
    return d


def test_compile_run_report(workdir):
    result = run("cimc", "compile", "lenet.onnx", "-o", "lenet.cimb", "--arch",
                 str(Path(__file__).parent.parent / "examples" / "arch" / "isaac.toml"), cwd=workdir)
    assert result.returncode == 0, result.stderr
    assert "wrote lenet.cimb" in result.stdout
    model = onnx.load(str(workdir / "lenet.onnx"))
    inputs = random_inputs(model_inputs(model), seed=4)
    np.save(workdir / "x.npy", inputs["input"])
    result = run("cimc", "run", "lenet.cimb", "--input", "input=x.npy", "-o", "out", cwd=workdir)
    assert result.returncode == 0, result.stderr
    actual = np.load(workdir / "out" / "fc3.npy")
    assert relative_error(actual, onnxruntime_outputs(model, inputs)["fc3"]) <= 1e-4
    result = run("cimc", "report", "lenet.cimb", "--json", cwd=workdir)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report == cimc.Program.load(workdir / "lenet.cimb").report().to_dict()
    assert [row["name"] for row in report["layers"]][:3] == ["conv1", "pool1", "conv2"]  # relu1 fused
    text = run("cimc", "report", "lenet.cimb", cwd=workdir).stdout
    assert "crossbars" in text and "conv1" in text


def test_verify(workdir):
    result = run("cimc", "verify", "lenet.onnx", cwd=workdir)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("ok")


def test_int_compile_run_verify(workdir):
    model = onnx.load(str(workdir / "lenet.onnx"))
    sample = random_inputs(model_inputs(model), seed=6)
    np.savez(workdir / "cal.npz", **sample)
    np.save(workdir / "xi.npy", sample["input"])
    (workdir / "int.toml").write_text('precision = "int"\nadc_bits = "none"\n')
    result = run("cimc", "verify", "lenet.onnx", "--arch", "int.toml", "--calibration", "cal.npz", cwd=workdir)
    assert result.returncode == 0, result.stderr
    assert "fc3: bit-exact with the fake-quant reference" in result.stdout
    result = run("cimc", "compile", "lenet.onnx", "-o", "int.cimb", "--arch", "int.toml", "--calibration", "cal.npz",
                 cwd=workdir)
    assert result.returncode == 0, result.stderr
    program = cimc.compile(model, arch=cimc.Arch(precision="int"), calibration=[sample])
    assert (workdir / "int.cimb").read_bytes() == program.to_bytes()
    noise = cimc.Noise(conductance_std=0.05, seed=3)
    result = run("cimc", "run", "int.cimb", "--input", "input=xi.npy", "-o", "iout", "--noise-std", "0.05",
                 "--noise-seed", "3", cwd=workdir)
    assert result.returncode == 0, result.stderr
    np.testing.assert_array_equal(np.load(workdir / "iout" / "fc3.npy"), program.run(sample, noise=noise)["fc3"])
    assert_one_line_error(run("cimc", "compile", "lenet.onnx", "-o", "z.cimb", "--arch", "int.toml", "--calibration",
                              "missing.npz", cwd=workdir), "calibration file 'missing.npz' not found")
    assert_one_line_error(run("cimc", "run", "int.cimb", "--input", "input=xi.npy", "--stuck-at-0", "2",
                              cwd=workdir), "stuck_at_0 must be a probability")


def test_corrupt_and_truncated_binary(workdir):
    raw = cimc.compile(models.mlp()).to_bytes()
    (workdir / "trunc.cimb").write_bytes(raw[: len(raw) // 2])
    flipped = bytearray(raw)
    flipped[200] ^= 1
    (workdir / "flip.cimb").write_bytes(bytes(flipped))
    for name, why in (("trunc.cimb", "truncated"), ("flip.cimb", "checksum mismatch")):
        result = run("cimc", "run", name, "--input", "input=x.npy", "-o", f"out-{name}", cwd=workdir)
        assert_one_line_error(result, name, why)
        assert not (workdir / f"out-{name}").exists()
        assert_one_line_error(run("cimc", "report", name, cwd=workdir), name)


def test_missing_model(workdir):
    result = run("cimc", "compile", "nope.onnx", "-o", "nope.cimb", cwd=workdir)
    assert_one_line_error(result, "model file 'nope.onnx' not found")
    assert not (workdir / "nope.cimb").exists()


def test_not_an_onnx_file(workdir):
    (workdir / "junk.onnx").write_bytes(b"\x00\x01garbage" * 10)
    result = run("cimc", "compile", "junk.onnx", "-o", "junk.cimb", cwd=workdir)
    assert_one_line_error(result, "junk.onnx", "is not a valid ONNX model")
    assert not (workdir / "junk.cimb").exists()


def test_unsupported_op(workdir):
    graph = helper.make_graph(
        [helper.make_node("Relu", ["x"], ["r"], name="r1"), helper.make_node("Softsign", ["r"], ["y"], name="soft")],
        "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4])])
    path = workdir / "softsign.onnx"
    path.write_bytes(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]).SerializeToString())
    result = run("cimc", "compile", "softsign.onnx", "-o", "soft.cimb", cwd=workdir)
    assert_one_line_error(result, "unsupported op 'Softsign'", "node 'soft'")
    assert not (workdir / "soft.cimb").exists()


def test_invalid_arch_field(workdir):
    (workdir / "bad.toml").write_text("xbar_rows = -4\n")
    result = run("cimc", "compile", "lenet.onnx", "-o", "bad.cimb", "--arch", "bad.toml", cwd=workdir)
    assert_one_line_error(result, "'xbar_rows' must be > 0, got -4")
    assert not (workdir / "bad.cimb").exists()
    (workdir / "typo.toml").write_text("xbar_row = 64\n")
    assert_one_line_error(run("cimc", "compile", "lenet.onnx", "-o", "bad.cimb", "--arch", "typo.toml", cwd=workdir),
                          "unknown arch field 'xbar_row'")


def test_run_input_errors(workdir):
    run("cimc", "compile", "lenet.onnx", "-o", "l.cimb", cwd=workdir)
    np.save(workdir / "wrong.npy", np.zeros((1, 1, 14, 14), np.float32))
    assert_one_line_error(run("cimc", "run", "l.cimb", "--input", "input=wrong.npy", cwd=workdir),
                          "input 'input' has shape [1, 1, 14, 14], the program takes [1, 1, 28, 28]")
    assert_one_line_error(run("cimc", "run", "l.cimb", "--input", "input=missing.npy", cwd=workdir),
                          "input file 'missing.npy' not found")
    assert_one_line_error(run("cimc", "run", "l.cimb", "--input", "wrong.npy", cwd=workdir), "NAME=FILE.npy")


def test_translate_round_trip(workdir):
    """.mlir -> .cimb -> .mlir -> .cimb through the console script gives identical bytes."""
    module, weights = cimc.lower(models.lenet5(), arch=cimc.Arch(xbar_rows=64, xbar_cols=64), to="cim")
    (workdir / "a.mlir").write_text(str(module))
    weights.save(workdir / "a.npz")
    assert run("cimc-translate", "a.mlir", "-o", "a.cimb", cwd=workdir).returncode == 0
    assert run("cimc-translate", "a.cimb", "-o", "b.mlir", cwd=workdir).returncode == 0
    assert (workdir / "b.npz").exists()
    assert run("cimc-translate", "b.mlir", "-o", "b.cimb", cwd=workdir).returncode == 0
    assert (workdir / "a.cimb").read_bytes() == (workdir / "b.cimb").read_bytes()
    program = cimc.Program.load(workdir / "b.cimb")
    inputs = random_inputs(program.inputs)
    assert relative_error(program.run(inputs)["fc3"], onnxruntime_outputs(models.lenet5(), inputs)["fc3"]) <= 1e-4


def test_translate_errors(workdir):
    (workdir / "bad.mlir").write_text("cim.stream core 0 {\n  cim.bogus\n}\n")
    assert_one_line_error(run("cimc-translate", "bad.mlir", "-o", "bad.cimb", "--weights", "a.npz", cwd=workdir),
                          "bad.mlir", "does not parse")
    assert not (workdir / "bad.cimb").exists()
    (workdir / "x.txt").write_text("")
    assert_one_line_error(run("cimc-translate", "x.txt", "-o", "x.cimb", cwd=workdir), "expected a .mlir or .cimb")
    (workdir / "t.cimb").write_bytes(b"CIMB")
    assert_one_line_error(run("cimc-translate", "t.cimb", "-o", "t.mlir", cwd=workdir), "t.cimb", "not a valid .cimb")
    assert not (workdir / "t.mlir").exists()


def test_translate_refuses_to_overwrite_its_input_or_mix_directions(workdir):
    raw = cimc.compile(models.mlp()).to_bytes()
    (workdir / "keep.cimb").write_bytes(raw)
    assert_one_line_error(run("cimc-translate", "keep.cimb", "-o", "keep.cimb", cwd=workdir),
                          "translates to a .mlir file, not 'keep.cimb'")
    assert (workdir / "keep.cimb").read_bytes() == raw
    assert_one_line_error(run("cimc-translate", "a.mlir", "-o", "a.mlir", cwd=workdir), "translates to a .cimb file")


def test_output_paths_that_cannot_be_written(workdir):
    (workdir / "adir.cimb").mkdir()
    assert_one_line_error(run("cimc", "compile", "lenet.onnx", "-o", "adir.cimb", cwd=workdir),
                          "cannot write 'adir.cimb': it is a directory")
    run("cimc", "compile", "lenet.onnx", "-o", "ok.cimb", cwd=workdir)
    np.save(workdir / "in.npy", np.zeros((1, 1, 28, 28), np.float32))
    (workdir / "afile").write_text("")
    assert_one_line_error(run("cimc", "run", "ok.cimb", "--input", "input=in.npy", "-o", "afile", cwd=workdir),
                          "cannot create output directory 'afile'")
    np.save(workdir / "w.npy", np.zeros(3, np.float32))
    module, weights = cimc.lower(models.mlp(), to="cim")
    (workdir / "m.mlir").write_text(str(module))
    assert_one_line_error(run("cimc-translate", "m.mlir", "-o", "m.cimb", "--weights", "w.npy", cwd=workdir),
                          "is not an .npz archive")


def test_cimc_opt_user_errors_are_one_line(workdir):
    example = str(Path(__file__).parent.parent / "examples" / "conv_relu.mlir")
    for args, message in ((["missing.mlir"], "No such file or directory: 'missing.mlir'"),
                          ([example, "-p", "bogus"], "Unrecognized passes: ['bogus']"),
                          ([example, "-p", "shape-infer{foo=1}"], "Provided arguments"),
                          ([example, "-o", "/nonexistent/x.mlir"], "No such file or directory")):
        assert_one_line_error(run("cimc-opt", *args, cwd=workdir), "cimc-opt: error:", message)
