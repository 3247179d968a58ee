"""lower-to-isa: the xbar level (function @main over tensors) to the cim ISA.

Every tensor becomes a buffer; Reshape, Flatten, Unsqueeze and Identity are views that share
their input's buffer, and an elementwise op writes over an operand that dies at it.
Crossbar tiles become `cim.crossbar` declarations (placed in order on cores of
`xbars_per_core` crossbars unless a tile carries its own `core`/`xbar`) and `cim.mvm`
instructions. The partial sums of a tile grid are not materialized: each tile writes its
column range of the layer's output matrix, the row tiles after the first with `acc`. Each
op lowers to a constant number of instructions whose loop nests cover its whole tensor.

The int tiles (precision "int") of a row tile, one per slice and polarity, become int
crossbars (`slices`) of xbar_cols physical columns and one `cim.mvm` each, whose
shift-and-add adds into the layer's zeroed output matrix.

An im2col matrix bigger than the image it is cut from (kh*kw/stride^2 times it) is made a
block of output rows at a time into one scratch buffer no bigger than the image, each block
followed by the MVMs that read it, so the window matrix is never whole in memory.

With aliasing (the default) a one-image conv's MVMs write its NCHW feature map directly
(`col_stride` H*W: no pixel-major product, no col2im copy; bias and offset correction added
in place); a conv's MVMs read its (padded) NCHW input directly, through the MVM's `window`
(`row_stride` Hp*Wp between channels; a 1x1 conv needs no window): no im2col matrix in
memory, unless a replicated tile would have to split a 2-D pixel nest; a map padded for its
last reader is widened in its own buffer; and LRN writes over a dying input.
`aliasing=false` turns all of it off: every tensor gets a buffer of its own.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from xdsl.context import Context
from xdsl.dialects import func
from xdsl.dialects.builtin import IntegerAttr, ModuleOp, StringAttr, TensorType, i64
from xdsl.ir import Block, Operation, Region, SSAValue
from xdsl.passes import ModulePass

from cimc.arch import Arch
from cimc.dialects import cim, graph, xbar
from cimc.dialects.cim import ELEMENT_BYTES
from cimc.dialects.shapes import Shape, ints, is_known, numel, shape_of
from cimc.errors import CimcError
from cimc.frontend import io_name
from cimc.numerics import slices
from cimc.passes.plan_memory import stream_lower_bound

MAXPOOL_PAD = -3.0e38
"""Fill value of max-pool padding: below any f32 activation but -3.4e38, and exact in IR text."""


def contiguous_strides(shape: Sequence[int]) -> list[int]:
    strides, step = [], 1
    for d in reversed(shape):
        strides.append(step)
        step *= d
    return strides[::-1]


def broadcast_strides(shape: Shape, out: Shape) -> list[int]:
    """Strides reading a tensor of `shape` broadcast to `out` (0 on broadcast dims)."""
    padded = (1,) * (len(out) - len(shape)) + tuple(shape)
    return [0 if d == 1 and o != 1 else s for d, o, s in zip(padded, out, contiguous_strides(padded))]


def collapse_loops(loops: Sequence[int], *strides: Sequence[int]) -> tuple[list[int], list[list[int]]]:
    """Drop loops of one trip and merge adjacent loops that every operand walks as one."""
    keep = [i for i, n in enumerate(loops) if n > 1] or [len(loops) - 1]
    out_loops, out_strides = [loops[keep[0]]], [[s[keep[0]]] for s in strides]
    for i in keep[1:]:
        if all(acc[-1] == s[i] * loops[i] for acc, s in zip(out_strides, strides)):
            out_loops[-1] *= loops[i]
            for acc, s in zip(out_strides, strides):
                acc[-1] = s[i]
        else:
            out_loops.append(loops[i])
            for acc, s in zip(out_strides, strides):
                acc.append(s[i])
    return out_loops, out_strides


def int_row_tiles(tiles: Sequence[xbar.MvmOp]) -> dict[tuple, list[xbar.MvmOp]]:
    """The int tiles of a layer by row tile: (input, group, rows, cols, packed groups, offset)."""
    row_tiles: dict[tuple, list[xbar.MvmOp]] = {}
    for tile in tiles:
        key = (tile.input, tile.group.value.data, tile.row_range, tile.col_range, tile.group_count, tile.cell[2])
        row_tiles.setdefault(key, []).append(tile)
    return row_tiles


def physical_chunks(cols: tuple[int, int], packed: int, arch: Arch) -> list[tuple[int, int]]:
    """The crossbars an int row tile's n-major physical columns are cut into: xbar_cols each,
    or one crossbar for a block of packed small groups."""
    per_column = 2 * slices(arch)
    c0, c1 = cols
    chunk = arch.xbar_cols if packed == 1 else (c1 - c0) * per_column
    return [(j0, min(j0 + chunk, c1 * per_column)) for j0 in range(c0 * per_column, c1 * per_column, chunk)]


def crossbars_per_copy(tiles: Sequence[xbar.MvmOp], arch: Arch) -> int:
    """How many crossbars lower-to-isa declares for one copy of a layer's tiles."""
    if tiles and tiles[0].cell is not None:
        return sum(len(physical_chunks(key[3], key[4], arch)) for key in int_row_tiles(tiles))
    return len(tiles)


@dataclass
class _Window:
    """An im2col matrix made a block of output rows at a time in one scratch buffer, each
    block just before the MVMs that read it, so the window matrix (kh*kw/stride^2 times its
    image) is never whole in memory."""

    copy: Callable[[int, int], cim.CopyOp]
    """The copy filling the scratch with output rows [r0, r1)."""
    rows: int
    """Output rows per block."""
    width: int
    height: int

    def blocks(self) -> list[tuple[int, int]]:
        """The blocks as ranges of matrix rows (pixels)."""
        return [(r0 * self.width, min(r0 + self.rows, self.height) * self.width)
                for r0 in range(0, self.height, self.rows)]


@dataclass(frozen=True)
class _Matrix:
    """Where a P x N product goes: element (p, j) at offset + p*row_stride + j*col_stride."""

    buffer: SSAValue
    offset: int
    row_stride: int
    col_stride: int = 1

    def at(self, row: int, col: int) -> int:
        return self.offset + row * self.row_stride + col * self.col_stride


@dataclass(frozen=True)
class _Input:
    """Where MVMs read a P x K matrix: pixel p is a point of the loop nest `pixels` (element
    strides `pixel_strides`) and its row q is at q*row_stride, or with a `window` (kh, kw, y
    stride, x stride) at c*row_stride + y*a + x*b for q = (c*kh + y)*kw + x: a conv's padded
    NCHW input read through the MVM's window, its im2col matrix never in memory."""

    buffer: SSAValue
    offset: int
    pixels: tuple[int, ...]
    pixel_strides: tuple[int, ...]
    row_stride: int
    window: tuple[int, int, int, int] | None = None

    def mvm(self, crossbar: int, dst: _Matrix, first_pixel: int, col: int, first_row: int, acc: bool,
            offset: int = 0, replicas: int = 1) -> cim.MvmOp:
        """The MVM of a crossbar whose rows start at row `first_row` of the matrix, its columns
        written from column `col` of dst (rows from `first_pixel`)."""
        dst_ref = (dst.buffer, dst.at(first_pixel, col), [s * dst.row_stride for s in contiguous_strides(self.pixels)])
        # without a window the first row is an offset; a window's rows start anywhere in a channel
        src_offset, first_row = (self.offset + first_row * self.row_stride, 0) if self.window is None else \
            (self.offset, first_row)
        return cim.MvmOp(crossbar, dst_ref, (self.buffer, src_offset, list(self.pixel_strides)), self.pixels, acc,
                         offset, replicas, dst.col_stride, self.row_stride, self.window, first_row)


@dataclass
class _Widening:
    """A map padded in its own buffer (`padded`): its copy to the padded layout and border fills."""

    buffer: SSAValue
    copy: cim.CopyOp
    fills: list[cim.FillOp]
    fill: float
    narrow_bytes: int
    """The map's own size."""


@dataclass
class _Lowering:
    arch: Arch
    aliasing: bool = True
    """Views share their input's buffer and elementwise ops write over a dying input; without
    it every tensor has a buffer of its own (views become copies)."""
    stream: Block = field(default_factory=Block)
    buffers: dict[SSAValue, SSAValue] = field(default_factory=dict)
    sharers: dict[SSAValue, int] = field(default_factory=dict)
    """How many tensor values live in each buffer (views share their input's)."""
    crossbars: list[cim.CrossbarOp] = field(default_factory=list)
    crossbar_ids: set[int] = field(default_factory=set)
    reserved_ids: set[int] = field(default_factory=set)
    """Crossbars that tiles name themselves (`xbar`); automatic placement goes around them."""
    next_id: int = 0
    tile_crossbars: dict[tuple, int] = field(default_factory=dict)
    """The first crossbar of each tile (and physical chunk), declared once however many blocks use it."""
    windows: dict[SSAValue, _Window] = field(default_factory=dict)
    views: dict[SSAValue, _Input] = field(default_factory=dict)
    """im2col matrices that MVMs read from their input feature map (a window, or a 1x1 conv's
    channels)."""
    done: set[Operation] = field(default_factory=set)
    """Ops already lowered with an earlier one (the channel adds and col2im of a product written
    straight into its NCHW feature map)."""
    layer_name: str = ""
    layer_block: Block | None = None
    widenings: list[_Widening] = field(default_factory=list)
    stream_op: cim.StreamOp = field(init=False)
    """The stream `lower_function` makes of `stream`."""

    # -- buffers ----------------------------------------------------------------------------

    def alloc(self, kind: str, elements: int, weight: str | None = None) -> SSAValue:
        op = cim.AllocOp(kind, elements * ELEMENT_BYTES, weight)
        self.stream.add_op(op)
        return op.result

    def buffer(self, value: SSAValue) -> SSAValue:
        """The buffer holding a tensor value; a weight used by a digital op becomes a const buffer."""
        if value not in self.buffers:
            owner = value.owner
            if not isinstance(owner, graph.WeightOp):
                raise CimcError(f"lower-to-isa: no buffer for a value of {getattr(owner, 'name', 'a block')}")
            self.buffers[value] = self.alloc("const", numel(shape_of(value)), owner.handle.data)
            self.buffers[value].name_hint = owner.result.name_hint
        return self.buffers[value]

    def result_buffer(self, value: SSAValue, kind: str = "activation") -> SSAValue:
        buf = self.alloc(kind, numel(shape_of(value)))
        buf.name_hint = value.name_hint
        self.buffers[value] = buf
        self.sharers[buf] = 1
        return buf

    def dying_buffer(self, value: SSAValue) -> SSAValue | None:
        """With aliasing, the buffer of a value that dies at its one use and shares it with
        nothing (so its reader may write over it); else None."""
        buf = self.buffers.get(value)
        if (self.aliasing and buf is not None and len(list(value.uses)) == 1 and self.sharers.get(buf) == 1
                and buf.owner.kind.data in ("activation", "scratch")):
            return buf
        return None

    def in_place_buffer(self, result: SSAValue, operands: Sequence[SSAValue]) -> SSAValue:
        """For an elementwise op: the buffer of an operand that dies here and has the result's
        shape, written over in place; else a new buffer."""
        for value in operands:
            buf = self.dying_buffer(value)
            if buf is not None and shape_of(value) == shape_of(result):
                self.buffers[result] = buf
                return buf
        return self.result_buffer(result)

    def share(self, view: SSAValue, value: SSAValue) -> None:
        """`view` (a reshape, ...) lives in `value`'s buffer: one more value in it, unless
        `value` dies at the view."""
        buf = self.buffer(value)
        self.buffers[view] = buf
        if self.dying_buffer(value) is None:
            self.sharers[buf] = self.sharers.get(buf, 1) + 1

    # -- instructions -----------------------------------------------------------------------

    def start_layer(self, op: Operation) -> None:
        layer = op.attributes.get(graph.LAYER_ATTR)
        name = layer.data if isinstance(layer, StringAttr) else op.name
        if self.layer_block is None or name != self.layer_name:
            self.layer_name, self.layer_block = name, Block()
            self.stream.add_op(cim.LayerOp.create(properties={"layer": StringAttr(name)},
                                                  regions=[Region(self.layer_block)]))

    def emit(self, inst: cim.InstructionOp) -> None:
        assert self.layer_block is not None
        self.layer_block.add_op(inst)

    def crossbar(self, tile: xbar.MvmOp, physical: tuple[int, int] | None = None) -> int:
        """Declare the crossbars of a tile, one per replica with consecutive ids, and return the
        first id; `physical` gives an int crossbar's physical columns. A tile (chunk) read in
        several blocks is declared once."""
        if (tile, physical) in self.tile_crossbars:
            return self.tile_crossbars[(tile, physical)]
        self.tile_crossbars[(tile, physical)] = first = self.declare_crossbars(tile, physical)
        return first

    def declare_crossbars(self, tile: xbar.MvmOp, physical: tuple[int, int] | None) -> int:
        replicas = tile.replica_count
        if tile.xbar is not None:
            first = tile.xbar.value.data
        else:
            first = self.next_id
            while any(i in self.reserved_ids or i in self.crossbar_ids for i in range(first, first + replicas)):
                first += 1
            self.next_id = first + replicas
        rows, cols = tile.row_range, physical or tile.col_range
        height = tile.group_count * (rows[1] - rows[0])
        if height > self.arch.xbar_rows or cols[1] - cols[0] > self.arch.xbar_cols:
            raise CimcError(f"lower-to-isa: a {height}x{cols[1] - cols[0]} tile does not fit a "
                            f"{self.arch.xbar_rows}x{self.arch.xbar_cols} crossbar")
        for ident in range(first, first + replicas):
            if ident in self.crossbar_ids:
                raise CimcError(f"lower-to-isa: two tiles are placed on crossbar {ident}")
            self.crossbar_ids.add(ident)
            core = tile.core.value.data if tile.core is not None else ident // self.arch.xbars_per_core
            self.crossbars.append(cim.CrossbarOp(ident, core, tile.weight_handle(), rows, cols, tile.group_count,
                                                 None if physical is None else slices(self.arch)))
        return first

    # -- the tile grid: mvm / accumulate / concat write straight into their consumer ----------

    @staticmethod
    def fused(value: SSAValue) -> bool:
        """Whether a tile-grid value is written by its single consumer's lowering instead."""
        if not isinstance(value.owner, (xbar.MvmOp, xbar.AccumulateOp, xbar.ConcatOp)):
            return False
        uses = list(value.uses)
        return len(uses) == 1 and isinstance(uses[0].operation, (xbar.AccumulateOp, xbar.ConcatOp, xbar.ShiftAddOp))

    def write_product(self, value: SSAValue, dst: _Matrix, col: int, acc: bool, rows: tuple[int, int]) -> None:
        """Write (or with acc, add) rows [p0, p1) of the P x n matrix `value` into columns col..
        of dst."""
        p0, p1 = rows
        _, width = shape_of(value)
        owner = value.owner
        computed = value not in self.buffers  # not materialized: compute it right into dst
        if isinstance(owner, xbar.MvmOp) and computed:
            src = self.input_matrix(owner.input, rows)
            self.emit(src.mvm(self.crossbar(owner), dst, p0, col, owner.input_offset, acc,
                              replicas=owner.replica_count))
        elif isinstance(owner, xbar.AccumulateOp) and computed:
            for k, part in enumerate(owner.inputs):
                self.write_product(part, dst, col, acc or k > 0, rows)
        elif isinstance(owner, xbar.ConcatOp) and computed:
            for part in owner.inputs:
                self.write_product(part, dst, col, acc, rows)
                col += shape_of(part)[1]
        else:
            src = self.buffer(value)
            out = (dst.buffer, dst.at(p0, col), [dst.row_stride, dst.col_stride])
            if acc:
                self.emit(cim.BinaryOp("add", out, out, (src, p0 * width, [width, 1]), [p1 - p0, width]))
            else:
                self.emit(cim.CopyOp(out, (src, p0 * width, [width, 1]), [p1 - p0, width]))

    def finish_product(self, value: SSAValue, dst: _Matrix, then: list[cim.BinaryOp] | None) -> None:
        if then is None:
            self.buffers[value] = dst.buffer
            self.sharers[dst.buffer] = 1
        for inst in then or ():
            self.emit(inst)

    def product_matrix(self, value: SSAValue) -> tuple[_Matrix, list[cim.BinaryOp] | None]:
        """Where a layer's P x N product is written, and the instructions to run once it is
        (None: it is a matrix of its own, value's buffer once written).
        With aliasing, a one-image conv's product goes straight into the NCHW feature map of
        its col2im (pixels 1 apart, channels H*W apart), and the channel-vector adds between
        them (bias, offset correction) run there in place: neither the pixel-major matrix nor
        the col2im copy exists. Else a pixel-major matrix of its own."""
        chain = self.col2im_chain(value) if self.aliasing else None
        if chain is None:  # not yet value's buffer: write_product computes values without one
            matrix = self.alloc("activation", numel(shape_of(value)))
            matrix.name_hint = value.name_hint
            return _Matrix(matrix, 0, shape_of(value)[1]), None
        adds, col2im = chain
        _, channels, oh, ow = shape_of(col2im.result)
        feature_map = self.result_buffer(col2im.result)
        loops, (dst, vector) = collapse_loops([channels, oh * ow], [oh * ow, 1], [1, 0])
        self.done.update((*adds, col2im))
        return _Matrix(feature_map, 0, 1, oh * ow), [
            cim.BinaryOp("add", (feature_map, 0, dst), (feature_map, 0, dst), (self.buffer(add.rhs), 0, vector), loops)
            for add in adds]

    @staticmethod
    def col2im_chain(value: SSAValue) -> tuple[list[graph.AddOp], xbar.Col2imOp] | None:
        """The adds of a constant channel vector and the col2im that are a product's only
        readers, for a one-image feature map; None if it has other readers."""
        adds = []
        while True:
            uses = list(value.uses)
            if len(uses) != 1:
                return None
            user = uses[0].operation
            if isinstance(user, xbar.Col2imOp):
                return (adds, user) if shape_of(user.result)[0] == 1 else None
            if not (isinstance(user, graph.AddOp) and user.lhs is value and isinstance(user.rhs.owner, graph.WeightOp)
                    and shape_of(user.rhs) == shape_of(value)[1:]):
                return None
            adds.append(user)
            value = user.result

    def input_matrix(self, source: SSAValue, rows: tuple[int, int]) -> _Input:
        """Where MVMs read rows [p0, p1) of the matrix `source`: its input feature map (an
        im2col read through the MVM's window or a 1x1 conv's channels, whole), a window block
        (which starts at p0), or the matrix's buffer."""
        p0, p1 = rows
        if source in self.views:
            view = self.views[source]
            if len(view.pixels) == 1:
                return _Input(view.buffer, view.offset + p0 * view.pixel_strides[0], (p1 - p0,), view.pixel_strides,
                              view.row_stride, view.window)
            assert rows == (0, numel(view.pixels)), "a feature map read through a window is read whole"
            return view
        _, in_cols = shape_of(source)
        first = 0 if source in self.windows else p0
        return _Input(self.buffer(source), first * in_cols, (p1 - p0,), (in_cols,), 1)

    @staticmethod
    def grid_source(value: SSAValue) -> SSAValue:
        """The input matrix the tiles of a tile grid read."""
        owner = value.owner
        while not isinstance(owner, xbar.MvmOp):
            owner = owner.operands[0].owner
        return owner.input

    def row_blocks(self, source: SSAValue, pixels: int) -> list[tuple[int, int]]:
        """The blocks of rows products of `source` are made in: a window's blocks, else all rows."""
        window = self.windows.get(source)
        return window.blocks() if window is not None else [(0, pixels)]

    def fill_window(self, source: SSAValue, rows: tuple[int, int]) -> None:
        window = self.windows.get(source)
        if window is not None:
            self.emit(window.copy(rows[0] // window.width, rows[1] // window.width))

    # -- ops --------------------------------------------------------------------------------

    def lower_op(self, op: Operation) -> None:
        if isinstance(op, (graph.WeightOp, func.ReturnOp)) or op in self.done:
            return
        if isinstance(op, (graph.FlattenOp, graph.ReshapeOp, graph.UnsqueezeOp, graph.IdentityOp)):
            if self.aliasing:
                self.share(op.results[0], op.operands[0])
            else:
                self.start_layer(op)
                count = numel(shape_of(op.results[0]))
                self.emit(cim.CopyOp((self.result_buffer(op.results[0]), 0, [1]), (self.buffer(op.operands[0]), 0, [1]),
                                     [count]))
            return
        if self.bias_of_col2im(op):
            return  # col2im adds the bias as it moves the matrix to NCHW
        if isinstance(op, xbar.MvmOp) and op.cell is not None:
            if not self.fused(op.result):
                raise CimcError("lower-to-isa: an int xbar.mvm tile is read by something other than xbar.shift_add")
            return
        if isinstance(op, (xbar.MvmOp, xbar.AccumulateOp, xbar.ConcatOp)):
            if not self.fused(op.results[0]):
                self.start_layer(op)
                pixels, _ = shape_of(op.results[0])
                dst, then = self.product_matrix(op.results[0])
                source = self.grid_source(op.results[0])
                for rows in self.row_blocks(source, pixels):
                    self.fill_window(source, rows)
                    self.write_product(op.results[0], dst, 0, False, rows)
                self.finish_product(op.results[0], dst, then)
            return
        lower = self.LOWERINGS.get(type(op))
        if lower is None:
            hint = {graph.ConvOp: " (run tile-crossbars first)", graph.GemmOp: " (run tile-crossbars first)",
                    graph.BatchNormOp: " (run fold-batchnorm first)"}.get(type(op), "")
            raise CimcError(f"lower-to-isa: {op.name} cannot be lowered to the cim ISA{hint}")
        self.start_layer(op)
        lower(self, op)

    def shift_add(self, op: xbar.ShiftAddOp) -> None:
        """Each row tile's n-major physical columns cut into crossbars, one accumulating MVM
        per crossbar into the zeroed P x N result."""
        pixels, width = shape_of(op.result)
        dst, then = self.product_matrix(op.result)
        self.emit(cim.FillOp((dst.buffer, 0, [1]), 0.0, [pixels * width]))
        per_column = 2 * slices(self.arch)
        tiles = list(op.tiles())
        if any(tile.xbar is not None or tile.core is not None for tile in tiles):
            raise CimcError("lower-to-isa: int tiles are placed on crossbars by lower-to-isa; an int xbar.mvm "
                            "cannot carry 'xbar' or 'core'")
        for (source, _, _, cols, packed, offset), row_tile in int_row_tiles(tiles).items():
            if sorted(t.cell[:2] for t in row_tile) != sorted((s, p) for s in range(per_column // 2) for p in (1, -1)):
                raise CimcError(f"lower-to-isa: a row tile of an int layer needs one tile for each of its "
                                f"{per_column // 2} slices and both polarities")
            if len({t.replica_count for t in row_tile}) != 1:
                raise CimcError("lower-to-isa: the slice and polarity tiles of an int row tile must have the same "
                                "'replicas'")
            for j0, j1 in physical_chunks(cols, packed, self.arch):
                self.crossbar(row_tile[0], (j0, j1))
        sources = {tile.input for tile in tiles}
        if len(sources) != 1:
            raise CimcError("lower-to-isa: the tiles of one xbar.shift_add must read one input matrix")
        (source,) = sources
        for p0, p1 in self.row_blocks(source, pixels):
            self.fill_window(source, (p0, p1))
            src = self.input_matrix(source, (p0, p1))
            for (_, _, _, cols, packed, offset), row_tile in int_row_tiles(tiles).items():
                tile = row_tile[0]
                for j0, j1 in physical_chunks(cols, packed, self.arch):
                    self.emit(src.mvm(self.crossbar(tile, (j0, j1)), dst, p0, j0 // per_column, tile.input_offset,
                                      True, offset, tile.replica_count))
        self.finish_product(op.result, dst, then)

    def quantize(self, op: graph.QuantizeOp) -> None:
        kind = "quantize" if op.signed is not None else "quantize_unsigned"
        count = numel(shape_of(op.input))
        self.emit(cim.UnaryOp(kind, (self.in_place_buffer(op.result, [op.input]), 0, [1]),
                              (self.buffer(op.input), 0, [1]), [count], op.scale.value.data, op.code_range[1]))

    def im2col(self, op: xbar.Im2colOp) -> None:
        n, c, h, w = shape_of(op.input)
        (kh, kw), (sh, sw), (pt, pl, pb, pr), (dh, dw) = (
            op.window(), ints(op.strides), ints(op.pads), ints(op.dilations))
        src, hp, wp = self.padded(op.input, (pt, pl, pb, pr), 0.0)
        _, oh, ow = n, *op.window_shape(h, w)
        k = c * kh * kw
        # pixel (n, oh, ow)'s window starts at n*C*Hp*Wp + oh*sh*Wp + ow*sw; its row (c, y, x) is
        # c*Hp*Wp + y*dh*Wp + x*dw further on
        pixels, (_, pixel_strides) = collapse_loops([n, oh, ow], contiguous_strides([n, oh, ow]),
                                                    [c * hp * wp, sh * wp, sw])
        readers = [use.operation for use in op.result.uses]
        if self.aliasing and readers and all(isinstance(r, xbar.MvmOp) for r in readers) and (
                len(pixels) == 1 or all(r.replica_count == 1 for r in readers)):
            # (replicas split the first loop: the image's rows, unless the pixels are one loop)
            window = None if (kh, kw) == (1, 1) else (kh, kw, dh * wp, dw)
            self.views[op.result] = _Input(src, 0, tuple(pixels), tuple(pixel_strides), hp * wp, window)
            return
        rows = self.window_rows(op, n, oh, ow, k, c * hp * wp)
        if rows is not None:
            scratch = self.result_buffer(op.result, "scratch")
            scratch.owner.size = IntegerAttr(rows * ow * k * ELEMENT_BYTES, i64)

            def copy(r0: int, r1: int) -> cim.CopyOp:
                loops, (dst_strides, src_strides) = collapse_loops(
                    [r1 - r0, ow, c, kh, kw], [ow * k, k, kh * kw, kw, 1], [sh * wp, sw, hp * wp, dh * wp, dw])
                return cim.CopyOp((scratch, 0, dst_strides), (src, r0 * sh * wp, src_strides), loops)

            self.windows[op.result] = _Window(copy, rows, ow, oh)
            return
        dst = self.result_buffer(op.result, "scratch")
        # dst[(n, oh, ow), (c, kh, kw)] = padded[n, c, oh*sh + kh*dh, ow*sw + kw*dw]
        loops = [n, oh, ow, c, kh, kw]
        dst_strides = [oh * ow * k, ow * k, k, kh * kw, kw, 1]
        src_strides = [c * hp * wp, sh * wp, sw, hp * wp, dh * wp, dw]
        loops, (dst_strides, src_strides) = collapse_loops(loops, dst_strides, src_strides)
        self.emit(cim.CopyOp((dst, 0, dst_strides), (src, 0, src_strides), loops))

    def window_rows(self, op: xbar.Im2colOp, n: int, oh: int, ow: int, k: int, image: int) -> int | None:
        """Output rows per block when the im2col matrix (oh*ow x k) is bigger than the image it
        is cut from (`image` elements, padded) and only unreplicated crossbar tiles read it:
        blocks no bigger than the image. None: the matrix is made whole. (A replicated layer's
        copies split its rows among themselves, and on a chip that may be reprogrammed
        (allow_reload) a layer's crossbars must not be read again after a reprogramming: their
        windows are made whole.)"""
        readers = [use.operation for use in op.result.uses]
        if n != 1 or not readers or not all(isinstance(r, xbar.MvmOp) and r.replica_count == 1 for r in readers):
            return None
        if self.arch.allow_reload and self.arch.cores is not None:
            return None
        blocks = -(-(oh * ow * k) // image)
        rows = -(-oh // blocks)
        return rows if blocks > 1 and rows < oh else None

    def padded(self, value: SSAValue, pads: Sequence[int], fill: float) -> tuple[SSAValue, int, int]:
        """An NCHW value's buffer, copied into a `fill`-bordered scratch buffer if pads are
        non-zero; with aliasing, a value that dies here is widened in its own buffer: every
        element moves to a higher address, so the copy runs over its source (cim.copy reads
        its source whole first), and then the border is filled."""
        n, c, h, w = shape_of(value)
        pt, pl, pb, pr = pads
        if not any(pads):
            return self.buffer(value), h, w
        hp, wp = h + pt + pb, w + pl + pr
        loops, (dst, src) = collapse_loops([n * c, h, w], [hp * wp, wp, 1], [h * w, w, 1])
        buf = self.dying_buffer(value)
        if buf is not None:
            widening = _Widening(buf, cim.CopyOp((buf, pt * wp + pl, dst), (buf, 0, src), loops), [], fill,
                                 buf.owner.size_bytes)
            buf.owner.size = IntegerAttr(n * c * hp * wp * ELEMENT_BYTES, i64)
            self.emit(widening.copy)
            # each plane's top (and first row's left) border, bottom (and last row's right), and
            # the right and left borders between its rows
            plane, top, bottom = hp * wp, pt * wp + pl, pb * wp + pr
            for counts, strides, offset in (([n * c, top], [plane, 1], 0), ([n * c, bottom], [plane, 1], plane - bottom),
                                            ([n * c, h - 1, pl + pr], [plane, wp, 1], top + w)):
                if numel(counts):
                    counts, (strides,) = collapse_loops(counts, strides)
                    widening.fills.append(cim.FillOp((buf, offset, strides), fill, counts))
                    self.emit(widening.fills[-1])
            self.widenings.append(widening)
            return buf, hp, wp
        buf = self.alloc("scratch", n * c * hp * wp)
        buf.name_hint = f"{value.name_hint or 'v'}_padded"
        self.emit(cim.FillOp((buf, 0, [1]), fill, [n * c * hp * wp]))
        self.emit(cim.CopyOp((buf, pt * wp + pl, dst), (self.buffer(value), 0, src), loops))
        return buf, hp, wp

    def pool(self, op: graph.PoolOp) -> None:
        n, c, h, w = shape_of(op.input)
        _, _, oh, ow = shape_of(op.result)
        (kh, kw), (sh, sw), (dh, dw) = op.window(), ints(op.strides), ints(op.dilations)
        pt, pl, pb, pr = ints(op.pads)
        # ceil_mode's last window may reach past the end padding: pad that far too
        eb = max(0, (oh - 1) * sh + dh * (kh - 1) + 1 - (h + pt + pb))
        er = max(0, (ow - 1) * sw + dw * (kw - 1) + 1 - (w + pl + pr))
        is_max = isinstance(op, graph.MaxPoolOp)
        src, hp, wp = self.padded(op.input, (pt, pl, pb + eb, pr + er), MAXPOOL_PAD if is_max else 0.0)
        loops, window = [n * c, oh, ow, kh, kw], [hp * wp, sh * wp, sw, dh * wp, dw]
        out = self.result_buffer(op.result)
        include_pad = isinstance(op, graph.AvgPoolOp) and op.count_include_pad is not None
        # the positions a window's sum is divided by: all of it, or those inside the input (or
        # inside the explicitly padded input)
        counted = (0, 0, hp - eb, wp - er) if include_pad else (pt, pl, h, w)
        if is_max or counted == (0, 0, hp, wp):
            self.emit(cim.ReduceOp("max" if is_max else "mean", (out, 0, [oh * ow, ow, 1]), (src, 0, window), loops, 2))
            return
        # sums over counts, the counts pooled on the vector unit from a plane of ones
        top, left, rows, cols = counted
        ones = self.alloc("scratch", hp * wp)
        ones.name_hint = "window_counts"
        self.emit(cim.FillOp((ones, 0, [1]), 0.0, [hp * wp]))
        self.emit(cim.FillOp((ones, top * wp + left, [wp, 1]), 1.0, [rows, cols]))
        counts = self.alloc("scratch", oh * ow)
        self.emit(cim.ReduceOp("sum", (counts, 0, [ow, 1]), (ones, 0, window[1:]), loops[1:], 2))
        self.emit(cim.ReduceOp("sum", (out, 0, [oh * ow, ow, 1]), (src, 0, window), loops, 2))
        self.emit(cim.BinaryOp("div", (out, 0, [oh * ow, 1]), (out, 0, [oh * ow, 1]), (counts, 0, [0, 1]),
                               [n * c, oh * ow]))

    def global_avgpool(self, op: graph.GlobalAvgPoolOp) -> None:
        n, c, h, w = shape_of(op.input)
        self.emit(cim.ReduceOp("mean", (self.result_buffer(op.result), 0, [1]),
                               (self.buffer(op.input), 0, [h * w, 1]), [n * c, h * w], 1))

    def unary(self, op: graph.ElementwiseOp) -> None:
        kind, a, b = {
            graph.ReluOp: lambda: ("relu", 0.0, 0.0),
            graph.SigmoidOp: lambda: ("sigmoid", 0.0, 0.0),
            graph.TanhOp: lambda: ("tanh", 0.0, 0.0),
            graph.ClipOp: lambda: ("clip", op.min.value.data, op.max.value.data),
            graph.LeakyReluOp: lambda: ("leaky_relu", op.alpha.value.data, 0.0),
        }[type(op)]()
        count = numel(shape_of(op.input))
        src = self.buffer(op.input)
        self.emit(cim.UnaryOp(kind, (self.in_place_buffer(op.result, [op.input]), 0, [1]), (src, 0, [1]),
                              [count], a, b))

    def binary(self, op: graph.BinaryElementwiseOp) -> None:
        out = shape_of(op.result)
        strides = [contiguous_strides(out), broadcast_strides(shape_of(op.lhs), out),
                   broadcast_strides(shape_of(op.rhs), out)]
        loops, (d, a, b) = collapse_loops(list(out) or [1], *[s or [0] for s in strides])
        if len(loops) > cim.MAX_LOOPS:
            raise CimcError(f"lower-to-isa: {op.name} over {len(loops)} non-mergeable dims exceeds {cim.MAX_LOOPS} loops")
        kind = {graph.AddOp: "add", graph.MulOp: "mul"}[type(op)]
        lhs, rhs = self.buffer(op.lhs), self.buffer(op.rhs)
        self.emit(cim.BinaryOp(kind, (self.in_place_buffer(op.result, [op.lhs, op.rhs]), 0, d), (lhs, 0, a),
                               (rhs, 0, b), loops))

    def concat(self, op: graph.ConcatOp) -> None:
        out_shape = shape_of(op.result)
        axis = op.axis.value.data % len(out_shape)
        outer, inner = numel(out_shape[:axis]), numel(out_shape[axis + 1:])
        out = self.result_buffer(op.result)
        offset = 0
        for value in op.inputs:
            block = shape_of(value)[axis] * inner
            loops, (dst, src) = collapse_loops([outer, block], [out_shape[axis] * inner, 1], [block, 1])
            self.emit(cim.CopyOp((out, offset, dst), (self.buffer(value), 0, src), loops))
            offset += block

    def transpose(self, op: graph.TransposeOp) -> None:
        in_strides = contiguous_strides(shape_of(op.input))
        out_shape = shape_of(op.result)
        loops, (dst, src) = collapse_loops(list(out_shape), contiguous_strides(out_shape),
                                           [in_strides[p] for p in ints(op.perm)])
        if len(loops) > cim.MAX_LOOPS:
            raise CimcError(f"lower-to-isa: graph.transpose needs {len(loops)} loops, more than {cim.MAX_LOOPS}")
        self.emit(cim.CopyOp((self.result_buffer(op.result), 0, dst), (self.buffer(op.input), 0, src), loops))

    def pad(self, op: graph.PadOp) -> None:
        shape, out_shape = shape_of(op.input), shape_of(op.result)
        out_strides = contiguous_strides(out_shape)
        begins = ints(op.pads)[: len(shape)]
        out = self.result_buffer(op.result)
        self.emit(cim.FillOp((out, 0, [1]), op.value.value.data, [numel(out_shape)]))
        loops, (dst, src) = collapse_loops(list(shape), out_strides, contiguous_strides(shape))
        if len(loops) > cim.MAX_LOOPS:
            raise CimcError(f"lower-to-isa: graph.pad needs {len(loops)} loops, more than {cim.MAX_LOOPS}")
        start = sum(b * s for b, s in zip(begins, out_strides))
        self.emit(cim.CopyOp((out, start, dst), (self.buffer(op.input), 0, src), loops))

    def softmax(self, op: graph.SoftmaxOp) -> None:
        """max, x - max, exp, sum, divide: five vector instructions over the reduced dims."""
        shape = shape_of(op.input)
        strides = contiguous_strides(shape)
        reduced = set(op.reduced_dims())
        outer = [d for d in range(len(shape)) if d not in reduced]
        outer_shape = [shape[d] for d in outer] or [1]
        outer_strides = contiguous_strides(outer_shape)
        o_loops, (o_x, o_m) = collapse_loops(outer_shape, [strides[d] for d in outer] or [0], outer_strides)
        r_loops, (r_x,) = collapse_loops([shape[d] for d in sorted(reduced)], [strides[d] for d in sorted(reduced)])
        loops = o_loops + r_loops
        if len(loops) > cim.MAX_LOOPS:
            raise CimcError(f"lower-to-isa: graph.softmax needs {len(loops)} loops, more than {cim.MAX_LOOPS}")
        x, out = self.buffer(op.input), self.result_buffer(op.result)
        stat = self.alloc("scratch", numel(outer_shape))
        stat.name_hint = "softmax_stat"
        everywhere, zeros = o_x + r_x, [0] * len(r_x)
        self.emit(cim.ReduceOp("max", (stat, 0, o_m), (x, 0, everywhere), loops, len(r_loops)))
        self.emit(cim.BinaryOp("sub", (out, 0, everywhere), (x, 0, everywhere), (stat, 0, o_m + zeros), loops))
        self.emit(cim.UnaryOp("exp", (out, 0, [1]), (out, 0, [1]), [numel(shape)]))
        self.emit(cim.ReduceOp("sum", (stat, 0, o_m), (out, 0, everywhere), loops, len(r_loops)))
        self.emit(cim.BinaryOp("div", (out, 0, everywhere), (out, 0, everywhere), (stat, 0, o_m + zeros), loops))

    def lrn(self, op: graph.LrnOp) -> None:
        """x / (bias + alpha/size * window sum of x^2 over channels) ^ beta, on the vector unit.
        The window sums, their affine map and power are computed in the squares' scratch, and the
        product with x is written over x when x dies here: the LRN needs no buffer of its own."""
        n, c, h, w = shape_of(op.input)
        size = op.size.value.data
        before = (size - 1) // 2
        cp, hw = c + size - 1, h * w
        x = self.buffer(op.input)
        squares = self.alloc("scratch", n * cp * hw)
        squares.name_hint = "lrn_squares"
        self.emit(cim.FillOp((squares, 0, [1]), 0.0, [n * cp * hw]))
        loops, (in_squares, in_x) = collapse_loops([n, c * hw], [cp * hw, 1], [c * hw, 1])
        self.emit(cim.BinaryOp("mul", (squares, before * hw, in_squares), (x, 0, in_x), (x, 0, in_x), loops))
        # channel k's sum lands on padded channel k, the first it reads: no later channel reads it
        self.emit(cim.ReduceOp("sum", (squares, 0, [cp * hw, hw, 1]), (squares, 0, [cp * hw, hw, 1, hw]),
                               [n, c, hw, size], 1))
        sums = (squares, 0, in_squares)
        self.emit(cim.UnaryOp("affine", sums, sums, loops, op.alpha.value.data / size, op.bias.value.data))
        self.emit(cim.UnaryOp("pow", sums, sums, loops, -op.beta.value.data))
        out = self.in_place_buffer(op.result, [op.input])
        self.emit(cim.BinaryOp("mul", (out, 0, in_x), (x, 0, in_x), sums, loops))

    @staticmethod
    def bias_of_col2im(op: Operation) -> bool:
        """Whether op is a conv's bias add (P x C matrix + C vector) that only its col2im reads."""
        uses = list(op.results[0].uses) if isinstance(op, graph.AddOp) else []
        return (len(uses) == 1 and isinstance(uses[0].operation, xbar.Col2imOp)
                and len(shape_of(op.lhs)) == 2 and shape_of(op.rhs) == shape_of(op.lhs)[1:])

    def col2im(self, op: xbar.Col2imOp) -> None:
        n, c, oh, ow = shape_of(op.result)
        pixels = oh * ow
        matrix = op.input
        loops = [n, c, pixels]
        dst, src = [c * pixels, pixels, 1], [pixels * c, 1, c]
        out = self.result_buffer(op.result)
        if self.bias_of_col2im(matrix.owner):
            bias = matrix.owner.rhs
            loops, (dst, src, bias_strides) = collapse_loops(loops, dst, src, [0, 1, 0])
            self.emit(cim.BinaryOp("add", (out, 0, dst), (self.buffer(matrix.owner.lhs), 0, src),
                                   (self.buffer(bias), 0, bias_strides), loops))
            return
        loops, (dst, src) = collapse_loops(loops, dst, src)
        self.emit(cim.CopyOp((out, 0, dst), (self.buffer(matrix), 0, src), loops))

    LOWERINGS = {
        xbar.ShiftAddOp: shift_add,
        graph.QuantizeOp: quantize,
        xbar.Im2colOp: im2col,
        xbar.Col2imOp: col2im,
        graph.MaxPoolOp: pool,
        graph.AvgPoolOp: pool,
        graph.GlobalAvgPoolOp: global_avgpool,
        graph.ReluOp: unary,
        graph.SigmoidOp: unary,
        graph.TanhOp: unary,
        graph.ClipOp: unary,
        graph.LeakyReluOp: unary,
        graph.AddOp: binary,
        graph.MulOp: binary,
        graph.ConcatOp: concat,
        graph.TransposeOp: transpose,
        graph.PadOp: pad,
        graph.SoftmaxOp: softmax,
        graph.LrnOp: lrn,
    }

    # -- the function ---------------------------------------------------------------------------

    def check_placement(self) -> None:
        """Every crossbar on a core the chip has, no core holding more than xbars_per_core. A chip
        too small for the model is left to map-cores when crossbars may be reprogrammed."""
        arch = self.arch
        if arch.cores is not None and arch.allow_reload and len(self.crossbars) > arch.cores * arch.xbars_per_core:
            return
        if arch.cores is not None:
            available = arch.cores * arch.xbars_per_core
            if len(self.crossbars) > available:
                raise CimcError(f"lower-to-isa: the model needs {len(self.crossbars)} crossbars, the chip has "
                                f"{available} ({arch.cores} cores x {arch.xbars_per_core}); set allow_reload to "
                                "reprogram crossbars between layer groups")
        per_core: dict[int, int] = {}
        for decl in self.crossbars:
            core = decl.core.value.data
            if arch.cores is not None and core >= arch.cores:
                raise CimcError(f"lower-to-isa: crossbar {decl.id.value.data} is placed on core {core}, "
                                f"the chip has cores 0..{arch.cores - 1}")
            per_core[core] = per_core.get(core, 0) + 1
            if per_core[core] > arch.xbars_per_core:
                raise CimcError(f"lower-to-isa: core {core} is given more than its {arch.xbars_per_core} crossbars")

    def lower_function(self, fn: func.FuncOp) -> None:
        for op in fn.walk():
            for value in (*op.operands, *op.results):
                if isinstance(value.type, TensorType) and not is_known(shape_of(value)):
                    raise CimcError(f"lower-to-isa: {op.name} has a dynamic shape; run shape-infer first")
                if isinstance(value.type, TensorType) and numel(shape_of(value)) == 0:
                    raise CimcError(f"lower-to-isa: {op.name} has an empty tensor; cimc does not compile tensors "
                                    "without elements")
            if isinstance(op, xbar.MvmOp) and op.xbar is not None:
                first = op.xbar.value.data
                self.reserved_ids.update(range(first, first + op.replica_count))
        inputs = []
        for i, arg in enumerate(fn.args):
            buf = self.result_buffer(arg, "input")
            inputs.append(cim.InputOp(io_name(fn, i, "arg"), buf, shape_of(arg)))
        for op in inputs:
            self.stream.add_op(op)
        for op in fn.body.block.ops:
            self.lower_op(op)
        ret = fn.body.block.last_op
        assert isinstance(ret, func.ReturnOp)
        for i, value in enumerate(ret.arguments):
            self.stream.add_op(cim.OutputOp(io_name(fn, i, "res"), self.buffer(value), shape_of(value)))
        # a layer that only set up a window made in blocks (by its consumer) has no instructions
        for op in list(self.stream.ops):
            if isinstance(op, cim.LayerOp) and op.body.block.first_op is None:
                self.stream.erase_op(op)
        # allocations first, then bindings and layers in order
        allocs = [op for op in self.stream.ops if isinstance(op, cim.AllocOp)]
        for op in allocs:
            op.detach()
        first = self.stream.first_op
        for op in allocs:
            if first is None:
                self.stream.add_op(op)
            else:
                self.stream.insert_op_before(op, first)
        self.stream_op = cim.StreamOp.create(properties={"core": IntegerAttr(0, i64)}, regions=[Region(self.stream)])
        self.narrow_widenings()

    def narrow_widenings(self) -> None:
        """Undo the widenings that make the peak: a map widened in its own buffer is at its
        padded size from its birth, which can be the peak (a 1x1 conv's product beside a
        DenseNet concat); padded into a scratch buffer of its own instead, it is at its own
        size until it is copied and only then two buffers. Each widening in turn is undone if
        that lowers the peak (or the number of steps at it)."""
        if not self.widenings:
            return
        lifetimes = cim.buffer_lifetimes(self.stream_op)
        profile = cim.live_profile([a.size_bytes for a in lifetimes], *zip(*lifetimes.values()))
        order = {inst: i for i, inst in enumerate(self.stream_op.instructions())}
        for widening in self.widenings:
            alloc = widening.buffer.owner
            first, _ = lifetimes[alloc]
            step = order[widening.copy]
            trial = profile.copy()
            trial[first:step] -= alloc.size_bytes - widening.narrow_bytes
            trial[step] += widening.narrow_bytes
            if (trial.max(), (trial == trial.max()).sum()) < (profile.max(), (profile == profile.max()).sum()):
                profile = trial
                self.narrow(widening, order)

    def narrow(self, widening: _Widening, order: dict[Operation, int]) -> None:
        """Pad into a scratch buffer of its own, as without aliasing, a map widened in its own
        buffer: its readers after the copy read the scratch."""
        buf, copy = widening.buffer, widening.copy
        padded = cim.AllocOp("scratch", buf.owner.size_bytes)
        padded.result.name_hint = f"{buf.name_hint or 'v'}_padded"
        self.stream.insert_op_after(padded, buf.owner)
        buf.owner.size = IntegerAttr(widening.narrow_bytes, i64)
        step = order[copy]
        buf.replace_uses_with_if(padded.result, lambda use: order.get(use.operation, -1) > step)
        copy.operands = (padded.result, copy.operands[1])
        copy.parent_block().insert_op_before(
            cim.FillOp((padded.result, 0, [1]), widening.fill, [padded.size_bytes // ELEMENT_BYTES]), copy)
        for fill in widening.fills:
            fill.detach()
            fill.erase()


def unaliased_lower_bound(module: ModuleOp) -> int:
    """The memory lower bound the xbar-level `module` has lowered with aliasing=false, the
    module left as it is."""
    lowering = _Lowering(Arch.of_module(module), aliasing=False)
    lowering.lower_function(main_function(module))
    return stream_lower_bound(lowering.stream_op)


def main_function(module: ModuleOp) -> func.FuncOp:
    fns = [f for f in module.ops if isinstance(f, func.FuncOp)]
    if len(fns) != 1:
        raise CimcError(f"lower-to-isa: expected one func.func, found {len(fns)}")
    return fns[0]


@dataclass(frozen=True)
class LowerToIsaPass(ModulePass):
    """Replaces function @main (xbar level) by cim.crossbar declarations and a cim.stream;
    `aliasing=false` gives every tensor a buffer of its own."""

    name = "lower-to-isa"

    aliasing: bool = True

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        fn = main_function(op)
        arch = Arch.of_module(op)
        lowering = _Lowering(arch, self.aliasing)
        lowering.lower_function(fn)
        lowering.check_placement()
        op.body.block.erase_op(fn)
        for decl in lowering.crossbars:
            op.body.block.add_op(decl)
        op.body.block.add_op(lowering.stream_op)
