// RUN: cimc-opt %s --split-input-file --verify-diagnostics | filecheck %s --match-full-lines

// The verifier errors of the int tiles (precision "int"): xbar.mvm's `slice`, `polarity` and
// `offset` and xbar.shift_add. One chunk per error; xDSL prints each message and exits 0.

// A tile holds the cells of one polarity, + or -: nothing else.
%x = "test.op"() : () -> tensor<2x6xf32>
%w = graph.weight "w" : tensor<6x3xf32>
%y = xbar.mvm %x, %w group 0 rows [0, 6] cols [0, 3] slice 0 polarity 2 : (tensor<2x6xf32>, tensor<6x3xf32>) -> tensor<2x3xf32>

// CHECK: xbar.mvm: 'polarity' must be 1 or -1, got 2

// -----

%x = "test.op"() : () -> tensor<2x6xf32>
%w = graph.weight "w" : tensor<6x3xf32>
%y = xbar.mvm %x, %w group 0 rows [0, 6] cols [0, 3] slice 0 polarity 0 : (tensor<2x6xf32>, tensor<6x3xf32>) -> tensor<2x3xf32>

// CHECK: xbar.mvm: 'polarity' must be 1 or -1, got 0

// -----

// An int tile names both its slice and its polarity ...
%x = "test.op"() : () -> tensor<2x6xf32>
%w = graph.weight "w" : tensor<6x3xf32>
%y = xbar.mvm %x, %w group 0 rows [0, 6] cols [0, 3] slice 0 : (tensor<2x6xf32>, tensor<6x3xf32>) -> tensor<2x3xf32>

// CHECK: xbar.mvm: an int tile has both 'slice' and 'polarity' ('offset' only with them)

// -----

%x = "test.op"() : () -> tensor<2x6xf32>
%w = graph.weight "w" : tensor<6x3xf32>
%y = xbar.mvm %x, %w group 0 rows [0, 6] cols [0, 3] polarity -1 : (tensor<2x6xf32>, tensor<6x3xf32>) -> tensor<2x3xf32>

// CHECK: xbar.mvm: an int tile has both 'slice' and 'polarity' ('offset' only with them)

// -----

// ... and an input offset (offset binary at the DACs) only makes sense on an int tile.
%x = "test.op"() : () -> tensor<2x6xf32>
%w = graph.weight "w" : tensor<6x3xf32>
%y = xbar.mvm %x, %w group 0 rows [0, 6] cols [0, 3] offset 8 : (tensor<2x6xf32>, tensor<6x3xf32>) -> tensor<2x3xf32>

// CHECK: xbar.mvm: an int tile has both 'slice' and 'polarity' ('offset' only with them)

// -----

%x = "test.op"() : () -> tensor<2x6xf32>
%w = graph.weight "w" : tensor<6x3xf32>
%y = xbar.mvm %x, %w group 0 rows [0, 6] cols [0, 3] slice -1 polarity 1 : (tensor<2x6xf32>, tensor<6x3xf32>) -> tensor<2x3xf32>

// CHECK: xbar.mvm: 'slice' must be >= 0

// -----

%x = "test.op"() : () -> tensor<2x6xf32>
%w = graph.weight "w" : tensor<6x3xf32>
%y = xbar.mvm %x, %w group 0 rows [0, 6] cols [0, 3] slice 0 polarity 1 offset -8 : (tensor<2x6xf32>, tensor<6x3xf32>) -> tensor<2x3xf32>

// CHECK: xbar.mvm: 'offset' must be >= 0

// -----

// xbar.shift_add recombines int tiles only: not an fp32 tile (no slice and polarity) ...
%x = "test.op"() : () -> tensor<2x6xf32>
%w = graph.weight "w" : tensor<6x3xf32>
%t = xbar.mvm %x, %w group 0 rows [0, 6] cols [0, 3] : (tensor<2x6xf32>, tensor<6x3xf32>) -> tensor<2x3xf32>
%y = xbar.shift_add %t : (tensor<2x3xf32>) -> tensor<2x3xf32>

// CHECK: xbar.shift_add: input 0 is not an int xbar.mvm tile (with slice and polarity)

// -----

// ... nor any other value.
%t = "test.op"() : () -> tensor<2x3xf32>
%y = xbar.shift_add %t : (tensor<2x3xf32>) -> tensor<2x3xf32>

// CHECK: xbar.shift_add: input 0 is not an int xbar.mvm tile (with slice and polarity)

// -----

%y = xbar.shift_add : () -> tensor<2x3xf32>

// CHECK: xbar.shift_add: needs at least one tile

// -----

// All tiles of one shift_add are cut from one weight.
%x = "test.op"() : () -> tensor<2x6xf32>
%w = graph.weight "w" : tensor<6x3xf32>
%v = graph.weight "v" : tensor<6x3xf32>
%t0 = xbar.mvm %x, %w group 0 rows [0, 6] cols [0, 3] slice 0 polarity 1 : (tensor<2x6xf32>, tensor<6x3xf32>) -> tensor<2x3xf32>
%t1 = xbar.mvm %x, %v group 0 rows [0, 6] cols [0, 3] slice 0 polarity -1 : (tensor<2x6xf32>, tensor<6x3xf32>) -> tensor<2x3xf32>
%y = xbar.shift_add %t0, %t1 : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>

// CHECK: xbar.shift_add: input 1 is a tile of another weight

// -----

// A tile adds at its own columns of the P x N result: cols [1, 3) need 3 result columns.
%x = "test.op"() : () -> tensor<2x6xf32>
%w = graph.weight "w" : tensor<6x3xf32>
%t0 = xbar.mvm %x, %w group 0 rows [0, 6] cols [1, 3] slice 0 polarity 1 : (tensor<2x6xf32>, tensor<6x3xf32>) -> tensor<2x2xf32>
%y = xbar.shift_add %t0 : (tensor<2x2xf32>) -> tensor<2x2xf32>

// CHECK: xbar.shift_add: input 0 does not fit the 2x2 result

// -----

// ... and has the result's P rows.
%x = "test.op"() : () -> tensor<2x6xf32>
%w = graph.weight "w" : tensor<6x3xf32>
%t0 = xbar.mvm %x, %w group 0 rows [0, 6] cols [0, 3] slice 0 polarity 1 : (tensor<2x6xf32>, tensor<6x3xf32>) -> tensor<2x3xf32>
%y = xbar.shift_add %t0 : (tensor<2x3xf32>) -> tensor<4x3xf32>

// CHECK: xbar.shift_add: input 0 does not fit the 4x3 result
