"""Runs a BinaryImage on numpy arrays and prices it with the Arch's cost model.

Global memory is one float32 array (float64 for precision "int", whose integer partial sums
need 53 bits). Each instruction is one vectorized numpy operation over its whole loop nest:
its operands are strided views of memory shaped like the loop nest.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import NamedTuple
import numpy as np
from numpy.lib.stride_tricks import as_strided

from cimc.binary import FLAG_ACC, NO_SLOT, OPCODES, BinaryImage, mvm_window, operand_count
from cimc.dialects import cim
from cimc.dialects.cim import ELEMENT_BYTES
from cimc.dialects.shapes import span
from cimc.errors import CimcError
from cimc.numerics import Noise, adc, holds_int_weights, physical_width, program_cells, quantize_codes, weight_qmax

UNARY = {
    "relu": lambda x, a, b: np.maximum(x, np.float32(0)),
    "clip": lambda x, a, b: np.clip(x, a, b),
    "leaky_relu": lambda x, a, b: np.where(x >= 0, x, a * x),
    "sigmoid": lambda x, a, b: np.float32(0.5) * (np.float32(1) + np.tanh(np.float32(0.5) * x)),
    "tanh": lambda x, a, b: np.tanh(x),
    "exp": lambda x, a, b: np.exp(x),
    "affine": lambda x, a, b: a * x + b,
    "pow": lambda x, a, b: np.power(x, a),
    "quantize": lambda x, a, b: quantize_codes(x, a, -b, b),
    "quantize_unsigned": lambda x, a, b: quantize_codes(x, a, 0, b),
}
BINARY = {"add": np.add, "sub": np.subtract, "mul": np.multiply, "max": np.maximum, "min": np.minimum,
          "div": np.divide}
REDUCE = {"max": np.max, "sum": np.sum, "mean": np.mean}
SMALL_WINDOW = 64
"""Reductions over at most this many points run as a loop of ufuncs over shifted views."""


class _Mvm(NamedTuple):
    """An MVM instruction prepared to run."""

    matrix: np.ndarray
    acc: bool
    offset: float
    """Added to every input code (int crossbars)."""
    cells: tuple | None
    """The cycle-by-cycle model's (id, levels, shifts, full scale), None for one exact product."""
    source: tuple
    """What the inputs are: MVMs with the same source read the same inputs (split into digits once)."""
    spans: list[tuple[int, int]]
    """The dst and src element spans."""
    split: list[tuple]
    """(matrix, cells) of each replica, empty when one product computes them all."""
    chunk: int
    """First-loop points per replica."""
    slotted: list[int]
    """The crossbars that must be programmed into their slot (reload) when the MVM runs."""
    gather: tuple[int, int] | None
    """A windowed input's first row and row count within the channels its view covers."""


class Executable:
    """An image prepared to run: crossbar matrices, const data and each operand's view resolved once.

    Operands are strided views of global memory (numpy's as_strided), so an instruction gathers
    and scatters its whole loop nest without building index arrays. That is safe because the
    image's accesses were checked to stay inside global memory.
    """

    def __init__(self, image: BinaryImage, noise: Noise | None = None, bit_serial: bool = False,
                 adc_peaks: dict[int, np.ndarray] | None = None, poison: bool = False):
        """`noise` perturbs the crossbar cells (int crossbars only); `bit_serial` runs every
        int MVM cycle by cycle through the ADC model even when the ADC is lossless, where one
        exact integer product gives the same result faster (for checking that claim).
        `adc_peaks` makes a calibration run: lossless ADCs, and each crossbar's largest
        column sums (per physical column) recorded into the dict by crossbar id.
        `poison` is a debug mode for the memory plan: memory starts as NaN and every buffer is
        filled with NaN after the last instruction of its live range, so a read of a buffer
        outside its lifetime (a planner or lowering bug) shows as NaN in the outputs."""
        image.check_accesses(lambda why: CimcError(f"cannot run the image: {why}"))
        arch = image.arch
        if noise is not None and not noise.is_ideal and arch.precision != "int":
            raise CimcError("noise models the cells of int crossbars; this program has precision fp32")
        self.image = image
        self.matrices: dict[int, np.ndarray] = {}
        self.cells: dict[int, tuple | None] = {}
        self.adc_peaks = adc_peaks
        bit_serial = bit_serial or adc_peaks is not None
        # a cycle's column sums are integers up to rows * (2^dac - 1) * (2^cell - 1) without
        # noise: float32 holds them exactly below 2^24 (and is twice as fast)
        largest_sum = arch.xbar_rows * (2 ** arch.dac_bits - 1) * (2 ** arch.cell_bits - 1)
        self.sum_dtype = np.float32 if largest_sum < 2**24 else np.float64
        ideal = noise is None or noise.is_ideal
        cells_read = arch.adc_bits is not None or bit_serial
        shared: dict[tuple, tuple] = {}  # replicas hold the same weights: prepared once
        for i, row in enumerate(image.crossbars):
            ident, first, width = int(row["id"]), int(row["first"]), int(row["width"])
            key = (int(row["data"]), int(row["rows"]), int(row["cols"]), first, width)
            if ideal and key in shared:
                matrix, levels, shifts = shared[key]
            else:
                matrix, levels, shifts = self.prepare_crossbar(i, noise, cells_read)
                shared[key] = (matrix, levels, shifts)
            self.matrices[ident], self.cells[ident] = matrix, None
            if levels is not None and cells_read:
                full_scale = image.adc_ranges(i)
                if full_scale is None:
                    full_scale = float(arch.xbar_rows * (2 ** arch.dac_bits - 1) * (2 ** arch.cell_bits - 1))
                self.cells[ident] = (ident, levels, shifts, full_scale)
        # crossbars that take turns on a (core, slot): which one each MVM needs written there
        self.slots = {int(x["id"]): (int(x["core"]), int(x["slot"])) for x in image.crossbars if x["slot"] != NO_SLOT}
        self.consts = [(int(row["addr"]) // ELEMENT_BYTES, image.buffer_data(i))
                       for i, row in enumerate(image.buffers) if row["weight"] != 0xFFFFFFFF]
        self.inputs = image.io_bindings(outputs=False)
        self.outputs = image.io_bindings(outputs=True)
        # one memory reused by every run, so each operand's view is made once; the lock keeps
        # concurrent runs of one program from sharing it
        self.memory = np.zeros(image.memory_bytes // ELEMENT_BYTES, np.float64 if arch.precision == "int" else np.float32)
        self.lock = threading.Lock()
        self.poison = poison
        dying: dict[int, list[tuple[int, int]]] = {}
        kept = {int(b["buffer"]) for b in image.bindings if b["output"]}
        for i, row in enumerate(image.buffers):
            if row["weight"] == 0xFFFFFFFF and i not in kept:  # consts and outputs stay
                start = int(row["addr"]) // ELEMENT_BYTES
                dying.setdefault(int(row["last"]), []).append((start, start + int(row["size"]) // ELEMENT_BYTES))
        self.program = []
        for index, word in enumerate(image.instructions):
            op, arg, views = self.prepare(word)
            arrays = [as_strided(self.memory[offset:], shape, strides) for offset, shape, strides in views]
            if op is cim.ReduceOp:
                arg = self.window_reduction(arg, arrays[1])
            self.program.append((op, arg, arrays, dying.get(index, []) if poison else []))

    def prepare_crossbar(self, index: int, noise: Noise | None, cells_read: bool) -> tuple:
        """(matrix the fast path multiplies by, cell levels, shifts) of crossbar `index`; the
        levels (None for fp32) feed the cycle-by-cycle ADC model."""
        image, arch = self.image, self.image.arch
        row = image.crossbars[index]
        ident, matrix = int(row["id"]), image.crossbar_matrix(index)
        if arch.precision != "int":
            return matrix, None, None
        if not holds_int_weights(matrix, arch.weight_bits):
            qmax = weight_qmax(arch.weight_bits)
            raise CimcError(f"cannot run the image: int crossbar {ident} holds weights that are not "
                            f"integers in [-{qmax}, {qmax}]")
        first, width = int(row["first"]), int(row["width"])
        ideal = noise is None or noise.is_ideal
        if ideal and not cells_read and (first, width) == (0, matrix.shape[1] * physical_width(arch)):
            # every cell of every weight column, exact: G @ F is the integer weights themselves
            return matrix.astype(np.float64), None, None
        levels, shifts = program_cells(matrix, first, first + width, arch)
        if noise is not None:
            levels = noise.apply(levels, ident, arch.cell_bits)
        return levels @ shifts, levels.astype(self.sum_dtype), shifts

    def window_reduction(self, arg: tuple, src: np.ndarray) -> tuple:
        """A reduction as a running ufunc over one shifted view per point: many times faster
        than np.max over a strided 5-D view for a pooling window, and in float64 (int) memory
        the defined order of every sum, point by point, at any size."""
        kind, axes = arg
        window = src.shape[axes[0]:]
        if np.prod(window, dtype=np.int64) > SMALL_WINDOW and self.memory.dtype == np.float32:
            return arg
        ufunc = np.maximum if kind is np.max else np.add
        count = self.memory.dtype.type(np.prod(window)) if kind is np.mean else None
        return ufunc, count, [src[(..., *point)] for point in np.ndindex(*window)]

    def prepare(self, word: np.void) -> tuple:
        """(operation, xbar matrix or fill value or flag, operand views as (offset, shape, byte strides))."""
        op = OPCODES[int(word["opcode"])]
        pattern = self.image.patterns[int(word["pattern"])]
        rank = int(pattern["rank"])
        counts = [int(c) for c in pattern["counts"][:rank]]
        reduced = int(word["reduce"]) if op is cim.ReduceOp else 0
        matrix = self.matrices.get(int(word["xbar"])) if op is cim.MvmOp else None
        views = []
        window = mvm_window(pattern) if op is cim.MvmOp else None
        gather = None
        for slot, address in enumerate(("dst", "src0", "src1")[: operand_count(op)]):
            loops = rank - reduced if slot == 0 else rank
            shape = counts[:loops]
            strides = [int(st) * self.memory.itemsize for st in pattern["strides"][slot][:loops]]
            offset = int(word[address]) // ELEMENT_BYTES
            run_stride = int(pattern["strides"][slot][rank]) * self.memory.itemsize if op is cim.MvmOp else 0
            if matrix is not None and slot == 1 and window is not None:
                # the whole channels the crossbar's rows are in, as (channel, y, x): the MVM
                # flattens them and takes its rows (`gather`: the first, how many)
                kh, kw, sy, sx, first = window
                rows = matrix.shape[0]
                c0, c1 = first // (kh * kw), (first + rows - 1) // (kh * kw)
                offset += c0 * run_stride // self.memory.itemsize
                shape += [c1 - c0 + 1, kh, kw]
                strides += [run_stride, sy * self.memory.itemsize, sx * self.memory.itemsize]
                gather = (first - c0 * kh * kw, rows)
            elif matrix is not None:  # the crossbar's columns (dst, col_stride apart) or rows (src, row_stride apart)
                shape.append(matrix.shape[1 - slot])
                strides.append(run_stride)
            views.append((offset, tuple(shape), tuple(strides)))
        if op is cim.MvmOp:
            ident, count = int(word["xbar"]), int(word["replicas"])
            spans = [span(offset, shape, [st // self.memory.itemsize for st in strides], 1)
                     for offset, shape, strides in views]
            members = range(ident, ident + count)
            # replicas with one matrix and no cycle-by-cycle model compute as one crossbar
            split = [(self.matrices[m], self.cells[m]) for m in members]
            if all(m is matrix and c is None for m, c in split):
                split = []
            return op, _Mvm(matrix, bool(word["flags"] & FLAG_ACC), float(word["imm"]), self.cells[ident],
                            (views[1], gather, float(word["imm"])), spans, split, -(-counts[0] // count),
                            [m for m in members if m in self.slots], gather), views
        if op is cim.ProgramOp:
            return op, range(int(word["xbar"]), int(word["xbar"]) + counts[0]), views
        if op is cim.FillOp:
            return op, np.float32(word["imm"]), views
        if op is cim.ReduceOp:
            return op, (REDUCE[op.KINDS[int(word["subop"])]], tuple(range(rank - reduced, rank))), views
        if op is cim.UnaryOp:
            fn, a, b = UNARY[op.KINDS[int(word["subop"])]], np.float32(word["imm"]), np.float32(word["imm2"])
            return op, lambda x: fn(x, a, b), views
        if op is cim.BinaryOp:
            return op, BINARY[op.KINDS[int(word["subop"])]], views
        return op, None, views

    def run(self, inputs: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
        with self.lock:
            memory = self.memory
            memory.fill(np.nan if self.poison else 0)
            for addr, data in self.consts:
                memory[addr: addr + data.size] = data
            self.write_inputs(memory, inputs)
            self.digits_source = None
            held: dict[tuple[int, int], int] = {}  # (core, slot) -> the crossbar written there
            outputs = {name: (addr, addr + int(np.prod(shape))) for name, (addr, shape) in self.outputs.items()}
            for index, (op, arg, arrays, dead) in enumerate(self.program):
                if op is not cim.MvmOp:
                    self.digits_source = None  # memory may change: split inputs afresh
                if op is cim.CopyOp:
                    arrays[0][...] = arrays[1]
                elif op is cim.FillOp:
                    arrays[0][...] = arg
                elif op is cim.MvmOp:
                    for ident in arg.slotted:
                        if held.get(self.slots[ident]) != ident:
                            raise CimcError(f"instruction {index}: crossbar {ident} is read before a cim.program "
                                            f"wrote it into core {self.slots[ident][0]} slot {self.slots[ident][1]}")
                    self.mvm(arg, *arrays)
                elif op is cim.ProgramOp:
                    for ident in arg:
                        held[self.slots[ident]] = ident
                elif op is cim.ReduceOp and len(arg) == 3:
                    ufunc, count, points = arg
                    total = points[0].copy()
                    for point in points[1:]:
                        ufunc(total, point, out=total)
                    arrays[0][...] = total if count is None else total / count
                elif op is cim.ReduceOp:
                    kind, axes = arg
                    arrays[0][...] = kind(arrays[1], axis=axes)
                else:
                    arrays[0][...] = arg(*arrays[1:])
                for start, end in dead:
                    memory[start:end] = np.nan
            return {name: memory[start:end].reshape(self.outputs[name][1]).copy()
                    for name, (start, end) in outputs.items()}

    def mvm(self, arg: _Mvm, dst: np.ndarray, src: np.ndarray) -> None:
        """One MVM instruction: the product on its crossbar, or chunk r of the first loop on
        replica r."""
        matrix, acc, offset, cells, source, (dst_span, src_span), split, chunk, _, gather = arg
        if gather is not None:  # the crossbar's rows of the window matrix over whole channels
            first, rows = gather
            src = src.reshape(*src.shape[:-3], -1)[..., first:first + rows]
        inputs = src + offset if offset else src
        if cells is not None and self.digits_source != source:  # a row tile's crossbars read the same inputs
            self.digits, self.digits_source, self.digits_span = self.input_digits(inputs), source, src_span
        parts = [(slice(None), matrix, cells)] if not split else [
            (slice(r * chunk, (r + 1) * chunk), m, c) for r, (m, c) in enumerate(split) if r * chunk < src.shape[0]]
        for rows, m, c in parts:
            if c is None:  # one 2-D product over all points: the same sums however the points are nested
                x = inputs[rows]
                product = (x.reshape(-1, x.shape[-1]) @ m).reshape(*x.shape[:-1], m.shape[1])
            else:
                product = self.bit_serial(self.digits[:, rows], *c)
            if acc:
                dst[rows] += product
            else:
                dst[rows] = product
        if cells is not None and dst_span[0] < self.digits_span[1] and self.digits_span[0] < dst_span[1]:
            self.digits_source = None  # this MVM wrote over the inputs it split

    def input_digits(self, codes: np.ndarray) -> np.ndarray:
        """The DAC inputs of every cycle: digit t (base 2^dac_bits) of each code, stacked."""
        arch = self.image.arch
        base = 2 ** arch.dac_bits
        return np.stack([(np.floor(codes / base ** cycle) % base).astype(self.sum_dtype)
                         for cycle in range(arch.input_cycles)])

    def bit_serial(self, digits: np.ndarray, ident: int, levels: np.ndarray, shifts: np.ndarray,
                   full_scale: float | np.ndarray) -> np.ndarray:
        """An int crossbar read cycle by cycle: each physical column's sum of every cycle
        through the ADC, shift-and-add over cycles, then over slices and polarities into
        weight columns."""
        arch = self.image.arch
        sums = digits @ levels
        if self.adc_peaks is not None:
            peak = sums.reshape(-1, sums.shape[-1]).max(axis=0)
            self.adc_peaks[ident] = np.maximum(self.adc_peaks.get(ident, peak), peak)
        elif arch.adc_bits is not None:
            sums = adc(sums, full_scale, arch.adc_bits)
        cycle_weights = (2.0 ** arch.dac_bits) ** np.arange(arch.input_cycles)
        return np.tensordot(cycle_weights, sums, axes=(0, 0)) @ shifts

    def write_inputs(self, memory: np.ndarray, inputs: Mapping[str, np.ndarray]) -> None:
        if not isinstance(inputs, Mapping):
            raise CimcError(f"inputs are a dict of input name -> array (the program takes {', '.join(self.inputs)}), "
                            f"not {type(inputs).__name__}")
        missing = set(self.inputs) - set(inputs)
        if missing:
            raise CimcError(f"missing input(s) {', '.join(sorted(missing))}; the program takes {', '.join(self.inputs)}")
        extra = set(inputs) - set(self.inputs)
        if extra:
            raise CimcError(f"unknown input(s) {', '.join(sorted(extra))}; the program takes {', '.join(self.inputs)}")
        for name, (addr, shape) in self.inputs.items():
            value = np.asarray(inputs[name])
            if value.shape != shape:
                raise CimcError(f"input '{name}' has shape {list(value.shape)}, the program takes {list(shape)}")
            if value.dtype.kind not in "fiub":
                raise CimcError(f"input '{name}' has dtype {value.dtype}, expected numbers")
            memory[addr: addr + value.size] = value.reshape(-1)


def instruction_costs(image: BinaryImage) -> tuple[np.ndarray, np.ndarray]:
    """Cycles and energy (pJ) of every instruction under the image's Arch.

    MVM: each crossbar activation takes input_cycles read cycles (inputs applied dac_bits at a
    time), each with a crossbar read, a DAC per row and an ADC conversion per physical column.
    Vector ops: ceil(elements / vector_lanes) cycles and vector_elem_pj per element plus memory
    traffic.
    Copies and fills: ceil(bytes / memory_bytes_per_cycle) cycles and memory_byte_pj per byte.
    Crossbar programming: xbar_write_row_cycles per row on each core (cores in parallel) and
    xbar_write_cell_pj per cell.
    """
    arch, inst = image.arch, image.instructions
    if not len(inst):
        return np.zeros(0), np.zeros(0)
    patterns = image.patterns[inst["pattern"]]
    ranks = patterns["rank"]
    mask = np.arange(cim.MAX_LOOPS)[None, :] < ranks[:, None]
    points = np.where(mask, patterns["counts"], 1).astype(np.float64).prod(axis=1)
    opcode = inst["opcode"]
    cycles = np.zeros(len(inst))
    energy = np.zeros(len(inst))

    mvm = opcode == cim.MvmOp.OPCODE
    if mvm.any():
        # an int crossbar converts each of its physical columns (slices and polarities) but
        # writes one value per weight column
        shapes = {int(x["id"]): (int(x["rows"]), int(x["cols"]), int(x["width"])) for x in image.crossbars}
        rows, cols, converted = (np.array([shapes[int(i)][k] for i in inst["xbar"][mvm]], np.float64)
                                 for k in range(3))
        reads = points[mvm] * arch.input_cycles
        # replicas share the first loop: each runs ceil(n0 / R) of its points, all at once
        first_loop = patterns["counts"][mvm, 0].astype(np.float64)
        per_replica = np.ceil(first_loop / inst["replicas"][mvm]) * (points[mvm] / first_loop)
        cycles[mvm] = per_replica * arch.input_cycles * arch.xbar_read_cycles
        energy[mvm] = reads * (arch.xbar_read_pj + converted * arch.adc_pj + rows * arch.dac_pj) + \
            points[mvm] * (rows + cols) * ELEMENT_BYTES * arch.memory_byte_pj

    moves = (opcode == cim.CopyOp.OPCODE) | (opcode == cim.FillOp.OPCODE)
    operands = np.array([operand_count(OPCODES[int(o)]) for o in opcode], np.float64)
    nbytes = points * ELEMENT_BYTES * operands
    cycles[moves] = np.ceil(nbytes[moves] / arch.memory_bytes_per_cycle)
    energy[moves] = nbytes[moves] * arch.memory_byte_pj

    program = opcode == cim.ProgramOp.OPCODE
    if program.any():
        # a core writes one crossbar row at a time, the cores in parallel
        sizes = {int(x["id"]): (int(x["core"]), int(x["rows"]), int(x["rows"]) * int(x["width"]))
                 for x in image.crossbars}
        for i in np.flatnonzero(program):
            first, count = int(inst["xbar"][i]), int(points[i])
            rows_per_core: dict[int, int] = {}
            cells = 0
            for ident in range(first, first + count):
                core, rows, size = sizes[ident]
                rows_per_core[core] = rows_per_core.get(core, 0) + rows
                cells += size
            cycles[i] = max(rows_per_core.values()) * arch.xbar_write_row_cycles
            energy[i] = cells * arch.xbar_write_cell_pj

    vector = ~(mvm | moves | program)
    cycles[vector] = np.ceil(points[vector] / arch.vector_lanes)
    energy[vector] = points[vector] * arch.vector_elem_pj + nbytes[vector] * arch.memory_byte_pj
    return cycles, energy


def memory_lower_bound(image: BinaryImage) -> int:
    """The largest sum of sizes of the buffers live at one instruction: no plan can use less."""
    b = image.buffers
    return cim.live_peak(b["size"], b["first"], b["last"])



def check_memory_plan(image: BinaryImage) -> None:
    """The independent check of a memory plan: no two buffers whose live ranges overlap share
    a byte. CimcError naming the first such pair."""
    b = image.buffers
    if not len(b):
        return
    order = np.argsort(b["addr"], kind="stable")
    starts, ends = b["addr"][order].astype(np.int64), (b["addr"] + b["size"])[order].astype(np.int64)
    first, last = b["first"][order].astype(np.int64), b["last"][order].astype(np.int64)
    # pairs (i, j), i before j by address, whose address ranges overlap: j starts before i ends
    for i in range(len(order)):
        j = np.arange(i + 1, np.searchsorted(starts, ends[i], side="left"))
        clash = j[(first[j] <= last[i]) & (first[i] <= last[j])]
        if len(clash):
            a, c = int(order[i]), int(order[clash[0]])
            raise CimcError(f"memory plan: buffers '{image.string(int(b['name'][a]))}' and "
                            f"'{image.string(int(b['name'][c]))}' are live together at overlapping addresses")
