// RUN: not cimc-opt %s -p order-branches 2>&1 | filecheck %s --match-full-lines

// order-branches sizes tensors to estimate the memory peak: a dynamic shape is refused in one
// line, naming the op, rather than estimated with a made-up size.

func.func @main(%x: tensor<?x8x4x4xf32>) -> tensor<?x16x4x4xf32> {
  %w = graph.weight "a.weight" : tensor<8x8x1x1xf32>
  %a = graph.conv %x, %w strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<?x8x4x4xf32>, tensor<8x8x1x1xf32>) -> tensor<?x8x4x4xf32>
  %b = graph.relu %x : (tensor<?x8x4x4xf32>) -> tensor<?x8x4x4xf32>
  %c = graph.concat %a, %b axis 1 : (tensor<?x8x4x4xf32>, tensor<?x8x4x4xf32>) -> tensor<?x16x4x4xf32>
  func.return %c : tensor<?x16x4x4xf32>
}

// CHECK: cimc-opt: error: order-branches: graph.conv has a dynamic shape; run shape-infer first
