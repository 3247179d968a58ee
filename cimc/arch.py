"""The hardware description every pass and the interpreter read.

`Arch` is one frozen dataclass, validated on construction. It travels with the IR as the
module attribute `cimc.arch` (a dictionary of its non-default-None fields), so every pass of a
pipeline reads the same target, and it is stored in the binary as JSON, whose hash is the
binary's arch fingerprint.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import sys
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import numpy as np
from xdsl.dialects.builtin import (
    DictionaryAttr,
    FloatAttr,
    IntegerAttr,
    ModuleOp,
    StringAttr,
    f64,
    i64,
)
from xdsl.ir import Attribute

from cimc.errors import CimcError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ARCH_ATTR = "cimc.arch"
ADC_RANGES = ("full", "array", "column")
"""The ADC's input range: the crossbar's full scale, or calibrated clipping ranges per crossbar
("array") or per physical column ("column"); see docs/numerics.md."""


@dataclass(frozen=True)
class Arch:
    """A crossbar CIM accelerator: array geometry, numerics, chip size and cost constants.

    The defaults describe an ISAAC-like chip (128x128 arrays of 2-bit cells, 1-bit DACs).
    Cost constants are first-cut figures in the range of ISAAC/PUMA (see docs/cost-model.md).
    """

    xbar_rows: int = 128
    xbar_cols: int = 128
    cell_bits: int = 2
    weight_bits: int = 8
    input_bits: int = 8
    dac_bits: int = 1
    adc_bits: int | None = None
    adc_range: str = "full"
    precision: str = "fp32"
    cores: int | None = None
    xbars_per_core: int = 16
    allow_reload: bool = False
    global_memory_bytes: int = 256 * 1024 * 1024
    # cost model
    clock_ghz: float = 1.0
    xbar_read_cycles: int = 100
    xbar_read_pj: float = 30.0
    adc_pj: float = 1.6
    dac_pj: float = 0.4
    vector_lanes: int = 32
    vector_elem_pj: float = 0.9
    memory_bytes_per_cycle: int = 32
    memory_byte_pj: float = 1.0
    xbar_write_row_cycles: int = 86
    xbar_write_cell_pj: float = 1.4
    noc_bytes_per_cycle: int = 32
    noc_hop_cycles: int = 2
    noc_byte_pj: float = 0.5

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, (np.integer, np.floating)) and not isinstance(value, np.bool_):
                value = value.item()  # sweeps written over np.arange
            _check_type(f.name, value, f.type)
            if f.type == "float":
                value = float(value)  # 2 and 2.0 must give one fingerprint
            object.__setattr__(self, f.name, value)
        positive = ("xbar_rows", "xbar_cols", "cell_bits", "weight_bits", "input_bits", "dac_bits",
                    "xbars_per_core", "global_memory_bytes", "xbar_read_cycles", "vector_lanes",
                    "memory_bytes_per_cycle", "xbar_write_row_cycles", "noc_bytes_per_cycle")
        for name in positive:
            if getattr(self, name) <= 0:
                raise CimcError(f"arch field '{name}' must be > 0, got {getattr(self, name)}")
        if not (self.clock_ghz > 0 and math.isfinite(self.clock_ghz)):
            raise CimcError(f"arch field 'clock_ghz' must be a finite number > 0, got {self.clock_ghz}")
        if self.noc_hop_cycles < 0:
            raise CimcError(f"arch field 'noc_hop_cycles' must be >= 0, got {self.noc_hop_cycles}")
        for name in ("xbar_read_pj", "adc_pj", "dac_pj", "vector_elem_pj", "memory_byte_pj", "xbar_write_cell_pj",
                     "noc_byte_pj"):
            value = getattr(self, name)
            if not (value >= 0 and math.isfinite(value)):
                raise CimcError(f"arch field '{name}' must be a finite number >= 0, got {value}")
        if self.precision not in ("fp32", "int"):
            raise CimcError(f"arch field 'precision' must be 'fp32' or 'int', got {self.precision!r}")
        if self.cell_bits > 8:
            raise CimcError(f"arch field 'cell_bits' must be <= 8, got {self.cell_bits}")
        if self.weight_bits < 2 or self.weight_bits > 16:
            raise CimcError(f"arch field 'weight_bits' must be in 2..16, got {self.weight_bits}")
        if self.input_bits > 16:
            raise CimcError(f"arch field 'input_bits' must be <= 16, got {self.input_bits}")
        if self.dac_bits > self.input_bits:
            raise CimcError(
                f"arch field 'dac_bits' must be <= input_bits ({self.input_bits}), got {self.dac_bits}")
        if self.adc_bits is not None and not 1 <= self.adc_bits <= 32:
            raise CimcError(f"arch field 'adc_bits' must be in 1..32 or None, got {self.adc_bits}")
        if self.adc_range not in ADC_RANGES:
            raise CimcError(f"arch field 'adc_range' must be one of {', '.join(ADC_RANGES)}, got {self.adc_range!r}")
        if self.global_memory_bytes > 2**32:
            raise CimcError(f"arch field 'global_memory_bytes' must be <= 2**32 (32-bit addresses), got {self.global_memory_bytes}")
        if self.cores is not None and self.cores <= 0:
            raise CimcError(f"arch field 'cores' must be > 0 or None, got {self.cores}")

    @property
    def input_cycles(self) -> int:
        """Crossbar read cycles per input vector: inputs are applied dac_bits at a time."""
        return -(-self.input_bits // self.dac_bits)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, values: dict[str, Any], source: str = "arch") -> Arch:
        if not isinstance(values, dict):
            raise CimcError(f"{source}: an arch is a table of fields, not {type(values).__name__}")
        known = {f.name for f in fields(cls)}
        for key in values:
            if key not in known:
                raise CimcError(f"{source}: unknown arch field '{key}'")
        return cls(**values)

    @classmethod
    def load(cls, path: str | Path) -> Arch:
        """Read an Arch from a .toml or .json file; unknown or invalid fields are errors."""
        path = Path(path)
        try:
            text = path.read_bytes()
        except OSError as e:
            raise CimcError(f"cannot read arch file '{path}': {e.strerror}") from None
        try:
            if path.suffix == ".toml":
                values = tomllib.loads(text.decode())
            elif path.suffix == ".json":
                values = json.loads(text)
            else:
                raise CimcError(f"arch file '{path}' must end in .toml or .json")
        except (ValueError, UnicodeDecodeError) as e:
            raise CimcError(f"arch file '{path}' is not valid {path.suffix[1:].upper()}: {e}") from None
        if not isinstance(values, dict):
            raise CimcError(f"arch file '{path}' must hold a table of fields")
        # TOML has no null: an optional field (adc_bits, cores) spelled "none" means None
        optional = {f.name for f in fields(cls) if "None" in f.type}
        values = {k: (None if v == "none" and k in optional else v) for k, v in values.items()}
        return cls.from_dict(values, source=str(path))

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"))

    def fingerprint(self) -> bytes:
        """8 bytes identifying this arch, kept in a binary's header and checked against its arch section."""
        return hashlib.sha256(self.to_json().encode()).digest()[:8]

    def to_attr(self) -> DictionaryAttr:
        entries: dict[str, Attribute] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value is None:
                continue
            if isinstance(value, bool):
                entries[f.name] = IntegerAttr(int(value), 1)
            elif isinstance(value, int):
                entries[f.name] = IntegerAttr(value, i64)
            elif isinstance(value, float):
                entries[f.name] = FloatAttr(value, f64)
            else:
                entries[f.name] = StringAttr(value)
        return DictionaryAttr(entries)

    @classmethod
    def from_attr(cls, attr: DictionaryAttr) -> Arch:
        values: dict[str, Any] = {}
        types = {f.name: f.type for f in fields(cls)}
        for key, value in attr.data.items():
            if isinstance(value, IntegerAttr):
                raw = value.value.data
                values[key] = bool(raw) if types.get(key) == "bool" else raw
            elif isinstance(value, FloatAttr):
                values[key] = value.value.data
            elif isinstance(value, StringAttr):
                values[key] = value.data
            else:
                raise CimcError(f"cimc.arch: field '{key}' has an unsupported attribute {value}")
        return cls.from_dict(values, source="cimc.arch attribute")

    def attach(self, module: ModuleOp) -> None:
        module.attributes[ARCH_ATTR] = self.to_attr()

    @classmethod
    def of_module(cls, module: ModuleOp) -> Arch:
        """The Arch a module targets. A module without `cimc.arch` targets the default Arch."""
        attr = module.attributes.get(ARCH_ATTR)
        if attr is None:
            return cls()
        if not isinstance(attr, DictionaryAttr):
            raise CimcError(f"module attribute '{ARCH_ATTR}' must be a dictionary, got {attr}")
        return cls.from_attr(attr)


def _check_type(name: str, value: Any, annotation: str) -> None:
    """Reject values of the wrong type, e.g. xbar_rows="128" from a hand-written file."""
    allows_none = "None" in annotation
    if value is None:
        if allows_none:
            return
        raise CimcError(f"arch field '{name}' must not be None")
    base = annotation.replace(" | None", "")
    ok = {
        "int": isinstance(value, int) and not isinstance(value, bool),
        "float": isinstance(value, (int, float)) and not isinstance(value, bool),
        "bool": isinstance(value, bool),
        "str": isinstance(value, str),
    }[base]
    if not ok:
        raise CimcError(f"arch field '{name}' must be of type {base}, got {value!r}")
