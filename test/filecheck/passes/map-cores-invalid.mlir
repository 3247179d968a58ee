// RUN: cimc-opt %s --split-input-file --verify-diagnostics -p map-cores | filecheck %s --match-full-lines
// RUN: not cimc-opt %s -p map-cores 2>&1 | filecheck %s --check-prefix=ERR

// map-cores' errors, one per chunk, on hand-written cim programs. Without
// --split-input-file (second RUN) the whole file is one outer module whose own streams are
// the third chunk's two: one error line, rc 1.

// ERR-NOT: Traceback
// ERR:     cimc-opt: error: map-cores: expected one cim.stream, found 2 (run lower-to-isa first){{$}}

// 3 crossbars on a chip of 1 core x 2, without allow_reload. (lower-to-isa reports the same
// for the programs it makes, before map-cores runs.)
builtin.module attributes {cimc.arch = {cores = 1 : i64, xbars_per_core = 2 : i64}} {
  cim.crossbar 0 core 0 weight "a.weight" rows [0, 4] cols [0, 2]
  cim.crossbar 1 core 0 weight "a.weight" rows [0, 4] cols [2, 4]
  cim.crossbar 2 core 1 weight "b.weight" rows [0, 4] cols [0, 2]
  cim.stream core 0 {
    %x = cim.alloc "input" size 16 : !cim.buffer
    %y = cim.alloc "activation" size 16 : !cim.buffer
    %z = cim.alloc "activation" size 8 : !cim.buffer
    cim.layer "a" {
      cim.mvm xbar 0 %y[0] [4] from %x[0] [4] loops [1]
      cim.mvm xbar 1 %y[2] [4] from %x[0] [4] loops [1]
    }
    cim.layer "b" {
      cim.mvm xbar 2 %z[0] [2] from %y[0] [4] loops [1]
    }
  }
}

// CHECK: map-cores: the model needs 3 crossbars, the chip has 2 (1 cores x 2); set allow_reload to reprogram crossbars between layer groups

// -----

// The xbar level: map-cores places the crossbars of a cim program.
func.func @main(%x: tensor<1x4xf32>) -> tensor<1x2xf32> {
  %w = graph.weight "fc.weight" : tensor<4x2xf32>
  %y = xbar.mvm %x, %w group 0 rows [0, 4] cols [0, 2] : (tensor<1x4xf32>, tensor<4x2xf32>) -> tensor<1x2xf32>
  func.return %y : tensor<1x2xf32>
}

// CHECK: map-cores: expected one cim.stream, found 0 (run lower-to-isa first)

// -----

cim.stream core 0 {
  %x = cim.alloc "input" size 16 : !cim.buffer
}
cim.stream core 1 {
  %x = cim.alloc "input" size 16 : !cim.buffer
}

// CHECK: map-cores: expected one cim.stream, found 2 (run lower-to-isa first)

// -----

// A program already cut into phases (map-cores ran before).
builtin.module attributes {cimc.arch = {cores = 1 : i64, xbars_per_core = 1 : i64, allow_reload = true}} {
  cim.crossbar 0 core 0 slot 0 weight "a.weight" rows [0, 4] cols [0, 2]
  cim.crossbar 1 core 0 slot 0 weight "b.weight" rows [0, 2] cols [0, 2]
  cim.stream core 0 {
    %x = cim.alloc "input" size 16 : !cim.buffer
    %y = cim.alloc "activation" size 8 : !cim.buffer
    cim.layer "a" {
      cim.program xbar 0 loops [1]
      cim.mvm xbar 0 %y[0] [2] from %x[0] [4] loops [1]
    }
    cim.layer "b" {
      cim.program xbar 1 loops [1]
      cim.mvm xbar 1 %x[0] [2] from %y[0] [2] loops [1]
    }
  }
}

// CHECK: map-cores: the stream already has cim.program instructions (run map-cores once)

// -----

// Crossbar 1 is its own MVM's and, later, a replica of crossbar 0's.
builtin.module attributes {cimc.arch = {xbars_per_core = 4 : i64}} {
  cim.crossbar 0 core 0 weight "a.weight" rows [0, 4] cols [0, 2]
  cim.crossbar 1 core 0 weight "a.weight" rows [0, 4] cols [0, 2]
  cim.stream core 0 {
    %x = cim.alloc "input" size 32 : !cim.buffer
    %y = cim.alloc "activation" size 16 : !cim.buffer
    cim.layer "a" {
      cim.mvm xbar 1 %y[0] [2] from %x[0] [4] loops [2]
      cim.mvm xbar 0 replicas 2 %y[0] [2] from %x[0] [4] loops [2]
    }
  }
}

// CHECK: map-cores: crossbar 1 is a replica of two MVMs

// -----

// Reprogramming writes an MVM's crossbars in one phase: 3 replicas cannot fit a chip of 2.
builtin.module attributes {cimc.arch = {cores = 1 : i64, xbars_per_core = 2 : i64, allow_reload = true}} {
  cim.crossbar 0 core 0 weight "a.weight" rows [0, 4] cols [0, 2]
  cim.crossbar 1 core 0 weight "a.weight" rows [0, 4] cols [0, 2]
  cim.crossbar 2 core 0 weight "a.weight" rows [0, 4] cols [0, 2]
  cim.stream core 0 {
    %x = cim.alloc "input" size 48 : !cim.buffer
    %y = cim.alloc "activation" size 24 : !cim.buffer
    cim.layer "a" {
      cim.mvm xbar 0 replicas 3 %y[0] [2] from %x[0] [4] loops [3]
    }
  }
}

// CHECK: map-cores: an MVM replicated over 3 crossbars cannot fit a chip of 2

// -----

// Phases follow the order of use: crossbar 0 (phase 0..1) is needed again after crossbar 2
// (phase 2..2) took its place.
builtin.module attributes {cimc.arch = {cores = 1 : i64, xbars_per_core = 2 : i64, allow_reload = true}} {
  cim.crossbar 0 core 0 weight "a.weight" rows [0, 4] cols [0, 2]
  cim.crossbar 1 core 0 weight "b.weight" rows [0, 4] cols [0, 2]
  cim.crossbar 2 core 0 weight "c.weight" rows [0, 4] cols [0, 2]
  cim.stream core 0 {
    %x = cim.alloc "input" size 16 : !cim.buffer
    %y = cim.alloc "activation" size 8 : !cim.buffer
    cim.layer "a" {
      cim.mvm xbar 0 %y[0] [2] from %x[0] [4] loops [1]
      cim.mvm xbar 1 %y[0] [2] from %x[0] [4] loops [1] acc
      cim.mvm xbar 2 %y[0] [2] from %x[0] [4] loops [1] acc
      cim.mvm xbar 0 %y[0] [2] from %x[0] [4] loops [1] acc
    }
  }
}

// CHECK: map-cores: crossbar 0 is used again after its phase was reprogrammed

// -----

// A reprogrammed chip only holds crossbars an MVM uses: 3 is used by none (renumbered last).
builtin.module attributes {cimc.arch = {cores = 1 : i64, xbars_per_core = 2 : i64, allow_reload = true}} {
  cim.crossbar 0 core 0 weight "a.weight" rows [0, 4] cols [0, 2]
  cim.crossbar 1 core 0 weight "b.weight" rows [0, 4] cols [0, 2]
  cim.crossbar 2 core 0 weight "c.weight" rows [0, 4] cols [0, 2]
  cim.crossbar 3 core 0 weight "d.weight" rows [0, 4] cols [0, 2]
  cim.stream core 0 {
    %x = cim.alloc "input" size 16 : !cim.buffer
    %y = cim.alloc "activation" size 8 : !cim.buffer
    cim.layer "a" {
      cim.mvm xbar 0 %y[0] [2] from %x[0] [4] loops [1]
      cim.mvm xbar 1 %y[0] [2] from %x[0] [4] loops [1] acc
      cim.mvm xbar 2 %y[0] [2] from %x[0] [4] loops [1] acc
    }
  }
}

// CHECK: map-cores: crossbar 3 is used by no MVM; a reprogrammed chip has no place for it
