// RUN: cimc-opt %s | cimc-opt | filecheck %s --match-full-lines
// RUN: CIMC_ROUNDTRIP

// Replication, reprogramming and schedules in the custom format, printed, parsed back and
// printed again, and through the generic format: crossbars with a `slot` (after `core`;
// before `groups` and `slices`), MVMs with `replicas` (after `xbar`; before `acc` and
// `offset`), cim.program writing crossbars xbar .. xbar+n-1 before their MVMs, and the
// stream's `schedule`. Crossbars 0 and 1 hold the same weights: the MVM on 0 with
// `replicas 2` splits its 3 loop points into [0, 2) on crossbar 0 and [2, 3) on crossbar 1.

cim.crossbar 0 core 0 slot 0 weight "fc1.weight" rows [0, 4] cols [0, 2]
cim.crossbar 1 core 0 slot 1 weight "fc1.weight" rows [0, 4] cols [0, 2]
cim.crossbar 2 core 0 slot 0 weight "fc2.weight" rows [0, 2] cols [0, 8] slices 2 {cimc.note = "int"}
cim.crossbar 3 core 0 slot 1 weight "fc2.weight" rows [0, 2] cols [0, 8] slices 2
cim.stream core 0 schedule "layer" {
  %x = cim.alloc "input" size 48 : !cim.buffer
  %y = cim.alloc "activation" size 24 : !cim.buffer
  %z = cim.alloc "activation" size 24 : !cim.buffer
  cim.input "x" %x shape [3, 4]
  cim.layer "fc1" {
    cim.program xbar 0 loops [2]
    cim.mvm xbar 0 replicas 2 %y[0] [2] from %x[0] [4] loops [3]
  }
  cim.layer "fc2" {
    cim.fill %z[0] [1] value 0.000000e+00 loops [6]
    cim.program xbar 2 loops [2]
    cim.mvm xbar 2 replicas 2 %z[0] [2] from %y[0] [2] loops [3] acc offset 8
  }
  cim.output "z" %z shape [3, 2]
}
cim.stream core 1 schedule "batch" {
  %p = cim.alloc "input" size 16 : !cim.buffer
}
cim.stream core 2 schedule "element" {
  %q = cim.alloc "input" size 16 : !cim.buffer
}
cim.stream core 3 {
  %r = cim.alloc "input" size 16 : !cim.buffer
}

// CHECK:      cim.crossbar 0 core 0 slot 0 weight "fc1.weight" rows [0, 4] cols [0, 2]
// CHECK-NEXT: cim.crossbar 1 core 0 slot 1 weight "fc1.weight" rows [0, 4] cols [0, 2]
// CHECK-NEXT: cim.crossbar 2 core 0 slot 0 weight "fc2.weight" rows [0, 2] cols [0, 8] slices 2 {cimc.note = "int"}
// CHECK-NEXT: cim.crossbar 3 core 0 slot 1 weight "fc2.weight" rows [0, 2] cols [0, 8] slices 2
// CHECK-NEXT: cim.stream core 0 schedule "layer" {
// CHECK-NEXT:   %x = cim.alloc "input" size 48 : !cim.buffer
// CHECK-NEXT:   %y = cim.alloc "activation" size 24 : !cim.buffer
// CHECK-NEXT:   %z = cim.alloc "activation" size 24 : !cim.buffer
// CHECK-NEXT:   cim.input "x" %x shape [3, 4]
// CHECK-NEXT:   cim.layer "fc1" {
// CHECK-NEXT:     cim.program xbar 0 loops [2]
// CHECK-NEXT:     cim.mvm xbar 0 replicas 2 %y[0] [2] from %x[0] [4] loops [3]
// CHECK-NEXT:   }
// CHECK-NEXT:   cim.layer "fc2" {
// CHECK-NEXT:     cim.fill %z[0] [1] value 0.000000e+00 loops [6]
// CHECK-NEXT:     cim.program xbar 2 loops [2]
// CHECK-NEXT:     cim.mvm xbar 2 replicas 2 %z[0] [2] from %y[0] [2] loops [3] acc offset 8
// CHECK-NEXT:   }
// CHECK-NEXT:   cim.output "z" %z shape [3, 2]
// CHECK-NEXT: }
// The other schedules; a stream without `schedule` prints none (it is "layer").
// CHECK-NEXT: cim.stream core 1 schedule "batch" {
// CHECK-NEXT:   %p = cim.alloc "input" size 16 : !cim.buffer
// CHECK-NEXT: }
// CHECK-NEXT: cim.stream core 2 schedule "element" {
// CHECK-NEXT:   %q = cim.alloc "input" size 16 : !cim.buffer
// CHECK-NEXT: }
// CHECK-NEXT: cim.stream core 3 {
// CHECK-NEXT:   %r = cim.alloc "input" size 16 : !cim.buffer
// CHECK-NEXT: }
