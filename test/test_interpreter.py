"""The interpreter: each instruction against numpy, and the cost model's arithmetic."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from xdsl.parser import Parser

from cimc import Arch, WeightStore
from cimc.binary import encode
from cimc.driver import context
from cimc.interpreter import Executable, instruction_costs
from cimc.passes.plan_memory import PlanMemoryPass


def run_cim(body: str, inputs: dict[str, np.ndarray], weights: dict[str, np.ndarray], xbars: str = "",
            arch: Arch | None = None):
    """Run a hand-written stream: `body` declares buffers, binds x (input) and y (output)."""
    text = f"{xbars}\ncim.stream core 0 {{\n{body}\n}}"
    module = Parser(context(), text).parse_module()
    if arch is not None:
        arch.attach(module)
    PlanMemoryPass().apply(context(), module)
    image = encode(module, WeightStore(weights))
    return Executable(image).run(inputs)["y"], image


def test_copy_transposes():
    x = np.arange(12, dtype=np.float32).reshape(3, 4)
    y, _ = run_cim('''
  %x = cim.alloc "input" size 48 : !cim.buffer
  %y = cim.alloc "activation" size 48 : !cim.buffer
  cim.input "x" %x shape [3, 4]
  cim.layer "t" {
    cim.copy %y[0] [1, 3] from %x[0] [4, 1] loops [3, 4]
  }
  cim.output "y" %y shape [4, 3]''', {"x": x}, {})
    np.testing.assert_array_equal(y, x.T)


def test_fill_then_copy_pads():
    x = np.arange(4, dtype=np.float32).reshape(2, 2) + 1
    y, _ = run_cim('''
  %x = cim.alloc "input" size 16 : !cim.buffer
  %y = cim.alloc "activation" size 64 : !cim.buffer
  cim.input "x" %x shape [2, 2]
  cim.layer "pad" {
    cim.fill %y[0] [1] value -2.5 loops [16]
    cim.copy %y[5] [4, 1] from %x[0] [2, 1] loops [2, 2]
  }
  cim.output "y" %y shape [4, 4]''', {"x": x}, {})
    np.testing.assert_array_equal(y, np.pad(x, 1, constant_values=-2.5))


def test_mvm_with_accumulate_over_row_tiles():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((5, 6)).astype(np.float32)
    w = rng.standard_normal((6, 3)).astype(np.float32)
    y, image = run_cim('''
  %x = cim.alloc "input" size 120 : !cim.buffer
  %y = cim.alloc "activation" size 60 : !cim.buffer
  cim.input "x" %x shape [5, 6]
  cim.layer "fc" {
    cim.mvm xbar 0 %y[0] [3] from %x[0] [6] loops [5]
    cim.mvm xbar 1 %y[0] [3] from %x[4] [6] loops [5] acc
  }
  cim.output "y" %y shape [5, 3]''', {"x": x}, {"w": w},
        xbars='cim.crossbar 0 core 0 weight "w" rows [0, 4] cols [0, 3]\n'
              'cim.crossbar 1 core 0 weight "w" rows [4, 6] cols [0, 3]')
    np.testing.assert_allclose(y, x @ w, rtol=1e-5)
    cycles, energy = instruction_costs(image)
    arch = Arch()
    assert cycles.tolist() == [5 * arch.input_cycles * arch.xbar_read_cycles] * 2
    reads = 5 * arch.input_cycles
    assert energy[1] == pytest.approx(reads * (arch.xbar_read_pj + 3 * arch.adc_pj + 2 * arch.dac_pj)
                                      + 5 * (2 + 3) * 4 * arch.memory_byte_pj)


@pytest.mark.parametrize("kind,fn", [("add", np.add), ("sub", np.subtract), ("mul", np.multiply),
                                     ("max", np.maximum)])
def test_binary_broadcasts_with_zero_strides(kind, fn):
    rng = np.random.default_rng(1)
    x = rng.standard_normal((3, 4)).astype(np.float32)
    b = rng.standard_normal(4).astype(np.float32)
    y, _ = run_cim(f'''
  %x = cim.alloc "input" size 48 : !cim.buffer
  %b = cim.alloc "const" size 16 weight "b" : !cim.buffer
  %y = cim.alloc "activation" size 48 : !cim.buffer
  cim.input "x" %x shape [3, 4]
  cim.layer "op" {{
    cim.binary "{kind}" %y[0] [4, 1] from %x[0] [4, 1], %b[0] [0, 1] loops [3, 4]
  }}
  cim.output "y" %y shape [3, 4]''', {"x": x}, {"b": b})
    np.testing.assert_array_equal(y, fn(x, b))


def test_relu():
    x = np.linspace(-2, 2, 8, dtype=np.float32)
    y, _ = run_cim('''
  %x = cim.alloc "input" size 32 : !cim.buffer
  %y = cim.alloc "activation" size 32 : !cim.buffer
  cim.input "x" %x shape [8]
  cim.layer "r" {
    cim.unary "relu" %y[0] [1] from %x[0] [1] loops [8]
  }
  cim.output "y" %y shape [8]''', {"x": x}, {})
    np.testing.assert_array_equal(y, np.maximum(x, 0))


@pytest.mark.parametrize("kind,fn", [("max", np.max), ("sum", np.sum), ("mean", np.mean)])
def test_reduce_pools_2x2_windows(kind, fn):
    x = np.random.default_rng(2).standard_normal((2, 4, 6)).astype(np.float32)
    y, _ = run_cim(f'''
  %x = cim.alloc "input" size 192 : !cim.buffer
  %y = cim.alloc "activation" size 48 : !cim.buffer
  cim.input "x" %x shape [2, 4, 6]
  cim.layer "pool" {{
    cim.reduce "{kind}" %y[0] [6, 3, 1] from %x[0] [24, 12, 2, 6, 1] loops [2, 2, 3, 2, 2] reduce 2
  }}
  cim.output "y" %y shape [2, 2, 3]''', {"x": x}, {})
    expected = fn(x.reshape(2, 2, 2, 3, 2), axis=(2, 4))
    np.testing.assert_allclose(y, expected, rtol=1e-6)


def test_vector_and_copy_costs():
    _, image = run_cim('''
  %x = cim.alloc "input" size 400 : !cim.buffer
  %y = cim.alloc "activation" size 400 : !cim.buffer
  cim.input "x" %x shape [100]
  cim.layer "l" {
    cim.unary "relu" %y[0] [1] from %x[0] [1] loops [100]
    cim.copy %y[0] [1] from %x[0] [1] loops [100]
  }
  cim.output "y" %y shape [100]''', {"x": np.zeros(100, np.float32)}, {})
    arch = Arch()
    cycles, energy = instruction_costs(image)
    assert cycles[0] == np.ceil(100 / arch.vector_lanes)
    assert energy[0] == pytest.approx(100 * arch.vector_elem_pj + 800 * arch.memory_byte_pj)
    assert cycles[1] == np.ceil(800 / arch.memory_bytes_per_cycle)
    assert energy[1] == pytest.approx(800 * arch.memory_byte_pj)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 4), st.integers(-5, 5)), min_size=1, max_size=6))
def test_copy_follows_its_loop_nest(loops):
    """A gather with arbitrary (negative, zero, overlapping) source strides, against nested loops."""
    counts = [c for c, _ in loops]
    strides = [s for _, s in loops]
    offset = sum((c - 1) * -s for c, s in loops if s < 0)
    size = offset + sum((c - 1) * s for c, s in loops if s > 0) + 1
    points = int(np.prod(counts))
    dst_strides = [int(np.prod(counts[k + 1:])) for k in range(len(counts))]
    x = np.arange(size, dtype=np.float32)
    y, _ = run_cim(f'''
  %x = cim.alloc "input" size {4 * size} : !cim.buffer
  %y = cim.alloc "activation" size {4 * points} : !cim.buffer
  cim.input "x" %x shape [{size}]
  cim.layer "gather" {{
    cim.copy %y[0] {dst_strides} from %x[{offset}] {strides} loops {counts}
  }}
  cim.output "y" %y shape [{points}]''', {"x": x}, {})
    expected = [offset + sum(i * s for i, s in zip(point, strides)) for point in itertools.product(*map(range, counts))]
    np.testing.assert_array_equal(y, np.array(expected, np.float32))


def test_mvm_reads_and_writes_through_row_and_column_strides():
    """A 1x1 conv on a channels x pixels (NCHW) map, in place of x.T @ W and a transpose back:
    input row r of the crossbar is src[p + r*row_stride] and output column j goes to
    dst[p + j*col_stride], so y = (x.T @ W).T. Two row tiles (input channels [0, 2) and
    [2, 3)), the second accumulating from channel 2 (element 10); the pattern keeps the strides
    after its one loop."""
    rng = np.random.default_rng(3)
    x = rng.standard_normal((3, 5)).astype(np.float32)  # 3 channels, 5 pixels
    w = rng.standard_normal((3, 2)).astype(np.float32)
    y, image = run_cim('''
  %x = cim.alloc "input" size 60 : !cim.buffer
  %y = cim.alloc "activation" size 40 : !cim.buffer
  cim.input "x" %x shape [3, 5]
  cim.layer "pw" {
    cim.mvm xbar 0 %y[0] [1] col_stride 5 from %x[0] [1] row_stride 5 loops [5]
    cim.mvm xbar 1 %y[0] [1] col_stride 5 from %x[10] [1] row_stride 5 loops [5] acc
  }
  cim.output "y" %y shape [2, 5]''', {"x": x}, {"w": w},
        xbars='cim.crossbar 0 core 0 weight "w" rows [0, 2] cols [0, 2]\n'
              'cim.crossbar 1 core 0 weight "w" rows [2, 3] cols [0, 2]')
    np.testing.assert_allclose(y, (x.T @ w).T, rtol=1e-5)
    pattern = image.patterns[image.instructions["pattern"][0]]
    assert (pattern["rank"], pattern["strides"][0][:2].tolist(), pattern["strides"][1][:2].tolist()) == \
        (1, [1, 5], [1, 5])


def test_strided_mvm_into_a_pixel_major_matrix_and_back():
    """Only one side strided: row_stride reads the NCHW map into a pixel-major P x N matrix
    (columns 1 apart), col_stride writes a pixel-major matrix's product into an NCHW map."""
    rng = np.random.default_rng(4)
    x = rng.standard_normal((3, 4)).astype(np.float32)
    w = rng.standard_normal((3, 2)).astype(np.float32)
    v = rng.standard_normal((2, 3)).astype(np.float32)
    y, _ = run_cim('''
  %x = cim.alloc "input" size 48 : !cim.buffer
  %m = cim.alloc "activation" size 32 : !cim.buffer
  %y = cim.alloc "activation" size 48 : !cim.buffer
  cim.input "x" %x shape [3, 4]
  cim.layer "in" {
    cim.mvm xbar 0 %m[0] [2] from %x[0] [1] row_stride 4 loops [4]
  }
  cim.layer "out" {
    cim.mvm xbar 1 %y[0] [1] col_stride 4 from %m[0] [2] loops [4]
  }
  cim.output "y" %y shape [3, 4]''', {"x": x}, {"w": w, "v": v},
        xbars='cim.crossbar 0 core 0 weight "w" rows [0, 3] cols [0, 2]\n'
              'cim.crossbar 1 core 0 weight "v" rows [0, 2] cols [0, 3]')
    np.testing.assert_allclose(y, ((x.T @ w) @ v).T, rtol=1e-5)


def test_replicas_of_a_strided_mvm_split_its_pixels():
    """Replicas holding different matrices run chunk by chunk (ceil(5 / 2) = 3 pixels, then 2):
    each chunk reads and writes its own pixels through the strides."""
    rng = np.random.default_rng(5)
    x = rng.standard_normal((3, 5)).astype(np.float32)
    w0, w1 = rng.standard_normal((2, 3, 2)).astype(np.float32)
    y, _ = run_cim('''
  %x = cim.alloc "input" size 60 : !cim.buffer
  %y = cim.alloc "activation" size 40 : !cim.buffer
  cim.input "x" %x shape [3, 5]
  cim.layer "pw" {
    cim.mvm xbar 0 replicas 2 %y[0] [1] col_stride 5 from %x[0] [1] row_stride 5 loops [5]
  }
  cim.output "y" %y shape [2, 5]''', {"x": x}, {"w0": w0, "w1": w1},
        xbars='cim.crossbar 0 core 0 weight "w0" rows [0, 3] cols [0, 2]\n'
              'cim.crossbar 1 core 0 weight "w1" rows [0, 3] cols [0, 2]')
    expected = np.concatenate([(x[:, :3].T @ w0).T, (x[:, 3:].T @ w1).T], axis=1)
    np.testing.assert_allclose(y, expected, rtol=1e-5)


@pytest.mark.parametrize("bit_serial", [False, True])
def test_int_mvm_through_row_and_column_strides(bit_serial):
    """An int crossbar (4 slices, 8 physical columns per weight column) reading and writing
    NCHW maps: exact in float64, cycle by cycle or as one product."""
    rng = np.random.default_rng(6)
    x = rng.integers(0, 256, (3, 5)).astype(np.float64)  # unsigned 8-bit codes, 3 channels x 5 pixels
    w = rng.integers(-127, 128, (3, 2)).astype(np.float32)
    arch = Arch(precision="int")
    _, image = run_cim('''
  %x = cim.alloc "input" size 60 : !cim.buffer
  %y = cim.alloc "activation" size 40 : !cim.buffer
  cim.input "x" %x shape [3, 5]
  cim.layer "pw" {
    cim.fill %y[0] [1] value 0.0 loops [10]
    cim.mvm xbar 0 %y[0] [1] col_stride 5 from %x[0] [1] row_stride 5 loops [5] acc
  }
  cim.output "y" %y shape [2, 5]''', {"x": x}, {"w": w},
        xbars='cim.crossbar 0 core 0 weight "w" rows [0, 3] cols [0, 16] slices 4', arch=arch)
    y = Executable(image, bit_serial=bit_serial).run({"x": x})["y"]
    assert y.dtype == np.float64
    np.testing.assert_array_equal(y, (x.T @ w.astype(np.float64)).T)


def _window_matrix(padded: np.ndarray, kernel: tuple[int, int], strides: tuple[int, int]) -> np.ndarray:
    """im2col of a C x Hp x Wp map: row (oy, ox), column (c, ky, kx)."""
    c, hp, wp = padded.shape
    (kh, kw), (sh, sw) = kernel, strides
    oh, ow = (hp - kh) // sh + 1, (wp - kw) // sw + 1
    return np.array([[padded[ch, oy * sh + ky, ox * sw + kx] for ch in range(c) for ky in range(kh) for kx in range(kw)]
                     for oy in range(oh) for ox in range(ow)])


WINDOW_CONV = '''
  %x = cim.alloc "input" size 672 : !cim.buffer
  %y = cim.alloc "activation" size 288 : !cim.buffer
  cim.input "x" %x shape [3, 7, 8]
  cim.layer "conv" {{
    {fill}cim.mvm xbar 0 {replicas}%y[0] [6, 1] col_stride 18 from %x[0] [16, 1] row_stride 56 window [3, 3, 8, 1] loops [3, 6]{acc}
    cim.mvm xbar {second} %y[0] [6, 1] col_stride 18 from %x[0] [16, 1] row_stride 56 window [3, 3, 8, 1] first_row 16 loops [3, 6] acc
  }}
  cim.output "y" %y shape [4, 3, 6]'''
"""A 3x3 conv, stride 2 down and 1 across, of a 3-channel padded 7x8 map into 4 channels
(3 x 6 pixels, NCHW, channels 18 apart) as two row tiles of its 27 window rows: [0, 16) and
[16, 27), the second starting inside channel 1 (16 = 9 + 7)."""


def test_mvm_reads_a_padded_map_through_its_window():
    """No im2col in memory: input row q = (c*3 + ky)*3 + kx of pixel (oy, ox) is
    x[c, 2*oy + ky, ox + kx], at c*56 + ky*8 + kx from the pixel's start 16*oy + ox."""
    rng = np.random.default_rng(7)
    x = rng.standard_normal((3, 7, 8)).astype(np.float32)
    w = rng.standard_normal((27, 4)).astype(np.float32)
    y, image = run_cim(WINDOW_CONV.format(fill="", replicas="", acc="", second=1), {"x": x}, {"w": w},
                       xbars='cim.crossbar 0 core 0 weight "w" rows [0, 16] cols [0, 4]\n'
                             'cim.crossbar 1 core 0 weight "w" rows [16, 27] cols [0, 4]')
    expected = (_window_matrix(x, (3, 3), (2, 1)) @ w).T.reshape(4, 3, 6)
    np.testing.assert_allclose(y, expected, rtol=1e-5, atol=1e-6)
    assert len(image.instructions) == 2  # nothing but the two MVMs


def test_replicas_of_a_window_mvm_split_its_output_rows():
    """Replicas take the first loop's points, output rows: ceil(3 / 2) = 2 rows on crossbar 0,
    1 on crossbar 1 (here holding other weights, so the split shows)."""
    rng = np.random.default_rng(8)
    x = rng.standard_normal((3, 7, 8)).astype(np.float32)
    w0, w1 = rng.standard_normal((2, 27, 4)).astype(np.float32)
    y, _ = run_cim(WINDOW_CONV.format(fill="", replicas="replicas 2 ", acc="", second=2), {"x": x},
                   {"w0": w0, "w1": w1},
                   xbars='cim.crossbar 0 core 0 weight "w0" rows [0, 16] cols [0, 4]\n'
                         'cim.crossbar 1 core 0 weight "w1" rows [0, 16] cols [0, 4]\n'
                         'cim.crossbar 2 core 0 weight "w0" rows [16, 27] cols [0, 4]')
    cols = _window_matrix(x, (3, 3), (2, 1))
    first = np.concatenate([cols[:12, :16] @ w0[:16], cols[12:, :16] @ w1[:16]])
    expected = (first + cols[:, 16:] @ w0[16:]).T.reshape(4, 3, 6)
    np.testing.assert_allclose(y, expected, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("bit_serial", [False, True])
def test_int_mvm_through_a_window(bit_serial):
    """The same conv on int crossbars (4 slices, 8 physical columns per weight column), unsigned
    8-bit codes: exact in float64, cycle by cycle or as one product."""
    rng = np.random.default_rng(9)
    x = rng.integers(0, 256, (3, 7, 8)).astype(np.float64)
    w = rng.integers(-127, 128, (27, 4)).astype(np.float32)
    _, image = run_cim(WINDOW_CONV.format(fill="cim.fill %y[0] [1] value 0.0 loops [72]\n    ", replicas="",
                                          acc=" acc", second=1), {"x": x}, {"w": w},
                       xbars='cim.crossbar 0 core 0 weight "w" rows [0, 16] cols [0, 32] slices 4\n'
                             'cim.crossbar 1 core 0 weight "w" rows [16, 27] cols [0, 32] slices 4',
                       arch=Arch(precision="int"))
    y = Executable(image, bit_serial=bit_serial).run({"x": x})["y"]
    np.testing.assert_array_equal(y, (_window_matrix(x, (3, 3), (2, 1)) @ w.astype(np.float64)).T.reshape(4, 3, 6))


def test_copy_widens_a_map_to_its_padded_layout_in_its_own_buffer():
    """cim.copy reads its source whole before writing: a 2 x 3 x 3 map moved inside its own
    buffer to the 2 x 5 x 6 padded layout (pads 1 top, 2 left, 1 bottom, 1 right; every element
    moves up), then the border filled: each plane's top (1*6 + 2 elements), bottom (1*6 + 1) and
    the 3 between its rows."""
    x = np.arange(18, dtype=np.float32).reshape(2, 3, 3) + 1
    y, _ = run_cim('''
  %x = cim.alloc "input" size 72 : !cim.buffer
  %a = cim.alloc "activation" size 240 : !cim.buffer
  cim.input "x" %x shape [2, 3, 3]
  cim.layer "pad" {
    cim.copy %a[0] [1] from %x[0] [1] loops [18]
    cim.copy %a[8] [30, 6, 1] from %a[0] [9, 3, 1] loops [2, 3, 3]
    cim.fill %a[0] [30, 1] value -1.0 loops [2, 8]
    cim.fill %a[23] [30, 1] value -1.0 loops [2, 7]
    cim.fill %a[11] [30, 6, 1] value -1.0 loops [2, 2, 3]
  }
  cim.output "y" %a shape [2, 5, 6]''', {"x": x}, {})
    np.testing.assert_array_equal(y, np.pad(x, ((0, 0), (1, 1), (2, 1)), constant_values=-1))
