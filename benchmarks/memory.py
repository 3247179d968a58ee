"""Static memory planning figures per net: the naive sum of all buffers, the lower bound (the
largest sum of sizes live at one instruction), TFLite's greedy-by-size, cimc's plan, and the
seconds planning took; each with cimc's aliasing (views, in-place elementwise ops and LRN,
products and 1x1 convs on NCHW feature maps), without it, and with aliasing and the branch
order search (`order-branches`). The last column is the bound's reduction from the bound
without aliasing and without the order search. Besides the zoo nets, `two_branch_block` (cimc.models) is a block whose branch order
matters.

    python benchmarks/memory.py [--nets resnet50,densenet121] [--precision fp32|int]
"""

from __future__ import annotations

import argparse
import time
import warnings

import cimc
from cimc import models, zoo
from cimc.passes.plan_memory import greedy_by_size, live_peak, plan_offsets, plan_peak


def buffers_of(program: cimc.Program) -> list[tuple[int, int, int]]:
    b = program.image.buffers
    return [(int(size), int(first), int(last)) for size, first, last in zip(b["size"], b["first"], b["last"])]


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--nets", default=",".join([*zoo.NETWORKS, "two_branch_block"]))
    p.add_argument("--precision", default="fp32", choices=["fp32", "int"])
    args = p.parse_args()
    arch = cimc.Arch(precision=args.precision)
    mib = 2 ** 20
    print(f"{'net':<16} {'aliasing':>8} {'buffers':>7} {'naive MiB':>9} {'bound MiB':>9} {'gbs/bound':>9} "
          f"{'cimc/bound':>10} {'plan ms':>8} {'vs off':>7}")
    for name in args.nets.split(","):
        model = models.two_branch_block() if name == "two_branch_block" else zoo.network(name)
        calibration = [zoo.zoo_input(model)] if args.precision == "int" else None
        bounds = {}
        for label, aliasing, order in (("off", False, False), ("on", True, False), ("on+order", True, True)):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                program = cimc.compile(model, arch=arch, calibration=calibration, memory_aliasing=aliasing,
                                       branch_order=order)
            problem = buffers_of(program)
            bounds[label] = bound = live_peak(problem)
            if label == "on":  # the report's no-alias bound is the same program's, lowered without aliasing
                assert program.report().memory_lower_bound_no_alias_bytes == bounds["off"]
            start = time.perf_counter()
            offsets = plan_offsets(problem)
            seconds = time.perf_counter() - start
            assert plan_peak(problem, offsets) == program.image.memory_bytes  # the compiler's own plan
            print(f"{name:<16} {label:>8} {len(problem):>7} "
                  f"{sum(size for size, _, _ in problem) / mib:>9.2f} {bound / mib:>9.2f} "
                  f"{plan_peak(problem, greedy_by_size(problem)) / bound:>9.3f} "
                  f"{plan_peak(problem, offsets) / bound:>10.3f} {seconds * 1e3:>8.1f} "
                  f"{1 - bound / bounds['off']:>7.1%}")


if __name__ == "__main__":
    main()
