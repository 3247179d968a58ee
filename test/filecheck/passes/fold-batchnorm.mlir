// RUN: %python -c "import numpy as np; np.savez('%t.npz', **{ \
// RUN:   'conv.weight': np.arange(8, dtype=np.float32).reshape(2, 1, 2, 2), \
// RUN:   'conv.bias': np.array([1.0, 2.0], np.float32), \
// RUN:   'bn.scale': np.array([2.0, 3.0], np.float32), 'bn.bias': np.array([0.5, -1.0], np.float32), \
// RUN:   'bn.mean': np.array([1.0, 2.0], np.float32), 'bn.var': np.array([15.0, 3.0], np.float32), \
// RUN:   'fc.weight': np.arange(6, dtype=np.float32).reshape(2, 3), 'k': np.array([[1.0, 2.0, 3.0]], np.float32), \
// RUN:   'fc2.weight': np.ones((2, 3), np.float32), 'fc2.bias': np.ones(3, np.float32), \
// RUN:   'k2': np.array([10.0, 20.0, 30.0], np.float32), \
// RUN:   'spatial': np.ones((1, 1, 2, 2), np.float32), 'big': np.ones((2, 1, 2, 2), np.float32)})"
// RUN: cimc-opt %s -p fold-batchnorm --weights %t.npz --weights-out %t.out.npz | filecheck %s --match-full-lines
// RUN: %python -c "import numpy as np; d = np.load('%t.out.npz'); \
// RUN:   [print(k, d[k].shape, d[k].ravel().tolist()) for k in ['conv.weight', 'conv.weight.folded', \
// RUN:   'conv.weight.folded_bias', 'bn2.scale', 'bn2.shift', 'fc.weight.folded', 'fc.weight.folded_bias', \
// RUN:   'fc2.weight.folded_bias']]" | filecheck %s --check-prefix=NPZ --match-full-lines
// RUN: not cimc-opt %s -p fold-batchnorm 2>&1 | filecheck %s --check-prefix=ERR

// fold-batchnorm. The batchnorm below is y = (x - mean) / sqrt(var + 1) * scale + bias per
// channel: s = [2, 3] / sqrt([16, 4]) = [0.5, 1.5] and shift = bias - mean * s = [0, -4].
// A conv (or gemm) whose only user is the batchnorm takes it into its weights and bias:
// W' = W * s per output channel, b' = b * s + shift = [1, 2] * s + shift = [0.5, -1].

// ERR-NOT: Traceback
// ERR:     cimc-opt: error: fold-batchnorm: needs the weights (run it from cimc, or cimc-opt --weights FILE.npz){{$}}

func.func @conv_bn(%x: tensor<1x1x3x3xf32>) -> tensor<1x2x2x2xf32> {
  %w = graph.weight "conv.weight" : tensor<2x1x2x2xf32>
  %b = graph.weight "conv.bias" : tensor<2xf32>
  %s = graph.weight "bn.scale" : tensor<2xf32>
  %t = graph.weight "bn.bias" : tensor<2xf32>
  %m = graph.weight "bn.mean" : tensor<2xf32>
  %v = graph.weight "bn.var" : tensor<2xf32>
  %c = graph.conv %x, %w, %b strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 {cimc.layer = "conv1"} : (tensor<1x1x3x3xf32>, tensor<2x1x2x2xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
  %n = graph.batchnorm %c, %s, %t, %m, %v epsilon 1.0 {cimc.layer = "bn1"} : (tensor<1x2x2x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
  func.return %n : tensor<1x2x2x2xf32>
}

// CHECK-LABEL: func.func @conv_bn(%x: tensor<1x1x3x3xf32>) -> tensor<1x2x2x2xf32> {
// CHECK-NEXT:    [[W:%[^ ]+]] = graph.weight "conv.weight.folded" : tensor<2x1x2x2xf32>
// CHECK-NEXT:    [[B:%[^ ]+]] = graph.weight "conv.weight.folded_bias" : tensor<2xf32>
// CHECK-NEXT:    [[C:%[^ ]+]] = graph.conv %x, [[W]], [[B]] strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 {cimc.layer = "conv1"} : (tensor<1x1x3x3xf32>, tensor<2x1x2x2xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
// CHECK-NEXT:    func.return [[C]] : tensor<1x2x2x2xf32>
// CHECK-NEXT:  }

// A batchnorm after anything else becomes a per-channel mul and add (C x 1 x 1 constants, so
// they broadcast over H and W), named after its layer.
func.func @standalone(%x: tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32> {
  %s = graph.weight "bn.scale" : tensor<2xf32>
  %t = graph.weight "bn.bias" : tensor<2xf32>
  %m = graph.weight "bn.mean" : tensor<2xf32>
  %v = graph.weight "bn.var" : tensor<2xf32>
  %r = graph.relu %x : (tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  %n = graph.batchnorm %r, %s, %t, %m, %v epsilon 1.0 {cimc.layer = "bn2"} : (tensor<1x2x2x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
  func.return %n : tensor<1x2x2x2xf32>
}

// CHECK-LABEL: func.func @standalone(%x: tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32> {
// CHECK-NEXT:    %r = graph.relu %x : (tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
// CHECK-NEXT:    [[S:%[^ ]+]] = graph.weight "bn2.scale" : tensor<2x1x1xf32>
// CHECK-NEXT:    [[T:%[^ ]+]] = graph.weight "bn2.shift" : tensor<2x1x1xf32>
// CHECK-NEXT:    [[M:%[^ ]+]] = graph.mul %r, [[S]] {cimc.layer = "bn2"} : (tensor<1x2x2x2xf32>, tensor<2x1x1xf32>) -> tensor<1x2x2x2xf32>
// CHECK-NEXT:    [[A:%[^ ]+]] = graph.add [[M]], [[T]] {cimc.layer = "bn2"} : (tensor<1x2x2x2xf32>, tensor<2x1x1xf32>) -> tensor<1x2x2x2xf32>
// CHECK-NEXT:    func.return [[A]] : tensor<1x2x2x2xf32>
// CHECK-NEXT:  }

// So does one after a conv whose result is used again (here returned): the conv stays as it
// is. Without a layer name the constants are batchnorm.scale / batchnorm.shift.
func.func @shared(%x: tensor<1x1x3x3xf32>) -> (tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>) {
  %w = graph.weight "conv.weight" : tensor<2x1x2x2xf32>
  %s = graph.weight "bn.scale" : tensor<2xf32>
  %t = graph.weight "bn.bias" : tensor<2xf32>
  %m = graph.weight "bn.mean" : tensor<2xf32>
  %v = graph.weight "bn.var" : tensor<2xf32>
  %c = graph.conv %x, %w strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x1x3x3xf32>, tensor<2x1x2x2xf32>) -> tensor<1x2x2x2xf32>
  %n = graph.batchnorm %c, %s, %t, %m, %v epsilon 1.0 : (tensor<1x2x2x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
  func.return %c, %n : tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>
}

// CHECK-LABEL: func.func @shared(%x: tensor<1x1x3x3xf32>) -> (tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>) {
// CHECK-NEXT:    %w = graph.weight "conv.weight" : tensor<2x1x2x2xf32>
// CHECK-NEXT:    %c = graph.conv %x, %w strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x1x3x3xf32>, tensor<2x1x2x2xf32>) -> tensor<1x2x2x2xf32>
// CHECK-NEXT:    [[S:%[^ ]+]] = graph.weight "batchnorm.scale" : tensor<2x1x1xf32>
// CHECK-NEXT:    [[T:%[^ ]+]] = graph.weight "batchnorm.shift" : tensor<2x1x1xf32>
// CHECK-NEXT:    [[M:%[^ ]+]] = graph.mul %c, [[S]] : (tensor<1x2x2x2xf32>, tensor<2x1x1xf32>) -> tensor<1x2x2x2xf32>
// CHECK-NEXT:    [[A:%[^ ]+]] = graph.add [[M]], [[T]] : (tensor<1x2x2x2xf32>, tensor<2x1x1xf32>) -> tensor<1x2x2x2xf32>
// CHECK-NEXT:    func.return %c, [[A]] : tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>
// CHECK-NEXT:  }

// A gemm's output channels are its columns. A mul by a per-column constant k = [1, 2, 3]
// scales the weight's columns (and a zero bias appears); an add of a per-column constant, on
// either side, only changes the bias ([1, 1, 1] + [10, 20, 30]) and keeps the weight.
func.func @gemm(%x: tensor<2x2xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>) {
  %w = graph.weight "fc.weight" : tensor<2x3xf32>
  %k = graph.weight "k" : tensor<1x3xf32>
  %y = graph.gemm %x, %w : (tensor<2x2xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %m = graph.mul %y, %k : (tensor<2x3xf32>, tensor<1x3xf32>) -> tensor<2x3xf32>
  %w2 = graph.weight "fc2.weight" : tensor<2x3xf32>
  %b2 = graph.weight "fc2.bias" : tensor<3xf32>
  %k2 = graph.weight "k2" : tensor<3xf32>
  %z = graph.gemm %x, %w2, %b2 : (tensor<2x2xf32>, tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %a = graph.add %k2, %z : (tensor<3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  func.return %m, %a : tensor<2x3xf32>, tensor<2x3xf32>
}

// CHECK-LABEL: func.func @gemm(%x: tensor<2x2xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>) {
// CHECK-NEXT:    [[W:%[^ ]+]] = graph.weight "fc.weight.folded" : tensor<2x3xf32>
// CHECK-NEXT:    [[B:%[^ ]+]] = graph.weight "fc.weight.folded_bias" : tensor<3xf32>
// CHECK-NEXT:    [[Y:%[^ ]+]] = graph.gemm %x, [[W]], [[B]] : (tensor<2x2xf32>, tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT:    %w2 = graph.weight "fc2.weight" : tensor<2x3xf32>
// CHECK-NEXT:    [[B2:%[^ ]+]] = graph.weight "fc2.weight.folded_bias" : tensor<3xf32>
// CHECK-NEXT:    [[Z:%[^ ]+]] = graph.gemm %x, %w2, [[B2]] : (tensor<2x2xf32>, tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT:    func.return [[Y]], [[Z]] : tensor<2x3xf32>, tensor<2x3xf32>
// CHECK-NEXT:  }

// Not folded: a mul by a constant varying over H and W (not per channel), a batchnorm after
// a conv that already carries an activation (it becomes a mul and add), and an add whose
// constant broadcasts the result to a bigger shape.
func.func @kept(%x: tensor<1x1x3x3xf32>) -> (tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>, tensor<2x2x2x2xf32>) {
  %w = graph.weight "conv.weight" : tensor<2x1x2x2xf32>
  %sp = graph.weight "spatial" : tensor<1x1x2x2xf32>
  %c = graph.conv %x, %w strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x1x3x3xf32>, tensor<2x1x2x2xf32>) -> tensor<1x2x2x2xf32>
  %m = graph.mul %c, %sp : (tensor<1x2x2x2xf32>, tensor<1x1x2x2xf32>) -> tensor<1x2x2x2xf32>
  %s = graph.weight "bn.scale" : tensor<2xf32>
  %r = graph.conv %x, %w strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 activation "relu" [] : (tensor<1x1x3x3xf32>, tensor<2x1x2x2xf32>) -> tensor<1x2x2x2xf32>
  %n = graph.batchnorm %r, %s, %s, %s, %s epsilon 1.0 : (tensor<1x2x2x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
  %c3 = graph.conv %x, %w strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x1x3x3xf32>, tensor<2x1x2x2xf32>) -> tensor<1x2x2x2xf32>
  %big = graph.weight "big" : tensor<2x1x2x2xf32>
  %e = graph.add %c3, %big : (tensor<1x2x2x2xf32>, tensor<2x1x2x2xf32>) -> tensor<2x2x2x2xf32>
  func.return %m, %n, %e : tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>, tensor<2x2x2x2xf32>
}

// CHECK-LABEL: func.func @kept(%x: tensor<1x1x3x3xf32>) -> (tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>, tensor<2x2x2x2xf32>) {
// CHECK-NEXT:    %w = graph.weight "conv.weight" : tensor<2x1x2x2xf32>
// CHECK-NEXT:    %sp = graph.weight "spatial" : tensor<1x1x2x2xf32>
// CHECK-NEXT:    %c = graph.conv %x, %w strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x1x3x3xf32>, tensor<2x1x2x2xf32>) -> tensor<1x2x2x2xf32>
// CHECK-NEXT:    %m = graph.mul %c, %sp : (tensor<1x2x2x2xf32>, tensor<1x1x2x2xf32>) -> tensor<1x2x2x2xf32>
// CHECK-NEXT:    %r = graph.conv %x, %w strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 activation "relu" [] : (tensor<1x1x3x3xf32>, tensor<2x1x2x2xf32>) -> tensor<1x2x2x2xf32>
// CHECK-NEXT:    [[S:%[^ ]+]] = graph.weight "batchnorm.scale.1" : tensor<2x1x1xf32>
// CHECK-NEXT:    [[T:%[^ ]+]] = graph.weight "batchnorm.shift.1" : tensor<2x1x1xf32>
// CHECK-NEXT:    [[M:%[^ ]+]] = graph.mul %r, [[S]] : (tensor<1x2x2x2xf32>, tensor<2x1x1xf32>) -> tensor<1x2x2x2xf32>
// CHECK-NEXT:    [[A:%[^ ]+]] = graph.add [[M]], [[T]] : (tensor<1x2x2x2xf32>, tensor<2x1x1xf32>) -> tensor<1x2x2x2xf32>
// CHECK-NEXT:    %c3 = graph.conv %x, %w strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x1x3x3xf32>, tensor<2x1x2x2xf32>) -> tensor<1x2x2x2xf32>
// CHECK-NEXT:    %big = graph.weight "big" : tensor<2x1x2x2xf32>
// CHECK-NEXT:    %e = graph.add %c3, %big : (tensor<1x2x2x2xf32>, tensor<2x1x2x2xf32>) -> tensor<2x2x2x2xf32>
// CHECK-NEXT:    func.return %m, [[A]], %e : tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>, tensor<2x2x2x2xf32>
// CHECK-NEXT:  }

// The new arrays (the original conv weight is left as it was):
// NPZ:      conv.weight (2, 1, 2, 2) [0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0]
// NPZ-NEXT: conv.weight.folded (2, 1, 2, 2) [0.0, 0.5, 1.0, 1.5, 6.0, 7.5, 9.0, 10.5]
// NPZ-NEXT: conv.weight.folded_bias (2,) [0.5, -1.0]
// NPZ-NEXT: bn2.scale (2, 1, 1) [0.5, 1.5]
// NPZ-NEXT: bn2.shift (2, 1, 1) [0.0, -4.0]
// NPZ-NEXT: fc.weight.folded (2, 3) [0.0, 2.0, 6.0, 3.0, 8.0, 15.0]
// NPZ-NEXT: fc.weight.folded_bias (3,) [0.0, 0.0, 0.0]
// NPZ-NEXT: fc2.weight.folded_bias (3,) [11.0, 21.0, 31.0]
