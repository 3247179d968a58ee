// RUN: cimc-opt %s --split-input-file -p tile-crossbars | filecheck %s --match-full-lines

// Packing small groups, and fused activations. A grouped conv whose groups are small (K =
// Cin/group*kh*kw rows, Cout/group columns each) puts min(rows / K, cols / (Cout/group)) of
// them on one crossbar, block-diagonally: an xbar.mvm with `groups`. A conv or gemm carrying
// an activation gets it back as an op after its tile grid (after col2im for a conv).

builtin.module attributes {cimc.arch = {xbar_rows = 32 : i64, xbar_cols = 32 : i64}} {

  // Depthwise 3x3 over 8 channels: K = 9, so 32 / 9 = 3 groups per crossbar: groups 0..2,
  // 3..5 and the last 2, each tile reading its groups' 27 (or 18) input columns; then clip.
  // CHECK-LABEL: func.func @depthwise(%x: tensor<1x8x4x4xf32>) -> tensor<1x8x4x4xf32> {
  func.func @depthwise(%x: tensor<1x8x4x4xf32>) -> tensor<1x8x4x4xf32> {
    %w = graph.weight "dw.weight" : tensor<8x1x3x3xf32>
    %y = graph.conv %x, %w strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] group 8 activation "clip" [0.0, 6.0] {cimc.layer = "dw"} : (tensor<1x8x4x4xf32>, tensor<8x1x3x3xf32>) -> tensor<1x8x4x4xf32>
    func.return %y : tensor<1x8x4x4xf32>
  }
  // CHECK-NEXT: %w = graph.weight "dw.weight" : tensor<8x1x3x3xf32>
  // CHECK-NEXT: %y = xbar.im2col %x kernel [3, 3] strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] {cimc.layer = "dw"} : (tensor<1x8x4x4xf32>) -> tensor<16x72xf32>
  // CHECK-NEXT: %y_1 = xbar.mvm %y, %w group 0 groups 3 rows [0, 9] cols [0, 3] {cimc.layer = "dw"} : (tensor<16x72xf32>, tensor<8x1x3x3xf32>) -> tensor<16x3xf32>
  // CHECK-NEXT: %y_2 = xbar.mvm %y, %w group 3 groups 3 rows [0, 9] cols [3, 6] {cimc.layer = "dw"} : (tensor<16x72xf32>, tensor<8x1x3x3xf32>) -> tensor<16x3xf32>
  // CHECK-NEXT: %y_3 = xbar.mvm %y, %w group 6 groups 2 rows [0, 9] cols [6, 8] {cimc.layer = "dw"} : (tensor<16x72xf32>, tensor<8x1x3x3xf32>) -> tensor<16x2xf32>
  // CHECK-NEXT: %y_4 = xbar.concat %y_1, %y_2, %y_3 {cimc.layer = "dw"} : (tensor<16x3xf32>, tensor<16x3xf32>, tensor<16x2xf32>) -> tensor<16x8xf32>
  // CHECK-NEXT: %y_5 = xbar.col2im %y_4 {cimc.layer = "dw"} : (tensor<16x8xf32>) -> tensor<1x8x4x4xf32>
  // CHECK-NEXT: %y_6 = graph.clip %y_5 min 0.000000e+00 max 6.000000e+00 {cimc.layer = "dw"} : (tensor<1x8x4x4xf32>) -> tensor<1x8x4x4xf32>
  // CHECK-NEXT: func.return %y_6 : tensor<1x8x4x4xf32>

  // Both groups fit one crossbar: a single tile, no concat; the bias before col2im.
  // CHECK-LABEL: func.func @one_crossbar(%x: tensor<1x2x3x3xf32>) -> tensor<1x2x1x1xf32> {
  func.func @one_crossbar(%x: tensor<1x2x3x3xf32>) -> tensor<1x2x1x1xf32> {
    %w = graph.weight "dw2.weight" : tensor<2x1x3x3xf32>
    %b = graph.weight "dw2.bias" : tensor<2xf32>
    %y = graph.conv %x, %w, %b strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 2 : (tensor<1x2x3x3xf32>, tensor<2x1x3x3xf32>, tensor<2xf32>) -> tensor<1x2x1x1xf32>
    func.return %y : tensor<1x2x1x1xf32>
  }
  // CHECK-NEXT: %w = graph.weight "dw2.weight" : tensor<2x1x3x3xf32>
  // CHECK-NEXT: %b = graph.weight "dw2.bias" : tensor<2xf32>
  // CHECK-NEXT: %y = xbar.im2col %x kernel [3, 3] strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] : (tensor<1x2x3x3xf32>) -> tensor<1x18xf32>
  // CHECK-NEXT: %y_1 = xbar.mvm %y, %w group 0 groups 2 rows [0, 9] cols [0, 2] : (tensor<1x18xf32>, tensor<2x1x3x3xf32>) -> tensor<1x2xf32>
  // CHECK-NEXT: %y_2 = graph.add %y_1, %b : (tensor<1x2xf32>, tensor<2xf32>) -> tensor<1x2xf32>
  // CHECK-NEXT: %y_3 = xbar.col2im %y_2 : (tensor<1x2xf32>) -> tensor<1x2x1x1xf32>
  // CHECK-NEXT: func.return %y_3 : tensor<1x2x1x1xf32>

  // A gemm's activation comes after its row tiles are accumulated and its bias added, and
  // takes the layer name too.
  // CHECK-LABEL: func.func @fc(%a: tensor<2x40xf32>) -> tensor<2x3xf32> {
  func.func @fc(%a: tensor<2x40xf32>) -> tensor<2x3xf32> {
    %w = graph.weight "fc.weight" : tensor<40x3xf32>
    %b = graph.weight "fc.bias" : tensor<3xf32>
    %y = graph.gemm %a, %w, %b activation "leaky_relu" [0.5] {cimc.layer = "fc"} : (tensor<2x40xf32>, tensor<40x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
    func.return %y : tensor<2x3xf32>
  }
  // CHECK-NEXT: %w = graph.weight "fc.weight" : tensor<40x3xf32>
  // CHECK-NEXT: %b = graph.weight "fc.bias" : tensor<3xf32>
  // CHECK-NEXT: %y = xbar.mvm %a, %w group 0 rows [0, 32] cols [0, 3] {cimc.layer = "fc"} : (tensor<2x40xf32>, tensor<40x3xf32>) -> tensor<2x3xf32>
  // CHECK-NEXT: %y_1 = xbar.mvm %a, %w group 0 rows [32, 40] cols [0, 3] {cimc.layer = "fc"} : (tensor<2x40xf32>, tensor<40x3xf32>) -> tensor<2x3xf32>
  // CHECK-NEXT: %y_2 = xbar.accumulate %y, %y_1 {cimc.layer = "fc"} : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK-NEXT: %y_3 = graph.add %y_2, %b {cimc.layer = "fc"} : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  // CHECK-NEXT: %y_4 = graph.leaky_relu %y_3 alpha 5.000000e-01 {cimc.layer = "fc"} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK-NEXT: func.return %y_4 : tensor<2x3xf32>
}

// -----

// Columns limit packing too: 4 groups of 1 row and 2 columns on 32x4 crossbars pack 4 / 2 = 2
// per crossbar.

builtin.module attributes {cimc.arch = {xbar_rows = 32 : i64, xbar_cols = 4 : i64}} {
  func.func @narrow(%x: tensor<1x4x2x2xf32>) -> tensor<1x8x2x2xf32> {
    %w = graph.weight "g.weight" : tensor<8x1x1x1xf32>
    %y = graph.conv %x, %w strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 4 : (tensor<1x4x2x2xf32>, tensor<8x1x1x1xf32>) -> tensor<1x8x2x2xf32>
    func.return %y : tensor<1x8x2x2xf32>
  }
}

// CHECK-LABEL: func.func @narrow(%x: tensor<1x4x2x2xf32>) -> tensor<1x8x2x2xf32> {
// CHECK-NEXT:    %w = graph.weight "g.weight" : tensor<8x1x1x1xf32>
// CHECK-NEXT:    %y = xbar.im2col %x kernel [1, 1] strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] : (tensor<1x4x2x2xf32>) -> tensor<4x4xf32>
// CHECK-NEXT:    %y_1 = xbar.mvm %y, %w group 0 groups 2 rows [0, 1] cols [0, 4] : (tensor<4x4xf32>, tensor<8x1x1x1xf32>) -> tensor<4x4xf32>
// CHECK-NEXT:    %y_2 = xbar.mvm %y, %w group 2 groups 2 rows [0, 1] cols [4, 8] : (tensor<4x4xf32>, tensor<8x1x1x1xf32>) -> tensor<4x4xf32>
// CHECK-NEXT:    %y_3 = xbar.concat %y_1, %y_2 : (tensor<4x4xf32>, tensor<4x4xf32>) -> tensor<4x8xf32>
// CHECK-NEXT:    %y_4 = xbar.col2im %y_3 : (tensor<4x8xf32>) -> tensor<1x8x2x2xf32>
// CHECK-NEXT:    func.return %y_4 : tensor<1x8x2x2xf32>

// -----

// 16 rows hold only one 9-row group: no packing, one tile per group as before.

builtin.module attributes {cimc.arch = {xbar_rows = 16 : i64, xbar_cols = 16 : i64}} {
  func.func @unpacked(%x: tensor<1x2x3x3xf32>) -> tensor<1x2x1x1xf32> {
    %w = graph.weight "dw.weight" : tensor<2x1x3x3xf32>
    %y = graph.conv %x, %w strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 2 activation "tanh" [] : (tensor<1x2x3x3xf32>, tensor<2x1x3x3xf32>) -> tensor<1x2x1x1xf32>
    func.return %y : tensor<1x2x1x1xf32>
  }
}

// CHECK-LABEL: func.func @unpacked(%x: tensor<1x2x3x3xf32>) -> tensor<1x2x1x1xf32> {
// CHECK-NEXT:    %w = graph.weight "dw.weight" : tensor<2x1x3x3xf32>
// CHECK-NEXT:    %y = xbar.im2col %x kernel [3, 3] strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] : (tensor<1x2x3x3xf32>) -> tensor<1x18xf32>
// CHECK-NEXT:    %y_1 = xbar.mvm %y, %w group 0 rows [0, 9] cols [0, 1] : (tensor<1x18xf32>, tensor<2x1x3x3xf32>) -> tensor<1x1xf32>
// CHECK-NEXT:    %y_2 = xbar.mvm %y, %w group 1 rows [0, 9] cols [1, 2] : (tensor<1x18xf32>, tensor<2x1x3x3xf32>) -> tensor<1x1xf32>
// CHECK-NEXT:    %y_3 = xbar.concat %y_1, %y_2 : (tensor<1x1xf32>, tensor<1x1xf32>) -> tensor<1x2xf32>
// CHECK-NEXT:    %y_4 = xbar.col2im %y_3 : (tensor<1x2xf32>) -> tensor<1x2x1x1xf32>
// CHECK-NEXT:    %y_5 = graph.tanh %y_4 : (tensor<1x2x1x1xf32>) -> tensor<1x2x1x1xf32>
// CHECK-NEXT:    func.return %y_5 : tensor<1x2x1x1xf32>
