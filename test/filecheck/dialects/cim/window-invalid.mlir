// RUN: cimc-opt %s --split-input-file --verify-diagnostics | filecheck %s --match-full-lines

// The verifier errors of an MVM's input window, one chunk each: a window is 4 entries
// [kh, kw, y stride, x stride], each >= 1; `first_row` is >= 0 and only comes with a window;
// and the bounds check covers a windowed read over the whole channels its rows fall in.

// Three entries: the x stride is missing.
cim.crossbar 0 core 0 weight "w" rows [0, 9] cols [0, 2]
cim.stream core 0 {
  %x = cim.alloc "input" size 100 : !cim.buffer
  %y = cim.alloc "activation" size 72 : !cim.buffer
  cim.layer "l" {
    cim.mvm xbar 0 %y[0] [3, 1] col_stride 9 from %x[0] [5, 1] row_stride 25 window [3, 3, 5] loops [3, 3]
  }
}

// CHECK: cim.mvm: 'window' must be [kh, kw, y stride, x stride], each >= 1, got [3, 3, 5]

// -----

// A y stride of 0.
cim.crossbar 0 core 0 weight "w" rows [0, 9] cols [0, 2]
cim.stream core 0 {
  %x = cim.alloc "input" size 100 : !cim.buffer
  %y = cim.alloc "activation" size 72 : !cim.buffer
  cim.layer "l" {
    cim.mvm xbar 0 %y[0] [3, 1] col_stride 9 from %x[0] [5, 1] row_stride 25 window [3, 3, 0, 1] loops [3, 3]
  }
}

// CHECK: cim.mvm: 'window' must be [kh, kw, y stride, x stride], each >= 1, got [3, 3, 0, 1]

// -----

// A first row without a window: rows are row_stride apart, there is no window row to start at.
cim.crossbar 0 core 0 weight "w" rows [0, 4] cols [0, 2]
cim.stream core 0 {
  %x = cim.alloc "input" size 100 : !cim.buffer
  %y = cim.alloc "activation" size 72 : !cim.buffer
  cim.layer "l" {
    cim.mvm xbar 0 %y[0] [1] col_stride 9 from %x[0] [1] row_stride 25 first_row 3 loops [9]
  }
}

// CHECK: cim.mvm: 'first_row' must be >= 0 and needs a 'window', got 3 without one

// -----

// A negative first row.
cim.crossbar 0 core 0 weight "w" rows [0, 9] cols [0, 2]
cim.stream core 0 {
  %x = cim.alloc "input" size 100 : !cim.buffer
  %y = cim.alloc "activation" size 72 : !cim.buffer
  cim.layer "l" {
    cim.mvm xbar 0 %y[0] [3, 1] col_stride 9 from %x[0] [5, 1] row_stride 25 window [3, 3, 5, 1] first_row -1 loops [3, 3]
  }
}

// CHECK: cim.mvm: 'first_row' must be >= 0 and needs a 'window', got -1

// -----

// A 3x3 window over a 3x3 output of an unpadded 4x4 map (the padding forgotten): the last
// pixel's window starts at 2*4 + 2 = 10 and ends (2*4 + 2*1) further on, element 20 of a
// 16-element %x.
cim.crossbar 0 core 0 weight "w" rows [0, 9] cols [0, 2]
cim.stream core 0 {
  %x = cim.alloc "input" size 64 : !cim.buffer
  %y = cim.alloc "activation" size 72 : !cim.buffer
  cim.layer "l" {
    cim.mvm xbar 0 %y[0] [3, 1] col_stride 9 from %x[0] [4, 1] row_stride 16 window [3, 3, 4, 1] loops [3, 3]
  }
}

// CHECK: cim.mvm: operand 'src' touches elements [0, 21) outside its buffer of 16 elements

// -----

// A 3x3 conv over a 2-channel map padded to 5x5 (50 elements). Crossbar 0's 9 rows from
// first_row 9 = (c, y, x) = (1, 0, 0) read channel 1, elements [25, 50), and crossbar 1's 2
// rows from first_row 12 = (1, 1, 0) stay in it: both are accepted. Crossbar 0 read from
// first_row 12 runs its rows 12..20 into a channel 2 the map does not have; the bounds take
// the whole channels the rows fall in, 1 and 2: elements [25, 75).
cim.crossbar 0 core 0 weight "w" rows [9, 18] cols [0, 2]
cim.crossbar 1 core 0 weight "w" rows [12, 14] cols [0, 2]
cim.stream core 0 {
  %x = cim.alloc "input" size 200 : !cim.buffer
  %y = cim.alloc "activation" size 72 : !cim.buffer
  cim.layer "l" {
    cim.mvm xbar 0 %y[0] [3, 1] col_stride 9 from %x[0] [5, 1] row_stride 25 window [3, 3, 5, 1] first_row 9 loops [3, 3]
    cim.mvm xbar 1 %y[0] [3, 1] col_stride 9 from %x[0] [5, 1] row_stride 25 window [3, 3, 5, 1] first_row 12 loops [3, 3] acc
    cim.mvm xbar 0 %y[0] [3, 1] col_stride 9 from %x[0] [5, 1] row_stride 25 window [3, 3, 5, 1] first_row 12 loops [3, 3] acc
  }
}

// CHECK: cim.mvm: operand 'src' touches elements [25, 75) outside its buffer of 50 elements
