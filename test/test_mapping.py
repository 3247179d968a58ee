"""Replication, core mapping, reprogramming and schedules through the driver, the interpreter,
the report and the CLI (the zoo-wide equivalence is in test_networks.py)."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

import cimc
from cimc import models
from cimc.binary import BinaryImage, decode, encode
from cimc.dialects import cim
from cimc.interpreter import check_memory_plan
from cimc.reference import random_inputs, relative_error
from cimc.tools.cli import main as cli_main

LENET_CROSSBARS_64 = 24  # see test_driver.test_report_fields


def lenet_inputs(program: cimc.Program) -> dict[str, np.ndarray]:
    return random_inputs(program.inputs, seed=3)


@pytest.fixture(scope="module")
def lenet_int():
    model = models.lenet5()
    arch = cimc.Arch(xbar_rows=64, xbar_cols=64, precision="int")
    calibration = [random_inputs({"input": (1, 1, 28, 28)}, seed=4)]
    return model, arch, calibration, cimc.compile(model, arch, calibration=calibration)


def reload_arch(arch: cimc.Arch, cores: int, per_core: int) -> cimc.Arch:
    return cimc.Arch(**{**arch.to_dict(), "cores": cores, "xbars_per_core": per_core, "allow_reload": True})


@pytest.mark.parametrize("precision", ["fp32", "int"])
def test_a_chip_too_small_reprograms_crossbars_between_phases_and_computes_the_same(precision):
    model = models.lenet5()
    arch = cimc.Arch(xbar_rows=64, xbar_cols=64, precision=precision)
    calibration = [random_inputs({"input": (1, 1, 28, 28)}, seed=4)] if precision == "int" else None
    whole = cimc.compile(model, arch, calibration=calibration)
    small = cimc.compile(model, reload_arch(arch, cores=2, per_core=4), calibration=calibration)
    inputs = lenet_inputs(whole)
    expected = whole.run(inputs)
    got = small.run(inputs, poison=True)
    for key in expected:
        if precision == "int":
            np.testing.assert_array_equal(got[key], expected[key])
        else:  # the reprogrammed chip makes conv windows whole, the other in blocks: float32 rounding
            assert relative_error(got[key], expected[key]) <= 1e-5
    check_memory_plan(small.image)
    need = len(whole.image.crossbars)
    program = small.image.instructions["opcode"] == cim.ProgramOp.OPCODE
    assert program.sum() == math.ceil(need / 8)  # phases of 8 crossbars (2 cores x 4), in order of use
    x = small.image.crossbars
    assert x["core"].max() < 2 and x["slot"].max() < 4
    report = small.report()
    assert report.reload_cycles > 0 and report.reload_energy_pj > 0
    full = whole.report()
    # the same instructions plus the writes: the energy adds up exactly (the NoC differs with the cores)
    assert report.energy_pj - report.noc_energy_pj == pytest.approx(
        full.energy_pj - full.noc_energy_pj + report.reload_energy_pj)
    assert report.latency_cycles == pytest.approx(sum(row.cycles for row in report.layers))
    assert report.latency_cycles > report.reload_cycles
    # every phase writes its crossbars' rows, 64-row arrays, at most 4 per core
    assert report.reload_cycles <= program.sum() * 4 * 64 * arch.xbar_write_row_cycles


def test_without_allow_reload_a_chip_too_small_is_one_clear_error():
    arch = cimc.Arch(xbar_rows=64, xbar_cols=64, cores=2, xbars_per_core=4)
    with pytest.raises(cimc.CimcError, match=f"the model needs {LENET_CROSSBARS_64} crossbars, the chip has 8 "
                                             r"\(2 cores x 4\); set allow_reload"):
        cimc.compile(models.lenet5(), arch)


def test_reprogramming_runs_layer_by_layer_only():
    arch = cimc.Arch(xbar_rows=64, xbar_cols=64, cores=2, xbars_per_core=4, allow_reload=True)
    with pytest.raises(cimc.CimcError, match="mode 'batch' keeps every layer on the chip at once"):
        cimc.compile(models.lenet5(), arch, schedule="batch")


def test_the_interpreter_rejects_an_mvm_on_a_crossbar_not_yet_programmed():
    arch = cimc.Arch(xbar_rows=64, xbar_cols=64, cores=2, xbars_per_core=4, allow_reload=True)
    program = cimc.compile(models.lenet5(), arch)
    module, weights = decode(program.image)
    (stream,) = cim.streams(module)
    writes = [inst for inst in stream.instructions() if isinstance(inst, cim.ProgramOp)]
    writes[1].detach()  # the second phase's crossbars are never written
    broken = cimc.Program(BinaryImage.from_bytes(encode(module, weights).to_bytes()))
    with pytest.raises(cimc.CimcError, match=r"crossbar 8 is read before a cim.program wrote it into core 0 slot 0"):
        broken.run(lenet_inputs(program))


def test_replicas_split_the_pixels_and_keep_int_outputs_bit_exact(lenet_int):
    model, arch, calibration, base = lenet_int
    need = len(base.image.crossbars)
    replicated = cimc.compile(model, arch, calibration=calibration, replication="optimal", budget=3 * need)
    inputs = lenet_inputs(base)
    for key, value in base.run(inputs).items():
        np.testing.assert_array_equal(replicated.run(inputs, poison=True)[key], value)
    layers = {row.name: row for row in replicated.report().layers}
    # conv1 (784 pixels) is the bottleneck of one copy; T_opt spends the budget on it and conv2 (100)
    assert layers["conv1"].replicas > 1 and layers["conv1"].mvm_per_image == 28 * 28
    assert replicated.report().cycle_time == max(-(-row.mvm_per_image // row.replicas) for row in layers.values()
                                                 if row.replicas)
    mvm = replicated.image.instructions["opcode"] == cim.MvmOp.OPCODE
    assert replicated.image.instructions["replicas"][mvm].max() == layers["conv1"].replicas
    # replicas store their weights once
    assert len(set(replicated.image.crossbars["data"].tolist())) == len(set(base.image.crossbars["data"].tolist()))


def test_replicas_have_their_own_noise_and_their_own_adc_calibration_is_shared(lenet_int):
    model, arch, calibration, base = lenet_int
    noise = cimc.Noise(conductance_std=0.05, seed=7)
    need = len(base.image.crossbars)
    replicated = cimc.compile(model, arch, calibration=calibration, replication="uniform", budget=2 * need)
    inputs = lenet_inputs(base)
    first, again = replicated.run(inputs, noise=noise), replicated.run(inputs, noise=noise)
    noisy_base = base.run(inputs, noise=noise)
    for key in first:
        np.testing.assert_array_equal(first[key], again[key])
        assert not np.array_equal(first[key], noisy_base[key])  # replicas draw noise of their own
    adc = cimc.Arch(**{**arch.to_dict(), "adc_bits": 6, "adc_range": "column"})
    lossy = cimc.compile(model, adc, calibration=calibration)
    lossy_replicated = cimc.compile(model, adc, calibration=calibration, replication="optimal",
                                    budget=2 * need)
    for key, value in lossy.run(inputs).items():
        np.testing.assert_array_equal(lossy_replicated.run(inputs)[key], value)


def test_map_cores_keeps_small_layers_on_one_core_and_sizes_the_chip():
    program = cimc.compile(models.lenet5(), cimc.Arch(xbar_rows=64, xbar_cols=64, xbars_per_core=4))
    x = program.image.crossbars
    ids = np.argsort(x["id"])
    cores = x["core"][ids].tolist()
    # conv1 1, conv2 3 (fits beside conv1), fc1 14 (whole cores), fc2 4 (a fresh core), fc3 2
    assert cores == [0] + [0] * 3 + [1] * 4 + [2] * 4 + [3] * 4 + [4] * 2 + [5] * 4 + [6] * 2
    assert program.report().cores == 7


def test_schedules_order_latency_and_throughput():
    model = models.conv_net()
    reports = {mode: cimc.compile(model, cimc.Arch(xbar_rows=64, xbar_cols=64), replication="optimal", budget=200,
                                  schedule=mode).report() for mode in cim.SCHEDULES}
    layer, element, batch = reports["layer"], reports["element"], reports["batch"]
    assert element.latency_cycles <= layer.latency_cycles
    assert batch.latency_cycles == element.latency_cycles
    assert batch.throughput_per_s > element.throughput_per_s >= layer.throughput_per_s
    assert layer.throughput_per_s == pytest.approx(layer_clock(layer) / layer.latency_cycles)
    assert len({(r.energy_pj, r.cycle_time, r.crossbars) for r in reports.values()}) == 1
    # batch: an image every interval, at least one pipeline step of the slowest layer
    step = cimc.Arch().input_cycles * cimc.Arch().xbar_read_cycles
    assert batch.throughput_per_s <= 1e9 / (batch.cycle_time * step) * (1 + 1e-9)


def layer_clock(report) -> float:
    return 1e9  # the default Arch's clock_ghz = 1


def test_report_rows_and_cli_json(tmp_path, capsys):
    path = tmp_path / "lenet.cimb"
    models_path = tmp_path / "lenet.onnx"
    import onnx
    onnx.save(models.lenet5(), models_path)
    cli_main(["compile", str(models_path), "-o", str(path), "--replication", "balance", "--budget", "40",
              "--schedule", "batch"])
    capsys.readouterr()
    cli_main(["report", str(path), "--json"])
    d = json.loads(capsys.readouterr().out)
    for key in ("cycle_time", "crossbar_budget", "throughput_per_s", "latency_cycles", "energy_pj", "tops_per_w",
                "utilization", "schedule"):
        assert key in d
    assert (d["crossbar_budget"], d["schedule"]) == (40, "batch")
    for row in d["layers"]:
        for key in ("name", "crossbars", "replicas", "mvm_per_image", "cycles", "energy_pj"):
            assert key in row
    assert d["crossbars"] <= 40
    cli_main(["report", str(path)])
    text = capsys.readouterr().out
    assert "cycle time" in text and "conv1" in text and "mvm/img" in text


@pytest.mark.parametrize("options, message", [
    (["--replication", "greedy"], "invalid choice: 'greedy'"),
    (["--schedule", "fast"], "invalid choice: 'fast'"),
])
def test_cli_rejects_unknown_mapping_choices(tmp_path, capsys, options, message):
    with pytest.raises(SystemExit):
        cli_main(["compile", "m.onnx", "-o", str(tmp_path / "m.cimb"), *options])
    assert message in capsys.readouterr().err


@pytest.mark.parametrize("kwargs, message", [
    ({"replication": "greedy"}, "unknown replication 'greedy'"),
    ({"schedule": "fast"}, "unknown schedule 'fast'"),
    ({"budget": 0}, "budget must be a whole number of crossbars >= 1"),
    ({"replication": "optimal"}, "strategy 'optimal' needs a crossbar budget"),
    ({"replication": "optimal", "budget": 10}, "one copy of the weights needs 24 crossbars, more than the budget of 10"),
])
def test_api_rejects_bad_mapping_choices(kwargs, message):
    with pytest.raises(cimc.CimcError, match=message):
        cimc.compile(models.lenet5(), cimc.Arch(xbar_rows=64, xbar_cols=64), **kwargs)


@pytest.mark.parametrize("strategy", ["none", "uniform", "balance", "optimal"])
def test_the_schedule_changes_the_timing_never_the_program(strategy):
    model = models.conv_net()
    images = {mode: cimc.compile(model, cimc.Arch(xbar_rows=64, xbar_cols=64), replication=strategy,
                                 budget=None if strategy == "none" else 200, schedule=mode).image
              for mode in cim.SCHEDULES}
    layer = images["layer"]
    for mode, image in images.items():
        for table in ("instructions", "patterns", "crossbars", "buffers", "layers"):
            assert getattr(image, table).tobytes() == getattr(layer, table).tobytes(), (mode, table)
        assert image.data == layer.data
        assert cim.SCHEDULES[int(image.streams[0]["schedule"])] == mode


def test_a_weight_two_layers_share_is_two_layers_to_replicate():
    import onnx
    from onnx import TensorProto, helper, numpy_helper
    weight = numpy_helper.from_array(np.random.default_rng(0).standard_normal((16, 8)).astype(np.float32), "W")
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["a", "W"], ["ya"]), helper.make_node("MatMul", ["b", "W"], ["yb"])], "tied",
        [helper.make_tensor_value_info("a", TensorProto.FLOAT, [1, 16]),
         helper.make_tensor_value_info("b", TensorProto.FLOAT, [4, 16])],
        [helper.make_tensor_value_info("ya", TensorProto.FLOAT, [1, 8]),
         helper.make_tensor_value_info("yb", TensorProto.FLOAT, [4, 8])], [weight])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=8)
    onnx.checker.check_model(model)
    inputs = {"a": np.ones((1, 16), np.float32), "b": np.arange(64, dtype=np.float32).reshape(4, 16)}
    plain = cimc.compile(model).run(inputs)
    replicated = cimc.compile(model, replication="optimal", budget=5)
    rows = {row.mvm_per_image: row.replicas for row in replicated.report().layers}
    assert rows == {1: 1, 4: 4}  # T_opt = 1: the 4-row layer gets 4 copies
    for key, value in replicated.run(inputs).items():
        np.testing.assert_array_equal(value, plain[key])


@pytest.mark.parametrize("strategy", ["uniform", "balance"])
def test_greedy_strategies_never_leave_a_replica_without_work(lenet_int, strategy):
    model, arch, calibration, base = lenet_int
    adc = cimc.Arch(**{**arch.to_dict(), "adc_bits": 6, "adc_range": "column"})
    need = len(base.image.crossbars)
    plain = cimc.compile(model, adc, calibration=calibration)
    for budget in (need + 46, 2 * need):  # conv1 (784 rows) got 29 copies of 28 rows, the last one none
        program = cimc.compile(model, adc, calibration=calibration, replication=strategy, budget=budget)
        words = program.image.instructions
        mvm = words["opcode"] == cim.MvmOp.OPCODE
        counts = program.image.patterns["counts"][words["pattern"][mvm], 0].astype(int)
        replicas = words["replicas"][mvm].astype(int)
        assert ((replicas - 1) * -(-counts // replicas) < counts).all()
        inputs = lenet_inputs(base)
        for key, value in plain.run(inputs).items():
            np.testing.assert_array_equal(program.run(inputs)[key], value)
