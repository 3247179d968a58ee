// RUN: cimc-opt %s | cimc-opt | filecheck %s --match-full-lines
// RUN: CIMC_ROUNDTRIP

// The graph ops of real networks in their custom format, optional parts both present and
// absent: activations, elementwise mul, data movement (concat, transpose, unsqueeze, pad),
// softmax, LRN, batchnorm, pools with ceil_mode / count_include_pad, and conv/gemm with a
// fused activation.

func.func @activations(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %s = graph.sigmoid %x : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %t = graph.tanh %s : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %i = graph.identity %t {cimc.layer = "dropout"} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %c = graph.clip %i min -1.5 max 6.0 : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %l = graph.leaky_relu %c alpha 0.125 : (tensor<2x3xf32>) -> tensor<?x3xf32>
  %m = graph.mul %l, %x : (tensor<?x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  func.return %m : tensor<2x3xf32>
}

// Float properties print in MLIR's exponent form.
// CHECK-LABEL: func.func @activations(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
// CHECK-NEXT:    %s = graph.sigmoid %x : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT:    %t = graph.tanh %s : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT:    %i = graph.identity %t {cimc.layer = "dropout"} : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT:    %c = graph.clip %i min -1.500000e+00 max 6.000000e+00 : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT:    %l = graph.leaky_relu %c alpha 1.250000e-01 : (tensor<2x3xf32>) -> tensor<?x3xf32>
// CHECK-NEXT:    %m = graph.mul %l, %x : (tensor<?x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT:    func.return %m : tensor<2x3xf32>
// CHECK-NEXT:  }

func.func @movement(%a: tensor<1x2x3xf32>, %b: tensor<1x4x3xf32>) -> (tensor<1x10x3xf32>, tensor<3x1x2xf32>, tensor<1x1x2x3x1xf32>, tensor<2x4x4xf32>) {
  %c = graph.concat %a, %b, %a axis -2 : (tensor<1x2x3xf32>, tensor<1x4x3xf32>, tensor<1x2x3xf32>) -> tensor<1x8x3xf32>
  %one = graph.concat %a axis 0 : (tensor<1x2x3xf32>) -> tensor<1x2x3xf32>
  %c10 = graph.concat %c, %one axis 1 : (tensor<1x8x3xf32>, tensor<1x2x3xf32>) -> tensor<1x10x3xf32>
  %t = graph.transpose %a perm [2, 0, 1] : (tensor<1x2x3xf32>) -> tensor<3x1x2xf32>
  %u = graph.unsqueeze %a axes [0, -1] : (tensor<1x2x3xf32>) -> tensor<1x1x2x3x1xf32>
  %p = graph.pad %a pads [1, 0, 0, 0, 2, 1] value -2.5 : (tensor<1x2x3xf32>) -> tensor<2x4x4xf32>
  func.return %c10, %t, %u, %p : tensor<1x10x3xf32>, tensor<3x1x2xf32>, tensor<1x1x2x3x1xf32>, tensor<2x4x4xf32>
}

// concat takes any number of inputs (one, too) and a negative axis counts from the end.
// CHECK-LABEL: func.func @movement(%a: tensor<1x2x3xf32>, %b: tensor<1x4x3xf32>) -> (tensor<1x10x3xf32>, tensor<3x1x2xf32>, tensor<1x1x2x3x1xf32>, tensor<2x4x4xf32>) {
// CHECK-NEXT:    %c = graph.concat %a, %b, %a axis -2 : (tensor<1x2x3xf32>, tensor<1x4x3xf32>, tensor<1x2x3xf32>) -> tensor<1x8x3xf32>
// CHECK-NEXT:    %one = graph.concat %a axis 0 : (tensor<1x2x3xf32>) -> tensor<1x2x3xf32>
// CHECK-NEXT:    %c10 = graph.concat %c, %one axis 1 : (tensor<1x8x3xf32>, tensor<1x2x3xf32>) -> tensor<1x10x3xf32>
// CHECK-NEXT:    %t = graph.transpose %a perm [2, 0, 1] : (tensor<1x2x3xf32>) -> tensor<3x1x2xf32>
// CHECK-NEXT:    %u = graph.unsqueeze %a axes [0, -1] : (tensor<1x2x3xf32>) -> tensor<1x1x2x3x1xf32>
// CHECK-NEXT:    %p = graph.pad %a pads [1, 0, 0, 0, 2, 1] value -2.500000e+00 : (tensor<1x2x3xf32>) -> tensor<2x4x4xf32>
// CHECK-NEXT:    func.return %c10, %t, %u, %p : tensor<1x10x3xf32>, tensor<3x1x2xf32>, tensor<1x1x2x3x1xf32>, tensor<2x4x4xf32>
// CHECK-NEXT:  }

func.func @normalize(%x: tensor<1x4x5x5xf32>) -> (tensor<1x4x5x5xf32>, tensor<1x4x5x5xf32>, tensor<1x4x5x5xf32>, tensor<1x4x5x5xf32>) {
  %s = graph.softmax %x axis 1 : (tensor<1x4x5x5xf32>) -> tensor<1x4x5x5xf32>
  %e = graph.softmax %x axis -3 to_end : (tensor<1x4x5x5xf32>) -> tensor<1x4x5x5xf32>
  %l = graph.lrn %x size 5 alpha 1.0e-4 beta 0.75 bias 2.0 : (tensor<1x4x5x5xf32>) -> tensor<1x4x5x5xf32>
  %sc = graph.weight "bn.scale" : tensor<4xf32>
  %bi = graph.weight "bn.bias" : tensor<4xf32>
  %mu = graph.weight "bn.mean" : tensor<4xf32>
  %va = graph.weight "bn.var" : tensor<4xf32>
  %n = graph.batchnorm %x, %sc, %bi, %mu, %va epsilon 1.0e-5 {cimc.layer = "bn1"} : (tensor<1x4x5x5xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x4x5x5xf32>
  func.return %s, %e, %l, %n : tensor<1x4x5x5xf32>, tensor<1x4x5x5xf32>, tensor<1x4x5x5xf32>, tensor<1x4x5x5xf32>
}

// CHECK-LABEL: func.func @normalize(%x: tensor<1x4x5x5xf32>) -> (tensor<1x4x5x5xf32>, tensor<1x4x5x5xf32>, tensor<1x4x5x5xf32>, tensor<1x4x5x5xf32>) {
// CHECK-NEXT:    %s = graph.softmax %x axis 1 : (tensor<1x4x5x5xf32>) -> tensor<1x4x5x5xf32>
// CHECK-NEXT:    %e = graph.softmax %x axis -3 to_end : (tensor<1x4x5x5xf32>) -> tensor<1x4x5x5xf32>
// CHECK-NEXT:    %l = graph.lrn %x size 5 alpha 1.000000e-04 beta 7.500000e-01 bias 2.000000e+00 : (tensor<1x4x5x5xf32>) -> tensor<1x4x5x5xf32>
// CHECK-NEXT:    %sc = graph.weight "bn.scale" : tensor<4xf32>
// CHECK-NEXT:    %bi = graph.weight "bn.bias" : tensor<4xf32>
// CHECK-NEXT:    %mu = graph.weight "bn.mean" : tensor<4xf32>
// CHECK-NEXT:    %va = graph.weight "bn.var" : tensor<4xf32>
// CHECK-NEXT:    %n = graph.batchnorm %x, %sc, %bi, %mu, %va epsilon 1.000000e-05 {cimc.layer = "bn1"} : (tensor<1x4x5x5xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x4x5x5xf32>
// CHECK-NEXT:    func.return %s, %e, %l, %n : tensor<1x4x5x5xf32>, tensor<1x4x5x5xf32>, tensor<1x4x5x5xf32>, tensor<1x4x5x5xf32>
// CHECK-NEXT:  }

// ceil_mode keeps a last, partial window: 5 wide, kernel 2, stride 2 gives 3, not 2.

func.func @pools(%x: tensor<1x2x5x5xf32>) -> (tensor<1x2x3x3xf32>, tensor<1x2x3x3xf32>, tensor<1x2x2x2xf32>) {
  %m = graph.maxpool %x kernel [2, 2] strides [2, 2] pads [0, 0, 0, 0] dilations [1, 1] ceil_mode : (tensor<1x2x5x5xf32>) -> tensor<1x2x3x3xf32>
  %a = graph.avgpool %x kernel [3, 3] strides [2, 2] pads [1, 1, 1, 1] dilations [1, 1] ceil_mode count_include_pad : (tensor<1x2x5x5xf32>) -> tensor<1x2x3x3xf32>
  %f = graph.avgpool %x kernel [2, 2] strides [2, 2] pads [0, 0, 0, 0] dilations [1, 1] count_include_pad : (tensor<1x2x5x5xf32>) -> tensor<1x2x2x2xf32>
  func.return %m, %a, %f : tensor<1x2x3x3xf32>, tensor<1x2x3x3xf32>, tensor<1x2x2x2xf32>
}

// CHECK-LABEL: func.func @pools(%x: tensor<1x2x5x5xf32>) -> (tensor<1x2x3x3xf32>, tensor<1x2x3x3xf32>, tensor<1x2x2x2xf32>) {
// CHECK-NEXT:    %m = graph.maxpool %x kernel [2, 2] strides [2, 2] pads [0, 0, 0, 0] dilations [1, 1] ceil_mode : (tensor<1x2x5x5xf32>) -> tensor<1x2x3x3xf32>
// CHECK-NEXT:    %a = graph.avgpool %x kernel [3, 3] strides [2, 2] pads [1, 1, 1, 1] dilations [1, 1] ceil_mode count_include_pad : (tensor<1x2x5x5xf32>) -> tensor<1x2x3x3xf32>
// CHECK-NEXT:    %f = graph.avgpool %x kernel [2, 2] strides [2, 2] pads [0, 0, 0, 0] dilations [1, 1] count_include_pad : (tensor<1x2x5x5xf32>) -> tensor<1x2x2x2xf32>
// CHECK-NEXT:    func.return %m, %a, %f : tensor<1x2x3x3xf32>, tensor<1x2x3x3xf32>, tensor<1x2x2x2xf32>
// CHECK-NEXT:  }

// A conv or gemm may carry the activation `fuse` gave it: a kind and its parameters
// (none for relu / sigmoid / tanh, alpha for leaky_relu, min and max for clip).

func.func @fused(%x: tensor<1x2x3x3xf32>, %a: tensor<2x3xf32>) -> (tensor<1x4x3x3xf32>, tensor<1x4x3x3xf32>, tensor<2x4xf32>, tensor<2x4xf32>, tensor<2x4xf32>) {
  %w = graph.weight "conv.weight" : tensor<4x2x1x1xf32>
  %b = graph.weight "conv.bias" : tensor<4xf32>
  %c = graph.conv %x, %w, %b strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 activation "clip" [0.0, 6.0] {cimc.layer = "conv"} : (tensor<1x2x3x3xf32>, tensor<4x2x1x1xf32>, tensor<4xf32>) -> tensor<1x4x3x3xf32>
  %d = graph.conv %x, %w strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 activation "relu" [] : (tensor<1x2x3x3xf32>, tensor<4x2x1x1xf32>) -> tensor<1x4x3x3xf32>
  %fw = graph.weight "fc.weight" : tensor<3x4xf32>
  %g = graph.gemm %a, %fw activation "leaky_relu" [0.25] : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
  %h = graph.gemm %a, %fw activation "sigmoid" [] {cimc.layer = "fc"} : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
  %k = graph.gemm %a, %fw activation "tanh" [] : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
  func.return %c, %d, %g, %h, %k : tensor<1x4x3x3xf32>, tensor<1x4x3x3xf32>, tensor<2x4xf32>, tensor<2x4xf32>, tensor<2x4xf32>
}

// CHECK-LABEL: func.func @fused(%x: tensor<1x2x3x3xf32>, %a: tensor<2x3xf32>) -> (tensor<1x4x3x3xf32>, tensor<1x4x3x3xf32>, tensor<2x4xf32>, tensor<2x4xf32>, tensor<2x4xf32>) {
// CHECK-NEXT:    %w = graph.weight "conv.weight" : tensor<4x2x1x1xf32>
// CHECK-NEXT:    %b = graph.weight "conv.bias" : tensor<4xf32>
// CHECK-NEXT:    %c = graph.conv %x, %w, %b strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 activation "clip" [0.000000e+00, 6.000000e+00] {cimc.layer = "conv"} : (tensor<1x2x3x3xf32>, tensor<4x2x1x1xf32>, tensor<4xf32>) -> tensor<1x4x3x3xf32>
// CHECK-NEXT:    %d = graph.conv %x, %w strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 activation "relu" [] : (tensor<1x2x3x3xf32>, tensor<4x2x1x1xf32>) -> tensor<1x4x3x3xf32>
// CHECK-NEXT:    %fw = graph.weight "fc.weight" : tensor<3x4xf32>
// CHECK-NEXT:    %g = graph.gemm %a, %fw activation "leaky_relu" [2.500000e-01] : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
// CHECK-NEXT:    %h = graph.gemm %a, %fw activation "sigmoid" [] {cimc.layer = "fc"} : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
// CHECK-NEXT:    %k = graph.gemm %a, %fw activation "tanh" [] : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
// CHECK-NEXT:    func.return %c, %d, %g, %h, %k : tensor<1x4x3x3xf32>, tensor<1x4x3x3xf32>, tensor<2x4xf32>, tensor<2x4xf32>, tensor<2x4xf32>
// CHECK-NEXT:  }
