// RUN: cimc-opt %s --split-input-file --verify-diagnostics | filecheck %s --match-full-lines

// graph.quantize's verifier errors, one chunk each. Codes are clip(rint(x / scale), qmin, qmax)
// with [qmin, qmax] = [-(2^(bits-1) - 1), 2^(bits-1) - 1] when signed, else [0, 2^bits - 1]:
// bits in 1..16, and a signed tensor needs bits >= 2 (with 1 bit its only code would be 0).

%x = "test.op"() : () -> tensor<4xf32>
%q = graph.quantize %x scale 0.5 bits 0 : (tensor<4xf32>) -> tensor<4xf32>

// CHECK: graph.quantize: 'bits' must be in 1..16 (2..16 when signed), got 0

// -----

%x = "test.op"() : () -> tensor<4xf32>
%q = graph.quantize %x scale 0.5 bits 17 : (tensor<4xf32>) -> tensor<4xf32>

// CHECK: graph.quantize: 'bits' must be in 1..16 (2..16 when signed), got 17

// -----

%x = "test.op"() : () -> tensor<4xf32>
%q = graph.quantize %x scale 0.5 bits 1 signed : (tensor<4xf32>) -> tensor<4xf32>

// CHECK: graph.quantize: 'bits' must be in 1..16 (2..16 when signed), got 1

// -----

// 1 unsigned bit is fine (codes 0 and 1): the chunk prints back.
%x = "test.op"() : () -> tensor<4xf32>
%q = graph.quantize %x scale 0.5 bits 1 : (tensor<4xf32>) -> tensor<4xf32>

// CHECK: %q = graph.quantize %x scale 5.000000e-01 bits 1 : (tensor<4xf32>) -> tensor<4xf32>

// -----

// The scale divides: it must be a finite number > 0.
%x = "test.op"() : () -> tensor<4xf32>
%q = graph.quantize %x scale 0.0 bits 8 : (tensor<4xf32>) -> tensor<4xf32>

// CHECK: graph.quantize: 'scale' must be a finite number > 0, got 0.0

// -----

%x = "test.op"() : () -> tensor<4xf32>
%q = graph.quantize %x scale -0.5 bits 8 : (tensor<4xf32>) -> tensor<4xf32>

// CHECK: graph.quantize: 'scale' must be a finite number > 0, got -0.5

// -----

// inf and nan have no decimal spelling: f32 bit patterns in the generic format.
%x = "test.op"() : () -> tensor<4xf32>
%q = "graph.quantize"(%x) <{scale = 0x7F800000 : f32, bits = 8 : i64}> : (tensor<4xf32>) -> tensor<4xf32>

// CHECK: graph.quantize: 'scale' must be a finite number > 0, got inf

// -----

%x = "test.op"() : () -> tensor<4xf32>
%q = "graph.quantize"(%x) <{scale = 0x7FC00000 : f32, bits = 8 : i64}> : (tensor<4xf32>) -> tensor<4xf32>

// CHECK: graph.quantize: 'scale' must be a finite number > 0, got nan

// -----

// The scale is an f32, like the vector unit's quantize parameter.
%x = "test.op"() : () -> tensor<4xf32>
%q = "graph.quantize"(%x) <{scale = 5.000000e-01 : f64, bits = 8 : i64}> : (tensor<4xf32>) -> tensor<4xf32>

// CHECK: f64 should be of base attribute f32

// -----

// Elementwise: the codes have the input's shape.
%x = "test.op"() : () -> tensor<4xf32>
%q = graph.quantize %x scale 0.5 bits 8 : (tensor<4xf32>) -> tensor<2x2xf32>

// CHECK: graph.quantize: result shape 2x2 does not match the inferred 4
