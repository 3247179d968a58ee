"""Replication and pipelining figures: for each net and each crossbar budget (1x, 2x, 4x one copy
of the weights), the cycle time T (crossbar activations per image at the slowest layer) of every
replicate strategy, T_opt from an independent linear scan, and PIMCOMP-NN's default (balance
stopped at half the budget); then the cost model on the `optimal` program in batch mode:
latency, throughput, energy, and batch throughput / (1 / (T_opt * crossbar cycle)).

    python benchmarks/mapping.py [--nets resnet50,vgg19,inception_v1] [--scales 1,2,4] [--arch FILE]
"""

from __future__ import annotations

import argparse
import time

import cimc
from cimc import zoo
from cimc.passes.replicate import crossbars_used, cycle_time, layer_demands, replication_factors

STRATEGIES = ("none", "uniform", "balance", "optimal")


def t_opt_by_scan(layers, budget: int) -> int:
    """The smallest T whose fewest copies fit, trying T = 1, 2, ... (the reference for `optimal`)."""
    t = 1
    while sum(layer.crossbars * -(-layer.activations // t) for layer in layers) > budget:
        t += 1
    return t


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--nets", default="resnet50,vgg19,inception_v1")
    p.add_argument("--scales", default="1,2,4")
    p.add_argument("--arch", help="arch file; default: cimc.Arch()")
    args = p.parse_args()
    arch = cimc.Arch.load(args.arch) if args.arch else cimc.Arch()
    step = arch.input_cycles * arch.xbar_read_cycles  # cycles of one crossbar activation
    print(f"{'net':<13} {'budget':>7} {'T none':>7} {'T unif':>7} {'T bal':>6} {'T bal/2':>8} {'T opt':>6} "
          f"{'T_opt':>6} {'opt/T_opt':>9} {'opt/bal2 thr':>12} {'xbars':>6} {'lat us':>9} {'thr /s':>8} "
          f"{'uJ/img':>8} {'TOPS/W':>7} {'batch/ideal':>11} {'bal2 thr':>8} {'compile s':>9}")
    for name in args.nets.split(","):
        model = zoo.network(name)
        module, _ = cimc.lower(model, arch=arch, to="xbar")
        layers, _ = layer_demands(module, arch)
        need = crossbars_used(layers, [1] * len(layers))
        for scale in (int(s) for s in args.scales.split(",")):
            budget = scale * need
            t = {s: cycle_time(layers, replication_factors(layers, budget, s)) for s in STRATEGIES}
            half = max(budget // 2, need)  # PIMCOMP-NN's default stops at half the budget
            t_half = cycle_time(layers, replication_factors(layers, half, "balance"))
            t_opt = t_opt_by_scan(layers, budget)
            start = time.perf_counter()
            program = cimc.compile(model, arch=arch, replication="optimal", budget=budget, schedule="batch")
            seconds = time.perf_counter() - start
            report = program.report()
            half_report = cimc.compile(model, arch=arch, replication="balance", budget=half, schedule="batch").report()
            ideal = arch.clock_ghz * 1e9 / (t_opt * step)
            assert report.cycle_time == t["optimal"] and report.crossbars <= budget
            print(f"{name:<13} {budget:>7} {t['none']:>7} {t['uniform']:>7} {t['balance']:>6} {t_half:>8} "
                  f"{t['optimal']:>6} {t_opt:>6} {t_opt / t['optimal']:>9.3f} {t_half / t['optimal']:>12.2f} "
                  f"{report.crossbars:>6} {report.latency_us:>9.1f} {report.throughput_per_s:>8.1f} "
                  f"{report.energy_pj / 1e6:>8.1f} {report.tops_per_w:>7.3f} {report.throughput_per_s / ideal:>11.3f} "
                  f"{half_report.throughput_per_s:>8.1f} {seconds:>9.2f}")


if __name__ == "__main__":
    main()
