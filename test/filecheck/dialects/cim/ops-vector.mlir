// RUN: cimc-opt %s | cimc-opt | filecheck %s --match-full-lines
// RUN: CIMC_ROUNDTRIP

// The vector unit's kinds and parameters, and a crossbar packing groups: every cim.unary kind
// (parameters a and b print only when non-zero), every cim.binary kind, and a crossbar holding
// 2 groups of rows [0, 4) block-diagonally (8 rows tall, so its MVM reads 8 inputs).

cim.crossbar 0 core 0 weight "dw.weight" rows [0, 4] cols [0, 2] groups 2
cim.stream core 0 {
  %x = cim.alloc "input" size 32 : !cim.buffer
  %y = cim.alloc "activation" size 32 : !cim.buffer
  %t = cim.alloc "scratch" size 32 : !cim.buffer
  cim.input "x" %x shape [8]
  cim.layer "dw" {
    cim.mvm xbar 0 %y[0] [2] from %x[0] [8] loops [1]
  }
  cim.layer "unary" {
    cim.unary "relu" %t[0] [1] from %x[0] [1] loops [8]
    cim.unary "clip" %t[0] [1] from %t[0] [1] loops [8] a -1.000000e+00 b 6.000000e+00
    cim.unary "clip" %t[0] [1] from %t[0] [1] loops [8] b 6.000000e+00
    cim.unary "leaky_relu" %t[0] [1] from %t[0] [1] loops [8] a 1.000000e-01
    cim.unary "sigmoid" %t[0] [1] from %t[0] [1] loops [8]
    cim.unary "tanh" %t[0] [1] from %t[0] [1] loops [8]
    cim.unary "exp" %t[0] [4, 1] from %t[0] [4, 1] loops [2, 4]
    cim.unary "affine" %t[0] [1] from %t[0] [1] loops [8] a 2.500000e-01 b 1.000000e+00
    cim.unary "pow" %t[0] [1] from %t[0] [1] loops [8] a -7.500000e-01
  }
  cim.layer "binary" {
    cim.binary "add" %y[0] [1] from %t[0] [1], %x[0] [1] loops [8]
    cim.binary "sub" %y[0] [4, 1] from %y[0] [4, 1], %t[0] [1, 0] loops [2, 4]
    cim.binary "mul" %y[0] [1] from %y[0] [1], %y[0] [1] loops [8]
    cim.binary "max" %y[0] [1] from %y[0] [1], %t[0] [0] loops [8]
    cim.binary "min" %y[0] [1] from %y[0] [1], %t[0] [0] loops [8]
    cim.binary "div" %y[0] [4, 1] from %y[0] [4, 1], %t[4] [0, 1] loops [2, 4]
  }
  cim.output "y" %y shape [8]
}

// CHECK:      cim.crossbar 0 core 0 weight "dw.weight" rows [0, 4] cols [0, 2] groups 2
// CHECK-NEXT: cim.stream core 0 {
// CHECK-NEXT:   %x = cim.alloc "input" size 32 : !cim.buffer
// CHECK-NEXT:   %y = cim.alloc "activation" size 32 : !cim.buffer
// CHECK-NEXT:   %t = cim.alloc "scratch" size 32 : !cim.buffer
// CHECK-NEXT:   cim.input "x" %x shape [8]
// CHECK-NEXT:   cim.layer "dw" {
// CHECK-NEXT:     cim.mvm xbar 0 %y[0] [2] from %x[0] [8] loops [1]
// CHECK-NEXT:   }
// CHECK-NEXT:   cim.layer "unary" {
// CHECK-NEXT:     cim.unary "relu" %t[0] [1] from %x[0] [1] loops [8]
// CHECK-NEXT:     cim.unary "clip" %t[0] [1] from %t[0] [1] loops [8] a -1.000000e+00 b 6.000000e+00
// CHECK-NEXT:     cim.unary "clip" %t[0] [1] from %t[0] [1] loops [8] b 6.000000e+00
// CHECK-NEXT:     cim.unary "leaky_relu" %t[0] [1] from %t[0] [1] loops [8] a 1.000000e-01
// CHECK-NEXT:     cim.unary "sigmoid" %t[0] [1] from %t[0] [1] loops [8]
// CHECK-NEXT:     cim.unary "tanh" %t[0] [1] from %t[0] [1] loops [8]
// CHECK-NEXT:     cim.unary "exp" %t[0] [4, 1] from %t[0] [4, 1] loops [2, 4]
// CHECK-NEXT:     cim.unary "affine" %t[0] [1] from %t[0] [1] loops [8] a 2.500000e-01 b 1.000000e+00
// CHECK-NEXT:     cim.unary "pow" %t[0] [1] from %t[0] [1] loops [8] a -7.500000e-01
// CHECK-NEXT:   }
// CHECK-NEXT:   cim.layer "binary" {
// CHECK-NEXT:     cim.binary "add" %y[0] [1] from %t[0] [1], %x[0] [1] loops [8]
// CHECK-NEXT:     cim.binary "sub" %y[0] [4, 1] from %y[0] [4, 1], %t[0] [1, 0] loops [2, 4]
// CHECK-NEXT:     cim.binary "mul" %y[0] [1] from %y[0] [1], %y[0] [1] loops [8]
// CHECK-NEXT:     cim.binary "max" %y[0] [1] from %y[0] [1], %t[0] [0] loops [8]
// CHECK-NEXT:     cim.binary "min" %y[0] [1] from %y[0] [1], %t[0] [0] loops [8]
// CHECK-NEXT:     cim.binary "div" %y[0] [4, 1] from %y[0] [4, 1], %t[4] [0, 1] loops [2, 4]
// CHECK-NEXT:   }
// CHECK-NEXT:   cim.output "y" %y shape [8]
// CHECK-NEXT: }
