"""Runs a BinaryImage on numpy arrays and prices it with the Arch's cost model.

Global memory is one float32 array. Each instruction is one vectorized numpy operation over
its whole loop nest: its operands' element indices are built by broadcasting the loop ranges
against the strides, then gathered, computed on and scattered back.
"""

from __future__ import annotations

from collections.abc import Mapping
import numpy as np

from cimc.binary import FLAG_ACC, OPCODES, BinaryImage, operand_count
from cimc.dialects import cim
from cimc.dialects.cim import ELEMENT_BYTES
from cimc.errors import CimcError

UNARY = {"relu": lambda x: np.maximum(x, np.float32(0))}
BINARY = {"add": np.add, "sub": np.subtract, "mul": np.multiply, "max": np.maximum}
REDUCE = {"max": np.max, "sum": np.sum, "mean": np.mean}


def loop_indices(base: int, counts: np.ndarray, strides: np.ndarray, extent: int = 0) -> np.ndarray:
    """Element indices of an access: shape counts (+ (extent,) for a contiguous run)."""
    index = np.asarray(base, np.int64)
    for count, stride in zip(counts.tolist(), strides.tolist()):
        index = index[..., None] + np.arange(count, dtype=np.int64) * stride
    if extent:
        index = index[..., None] + np.arange(extent, dtype=np.int64)
    return index


class Executable:
    """An image prepared to run: crossbar matrices and const data resolved once."""

    def __init__(self, image: BinaryImage):
        self.image = image
        self.matrices = {int(row["id"]): image.crossbar_matrix(i) for i, row in enumerate(image.crossbars)}
        self.consts = [(int(row["addr"]) // ELEMENT_BYTES, image.buffer_data(i))
                       for i, row in enumerate(image.buffers) if row["weight"] != 0xFFFFFFFF]
        self.inputs = image.io_bindings(outputs=False)
        self.outputs = image.io_bindings(outputs=True)

    def run(self, inputs: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
        memory = np.zeros(self.image.memory_bytes // ELEMENT_BYTES, np.float32)
        for addr, data in self.consts:
            memory[addr: addr + data.size] = data
        self.write_inputs(memory, inputs)
        for word in self.image.instructions:
            self.execute(memory, word)
        return {name: memory[addr: addr + int(np.prod(shape))].reshape(shape).copy()
                for name, (addr, shape) in self.outputs.items()}

    def write_inputs(self, memory: np.ndarray, inputs: Mapping[str, np.ndarray]) -> None:
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

    def execute(self, memory: np.ndarray, word: np.void) -> None:
        op = OPCODES[int(word["opcode"])]
        pattern = self.image.patterns[int(word["pattern"])]
        rank = int(pattern["rank"])
        counts, strides = pattern["counts"][:rank], pattern["strides"]
        reduced = int(word["reduce"]) if op is cim.ReduceOp else 0

        def at(slot: int, address: str, extent: int = 0) -> np.ndarray:
            loops = rank - reduced if slot == 0 else rank
            return loop_indices(int(word[address]) // ELEMENT_BYTES, counts[:loops], strides[slot][:loops], extent)

        if op is cim.CopyOp:
            memory[at(0, "dst")] = memory[at(1, "src0")]
        elif op is cim.FillOp:
            memory[at(0, "dst")] = word["imm"]
        elif op is cim.MvmOp:
            matrix = self.matrices[int(word["xbar"])]
            dst = at(0, "dst", matrix.shape[1])
            product = memory[at(1, "src0", matrix.shape[0])] @ matrix
            if word["flags"] & FLAG_ACC:
                memory[dst] += product
            else:
                memory[dst] = product
        elif op is cim.UnaryOp:
            memory[at(0, "dst")] = UNARY[op.KINDS[int(word["subop"])]](memory[at(1, "src0")])
        elif op is cim.BinaryOp:
            memory[at(0, "dst")] = BINARY[op.KINDS[int(word["subop"])]](memory[at(1, "src0")], memory[at(2, "src1")])
        else:
            kind = REDUCE[op.KINDS[int(word["subop"])]]
            memory[at(0, "dst")] = kind(memory[at(1, "src0")], axis=tuple(range(rank - reduced, rank)))


def instruction_costs(image: BinaryImage) -> tuple[np.ndarray, np.ndarray]:
    """Cycles and energy (pJ) of every instruction under the image's Arch.

    MVM: each crossbar activation takes input_cycles read cycles (inputs applied dac_bits at a
    time), each with a crossbar read, a DAC per row and an ADC conversion per column. Vector ops:
    ceil(elements / vector_lanes) cycles and vector_elem_pj per element plus memory traffic.
    Copies and fills: ceil(bytes / memory_bytes_per_cycle) cycles and memory_byte_pj per byte.
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
        shapes = {int(x["id"]): (int(x["rows"]), int(x["cols"])) for x in image.crossbars}
        rows = np.array([shapes[int(i)][0] for i in inst["xbar"][mvm]], np.float64)
        cols = np.array([shapes[int(i)][1] for i in inst["xbar"][mvm]], np.float64)
        reads = points[mvm] * arch.input_cycles
        cycles[mvm] = reads * arch.xbar_read_cycles
        energy[mvm] = reads * (arch.xbar_read_pj + cols * arch.adc_pj + rows * arch.dac_pj) + \
            points[mvm] * (rows + cols) * ELEMENT_BYTES * arch.memory_byte_pj

    moves = (opcode == cim.CopyOp.OPCODE) | (opcode == cim.FillOp.OPCODE)
    operands = np.array([operand_count(OPCODES[int(o)]) for o in opcode], np.float64)
    nbytes = points * ELEMENT_BYTES * operands
    cycles[moves] = np.ceil(nbytes[moves] / arch.memory_bytes_per_cycle)
    energy[moves] = nbytes[moves] * arch.memory_byte_pj

    vector = ~(mvm | moves)
    cycles[vector] = np.ceil(points[vector] / arch.vector_lanes)
    energy[vector] = points[vector] * arch.vector_elem_pj + nbytes[vector] * arch.memory_byte_pj
    return cycles, energy


def memory_lower_bound(image: BinaryImage) -> int:
    """The largest sum of sizes of the buffers live at one instruction: no plan can use less."""
    b = image.buffers
    if not len(b):
        return 0
    steps = max(len(image.instructions), 1) + 1
    delta = np.zeros(steps, np.int64)
    np.add.at(delta, b["first"].astype(np.int64), b["size"].astype(np.int64))
    np.add.at(delta, b["last"].astype(np.int64) + 1, -b["size"].astype(np.int64))
    return int(np.cumsum(delta).max())

