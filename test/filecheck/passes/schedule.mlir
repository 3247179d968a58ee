// RUN: cimc-opt %s --split-input-file -p schedule | filecheck %s --check-prefix=LAYER --match-full-lines
// RUN: cimc-opt %s --split-input-file --verify-diagnostics -p 'schedule{mode=element}' | filecheck %s --check-prefix=ELEMENT --match-full-lines
// RUN: cimc-opt %s --split-input-file --verify-diagnostics -p 'schedule{mode=batch}' | filecheck %s --check-prefix=BATCH --match-full-lines
// RUN: cimc-opt %s --split-input-file --verify-diagnostics -p 'schedule{mode=batch},schedule{mode=element}' | filecheck %s --check-prefix=AGAIN --match-full-lines

// schedule sets the mode on the cim.stream (`layer` by default, spelled out once set); the
// instructions stay as they are. Each RUN line runs one mode over both chunks.

// A two-layer program on two crossbars.
cim.crossbar 0 core 0 weight "fc1.weight" rows [0, 4] cols [0, 2]
cim.crossbar 1 core 0 weight "fc2.weight" rows [0, 2] cols [0, 2]
cim.stream core 0 {
  %x = cim.alloc "input" size 32 : !cim.buffer
  %y = cim.alloc "activation" size 16 : !cim.buffer
  %z = cim.alloc "activation" size 16 : !cim.buffer
  cim.input "x" %x shape [2, 4]
  cim.layer "fc1" {
    cim.mvm xbar 0 %y[0] [2] from %x[0] [4] loops [2]
  }
  cim.layer "fc2" {
    cim.mvm xbar 1 %z[0] [2] from %y[0] [2] loops [2]
  }
  cim.output "z" %z shape [2, 2]
}

// LAYER:      cim.stream core 0 schedule "layer" {
// LAYER:        cim.layer "fc1" {
// LAYER-NEXT:     cim.mvm xbar 0 %y[0] [2] from %x[0] [4] loops [2]
// LAYER-NEXT:   }
// LAYER-NEXT:   cim.layer "fc2" {
// LAYER-NEXT:     cim.mvm xbar 1 %z[0] [2] from %y[0] [2] loops [2]
// LAYER-NEXT:   }
// ELEMENT:    cim.stream core 0 schedule "element" {
// ELEMENT:      cim.layer "fc1" {
// ELEMENT-NEXT:   cim.mvm xbar 0 %y[0] [2] from %x[0] [4] loops [2]
// BATCH:      cim.stream core 0 schedule "batch" {
// BATCH:        cim.layer "fc1" {
// BATCH-NEXT:     cim.mvm xbar 0 %y[0] [2] from %x[0] [4] loops [2]
// A second schedule replaces the first one's mode.
// AGAIN:      cim.stream core 0 schedule "element" {

// -----

// A program that reprograms crossbars during a run (allow_reload, cim.program) runs layer by
// layer only: element and batch keep every layer on the chip at once (their errors:
// schedule-invalid.mlir).
builtin.module attributes {cimc.arch = {cores = 1 : i64, xbars_per_core = 1 : i64, allow_reload = true}} {
  cim.crossbar 0 core 0 slot 0 weight "fc1.weight" rows [0, 4] cols [0, 2]
  cim.crossbar 1 core 0 slot 0 weight "fc2.weight" rows [0, 2] cols [0, 2]
  cim.stream core 0 {
    %x = cim.alloc "input" size 32 : !cim.buffer
    %y = cim.alloc "activation" size 16 : !cim.buffer
    %z = cim.alloc "activation" size 16 : !cim.buffer
    cim.input "x" %x shape [2, 4]
    cim.layer "fc1" {
      cim.program xbar 0 loops [1]
      cim.mvm xbar 0 %y[0] [2] from %x[0] [4] loops [2]
    }
    cim.layer "fc2" {
      cim.program xbar 1 loops [1]
      cim.mvm xbar 1 %z[0] [2] from %y[0] [2] loops [2]
    }
    cim.output "z" %z shape [2, 2]
  }
}

// LAYER:      cim.stream core 0 schedule "layer" {
// LAYER:        cim.layer "fc1" {
// LAYER-NEXT:     cim.program xbar 0 loops [1]
// LAYER-NEXT:     cim.mvm xbar 0 %y[0] [2] from %x[0] [4] loops [2]
// LAYER-NEXT:   }
// LAYER-NEXT:   cim.layer "fc2" {
// LAYER-NEXT:     cim.program xbar 1 loops [1]
// LAYER-NEXT:     cim.mvm xbar 1 %z[0] [2] from %y[0] [2] loops [2]
// LAYER-NEXT:   }
// ELEMENT:    schedule: mode 'element' keeps every layer on the chip at once, but this program reprograms crossbars during a run (allow_reload); use mode=layer
// BATCH:      schedule: mode 'batch' keeps every layer on the chip at once, but this program reprograms crossbars during a run (allow_reload); use mode=layer
// AGAIN:      schedule: mode 'batch' keeps every layer on the chip at once, but this program reprograms crossbars during a run (allow_reload); use mode=layer
