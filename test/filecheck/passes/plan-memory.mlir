// RUN: cimc-opt %s --split-input-file -p plan-memory | filecheck %s --match-full-lines

// Live ranges in instruction indices (inclusive): in [0, 0] (inputs from the start),
// a [0, 1], b [1, 2], c [2, 3], out [3, 3] (outputs to the end), k and the unused s
// [0, 3] (throughout). Buffers live throughout are stacked at the bottom in order (k 0,
// s 16); the others go above them, largest first, each at the lowest address clear of every
// placed buffer it is live with: a 24, b 56 (meets a at 1), c 24 (a is dead by then), in 56
// (b is not yet live), out 56. Ranges that meet at one instruction overlap.

cim.stream core 0 {
  %in = cim.alloc "input" size 16 : !cim.buffer
  %a = cim.alloc "activation" size 32 : !cim.buffer
  %b = cim.alloc "activation" size 32 : !cim.buffer
  %c = cim.alloc "activation" size 32 : !cim.buffer
  %out = cim.alloc "activation" size 16 : !cim.buffer
  %k = cim.alloc "const" size 16 weight "k" : !cim.buffer
  %s = cim.alloc "scratch" size 8 : !cim.buffer
  cim.input "x" %in shape [4]
  cim.layer "l" {
    cim.unary "relu" %a[0] [1] from %in[0] [1] loops [4]
    cim.copy %b[0] [1] from %a[0] [1] loops [8]
    cim.copy %c[0] [1] from %b[0] [1] loops [8]
    cim.binary "add" %out[0] [1] from %c[0] [1], %k[0] [1] loops [4]
  }
  cim.output "y" %out shape [4]
}

// CHECK:      cim.stream core 0 {
// CHECK-NEXT:   %in = cim.alloc "input" size 16 addr 56 : !cim.buffer
// CHECK-NEXT:   %a = cim.alloc "activation" size 32 addr 24 : !cim.buffer
// CHECK-NEXT:   %b = cim.alloc "activation" size 32 addr 56 : !cim.buffer
// CHECK-NEXT:   %c = cim.alloc "activation" size 32 addr 24 : !cim.buffer
// CHECK-NEXT:   %out = cim.alloc "activation" size 16 addr 56 : !cim.buffer
// CHECK-NEXT:   %k = cim.alloc "const" size 16 addr 0 weight "k" : !cim.buffer
// CHECK-NEXT:   %s = cim.alloc "scratch" size 8 addr 16 : !cim.buffer
// CHECK-NEXT:   cim.input "x" %in shape [4]
// CHECK-NEXT:   cim.layer "l" {
// CHECK-NEXT:     cim.unary "relu" %a[0] [1] from %in[0] [1] loops [4]

// -----

// No instructions: every buffer is live throughout, so none share: they are stacked in
// order. An existing addr is replaced.

cim.stream core 0 {
  %x = cim.alloc "input" size 8 addr 100 : !cim.buffer
  %y = cim.alloc "activation" size 12 : !cim.buffer
  %z = cim.alloc "scratch" size 8 : !cim.buffer
  cim.input "x" %x shape [2]
  cim.output "y" %y shape [3]
}

// CHECK:      cim.stream core 0 {
// CHECK-NEXT:   %x = cim.alloc "input" size 8 addr 0 : !cim.buffer
// CHECK-NEXT:   %y = cim.alloc "activation" size 12 addr 8 : !cim.buffer
// CHECK-NEXT:   %z = cim.alloc "scratch" size 8 addr 20 : !cim.buffer

// -----

// x (input and output) is live throughout [0, 3]: at the bottom. Of the others the largest
// is placed first even when it is allocated last: big [1, 1] at 4, t [0, 2] above it, u
// [2, 3] reuses big's bytes once big is dead.

cim.stream core 0 {
  %x = cim.alloc "input" size 4 : !cim.buffer
  %t = cim.alloc "scratch" size 8 : !cim.buffer
  %u = cim.alloc "scratch" size 8 : !cim.buffer
  %big = cim.alloc "activation" size 64 : !cim.buffer
  cim.input "x" %x shape [1]
  cim.layer "l" {
    cim.copy %t[0] [0] from %x[0] [0] loops [2]
    cim.copy %big[0] [1] from %t[0] [0] loops [16]
    cim.copy %u[0] [1] from %t[0] [1] loops [2]
    cim.copy %x[0] [0] from %u[0] [1] loops [2]
  }
  cim.output "x" %x shape [1]
}

// CHECK:      cim.stream core 0 {
// CHECK-NEXT:   %x = cim.alloc "input" size 4 addr 0 : !cim.buffer
// CHECK-NEXT:   %t = cim.alloc "scratch" size 8 addr 68 : !cim.buffer
// CHECK-NEXT:   %u = cim.alloc "scratch" size 8 addr 4 : !cim.buffer
// CHECK-NEXT:   %big = cim.alloc "activation" size 64 addr 4 : !cim.buffer
