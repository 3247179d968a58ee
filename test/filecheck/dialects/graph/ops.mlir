// RUN: cimc-opt %s | cimc-opt | filecheck %s --match-full-lines
// RUN: CIMC_ROUNDTRIP

// Every graph op in its custom format, optional parts both present and absent.

func.func @conv(%x: tensor<1x4x5x5xf32>) -> (tensor<1x6x3x3xf32>, tensor<1x4x5x5xf32>) {
  %w = graph.weight "conv.weight" : tensor<6x4x3x3xf32>
  %b = graph.weight "conv.bias" : tensor<6xf32>
  %dw = graph.weight "dw.weight" : tensor<4x1x3x3xf32>
  %y = graph.conv %x, %w, %b strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 {cimc.layer = "conv"} : (tensor<1x4x5x5xf32>, tensor<6x4x3x3xf32>, tensor<6xf32>) -> tensor<1x6x3x3xf32>
  %z = graph.conv %x, %dw strides [2, 1] pads [1, 1, 1, 1] dilations [1, 2] group 4 : (tensor<1x4x5x5xf32>, tensor<4x1x3x3xf32>) -> tensor<?x4x?x?xf32>
  %u = graph.relu %x : (tensor<1x4x5x5xf32>) -> tensor<1x4x5x5xf32>
  func.return %y, %u : tensor<1x6x3x3xf32>, tensor<1x4x5x5xf32>
}

// CHECK-LABEL: func.func @conv(%x: tensor<1x4x5x5xf32>) -> (tensor<1x6x3x3xf32>, tensor<1x4x5x5xf32>) {
// CHECK-NEXT:    %w = graph.weight "conv.weight" : tensor<6x4x3x3xf32>
// CHECK-NEXT:    %b = graph.weight "conv.bias" : tensor<6xf32>
// CHECK-NEXT:    %dw = graph.weight "dw.weight" : tensor<4x1x3x3xf32>
// CHECK-NEXT:    %y = graph.conv %x, %w, %b strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 {cimc.layer = "conv"} : (tensor<1x4x5x5xf32>, tensor<6x4x3x3xf32>, tensor<6xf32>) -> tensor<1x6x3x3xf32>
// CHECK-NEXT:    %z = graph.conv %x, %dw strides [2, 1] pads [1, 1, 1, 1] dilations [1, 2] group 4 : (tensor<1x4x5x5xf32>, tensor<4x1x3x3xf32>) -> tensor<?x4x?x?xf32>
// CHECK-NEXT:    %u = graph.relu %x : (tensor<1x4x5x5xf32>) -> tensor<1x4x5x5xf32>
// CHECK-NEXT:    func.return %y, %u : tensor<1x6x3x3xf32>, tensor<1x4x5x5xf32>
// CHECK-NEXT:  }

func.func @pools(%x: tensor<1x2x4x4xf32>) -> (tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>, tensor<1x2x1x1xf32>) {
  %m = graph.maxpool %x kernel [2, 2] strides [2, 2] pads [0, 0, 0, 0] dilations [1, 1] : (tensor<1x2x4x4xf32>) -> tensor<1x2x2x2xf32>
  %a = graph.avgpool %x kernel [3, 3] strides [2, 2] pads [1, 1, 1, 1] dilations [1, 1] : (tensor<1x2x4x4xf32>) -> tensor<1x2x2x2xf32>
  %g = graph.global_avgpool %x : (tensor<1x2x4x4xf32>) -> tensor<1x2x1x1xf32>
  func.return %m, %a, %g : tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>, tensor<1x2x1x1xf32>
}

// CHECK-LABEL: func.func @pools(%x: tensor<1x2x4x4xf32>) -> (tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>, tensor<1x2x1x1xf32>) {
// CHECK-NEXT:    %m = graph.maxpool %x kernel [2, 2] strides [2, 2] pads [0, 0, 0, 0] dilations [1, 1] : (tensor<1x2x4x4xf32>) -> tensor<1x2x2x2xf32>
// CHECK-NEXT:    %a = graph.avgpool %x kernel [3, 3] strides [2, 2] pads [1, 1, 1, 1] dilations [1, 1] : (tensor<1x2x4x4xf32>) -> tensor<1x2x2x2xf32>
// CHECK-NEXT:    %g = graph.global_avgpool %x : (tensor<1x2x4x4xf32>) -> tensor<1x2x1x1xf32>
// CHECK-NEXT:    func.return %m, %a, %g : tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>, tensor<1x2x1x1xf32>
// CHECK-NEXT:  }

func.func @dense(%x: tensor<2x3x2xf32>) -> (tensor<2x4xf32>, tensor<2x4xf32>, tensor<2x4xf32>) {
  %f = graph.flatten %x axis 1 : (tensor<2x3x2xf32>) -> tensor<2x6xf32>
  %r = graph.reshape %x shape [0, -1] : (tensor<2x3x2xf32>) -> tensor<2x6xf32>
  %w = graph.weight "fc.weight" : tensor<6x4xf32>
  %b = graph.weight "fc.bias" : tensor<4xf32>
  %y = graph.gemm %f, %w, %b : (tensor<2x6xf32>, tensor<6x4xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  %z = graph.gemm %r, %w : (tensor<2x6xf32>, tensor<6x4xf32>) -> tensor<2x4xf32>
  %s = graph.add %y, %b : (tensor<2x4xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  func.return %y, %z, %s : tensor<2x4xf32>, tensor<2x4xf32>, tensor<2x4xf32>
}

// CHECK-LABEL: func.func @dense(%x: tensor<2x3x2xf32>) -> (tensor<2x4xf32>, tensor<2x4xf32>, tensor<2x4xf32>) {
// CHECK-NEXT:    %f = graph.flatten %x axis 1 : (tensor<2x3x2xf32>) -> tensor<2x6xf32>
// CHECK-NEXT:    %r = graph.reshape %x shape [0, -1] : (tensor<2x3x2xf32>) -> tensor<2x6xf32>
// CHECK-NEXT:    %w = graph.weight "fc.weight" : tensor<6x4xf32>
// CHECK-NEXT:    %b = graph.weight "fc.bias" : tensor<4xf32>
// CHECK-NEXT:    %y = graph.gemm %f, %w, %b : (tensor<2x6xf32>, tensor<6x4xf32>, tensor<4xf32>) -> tensor<2x4xf32>
// CHECK-NEXT:    %z = graph.gemm %r, %w : (tensor<2x6xf32>, tensor<6x4xf32>) -> tensor<2x4xf32>
// CHECK-NEXT:    %s = graph.add %y, %b : (tensor<2x4xf32>, tensor<4xf32>) -> tensor<2x4xf32>
// CHECK-NEXT:    func.return %y, %z, %s : tensor<2x4xf32>, tensor<2x4xf32>, tensor<2x4xf32>
// CHECK-NEXT:  }
