"""replicate: how many copies of each layer's weights to put on crossbars (the xbar level).

Layer l needs X_l crossbars for one copy of its weights and P_l crossbar activations (input
rows, i.e. pixels) per inference. With R_l copies, each computing 1/R_l of the rows, it
takes ceil(P_l / R_l) activations, and a layer pipeline's cycle time is
T = max_l ceil(P_l / R_l) activations. The strategies, all within `budget` crossbars:

- `none`: one copy of everything.
- `uniform`: the same factor U for every layer, the largest that fits; a layer takes the
  fewest copies as fast as U of them (R_l = ceil(P_l / ceil(P_l / U)), at most P_l).
- `balance`: PIMCOMP-NN's bottleneck-first greedy run to the full budget: the layer with the
  largest ceil(P_l / R_l) gets the copies that make it one activation faster, while they
  fit. (PIMCOMP-NN adds one copy at a time, which can spend crossbars on copies that speed
  nothing up.)
- `optimal`: the smallest T with sum_l X_l * ceil(P_l / T) <= budget (that sum falls as T
  grows, so a binary search over T finds it), with R_l = ceil(P_l / T): the fewest copies
  that reach it.

The pass sets `replicas` on every tile of a layer with more than one copy; lower-to-isa
declares that many crossbars per tile and splits the tile's MVM over them.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import IntegerAttr, ModuleOp, StringAttr, i64
from xdsl.ir import SSAValue
from xdsl.passes import ModulePass

from cimc.arch import Arch
from cimc.dialects import graph, xbar
from cimc.dialects.cim import BUDGET_ATTR
from cimc.dialects.shapes import shape_of
from cimc.errors import CimcError
from cimc.passes.lower_to_isa import crossbars_per_copy

STRATEGIES = ("none", "uniform", "balance", "optimal")


@dataclass(frozen=True)
class LayerDemand:
    """A layer's needs: `crossbars` for one copy of its weights, `activations` per inference."""

    name: str
    crossbars: int
    activations: int


def cycle_time(layers: Sequence[LayerDemand], replicas: Sequence[int]) -> int:
    """T = max_l ceil(P_l / R_l): the activations of the slowest layer (0 without layers)."""
    return max((-(-layer.activations // r) for layer, r in zip(layers, replicas)), default=0)


def crossbars_used(layers: Sequence[LayerDemand], replicas: Sequence[int]) -> int:
    return sum(layer.crossbars * r for layer, r in zip(layers, replicas))


def replication_factors(layers: Sequence[LayerDemand], budget: int, strategy: str) -> list[int]:
    """R_l for every layer under `strategy` (see the module docstring), never over `budget`.
    CimcError if one copy of every layer does not fit."""
    if strategy not in STRATEGIES:
        raise CimcError(f"replicate: unknown strategy '{strategy}': choose one of {', '.join(STRATEGIES)}")
    base = [1] * len(layers)
    need = crossbars_used(layers, base)
    if need > budget:
        raise CimcError(f"replicate: one copy of the weights needs {need} crossbars, more than the budget of {budget}")
    if strategy == "none" or not layers:
        return base
    if strategy == "optimal":
        return _optimal(layers, budget)
    if strategy == "uniform":
        return _uniform(layers, budget)
    return _balance(layers, budget)


def _optimal(layers: Sequence[LayerDemand], budget: int) -> list[int]:
    def copies(t: int) -> list[int]:
        return [-(-layer.activations // t) for layer in layers]

    lo, hi = 1, max(layer.activations for layer in layers)  # T = max P_l needs one copy each: it fits
    while lo < hi:
        mid = (lo + hi) // 2
        if crossbars_used(layers, copies(mid)) <= budget:
            hi = mid
        else:
            lo = mid + 1
    return copies(lo)


def _uniform(layers: Sequence[LayerDemand], budget: int) -> list[int]:
    def copies(u: int) -> list[int]:
        # U copies, less those that would not shorten a layer: ceil(P / ceil(P / U)) do as well
        return [-(-layer.activations // -(-layer.activations // u)) for layer in layers]

    lo, hi = 1, max(layer.activations for layer in layers)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if crossbars_used(layers, copies(mid)) <= budget:
            lo = mid
        else:
            hi = mid - 1
    return copies(lo)


def _balance(layers: Sequence[LayerDemand], budget: int) -> list[int]:
    replicas = [1] * len(layers)
    used = crossbars_used(layers, replicas)
    # the bottleneck first; ties go to the earlier layer, so the result is deterministic
    heap = [(-layer.activations, i) for i, layer in enumerate(layers)]
    heapq.heapify(heap)
    while heap:
        load, i = heap[0]
        layer = layers[i]
        if -load == 1:
            break  # one activation: the bottleneck cannot get faster
        # the fewest copies that make it faster: one more activation shorter
        wanted = -(-layer.activations // (-load - 1))
        cost = (wanted - replicas[i]) * layer.crossbars
        if used + cost > budget:
            break
        replicas[i], used = wanted, used + cost
        heapq.heapreplace(heap, (-layer.activations // wanted, i))  # -ceil(P / R)
    return replicas


def layer_tiles(module: ModuleOp) -> dict[tuple[SSAValue, SSAValue], list[xbar.MvmOp]]:
    """The xbar.mvm tiles of every layer, keyed by the weight they hold and the input matrix
    they read (a weight two layers share is two layers), in program order."""
    layers: dict[tuple[SSAValue, SSAValue], list[xbar.MvmOp]] = {}
    for op in module.walk():
        if isinstance(op, xbar.MvmOp):
            layers.setdefault((op.weight, op.input), []).append(op)
    return layers


def layer_demands(module: ModuleOp, arch: Arch) -> tuple[list[LayerDemand], list[list[xbar.MvmOp]]]:
    demands, groups = [], []
    for (weight, matrix), tiles in layer_tiles(module).items():
        layer = tiles[0].attributes.get(graph.LAYER_ATTR)
        name = layer.data if isinstance(layer, StringAttr) else weight.owner.handle.data
        rows = shape_of(matrix)[0]
        if rows < 1:
            raise CimcError(f"replicate: layer \"{name}\" reads an input matrix of unknown rows; run shape-infer first")
        demands.append(LayerDemand(name, crossbars_per_copy(tiles, arch), rows))
        groups.append(tiles)
    return demands, groups


def default_budget(arch: Arch, need: int) -> int:
    """The chip's crossbars; with cores=None the chip is sized to one copy of the model."""
    return need if arch.cores is None else arch.cores * arch.xbars_per_core


@dataclass(frozen=True)
class ReplicatePass(ModulePass):
    """Chooses every layer's number of weight copies by `strategy` within `budget` crossbars
    (default: the chip's, cores x xbars_per_core)."""

    name = "replicate"

    strategy: str = "none"
    budget: int | None = None

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        if self.strategy not in STRATEGIES:
            raise CimcError(f"replicate: unknown strategy '{self.strategy}': choose one of {', '.join(STRATEGIES)}")
        arch = Arch.of_module(op)
        demands, groups = layer_demands(op, arch)
        need = crossbars_used(demands, [1] * len(demands))
        if self.budget is not None and self.budget < 1:
            raise CimcError(f"replicate: budget must be >= 1, got {self.budget}")
        if self.budget is None and arch.cores is None and self.strategy != "none":
            raise CimcError(f"replicate: strategy '{self.strategy}' needs a crossbar budget: give budget=N or a "
                            "chip size (arch field 'cores')")
        budget = default_budget(arch, need) if self.budget is None else self.budget
        if arch.cores is not None and budget > arch.cores * arch.xbars_per_core:
            raise CimcError(f"replicate: the budget of {budget} crossbars is more than the chip's "
                            f"{arch.cores * arch.xbars_per_core} ({arch.cores} cores x {arch.xbars_per_core})")
        if need > budget and arch.allow_reload and self.budget is None:
            replicas = [1] * len(demands)  # one copy, reprogrammed in turns (map-cores)
        elif need > budget and self.budget is None:
            raise CimcError(f"replicate: the model needs {need} crossbars, the chip has {budget} ({arch.cores} cores x "
                            f"{arch.xbars_per_core}); set allow_reload to reprogram crossbars between layer groups")
        else:
            replicas = replication_factors(demands, budget, self.strategy)
        for tiles, r in zip(groups, replicas):
            for tile in tiles:
                if r > 1:
                    tile.replicas = IntegerAttr(r, i64)
                elif tile.replicas is not None:
                    del tile.properties["replicas"]
        op.attributes[BUDGET_ATTR] = IntegerAttr(budget, i64)
