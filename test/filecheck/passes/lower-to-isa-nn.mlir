// RUN: cimc-opt %s --split-input-file -p tile-crossbars,lower-to-isa | filecheck %s --match-full-lines
// RUN: cimc-opt %s --split-input-file -p 'tile-crossbars,lower-to-isa{aliasing=false}' | filecheck %s --check-prefix=OWN --match-full-lines

// lower-to-isa for the ops of real networks: each becomes a few vector-unit instructions whose
// loop nests cover the whole tensor. (tile-crossbars runs first for the conv chunk; the other
// chunks have no conv or gemm for it to change.) Buffer names are captured, not spelled. The
// OWN run (aliasing=false) checks only the conv chunk: its window matrix made in blocks.

// softmax over the last axis: max, x - max, exp, sum, divide. The per-row statistic (max, then
// sum) is broadcast back over the row with stride 0.

func.func @softmax(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %y = graph.softmax %x axis 1 : (tensor<2x3xf32>) -> tensor<2x3xf32>
  func.return %y : tensor<2x3xf32>
}

// CHECK:      cim.stream core 0 {
// CHECK-NEXT:   [[X:%[^ ]+]] = cim.alloc "input" size 24 : !cim.buffer
// CHECK-NEXT:   [[Y:%[^ ]+]] = cim.alloc "activation" size 24 : !cim.buffer
// CHECK-NEXT:   [[STAT:%[^ ]+]] = cim.alloc "scratch" size 8 : !cim.buffer
// CHECK-NEXT:   cim.input "arg0" [[X]] shape [2, 3]
// CHECK-NEXT:   cim.layer "graph.softmax" {
// CHECK-NEXT:     cim.reduce "max" [[STAT]][0] [1] from [[X]][0] [3, 1] loops [2, 3] reduce 1
// CHECK-NEXT:     cim.binary "sub" [[Y]][0] [3, 1] from [[X]][0] [3, 1], [[STAT]][0] [1, 0] loops [2, 3]
// CHECK-NEXT:     cim.unary "exp" [[Y]][0] [1] from [[Y]][0] [1] loops [6]
// CHECK-NEXT:     cim.reduce "sum" [[STAT]][0] [1] from [[Y]][0] [3, 1] loops [2, 3] reduce 1
// CHECK-NEXT:     cim.binary "div" [[Y]][0] [3, 1] from [[Y]][0] [3, 1], [[STAT]][0] [1, 0] loops [2, 3]
// CHECK-NEXT:   }
// CHECK-NEXT:   cim.output "res0" [[Y]] shape [2, 3]
// CHECK-NEXT: }

// -----

// softmax over a middle axis of 2x3x4: the reduced axis (stride 4) is the innermost loop, the
// 2 x 4 others outside it, one statistic each.

func.func @softmax_middle(%x: tensor<2x3x4xf32>) -> tensor<2x3x4xf32> {
  %y = graph.softmax %x axis 1 : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32>
  func.return %y : tensor<2x3x4xf32>
}

// CHECK:      [[STAT:%[^ ]+]] = cim.alloc "scratch" size 32 : !cim.buffer
// CHECK:      cim.layer "graph.softmax" {
// CHECK-NEXT:   cim.reduce "max" [[STAT]][0] [4, 1] from [[X:%[^ ]+]][0] [12, 1, 4] loops [2, 4, 3] reduce 1
// CHECK-NEXT:   cim.binary "sub" [[Y:%[^ ]+]][0] [12, 1, 4] from [[X]][0] [12, 1, 4], [[STAT]][0] [4, 1, 0] loops [2, 4, 3]
// CHECK-NEXT:   cim.unary "exp" [[Y]][0] [1] from [[Y]][0] [1] loops [24]
// CHECK-NEXT:   cim.reduce "sum" [[STAT]][0] [4, 1] from [[Y]][0] [12, 1, 4] loops [2, 4, 3] reduce 1
// CHECK-NEXT:   cim.binary "div" [[Y]][0] [12, 1, 4] from [[Y]][0] [12, 1, 4], [[STAT]][0] [4, 1, 0] loops [2, 4, 3]
// CHECK-NEXT: }

// -----

// to_end: axes 1 and 2 are flattened into one reduction of 12, one statistic per batch row.

func.func @softmax_to_end(%x: tensor<2x3x4xf32>) -> tensor<2x3x4xf32> {
  %y = graph.softmax %x axis 1 to_end : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32>
  func.return %y : tensor<2x3x4xf32>
}

// CHECK:      [[STAT:%[^ ]+]] = cim.alloc "scratch" size 8 : !cim.buffer
// CHECK:      cim.layer "graph.softmax" {
// CHECK-NEXT:   cim.reduce "max" [[STAT]][0] [1] from [[X:%[^ ]+]][0] [12, 1] loops [2, 12] reduce 1
// CHECK-NEXT:   cim.binary "sub" [[Y:%[^ ]+]][0] [12, 1] from [[X]][0] [12, 1], [[STAT]][0] [1, 0] loops [2, 12]
// CHECK-NEXT:   cim.unary "exp" [[Y]][0] [1] from [[Y]][0] [1] loops [24]
// CHECK-NEXT:   cim.reduce "sum" [[STAT]][0] [1] from [[Y]][0] [12, 1] loops [2, 12] reduce 1
// CHECK-NEXT:   cim.binary "div" [[Y]][0] [12, 1] from [[Y]][0] [12, 1], [[STAT]][0] [1, 0] loops [2, 12]
// CHECK-NEXT: }

// -----

// LRN, size 3 over 4 channels of 2x2: the squares go into a zeroed buffer with one spare
// channel at each end (6 x 4, written from element 4 on), a 3-channel window sum per output
// written over the first channel it reads (padded channel k for output channel k), then
// (bias + alpha / size * sum) ^ -beta (affine a = 3e-4 / 3, b = 2; pow a = -0.75) there, and
// times x. The model's input may not be overwritten: the result gets a buffer.

func.func @lrn(%x: tensor<1x4x2x2xf32>) -> tensor<1x4x2x2xf32> {
  %y = graph.lrn %x size 3 alpha 3.0e-4 beta 0.75 bias 2.0 : (tensor<1x4x2x2xf32>) -> tensor<1x4x2x2xf32>
  func.return %y : tensor<1x4x2x2xf32>
}

// CHECK:      cim.stream core 0 {
// CHECK-NEXT:   [[X:%[^ ]+]] = cim.alloc "input" size 64 : !cim.buffer
// CHECK-NEXT:   [[SQ:%[^ ]+]] = cim.alloc "scratch" size 96 : !cim.buffer
// CHECK-NEXT:   [[Y:%[^ ]+]] = cim.alloc "activation" size 64 : !cim.buffer
// CHECK-NEXT:   cim.input "arg0" [[X]] shape [1, 4, 2, 2]
// CHECK-NEXT:   cim.layer "graph.lrn" {
// CHECK-NEXT:     cim.fill [[SQ]][0] [1] value 0.000000e+00 loops [24]
// CHECK-NEXT:     cim.binary "mul" [[SQ]][4] [1] from [[X]][0] [1], [[X]][0] [1] loops [16]
// CHECK-NEXT:     cim.reduce "sum" [[SQ]][0] [24, 4, 1] from [[SQ]][0] [24, 4, 1, 4] loops [1, 4, 4, 3] reduce 1
// CHECK-NEXT:     cim.unary "affine" [[SQ]][0] [1] from [[SQ]][0] [1] loops [16] a 0.000100000005 b 2.000000e+00
// CHECK-NEXT:     cim.unary "pow" [[SQ]][0] [1] from [[SQ]][0] [1] loops [16] a -7.500000e-01
// CHECK-NEXT:     cim.binary "mul" [[Y]][0] [1] from [[X]][0] [1], [[SQ]][0] [1] loops [16]
// CHECK-NEXT:   }
// CHECK-NEXT:   cim.output "res0" [[Y]] shape [1, 4, 2, 2]
// CHECK-NEXT: }

// -----

// An LRN whose input dies there (a relu's result) writes its result over the input: x's
// buffer and the squares' scratch are all it uses.

func.func @lrn_in_place(%x: tensor<1x4x2x2xf32>) -> tensor<1x4x2x2xf32> {
  %r = graph.relu %x : (tensor<1x4x2x2xf32>) -> tensor<1x4x2x2xf32>
  %y = graph.lrn %r size 3 alpha 3.0e-4 beta 0.75 bias 2.0 : (tensor<1x4x2x2xf32>) -> tensor<1x4x2x2xf32>
  func.return %y : tensor<1x4x2x2xf32>
}

// CHECK:      cim.stream core 0 {
// CHECK-NEXT:   [[X:%[^ ]+]] = cim.alloc "input" size 64 : !cim.buffer
// CHECK-NEXT:   [[R:%[^ ]+]] = cim.alloc "activation" size 64 : !cim.buffer
// CHECK-NEXT:   [[SQ:%[^ ]+]] = cim.alloc "scratch" size 96 : !cim.buffer
// CHECK-NEXT:   cim.input "arg0" [[X]] shape [1, 4, 2, 2]
// CHECK-NEXT:   cim.layer "graph.relu" {
// CHECK-NEXT:     cim.unary "relu" [[R]][0] [1] from [[X]][0] [1] loops [16]
// CHECK-NEXT:   }
// CHECK-NEXT:   cim.layer "graph.lrn" {
// CHECK:          cim.binary "mul" [[R]][0] [1] from [[R]][0] [1], [[SQ]][0] [1] loops [16]
// CHECK-NEXT:   }
// CHECK-NEXT:   cim.output "res0" [[R]] shape [1, 4, 2, 2]
// CHECK-NEXT: }

// -----

// concat: one copy per input into its column range of each output row.

func.func @concat(%a: tensor<2x3xf32>, %b: tensor<2x1xf32>) -> tensor<2x4xf32> {
  %y = graph.concat %a, %b axis 1 : (tensor<2x3xf32>, tensor<2x1xf32>) -> tensor<2x4xf32>
  func.return %y : tensor<2x4xf32>
}

// CHECK:      cim.stream core 0 {
// CHECK-NEXT:   [[A:%[^ ]+]] = cim.alloc "input" size 24 : !cim.buffer
// CHECK-NEXT:   [[B:%[^ ]+]] = cim.alloc "input" size 8 : !cim.buffer
// CHECK-NEXT:   [[Y:%[^ ]+]] = cim.alloc "activation" size 32 : !cim.buffer
// CHECK-NEXT:   cim.input "arg0" [[A]] shape [2, 3]
// CHECK-NEXT:   cim.input "arg1" [[B]] shape [2, 1]
// CHECK-NEXT:   cim.layer "graph.concat" {
// CHECK-NEXT:     cim.copy [[Y]][0] [4, 1] from [[A]][0] [3, 1] loops [2, 3]
// CHECK-NEXT:     cim.copy [[Y]][3] [4] from [[B]][0] [1] loops [2]
// CHECK-NEXT:   }
// CHECK-NEXT:   cim.output "res0" [[Y]] shape [2, 4]
// CHECK-NEXT: }

// -----

// transpose [2, 0, 1] of 2x3x4: one copy walking the input with its permuted strides (the
// output's 2x3 dims merge into one loop of 6 at input stride 4).

func.func @transpose(%x: tensor<2x3x4xf32>) -> tensor<4x2x3xf32> {
  %y = graph.transpose %x perm [2, 0, 1] : (tensor<2x3x4xf32>) -> tensor<4x2x3xf32>
  func.return %y : tensor<4x2x3xf32>
}

// CHECK:      cim.layer "graph.transpose" {
// CHECK-NEXT:   cim.copy [[Y:%[^ ]+]][0] [6, 1] from [[X:%[^ ]+]][0] [1, 4] loops [4, 6]
// CHECK-NEXT: }

// -----

// pad [1, 0] before and [1, 1] after a 2x3: fill the 4x4 result with the value, then copy the
// input in at row 1, column 0.

func.func @pad(%x: tensor<2x3xf32>) -> tensor<4x4xf32> {
  %y = graph.pad %x pads [1, 0, 1, 1] value -1.0 : (tensor<2x3xf32>) -> tensor<4x4xf32>
  func.return %y : tensor<4x4xf32>
}

// CHECK:      cim.layer "graph.pad" {
// CHECK-NEXT:   cim.fill [[Y:%[^ ]+]][0] [1] value -1.000000e+00 loops [16]
// CHECK-NEXT:   cim.copy [[Y]][4] [4, 1] from [[X:%[^ ]+]][0] [3, 1] loops [2, 3]
// CHECK-NEXT: }

// -----

// ceil_mode on a 5x5 input, kernel 2, stride 2: the last window reaches one past the input, so
// the input is padded to 6x6 (bottom and right). Max pads with -3e38; avg divides each window
// sum by its count of positions inside the input (pooled from a plane of ones).

func.func @pools_ceil(%x: tensor<1x1x5x5xf32>) -> (tensor<1x1x3x3xf32>, tensor<1x1x3x3xf32>) {
  %m = graph.maxpool %x kernel [2, 2] strides [2, 2] pads [0, 0, 0, 0] dilations [1, 1] ceil_mode : (tensor<1x1x5x5xf32>) -> tensor<1x1x3x3xf32>
  %a = graph.avgpool %x kernel [2, 2] strides [2, 2] pads [0, 0, 0, 0] dilations [1, 1] ceil_mode : (tensor<1x1x5x5xf32>) -> tensor<1x1x3x3xf32>
  func.return %m, %a : tensor<1x1x3x3xf32>, tensor<1x1x3x3xf32>
}

// CHECK:      cim.layer "graph.maxpool" {
// CHECK-NEXT:   cim.fill [[MPAD:%[^ ]+]][0] [1] value -3.000000e+38 loops [36]
// CHECK-NEXT:   cim.copy [[MPAD]][0] [6, 1] from [[X:%[^ ]+]][0] [5, 1] loops [5, 5]
// CHECK-NEXT:   cim.reduce "max" [[M:%[^ ]+]][0] [9, 3, 1] from [[MPAD]][0] [36, 12, 2, 6, 1] loops [1, 3, 3, 2, 2] reduce 2
// CHECK-NEXT: }
// CHECK-NEXT: cim.layer "graph.avgpool" {
// CHECK-NEXT:   cim.fill [[APAD:%[^ ]+]][0] [1] value 0.000000e+00 loops [36]
// CHECK-NEXT:   cim.copy [[APAD]][0] [6, 1] from [[X]][0] [5, 1] loops [5, 5]
// CHECK-NEXT:   cim.fill [[ONES:%[^ ]+]][0] [1] value 0.000000e+00 loops [36]
// CHECK-NEXT:   cim.fill [[ONES]][0] [6, 1] value 1.000000e+00 loops [5, 5]
// CHECK-NEXT:   cim.reduce "sum" [[COUNTS:%[^ ]+]][0] [3, 1] from [[ONES]][0] [12, 2, 6, 1] loops [3, 3, 2, 2] reduce 2
// CHECK-NEXT:   cim.reduce "sum" [[A:%[^ ]+]][0] [9, 3, 1] from [[APAD]][0] [36, 12, 2, 6, 1] loops [1, 3, 3, 2, 2] reduce 2
// CHECK-NEXT:   cim.binary "div" [[A]][0] [9, 1] from [[A]][0] [9, 1], [[COUNTS]][0] [0, 1] loops [1, 9]
// CHECK-NEXT: }
// CHECK-NEXT: cim.output "res0" [[M]] shape [1, 1, 3, 3]
// CHECK-NEXT: cim.output "res1" [[A]] shape [1, 1, 3, 3]

// -----

// Elementwise ops write over an operand that dies at them (its only use, same shape, an
// activation buffer no other live value shares): the mul over the dying tanh result (the
// broadcast 3-vector input cannot be overwritten), the clip over the mul, and the leaky_relu
// over the add's result through its views: unsqueeze, identity and flatten each take the
// buffer over from a value that dies at them, so the flatten is its only value. Not in place:
// sigmoid and relu of a model input, tanh of %s (used again by the last relu), and add of %c
// to itself (two uses).

func.func @in_place(%x: tensor<2x3xf32>, %v: tensor<3xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>) {
  %s = graph.sigmoid %x : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %t = graph.tanh %s : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %m = graph.mul %v, %t : (tensor<3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %c = graph.clip %m min -1.0 max 1.0 : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %a = graph.add %c, %c : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %u = graph.unsqueeze %a axes [0] : (tensor<2x3xf32>) -> tensor<1x2x3xf32>
  %i = graph.identity %u : (tensor<1x2x3xf32>) -> tensor<1x2x3xf32>
  %f = graph.flatten %i axis 2 : (tensor<1x2x3xf32>) -> tensor<2x3xf32>
  %l = graph.leaky_relu %f alpha 0.1 : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %r = graph.relu %x : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %k = graph.relu %s : (tensor<2x3xf32>) -> tensor<2x3xf32>
  func.return %l, %r, %k : tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>
}

// CHECK:      cim.stream core 0 {
// CHECK-NEXT:   [[X:%[^ ]+]] = cim.alloc "input" size 24 : !cim.buffer
// CHECK-NEXT:   [[V:%[^ ]+]] = cim.alloc "input" size 12 : !cim.buffer
// CHECK-NEXT:   [[S:%[^ ]+]] = cim.alloc "activation" size 24 : !cim.buffer
// CHECK-NEXT:   [[T:%[^ ]+]] = cim.alloc "activation" size 24 : !cim.buffer
// CHECK-NEXT:   [[A:%[^ ]+]] = cim.alloc "activation" size 24 : !cim.buffer
// CHECK-NEXT:   [[R:%[^ ]+]] = cim.alloc "activation" size 24 : !cim.buffer
// CHECK-NEXT:   [[K:%[^ ]+]] = cim.alloc "activation" size 24 : !cim.buffer
// CHECK-NEXT:   cim.input "arg0" [[X]] shape [2, 3]
// CHECK-NEXT:   cim.input "arg1" [[V]] shape [3]
// CHECK-NEXT:   cim.layer "graph.sigmoid" {
// CHECK-NEXT:     cim.unary "sigmoid" [[S]][0] [1] from [[X]][0] [1] loops [6]
// CHECK-NEXT:   }
// CHECK-NEXT:   cim.layer "graph.tanh" {
// CHECK-NEXT:     cim.unary "tanh" [[T]][0] [1] from [[S]][0] [1] loops [6]
// CHECK-NEXT:   }
// CHECK-NEXT:   cim.layer "graph.mul" {
// CHECK-NEXT:     cim.binary "mul" [[T]][0] [3, 1] from [[V]][0] [0, 1], [[T]][0] [3, 1] loops [2, 3]
// CHECK-NEXT:   }
// CHECK-NEXT:   cim.layer "graph.clip" {
// CHECK-NEXT:     cim.unary "clip" [[T]][0] [1] from [[T]][0] [1] loops [6] a -1.000000e+00 b 1.000000e+00
// CHECK-NEXT:   }
// CHECK-NEXT:   cim.layer "graph.add" {
// CHECK-NEXT:     cim.binary "add" [[A]][0] [1] from [[T]][0] [1], [[T]][0] [1] loops [6]
// CHECK-NEXT:   }
// CHECK-NEXT:   cim.layer "graph.leaky_relu" {
// CHECK-NEXT:     cim.unary "leaky_relu" [[A]][0] [1] from [[A]][0] [1] loops [6] a 1.000000e-01
// CHECK-NEXT:   }
// CHECK-NEXT:   cim.layer "graph.relu" {
// CHECK-NEXT:     cim.unary "relu" [[R]][0] [1] from [[X]][0] [1] loops [6]
// CHECK-NEXT:     cim.unary "relu" [[K]][0] [1] from [[S]][0] [1] loops [6]
// CHECK-NEXT:   }
// CHECK-NEXT:   cim.output "res0" [[A]] shape [2, 3]
// CHECK-NEXT:   cim.output "res1" [[R]] shape [2, 3]
// CHECK-NEXT:   cim.output "res2" [[K]] shape [2, 3]
// CHECK-NEXT: }

// -----

// A depthwise conv with bias and a fused leaky_relu on 8x8 crossbars (K = 4: 2 groups per
// crossbar). Each packed crossbar is declared with `groups` and one MVM reads its 2 groups'
// 8 window rows. No window matrix: the MVMs read the (unpadded, Hp = Wp = 3) input through a
// 2x2 window over the 2x2 output pixels, pixel (oh, ow) at 3*oh + ow (src strides [3, 1]), its
// row (c, y, x) = (c*2 + y)*2 + x at c*9 + y*3 + x further on (row_stride 9, window
// [2, 2, 3, 1]); the second crossbar's rows start at row 8 of the 4 x 4 = 16 window rows of
// all the channels (first_row 8: channel 2). The MVMs write NCHW directly (pixel (oh, ow) at 2*oh + ow, a
// packed crossbar's 2 channels 4 pixels apart, col_stride 4, the second's from channel 2,
// element 8), the bias is added in place and the activation then runs in place too.

builtin.module attributes {cimc.arch = {xbar_rows = 8 : i64, xbar_cols = 8 : i64}} {
  func.func @main(%x: tensor<1x4x3x3xf32>) -> tensor<1x4x2x2xf32> {
    %w = graph.weight "dw.weight" : tensor<4x1x2x2xf32>
    %b = graph.weight "dw.bias" : tensor<4xf32>
    %y = graph.conv %x, %w, %b strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 4 activation "leaky_relu" [0.5] {cimc.layer = "dw"} : (tensor<1x4x3x3xf32>, tensor<4x1x2x2xf32>, tensor<4xf32>) -> tensor<1x4x2x2xf32>
    func.return %y : tensor<1x4x2x2xf32>
  }
}

// CHECK:      builtin.module attributes {cimc.arch = {xbar_rows = 8 : i64, xbar_cols = 8 : i64}} {
// CHECK-NEXT:   cim.crossbar 0 core 0 weight "dw.weight" rows [0, 4] cols [0, 2] groups 2
// CHECK-NEXT:   cim.crossbar 1 core 0 weight "dw.weight" rows [0, 4] cols [2, 4] groups 2
// CHECK-NEXT:   cim.stream core 0 {
// CHECK-NEXT:     [[X:%[^ ]+]] = cim.alloc "input" size 144 : !cim.buffer
// CHECK-NEXT:     [[Y:%[^ ]+]] = cim.alloc "activation" size 64 : !cim.buffer
// CHECK-NEXT:     [[B:%[^ ]+]] = cim.alloc "const" size 16 weight "dw.bias" : !cim.buffer
// CHECK-NEXT:     cim.input "arg0" [[X]] shape [1, 4, 3, 3]
// CHECK-NEXT:     cim.layer "dw" {
// CHECK-NEXT:       cim.mvm xbar 0 [[Y]][0] [2, 1] col_stride 4 from [[X]][0] [3, 1] row_stride 9 window [2, 2, 3, 1] loops [2, 2]
// CHECK-NEXT:       cim.mvm xbar 1 [[Y]][8] [2, 1] col_stride 4 from [[X]][0] [3, 1] row_stride 9 window [2, 2, 3, 1] first_row 8 loops [2, 2]
// CHECK-NEXT:       cim.binary "add" [[Y]][0] [4, 1] from [[Y]][0] [4, 1], [[B]][0] [1, 0] loops [4, 4]
// CHECK-NEXT:       cim.unary "leaky_relu" [[Y]][0] [1] from [[Y]][0] [1] loops [16] a 5.000000e-01
// CHECK-NEXT:     }
// CHECK-NEXT:     cim.output "res0" [[Y]] shape [1, 4, 2, 2]
// CHECK-NEXT:   }
// CHECK-NEXT: }

// Without aliasing the 4x16 window matrix (64 elements) is bigger than the 36-element image,
// so it is made in 2 blocks of one output row (2 pixels, 2 x 16 elements = 128 bytes), each
// followed by its MVMs (the second crossbar reading from the block's column 8). They write a
// pixel-major 4 x 4 product (rows 4 apart, output row oh from element 8*oh, the second
// crossbar from column 2), which the bias add reads transposed into the NCHW map; the
// activation gets a buffer of its own.
// OWN:      builtin.module attributes {cimc.arch = {xbar_rows = 8 : i64, xbar_cols = 8 : i64}} {
// OWN-NEXT:   cim.crossbar 0 core 0 weight "dw.weight" rows [0, 4] cols [0, 2] groups 2
// OWN-NEXT:   cim.crossbar 1 core 0 weight "dw.weight" rows [0, 4] cols [2, 4] groups 2
// OWN-NEXT:   cim.stream core 0 {
// OWN-NEXT:     [[X:%[^ ]+]] = cim.alloc "input" size 144 : !cim.buffer
// OWN-NEXT:     [[COLS:%[^ ]+]] = cim.alloc "scratch" size 128 : !cim.buffer
// OWN-NEXT:     [[PROD:%[^ ]+]] = cim.alloc "activation" size 64 : !cim.buffer
// OWN-NEXT:     [[BIASED:%[^ ]+]] = cim.alloc "activation" size 64 : !cim.buffer
// OWN-NEXT:     [[B:%[^ ]+]] = cim.alloc "const" size 16 weight "dw.bias" : !cim.buffer
// OWN-NEXT:     [[Y:%[^ ]+]] = cim.alloc "activation" size 64 : !cim.buffer
// OWN-NEXT:     cim.input "arg0" [[X]] shape [1, 4, 3, 3]
// OWN-NEXT:     cim.layer "dw" {
// OWN-NEXT:       cim.copy [[COLS]][0] [16, 4, 2, 1] from [[X]][0] [1, 9, 3, 1] loops [2, 4, 2, 2]
// OWN-NEXT:       cim.mvm xbar 0 [[PROD]][0] [4] from [[COLS]][0] [16] loops [2]
// OWN-NEXT:       cim.mvm xbar 1 [[PROD]][2] [4] from [[COLS]][8] [16] loops [2]
// OWN-NEXT:       cim.copy [[COLS]][0] [16, 4, 2, 1] from [[X]][3] [1, 9, 3, 1] loops [2, 4, 2, 2]
// OWN-NEXT:       cim.mvm xbar 0 [[PROD]][8] [4] from [[COLS]][0] [16] loops [2]
// OWN-NEXT:       cim.mvm xbar 1 [[PROD]][10] [4] from [[COLS]][8] [16] loops [2]
// OWN-NEXT:       cim.binary "add" [[BIASED]][0] [4, 1] from [[PROD]][0] [1, 4], [[B]][0] [1, 0] loops [4, 4]
// OWN-NEXT:       cim.unary "leaky_relu" [[Y]][0] [1] from [[BIASED]][0] [1] loops [16] a 5.000000e-01
// OWN-NEXT:     }
// OWN-NEXT:     cim.output "res0" [[Y]] shape [1, 4, 2, 2]
// OWN-NEXT:   }
// OWN-NEXT: }
