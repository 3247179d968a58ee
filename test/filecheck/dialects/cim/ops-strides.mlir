// RUN: cimc-opt %s | cimc-opt | filecheck %s --match-full-lines
// RUN: CIMC_ROUNDTRIP

// An MVM's column and row strides in the custom format, printed, parsed back and printed
// again, and through the generic format: `col_stride` after the dst operand (output column j
// of the crossbar goes to dst[i + j*col_stride]) and `row_stride` after the src operand
// (input row r is src[i + r*row_stride]), each printed only when given. A 1x1 conv on a
// 3-channel 2x2 NCHW map, 4 pixels: the pixels are the loop points (stride 1), the input
// channels 4 elements apart and the 2 output channels 4 apart, so the MVM reads and writes
// the feature maps themselves (again on crossbars 0 and 1, replicas); then crossbar 1 writes
// a pixel-major 4 x 2 matrix (stride 1 between columns) and crossbar 2 reads it back (rows
// 1 apart) into the NCHW map.

cim.crossbar 0 core 0 weight "pw.weight" rows [0, 3] cols [0, 2]
cim.crossbar 1 core 0 weight "pw.weight" rows [0, 3] cols [0, 2]
cim.crossbar 2 core 0 weight "mix.weight" rows [0, 2] cols [0, 2]
cim.stream core 0 {
  %x = cim.alloc "input" size 48 : !cim.buffer
  %y = cim.alloc "activation" size 32 : !cim.buffer
  %m = cim.alloc "scratch" size 32 : !cim.buffer
  cim.input "x" %x shape [1, 3, 2, 2]
  cim.layer "pw" {
    cim.mvm xbar 0 %y[0] [1] col_stride 4 from %x[0] [1] row_stride 4 loops [4]
    cim.mvm xbar 0 replicas 2 %y[0] [1] col_stride 4 from %x[0] [1] row_stride 4 loops [4] acc
    cim.mvm xbar 1 %m[0] [2] from %x[0] [1] row_stride 4 loops [4]
    cim.mvm xbar 2 %y[0] [1] col_stride 4 from %m[0] [2] loops [4]
  }
  cim.output "y" %y shape [1, 2, 2, 2]
}

// CHECK:      cim.crossbar 0 core 0 weight "pw.weight" rows [0, 3] cols [0, 2]
// CHECK-NEXT: cim.crossbar 1 core 0 weight "pw.weight" rows [0, 3] cols [0, 2]
// CHECK-NEXT: cim.crossbar 2 core 0 weight "mix.weight" rows [0, 2] cols [0, 2]
// CHECK-NEXT: cim.stream core 0 {
// CHECK-NEXT:   %x = cim.alloc "input" size 48 : !cim.buffer
// CHECK-NEXT:   %y = cim.alloc "activation" size 32 : !cim.buffer
// CHECK-NEXT:   %m = cim.alloc "scratch" size 32 : !cim.buffer
// CHECK-NEXT:   cim.input "x" %x shape [1, 3, 2, 2]
// CHECK-NEXT:   cim.layer "pw" {
// CHECK-NEXT:     cim.mvm xbar 0 %y[0] [1] col_stride 4 from %x[0] [1] row_stride 4 loops [4]
// CHECK-NEXT:     cim.mvm xbar 0 replicas 2 %y[0] [1] col_stride 4 from %x[0] [1] row_stride 4 loops [4] acc
// CHECK-NEXT:     cim.mvm xbar 1 %m[0] [2] from %x[0] [1] row_stride 4 loops [4]
// CHECK-NEXT:     cim.mvm xbar 2 %y[0] [1] col_stride 4 from %m[0] [2] loops [4]
// CHECK-NEXT:   }
// CHECK-NEXT:   cim.output "y" %y shape [1, 2, 2, 2]
// CHECK-NEXT: }
