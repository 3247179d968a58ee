"""The .cimb binary: fixed-width instruction words, loop patterns, crossbar contents, buffers
and I/O bindings behind a checksummed header. docs/isa.md gives the byte layout.

`encode` turns a planned cim-dialect module and its weight store into a `BinaryImage`, and
`decode` turns an image back into a module and a store; `BinaryImage.to_bytes` and
`BinaryImage.from_bytes` read and write the container, checking everything a corrupt or
truncated file could get wrong.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import struct
from dataclasses import dataclass

import numpy as np
from xdsl.dialects.builtin import IntegerAttr, ModuleOp, StringAttr, i64
from xdsl.ir import Block, Region, SSAValue

from cimc.arch import Arch
from cimc.dialects import cim
from cimc.dialects.cim import BUDGET_ATTR, ELEMENT_BYTES, MAX_LOOPS, NO_ALIAS_BOUND_ATTR
from cimc.dialects.shapes import ints, span
from cimc.errors import CimcError
from cimc.numerics import physical_width, slices
from cimc.weights import WeightStore, tile_matrix, weight_matrix

MAGIC = b"CIMB"
VERSION = 6  # 2: unary kinds with parameters (imm, imm2), binary min/div, packed crossbars; 3: int crossbars;
# 4: replicated MVMs, crossbar slots and cim.program (reload), the stream's schedule and crossbar budget;
# 5: an MVM's column and row strides (its pattern's dst and src strides after the last loop), the
# stream's no-alias memory bound; 6: an MVM's input window (its pattern's third stride row)
HEADER = struct.Struct("<4sHH8s32sQQ")  # magic, version, sections, arch fingerprint, sha256, file size, memory
SECTION = struct.Struct("<4s4xQQ")  # tag, offset, length
ALIGN = 16
NO_STRING = 0xFFFFFFFF
MAX_ADDRESS = 2**32

INSTRUCTION = np.dtype([
    ("opcode", "u1"), ("subop", "u1"), ("flags", "u1"), ("reduce", "u1"), ("pattern", "<u2"), ("replicas", "<u2"),
    ("dst", "<u4"), ("src0", "<u4"), ("src1", "<u4"), ("xbar", "<u4"), ("imm", "<f4"), ("imm2", "<f4")])
PATTERN = np.dtype([("rank", "<u4"), ("counts", "<u4", (MAX_LOOPS,)), ("strides", "<i4", (3, MAX_LOOPS))])
"""An MVM's pattern has at most MAX_LOOPS - 1 loops: its dst and src strides after the last
loop (strides[0][rank], strides[1][rank]) are the strides between the crossbar's output
columns and between its inputs (rows). Its third stride row (an MVM has no src1) holds its
window, kh, kw, y stride, x stride and first row, all 0 without one."""
CROSSBAR = np.dtype([("id", "<u4"), ("core", "<u4"), ("rows", "<u4"), ("cols", "<u4"), ("first", "<u4"),
                     ("width", "<u4"), ("data", "<u8"), ("adc_range", "<u8"), ("slot", "<u4"), ("reserved", "<u4")])
"""rows x cols is the stored matrix (input rows x weight columns). An int crossbar (precision
"int") stores its integer weights and holds physical columns [first, first + width) of their
n-major cell layout (cimc.numerics); an fp32 one has first 0 and width = cols. `adc_range`
points at `width` float32 calibrated ADC ranges, one per physical column, or is NO_DATA
(the full scale). `slot` is the crossbar's place on its core when crossbars take turns
(reprogrammed by cim.program), else NO_SLOT."""
NO_DATA = 2**64 - 1
NO_SLOT = 0xFFFFFFFF
BUFFER = np.dtype([("addr", "<u8"), ("size", "<u8"), ("first", "<u4"), ("last", "<u4"), ("kind", "<u4"),
                   ("name", "<u4"), ("weight", "<u4"), ("reserved", "<u4"), ("data", "<u8")])
LAYER = np.dtype([("first", "<u4"), ("count", "<u4"), ("name", "<u4"), ("reserved", "<u4")])
BINDING = np.dtype([("output", "<u4"), ("buffer", "<u4"), ("name", "<u4"), ("rank", "<u4"), ("dims", "<u4", (8,))])
STREAM = np.dtype([("core", "<u4"), ("first", "<u4"), ("count", "<u4"), ("schedule", "<u4"), ("budget", "<u4"),
                   ("reserved", "<u4"), ("no_alias_bound", "<u8")])
"""`schedule` indexes cim.SCHEDULES; `budget` is the crossbar budget replication had (0: not given);
`no_alias_bound` the memory lower bound (bytes) of the program lowered without aliasing (0: not
recorded)."""

FLAG_ACC = 1
OPCODES = {op.OPCODE: op for op in cim.INSTRUCTIONS}
TABLES = {"INST": INSTRUCTION, "PATN": PATTERN, "XBAR": CROSSBAR, "BUFS": BUFFER, "LAYR": LAYER, "IOBD": BINDING,
          "STRM": STREAM}


@dataclass
class BinaryImage:
    """A decoded .cimb: the tables the interpreter runs, and the raw data they point into."""

    arch: Arch
    instructions: np.ndarray
    patterns: np.ndarray
    crossbars: np.ndarray
    buffers: np.ndarray
    layers: np.ndarray
    bindings: np.ndarray
    streams: np.ndarray
    strings: bytes
    data: bytes

    @property
    def memory_bytes(self) -> int:
        return int((self.buffers["addr"] + self.buffers["size"]).max(initial=0))

    def string(self, offset: int) -> str:
        end = self.strings.index(b"\0", offset)
        return self.strings[offset:end].decode()

    def crossbar_matrix(self, index: int) -> np.ndarray:
        row = self.crossbars[index]
        count = int(row["rows"]) * int(row["cols"])
        return np.frombuffer(self.data, "<f4", count, int(row["data"])).reshape(int(row["rows"]), int(row["cols"]))

    def adc_ranges(self, index: int) -> np.ndarray | None:
        """The calibrated ADC range of each physical column of a crossbar (None: full scale)."""
        row = self.crossbars[index]
        if int(row["adc_range"]) == NO_DATA:
            return None
        return np.frombuffer(self.data, "<f4", int(row["width"]), int(row["adc_range"]))

    def io_bindings(self, outputs: bool) -> dict[str, tuple[int, tuple[int, ...]]]:
        """The model inputs (or outputs): name -> (element address, shape)."""
        bound = {}
        for row in self.bindings:
            if bool(row["output"]) == outputs:
                buffer = self.buffers[int(row["buffer"])]
                bound[self.string(int(row["name"]))] = (
                    int(buffer["addr"]) // ELEMENT_BYTES, tuple(int(d) for d in row["dims"][: row["rank"]]))
        return bound

    def buffer_data(self, index: int) -> np.ndarray:
        row = self.buffers[index]
        return np.frombuffer(self.data, "<f4", int(row["size"]) // ELEMENT_BYTES, int(row["data"]))

    # -- container -----------------------------------------------------------------------------

    def to_bytes(self) -> bytes:
        sections = {"ARCH": self.arch.to_json().encode(), "STRS": self.strings}
        for tag, _ in TABLES.items():
            sections[tag] = getattr(self, _TABLE_FIELDS[tag]).tobytes()
        sections["DATA"] = self.data
        directory_end = HEADER.size + SECTION.size * len(sections)
        offset = _aligned(directory_end)
        directory, body = [], [b"\0" * (offset - directory_end)]
        for tag, payload in sections.items():
            directory.append(SECTION.pack(tag.encode(), offset, len(payload)))
            padding = _aligned(len(payload)) - len(payload)
            body += [payload, b"\0" * padding]
            offset += len(payload) + padding
        digest = hashlib.sha256()
        for part in (*directory, *body):
            digest.update(part)
        header = HEADER.pack(MAGIC, VERSION, len(sections), self.arch.fingerprint(), digest.digest(), offset,
                             self.memory_bytes)
        return b"".join([header, *directory, *body])

    @classmethod
    def from_bytes(cls, raw: bytes, source: str = "binary") -> BinaryImage:
        def corrupt(why: str) -> CimcError:
            return CimcError(f"'{source}' is not a valid .cimb: {why}")

        if len(raw) < HEADER.size:
            raise corrupt(f"{len(raw)} bytes is shorter than the {HEADER.size}-byte header")
        magic, version, count, fingerprint, digest, size, memory = HEADER.unpack_from(raw)
        if magic != MAGIC:
            raise corrupt(f"bad magic {magic!r}, expected {MAGIC!r}")
        if version != VERSION:
            raise corrupt(f"format version {version}, this cimc reads version {VERSION}")
        if size != len(raw):
            raise corrupt(f"header says {size} bytes, file has {len(raw)} (truncated?)")
        if hashlib.sha256(raw[HEADER.size:]).digest() != digest:
            raise corrupt("checksum mismatch")
        sections: dict[str, bytes] = {}
        for i in range(count):
            at = HEADER.size + i * SECTION.size
            if at + SECTION.size > len(raw):
                raise corrupt("section directory runs past the end")
            tag, offset, length = SECTION.unpack_from(raw, at)
            if offset + length > len(raw):
                raise corrupt(f"section {tag!r} runs past the end")
            sections[tag.decode(errors="replace")] = raw[offset:offset + length]
        missing = {"ARCH", "STRS", "DATA", *TABLES} - set(sections)
        if missing:
            raise corrupt(f"missing section(s) {', '.join(sorted(missing))}")
        try:
            arch = Arch.from_dict(json.loads(sections["ARCH"]), source=f"'{source}' arch section")
        except (ValueError, TypeError, CimcError) as e:
            raise corrupt(f"arch section: {e}") from None
        if arch.fingerprint() != fingerprint:
            raise corrupt("arch fingerprint does not match the arch section")
        tables = {}
        for tag, dtype in TABLES.items():
            if len(sections[tag]) % dtype.itemsize:
                raise corrupt(f"section {tag} is not a whole number of {dtype.itemsize}-byte records")
            tables[_TABLE_FIELDS[tag]] = np.frombuffer(sections[tag], dtype)
        image = cls(arch=arch, strings=sections["STRS"], data=sections["DATA"], **tables)
        if image.memory_bytes != memory:
            raise corrupt(f"header says {memory} bytes of memory, the buffers need {image.memory_bytes}")
        image.validate(corrupt)
        return image

    def validate(self, corrupt) -> None:
        """Every index and address in range, so that running the image cannot go out of bounds."""
        inst, pat = self.instructions, self.patterns
        if len(inst) and int(inst["pattern"].max()) >= len(pat):
            raise corrupt("an instruction names a pattern that does not exist")
        if len(pat) and (pat["rank"].min() < 1 or pat["rank"].max() > MAX_LOOPS):
            raise corrupt("a loop pattern has a rank outside 1..6")
        in_rank = np.arange(MAX_LOOPS)[None, :] < pat["rank"][:, None]
        if len(pat) and (pat["counts"][in_rank] < 1).any():
            raise corrupt("a loop pattern has a loop count of 0")
        unknown = set(inst["opcode"].tolist()) - set(OPCODES)
        if unknown:
            raise corrupt(f"unknown opcode(s) {sorted(unknown)}")
        for opcode, op in OPCODES.items():
            words = inst[inst["opcode"] == opcode]
            kinds = len(op.KINDS) if issubclass(op, cim.KindOp) else 1
            if len(words) and int(words["subop"].max()) >= kinds:
                raise corrupt(f"a {op.name} instruction has an unknown sub-opcode")
            if len(words) and op is cim.ReduceOp and (
                    words["reduce"].min() < 1 or (words["reduce"] > pat["rank"][words["pattern"]]).any()):
                raise corrupt("a cim.reduce instruction reduces a bad number of loops")
        if len(self.buffers) and int(self.buffers["kind"].max()) >= len(cim.BUFFER_KINDS):
            raise corrupt("a buffer has an unknown kind")
        consts = self.buffers[self.buffers["weight"] != NO_STRING]
        xbar_bytes = self.crossbars["rows"].astype(np.uint64) * self.crossbars["cols"] * ELEMENT_BYTES
        ranged = self.crossbars[self.crossbars["adc_range"] != NO_DATA]
        for start, size in ((consts["data"], consts["size"]), (self.crossbars["data"], xbar_bytes),
                            (ranged["adc_range"], ranged["width"].astype(np.uint64) * ELEMENT_BYTES)):
            if len(start) and ((start + size) > len(self.data)).any():
                raise corrupt("a data reference runs past the data section")
        if len(set(self.crossbars["id"].tolist())) != len(self.crossbars):
            raise corrupt("two crossbars have the same id")
        x = self.crossbars
        per_column = physical_width(self.arch)
        if len(x) and ((x["width"] < 1).any() or (x["first"] >= per_column).any()
                       or (x["first"] + x["width"] > x["cols"].astype(np.uint64) * per_column).any()
                       or (x["first"] + x["width"] <= (x["cols"].astype(np.uint64) - 1) * per_column).any()):
            raise corrupt("a crossbar's physical columns do not match its weight columns")
        if len(self.buffers) and ((self.buffers["addr"] % ELEMENT_BYTES).any() or (self.buffers["size"] % ELEMENT_BYTES).any()):
            raise corrupt(f"a buffer address or size is not a multiple of {ELEMENT_BYTES}")
        for column in ("dst", "src0", "src1"):
            if len(inst) and (inst[column] % ELEMENT_BYTES).any():
                raise corrupt(f"an instruction address is not a multiple of {ELEMENT_BYTES}")
        if len(self.bindings) and int(self.bindings["buffer"].max()) >= len(self.buffers):
            raise corrupt("an I/O binding names a buffer that does not exist")
        if len(self.bindings) and int(self.bindings["rank"].max()) > 8:
            raise corrupt("an I/O binding has rank > 8")
        ends = np.cumsum(self.layers["count"].astype(np.int64))
        if (self.layers["first"].astype(np.int64) != ends - self.layers["count"]).any() or \
                (ends[-1] if len(ends) else 0) != len(inst):
            raise corrupt("the layers do not cover the instruction stream in order")
        if len(self.streams) != 1 or int(self.streams[0]["count"]) != len(inst):
            raise corrupt("expected one instruction stream covering every instruction")
        names = [*self.buffers["name"], *self.layers["name"], *self.bindings["name"],
                 *(w for w in self.buffers["weight"] if w != NO_STRING)]
        if names and (max(names) >= len(self.strings) or not self.strings.endswith(b"\0")):
            raise corrupt("a name points outside the string table")
        try:
            self.strings.decode()
        except UnicodeDecodeError:
            raise corrupt("the string table is not UTF-8") from None
        b = self.buffers
        if len(b) and ((b["first"] > b["last"]).any() or (b["last"] >= max(len(inst), 1)).any()):
            raise corrupt("a buffer's live range is not within the instruction stream")
        for row in self.bindings:
            elements = math.prod(int(d) for d in row["dims"][: row["rank"]])
            if elements * ELEMENT_BYTES > int(b["size"][row["buffer"]]) or (row["dims"][: row["rank"]] < 1).any():
                raise corrupt("an I/O binding's shape does not fit its buffer")
        mvm = inst["opcode"] == cim.MvmOp.OPCODE
        program = inst["opcode"] == cim.ProgramOp.OPCODE
        if (inst["replicas"][~mvm] != 0).any():
            raise corrupt("an instruction other than an MVM has replicas")
        replicas = inst["replicas"][mvm].astype(np.int64)
        bad = np.flatnonzero((replicas < 1) | (replicas > pat["counts"][inst["pattern"][mvm], 0]))
        if len(bad):
            raise corrupt(f"MVM instruction {np.flatnonzero(mvm)[bad[0]]} has replicas outside 1..its first loop count")
        mvm_patterns = pat[inst["pattern"][mvm]]
        bad = np.flatnonzero(mvm_patterns["rank"] >= MAX_LOOPS)
        if len(bad):
            raise corrupt(f"MVM instruction {np.flatnonzero(mvm)[bad[0]]} has more than {MAX_LOOPS - 1} loops")
        run_strides = mvm_patterns["strides"][:, :2, :][np.arange(len(mvm_patterns)), :, mvm_patterns["rank"]]
        bad = np.flatnonzero((run_strides < 1).any(axis=1))
        if len(bad):
            raise corrupt(f"MVM instruction {np.flatnonzero(mvm)[bad[0]]} has a column or row stride below 1")
        windows = mvm_patterns["strides"][:, 2, :]
        bad = np.flatnonzero(windows.any(axis=1) & ((windows[:, :4] < 1).any(axis=1) | (windows[:, 4] < 0)
                                                    | windows[:, 5:].any(axis=1)))
        if len(bad):
            raise corrupt(f"MVM instruction {np.flatnonzero(mvm)[bad[0]]} has a window with a count or stride below 1 "
                          f"or a negative first row")
        bad = np.flatnonzero(pat["rank"][inst["pattern"][program]] != 1)
        if len(bad):
            raise corrupt(f"cim.program instruction {np.flatnonzero(program)[bad[0]]} has more than one loop")
        ids = set(self.crossbars["id"].tolist())
        used = [range(int(w["xbar"]), int(w["xbar"]) + int(n)) for w, n in zip(inst[mvm], replicas)]
        if not all(set(r) <= ids for r in used):
            raise corrupt("an MVM names a crossbar that does not exist")
        shape = {int(x["id"]): (int(x["rows"]), int(x["cols"]), int(x["width"])) for x in self.crossbars} if used else {}
        if any(shape[m] != shape[r[0]] for r in used if len(r) > 1 for m in r):
            raise corrupt("an MVM's replica crossbars differ in shape")
        slotted = set(self.crossbars["id"][self.crossbars["slot"] != NO_SLOT].tolist())
        for index in np.flatnonzero(program):
            first, count = int(inst["xbar"][index]), int(pat["counts"][inst["pattern"][index], 0])
            # the count is checked before the range is built: a corrupt one may be 2^32
            if count > len(slotted) or not set(range(first, first + count)) <= slotted:
                raise corrupt(f"cim.program instruction {index} names a crossbar that does not exist or has no slot")
        contents = {}
        for x in self.crossbars:
            if contents.setdefault(int(x["data"]), (int(x["rows"]), int(x["cols"]))) != (int(x["rows"]), int(x["cols"])):
                raise corrupt(f"crossbar {int(x['id'])} shares its contents with a crossbar of another shape")
        if ((self.crossbars["slot"] != NO_SLOT) & (self.crossbars["slot"] >= self.arch.xbars_per_core)).any():
            raise corrupt("a crossbar's slot is beyond its core's xbars_per_core")
        if len(self.streams) == 1 and int(self.streams[0]["schedule"]) >= len(cim.SCHEDULES):
            raise corrupt("the stream has an unknown schedule")
        if len(self.streams) == 1 and int(self.streams[0]["no_alias_bound"]) >= 2**63:
            raise corrupt("the stream's no-alias bound is 2^63 bytes or more")
        offsets = inst["imm"][mvm]
        if (offsets < 0).any() or (offsets != np.rint(offsets)).any() or (
                self.arch.precision != "int" and (offsets != 0).any()):
            raise corrupt("an MVM's input offset is not a non-negative integer (or is set in an fp32 program)")
        if self.arch.precision != "int" and (self.crossbars["adc_range"] != NO_DATA).any():
            raise corrupt("an fp32 crossbar has ADC ranges")
        for i in np.flatnonzero(self.crossbars["adc_range"] != NO_DATA):
            ranges = self.adc_ranges(int(i))
            if not (np.isfinite(ranges).all() and (ranges >= 0).all()):
                raise corrupt("a crossbar's ADC ranges are not finite and >= 0")
        self.check_accesses(corrupt)

    def check_accesses(self, corrupt) -> None:
        """Every access of every instruction within global memory."""
        memory = self.memory_bytes
        extents = {int(x["id"]): (int(x["rows"]), int(x["cols"])) for x in self.crossbars}
        for i, word in enumerate(self.instructions):
            op = OPCODES[int(word["opcode"])]
            p = self.patterns[int(word["pattern"])]
            counts = p["counts"][: p["rank"]].tolist()
            src_extent, dst_extent = extents.get(int(word["xbar"]), (1, 1)) if op is cim.MvmOp else (1, 1)
            col_stride, row_stride = (int(p["strides"][0][p["rank"]]), int(p["strides"][1][p["rank"]])) \
                if op is cim.MvmOp else (1, 1)
            window = mvm_window(p) if op is cim.MvmOp else None
            for slot, address, extent, run_stride in ((0, "dst", dst_extent, col_stride),
                                                      (1, "src0", src_extent, row_stride), (2, "src1", 1, 1)):
                if slot >= operand_count(op):
                    break
                rank = int(p["rank"]) - (int(word["reduce"]) if op is cim.ReduceOp and slot == 0 else 0)
                lo, hi = span(int(word[address]) // ELEMENT_BYTES, counts[:rank], p["strides"][slot][:rank].tolist(),
                              extent, run_stride, window if slot == 1 else None)
                if lo < 0 or hi * ELEMENT_BYTES > memory:
                    raise corrupt(f"instruction {i} accesses memory outside [0, {memory})")


_TABLE_FIELDS = {"INST": "instructions", "PATN": "patterns", "XBAR": "crossbars", "BUFS": "buffers",
                 "LAYR": "layers", "IOBD": "bindings", "STRM": "streams"}


def _aligned(n: int) -> int:
    return -(-n // ALIGN) * ALIGN


def operand_count(op: type[cim.InstructionOp]) -> int:
    return {cim.FillOp: 1, cim.BinaryOp: 3, cim.ProgramOp: 0}.get(op, 2)


class _Strings:
    def __init__(self):
        self.data = bytearray()
        self.index: dict[str, int] = {}

    def add(self, text: str) -> int:
        if text not in self.index:
            self.index[text] = len(self.data)
            self.data += text.encode() + b"\0"
        return self.index[text]


class _Data:
    """The DATA section, gathered as chunks and joined once (it holds every weight)."""

    def __init__(self):
        self.chunks: list[bytes] = []
        self.size = 0

    def add(self, array: np.ndarray) -> int:
        offset = self.size
        chunk = np.ascontiguousarray(array, "<f4").tobytes()
        padding = _aligned(len(chunk)) - len(chunk)
        self.chunks += [chunk, b"\0" * padding]
        self.size += len(chunk) + padding
        return offset

    def join(self) -> bytes:
        return b"".join(self.chunks)


# -- encoding ---------------------------------------------------------------------------------------


def encode(module: ModuleOp, weights: WeightStore, verify: bool = True) -> BinaryImage:
    """The binary image of a cim-level module whose buffers have addresses (after plan-memory).
    `verify=False` skips verifying a module the caller has just verified."""
    if verify:
        module.verify()
    arch = Arch.of_module(module)
    streams = cim.streams(module)
    if len(streams) != 1:
        raise CimcError(f"encode: expected one cim.stream, found {len(streams)} (lower the module to cim first)")
    (stream,) = streams
    strings, data = _Strings(), _Data()

    crossbar_rows = []
    contents_at: dict[tuple, int] = {}
    for decl in cim.crossbars(module).values():
        (r0, r1), (c0, c1) = ints(decl.rows), ints(decl.cols)
        weight = weights[decl.weight.data]
        k, n = weight_matrix(weight).shape
        if r1 > k or decl.weight_cols[1] > n:
            raise CimcError(f"encode: crossbar {decl.id.value.data} takes rows [{r0}, {r1}] x cols {list(decl.weight_cols)} of "
                            f"weight '{decl.weight.data}', which is only {k}x{n}")
        first, width = 0, c1 - c0
        if decl.slices is not None:
            if arch.precision != "int" or decl.slices.value.data != slices(arch):
                raise CimcError(f"encode: crossbar {decl.id.value.data} has {decl.slices.value.data} slices, the arch "
                                f"{slices(arch) if arch.precision == 'int' else 'none (precision fp32)'}")
            first = c0 % physical_width(arch)
        elif arch.precision == "int":
            raise CimcError(f"encode: crossbar {decl.id.value.data} is not an int crossbar (no slices) but the arch "
                            "has precision int")
        adc_range = NO_DATA
        if decl.adc_range is not None:
            ranges = weights[decl.adc_range.data]
            if ranges.shape != (width,):
                raise CimcError(f"encode: crossbar {decl.id.value.data} has {width} physical columns but "
                                f"{ranges.size} ADC ranges in '{decl.adc_range.data}'")
            adc_range = data.add(ranges)
        # replicas hold the same weights: their contents are stored once
        key = (decl.weight.data, (r0, r1), decl.weight_cols, decl.group_count)
        if key not in contents_at:
            contents_at[key] = data.add(tile_matrix(weight, (r0, r1), decl.weight_cols, decl.group_count))
        rows, cols = decl.group_count * (r1 - r0), decl.weight_cols[1] - decl.weight_cols[0]
        slot = NO_SLOT if decl.slot is None else decl.slot.value.data
        crossbar_rows.append((decl.id.value.data, decl.core.value.data, rows, cols, first, width,
                              contents_at[key], adc_range, slot, 0))

    lifetimes = cim.buffer_lifetimes(stream)
    allocs = list(lifetimes)
    buffer_index = {a: i for i, a in enumerate(allocs)}
    buffer_rows = []
    const_data: dict[str, int] = {}
    for alloc in allocs:
        if alloc.addr is None:
            raise CimcError("encode: a cim.alloc has no address (run plan-memory first)")
        if alloc.addr.value.data + alloc.size_bytes > MAX_ADDRESS:
            raise CimcError(f"encode: a buffer ends past byte {MAX_ADDRESS}, beyond 32-bit instruction addresses")
        weight, offset = NO_STRING, 0
        if alloc.weight is not None:
            handle = alloc.weight.data
            array = weights[handle]
            if array.size * ELEMENT_BYTES != alloc.size_bytes:
                raise CimcError(f"encode: const buffer of {alloc.size_bytes} bytes holds weight '{handle}' "
                                f"of {array.size * ELEMENT_BYTES} bytes")
            if handle not in const_data:
                const_data[handle] = data.add(array.reshape(-1))
            weight, offset = strings.add(handle), const_data[handle]
        first, last = lifetimes[alloc]
        name = canonical_name(alloc.result.name_hint) or f"b{buffer_index[alloc]}"
        buffer_rows.append((alloc.addr.value.data, alloc.size_bytes, first, last, cim.BUFFER_KINDS.index(alloc.kind.data),
                            strings.add(name), weight, 0, offset))

    ops = list(stream.body.block.ops)
    inputs = [op for op in ops if isinstance(op, cim.InputOp)]
    outputs = [op for op in ops if isinstance(op, cim.OutputOp)]
    # canonical order (inputs, layers, outputs), as decode rebuilds the stream
    patterns: dict[tuple, int] = {}
    words, layers, bindings = [], [], []
    for op in (*inputs, *(op for op in ops if isinstance(op, cim.LayerOp)), *outputs):
        if isinstance(op, cim.LayerOp):
            first = len(words)
            for inst in op.body.block.ops:
                assert isinstance(inst, cim.InstructionOp)
                words.append(_encode_instruction(inst, patterns))
            layers.append((first, len(words) - first, strings.add(op.layer.data), 0))
        else:
            shape = ints(op.shape)
            if len(shape) > 8:
                raise CimcError(f"encode: {op.name} \"{op.tensor.data}\" has rank {len(shape)} > 8")
            bindings.append((int(isinstance(op, cim.OutputOp)), buffer_index[op.buffer.owner],
                             strings.add(op.tensor.data), len(shape), list(shape) + [0] * (8 - len(shape))))

    pattern_rows = [(len(loops), _padded(loops), strides) for loops, strides in patterns]

    return BinaryImage(
        arch=arch,
        instructions=np.array(words, INSTRUCTION),
        patterns=np.array(pattern_rows, PATTERN),
        crossbars=np.array(crossbar_rows, CROSSBAR),
        buffers=np.array(buffer_rows, BUFFER),
        layers=np.array(layers, LAYER),
        bindings=np.array(bindings, BINDING),
        streams=np.array([(stream.core.value.data, 0, len(words), cim.SCHEDULES.index(stream.schedule_mode),
                           _module_int(module, BUDGET_ATTR, 2**32), 0,
                           _module_int(module, NO_ALIAS_BOUND_ATTR, 2**63))], STREAM),
        strings=bytes(strings.data),
        data=data.join(),
    )


def _module_int(module: ModuleOp, name: str, limit: int) -> int:
    """A module attribute for a STRM field, 0 when absent, checked to be in [0, limit)."""
    attr = module.attributes.get(name)
    value = attr.value.data if isinstance(attr, IntegerAttr) else 0
    if not 0 <= value < limit:
        raise CimcError(f"encode: module attribute {name} = {value} is out of range")
    return value


def mvm_window(pattern: np.void) -> tuple[int, int, int, int, int] | None:
    """An MVM pattern's window (kh, kw, y stride, x stride, first row), None without one."""
    window = tuple(int(v) for v in pattern["strides"][2][:5])
    return window if any(window) else None


def _padded(values) -> tuple[int, ...]:
    return tuple(values) + (0,) * (MAX_LOOPS - len(values))


def canonical_name(hint: str | None) -> str | None:
    """A buffer name as it survives printing and parsing: xDSL drops `_N` suffixes of value names."""
    return re.sub(r"(_\d+)+$", "", hint) if hint else hint


def _encode_instruction(inst: cim.InstructionOp, patterns: dict[tuple, int]) -> tuple:
    accesses = inst.accesses()
    strides = [a.strides for a in accesses]
    if isinstance(inst, cim.MvmOp):
        strides[0] += (inst.column_stride,)
        strides[1] += (inst.input_stride,)
        strides.append(inst.input_window or ())
    # keyed by the record itself: equal records are stored once
    key = (inst.loop_counts, tuple(_padded(s) for s in strides) + ((0,) * MAX_LOOPS,) * (3 - len(strides)))
    if any(not -2**31 <= v < 2**31 for row in key[1] for v in row) or any(n >= 2**32 for n in key[0]):
        raise CimcError(f"encode: a {inst.name} has a stride beyond 32 bits or a loop count beyond 2^32")
    pattern = patterns.setdefault(key, len(patterns))
    if pattern > 0xFFFF:
        raise CimcError("encode: more than 65536 distinct loop patterns")
    addresses = [a.buffer.owner.addr.value.data + a.offset * ELEMENT_BYTES for a in accesses] + [0, 0, 0]
    subop = inst.subop if isinstance(inst, cim.KindOp) else 0
    flags = FLAG_ACC if isinstance(inst, cim.MvmOp) and inst.acc is not None else 0
    reduce = inst.reduced if isinstance(inst, cim.ReduceOp) else 0
    xbar = inst.xbar.value.data if isinstance(inst, (cim.MvmOp, cim.ProgramOp)) else 0
    replicas = inst.replica_count if isinstance(inst, cim.MvmOp) else 0
    if replicas > 0xFFFF:
        raise CimcError(f"encode: an MVM over {replicas} replicas is more than 65535")
    imm, imm2 = inst.params if isinstance(inst, cim.UnaryOp) else (0.0, 0.0)
    if isinstance(inst, cim.MvmOp):
        imm = float(inst.input_offset)
    if isinstance(inst, cim.FillOp):
        imm = inst.value.value.data
    return (inst.OPCODE, subop, flags, reduce, pattern, replicas, addresses[0], addresses[1], addresses[2], xbar, imm,
            imm2)


# -- decoding ---------------------------------------------------------------------------------------


def decode(image: BinaryImage) -> tuple[ModuleOp, WeightStore]:
    """The cim-level module and weight store of an image; encoding them gives the same image."""
    weights = WeightStore()
    module = ModuleOp([])
    image.arch.attach(module)
    stream = Block()
    allocs = []
    for i, row in enumerate(image.buffers):
        weight = None
        if row["weight"] != NO_STRING:
            weight = image.string(int(row["weight"]))
            if weight not in weights:  # const buffers of one weight share it
                weights.add(weight, image.buffer_data(i))
        alloc = cim.AllocOp(cim.BUFFER_KINDS[int(row["kind"])], int(row["size"]), weight)
        alloc.addr = IntegerAttr(int(row["addr"]), i64)
        name = image.string(int(row["name"]))
        alloc.result.name_hint = name if SSAValue.is_valid_name(name) else None
        stream.add_op(alloc)
        allocs.append(alloc)
    # crossbar contents are not named in the binary: handles of their own, clear of the consts'
    handles: dict[int, str] = {}  # replicas share their contents, and so a handle
    for i, row in enumerate(image.crossbars):
        if int(row["data"]) not in handles:
            handles[int(row["data"])] = weights.add(f"xbar.{int(row['id'])}", image.crossbar_matrix(i))
        handle = handles[int(row["data"])]
        first, width = int(row["first"]), int(row["width"])
        int_slices = slices(image.arch) if image.arch.precision == "int" else None
        ranges = image.adc_ranges(i)
        range_handle = None if ranges is None else weights.add(f"xbar.{int(row['id'])}.adc_range", ranges)
        slot = None if int(row["slot"]) == NO_SLOT else int(row["slot"])
        module.body.block.add_op(cim.CrossbarOp(int(row["id"]), int(row["core"]), handle, (0, int(row["rows"])),
                                                (first, first + width), slices=int_slices, adc_range=range_handle,
                                                slot=slot))

    def binding(row) -> cim.InputOp | cim.OutputOp:
        op = cim.OutputOp if row["output"] else cim.InputOp
        return op(image.string(int(row["name"])), allocs[int(row["buffer"])].result,
                  [int(d) for d in row["dims"][: row["rank"]]])

    for row in image.bindings:
        if not row["output"]:
            stream.add_op(binding(row))
    for layer in image.layers:
        block = Block()
        for i in range(int(layer["first"]), int(layer["first"] + layer["count"])):
            block.add_op(_decode_instruction(image, i, allocs))
        stream.add_op(cim.LayerOp.create(properties={"layer": StringAttr(image.string(int(layer["name"])))},
                                         regions=[Region(block)]))
    for row in image.bindings:
        if row["output"]:
            stream.add_op(binding(row))
    record = image.streams[0]
    properties = {"core": IntegerAttr(int(record["core"]), i64)}
    if int(record["schedule"]):
        properties["schedule"] = StringAttr(cim.SCHEDULES[int(record["schedule"])])
    for name, field in ((BUDGET_ATTR, "budget"), (NO_ALIAS_BOUND_ATTR, "no_alias_bound")):
        if int(record[field]):
            module.attributes[name] = IntegerAttr(int(record[field]), i64)
    module.body.block.add_op(cim.StreamOp.create(properties=properties, regions=[Region(stream)]))
    return module, weights


def _decode_instruction(image: BinaryImage, index: int, allocs: list[cim.AllocOp]) -> cim.InstructionOp:
    word = image.instructions[index]
    op = OPCODES[int(word["opcode"])]
    p = image.patterns[int(word["pattern"])]
    rank = int(p["rank"])
    loops = [int(c) for c in p["counts"][:rank]]
    refs = []
    for slot, address in enumerate(("dst", "src0", "src1")[: operand_count(op)]):
        slot_rank = rank - (int(word["reduce"]) if op is cim.ReduceOp and slot == 0 else 0)
        refs.append((*_buffer_at(image, allocs, int(word[address]), index), [int(s) for s in p["strides"][slot][:slot_rank]]))
    kind = lambda: op.KINDS[int(word["subop"])]  # noqa: E731
    if op is cim.CopyOp:
        return cim.CopyOp(refs[0], refs[1], loops)
    if op is cim.FillOp:
        return cim.FillOp(refs[0], float(word["imm"]), loops)
    if op is cim.MvmOp:
        return cim.MvmOp(int(word["xbar"]), refs[0], refs[1], loops, bool(word["flags"] & FLAG_ACC), int(word["imm"]),
                         int(word["replicas"]), int(p["strides"][0][rank]), int(p["strides"][1][rank]),
                         *((window[:4], window[4]) if (window := mvm_window(p)) is not None else ()))
    if op is cim.ProgramOp:
        return cim.ProgramOp(int(word["xbar"]), loops[0])
    if op is cim.UnaryOp:
        return cim.UnaryOp(kind(), refs[0], refs[1], loops, float(word["imm"]), float(word["imm2"]))
    if op is cim.BinaryOp:
        return cim.BinaryOp(kind(), refs[0], refs[1], refs[2], loops)
    return cim.ReduceOp(kind(), refs[0], refs[1], loops, int(word["reduce"]))


def _buffer_at(image: BinaryImage, allocs: list[cim.AllocOp], address: int, index: int):
    """The buffer live at instruction `index` that holds byte `address`, and the element offset."""
    b = image.buffers
    hit = np.flatnonzero((b["addr"] <= address) & (address < b["addr"] + b["size"]) &
                         (b["first"] <= index) & (index <= b["last"]))
    if len(hit) != 1:
        raise CimcError(f"decode: instruction {index} address {address} lies in {len(hit)} live buffers, expected 1")
    i = int(hit[0])
    return allocs[i].result, (address - int(b["addr"][i])) // ELEMENT_BYTES
