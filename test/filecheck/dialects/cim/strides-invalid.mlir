// RUN: cimc-opt %s --split-input-file --verify-diagnostics | filecheck %s --match-full-lines

// The verifier errors of an MVM's column and row strides, one chunk each. Both are >= 1, and
// an MVM has at most MAX_LOOPS - 1 = 5 loops: the binary stores the strides in its loop
// pattern after the last loop.

cim.crossbar 0 core 0 weight "w" rows [0, 4] cols [0, 2]
cim.stream core 0 {
  %x = cim.alloc "input" size 64 : !cim.buffer
  %y = cim.alloc "activation" size 32 : !cim.buffer
  cim.layer "l" {
    cim.mvm xbar 0 %y[0] [1] col_stride 0 from %x[0] [1] row_stride 4 loops [4]
  }
}

// CHECK: cim.mvm: 'col_stride' must be >= 1, got 0

// -----

cim.crossbar 0 core 0 weight "w" rows [0, 4] cols [0, 2]
cim.stream core 0 {
  %x = cim.alloc "input" size 64 : !cim.buffer
  %y = cim.alloc "activation" size 32 : !cim.buffer
  cim.layer "l" {
    cim.mvm xbar 0 %y[0] [1] col_stride 4 from %x[0] [1] row_stride 0 loops [4]
  }
}

// CHECK: cim.mvm: 'row_stride' must be >= 1, got 0

// -----

cim.crossbar 0 core 0 weight "w" rows [0, 4] cols [0, 2]
cim.stream core 0 {
  %x = cim.alloc "input" size 64 : !cim.buffer
  %y = cim.alloc "activation" size 32 : !cim.buffer
  cim.layer "l" {
    cim.mvm xbar 0 %y[3] [1] col_stride -1 from %x[0] [1] loops [1]
  }
}

// CHECK: cim.mvm: 'col_stride' must be >= 1, got -1

// -----

// Six loops leave no place in the pattern for the crossbar's columns and rows (a copy may
// have six).
cim.crossbar 0 core 0 weight "w" rows [0, 4] cols [0, 2]
cim.stream core 0 {
  %x = cim.alloc "input" size 16 : !cim.buffer
  %y = cim.alloc "activation" size 8 : !cim.buffer
  cim.layer "l" {
    cim.mvm xbar 0 %y[0] [0, 0, 0, 0, 0, 0] from %x[0] [0, 0, 0, 0, 0, 0] loops [1, 1, 1, 1, 1, 1]
  }
}

// CHECK: cim.mvm: 'loops' must have 1 to 5 entries (the crossbar's columns and rows are the operands' last loop), got 6

// -----

// The strided run counts in the bounds: 2 columns 4 apart from element 1 touch elements 1
// and 5 of %y, one past its 5 elements ([1, 6) would fit with col_stride 1's [1, 3)).
cim.crossbar 0 core 0 weight "w" rows [0, 4] cols [0, 2]
cim.stream core 0 {
  %x = cim.alloc "input" size 64 : !cim.buffer
  %y = cim.alloc "activation" size 20 : !cim.buffer
  cim.layer "l" {
    cim.mvm xbar 0 %y[1] [1] col_stride 4 from %x[0] [1] row_stride 4 loops [1]
  }
}

// CHECK: cim.mvm: operand 'dst' touches elements [1, 6) outside its buffer of 5 elements

// -----

// 4 rows 4 apart from element 3 reach element 15 + 3 = 18 of a 16-element %x.
cim.crossbar 0 core 0 weight "w" rows [0, 4] cols [0, 2]
cim.stream core 0 {
  %x = cim.alloc "input" size 64 : !cim.buffer
  %y = cim.alloc "activation" size 32 : !cim.buffer
  cim.layer "l" {
    cim.mvm xbar 0 %y[0] [1] col_stride 4 from %x[0] [1] row_stride 4 loops [4]
    cim.mvm xbar 0 %y[0] [1] col_stride 4 from %x[3] [1] row_stride 4 loops [4]
  }
}

// CHECK: cim.mvm: operand 'src' touches elements [3, 19) outside its buffer of 16 elements
