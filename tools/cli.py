"""cimc: compile an ONNX model to a .cimb binary, run it, verify it, report on it."""

from __future__ import annotations

import argparse
import io
import re
import sys
from pathlib import Path

import numpy as np

from cimc.arch import Arch
from cimc.driver import Program, compile
from cimc.errors import CimcError
from cimc.files import write_atomically
from cimc.frontend import load_model
from cimc.numerics import Noise
from cimc.plot import plot_memory_plan
from cimc.reference import fake_quant_outputs, onnxruntime_outputs, random_inputs, relative_error


def _arch(path: str | None) -> Arch:
    return Arch.load(path) if path else Arch()


def _calibration(paths: list[str]) -> list[dict[str, np.ndarray]] | None:
    """Calibration samples for precision int: one .npz of input name -> array per sample."""
    samples = []
    for path in paths:
        try:
            with np.load(path, allow_pickle=False) as data:
                samples.append({name: data[name] for name in data.files})
        except FileNotFoundError:
            raise CimcError(f"calibration file '{path}' not found") from None
        except (OSError, ValueError, AttributeError) as e:
            raise CimcError(f"calibration file '{path}' is not an .npz of named arrays: {e}") from None
    return samples or None


def _mapping(args: argparse.Namespace) -> dict:
    return {"replication": args.replication, "budget": args.budget, "schedule": args.schedule,
            "memory_aliasing": not args.no_memory_aliasing, "branch_order": args.branch_order}


def cmd_compile(args: argparse.Namespace) -> None:
    program = compile(args.model, arch=_arch(args.arch), calibration=_calibration(args.calibration), **_mapping(args))
    program.save(args.output)
    report = program.report()
    print(f"wrote {args.output}: {report.instructions} instructions, {report.crossbars} crossbars, "
          f"{report.binary_bytes} bytes")


def _read_inputs(specs: list[str]) -> dict[str, np.ndarray]:
    inputs = {}
    for spec in specs:
        name, sep, path = spec.partition("=")
        if not sep or not name or not path:
            raise CimcError(f"--input '{spec}' must be NAME=FILE.npy")
        try:
            inputs[name] = np.load(path, allow_pickle=False)
        except FileNotFoundError:
            raise CimcError(f"input file '{path}' not found") from None
        except (OSError, ValueError) as e:
            raise CimcError(f"input file '{path}' is not a valid .npy: {e}") from None
    return inputs


def cmd_run(args: argparse.Namespace) -> None:
    program = Program.load(args.binary)
    noise = None
    if args.noise_std or args.stuck_at_0 or args.stuck_at_1:
        noise = Noise(conductance_std=args.noise_std, stuck_at_0=args.stuck_at_0, stuck_at_1=args.stuck_at_1,
                      seed=args.noise_seed)
    outputs = program.run(_read_inputs(args.input), noise=noise)
    if args.output_dir:
        out = Path(args.output_dir)
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise CimcError(f"cannot create output directory '{out}': {e.strerror}") from None
        files = {name: out / f"{re.sub(r'[^A-Za-z0-9_.-]', '_', name)}.npy" for name in outputs}
        if len(set(files.values())) != len(files):
            raise CimcError("two outputs map to one file name: " + ", ".join(sorted(outputs)))
        for name, value in outputs.items():
            data = io.BytesIO()
            np.save(data, value)
            write_atomically(files[name], data.getvalue())
            print(f"wrote {files[name]}: {list(value.shape)}")
    else:
        for name, value in outputs.items():
            print(f"{name} {list(value.shape)}:\n{np.array2string(value, threshold=64, precision=5)}")


def cmd_report(args: argparse.Namespace) -> None:
    program = Program.load(args.binary)
    if args.memory_plot:
        plot_memory_plan(program.image, args.memory_plot, f"{Path(args.binary).name}: memory plan")
    report = program.report()
    print(report.to_json() if args.json else report)


def cmd_verify(args: argparse.Namespace) -> None:
    """Compile, run on seeded random inputs and compare with onnxruntime (fp32), or with the
    fake-quant reference, bit for bit, and onnxruntime by cosine (int with a lossless ADC)."""
    model = load_model(args.model)
    arch = _arch(args.arch)
    if arch.precision == "int" and arch.adc_bits is not None:
        raise CimcError("verify compares int programs with a lossless ADC (adc_bits none) with the fake-quant "
                        "reference; a lossy ADC has no exact reference")
    calibration = _calibration(args.calibration)
    program = compile(model, arch=arch, calibration=calibration, **_mapping(args))
    inputs = random_inputs(program.inputs, args.seed)
    reference = onnxruntime_outputs(model, inputs)
    if arch.precision == "int":
        expected = fake_quant_outputs(model, arch, inputs, calibration)
        for name, value in program.run(inputs).items():
            if not np.array_equal(value, expected[name]):
                raise CimcError(f"output '{name}' differs from the fake-quant reference")
            a, b = value.ravel(), reference[name].ravel().astype(np.float64)
            print(f"{name}: bit-exact with the fake-quant reference; cosine with onnxruntime fp32 "
                  f"{a @ b / (np.linalg.norm(a) * np.linalg.norm(b)):.5f}")
        print("ok")
        return
    worst = 0.0
    for name, value in program.run(inputs).items():
        error = relative_error(value, reference[name])
        worst = max(worst, error)
        print(f"{name}: max |cimc - onnxruntime| / max |onnxruntime| = {error:.3g}")
    if worst > args.tolerance:
        raise CimcError(f"outputs differ from onnxruntime by {worst:.3g} > tolerance {args.tolerance}")
    print("ok")


def _mapping_options(command: argparse.ArgumentParser) -> None:
    from cimc.dialects.cim import SCHEDULES
    from cimc.passes.replicate import STRATEGIES
    command.add_argument("--replication", choices=STRATEGIES, default="none",
                         help="copies of each layer's weights (default none)")
    command.add_argument("--budget", type=int, metavar="N",
                         help="crossbars replication may use; default: the chip's (cores x xbars_per_core)")
    command.add_argument("--schedule", choices=SCHEDULES, default="layer",
                         help="how layers overlap in the cost model (default layer)")
    command.add_argument("--no-memory-aliasing", action="store_true",
                         help="give every tensor a buffer of its own (no views, nothing written in place)")
    command.add_argument("--branch-order", action="store_true",
                         help="run the branches meeting at a concat or add in the order that lowers the estimated "
                              "memory peak")


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="cimc", description="Compile ONNX models for crossbar CIM accelerators.")
    sub = p.add_subparsers(dest="command", required=True)
    c = sub.add_parser("compile", help="compile an ONNX model to a .cimb binary")
    c.add_argument("model")
    c.add_argument("-o", "--output", required=True)
    c.add_argument("--arch", help="arch file (.toml or .json); default: the ISAAC-like default Arch")
    c.add_argument("--calibration", action="append", default=[], metavar="FILE.npz",
                   help="precision int: a calibration sample (input name -> array); repeat for more")
    _mapping_options(c)
    c.set_defaults(run=cmd_compile)
    r = sub.add_parser("run", help="run a .cimb binary in the interpreter")
    r.add_argument("binary")
    r.add_argument("--input", action="append", default=[], metavar="NAME=FILE.npy")
    r.add_argument("-o", "--output-dir", help="write each output as NAME.npy here; default: print them")
    r.add_argument("--noise-std", type=float, default=0.0, help="int crossbars: conductance variation sigma")
    r.add_argument("--stuck-at-0", type=float, default=0.0, help="int crossbars: probability of a cell stuck at 0")
    r.add_argument("--stuck-at-1", type=float, default=0.0, help="int crossbars: probability of a cell stuck high")
    r.add_argument("--noise-seed", type=int, default=0)
    r.set_defaults(run=cmd_run)
    v = sub.add_parser("verify", help="compile and compare with onnxruntime on random inputs")
    v.add_argument("model")
    v.add_argument("--arch")
    v.add_argument("--calibration", action="append", default=[], metavar="FILE.npz")
    _mapping_options(v)
    v.add_argument("--seed", type=int, default=0)
    v.add_argument("--tolerance", type=float, default=1e-4,
                   help="fp32: max error relative to max |reference| (int programs must match bit for bit)")
    v.set_defaults(run=cmd_verify)
    s = sub.add_parser("report", help="print what a .cimb costs")
    s.add_argument("binary")
    s.add_argument("--json", action="store_true", help="machine-readable output (Report.to_dict() as JSON)")
    s.add_argument("--memory-plot", metavar="FILE.png",
                   help="draw the memory plan (instructions across, addresses up; needs matplotlib, cimc[plot])")
    s.set_defaults(run=cmd_report)
    return p


def main(argv: list[str] | None = None) -> None:
    args = parser().parse_args(argv)
    try:
        args.run(args)
    except CimcError as e:
        print(f"cimc: error: {e}", file=sys.stderr)
        sys.exit(1)
