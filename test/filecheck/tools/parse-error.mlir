// RUN: not cimc-opt %s 2>&1 | filecheck %s

// A parse error is a message with its location and a failing exit code, not a traceback.

// CHECK-NOT: Traceback
// CHECK: cimc-opt: error: {{.*}}parse-error.mlir:10:{{[0-9]+}}
// CHECK: Operation graph.bogus is not registered

%x = "test.op"() : () -> tensor<4xf32>
%y = graph.bogus %x : (tensor<4xf32>) -> tensor<4xf32>
