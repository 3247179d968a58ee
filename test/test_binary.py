"""The .cimb container: encode/decode round trips, and every kind of corruption is refused."""

from __future__ import annotations

import struct

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cimc
from cimc import models
from cimc.binary import HEADER, BinaryImage, decode, encode
from cimc.errors import CimcError


@pytest.fixture(scope="module")
def lenet() -> cimc.Program:
    return cimc.compile(models.lenet5(), arch=cimc.Arch(xbar_rows=64, xbar_cols=64))


def test_decode_then_encode_gives_identical_bytes(lenet):
    module, weights = decode(lenet.image)
    assert encode(module, weights).to_bytes() == lenet.to_bytes()


def test_from_bytes_to_bytes_identity(lenet):
    raw = lenet.to_bytes()
    assert BinaryImage.from_bytes(raw).to_bytes() == raw


def test_header_fields(lenet):
    raw = lenet.to_bytes()
    magic, version, sections, fingerprint, _, size, memory = HEADER.unpack_from(raw)
    assert (magic, version, sections, size) == (b"CIMB", 1, 10, len(raw))
    assert fingerprint == lenet.arch.fingerprint()
    assert memory == lenet.report().peak_memory_bytes


@pytest.mark.parametrize("cut", [0, 10, HEADER.size, HEADER.size + 5, 500, -1])
def test_truncated(lenet, cut):
    raw = lenet.to_bytes()
    with pytest.raises(CimcError, match="is not a valid .cimb"):
        BinaryImage.from_bytes(raw[:cut] if cut >= 0 else raw[:-1])


def test_bad_magic_version_checksum(lenet):
    raw = bytearray(lenet.to_bytes())
    with pytest.raises(CimcError, match="bad magic"):
        BinaryImage.from_bytes(b"XXXX" + bytes(raw[4:]))
    with pytest.raises(CimcError, match="format version 9"):
        BinaryImage.from_bytes(bytes(raw[:4]) + struct.pack("<H", 9) + bytes(raw[6:]))
    raw[-3] ^= 0xFF
    with pytest.raises(CimcError, match="checksum mismatch"):
        BinaryImage.from_bytes(bytes(raw))


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(position=st.integers(0, 10**9), value=st.integers(1, 255))
def test_any_flipped_byte_is_refused(lenet, position, value):
    raw = bytearray(lenet.to_bytes())
    position %= len(raw)
    raw[position] ^= value
    with pytest.raises(CimcError):
        BinaryImage.from_bytes(bytes(raw))


def _with(image: BinaryImage, table: str, column: str, value, row: int = 0) -> bytes:
    """A validly checksummed image whose table has one bad value: only validation can catch it."""
    data = getattr(image, table).copy()
    data[column][row] = value
    fields = {name: getattr(image, name) for name in image.__dataclass_fields__}
    fields[table] = data
    return BinaryImage(**fields).to_bytes()


@pytest.mark.parametrize("table,column,value,message", [
    ("instructions", "pattern", 9999, "names a pattern that does not exist"),
    ("instructions", "opcode", 77, "unknown opcode"),
    ("instructions", "dst", 2**31, "accesses memory outside"),
    ("instructions", "xbar", 5000, "names a crossbar that does not exist"),
    ("bindings", "buffer", 9999, "names a buffer that does not exist"),
    ("layers", "count", 10**6, "runs past the instruction stream"),
    ("buffers", "name", 10**7, "outside the string table"),
    ("crossbars", "data", 10**9, "runs past the data section"),
    ("buffers", "kind", 9, "unknown kind"),
])
def test_semantic_corruption_is_refused(lenet, table, column, value, message):
    image = lenet.image
    row = 0
    if column == "xbar":
        row = int(np.flatnonzero(image.instructions["opcode"] == 3)[0])
    with pytest.raises(CimcError, match=message):
        BinaryImage.from_bytes(_with(image, table, column, value, row))


def test_encode_needs_planned_module():
    module, weights = cimc.lower(models.mlp(), to="cim")
    for op in module.walk():
        if isinstance(op, cimc.dialects.cim.AllocOp):
            op.addr = None
            break
    with pytest.raises(CimcError, match="run plan-memory first"):
        encode(module, weights)


def test_encode_needs_the_weights():
    module, weights = cimc.lower(models.mlp(), to="cim")
    with pytest.raises(CimcError, match="weight 'fc0.weight' is not in the weight store"):
        encode(module, cimc.WeightStore())
