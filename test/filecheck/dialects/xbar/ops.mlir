// RUN: cimc-opt %s | cimc-opt | filecheck %s --match-full-lines
// RUN: CIMC_ROUNDTRIP

// Every xbar op in its custom format: a 2-group conv (K = 1*3*3 = 9 rows per group, N = 4)
// cut into 2x2-column tiles of at most 5 rows, placed or not.

func.func @conv(%x: tensor<1x2x4x4xf32>) -> tensor<1x4x2x2xf32> {
  %w = graph.weight "conv.weight" : tensor<4x1x3x3xf32>
  %cols = xbar.im2col %x kernel [3, 3] strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] {cimc.layer = "conv"} : (tensor<1x2x4x4xf32>) -> tensor<4x18xf32>
  %t0 = xbar.mvm %cols, %w group 0 rows [0, 5] cols [0, 2] : (tensor<4x18xf32>, tensor<4x1x3x3xf32>) -> tensor<4x2xf32>
  %t1 = xbar.mvm %cols, %w group 0 rows [5, 9] cols [0, 2] core 1 : (tensor<4x18xf32>, tensor<4x1x3x3xf32>) -> tensor<4x2xf32>
  %t2 = xbar.mvm %cols, %w group 1 rows [0, 5] cols [2, 4] xbar 7 : (tensor<4x18xf32>, tensor<4x1x3x3xf32>) -> tensor<4x2xf32>
  %t3 = xbar.mvm %cols, %w group 1 rows [5, 9] cols [2, 4] core 2 xbar 3 : (tensor<4x18xf32>, tensor<4x1x3x3xf32>) -> tensor<4x2xf32>
  %g0 = xbar.accumulate %t0, %t1 : (tensor<4x2xf32>, tensor<4x2xf32>) -> tensor<4x2xf32>
  %g1 = xbar.accumulate %t2, %t3 : (tensor<4x2xf32>, tensor<4x2xf32>) -> tensor<4x2xf32>
  %m = xbar.concat %g0, %g1 : (tensor<4x2xf32>, tensor<4x2xf32>) -> tensor<4x4xf32>
  %y = xbar.col2im %m : (tensor<4x4xf32>) -> tensor<1x4x2x2xf32>
  func.return %y : tensor<1x4x2x2xf32>
}

// CHECK-LABEL: func.func @conv(%x: tensor<1x2x4x4xf32>) -> tensor<1x4x2x2xf32> {
// CHECK-NEXT:    %w = graph.weight "conv.weight" : tensor<4x1x3x3xf32>
// CHECK-NEXT:    %cols = xbar.im2col %x kernel [3, 3] strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] {cimc.layer = "conv"} : (tensor<1x2x4x4xf32>) -> tensor<4x18xf32>
// CHECK-NEXT:    %t0 = xbar.mvm %cols, %w group 0 rows [0, 5] cols [0, 2] : (tensor<4x18xf32>, tensor<4x1x3x3xf32>) -> tensor<4x2xf32>
// CHECK-NEXT:    %t1 = xbar.mvm %cols, %w group 0 rows [5, 9] cols [0, 2] core 1 : (tensor<4x18xf32>, tensor<4x1x3x3xf32>) -> tensor<4x2xf32>
// CHECK-NEXT:    %t2 = xbar.mvm %cols, %w group 1 rows [0, 5] cols [2, 4] xbar 7 : (tensor<4x18xf32>, tensor<4x1x3x3xf32>) -> tensor<4x2xf32>
// CHECK-NEXT:    %t3 = xbar.mvm %cols, %w group 1 rows [5, 9] cols [2, 4] core 2 xbar 3 : (tensor<4x18xf32>, tensor<4x1x3x3xf32>) -> tensor<4x2xf32>
// CHECK-NEXT:    %g0 = xbar.accumulate %t0, %t1 : (tensor<4x2xf32>, tensor<4x2xf32>) -> tensor<4x2xf32>
// CHECK-NEXT:    %g1 = xbar.accumulate %t2, %t3 : (tensor<4x2xf32>, tensor<4x2xf32>) -> tensor<4x2xf32>
// CHECK-NEXT:    %m = xbar.concat %g0, %g1 : (tensor<4x2xf32>, tensor<4x2xf32>) -> tensor<4x4xf32>
// CHECK-NEXT:    %y = xbar.col2im %m : (tensor<4x4xf32>) -> tensor<1x4x2x2xf32>
// CHECK-NEXT:    func.return %y : tensor<1x4x2x2xf32>
// CHECK-NEXT:  }

// A gemm tile reads the input from column r0 on; padding and strides on im2col.

func.func @gemm(%x: tensor<2x6xf32>, %img: tensor<1x1x5x5xf32>) -> (tensor<2x3xf32>, tensor<9x4xf32>) {
  %w = graph.weight "fc.weight" : tensor<6x3xf32>
  %y = xbar.mvm %x, %w group 0 rows [2, 6] cols [0, 3] : (tensor<2x6xf32>, tensor<6x3xf32>) -> tensor<2x3xf32>
  %c = xbar.im2col %img kernel [2, 2] strides [2, 2] pads [1, 1, 0, 0] dilations [1, 1] : (tensor<1x1x5x5xf32>) -> tensor<9x4xf32>
  func.return %y, %c : tensor<2x3xf32>, tensor<9x4xf32>
}

// CHECK-LABEL: func.func @gemm(%x: tensor<2x6xf32>, %img: tensor<1x1x5x5xf32>) -> (tensor<2x3xf32>, tensor<9x4xf32>) {
// CHECK-NEXT:    %w = graph.weight "fc.weight" : tensor<6x3xf32>
// CHECK-NEXT:    %y = xbar.mvm %x, %w group 0 rows [2, 6] cols [0, 3] : (tensor<2x6xf32>, tensor<6x3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT:    %c = xbar.im2col %img kernel [2, 2] strides [2, 2] pads [1, 1, 0, 0] dilations [1, 1] : (tensor<1x1x5x5xf32>) -> tensor<9x4xf32>
// CHECK-NEXT:    func.return %y, %c : tensor<2x3xf32>, tensor<9x4xf32>
// CHECK-NEXT:  }

// `groups`: a tile packing several groups of a grouped conv block-diagonally. Depthwise 3x3
// over 8 channels (K = 9 rows per group, 1 column each): groups 0..2, 3..5 and 6..7 on three
// crossbars, each reading input columns from group * 9 on.

func.func @packed(%x: tensor<1x8x4x4xf32>) -> tensor<1x8x4x4xf32> {
  %w = graph.weight "dw.weight" : tensor<8x1x3x3xf32>
  %c = xbar.im2col %x kernel [3, 3] strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] : (tensor<1x8x4x4xf32>) -> tensor<16x72xf32>
  %t0 = xbar.mvm %c, %w group 0 groups 3 rows [0, 9] cols [0, 3] : (tensor<16x72xf32>, tensor<8x1x3x3xf32>) -> tensor<16x3xf32>
  %t1 = xbar.mvm %c, %w group 3 groups 3 rows [0, 9] cols [3, 6] core 1 xbar 4 : (tensor<16x72xf32>, tensor<8x1x3x3xf32>) -> tensor<16x3xf32>
  %t2 = xbar.mvm %c, %w group 6 groups 2 rows [0, 9] cols [6, 8] : (tensor<16x72xf32>, tensor<8x1x3x3xf32>) -> tensor<16x2xf32>
  %m = xbar.concat %t0, %t1, %t2 : (tensor<16x3xf32>, tensor<16x3xf32>, tensor<16x2xf32>) -> tensor<16x8xf32>
  %y = xbar.col2im %m : (tensor<16x8xf32>) -> tensor<1x8x4x4xf32>
  func.return %y : tensor<1x8x4x4xf32>
}

// CHECK-LABEL: func.func @packed(%x: tensor<1x8x4x4xf32>) -> tensor<1x8x4x4xf32> {
// CHECK-NEXT:    %w = graph.weight "dw.weight" : tensor<8x1x3x3xf32>
// CHECK-NEXT:    %c = xbar.im2col %x kernel [3, 3] strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] : (tensor<1x8x4x4xf32>) -> tensor<16x72xf32>
// CHECK-NEXT:    %t0 = xbar.mvm %c, %w group 0 groups 3 rows [0, 9] cols [0, 3] : (tensor<16x72xf32>, tensor<8x1x3x3xf32>) -> tensor<16x3xf32>
// CHECK-NEXT:    %t1 = xbar.mvm %c, %w group 3 groups 3 rows [0, 9] cols [3, 6] core 1 xbar 4 : (tensor<16x72xf32>, tensor<8x1x3x3xf32>) -> tensor<16x3xf32>
// CHECK-NEXT:    %t2 = xbar.mvm %c, %w group 6 groups 2 rows [0, 9] cols [6, 8] : (tensor<16x72xf32>, tensor<8x1x3x3xf32>) -> tensor<16x2xf32>
// CHECK-NEXT:    %m = xbar.concat %t0, %t1, %t2 : (tensor<16x3xf32>, tensor<16x3xf32>, tensor<16x2xf32>) -> tensor<16x8xf32>
// CHECK-NEXT:    %y = xbar.col2im %m : (tensor<16x8xf32>) -> tensor<1x8x4x4xf32>
// CHECK-NEXT:    func.return %y : tensor<1x8x4x4xf32>
// CHECK-NEXT:  }
