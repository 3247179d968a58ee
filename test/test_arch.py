"""cimc.Arch: validation, files, the module attribute, the fingerprint."""

from __future__ import annotations

import json

import pytest
from xdsl.dialects.builtin import ModuleOp

from cimc import Arch, CimcError


@pytest.mark.parametrize("field,value,message", [
    ("xbar_rows", 0, "'xbar_rows' must be > 0, got 0"),
    ("xbar_cols", "128", "'xbar_cols' must be of type int, got '128'"),
    ("precision", "fp16", "'precision' must be 'fp32' or 'int'"),
    ("dac_bits", 9, "'dac_bits' must be <= input_bits (8), got 9"),
    ("adc_bits", 0, "'adc_bits' must be in 1..32 or None"),
    ("cores", -1, "'cores' must be > 0 or None"),
    ("adc_pj", -1.0, "'adc_pj' must be a finite number >= 0"),
    ("allow_reload", 1, "'allow_reload' must be of type bool"),
    ("weight_bits", 1, "'weight_bits' must be in 2..16"),
])
def test_invalid_field_names_field_and_rule(field, value, message):
    with pytest.raises(CimcError, match=message.replace("(", r"\(").replace(")", r"\)").replace(".", r"\.")):
        Arch(**{field: value})


def test_load_toml_and_json(tmp_path):
    toml = tmp_path / "a.toml"
    toml.write_text('xbar_rows = 64\nxbar_cols = 32\nadc_bits = "none"\nclock_ghz = 2\n')
    arch = Arch.load(toml)
    assert (arch.xbar_rows, arch.xbar_cols, arch.adc_bits, arch.clock_ghz) == (64, 32, None, 2.0)
    js = tmp_path / "a.json"
    js.write_text(json.dumps(arch.to_dict()))
    assert Arch.load(js) == arch
    assert Arch.load(js).fingerprint() == arch.fingerprint()


def test_load_errors(tmp_path):
    with pytest.raises(CimcError, match="cannot read arch file"):
        Arch.load(tmp_path / "missing.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("xbar_rows = 64\nbogus = 1\n")
    with pytest.raises(CimcError, match="unknown arch field 'bogus'"):
        Arch.load(bad)
    bad.write_text("xbar_rows = = 1\n")
    with pytest.raises(CimcError, match="is not valid TOML"):
        Arch.load(bad)
    other = tmp_path / "a.yaml"
    other.write_text("x: 1")
    with pytest.raises(CimcError, match="must end in .toml or .json"):
        Arch.load(other)


def test_examples_load():
    from pathlib import Path
    paths = sorted((Path(__file__).parent.parent / "examples" / "arch").glob("*.toml"))
    assert [p.name for p in paths] == ["isaac.toml", "pimcomp.toml", "small.toml"]
    assert Arch.load(paths[0]) == Arch()
    pimcomp = Arch.load(paths[1])
    assert (pimcomp.cores * pimcomp.xbars_per_core, pimcomp.precision, pimcomp.allow_reload) == (9216, "int", False)
    assert Arch.load(paths[2]).cores == 4


def test_module_attribute_round_trip():
    arch = Arch(xbar_rows=100, xbar_cols=72, cores=4, adc_bits=6, clock_ghz=1.5, allow_reload=True)
    module = ModuleOp([])
    arch.attach(module)
    assert Arch.of_module(module) == arch
    assert Arch.of_module(ModuleOp([])) == Arch()


def test_fingerprint_distinguishes_archs():
    assert Arch().fingerprint() == Arch().fingerprint()
    assert Arch(clock_ghz=2).fingerprint() == Arch(clock_ghz=2.0).fingerprint()
    assert Arch(xbar_rows=64).fingerprint() != Arch().fingerprint()
