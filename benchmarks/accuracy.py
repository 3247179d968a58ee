"""Accuracy of precision "int" against onnxruntime fp32, and against onnxruntime's own static
int8 quantization, on seeded inputs; then a sweep of ADC resolution x conductance variation.

    python benchmarks/accuracy.py zoo   [--nets ...] [--inputs 32] [--calibration 4]
    python benchmarks/accuracy.py sweep [--nets resnet50,vgg19] [--inputs 4] [--calibration 4]

`zoo`: per net, cimc int (weight_bits = input_bits = 8, lossless ADC, no noise) against
onnxruntime fp32 (cosine of the outputs, mean and worst over the inputs; top-1 agreement), and
onnxruntime's quantize_static (QDQ, per-channel int8 weights, uint8 activations, MinMax, the same
calibration inputs) against fp32 and against cimc. `sweep`: cosine and top-1 agreement with
fp32 for adc_bits in {lossless, 8, 6, 4} x conductance_std in {0, 0.01, 0.03, 0.05} (noise
seed 0), the ADCs' ranges calibrated per column (--adc-range: full, array or column), and
interpreter time / onnxruntime time for int lossless and int with an ADC.
Calibration inputs use seeds 1000.., test inputs seeds 0..; all inputs are standard normal.
"""

from __future__ import annotations

import argparse
import logging
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import onnx
import onnx.version_converter

import cimc
from cimc import zoo
from cimc.reference import onnxruntime_session
from timing import median_seconds


def cosine(a: np.ndarray, b: np.ndarray) -> float:
    a, b = a.ravel().astype(np.float64), b.ravel().astype(np.float64)
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


def compare(outputs: list[np.ndarray], references: list[np.ndarray]) -> tuple[float, float, float]:
    """(mean cosine, worst cosine, top-1 agreement) over paired outputs."""
    cos = [cosine(a, b) for a, b in zip(outputs, references)]
    top1 = [int(np.argmax(a)) == int(np.argmax(b)) for a, b in zip(outputs, references)]
    return float(np.mean(cos)), float(np.min(cos)), float(np.mean(top1))


def ort_int8(model: onnx.ModelProto, calibration: list[dict[str, np.ndarray]]):
    """An onnxruntime session of quantize_static's int8 model of `model`."""
    from onnxruntime.quantization import CalibrationDataReader, QuantFormat, QuantType, quantize_static

    class Reader(CalibrationDataReader):
        def __init__(self):
            self.samples = iter(calibration)

        def get_next(self):
            return next(self.samples, None)

    opset = next(o.version for o in model.opset_import if o.domain in ("", "ai.onnx"))
    if opset < 13:  # per-channel DequantizeLinear (axis) needs opset 13
        model = onnx.version_converter.convert_version(model, 13)
    with tempfile.TemporaryDirectory() as tmp:
        source, target = Path(tmp) / "fp32.onnx", Path(tmp) / "int8.onnx"
        onnx.save(model, source)
        quantize_static(str(source), str(target), Reader(), quant_format=QuantFormat.QDQ, per_channel=True,
                        weight_type=QuantType.QInt8, activation_type=QuantType.QUInt8)
        return onnxruntime_session(onnx.load(target))


def first_output(session, inputs: dict[str, np.ndarray]) -> np.ndarray:
    return session.run(None, inputs)[0]


def zoo_section(args) -> None:
    print(f"{'net':<14} {'int/fp32 cos mean':>17} {'worst':>8} {'top1':>6} | {'ort-int8/fp32 cos':>17} {'top1':>6} | "
          f"{'int/ort-int8 cos':>16} {'top1':>6} | {'compile s':>9}")
    for name in args.nets.split(","):
        model = zoo.network(name)
        calibration = [zoo.zoo_input(model, seed=1000 + i) for i in range(args.calibration)]
        start = time.perf_counter()
        program = cimc.compile(model, arch=cimc.Arch(precision="int"), calibration=calibration)
        compile_s = time.perf_counter() - start
        fp32, int8 = onnxruntime_session(model), ort_int8(model, calibration)
        ours, ref, theirs = [], [], []
        for seed in range(args.inputs):
            x = zoo.zoo_input(model, seed=seed)
            ours.append(next(iter(program.run(x).values())))
            ref.append(first_output(fp32, x))
            theirs.append(first_output(int8, x))
        a, b, c = compare(ours, ref), compare(theirs, ref), compare(ours, theirs)
        print(f"{name:<14} {a[0]:>17.5f} {a[1]:>8.5f} {a[2]:>6.2f} | {b[0]:>17.5f} {b[2]:>6.2f} | {c[0]:>16.5f} "
              f"{c[2]:>6.2f} | {compile_s:>9.1f}", flush=True)


def sweep_section(args) -> None:
    for name in args.nets.split(","):
        model = zoo.network(name)
        calibration = [zoo.zoo_input(model, seed=1000 + i) for i in range(args.calibration)]
        inputs = [zoo.zoo_input(model, seed=seed) for seed in range(args.inputs)]
        session = onnxruntime_session(model)
        references = [first_output(session, x) for x in inputs]
        ort_s = median_seconds(lambda: session.run(None, inputs[0]), 3)
        print(f"\n{name}: cosine / top-1 agreement with onnxruntime fp32 over {args.inputs} inputs "
              f"(ADC range: {args.adc_range})")
        print(f"{'adc_bits':<10}" + "".join(f"{'std ' + str(s):>18}" for s in args.stds))
        for adc_bits in (None, 8, 6, 4):
            arch = cimc.Arch(precision="int", adc_bits=adc_bits, adc_range=args.adc_range)
            program = cimc.compile(model, arch=arch, calibration=calibration)
            cells = []
            for std in args.stds:
                noise = cimc.Noise(conductance_std=std, seed=0)
                outputs = [next(iter(program.run(x, noise=noise).values())) for x in inputs]
                mean_cos, _, top1 = compare(outputs, references)
                cells.append(f"{mean_cos:>11.5f} / {top1:4.2f}")
            label = "lossless" if adc_bits is None else str(adc_bits)
            interp_s = median_seconds(lambda: program.run(inputs[0]), 3)
            print(f"{label:<10}" + "".join(f"{c:>18}" for c in cells) +
                  f"   interp/ort {interp_s / ort_s:.0f}x ({interp_s:.2f} s)", flush=True)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("section", choices=["zoo", "sweep"])
    p.add_argument("--nets", default=None)
    p.add_argument("--inputs", type=int, default=None, help="test inputs per net (zoo 32, sweep 4)")
    p.add_argument("--calibration", type=int, default=4)
    p.add_argument("--stds", default="0,0.01,0.03,0.05")
    p.add_argument("--adc-range", default="column", choices=["full", "array", "column"])
    args = p.parse_args()
    args.stds = [float(s) for s in args.stds.split(",")]
    warnings.simplefilter("ignore")  # onnxruntime.quantization's advice to pre-process the model
    logging.disable(logging.WARNING)
    if args.section == "zoo":
        args.nets = args.nets or ",".join(zoo.NETWORKS)
        args.inputs = args.inputs or 32
        zoo_section(args)
    else:
        args.nets = args.nets or "resnet50,vgg19"
        args.inputs = args.inputs or 4
        sweep_section(args)


if __name__ == "__main__":
    main()
