"""The staged driver: ONNX -> graph -> xbar -> cim (`lower`), then the binary (`compile`)."""

from __future__ import annotations

import time
from collections.abc import Mapping
from pathlib import Path
from typing import NamedTuple

import numpy as np
import onnx
from xdsl.dialects.builtin import Builtin, IntegerAttr, ModuleOp, StringAttr, i64
from xdsl.dialects.func import Func
from xdsl.passes import ModulePass, PassPipeline
from xdsl.utils.exceptions import DiagnosticException

from cimc.arch import Arch
from cimc.binary import BinaryImage, encode
from cimc.context import CimcContext
from cimc.dialects import cim, get_all_dialects, graph
from cimc.errors import CimcError
from cimc.files import write_atomically
from cimc.frontend import import_onnx
from cimc.interpreter import Executable
from cimc.numerics import Noise
from cimc.reference import random_inputs
from cimc.passes import get_all_passes
from cimc.passes.lower_to_isa import unaliased_lower_bound
from cimc.passes.plan_memory import module_lower_bound
from cimc.report import Report, make_report
from cimc.weights import WeightStore

GRAPH_PIPELINE = ["shape-infer", "canonicalize", "fold-batchnorm", "canonicalize", "fuse"]
STAGES = {
    "graph": GRAPH_PIPELINE,
    "xbar": [*GRAPH_PIPELINE, "tile-crossbars", "replicate"],
    "cim": [*GRAPH_PIPELINE, "tile-crossbars", "replicate", "lower-to-isa", "map-cores", "plan-memory", "schedule"],
}
"""The passes up to each level; precision "int" adds `quantize` after the graph passes,
`branch_order` adds `order-branches` before it, and `replicate` and `schedule` take the mapping
choices as options."""


def pipeline(arch: Arch, to: str, replication: str = "none", budget: int | None = None,
             schedule: str = "layer", memory_aliasing: bool = True, branch_order: bool = False) -> list[str]:
    options = {"replicate": f"replicate{{strategy={replication}" + ("" if budget is None else f" budget={budget}") + "}",
               "schedule": f"schedule{{mode={schedule}}}",
               "lower-to-isa": "lower-to-isa" if memory_aliasing else "lower-to-isa{aliasing=false}"}
    passes = [options.get(name, name) for name in STAGES[to]]
    extra = (["order-branches"] if branch_order else []) + (["quantize"] if arch.precision == "int" else [])
    return [*GRAPH_PIPELINE, *extra, *passes[len(GRAPH_PIPELINE):]]


def check_mapping(replication: str, budget: int | None, schedule: str) -> None:
    """The mapping choices of `lower` and `compile`, checked before any work."""
    from cimc.passes.replicate import STRATEGIES
    if replication not in STRATEGIES:
        raise CimcError(f"unknown replication '{replication}': choose one of {', '.join(STRATEGIES)}")
    if budget is not None and (isinstance(budget, (bool, np.bool_)) or not isinstance(budget, (int, np.integer))
                               or budget < 1):
        raise CimcError(f"budget must be a whole number of crossbars >= 1 or None, not {budget!r}")
    if schedule not in cim.SCHEDULES:
        raise CimcError(f"unknown schedule '{schedule}': choose one of {', '.join(cim.SCHEDULES)}")


class Lowered(NamedTuple):
    """A module at one level and the weight store its ops name."""

    module: ModuleOp
    weights: WeightStore


def context(weights: WeightStore | None = None,
            calibration: list[dict[str, np.ndarray]] | None = None) -> CimcContext:
    """A Context with builtin, func and the cimc dialects loaded, carrying `weights` (and the
    calibration inputs `quantize` reads)."""
    ctx = CimcContext(weights=weights if weights is not None else WeightStore(), calibration=calibration)
    ctx.load_dialect(Builtin)
    ctx.load_dialect(Func)
    for dialect in get_all_dialects().values():
        ctx.load_dialect(dialect())
    return ctx


def lower(model: str | Path | onnx.ModelProto, arch: Arch | str | Path | None = None, to: str = "cim", *,
          calibration: list[dict[str, np.ndarray]] | None = None, replication: str = "none",
          budget: int | None = None, schedule: str = "layer", memory_aliasing: bool = True,
          branch_order: bool = False, record_no_alias_bound: bool = True,
          pass_seconds: dict[str, float] | None = None) -> Lowered:
    """Import an ONNX model and run the pipeline up to level `to` ("graph", "xbar" or "cim").

    `arch` is an Arch, a path to an arch file, or None for the default Arch. With precision
    "int", `calibration` (model inputs keyed by ONNX name) gives the activation ranges; without
    it one seeded standard-normal input does, with a warning. `replication` ("none",
    "uniform", "balance" or "optimal") and `budget` (crossbars; default the chip's) choose the
    weight copies, `schedule` ("layer", "element" or "batch") how the cost model overlaps the
    layers. `memory_aliasing=False` gives every tensor a buffer of its own (views become
    copies, no elementwise op writes over its input, products and windows are matrices of
    their own). `branch_order=True` runs the branches that meet at a concat or add in the
    order that lowers the estimated memory peak (`order-branches`). `record_no_alias_bound`
    (on by default) records, for the report, the memory lower bound the program would have
    without aliasing, at the cost of a second lowering (about a fifth of the compile time).
    `pass_seconds`, if given, receives the seconds each pass (by name, summed over its runs)
    took.
    """
    if to not in STAGES:
        raise CimcError(f"unknown level '{to}': choose one of {', '.join(STAGES)}")
    check_mapping(replication, budget, schedule)
    budget = None if budget is None else int(budget)
    if isinstance(arch, (str, Path)):
        arch = Arch.load(arch)
    elif arch is None:
        arch = Arch()
    elif not isinstance(arch, Arch):
        raise CimcError(f"arch must be a cimc.Arch or a path to an arch file, not {type(arch).__name__}")
    module, weights = import_onnx(model)
    arch.attach(module)
    passes = get_all_passes()
    clock = [time.perf_counter()]

    def time_pass(previous: ModulePass | None, _module: ModuleOp, _next: ModulePass | None) -> None:
        now = time.perf_counter()
        if previous is not None and pass_seconds is not None:
            pass_seconds[previous.name] = pass_seconds.get(previous.name, 0.0) + now - clock[0]
        clock[0] = now

    if calibration is not None and not isinstance(calibration, (list, tuple)):
        raise CimcError("calibration is a list of {input name: array} dicts")
    for option, value in (("memory_aliasing", memory_aliasing), ("branch_order", branch_order),
                          ("record_no_alias_bound", record_no_alias_bound)):
        if not isinstance(value, bool):
            raise CimcError(f"{option} must be True or False, not {value!r}")
    ctx = context(weights, None if calibration is None else list(calibration))
    steps = pipeline(arch, to, replication, budget, schedule, memory_aliasing, branch_order)
    lowering = next((i for i, step in enumerate(steps) if step.startswith("lower-to-isa")), len(steps))
    PassPipeline.parse_spec(passes, ",".join(steps[:lowering]), time_pass).apply(ctx, module)
    if lowering < len(steps):
        no_alias_bound = None
        if memory_aliasing and record_no_alias_bound:  # for the report: the xbar module lowered without aliasing
            start = time.perf_counter()
            no_alias_bound = unaliased_lower_bound(module)
            if pass_seconds is not None:
                pass_seconds["no-alias bound"] = time.perf_counter() - start
            clock[0] = time.perf_counter()
        PassPipeline.parse_spec(passes, ",".join(steps[lowering:]), time_pass).apply(ctx, module)
        if record_no_alias_bound:
            bound = module_lower_bound(module) if no_alias_bound is None else no_alias_bound
            module.attributes[cim.NO_ALIAS_BOUND_ATTR] = IntegerAttr(bound, i64)
    try:
        module.verify()
    except DiagnosticException as e:  # a pass left IR its verifier rejects: say which, in one line
        raise CimcError(f"the {to}-level module does not verify: {str(e).splitlines()[0]}") from None
    weights.keep_only(weight_handles(module))
    return Lowered(module, weights)


def weight_handles(module: ModuleOp) -> set[str]:
    """The weight-store handles a module's ops name."""
    handles = set()
    for op in module.walk():
        if isinstance(op, graph.WeightOp):
            handles.add(op.handle.data)
        elif isinstance(op, cim.CrossbarOp) or (isinstance(op, cim.AllocOp) and op.weight is not None):
            handles.add(op.weight.data)
            if isinstance(op, cim.CrossbarOp) and op.adc_range is not None:
                handles.add(op.adc_range.data)
    return handles


class Program:
    """A compiled model: its binary image, ready to run, save and report on."""

    def __init__(self, image: BinaryImage, raw: bytes | None = None):
        self.image = image
        self._raw = raw
        self._executable: Executable | None = None
        self._settings: tuple[Noise | None, bool] = (None, False)

    @property
    def raw(self) -> bytes:
        """The .cimb bytes, made on first use."""
        if self._raw is None:
            self._raw = self.image.to_bytes()
        return self._raw

    @property
    def arch(self) -> Arch:
        return self.image.arch

    @property
    def inputs(self) -> dict[str, tuple[int, ...]]:
        """The model's inputs: ONNX name -> shape."""
        return {name: shape for name, (_, shape) in self.image.io_bindings(outputs=False).items()}

    @property
    def outputs(self) -> dict[str, tuple[int, ...]]:
        """The model's outputs: ONNX name -> shape."""
        return {name: shape for name, (_, shape) in self.image.io_bindings(outputs=True).items()}

    def run(self, inputs: Mapping[str, np.ndarray], noise: Noise | None = None,
            poison: bool = False) -> dict[str, np.ndarray]:
        """Outputs keyed by ONNX output name for inputs keyed by ONNX input name; `noise`
        perturbs the int crossbars' cells (deterministic for its seed); `poison` fills every
        buffer with NaN outside its live range (a debug mode for the memory plan)."""
        if noise is not None and not isinstance(noise, Noise):
            raise CimcError(f"noise must be a cimc.Noise, not {type(noise).__name__}")
        if self._executable is None or self._settings != (noise, poison):
            self._executable, self._settings = Executable(self.image, noise, poison=poison), (noise, poison)
        return self._executable.run(inputs)

    def report(self) -> Report:
        return make_report(self.image, len(self.raw))

    def to_bytes(self) -> bytes:
        return self.raw

    def save(self, path: str | Path) -> None:
        write_atomically(path, self.raw)

    @classmethod
    def load(cls, path: str | Path) -> Program:
        try:
            raw = Path(path).read_bytes()
        except OSError as e:
            raise CimcError(f"cannot read '{path}': {e.strerror}") from None
        return cls(BinaryImage.from_bytes(raw, str(path)), raw)


def compile(model: str | Path | onnx.ModelProto, arch: Arch | str | Path | None = None, *,
            calibration: list[dict[str, np.ndarray]] | None = None, replication: str = "none",
            budget: int | None = None, schedule: str = "layer", memory_aliasing: bool = True,
            branch_order: bool = False, record_no_alias_bound: bool = True,
            pass_seconds: dict[str, float] | None = None) -> Program:
    """Compile an ONNX model (a path or a ModelProto) for `arch` into a runnable Program
    (`calibration`, `replication`, `budget`, `schedule`, `memory_aliasing`, `branch_order`,
    `record_no_alias_bound`: see `lower`)."""
    module, weights = lower(model, arch, to="cim", calibration=calibration, replication=replication, budget=budget,
                            schedule=schedule, memory_aliasing=memory_aliasing, branch_order=branch_order,
                            record_no_alias_bound=record_no_alias_bound, pass_seconds=pass_seconds)
    image = encode(module, weights, verify=False)  # lower verified it
    arch = image.arch
    if arch.precision == "int" and arch.adc_bits is not None and arch.adc_range != "full":
        calibrate_adc_ranges(module, weights, image, calibration)
        image = encode(module, weights, verify=False)
    return Program(image)


def calibrate_adc_ranges(module: ModuleOp, weights: WeightStore, image: BinaryImage,
                         calibration: list[dict[str, np.ndarray]] | None) -> None:
    """Give every int crossbar calibrated ADC ranges: the largest column sum the calibration
    inputs produce (with lossless ADCs), per physical column ("column") or per crossbar
    ("array"). Without calibration inputs, the seeded input `quantize` used."""
    names = Program(image).inputs
    samples = calibration or [random_inputs(names, seed=0)]
    peaks: dict[int, np.ndarray] = {}
    executable = Executable(image, adc_peaks=peaks)
    for sample in samples:
        executable.run({name: sample[name] for name in names})
    per_array = image.arch.adc_range == "array"
    decls = cim.crossbars(module)
    # replicas share their calibration, so replication never changes what the ADCs do
    shared: dict[tuple, np.ndarray] = {}
    for ident, decl in decls.items():
        key = (decl.weight.data, tuple(decl.rows.get_values()), tuple(decl.cols.get_values()), decl.group_count)
        peak = peaks.get(ident, np.zeros(decl.physical_cols))
        shared[key] = np.maximum(shared[key], peak) if key in shared else peak
    for ident, decl in decls.items():
        peak = shared[(decl.weight.data, tuple(decl.rows.get_values()), tuple(decl.cols.get_values()), decl.group_count)]
        ranges = np.full_like(peak, peak.max()) if per_array else peak
        decl.adc_range = StringAttr(weights.add(f"{decl.weight.data}.xbar{ident}.adc_range", ranges))

