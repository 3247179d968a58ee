"""Static memory planning: live buffers never share bytes, on random problems and real nets."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import cimc
from cimc import models
from cimc.binary import BinaryImage
from cimc.errors import CimcError
from cimc.interpreter import Executable, check_memory_plan, memory_lower_bound
from cimc.reference import model_inputs, random_inputs
from cimc.passes.plan_memory import GREEDY_ORDERS, greedy_by_size, live_peak, plan_offsets, plan_peak, search_at_bound


def overlapping_live_buffers(spans: list[tuple[int, int, int, int]]) -> list[tuple[int, int]]:
    """Pairs of (addr, size, first, last) buffers alive at once whose byte ranges intersect."""
    bad = []
    for i, (a, s, f, l) in enumerate(spans):
        for j in range(i + 1, len(spans)):
            a2, s2, f2, l2 = spans[j]
            if f <= l2 and f2 <= l and a < a2 + s2 and a2 < a + s:
                bad.append((i, j))
    return bad


def plan_overlaps(problem: list[tuple[int, int, int]], offsets: list[int]) -> list[tuple[int, int]]:
    """overlapping_live_buffers of (size, first, last) buffers placed at `offsets`."""
    return overlapping_live_buffers([(o, s, f, l) for o, (s, f, l) in zip(offsets, problem)])


@st.composite
def buffers(draw):
    n = draw(st.integers(1, 25))
    result = []
    for _ in range(n):
        first = draw(st.integers(0, 30))
        result.append((draw(st.integers(1, 64)) * 4, first, first + draw(st.integers(0, 10))))
    return result


@settings(max_examples=200, deadline=None)
@given(buffers())
def test_greedy_by_size_never_overlaps_live_buffers(problem):
    offsets = greedy_by_size(problem)
    spans = [(o, s, f, l) for o, (s, f, l) in zip(offsets, problem)]
    assert overlapping_live_buffers(spans) == []
    peak = max(o + s for o, s, _, _ in spans)
    steps = max(l for _, _, l in problem) + 1
    bound = max(sum(s for s, f, l in problem if f <= t <= l) for t in range(steps))
    assert peak >= bound


def check_image(image: BinaryImage) -> None:
    b = image.buffers
    spans = list(zip(b["addr"].tolist(), b["size"].tolist(), b["first"].tolist(), b["last"].tolist()))
    assert overlapping_live_buffers(spans) == []


@pytest.mark.parametrize("build", [models.lenet5, models.mlp, models.conv_net])
def test_compiled_plans_are_valid(build):
    image = cimc.compile(build(), arch=cimc.Arch(xbar_rows=64, xbar_cols=64)).image
    check_image(image)
    assert memory_lower_bound(image) <= image.memory_bytes
    # the plan reuses memory: the peak is below the sum of all buffers
    assert image.memory_bytes < int(np.sum(image.buffers["size"]))


def test_memory_limit_is_enforced():
    with pytest.raises(cimc.CimcError, match="plan-memory: the program needs .* bytes of global memory, the arch has 4096"):
        cimc.compile(models.lenet5(), arch=cimc.Arch(global_memory_bytes=4096))


def test_checker_finds_buffers_live_together_at_one_address():
    image = cimc.compile(models.lenet5()).image
    check_memory_plan(image)
    buffers = image.buffers.copy()
    # two activations live at one instruction (the conv's matrix and its NCHW result)
    live = [i for i in range(len(buffers)) if buffers["kind"][i] == 1]
    a, b = next((i, j) for i in live for j in live if i != j and buffers["first"][j] <= buffers["last"][i]
                and buffers["first"][i] <= buffers["last"][j])
    buffers["addr"][b] = buffers["addr"][a]
    broken = BinaryImage(**{**{f: getattr(image, f) for f in image.__dataclass_fields__}, "buffers": buffers})
    with pytest.raises(CimcError, match="are live together at overlapping addresses"):
        check_memory_plan(broken)


def test_poisoning_shows_a_read_outside_a_lifetime():
    """A buffer whose recorded live range ends too early is NaN when read again."""
    model = models.lenet5()
    image = cimc.compile(model).image
    x = random_inputs(model_inputs(model), seed=1)
    clean = Executable(image, poison=True).run(x)["fc3"]
    np.testing.assert_array_equal(clean, Executable(image).run(x)["fc3"])
    buffers = image.buffers.copy()
    used_twice = next(i for i in range(len(buffers)) if buffers["kind"][i] == 1 and buffers["last"][i] > buffers["first"][i])
    buffers["last"][used_twice] = buffers["first"][used_twice]
    broken = BinaryImage(**{**{f: getattr(image, f) for f in image.__dataclass_fields__}, "buffers": buffers})
    assert np.isnan(Executable(broken, poison=True).run(x)["fc3"]).all()
    np.testing.assert_array_equal(Executable(broken).run(x)["fc3"], clean)  # unpoisoned, the bug hides


@settings(max_examples=300, deadline=None)
@given(buffers())
def test_the_planner_never_overlaps_live_buffers_and_never_loses_to_greedy_by_size(problem):
    offsets = plan_offsets(problem)
    assert plan_overlaps(problem, offsets) == []
    assert live_peak(problem) <= plan_peak(problem, offsets)
    assert plan_peak(problem, offsets) <= min(plan_peak(problem, greedy_by_size(problem, order)) for order in GREEDY_ORDERS)


@settings(max_examples=200, deadline=None)
@given(buffers(), st.integers(0, 3))
def test_a_plan_the_search_finds_keeps_below_its_capacity(problem, slack):
    capacity = live_peak(problem) + slack * 4
    offsets = search_at_bound(problem, capacity)
    if offsets is not None:
        assert plan_overlaps(problem, offsets) == []
        assert plan_peak(problem, offsets) <= capacity


def test_the_search_reaches_the_bound_where_every_greedy_order_misses_it():
    # three buffers at one step tile the bound exactly, and the one live across the two peaks
    # must sit where neither peak's greedy placement puts it (the pattern of ResNet-50's
    # bottlenecks: a residual beside a padded input and its im2col window, twice)
    problem = [(3, 0, 9), (1, 2, 3), (6, 3, 4), (3, 8, 15), (1, 11, 12), (6, 12, 13), (3, 6, 8)]
    bound = live_peak(problem)
    assert bound == 10
    assert all(plan_peak(problem, greedy_by_size(problem, order)) > bound for order in GREEDY_ORDERS)
    offsets = plan_offsets(problem)
    assert plan_peak(problem, offsets) == bound
    assert plan_overlaps(problem, offsets) == []


@pytest.mark.parametrize("name, precision", [("squeezenet", "fp32"), ("shufflenet", "fp32"), ("squeezenet", "int")])
def test_without_aliasing_every_tensor_has_its_own_buffer_and_the_outputs_are_the_same(name, precision):
    """The same outputs: bit for bit in int (integer sums in float64); in fp32 to rounding,
    because BLAS orders a product's sums by how many rows it is given, and a conv read through
    the MVM's window is one product over the image where its window matrix is made in blocks."""
    from cimc import zoo
    model = zoo.network(name)
    x = zoo.zoo_input(model)
    arch = cimc.Arch(precision=precision)
    calibration = [x] if precision == "int" else None
    shared, own = (cimc.compile(model, arch=arch, calibration=calibration, memory_aliasing=aliasing)
                   for aliasing in (True, False))
    for key, value in shared.run(x).items():
        if precision == "int":
            np.testing.assert_array_equal(own.run(x, poison=True)[key], value)
        else:
            np.testing.assert_allclose(own.run(x, poison=True)[key], value, rtol=1e-5, atol=1e-9)
    assert len(own.image.buffers) > len(shared.image.buffers)
    for program in (shared, own):
        check_memory_plan(program.image)
        assert program.image.memory_bytes == memory_lower_bound(program.image)
    assert memory_lower_bound(shared.image) <= memory_lower_bound(own.image)


def test_memory_aliasing_must_be_a_bool():
    with pytest.raises(CimcError, match="memory_aliasing must be True or False, not 'no'"):
        cimc.compile(models.lenet5(), memory_aliasing="no")


def test_cli_draws_the_memory_plan(tmp_path, capsys):
    from cimc.tools.cli import main as cli_main
    program = cimc.compile(models.lenet5())
    program.save(tmp_path / "lenet.cimb")
    cli_main(["report", str(tmp_path / "lenet.cimb"), "--memory-plot", str(tmp_path / "plan.svg")])
    svg = (tmp_path / "plan.svg").read_text()
    # one rectangle per buffer, plus the legend's four
    assert svg.count("<path") >= len(program.image.buffers) + 4
    assert "lower bound" in svg
    with pytest.raises(SystemExit):
        cli_main(["report", str(tmp_path / "lenet.cimb"), "--memory-plot", str(tmp_path / "plan.gif")])
    assert "must end in .png, .svg or .pdf" in capsys.readouterr().err
    assert not (tmp_path / "plan.gif").exists()


def _pointwise_then_padded(channels: int):
    """x (1 x 16 x 16) -> 1x1 conv and relu a (C channels) -> 1x1 conv b (8 channels, a dies)
    -> 3x3 conv y padded by 1 (2 channels, b dies): b may be widened to 8 x 18 x 18 in its own
    buffer."""
    from onnx import TensorProto, helper, numpy_helper
    rng = np.random.default_rng(0)
    weights = [numpy_helper.from_array(rng.standard_normal(shape).astype(np.float32), name)
               for name, shape in (("w0", (channels, 1, 1, 1)), ("w1", (8, channels, 1, 1)), ("w3", (2, 8, 3, 3)))]
    nodes = [helper.make_node("Conv", ["x", "w0"], ["c"]), helper.make_node("Relu", ["c"], ["a"]),
             helper.make_node("Conv", ["a", "w1"], ["b"]), helper.make_node("Conv", ["b", "w3"], ["y"], pads=[1, 1, 1, 1])]
    graph = helper.make_graph(nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 1, 16, 16])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 2, 16, 16])], weights)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = models.IR_VERSION
    return model


@pytest.mark.parametrize("channels, widened", [(4, True), (16, False)])
def test_a_map_is_widened_in_its_own_buffer_unless_that_makes_the_peak(channels, widened):
    """In elements, x = 256, a = C*256, b = 8*256 = 2048 (8*324 = 2592 widened), y = 512.
    Widened, b is 2592 from its birth: the peak is max(x + a, a + 2592, 2592 + 512). Padded
    into a scratch buffer of its own it is max(x + a, a + 2048, 2048 + 2592 at the copy,
    2592 + 512). C = 4: 3616 widened against 4640, so it stays widened; C = 16: 6688 against
    6144, so it is padded into a scratch buffer."""
    model = _pointwise_then_padded(channels)
    program = cimc.compile(model)
    a = channels * 256
    expected = min(max(256 + a, a + 2592, 2592 + 512), max(256 + a, a + 2048, 2048 + 2592, 2592 + 512))
    assert memory_lower_bound(program.image) == expected * 4 == program.image.memory_bytes
    names = [program.image.string(int(n)) for n in program.image.buffers["name"]]
    assert any(name.endswith("_padded") for name in names) != widened
    x = {"x": np.random.default_rng(2).standard_normal((1, 1, 16, 16)).astype(np.float32)}
    reference = cimc.compile(model, memory_aliasing=False).run(x)["y"]
    np.testing.assert_allclose(program.run(x, poison=True)["y"], reference, rtol=1e-5, atol=1e-5)
