// RUN: cimc-opt %s --split-input-file --verify-diagnostics -p shape-infer | filecheck %s --match-full-lines
// RUN: not cimc-opt %s -p shape-infer 2>&1 | filecheck %s --check-prefix=ERR

// shape-infer's errors name the op and its layer. Without --verify-diagnostics (second RUN,
// the whole file as one module) the verifier, which runs before the pass, rejects the first
// op whose attributes are wrong for its operands' rank: one error line, rc 1.

// ERR-NOT: Traceback
// ERR:     cimc-opt: error: graph.transpose: 'perm' [0, 2] is not a permutation of the 2 dims

func.func @unknown_input(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  %r = graph.relu %x {cimc.layer = "relu1"} : (tensor<?x4xf32>) -> tensor<?x4xf32>
  func.return %r : tensor<?x4xf32>
}

// CHECK: shape-infer: layer "relu1": graph.relu: operand 0 has unknown shape ?x4

// -----

func.func @channels(%x: tensor<1x3x4x4xf32>) -> tensor<?x?x?x?xf32> {
  %r = graph.relu %x : (tensor<1x3x4x4xf32>) -> tensor<?x?x?x?xf32>
  %w = graph.weight "w" : tensor<2x2x3x3xf32>
  %c = graph.conv %r, %w strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 {cimc.layer = "conv1"} : (tensor<?x?x?x?xf32>, tensor<2x2x3x3xf32>) -> tensor<?x?x?x?xf32>
  func.return %c : tensor<?x?x?x?xf32>
}

// CHECK: shape-infer: layer "conv1": graph.conv: operand 'input' has 3 channels but 'weight' expects 2 x group 1

// -----

func.func @contradiction(%x: tensor<1x3xf32>) -> tensor<4x?xf32> {
  %r = graph.relu %x : (tensor<1x3xf32>) -> tensor<?x?xf32>
  %s = graph.relu %r : (tensor<?x?xf32>) -> tensor<4x?xf32>
  func.return %s : tensor<4x?xf32>
}

// CHECK: shape-infer: graph.relu: inferred shape 1x3 contradicts the declared 4x?

// -----

func.func @static_wrong(%x: tensor<1x3xf32>) -> tensor<1x4xf32> {
  %r = graph.relu %x : (tensor<1x3xf32>) -> tensor<?x?xf32>
  %s = graph.relu %r : (tensor<?x?xf32>) -> tensor<1x4xf32>
  func.return %s : tensor<1x4xf32>
}

// A fully static declared result is left alone, and the verifier after the pass rejects it.
// CHECK: graph.relu: result shape 1x4 does not match the inferred 1x3

// -----

func.func @window(%x: tensor<1x1x2x2xf32>) -> tensor<?x?x?x?xf32> {
  %r = graph.relu %x : (tensor<1x1x2x2xf32>) -> tensor<?x?x?x?xf32>
  %p = graph.maxpool %r kernel [3, 3] strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] : (tensor<?x?x?x?xf32>) -> tensor<?x?x?x?xf32>
  func.return %p : tensor<?x?x?x?xf32>
}

// CHECK: shape-infer: graph.maxpool: window 3x3 does not fit the 2x2 input (with pads and dilations)

// -----

func.func @reshape(%x: tensor<2x3xf32>) -> tensor<?x?xf32> {
  %r = graph.relu %x : (tensor<2x3xf32>) -> tensor<?x?xf32>
  %s = graph.reshape %r shape [4, -1] : (tensor<?x?xf32>) -> tensor<?x?xf32>
  func.return %s : tensor<?x?xf32>
}

// CHECK: shape-infer: graph.reshape: cannot reshape 2x3 to [4, -1]

// -----

func.func @broadcast(%x: tensor<2x3xf32>, %y: tensor<4xf32>) -> tensor<?x?xf32> {
  %r = graph.relu %x : (tensor<2x3xf32>) -> tensor<?x?xf32>
  %s = graph.add %r, %y : (tensor<?x?xf32>, tensor<4xf32>) -> tensor<?x?xf32>
  func.return %s : tensor<?x?xf32>
}

// CHECK: shape-infer: graph.add: shapes (2, 3) and (1, 4) do not broadcast (dim 1: 3 vs 4)

// -----

// The ops of real networks: their operands are checked once their shapes are known.

func.func @concat(%x: tensor<1x2x3x3xf32>, %y: tensor<1x2x4x4xf32>) -> tensor<?x?x?x?xf32> {
  %r = graph.relu %x : (tensor<1x2x3x3xf32>) -> tensor<?x?x?x?xf32>
  %c = graph.concat %r, %y axis 1 {cimc.layer = "cat"} : (tensor<?x?x?x?xf32>, tensor<1x2x4x4xf32>) -> tensor<?x?x?x?xf32>
  func.return %c : tensor<?x?x?x?xf32>
}

// CHECK: shape-infer: layer "cat": graph.concat: input 1 of shape 1x2x4x4 does not match input 0 of shape 1x2x3x3 off axis 1

// -----

func.func @transpose(%x: tensor<2x3xf32>) -> tensor<?x?xf32> {
  %r = graph.relu %x : (tensor<2x3xf32>) -> tensor<?x?xf32>
  %t = graph.transpose %r perm [0, 2] : (tensor<?x?xf32>) -> tensor<?x?xf32>
  func.return %t : tensor<?x?xf32>
}

// CHECK: graph.transpose: 'perm' [0, 2] is not a permutation of the 2 dims

// -----

func.func @pad(%x: tensor<2x3xf32>) -> tensor<?x?x?xf32> {
  %r = graph.relu %x : (tensor<2x3xf32>) -> tensor<?x?xf32>
  %p = graph.pad %r pads [0, 1, 0, 1, 0, 1] value 0.0 : (tensor<?x?xf32>) -> tensor<?x?x?xf32>
  func.return %p : tensor<?x?x?xf32>
}

// CHECK: graph.pad: 'pads' must be 4 entries >= 0, got [0, 1, 0, 1, 0, 1]

// -----

func.func @batchnorm(%x: tensor<1x3x2x2xf32>) -> tensor<?x?x?x?xf32> {
  %r = graph.relu %x : (tensor<1x3x2x2xf32>) -> tensor<?x?x?x?xf32>
  %s = graph.weight "bn.scale" : tensor<4xf32>
  %n = graph.batchnorm %r, %s, %s, %s, %s epsilon 1.0e-5 {cimc.layer = "bn1"} : (tensor<?x?x?x?xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<?x?x?x?xf32>
  func.return %n : tensor<?x?x?x?xf32>
}

// CHECK: shape-infer: layer "bn1": graph.batchnorm: operand 'scale' must have shape 3, got 4

// -----

func.func @softmax(%x: tensor<2x3xf32>) -> tensor<?x?xf32> {
  %r = graph.relu %x : (tensor<2x3xf32>) -> tensor<?x?xf32>
  %s = graph.softmax %r axis 2 : (tensor<?x?xf32>) -> tensor<?x?xf32>
  func.return %s : tensor<?x?xf32>
}

// CHECK: graph.softmax: 'axis' 2 is out of range for rank 2

// -----

func.func @lrn(%x: tensor<2x3xf32>) -> tensor<?x?xf32> {
  %r = graph.relu %x : (tensor<2x3xf32>) -> tensor<?x?xf32>
  %l = graph.lrn %r size 3 alpha 1.0 beta 0.5 bias 1.0 : (tensor<?x?xf32>) -> tensor<?x?xf32>
  func.return %l : tensor<?x?xf32>
}

// CHECK: graph.lrn: operand 'input' must have rank 4, got ?x?

// -----

func.func @mul(%x: tensor<2x3xf32>, %y: tensor<2xf32>) -> tensor<?x?xf32> {
  %r = graph.relu %x : (tensor<2x3xf32>) -> tensor<?x?xf32>
  %m = graph.mul %r, %y : (tensor<?x?xf32>, tensor<2xf32>) -> tensor<?x?xf32>
  func.return %m : tensor<?x?xf32>
}

// CHECK: shape-infer: graph.mul: shapes (2, 3) and (1, 2) do not broadcast (dim 1: 3 vs 2)
