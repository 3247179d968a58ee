// RUN: %python -c "import numpy as np; cw = np.zeros((3, 3, 2, 2), np.float32); \
// RUN:   cw[0] = 1; cw[1] = np.array([7, -7] * 6).reshape(3, 2, 2); cw[2] = -3; np.savez('%t.npz', **{ \
// RUN:   'conv.weight': cw, 'fc.weight': np.arange(20, dtype=np.float32).reshape(4, 5) % 15 - 7, \
// RUN:   'fc.bias': np.ones(5, np.float32), \
// RUN:   'fc2.weight': np.array([[1, -1], [2, -2], [3, -3], [4, 4]], np.float32), \
// RUN:   'dw.weight': np.ones((4, 1, 2, 2), np.float32)})"
// RUN: cimc-opt %s -p tile-crossbars --weights %t.npz --weights-out %t.out.npz | filecheck %s --match-full-lines
// RUN: %python -c "import numpy as np; d = np.load('%t.out.npz'); \
// RUN:   [print(k, d[k].shape, d[k].tolist()) for k in d.files if k.endswith('offset_correction')]" \
// RUN:   | filecheck %s --check-prefix=NPZ --match-full-lines

// tile-crossbars with precision "int" on layers that read graph.quantize codes (the output of
// the quantize pass, written by hand here with integer weights). Crossbars of 8 rows x 16
// columns; cell_bits 2 and weight_bits 4 give slices = ceil((4 - 1) / 2) = 2 cells per weight
// magnitude, so each weight column takes 2 polarities x 2 slices = 4 physical columns.
// Each row tile (<= 8 rows) becomes 2 x 2 = 4 xbar.mvm tiles, (slice, polarity) in the order
// (0, +1), (0, -1), (1, +1), (1, -1), every tile over all of the group's weight columns (the
// cut into crossbars of 16 physical columns is lower-to-isa's). One xbar.shift_add recombines
// a layer's tiles. A signed input reaches the DACs in offset binary, q + 2^(bits-1) (`offset 8`
// for bits 4), and an add of -8 * (column sums of Wq) takes that back off; an unsigned input
// has neither.

builtin.module attributes {cimc.arch = {precision = "int", xbar_rows = 8 : i64, xbar_cols = 16 : i64, cell_bits = 2 : i64, weight_bits = 4 : i64, input_bits = 4 : i64}} {

  // conv 3x3x2x2, signed input: K = 3*2*2 = 12 rows in row tiles [0, 8) and [8, 12), 4 tiles
  // each; the offset correction, then col2im, then the fused relu. The layer name goes to
  // every new op, the correction weight included.
  // CHECK-LABEL: func.func @conv(%x: tensor<1x3x3x3xf32>) -> tensor<1x3x2x2xf32> {
  func.func @conv(%x: tensor<1x3x3x3xf32>) -> tensor<1x3x2x2xf32> {
    %w = graph.weight "conv.weight" : tensor<3x3x2x2xf32>
    %q = graph.quantize %x scale 0.25 bits 4 signed : (tensor<1x3x3x3xf32>) -> tensor<1x3x3x3xf32>
    %c = graph.conv %q, %w strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 activation "relu" [] {cimc.layer = "conv"} : (tensor<1x3x3x3xf32>, tensor<3x3x2x2xf32>) -> tensor<1x3x2x2xf32>
    func.return %c : tensor<1x3x2x2xf32>
  }
  // CHECK-NEXT: %w = graph.weight "conv.weight" : tensor<3x3x2x2xf32>
  // CHECK-NEXT: %q = graph.quantize %x scale 2.500000e-01 bits 4 signed : (tensor<1x3x3x3xf32>) -> tensor<1x3x3x3xf32>
  // CHECK-NEXT: %c = xbar.im2col %q kernel [2, 2] strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] {cimc.layer = "conv"} : (tensor<1x3x3x3xf32>) -> tensor<4x12xf32>
  // CHECK-NEXT: %c_1 = xbar.mvm %c, %w group 0 rows [0, 8] cols [0, 3] slice 0 polarity 1 offset 8 {cimc.layer = "conv"} : (tensor<4x12xf32>, tensor<3x3x2x2xf32>) -> tensor<4x3xf32>
  // CHECK-NEXT: %c_2 = xbar.mvm %c, %w group 0 rows [0, 8] cols [0, 3] slice 0 polarity -1 offset 8 {cimc.layer = "conv"} : (tensor<4x12xf32>, tensor<3x3x2x2xf32>) -> tensor<4x3xf32>
  // CHECK-NEXT: %c_3 = xbar.mvm %c, %w group 0 rows [0, 8] cols [0, 3] slice 1 polarity 1 offset 8 {cimc.layer = "conv"} : (tensor<4x12xf32>, tensor<3x3x2x2xf32>) -> tensor<4x3xf32>
  // CHECK-NEXT: %c_4 = xbar.mvm %c, %w group 0 rows [0, 8] cols [0, 3] slice 1 polarity -1 offset 8 {cimc.layer = "conv"} : (tensor<4x12xf32>, tensor<3x3x2x2xf32>) -> tensor<4x3xf32>
  // CHECK-NEXT: %c_5 = xbar.mvm %c, %w group 0 rows [8, 12] cols [0, 3] slice 0 polarity 1 offset 8 {cimc.layer = "conv"} : (tensor<4x12xf32>, tensor<3x3x2x2xf32>) -> tensor<4x3xf32>
  // CHECK-NEXT: %c_6 = xbar.mvm %c, %w group 0 rows [8, 12] cols [0, 3] slice 0 polarity -1 offset 8 {cimc.layer = "conv"} : (tensor<4x12xf32>, tensor<3x3x2x2xf32>) -> tensor<4x3xf32>
  // CHECK-NEXT: %c_7 = xbar.mvm %c, %w group 0 rows [8, 12] cols [0, 3] slice 1 polarity 1 offset 8 {cimc.layer = "conv"} : (tensor<4x12xf32>, tensor<3x3x2x2xf32>) -> tensor<4x3xf32>
  // CHECK-NEXT: %c_8 = xbar.mvm %c, %w group 0 rows [8, 12] cols [0, 3] slice 1 polarity -1 offset 8 {cimc.layer = "conv"} : (tensor<4x12xf32>, tensor<3x3x2x2xf32>) -> tensor<4x3xf32>
  // CHECK-NEXT: %c_9 = xbar.shift_add %c_1, %c_2, %c_3, %c_4, %c_5, %c_6, %c_7, %c_8 {cimc.layer = "conv"} : (tensor<4x3xf32>, tensor<4x3xf32>, tensor<4x3xf32>, tensor<4x3xf32>, tensor<4x3xf32>, tensor<4x3xf32>, tensor<4x3xf32>, tensor<4x3xf32>) -> tensor<4x3xf32>
  // CHECK-NEXT: %c_10 = graph.weight "conv.weight.offset_correction" {cimc.layer = "conv"} : tensor<3xf32>
  // CHECK-NEXT: %c_11 = graph.add %c_9, %c_10 {cimc.layer = "conv"} : (tensor<4x3xf32>, tensor<3xf32>) -> tensor<4x3xf32>
  // CHECK-NEXT: %c_12 = xbar.col2im %c_11 {cimc.layer = "conv"} : (tensor<4x3xf32>) -> tensor<1x3x2x2xf32>
  // CHECK-NEXT: %c_13 = graph.relu %c_12 {cimc.layer = "conv"} : (tensor<1x3x2x2xf32>) -> tensor<1x3x2x2xf32>
  // CHECK-NEXT: func.return %c_13 : tensor<1x3x2x2xf32>

  // gemm 4x5 with bias, unsigned input: one row tile (K = 4), tiles without `offset`, no
  // correction; the bias is added after the shift_add.
  // CHECK-LABEL: func.func @gemm(%a: tensor<2x4xf32>) -> tensor<2x5xf32> {
  func.func @gemm(%a: tensor<2x4xf32>) -> tensor<2x5xf32> {
    %fw = graph.weight "fc.weight" : tensor<4x5xf32>
    %fb = graph.weight "fc.bias" : tensor<5xf32>
    %q = graph.quantize %a scale 0.5 bits 4 : (tensor<2x4xf32>) -> tensor<2x4xf32>
    %y = graph.gemm %q, %fw, %fb : (tensor<2x4xf32>, tensor<4x5xf32>, tensor<5xf32>) -> tensor<2x5xf32>
    func.return %y : tensor<2x5xf32>
  }
  // CHECK-NEXT: %fw = graph.weight "fc.weight" : tensor<4x5xf32>
  // CHECK-NEXT: %fb = graph.weight "fc.bias" : tensor<5xf32>
  // CHECK-NEXT: %q = graph.quantize %a scale 5.000000e-01 bits 4 : (tensor<2x4xf32>) -> tensor<2x4xf32>
  // CHECK-NEXT: %y = xbar.mvm %q, %fw group 0 rows [0, 4] cols [0, 5] slice 0 polarity 1 : (tensor<2x4xf32>, tensor<4x5xf32>) -> tensor<2x5xf32>
  // CHECK-NEXT: %y_1 = xbar.mvm %q, %fw group 0 rows [0, 4] cols [0, 5] slice 0 polarity -1 : (tensor<2x4xf32>, tensor<4x5xf32>) -> tensor<2x5xf32>
  // CHECK-NEXT: %y_2 = xbar.mvm %q, %fw group 0 rows [0, 4] cols [0, 5] slice 1 polarity 1 : (tensor<2x4xf32>, tensor<4x5xf32>) -> tensor<2x5xf32>
  // CHECK-NEXT: %y_3 = xbar.mvm %q, %fw group 0 rows [0, 4] cols [0, 5] slice 1 polarity -1 : (tensor<2x4xf32>, tensor<4x5xf32>) -> tensor<2x5xf32>
  // CHECK-NEXT: %y_4 = xbar.shift_add %y, %y_1, %y_2, %y_3 : (tensor<2x5xf32>, tensor<2x5xf32>, tensor<2x5xf32>, tensor<2x5xf32>) -> tensor<2x5xf32>
  // CHECK-NEXT: %y_5 = graph.add %y_4, %fb : (tensor<2x5xf32>, tensor<5xf32>) -> tensor<2x5xf32>
  // CHECK-NEXT: func.return %y_5 : tensor<2x5xf32>

  // A 3-D gemm input is viewed as a 6 x 4 matrix by a graph.reshape: the codes are still
  // graph.quantize's (tile-crossbars looks through the reshape). Signed: offset 8 and a
  // correction, then the reshape back.
  // CHECK-LABEL: func.func @gemm3d(%a: tensor<2x3x4xf32>) -> tensor<2x3x2xf32> {
  func.func @gemm3d(%a: tensor<2x3x4xf32>) -> tensor<2x3x2xf32> {
    %w = graph.weight "fc2.weight" : tensor<4x2xf32>
    %q = graph.quantize %a scale 0.125 bits 4 signed : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32>
    %y = graph.gemm %q, %w : (tensor<2x3x4xf32>, tensor<4x2xf32>) -> tensor<2x3x2xf32>
    func.return %y : tensor<2x3x2xf32>
  }
  // CHECK-NEXT: %w = graph.weight "fc2.weight" : tensor<4x2xf32>
  // CHECK-NEXT: %q = graph.quantize %a scale 1.250000e-01 bits 4 signed : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32>
  // CHECK-NEXT: %y = graph.reshape %q shape [-1, 4] : (tensor<2x3x4xf32>) -> tensor<6x4xf32>
  // CHECK-NEXT: %y_1 = xbar.mvm %y, %w group 0 rows [0, 4] cols [0, 2] slice 0 polarity 1 offset 8 : (tensor<6x4xf32>, tensor<4x2xf32>) -> tensor<6x2xf32>
  // CHECK-NEXT: %y_2 = xbar.mvm %y, %w group 0 rows [0, 4] cols [0, 2] slice 0 polarity -1 offset 8 : (tensor<6x4xf32>, tensor<4x2xf32>) -> tensor<6x2xf32>
  // CHECK-NEXT: %y_3 = xbar.mvm %y, %w group 0 rows [0, 4] cols [0, 2] slice 1 polarity 1 offset 8 : (tensor<6x4xf32>, tensor<4x2xf32>) -> tensor<6x2xf32>
  // CHECK-NEXT: %y_4 = xbar.mvm %y, %w group 0 rows [0, 4] cols [0, 2] slice 1 polarity -1 offset 8 : (tensor<6x4xf32>, tensor<4x2xf32>) -> tensor<6x2xf32>
  // CHECK-NEXT: %y_5 = xbar.shift_add %y_1, %y_2, %y_3, %y_4 : (tensor<6x2xf32>, tensor<6x2xf32>, tensor<6x2xf32>, tensor<6x2xf32>) -> tensor<6x2xf32>
  // CHECK-NEXT: %y_6 = graph.weight "fc2.weight.offset_correction" : tensor<2xf32>
  // CHECK-NEXT: %y_7 = graph.add %y_5, %y_6 : (tensor<6x2xf32>, tensor<2xf32>) -> tensor<6x2xf32>
  // CHECK-NEXT: %y_8 = graph.reshape %y_7 shape [2, 3, 2] : (tensor<6x2xf32>) -> tensor<2x3x2xf32>
  // CHECK-NEXT: func.return %y_8 : tensor<2x3x2xf32>

  // Depthwise 2x2 over 4 channels: K = 4 rows and 1 weight column (4 physical columns) per
  // group, so min(8 / 4, 16 / 4) = 2 groups share a crossbar block-diagonally (`groups 2`):
  // groups 0..1 (cols [0, 2)) and 2..3 (cols [2, 4)), 4 tiles each.
  // CHECK-LABEL: func.func @depthwise(%x: tensor<1x4x3x3xf32>) -> tensor<1x4x2x2xf32> {
  func.func @depthwise(%x: tensor<1x4x3x3xf32>) -> tensor<1x4x2x2xf32> {
    %dw = graph.weight "dw.weight" : tensor<4x1x2x2xf32>
    %q = graph.quantize %x scale 0.5 bits 4 : (tensor<1x4x3x3xf32>) -> tensor<1x4x3x3xf32>
    %y = graph.conv %q, %dw strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 4 : (tensor<1x4x3x3xf32>, tensor<4x1x2x2xf32>) -> tensor<1x4x2x2xf32>
    func.return %y : tensor<1x4x2x2xf32>
  }
  // CHECK-NEXT: %dw = graph.weight "dw.weight" : tensor<4x1x2x2xf32>
  // CHECK-NEXT: %q = graph.quantize %x scale 5.000000e-01 bits 4 : (tensor<1x4x3x3xf32>) -> tensor<1x4x3x3xf32>
  // CHECK-NEXT: %y = xbar.im2col %q kernel [2, 2] strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] : (tensor<1x4x3x3xf32>) -> tensor<4x16xf32>
  // CHECK-NEXT: %y_1 = xbar.mvm %y, %dw group 0 groups 2 rows [0, 4] cols [0, 2] slice 0 polarity 1 : (tensor<4x16xf32>, tensor<4x1x2x2xf32>) -> tensor<4x2xf32>
  // CHECK-NEXT: %y_2 = xbar.mvm %y, %dw group 0 groups 2 rows [0, 4] cols [0, 2] slice 0 polarity -1 : (tensor<4x16xf32>, tensor<4x1x2x2xf32>) -> tensor<4x2xf32>
  // CHECK-NEXT: %y_3 = xbar.mvm %y, %dw group 0 groups 2 rows [0, 4] cols [0, 2] slice 1 polarity 1 : (tensor<4x16xf32>, tensor<4x1x2x2xf32>) -> tensor<4x2xf32>
  // CHECK-NEXT: %y_4 = xbar.mvm %y, %dw group 0 groups 2 rows [0, 4] cols [0, 2] slice 1 polarity -1 : (tensor<4x16xf32>, tensor<4x1x2x2xf32>) -> tensor<4x2xf32>
  // CHECK-NEXT: %y_5 = xbar.mvm %y, %dw group 2 groups 2 rows [0, 4] cols [2, 4] slice 0 polarity 1 : (tensor<4x16xf32>, tensor<4x1x2x2xf32>) -> tensor<4x2xf32>
  // CHECK-NEXT: %y_6 = xbar.mvm %y, %dw group 2 groups 2 rows [0, 4] cols [2, 4] slice 0 polarity -1 : (tensor<4x16xf32>, tensor<4x1x2x2xf32>) -> tensor<4x2xf32>
  // CHECK-NEXT: %y_7 = xbar.mvm %y, %dw group 2 groups 2 rows [0, 4] cols [2, 4] slice 1 polarity 1 : (tensor<4x16xf32>, tensor<4x1x2x2xf32>) -> tensor<4x2xf32>
  // CHECK-NEXT: %y_8 = xbar.mvm %y, %dw group 2 groups 2 rows [0, 4] cols [2, 4] slice 1 polarity -1 : (tensor<4x16xf32>, tensor<4x1x2x2xf32>) -> tensor<4x2xf32>
  // CHECK-NEXT: %y_9 = xbar.shift_add %y_1, %y_2, %y_3, %y_4, %y_5, %y_6, %y_7, %y_8 : (tensor<4x2xf32>, tensor<4x2xf32>, tensor<4x2xf32>, tensor<4x2xf32>, tensor<4x2xf32>, tensor<4x2xf32>, tensor<4x2xf32>, tensor<4x2xf32>) -> tensor<4x4xf32>
  // CHECK-NEXT: %y_10 = xbar.col2im %y_9 : (tensor<4x4xf32>) -> tensor<1x4x2x2xf32>
  // CHECK-NEXT: func.return %y_10 : tensor<1x4x2x2xf32>
}

// The corrections, -8 * (column sums of Wq), only for the two signed layers. conv: channel 0 is
// twelve 1s (sum 12 -> -96), channel 1 alternates 7, -7 (sum 0 -> 0),
// channel 2 is twelve -3s (sum -36 -> 288). fc2: columns [1, 2, 3, 4] (sum 10 -> -80) and
// [-1, -2, -3, 4] (sum -2 -> 16).
// NPZ:      conv.weight.offset_correction (3,) [-96.0, 0.0, 288.0]
// NPZ-NEXT: fc2.weight.offset_correction (2,) [-80.0, 16.0]
// NPZ-NOT:  offset_correction
