// RUN: cimc-opt %s --split-input-file -p tile-crossbars | filecheck %s --match-full-lines

// Crossbars of 4 rows x 3 columns. A conv or gemm weight is a K x N matrix (a conv's
// K = Cin/group * kh * kw, N = Cout) cut into row ranges of <= 4 and column ranges of <= 3;
// row tiles of one column range are accumulated, column ranges concatenated.

builtin.module attributes {cimc.arch = {xbar_rows = 4 : i64, xbar_cols = 3 : i64}} {

  // K = 6, N = 5: neither a multiple of the crossbar, so 2 x 2 tiles with short edges;
  // the bias is added after the tile grid, and the layer name goes to every new op.
  // CHECK-LABEL: func.func @gemm_bias(%a: tensor<2x6xf32>) -> tensor<2x5xf32> {
  func.func @gemm_bias(%a: tensor<2x6xf32>) -> tensor<2x5xf32> {
    %w = graph.weight "fc1.weight" : tensor<6x5xf32>
    %wb = graph.weight "fc1.bias" : tensor<5xf32>
    %y = graph.gemm %a, %w, %wb {cimc.layer = "fc1"} : (tensor<2x6xf32>, tensor<6x5xf32>, tensor<5xf32>) -> tensor<2x5xf32>
    func.return %y : tensor<2x5xf32>
  }
  // CHECK-NEXT: %w = graph.weight "fc1.weight" : tensor<6x5xf32>
  // CHECK-NEXT: %wb = graph.weight "fc1.bias" : tensor<5xf32>
  // CHECK-NEXT: %y = xbar.mvm %a, %w group 0 rows [0, 4] cols [0, 3] {cimc.layer = "fc1"} : (tensor<2x6xf32>, tensor<6x5xf32>) -> tensor<2x3xf32>
  // CHECK-NEXT: %y_1 = xbar.mvm %a, %w group 0 rows [4, 6] cols [0, 3] {cimc.layer = "fc1"} : (tensor<2x6xf32>, tensor<6x5xf32>) -> tensor<2x3xf32>
  // CHECK-NEXT: %y_2 = xbar.accumulate %y, %y_1 {cimc.layer = "fc1"} : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK-NEXT: %y_3 = xbar.mvm %a, %w group 0 rows [0, 4] cols [3, 5] {cimc.layer = "fc1"} : (tensor<2x6xf32>, tensor<6x5xf32>) -> tensor<2x2xf32>
  // CHECK-NEXT: %y_4 = xbar.mvm %a, %w group 0 rows [4, 6] cols [3, 5] {cimc.layer = "fc1"} : (tensor<2x6xf32>, tensor<6x5xf32>) -> tensor<2x2xf32>
  // CHECK-NEXT: %y_5 = xbar.accumulate %y_3, %y_4 {cimc.layer = "fc1"} : (tensor<2x2xf32>, tensor<2x2xf32>) -> tensor<2x2xf32>
  // CHECK-NEXT: %y_6 = xbar.concat %y_2, %y_5 {cimc.layer = "fc1"} : (tensor<2x3xf32>, tensor<2x2xf32>) -> tensor<2x5xf32>
  // CHECK-NEXT: %y_7 = graph.add %y_6, %wb {cimc.layer = "fc1"} : (tensor<2x5xf32>, tensor<5xf32>) -> tensor<2x5xf32>
  // CHECK-NEXT: func.return %y_7 : tensor<2x5xf32>

  // K = 4, N = 3: exactly one crossbar, so one mvm and neither accumulate nor concat.
  // CHECK-LABEL: func.func @gemm_one_tile(%b: tensor<1x4xf32>) -> tensor<1x3xf32> {
  func.func @gemm_one_tile(%b: tensor<1x4xf32>) -> tensor<1x3xf32> {
    %v = graph.weight "fc2.weight" : tensor<4x3xf32>
    %z = graph.gemm %b, %v : (tensor<1x4xf32>, tensor<4x3xf32>) -> tensor<1x3xf32>
    func.return %z : tensor<1x3xf32>
  }
  // CHECK-NEXT: %v = graph.weight "fc2.weight" : tensor<4x3xf32>
  // CHECK-NEXT: %z = xbar.mvm %b, %v group 0 rows [0, 4] cols [0, 3] : (tensor<1x4xf32>, tensor<4x3xf32>) -> tensor<1x3xf32>
  // CHECK-NEXT: func.return %z : tensor<1x3xf32>

  // conv 3x2x2x2 with bias, stride 2 and padding: im2col (P = 2*2 pixels, K = 8), two row
  // tiles accumulated, bias, back to NCHW.
  // CHECK-LABEL: func.func @conv_bias(%x: tensor<1x2x3x3xf32>) -> tensor<1x3x2x2xf32> {
  func.func @conv_bias(%x: tensor<1x2x3x3xf32>) -> tensor<1x3x2x2xf32> {
    %cw = graph.weight "conv.weight" : tensor<3x2x2x2xf32>
    %cb = graph.weight "conv.bias" : tensor<3xf32>
    %c = graph.conv %x, %cw, %cb strides [2, 2] pads [1, 1, 0, 0] dilations [1, 1] group 1 {cimc.layer = "conv"} : (tensor<1x2x3x3xf32>, tensor<3x2x2x2xf32>, tensor<3xf32>) -> tensor<1x3x2x2xf32>
    func.return %c : tensor<1x3x2x2xf32>
  }
  // CHECK-NEXT: %cw = graph.weight "conv.weight" : tensor<3x2x2x2xf32>
  // CHECK-NEXT: %cb = graph.weight "conv.bias" : tensor<3xf32>
  // CHECK-NEXT: %c = xbar.im2col %x kernel [2, 2] strides [2, 2] pads [1, 1, 0, 0] dilations [1, 1] {cimc.layer = "conv"} : (tensor<1x2x3x3xf32>) -> tensor<4x8xf32>
  // CHECK-NEXT: %c_1 = xbar.mvm %c, %cw group 0 rows [0, 4] cols [0, 3] {cimc.layer = "conv"} : (tensor<4x8xf32>, tensor<3x2x2x2xf32>) -> tensor<4x3xf32>
  // CHECK-NEXT: %c_2 = xbar.mvm %c, %cw group 0 rows [4, 8] cols [0, 3] {cimc.layer = "conv"} : (tensor<4x8xf32>, tensor<3x2x2x2xf32>) -> tensor<4x3xf32>
  // CHECK-NEXT: %c_3 = xbar.accumulate %c_1, %c_2 {cimc.layer = "conv"} : (tensor<4x3xf32>, tensor<4x3xf32>) -> tensor<4x3xf32>
  // CHECK-NEXT: %c_4 = graph.add %c_3, %cb {cimc.layer = "conv"} : (tensor<4x3xf32>, tensor<3xf32>) -> tensor<4x3xf32>
  // CHECK-NEXT: %c_5 = xbar.col2im %c_4 {cimc.layer = "conv"} : (tensor<4x3xf32>) -> tensor<1x3x2x2xf32>
  // CHECK-NEXT: func.return %c_5 : tensor<1x3x2x2xf32>

  // 2 groups of 2 input and 4 output channels, 1x1 kernel: K = 2 rows shared by the groups,
  // each group's 4 columns cut into [0, 3) and [3, 4) at its own offset (0 or 4), and each
  // group's tiles read its own input columns (group 1: from column 2).
  // CHECK-LABEL: func.func @grouped(%g: tensor<1x4x2x2xf32>) -> tensor<1x8x2x2xf32> {
  func.func @grouped(%g: tensor<1x4x2x2xf32>) -> tensor<1x8x2x2xf32> {
    %gw = graph.weight "gconv.weight" : tensor<8x2x1x1xf32>
    %d = graph.conv %g, %gw strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 2 : (tensor<1x4x2x2xf32>, tensor<8x2x1x1xf32>) -> tensor<1x8x2x2xf32>
    %r = graph.relu %d : (tensor<1x8x2x2xf32>) -> tensor<1x8x2x2xf32>
    func.return %r : tensor<1x8x2x2xf32>
  }
  // CHECK-NEXT: %gw = graph.weight "gconv.weight" : tensor<8x2x1x1xf32>
  // CHECK-NEXT: %d = xbar.im2col %g kernel [1, 1] strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] : (tensor<1x4x2x2xf32>) -> tensor<4x4xf32>
  // CHECK-NEXT: %d_1 = xbar.mvm %d, %gw group 0 rows [0, 2] cols [0, 3] : (tensor<4x4xf32>, tensor<8x2x1x1xf32>) -> tensor<4x3xf32>
  // CHECK-NEXT: %d_2 = xbar.mvm %d, %gw group 0 rows [0, 2] cols [3, 4] : (tensor<4x4xf32>, tensor<8x2x1x1xf32>) -> tensor<4x1xf32>
  // CHECK-NEXT: %d_3 = xbar.mvm %d, %gw group 1 rows [0, 2] cols [4, 7] : (tensor<4x4xf32>, tensor<8x2x1x1xf32>) -> tensor<4x3xf32>
  // CHECK-NEXT: %d_4 = xbar.mvm %d, %gw group 1 rows [0, 2] cols [7, 8] : (tensor<4x4xf32>, tensor<8x2x1x1xf32>) -> tensor<4x1xf32>
  // CHECK-NEXT: %d_5 = xbar.concat %d_1, %d_2, %d_3, %d_4 : (tensor<4x3xf32>, tensor<4x1xf32>, tensor<4x3xf32>, tensor<4x1xf32>) -> tensor<4x8xf32>
  // CHECK-NEXT: %d_6 = xbar.col2im %d_5 : (tensor<4x8xf32>) -> tensor<1x8x2x2xf32>
  // CHECK-NEXT: %r = graph.relu %d_6 : (tensor<1x8x2x2xf32>) -> tensor<1x8x2x2xf32>
  // CHECK-NEXT: func.return %r : tensor<1x8x2x2xf32>

  // Depthwise 3x3 (group = C = 2): per group K = 9 rows in tiles [0, 4), [4, 8), [8, 9).
  // CHECK-LABEL: func.func @depthwise(%x: tensor<1x2x3x3xf32>) -> tensor<1x2x1x1xf32> {
  func.func @depthwise(%x: tensor<1x2x3x3xf32>) -> tensor<1x2x1x1xf32> {
    %w = graph.weight "dw.weight" : tensor<2x1x3x3xf32>
    %y = graph.conv %x, %w strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 2 : (tensor<1x2x3x3xf32>, tensor<2x1x3x3xf32>) -> tensor<1x2x1x1xf32>
    func.return %y : tensor<1x2x1x1xf32>
  }
  // CHECK-NEXT: %w = graph.weight "dw.weight" : tensor<2x1x3x3xf32>
  // CHECK-NEXT: %y = xbar.im2col %x kernel [3, 3] {{.*}} -> tensor<1x18xf32>
  // CHECK-NEXT: %y_1 = xbar.mvm %y, %w group 0 rows [0, 4] cols [0, 1] : {{.*}} -> tensor<1x1xf32>
  // CHECK-NEXT: %y_2 = xbar.mvm %y, %w group 0 rows [4, 8] cols [0, 1] : {{.*}} -> tensor<1x1xf32>
  // CHECK-NEXT: %y_3 = xbar.mvm %y, %w group 0 rows [8, 9] cols [0, 1] : {{.*}} -> tensor<1x1xf32>
  // CHECK-NEXT: %y_4 = xbar.accumulate %y_1, %y_2, %y_3 : {{.*}} -> tensor<1x1xf32>
  // CHECK-NEXT: %y_5 = xbar.mvm %y, %w group 1 rows [0, 4] cols [1, 2] : {{.*}} -> tensor<1x1xf32>
  // CHECK-NEXT: %y_6 = xbar.mvm %y, %w group 1 rows [4, 8] cols [1, 2] : {{.*}} -> tensor<1x1xf32>
  // CHECK-NEXT: %y_7 = xbar.mvm %y, %w group 1 rows [8, 9] cols [1, 2] : {{.*}} -> tensor<1x1xf32>
  // CHECK-NEXT: %y_8 = xbar.accumulate %y_5, %y_6, %y_7 : {{.*}} -> tensor<1x1xf32>
  // CHECK-NEXT: %y_9 = xbar.concat %y_4, %y_8 : (tensor<1x1xf32>, tensor<1x1xf32>) -> tensor<1x2xf32>
  // CHECK-NEXT: %y_10 = xbar.col2im %y_9 : (tensor<1x2xf32>) -> tensor<1x2x1x1xf32>
  // CHECK-NEXT: func.return %y_10 : tensor<1x2x1x1xf32>
}

// -----

// Without cimc.arch the default 128x128 crossbars hold a 100x20 gemm in one tile.

func.func @default_arch(%a: tensor<1x100xf32>) -> tensor<1x20xf32> {
  %w = graph.weight "fc.weight" : tensor<100x20xf32>
  %y = graph.gemm %a, %w : (tensor<1x100xf32>, tensor<100x20xf32>) -> tensor<1x20xf32>
  func.return %y : tensor<1x20xf32>
}

// CHECK-LABEL: func.func @default_arch(%a: tensor<1x100xf32>) -> tensor<1x20xf32> {
// CHECK-NEXT:    %w = graph.weight "fc.weight" : tensor<100x20xf32>
// CHECK-NEXT:    %y = xbar.mvm %a, %w group 0 rows [0, 100] cols [0, 20] : (tensor<1x100xf32>, tensor<100x20xf32>) -> tensor<1x20xf32>
// CHECK-NEXT:    func.return %y : tensor<1x20xf32>
