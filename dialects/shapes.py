"""Shape arithmetic shared by the graph and xbar dialects and their passes."""

from __future__ import annotations

from collections.abc import Sequence

from xdsl.dialects.builtin import DYNAMIC_INDEX, DenseArrayBase, TensorType, f32
from xdsl.ir import Attribute, SSAValue
from xdsl.utils.exceptions import VerifyException

Shape = tuple[int, ...]


def shape_of(value: SSAValue | Attribute) -> Shape:
    """The static shape of a tensor value, -1 for each unknown dim."""
    t = value.type if isinstance(value, SSAValue) else value
    assert isinstance(t, TensorType)
    return tuple(-1 if d == DYNAMIC_INDEX else d for d in t.get_shape())


def is_known(shape: Shape) -> bool:
    return all(d >= 0 for d in shape)


def tensor(shape: Sequence[int]) -> TensorType:
    return TensorType(f32, [DYNAMIC_INDEX if d < 0 else d for d in shape])


def ints(attr: DenseArrayBase) -> tuple[int, ...]:
    """The values of an integer array property (`[1, 2]` in the op syntax)."""
    return tuple(attr.get_values())


def span(offset: int, counts: Sequence[int], strides: Sequence[int], extent: int,
         run_stride: int = 1, window: Sequence[int] | None = None) -> tuple[int, int]:
    """The lowest and one past the highest element a strided loop nest touches, with a run of
    `extent` elements `run_stride` (>= 1) apart at each point. With a `window` (kh, kw, y
    stride, x stride, first) the run is rows first .. first+extent-1 of a kh x kw window per
    channel, channels `run_stride` apart (an MVM's window, cim.MvmOp): the span covers the
    whole channels those rows are in."""
    if window is None:
        run_lo, run_hi = 0, (extent - 1) * run_stride
    else:
        kh, kw, sy, sx, first = window
        run_lo = first // (kh * kw) * run_stride
        run_hi = (first + extent - 1) // (kh * kw) * run_stride + (kh - 1) * sy + (kw - 1) * sx
    lo = offset + sum((n - 1) * s for n, s in zip(counts, strides) if s < 0) + run_lo
    hi = offset + sum((n - 1) * s for n, s in zip(counts, strides) if s > 0) + run_hi + 1
    return lo, hi


def numel(shape: Sequence[int]) -> int:
    n = 1
    for d in shape:
        n *= d
    return n


def window_out(size: int, kernel: int, stride: int, pad_begin: int, pad_end: int, dilation: int,
               ceil: bool = False) -> int:
    """Output length of a sliding window. With `ceil` (ONNX pools' ceil_mode) a last, partial
    window counts too, unless it would start in the end padding."""
    span = dilation * (kernel - 1) + 1
    room = size + pad_begin + pad_end - span
    out = (-(-room // stride) if ceil else room // stride) + 1
    if ceil and (out - 1) * stride >= size + pad_begin:
        out -= 1
    return out


def broadcast(a: Shape, b: Shape, what: str) -> Shape:
    """Numpy/ONNX multidirectional broadcasting of two shapes."""
    rank = max(len(a), len(b))
    a = (1,) * (rank - len(a)) + a
    b = (1,) * (rank - len(b)) + b
    out = []
    for i, (x, y) in enumerate(zip(a, b)):
        if x == y or y == 1:
            out.append(x)
        elif x == 1:
            out.append(y)
        elif x < 0 or y < 0:
            out.append(max(x, y) if max(x, y) > 1 else -1)
        else:
            raise VerifyException(f"{what}: shapes {a} and {b} do not broadcast (dim {i}: {x} vs {y})")
    return tuple(out)
