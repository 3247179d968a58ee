// RUN: cimc-opt %s --split-input-file -p lower-to-isa | filecheck %s --match-full-lines
// RUN: cimc-opt %s --split-input-file -p 'lower-to-isa{aliasing=false}' | filecheck %s --check-prefix=OWN --match-full-lines

// A tiled conv -> relu -> padded maxpool -> global avgpool -> flatten -> gemm on 4x3 crossbars,
// two per core. Each op lowers to a few instructions whose loop nests cover the whole tensor;
// the tile grid writes straight into the layer's output matrix (second row tile with `acc`,
// second column tile at column 3). Buffer names are captured, not spelled. The OWN run
// (aliasing=false) checks only the conv of the first module: its window matrix made in
// blocks, the lowering without aliasing.

builtin.module attributes {cimc.arch = {xbar_rows = 4 : i64, xbar_cols = 3 : i64, xbars_per_core = 2 : i64}} {
  func.func @main(%x: tensor<1x1x3x3xf32> {cimc.name = "image"}) -> (tensor<1x5xf32> {cimc.name = "logits"}) {
    %cw = graph.weight "conv.weight" : tensor<5x1x2x2xf32>
    %cb = graph.weight "conv.bias" : tensor<5xf32>
    %c = xbar.im2col %x kernel [2, 2] strides [1, 1] pads [1, 1, 0, 0] dilations [1, 1] {cimc.layer = "conv"} : (tensor<1x1x3x3xf32>) -> tensor<9x4xf32>
    %c_1 = xbar.mvm %c, %cw group 0 rows [0, 4] cols [0, 3] {cimc.layer = "conv"} : (tensor<9x4xf32>, tensor<5x1x2x2xf32>) -> tensor<9x3xf32>
    %c_2 = xbar.mvm %c, %cw group 0 rows [0, 4] cols [3, 5] {cimc.layer = "conv"} : (tensor<9x4xf32>, tensor<5x1x2x2xf32>) -> tensor<9x2xf32>
    %c_3 = xbar.concat %c_1, %c_2 {cimc.layer = "conv"} : (tensor<9x3xf32>, tensor<9x2xf32>) -> tensor<9x5xf32>
    %c_4 = graph.add %c_3, %cb {cimc.layer = "conv"} : (tensor<9x5xf32>, tensor<5xf32>) -> tensor<9x5xf32>
    %c_5 = xbar.col2im %c_4 {cimc.layer = "conv"} : (tensor<9x5xf32>) -> tensor<1x5x3x3xf32>
    %r = graph.relu %c_5 {cimc.layer = "relu"} : (tensor<1x5x3x3xf32>) -> tensor<1x5x3x3xf32>
    %p = graph.maxpool %r kernel [2, 2] strides [2, 2] pads [0, 0, 1, 1] dilations [1, 1] {cimc.layer = "pool"} : (tensor<1x5x3x3xf32>) -> tensor<1x5x2x2xf32>
    %g = graph.global_avgpool %p {cimc.layer = "gap"} : (tensor<1x5x2x2xf32>) -> tensor<1x5x1x1xf32>
    %f = graph.flatten %g axis 1 {cimc.layer = "flatten"} : (tensor<1x5x1x1xf32>) -> tensor<1x5xf32>
    %fw = graph.weight "fc.weight" : tensor<5x5xf32>
    %y = xbar.mvm %f, %fw group 0 rows [0, 4] cols [0, 3] {cimc.layer = "fc"} : (tensor<1x5xf32>, tensor<5x5xf32>) -> tensor<1x3xf32>
    %y_1 = xbar.mvm %f, %fw group 0 rows [4, 5] cols [0, 3] {cimc.layer = "fc"} : (tensor<1x5xf32>, tensor<5x5xf32>) -> tensor<1x3xf32>
    %y_2 = xbar.accumulate %y, %y_1 {cimc.layer = "fc"} : (tensor<1x3xf32>, tensor<1x3xf32>) -> tensor<1x3xf32>
    %y_3 = xbar.mvm %f, %fw group 0 rows [0, 4] cols [3, 5] {cimc.layer = "fc"} : (tensor<1x5xf32>, tensor<5x5xf32>) -> tensor<1x2xf32>
    %y_4 = xbar.mvm %f, %fw group 0 rows [4, 5] cols [3, 5] {cimc.layer = "fc"} : (tensor<1x5xf32>, tensor<5x5xf32>) -> tensor<1x2xf32>
    %y_5 = xbar.accumulate %y_3, %y_4 {cimc.layer = "fc"} : (tensor<1x2xf32>, tensor<1x2xf32>) -> tensor<1x2xf32>
    %y_6 = xbar.concat %y_2, %y_5 {cimc.layer = "fc"} : (tensor<1x3xf32>, tensor<1x2xf32>) -> tensor<1x5xf32>
    func.return %y_6 : tensor<1x5xf32>
  }
}

// CHECK:      builtin.module attributes {cimc.arch = {xbar_rows = 4 : i64, xbar_cols = 3 : i64, xbars_per_core = 2 : i64}} {
// CHECK-NEXT:   cim.crossbar 0 core 0 weight "conv.weight" rows [0, 4] cols [0, 3]
// CHECK-NEXT:   cim.crossbar 1 core 0 weight "conv.weight" rows [0, 4] cols [3, 5]
// CHECK-NEXT:   cim.crossbar 2 core 1 weight "fc.weight" rows [0, 4] cols [0, 3]
// CHECK-NEXT:   cim.crossbar 3 core 1 weight "fc.weight" rows [4, 5] cols [0, 3]
// CHECK-NEXT:   cim.crossbar 4 core 2 weight "fc.weight" rows [0, 4] cols [3, 5]
// CHECK-NEXT:   cim.crossbar 5 core 2 weight "fc.weight" rows [4, 5] cols [3, 5]
// CHECK-NEXT:   cim.stream core 0 {
// Allocations come first, in order of creation, sized in bytes (4 per f32). The conv's
// 5 x 3 x 3 map is allocated for 5 x 4 x 4 = 80 elements (320 bytes): the relu writes over it
// and the pool pads it in its own buffer (below). No im2col matrix and no pool scratch.
// CHECK-NEXT:     [[X:%[^ ]+]] = cim.alloc "input" size 36 : !cim.buffer
// CHECK-NEXT:     [[XPAD:%[^ ]+]] = cim.alloc "scratch" size 64 : !cim.buffer
// CHECK-NEXT:     [[CONV:%[^ ]+]] = cim.alloc "activation" size 320 : !cim.buffer
// CHECK-NEXT:     [[CB:%[^ ]+]] = cim.alloc "const" size 20 weight "conv.bias" : !cim.buffer
// CHECK-NEXT:     [[POOL:%[^ ]+]] = cim.alloc "activation" size 80 : !cim.buffer
// CHECK-NEXT:     [[GAP:%[^ ]+]] = cim.alloc "activation" size 20 : !cim.buffer
// CHECK-NEXT:     [[FC:%[^ ]+]] = cim.alloc "activation" size 20 : !cim.buffer
// CHECK-NEXT:     cim.input "image" [[X]] shape [1, 1, 3, 3]
// The input padded by 1 at the top and left into a zeroed 4x4 scratch (the model's input is
// never written over), then one MVM per tile over the 3x3 output pixels, reading the padded
// image through the MVM's window: pixel (oh, ow) at oh*sh*Wp + ow*sw = 4*oh + ow (src strides
// [4, 1]), its window row (c, y, x) = (c*2 + y)*2 + x at c*Hp*Wp + y*dh*Wp + x*dw further on
// (row_stride 16, window [2, 2, 4, 1]). K = 4 rows: one row tile, first_row 0 (not printed).
// The products go straight into the NCHW feature map: pixel (oh, ow) at 3*oh + ow (dst
// strides [3, 1]), the tile's columns 9 pixels apart (col_stride 9), the second tile's from
// channel 3 (element 27) on. No window matrix, no pixel-major matrix, no col2im copy.
// CHECK-NEXT:     cim.layer "conv" {
// CHECK-NEXT:       cim.fill [[XPAD]][0] [1] value 0.000000e+00 loops [16]
// CHECK-NEXT:       cim.copy [[XPAD]][5] [4, 1] from [[X]][0] [3, 1] loops [3, 3]
// CHECK-NEXT:       cim.mvm xbar 0 [[CONV]][0] [3, 1] col_stride 9 from [[XPAD]][0] [4, 1] row_stride 16 window [2, 2, 4, 1] loops [3, 3]
// CHECK-NEXT:       cim.mvm xbar 1 [[CONV]][27] [3, 1] col_stride 9 from [[XPAD]][0] [4, 1] row_stride 16 window [2, 2, 4, 1] loops [3, 3]
// The bias is added in place, one value per channel (stride 0 over the 9 pixels).
// CHECK-NEXT:       cim.binary "add" [[CONV]][0] [9, 1] from [[CONV]][0] [9, 1], [[CB]][0] [1, 0] loops [5, 9]
// CHECK-NEXT:     }
// The conv's output dies at the relu, which overwrites it in place.
// CHECK-NEXT:     cim.layer "relu" {
// CHECK-NEXT:       cim.unary "relu" [[CONV]][0] [1] from [[CONV]][0] [1] loops [45]
// CHECK-NEXT:     }
// Max-pool padding (bottom and right) is -3e38, never the max. The relu's result dies at the
// pool and shares its buffer with nothing, so it is padded in place: the copy moves channel
// c's row y from 9c + 3y to 16c + 4y (no element to a lower address; cim.copy reads its
// source whole first), then the border is filled in each 4x4 plane (16 apart): no top fill
// (pt*Wp + pl = 0), the bottom pb*Wp + pr = 5 elements ending at the plane's end (from 11:
// row 2's right one and row 3), and between rows pl + pr = 1 element at 3 + 4i (the right
// border of rows 0 and 1): 5 + 2 = 16 - 9. Then a 2x2 reduction of the widened buffer.
// CHECK-NEXT:     cim.layer "pool" {
// CHECK-NEXT:       cim.copy [[CONV]][0] [16, 4, 1] from [[CONV]][0] [9, 3, 1] loops [5, 3, 3]
// CHECK-NEXT:       cim.fill [[CONV]][11] [16, 1] value -3.000000e+38 loops [5, 5]
// CHECK-NEXT:       cim.fill [[CONV]][3] [16, 4] value -3.000000e+38 loops [5, 2]
// CHECK-NEXT:       cim.reduce "max" [[POOL]][0] [4, 2, 1] from [[CONV]][0] [16, 8, 2, 4, 1] loops [5, 2, 2, 2, 2] reduce 2
// CHECK-NEXT:     }
// CHECK-NEXT:     cim.layer "gap" {
// CHECK-NEXT:       cim.reduce "mean" [[GAP]][0] [1] from [[POOL]][0] [4, 1] loops [5, 4] reduce 1
// CHECK-NEXT:     }
// flatten is a view: no layer, and the gemm reads the global pool's buffer. K = 5 rows: the
// second row tile reads inputs from element 4 on and accumulates.
// CHECK-NEXT:     cim.layer "fc" {
// CHECK-NEXT:       cim.mvm xbar 2 [[FC]][0] [5] from [[GAP]][0] [5] loops [1]
// CHECK-NEXT:       cim.mvm xbar 3 [[FC]][0] [5] from [[GAP]][4] [5] loops [1] acc
// CHECK-NEXT:       cim.mvm xbar 4 [[FC]][3] [5] from [[GAP]][0] [5] loops [1]
// CHECK-NEXT:       cim.mvm xbar 5 [[FC]][3] [5] from [[GAP]][4] [5] loops [1] acc
// CHECK-NEXT:     }
// CHECK-NEXT:     cim.output "logits" [[FC]] shape [1, 5]
// CHECK-NEXT:   }
// CHECK-NEXT: }

// Without aliasing (OWN) the conv's MVMs read a window matrix in memory. The 9x4 matrix would be
// 36 elements, more than the 16 of the padded image it is cut from, so it is made
// ceil(36 / 16) = 3 blocks of one output row (3 pixels x 4 = 12 elements, 48 bytes): per output
// row oh the block cols[(ow), (kh, kw)] = padded[oh + kh, ow + kw] (a 3x2x2 nest starting at
// padded row oh, element 4*oh), then one MVM per tile over its 3 pixels (rows of 4 inputs in).
// They write a pixel-major 9 x 5 product (rows 5 apart, output row oh from element 15*oh, the
// second tile from column 3), which the bias add reads transposed into the NCHW map (the
// col2im folded into it).
// OWN:      cim.stream core 0 {
// OWN-NEXT:   [[X:%[^ ]+]] = cim.alloc "input" size 36 : !cim.buffer
// OWN-NEXT:   [[XPAD:%[^ ]+]] = cim.alloc "scratch" size 64 : !cim.buffer
// OWN-NEXT:   [[COLS:%[^ ]+]] = cim.alloc "scratch" size 48 : !cim.buffer
// OWN-NEXT:   [[PROD:%[^ ]+]] = cim.alloc "activation" size 180 : !cim.buffer
// OWN-NEXT:   [[CONV:%[^ ]+]] = cim.alloc "activation" size 180 : !cim.buffer
// OWN-NEXT:   [[CB:%[^ ]+]] = cim.alloc "const" size 20 weight "conv.bias" : !cim.buffer
// OWN:        cim.layer "conv" {
// OWN-NEXT:     cim.fill [[XPAD]][0] [1] value 0.000000e+00 loops [16]
// OWN-NEXT:     cim.copy [[XPAD]][5] [4, 1] from [[X]][0] [3, 1] loops [3, 3]
// OWN-NEXT:     cim.copy [[COLS]][0] [4, 2, 1] from [[XPAD]][0] [1, 4, 1] loops [3, 2, 2]
// OWN-NEXT:     cim.mvm xbar 0 [[PROD]][0] [5] from [[COLS]][0] [4] loops [3]
// OWN-NEXT:     cim.mvm xbar 1 [[PROD]][3] [5] from [[COLS]][0] [4] loops [3]
// OWN-NEXT:     cim.copy [[COLS]][0] [4, 2, 1] from [[XPAD]][4] [1, 4, 1] loops [3, 2, 2]
// OWN-NEXT:     cim.mvm xbar 0 [[PROD]][15] [5] from [[COLS]][0] [4] loops [3]
// OWN-NEXT:     cim.mvm xbar 1 [[PROD]][18] [5] from [[COLS]][0] [4] loops [3]
// OWN-NEXT:     cim.copy [[COLS]][0] [4, 2, 1] from [[XPAD]][8] [1, 4, 1] loops [3, 2, 2]
// OWN-NEXT:     cim.mvm xbar 0 [[PROD]][30] [5] from [[COLS]][0] [4] loops [3]
// OWN-NEXT:     cim.mvm xbar 1 [[PROD]][33] [5] from [[COLS]][0] [4] loops [3]
// OWN-NEXT:     cim.binary "add" [[CONV]][0] [9, 1] from [[PROD]][0] [1, 5], [[CB]][0] [1, 0] loops [5, 9]
// OWN-NEXT:   }

// -----

// flatten and reshape are views sharing their input's buffer, even as an output; a 2x1
// operand broadcast over columns has column stride 0; avgpool with count_include_pad pads
// with zeros and takes the mean over the whole window. Without
// cimc.name, I/O are named argN / resN and layers after the op.

func.func @views(%x: tensor<1x2x2x2xf32>, %b: tensor<2x1xf32>) -> (tensor<2x4xf32>, tensor<1x2x2x2xf32>, tensor<2x4xf32>) {
  %f = graph.flatten %x axis 2 : (tensor<1x2x2x2xf32>) -> tensor<2x4xf32>
  %r = graph.reshape %f shape [0, -1] : (tensor<2x4xf32>) -> tensor<2x4xf32>
  %a = graph.avgpool %x kernel [2, 2] strides [1, 1] pads [1, 1, 0, 0] dilations [1, 1] count_include_pad : (tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  %s = graph.add %r, %b : (tensor<2x4xf32>, tensor<2x1xf32>) -> tensor<2x4xf32>
  func.return %r, %a, %s : tensor<2x4xf32>, tensor<1x2x2x2xf32>, tensor<2x4xf32>
}

// CHECK:      builtin.module {
// CHECK-NEXT:   cim.stream core 0 {
// CHECK-NEXT:     [[X:%[^ ]+]] = cim.alloc "input" size 32 : !cim.buffer
// CHECK-NEXT:     [[B:%[^ ]+]] = cim.alloc "input" size 8 : !cim.buffer
// CHECK-NEXT:     [[XPAD:%[^ ]+]] = cim.alloc "scratch" size 72 : !cim.buffer
// CHECK-NEXT:     [[A:%[^ ]+]] = cim.alloc "activation" size 32 : !cim.buffer
// CHECK-NEXT:     [[S:%[^ ]+]] = cim.alloc "activation" size 32 : !cim.buffer
// CHECK-NEXT:     cim.input "arg0" [[X]] shape [1, 2, 2, 2]
// CHECK-NEXT:     cim.input "arg1" [[B]] shape [2, 1]
// CHECK-NEXT:     cim.layer "graph.avgpool" {
// CHECK-NEXT:       cim.fill [[XPAD]][0] [1] value 0.000000e+00 loops [18]
// CHECK-NEXT:       cim.copy [[XPAD]][4] [9, 3, 1] from [[X]][0] [4, 2, 1] loops [2, 2, 2]
// CHECK-NEXT:       cim.reduce "mean" [[A]][0] [4, 2, 1] from [[XPAD]][0] [9, 3, 1, 3, 1] loops [2, 2, 2, 2, 2] reduce 2
// CHECK-NEXT:     }
// CHECK-NEXT:     cim.layer "graph.add" {
// CHECK-NEXT:       cim.binary "add" [[S]][0] [4, 1] from [[X]][0] [4, 1], [[B]][0] [1, 0] loops [2, 4]
// CHECK-NEXT:     }
// CHECK-NEXT:     cim.output "res0" [[X]] shape [2, 4]
// CHECK-NEXT:     cim.output "res1" [[A]] shape [1, 2, 2, 2]
// CHECK-NEXT:     cim.output "res2" [[S]] shape [2, 4]
// CHECK-NEXT:   }
// CHECK-NEXT: }

// -----

// A 2-group 1x1 conv with tiles placed by hand: explicit `xbar`/`core` are kept, an unplaced
// tile takes the smallest id no tile names, and a tile without `core` goes to core
// id / xbars_per_core (16).
// Group 1's tiles read its input columns: K = 2 per group, so from column 2 + r0.

func.func @placed(%x: tensor<1x4x2x2xf32>) -> tensor<1x4x2x2xf32> {
  %w = graph.weight "g.weight" : tensor<4x2x1x1xf32>
  %c = xbar.im2col %x kernel [1, 1] strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] : (tensor<1x4x2x2xf32>) -> tensor<4x4xf32>
  %t0 = xbar.mvm %c, %w group 0 rows [0, 2] cols [0, 2] core 3 xbar 8 : (tensor<4x4xf32>, tensor<4x2x1x1xf32>) -> tensor<4x2xf32>
  %t1 = xbar.mvm %c, %w group 1 rows [0, 1] cols [2, 4] xbar 40 : (tensor<4x4xf32>, tensor<4x2x1x1xf32>) -> tensor<4x2xf32>
  %t2 = xbar.mvm %c, %w group 1 rows [1, 2] cols [2, 4] core 5 : (tensor<4x4xf32>, tensor<4x2x1x1xf32>) -> tensor<4x2xf32>
  %t3 = xbar.accumulate %t1, %t2 : (tensor<4x2xf32>, tensor<4x2xf32>) -> tensor<4x2xf32>
  %m = xbar.concat %t0, %t3 : (tensor<4x2xf32>, tensor<4x2xf32>) -> tensor<4x4xf32>
  %y = xbar.col2im %m : (tensor<4x4xf32>) -> tensor<1x4x2x2xf32>
  func.return %y : tensor<1x4x2x2xf32>
}

// CHECK:      cim.crossbar 8 core 3 weight "g.weight" rows [0, 2] cols [0, 2]
// CHECK-NEXT: cim.crossbar 40 core 2 weight "g.weight" rows [0, 1] cols [2, 4]
// CHECK-NEXT: cim.crossbar 0 core 5 weight "g.weight" rows [1, 2] cols [2, 4]
// CHECK-NEXT: cim.stream core 0 {
// CHECK-NEXT:   [[X:%[^ ]+]] = cim.alloc "input" size 64 : !cim.buffer
// CHECK-NEXT:   [[Y:%[^ ]+]] = cim.alloc "activation" size 64 : !cim.buffer
// CHECK-NEXT:   cim.input "arg0" [[X]] shape [1, 4, 2, 2]
// A 1x1 conv's window matrix is its input transposed: no im2col copy, the MVMs read the
// input's channels 4 pixels apart (row_stride 4), group 1's from channel 2 (element 8) on,
// the second row tile from channel 3 (element 12). They write the NCHW result directly:
// channels 4 pixels apart, group 1's from channel 2 (element 8); col2im is no instruction.
// CHECK-NEXT:   cim.layer "xbar.concat" {
// CHECK-NEXT:     cim.mvm xbar 8 [[Y]][0] [1] col_stride 4 from [[X]][0] [1] row_stride 4 loops [4]
// CHECK-NEXT:     cim.mvm xbar 40 [[Y]][8] [1] col_stride 4 from [[X]][8] [1] row_stride 4 loops [4]
// CHECK-NEXT:     cim.mvm xbar 0 [[Y]][8] [1] col_stride 4 from [[X]][12] [1] row_stride 4 loops [4] acc
// CHECK-NEXT:   }
// CHECK-NEXT:   cim.output "res0" [[Y]] shape [1, 4, 2, 2]
// CHECK-NEXT: }

// -----

// A tile with a second use is materialized: the accumulate copies it, then adds the other tile.

func.func @shared_tile(%x: tensor<1x4xf32>) -> (tensor<1x2xf32>, tensor<1x2xf32>) {
  %w = graph.weight "fc.weight" : tensor<4x2xf32>
  %t0 = xbar.mvm %x, %w group 0 rows [0, 2] cols [0, 2] : (tensor<1x4xf32>, tensor<4x2xf32>) -> tensor<1x2xf32>
  %t1 = xbar.mvm %x, %w group 0 rows [2, 4] cols [0, 2] : (tensor<1x4xf32>, tensor<4x2xf32>) -> tensor<1x2xf32>
  %s = xbar.accumulate %t0, %t1 : (tensor<1x2xf32>, tensor<1x2xf32>) -> tensor<1x2xf32>
  func.return %s, %t0 : tensor<1x2xf32>, tensor<1x2xf32>
}

// CHECK:      cim.stream core 0 {
// CHECK-NEXT:   [[X:%[^ ]+]] = cim.alloc "input" size 16 : !cim.buffer
// CHECK-NEXT:   [[T0:%[^ ]+]] = cim.alloc "activation" size 8 : !cim.buffer
// CHECK-NEXT:   [[S:%[^ ]+]] = cim.alloc "activation" size 8 : !cim.buffer
// CHECK-NEXT:   cim.input "arg0" [[X]] shape [1, 4]
// CHECK-NEXT:   cim.layer "xbar.mvm" {
// CHECK-NEXT:     cim.mvm xbar 0 [[T0]][0] [2] from [[X]][0] [4] loops [1]
// CHECK-NEXT:   }
// CHECK-NEXT:   cim.layer "xbar.accumulate" {
// CHECK-NEXT:     cim.copy [[S]][0] [2, 1] from [[T0]][0] [2, 1] loops [1, 2]
// CHECK-NEXT:     cim.mvm xbar 1 [[S]][0] [2] from [[X]][2] [4] loops [1] acc
// CHECK-NEXT:   }
// CHECK-NEXT:   cim.output "res0" [[S]] shape [1, 2]
// CHECK-NEXT:   cim.output "res1" [[T0]] shape [1, 2]
// CHECK-NEXT: }

// -----

// avgpool without count_include_pad divides each window sum by the number of its positions
// inside the input: the counts are pooled from a zero-padded plane of ones.

func.func @avg_exclude_pad(%x: tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32> {
  %a = graph.avgpool %x kernel [2, 2] strides [1, 1] pads [1, 1, 0, 0] dilations [1, 1] : (tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  func.return %a : tensor<1x2x2x2xf32>
}

// CHECK:      cim.layer "graph.avgpool" {
// CHECK-NEXT:   cim.fill [[XPAD:%[^ ]+]][0] [1] value 0.000000e+00 loops [18]
// CHECK-NEXT:   cim.copy [[XPAD]][4] [9, 3, 1] from [[X:%[^ ]+]][0] [4, 2, 1] loops [2, 2, 2]
// CHECK-NEXT:   cim.fill [[ONES:%[^ ]+]][0] [1] value 0.000000e+00 loops [9]
// CHECK-NEXT:   cim.fill [[ONES]][4] [3, 1] value 1.000000e+00 loops [2, 2]
// CHECK-NEXT:   cim.reduce "sum" [[COUNTS:%[^ ]+]][0] [2, 1] from [[ONES]][0] [3, 1, 3, 1] loops [2, 2, 2, 2] reduce 2
// CHECK-NEXT:   cim.reduce "sum" [[A:%[^ ]+]][0] [4, 2, 1] from [[XPAD]][0] [9, 3, 1, 3, 1] loops [2, 2, 2, 2, 2] reduce 2
// CHECK-NEXT:   cim.binary "div" [[A]][0] [4, 1] from [[A]][0] [4, 1], [[COUNTS]][0] [0, 1] loops [2, 4]
// CHECK-NEXT: }
