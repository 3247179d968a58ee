// RUN: cimc-opt %s --split-input-file -p tile-crossbars,lower-to-isa | filecheck %s --match-full-lines
// RUN: cimc-opt %s --split-input-file -p 'tile-crossbars,lower-to-isa{aliasing=false}' | filecheck %s --check-prefix=OWN --match-full-lines

// Padding in place. With aliasing (the default) a feature map padded for a conv or pool that
// dies there and shares its buffer with nothing is widened in its own buffer: its cim.alloc
// gets the padded size, a cim.copy moves every element (channel plane c, row y) from
// c*H*W + y*W to c*Hp*Wp + (pt + y)*Wp + pl, none to a lower address (cim.copy reads its
// source whole before it writes), and up to three cim.fills write each plane's border (planes
// Hp*Wp apart): the top, pt*Wp + pl elements from the plane's start (the top rows and the
// first row's left border); the bottom, pb*Wp + pr elements ending at the plane's end (the
// last row's right border and the bottom rows); and between each two rows, the pl + pr
// elements from pt*Wp + pl + W + i*Wp (a row's right border and the next one's left). They
// cover the plane's Hp*Wp - H*W border elements once; a fill with no elements is omitted.
// Otherwise (the map is read again later, is a model input or shares its buffer with another
// live tensor, or aliasing=false: the OWN run) the border value fills a new scratch buffer
// and the map is copied into it. Buffer names are captured, not spelled.

// A relu and a 3x3 conv padded by 1 on every side, on 8x4 crossbars. The relu's 2 x 3 x 3 map
// dies at the conv: its buffer is allocated for 2 x 5 x 5 = 50 elements (200 bytes) and the
// map is widened in place, the copy writing row y of channel c at 25c + 5(y + 1) + 1 (from 6,
// strides [25, 5, 1]). Borders, zeros: the top 1*5 + 1 = 6 elements from each plane's start,
// the bottom 1*5 + 1 = 6 ending at its end (from 25 - 6 = 19), and between the 3 rows
// 1 + 1 = 2 elements at 6 + 3 + 5i = 9, 14: 6 + 6 + 2*2 = 16 = 25 - 9.
builtin.module attributes {cimc.arch = {xbar_rows = 8 : i64, xbar_cols = 4 : i64}} {
  func.func @main(%x: tensor<1x2x3x3xf32>) -> tensor<1x3x3x3xf32> {
    %w = graph.weight "conv.weight" : tensor<3x2x3x3xf32>
    %r = graph.relu %x {cimc.layer = "relu"} : (tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32>
    %y = graph.conv %r, %w strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] group 1 {cimc.layer = "conv"} : (tensor<1x2x3x3xf32>, tensor<3x2x3x3xf32>) -> tensor<1x3x3x3xf32>
    func.return %y : tensor<1x3x3x3xf32>
  }
}

// The conv's MVMs then read the widened map through a 3x3 window: the 3x3 output pixels at
// 5*oh + ow (src strides [5, 1]), window row (c, y, x) = (c*3 + y)*3 + x at 25c + 5y + x
// further on (row_stride 25, window [3, 3, 5, 1]). K = 18 rows in row tiles of 8: from row 0,
// from row 8 = (0, 2, 2) inside channel 0 (first_row 8), and from row 16 = (1, 2, 1) inside
// channel 1 (first_row 16), adding into the first. They write the NCHW output: pixel
// (oh, ow) at 3*oh + ow, the 3 channels 9 apart (col_stride 9).
// CHECK:      cim.crossbar 0 core 0 weight "conv.weight" rows [0, 8] cols [0, 3]
// CHECK-NEXT: cim.crossbar 1 core 0 weight "conv.weight" rows [8, 16] cols [0, 3]
// CHECK-NEXT: cim.crossbar 2 core 0 weight "conv.weight" rows [16, 18] cols [0, 3]
// CHECK-NEXT: cim.stream core 0 {
// CHECK-NEXT:   [[X:%[^ ]+]] = cim.alloc "input" size 72 : !cim.buffer
// CHECK-NEXT:   [[R:%[^ ]+]] = cim.alloc "activation" size 200 : !cim.buffer
// CHECK-NEXT:   [[Y:%[^ ]+]] = cim.alloc "activation" size 108 : !cim.buffer
// CHECK-NEXT:   cim.input "arg0" [[X]] shape [1, 2, 3, 3]
// CHECK-NEXT:   cim.layer "relu" {
// CHECK-NEXT:     cim.unary "relu" [[R]][0] [1] from [[X]][0] [1] loops [18]
// CHECK-NEXT:   }
// CHECK-NEXT:   cim.layer "conv" {
// CHECK-NEXT:     cim.copy [[R]][6] [25, 5, 1] from [[R]][0] [9, 3, 1] loops [2, 3, 3]
// CHECK-NEXT:     cim.fill [[R]][0] [25, 1] value 0.000000e+00 loops [2, 6]
// CHECK-NEXT:     cim.fill [[R]][19] [25, 1] value 0.000000e+00 loops [2, 6]
// CHECK-NEXT:     cim.fill [[R]][9] [25, 5, 1] value 0.000000e+00 loops [2, 2, 2]
// CHECK-NEXT:     cim.mvm xbar 0 [[Y]][0] [3, 1] col_stride 9 from [[R]][0] [5, 1] row_stride 25 window [3, 3, 5, 1] loops [3, 3]
// CHECK-NEXT:     cim.mvm xbar 1 [[Y]][0] [3, 1] col_stride 9 from [[R]][0] [5, 1] row_stride 25 window [3, 3, 5, 1] first_row 8 loops [3, 3] acc
// CHECK-NEXT:     cim.mvm xbar 2 [[Y]][0] [3, 1] col_stride 9 from [[R]][0] [5, 1] row_stride 25 window [3, 3, 5, 1] first_row 16 loops [3, 3] acc
// CHECK-NEXT:   }
// CHECK-NEXT:   cim.output "res0" [[Y]] shape [1, 3, 3, 3]
// CHECK-NEXT: }

// Without aliasing the relu's map keeps its 72 bytes: the zeroed 200-byte scratch gets the
// copy (from 6, strides [25, 5, 1]), and the conv reads window blocks cut from it.
// OWN:      cim.stream core 0 {
// OWN-NEXT:   [[X:%[^ ]+]] = cim.alloc "input" size 72 : !cim.buffer
// OWN-NEXT:   [[R:%[^ ]+]] = cim.alloc "activation" size 72 : !cim.buffer
// OWN-NEXT:   [[RPAD:%[^ ]+]] = cim.alloc "scratch" size 200 : !cim.buffer
// OWN:        cim.layer "conv" {
// OWN-NEXT:     cim.fill [[RPAD]][0] [1] value 0.000000e+00 loops [50]
// OWN-NEXT:     cim.copy [[RPAD]][6] [25, 5, 1] from [[R]][0] [9, 3, 1] loops [2, 3, 3]
// OWN-NEXT:     cim.copy {{%[^ ]+}}[0] [18, 9, 3, 1] from [[RPAD]][0] [1, 25, 5, 1] loops [3, 2, 3, 3]

// -----

// The relu's map is read by a padded maxpool and again by the add after it: it is not widened
// (the add needs it as it is). The pool's -3e38 (never the max) fills a 2 x 5 x 5 scratch
// (50 elements) and the map is copied in from element 6, as without aliasing.
func.func @read_again(%x: tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32> {
  %r = graph.relu %x {cimc.layer = "relu"} : (tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32>
  %p = graph.maxpool %r kernel [3, 3] strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] {cimc.layer = "pool"} : (tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32>
  %s = graph.add %p, %r {cimc.layer = "add"} : (tensor<1x2x3x3xf32>, tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32>
  func.return %s : tensor<1x2x3x3xf32>
}

// CHECK:      cim.stream core 0 {
// CHECK-NEXT:   [[X:%[^ ]+]] = cim.alloc "input" size 72 : !cim.buffer
// CHECK-NEXT:   [[R:%[^ ]+]] = cim.alloc "activation" size 72 : !cim.buffer
// CHECK-NEXT:   [[RPAD:%[^ ]+]] = cim.alloc "scratch" size 200 : !cim.buffer
// CHECK-NEXT:   [[P:%[^ ]+]] = cim.alloc "activation" size 72 : !cim.buffer
// CHECK-NEXT:   cim.input "arg0" [[X]] shape [1, 2, 3, 3]
// CHECK-NEXT:   cim.layer "relu" {
// CHECK-NEXT:     cim.unary "relu" [[R]][0] [1] from [[X]][0] [1] loops [18]
// CHECK-NEXT:   }
// CHECK-NEXT:   cim.layer "pool" {
// CHECK-NEXT:     cim.fill [[RPAD]][0] [1] value -3.000000e+38 loops [50]
// CHECK-NEXT:     cim.copy [[RPAD]][6] [25, 5, 1] from [[R]][0] [9, 3, 1] loops [2, 3, 3]
// CHECK-NEXT:     cim.reduce "max" [[P]][0] [9, 3, 1] from [[RPAD]][0] [25, 5, 1, 5, 1] loops [2, 3, 3, 3, 3] reduce 2
// CHECK-NEXT:   }
// CHECK-NEXT:   cim.layer "add" {
// CHECK-NEXT:     cim.binary "add" [[P]][0] [1] from [[P]][0] [1], [[R]][0] [1] loops [18]
// CHECK-NEXT:   }
// CHECK-NEXT:   cim.output "res0" [[P]] shape [1, 2, 3, 3]
// CHECK-NEXT: }

// Without aliasing the pool is lowered the same; only the add gets a buffer of its own.
// OWN:        cim.layer "pool" {
// OWN-NEXT:     cim.fill [[RPAD:%[^ ]+]][0] [1] value -3.000000e+38 loops [50]
// OWN-NEXT:     cim.copy [[RPAD]][6] [25, 5, 1] from [[R:%[^ ]+]][0] [9, 3, 1] loops [2, 3, 3]
// OWN-NEXT:     cim.reduce "max" [[P:%[^ ]+]][0] [9, 3, 1] from [[RPAD]][0] [25, 5, 1, 5, 1] loops [2, 3, 3, 3, 3] reduce 2
// OWN-NEXT:   }
// OWN-NEXT:   cim.layer "add" {
// OWN-NEXT:     cim.binary "add" {{%[^ ]+}}[0] [1] from [[P]][0] [1], [[R]][0] [1] loops [18]
// OWN-NEXT:   }

// -----

// Asymmetric pads [top, left, bottom, right], each map dying at its pool. pads [0, 1, 1, 0]
// widen the relu's 3x3 planes to 4x4 (2 x 16 elements, 128 bytes; the copy from element 1,
// strides [16, 4, 1]); the top fill is 0*4 + 1 = 1 element, the first row's left border
// (loops [2] 16 apart); the bottom 1*4 + 0 = 4 elements from 16 - 4 = 12; between the rows
// 1 + 0 = 1 element at 1 + 3 + 4i = 4, 8, the left border of rows 1 and 2: 1 + 4 + 2 = 16 - 9.
// The pool's map is not widened for pool2: at its birth it would be 4x3 planes (96 bytes)
// beside the widened relu map, 128 + 96 = 224 bytes, the peak; padded into a scratch buffer
// of its own the peak is 128 + 72 = 200 (at pool2, 72 + 96 = 168).
func.func @asymmetric(%x: tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32> {
  %r = graph.relu %x {cimc.layer = "relu"} : (tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32>
  %p = graph.maxpool %r kernel [2, 2] strides [1, 1] pads [0, 1, 1, 0] dilations [1, 1] {cimc.layer = "pool"} : (tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32>
  %q = graph.maxpool %p kernel [2, 1] strides [1, 1] pads [1, 0, 0, 0] dilations [1, 1] {cimc.layer = "pool2"} : (tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32>
  func.return %q : tensor<1x2x3x3xf32>
}

// CHECK:      cim.stream core 0 {
// CHECK-NEXT:   [[X:%[^ ]+]] = cim.alloc "input" size 72 : !cim.buffer
// CHECK-NEXT:   [[R:%[^ ]+]] = cim.alloc "activation" size 128 : !cim.buffer
// CHECK-NEXT:   [[P:%[^ ]+]] = cim.alloc "activation" size 72 : !cim.buffer
// CHECK-NEXT:   [[PPAD:%[^ ]+]] = cim.alloc "scratch" size 96 : !cim.buffer
// CHECK-NEXT:   [[Q:%[^ ]+]] = cim.alloc "activation" size 72 : !cim.buffer
// CHECK-NEXT:   cim.input "arg0" [[X]] shape [1, 2, 3, 3]
// CHECK-NEXT:   cim.layer "relu" {
// CHECK-NEXT:     cim.unary "relu" [[R]][0] [1] from [[X]][0] [1] loops [18]
// CHECK-NEXT:   }
// CHECK-NEXT:   cim.layer "pool" {
// CHECK-NEXT:     cim.copy [[R]][1] [16, 4, 1] from [[R]][0] [9, 3, 1] loops [2, 3, 3]
// CHECK-NEXT:     cim.fill [[R]][0] [16] value -3.000000e+38 loops [2]
// CHECK-NEXT:     cim.fill [[R]][12] [16, 1] value -3.000000e+38 loops [2, 4]
// CHECK-NEXT:     cim.fill [[R]][4] [16, 4] value -3.000000e+38 loops [2, 2]
// CHECK-NEXT:     cim.reduce "max" [[P]][0] [9, 3, 1] from [[R]][0] [16, 4, 1, 4, 1] loops [2, 3, 3, 2, 2] reduce 2
// CHECK-NEXT:   }
// CHECK-NEXT:   cim.layer "pool2" {
// CHECK-NEXT:     cim.fill [[PPAD]][0] [1] value -3.000000e+38 loops [24]
// CHECK-NEXT:     cim.copy [[PPAD]][3] [12, 1] from [[P]][0] [9, 1] loops [2, 9]
// CHECK-NEXT:     cim.reduce "max" [[Q]][0] [9, 3, 1] from [[PPAD]][0] [12, 3, 1, 3, 1] loops [2, 3, 3, 2, 1] reduce 2
// CHECK-NEXT:   }
// CHECK-NEXT:   cim.output "res0" [[Q]] shape [1, 2, 3, 3]
// CHECK-NEXT: }

// Without aliasing both pools fill a scratch whole with the border value (32 and 24 elements)
// and copy their input into it.
// OWN:      cim.stream core 0 {
// OWN-NEXT:   [[X:%[^ ]+]] = cim.alloc "input" size 72 : !cim.buffer
// OWN-NEXT:   [[R:%[^ ]+]] = cim.alloc "activation" size 72 : !cim.buffer
// OWN-NEXT:   [[RPAD:%[^ ]+]] = cim.alloc "scratch" size 128 : !cim.buffer
// OWN-NEXT:   [[P:%[^ ]+]] = cim.alloc "activation" size 72 : !cim.buffer
// OWN-NEXT:   [[PPAD:%[^ ]+]] = cim.alloc "scratch" size 96 : !cim.buffer
// OWN-NEXT:   [[Q:%[^ ]+]] = cim.alloc "activation" size 72 : !cim.buffer
// OWN-NEXT:   cim.input "arg0" [[X]] shape [1, 2, 3, 3]
// OWN-NEXT:   cim.layer "relu" {
// OWN-NEXT:     cim.unary "relu" [[R]][0] [1] from [[X]][0] [1] loops [18]
// OWN-NEXT:   }
// OWN-NEXT:   cim.layer "pool" {
// OWN-NEXT:     cim.fill [[RPAD]][0] [1] value -3.000000e+38 loops [32]
// OWN-NEXT:     cim.copy [[RPAD]][1] [16, 4, 1] from [[R]][0] [9, 3, 1] loops [2, 3, 3]
// OWN-NEXT:     cim.reduce "max" [[P]][0] [9, 3, 1] from [[RPAD]][0] [16, 4, 1, 4, 1] loops [2, 3, 3, 2, 2] reduce 2
// OWN-NEXT:   }
// OWN-NEXT:   cim.layer "pool2" {
// OWN-NEXT:     cim.fill [[PPAD]][0] [1] value -3.000000e+38 loops [24]
// OWN-NEXT:     cim.copy [[PPAD]][3] [12, 1] from [[P]][0] [9, 1] loops [2, 9]
// OWN-NEXT:     cim.reduce "max" [[Q]][0] [9, 3, 1] from [[PPAD]][0] [12, 3, 1, 3, 1] loops [2, 3, 3, 2, 1] reduce 2
// OWN-NEXT:   }
// OWN-NEXT:   cim.output "res0" [[Q]] shape [1, 2, 3, 3]
// OWN-NEXT: }

// -----

// pads [1, 0, 0, 0] widen the relu's 3x3 planes to 4x3 (2 x 12 elements, 96 bytes): whole
// rows move, so the copy is one run of 9 per plane (from element 3, planes 12 apart), and only
// the top fill is left, 1*3 + 0 = 3 elements; the bottom (0*3 + 0) and between (0 + 0) fills
// are omitted. Widened, the peak is x + r = 72 + 96 = 168 bytes at the relu, the same as at
// the copy into a scratch buffer of its own, so the map stays widened.
func.func @top_only(%x: tensor<1x2x3x3xf32>) -> tensor<1x2x2x3xf32> {
  %r = graph.relu %x {cimc.layer = "relu"} : (tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32>
  %q = graph.maxpool %r kernel [2, 1] strides [2, 1] pads [1, 0, 0, 0] dilations [1, 1] {cimc.layer = "pool"} : (tensor<1x2x3x3xf32>) -> tensor<1x2x2x3xf32>
  func.return %q : tensor<1x2x2x3xf32>
}

// CHECK:      cim.stream core 0 {
// CHECK-NEXT:   [[X:%[^ ]+]] = cim.alloc "input" size 72 : !cim.buffer
// CHECK-NEXT:   [[R:%[^ ]+]] = cim.alloc "activation" size 96 : !cim.buffer
// CHECK-NEXT:   [[Q:%[^ ]+]] = cim.alloc "activation" size 48 : !cim.buffer
// CHECK-NEXT:   cim.input "arg0" [[X]] shape [1, 2, 3, 3]
// CHECK-NEXT:   cim.layer "relu" {
// CHECK-NEXT:     cim.unary "relu" [[R]][0] [1] from [[X]][0] [1] loops [18]
// CHECK-NEXT:   }
// CHECK-NEXT:   cim.layer "pool" {
// CHECK-NEXT:     cim.copy [[R]][3] [12, 1] from [[R]][0] [9, 1] loops [2, 9]
// CHECK-NEXT:     cim.fill [[R]][0] [12, 1] value -3.000000e+38 loops [2, 3]
// CHECK-NEXT:     cim.reduce "max" [[Q]][0] [6, 3, 1] from [[R]][0] [12, 6, 1, 3, 1] loops [2, 2, 3, 2, 1] reduce 2
// CHECK-NEXT:   }
// CHECK-NEXT:   cim.output "res0" [[Q]] shape [1, 2, 2, 3]
// CHECK-NEXT: }

// OWN:      cim.layer "pool" {
// OWN-NEXT:   cim.fill [[RPAD:%[^ ]+]][0] [1] value -3.000000e+38 loops [24]
// OWN-NEXT:   cim.copy [[RPAD]][3] [12, 1] from {{%[^ ]+}}[0] [9, 1] loops [2, 9]
// OWN-NEXT:   cim.reduce "max" {{%[^ ]+}}[0] [6, 3, 1] from [[RPAD]][0] [12, 6, 1, 3, 1] loops [2, 2, 3, 2, 1] reduce 2
// OWN-NEXT: }
