"""The graph level as golden model, and the xbar level checked against it after tile-crossbars."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import cimc
from cimc import models
from cimc.ir_interpreter import run_module
from cimc.reference import model_inputs, onnxruntime_outputs, random_inputs, relative_error

MODELS = {"lenet5": models.lenet5(), "mlp": models.mlp(sizes=(50, 40, 30, 10)), "conv_net": models.conv_net(12)}


@pytest.mark.parametrize("name", MODELS)
def test_graph_level_matches_onnxruntime(name):
    model = MODELS[name]
    inputs = random_inputs(model_inputs(model))
    module, weights = cimc.lower(model, to="graph")
    reference = onnxruntime_outputs(model, inputs)
    for key, value in run_module(module, weights, inputs).items():
        assert relative_error(value, reference[key]) <= 1e-5


@settings(max_examples=12, deadline=None)
@given(name=st.sampled_from(sorted(MODELS)), rows=st.integers(1, 70), cols=st.integers(1, 40))
def test_tiling_preserves_the_graph_level(name, rows, cols):
    model = MODELS[name]
    inputs = random_inputs(model_inputs(model), seed=rows)
    arch = cimc.Arch(xbar_rows=rows, xbar_cols=cols)
    golden = run_module(*cimc.lower(model, arch=arch, to="graph"), inputs)
    tiled = run_module(*cimc.lower(model, arch=arch, to="xbar"), inputs)
    for key, value in golden.items():
        assert relative_error(tiled[key], value) <= 1e-5


def test_cim_level_is_refused():
    module, weights = cimc.lower(MODELS["mlp"], to="cim")
    with pytest.raises(cimc.CimcError, match="no func.func @main"):
        run_module(module, weights, {})
