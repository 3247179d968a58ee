"""precision="int": quantization, differential bit-sliced cells, bit-serial inputs, the ADC and
noise, checked against cimc's fake-quant reference (the quantized graph run by the golden
model) and against plain numpy."""

from __future__ import annotations

import numpy as np
import onnx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from onnx import TensorProto, helper, numpy_helper

import cimc
from cimc import models
from cimc.interpreter import Executable
from cimc.numerics import ActivationQuant, adc, program_cells, quantize_weight, slices
from cimc.reference import fake_quant_outputs, model_inputs, random_inputs


def layer_model(kind: str, rng: np.random.Generator, channels: int, out: int, kernel: int, group: int,
                size: int, signed_input: bool) -> tuple[onnx.ModelProto, dict[str, np.ndarray]]:
    """One conv (with bias) or gemm, its input signed (normal) or not (uniform 0..3)."""
    if kind == "conv":
        w = rng.standard_normal((out * group, channels // group, kernel, kernel)).astype(np.float32)
        x_shape, y_shape = [1, channels, size, size], [1, out * group, size, size]
        pad = kernel // 2
        node = helper.make_node("Conv", ["x", "w", "b"], ["y"], kernel_shape=[kernel, kernel], group=group,
                                pads=[pad, pad, kernel - 1 - pad, kernel - 1 - pad])
        b = rng.standard_normal(out * group).astype(np.float32)
    else:
        w = rng.standard_normal((channels, out)).astype(np.float32)
        x_shape, y_shape = [size, channels], [size, out]
        node = helper.make_node("Gemm", ["x", "w", "b"], ["y"])
        b = rng.standard_normal(out).astype(np.float32)
    graph = helper.make_graph([node], kind, [helper.make_tensor_value_info("x", TensorProto.FLOAT, x_shape)],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, y_shape)],
                              [numpy_helper.from_array(w, "w"), numpy_helper.from_array(b, "b")])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=8)
    x = rng.standard_normal(x_shape) if signed_input else rng.uniform(0, 3, x_shape)
    return model, {"x": x.astype(np.float32)}


ARCH = st.fixed_dictionaries({
    "xbar_rows": st.integers(4, 40), "xbar_cols": st.integers(8, 40), "cell_bits": st.integers(1, 4),
    "weight_bits": st.integers(2, 8), "input_bits": st.integers(2, 8)}).flatmap(
    lambda a: st.fixed_dictionaries({**{k: st.just(v) for k, v in a.items()},
                                     "dac_bits": st.integers(1, a["input_bits"])}))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(arch=ARCH, kind=st.sampled_from(["conv", "gemm"]), channels=st.integers(1, 12), out=st.integers(1, 9),
       kernel=st.integers(1, 3), group=st.sampled_from([1, 2, 3]), size=st.integers(1, 5), signed=st.booleans(),
       seed=st.integers(0, 2**16))
def test_int_layer_is_bit_exact_with_the_fake_quant_reference(arch, kind, channels, out, kernel, group, size,
                                                            signed, seed):
    arch = cimc.Arch(precision="int", **arch)
    if 2 * slices(arch) > arch.xbar_cols:
        arch = cimc.Arch(**{**arch.to_dict(), "xbar_cols": 2 * slices(arch)})
    group = group if kind == "conv" else 1
    channels = channels * group
    rng = np.random.default_rng(seed)
    model, x = layer_model(kind, rng, channels, out, kernel, group, size, signed)
    # calibrated on another draw, so some test inputs fall outside the range and clip
    calibration = [{"x": (x["x"] * rng.uniform(0.3, 1.0)).astype(np.float32)}]
    program = cimc.compile(model, arch=arch, calibration=calibration)
    expected = fake_quant_outputs(model, arch, x, calibration)["y"]
    actual = program.run(x)["y"]
    assert actual.dtype == expected.dtype == np.float64
    np.testing.assert_array_equal(actual, expected)
    serial = Executable(program.image, bit_serial=True).run(x)["y"]
    np.testing.assert_array_equal(serial, expected)


def test_int_gemm_matches_hand_written_quantization():
    """The whole scheme written out in numpy, independently of the quantize pass."""
    rng = np.random.default_rng(5)
    model, x = layer_model("gemm", rng, 300, 20, 1, 1, 3, True)
    calibration = [{"x": rng.standard_normal((3, 300)).astype(np.float32)}]
    w = numpy_helper.to_array(model.graph.initializer[0]).astype(np.float64)
    b = numpy_helper.to_array(model.graph.initializer[1])
    s_x = np.float32(np.abs(calibration[0]["x"]).max() / 127)
    s_w = (np.abs(w).max(axis=0) / 127).astype(np.float32)
    wq = np.clip(np.rint(w / s_w), -127, 127)
    q = np.clip(np.rint(x["x"].astype(np.float64) / s_x), -127, 127)
    expected = (q @ wq) * (s_x * s_w).astype(np.float64) + b
    actual = cimc.compile(model, arch=cimc.Arch(precision="int"), calibration=calibration).run(x)["y"]
    np.testing.assert_array_equal(actual, expected)
    assert np.abs(q).max() == 127  # the test input clips: it goes past the calibrated range


def test_wide_arch_stays_exact_cycle_by_cycle():
    """Column sums of one cycle up to 511 * 255 * 255 > 2^24 run in float64."""
    arch = cimc.Arch(precision="int", xbar_rows=512, xbar_cols=64, cell_bits=8, weight_bits=16, input_bits=16,
                     dac_bits=8)
    rng = np.random.default_rng(1)
    model, x = layer_model("gemm", rng, 600, 3, 1, 1, 2, True)
    program = cimc.compile(model, arch=arch, calibration=[x])
    expected = fake_quant_outputs(model, arch, x, [x])["y"]
    np.testing.assert_array_equal(Executable(program.image, bit_serial=True).run(x)["y"], expected)
    np.testing.assert_array_equal(program.run(x)["y"], expected)


def test_fake_quant_reference_is_close_to_float():
    model = models.lenet5()
    x = random_inputs(model_inputs(model), seed=3)
    arch = cimc.Arch(precision="int")
    out = fake_quant_outputs(model, arch, x, [x])
    fp32 = cimc.compile(model).run(x)
    for name, y in out.items():
        a, b = y.ravel(), fp32[name].ravel().astype(np.float64)
        assert a @ b / np.linalg.norm(a) / np.linalg.norm(b) > 0.999


def test_cells_and_shift_add_give_back_the_integer_weights():
    rng = np.random.default_rng(0)
    for cell_bits, weight_bits in [(1, 2), (2, 8), (3, 7), (4, 8), (1, 8)]:
        arch = cimc.Arch(precision="int", cell_bits=cell_bits, weight_bits=weight_bits)
        wq, scale = quantize_weight(rng.standard_normal((9, 5)).astype(np.float32), weight_bits)
        assert np.abs(wq).max() == 2 ** (weight_bits - 1) - 1
        width = 2 * slices(arch)
        levels, shifts = program_cells(wq, 0, 5 * width, arch)
        assert levels.min() >= 0 and levels.max() <= 2 ** cell_bits - 1
        np.testing.assert_array_equal(levels @ shifts, wq)
        # crossbars cutting the physical columns anywhere (even inside a weight column's cells)
        # add up to the integer weights
        cuts = sorted({0, 5 * width, *rng.integers(1, 5 * width, 3).tolist()})
        total = np.zeros_like(wq)
        for j0, j1 in zip(cuts, cuts[1:]):
            c0, c1 = j0 // width, -(-j1 // width)
            levels, shifts = program_cells(wq[:, c0:c1], j0 - c0 * width, j1 - c0 * width, arch)
            total[:, c0:c1] += levels @ shifts
        np.testing.assert_array_equal(total, wq)


def test_activation_quantization_is_unsigned_after_relu():
    assert ActivationQuant.calibrated(0.0, 6.0, 8) == ActivationQuant(float(np.float32(6 / 255)), 8, False)
    q = ActivationQuant.calibrated(-2.0, 1.0, 8)
    assert q.signed and q.qmax == 127 and q.offset == 128 and q.scale == float(np.float32(2 / 127))


def test_adc_clips_and_rounds_to_its_levels():
    sums = np.array([0.0, 1.0, 7.0, 100.0, 300.0])
    np.testing.assert_array_equal(adc(sums, 255.0, 8), [0, 1, 7, 100, 255])
    np.testing.assert_array_equal(adc(sums, 255.0, 4), [0, 0, 0, 102, 255])


def int_program(adc_bits=None, **fields):
    model = models.lenet5()
    x = random_inputs(model_inputs(model), seed=2)
    arch = cimc.Arch(precision="int", adc_bits=adc_bits, **fields)
    return cimc.compile(model, arch=arch, calibration=[x]), x


def test_a_wide_enough_adc_is_lossless_and_a_narrow_one_is_not():
    lossless, x = int_program()
    exact = lossless.run(x)["fc3"]
    # 128 rows x 1 dac bit x 3 (2-bit cells): sums up to 384 < 2^9
    wide, _ = int_program(adc_bits=9)
    np.testing.assert_array_equal(wide.run(x)["fc3"], exact)
    for bits in (6, 4):
        narrow, _ = int_program(adc_bits=bits)
        assert np.abs(narrow.run(x)["fc3"] - exact).max() > 0, bits


def test_noise_is_deterministic_per_seed_and_zero_noise_is_exact():
    program, x = int_program()
    clean = program.run(x)["fc3"]
    noisy = program.run(x, noise=cimc.Noise(conductance_std=0.03, seed=1))["fc3"]
    again = program.run(x, noise=cimc.Noise(conductance_std=0.03, seed=1))["fc3"]
    other = program.run(x, noise=cimc.Noise(conductance_std=0.03, seed=2))["fc3"]
    np.testing.assert_array_equal(noisy, again)
    assert not np.array_equal(noisy, other) and not np.array_equal(noisy, clean)
    np.testing.assert_array_equal(program.run(x, noise=cimc.Noise(seed=7))["fc3"], clean)
    stuck = program.run(x, noise=cimc.Noise(stuck_at_0=0.05, stuck_at_1=0.01, seed=3))["fc3"]
    assert not np.array_equal(stuck, clean)
    with_adc, _ = int_program(adc_bits=6)
    a = with_adc.run(x, noise=cimc.Noise(conductance_std=0.05, seed=4))["fc3"]
    np.testing.assert_array_equal(a, with_adc.run(x, noise=cimc.Noise(conductance_std=0.05, seed=4))["fc3"])


@pytest.mark.parametrize("bad, message", [
    ({"conductance_std": -0.1}, "conductance_std must be"),
    ({"stuck_at_0": 1.5}, "stuck_at_0 must be a probability"),
    ({"stuck_at_0": 0.6, "stuck_at_1": 0.6}, "stuck_at_0 \\+ stuck_at_1"),
    ({"seed": -1}, "seed must be"),
])
def test_bad_noise_is_refused(bad, message):
    with pytest.raises(cimc.CimcError, match=message):
        cimc.Noise(**bad)


def test_noise_needs_an_int_program():
    program = cimc.compile(models.mlp())
    x = random_inputs(model_inputs(models.mlp()))
    with pytest.raises(cimc.CimcError, match="noise models the cells of int crossbars"):
        program.run(x, noise=cimc.Noise(conductance_std=0.1))


def test_crossbars_per_layer_follow_the_slice_and_polarity_formula():
    program, _ = int_program()
    arch = program.arch
    layers = {layer.name: layer.crossbars for layer in program.report().layers}
    s = slices(arch)
    # (K, N) of LeNet-5's conv1, conv2, fc1, fc2, fc3
    for name, (k, n) in {"conv1": (25, 6), "conv2": (150, 16), "fc1": (400, 120), "fc2": (120, 84),
                         "fc3": (84, 10)}.items():
        assert layers[name] == -(-k // arch.xbar_rows) * -(-n * s * 2 // arch.xbar_cols), name


def test_int_program_survives_save_and_load(tmp_path):
    program, x = int_program(adc_bits=6)
    path = tmp_path / "lenet.cimb"
    program.save(path)
    loaded = cimc.Program.load(path)
    np.testing.assert_array_equal(loaded.run(x)["fc3"], program.run(x)["fc3"])
    assert loaded.to_bytes() == program.to_bytes()


def test_calibration_errors_are_clear():
    model = models.lenet5()
    shape = model_inputs(model)["input"]
    with pytest.raises(cimc.CimcError, match="the input of graph.conv \"conv1\" takes non-finite values"):
        cimc.compile(model, arch=cimc.Arch(precision="int"), calibration=[{"input": np.full(shape, np.nan)}])
    with pytest.raises(cimc.CimcError, match="the calibration list is empty"):
        cimc.compile(model, arch=cimc.Arch(precision="int"), calibration=[])
    with pytest.raises(cimc.CimcError, match="a calibration sample is a dict"):
        cimc.compile(model, arch=cimc.Arch(precision="int"), calibration=[np.zeros(shape)])
    with pytest.raises(cimc.CimcError, match="calibration input 'input' has shape \\[2, 2\\]"):
        cimc.compile(model, arch=cimc.Arch(precision="int"), calibration=[{"input": np.zeros((2, 2))}])
    with pytest.raises(cimc.CimcError, match="lacks input"):
        cimc.compile(model, arch=cimc.Arch(precision="int"), calibration=[{}])


def test_too_many_slices_for_a_crossbar_is_refused():
    with pytest.raises(cimc.CimcError, match="needs 8 physical columns"):
        int_program(xbar_cols=6)


def test_calibrated_adc_ranges_beat_full_scale():
    """SplitConv4Pim-style column-wise ranges (and per-array ones) clip at what the
    calibration inputs reach, so a narrow ADC loses much less than over the full scale."""
    lossless, x = int_program()
    exact = lossless.run(x)["fc3"]
    errors = {}
    for adc_range in ("full", "array", "column"):
        program, _ = int_program(adc_bits=5, adc_range=adc_range)
        assert (program.image.crossbars["adc_range"] != 2**64 - 1).all() == (adc_range != "full")
        errors[adc_range] = np.abs(program.run(x)["fc3"] - exact).max()
    assert errors["column"] <= errors["array"] < errors["full"]


def test_column_ranges_survive_the_binary(tmp_path):
    program, x = int_program(adc_bits=5, adc_range="column")
    program.save(tmp_path / "p.cimb")
    loaded = cimc.Program.load(tmp_path / "p.cimb")
    np.testing.assert_array_equal(loaded.run(x)["fc3"], program.run(x)["fc3"])


def test_offset_correction_beyond_float32_is_refused():
    """16-bit weights all at +qmax over 600 rows: column sums of 32767 * 600 > 2^24."""
    rng = np.random.default_rng(2)
    model, x = layer_model("gemm", rng, 600, 2, 1, 1, 1, True)
    model.graph.initializer[0].CopyFrom(numpy_helper.from_array(np.ones((600, 2), np.float32), "w"))
    with pytest.raises(cimc.CimcError, match="sums to 2\\^24 or more"):
        cimc.compile(model, arch=cimc.Arch(precision="int", weight_bits=16, cell_bits=4, xbar_rows=256),
                     calibration=[x])


def test_adc_calibration_ignores_extra_calibration_keys():
    model = models.lenet5()
    x = random_inputs(model_inputs(model), seed=2)
    program = cimc.compile(model, arch=cimc.Arch(precision="int", adc_bits=6, adc_range="column"),
                           calibration=[{**x, "unused": np.zeros(3)}])
    assert np.isfinite(program.run(x)["fc3"]).all()


def test_xbar_level_golden_model_matches_the_graph_level():
    """The xbar level's int tiles (slice, polarity, offset) and shift_add, run by the golden
    model, give the quantized graph's results bit for bit: a bug in tile-crossbars shows there."""
    from cimc.ir_interpreter import run_module

    model = models.lenet5()
    x = random_inputs(model_inputs(model), seed=4)
    arch = cimc.Arch(precision="int", xbar_rows=64, xbar_cols=48, cell_bits=3)
    graph_level = run_module(*cimc.lower(model, arch, to="graph", calibration=[x]), x)
    xbar_level = run_module(*cimc.lower(model, arch, to="xbar", calibration=[x]), x)
    np.testing.assert_array_equal(xbar_level["fc3"], graph_level["fc3"])
