"""onnx's own node test cases, run through `cimc.onnx_backend`, for every op cimc imports.

The cases come from `onnx.backend.test.case.node` (built in memory, nothing downloaded), for
each op type in `cimc.frontend.SUPPORTED_OPS` as it is when the tests are collected, so ops
added to the frontend are picked up without touching this file. An op type's cases are the
ones `collect_testcases(op_type)` gives: its single-node cases and their `_expanded` function
bodies.

Each case's model is rewritten so that the inputs cimc needs to be constant (`WEIGHT_INPUTS`,
by op type: Conv's W and B, Gemm's B and C, ...) are initializers holding the data set's
values; the rest stay graph inputs and are fed positionally. Every case is compiled and run
on each arch in `ARCHS` and lands in one of:

- PASS: every output has the expected shape and dtype and is within `TOLERANCE` of
  max|expected|;
- REFUSED: `prepare` (the compile) raised a CimcError whose message is one line, names what is
  at fault (an op type of the model, or a model input/output) and, where it names an attribute
  or an input's element type, names one the model really has (`refusal_problem`);
- FAIL: wrong numbers or shapes, any other exception, a run-time error, a malformed refusal.

A FAIL fails its case's test unless the case is in `KNOWN_BUGS` (then the test is a strict
xfail, so it fails again once the bug is fixed); an op type with no selected case fails
`test_op_has_cases`. `test_summary` prints the table (op, selected, passed, refused with
reasons; see it with `pytest -s`) and writes it to the file named by $CIMC_BACKEND_REPORT.
"""

from __future__ import annotations

import functools
import os
import re
import sys
import warnings
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import numpy as np
import onnx
import pytest
from onnx import helper, numpy_helper

import cimc
from cimc.frontend import SUPPORTED_OPS
from cimc.onnx_backend import CimcBackend, CimcBackendRep
from cimc.reference import relative_error

KNOWN_BUGS: dict[str, str] = {}

WEIGHT_INPUTS: dict[str, tuple[int, ...]] = {
    # op type: positions of the node inputs cimc requires to be constants (made initializers).
    # Op types not listed have none: all their inputs stay graph inputs (Add, Relu, pools, ...).
    "Conv": (1, 2),                     # W, B
    "Gemm": (1, 2),                     # B, C
    "MatMul": (1,),                     # B
    "BatchNormalization": (1, 2, 3, 4),  # scale, B, input_mean, input_var
    "Clip": (1, 2),                     # min, max
    "Dropout": (1, 2),                  # ratio, training_mode
    "Pad": (1, 2, 3),                   # pads, constant_value, axes
    "Reshape": (1,),                    # shape
    "Unsqueeze": (1,),                  # axes
    "ConstantOfShape": (0,),            # input (the shape)
}

ARCHS: dict[str, cimc.Arch] = {
    "128x128": cimc.Arch(),
    "7x5": cimc.Arch(xbar_rows=7, xbar_cols=5),  # small and odd: weights tile over many crossbars
}

TOLERANCE = 1e-4
ROUNDED_EXPECTED = {
    # onnx writes this case's expected output to 4 decimals ([0.1511, 0.2841, 0.3572]); cimc's
    # output equals onnxruntime's exactly (0.15105554, 0.2840444, 0.35722223)
    "test_averagepool_2d_ceil_last_window_starts_on_pad": 5e-4,
}
"""Cases whose expected values onnx gives rounded, with the tolerance that rounding needs."""
"""max |actual - expected| / max |expected|, as cimc's acceptance against onnxruntime."""

REPORT_ENV = "CIMC_BACKEND_REPORT"


# -- the cases ---------------------------------------------------------------------------------


def all_node_cases() -> list:
    """Every node test case of onnx (all op types).

    `collect_testcases(op_type)` filters while the case modules are first imported and returns
    the same list ever after, so a second call with another op type returns the first one's
    cases. Collect everything once instead; if something in this process collected already
    (maybe filtered), run every case class's exports again into a fresh list, as importing
    them does.
    """
    import onnx.backend.test.case.node as node_pkg
    from onnx.backend.test.case.base import Base
    from onnx.backend.test.case.utils import import_recursive

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # some case generators overflow casts on purpose
        if not node_pkg._NodeTestCases:
            return list(node_pkg.collect_testcases(None))
        import_recursive(node_pkg)
        saved = list(node_pkg._NodeTestCases), dict(node_pkg._existing_names), node_pkg._TargetOpType
        node_pkg._NodeTestCases.clear()
        node_pkg._existing_names.clear()
        node_pkg._TargetOpType = None
        try:
            classes, todo = [], [Base]
            while todo:
                for sub in todo.pop().__subclasses__():
                    todo.append(sub)
                    if sub.__module__.startswith(node_pkg.__name__ + "."):
                        classes.append(sub)
            for cls in classes:
                for name in vars(cls):
                    if name.startswith("export"):
                        np.random.seed(0)  # as the exporter metaclass does
                        getattr(cls, name)()
            return list(node_pkg._NodeTestCases)
        finally:
            node_pkg._NodeTestCases[:] = saved[0]
            node_pkg._existing_names.clear()
            node_pkg._existing_names.update(saved[1])
            node_pkg._TargetOpType = saved[2]


def base_name(case_name: str) -> str:
    """The single-node case a function-expanded case (`..._expanded[_verN]`) comes from."""
    return re.sub(r"_expanded(_ver\d+)?$", "", case_name)


NODE_OF: dict[str, onnx.NodeProto] = {}
"""Case name -> the node under test (for an expanded case, the node its function expands)."""

ALL_CASE_NAMES: set[str] = set()
"""Every node test case onnx has, of any op type."""


@functools.cache
def cases_by_op() -> dict[str, list]:
    """SUPPORTED_OPS' op types -> their node test cases (what collect_testcases(op) selects)."""
    cases = all_node_cases()
    ALL_CASE_NAMES.update(c.name for c in cases)
    op_of = {c.name: c.model.graph.node[0].op_type for c in cases if len(c.model.graph.node) == 1}
    node_of = {c.name: c.model.graph.node[0] for c in cases if len(c.model.graph.node) == 1}
    selected: dict[str, list] = {op: [] for op in SUPPORTED_OPS}
    for case in cases:
        op = op_of.get(base_name(case.name))
        if op in selected:
            selected[op].append(case)
            NODE_OF[case.name] = node_of[base_name(case.name)]
    return selected


def as_array(value) -> np.ndarray:
    return numpy_helper.to_array(value) if isinstance(value, onnx.TensorProto) else np.asarray(value)


def with_weights_as_initializers(case, inputs: list) -> tuple[onnx.ModelProto, list[np.ndarray]]:
    """The case's model with its op's weight inputs made initializers holding `inputs`' values,
    and the values of the inputs left."""
    op = NODE_OF[case.name].op_type
    node_inputs = list(NODE_OF[case.name].input)
    weights = {node_inputs[i] for i in WEIGHT_INPUTS.get(op, ()) if i < len(node_inputs) and node_inputs[i]}
    model = onnx.ModelProto()
    model.CopyFrom(case.model)
    graph_inputs, feeds = [], []
    for value_info, value in zip(case.model.graph.input, inputs):
        if value_info.name in weights:
            model.graph.initializer.append(numpy_helper.from_array(as_array(value), value_info.name))
        else:
            graph_inputs.append(value_info)
            feeds.append(as_array(value))
    del model.graph.input[:]
    model.graph.input.extend(graph_inputs)
    return model, feeds


# -- running and classifying ---------------------------------------------------------------------


@dataclass
class Outcome:
    status: str                        # PASS, REFUSED or FAIL
    reason: str = ""                   # the refusal message or what went wrong
    errors: dict[str, float] = field(default_factory=dict)  # arch -> worst relative error


def refusal_problem(model: onnx.ModelProto, message: str) -> str | None:
    """What is wrong with `message` as the refusal of `model`, or None if it is a proper one:
    one line, naming an op type of the model or one of its inputs/outputs, and true to the
    model where it names an attribute or an input's element type."""
    if not message.strip() or "\n" in message.strip():
        return "the refusal is not one line"
    graph = model.graph
    op_types = {n.op_type for n in graph.node}
    named_ops = {op for op in op_types if f"{op} node '" in message or f"op '{op}'" in message}
    io = re.match(r"model (input|output) '([^']*)'", message)
    io_values = {v.name: v for v in (*graph.input, *graph.output)}
    if not named_ops and not (io and io.group(2) in io_values):
        return "the refusal names neither an op type of the model nor a model input/output"
    # an attribute named is one the node sets or one its op type has (a default value can be the
    # one refused; an op version may have made it an input, like Dropout's training_mode)
    attributes = {a.name for n in graph.node if n.op_type in named_ops for a in n.attribute}
    for op in named_ops:
        try:
            schema = onnx.defs.get_schema(op)
        except onnx.defs.SchemaError:
            continue
        attributes.update(schema.attributes)
        attributes.update(formal.name for formal in schema.inputs)
    for attr in re.findall(r"\battributes? '?([A-Za-z_]\w*)", message):
        if attr not in attributes:
            return f"the refusal names attribute '{attr}', which {'/'.join(sorted(named_ops))} does not have"
    elem = re.search(r"element type (\w+)", message)
    if io and elem:
        declared = onnx.TensorProto.DataType.Name(io_values[io.group(2)].type.tensor_type.elem_type)
        if declared != elem.group(1) or declared == "FLOAT":
            return f"the refusal names element type {elem.group(1)}, the input is declared {declared}"
    return None


def first_line(e: BaseException) -> str:
    text = str(e).strip()
    return f"{type(e).__name__}: {text.splitlines()[0] if text else ''}"


def run_case_on(case, arch: cimc.Arch) -> tuple[str, str, float]:
    """(status, reason, worst relative error) of one case on one arch."""
    worst = 0.0
    for inputs, expected in case.data_sets:
        model, feeds = with_weights_as_initializers(case, list(inputs))
        try:
            rep = CimcBackend.prepare(model, device="CPU", arch=arch)
        except cimc.CimcError as e:
            problem = refusal_problem(model, str(e))
            if problem:
                return "FAIL", f"{problem}: {str(e)!r}", worst
            return "REFUSED", str(e).strip(), worst
        except Exception as e:  # a crash in the compiler is a bug, whatever it is
            return "FAIL", f"compile raised {first_line(e)}", worst
        try:
            actual = rep.run(feeds)
        except Exception as e:
            return "FAIL", f"run raised {first_line(e)}", worst
        if len(actual) != len(expected):
            return "FAIL", f"{len(actual)} outputs, expected {len(expected)}", worst
        for name, got, want in zip(rep.output_names, actual, expected):
            got, want = np.asarray(got), as_array(want)
            if got.shape != want.shape:
                return "FAIL", f"output '{name}' has shape {list(got.shape)}, expected {list(want.shape)}", worst
            if got.dtype != want.dtype:  # as onnx's own backend test runner checks
                return "FAIL", f"output '{name}' has dtype {got.dtype}, expected {want.dtype}", worst
            if want.size:
                error = relative_error(got.astype(np.float64), want.astype(np.float64))
                worst = max(worst, error) if not np.isnan(error) else float("nan")
                tolerance = ROUNDED_EXPECTED.get(case.name, TOLERANCE)
                if not error <= tolerance:
                    return "FAIL", f"output '{name}': relative error {error:.3g} > {tolerance:g}", worst
    return "PASS", "", worst


@functools.cache
def outcome(case_name: str) -> Outcome:
    case = CASES[case_name]
    results = {label: run_case_on(case, arch) for label, arch in ARCHS.items()}
    errors = {label: err for label, (_, _, err) in results.items()}
    statuses = {status for status, _, _ in results.values()}
    for wanted in ("FAIL", "REFUSED"):
        if wanted in statuses:
            reasons = {reason for status, reason, _ in results.values() if status == wanted}
            labels = [label for label, (status, _, _) in results.items() if status == wanted]
            reason = " | ".join(sorted(reasons))
            if wanted == "REFUSED" and len(labels) != len(ARCHS):
                reason = f"[{', '.join(labels)} only] {reason}"
            elif wanted == "FAIL":
                reason = f"[{', '.join(labels)}] {reason}"
            return Outcome(wanted, reason, errors)
    return Outcome("PASS", "", errors)


CASES = {case.name: case for cases in cases_by_op().values() for case in cases}
OP_OF_CASE = {case.name: op for op, cases in cases_by_op().items() for case in cases}


def case_params() -> list:
    return [pytest.param(name, id=name,
                         marks=[pytest.mark.xfail(reason=KNOWN_BUGS[name], strict=True)] if name in KNOWN_BUGS else [])
            for name in CASES]


# -- the tests -----------------------------------------------------------------------------------


@pytest.mark.parametrize("case_name", case_params())
def test_node_case(case_name):
    result = outcome(case_name)
    assert result.status in ("PASS", "REFUSED"), f"{OP_OF_CASE[case_name]} {case_name}: {result.reason}"


@pytest.mark.parametrize("op", SUPPORTED_OPS)
def test_op_has_cases(op):
    assert cases_by_op()[op], f"onnx has no node test case for supported op {op}: nothing checks it"


def summary_table() -> tuple[str, Counter]:
    totals: Counter = Counter()
    lines = [f"{'op':<20} {'selected':>8} {'passed':>7} {'refused':>8} {'failed':>7} {'worst error':>12}"]
    reasons_by_op: dict[str, dict[str, list[str]]] = {}
    for op, cases in cases_by_op().items():
        counts = Counter(outcome(c.name).status for c in cases)
        totals.update(counts)
        totals["selected"] += len(cases)
        passed_errors = [e for c in cases if outcome(c.name).status == "PASS" for e in outcome(c.name).errors.values()]
        worst = f"{max(passed_errors):.1e}" if passed_errors else "-"
        lines.append(f"{op:<20} {len(cases):>8} {counts['PASS']:>7} {counts['REFUSED']:>8} {counts['FAIL']:>7} {worst:>12}")
        grouped: dict[str, list[str]] = defaultdict(list)
        for c in cases:
            result = outcome(c.name)
            if result.status != "PASS":
                tag = "REFUSED" if result.status == "REFUSED" else "FAIL" + (" (known bug)" if c.name in KNOWN_BUGS else "")
                # group refusals by message, without the node name that differs between cases
                reason = re.sub(r" node '[^']*'", " node", result.reason)
                grouped[f"{tag}: {reason}"].append(c.name)
        reasons_by_op[op] = grouped
    lines.append(f"{'total':<20} {totals['selected']:>8} {totals['PASS']:>7} {totals['REFUSED']:>8} {totals['FAIL']:>7}")
    lines.append("")
    lines.append(f"archs: {', '.join(ARCHS)}; tolerance {TOLERANCE:g} of max|expected|; "
                 "worst error: of the passed cases, max |actual - expected| / max |expected|")
    for op, grouped in reasons_by_op.items():
        for reason, names in sorted(grouped.items()):
            lines.append(f"{op}: {reason}")
            lines.append(f"    {len(names)}: {', '.join(names)}")
    return "\n".join(lines) + "\n", totals


def test_summary():
    table, totals = summary_table()
    print("\nonnx node test cases through cimc.onnx_backend\n" + table)
    path = os.environ.get(REPORT_ENV)
    if path:
        with open(path, "w") as f:
            f.write(table)
    assert totals["selected"] == len(CASES) == totals["PASS"] + totals["REFUSED"] + totals["FAIL"]
    assert all(cases_by_op()[op] for op in SUPPORTED_OPS), "a supported op has no node test case"
    stale = sorted(set(KNOWN_BUGS) - set(CASES))
    assert not stale, f"KNOWN_BUGS names cases that are not selected: {stale}"
    failed = sorted(name for name in CASES if outcome(name).status == "FAIL")
    assert failed == sorted(KNOWN_BUGS), (
        f"failing cases not in KNOWN_BUGS: {sorted(set(failed) - set(KNOWN_BUGS))}; "
        f"KNOWN_BUGS that no longer fail: {sorted(set(KNOWN_BUGS) - set(failed))}")


# -- the backend API -------------------------------------------------------------------------------


def conv_model(seed: int = 0) -> onnx.ModelProto:
    """x (1, 2, 6, 5) -> Conv(3x3, pads 1) -> Relu -> y; W and B initializers."""
    rng = np.random.default_rng(seed)
    w = rng.standard_normal((4, 2, 3, 3)).astype(np.float32)
    b = rng.standard_normal(4).astype(np.float32)
    graph = helper.make_graph(
        [helper.make_node("Conv", ["x", "W", "B"], ["h"], pads=[1, 1, 1, 1]),
         helper.make_node("Relu", ["h"], ["y"])],
        "conv_relu",
        [helper.make_tensor_value_info("x", onnx.TensorProto.FLOAT, [1, 2, 6, 5])],
        [helper.make_tensor_value_info("y", onnx.TensorProto.FLOAT, [1, 4, 6, 5])],
        [numpy_helper.from_array(w, "W"), numpy_helper.from_array(b, "B")])
    return helper.make_model(graph)


def conv_reference(model: onnx.ModelProto, x: np.ndarray) -> np.ndarray:
    from onnx.reference import ReferenceEvaluator
    return ReferenceEvaluator(model).run(None, {"x": x})[0]


def test_backend_prepare_and_run_list_dict_and_float64():
    model = conv_model()
    x = np.random.default_rng(1).standard_normal((1, 2, 6, 5)).astype(np.float32)
    expected = conv_reference(model, x)
    rep = CimcBackend.prepare(model, arch=cimc.Arch(xbar_rows=7, xbar_cols=5))
    assert isinstance(rep, CimcBackendRep)
    assert rep.input_names == ["x"] and rep.output_names == ["y"]
    for inputs in ([x], (x,), {"x": x}, [x.astype(np.float64)]):
        result = rep.run(inputs)
        assert len(result) == 1
        assert result[0] is result["y"] and result.y is result[0]
        assert relative_error(result[0], expected) <= TOLERANCE
    assert relative_error(CimcBackend.run_model(model, [x])[0], expected) <= TOLERANCE


def test_backend_refuses_with_one_line():
    model = conv_model()
    x = np.zeros((1, 2, 6, 5), np.float32)
    rep = CimcBackend.prepare(model)
    with pytest.raises(cimc.CimcError, match="got 2 input"):
        rep.run([x, x])
    with pytest.raises(cimc.CimcError, match="missing input"):
        rep.run({"other": x})
    with pytest.raises(cimc.CimcError, match="device 'CUDA'"):
        CimcBackend.prepare(model, device="CUDA")
    with pytest.raises(cimc.CimcError, match="unknown option"):
        CimcBackend.prepare(model, xbar_rows=7)
    assert CimcBackend.supports_device("CPU")
    assert not CimcBackend.supports_device("CUDA") and not CimcBackend.supports_device("TPU")
    unsupported = onnx.ModelProto()
    unsupported.CopyFrom(model)
    op = next(op for op in ("Erf", "Softsign", "Acos", "Asin") if op not in SUPPORTED_OPS)
    unsupported.graph.node[1].op_type = op
    with pytest.raises(cimc.CimcError) as info:
        CimcBackend.prepare(unsupported)
    assert "\n" not in str(info.value) and op in str(info.value)
    assert not CimcBackend.is_compatible(unsupported) and CimcBackend.is_compatible(model)


def test_backend_run_node():
    rng = np.random.default_rng(2)
    x = rng.standard_normal((1, 2, 5, 5)).astype(np.float32)
    w = rng.standard_normal((3, 2, 3, 3)).astype(np.float32)
    node = helper.make_node("Conv", ["x", "W"], ["y"], strides=[2, 2])
    (y,) = CimcBackend.run_node(node, [x, w], initializers=["W"])
    expected = conv_reference(helper.make_model(helper.make_graph(
        [node], "conv", [helper.make_tensor_value_info("x", onnx.TensorProto.FLOAT, x.shape)],
        [helper.make_tensor_value_info("y", onnx.TensorProto.FLOAT, None)],
        [numpy_helper.from_array(w, "W")])), x)
    assert relative_error(y, expected) <= TOLERANCE
    (y,) = CimcBackend.run_node(node, {"x": x, "W": w}, initializers=[1], arch=cimc.Arch(xbar_rows=5, xbar_cols=2))
    assert relative_error(y, expected) <= TOLERANCE
    with pytest.raises(cimc.CimcError, match="constant"):  # W is a graph input here
        CimcBackend.run_node(node, [x, w])
    (r,) = CimcBackend.run_node(helper.make_node("Relu", ["a"], ["b"]), [x.astype(np.float64)])
    assert np.array_equal(r, np.maximum(x, 0))


def test_collecting_again_gives_every_op_its_own_cases():
    """A filtered collect_testcases call earlier in the process does not change the selection."""
    import onnx.backend.test.case.node as node_pkg
    target = node_pkg._TargetOpType
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            node_pkg.collect_testcases("Conv")  # a no-op filter if the modules were imported already
        again = all_node_cases()
    finally:
        node_pkg._TargetOpType = target
    assert {c.name for c in again} == ALL_CASE_NAMES >= set(CASES)
    assert Counter(c.name for c in again).most_common(1)[0][1] == 1


if __name__ == "__main__":  # python test/test_onnx_backend.py: just the table
    sys.stdout.write(summary_table()[0])
