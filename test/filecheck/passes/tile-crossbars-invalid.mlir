// RUN: cimc-opt %s --split-input-file --verify-diagnostics -p tile-crossbars | filecheck %s --match-full-lines
// RUN: not cimc-opt %s -p tile-crossbars 2>&1 | filecheck %s --check-prefix=ERR

// tile-crossbars needs static shapes. Without --verify-diagnostics (second RUN, the whole
// file as one module) the first error ends cimc-opt with a one-line error, rc 1.

// ERR-NOT: Traceback
// ERR:     cimc-opt: error: tile-crossbars: graph.gemm has a dynamic shape; run shape-infer first{{$}}

func.func @gemm(%a: tensor<2x6xf32>) -> tensor<2x?xf32> {
  %w = graph.weight "fc.weight" : tensor<6x5xf32>
  %y = graph.gemm %a, %w : (tensor<2x6xf32>, tensor<6x5xf32>) -> tensor<2x?xf32>
  func.return %y : tensor<2x?xf32>
}

// CHECK: tile-crossbars: graph.gemm has a dynamic shape; run shape-infer first

// -----

func.func @conv(%x: tensor<?x2x3x3xf32>) -> tensor<?x3x2x2xf32> {
  %w = graph.weight "conv.weight" : tensor<3x2x2x2xf32>
  %c = graph.conv %x, %w strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<?x2x3x3xf32>, tensor<3x2x2x2xf32>) -> tensor<?x3x2x2xf32>
  func.return %c : tensor<?x3x2x2xf32>
}

// CHECK: tile-crossbars: graph.conv has a dynamic shape; run shape-infer first

// -----

// A crossbar is programmed before the run, so its weight must be a graph.weight constant,
// not a value computed from the model's inputs.

func.func @computed_weight(%x: tensor<1x2x3x3xf32>, %w: tensor<2x2x1x1xf32>) -> tensor<1x2x3x3xf32> {
  %c = graph.conv %x, %w strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 {cimc.layer = "conv7"} : (tensor<1x2x3x3xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x3x3xf32>
  func.return %c : tensor<1x2x3x3xf32>
}

// CHECK: tile-crossbars: graph.conv "conv7": the weight is not a graph.weight constant; a weight computed from the model's inputs cannot be programmed into crossbars (a constant subgraph is folded by canonicalize)

// -----

func.func @computed_gemm_weight(%x: tensor<1x3xf32>, %w: tensor<3x2xf32>) -> tensor<1x2xf32> {
  %r = graph.relu %w : (tensor<3x2xf32>) -> tensor<3x2xf32>
  %y = graph.gemm %x, %r : (tensor<1x3xf32>, tensor<3x2xf32>) -> tensor<1x2xf32>
  func.return %y : tensor<1x2xf32>
}

// CHECK: tile-crossbars: graph.gemm: the weight is not a graph.weight constant; a weight computed from the model's inputs cannot be programmed into crossbars (a constant subgraph is folded by canonicalize)

// -----

// The passes read the target from the module's cimc.arch dictionary, checked like an arch file.

builtin.module attributes {cimc.arch = {xbar_rows = 0 : i64}} {
}

// CHECK: arch field 'xbar_rows' must be > 0, got 0

// -----

builtin.module attributes {cimc.arch = {xbar_rowz = 4 : i64}} {
}

// CHECK: cimc.arch attribute: unknown arch field 'xbar_rowz'

// -----

builtin.module attributes {cimc.arch = {xbar_cols = 4.0 : f64}} {
}

// CHECK: arch field 'xbar_cols' must be of type int, got 4.0

// -----

builtin.module attributes {cimc.arch = "isaac"} {
}

// CHECK: module attribute 'cimc.arch' must be a dictionary, got "isaac"
