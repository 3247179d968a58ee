// RUN: cimc-opt %s --split-input-file --verify-diagnostics | filecheck %s --match-full-lines

// The verifier errors of int crossbars (precision "int"), one chunk each. With `slices` S a
// crossbar's cols are physical columns of the n-major cell layout, and it serves weight
// columns [c0 / 2S, ceil(c1 / 2S)).

cim.crossbar 0 core 0 weight "w" rows [0, 4] cols [0, 8] slices -1

// CHECK: cim.crossbar: 'slices' must be >= 1, got -1

// -----

cim.crossbar 0 core 0 weight "w" rows [0, 4] cols [0, 8] slices 0

// CHECK: cim.crossbar: 'slices' must be >= 1, got 0

// -----

// The DACs add a non-negative offset (offset binary) to signed codes.
cim.crossbar 0 core 0 weight "w" rows [0, 4] cols [0, 8] slices 2
cim.stream core 0 {
  %x = cim.alloc "input" size 16 : !cim.buffer
  %y = cim.alloc "activation" size 8 : !cim.buffer
  cim.layer "fc" {
    cim.mvm xbar 0 %y[0] [2] from %x[0] [4] loops [1] acc offset -8
  }
}

// CHECK: cim.mvm: 'offset' must be >= 0, got -8

// -----

// An fp32 crossbar (no `slices`) takes float inputs: no offset.
cim.crossbar 0 core 0 weight "w" rows [0, 4] cols [0, 2]
cim.stream core 0 {
  %x = cim.alloc "input" size 16 : !cim.buffer
  %y = cim.alloc "activation" size 8 : !cim.buffer
  cim.layer "fc" {
    cim.mvm xbar 0 %y[0] [2] from %x[0] [4] loops [1] offset 8
  }
}

// CHECK: cim.mvm: an 'offset' needs an int crossbar; crossbar 0 has no 'slices'

// -----

// 2 packed groups must split the weight columns evenly: physical [0, 12) with S = 2 serve
// weight columns [0, 3), 3 of them.
cim.crossbar 0 core 0 weight "w" rows [0, 4] cols [0, 12] groups 2 slices 2

// CHECK: cim.crossbar: 'groups' 2 must be >= 1 and divide its 3 columns

// -----

// An MVM on an int crossbar writes one value per weight column, not per physical column:
// physical [0, 12) with S = 2 are weight columns [0, 3), 3 values, past a 2-element buffer.
cim.crossbar 0 core 0 weight "w" rows [0, 4] cols [0, 12] slices 2
cim.stream core 0 {
  %x = cim.alloc "input" size 16 : !cim.buffer
  %y = cim.alloc "activation" size 8 : !cim.buffer
  cim.layer "fc" {
    cim.mvm xbar 0 %y[0] [2] from %x[0] [4] loops [1] acc offset 8
  }
}

// CHECK: cim.mvm: operand 'dst' touches elements [0, 3) outside its buffer of 2 elements

// -----

// Physical [6, 12) start inside weight column 6 / 4 = 1 and end at ceil(12 / 4) = 3: two
// weight columns, written from dst element 1 on: [1, 3).
cim.crossbar 0 core 0 weight "w" rows [0, 4] cols [6, 12] slices 2
cim.stream core 0 {
  %x = cim.alloc "input" size 16 : !cim.buffer
  %y = cim.alloc "activation" size 8 : !cim.buffer
  cim.layer "fc" {
    cim.mvm xbar 0 %y[1] [2] from %x[0] [4] loops [1] acc
  }
}

// CHECK: cim.mvm: operand 'dst' touches elements [1, 3) outside its buffer of 2 elements

// -----

cim.stream core 0 {
  %x = cim.alloc "input" size 16 : !cim.buffer
  cim.layer "q" {
    cim.unary "quantize_signed" %x[0] [1] from %x[0] [1] loops [4] a 5.000000e-01 b 7.000000e+00
  }
}

// CHECK: cim.unary: kind must be one of relu, clip, leaky_relu, sigmoid, tanh, exp, affine, pow, quantize, quantize_unsigned, got "quantize_signed"
