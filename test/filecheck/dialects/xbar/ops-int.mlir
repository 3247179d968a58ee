// RUN: cimc-opt %s | cimc-opt | filecheck %s --match-full-lines
// RUN: CIMC_ROUNDTRIP

// The int (precision "int") syntax of graph.quantize, xbar.mvm and xbar.shift_add in their
// custom format, printed, parsed back and printed again, and through the generic format.
// A 2-input-channel 1x1 conv of 2 output channels on int tiles (S = 2 slices): signed codes,
// so every tile has `offset 8` (2^(4-1)); the (slice, polarity) bands of one row tile, one of
// them placed by hand (`core`, `xbar` print after `offset`).

func.func @conv(%x: tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32> {
  %w = graph.weight "conv.weight" : tensor<2x2x1x1xf32>
  %q = graph.quantize %x scale 0.25 bits 4 signed {cimc.layer = "conv"} : (tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  %c = xbar.im2col %q kernel [1, 1] strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] : (tensor<1x2x2x2xf32>) -> tensor<4x2xf32>
  %t0 = xbar.mvm %c, %w group 0 rows [0, 2] cols [0, 2] slice 0 polarity 1 offset 8 : (tensor<4x2xf32>, tensor<2x2x1x1xf32>) -> tensor<4x2xf32>
  %t1 = xbar.mvm %c, %w group 0 rows [0, 2] cols [0, 2] slice 0 polarity -1 offset 8 core 1 xbar 3 : (tensor<4x2xf32>, tensor<2x2x1x1xf32>) -> tensor<4x2xf32>
  %t2 = xbar.mvm %c, %w group 0 rows [0, 2] cols [0, 2] slice 1 polarity 1 offset 8 : (tensor<4x2xf32>, tensor<2x2x1x1xf32>) -> tensor<4x2xf32>
  %t3 = xbar.mvm %c, %w group 0 rows [0, 2] cols [0, 2] slice 1 polarity -1 offset 8 : (tensor<4x2xf32>, tensor<2x2x1x1xf32>) -> tensor<4x2xf32>
  %s = xbar.shift_add %t0, %t1, %t2, %t3 : (tensor<4x2xf32>, tensor<4x2xf32>, tensor<4x2xf32>, tensor<4x2xf32>) -> tensor<4x2xf32>
  %y = xbar.col2im %s : (tensor<4x2xf32>) -> tensor<1x2x2x2xf32>
  func.return %y : tensor<1x2x2x2xf32>
}

// CHECK-LABEL: func.func @conv(%x: tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32> {
// CHECK-NEXT:    %w = graph.weight "conv.weight" : tensor<2x2x1x1xf32>
// CHECK-NEXT:    %q = graph.quantize %x scale 2.500000e-01 bits 4 signed {cimc.layer = "conv"} : (tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
// CHECK-NEXT:    %c = xbar.im2col %q kernel [1, 1] strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] : (tensor<1x2x2x2xf32>) -> tensor<4x2xf32>
// CHECK-NEXT:    %t0 = xbar.mvm %c, %w group 0 rows [0, 2] cols [0, 2] slice 0 polarity 1 offset 8 : (tensor<4x2xf32>, tensor<2x2x1x1xf32>) -> tensor<4x2xf32>
// CHECK-NEXT:    %t1 = xbar.mvm %c, %w group 0 rows [0, 2] cols [0, 2] slice 0 polarity -1 offset 8 core 1 xbar 3 : (tensor<4x2xf32>, tensor<2x2x1x1xf32>) -> tensor<4x2xf32>
// CHECK-NEXT:    %t2 = xbar.mvm %c, %w group 0 rows [0, 2] cols [0, 2] slice 1 polarity 1 offset 8 : (tensor<4x2xf32>, tensor<2x2x1x1xf32>) -> tensor<4x2xf32>
// CHECK-NEXT:    %t3 = xbar.mvm %c, %w group 0 rows [0, 2] cols [0, 2] slice 1 polarity -1 offset 8 : (tensor<4x2xf32>, tensor<2x2x1x1xf32>) -> tensor<4x2xf32>
// CHECK-NEXT:    %s = xbar.shift_add %t0, %t1, %t2, %t3 : (tensor<4x2xf32>, tensor<4x2xf32>, tensor<4x2xf32>, tensor<4x2xf32>) -> tensor<4x2xf32>
// CHECK-NEXT:    %y = xbar.col2im %s : (tensor<4x2xf32>) -> tensor<1x2x2x2xf32>
// CHECK-NEXT:    func.return %y : tensor<1x2x2x2xf32>
// CHECK-NEXT:  }

// Unsigned codes (no `signed`) and tiles without `offset`; a packed depthwise tile (`groups`
// before `rows`) with slice and polarity. A shift_add may take a single tile.

func.func @unsigned(%x: tensor<1x2x2x2xf32>) -> tensor<4x2xf32> {
  %dw = graph.weight "dw.weight" : tensor<2x1x1x1xf32>
  %q = graph.quantize %x scale 0.5 bits 8 : (tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  %c = xbar.im2col %q kernel [1, 1] strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] : (tensor<1x2x2x2xf32>) -> tensor<4x2xf32>
  %t = xbar.mvm %c, %dw group 0 groups 2 rows [0, 1] cols [0, 2] slice 3 polarity -1 : (tensor<4x2xf32>, tensor<2x1x1x1xf32>) -> tensor<4x2xf32>
  %s = xbar.shift_add %t : (tensor<4x2xf32>) -> tensor<4x2xf32>
  func.return %s : tensor<4x2xf32>
}

// CHECK-LABEL: func.func @unsigned(%x: tensor<1x2x2x2xf32>) -> tensor<4x2xf32> {
// CHECK-NEXT:    %dw = graph.weight "dw.weight" : tensor<2x1x1x1xf32>
// CHECK-NEXT:    %q = graph.quantize %x scale 5.000000e-01 bits 8 : (tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
// CHECK-NEXT:    %c = xbar.im2col %q kernel [1, 1] strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] : (tensor<1x2x2x2xf32>) -> tensor<4x2xf32>
// CHECK-NEXT:    %t = xbar.mvm %c, %dw group 0 groups 2 rows [0, 1] cols [0, 2] slice 3 polarity -1 : (tensor<4x2xf32>, tensor<2x1x1x1xf32>) -> tensor<4x2xf32>
// CHECK-NEXT:    %s = xbar.shift_add %t : (tensor<4x2xf32>) -> tensor<4x2xf32>
// CHECK-NEXT:    func.return %s : tensor<4x2xf32>
// CHECK-NEXT:  }
