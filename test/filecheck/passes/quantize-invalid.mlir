// RUN: %python -c "import numpy as np; np.savez('%t.npz', **{'fc.weight': np.eye(2, dtype=np.float32)})"
// RUN: cimc-opt %s --split-input-file --verify-diagnostics -p quantize --weights %t.npz | filecheck %s --match-full-lines
// RUN: not cimc-opt %s -p quantize --weights %t.npz 2>&1 | filecheck %s --check-prefix=ERR

// quantize's errors, one per chunk (xDSL prints each message and exits 0). Without
// --split-input-file (second RUN) the whole file is one outer module without cimc.arch: the
// default arch, precision "fp32", is the first thing quantize rejects, with rc 1.

// ERR-NOT: Traceback
// ERR:     cimc-opt: error: quantize: the module's arch has precision "fp32"; quantize is for precision "int"{{$}}

// quantize makes integer layers for precision "int" only; an fp32 arch keeps float crossbars.
builtin.module attributes {cimc.arch = {xbar_rows = 8 : i64}} {
  func.func @main(%x: tensor<1x2xf32>) -> tensor<1x2xf32> {
    %w = graph.weight "fc.weight" : tensor<2x2xf32>
    %y = graph.gemm %x, %w : (tensor<1x2xf32>, tensor<2x2xf32>) -> tensor<1x2xf32>
    func.return %y : tensor<1x2xf32>
  }
}

// CHECK: quantize: the module's arch has precision "fp32"; quantize is for precision "int"

// -----

// A gemm that already reads graph.quantize codes: the module went through quantize before.
builtin.module attributes {cimc.arch = {precision = "int"}} {
  func.func @main(%x: tensor<1x2xf32>) -> tensor<1x2xf32> {
    %w = graph.weight "fc.weight" : tensor<2x2xf32>
    %q = graph.quantize %x scale 0.5 bits 8 signed : (tensor<1x2xf32>) -> tensor<1x2xf32>
    %y = graph.gemm %q, %w : (tensor<1x2xf32>, tensor<2x2xf32>) -> tensor<1x2xf32>
    func.return %y : tensor<1x2xf32>
  }
}

// CHECK: quantize: the module is quantized already

// -----

// The seeded calibration sample needs static input shapes.
builtin.module attributes {cimc.arch = {precision = "int"}} {
  func.func @main(%x: tensor<?x2xf32>) -> tensor<?x2xf32> {
    %w = graph.weight "fc.weight" : tensor<2x2xf32>
    %y = graph.gemm %x, %w : (tensor<?x2xf32>, tensor<2x2xf32>) -> tensor<?x2xf32>
    func.return %y : tensor<?x2xf32>
  }
}

// CHECK: quantize: the inputs have dynamic shapes; run shape-infer first

// -----

// Only a graph.weight constant can be quantized (and programmed into crossbars).
builtin.module attributes {cimc.arch = {precision = "int"}} {
  func.func @main(%x: tensor<1x2xf32>, %v: tensor<2x2xf32>) -> tensor<1x2xf32> {
    %y = graph.gemm %x, %v : (tensor<1x2xf32>, tensor<2x2xf32>) -> tensor<1x2xf32>
    func.return %y : tensor<1x2xf32>
  }
}

// CHECK: quantize: graph.gemm has a weight computed at run time; only constant weights can be programmed into crossbars

// -----

// With input_bits = 1 a signed input (the standard-normal sample has negative values) has
// no code but 0 on each side: 2^(1-1) - 1 = 0.
builtin.module attributes {cimc.arch = {precision = "int", input_bits = 1 : i64}} {
  func.func @main(%x: tensor<1x2xf32>) -> tensor<1x2xf32> {
    %w = graph.weight "fc.weight" : tensor<2x2xf32>
    %y = graph.gemm %x, %w : (tensor<1x2xf32>, tensor<2x2xf32>) -> tensor<1x2xf32>
    func.return %y : tensor<1x2xf32>
  }
}

// CHECK: quantize: the input of graph.gemm is signed, and input_bits = 1 cannot represent it

// -----

builtin.module attributes {cimc.arch = {precision = "int"}} {
  func.func @main(%x: tensor<1x2xf32>) -> tensor<1x2xf32> {
    func.return %x : tensor<1x2xf32>
  }
  func.func @other(%x: tensor<1x2xf32>) -> tensor<1x2xf32> {
    func.return %x : tensor<1x2xf32>
  }
}

// CHECK: quantize: expected one func.func, found 2
