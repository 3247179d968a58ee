// RUN: cimc-opt %s --split-input-file -p 'replicate{strategy=optimal},lower-to-isa,map-cores' | filecheck %s --match-full-lines

// map-cores after replicate (optimal, budget = the chip) and lower-to-isa, on one 3-layer
// model with different chips. 4x3 crossbars, P = 4 rows for every layer:
//   fc1: 4x6, 2 column tiles, X = 2;  fc2: 6x3, 2 row tiles, X = 2;  fc3: 3x3, X = 1.
// One copy needs 5 crossbars; R copies of every layer (optimal gives all three the same R,
// as their P are equal) need 5R. Crossbars are renumbered in order of first use, then a
// layer that fits on one core starts a fresh core rather than straddle two; on a chip with
// `cores` where that does not fit, crossbars are packed densely (id / xbars_per_core).

// 2 cores x 6 = 12: T = 2 needs 5 * ceil(4/2) = 10 <= 12 (T = 1 needs 20), so R = 2 and the
// layers take 4, 4 and 2 crossbars. lower-to-isa placed them densely, id / 6, so fc2 (ids
// 4..7) straddled cores 0 and 1. map-cores: fc1 on core 0 (4 of 6 used), fc2 does not fit the
// 2 left and starts core 1, fc3 joins it (4 + 2 <= 6).
builtin.module attributes {cimc.arch = {xbar_rows = 4 : i64, xbar_cols = 3 : i64, cores = 2 : i64, xbars_per_core = 6 : i64}} {
  func.func @layered(%x: tensor<4x4xf32>) -> tensor<4x3xf32> {
    %w1 = graph.weight "fc1.weight" : tensor<4x6xf32>
    %a = xbar.mvm %x, %w1 group 0 rows [0, 4] cols [0, 3] {cimc.layer = "fc1"} : (tensor<4x4xf32>, tensor<4x6xf32>) -> tensor<4x3xf32>
    %a_1 = xbar.mvm %x, %w1 group 0 rows [0, 4] cols [3, 6] {cimc.layer = "fc1"} : (tensor<4x4xf32>, tensor<4x6xf32>) -> tensor<4x3xf32>
    %a_2 = xbar.concat %a, %a_1 {cimc.layer = "fc1"} : (tensor<4x3xf32>, tensor<4x3xf32>) -> tensor<4x6xf32>
    %w2 = graph.weight "fc2.weight" : tensor<6x3xf32>
    %b = xbar.mvm %a_2, %w2 group 0 rows [0, 4] cols [0, 3] {cimc.layer = "fc2"} : (tensor<4x6xf32>, tensor<6x3xf32>) -> tensor<4x3xf32>
    %b_1 = xbar.mvm %a_2, %w2 group 0 rows [4, 6] cols [0, 3] {cimc.layer = "fc2"} : (tensor<4x6xf32>, tensor<6x3xf32>) -> tensor<4x3xf32>
    %b_2 = xbar.accumulate %b, %b_1 {cimc.layer = "fc2"} : (tensor<4x3xf32>, tensor<4x3xf32>) -> tensor<4x3xf32>
    %w3 = graph.weight "fc3.weight" : tensor<3x3xf32>
    %c = xbar.mvm %b_2, %w3 group 0 rows [0, 3] cols [0, 3] {cimc.layer = "fc3"} : (tensor<4x3xf32>, tensor<3x3xf32>) -> tensor<4x3xf32>
    func.return %c : tensor<4x3xf32>
  }
}

// CHECK:      builtin.module attributes {cimc.arch = {xbar_rows = 4 : i64, xbar_cols = 3 : i64, cores = 2 : i64, xbars_per_core = 6 : i64}, cimc.crossbar_budget = 12 : i64} {
// CHECK-NEXT:   cim.crossbar 0 core 0 weight "fc1.weight" rows [0, 4] cols [0, 3]
// CHECK-NEXT:   cim.crossbar 1 core 0 weight "fc1.weight" rows [0, 4] cols [0, 3]
// CHECK-NEXT:   cim.crossbar 2 core 0 weight "fc1.weight" rows [0, 4] cols [3, 6]
// CHECK-NEXT:   cim.crossbar 3 core 0 weight "fc1.weight" rows [0, 4] cols [3, 6]
// CHECK-NEXT:   cim.crossbar 4 core 1 weight "fc2.weight" rows [0, 4] cols [0, 3]
// CHECK-NEXT:   cim.crossbar 5 core 1 weight "fc2.weight" rows [0, 4] cols [0, 3]
// CHECK-NEXT:   cim.crossbar 6 core 1 weight "fc2.weight" rows [4, 6] cols [0, 3]
// CHECK-NEXT:   cim.crossbar 7 core 1 weight "fc2.weight" rows [4, 6] cols [0, 3]
// CHECK-NEXT:   cim.crossbar 8 core 1 weight "fc3.weight" rows [0, 3] cols [0, 3]
// CHECK-NEXT:   cim.crossbar 9 core 1 weight "fc3.weight" rows [0, 3] cols [0, 3]
// CHECK-NEXT:   cim.stream core 0 {
// The ids were already in order of use: the MVMs keep theirs.
// CHECK:          cim.layer "fc1" {
// CHECK-NEXT:       cim.mvm xbar 0 replicas 2 [[A:%[^ ]+]][0] [6] from [[X:%[^ ]+]][0] [4] loops [4]
// CHECK-NEXT:       cim.mvm xbar 2 replicas 2 [[A]][3] [6] from [[X]][0] [4] loops [4]
// CHECK-NEXT:     }
// CHECK-NEXT:     cim.layer "fc2" {
// CHECK-NEXT:       cim.mvm xbar 4 replicas 2 [[B:%[^ ]+]][0] [3] from [[A]][0] [6] loops [4]
// CHECK-NEXT:       cim.mvm xbar 6 replicas 2 [[B]][0] [3] from [[A]][4] [6] loops [4] acc
// CHECK-NEXT:     }
// CHECK-NEXT:     cim.layer "fc3" {
// CHECK-NEXT:       cim.mvm xbar 8 replicas 2 [[C:%[^ ]+]][0] [3] from [[B]][0] [3] loops [4]
// CHECK-NEXT:     }

// -----

// Tiles placed by hand (fc1's second tile on crossbar 3, fc3 on 0): lower-to-isa declares
// 1, 3, 2, 4, 0 in the order fc1, fc1, fc2, fc2, fc3 (automatic ids go around 0 and 3), so
// fc1 sat on cores 0 and 1 (id / 3). 2 cores x 3 = 6: T = 3 would need 5 * ceil(4/3) = 10 > 6,
// so one copy (T = 4, 5 crossbars). map-cores renumbers in order of first use, 1 3 2 4 0 ->
// 0 1 2 3 4, declares them in that order and rewrites the MVMs; fc1 fills core 0 up to 2 of
// 3, fc2 (2) does not fit the 1 left and starts core 1, fc3 (1) joins it.
builtin.module attributes {cimc.arch = {xbar_rows = 4 : i64, xbar_cols = 3 : i64, cores = 2 : i64, xbars_per_core = 3 : i64}} {
  func.func @placed(%x: tensor<4x4xf32>) -> tensor<4x3xf32> {
    %w1 = graph.weight "fc1.weight" : tensor<4x6xf32>
    %a = xbar.mvm %x, %w1 group 0 rows [0, 4] cols [0, 3] {cimc.layer = "fc1"} : (tensor<4x4xf32>, tensor<4x6xf32>) -> tensor<4x3xf32>
    %a_1 = xbar.mvm %x, %w1 group 0 rows [0, 4] cols [3, 6] xbar 3 {cimc.layer = "fc1"} : (tensor<4x4xf32>, tensor<4x6xf32>) -> tensor<4x3xf32>
    %a_2 = xbar.concat %a, %a_1 {cimc.layer = "fc1"} : (tensor<4x3xf32>, tensor<4x3xf32>) -> tensor<4x6xf32>
    %w2 = graph.weight "fc2.weight" : tensor<6x3xf32>
    %b = xbar.mvm %a_2, %w2 group 0 rows [0, 4] cols [0, 3] {cimc.layer = "fc2"} : (tensor<4x6xf32>, tensor<6x3xf32>) -> tensor<4x3xf32>
    %b_1 = xbar.mvm %a_2, %w2 group 0 rows [4, 6] cols [0, 3] {cimc.layer = "fc2"} : (tensor<4x6xf32>, tensor<6x3xf32>) -> tensor<4x3xf32>
    %b_2 = xbar.accumulate %b, %b_1 {cimc.layer = "fc2"} : (tensor<4x3xf32>, tensor<4x3xf32>) -> tensor<4x3xf32>
    %w3 = graph.weight "fc3.weight" : tensor<3x3xf32>
    %c = xbar.mvm %b_2, %w3 group 0 rows [0, 3] cols [0, 3] xbar 0 {cimc.layer = "fc3"} : (tensor<4x3xf32>, tensor<3x3xf32>) -> tensor<4x3xf32>
    func.return %c : tensor<4x3xf32>
  }
}

// CHECK:      builtin.module attributes {cimc.arch = {xbar_rows = 4 : i64, xbar_cols = 3 : i64, cores = 2 : i64, xbars_per_core = 3 : i64}, cimc.crossbar_budget = 6 : i64} {
// CHECK-NEXT:   cim.crossbar 0 core 0 weight "fc1.weight" rows [0, 4] cols [0, 3]
// CHECK-NEXT:   cim.crossbar 1 core 0 weight "fc1.weight" rows [0, 4] cols [3, 6]
// CHECK-NEXT:   cim.crossbar 2 core 1 weight "fc2.weight" rows [0, 4] cols [0, 3]
// CHECK-NEXT:   cim.crossbar 3 core 1 weight "fc2.weight" rows [4, 6] cols [0, 3]
// CHECK-NEXT:   cim.crossbar 4 core 1 weight "fc3.weight" rows [0, 3] cols [0, 3]
// CHECK-NEXT:   cim.stream core 0 {
// CHECK:          cim.layer "fc1" {
// CHECK-NEXT:       cim.mvm xbar 0 [[A:%[^ ]+]][0] [6] from [[X:%[^ ]+]][0] [4] loops [4]
// CHECK-NEXT:       cim.mvm xbar 1 [[A]][3] [6] from [[X]][0] [4] loops [4]
// CHECK-NEXT:     }
// CHECK-NEXT:     cim.layer "fc2" {
// CHECK-NEXT:       cim.mvm xbar 2 [[B:%[^ ]+]][0] [3] from [[A]][0] [6] loops [4]
// CHECK-NEXT:       cim.mvm xbar 3 [[B]][0] [3] from [[A]][4] [6] loops [4] acc
// CHECK-NEXT:     }
// CHECK-NEXT:     cim.layer "fc3" {
// CHECK-NEXT:       cim.mvm xbar 4 [[C:%[^ ]+]][0] [3] from [[B]][0] [3] loops [4]
// CHECK-NEXT:     }

// -----

// 2 cores x 5 = 10: R = 2 again (10 <= 10), 4 + 4 + 2 crossbars. Kept together they would
// need 3 cores (fc1 on core 0, fc2 on core 1 as 4 + 4 > 5, fc3 on core 2 as 4 + 2 > 5), the
// chip has 2: map-cores packs densely, id / 5, and fc2 straddles cores 0 and 1.
builtin.module attributes {cimc.arch = {xbar_rows = 4 : i64, xbar_cols = 3 : i64, cores = 2 : i64, xbars_per_core = 5 : i64}} {
  func.func @dense(%x: tensor<4x4xf32>) -> tensor<4x3xf32> {
    %w1 = graph.weight "fc1.weight" : tensor<4x6xf32>
    %a = xbar.mvm %x, %w1 group 0 rows [0, 4] cols [0, 3] {cimc.layer = "fc1"} : (tensor<4x4xf32>, tensor<4x6xf32>) -> tensor<4x3xf32>
    %a_1 = xbar.mvm %x, %w1 group 0 rows [0, 4] cols [3, 6] {cimc.layer = "fc1"} : (tensor<4x4xf32>, tensor<4x6xf32>) -> tensor<4x3xf32>
    %a_2 = xbar.concat %a, %a_1 {cimc.layer = "fc1"} : (tensor<4x3xf32>, tensor<4x3xf32>) -> tensor<4x6xf32>
    %w2 = graph.weight "fc2.weight" : tensor<6x3xf32>
    %b = xbar.mvm %a_2, %w2 group 0 rows [0, 4] cols [0, 3] {cimc.layer = "fc2"} : (tensor<4x6xf32>, tensor<6x3xf32>) -> tensor<4x3xf32>
    %b_1 = xbar.mvm %a_2, %w2 group 0 rows [4, 6] cols [0, 3] {cimc.layer = "fc2"} : (tensor<4x6xf32>, tensor<6x3xf32>) -> tensor<4x3xf32>
    %b_2 = xbar.accumulate %b, %b_1 {cimc.layer = "fc2"} : (tensor<4x3xf32>, tensor<4x3xf32>) -> tensor<4x3xf32>
    %w3 = graph.weight "fc3.weight" : tensor<3x3xf32>
    %c = xbar.mvm %b_2, %w3 group 0 rows [0, 3] cols [0, 3] {cimc.layer = "fc3"} : (tensor<4x3xf32>, tensor<3x3xf32>) -> tensor<4x3xf32>
    func.return %c : tensor<4x3xf32>
  }
}

// CHECK:      builtin.module attributes {cimc.arch = {xbar_rows = 4 : i64, xbar_cols = 3 : i64, cores = 2 : i64, xbars_per_core = 5 : i64}, cimc.crossbar_budget = 10 : i64} {
// CHECK-NEXT:   cim.crossbar 0 core 0 weight "fc1.weight" rows [0, 4] cols [0, 3]
// CHECK-NEXT:   cim.crossbar 1 core 0 weight "fc1.weight" rows [0, 4] cols [0, 3]
// CHECK-NEXT:   cim.crossbar 2 core 0 weight "fc1.weight" rows [0, 4] cols [3, 6]
// CHECK-NEXT:   cim.crossbar 3 core 0 weight "fc1.weight" rows [0, 4] cols [3, 6]
// CHECK-NEXT:   cim.crossbar 4 core 0 weight "fc2.weight" rows [0, 4] cols [0, 3]
// CHECK-NEXT:   cim.crossbar 5 core 1 weight "fc2.weight" rows [0, 4] cols [0, 3]
// CHECK-NEXT:   cim.crossbar 6 core 1 weight "fc2.weight" rows [4, 6] cols [0, 3]
// CHECK-NEXT:   cim.crossbar 7 core 1 weight "fc2.weight" rows [4, 6] cols [0, 3]
// CHECK-NEXT:   cim.crossbar 8 core 1 weight "fc3.weight" rows [0, 3] cols [0, 3]
// CHECK-NEXT:   cim.crossbar 9 core 1 weight "fc3.weight" rows [0, 3] cols [0, 3]
// CHECK-NEXT:   cim.stream core 0 {

// -----

// allow_reload on a chip of 2 cores x 2 = 4, too small for one copy (5): replicate keeps one
// copy, and map-cores cuts the stream into phases of at most 4 crossbars in order of use:
// crossbars 0..3 (fc1 and fc2), then 4 (fc3). Each phase starts with a `cim.program` of its
// crossbars before its first MVM, and puts them at position p = id - first of the chip:
// core p / 2, slot p % 2. Crossbar 4 reuses (core 0, slot 0), crossbar 0's.
builtin.module attributes {cimc.arch = {xbar_rows = 4 : i64, xbar_cols = 3 : i64, cores = 2 : i64, xbars_per_core = 2 : i64, allow_reload = true}} {
  func.func @reload(%x: tensor<4x4xf32>) -> tensor<4x3xf32> {
    %w1 = graph.weight "fc1.weight" : tensor<4x6xf32>
    %a = xbar.mvm %x, %w1 group 0 rows [0, 4] cols [0, 3] {cimc.layer = "fc1"} : (tensor<4x4xf32>, tensor<4x6xf32>) -> tensor<4x3xf32>
    %a_1 = xbar.mvm %x, %w1 group 0 rows [0, 4] cols [3, 6] {cimc.layer = "fc1"} : (tensor<4x4xf32>, tensor<4x6xf32>) -> tensor<4x3xf32>
    %a_2 = xbar.concat %a, %a_1 {cimc.layer = "fc1"} : (tensor<4x3xf32>, tensor<4x3xf32>) -> tensor<4x6xf32>
    %w2 = graph.weight "fc2.weight" : tensor<6x3xf32>
    %b = xbar.mvm %a_2, %w2 group 0 rows [0, 4] cols [0, 3] {cimc.layer = "fc2"} : (tensor<4x6xf32>, tensor<6x3xf32>) -> tensor<4x3xf32>
    %b_1 = xbar.mvm %a_2, %w2 group 0 rows [4, 6] cols [0, 3] {cimc.layer = "fc2"} : (tensor<4x6xf32>, tensor<6x3xf32>) -> tensor<4x3xf32>
    %b_2 = xbar.accumulate %b, %b_1 {cimc.layer = "fc2"} : (tensor<4x3xf32>, tensor<4x3xf32>) -> tensor<4x3xf32>
    %w3 = graph.weight "fc3.weight" : tensor<3x3xf32>
    %c = xbar.mvm %b_2, %w3 group 0 rows [0, 3] cols [0, 3] {cimc.layer = "fc3"} : (tensor<4x3xf32>, tensor<3x3xf32>) -> tensor<4x3xf32>
    func.return %c : tensor<4x3xf32>
  }
}

// CHECK:      builtin.module attributes {cimc.arch = {xbar_rows = 4 : i64, xbar_cols = 3 : i64, cores = 2 : i64, xbars_per_core = 2 : i64, allow_reload = true}, cimc.crossbar_budget = 4 : i64} {
// CHECK-NEXT:   cim.crossbar 0 core 0 slot 0 weight "fc1.weight" rows [0, 4] cols [0, 3]
// CHECK-NEXT:   cim.crossbar 1 core 0 slot 1 weight "fc1.weight" rows [0, 4] cols [3, 6]
// CHECK-NEXT:   cim.crossbar 2 core 1 slot 0 weight "fc2.weight" rows [0, 4] cols [0, 3]
// CHECK-NEXT:   cim.crossbar 3 core 1 slot 1 weight "fc2.weight" rows [4, 6] cols [0, 3]
// CHECK-NEXT:   cim.crossbar 4 core 0 slot 0 weight "fc3.weight" rows [0, 3] cols [0, 3]
// CHECK-NEXT:   cim.stream core 0 {
// CHECK:          cim.layer "fc1" {
// CHECK-NEXT:       cim.program xbar 0 loops [4]
// CHECK-NEXT:       cim.mvm xbar 0 [[A:%[^ ]+]][0] [6] from [[X:%[^ ]+]][0] [4] loops [4]
// CHECK-NEXT:       cim.mvm xbar 1 [[A]][3] [6] from [[X]][0] [4] loops [4]
// CHECK-NEXT:     }
// CHECK-NEXT:     cim.layer "fc2" {
// CHECK-NEXT:       cim.mvm xbar 2 [[B:%[^ ]+]][0] [3] from [[A]][0] [6] loops [4]
// CHECK-NEXT:       cim.mvm xbar 3 [[B]][0] [3] from [[A]][4] [6] loops [4] acc
// CHECK-NEXT:     }
// CHECK-NEXT:     cim.layer "fc3" {
// CHECK-NEXT:       cim.program xbar 4 loops [1]
// CHECK-NEXT:       cim.mvm xbar 4 [[C:%[^ ]+]][0] [3] from [[B]][0] [3] loops [4]
// CHECK-NEXT:     }

// -----

// One core of 3: phases 0..2 and 3..4. Phases follow the order of use, not layers: the
// second starts inside fc2, before the MVM of its second row tile (crossbar 3, slot 0).
builtin.module attributes {cimc.arch = {xbar_rows = 4 : i64, xbar_cols = 3 : i64, cores = 1 : i64, xbars_per_core = 3 : i64, allow_reload = true}} {
  func.func @midlayer(%x: tensor<4x4xf32>) -> tensor<4x3xf32> {
    %w1 = graph.weight "fc1.weight" : tensor<4x6xf32>
    %a = xbar.mvm %x, %w1 group 0 rows [0, 4] cols [0, 3] {cimc.layer = "fc1"} : (tensor<4x4xf32>, tensor<4x6xf32>) -> tensor<4x3xf32>
    %a_1 = xbar.mvm %x, %w1 group 0 rows [0, 4] cols [3, 6] {cimc.layer = "fc1"} : (tensor<4x4xf32>, tensor<4x6xf32>) -> tensor<4x3xf32>
    %a_2 = xbar.concat %a, %a_1 {cimc.layer = "fc1"} : (tensor<4x3xf32>, tensor<4x3xf32>) -> tensor<4x6xf32>
    %w2 = graph.weight "fc2.weight" : tensor<6x3xf32>
    %b = xbar.mvm %a_2, %w2 group 0 rows [0, 4] cols [0, 3] {cimc.layer = "fc2"} : (tensor<4x6xf32>, tensor<6x3xf32>) -> tensor<4x3xf32>
    %b_1 = xbar.mvm %a_2, %w2 group 0 rows [4, 6] cols [0, 3] {cimc.layer = "fc2"} : (tensor<4x6xf32>, tensor<6x3xf32>) -> tensor<4x3xf32>
    %b_2 = xbar.accumulate %b, %b_1 {cimc.layer = "fc2"} : (tensor<4x3xf32>, tensor<4x3xf32>) -> tensor<4x3xf32>
    %w3 = graph.weight "fc3.weight" : tensor<3x3xf32>
    %c = xbar.mvm %b_2, %w3 group 0 rows [0, 3] cols [0, 3] {cimc.layer = "fc3"} : (tensor<4x3xf32>, tensor<3x3xf32>) -> tensor<4x3xf32>
    func.return %c : tensor<4x3xf32>
  }
}

// CHECK:      builtin.module attributes {cimc.arch = {xbar_rows = 4 : i64, xbar_cols = 3 : i64, cores = 1 : i64, xbars_per_core = 3 : i64, allow_reload = true}, cimc.crossbar_budget = 3 : i64} {
// CHECK-NEXT:   cim.crossbar 0 core 0 slot 0 weight "fc1.weight" rows [0, 4] cols [0, 3]
// CHECK-NEXT:   cim.crossbar 1 core 0 slot 1 weight "fc1.weight" rows [0, 4] cols [3, 6]
// CHECK-NEXT:   cim.crossbar 2 core 0 slot 2 weight "fc2.weight" rows [0, 4] cols [0, 3]
// CHECK-NEXT:   cim.crossbar 3 core 0 slot 0 weight "fc2.weight" rows [4, 6] cols [0, 3]
// CHECK-NEXT:   cim.crossbar 4 core 0 slot 1 weight "fc3.weight" rows [0, 3] cols [0, 3]
// CHECK-NEXT:   cim.stream core 0 {
// CHECK:          cim.layer "fc1" {
// CHECK-NEXT:       cim.program xbar 0 loops [3]
// CHECK-NEXT:       cim.mvm xbar 0 [[A:%[^ ]+]][0] [6] from [[X:%[^ ]+]][0] [4] loops [4]
// CHECK-NEXT:       cim.mvm xbar 1 [[A]][3] [6] from [[X]][0] [4] loops [4]
// CHECK-NEXT:     }
// CHECK-NEXT:     cim.layer "fc2" {
// CHECK-NEXT:       cim.mvm xbar 2 [[B:%[^ ]+]][0] [3] from [[A]][0] [6] loops [4]
// CHECK-NEXT:       cim.program xbar 3 loops [2]
// CHECK-NEXT:       cim.mvm xbar 3 [[B]][0] [3] from [[A]][4] [6] loops [4] acc
// CHECK-NEXT:     }
// CHECK-NEXT:     cim.layer "fc3" {
// CHECK-NEXT:       cim.mvm xbar 4 [[C:%[^ ]+]][0] [3] from [[B]][0] [3] loops [4]
// CHECK-NEXT:     }
