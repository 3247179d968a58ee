// RUN: cimc-opt %s --split-input-file --verify-diagnostics -p 'schedule{mode=batch}' | filecheck %s --match-full-lines
// RUN: cimc-opt %s --split-input-file --verify-diagnostics -p 'schedule{mode=element}' | filecheck %s --check-prefix=ELEMENT --match-full-lines
// RUN: not cimc-opt %s --split-input-file -p 'schedule{mode=pipeline}' 2>&1 | filecheck %s --check-prefix=MODE

// schedule's errors, one per chunk, in modes batch (CHECK) and element (ELEMENT). An unknown
// mode (third RUN, without --verify-diagnostics) ends cimc-opt at the first chunk with a
// one-line error, rc 1.

// MODE-NOT: Traceback
// MODE:     cimc-opt: error: schedule: unknown mode 'pipeline': choose one of layer, element, batch{{$}}

// A program that reprograms crossbars during a run (cim.program, from map-cores with
// allow_reload): element and batch keep every layer on the chip at once.
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

// CHECK:   schedule: mode 'batch' keeps every layer on the chip at once, but this program reprograms crossbars during a run (allow_reload); use mode=layer
// ELEMENT: schedule: mode 'element' keeps every layer on the chip at once, but this program reprograms crossbars during a run (allow_reload); use mode=layer

// -----

// The xbar level: schedule is for the cim stream lower-to-isa makes.
func.func @main(%x: tensor<1x4xf32>) -> tensor<1x2xf32> {
  %w = graph.weight "fc.weight" : tensor<4x2xf32>
  %y = xbar.mvm %x, %w group 0 rows [0, 4] cols [0, 2] : (tensor<1x4xf32>, tensor<4x2xf32>) -> tensor<1x2xf32>
  func.return %y : tensor<1x2xf32>
}

// CHECK:   schedule: expected one cim.stream, found 0 (run lower-to-isa first)
// ELEMENT: schedule: expected one cim.stream, found 0 (run lower-to-isa first)

// -----

cim.stream core 0 {
  %x = cim.alloc "input" size 16 : !cim.buffer
}
cim.stream core 1 {
  %x = cim.alloc "input" size 16 : !cim.buffer
}

// CHECK:   schedule: expected one cim.stream, found 2 (run lower-to-isa first)
// ELEMENT: schedule: expected one cim.stream, found 2 (run lower-to-isa first)
