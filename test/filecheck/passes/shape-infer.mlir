// RUN: cimc-opt %s -p shape-infer | filecheck %s --match-full-lines

// Unknown dims are inferred op by op from the input shapes, and the function's result types
// follow its return.

// conv: oh = (5 + 1 + 1 - 3) / 2 + 1 = 3, ow = (5 + 0 + 2 - (2 * (3 - 1) + 1)) / 1 + 1 = 3
// maxpool 2x2, stride 1, padded bottom and right by 1: (3 + 1 - 2) / 1 + 1 = 3
// flatten axis 2: 1*4 x 3*3; reshape [0, -1, 3]: 1 x 36/3 x 3; add: 1x12x3 + 12x1 -> 1x12x3

func.func @main(%x: tensor<1x2x5x5xf32>, %v: tensor<12x1xf32>) -> (tensor<?x?xf32>, tensor<?x?x?xf32>) {
  %w = graph.weight "conv.weight" : tensor<4x2x3x3xf32>
  %b = graph.weight "conv.bias" : tensor<4xf32>
  %c = graph.conv %x, %w, %b strides [2, 1] pads [1, 0, 1, 2] dilations [1, 2] group 1 {cimc.layer = "conv"} : (tensor<1x2x5x5xf32>, tensor<4x2x3x3xf32>, tensor<4xf32>) -> tensor<1x?x?x?xf32>
  %r = graph.relu %c : (tensor<1x?x?x?xf32>) -> tensor<?x?x?x?xf32>
  %p = graph.maxpool %r kernel [2, 2] strides [1, 1] pads [0, 0, 1, 1] dilations [1, 1] : (tensor<?x?x?x?xf32>) -> tensor<?x?x?x?xf32>
  %f = graph.flatten %p axis 2 : (tensor<?x?x?x?xf32>) -> tensor<?x?xf32>
  %s = graph.reshape %p shape [0, -1, 3] : (tensor<?x?x?x?xf32>) -> tensor<?x?x?xf32>
  %a = graph.add %s, %v : (tensor<?x?x?xf32>, tensor<12x1xf32>) -> tensor<?x?x?xf32>
  func.return %f, %a : tensor<?x?xf32>, tensor<?x?x?xf32>
}

// CHECK-LABEL: func.func @main(%x: tensor<1x2x5x5xf32>, %v: tensor<12x1xf32>) -> (tensor<4x9xf32>, tensor<1x12x3xf32>) {
// CHECK-NEXT:    %w = graph.weight "conv.weight" : tensor<4x2x3x3xf32>
// CHECK-NEXT:    %b = graph.weight "conv.bias" : tensor<4xf32>
// CHECK-NEXT:    %c = graph.conv %x, %w, %b strides [2, 1] pads [1, 0, 1, 2] dilations [1, 2] group 1 {cimc.layer = "conv"} : (tensor<1x2x5x5xf32>, tensor<4x2x3x3xf32>, tensor<4xf32>) -> tensor<1x4x3x3xf32>
// CHECK-NEXT:    %r = graph.relu %c : (tensor<1x4x3x3xf32>) -> tensor<1x4x3x3xf32>
// CHECK-NEXT:    %p = graph.maxpool %r kernel [2, 2] strides [1, 1] pads [0, 0, 1, 1] dilations [1, 1] : (tensor<1x4x3x3xf32>) -> tensor<1x4x3x3xf32>
// CHECK-NEXT:    %f = graph.flatten %p axis 2 : (tensor<1x4x3x3xf32>) -> tensor<4x9xf32>
// CHECK-NEXT:    %s = graph.reshape %p shape [0, -1, 3] : (tensor<1x4x3x3xf32>) -> tensor<1x12x3xf32>
// CHECK-NEXT:    %a = graph.add %s, %v : (tensor<1x12x3xf32>, tensor<12x1xf32>) -> tensor<1x12x3xf32>
// CHECK-NEXT:    func.return %f, %a : tensor<4x9xf32>, tensor<1x12x3xf32>
// CHECK-NEXT:  }

// Grouped conv, gemm with a broadcast bias, avg pool, global pool, flatten with a negative axis
// and a reshape with an explicit shape; already-static ops are left as they are.

func.func @more(%x: tensor<2x4x4x4xf32>) -> tensor<?x?xf32> {
  %w = graph.weight "dw.weight" : tensor<4x2x3x3xf32>
  %c = graph.conv %x, %w strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] group 2 : (tensor<2x4x4x4xf32>, tensor<4x2x3x3xf32>) -> tensor<?x?x?x?xf32>
  %q = graph.avgpool %c kernel [3, 3] strides [2, 2] pads [1, 1, 1, 1] dilations [1, 1] : (tensor<?x?x?x?xf32>) -> tensor<?x?x?x?xf32>
  %g = graph.global_avgpool %q : (tensor<?x?x?x?xf32>) -> tensor<?x?x?x?xf32>
  %f = graph.flatten %g axis -3 : (tensor<?x?x?x?xf32>) -> tensor<?x?xf32>
  %fw = graph.weight "fc.weight" : tensor<4x3xf32>
  %fb = graph.weight "fc.bias" : tensor<1x3xf32>
  %y = graph.gemm %f, %fw, %fb : (tensor<?x?xf32>, tensor<4x3xf32>, tensor<1x3xf32>) -> tensor<?x?xf32>
  %z = graph.reshape %y shape [3, 2] : (tensor<?x?xf32>) -> tensor<?x?xf32>
  func.return %z : tensor<?x?xf32>
}

// CHECK-LABEL: func.func @more(%x: tensor<2x4x4x4xf32>) -> tensor<3x2xf32> {
// CHECK:         %c = graph.conv {{.*}} group 2 : (tensor<2x4x4x4xf32>, tensor<4x2x3x3xf32>) -> tensor<2x4x4x4xf32>
// CHECK-NEXT:    %q = graph.avgpool {{.*}} : (tensor<2x4x4x4xf32>) -> tensor<2x4x2x2xf32>
// CHECK-NEXT:    %g = graph.global_avgpool %q : (tensor<2x4x2x2xf32>) -> tensor<2x4x1x1xf32>
// CHECK-NEXT:    %f = graph.flatten %g axis -3 : (tensor<2x4x1x1xf32>) -> tensor<2x4xf32>
// CHECK:         %y = graph.gemm %f, %fw, %fb : (tensor<2x4xf32>, tensor<4x3xf32>, tensor<1x3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT:    %z = graph.reshape %y shape [3, 2] : (tensor<2x3xf32>) -> tensor<3x2xf32>
// CHECK-NEXT:    func.return %z : tensor<3x2xf32>
