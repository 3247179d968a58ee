// RUN: cimc-opt %s --split-input-file --verify-diagnostics | filecheck %s --match-full-lines

// One chunk per cim verifier error; xDSL prints each message and exits 0.

cim.crossbar -1 core 0 weight "w" rows [0, 4] cols [0, 4]

// CHECK: cim.crossbar: 'id', 'core' and 'slot' must be >= 0

// -----

cim.crossbar 0 core -1 weight "w" rows [0, 4] cols [0, 4]

// CHECK: cim.crossbar: 'id', 'core' and 'slot' must be >= 0

// -----

cim.crossbar 0 core 0 weight "w" rows [4, 4] cols [0, 4]

// CHECK: cim.crossbar: 'rows' must be a non-empty [begin, end] range, got [4, 4]

// -----

cim.crossbar 0 core 0 weight "w" rows [0, 4] cols [0, 2, 4]

// CHECK: cim.crossbar: 'cols' must be a non-empty [begin, end] range, got [0, 2, 4]

// -----

cim.stream core 0 {
  %a = cim.alloc "weights" size 16 : !cim.buffer
}

// CHECK: cim.alloc: 'kind' must be one of input, activation, scratch, const, got "weights"

// -----

cim.stream core 0 {
  %a = cim.alloc "activation" size 0 : !cim.buffer
}

// CHECK: cim.alloc: 'size' must be a positive multiple of 4, got 0

// -----

cim.stream core 0 {
  %a = cim.alloc "activation" size 10 : !cim.buffer
}

// CHECK: cim.alloc: 'size' must be a positive multiple of 4, got 10

// -----

cim.stream core 0 {
  %a = cim.alloc "activation" size 16 addr 6 : !cim.buffer
}

// CHECK: cim.alloc: 'addr' must be a non-negative multiple of 4

// -----

cim.stream core 0 {
  %a = cim.alloc "activation" size 16 addr -4 : !cim.buffer
}

// CHECK: cim.alloc: 'addr' must be a non-negative multiple of 4

// -----

cim.stream core 0 {
  %a = cim.alloc "const" size 16 : !cim.buffer
}

// CHECK: cim.alloc: a 'const' buffer needs a 'weight', and only a const buffer has one

// -----

cim.stream core 0 {
  %a = cim.alloc "activation" size 16 weight "w" : !cim.buffer
}

// CHECK: cim.alloc: a 'const' buffer needs a 'weight', and only a const buffer has one

// -----

cim.stream core 0 {
  %a = cim.alloc "activation" size 16 : !cim.buffer
  cim.layer "l" {
    cim.copy %a[0] [] from %a[0] [] loops []
  }
}

// CHECK: cim.copy: 'loops' must have 1 to 6 entries, got 0

// -----

cim.stream core 0 {
  %a = cim.alloc "activation" size 16 : !cim.buffer
  cim.layer "l" {
    cim.fill %a[0] [0, 0, 0, 0, 0, 0, 0] value 0.000000e+00 loops [1, 1, 1, 1, 1, 1, 1]
  }
}

// CHECK: cim.fill: 'loops' must have 1 to 6 entries, got 7

// -----

cim.stream core 0 {
  %a = cim.alloc "activation" size 16 : !cim.buffer
  cim.layer "l" {
    cim.unary "relu" %a[0] [4, 1] from %a[0] [4, 1] loops [0, 4]
  }
}

// CHECK: cim.unary: 'loops' counts must be >= 1, got [0, 4]

// -----

cim.stream core 0 {
  %a = cim.alloc "activation" size 16 : !cim.buffer
  cim.layer "l" {
    cim.copy %a[0] [1] from %a[0] [1] loops [2, 2]
  }
}

// CHECK: cim.copy: operand 'dst' has 1 strides, expected 2

// -----

cim.stream core 0 {
  %a = cim.alloc "activation" size 16 : !cim.buffer
  %b = cim.alloc "activation" size 16 : !cim.buffer
  cim.layer "l" {
    cim.binary "add" %a[0] [2, 1] from %a[0] [2, 1], %b[0] [1] loops [2, 2]
  }
}

// CHECK: cim.binary: operand 'rhs' has 1 strides, expected 2

// -----

cim.stream core 0 {
  %a = cim.alloc "activation" size 16 : !cim.buffer
  cim.layer "l" {
    cim.reduce "sum" %a[0] [1, 1] from %a[0] [2, 1] loops [2, 2] reduce 1
  }
}

// CHECK: cim.reduce: operand 'dst' has 2 strides, expected 1

// -----

cim.stream core 0 {
  %a = cim.alloc "activation" size 16 : !cim.buffer
  cim.layer "l" {
    cim.reduce "sum" %a[0] [] from %a[0] [2, 1] loops [2, 2] reduce 3
  }
}

// CHECK: cim.reduce: 'reduce' must be in 1..2, got 3

// -----

cim.stream core 0 {
  %a = cim.alloc "activation" size 16 : !cim.buffer
  cim.layer "l" {
    cim.reduce "sum" %a[0] [1, 1] from %a[0] [2, 1] loops [2, 2] reduce 0
  }
}

// CHECK: cim.reduce: 'reduce' must be in 1..2, got 0

// -----

cim.stream core 0 {
  %a = cim.alloc "activation" size 16 : !cim.buffer
  cim.layer "l" {
    cim.unary "softplus" %a[0] [1] from %a[0] [1] loops [4]
  }
}

// CHECK: cim.unary: kind must be one of relu, clip, leaky_relu, sigmoid, tanh, exp, affine, pow, quantize, quantize_unsigned, got "softplus"

// -----

cim.stream core 0 {
  %a = cim.alloc "activation" size 16 : !cim.buffer
  cim.layer "l" {
    cim.binary "pow" %a[0] [1] from %a[0] [1], %a[0] [1] loops [4]
  }
}

// CHECK: cim.binary: kind must be one of add, sub, mul, max, min, div, got "pow"

// -----

cim.stream core 0 {
  %a = cim.alloc "activation" size 16 : !cim.buffer
  cim.layer "l" {
    cim.reduce "min" %a[0] [] from %a[0] [1] loops [4] reduce 1
  }
}

// CHECK: cim.reduce: kind must be one of max, sum, mean, got "min"

// -----

// A 2x2 copy of a 4-element buffer from offset 1 reaches element 4 (one past the end).
cim.stream core 0 {
  %a = cim.alloc "activation" size 16 : !cim.buffer
  %b = cim.alloc "activation" size 32 : !cim.buffer
  cim.layer "l" {
    cim.copy %b[0] [2, 1] from %a[1] [2, 1] loops [2, 2]
  }
}

// CHECK: cim.copy: operand 'src' touches elements [1, 5) outside its buffer of 4 elements

// -----

// A negative stride walks below the buffer's start.
cim.stream core 0 {
  %a = cim.alloc "activation" size 16 : !cim.buffer
  cim.layer "l" {
    cim.fill %a[2] [-1] value 1.000000e+00 loops [4]
  }
}

// CHECK: cim.fill: operand 'dst' touches elements [-1, 3) outside its buffer of 4 elements

// -----

cim.stream core 0 {
  %a = cim.alloc "activation" size 16 : !cim.buffer
  %b = cim.alloc "activation" size 4 : !cim.buffer
  cim.layer "l" {
    cim.reduce "max" %b[0] [1] from %a[0] [2, 1] loops [2, 2] reduce 1
  }
}

// CHECK: cim.reduce: operand 'dst' touches elements [0, 2) outside its buffer of 1 elements

// -----

cim.stream core 0 {
  %a = cim.alloc "activation" size 16 : !cim.buffer
  cim.layer "l" {
    cim.mvm xbar 3 %a[0] [1] from %a[0] [1] loops [1]
  }
}

// CHECK: cim.mvm: crossbar 3 is not declared by a cim.crossbar

// -----

// An MVM on a 4x2 crossbar reads 4 inputs and writes 2 outputs per point: 3 points at
// stride 2 write elements [0, 6) of a 5-element buffer.
cim.crossbar 0 core 0 weight "w" rows [0, 4] cols [0, 2]
cim.stream core 0 {
  %x = cim.alloc "input" size 48 : !cim.buffer
  %y = cim.alloc "activation" size 20 : !cim.buffer
  cim.layer "l" {
    cim.mvm xbar 0 %y[0] [2] from %x[0] [4] loops [3]
  }
}

// CHECK: cim.mvm: operand 'dst' touches elements [0, 6) outside its buffer of 5 elements

// -----

cim.crossbar 0 core 0 weight "w" rows [0, 4] cols [0, 2]
cim.stream core 0 {
  %x = cim.alloc "input" size 44 : !cim.buffer
  %y = cim.alloc "activation" size 24 : !cim.buffer
  cim.layer "l" {
    cim.mvm xbar 0 %y[0] [2] from %x[0] [4] loops [3]
  }
}

// CHECK: cim.mvm: operand 'src' touches elements [0, 12) outside its buffer of 11 elements

// -----

%a = "test.op"() : () -> !cim.buffer
cim.stream core 0 {
  %b = cim.alloc "activation" size 16 : !cim.buffer
  cim.layer "l" {
    cim.copy %b[0] [1] from %a[0] [1] loops [4]
  }
}

// CHECK: cim.copy: operand 'src' must be a buffer defined by cim.alloc

// -----

cim.stream core 0 {
  %a = cim.alloc "input" size 16 : !cim.buffer
  cim.input "x" %a shape [2, 0]
}

// CHECK: cim.input "x": 'shape' dims must be >= 1, got [2, 0]

// -----

cim.stream core 0 {
  %a = cim.alloc "input" size 16 : !cim.buffer
  cim.output "y" %a shape [2, 3]
}

// CHECK: cim.output "y": shape [2, 3] needs 24 bytes, buffer has 16

// -----

%a = "test.op"() : () -> !cim.buffer
cim.stream core 0 {
  cim.input "x" %a shape [4]
}

// CHECK: cim.input: operand 'buffer' must be a buffer defined by cim.alloc

// -----

cim.stream core 0 {
  %a = cim.alloc "activation" size 16 : !cim.buffer
  cim.layer "l" {
    "test.op"() : () -> ()
  }
}

// CHECK: cim.layer "l": holds instructions only, found test.op

// -----

cim.stream core 0 {
  cim.layer "l" {
    %b = cim.alloc "scratch" size 16 : !cim.buffer
  }
}

// CHECK: cim.alloc: must be inside a cim.stream

// -----

cim.layer "l" {
  "test.op"() : () -> ()
}

// CHECK: cim.layer: must be inside a cim.stream

// -----

cim.stream core 0 {
  %a = cim.alloc "activation" size 16 : !cim.buffer
  cim.copy %a[0] [1] from %a[0] [1] loops [4]
}

// CHECK: cim.copy: must be inside a cim.layer

// -----

cim.stream core -1 {
  %a = cim.alloc "activation" size 16 : !cim.buffer
}

// CHECK: cim.stream: 'core' must be >= 0, got -1

// -----

cim.crossbar 0 core 0 weight "w" rows [0, 4] cols [0, 2]
cim.crossbar 0 core 0 weight "v" rows [0, 8] cols [0, 8]
cim.stream core 0 {
  %a = cim.alloc "activation" size 16 : !cim.buffer
}

// CHECK: cim.crossbar: id 0 is declared twice

// -----

cim.stream core 0 {
  %a = cim.alloc "activation" size 16 : !cim.buffer
  "test.op"() : () -> ()
}

// CHECK: cim.stream: holds cim.alloc, cim.input, cim.output and cim.layer, found test.op

// -----

// A crossbar packing `groups` group blocks splits its columns evenly among them.
cim.crossbar 0 core 0 weight "w" rows [0, 9] cols [0, 3] groups 2

// CHECK: cim.crossbar: 'groups' 2 must be >= 1 and divide its 3 columns

// -----

cim.crossbar 0 core 0 weight "w" rows [0, 9] cols [0, 4] groups 0

// CHECK: cim.crossbar: 'groups' 0 must be >= 1 and divide its 4 columns

// -----

// A crossbar packing 2 groups of rows [0, 4) is 8 rows tall: one MVM reads 8 inputs.
cim.crossbar 0 core 0 weight "w" rows [0, 4] cols [0, 2] groups 2
cim.stream core 0 {
  %x = cim.alloc "input" size 28 : !cim.buffer
  %y = cim.alloc "activation" size 8 : !cim.buffer
  cim.layer "l" {
    cim.mvm xbar 0 %y[0] [2] from %x[0] [8] loops [1]
  }
}

// CHECK: cim.mvm: operand 'src' touches elements [0, 8) outside its buffer of 7 elements

// -----

// I/O bindings sit in a stream, instructions in a layer.
%a = "test.op"() : () -> !cim.buffer
cim.input "x" %a shape [4]

// CHECK: cim.input: must be inside a cim.stream

// -----

cim.stream core 0 {
  %a = cim.alloc "activation" size 16 : !cim.buffer
  cim.layer "l" {
    cim.output "y" %a shape [4]
  }
}

// CHECK: cim.output: must be inside a cim.stream

// -----

%a = "test.op"() : () -> !cim.buffer
cim.unary "exp" %a[0] [1] from %a[0] [1] loops [4]

// CHECK: cim.unary: must be inside a cim.layer
