"""Replication strategies against an exhaustive search, and their budgets."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cimc.errors import CimcError
from cimc.passes.replicate import (
    STRATEGIES,
    LayerDemand,
    crossbars_used,
    cycle_time,
    replication_factors,
)


def exhaustive_optimum(layers: list[LayerDemand], budget: int) -> int:
    """The smallest cycle time of any replica vector within the budget, by trying them all."""
    best = None
    for replicas in itertools.product(*(range(1, layer.activations + 1) for layer in layers)):
        if crossbars_used(layers, replicas) <= budget:
            t = cycle_time(layers, replicas)
            best = t if best is None else min(best, t)
    assert best is not None
    return best


layer_sets = st.lists(st.builds(LayerDemand, st.just("l"), st.integers(1, 4), st.integers(1, 7)),
                      min_size=1, max_size=4)


@settings(max_examples=300, deadline=None)
@given(layers=layer_sets, extra=st.integers(0, 60))
def test_optimal_is_the_exhaustive_optimum_and_every_strategy_keeps_the_budget(layers, extra):
    budget = crossbars_used(layers, [1] * len(layers)) + extra
    t_opt = exhaustive_optimum(layers, budget)
    optimal = replication_factors(layers, budget, "optimal")
    assert cycle_time(layers, optimal) == t_opt
    # the fewest copies reaching T_opt: no layer could do with one copy less
    assert all(r == -(-layer.activations // t_opt) for layer, r in zip(layers, optimal))
    for strategy in STRATEGIES:
        replicas = replication_factors(layers, budget, strategy)
        assert crossbars_used(layers, replicas) <= budget, strategy
        assert all(1 <= r <= layer.activations for layer, r in zip(layers, replicas)), strategy
        assert cycle_time(layers, replicas) >= t_opt, strategy


def test_balance_replicates_the_bottleneck_until_the_budget_runs_out():
    layers = [LayerDemand("a", 2, 100), LayerDemand("b", 1, 30), LayerDemand("c", 5, 1)]
    # one copy: 2 + 1 + 5 = 8 crossbars. a is the bottleneck up to 5 copies (T 100 -> 20, 16
    # crossbars), then b (30 > 20) takes a second copy (17), then a a sixth (19, T 17); a
    # seventh copy of a would need 21 > 20
    replicas = replication_factors(layers, 20, "balance")
    assert crossbars_used(layers, replicas) == 19
    assert replicas == [6, 2, 1]
    assert cycle_time(layers, replicas) == 17
    assert cycle_time(layers, replication_factors(layers, 20, "optimal")) == 17


def test_uniform_gives_every_layer_the_same_factor_capped_at_its_activations():
    layers = [LayerDemand("a", 2, 100), LayerDemand("b", 1, 3)]
    assert replication_factors(layers, 20, "uniform") == [8, 3]  # U = 8: 2*8 + 3 = 19; U = 9: 21 > 20
    assert replication_factors(layers, 18, "uniform") == [7, 3]  # U = 7: 17; U = 8: 19 > 18


def test_none_keeps_one_copy_and_a_budget_below_one_copy_is_an_error():
    layers = [LayerDemand("a", 3, 10), LayerDemand("b", 2, 10)]
    assert replication_factors(layers, 100, "none") == [1, 1]
    with pytest.raises(CimcError, match="one copy of the weights needs 5 crossbars, more than the budget of 4"):
        replication_factors(layers, 4, "optimal")
    with pytest.raises(CimcError, match="unknown strategy 'greedy'"):
        replication_factors(layers, 10, "greedy")


def test_optimal_on_a_large_layer_set_is_fast_and_exact_against_the_cost_formula():
    # ResNet-50-like sizes: T_opt is the smallest T with sum X * ceil(P / T) <= budget
    layers = [LayerDemand(str(i), 1 + i % 9, 12544 // (1 + i % 5)) for i in range(60)]
    budget = 4 * crossbars_used(layers, [1] * len(layers))
    t = cycle_time(layers, replication_factors(layers, budget, "optimal"))
    cost = lambda t: sum(layer.crossbars * -(-layer.activations // t) for layer in layers)  # noqa: E731
    assert cost(t) <= budget < cost(t - 1)
