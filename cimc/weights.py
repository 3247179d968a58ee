"""The weight store: numpy arrays named by handle, kept out of the IR text.

IR ops name a weight by its handle (`graph.weight "conv1.weight"`); the arrays live here, are
saved as an .npz beside an .mlir file, and are copied into the binary by the encoder.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from cimc.errors import CimcError
from cimc.files import write_atomically


class WeightStore:
    """Named float32 arrays. Iteration is in insertion order, so output files are deterministic."""

    def __init__(self, arrays: dict[str, np.ndarray] | None = None):
        self._arrays: dict[str, np.ndarray] = {}
        for name, array in (arrays or {}).items():
            self._arrays[name] = np.ascontiguousarray(array, dtype=np.float32)

    def add(self, name: str, array: np.ndarray) -> str:
        """Store `array` under `name`, or under `name.N` if taken; return the handle used."""
        handle, n = name, 1
        while handle in self._arrays:
            handle, n = f"{name}.{n}", n + 1
        self._arrays[handle] = np.ascontiguousarray(array, dtype=np.float32)
        return handle

    def __getitem__(self, handle: str) -> np.ndarray:
        try:
            return self._arrays[handle]
        except KeyError:
            raise CimcError(f"weight '{handle}' is not in the weight store") from None

    def __contains__(self, handle: object) -> bool:
        return handle in self._arrays

    def __iter__(self) -> Iterator[str]:
        return iter(self._arrays)

    def __len__(self) -> int:
        return len(self._arrays)

    def items(self):
        return self._arrays.items()

    def keep_only(self, handles: set[str]) -> None:
        """Drop the arrays no IR names any more (weights replaced by folded copies)."""
        for handle in [h for h in self._arrays if h not in handles]:
            del self._arrays[handle]

    def save(self, path: str | Path) -> None:
        buffer = io.BytesIO()
        np.savez(buffer, **self._arrays)
        write_atomically(path, buffer.getvalue())

    @classmethod
    def load(cls, path: str | Path) -> WeightStore:
        try:
            data = np.load(path, allow_pickle=False)
            if not isinstance(data, np.lib.npyio.NpzFile):
                raise CimcError(f"weight file '{path}' is not an .npz archive of named arrays")
            with data:
                return cls({name: data[name] for name in data.files})
        except FileNotFoundError:
            raise CimcError(f"weight file '{path}' not found") from None
        except (OSError, ValueError) as e:
            raise CimcError(f"weight file '{path}' is not a valid .npz: {e}") from None


def tile_matrix(weight: np.ndarray, rows: tuple[int, int], cols: tuple[int, int], groups: int = 1) -> np.ndarray:
    """A crossbar's contents: rows x cols of the crossbar view of `weight`, or, for `groups`
    packed groups of a grouped conv, their column blocks placed block-diagonally (each group
    sees only its own input rows)."""
    (r0, r1), (c0, c1) = rows, cols
    matrix = weight_matrix(weight)
    if groups == 1:
        return matrix[r0:r1, c0:c1]
    k, n = r1 - r0, (c1 - c0) // groups
    packed = np.zeros((groups * k, c1 - c0), np.float32)
    for i in range(groups):
        packed[i * k:(i + 1) * k, i * n:(i + 1) * n] = matrix[r0:r1, c0 + i * n: c0 + (i + 1) * n]
    return packed


def weight_matrix(weight: np.ndarray) -> np.ndarray:
    """The K x N crossbar view of a weight: a conv's OIHW as (I*H*W) x O, a gemm's K x N as is.

    A grouped conv's groups share the K rows and own disjoint column ranges.
    """
    if weight.ndim == 2:
        return weight
    return weight.reshape(weight.shape[0], -1).T
