"""LeNet-5 (1x1x28x28) figures: instruction count, binary size, compile time, and interpreter
time / onnxruntime time on the same model and input (median of repeated runs, one process).

    python benchmarks/lenet.py [--repeat N]
"""

from __future__ import annotations

import argparse
import time

import cimc
from cimc import models
from cimc.reference import onnxruntime_outputs, onnxruntime_session, random_inputs, relative_error
from timing import median_seconds




def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--repeat", type=int, default=20)
    args = p.parse_args()
    model = models.lenet5()
    print(f"{'crossbar':>9} {'instrs':>7} {'mvm':>5} {'xbars':>6} {'binary B':>9} {'compile s':>10} "
          f"{'interp s':>9} {'ort s':>9} {'interp/ort':>11} {'rel err':>9}")
    session = onnxruntime_session(model)
    for rows, cols in ((128, 128), (64, 64), (100, 72)):
        start = time.perf_counter()
        program = cimc.compile(model, arch=cimc.Arch(xbar_rows=rows, xbar_cols=cols))
        compile_s = time.perf_counter() - start
        inputs = random_inputs(program.inputs)
        program.run(inputs)  # warm up: crossbar matrices and const data are resolved once
        interp = median_seconds(lambda: program.run(inputs), args.repeat)
        ort = median_seconds(lambda: session.run(None, inputs), args.repeat)
        error = relative_error(program.run(inputs)["fc3"], onnxruntime_outputs(model, inputs)["fc3"])
        report = program.report()
        print(f"{rows:>4}x{cols:<4} {report.instructions:>7} {report.mvm_instructions:>5} {report.crossbars:>6} "
              f"{report.binary_bytes:>9} {compile_s:>10.3f} {interp:>9.5f} {ort:>9.6f} {interp / ort:>11.1f} "
              f"{error:>9.2e}")


if __name__ == "__main__":
    main()
