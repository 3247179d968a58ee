// RUN: cimc-opt %s --split-input-file -p map-cores | filecheck %s --match-full-lines

// map-cores on hand-written cim programs: what lower-to-isa does not make (ids out of order of
// use, a crossbar no MVM uses, a leftover `slot`, replicated MVMs on a reprogrammed chip).

// Crossbars in order of first use: layer "a" uses 2 with its replica 3, layer "b" uses 5;
// crossbar 0 is used by no MVM and goes last: 2 3 5 0 -> 0 1 2 3. The declarations are put
// in the new order and the MVMs rewritten. 2 crossbars per core, no `cores`: "a" (2) fills
// core 0, "b" (1) starts core 1, and the unused crossbar, a group of its own, joins it. A
// `slot` is dropped: without reprogramming every crossbar has its array to itself.
builtin.module attributes {cimc.arch = {xbars_per_core = 2 : i64}} {
  cim.crossbar 0 core 0 slot 1 weight "unused.weight" rows [0, 4] cols [0, 2]
  cim.crossbar 2 core 0 weight "a.weight" rows [0, 4] cols [0, 2]
  cim.crossbar 3 core 1 weight "a.weight" rows [0, 4] cols [0, 2]
  cim.crossbar 5 core 2 weight "b.weight" rows [0, 2] cols [0, 2]
  cim.stream core 0 {
    %x = cim.alloc "input" size 64 : !cim.buffer
    %y = cim.alloc "activation" size 32 : !cim.buffer
    %z = cim.alloc "activation" size 32 : !cim.buffer
    cim.input "x" %x shape [4, 4]
    cim.layer "a" {
      cim.mvm xbar 2 replicas 2 %y[0] [2] from %x[0] [4] loops [4]
    }
    cim.layer "b" {
      cim.mvm xbar 5 %z[0] [2] from %y[0] [2] loops [4]
    }
    cim.output "z" %z shape [4, 2]
  }
}

// CHECK:      builtin.module attributes {cimc.arch = {xbars_per_core = 2 : i64}} {
// CHECK-NEXT:   cim.crossbar 0 core 0 weight "a.weight" rows [0, 4] cols [0, 2]
// CHECK-NEXT:   cim.crossbar 1 core 0 weight "a.weight" rows [0, 4] cols [0, 2]
// CHECK-NEXT:   cim.crossbar 2 core 1 weight "b.weight" rows [0, 2] cols [0, 2]
// CHECK-NEXT:   cim.crossbar 3 core 1 weight "unused.weight" rows [0, 4] cols [0, 2]
// CHECK-NEXT:   cim.stream core 0 {
// CHECK:          cim.layer "a" {
// CHECK-NEXT:       cim.mvm xbar 0 replicas 2 %y[0] [2] from %x[0] [4] loops [4]
// CHECK-NEXT:     }
// CHECK-NEXT:     cim.layer "b" {
// CHECK-NEXT:       cim.mvm xbar 2 %z[0] [2] from %y[0] [2] loops [4]
// CHECK-NEXT:     }

// -----

// Reprogramming (allow_reload) with replicated MVMs, one core of 4 crossbars: the crossbars
// of an MVM and its replicas are written in one phase. Phase 1: crossbar 0, then 1..3 (the
// replicas of crossbar 1) fill it to 4. Crossbars 4..5 (replicas of 4) would make it 6: phase
// 2 starts there, and crossbar 6 joins it (3 <= 4). Each phase writes positions 0.. of the
// chip: crossbars 4, 5, 6 take the slots of 0, 1, 2.
builtin.module attributes {cimc.arch = {cores = 1 : i64, xbars_per_core = 4 : i64, allow_reload = true}} {
  cim.crossbar 0 core 0 weight "l1.weight" rows [0, 4] cols [0, 2]
  cim.crossbar 1 core 0 weight "l2.weight" rows [0, 4] cols [0, 2]
  cim.crossbar 2 core 0 weight "l2.weight" rows [0, 4] cols [0, 2]
  cim.crossbar 3 core 0 weight "l2.weight" rows [0, 4] cols [0, 2]
  cim.crossbar 4 core 1 weight "l3.weight" rows [0, 2] cols [0, 2]
  cim.crossbar 5 core 1 weight "l3.weight" rows [0, 2] cols [0, 2]
  cim.crossbar 6 core 1 weight "l4.weight" rows [0, 2] cols [0, 2]
  cim.stream core 0 {
    %x = cim.alloc "input" size 64 : !cim.buffer
    %y = cim.alloc "activation" size 32 : !cim.buffer
    %z = cim.alloc "activation" size 32 : !cim.buffer
    cim.input "x" %x shape [4, 4]
    cim.layer "l1" {
      cim.mvm xbar 0 %y[0] [2] from %x[0] [4] loops [4]
    }
    cim.layer "l2" {
      cim.mvm xbar 1 replicas 3 %y[0] [2] from %x[0] [4] loops [4] acc
    }
    cim.layer "l3" {
      cim.mvm xbar 4 replicas 2 %z[0] [2] from %y[0] [2] loops [4]
    }
    cim.layer "l4" {
      cim.mvm xbar 6 %y[0] [2] from %z[0] [2] loops [4]
    }
    cim.output "y" %y shape [4, 2]
  }
}

// CHECK:      builtin.module attributes {cimc.arch = {cores = 1 : i64, xbars_per_core = 4 : i64, allow_reload = true}} {
// CHECK-NEXT:   cim.crossbar 0 core 0 slot 0 weight "l1.weight" rows [0, 4] cols [0, 2]
// CHECK-NEXT:   cim.crossbar 1 core 0 slot 1 weight "l2.weight" rows [0, 4] cols [0, 2]
// CHECK-NEXT:   cim.crossbar 2 core 0 slot 2 weight "l2.weight" rows [0, 4] cols [0, 2]
// CHECK-NEXT:   cim.crossbar 3 core 0 slot 3 weight "l2.weight" rows [0, 4] cols [0, 2]
// CHECK-NEXT:   cim.crossbar 4 core 0 slot 0 weight "l3.weight" rows [0, 2] cols [0, 2]
// CHECK-NEXT:   cim.crossbar 5 core 0 slot 1 weight "l3.weight" rows [0, 2] cols [0, 2]
// CHECK-NEXT:   cim.crossbar 6 core 0 slot 2 weight "l4.weight" rows [0, 2] cols [0, 2]
// CHECK-NEXT:   cim.stream core 0 {
// CHECK:          cim.layer "l1" {
// CHECK-NEXT:       cim.program xbar 0 loops [4]
// CHECK-NEXT:       cim.mvm xbar 0 %y[0] [2] from %x[0] [4] loops [4]
// CHECK-NEXT:     }
// CHECK-NEXT:     cim.layer "l2" {
// CHECK-NEXT:       cim.mvm xbar 1 replicas 3 %y[0] [2] from %x[0] [4] loops [4] acc
// CHECK-NEXT:     }
// CHECK-NEXT:     cim.layer "l3" {
// CHECK-NEXT:       cim.program xbar 4 loops [3]
// CHECK-NEXT:       cim.mvm xbar 4 replicas 2 %z[0] [2] from %y[0] [2] loops [4]
// CHECK-NEXT:     }
// CHECK-NEXT:     cim.layer "l4" {
// CHECK-NEXT:       cim.mvm xbar 6 %y[0] [2] from %z[0] [2] loops [4]
// CHECK-NEXT:     }
