// RUN: cimc-opt %s | cimc-opt | filecheck %s --match-full-lines
// RUN: CIMC_ROUNDTRIP

// Windowed MVMs in the custom format, printed, parsed back and printed again, and through the
// generic format: `window [kh, kw, a, b]` and `first_row N` after the src operand's
// `row_stride`, each printed only when given. With a window the crossbar's row r takes input
// q = first_row + r of kh x kw windows over channels: q = (c*kh + y)*kw + x reads
// src[i + c*row_stride + y*a + x*b].
//
// A 3x3 conv of a 2-channel map padded to 4x4 (Hp*Wp = 16 elements per channel), 3 output
// channels of 2x2: the loop points are the output pixels (oh, ow) at 4*oh + ow of the padded
// map (src strides [4, 1]) and at 2*oh + ow of the NCHW output (dst strides [2, 1], channels
// 4 apart: col_stride 4). Its K = 2*3*3 = 18 window rows are cut into row tiles of 8: rows
// [0, 8) (first_row 0, not printed), [8, 16) from row 8 = (c, y, x) = (0, 2, 2), inside
// channel 0, and [16, 18) from (1, 2, 1), inside channel 1; the row tile [8, 16) again on
// crossbars 3 and 4 (replicas 2, each taking one output row). Then a 2x2 kernel with
// dilation 2 on one channel of the padded map: its window's rows are 2*Wp = 8 apart and its
// columns 2 apart (window [2, 2, 8, 2]).

cim.crossbar 0 core 0 weight "conv.weight" rows [0, 8] cols [0, 3]
cim.crossbar 1 core 0 weight "conv.weight" rows [8, 16] cols [0, 3]
cim.crossbar 2 core 0 weight "conv.weight" rows [16, 18] cols [0, 3]
cim.crossbar 3 core 0 weight "conv.weight" rows [8, 16] cols [0, 3]
cim.crossbar 4 core 0 weight "conv.weight" rows [8, 16] cols [0, 3]
cim.crossbar 5 core 0 weight "dil.weight" rows [0, 4] cols [0, 1]
cim.stream core 0 {
  %x = cim.alloc "input" size 128 : !cim.buffer
  %y = cim.alloc "activation" size 48 : !cim.buffer
  %z = cim.alloc "activation" size 16 : !cim.buffer
  cim.input "x" %x shape [1, 2, 4, 4]
  cim.layer "conv" {
    cim.mvm xbar 0 %y[0] [2, 1] col_stride 4 from %x[0] [4, 1] row_stride 16 window [3, 3, 4, 1] loops [2, 2]
    cim.mvm xbar 1 %y[0] [2, 1] col_stride 4 from %x[0] [4, 1] row_stride 16 window [3, 3, 4, 1] first_row 8 loops [2, 2] acc
    cim.mvm xbar 2 %y[0] [2, 1] col_stride 4 from %x[0] [4, 1] row_stride 16 window [3, 3, 4, 1] first_row 16 loops [2, 2] acc
    cim.mvm xbar 3 replicas 2 %y[0] [2, 1] col_stride 4 from %x[0] [4, 1] row_stride 16 window [3, 3, 4, 1] first_row 8 loops [2, 2] acc
  }
  cim.layer "dilated" {
    cim.mvm xbar 5 %z[0] [2, 1] from %x[0] [4, 1] row_stride 16 window [2, 2, 8, 2] loops [2, 2]
  }
  cim.output "y" %y shape [1, 3, 2, 2]
  cim.output "z" %z shape [1, 1, 2, 2]
}

// CHECK:      cim.crossbar 0 core 0 weight "conv.weight" rows [0, 8] cols [0, 3]
// CHECK-NEXT: cim.crossbar 1 core 0 weight "conv.weight" rows [8, 16] cols [0, 3]
// CHECK-NEXT: cim.crossbar 2 core 0 weight "conv.weight" rows [16, 18] cols [0, 3]
// CHECK-NEXT: cim.crossbar 3 core 0 weight "conv.weight" rows [8, 16] cols [0, 3]
// CHECK-NEXT: cim.crossbar 4 core 0 weight "conv.weight" rows [8, 16] cols [0, 3]
// CHECK-NEXT: cim.crossbar 5 core 0 weight "dil.weight" rows [0, 4] cols [0, 1]
// CHECK-NEXT: cim.stream core 0 {
// CHECK-NEXT:   %x = cim.alloc "input" size 128 : !cim.buffer
// CHECK-NEXT:   %y = cim.alloc "activation" size 48 : !cim.buffer
// CHECK-NEXT:   %z = cim.alloc "activation" size 16 : !cim.buffer
// CHECK-NEXT:   cim.input "x" %x shape [1, 2, 4, 4]
// CHECK-NEXT:   cim.layer "conv" {
// CHECK-NEXT:     cim.mvm xbar 0 %y[0] [2, 1] col_stride 4 from %x[0] [4, 1] row_stride 16 window [3, 3, 4, 1] loops [2, 2]
// CHECK-NEXT:     cim.mvm xbar 1 %y[0] [2, 1] col_stride 4 from %x[0] [4, 1] row_stride 16 window [3, 3, 4, 1] first_row 8 loops [2, 2] acc
// CHECK-NEXT:     cim.mvm xbar 2 %y[0] [2, 1] col_stride 4 from %x[0] [4, 1] row_stride 16 window [3, 3, 4, 1] first_row 16 loops [2, 2] acc
// CHECK-NEXT:     cim.mvm xbar 3 replicas 2 %y[0] [2, 1] col_stride 4 from %x[0] [4, 1] row_stride 16 window [3, 3, 4, 1] first_row 8 loops [2, 2] acc
// CHECK-NEXT:   }
// CHECK-NEXT:   cim.layer "dilated" {
// CHECK-NEXT:     cim.mvm xbar 5 %z[0] [2, 1] from %x[0] [4, 1] row_stride 16 window [2, 2, 8, 2] loops [2, 2]
// CHECK-NEXT:   }
// CHECK-NEXT:   cim.output "y" %y shape [1, 3, 2, 2]
// CHECK-NEXT:   cim.output "z" %z shape [1, 1, 2, 2]
// CHECK-NEXT: }
