"""tile-crossbars: convs and gemms to crossbar tiles (the xbar level), by the Arch's array size.

A conv becomes an im2col window extraction, then for each group and each column range of at
most `xbar_cols` output channels, one `xbar.mvm` per range of at most `xbar_rows` rows of the
group's K = Cin/groups*kh*kw rows, their partial sums accumulated, the column ranges
concatenated, the bias added and the pixel-major matrix turned back into NCHW. A gemm is the
same without the window and layout steps.

With precision "int" each weight column takes 2 * slices physical columns (see
cimc.numerics): a row tile becomes one `xbar.mvm` per (slice, polarity), all over the group's
columns, and lower-to-isa cuts the row tile's N * 2S physical columns into crossbars of
`xbar_cols`. One `xbar.shift_add` recombines the layer's tiles; for signed inputs (offset
binary at the DACs) an add of -offset * sum_k Wq[k, n] follows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import Operation, SSAValue
from xdsl.passes import ModulePass
from xdsl.pattern_rewriter import (
    GreedyRewritePatternApplier,
    PatternRewriter,
    PatternRewriteWalker,
    RewritePattern,
    op_type_rewrite_pattern,
)

from cimc.arch import Arch
from cimc.context import weights_of
from cimc.dialects import graph, xbar
from cimc.dialects.shapes import ints, is_known, numel, shape_of, tensor
from cimc.errors import CimcError
from cimc.numerics import holds_int_weights, input_offset, slices, weight_qmax
from cimc.weights import WeightStore, weight_matrix


def _tiles(total: int, size: int) -> list[tuple[int, int]]:
    return [(start, min(start + size, total)) for start in range(0, total, size)]


@dataclass
class _Int:
    """What int tiling needs besides the array size: the arch and the weight store."""

    arch: Arch
    weights: WeightStore


@dataclass
class _TileBuilder:
    rows: int
    cols: int
    ops: list[Operation]
    int_mode: _Int | None = None

    def add(self, op: Operation) -> SSAValue:
        self.ops.append(op)
        return op.results[0]

    def matmul(self, matrix: SSAValue, weight: SSAValue, groups: int) -> SSAValue:
        """matrix (P x groups*K) times the block-diagonal crossbar view of weight (K x N)."""
        if self.int_mode is not None:
            return self.int_matmul(matrix, weight, groups, self.int_mode)
        k, n = xbar.matrix_shape(shape_of(weight))
        pixels = shape_of(matrix)[0]
        n_group = n // groups
        packed = min(self.rows // k, self.cols // n_group) if groups > 1 else 1
        if packed > 1:
            # small groups (depthwise convs): as many as fit share a crossbar, block-diagonally
            blocks = []
            for g0 in range(0, groups, packed):
                g1 = min(g0 + packed, groups)
                blocks.append(self.add(xbar.MvmOp(matrix, weight, g0, (0, k), (g0 * n_group, g1 * n_group),
                                                  tensor([pixels, (g1 - g0) * n_group]), groups=g1 - g0)))
            if len(blocks) == 1:
                return blocks[0]
            return self.add(xbar.ConcatOp.create(operands=blocks, result_types=[tensor([pixels, n])]))
        blocks = []
        for g in range(groups):
            for c0, c1 in _tiles(n_group, self.cols):
                cols = (g * n_group + c0, g * n_group + c1)
                partials = [self.add(xbar.MvmOp(matrix, weight, g, rows, cols, tensor([pixels, c1 - c0])))
                            for rows in _tiles(k, self.rows)]
                blocks.append(partials[0] if len(partials) == 1 else self.add(xbar.AccumulateOp(partials)))
        if len(blocks) == 1:
            return blocks[0]
        return self.add(xbar.ConcatOp.create(operands=blocks, result_types=[tensor([pixels, n])]))

    def int_matmul(self, matrix: SSAValue, weight: SSAValue, groups: int, mode: _Int) -> SSAValue:
        """The int tile grid: for each row tile (of each group, or of a block of packed small
        groups) one tile per slice and polarity, recombined by xbar.shift_add. lower-to-isa cuts
        each row tile's n-major physical columns into crossbars."""
        source = matrix.owner
        while isinstance(source, (xbar.Im2colOp, graph.ReshapeOp, graph.FlattenOp)):
            source = source.operands[0].owner
        if not isinstance(source, graph.QuantizeOp):
            raise CimcError("tile-crossbars: with precision \"int\" a conv or gemm takes graph.quantize codes; "
                            "run quantize first")
        if source.bits.value.data != mode.arch.input_bits:
            raise CimcError(f"tile-crossbars: graph.quantize makes {source.bits.value.data}-bit codes but the "
                            f"arch applies input_bits = {mode.arch.input_bits}")
        assert isinstance(weight.owner, graph.WeightOp)
        handle = weight.owner.handle.data
        wq = weight_matrix(mode.weights[handle])
        if not holds_int_weights(wq, mode.arch.weight_bits):
            qmax = weight_qmax(mode.arch.weight_bits)
            raise CimcError(f"tile-crossbars: weight '{handle}' of an int layer must hold integers in "
                            f"[-{qmax}, {qmax}] (weight_bits = {mode.arch.weight_bits}); run quantize first")
        offset = input_offset(source.bits.value.data, source.signed is not None)
        column_sums = wq.sum(axis=0, dtype=np.float64)
        if offset and np.abs(column_sums).max(initial=0) >= 2**24:
            raise CimcError(f"tile-crossbars: a column of weight '{handle}' sums to 2^24 or more, so its offset "
                            "correction is not exact in float32; use fewer weight_bits or an unsigned input")
        k, n = xbar.matrix_shape(shape_of(weight))
        pixels, n_group, width = shape_of(matrix)[0], n // groups, 2 * slices(mode.arch)
        tiles = []

        def bands(group: int, rows: tuple[int, int], cols: tuple[int, int], packed: int) -> None:
            for s in range(slices(mode.arch)):
                for polarity in (1, -1):
                    tiles.append(self.add(xbar.MvmOp(matrix, weight, group, rows, cols, tensor([pixels, cols[1] - cols[0]]),
                                                     groups=packed, cell=(s, polarity, offset))))

        packed = min(self.rows // k, self.cols // (n_group * width)) if groups > 1 else 1
        if packed > 1:
            for g0 in range(0, groups, packed):
                g1 = min(g0 + packed, groups)
                bands(g0, (0, k), (g0 * n_group, g1 * n_group), g1 - g0)
        else:
            for g in range(groups):
                for rows in _tiles(k, self.rows):
                    bands(g, rows, (g * n_group, (g + 1) * n_group), 1)
        product = self.add(xbar.ShiftAddOp.create(operands=tiles, result_types=[tensor([pixels, n])]))
        if not offset:
            return product
        # the DACs saw q + offset: take offset * (column sums of Wq) back off
        correction = -offset * column_sums + 0.0  # + 0.0: no -0.0
        corr = self.add(graph.WeightOp(mode.weights.add(f"{handle}.offset_correction", correction), tensor([n])))
        return self.add(graph.AddOp.create(operands=[product, corr], result_types=[product.type]))

    def bias(self, value: SSAValue, bias: SSAValue | None) -> SSAValue:
        if bias is None:
            return value
        return self.add(graph.AddOp.create(operands=[value, bias], result_types=[value.type]))


def _require_static(op: graph.ConvOp | graph.GemmOp) -> None:
    for v in (*op.operands, *op.results):
        if not is_known(shape_of(v)):
            raise CimcError(f"tile-crossbars: {op.name} has a dynamic shape; run shape-infer first")
    if not isinstance(op.weight.owner, graph.WeightOp):
        layer = op.attributes.get(graph.LAYER_ATTR)
        where = f" \"{layer.data}\"" if layer is not None else ""
        raise CimcError(f"tile-crossbars: {op.name}{where}: the weight is not a graph.weight constant; a weight "
                        "computed from the model's inputs cannot be programmed into crossbars (a constant "
                        "subgraph is folded by canonicalize)")


def _finish(op: graph.ConvOp | graph.GemmOp, tiles: _TileBuilder, rewriter: PatternRewriter) -> None:
    if op.epilogue is not None:
        tiles.add(graph.activation_op(*op.epilogue, tiles.ops[-1].results[0], op.result.type))
    layer = op.attributes.get(graph.LAYER_ATTR)
    if layer is not None:
        for new in tiles.ops:
            new.attributes[graph.LAYER_ATTR] = layer
    rewriter.replace(op, tiles.ops)


@dataclass(frozen=True)
class TileConv(RewritePattern):
    rows: int
    cols: int
    int_mode: _Int | None = field(default=None, compare=False)

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: graph.ConvOp, rewriter: PatternRewriter, /) -> None:
        _require_static(op)
        n, c, h, w = shape_of(op.input)
        _, _, oh, ow = shape_of(op.result)
        kh, kw = op.window()
        tiles = _TileBuilder(self.rows, self.cols, [], self.int_mode)
        cols = tiles.add(xbar.Im2colOp(op.input, (kh, kw), ints(op.strides), ints(op.pads),
                                       ints(op.dilations), tensor([n * oh * ow, c * kh * kw])))
        out = tiles.bias(tiles.matmul(cols, op.weight, op.group.value.data), op.bias)
        tiles.add(xbar.Col2imOp.create(operands=[out], result_types=[op.result.type]))
        _finish(op, tiles, rewriter)


@dataclass(frozen=True)
class TileGemm(RewritePattern):
    rows: int
    cols: int
    int_mode: _Int | None = field(default=None, compare=False)

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: graph.GemmOp, rewriter: PatternRewriter, /) -> None:
        _require_static(op)
        tiles = _TileBuilder(self.rows, self.cols, [], self.int_mode)
        rows = shape_of(op.input)
        matrix = op.input
        if len(rows) > 2:  # leading dims are more rows: a view as one matrix, and back
            matrix = tiles.add(graph.ReshapeOp(op.input, [-1, rows[-1]], tensor([numel(rows[:-1]), rows[-1]])))
        product = tiles.bias(tiles.matmul(matrix, op.weight, 1), op.bias)
        if len(rows) > 2:
            tiles.add(graph.ReshapeOp(product, list(shape_of(op.result)), op.result.type))
        _finish(op, tiles, rewriter)


@dataclass(frozen=True)
class TileCrossbarsPass(ModulePass):
    """Cuts every conv and gemm into crossbar tiles of the module's Arch (xbar_rows x xbar_cols)."""

    name = "tile-crossbars"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        arch = Arch.of_module(op)
        rows, cols = arch.xbar_rows, arch.xbar_cols
        int_mode = None
        if arch.precision == "int":
            if 2 * slices(arch) > cols:
                raise CimcError(f"tile-crossbars: a weight column needs {2 * slices(arch)} physical columns "
                                f"(2 polarities x {slices(arch)} slices), more than the {cols} of a crossbar")
            int_mode = _Int(arch, weights_of(ctx, self.name))
        PatternRewriteWalker(
            GreedyRewritePatternApplier([TileConv(rows, cols, int_mode), TileGemm(rows, cols, int_mode)]),
            apply_recursively=False,
        ).rewrite_module(op)
