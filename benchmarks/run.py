"""Interpreter time / onnxruntime time per net, median of 3 runs each, in one process, on the
same seeded input (fp32, default arch), with the error against onnxruntime.

    python benchmarks/run.py [--nets resnet50,squeezenet] [--repeat 3]
"""

from __future__ import annotations

import argparse

import cimc
from cimc import zoo
from cimc.reference import onnxruntime_session, relative_error
from timing import median_seconds





def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--nets", default=",".join(zoo.NETWORKS))
    p.add_argument("--repeat", type=int, default=3)
    args = p.parse_args()
    print(f"{'net':<14} {'interp s':>9} {'ort s':>8} {'interp/ort':>10} {'rel err':>9}")
    for name in args.nets.split(","):
        model = zoo.network(name)
        program = cimc.compile(model)
        session = onnxruntime_session(model)
        inputs = zoo.zoo_input(model)
        outputs = program.run(inputs)  # warm-up: operand views and crossbar matrices prepared once
        reference = dict(zip([o.name for o in session.get_outputs()], session.run(None, inputs)))
        interp = median_seconds(lambda: program.run(inputs), args.repeat)
        ort = median_seconds(lambda: session.run(None, inputs), args.repeat)
        error = max(relative_error(outputs[k], reference[k]) for k in reference)
        print(f"{name:<14} {interp:>9.3f} {ort:>8.4f} {interp / ort:>10.1f} {error:>9.1e}")


if __name__ == "__main__":
    main()
