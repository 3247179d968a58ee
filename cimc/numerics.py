"""Integer crossbar numerics: quantization, differential bit-sliced cells, bit-serial inputs,
the ADC, and device non-idealities (see docs/numerics.md for every formula with an example).

A weight matrix W (K x N) is quantized per output column to signed integers Wq in
[-qmax, qmax], qmax = 2^(weight_bits-1) - 1, and stored as a differential pair
Wq = W+ - W- of non-negative magnitudes. Each magnitude is cut into `slices` digits of
`cell_bits` bits, one cell per digit. A crossbar's physical columns are laid out weight column
by weight column ("n-major"): weight column n owns physical columns n*2S .. n*2S + 2S - 1,
ordered (slice 0 +, slice 0 -, slice 1 +, ...).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cimc.arch import Arch
from cimc.errors import CimcError


def slices(arch: Arch) -> int:
    """Cells per weight magnitude: ceil((weight_bits - 1) / cell_bits)."""
    return -(-(arch.weight_bits - 1) // arch.cell_bits)


def physical_width(arch: Arch) -> int:
    """Physical crossbar columns per weight column: 2 polarities x slices in int, 1 in fp32."""
    return 2 * slices(arch) if arch.precision == "int" else 1


def weight_qmax(bits: int) -> int:
    return 2 ** (bits - 1) - 1


def holds_int_weights(matrix: np.ndarray, bits: int) -> bool:
    """Whether every entry is an integer in [-qmax, qmax]: what cells of `bits`-bit weights hold."""
    return bool(np.array_equal(matrix, np.rint(matrix)) and np.abs(matrix).max(initial=0) <= weight_qmax(bits))


def input_offset(bits: int, signed: bool) -> int:
    """What the DACs add to every input code: 2^(bits-1) for signed codes (offset binary)."""
    return 2 ** (bits - 1) if signed else 0


def quantize_weight(matrix: np.ndarray, bits: int) -> tuple[np.ndarray, np.ndarray]:
    """Symmetric per-column quantization of a K x N matrix: (Wq, scale) with W ~ Wq * scale,
    Wq integer-valued in [-qmax, qmax]. An all-zero column (or one too small for a float32
    scale) gets scale 1."""
    qmax = weight_qmax(bits)
    peak = np.abs(matrix).max(axis=0).astype(np.float32)
    scale = (peak / np.float32(qmax)).astype(np.float32)
    scale = np.where(scale > 0, scale, np.float32(1)).astype(np.float32)
    wq = np.clip(np.rint(matrix / scale), -qmax, qmax).astype(np.float32)
    return wq, scale


@dataclass(frozen=True)
class ActivationQuant:
    """Per-tensor input quantization: codes q = clip(rint(x / scale), qmin, qmax).

    Signed tensors use symmetric codes in [-(2^(bits-1)-1), 2^(bits-1)-1] and reach the DACs in
    offset binary, q + 2^(bits-1) (the sign bit inverted), so the crossbar sees non-negative
    inputs; the digital unit subtracts 2^(bits-1) * sum_k Wq[k, n] afterwards. Non-negative
    tensors (after a ReLU) use all 2^bits codes in [0, 2^bits - 1] and need no correction.
    """

    scale: float
    bits: int
    signed: bool

    @property
    def qmax(self) -> int:
        return 2 ** (self.bits - 1) - 1 if self.signed else 2 ** self.bits - 1

    @property
    def offset(self) -> int:
        return input_offset(self.bits, self.signed)

    @classmethod
    def calibrated(cls, low: float, high: float, bits: int, layer: str = "a layer") -> ActivationQuant:
        """From the range [low, high] seen on calibration inputs: unsigned if low >= 0."""
        if not (np.isfinite(low) and np.isfinite(high)):
            raise CimcError(f"quantize: the input of {layer} takes non-finite values on the calibration inputs "
                            f"(range [{low}, {high}])")
        signed = low < 0
        if bits == 1 and signed:
            raise CimcError(f"quantize: the input of {layer} is signed, and input_bits = 1 cannot represent it")
        peak = max(abs(low), abs(high))
        levels = 2 ** (bits - 1) - 1 if signed else 2 ** bits - 1
        scale = float(np.float32(peak / levels))
        return cls(scale if scale > 0 else 1.0, bits, signed)


def quantize_codes(x: np.ndarray, scale: float, qmin: float, qmax: float) -> np.ndarray:
    """rint(x / scale) clipped to [qmin, qmax], in x's dtype (the vector unit's quantize)."""
    return np.clip(np.rint(x / x.dtype.type(np.float32(scale))), qmin, qmax)


def cell_layout(j0: int, j1: int, arch: Arch) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For physical columns [j0, j1) of a layer's n-major layout: (weight column, slice,
    polarity +1/-1) of each."""
    width = 2 * slices(arch)
    j = np.arange(j0, j1)
    return j // width, (j % width) // 2, np.where(j % 2 == 0, 1, -1)


def program_cells(wq: np.ndarray, j0: int, j1: int, arch: Arch) -> tuple[np.ndarray, np.ndarray]:
    """A crossbar holding physical columns [j0, j1) of a layer whose quantized weight columns
    [j0 // 2S, ceil(j1 / 2S)) are `wq` (R x Cw): the cell levels G (R x (j1-j0), integers in
    [0, 2^cell_bits - 1]) and the shift-and-add matrix F ((j1-j0) x Cw) with
    F[j, n] = polarity * 2^(cell_bits * slice), so that G @ F is wq restricted to its columns."""
    base = 2.0 ** arch.cell_bits
    magnitudes = np.stack([np.maximum(wq, 0), np.maximum(-wq, 0)], axis=-1).astype(np.float64)  # R x Cw x 2
    digits = np.floor(magnitudes[:, :, None, :] / base ** np.arange(slices(arch))[:, None]) % base
    offset = j0 // (2 * slices(arch)) * 2 * slices(arch)  # wq's first column starts here
    levels = digits.reshape(wq.shape[0], -1)[:, j0 - offset: j1 - offset]  # n-major: (column, slice, polarity)
    column, slice_, polarity = cell_layout(j0, j1, arch)
    shifts = np.zeros((j1 - j0, wq.shape[1]))
    shifts[np.arange(j1 - j0), column - column[0]] = polarity * base ** slice_
    return levels, shifts


@dataclass(frozen=True)
class Noise:
    """Device non-idealities applied when a program runs, per crossbar cell:

    conductance variation G' = G * (1 + N(0, conductance_std)); a cell stuck at 0 (no
    conductance) with probability stuck_at_0, stuck at the highest level 2^cell_bits - 1 with
    probability stuck_at_1. Deterministic for a given seed: each crossbar draws from a generator
    seeded by (seed, crossbar id).
    """

    conductance_std: float = 0.0
    stuck_at_0: float = 0.0
    stuck_at_1: float = 0.0
    seed: int = 0

    def __post_init__(self) -> None:
        if not (self.conductance_std >= 0 and np.isfinite(self.conductance_std)):
            raise CimcError(f"Noise: conductance_std must be a finite number >= 0, got {self.conductance_std}")
        for name in ("stuck_at_0", "stuck_at_1"):
            if not 0 <= getattr(self, name) <= 1:
                raise CimcError(f"Noise: {name} must be a probability in [0, 1], got {getattr(self, name)}")
        if self.stuck_at_0 + self.stuck_at_1 > 1:
            raise CimcError("Noise: stuck_at_0 + stuck_at_1 must be <= 1")
        if not isinstance(self.seed, (int, np.integer)) or self.seed < 0:
            raise CimcError(f"Noise: seed must be an integer >= 0, got {self.seed!r}")

    @property
    def is_ideal(self) -> bool:
        return self.conductance_std == 0 and self.stuck_at_0 == 0 and self.stuck_at_1 == 0

    def apply(self, levels: np.ndarray, crossbar: int, cell_bits: int) -> np.ndarray:
        """The conductances (in level units) of a crossbar's cells under this noise."""
        if self.is_ideal:
            return levels
        rng = np.random.default_rng([self.seed, crossbar])
        g = levels * (1 + rng.normal(0.0, self.conductance_std, levels.shape)) if self.conductance_std else levels.copy()
        if self.stuck_at_0 or self.stuck_at_1:
            u = rng.random(levels.shape)
            g[u < self.stuck_at_0] = 0.0
            g[(u >= self.stuck_at_0) & (u < self.stuck_at_0 + self.stuck_at_1)] = 2 ** cell_bits - 1
        return g


def adc(sums: np.ndarray, full_scale: float | np.ndarray, bits: int) -> np.ndarray:
    """An ADC of `bits` bits over [0, full_scale] (one range, or one per column): each column
    sum read as the nearest of 2^bits - 1 equal steps (clipped to the range). A step below 1
    resolves every integer sum, so the step is at least 1 level."""
    step = np.maximum(np.asarray(full_scale, sums.dtype) / sums.dtype.type(2 ** bits - 1), sums.dtype.type(1))
    codes = np.rint(sums / step)
    np.clip(codes, 0, 2 ** bits - 1, out=codes)
    codes *= step
    return codes
