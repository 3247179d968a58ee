// RUN: cimc-opt %s | cimc-opt | filecheck %s --match-full-lines
// RUN: CIMC_ROUNDTRIP

// Every cim op in its custom format: a 6 -> 4 gemm on two 3x4 crossbars (the second
// accumulating), bias add, relu, pools and a padding fill, in one stream.

cim.crossbar 0 core 0 weight "fc.weight" rows [0, 3] cols [0, 4]
cim.crossbar 1 core 1 weight "fc.weight" rows [3, 6] cols [0, 4] {cimc.note = "second row tile"}
cim.stream core 0 {
  %x = cim.alloc "input" size 48 : !cim.buffer
  %b = cim.alloc "const" size 16 addr 48 weight "fc.bias" : !cim.buffer
  %y = cim.alloc "activation" size 32 addr 64 : !cim.buffer
  %t = cim.alloc "scratch" size 64 : !cim.buffer
  cim.input "x" %x shape [2, 6]
  cim.layer "fc" {
    cim.mvm xbar 0 %y[0] [4] from %x[0] [6] loops [2]
    cim.mvm xbar 1 %y[0] [4] from %x[3] [6] loops [2] acc
    cim.binary "add" %y[0] [4, 1] from %y[0] [4, 1], %b[0] [0, 1] loops [2, 4]
  }
  cim.layer "post" {
    cim.unary "relu" %y[0] [1] from %y[0] [1] loops [8]
    cim.fill %t[0] [1] value -3.000000e+38 loops [16]
    cim.copy %t[5] [4, 1] from %y[0] [4, 1] loops [2, 4]
    cim.reduce "max" %x[0] [2, 1] from %t[0] [8, 2, 4, 1] loops [2, 2, 2, 2] reduce 2
    cim.reduce "mean" %x[4] [] from %y[0] [1] loops [8] reduce 1
  }
  cim.output "y" %y shape [2, 4]
}

// CHECK:      cim.crossbar 0 core 0 weight "fc.weight" rows [0, 3] cols [0, 4]
// CHECK-NEXT: cim.crossbar 1 core 1 weight "fc.weight" rows [3, 6] cols [0, 4] {cimc.note = "second row tile"}
// CHECK-NEXT: cim.stream core 0 {
// CHECK-NEXT:   %x = cim.alloc "input" size 48 : !cim.buffer
// CHECK-NEXT:   %b = cim.alloc "const" size 16 addr 48 weight "fc.bias" : !cim.buffer
// CHECK-NEXT:   %y = cim.alloc "activation" size 32 addr 64 : !cim.buffer
// CHECK-NEXT:   %t = cim.alloc "scratch" size 64 : !cim.buffer
// CHECK-NEXT:   cim.input "x" %x shape [2, 6]
// CHECK-NEXT:   cim.layer "fc" {
// CHECK-NEXT:     cim.mvm xbar 0 %y[0] [4] from %x[0] [6] loops [2]
// CHECK-NEXT:     cim.mvm xbar 1 %y[0] [4] from %x[3] [6] loops [2] acc
// CHECK-NEXT:     cim.binary "add" %y[0] [4, 1] from %y[0] [4, 1], %b[0] [0, 1] loops [2, 4]
// CHECK-NEXT:   }
// CHECK-NEXT:   cim.layer "post" {
// CHECK-NEXT:     cim.unary "relu" %y[0] [1] from %y[0] [1] loops [8]
// CHECK-NEXT:     cim.fill %t[0] [1] value -3.000000e+38 loops [16]
// CHECK-NEXT:     cim.copy %t[5] [4, 1] from %y[0] [4, 1] loops [2, 4]
// CHECK-NEXT:     cim.reduce "max" %x[0] [2, 1] from %t[0] [8, 2, 4, 1] loops [2, 2, 2, 2] reduce 2
// CHECK-NEXT:     cim.reduce "mean" %x[4] [] from %y[0] [1] loops [8] reduce 1
// CHECK-NEXT:   }
// CHECK-NEXT:   cim.output "y" %y shape [2, 4]
// CHECK-NEXT: }
