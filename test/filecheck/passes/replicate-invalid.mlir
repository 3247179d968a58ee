// RUN: cimc-opt %s --split-input-file --verify-diagnostics -p 'replicate{strategy=optimal budget=5}' | filecheck %s --match-full-lines
// RUN: cimc-opt %s --split-input-file --verify-diagnostics -p replicate | filecheck %s --check-prefix=DEFAULT --match-full-lines
// RUN: not cimc-opt %s --split-input-file -p 'replicate{strategy=fastest budget=13}' 2>&1 | filecheck %s --check-prefix=STRATEGY
// RUN: not cimc-opt %s --split-input-file -p 'replicate{budget=0}' 2>&1 | filecheck %s --check-prefix=ZERO
// RUN: not cimc-opt %s --split-input-file -p 'replicate{strategy=optimal}' 2>&1 | filecheck %s --check-prefix=NOBUDGET

// replicate's errors. The first two RUN lines print one message per chunk: the module's own
// errors under budget 5 (CHECK) and under the defaults, strategy none without a budget
// (DEFAULT). The others are errors of the pass options: without --verify-diagnostics the first
// chunk (6 crossbars, no `cores`) ends cimc-opt with a one-line error, rc 1.

// STRATEGY-NOT: Traceback
// STRATEGY:     cimc-opt: error: replicate: unknown strategy 'fastest': choose one of none, uniform, balance, optimal{{$}}

// ZERO-NOT: Traceback
// ZERO:     cimc-opt: error: replicate: budget must be >= 1, got 0{{$}}

// Without a budget a strategy other than none takes the chip's crossbars; with `cores` unset
// there is no chip size.
// NOBUDGET-NOT: Traceback
// NOBUDGET:     cimc-opt: error: replicate: strategy 'optimal' needs a crossbar budget: give budget=N or a chip size (arch field 'cores'){{$}}

// fc1: 8x6 on 4x3 crossbars, 2 row tiles x 2 column tiles = 4 crossbars; fc2: 6x3, 2 row
// tiles = 2 crossbars. One copy needs 6 crossbars, more than a budget of 5.
builtin.module attributes {cimc.arch = {xbar_rows = 4 : i64, xbar_cols = 3 : i64}} {
  func.func @one_copy_too_big(%x: tensor<2x8xf32>) -> tensor<2x3xf32> {
    %w1 = graph.weight "fc1.weight" : tensor<8x6xf32>
    %a = xbar.mvm %x, %w1 group 0 rows [0, 4] cols [0, 3] {cimc.layer = "fc1"} : (tensor<2x8xf32>, tensor<8x6xf32>) -> tensor<2x3xf32>
    %a_1 = xbar.mvm %x, %w1 group 0 rows [4, 8] cols [0, 3] {cimc.layer = "fc1"} : (tensor<2x8xf32>, tensor<8x6xf32>) -> tensor<2x3xf32>
    %a_2 = xbar.accumulate %a, %a_1 {cimc.layer = "fc1"} : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
    %a_3 = xbar.mvm %x, %w1 group 0 rows [0, 4] cols [3, 6] {cimc.layer = "fc1"} : (tensor<2x8xf32>, tensor<8x6xf32>) -> tensor<2x3xf32>
    %a_4 = xbar.mvm %x, %w1 group 0 rows [4, 8] cols [3, 6] {cimc.layer = "fc1"} : (tensor<2x8xf32>, tensor<8x6xf32>) -> tensor<2x3xf32>
    %a_5 = xbar.accumulate %a_3, %a_4 {cimc.layer = "fc1"} : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
    %a_6 = xbar.concat %a_2, %a_5 {cimc.layer = "fc1"} : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x6xf32>
    %w2 = graph.weight "fc2.weight" : tensor<6x3xf32>
    %b = xbar.mvm %a_6, %w2 group 0 rows [0, 4] cols [0, 3] {cimc.layer = "fc2"} : (tensor<2x6xf32>, tensor<6x3xf32>) -> tensor<2x3xf32>
    %b_1 = xbar.mvm %a_6, %w2 group 0 rows [4, 6] cols [0, 3] {cimc.layer = "fc2"} : (tensor<2x6xf32>, tensor<6x3xf32>) -> tensor<2x3xf32>
    %b_2 = xbar.accumulate %b, %b_1 {cimc.layer = "fc2"} : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
    func.return %b_2 : tensor<2x3xf32>
  }
}

// CHECK: replicate: one copy of the weights needs 6 crossbars, more than the budget of 5

// Strategy none without a budget or `cores`: the budget is one copy, 6, and is recorded.
// DEFAULT:      builtin.module attributes {cimc.arch = {xbar_rows = 4 : i64, xbar_cols = 3 : i64}, cimc.crossbar_budget = 6 : i64} {
// DEFAULT-NOT:  replicas

// -----

// The same 6 crossbars on a chip of 2 cores x 2 = 4: a budget of 5 is more than the chip
// has; without a budget the model does not fit the chip (allow_reload is unset).
builtin.module attributes {cimc.arch = {xbar_rows = 4 : i64, xbar_cols = 3 : i64, cores = 2 : i64, xbars_per_core = 2 : i64}} {
  func.func @chip_too_small(%x: tensor<2x8xf32>) -> tensor<2x3xf32> {
    %w1 = graph.weight "fc1.weight" : tensor<8x6xf32>
    %a = xbar.mvm %x, %w1 group 0 rows [0, 4] cols [0, 3] {cimc.layer = "fc1"} : (tensor<2x8xf32>, tensor<8x6xf32>) -> tensor<2x3xf32>
    %a_1 = xbar.mvm %x, %w1 group 0 rows [4, 8] cols [0, 3] {cimc.layer = "fc1"} : (tensor<2x8xf32>, tensor<8x6xf32>) -> tensor<2x3xf32>
    %a_2 = xbar.accumulate %a, %a_1 {cimc.layer = "fc1"} : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
    %a_3 = xbar.mvm %x, %w1 group 0 rows [0, 4] cols [3, 6] {cimc.layer = "fc1"} : (tensor<2x8xf32>, tensor<8x6xf32>) -> tensor<2x3xf32>
    %a_4 = xbar.mvm %x, %w1 group 0 rows [4, 8] cols [3, 6] {cimc.layer = "fc1"} : (tensor<2x8xf32>, tensor<8x6xf32>) -> tensor<2x3xf32>
    %a_5 = xbar.accumulate %a_3, %a_4 {cimc.layer = "fc1"} : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
    %a_6 = xbar.concat %a_2, %a_5 {cimc.layer = "fc1"} : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x6xf32>
    %w2 = graph.weight "fc2.weight" : tensor<6x3xf32>
    %b = xbar.mvm %a_6, %w2 group 0 rows [0, 4] cols [0, 3] {cimc.layer = "fc2"} : (tensor<2x6xf32>, tensor<6x3xf32>) -> tensor<2x3xf32>
    %b_1 = xbar.mvm %a_6, %w2 group 0 rows [4, 6] cols [0, 3] {cimc.layer = "fc2"} : (tensor<2x6xf32>, tensor<6x3xf32>) -> tensor<2x3xf32>
    %b_2 = xbar.accumulate %b, %b_1 {cimc.layer = "fc2"} : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
    func.return %b_2 : tensor<2x3xf32>
  }
}

// CHECK: replicate: the budget of 5 crossbars is more than the chip's 4 (2 cores x 2)
// DEFAULT: replicate: the model needs 6 crossbars, the chip has 4 (2 cores x 2); set allow_reload to reprogram crossbars between layer groups

// -----

func.func @dynamic_rows(%x: tensor<?x4xf32>) -> tensor<?x2xf32> {
  %w = graph.weight "fc.weight" : tensor<4x2xf32>
  %y = xbar.mvm %x, %w group 0 rows [0, 4] cols [0, 2] {cimc.layer = "fc"} : (tensor<?x4xf32>, tensor<4x2xf32>) -> tensor<?x2xf32>
  func.return %y : tensor<?x2xf32>
}

// CHECK: replicate: layer "fc" reads an input matrix of unknown rows; run shape-infer first
// DEFAULT: replicate: layer "fc" reads an input matrix of unknown rows; run shape-infer first
