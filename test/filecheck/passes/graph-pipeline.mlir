// RUN: %python -c "import numpy as np; np.savez('%t.npz', **{ \
// RUN:   'conv.weight': np.arange(8, dtype=np.float32).reshape(2, 1, 2, 2), \
// RUN:   'bn.scale': np.array([2.0, 3.0], np.float32), 'bn.bias': np.array([0.5, -1.0], np.float32), \
// RUN:   'bn.mean': np.array([1.0, 2.0], np.float32), 'bn.var': np.array([15.0, 3.0], np.float32)})"
// RUN: cimc-opt %s -p shape-infer,canonicalize,fold-batchnorm,canonicalize,fuse,tile-crossbars --weights %t.npz \
// RUN:   | filecheck %s --match-full-lines

// The graph passes in the driver's order, then tile-crossbars, on identity -> depthwise conv ->
// batchnorm -> relu: shapes are inferred, the identity goes, the batchnorm folds into the
// conv (new weight and bias), which then absorbs the relu; tiling packs both 4-row groups on
// one 8x8 crossbar and puts the relu back after col2im. Every new op keeps the conv's layer.

builtin.module attributes {cimc.arch = {xbar_rows = 8 : i64, xbar_cols = 8 : i64}} {
  func.func @main(%x: tensor<1x2x3x3xf32>) -> tensor<?x?x?x?xf32> {
    %w = graph.weight "conv.weight" : tensor<2x1x2x2xf32>
    %s = graph.weight "bn.scale" : tensor<2xf32>
    %t = graph.weight "bn.bias" : tensor<2xf32>
    %m = graph.weight "bn.mean" : tensor<2xf32>
    %v = graph.weight "bn.var" : tensor<2xf32>
    %d = graph.identity %x : (tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32>
    %c = graph.conv %d, %w strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 2 {cimc.layer = "conv"} : (tensor<1x2x3x3xf32>, tensor<2x1x2x2xf32>) -> tensor<?x?x?x?xf32>
    %n = graph.batchnorm %c, %s, %t, %m, %v epsilon 1.0 {cimc.layer = "bn"} : (tensor<?x?x?x?xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<?x?x?x?xf32>
    %r = graph.relu %n {cimc.layer = "relu"} : (tensor<?x?x?x?xf32>) -> tensor<?x?x?x?xf32>
    func.return %r : tensor<?x?x?x?xf32>
  }
}

// CHECK:      func.func @main(%x: tensor<1x2x3x3xf32>) -> tensor<1x2x2x2xf32> {
// CHECK-NEXT:   [[W:%[^ ]+]] = graph.weight "conv.weight.folded" : tensor<2x1x2x2xf32>
// CHECK-NEXT:   [[B:%[^ ]+]] = graph.weight "conv.weight.folded_bias" : tensor<2xf32>
// CHECK-NEXT:   [[COLS:%[^ ]+]] = xbar.im2col %x kernel [2, 2] strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] {cimc.layer = "conv"} : (tensor<1x2x3x3xf32>) -> tensor<4x8xf32>
// CHECK-NEXT:   [[MAT:%[^ ]+]] = xbar.mvm [[COLS]], [[W]] group 0 groups 2 rows [0, 4] cols [0, 2] {cimc.layer = "conv"} : (tensor<4x8xf32>, tensor<2x1x2x2xf32>) -> tensor<4x2xf32>
// CHECK-NEXT:   [[SUM:%[^ ]+]] = graph.add [[MAT]], [[B]] {cimc.layer = "conv"} : (tensor<4x2xf32>, tensor<2xf32>) -> tensor<4x2xf32>
// CHECK-NEXT:   [[Y:%[^ ]+]] = xbar.col2im [[SUM]] {cimc.layer = "conv"} : (tensor<4x2xf32>) -> tensor<1x2x2x2xf32>
// CHECK-NEXT:   [[R:%[^ ]+]] = graph.relu [[Y]] {cimc.layer = "conv"} : (tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
// CHECK-NEXT:   func.return [[R]] : tensor<1x2x2x2xf32>
// CHECK-NEXT: }
