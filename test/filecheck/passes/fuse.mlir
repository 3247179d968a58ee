// RUN: cimc-opt %s -p fuse | filecheck %s --match-full-lines

// fuse: a conv or gemm whose only user is an activation absorbs it (`activation` on the conv
// or gemm), and the activation's users read the conv instead.

// Only the first activation fuses: a conv carries at most one, so the clip stays.
func.func @chain(%x: tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32> {
  %w = graph.weight "conv.weight" : tensor<2x2x1x1xf32>
  %b = graph.weight "conv.bias" : tensor<2xf32>
  %c = graph.conv %x, %w, %b strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 {cimc.layer = "conv"} : (tensor<1x2x3x3xf32>, tensor<2x2x1x1xf32>, tensor<2xf32>) -> tensor<1x2x3x3xf32>
  %r = graph.relu %c {cimc.layer = "relu"} : (tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32>
  %k = graph.clip %r min 0.0 max 6.0 : (tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32>
  func.return %k : tensor<1x2x3x3xf32>
}

// CHECK-LABEL: func.func @chain(%x: tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32> {
// CHECK-NEXT:    %w = graph.weight "conv.weight" : tensor<2x2x1x1xf32>
// CHECK-NEXT:    %b = graph.weight "conv.bias" : tensor<2xf32>
// CHECK-NEXT:    %c = graph.conv %x, %w, %b strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 activation "relu" [] {cimc.layer = "conv"} : (tensor<1x2x3x3xf32>, tensor<2x2x1x1xf32>, tensor<2xf32>) -> tensor<1x2x3x3xf32>
// CHECK-NEXT:    %k = graph.clip %c min 0.000000e+00 max 6.000000e+00 : (tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32>
// CHECK-NEXT:    func.return %k : tensor<1x2x3x3xf32>
// CHECK-NEXT:  }

// Every activation kind, with its parameters; a gemm's bias stays.
func.func @kinds(%x: tensor<2x3xf32>) -> (tensor<2x4xf32>, tensor<2x4xf32>, tensor<2x4xf32>, tensor<2x4xf32>) {
  %w = graph.weight "fc.weight" : tensor<3x4xf32>
  %b = graph.weight "fc.bias" : tensor<4xf32>
  %y1 = graph.gemm %x, %w, %b : (tensor<2x3xf32>, tensor<3x4xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  %l = graph.leaky_relu %y1 alpha 0.25 : (tensor<2x4xf32>) -> tensor<2x4xf32>
  %y2 = graph.gemm %x, %w : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
  %t = graph.tanh %y2 : (tensor<2x4xf32>) -> tensor<2x4xf32>
  %y3 = graph.gemm %x, %w : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
  %s = graph.sigmoid %y3 : (tensor<2x4xf32>) -> tensor<2x4xf32>
  %y4 = graph.gemm %x, %w : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
  %c = graph.clip %y4 min -1.0 max 1.0 : (tensor<2x4xf32>) -> tensor<2x4xf32>
  func.return %l, %t, %s, %c : tensor<2x4xf32>, tensor<2x4xf32>, tensor<2x4xf32>, tensor<2x4xf32>
}

// CHECK-LABEL: func.func @kinds(%x: tensor<2x3xf32>) -> (tensor<2x4xf32>, tensor<2x4xf32>, tensor<2x4xf32>, tensor<2x4xf32>) {
// CHECK-NEXT:    %w = graph.weight "fc.weight" : tensor<3x4xf32>
// CHECK-NEXT:    %b = graph.weight "fc.bias" : tensor<4xf32>
// CHECK-NEXT:    %y1 = graph.gemm %x, %w, %b activation "leaky_relu" [2.500000e-01] : (tensor<2x3xf32>, tensor<3x4xf32>, tensor<4xf32>) -> tensor<2x4xf32>
// CHECK-NEXT:    %y2 = graph.gemm %x, %w activation "tanh" [] : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
// CHECK-NEXT:    %y3 = graph.gemm %x, %w activation "sigmoid" [] : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
// CHECK-NEXT:    %y4 = graph.gemm %x, %w activation "clip" [-1.000000e+00, 1.000000e+00] : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
// CHECK-NEXT:    func.return %y1, %y2, %y3, %y4 : tensor<2x4xf32>, tensor<2x4xf32>, tensor<2x4xf32>, tensor<2x4xf32>
// CHECK-NEXT:  }

// A diamond: the conv feeds a relu and a sigmoid that meet again in an add. The conv's result
// has two users, so neither activation may replace it: nothing fuses.
func.func @diamond(%x: tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32> {
  %w = graph.weight "conv.weight" : tensor<2x2x1x1xf32>
  %c = graph.conv %x, %w strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x2x3x3xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x3x3xf32>
  %r = graph.relu %c : (tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32>
  %s = graph.sigmoid %c : (tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32>
  %a = graph.add %r, %s : (tensor<1x2x3x3xf32>, tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32>
  func.return %a : tensor<1x2x3x3xf32>
}

// CHECK-LABEL: func.func @diamond(%x: tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32> {
// CHECK-NEXT:    %w = graph.weight "conv.weight" : tensor<2x2x1x1xf32>
// CHECK-NEXT:    %c = graph.conv %x, %w strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x2x3x3xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x3x3xf32>
// CHECK-NEXT:    %r = graph.relu %c : (tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32>
// CHECK-NEXT:    %s = graph.sigmoid %c : (tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32>
// CHECK-NEXT:    %a = graph.add %r, %s : (tensor<1x2x3x3xf32>, tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32>
// CHECK-NEXT:    func.return %a : tensor<1x2x3x3xf32>
// CHECK-NEXT:  }

// Not fused either: a gemm also returned as it is; an identity between gemm and relu (run
// canonicalize first); an add (not an activation); a relu of a relu (not a conv or gemm).
func.func @unfused(%x: tensor<2x3xf32>) -> (tensor<2x4xf32>, tensor<2x4xf32>, tensor<2x4xf32>, tensor<2x4xf32>, tensor<2x3xf32>) {
  %w = graph.weight "fc.weight" : tensor<3x4xf32>
  %y1 = graph.gemm %x, %w : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
  %r1 = graph.relu %y1 : (tensor<2x4xf32>) -> tensor<2x4xf32>
  %y2 = graph.gemm %x, %w : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
  %i = graph.identity %y2 : (tensor<2x4xf32>) -> tensor<2x4xf32>
  %r2 = graph.relu %i : (tensor<2x4xf32>) -> tensor<2x4xf32>
  %y3 = graph.gemm %x, %w : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
  %a = graph.add %y3, %y3 : (tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
  %p = graph.relu %x : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %q = graph.relu %p : (tensor<2x3xf32>) -> tensor<2x3xf32>
  func.return %y1, %r1, %r2, %a, %q : tensor<2x4xf32>, tensor<2x4xf32>, tensor<2x4xf32>, tensor<2x4xf32>, tensor<2x3xf32>
}

// CHECK-LABEL: func.func @unfused(%x: tensor<2x3xf32>) -> (tensor<2x4xf32>, tensor<2x4xf32>, tensor<2x4xf32>, tensor<2x4xf32>, tensor<2x3xf32>) {
// CHECK-NEXT:    %w = graph.weight "fc.weight" : tensor<3x4xf32>
// CHECK-NEXT:    %y1 = graph.gemm %x, %w : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
// CHECK-NEXT:    %r1 = graph.relu %y1 : (tensor<2x4xf32>) -> tensor<2x4xf32>
// CHECK-NEXT:    %y2 = graph.gemm %x, %w : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
// CHECK-NEXT:    %i = graph.identity %y2 : (tensor<2x4xf32>) -> tensor<2x4xf32>
// CHECK-NEXT:    %r2 = graph.relu %i : (tensor<2x4xf32>) -> tensor<2x4xf32>
// CHECK-NEXT:    %y3 = graph.gemm %x, %w : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
// CHECK-NEXT:    %a = graph.add %y3, %y3 : (tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
// CHECK-NEXT:    %p = graph.relu %x : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT:    %q = graph.relu %p : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT:    func.return %y1, %r1, %r2, %a, %q : tensor<2x4xf32>, tensor<2x4xf32>, tensor<2x4xf32>, tensor<2x4xf32>, tensor<2x3xf32>
// CHECK-NEXT:  }

// A conv that already carries an activation takes no second one.
func.func @already(%x: tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32> {
  %w = graph.weight "conv.weight" : tensor<2x2x1x1xf32>
  %c = graph.conv %x, %w strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 activation "relu" [] : (tensor<1x2x3x3xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x3x3xf32>
  %s = graph.sigmoid %c : (tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32>
  func.return %s : tensor<1x2x3x3xf32>
}

// CHECK-LABEL: func.func @already(%x: tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32> {
// CHECK-NEXT:    %w = graph.weight "conv.weight" : tensor<2x2x1x1xf32>
// CHECK-NEXT:    %c = graph.conv %x, %w strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 activation "relu" [] : (tensor<1x2x3x3xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x3x3xf32>
// CHECK-NEXT:    %s = graph.sigmoid %c : (tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32>
// CHECK-NEXT:    func.return %s : tensor<1x2x3x3xf32>
// CHECK-NEXT:  }
