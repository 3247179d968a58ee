// RUN: cimc-opt %s --split-input-file -p 'replicate{strategy=none budget=13}' | filecheck %s --check-prefix=NONE --match-full-lines
// RUN: cimc-opt %s --split-input-file -p 'replicate{strategy=uniform budget=13}' | filecheck %s --check-prefix=UNIFORM --match-full-lines
// RUN: cimc-opt %s --split-input-file -p 'replicate{strategy=balance budget=13}' | filecheck %s --check-prefix=BALANCE --match-full-lines
// RUN: cimc-opt %s --split-input-file -p 'replicate{strategy=optimal budget=13}' | filecheck %s --check-prefix=OPTIMAL --match-full-lines
// RUN: cimc-opt %s --split-input-file -p 'replicate{strategy=optimal budget=5}' | filecheck %s --check-prefix=ONE --match-full-lines
// RUN: cimc-opt %s --split-input-file -p 'replicate{strategy=optimal}' | filecheck %s --check-prefix=DEFAULT --match-full-lines
// RUN: cimc-opt %s --split-input-file -p 'replicate{strategy=optimal budget=13},lower-to-isa' | filecheck %s --check-prefix=ISA --match-full-lines

// replicate at the xbar level: every RUN line runs one strategy and budget over all the
// modules below, and its prefix checks the modules it is about. Layer l needs X_l crossbars
// for one copy and P_l activations (input rows); with R_l copies it takes ceil(P_l / R_l).
// Every tile of a layer with R_l > 1 gets `replicas R_l`; the module records the budget in
// `cimc.crossbar_budget`. Every module has `cores` (the DEFAULT run needs a chip size) and
// a chip of at least 13 crossbars (a budget above the chip is an error).

// Three layers on 4x3 crossbars, a chip of 2 x 8 = 16:
//   conv: 2 column tiles, X = 2, P = 9 pixels (3x3 output);
//   pw:   1x1 conv with K = 5 rows in 2 row tiles, X = 2, P = 4 pixels (2x2 after the pool);
//   fc:   one tile, X = 1, P = 1.
// One copy needs 2 + 2 + 1 = 5 crossbars.
builtin.module attributes {cimc.arch = {xbar_rows = 4 : i64, xbar_cols = 3 : i64, cores = 2 : i64, xbars_per_core = 8 : i64}} {
  func.func @three_layers(%x: tensor<1x1x3x3xf32>) -> tensor<1x3xf32> {
    %cw = graph.weight "conv.weight" : tensor<5x1x2x2xf32>
    %c = xbar.im2col %x kernel [2, 2] strides [1, 1] pads [1, 1, 0, 0] dilations [1, 1] {cimc.layer = "conv"} : (tensor<1x1x3x3xf32>) -> tensor<9x4xf32>
    %c_1 = xbar.mvm %c, %cw group 0 rows [0, 4] cols [0, 3] {cimc.layer = "conv"} : (tensor<9x4xf32>, tensor<5x1x2x2xf32>) -> tensor<9x3xf32>
    %c_2 = xbar.mvm %c, %cw group 0 rows [0, 4] cols [3, 5] {cimc.layer = "conv"} : (tensor<9x4xf32>, tensor<5x1x2x2xf32>) -> tensor<9x2xf32>
    %c_3 = xbar.concat %c_1, %c_2 {cimc.layer = "conv"} : (tensor<9x3xf32>, tensor<9x2xf32>) -> tensor<9x5xf32>
    %c_4 = xbar.col2im %c_3 {cimc.layer = "conv"} : (tensor<9x5xf32>) -> tensor<1x5x3x3xf32>
    %r = graph.relu %c_4 {cimc.layer = "relu"} : (tensor<1x5x3x3xf32>) -> tensor<1x5x3x3xf32>
    %p = graph.maxpool %r kernel [2, 2] strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] {cimc.layer = "pool"} : (tensor<1x5x3x3xf32>) -> tensor<1x5x2x2xf32>
    %pw = graph.weight "pw.weight" : tensor<3x5x1x1xf32>
    %m = xbar.im2col %p kernel [1, 1] strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] {cimc.layer = "pw"} : (tensor<1x5x2x2xf32>) -> tensor<4x5xf32>
    %m_1 = xbar.mvm %m, %pw group 0 rows [0, 4] cols [0, 3] {cimc.layer = "pw"} : (tensor<4x5xf32>, tensor<3x5x1x1xf32>) -> tensor<4x3xf32>
    %m_2 = xbar.mvm %m, %pw group 0 rows [4, 5] cols [0, 3] {cimc.layer = "pw"} : (tensor<4x5xf32>, tensor<3x5x1x1xf32>) -> tensor<4x3xf32>
    %m_3 = xbar.accumulate %m_1, %m_2 {cimc.layer = "pw"} : (tensor<4x3xf32>, tensor<4x3xf32>) -> tensor<4x3xf32>
    %m_4 = xbar.col2im %m_3 {cimc.layer = "pw"} : (tensor<4x3xf32>) -> tensor<1x3x2x2xf32>
    %g = graph.global_avgpool %m_4 {cimc.layer = "gap"} : (tensor<1x3x2x2xf32>) -> tensor<1x3x1x1xf32>
    %f = graph.flatten %g axis 1 {cimc.layer = "flatten"} : (tensor<1x3x1x1xf32>) -> tensor<1x3xf32>
    %fw = graph.weight "fc.weight" : tensor<3x3xf32>
    %y = xbar.mvm %f, %fw group 0 rows [0, 3] cols [0, 3] {cimc.layer = "fc"} : (tensor<1x3xf32>, tensor<3x3xf32>) -> tensor<1x3xf32>
    func.return %y : tensor<1x3xf32>
  }
}

// none: one copy of everything, whatever the budget; the budget is still recorded.
// NONE:      builtin.module attributes {cimc.arch = {xbar_rows = 4 : i64, xbar_cols = 3 : i64, cores = 2 : i64, xbars_per_core = 8 : i64}, cimc.crossbar_budget = 13 : i64} {
// NONE-NEXT:   func.func @three_layers(%x: tensor<1x1x3x3xf32>) -> tensor<1x3xf32> {
// NONE:          %c_1 = xbar.mvm %c, %cw group 0 rows [0, 4] cols [0, 3] {cimc.layer = "conv"} : (tensor<9x4xf32>, tensor<5x1x2x2xf32>) -> tensor<9x3xf32>
// NONE-NEXT:     %c_2 = xbar.mvm %c, %cw group 0 rows [0, 4] cols [3, 5] {cimc.layer = "conv"} : (tensor<9x4xf32>, tensor<5x1x2x2xf32>) -> tensor<9x2xf32>
// NONE:          %m_1 = xbar.mvm %m, %pw group 0 rows [0, 4] cols [0, 3] {cimc.layer = "pw"} : (tensor<4x5xf32>, tensor<3x5x1x1xf32>) -> tensor<4x3xf32>
// NONE-NEXT:     %m_2 = xbar.mvm %m, %pw group 0 rows [4, 5] cols [0, 3] {cimc.layer = "pw"} : (tensor<4x5xf32>, tensor<3x5x1x1xf32>) -> tensor<4x3xf32>
// NONE:          %y = xbar.mvm %f, %fw group 0 rows [0, 3] cols [0, 3] {cimc.layer = "fc"} : (tensor<1x3xf32>, tensor<3x3xf32>) -> tensor<1x3xf32>

// uniform: the largest U that fits, each layer taking the fewest copies as fast as U of them,
// R_l = ceil(P_l / ceil(P_l / U)). U = 3: conv 3, pw ceil(4 / ceil(4/3)) = 2, fc 1:
// 2*3 + 2*2 + 1 = 11 <= 13; U = 4: conv ceil(9 / 3) = 3, pw 4: 6 + 8 + 1 = 15 > 13.
// UNIFORM:      builtin.module attributes {cimc.arch = {xbar_rows = 4 : i64, xbar_cols = 3 : i64, cores = 2 : i64, xbars_per_core = 8 : i64}, cimc.crossbar_budget = 13 : i64} {
// UNIFORM-NEXT:   func.func @three_layers(%x: tensor<1x1x3x3xf32>) -> tensor<1x3xf32> {
// UNIFORM:          %c_1 = xbar.mvm %c, %cw group 0 rows [0, 4] cols [0, 3] replicas 3 {cimc.layer = "conv"} : (tensor<9x4xf32>, tensor<5x1x2x2xf32>) -> tensor<9x3xf32>
// UNIFORM-NEXT:     %c_2 = xbar.mvm %c, %cw group 0 rows [0, 4] cols [3, 5] replicas 3 {cimc.layer = "conv"} : (tensor<9x4xf32>, tensor<5x1x2x2xf32>) -> tensor<9x2xf32>
// UNIFORM:          %m_1 = xbar.mvm %m, %pw group 0 rows [0, 4] cols [0, 3] replicas 2 {cimc.layer = "pw"} : (tensor<4x5xf32>, tensor<3x5x1x1xf32>) -> tensor<4x3xf32>
// UNIFORM-NEXT:     %m_2 = xbar.mvm %m, %pw group 0 rows [4, 5] cols [0, 3] replicas 2 {cimc.layer = "pw"} : (tensor<4x5xf32>, tensor<3x5x1x1xf32>) -> tensor<4x3xf32>
// UNIFORM:          %y = xbar.mvm %f, %fw group 0 rows [0, 3] cols [0, 3] {cimc.layer = "fc"} : (tensor<1x3xf32>, tensor<3x3xf32>) -> tensor<1x3xf32>

// balance: the layer with the largest ceil(P / R) gets the copies that make it one
// activation faster, while they fit (used, then the loads (conv, pw, fc)): 5 (9, 4, 1) ->
// conv 2 copies 7 (5, 4, 1) -> conv 3 copies 9 (3, 4, 1) -> pw 2 copies 11 (3, 2, 1) -> conv
// would need 5 copies, 15 > 13: stop.
// BALANCE:      builtin.module attributes {cimc.arch = {xbar_rows = 4 : i64, xbar_cols = 3 : i64, cores = 2 : i64, xbars_per_core = 8 : i64}, cimc.crossbar_budget = 13 : i64} {
// BALANCE-NEXT:   func.func @three_layers(%x: tensor<1x1x3x3xf32>) -> tensor<1x3xf32> {
// BALANCE:          %c_1 = xbar.mvm %c, %cw group 0 rows [0, 4] cols [0, 3] replicas 3 {cimc.layer = "conv"} : (tensor<9x4xf32>, tensor<5x1x2x2xf32>) -> tensor<9x3xf32>
// BALANCE-NEXT:     %c_2 = xbar.mvm %c, %cw group 0 rows [0, 4] cols [3, 5] replicas 3 {cimc.layer = "conv"} : (tensor<9x4xf32>, tensor<5x1x2x2xf32>) -> tensor<9x2xf32>
// BALANCE:          %m_1 = xbar.mvm %m, %pw group 0 rows [0, 4] cols [0, 3] replicas 2 {cimc.layer = "pw"} : (tensor<4x5xf32>, tensor<3x5x1x1xf32>) -> tensor<4x3xf32>
// BALANCE-NEXT:     %m_2 = xbar.mvm %m, %pw group 0 rows [4, 5] cols [0, 3] replicas 2 {cimc.layer = "pw"} : (tensor<4x5xf32>, tensor<3x5x1x1xf32>) -> tensor<4x3xf32>
// BALANCE:          %y = xbar.mvm %f, %fw group 0 rows [0, 3] cols [0, 3] {cimc.layer = "fc"} : (tensor<1x3xf32>, tensor<3x3xf32>) -> tensor<1x3xf32>

// optimal: the smallest T with sum X_l * ceil(P_l / T) <= 13. T = 2: 2*5 + 2*2 + 1 = 15 > 13;
// T_opt = 3: 2*ceil(9/3) + 2*ceil(4/3) + 1*1 = 6 + 4 + 1 = 11 <= 13, so R = (3, 2, 1): the
// same copies balance and uniform find here.
// OPTIMAL:      builtin.module attributes {cimc.arch = {xbar_rows = 4 : i64, xbar_cols = 3 : i64, cores = 2 : i64, xbars_per_core = 8 : i64}, cimc.crossbar_budget = 13 : i64} {
// OPTIMAL-NEXT:   func.func @three_layers(%x: tensor<1x1x3x3xf32>) -> tensor<1x3xf32> {
// OPTIMAL:          %c_1 = xbar.mvm %c, %cw group 0 rows [0, 4] cols [0, 3] replicas 3 {cimc.layer = "conv"} : (tensor<9x4xf32>, tensor<5x1x2x2xf32>) -> tensor<9x3xf32>
// OPTIMAL-NEXT:     %c_2 = xbar.mvm %c, %cw group 0 rows [0, 4] cols [3, 5] replicas 3 {cimc.layer = "conv"} : (tensor<9x4xf32>, tensor<5x1x2x2xf32>) -> tensor<9x2xf32>
// OPTIMAL:          %m_1 = xbar.mvm %m, %pw group 0 rows [0, 4] cols [0, 3] replicas 2 {cimc.layer = "pw"} : (tensor<4x5xf32>, tensor<3x5x1x1xf32>) -> tensor<4x3xf32>
// OPTIMAL-NEXT:     %m_2 = xbar.mvm %m, %pw group 0 rows [4, 5] cols [0, 3] replicas 2 {cimc.layer = "pw"} : (tensor<4x5xf32>, tensor<3x5x1x1xf32>) -> tensor<4x3xf32>
// OPTIMAL:          %y = xbar.mvm %f, %fw group 0 rows [0, 3] cols [0, 3] {cimc.layer = "fc"} : (tensor<1x3xf32>, tensor<3x3xf32>) -> tensor<1x3xf32>

// A budget of exactly one copy (5): only T = 9 fits, 2*1 + 2*1 + 1 = 5; T = 8 would need
// 2*2 + 2*1 + 1 = 7. No tile gets `replicas`.
// ONE:      builtin.module attributes {cimc.arch = {xbar_rows = 4 : i64, xbar_cols = 3 : i64, cores = 2 : i64, xbars_per_core = 8 : i64}, cimc.crossbar_budget = 5 : i64} {
// ONE-NEXT:   func.func @three_layers(%x: tensor<1x1x3x3xf32>) -> tensor<1x3xf32> {
// ONE-NOT:      replicas
// ONE:          %y = xbar.mvm %f, %fw group 0 rows [0, 3] cols [0, 3] {cimc.layer = "fc"} : (tensor<1x3xf32>, tensor<3x3xf32>) -> tensor<1x3xf32>

// Without `budget` the budget is the chip, cores x xbars_per_core = 2 x 8 = 16. T = 1 needs
// 2*9 + 2*4 + 1 = 27 > 16; T_opt = 2: 2*ceil(9/2) + 2*ceil(4/2) + 1 = 10 + 4 + 1 = 15 <= 16,
// R = (5, 2, 1).
// DEFAULT:      builtin.module attributes {cimc.arch = {xbar_rows = 4 : i64, xbar_cols = 3 : i64, cores = 2 : i64, xbars_per_core = 8 : i64}, cimc.crossbar_budget = 16 : i64} {
// DEFAULT-NEXT:   func.func @three_layers(%x: tensor<1x1x3x3xf32>) -> tensor<1x3xf32> {
// DEFAULT:          %c_1 = xbar.mvm %c, %cw group 0 rows [0, 4] cols [0, 3] replicas 5 {cimc.layer = "conv"} : (tensor<9x4xf32>, tensor<5x1x2x2xf32>) -> tensor<9x3xf32>
// DEFAULT-NEXT:     %c_2 = xbar.mvm %c, %cw group 0 rows [0, 4] cols [3, 5] replicas 5 {cimc.layer = "conv"} : (tensor<9x4xf32>, tensor<5x1x2x2xf32>) -> tensor<9x2xf32>
// DEFAULT:          %m_1 = xbar.mvm %m, %pw group 0 rows [0, 4] cols [0, 3] replicas 2 {cimc.layer = "pw"} : (tensor<4x5xf32>, tensor<3x5x1x1xf32>) -> tensor<4x3xf32>
// DEFAULT-NEXT:     %m_2 = xbar.mvm %m, %pw group 0 rows [4, 5] cols [0, 3] replicas 2 {cimc.layer = "pw"} : (tensor<4x5xf32>, tensor<3x5x1x1xf32>) -> tensor<4x3xf32>
// DEFAULT:          %y = xbar.mvm %f, %fw group 0 rows [0, 3] cols [0, 3] {cimc.layer = "fc"} : (tensor<1x3xf32>, tensor<3x3xf32>) -> tensor<1x3xf32>

// lower-to-isa declares R consecutive crossbars per tile (core id / 8) and one MVM per tile
// with `replicas R` over all of its pixels: 3 + 3 + 2 + 2 + 1 = 11 crossbars for R = (3, 2, 1).
// The convs' products go straight into their NCHW feature maps (channels P pixels apart), and
// the 1x1 conv reads its input feature map in place of a window matrix (rows 4 pixels apart).
// ISA:      cim.crossbar 0 core 0 weight "conv.weight" rows [0, 4] cols [0, 3]
// ISA-NEXT: cim.crossbar 1 core 0 weight "conv.weight" rows [0, 4] cols [0, 3]
// ISA-NEXT: cim.crossbar 2 core 0 weight "conv.weight" rows [0, 4] cols [0, 3]
// ISA-NEXT: cim.crossbar 3 core 0 weight "conv.weight" rows [0, 4] cols [3, 5]
// ISA-NEXT: cim.crossbar 4 core 0 weight "conv.weight" rows [0, 4] cols [3, 5]
// ISA-NEXT: cim.crossbar 5 core 0 weight "conv.weight" rows [0, 4] cols [3, 5]
// ISA-NEXT: cim.crossbar 6 core 0 weight "pw.weight" rows [0, 4] cols [0, 3]
// ISA-NEXT: cim.crossbar 7 core 0 weight "pw.weight" rows [0, 4] cols [0, 3]
// ISA-NEXT: cim.crossbar 8 core 1 weight "pw.weight" rows [4, 5] cols [0, 3]
// ISA-NEXT: cim.crossbar 9 core 1 weight "pw.weight" rows [4, 5] cols [0, 3]
// ISA-NEXT: cim.crossbar 10 core 1 weight "fc.weight" rows [0, 3] cols [0, 3]
// ISA-NEXT: cim.stream core 0 {
// ISA:        cim.layer "conv" {
// ISA:          cim.mvm xbar 0 replicas 3 [[CONV:%[^ ]+]][0] [1] col_stride 9 from [[COLS:%[^ ]+]][0] [4] loops [9]
// ISA-NEXT:     cim.mvm xbar 3 replicas 3 [[CONV]][27] [1] col_stride 9 from [[COLS]][0] [4] loops [9]
// ISA:        cim.layer "pw" {
// ISA:          cim.mvm xbar 6 replicas 2 [[PW:%[^ ]+]][0] [1] col_stride 4 from [[POOL:%[^ ]+]][0] [1] row_stride 4 loops [4]
// ISA-NEXT:     cim.mvm xbar 8 replicas 2 [[PW]][0] [1] col_stride 4 from [[POOL]][16] [1] row_stride 4 loops [4] acc
// ISA:        cim.layer "fc" {
// ISA-NEXT:     cim.mvm xbar 10 [[FC:%[^ ]+]][0] [3] from [[GAP:%[^ ]+]][0] [3] loops [1]
// ISA-NEXT:   }

// -----

// The same three layers on a chip of 4 x 32 = 128 crossbars, only for the DEFAULT run: a
// budget beyond need. T = 1 fits (2*9 + 2*4 + 1*1 = 27 <= 128), and optimal takes the fewest
// copies reaching it, R_l = ceil(P_l / 1) = P_l: (9, 4, 1), capped at each layer's rows,
// 27 crossbars of the 128.
builtin.module attributes {cimc.arch = {xbar_rows = 4 : i64, xbar_cols = 3 : i64, cores = 4 : i64, xbars_per_core = 32 : i64}} {
  func.func @big_chip(%x: tensor<1x1x3x3xf32>) -> tensor<1x3xf32> {
    %cw = graph.weight "conv.weight" : tensor<5x1x2x2xf32>
    %c = xbar.im2col %x kernel [2, 2] strides [1, 1] pads [1, 1, 0, 0] dilations [1, 1] {cimc.layer = "conv"} : (tensor<1x1x3x3xf32>) -> tensor<9x4xf32>
    %c_1 = xbar.mvm %c, %cw group 0 rows [0, 4] cols [0, 3] {cimc.layer = "conv"} : (tensor<9x4xf32>, tensor<5x1x2x2xf32>) -> tensor<9x3xf32>
    %c_2 = xbar.mvm %c, %cw group 0 rows [0, 4] cols [3, 5] {cimc.layer = "conv"} : (tensor<9x4xf32>, tensor<5x1x2x2xf32>) -> tensor<9x2xf32>
    %c_3 = xbar.concat %c_1, %c_2 {cimc.layer = "conv"} : (tensor<9x3xf32>, tensor<9x2xf32>) -> tensor<9x5xf32>
    %c_4 = xbar.col2im %c_3 {cimc.layer = "conv"} : (tensor<9x5xf32>) -> tensor<1x5x3x3xf32>
    %r = graph.relu %c_4 {cimc.layer = "relu"} : (tensor<1x5x3x3xf32>) -> tensor<1x5x3x3xf32>
    %p = graph.maxpool %r kernel [2, 2] strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] {cimc.layer = "pool"} : (tensor<1x5x3x3xf32>) -> tensor<1x5x2x2xf32>
    %pw = graph.weight "pw.weight" : tensor<3x5x1x1xf32>
    %m = xbar.im2col %p kernel [1, 1] strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] {cimc.layer = "pw"} : (tensor<1x5x2x2xf32>) -> tensor<4x5xf32>
    %m_1 = xbar.mvm %m, %pw group 0 rows [0, 4] cols [0, 3] {cimc.layer = "pw"} : (tensor<4x5xf32>, tensor<3x5x1x1xf32>) -> tensor<4x3xf32>
    %m_2 = xbar.mvm %m, %pw group 0 rows [4, 5] cols [0, 3] {cimc.layer = "pw"} : (tensor<4x5xf32>, tensor<3x5x1x1xf32>) -> tensor<4x3xf32>
    %m_3 = xbar.accumulate %m_1, %m_2 {cimc.layer = "pw"} : (tensor<4x3xf32>, tensor<4x3xf32>) -> tensor<4x3xf32>
    %m_4 = xbar.col2im %m_3 {cimc.layer = "pw"} : (tensor<4x3xf32>) -> tensor<1x3x2x2xf32>
    %g = graph.global_avgpool %m_4 {cimc.layer = "gap"} : (tensor<1x3x2x2xf32>) -> tensor<1x3x1x1xf32>
    %f = graph.flatten %g axis 1 {cimc.layer = "flatten"} : (tensor<1x3x1x1xf32>) -> tensor<1x3xf32>
    %fw = graph.weight "fc.weight" : tensor<3x3xf32>
    %y = xbar.mvm %f, %fw group 0 rows [0, 3] cols [0, 3] {cimc.layer = "fc"} : (tensor<1x3xf32>, tensor<3x3xf32>) -> tensor<1x3xf32>
    func.return %y : tensor<1x3xf32>
  }
}

// DEFAULT:      builtin.module attributes {cimc.arch = {xbar_rows = 4 : i64, xbar_cols = 3 : i64, cores = 4 : i64, xbars_per_core = 32 : i64}, cimc.crossbar_budget = 128 : i64} {
// DEFAULT-NEXT:   func.func @big_chip(%x: tensor<1x1x3x3xf32>) -> tensor<1x3xf32> {
// DEFAULT:          %c_1 = xbar.mvm %c, %cw group 0 rows [0, 4] cols [0, 3] replicas 9 {cimc.layer = "conv"} : (tensor<9x4xf32>, tensor<5x1x2x2xf32>) -> tensor<9x3xf32>
// DEFAULT-NEXT:     %c_2 = xbar.mvm %c, %cw group 0 rows [0, 4] cols [3, 5] replicas 9 {cimc.layer = "conv"} : (tensor<9x4xf32>, tensor<5x1x2x2xf32>) -> tensor<9x2xf32>
// DEFAULT:          %m_1 = xbar.mvm %m, %pw group 0 rows [0, 4] cols [0, 3] replicas 4 {cimc.layer = "pw"} : (tensor<4x5xf32>, tensor<3x5x1x1xf32>) -> tensor<4x3xf32>
// DEFAULT-NEXT:     %m_2 = xbar.mvm %m, %pw group 0 rows [4, 5] cols [0, 3] replicas 4 {cimc.layer = "pw"} : (tensor<4x5xf32>, tensor<3x5x1x1xf32>) -> tensor<4x3xf32>
// DEFAULT:          %y = xbar.mvm %f, %fw group 0 rows [0, 3] cols [0, 3] {cimc.layer = "fc"} : (tensor<1x3xf32>, tensor<3x3xf32>) -> tensor<1x3xf32>

// -----

// Int tiles (precision "int", as tile-crossbars-int.mlir makes them): 8x16 crossbars,
// slices = 2, so a weight column takes 2S = 4 physical columns. A layer's X counts the
// crossbars lower-to-isa declares, not its tiles:
//   fc1: 12x5, row tiles [0, 8) and [8, 12), 4 tiles (2 slices x 2 polarities) each; a row
//        tile's 5 x 4 = 20 physical columns need 2 crossbars ([0, 16) and [16, 20)):
//        X = 2 x 2 = 4 (from 8 tiles), P = 4;
//   fc2: 5x2, one row tile of 2 x 4 = 8 physical columns: X = 1 (from 4 tiles), P = 4.
// One copy needs 4 + 1 = 5 crossbars (12 tiles would not fit the ONE run's budget of 5).
builtin.module attributes {cimc.arch = {precision = "int", xbar_rows = 8 : i64, xbar_cols = 16 : i64, cell_bits = 2 : i64, weight_bits = 4 : i64, input_bits = 4 : i64, cores = 1 : i64, xbars_per_core = 16 : i64}} {
  func.func @int(%x: tensor<4x12xf32>) -> tensor<4x2xf32> {
    %w1 = graph.weight "fc1.weight" : tensor<12x5xf32>
    %q = graph.quantize %x scale 5.000000e-01 bits 4 {cimc.layer = "fc1"} : (tensor<4x12xf32>) -> tensor<4x12xf32>
    %y = xbar.mvm %q, %w1 group 0 rows [0, 8] cols [0, 5] slice 0 polarity 1 {cimc.layer = "fc1"} : (tensor<4x12xf32>, tensor<12x5xf32>) -> tensor<4x5xf32>
    %y_1 = xbar.mvm %q, %w1 group 0 rows [0, 8] cols [0, 5] slice 0 polarity -1 {cimc.layer = "fc1"} : (tensor<4x12xf32>, tensor<12x5xf32>) -> tensor<4x5xf32>
    %y_2 = xbar.mvm %q, %w1 group 0 rows [0, 8] cols [0, 5] slice 1 polarity 1 {cimc.layer = "fc1"} : (tensor<4x12xf32>, tensor<12x5xf32>) -> tensor<4x5xf32>
    %y_3 = xbar.mvm %q, %w1 group 0 rows [0, 8] cols [0, 5] slice 1 polarity -1 {cimc.layer = "fc1"} : (tensor<4x12xf32>, tensor<12x5xf32>) -> tensor<4x5xf32>
    %y_4 = xbar.mvm %q, %w1 group 0 rows [8, 12] cols [0, 5] slice 0 polarity 1 {cimc.layer = "fc1"} : (tensor<4x12xf32>, tensor<12x5xf32>) -> tensor<4x5xf32>
    %y_5 = xbar.mvm %q, %w1 group 0 rows [8, 12] cols [0, 5] slice 0 polarity -1 {cimc.layer = "fc1"} : (tensor<4x12xf32>, tensor<12x5xf32>) -> tensor<4x5xf32>
    %y_6 = xbar.mvm %q, %w1 group 0 rows [8, 12] cols [0, 5] slice 1 polarity 1 {cimc.layer = "fc1"} : (tensor<4x12xf32>, tensor<12x5xf32>) -> tensor<4x5xf32>
    %y_7 = xbar.mvm %q, %w1 group 0 rows [8, 12] cols [0, 5] slice 1 polarity -1 {cimc.layer = "fc1"} : (tensor<4x12xf32>, tensor<12x5xf32>) -> tensor<4x5xf32>
    %y_8 = xbar.shift_add %y, %y_1, %y_2, %y_3, %y_4, %y_5, %y_6, %y_7 {cimc.layer = "fc1"} : (tensor<4x5xf32>, tensor<4x5xf32>, tensor<4x5xf32>, tensor<4x5xf32>, tensor<4x5xf32>, tensor<4x5xf32>, tensor<4x5xf32>, tensor<4x5xf32>) -> tensor<4x5xf32>
    %w2 = graph.weight "fc2.weight" : tensor<5x2xf32>
    %q2 = graph.quantize %y_8 scale 5.000000e-01 bits 4 {cimc.layer = "fc2"} : (tensor<4x5xf32>) -> tensor<4x5xf32>
    %z = xbar.mvm %q2, %w2 group 0 rows [0, 5] cols [0, 2] slice 0 polarity 1 {cimc.layer = "fc2"} : (tensor<4x5xf32>, tensor<5x2xf32>) -> tensor<4x2xf32>
    %z_1 = xbar.mvm %q2, %w2 group 0 rows [0, 5] cols [0, 2] slice 0 polarity -1 {cimc.layer = "fc2"} : (tensor<4x5xf32>, tensor<5x2xf32>) -> tensor<4x2xf32>
    %z_2 = xbar.mvm %q2, %w2 group 0 rows [0, 5] cols [0, 2] slice 1 polarity 1 {cimc.layer = "fc2"} : (tensor<4x5xf32>, tensor<5x2xf32>) -> tensor<4x2xf32>
    %z_3 = xbar.mvm %q2, %w2 group 0 rows [0, 5] cols [0, 2] slice 1 polarity -1 {cimc.layer = "fc2"} : (tensor<4x5xf32>, tensor<5x2xf32>) -> tensor<4x2xf32>
    %z_4 = xbar.shift_add %z, %z_1, %z_2, %z_3 {cimc.layer = "fc2"} : (tensor<4x2xf32>, tensor<4x2xf32>, tensor<4x2xf32>, tensor<4x2xf32>) -> tensor<4x2xf32>
    func.return %z_4 : tensor<4x2xf32>
  }
}

// optimal with 13: T = 1 needs 4*4 + 1*4 = 20 > 13; T_opt = 2: 4*ceil(4/2) + 1*ceil(4/2) =
// 8 + 2 = 10 <= 13, R = (2, 2) on every slice and polarity tile.
// OPTIMAL:      builtin.module attributes {cimc.arch = {precision = "int", xbar_rows = 8 : i64, xbar_cols = 16 : i64, cell_bits = 2 : i64, weight_bits = 4 : i64, input_bits = 4 : i64, cores = 1 : i64, xbars_per_core = 16 : i64}, cimc.crossbar_budget = 13 : i64} {
// OPTIMAL-NEXT:   func.func @int(%x: tensor<4x12xf32>) -> tensor<4x2xf32> {
// OPTIMAL:          %y = xbar.mvm %q, %w1 group 0 rows [0, 8] cols [0, 5] slice 0 polarity 1 replicas 2 {cimc.layer = "fc1"} : (tensor<4x12xf32>, tensor<12x5xf32>) -> tensor<4x5xf32>
// OPTIMAL-NEXT:     %y_1 = xbar.mvm %q, %w1 group 0 rows [0, 8] cols [0, 5] slice 0 polarity -1 replicas 2 {cimc.layer = "fc1"} : (tensor<4x12xf32>, tensor<12x5xf32>) -> tensor<4x5xf32>
// OPTIMAL-NEXT:     %y_2 = xbar.mvm %q, %w1 group 0 rows [0, 8] cols [0, 5] slice 1 polarity 1 replicas 2 {cimc.layer = "fc1"} : (tensor<4x12xf32>, tensor<12x5xf32>) -> tensor<4x5xf32>
// OPTIMAL-NEXT:     %y_3 = xbar.mvm %q, %w1 group 0 rows [0, 8] cols [0, 5] slice 1 polarity -1 replicas 2 {cimc.layer = "fc1"} : (tensor<4x12xf32>, tensor<12x5xf32>) -> tensor<4x5xf32>
// OPTIMAL-NEXT:     %y_4 = xbar.mvm %q, %w1 group 0 rows [8, 12] cols [0, 5] slice 0 polarity 1 replicas 2 {cimc.layer = "fc1"} : (tensor<4x12xf32>, tensor<12x5xf32>) -> tensor<4x5xf32>
// OPTIMAL-NEXT:     %y_5 = xbar.mvm %q, %w1 group 0 rows [8, 12] cols [0, 5] slice 0 polarity -1 replicas 2 {cimc.layer = "fc1"} : (tensor<4x12xf32>, tensor<12x5xf32>) -> tensor<4x5xf32>
// OPTIMAL-NEXT:     %y_6 = xbar.mvm %q, %w1 group 0 rows [8, 12] cols [0, 5] slice 1 polarity 1 replicas 2 {cimc.layer = "fc1"} : (tensor<4x12xf32>, tensor<12x5xf32>) -> tensor<4x5xf32>
// OPTIMAL-NEXT:     %y_7 = xbar.mvm %q, %w1 group 0 rows [8, 12] cols [0, 5] slice 1 polarity -1 replicas 2 {cimc.layer = "fc1"} : (tensor<4x12xf32>, tensor<12x5xf32>) -> tensor<4x5xf32>
// OPTIMAL:          %z = xbar.mvm %q2, %w2 group 0 rows [0, 5] cols [0, 2] slice 0 polarity 1 replicas 2 {cimc.layer = "fc2"} : (tensor<4x5xf32>, tensor<5x2xf32>) -> tensor<4x2xf32>
// OPTIMAL-NEXT:     %z_1 = xbar.mvm %q2, %w2 group 0 rows [0, 5] cols [0, 2] slice 0 polarity -1 replicas 2 {cimc.layer = "fc2"} : (tensor<4x5xf32>, tensor<5x2xf32>) -> tensor<4x2xf32>
// OPTIMAL-NEXT:     %z_2 = xbar.mvm %q2, %w2 group 0 rows [0, 5] cols [0, 2] slice 1 polarity 1 replicas 2 {cimc.layer = "fc2"} : (tensor<4x5xf32>, tensor<5x2xf32>) -> tensor<4x2xf32>
// OPTIMAL-NEXT:     %z_3 = xbar.mvm %q2, %w2 group 0 rows [0, 5] cols [0, 2] slice 1 polarity -1 replicas 2 {cimc.layer = "fc2"} : (tensor<4x5xf32>, tensor<5x2xf32>) -> tensor<4x2xf32>

// balance with 13: loads (4, 4) tie, the earlier layer first: fc1 +4 -> 9 (2, 4), fc2 +1 ->
// 10 (2, 2), fc1 +4 would be 14 > 13: stop at R = (2, 2). (Counting fc1's 8 tiles as its
// crossbars, its second copy alone would need 12 + 8 = 20 > 13.)
// BALANCE:      func.func @int(%x: tensor<4x12xf32>) -> tensor<4x2xf32> {
// BALANCE:        %y_7 = xbar.mvm %q, %w1 group 0 rows [8, 12] cols [0, 5] slice 1 polarity -1 replicas 2 {cimc.layer = "fc1"} : (tensor<4x12xf32>, tensor<12x5xf32>) -> tensor<4x5xf32>
// BALANCE:        %z_3 = xbar.mvm %q2, %w2 group 0 rows [0, 5] cols [0, 2] slice 1 polarity -1 replicas 2 {cimc.layer = "fc2"} : (tensor<4x5xf32>, tensor<5x2xf32>) -> tensor<4x2xf32>

// A budget of one copy, 5 crossbars, fits the 12 tiles' 5 crossbars: no replicas.
// ONE:      builtin.module attributes {cimc.arch = {precision = "int", xbar_rows = 8 : i64, xbar_cols = 16 : i64, cell_bits = 2 : i64, weight_bits = 4 : i64, input_bits = 4 : i64, cores = 1 : i64, xbars_per_core = 16 : i64}, cimc.crossbar_budget = 5 : i64} {
// ONE-NOT:  replicas
// ONE:      }

// lower-to-isa with R = (2, 2): each of fc1's 4 crossbars of a copy and fc2's one, twice,
// with consecutive ids: 10 crossbars, as the budget arithmetic counted. One MVM per
// crossbar of a copy, over its 2 replicas.
// ISA:      cim.crossbar 0 core 0 weight "fc1.weight" rows [0, 8] cols [0, 16] slices 2
// ISA-NEXT: cim.crossbar 1 core 0 weight "fc1.weight" rows [0, 8] cols [0, 16] slices 2
// ISA-NEXT: cim.crossbar 2 core 0 weight "fc1.weight" rows [0, 8] cols [16, 20] slices 2
// ISA-NEXT: cim.crossbar 3 core 0 weight "fc1.weight" rows [0, 8] cols [16, 20] slices 2
// ISA-NEXT: cim.crossbar 4 core 0 weight "fc1.weight" rows [8, 12] cols [0, 16] slices 2
// ISA-NEXT: cim.crossbar 5 core 0 weight "fc1.weight" rows [8, 12] cols [0, 16] slices 2
// ISA-NEXT: cim.crossbar 6 core 0 weight "fc1.weight" rows [8, 12] cols [16, 20] slices 2
// ISA-NEXT: cim.crossbar 7 core 0 weight "fc1.weight" rows [8, 12] cols [16, 20] slices 2
// ISA-NEXT: cim.crossbar 8 core 0 weight "fc2.weight" rows [0, 5] cols [0, 8] slices 2
// ISA-NEXT: cim.crossbar 9 core 0 weight "fc2.weight" rows [0, 5] cols [0, 8] slices 2
// ISA-NEXT: cim.stream core 0 {
// ISA:        cim.layer "fc1" {
// ISA:          cim.mvm xbar 0 replicas 2 [[Y:%[^ ]+]][0] [5] from [[Q:%[^ ]+]][0] [12] loops [4] acc
// ISA-NEXT:     cim.mvm xbar 2 replicas 2 [[Y]][4] [5] from [[Q]][0] [12] loops [4] acc
// ISA-NEXT:     cim.mvm xbar 4 replicas 2 [[Y]][0] [5] from [[Q]][8] [12] loops [4] acc
// ISA-NEXT:     cim.mvm xbar 6 replicas 2 [[Y]][4] [5] from [[Q]][8] [12] loops [4] acc
// ISA:        cim.layer "fc2" {
// ISA:          cim.mvm xbar 8 replicas 2 [[Z:%[^ ]+]][0] [2] from [[Q2:%[^ ]+]][0] [5] loops [4] acc

// -----

// A tile that already has `replicas` (from an earlier run) loses it when its layer gets one
// copy: here with strategy none. fc: X = 1, P = 4.
builtin.module attributes {cimc.arch = {xbar_rows = 4 : i64, xbar_cols = 4 : i64, cores = 1 : i64, xbars_per_core = 16 : i64}} {
  func.func @rerun(%x: tensor<4x4xf32>) -> tensor<4x2xf32> {
    %w = graph.weight "fc.weight" : tensor<4x2xf32>
    %y = xbar.mvm %x, %w group 0 rows [0, 4] cols [0, 2] replicas 3 : (tensor<4x4xf32>, tensor<4x2xf32>) -> tensor<4x2xf32>
    func.return %y : tensor<4x2xf32>
  }
}

// NONE:      func.func @rerun(%x: tensor<4x4xf32>) -> tensor<4x2xf32> {
// NONE-NEXT:   %w = graph.weight "fc.weight" : tensor<4x2xf32>
// NONE-NEXT:   %y = xbar.mvm %x, %w group 0 rows [0, 4] cols [0, 2] : (tensor<4x4xf32>, tensor<4x2xf32>) -> tensor<4x2xf32>

// optimal with 13 replaces it: T_opt = 1, 1*4 = 4 <= 13, R = 4 = P.
// OPTIMAL:      func.func @rerun(%x: tensor<4x4xf32>) -> tensor<4x2xf32> {
// OPTIMAL-NEXT:   %w = graph.weight "fc.weight" : tensor<4x2xf32>
// OPTIMAL-NEXT:   %y = xbar.mvm %x, %w group 0 rows [0, 4] cols [0, 2] replicas 4 : (tensor<4x4xf32>, tensor<4x2xf32>) -> tensor<4x2xf32>
