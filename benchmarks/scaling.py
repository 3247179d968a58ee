"""Compile time against model size: a chain of N conv + relu layers for growing N, seconds per
pass, and each pass's time ratio between the largest and the smallest N against the ratio of
N (1.0 = linear, 2.0 per doubling of N would show a quadratic pass).

    python benchmarks/scaling.py [--sizes 50,100,200,400]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

import cimc


def conv_chain(layers: int, channels: int = 8, size: int = 8) -> onnx.ModelProto:
    rng = np.random.default_rng(0)
    nodes, inits, x = [], [], "input"
    for i in range(layers):
        w = numpy_helper.from_array((rng.standard_normal((channels, channels, 3, 3)) * 0.15).astype(np.float32), f"w{i}")
        inits.append(w)
        nodes += [helper.make_node("Conv", [x, f"w{i}"], [f"c{i}"], pads=[1, 1, 1, 1], name=f"conv{i}"),
                  helper.make_node("Relu", [f"c{i}"], [f"r{i}"], name=f"relu{i}")]
        x = f"r{i}"
    graph = helper.make_graph(nodes, "chain", [helper.make_tensor_value_info("input", TensorProto.FLOAT,
                                                                             [1, channels, size, size])],
                              [helper.make_tensor_value_info(x, TensorProto.FLOAT, None)], inits)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=8)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--sizes", default="50,100,200,400")
    args = p.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    table: dict[int, dict[str, float]] = {}
    for n in sizes:
        passes: dict[str, float] = {}
        start = time.perf_counter()
        cimc.compile(conv_chain(n), pass_seconds=passes)
        passes["total"] = time.perf_counter() - start
        table[n] = passes
    names = list(table[sizes[0]])
    print(f"{'layers':>7} " + " ".join(f"{name:>15}" for name in names))
    for n in sizes:
        print(f"{n:>7} " + " ".join(f"{table[n][name]:>15.3f}" for name in names))
    growth = sizes[-1] / sizes[0]
    print(f"{'ratio':>7} " + " ".join(f"{table[sizes[-1]][name] / max(table[sizes[0]][name], 1e-9) / growth:>15.2f}"
                                       for name in names) + f"   (time ratio / {growth:.0f}x layers)")


if __name__ == "__main__":
    main()
