"""Compile figures for the light zoo nets and MobileNetV2 (fp32, default arch unless --arch):
graph ops after import and after canonicalize + fold-batchnorm + fuse, crossbar tiles, instructions,
MVM instructions, binary bytes, compile seconds and the slowest pass; then the linearity check
ResNet-50 vs SqueezeNet: compile-time ratio / weight-count ratio.

    python benchmarks/compile.py [--arch FILE] [--nets resnet50,squeezenet]
"""

from __future__ import annotations

import argparse
import time

import cimc
from cimc import zoo
from cimc.dialects import graph
from cimc.frontend import import_onnx



def graph_ops(module) -> int:
    """Compute ops of the graph level (weights and the return not counted)."""
    return sum(1 for op in module.walk() if isinstance(op, graph.GraphOp))


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--arch", help="arch file; default: cimc.Arch()")
    p.add_argument("--nets", default=",".join(zoo.NETWORKS))
    args = p.parse_args()
    arch = cimc.Arch.load(args.arch) if args.arch else cimc.Arch()
    print(f"{'net':<14} {'ops in':>6} {'ops out':>7} {'tiles':>6} {'instrs':>7} {'mvm':>6} {'binary MB':>10} "
          f"{'weights M':>9} {'compile s':>9}  slowest pass")
    seconds, weights = {}, {}
    for name in args.nets.split(","):
        model = zoo.network(name)
        imported, store = import_onnx(model)
        weights[name] = sum(array.size for _, array in store.items())
        after, _ = cimc.lower(model, arch=arch, to="graph")
        passes: dict[str, float] = {}
        start = time.perf_counter()
        program = cimc.compile(model, arch=arch, pass_seconds=passes)
        seconds[name] = time.perf_counter() - start
        report = program.report()
        slowest = max(passes, key=passes.get)
        print(f"{name:<14} {graph_ops(imported):>6} {graph_ops(after):>7} {report.crossbars:>6} "
              f"{report.instructions:>7} {report.mvm_instructions:>6} {report.binary_bytes / 1e6:>10.1f} "
              f"{weights[name] / 1e6:>9.2f} {seconds[name]:>9.2f}  {slowest} {passes[slowest]:.2f}s")
    if {"resnet50", "squeezenet"} <= seconds.keys():
        time_ratio = seconds["resnet50"] / seconds["squeezenet"]
        weight_ratio = weights["resnet50"] / weights["squeezenet"]
        print(f"\nResNet-50 / SqueezeNet: compile time x{time_ratio:.1f}, weights x{weight_ratio:.1f}, "
              f"time ratio / weight ratio = {time_ratio / weight_ratio:.2f} (linear: <= 3)")


if __name__ == "__main__":
    main()
