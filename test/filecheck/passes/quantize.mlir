// RUN: %python -c "import numpy as np; fc = np.zeros((8, 3), np.float32); \
// RUN:   fc[:, 0] = [0.7, -0.1, 0.2, 0.3, 0.0, 0.0, 0.0, 0.1]; fc[:, 2] = [1, 2, 3, 4, 5, 6, 7, -3.5]; \
// RUN:   np.savez('%t.npz', **{ \
// RUN:   'conv.weight': np.array([[3.5, -1.0, 0.25, 1.3], [-14.0, 2.0, 5.0, 7.0]], np.float32).reshape(2, 1, 2, 2), \
// RUN:   'conv.bias': np.array([0.5, -1.0], np.float32), \
// RUN:   'fc.weight': fc, 'fc.bias': np.array([1.0, 2.0, 3.0], np.float32)})"
// RUN: cimc-opt %s -p quantize --weights %t.npz --weights-out %t.out.npz > %t.mlir 2> %t.err
// RUN: filecheck %s --input-file %t.mlir --match-full-lines
// RUN: filecheck %s --input-file %t.err --check-prefix=WARN
// RUN: %python -c "import re, numpy as np; d = np.load('%t.out.npz'); print(d.files); \
// RUN:   [print(k, d[k].shape, d[k].ravel().tolist()) for k in ['conv.weight.q', 'conv.bias.channel', 'fc.weight.q']]; \
// RUN:   sx = [np.float32(s) for s in re.findall('graph.quantize [^ ]+ scale ([^ ]+) bits', open('%t.mlir').read())]; \
// RUN:   print('conv.weight.scale / s_x', np.round(np.float64(d['conv.weight.scale'].ravel() / sx[0]), 6).tolist()); \
// RUN:   print('fc.weight.scale / s_x', np.round(np.float64(d['fc.weight.scale'] / sx[1]), 6).tolist())" \
// RUN:   | filecheck %s --check-prefix=NPZ --match-full-lines
// RUN: not cimc-opt %s -p quantize 2>&1 | filecheck %s --check-prefix=ERR

// quantize (precision "int": weight_bits 4, input_bits 4). Each conv and gemm
// y = act(x * W + b) becomes
//   q = graph.quantize x              per-tensor input codes, scale s_x
//   graph.conv/gemm q, Wq             integer weights (handle "<weight>.q"), no bias, no activation
//   graph.mul by s_x * s_w            per output channel (handle "<weight>.scale")
//   graph.add of the bias             a conv's bias as C x 1 x 1 ("<bias>.channel"), a gemm's as is
//   the activation                    the fused one, now a separate op
// with Wq, s_w = cimc.numerics.quantize_weight(W, 4): per output column, s_w = max|W| / qmax,
// qmax = 2^(4-1) - 1 = 7, Wq = rint(W / s_w) (round half to even) clipped to [-7, 7]; an all-zero
// column gets s_w = 1. Without calibration inputs (cimc-opt cannot pass any) s_x comes from one
// seeded standard-normal input, with a warning: its value is not checked here, only that the
// scale weights are s_x * s_w.

// ERR-NOT: Traceback
// ERR:     cimc-opt: error: quantize: needs the weights (run it from cimc, or cimc-opt --weights FILE.npz){{$}}

// WARN: UserWarning: quantize: no calibration inputs given; activation ranges come from one seeded standard-normal input (pass calibration=[{input: array}, ...] for real ranges)

builtin.module attributes {cimc.arch = {precision = "int", xbar_rows = 8 : i64, xbar_cols = 16 : i64, cell_bits = 2 : i64, weight_bits = 4 : i64, input_bits = 4 : i64}} {
  func.func @main(%x: tensor<1x1x3x3xf32>) -> tensor<1x3xf32> {
    %w = graph.weight "conv.weight" : tensor<2x1x2x2xf32>
    %b = graph.weight "conv.bias" : tensor<2xf32>
    %c = graph.conv %x, %w, %b strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 activation "relu" [] {cimc.layer = "conv"} : (tensor<1x1x3x3xf32>, tensor<2x1x2x2xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
    %f = graph.flatten %c axis 1 : (tensor<1x2x2x2xf32>) -> tensor<1x8xf32>
    %fw = graph.weight "fc.weight" : tensor<8x3xf32>
    %fb = graph.weight "fc.bias" : tensor<3xf32>
    %y = graph.gemm %f, %fw, %fb {cimc.layer = "fc"} : (tensor<1x8xf32>, tensor<8x3xf32>, tensor<3xf32>) -> tensor<1x3xf32>
    func.return %y : tensor<1x3xf32>
  }
}

// The conv's input (a standard-normal sample) has negative values: signed codes in [-7, 7],
// s_x = max|x| / 7. The original weight ops are gone (no user left); the new ops carry the
// layer name, the new graph.weight ops do not.
// CHECK:      builtin.module attributes {cimc.arch = {precision = "int", xbar_rows = 8 : i64, xbar_cols = 16 : i64, cell_bits = 2 : i64, weight_bits = 4 : i64, input_bits = 4 : i64}} {
// CHECK-NEXT:   func.func @main(%x: tensor<1x1x3x3xf32>) -> tensor<1x3xf32> {
// CHECK-NEXT:     %b = graph.weight "conv.bias" : tensor<2xf32>
// CHECK-NEXT:     [[Q:%[^ ]+]] = graph.quantize %x scale {{[0-9.e+-]+}} bits 4 signed {cimc.layer = "conv"} : (tensor<1x1x3x3xf32>) -> tensor<1x1x3x3xf32>
// CHECK-NEXT:     [[WQ:%[^ ]+]] = graph.weight "conv.weight.q" : tensor<2x1x2x2xf32>
// CHECK-NEXT:     [[C:%[^ ]+]] = graph.conv [[Q]], [[WQ]] strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 {cimc.layer = "conv"} : (tensor<1x1x3x3xf32>, tensor<2x1x2x2xf32>) -> tensor<1x2x2x2xf32>
// CHECK-NEXT:     [[S:%[^ ]+]] = graph.weight "conv.weight.scale" : tensor<2x1x1xf32>
// CHECK-NEXT:     [[M:%[^ ]+]] = graph.mul [[C]], [[S]] {cimc.layer = "conv"} : (tensor<1x2x2x2xf32>, tensor<2x1x1xf32>) -> tensor<1x2x2x2xf32>
// CHECK-NEXT:     [[B:%[^ ]+]] = graph.weight "conv.bias.channel" : tensor<2x1x1xf32>
// CHECK-NEXT:     [[A:%[^ ]+]] = graph.add [[M]], [[B]] {cimc.layer = "conv"} : (tensor<1x2x2x2xf32>, tensor<2x1x1xf32>) -> tensor<1x2x2x2xf32>
// CHECK-NEXT:     [[R:%[^ ]+]] = graph.relu [[A]] {cimc.layer = "conv"} : (tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
// CHECK-NEXT:     %f = graph.flatten [[R]] axis 1 : (tensor<1x2x2x2xf32>) -> tensor<1x8xf32>
// CHECK-NEXT:     %fb = graph.weight "fc.bias" : tensor<3xf32>
// The gemm's input comes out of the relu, so it is >= 0: unsigned codes in [0, 15] (no
// `signed`), s_x = max(x) / 15. The gemm's bias is added as it is (3 values along the columns).
// CHECK-NEXT:     [[FQ:%[^ ]+]] = graph.quantize %f scale {{[0-9.e+-]+}} bits 4 {cimc.layer = "fc"} : (tensor<1x8xf32>) -> tensor<1x8xf32>
// CHECK-NEXT:     [[FWQ:%[^ ]+]] = graph.weight "fc.weight.q" : tensor<8x3xf32>
// CHECK-NEXT:     [[Y:%[^ ]+]] = graph.gemm [[FQ]], [[FWQ]] {cimc.layer = "fc"} : (tensor<1x8xf32>, tensor<8x3xf32>) -> tensor<1x3xf32>
// CHECK-NEXT:     [[FS:%[^ ]+]] = graph.weight "fc.weight.scale" : tensor<3xf32>
// CHECK-NEXT:     [[YM:%[^ ]+]] = graph.mul [[Y]], [[FS]] {cimc.layer = "fc"} : (tensor<1x3xf32>, tensor<3xf32>) -> tensor<1x3xf32>
// CHECK-NEXT:     [[YA:%[^ ]+]] = graph.add [[YM]], %fb {cimc.layer = "fc"} : (tensor<1x3xf32>, tensor<3xf32>) -> tensor<1x3xf32>
// CHECK-NEXT:     func.return [[YA]] : tensor<1x3xf32>
// CHECK-NEXT:   }
// CHECK-NEXT: }

// The weight store gains the quantized arrays after the originals (kept: cimc-opt does not prune).
// NPZ:      ['conv.weight', 'conv.bias', 'fc.weight', 'fc.bias', 'conv.weight.q', 'conv.weight.scale', 'conv.bias.channel', 'fc.weight.q', 'fc.weight.scale']
// conv channel 0 = [3.5, -1, 0.25, 1.3]: s_w = 3.5 / 7 = 0.5, W / s_w = [7, -2, 0.5, 2.6] -> [7, -2, 0, 3]
// (0.5 rounds to the even 0). Channel 1 = [-14, 2, 5, 7]: s_w = 14 / 7 = 2, W / s_w =
// [-7, 1, 2.5, 3.5] -> [-7, 1, 2, 4] (half to even both ways).
// NPZ-NEXT: conv.weight.q (2, 1, 2, 2) [7.0, -2.0, 0.0, 3.0, -7.0, 1.0, 2.0, 4.0]
// NPZ-NEXT: conv.bias.channel (2, 1, 1) [0.5, -1.0]
// fc (K x N = 8 x 3, printed row by row): column 0 = [0.7, -0.1, 0.2, 0.3, 0, 0, 0, 0.1] has s_w = 0.7 / 7
// = 0.1 -> [7, -1, 2, 3, 0, 0, 0, 1]; column 1 is all zero -> zeros with s_w = 1; column 2 =
// [1, ..., 7, -3.5] has s_w = 7 / 7 = 1 -> [1, ..., 7, -4] (-3.5 rounds to the even -4).
// NPZ-NEXT: fc.weight.q (8, 3) [7.0, 0.0, 1.0, -1.0, 0.0, 2.0, 2.0, 0.0, 3.0, 3.0, 0.0, 4.0, 0.0, 0.0, 5.0, 0.0, 0.0, 6.0, 0.0, 0.0, 7.0, 1.0, 0.0, -4.0]
// The scale weights divided by the s_x each graph.quantize prints give back s_w:
// NPZ-NEXT: conv.weight.scale / s_x [0.5, 2.0]
// NPZ-NEXT: fc.weight.scale / s_x [0.1, 1.0, 1.0]
