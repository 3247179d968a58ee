// RUN: %python -c "import numpy as np; np.savez('%t.npz', **{'conv.weight': np.ones((2, 1, 2, 2), np.float32), \
// RUN:   'fc.weight': np.ones((4, 2), np.float32), 'float.weight': np.full((4, 2), 2.5, np.float32), \
// RUN:   'big.weight': np.full((4, 2), 8, np.float32)})"
// RUN: cimc-opt %s --split-input-file --verify-diagnostics -p tile-crossbars --weights %t.npz | filecheck %s --match-full-lines
// RUN: not cimc-opt %s --split-input-file -p tile-crossbars 2>&1 | filecheck %s --check-prefix=ERR

// tile-crossbars' errors with precision "int", one per chunk. Int tiling reads the weights
// (for the offset correction), so without --weights (second RUN) the first chunk already
// fails with rc 1.

// ERR-NOT: Traceback
// ERR:     cimc-opt: error: tile-crossbars: needs the weights (run it from cimc, or cimc-opt --weights FILE.npz){{$}}

// A conv whose input is a float tensor, not graph.quantize codes: the module was not quantized.
builtin.module attributes {cimc.arch = {precision = "int", xbar_rows = 8 : i64, xbar_cols = 16 : i64, weight_bits = 4 : i64, input_bits = 4 : i64}} {
  func.func @float_input(%x: tensor<1x1x3x3xf32>) -> tensor<1x2x2x2xf32> {
    %w = graph.weight "conv.weight" : tensor<2x1x2x2xf32>
    %c = graph.conv %x, %w strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x1x3x3xf32>, tensor<2x1x2x2xf32>) -> tensor<1x2x2x2xf32>
    func.return %c : tensor<1x2x2x2xf32>
  }
}

// CHECK: tile-crossbars: with precision "int" a conv or gemm takes graph.quantize codes; run quantize first

// -----

// Codes that went through another op (here a relu) are no longer the layer's input codes.
builtin.module attributes {cimc.arch = {precision = "int", xbar_rows = 8 : i64, xbar_cols = 16 : i64, weight_bits = 4 : i64, input_bits = 4 : i64}} {
  func.func @relu_of_codes(%a: tensor<1x4xf32>) -> tensor<1x2xf32> {
    %w = graph.weight "fc.weight" : tensor<4x2xf32>
    %q = graph.quantize %a scale 0.5 bits 4 signed : (tensor<1x4xf32>) -> tensor<1x4xf32>
    %r = graph.relu %q : (tensor<1x4xf32>) -> tensor<1x4xf32>
    %y = graph.gemm %r, %w : (tensor<1x4xf32>, tensor<4x2xf32>) -> tensor<1x2xf32>
    func.return %y : tensor<1x2xf32>
  }
}

// CHECK: tile-crossbars: with precision "int" a conv or gemm takes graph.quantize codes; run quantize first

// -----

// weight_bits 4, cell_bits 2: slices = ceil(3 / 2) = 2, so a weight column needs 2 x 2 = 4
// physical columns, more than a 3-column crossbar has (checked before any layer is tiled).
builtin.module attributes {cimc.arch = {precision = "int", xbar_rows = 8 : i64, xbar_cols = 3 : i64, cell_bits = 2 : i64, weight_bits = 4 : i64}} {
  func.func @narrow(%a: tensor<1x4xf32>) -> tensor<1x2xf32> {
    %w = graph.weight "fc.weight" : tensor<4x2xf32>
    %q = graph.quantize %a scale 0.5 bits 8 : (tensor<1x4xf32>) -> tensor<1x4xf32>
    %y = graph.gemm %q, %w : (tensor<1x4xf32>, tensor<4x2xf32>) -> tensor<1x2xf32>
    func.return %y : tensor<1x2xf32>
  }
}

// CHECK: tile-crossbars: a weight column needs 4 physical columns (2 polarities x 2 slices), more than the 3 of a crossbar

// -----

// The same crossbar in fp32 holds a weight column per physical column: no error.
builtin.module attributes {cimc.arch = {xbar_rows = 8 : i64, xbar_cols = 3 : i64}} {
  func.func @narrow_fp32(%a: tensor<1x4xf32>) -> tensor<1x2xf32> {
    %w = graph.weight "fc.weight" : tensor<4x2xf32>
    %y = graph.gemm %a, %w : (tensor<1x4xf32>, tensor<4x2xf32>) -> tensor<1x2xf32>
    func.return %y : tensor<1x2xf32>
  }
}

// CHECK: %y = xbar.mvm %a, %w group 0 rows [0, 4] cols [0, 2] : (tensor<1x4xf32>, tensor<4x2xf32>) -> tensor<1x2xf32>

// -----

// Codes of 8 bits on an arch that applies input_bits = 4 per input: the DACs would drop bits.
builtin.module attributes {cimc.arch = {precision = "int", xbar_rows = 8 : i64, xbar_cols = 16 : i64, weight_bits = 4 : i64, input_bits = 4 : i64}} {
  func.func @wide_codes(%a: tensor<1x4xf32>) -> tensor<1x2xf32> {
    %w = graph.weight "fc.weight" : tensor<4x2xf32>
    %q = graph.quantize %a scale 0.5 bits 8 signed : (tensor<1x4xf32>) -> tensor<1x4xf32>
    %y = graph.gemm %q, %w : (tensor<1x4xf32>, tensor<4x2xf32>) -> tensor<1x2xf32>
    func.return %y : tensor<1x2xf32>
  }
}

// CHECK: tile-crossbars: graph.quantize makes 8-bit codes but the arch applies input_bits = 4

// -----

// Cells hold digits of integers: a weight of 2.5 cannot be programmed.
builtin.module attributes {cimc.arch = {precision = "int", xbar_rows = 8 : i64, xbar_cols = 16 : i64, weight_bits = 4 : i64, input_bits = 4 : i64}} {
  func.func @float_weight(%a: tensor<1x4xf32>) -> tensor<1x2xf32> {
    %w = graph.weight "float.weight" : tensor<4x2xf32>
    %q = graph.quantize %a scale 0.5 bits 4 signed : (tensor<1x4xf32>) -> tensor<1x4xf32>
    %y = graph.gemm %q, %w : (tensor<1x4xf32>, tensor<4x2xf32>) -> tensor<1x2xf32>
    func.return %y : tensor<1x2xf32>
  }
}

// CHECK: tile-crossbars: weight 'float.weight' of an int layer must hold integers in [-7, 7] (weight_bits = 4); run quantize first

// -----

// weight_bits 4: magnitudes up to 2^3 - 1 = 7; 8 needs a fourth bit.
builtin.module attributes {cimc.arch = {precision = "int", xbar_rows = 8 : i64, xbar_cols = 16 : i64, weight_bits = 4 : i64, input_bits = 4 : i64}} {
  func.func @big_weight(%a: tensor<1x4xf32>) -> tensor<1x2xf32> {
    %w = graph.weight "big.weight" : tensor<4x2xf32>
    %q = graph.quantize %a scale 0.5 bits 4 signed : (tensor<1x4xf32>) -> tensor<1x4xf32>
    %y = graph.gemm %q, %w : (tensor<1x4xf32>, tensor<4x2xf32>) -> tensor<1x2xf32>
    func.return %y : tensor<1x2xf32>
  }
}

// CHECK: tile-crossbars: weight 'big.weight' of an int layer must hold integers in [-7, 7] (weight_bits = 4); run quantize first
