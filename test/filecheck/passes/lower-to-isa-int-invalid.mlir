// RUN: cimc-opt %s --split-input-file --verify-diagnostics -p lower-to-isa | filecheck %s --match-full-lines

// lower-to-isa's errors on int tiles (precision "int"), one per chunk, on hand-written
// xbar-level modules (slices = ceil((weight_bits - 1) / cell_bits) = 2 unless said otherwise).

// A row tile lacking its (slice 1, polarity -1) tile: a crossbar holds all 2S cells of its
// weight columns, so lower-to-isa needs every (slice, polarity) of a row tile.
builtin.module attributes {cimc.arch = {precision = "int", xbar_rows = 8 : i64, xbar_cols = 16 : i64, cell_bits = 2 : i64, weight_bits = 4 : i64}} {
  func.func @main(%q: tensor<1x4xf32>) -> tensor<1x2xf32> {
    %w = graph.weight "fc.weight" : tensor<4x2xf32>
    %t0 = xbar.mvm %q, %w group 0 rows [0, 4] cols [0, 2] slice 0 polarity 1 : (tensor<1x4xf32>, tensor<4x2xf32>) -> tensor<1x2xf32>
    %t1 = xbar.mvm %q, %w group 0 rows [0, 4] cols [0, 2] slice 0 polarity -1 : (tensor<1x4xf32>, tensor<4x2xf32>) -> tensor<1x2xf32>
    %t2 = xbar.mvm %q, %w group 0 rows [0, 4] cols [0, 2] slice 1 polarity 1 : (tensor<1x4xf32>, tensor<4x2xf32>) -> tensor<1x2xf32>
    %y = xbar.shift_add %t0, %t1, %t2 : (tensor<1x2xf32>, tensor<1x2xf32>, tensor<1x2xf32>) -> tensor<1x2xf32>
    func.return %y : tensor<1x2xf32>
  }
}

// CHECK: lower-to-isa: a row tile of an int layer needs one tile for each of its 2 slices and both polarities

// -----

// Tiles made for 2 slices lowered for an arch with weight_bits 8: slices = ceil(7 / 2) = 4.
builtin.module attributes {cimc.arch = {precision = "int", xbar_rows = 8 : i64, xbar_cols = 16 : i64, cell_bits = 2 : i64, weight_bits = 8 : i64}} {
  func.func @main(%q: tensor<1x4xf32>) -> tensor<1x2xf32> {
    %w = graph.weight "fc.weight" : tensor<4x2xf32>
    %t0 = xbar.mvm %q, %w group 0 rows [0, 4] cols [0, 2] slice 0 polarity 1 : (tensor<1x4xf32>, tensor<4x2xf32>) -> tensor<1x2xf32>
    %t1 = xbar.mvm %q, %w group 0 rows [0, 4] cols [0, 2] slice 0 polarity -1 : (tensor<1x4xf32>, tensor<4x2xf32>) -> tensor<1x2xf32>
    %t2 = xbar.mvm %q, %w group 0 rows [0, 4] cols [0, 2] slice 1 polarity 1 : (tensor<1x4xf32>, tensor<4x2xf32>) -> tensor<1x2xf32>
    %t3 = xbar.mvm %q, %w group 0 rows [0, 4] cols [0, 2] slice 1 polarity -1 : (tensor<1x4xf32>, tensor<4x2xf32>) -> tensor<1x2xf32>
    %y = xbar.shift_add %t0, %t1, %t2, %t3 : (tensor<1x2xf32>, tensor<1x2xf32>, tensor<1x2xf32>, tensor<1x2xf32>) -> tensor<1x2xf32>
    func.return %y : tensor<1x2xf32>
  }
}

// CHECK: lower-to-isa: a row tile of an int layer needs one tile for each of its 4 slices and both polarities

// -----

// An int tile is one band of a crossbar's cells, not a product of its own: only
// xbar.shift_add may read it (here it is also returned).
builtin.module attributes {cimc.arch = {precision = "int", xbar_rows = 8 : i64, xbar_cols = 16 : i64, cell_bits = 2 : i64, weight_bits = 4 : i64}} {
  func.func @main(%q: tensor<1x4xf32>) -> (tensor<1x2xf32>, tensor<1x2xf32>) {
    %w = graph.weight "fc.weight" : tensor<4x2xf32>
    %t0 = xbar.mvm %q, %w group 0 rows [0, 4] cols [0, 2] slice 0 polarity 1 : (tensor<1x4xf32>, tensor<4x2xf32>) -> tensor<1x2xf32>
    %t1 = xbar.mvm %q, %w group 0 rows [0, 4] cols [0, 2] slice 0 polarity -1 : (tensor<1x4xf32>, tensor<4x2xf32>) -> tensor<1x2xf32>
    %t2 = xbar.mvm %q, %w group 0 rows [0, 4] cols [0, 2] slice 1 polarity 1 : (tensor<1x4xf32>, tensor<4x2xf32>) -> tensor<1x2xf32>
    %t3 = xbar.mvm %q, %w group 0 rows [0, 4] cols [0, 2] slice 1 polarity -1 : (tensor<1x4xf32>, tensor<4x2xf32>) -> tensor<1x2xf32>
    %y = xbar.shift_add %t0, %t1, %t2, %t3 : (tensor<1x2xf32>, tensor<1x2xf32>, tensor<1x2xf32>, tensor<1x2xf32>) -> tensor<1x2xf32>
    func.return %y, %t0 : tensor<1x2xf32>, tensor<1x2xf32>
  }
}

// CHECK: lower-to-isa: an int xbar.mvm tile is read by something other than xbar.shift_add

// -----

// A packed tile keeps its 2 groups on one crossbar: 2 x 4 rows and 2 weight columns x 4
// physical columns = 8 x 8, wider than a 6-column crossbar.
builtin.module attributes {cimc.arch = {precision = "int", xbar_rows = 8 : i64, xbar_cols = 6 : i64, cell_bits = 2 : i64, weight_bits = 4 : i64}} {
  func.func @main(%q: tensor<1x8xf32>) -> tensor<1x2xf32> {
    %w = graph.weight "dw.weight" : tensor<2x1x2x2xf32>
    %t0 = xbar.mvm %q, %w group 0 groups 2 rows [0, 4] cols [0, 2] slice 0 polarity 1 : (tensor<1x8xf32>, tensor<2x1x2x2xf32>) -> tensor<1x2xf32>
    %t1 = xbar.mvm %q, %w group 0 groups 2 rows [0, 4] cols [0, 2] slice 0 polarity -1 : (tensor<1x8xf32>, tensor<2x1x2x2xf32>) -> tensor<1x2xf32>
    %t2 = xbar.mvm %q, %w group 0 groups 2 rows [0, 4] cols [0, 2] slice 1 polarity 1 : (tensor<1x8xf32>, tensor<2x1x2x2xf32>) -> tensor<1x2xf32>
    %t3 = xbar.mvm %q, %w group 0 groups 2 rows [0, 4] cols [0, 2] slice 1 polarity -1 : (tensor<1x8xf32>, tensor<2x1x2x2xf32>) -> tensor<1x2xf32>
    %y = xbar.shift_add %t0, %t1, %t2, %t3 : (tensor<1x2xf32>, tensor<1x2xf32>, tensor<1x2xf32>, tensor<1x2xf32>) -> tensor<1x2xf32>
    func.return %y : tensor<1x2xf32>
  }
}

// CHECK: lower-to-isa: a 8x8 tile does not fit a 8x6 crossbar

// -----

// lower-to-isa cuts a row tile's physical columns into crossbars itself: an int tile naming
// its own crossbar is refused (one row tile may need several crossbars).
builtin.module attributes {cimc.arch = {precision = "int", xbar_rows = 8 : i64, xbar_cols = 4 : i64, cell_bits = 2 : i64, weight_bits = 4 : i64}} {
  func.func @main(%q: tensor<1x4xf32>) -> tensor<1x2xf32> {
    %w = graph.weight "fc.weight" : tensor<4x2xf32>
    %t0 = xbar.mvm %q, %w group 0 rows [0, 4] cols [0, 2] slice 0 polarity 1 xbar 5 : (tensor<1x4xf32>, tensor<4x2xf32>) -> tensor<1x2xf32>
    %t1 = xbar.mvm %q, %w group 0 rows [0, 4] cols [0, 2] slice 0 polarity -1 : (tensor<1x4xf32>, tensor<4x2xf32>) -> tensor<1x2xf32>
    %t2 = xbar.mvm %q, %w group 0 rows [0, 4] cols [0, 2] slice 1 polarity 1 : (tensor<1x4xf32>, tensor<4x2xf32>) -> tensor<1x2xf32>
    %t3 = xbar.mvm %q, %w group 0 rows [0, 4] cols [0, 2] slice 1 polarity -1 : (tensor<1x4xf32>, tensor<4x2xf32>) -> tensor<1x2xf32>
    %y = xbar.shift_add %t0, %t1, %t2, %t3 : (tensor<1x2xf32>, tensor<1x2xf32>, tensor<1x2xf32>, tensor<1x2xf32>) -> tensor<1x2xf32>
    func.return %y : tensor<1x2xf32>
  }
}

// CHECK: lower-to-isa: int tiles are placed on crossbars by lower-to-isa; an int xbar.mvm cannot carry 'xbar' or 'core'
