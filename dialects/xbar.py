"""The xbar dialect: convs and gemms as grids of crossbar tiles.

A conv or gemm is a weight matrix of K rows by N columns (a conv's K is Cin*kh*kw / groups,
its N is Cout) cut into tiles that each fit one crossbar. Window extraction (`xbar.im2col`),
the tile products (`xbar.mvm`), partial-sum accumulation over row tiles (`xbar.accumulate`),
the assembly of column tiles (`xbar.concat`) and the return to NCHW (`xbar.col2im`) are ops
of their own, one per tile or per layer, never per pixel. Digital ops (relu, add, pools,
reshapes) stay graph ops at this level.

```mlir
%cols = xbar.im2col %x kernel [5, 5] strides [1, 1] pads [2, 2, 2, 2] dilations [1, 1]
          : (tensor<1x1x28x28xf32>) -> tensor<784x25xf32>
%t = xbar.mvm %cols, %w group 0 rows [0, 25] cols [0, 6]
       : (tensor<784x25xf32>, tensor<6x1x5x5xf32>) -> tensor<784x6xf32>
%y = xbar.col2im %t : (tensor<784x6xf32>) -> tensor<1x6x28x28xf32>
```
"""

from __future__ import annotations

from xdsl.dialects.builtin import I64, DenseArrayBase, IntegerAttr, TensorType, i64
from xdsl.ir import Dialect, SSAValue
from xdsl.irdl import (
    IRDLOperation,
    ParsePropInAttrDict,
    irdl_op_definition,
    operand_def,
    opt_prop_def,
    prop_def,
    result_def,
    traits_def,
    var_operand_def,
)
from xdsl.traits import Pure
from xdsl.utils.exceptions import VerifyException

from cimc.dialects.graph import WeightOp, WindowOp, check_rank, fmt_shape
from cimc.dialects.shapes import Shape, ints, numel, shape_of


def matrix_shape(weight_shape: Shape) -> tuple[int, int]:
    """K x N of the crossbar view of a weight (see cimc.weights.weight_matrix)."""
    if len(weight_shape) == 2:
        return weight_shape[0], weight_shape[1]
    return numel(weight_shape[1:]), weight_shape[0]


@irdl_op_definition
class Im2colOp(WindowOp):
    """Window extraction: NCHW input to a (N*OH*OW) x (C*kh*kw) matrix, one row per output
    pixel, columns ordered (channel, kernel row, kernel column); padded positions are zeros."""

    name = "xbar.im2col"
    input = operand_def(TensorType)
    result = result_def(TensorType)
    kernel = prop_def(DenseArrayBase[I64])
    traits = traits_def(Pure())
    irdl_options = (ParsePropInAttrDict(),)
    assembly_format = (
        "$input `kernel` $kernel `strides` $strides `pads` $pads `dilations` $dilations attr-dict "
        "`:` functional-type(operands, results)")

    def __init__(self, input: SSAValue, kernel, strides, pads, dilations, result_type: TensorType):
        super().__init__(
            operands=[input], result_types=[result_type],
            properties={name: DenseArrayBase.from_list(i64, v) for name, v in
                        (("kernel", kernel), ("strides", strides), ("pads", pads), ("dilations", dilations))})

    def window(self) -> tuple[int, int]:
        kh, kw = ints(self.kernel)
        return kh, kw

    def verify_attributes(self) -> None:
        super().verify_attributes()
        if len(ints(self.kernel)) != 2 or min(ints(self.kernel)) < 1:
            raise VerifyException(f"xbar.im2col: 'kernel' must be 2 entries >= 1, got {list(ints(self.kernel))}")

    def infer_shape(self) -> Shape:
        x = shape_of(self.input)
        check_rank(self, "input", x, 4)
        n, c, h, w = x
        oh, ow = self.window_shape(h, w)
        kh, kw = self.window()
        return (n * oh * ow, c * kh * kw)


@irdl_op_definition
class MvmOp(IRDLOperation):
    """The product of one crossbar tile: `input[:, in0:in0+r] @ M[r0:r1, c0:c1]`.

    M is the K x N crossbar view of `weight` (a conv's OIHW as (I*kh*kw) x O, a gemm's K x N),
    rows = [r0, r1) and cols = [c0, c1) select the tile, and r = r1 - r0. A grouped conv's
    groups share M's rows and own disjoint column ranges: the tile of group g reads input
    columns from in0 = g*K + r0. With `groups` G > 1 the tile packs groups g .. g+G-1 of a
    grouped conv block-diagonally: it takes all K rows of each, reads input columns
    [g*K, (g+G)*K) and cols spans their G column blocks (see cimc.weights.tile_matrix).
    `core` and `xbar` place the tile once it is mapped. With `replicas` R (set by `replicate`)
    the tile's weights sit on R crossbars, each computing a contiguous 1/R of the input rows
    (pixels), so the tile takes ceil(P / R) crossbar activations instead of P.

    With precision "int" a tile is one bit slice of one polarity (see cimc.numerics): `slice`
    s and `polarity` p (+1 or -1) select the cells holding digit s (base 2^cell_bits) of the
    magnitudes max(p * Wq, 0) of the integer weight Wq, and the result is the integer column
    sums (input + offset) @ cells, `offset` being what the DACs add to signed input codes.
    The 2 * slices tiles of one row tile are interleaved on crossbars (each weight column's
    cells side by side); lower-to-isa cuts them into crossbars of xbar_cols columns.
    """

    name = "xbar.mvm"
    input = operand_def(TensorType)
    weight = operand_def(TensorType)
    result = result_def(TensorType)
    group = prop_def(IntegerAttr[I64])
    groups = opt_prop_def(IntegerAttr[I64])
    rows = prop_def(DenseArrayBase[I64])
    cols = prop_def(DenseArrayBase[I64])
    slice = opt_prop_def(IntegerAttr[I64])
    polarity = opt_prop_def(IntegerAttr[I64])
    offset = opt_prop_def(IntegerAttr[I64])
    core = opt_prop_def(IntegerAttr[I64])
    xbar = opt_prop_def(IntegerAttr[I64])
    replicas = opt_prop_def(IntegerAttr[I64])
    traits = traits_def(Pure())
    irdl_options = (ParsePropInAttrDict(),)
    assembly_format = (
        "$input `,` $weight `group` $group (`groups` $groups^)? `rows` $rows `cols` $cols (`slice` $slice^)? "
        "(`polarity` $polarity^)? (`offset` $offset^)? (`core` $core^)? (`xbar` $xbar^)? (`replicas` $replicas^)? "
        "attr-dict `:` functional-type(operands, results)")

    def __init__(self, input: SSAValue, weight: SSAValue, group: int, rows: tuple[int, int],
                 cols: tuple[int, int], result_type: TensorType, groups: int = 1,
                 cell: tuple[int, int, int] | None = None):
        """`cell` = (slice, polarity, input offset) makes an int tile."""
        props = {"group": IntegerAttr(group, i64), "rows": DenseArrayBase.from_list(i64, rows),
                 "cols": DenseArrayBase.from_list(i64, cols)}
        if groups != 1:
            props["groups"] = IntegerAttr(groups, i64)
        if cell is not None:
            for name, value in zip(("slice", "polarity", "offset"), cell):
                if name != "offset" or value:
                    props[name] = IntegerAttr(value, i64)
        super().__init__(operands=[input, weight], result_types=[result_type], properties=props)

    @property
    def cell(self) -> tuple[int, int, int] | None:
        """(slice, polarity, input offset) of an int tile, None for an fp32 tile."""
        if self.slice is None:
            return None
        return (self.slice.value.data, self.polarity.value.data,
                0 if self.offset is None else self.offset.value.data)

    @property
    def group_count(self) -> int:
        """How many groups the tile packs (1 unless `groups` says otherwise)."""
        return 1 if self.groups is None else self.groups.value.data

    @property
    def row_range(self) -> tuple[int, int]:
        r0, r1 = ints(self.rows)
        return r0, r1

    @property
    def col_range(self) -> tuple[int, int]:
        c0, c1 = ints(self.cols)
        return c0, c1

    @property
    def replica_count(self) -> int:
        """How many crossbars hold copies of this tile (1 unless `replicas` says otherwise)."""
        return 1 if self.replicas is None else self.replicas.value.data

    @property
    def input_offset(self) -> int:
        """First input column this tile reads."""
        k, _ = matrix_shape(shape_of(self.weight))
        return self.group.value.data * k + self.row_range[0]

    def weight_handle(self) -> str:
        owner = self.weight.owner
        assert isinstance(owner, WeightOp)
        return owner.handle.data

    def verify_(self) -> None:
        if not isinstance(self.weight.owner, WeightOp):
            raise VerifyException("xbar.mvm: operand 'weight' must be defined by graph.weight")
        if len(shape_of(self.weight)) not in (2, 4):
            raise VerifyException(
                f"xbar.mvm: operand 'weight' must be a 2-D gemm or 4-D conv weight, got {fmt_shape(shape_of(self.weight))}")
        if len(ints(self.rows)) != 2 or len(ints(self.cols)) != 2:
            raise VerifyException("xbar.mvm: 'rows' and 'cols' must be [begin, end] pairs")
        k, n = matrix_shape(shape_of(self.weight))
        (r0, r1), (c0, c1) = self.row_range, self.col_range
        if not 0 <= r0 < r1 <= k:
            raise VerifyException(f"xbar.mvm: 'rows' [{r0}, {r1}] must be a non-empty range within the weight's {k} rows")
        if not 0 <= c0 < c1 <= n:
            raise VerifyException(f"xbar.mvm: 'cols' [{c0}, {c1}] must be a non-empty range within the weight's {n} columns")
        if self.group.value.data < 0:
            raise VerifyException("xbar.mvm: 'group' must be >= 0")
        packed = self.group_count
        if packed < 1:
            raise VerifyException(f"xbar.mvm: 'groups' must be >= 1, got {packed}")
        if packed > 1 and ((r0, r1) != (0, k) or (c1 - c0) % packed or c0 != self.group.value.data * ((c1 - c0) // packed)):
            raise VerifyException(
                f"xbar.mvm: a tile packing {packed} groups takes all {k} rows and the column blocks of groups "
                f"{self.group.value.data}..{self.group.value.data + packed - 1}, not rows [{r0}, {r1}] cols [{c0}, {c1}]")
        x = shape_of(self.input)
        check_rank(self, "input", x, 2)
        end = self.input_offset + packed * (r1 - r0)
        if x[1] >= 0 and x[1] < end:
            raise VerifyException(
                f"xbar.mvm: operand 'input' has {x[1]} columns but group {self.group.value.data} rows [{r0}, {r1}] read up to column {end}")
        y = shape_of(self.result)
        if len(y) != 2 or y[1] != c1 - c0 or (x[0] >= 0 and y[0] != x[0]):
            raise VerifyException(f"xbar.mvm: result must be {fmt_shape((x[0], c1 - c0))}, got {fmt_shape(y)}")
        for name in ("core", "xbar", "slice", "offset"):
            attr = getattr(self, name)
            if attr is not None and attr.value.data < 0:
                raise VerifyException(f"xbar.mvm: '{name}' must be >= 0")
        if (self.slice is None) != (self.polarity is None) or (self.offset is not None and self.slice is None):
            raise VerifyException("xbar.mvm: an int tile has both 'slice' and 'polarity' ('offset' only with them)")
        if self.polarity is not None and self.polarity.value.data not in (1, -1):
            raise VerifyException(f"xbar.mvm: 'polarity' must be 1 or -1, got {self.polarity.value.data}")
        if self.replicas is not None and (self.replica_count < 1 or 0 <= x[0] < self.replica_count):
            raise VerifyException(f"xbar.mvm: 'replicas' must be in 1..{x[0]} (one per input row at most), "
                                  f"got {self.replica_count}")


@irdl_op_definition
class ShiftAddOp(IRDLOperation):
    """The digital recombination of int tiles: a P x N matrix, zero but for each tile's
    polarity * 2^(cell_bits * slice) * product added at its columns. It sums a layer's slices,
    polarities and row tiles at once (cell_bits from the module's Arch)."""

    name = "xbar.shift_add"
    inputs = var_operand_def(TensorType)
    result = result_def(TensorType)
    traits = traits_def(Pure())
    assembly_format = "$inputs attr-dict `:` functional-type(operands, results)"

    def tiles(self) -> list[MvmOp]:
        return [v.owner for v in self.inputs]  # type: ignore[misc]

    def verify_(self) -> None:
        if not self.inputs:
            raise VerifyException("xbar.shift_add: needs at least one tile")
        y = shape_of(self.result)
        check_rank(self, "result", y, 2)
        for i, value in enumerate(self.inputs):
            tile = value.owner
            if not isinstance(tile, MvmOp) or tile.cell is None:
                raise VerifyException(f"xbar.shift_add: input {i} is not an int xbar.mvm tile (with slice and polarity)")
            if tile.weight != self.inputs[0].owner.weight:
                raise VerifyException(f"xbar.shift_add: input {i} is a tile of another weight")
            if tile.col_range[1] > y[1] or (y[0] >= 0 and shape_of(value)[0] != y[0]):
                raise VerifyException(f"xbar.shift_add: input {i} does not fit the {fmt_shape(y)} result")


@irdl_op_definition
class AccumulateOp(IRDLOperation):
    """Digital sum of partial products of the row tiles of one column range."""

    name = "xbar.accumulate"
    inputs = var_operand_def(TensorType)
    result = result_def(TensorType)
    traits = traits_def(Pure())
    assembly_format = "$inputs attr-dict `:` functional-type(operands, results)"

    def __init__(self, inputs: list[SSAValue]):
        super().__init__(operands=[inputs], result_types=[inputs[0].type])

    def verify_(self) -> None:
        if len(self.inputs) < 2:
            raise VerifyException("xbar.accumulate: needs at least 2 inputs")
        for i, v in enumerate(self.inputs):
            if v.type != self.result.type:
                raise VerifyException(f"xbar.accumulate: input {i} has type {v.type}, expected {self.result.type}")


@irdl_op_definition
class ConcatOp(IRDLOperation):
    """Column tiles side by side: P x n_i matrices to one P x sum(n_i) matrix."""

    name = "xbar.concat"
    inputs = var_operand_def(TensorType)
    result = result_def(TensorType)
    traits = traits_def(Pure())
    assembly_format = "$inputs attr-dict `:` functional-type(operands, results)"

    def verify_(self) -> None:
        if len(self.inputs) < 2:
            raise VerifyException("xbar.concat: needs at least 2 inputs")
        shapes = [shape_of(v) for v in self.inputs]
        y = shape_of(self.result)
        check_rank(self, "result", y, 2)
        for i, s in enumerate(shapes):
            if len(s) != 2 or s[0] != y[0]:
                raise VerifyException(f"xbar.concat: input {i} of shape {fmt_shape(s)} does not have the result's {y[0]} rows")
        if sum(s[1] for s in shapes) != y[1]:
            raise VerifyException(f"xbar.concat: inputs have {sum(s[1] for s in shapes)} columns in all, result {y[1]}")


@irdl_op_definition
class Col2imOp(IRDLOperation):
    """Back to NCHW: a (N*OH*OW) x C matrix, one row per pixel, to N x C x OH x OW."""

    name = "xbar.col2im"
    input = operand_def(TensorType)
    result = result_def(TensorType)
    traits = traits_def(Pure())
    assembly_format = "$input attr-dict `:` functional-type(operands, results)"

    def verify_(self) -> None:
        x, y = shape_of(self.input), shape_of(self.result)
        check_rank(self, "input", x, 2)
        if len(y) != 4 or (x[0], x[1]) != (y[0] * y[2] * y[3], y[1]):
            raise VerifyException(f"xbar.col2im: input {fmt_shape(x)} is not (N*OH*OW) x C of the result {fmt_shape(y)}")


Xbar = Dialect("xbar", [Im2colOp, MvmOp, ShiftAddOp, AccumulateOp, ConcatOp, Col2imOp], [])
