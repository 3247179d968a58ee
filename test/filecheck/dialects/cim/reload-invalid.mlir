// RUN: cimc-opt %s --split-input-file --verify-diagnostics | filecheck %s --match-full-lines

// The verifier errors of replicated MVMs (`replicas`), crossbar slots and cim.program, and
// of the stream's schedule, one chunk each.

// `replicas` R cuts the first loop's points into R chunks: at most one crossbar per point.
cim.crossbar 0 core 0 weight "w" rows [0, 4] cols [0, 2]
cim.crossbar 1 core 0 weight "w" rows [0, 4] cols [0, 2]
cim.crossbar 2 core 0 weight "w" rows [0, 4] cols [0, 2]
cim.stream core 0 {
  %x = cim.alloc "input" size 32 : !cim.buffer
  %y = cim.alloc "activation" size 16 : !cim.buffer
  cim.layer "l" {
    cim.mvm xbar 0 replicas 3 %y[0] [2] from %x[0] [4] loops [2]
  }
}

// CHECK: cim.mvm: 'replicas' must be in 1..2 (the first loop's count), got 3

// -----

cim.crossbar 0 core 0 weight "w" rows [0, 4] cols [0, 2]
cim.stream core 0 {
  %x = cim.alloc "input" size 32 : !cim.buffer
  %y = cim.alloc "activation" size 16 : !cim.buffer
  cim.layer "l" {
    cim.mvm xbar 0 replicas 0 %y[0] [2] from %x[0] [4] loops [2]
  }
}

// CHECK: cim.mvm: 'replicas' must be in 1..2 (the first loop's count), got 0

// -----

// The replicas of crossbar 0 are 1 and 2; 2 is not declared.
cim.crossbar 0 core 0 weight "w" rows [0, 4] cols [0, 2]
cim.crossbar 1 core 0 weight "w" rows [0, 4] cols [0, 2]
cim.stream core 0 {
  %x = cim.alloc "input" size 48 : !cim.buffer
  %y = cim.alloc "activation" size 24 : !cim.buffer
  cim.layer "l" {
    cim.mvm xbar 0 replicas 3 %y[0] [2] from %x[0] [4] loops [3]
  }
}

// CHECK: cim.mvm: replica crossbar 2 of crossbar 0 is not declared with the same 4x2 shape

// -----

// A replica holds the same matrix shape: crossbar 1 is 4x3.
cim.crossbar 0 core 0 weight "w" rows [0, 4] cols [0, 2]
cim.crossbar 1 core 0 weight "w" rows [0, 4] cols [0, 3]
cim.stream core 0 {
  %x = cim.alloc "input" size 32 : !cim.buffer
  %y = cim.alloc "activation" size 16 : !cim.buffer
  cim.layer "l" {
    cim.mvm xbar 0 replicas 2 %y[0] [2] from %x[0] [4] loops [2]
  }
}

// CHECK: cim.mvm: replica crossbar 1 of crossbar 0 is not declared with the same 4x2 shape

// -----

cim.crossbar 0 core 0 slot -1 weight "w" rows [0, 4] cols [0, 2]

// CHECK: cim.crossbar: 'id', 'core' and 'slot' must be >= 0

// -----

// cim.program writes crossbars into their slots: crossbar 1 has none.
cim.crossbar 0 core 0 slot 0 weight "w" rows [0, 4] cols [0, 2]
cim.crossbar 1 core 0 weight "v" rows [0, 4] cols [0, 2]
cim.stream core 0 {
  %x = cim.alloc "input" size 16 : !cim.buffer
  cim.layer "l" {
    cim.program xbar 0 loops [2]
  }
}

// CHECK: cim.program: crossbar 1 is not declared by a cim.crossbar with a 'slot'

// -----

cim.stream core 0 {
  %x = cim.alloc "input" size 16 : !cim.buffer
  cim.layer "l" {
    cim.program xbar 4 loops [1]
  }
}

// CHECK: cim.program: crossbar 4 is not declared by a cim.crossbar with a 'slot'

// -----

cim.crossbar 0 core 0 slot 0 weight "w" rows [0, 4] cols [0, 2]
cim.stream core 0 {
  %x = cim.alloc "input" size 16 : !cim.buffer
  cim.layer "l" {
    cim.program xbar 0 loops [1, 1]
  }
}

// CHECK: cim.program: 'loops' is one count (the crossbars written), got [1, 1]

// -----

cim.crossbar 0 core 0 slot 0 weight "w" rows [0, 4] cols [0, 2]
cim.stream core 0 {
  %x = cim.alloc "input" size 16 : !cim.buffer
  cim.layer "l" {
    cim.program xbar 0 loops [0]
  }
}

// CHECK: cim.program: 'loops' counts must be >= 1, got [0]

// -----

cim.crossbar 0 core 0 slot 0 weight "w" rows [0, 4] cols [0, 2]
cim.stream core 0 {
  %x = cim.alloc "input" size 16 : !cim.buffer
  cim.program xbar 0 loops [1]
}

// CHECK: cim.program: must be inside a cim.layer

// -----

cim.stream core 0 schedule "pipeline" {
  %x = cim.alloc "input" size 16 : !cim.buffer
}

// CHECK: cim.stream: 'schedule' must be one of layer, element, batch, got "pipeline"
