// RUN: not cimc-opt %s -p plan-memory 2>&1 | filecheck %s

// Three buffers live together need 16 + 16 + 8 bytes; the arch has 32.

// CHECK-NOT: Traceback
// CHECK:     cimc-opt: error: plan-memory: the program needs 40 bytes of global memory, the arch has 32{{$}}

builtin.module attributes {cimc.arch = {global_memory_bytes = 32 : i64}} {
  cim.stream core 0 {
    %x = cim.alloc "input" size 16 : !cim.buffer
    %y = cim.alloc "activation" size 16 : !cim.buffer
    %z = cim.alloc "scratch" size 8 : !cim.buffer
    cim.input "x" %x shape [4]
    cim.layer "l" {
      cim.copy %z[0] [1] from %x[0] [1] loops [2]
      cim.binary "add" %y[0] [1] from %x[0] [1], %z[0] [0] loops [4]
    }
    cim.output "y" %y shape [4]
  }
}
