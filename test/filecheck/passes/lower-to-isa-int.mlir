// RUN: %python -c "import numpy as np; cw = np.zeros((3, 3, 2, 2), np.float32); \
// RUN:   cw[0] = 1; cw[1] = np.array([7, -7] * 6).reshape(3, 2, 2); cw[2] = -3; np.savez('%t.npz', **{ \
// RUN:   'conv.weight': cw, 'fc.weight': np.arange(60, dtype=np.float32).reshape(12, 5) % 15 - 7, \
// RUN:   'dw.weight': np.ones((4, 1, 2, 2), np.float32), \
// RUN:   'fc3.weight': np.array([[127, -127, 5], [-100, 3, 64], [1, 2, 3], [-1, -2, -3]], np.float32)})"
// RUN: cimc-opt %s --split-input-file -p tile-crossbars,lower-to-isa --weights %t.npz | filecheck %s --match-full-lines
// RUN: cimc-opt %s --split-input-file -p 'tile-crossbars,lower-to-isa{aliasing=false}' --weights %t.npz | filecheck %s --check-prefix=OWN --match-full-lines

// lower-to-isa of int tiles (precision "int"), from graph-level int modules tiled first.
// The 2S tiles (S slices x 2 polarities) of a row tile become crossbars holding the row tile's
// N * 2S physical columns in n-major order (weight column n owns columns n*2S .. n*2S + 2S - 1),
// cut into runs of xbar_cols, each a `cim.crossbar ... slices S`. The layer's P x N output
// matrix is zeroed (cim.fill), then every crossbar adds into it (`acc`) from weight column
// j0 / 2S, its first physical column's; a signed input's tiles carry `offset 2^(bits-1)`.
// graph.quantize becomes cim.unary "quantize" (signed: b = 2^(bits-1) - 1) or
// "quantize_unsigned" (b = 2^bits - 1), with a = the scale. A conv's MVMs read its codes
// through their window (see lower-to-isa.mlir); the OWN run (aliasing=false) checks the
// convs of the first two modules, whose window matrices it makes in blocks.

// 8 x 16 crossbars, slices = ceil((4 - 1) / 2) = 2, so 2S = 4 physical columns per weight
// column and a crossbar holds 16 / 4 = 4 weight columns.
builtin.module attributes {cimc.arch = {precision = "int", xbar_rows = 8 : i64, xbar_cols = 16 : i64, cell_bits = 2 : i64, weight_bits = 4 : i64, input_bits = 4 : i64}} {
  func.func @main(%x: tensor<1x3x3x3xf32> {cimc.name = "image"}) -> (tensor<1x5xf32> {cimc.name = "logits"}) {
    %w = graph.weight "conv.weight" : tensor<3x3x2x2xf32>
    %q = graph.quantize %x scale 0.25 bits 4 signed {cimc.layer = "conv"} : (tensor<1x3x3x3xf32>) -> tensor<1x3x3x3xf32>
    %c = graph.conv %q, %w strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 activation "relu" [] {cimc.layer = "conv"} : (tensor<1x3x3x3xf32>, tensor<3x3x2x2xf32>) -> tensor<1x3x2x2xf32>
    %f = graph.flatten %c axis 1 : (tensor<1x3x2x2xf32>) -> tensor<1x12xf32>
    %fw = graph.weight "fc.weight" : tensor<12x5xf32>
    %fq = graph.quantize %f scale 0.5 bits 4 {cimc.layer = "fc"} : (tensor<1x12xf32>) -> tensor<1x12xf32>
    %y = graph.gemm %fq, %fw {cimc.layer = "fc"} : (tensor<1x12xf32>, tensor<12x5xf32>) -> tensor<1x5xf32>
    func.return %y : tensor<1x5xf32>
  }
}

// conv: K = 12 rows in row tiles [0, 8) and [8, 12); N = 3 weight columns = 12 physical
// columns, one crossbar per row tile. fc: K = 12 in the same row tiles; N = 5 weight columns
// = 20 physical columns, cut into [0, 16) (weight columns 0..3) and [16, 20) (weight column 4).
// CHECK:      builtin.module attributes {cimc.arch = {precision = "int", xbar_rows = 8 : i64, xbar_cols = 16 : i64, cell_bits = 2 : i64, weight_bits = 4 : i64, input_bits = 4 : i64}} {
// CHECK-NEXT:   cim.crossbar 0 core 0 weight "conv.weight" rows [0, 8] cols [0, 12] slices 2
// CHECK-NEXT:   cim.crossbar 1 core 0 weight "conv.weight" rows [8, 12] cols [0, 12] slices 2
// CHECK-NEXT:   cim.crossbar 2 core 0 weight "fc.weight" rows [0, 8] cols [0, 16] slices 2
// CHECK-NEXT:   cim.crossbar 3 core 0 weight "fc.weight" rows [0, 8] cols [16, 20] slices 2
// CHECK-NEXT:   cim.crossbar 4 core 0 weight "fc.weight" rows [8, 12] cols [0, 16] slices 2
// CHECK-NEXT:   cim.crossbar 5 core 0 weight "fc.weight" rows [8, 12] cols [16, 20] slices 2
// CHECK-NEXT:   cim.stream core 0 {
// CHECK-NEXT:     [[X:%[^ ]+]] = cim.alloc "input" size 108 : !cim.buffer
// CHECK-NEXT:     [[Q:%[^ ]+]] = cim.alloc "activation" size 108 : !cim.buffer
// CHECK-NEXT:     [[CONV:%[^ ]+]] = cim.alloc "activation" size 48 : !cim.buffer
// CHECK-NEXT:     [[CORR:%[^ ]+]] = cim.alloc "const" size 12 weight "conv.weight.offset_correction" : !cim.buffer
// CHECK-NEXT:     [[FC:%[^ ]+]] = cim.alloc "activation" size 20 : !cim.buffer
// CHECK-NEXT:     cim.input "image" [[X]] shape [1, 3, 3, 3]
// Signed 4-bit codes: clip(rint(x / 0.25), -7, 7) over the 27 input values.
// CHECK-NEXT:     cim.layer "conv" {
// CHECK-NEXT:       cim.unary "quantize" [[Q]][0] [1] from [[X]][0] [1] loops [27] a 2.500000e-01 b 7.000000e+00
// The 3 x 2 x 2 NCHW output zeroed, then one MVM per crossbar over the 2x2 output pixels,
// reading the codes through a 2x2 window (no window matrix): pixel (oh, ow) at 3*oh + ow
// (src strides [3, 1]), row (c, y, x) = (c*2 + y)*2 + x at c*9 + y*3 + x further on
// (row_stride 9, window [2, 2, 3, 1]); the second row tile starts at row 8 of the K = 12
// window rows (first_row 8: channel 2). Both add into weight column 0 (j0 = 0): pixel
// (oh, ow) at 2*oh + ow (dst strides [2, 1]), the 3 channels 4 pixels apart (col_stride 4);
// both raise the codes by 2^(4-1) = 8.
// CHECK-NEXT:       cim.fill [[CONV]][0] [1] value 0.000000e+00 loops [12]
// CHECK-NEXT:       cim.mvm xbar 0 [[CONV]][0] [2, 1] col_stride 4 from [[Q]][0] [3, 1] row_stride 9 window [2, 2, 3, 1] loops [2, 2] acc offset 8
// CHECK-NEXT:       cim.mvm xbar 1 [[CONV]][0] [2, 1] col_stride 4 from [[Q]][0] [3, 1] row_stride 9 window [2, 2, 3, 1] first_row 8 loops [2, 2] acc offset 8
// The offset correction added in place as a per-channel bias.
// CHECK-NEXT:       cim.binary "add" [[CONV]][0] [4, 1] from [[CONV]][0] [4, 1], [[CORR]][0] [1, 0] loops [3, 4]
// CHECK-NEXT:       cim.unary "relu" [[CONV]][0] [1] from [[CONV]][0] [1] loops [12]
// CHECK-NEXT:     }
// Unsigned 4-bit codes: clip(rint(x / 0.5), 0, 15); no offset, no correction. The flatten
// is a view of the conv's map, which dies at it, and the view dies at the quantize: the codes
// are written over the map.
// CHECK-NEXT:     cim.layer "fc" {
// CHECK-NEXT:       cim.unary "quantize_unsigned" [[CONV]][0] [1] from [[CONV]][0] [1] loops [12] a 5.000000e-01 b 1.500000e+01
// CHECK-NEXT:       cim.fill [[FC]][0] [1] value 0.000000e+00 loops [5]
// Physical columns [16, 20) start at weight column 16 / 4 = 4.
// CHECK-NEXT:       cim.mvm xbar 2 [[FC]][0] [5] from [[CONV]][0] [12] loops [1] acc
// CHECK-NEXT:       cim.mvm xbar 3 [[FC]][4] [5] from [[CONV]][0] [12] loops [1] acc
// CHECK-NEXT:       cim.mvm xbar 4 [[FC]][0] [5] from [[CONV]][8] [12] loops [1] acc
// CHECK-NEXT:       cim.mvm xbar 5 [[FC]][4] [5] from [[CONV]][8] [12] loops [1] acc
// CHECK-NEXT:     }
// CHECK-NEXT:     cim.output "logits" [[FC]] shape [1, 5]
// CHECK-NEXT:   }
// CHECK-NEXT: }

// Without aliasing the 4 x 12 window matrix (48 codes) is bigger than the 27-code image, so it
// is made in 2 blocks of one output row (2 pixels x 12 = 24 codes, 96 bytes); after each, one
// MVM per crossbar over its 2 pixels into the zeroed pixel-major 4 x 3 product (rows 3 apart,
// output row oh from element 6*oh), the second row tile reading the block from column 8.
// OWN:      cim.layer "conv" {
// OWN-NEXT:   cim.unary "quantize" [[Q:%[^ ]+]][0] [1] from [[X:%[^ ]+]][0] [1] loops [27] a 2.500000e-01 b 7.000000e+00
// OWN-NEXT:   cim.fill [[PROD:%[^ ]+]][0] [1] value 0.000000e+00 loops [12]
// OWN-NEXT:   cim.copy [[COLS:%[^ ]+]][0] [12, 4, 2, 1] from [[Q]][0] [1, 9, 3, 1] loops [2, 3, 2, 2]
// OWN-NEXT:   cim.mvm xbar 0 [[PROD]][0] [3] from [[COLS]][0] [12] loops [2] acc offset 8
// OWN-NEXT:   cim.mvm xbar 1 [[PROD]][0] [3] from [[COLS]][8] [12] loops [2] acc offset 8
// OWN-NEXT:   cim.copy [[COLS]][0] [12, 4, 2, 1] from [[Q]][3] [1, 9, 3, 1] loops [2, 3, 2, 2]
// OWN-NEXT:   cim.mvm xbar 0 [[PROD]][6] [3] from [[COLS]][0] [12] loops [2] acc offset 8
// OWN-NEXT:   cim.mvm xbar 1 [[PROD]][6] [3] from [[COLS]][8] [12] loops [2] acc offset 8

// -----

// A packed depthwise tile (`groups 2`, see tile-crossbars-int.mlir) keeps its groups on one
// crossbar: physical columns [c0 * 4, c1 * 4) = [0, 8) and [8, 16), block-diagonal over
// 2 x 4 rows; the second block writes from weight column 8 / 4 = 2 and reads window rows
// from group 2 * K = 8 on (first_row 8: channel 2). The MVMs read the 3x3 codes through a
// 2x2 window (row_stride 9, window [2, 2, 3, 1], pixel (oh, ow) at 3*oh + ow) and add
// straight into the NCHW output (pixel (oh, ow) at 2*oh + ow, channel 2 at element 2 * 4 = 8,
// channels 4 pixels apart).
builtin.module attributes {cimc.arch = {precision = "int", xbar_rows = 8 : i64, xbar_cols = 16 : i64, cell_bits = 2 : i64, weight_bits = 4 : i64, input_bits = 4 : i64}} {
  func.func @main(%x: tensor<1x4x3x3xf32>) -> tensor<1x4x2x2xf32> {
    %dw = graph.weight "dw.weight" : tensor<4x1x2x2xf32>
    %q = graph.quantize %x scale 0.5 bits 4 : (tensor<1x4x3x3xf32>) -> tensor<1x4x3x3xf32>
    %y = graph.conv %q, %dw strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 4 : (tensor<1x4x3x3xf32>, tensor<4x1x2x2xf32>) -> tensor<1x4x2x2xf32>
    func.return %y : tensor<1x4x2x2xf32>
  }
}

// CHECK:      cim.crossbar 0 core 0 weight "dw.weight" rows [0, 4] cols [0, 8] groups 2 slices 2
// CHECK-NEXT: cim.crossbar 1 core 0 weight "dw.weight" rows [0, 4] cols [8, 16] groups 2 slices 2
// CHECK:        cim.layer "xbar.shift_add" {
// CHECK-NEXT:     cim.fill [[M:%[^ ]+]][0] [1] value 0.000000e+00 loops [16]
// CHECK-NEXT:     cim.mvm xbar 0 [[M]][0] [2, 1] col_stride 4 from [[Q:%[^ ]+]][0] [3, 1] row_stride 9 window [2, 2, 3, 1] loops [2, 2] acc
// CHECK-NEXT:     cim.mvm xbar 1 [[M]][8] [2, 1] col_stride 4 from [[Q]][0] [3, 1] row_stride 9 window [2, 2, 3, 1] first_row 8 loops [2, 2] acc
// CHECK-NEXT:   }

// Without aliasing the window matrix (4 x 16) is bigger than the 36-code image: it is made in
// 2 blocks of one output row, each followed by its MVMs (the second reading the block from
// column 8), which add into a pixel-major 4 x 4 product (rows 4 apart, output row oh from
// element 8*oh, the second crossbar's from column 2); the col2im is a copy.
// OWN:        cim.layer "xbar.shift_add" {
// OWN-NEXT:     cim.fill [[M:%[^ ]+]][0] [1] value 0.000000e+00 loops [16]
// OWN-NEXT:     cim.copy [[C:%[^ ]+]][0] [16, 4, 2, 1] from [[Q:%[^ ]+]][0] [1, 9, 3, 1] loops [2, 4, 2, 2]
// OWN-NEXT:     cim.mvm xbar 0 [[M]][0] [4] from [[C]][0] [16] loops [2] acc
// OWN-NEXT:     cim.mvm xbar 1 [[M]][2] [4] from [[C]][8] [16] loops [2] acc
// OWN-NEXT:     cim.copy [[C]][0] [16, 4, 2, 1] from [[Q]][3] [1, 9, 3, 1] loops [2, 4, 2, 2]
// OWN-NEXT:     cim.mvm xbar 0 [[M]][8] [4] from [[C]][0] [16] loops [2] acc
// OWN-NEXT:     cim.mvm xbar 1 [[M]][10] [4] from [[C]][8] [16] loops [2] acc
// OWN-NEXT:   }
// OWN-NEXT:   cim.layer "xbar.col2im" {
// OWN-NEXT:     cim.copy {{%[^ ]+}}[0] [4, 1] from [[M]][0] [1, 4] loops [4, 4]
// OWN-NEXT:   }

// -----

// 8-bit weights in 2-bit cells: slices = ceil(7 / 2) = 4, 2S = 8 physical columns per weight
// column, and 12-column crossbars do not hold a whole number of them. N = 3 weight columns
// = 24 physical columns cut into [0, 12) and [12, 24): the first crossbar holds weight column
// 0 and half of column 1, the second the other half of column 1 and column 2, so it adds into
// dst from weight column 12 / 8 = 1. Signed 8-bit input: offset 2^7 = 128, codes in
// [-127, 127].
builtin.module attributes {cimc.arch = {precision = "int", xbar_rows = 4 : i64, xbar_cols = 12 : i64, weight_bits = 8 : i64, input_bits = 8 : i64}} {
  func.func @main(%a: tensor<2x4xf32>) -> tensor<2x3xf32> {
    %w = graph.weight "fc3.weight" : tensor<4x3xf32>
    %q = graph.quantize %a scale 0.03125 bits 8 signed : (tensor<2x4xf32>) -> tensor<2x4xf32>
    %y = graph.gemm %q, %w : (tensor<2x4xf32>, tensor<4x3xf32>) -> tensor<2x3xf32>
    func.return %y : tensor<2x3xf32>
  }
}

// CHECK:      builtin.module attributes {cimc.arch = {precision = "int", xbar_rows = 4 : i64, xbar_cols = 12 : i64, weight_bits = 8 : i64, input_bits = 8 : i64}} {
// CHECK-NEXT:   cim.crossbar 0 core 0 weight "fc3.weight" rows [0, 4] cols [0, 12] slices 4
// CHECK-NEXT:   cim.crossbar 1 core 0 weight "fc3.weight" rows [0, 4] cols [12, 24] slices 4
// CHECK-NEXT:   cim.stream core 0 {
// CHECK-NEXT:     [[A:%[^ ]+]] = cim.alloc "input" size 32 : !cim.buffer
// CHECK-NEXT:     [[Q:%[^ ]+]] = cim.alloc "activation" size 32 : !cim.buffer
// CHECK-NEXT:     [[Y:%[^ ]+]] = cim.alloc "activation" size 24 : !cim.buffer
// CHECK-NEXT:     [[CORR:%[^ ]+]] = cim.alloc "const" size 12 weight "fc3.weight.offset_correction" : !cim.buffer
// CHECK-NEXT:     cim.input "arg0" [[A]] shape [2, 4]
// CHECK-NEXT:     cim.layer "graph.quantize" {
// CHECK-NEXT:       cim.unary "quantize" [[Q]][0] [1] from [[A]][0] [1] loops [8] a 3.125000e-02 b 1.270000e+02
// CHECK-NEXT:     }
// CHECK-NEXT:     cim.layer "xbar.shift_add" {
// CHECK-NEXT:       cim.fill [[Y]][0] [1] value 0.000000e+00 loops [6]
// CHECK-NEXT:       cim.mvm xbar 0 [[Y]][0] [3] from [[Q]][0] [4] loops [2] acc offset 128
// CHECK-NEXT:       cim.mvm xbar 1 [[Y]][1] [3] from [[Q]][0] [4] loops [2] acc offset 128
// CHECK-NEXT:     }
// A gemm's correction is a plain add over the 2 x 3 result, in place.
// CHECK-NEXT:     cim.layer "graph.add" {
// CHECK-NEXT:       cim.binary "add" [[Y]][0] [3, 1] from [[Y]][0] [3, 1], [[CORR]][0] [0, 1] loops [2, 3]
// CHECK-NEXT:     }
// CHECK-NEXT:     cim.output "res0" [[Y]] shape [2, 3]
// CHECK-NEXT:   }
// CHECK-NEXT: }
