"""The cim dialect: the CIM ISA, one op per machine instruction.

A program is a module holding `cim.crossbar` declarations (which weights each crossbar is
programmed with) and one `cim.stream` per core. A stream allocates buffers (`cim.alloc`,
byte-sized regions of global memory; `plan-memory` gives each an `addr`), binds the model's
inputs and outputs to buffers, and runs `cim.layer` blocks of instructions.

Every instruction works over a loop nest of at most 6 loops: `loops` gives the trip counts
and each memory operand `%buf[offset] [strides]` its element offset and per-loop element
strides (elements are f32). One instruction therefore covers a whole layer's pixels, as in
VTA's micro-op loops, and the instruction count grows with layers and tiles, not image size.

```mlir
cim.crossbar 0 core 0 weight "fc.weight" rows [0, 84] cols [0, 10]
cim.stream core 0 {
  %x = cim.alloc "input" size 336 : !cim.buffer
  %y = cim.alloc "activation" size 40 : !cim.buffer
  cim.input "x" %x shape [1, 84]
  cim.layer "fc" {
    cim.mvm xbar 0 %y[0] [10] from %x[0] [84] loops [1]
  }
  cim.output "y" %y shape [1, 10]
}
```
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import ClassVar, NamedTuple

import numpy as np
from xdsl.dialects.builtin import (
    I64,
    DenseArrayBase,
    Float32Type,
    FloatAttr,
    IntegerAttr,
    ModuleOp,
    StringAttr,
    UnitAttr,
    i64,
)
from xdsl.ir import Dialect, ParametrizedAttribute, SSAValue, TypeAttribute
from xdsl.irdl import (
    IRDLOperation,
    irdl_attr_definition,
    irdl_op_definition,
    operand_def,
    opt_prop_def,
    prop_def,
    region_def,
    result_def,
    traits_def,
)
from xdsl.traits import NoTerminator
from xdsl.utils.exceptions import VerifyException

from cimc.dialects.shapes import ints, numel, span

MAX_LOOPS = 6
ELEMENT_BYTES = 4
BUFFER_KINDS = ("input", "activation", "scratch", "const")
BUDGET_ATTR = "cimc.crossbar_budget"
"""Module attribute: the crossbar budget `replicate` was given (stored in the binary for the report)."""
NO_ALIAS_BOUND_ATTR = "cimc.no_alias_bound"
"""Module attribute: the memory lower bound (bytes) the program would have lowered without
aliasing (set by the driver, carried by the binary for the report)."""
SCHEDULES = ("layer", "element", "batch")
"""How the cost model overlaps work (see docs/cost-model.md): one layer at a time; layers as
soon as their inputs are ready (the element pipeline); one image per layer in flight (the
batch pipeline)."""


def int_array(values) -> DenseArrayBase:
    return DenseArrayBase.from_list(i64, list(values))


@irdl_attr_definition
class BufferType(ParametrizedAttribute, TypeAttribute):
    """`!cim.buffer`: a region of global memory allocated by `cim.alloc`."""

    name = "cim.buffer"


@irdl_op_definition
class CrossbarOp(IRDLOperation):
    """Crossbar `id` on `core`, programmed with rows [r0, r1) x cols [c0, c1) of the K x N
    crossbar view of weight `weight`, or with `groups` packed group blocks of it placed
    block-diagonally (see cimc.weights.tile_matrix).

    With `slices` S (precision "int") the weight is integer and cols are physical columns of
    its n-major cell layout: weight column n owns columns n*2S .. n*2S + 2S - 1, holding
    digits 0..S-1 of its positive and negative parts (see cimc.numerics). The crossbar then
    serves weight columns [c0 / 2S, ceil(c1 / 2S)). `adc_range` names the weight-store array of
    its calibrated ADC ranges, one per physical column (without it the ADC spans full scale).

    `slot` is the crossbar's position on its core when crossbars are reprogrammed during a run
    (`allow_reload`): crossbars sharing a (core, slot) take turns, each written by a
    `cim.program` before the MVMs that use it. Without `slot` a crossbar has its array to itself
    and is programmed once, when the program is loaded.
    """

    name = "cim.crossbar"
    id = prop_def(IntegerAttr[I64])
    core = prop_def(IntegerAttr[I64])
    weight = prop_def(StringAttr)
    rows = prop_def(DenseArrayBase[I64])
    cols = prop_def(DenseArrayBase[I64])
    groups = opt_prop_def(IntegerAttr[I64])
    slices = opt_prop_def(IntegerAttr[I64])
    adc_range = opt_prop_def(StringAttr)
    slot = opt_prop_def(IntegerAttr[I64])
    assembly_format = ("$id `core` $core (`slot` $slot^)? `weight` $weight `rows` $rows `cols` $cols "
                       "(`groups` $groups^)? (`slices` $slices^)? (`adc_range` $adc_range^)? attr-dict")

    def __init__(self, id: int, core: int, weight: str, rows: tuple[int, int], cols: tuple[int, int],
                 groups: int = 1, slices: int | None = None, adc_range: str | None = None,
                 slot: int | None = None):
        props = {"id": IntegerAttr(id, i64), "core": IntegerAttr(core, i64), "weight": StringAttr(weight),
                 "rows": int_array(rows), "cols": int_array(cols)}
        if slot is not None:
            props["slot"] = IntegerAttr(slot, i64)
        if groups != 1:
            props["groups"] = IntegerAttr(groups, i64)
        if slices is not None:
            props["slices"] = IntegerAttr(slices, i64)
        if adc_range is not None:
            props["adc_range"] = StringAttr(adc_range)
        super().__init__(properties=props)

    @property
    def group_count(self) -> int:
        return 1 if self.groups is None else self.groups.value.data

    @property
    def weight_cols(self) -> tuple[int, int]:
        """The weight columns the crossbar serves."""
        c0, c1 = ints(self.cols)
        if self.slices is None:
            return c0, c1
        width = 2 * self.slices.value.data
        return c0 // width, -(-c1 // width)

    @property
    def physical_cols(self) -> int:
        c0, c1 = ints(self.cols)
        return c1 - c0

    @property
    def shape(self) -> tuple[int, int]:
        """Input rows x output (weight) columns."""
        (r0, r1), (c0, c1) = ints(self.rows), self.weight_cols
        return self.group_count * (r1 - r0), c1 - c0

    def verify_(self) -> None:
        if self.id.value.data < 0 or self.core.value.data < 0 or (self.slot is not None and self.slot.value.data < 0):
            raise VerifyException("cim.crossbar: 'id', 'core' and 'slot' must be >= 0")
        for name in ("rows", "cols"):
            r = ints(getattr(self, name))
            if len(r) != 2 or not 0 <= r[0] < r[1]:
                raise VerifyException(f"cim.crossbar: '{name}' must be a non-empty [begin, end] range, got {list(r)}")
        if self.slices is not None and self.slices.value.data < 1:
            raise VerifyException(f"cim.crossbar: 'slices' must be >= 1, got {self.slices.value.data}")
        if self.group_count < 1 or self.shape[1] % self.group_count:
            raise VerifyException(f"cim.crossbar: 'groups' {self.group_count} must be >= 1 and divide its "
                                  f"{self.shape[1]} columns")
        if self.adc_range is not None and self.slices is None:
            raise VerifyException("cim.crossbar: only an int crossbar (with 'slices') has an 'adc_range'")


@irdl_op_definition
class AllocOp(IRDLOperation):
    """A buffer of `size` bytes in global memory, at byte address `addr` once planned.

    `kind` is input, activation, scratch (lowering temporaries) or const; a const buffer is
    loaded with the weight-store array `weight` before the program runs.
    """

    name = "cim.alloc"
    kind = prop_def(StringAttr)
    size = prop_def(IntegerAttr[I64])
    addr = opt_prop_def(IntegerAttr[I64])
    weight = opt_prop_def(StringAttr)
    result = result_def(BufferType)
    assembly_format = "$kind `size` $size (`addr` $addr^)? (`weight` $weight^)? attr-dict `:` type($result)"

    def __init__(self, kind: str, size: int, weight: str | None = None):
        props = {"kind": StringAttr(kind), "size": IntegerAttr(size, i64)}
        if weight is not None:
            props["weight"] = StringAttr(weight)
        super().__init__(properties=props, result_types=[BufferType()])

    @property
    def size_bytes(self) -> int:
        return self.size.value.data

    def verify_(self) -> None:
        _check_parent(self, StreamOp)
        kind = self.kind.data
        if kind not in BUFFER_KINDS:
            raise VerifyException(f"cim.alloc: 'kind' must be one of {', '.join(BUFFER_KINDS)}, got \"{kind}\"")
        if self.size_bytes <= 0 or self.size_bytes % ELEMENT_BYTES:
            raise VerifyException(f"cim.alloc: 'size' must be a positive multiple of {ELEMENT_BYTES}, got {self.size_bytes}")
        if self.addr is not None and (self.addr.value.data < 0 or self.addr.value.data % ELEMENT_BYTES):
            raise VerifyException(f"cim.alloc: 'addr' must be a non-negative multiple of {ELEMENT_BYTES}")
        if (kind == "const") != (self.weight is not None):
            raise VerifyException("cim.alloc: a 'const' buffer needs a 'weight', and only a const buffer has one")


def _check_parent(op: IRDLOperation, parent: type[IRDLOperation]) -> None:
    if not isinstance(op.parent_op(), parent):
        raise VerifyException(f"{op.name}: must be inside a {parent.name}")


def _alloc_of(op: IRDLOperation, value: SSAValue, role: str) -> AllocOp:
    owner = value.owner
    if not isinstance(owner, AllocOp):
        raise VerifyException(f"{op.name}: operand '{role}' must be a buffer defined by cim.alloc")
    return owner


class Access(NamedTuple):
    """One memory operand of an instruction: element offset, per-loop element strides, and the
    run of `extent` elements, `run_stride` apart, touched at each point of the loop nest."""

    role: str
    buffer: SSAValue
    offset: int
    strides: tuple[int, ...]
    extent: int
    run_stride: int = 1
    window: tuple[int, int, int, int, int] | None = None
    """An MVM's input window (kh, kw, y stride, x stride, first row): see cim.MvmOp."""


class InstructionOp(IRDLOperation):
    """An instruction over a loop nest; subclasses list their memory operands in `accesses`."""

    OPCODE: ClassVar[int]
    loops = prop_def(DenseArrayBase[I64])

    @property
    def loop_counts(self) -> tuple[int, ...]:
        return ints(self.loops)

    def accesses(self, extents: tuple[int, int] = (1, 1)) -> list[Access]:
        """The memory operands. `extents` are the (src, dst) contiguous runs, (rows, cols) for an MVM."""
        raise NotImplementedError

    def stride_ranks(self) -> dict[str, int]:
        """How many strides each operand has (all loops, unless an op says otherwise)."""
        return {a.role: len(self.loop_counts) for a in self.accesses()}

    def verify_(self) -> None:
        _check_parent(self, LayerOp)
        loops = self.loop_counts
        if not 1 <= len(loops) <= MAX_LOOPS:
            raise VerifyException(f"{self.name}: 'loops' must have 1 to {MAX_LOOPS} entries, got {len(loops)}")
        if any(n < 1 for n in loops):
            raise VerifyException(f"{self.name}: 'loops' counts must be >= 1, got {list(loops)}")
        ranks = self.stride_ranks()
        for access in self.accesses():
            if len(access.strides) != ranks[access.role]:
                raise VerifyException(
                    f"{self.name}: operand '{access.role}' has {len(access.strides)} strides, expected {ranks[access.role]}")
            _alloc_of(self, access.buffer, access.role)
        if not isinstance(self, MvmOp):
            check_bounds(self, self.accesses())


def check_bounds(op: InstructionOp, accesses: list[Access]) -> None:
    for access in accesses:
        alloc = _alloc_of(op, access.buffer, access.role)
        loops = op.loop_counts[: len(access.strides)]
        lo, hi = span(access.offset, loops, access.strides, access.extent, access.run_stride, access.window)
        if lo < 0 or hi * ELEMENT_BYTES > alloc.size_bytes:
            raise VerifyException(
                f"{op.name}: operand '{access.role}' touches elements [{lo}, {hi}) outside its buffer of "
                f"{alloc.size_bytes // ELEMENT_BYTES} elements")


def _operand():
    return (operand_def(BufferType), prop_def(IntegerAttr[I64]), prop_def(DenseArrayBase[I64]))


def _mem(op: IRDLOperation, role: str, extent: int = 1, run_stride: int = 1,
         window: tuple[int, int, int, int, int] | None = None) -> Access:
    return Access(role, getattr(op, role), getattr(op, f"{role}_offset").value.data,
                  ints(getattr(op, f"{role}_strides")), extent, run_stride, window)


def _mem_props(**operands: tuple[int, list[int]]) -> dict:
    props = {}
    for role, (offset, strides) in operands.items():
        props[f"{role}_offset"] = IntegerAttr(offset, i64)
        props[f"{role}_strides"] = int_array(strides)
    return props


def _int_or(attr: IntegerAttr | None, default: int) -> int:
    """An optional integer property's value, `default` when it is absent."""
    return default if attr is None else attr.value.data


MemRef = tuple[SSAValue, int, list[int]]
"""(buffer, element offset, per-loop element strides), as passed to instruction builders."""


@irdl_op_definition
class CopyOp(InstructionOp):
    """dst[i] = src[i] at every point i of the loop nest (layout changes, padding, im2col).
    dst and src may overlap: src is read whole before dst is written, as a copy running from the
    last point to the first does when every element moves to a higher address (a feature map
    widened to its padded layout in its own buffer)."""

    name = "cim.copy"
    OPCODE: ClassVar[int] = 1
    dst, dst_offset, dst_strides = _operand()
    src, src_offset, src_strides = _operand()
    assembly_format = ("$dst `[` $dst_offset `]` $dst_strides `from` $src `[` $src_offset `]` $src_strides "
                       "`loops` $loops attr-dict")

    def __init__(self, dst: MemRef, src: MemRef, loops):
        super().__init__(operands=[dst[0], src[0]],
                         properties={"loops": int_array(loops), **_mem_props(dst=dst[1:], src=src[1:])})

    def accesses(self, extents=(1, 1)) -> list[Access]:
        return [_mem(self, "dst"), _mem(self, "src")]


@irdl_op_definition
class FillOp(InstructionOp):
    """dst[i] = value at every point i of the loop nest (zeroing, pad borders)."""

    name = "cim.fill"
    OPCODE: ClassVar[int] = 2
    dst, dst_offset, dst_strides = _operand()
    value = prop_def(FloatAttr[Float32Type])
    assembly_format = "$dst `[` $dst_offset `]` $dst_strides `value` $value `loops` $loops attr-dict"

    def __init__(self, dst: MemRef, value: float, loops):
        super().__init__(operands=[dst[0]], properties={"loops": int_array(loops), "value": FloatAttr(value, Float32Type()),
                                                         **_mem_props(dst=dst[1:])})

    def accesses(self, extents=(1, 1)) -> list[Access]:
        return [_mem(self, "dst")]


@irdl_op_definition
class MvmOp(InstructionOp):
    """Crossbar matrix-vector products: at every point i of the loop nest, the crossbar's
    R x C matrix W is driven with the R inputs src[i], src[i + r], ..., src[i + (R-1)*r] and
    its C column sums are written to dst[i], dst[i + s], ..., dst[i + (C-1)*s], added to them
    with `acc` (partial sums over row tiles); r is the `row_stride` and s the `col_stride`, 1
    unless given. They let a conv read and write NCHW feature maps in place of pixel-major
    matrices: pixels are the loop points (stride 1) and channels H*W apart, so a 1x1 conv
    needs no im2col copy and no conv's product a col2im copy. The dst elements of distinct
    loop points must not overlap: the loop points run in parallel.

    With a `window` [kh, kw, a, b] the crossbar's row r takes input q = first_row + r of
    kh x kw windows over channels: q = (c*kh + y)*kw + x reads src[i + c*row_stride + y*a +
    x*b]. A conv's MVMs read its padded NCHW input through it, pixels the loop points (2-D
    output rows and columns): the window matrix (im2col) is made by the input address
    generator instead of a copy in memory. `first_row` (0 unless given; only with a window) is
    where a row tile starts in the window matrix's rows: anywhere, not only at a channel.

    On an int crossbar (one with `slices`) the inputs are integer codes, each raised by
    `offset` (offset binary for signed codes) and applied dac_bits per cycle; every physical
    column's sum goes through the ADC each cycle, and the shift-and-add unit adds
    2^(dac_bits*cycle) * polarity * 2^(cell_bits*slice) * reading into the column's weight
    column of dst (see cimc.numerics).

    With `replicas` R, crossbars xbar .. xbar+R-1 hold the same weights and share the work:
    the first loop's points are cut into R contiguous chunks of ceil(n / R), chunk r on
    crossbar xbar+r, all running at once."""

    name = "cim.mvm"
    OPCODE: ClassVar[int] = 3
    xbar = prop_def(IntegerAttr[I64])
    dst, dst_offset, dst_strides = _operand()
    src, src_offset, src_strides = _operand()
    acc = opt_prop_def(UnitAttr)
    offset = opt_prop_def(IntegerAttr[I64])
    replicas = opt_prop_def(IntegerAttr[I64])
    col_stride = opt_prop_def(IntegerAttr[I64])
    row_stride = opt_prop_def(IntegerAttr[I64])
    window = opt_prop_def(DenseArrayBase[I64])
    first_row = opt_prop_def(IntegerAttr[I64])
    assembly_format = ("`xbar` $xbar (`replicas` $replicas^)? $dst `[` $dst_offset `]` $dst_strides "
                       "(`col_stride` $col_stride^)? `from` $src `[` $src_offset `]` $src_strides "
                       "(`row_stride` $row_stride^)? (`window` $window^)? (`first_row` $first_row^)? "
                       "`loops` $loops (`acc` $acc^)? (`offset` $offset^)? attr-dict")

    def __init__(self, xbar: int, dst: MemRef, src: MemRef, loops, acc: bool, offset: int = 0, replicas: int = 1,
                 col_stride: int = 1, row_stride: int = 1, window: Sequence[int] | None = None, first_row: int = 0):
        props = {"xbar": IntegerAttr(xbar, i64), "loops": int_array(loops), **_mem_props(dst=dst[1:], src=src[1:])}
        for name, value, default in (("col_stride", col_stride, 1), ("row_stride", row_stride, 1),
                                     ("first_row", first_row, 0)):
            if value != default:
                props[name] = IntegerAttr(value, i64)
        if window is not None:
            props["window"] = int_array(window)
        if acc:
            props["acc"] = UnitAttr()
        if offset:
            props["offset"] = IntegerAttr(offset, i64)
        if replicas != 1:
            props["replicas"] = IntegerAttr(replicas, i64)
        super().__init__(operands=[dst[0], src[0]], properties=props)

    @property
    def input_offset(self) -> int:
        return _int_or(self.offset, 0)

    @property
    def replica_count(self) -> int:
        return _int_or(self.replicas, 1)

    @property
    def column_stride(self) -> int:
        return _int_or(self.col_stride, 1)

    @property
    def input_stride(self) -> int:
        return _int_or(self.row_stride, 1)

    @property
    def input_window(self) -> tuple[int, int, int, int, int] | None:
        """(kh, kw, y stride, x stride, first row), None without a window."""
        if self.window is None:
            return None
        return (*ints(self.window), _int_or(self.first_row, 0))

    def verify_(self) -> None:
        if self.input_offset < 0:
            raise VerifyException(f"cim.mvm: 'offset' must be >= 0, got {self.input_offset}")
        for name, stride in (("col_stride", self.column_stride), ("row_stride", self.input_stride)):
            if stride < 1:
                raise VerifyException(f"cim.mvm: '{name}' must be >= 1, got {stride}")
        if self.window is not None and (len(ints(self.window)) != 4 or min(ints(self.window)) < 1):
            raise VerifyException(f"cim.mvm: 'window' must be [kh, kw, y stride, x stride], each >= 1, "
                                  f"got {list(ints(self.window))}")
        if self.first_row is not None and (self.window is None or self.first_row.value.data < 0):
            raise VerifyException(f"cim.mvm: 'first_row' must be >= 0 and needs a 'window', got "
                                  f"{self.first_row.value.data}{'' if self.window is not None else ' without one'}")
        if not 1 <= len(self.loop_counts) < MAX_LOOPS:
            raise VerifyException(f"cim.mvm: 'loops' must have 1 to {MAX_LOOPS - 1} entries (the crossbar's columns and "
                                  f"rows are the operands' last loop), got {len(self.loop_counts)}")
        if self.loop_counts and not 1 <= self.replica_count <= self.loop_counts[0]:
            raise VerifyException(f"cim.mvm: 'replicas' must be in 1..{self.loop_counts[0]} (the first loop's count), "
                                  f"got {self.replica_count}")
        super().verify_()

    @property
    def xbar_id(self) -> int:
        return self.xbar.value.data

    def accesses(self, extents=(1, 1)) -> list[Access]:
        return [_mem(self, "dst", extents[1], self.column_stride),
                _mem(self, "src", extents[0], self.input_stride, self.input_window)]


class KindOp(InstructionOp):
    """An instruction with a `kind` chosen from `KINDS` (its sub-opcode is the index)."""

    KINDS: ClassVar[tuple[str, ...]]
    kind = prop_def(StringAttr)

    @property
    def subop(self) -> int:
        return self.KINDS.index(self.kind.data)

    def verify_(self) -> None:
        if self.kind.data not in self.KINDS:
            raise VerifyException(f"{self.name}: kind must be one of {', '.join(self.KINDS)}, got \"{self.kind.data}\"")
        super().verify_()


@irdl_op_definition
class UnaryOp(KindOp):
    """dst[i] = f(src[i]) on the vector unit, with parameters a and b (0 unless given):

    relu: max(x, 0); clip: min(max(x, a), b); leaky_relu: x if x >= 0 else a * x;
    sigmoid: 1 / (1 + exp(-x)); tanh; exp; affine: a * x + b; pow: x ^ a;
    quantize: clip(rint(x / a), -b, b); quantize_unsigned: clip(rint(x / a), 0, b).
    """

    name = "cim.unary"
    OPCODE: ClassVar[int] = 4
    KINDS: ClassVar[tuple[str, ...]] = ("relu", "clip", "leaky_relu", "sigmoid", "tanh", "exp", "affine", "pow",
                                        "quantize", "quantize_unsigned")
    dst, dst_offset, dst_strides = _operand()
    src, src_offset, src_strides = _operand()
    a = opt_prop_def(FloatAttr[Float32Type])
    b = opt_prop_def(FloatAttr[Float32Type])
    assembly_format = ("$kind $dst `[` $dst_offset `]` $dst_strides `from` $src `[` $src_offset `]` $src_strides "
                       "`loops` $loops (`a` $a^)? (`b` $b^)? attr-dict")

    def __init__(self, kind: str, dst: MemRef, src: MemRef, loops, a: float = 0.0, b: float = 0.0):
        props = {"kind": StringAttr(kind), "loops": int_array(loops), **_mem_props(dst=dst[1:], src=src[1:])}
        for name, value in (("a", a), ("b", b)):
            if value != 0.0:
                props[name] = FloatAttr(value, Float32Type())
        super().__init__(operands=[dst[0], src[0]], properties=props)

    @property
    def params(self) -> tuple[float, float]:
        return tuple(0.0 if p is None else p.value.data for p in (self.a, self.b))  # type: ignore[return-value]

    def accesses(self, extents=(1, 1)) -> list[Access]:
        return [_mem(self, "dst"), _mem(self, "src")]


@irdl_op_definition
class BinaryOp(KindOp):
    """dst[i] = f(lhs[i], rhs[i]) on the vector unit; a zero stride broadcasts an operand."""

    name = "cim.binary"
    OPCODE: ClassVar[int] = 5
    KINDS: ClassVar[tuple[str, ...]] = ("add", "sub", "mul", "max", "min", "div")
    dst, dst_offset, dst_strides = _operand()
    lhs, lhs_offset, lhs_strides = _operand()
    rhs, rhs_offset, rhs_strides = _operand()
    assembly_format = ("$kind $dst `[` $dst_offset `]` $dst_strides `from` $lhs `[` $lhs_offset `]` $lhs_strides "
                       "`,` $rhs `[` $rhs_offset `]` $rhs_strides `loops` $loops attr-dict")

    def __init__(self, kind: str, dst: MemRef, lhs: MemRef, rhs: MemRef, loops):
        super().__init__(operands=[dst[0], lhs[0], rhs[0]], properties={
            "kind": StringAttr(kind), "loops": int_array(loops),
            **_mem_props(dst=dst[1:], lhs=lhs[1:], rhs=rhs[1:])})

    def accesses(self, extents=(1, 1)) -> list[Access]:
        return [_mem(self, "dst"), _mem(self, "lhs"), _mem(self, "rhs")]


@irdl_op_definition
class ReduceOp(KindOp):
    """Reduction over the innermost `reduce` loops: dst[o] = f over r of src[o, r] (pools).
    dst has strides for the outer loops only; mean divides by the product of the reduced counts."""

    name = "cim.reduce"
    OPCODE: ClassVar[int] = 6
    KINDS: ClassVar[tuple[str, ...]] = ("max", "sum", "mean")
    reduce = prop_def(IntegerAttr[I64])
    dst, dst_offset, dst_strides = _operand()
    src, src_offset, src_strides = _operand()
    assembly_format = ("$kind $dst `[` $dst_offset `]` $dst_strides `from` $src `[` $src_offset `]` $src_strides "
                       "`loops` $loops `reduce` $reduce attr-dict")

    def __init__(self, kind: str, dst: MemRef, src: MemRef, loops, reduce: int):
        super().__init__(operands=[dst[0], src[0]], properties={
            "kind": StringAttr(kind), "loops": int_array(loops), "reduce": IntegerAttr(reduce, i64),
            **_mem_props(dst=dst[1:], src=src[1:])})

    @property
    def reduced(self) -> int:
        return self.reduce.value.data

    def stride_ranks(self) -> dict[str, int]:
        rank = len(self.loop_counts)
        return {"dst": rank - self.reduced, "src": rank}

    def verify_(self) -> None:
        if self.loop_counts and not 1 <= self.reduced <= len(self.loop_counts):
            raise VerifyException(f"cim.reduce: 'reduce' must be in 1..{len(self.loop_counts)}, got {self.reduced}")
        super().verify_()

    def accesses(self, extents=(1, 1)) -> list[Access]:
        return [_mem(self, "dst"), _mem(self, "src")]


@irdl_op_definition
class ProgramOp(InstructionOp):
    """Writes crossbars xbar .. xbar+n-1 (n = the one loop count) with the weights their
    `cim.crossbar` declarations name, into their (core, slot). Only programs that reprogram
    crossbars during a run (`allow_reload`) have it; the others are programmed at load time."""

    name = "cim.program"
    OPCODE: ClassVar[int] = 7
    xbar = prop_def(IntegerAttr[I64])
    assembly_format = "`xbar` $xbar `loops` $loops attr-dict"

    def __init__(self, first: int, count: int):
        super().__init__(properties={"xbar": IntegerAttr(first, i64), "loops": int_array([count])})

    def accesses(self, extents=(1, 1)) -> list[Access]:
        return []

    @property
    def crossbar_ids(self) -> range:
        first = self.xbar.value.data
        return range(first, first + self.loop_counts[0])

    def verify_(self) -> None:
        if len(self.loop_counts) != 1:
            raise VerifyException(f"cim.program: 'loops' is one count (the crossbars written), got {list(self.loop_counts)}")
        super().verify_()


INSTRUCTIONS: tuple[type[InstructionOp], ...] = (CopyOp, FillOp, MvmOp, UnaryOp, BinaryOp, ReduceOp, ProgramOp)


class BindingOp(IRDLOperation):
    """Binds a model input or output `tensor` of `shape` to a buffer."""

    tensor = prop_def(StringAttr)
    buffer = operand_def(BufferType)
    shape = prop_def(DenseArrayBase[I64])
    assembly_format = "$tensor $buffer `shape` $shape attr-dict"

    def __init__(self, tensor: str, buffer: SSAValue, shape):
        super().__init__(operands=[buffer], properties={"tensor": StringAttr(tensor), "shape": int_array(shape)})

    def verify_(self) -> None:
        _check_parent(self, StreamOp)
        alloc = _alloc_of(self, self.buffer, "buffer")
        shape = ints(self.shape)
        if any(d < 1 for d in shape):
            raise VerifyException(f"{self.name} \"{self.tensor.data}\": 'shape' dims must be >= 1, got {list(shape)}")
        n = numel(shape)
        if n * ELEMENT_BYTES > alloc.size_bytes:
            raise VerifyException(f"{self.name} \"{self.tensor.data}\": shape {list(shape)} needs {n * ELEMENT_BYTES} "
                                  f"bytes, buffer has {alloc.size_bytes}")


@irdl_op_definition
class InputOp(BindingOp):
    """Binds the model input `tensor` to a buffer; the host writes it before the run."""

    name = "cim.input"


@irdl_op_definition
class OutputOp(BindingOp):
    """Binds the model output `tensor` to a buffer; the host reads it after the run."""

    name = "cim.output"


@irdl_op_definition
class LayerOp(IRDLOperation):
    """The instructions of one layer of the model, named for the report."""

    name = "cim.layer"
    layer = prop_def(StringAttr)
    body = region_def("single_block")
    traits = traits_def(NoTerminator())
    assembly_format = "$layer $body attr-dict"

    def verify_(self) -> None:
        _check_parent(self, StreamOp)
        for op in self.body.block.ops:
            if not isinstance(op, InstructionOp):
                raise VerifyException(f"cim.layer \"{self.layer.data}\": holds instructions only, found {op.name}")


@irdl_op_definition
class StreamOp(IRDLOperation):
    """The instruction stream of one core: allocations, I/O bindings and layers, run in order.
    `schedule` (one of SCHEDULES, set by the schedule pass; default "layer") is how the cost
    model overlaps the layers; it never changes what the stream computes."""

    name = "cim.stream"
    core = prop_def(IntegerAttr[I64])
    schedule = opt_prop_def(StringAttr)
    body = region_def("single_block")
    traits = traits_def(NoTerminator())
    assembly_format = "`core` $core (`schedule` $schedule^)? $body attr-dict"

    @property
    def schedule_mode(self) -> str:
        return "layer" if self.schedule is None else self.schedule.data

    def instructions(self) -> Iterator[InstructionOp]:
        for op in self.body.block.ops:
            if isinstance(op, LayerOp):
                yield from op.body.block.ops  # type: ignore[misc]

    def verify_(self) -> None:
        if self.core.value.data < 0:
            raise VerifyException(f"cim.stream: 'core' must be >= 0, got {self.core.value.data}")
        if self.schedule_mode not in SCHEDULES:
            raise VerifyException(f"cim.stream: 'schedule' must be one of {', '.join(SCHEDULES)}, got "
                                  f"\"{self.schedule_mode}\"")
        allowed = (AllocOp, InputOp, OutputOp, LayerOp)
        for op in self.body.block.ops:
            if not isinstance(op, allowed):
                raise VerifyException(f"cim.stream: holds cim.alloc, cim.input, cim.output and cim.layer, found {op.name}")
        module = self.parent_op()
        xbars: dict[int, CrossbarOp] = {}
        for decl in module.ops if isinstance(module, ModuleOp) else ():
            if isinstance(decl, CrossbarOp):
                if decl.id.value.data in xbars:
                    raise VerifyException(f"cim.crossbar: id {decl.id.value.data} is declared twice")
                xbars[decl.id.value.data] = decl
        for inst in self.instructions():
            if isinstance(inst, ProgramOp):
                for ident in inst.crossbar_ids:
                    if ident not in xbars or xbars[ident].slot is None:
                        raise VerifyException(f"cim.program: crossbar {ident} is not declared by a cim.crossbar with a 'slot'")
            if isinstance(inst, MvmOp):
                xbar = xbars.get(inst.xbar_id)
                if xbar is None:
                    raise VerifyException(f"cim.mvm: crossbar {inst.xbar_id} is not declared by a cim.crossbar")
                for replica in range(inst.xbar_id + 1, inst.xbar_id + inst.replica_count):
                    if replica not in xbars or xbars[replica].shape != xbar.shape:
                        raise VerifyException(f"cim.mvm: replica crossbar {replica} of crossbar {inst.xbar_id} is not "
                                              f"declared with the same {xbar.shape[0]}x{xbar.shape[1]} shape")
                if inst.input_offset and xbar.slices is None:
                    raise VerifyException(f"cim.mvm: an 'offset' needs an int crossbar; crossbar {inst.xbar_id} has no 'slices'")
                check_bounds(inst, inst.accesses(xbar.shape))


def crossbars(module: ModuleOp) -> dict[int, CrossbarOp]:
    """The module's crossbar declarations by id."""
    return {op.id.value.data: op for op in module.ops if isinstance(op, CrossbarOp)}


def streams(module: ModuleOp) -> list[StreamOp]:
    return [op for op in module.ops if isinstance(op, StreamOp)]


Cim = Dialect(
    "cim",
    [CrossbarOp, AllocOp, CopyOp, FillOp, MvmOp, UnaryOp, BinaryOp, ReduceOp, ProgramOp, InputOp, OutputOp, LayerOp,
     StreamOp],
    [BufferType],
)


def live_profile(sizes: Sequence[int], firsts: Sequence[int], lasts: Sequence[int]) -> np.ndarray:
    """The sum of sizes of the buffers live at each step (live ranges [first, last])."""
    if not len(sizes):
        return np.zeros(1, np.int64)
    firsts, lasts = np.asarray(firsts, np.int64), np.asarray(lasts, np.int64)
    delta = np.zeros(int(lasts.max()) + 2, np.int64)
    np.add.at(delta, firsts, np.asarray(sizes, np.int64))
    np.add.at(delta, lasts + 1, -np.asarray(sizes, np.int64))
    return np.cumsum(delta)[:-1]


def live_peak(sizes: Sequence[int], firsts: Sequence[int], lasts: Sequence[int]) -> int:
    """The largest sum of sizes of the buffers live at one step: the lower bound of any memory
    plan."""
    return int(live_profile(sizes, firsts, lasts).max())


def buffer_lifetimes(stream: StreamOp) -> dict[AllocOp, tuple[int, int]]:
    """Each buffer's live range [first, last] in instruction indices of the stream.

    Inputs are live from the start (the host writes them first), outputs to the end (the host
    reads them last), const buffers throughout (loaded with the program); a buffer that only
    binds I/O and is touched by no instruction is live throughout.
    """
    instructions = list(stream.instructions())
    end = max(len(instructions) - 1, 0)
    first: dict[AllocOp, int] = {}
    last: dict[AllocOp, int] = {}
    for i, inst in enumerate(instructions):
        for operand in inst.operands:
            alloc = operand.owner
            assert isinstance(alloc, AllocOp)
            first.setdefault(alloc, i)
            last[alloc] = i
    lifetimes: dict[AllocOp, tuple[int, int]] = {}
    for op in stream.body.block.ops:
        if isinstance(op, AllocOp):
            if op.kind.data == "const" or op not in first:
                lifetimes[op] = (0, end)
            else:
                lifetimes[op] = (0 if op.kind.data == "input" else first[op], last[op])
    for op in stream.body.block.ops:
        if isinstance(op, OutputOp):
            alloc = op.buffer.owner
            assert isinstance(alloc, AllocOp)
            lifetimes[alloc] = (lifetimes[alloc][0], end)
    return lifetimes
