// RUN: cimc-opt %s -p shape-infer | filecheck %s --match-full-lines

// shape-infer for the ops of real networks. Elementwise ops keep their input's shape; the
// rest, in order:
// maxpool 5x5, kernel 2, stride 2, ceil_mode: ceil((5 - 2) / 2) + 1 = 3
// avgpool 5x5, kernel 3, stride 2, pads 1: ceil((5 + 2 - 3) / 2) + 1 = 3
// concat of three 1x2x3x3 along -3 (channels): 1x6x3x3
// pad [0, 0, 1, 0] at the begin, [0, 0, 0, 2] at the end: 1x6x4x5
// batchnorm, mul by a per-channel 6x1x1: 1x6x4x5
// transpose [1, 0] of 2x3: 3x2; unsqueeze [-1, 0] (result rank 4): 1x3x2x1; flatten axis 2: 3x2
// gemm 3x2 by 2x4 (its fused clip does not change the shape): 3x4

func.func @main(%x: tensor<1x2x5x5xf32>, %v: tensor<2x3xf32>) -> (tensor<?x?x?x?xf32>, tensor<?x?xf32>) {
  %s = graph.sigmoid %x : (tensor<1x2x5x5xf32>) -> tensor<?x?x?x?xf32>
  %t = graph.tanh %s : (tensor<?x?x?x?xf32>) -> tensor<?x?x?x?xf32>
  %i = graph.identity %t : (tensor<?x?x?x?xf32>) -> tensor<?x?x?x?xf32>
  %c = graph.clip %i min -1.0 max 1.0 : (tensor<?x?x?x?xf32>) -> tensor<?x2x?x?xf32>
  %l = graph.leaky_relu %c alpha 0.1 : (tensor<?x2x?x?xf32>) -> tensor<?x?x?x?xf32>
  %mp = graph.maxpool %l kernel [2, 2] strides [2, 2] pads [0, 0, 0, 0] dilations [1, 1] ceil_mode : (tensor<?x?x?x?xf32>) -> tensor<?x?x?x?xf32>
  %ap = graph.avgpool %l kernel [3, 3] strides [2, 2] pads [1, 1, 1, 1] dilations [1, 1] ceil_mode count_include_pad : (tensor<?x?x?x?xf32>) -> tensor<?x?x?x?xf32>
  %cat = graph.concat %mp, %ap, %mp axis -3 : (tensor<?x?x?x?xf32>, tensor<?x?x?x?xf32>, tensor<?x?x?x?xf32>) -> tensor<?x?x?x?xf32>
  %lrn = graph.lrn %cat size 3 alpha 1.0e-4 beta 0.75 bias 1.0 : (tensor<?x?x?x?xf32>) -> tensor<?x?x?x?xf32>
  %sm = graph.softmax %lrn axis 1 to_end : (tensor<?x?x?x?xf32>) -> tensor<?x?x?x?xf32>
  %p = graph.pad %sm pads [0, 0, 1, 0, 0, 0, 0, 2] value 0.0 : (tensor<?x?x?x?xf32>) -> tensor<?x?x?x?xf32>
  %sc = graph.weight "bn.scale" : tensor<6xf32>
  %k = graph.weight "k" : tensor<6x1x1xf32>
  %bn = graph.batchnorm %p, %sc, %sc, %sc, %sc epsilon 1.0e-5 : (tensor<?x?x?x?xf32>, tensor<6xf32>, tensor<6xf32>, tensor<6xf32>, tensor<6xf32>) -> tensor<?x?x?x?xf32>
  %m = graph.mul %bn, %k : (tensor<?x?x?x?xf32>, tensor<6x1x1xf32>) -> tensor<?x?x?x?xf32>
  %tr = graph.transpose %v perm [1, 0] : (tensor<2x3xf32>) -> tensor<?x?xf32>
  %u = graph.unsqueeze %tr axes [-1, 0] : (tensor<?x?xf32>) -> tensor<?x?x?x?xf32>
  %f = graph.flatten %u axis 2 : (tensor<?x?x?x?xf32>) -> tensor<?x?xf32>
  %gw = graph.weight "fc.weight" : tensor<2x4xf32>
  %g = graph.gemm %f, %gw activation "clip" [0.0, 6.0] : (tensor<?x?xf32>, tensor<2x4xf32>) -> tensor<?x?xf32>
  func.return %m, %g : tensor<?x?x?x?xf32>, tensor<?x?xf32>
}

// CHECK-LABEL: func.func @main(%x: tensor<1x2x5x5xf32>, %v: tensor<2x3xf32>) -> (tensor<1x6x4x5xf32>, tensor<3x4xf32>) {
// CHECK-NEXT:    %s = graph.sigmoid %x : (tensor<1x2x5x5xf32>) -> tensor<1x2x5x5xf32>
// CHECK-NEXT:    %t = graph.tanh %s : (tensor<1x2x5x5xf32>) -> tensor<1x2x5x5xf32>
// CHECK-NEXT:    %i = graph.identity %t : (tensor<1x2x5x5xf32>) -> tensor<1x2x5x5xf32>
// CHECK-NEXT:    %c = graph.clip %i min -1.000000e+00 max 1.000000e+00 : (tensor<1x2x5x5xf32>) -> tensor<1x2x5x5xf32>
// CHECK-NEXT:    %l = graph.leaky_relu %c alpha 1.000000e-01 : (tensor<1x2x5x5xf32>) -> tensor<1x2x5x5xf32>
// CHECK-NEXT:    %mp = graph.maxpool %l kernel [2, 2] strides [2, 2] pads [0, 0, 0, 0] dilations [1, 1] ceil_mode : (tensor<1x2x5x5xf32>) -> tensor<1x2x3x3xf32>
// CHECK-NEXT:    %ap = graph.avgpool %l kernel [3, 3] strides [2, 2] pads [1, 1, 1, 1] dilations [1, 1] ceil_mode count_include_pad : (tensor<1x2x5x5xf32>) -> tensor<1x2x3x3xf32>
// CHECK-NEXT:    %cat = graph.concat %mp, %ap, %mp axis -3 : (tensor<1x2x3x3xf32>, tensor<1x2x3x3xf32>, tensor<1x2x3x3xf32>) -> tensor<1x6x3x3xf32>
// CHECK-NEXT:    %lrn = graph.lrn %cat size 3 alpha 1.000000e-04 beta 7.500000e-01 bias 1.000000e+00 : (tensor<1x6x3x3xf32>) -> tensor<1x6x3x3xf32>
// CHECK-NEXT:    %sm = graph.softmax %lrn axis 1 to_end : (tensor<1x6x3x3xf32>) -> tensor<1x6x3x3xf32>
// CHECK-NEXT:    %p = graph.pad %sm pads [0, 0, 1, 0, 0, 0, 0, 2] value 0.000000e+00 : (tensor<1x6x3x3xf32>) -> tensor<1x6x4x5xf32>
// CHECK-NEXT:    %sc = graph.weight "bn.scale" : tensor<6xf32>
// CHECK-NEXT:    %k = graph.weight "k" : tensor<6x1x1xf32>
// CHECK-NEXT:    %bn = graph.batchnorm %p, %sc, %sc, %sc, %sc epsilon 1.000000e-05 : (tensor<1x6x4x5xf32>, tensor<6xf32>, tensor<6xf32>, tensor<6xf32>, tensor<6xf32>) -> tensor<1x6x4x5xf32>
// CHECK-NEXT:    %m = graph.mul %bn, %k : (tensor<1x6x4x5xf32>, tensor<6x1x1xf32>) -> tensor<1x6x4x5xf32>
// CHECK-NEXT:    %tr = graph.transpose %v perm [1, 0] : (tensor<2x3xf32>) -> tensor<3x2xf32>
// CHECK-NEXT:    %u = graph.unsqueeze %tr axes [-1, 0] : (tensor<3x2xf32>) -> tensor<1x3x2x1xf32>
// CHECK-NEXT:    %f = graph.flatten %u axis 2 : (tensor<1x3x2x1xf32>) -> tensor<3x2xf32>
// CHECK-NEXT:    %gw = graph.weight "fc.weight" : tensor<2x4xf32>
// CHECK-NEXT:    %g = graph.gemm %f, %gw activation "clip" [0.000000e+00, 6.000000e+00] : (tensor<3x2xf32>, tensor<2x4xf32>) -> tensor<3x4xf32>
// CHECK-NEXT:    func.return %m, %g : tensor<1x6x4x5xf32>, tensor<3x4xf32>
// CHECK-NEXT:  }

// A ceil_mode window that would start in the end padding is dropped: 2 wide + 1 end pad,
// kernel 2, stride 2 gives 1 window, not 2.

func.func @ceil_drop(%x: tensor<1x1x2x2xf32>) -> tensor<?x?x?x?xf32> {
  %p = graph.maxpool %x kernel [2, 2] strides [2, 2] pads [0, 0, 1, 1] dilations [1, 1] ceil_mode : (tensor<1x1x2x2xf32>) -> tensor<?x?x?x?xf32>
  func.return %p : tensor<?x?x?x?xf32>
}

// CHECK-LABEL: func.func @ceil_drop(%x: tensor<1x1x2x2xf32>) -> tensor<1x1x1x1xf32> {
// CHECK-NEXT:    %p = graph.maxpool %x kernel [2, 2] strides [2, 2] pads [0, 0, 1, 1] dilations [1, 1] ceil_mode : (tensor<1x1x2x2xf32>) -> tensor<1x1x1x1xf32>
