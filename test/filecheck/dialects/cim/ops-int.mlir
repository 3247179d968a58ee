// RUN: cimc-opt %s | cimc-opt | filecheck %s --match-full-lines
// RUN: CIMC_ROUNDTRIP

// The int (precision "int") syntax of the cim ISA in its custom format, printed, parsed back
// and printed again, and through the generic format: int crossbars (`slices`, cols in
// physical columns, `groups` before `slices`), MVMs with `acc` and `offset`, and the vector
// unit's quantize / quantize_unsigned (a = scale, b = largest code). A 4 -> 5 gemm with
// S = 2: 5 weight columns are 20 physical columns, cut into [0, 16) and [16, 20).

cim.crossbar 0 core 0 weight "fc.weight" rows [0, 4] cols [0, 16] slices 2
cim.crossbar 1 core 0 weight "fc.weight" rows [0, 4] cols [16, 20] slices 2 {cimc.note = "weight column 4"}
cim.crossbar 2 core 1 weight "dw.weight" rows [0, 1] cols [0, 8] groups 2 slices 2
cim.stream core 0 {
  %x = cim.alloc "input" size 16 : !cim.buffer
  %q = cim.alloc "activation" size 16 : !cim.buffer
  %y = cim.alloc "activation" size 20 : !cim.buffer
  %c = cim.alloc "const" size 20 weight "fc.weight.offset_correction" : !cim.buffer
  cim.input "x" %x shape [1, 4]
  cim.layer "fc" {
    cim.unary "quantize" %q[0] [1] from %x[0] [1] loops [4] a 2.500000e-01 b 7.000000e+00
    cim.fill %y[0] [1] value 0.000000e+00 loops [5]
    cim.mvm xbar 0 %y[0] [5] from %q[0] [4] loops [1] acc offset 8
    cim.mvm xbar 1 %y[4] [5] from %q[0] [4] loops [1] acc offset 8
    cim.binary "add" %y[0] [1] from %y[0] [1], %c[0] [1] loops [5]
  }
  cim.layer "dw" {
    cim.unary "quantize_unsigned" %q[0] [1] from %y[0] [1] loops [2] a 5.000000e-01 b 1.500000e+01
    cim.mvm xbar 2 %x[0] [2] from %q[0] [2] loops [1] acc
  }
  cim.output "y" %y shape [1, 5]
}

// CHECK:      cim.crossbar 0 core 0 weight "fc.weight" rows [0, 4] cols [0, 16] slices 2
// CHECK-NEXT: cim.crossbar 1 core 0 weight "fc.weight" rows [0, 4] cols [16, 20] slices 2 {cimc.note = "weight column 4"}
// CHECK-NEXT: cim.crossbar 2 core 1 weight "dw.weight" rows [0, 1] cols [0, 8] groups 2 slices 2
// CHECK-NEXT: cim.stream core 0 {
// CHECK-NEXT:   %x = cim.alloc "input" size 16 : !cim.buffer
// CHECK-NEXT:   %q = cim.alloc "activation" size 16 : !cim.buffer
// CHECK-NEXT:   %y = cim.alloc "activation" size 20 : !cim.buffer
// CHECK-NEXT:   %c = cim.alloc "const" size 20 weight "fc.weight.offset_correction" : !cim.buffer
// CHECK-NEXT:   cim.input "x" %x shape [1, 4]
// CHECK-NEXT:   cim.layer "fc" {
// CHECK-NEXT:     cim.unary "quantize" %q[0] [1] from %x[0] [1] loops [4] a 2.500000e-01 b 7.000000e+00
// CHECK-NEXT:     cim.fill %y[0] [1] value 0.000000e+00 loops [5]
// CHECK-NEXT:     cim.mvm xbar 0 %y[0] [5] from %q[0] [4] loops [1] acc offset 8
// CHECK-NEXT:     cim.mvm xbar 1 %y[4] [5] from %q[0] [4] loops [1] acc offset 8
// CHECK-NEXT:     cim.binary "add" %y[0] [1] from %y[0] [1], %c[0] [1] loops [5]
// CHECK-NEXT:   }
// CHECK-NEXT:   cim.layer "dw" {
// CHECK-NEXT:     cim.unary "quantize_unsigned" %q[0] [1] from %y[0] [1] loops [2] a 5.000000e-01 b 1.500000e+01
// CHECK-NEXT:     cim.mvm xbar 2 %x[0] [2] from %q[0] [2] loops [1] acc
// CHECK-NEXT:   }
// CHECK-NEXT:   cim.output "y" %y shape [1, 5]
// CHECK-NEXT: }
