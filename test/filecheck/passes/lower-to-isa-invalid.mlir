// RUN: cimc-opt %s --split-input-file --verify-diagnostics -p lower-to-isa | filecheck %s --match-full-lines
// RUN: not cimc-opt %s -p lower-to-isa 2>&1 | filecheck %s --check-prefix=ERR

// lower-to-isa's errors. Without --verify-diagnostics (second RUN) the whole file is one
// module with many functions, which is itself an error.

// ERR-NOT: Traceback
// ERR:     cimc-opt: error: lower-to-isa: expected one func.func, found {{[0-9]+$}}

func.func @untiled_conv(%x: tensor<1x1x3x3xf32>) -> tensor<1x2x2x2xf32> {
  %w = graph.weight "conv.weight" : tensor<2x1x2x2xf32>
  %c = graph.conv %x, %w strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x1x3x3xf32>, tensor<2x1x2x2xf32>) -> tensor<1x2x2x2xf32>
  func.return %c : tensor<1x2x2x2xf32>
}

// CHECK: lower-to-isa: graph.conv cannot be lowered to the cim ISA (run tile-crossbars first)

// -----

func.func @untiled_gemm(%x: tensor<1x4xf32>) -> tensor<1x2xf32> {
  %w = graph.weight "fc.weight" : tensor<4x2xf32>
  %y = graph.gemm %x, %w : (tensor<1x4xf32>, tensor<4x2xf32>) -> tensor<1x2xf32>
  func.return %y : tensor<1x2xf32>
}

// CHECK: lower-to-isa: graph.gemm cannot be lowered to the cim ISA (run tile-crossbars first)

// -----

func.func @foreign(%x: tensor<4xf32>) -> tensor<4xf32> {
  %y = "test.op"(%x) : (tensor<4xf32>) -> tensor<4xf32>
  func.return %y : tensor<4xf32>
}

// CHECK: lower-to-isa: test.op cannot be lowered to the cim ISA

// -----

func.func @first(%x: tensor<4xf32>) -> tensor<4xf32> {
  func.return %x : tensor<4xf32>
}
func.func @second(%x: tensor<4xf32>) -> tensor<4xf32> {
  func.return %x : tensor<4xf32>
}

// CHECK: lower-to-isa: expected one func.func, found 2

// -----

builtin.module {
}

// CHECK: lower-to-isa: expected one func.func, found 0

// -----

builtin.module attributes {cimc.arch = {xbar_rows = 4 : i64, xbar_cols = 3 : i64}} {
  func.func @too_tall(%x: tensor<1x5xf32>) -> tensor<1x3xf32> {
    %w = graph.weight "fc.weight" : tensor<5x3xf32>
    %y = xbar.mvm %x, %w group 0 rows [0, 5] cols [0, 3] : (tensor<1x5xf32>, tensor<5x3xf32>) -> tensor<1x3xf32>
    func.return %y : tensor<1x3xf32>
  }
}

// CHECK: lower-to-isa: a 5x3 tile does not fit a 4x3 crossbar

// -----

builtin.module attributes {cimc.arch = {xbar_rows = 4 : i64, xbar_cols = 3 : i64}} {
  func.func @too_wide(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
    %w = graph.weight "fc.weight" : tensor<4x4xf32>
    %y = xbar.mvm %x, %w group 0 rows [0, 4] cols [0, 4] : (tensor<1x4xf32>, tensor<4x4xf32>) -> tensor<1x4xf32>
    func.return %y : tensor<1x4xf32>
  }
}

// CHECK: lower-to-isa: a 4x4 tile does not fit a 4x3 crossbar

// -----

func.func @same_xbar(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
  %w = graph.weight "fc.weight" : tensor<4x4xf32>
  %y = xbar.mvm %x, %w group 0 rows [0, 4] cols [0, 2] xbar 1 : (tensor<1x4xf32>, tensor<4x4xf32>) -> tensor<1x2xf32>
  %z = xbar.mvm %x, %w group 0 rows [0, 4] cols [2, 4] xbar 1 : (tensor<1x4xf32>, tensor<4x4xf32>) -> tensor<1x2xf32>
  %c = xbar.concat %y, %z : (tensor<1x2xf32>, tensor<1x2xf32>) -> tensor<1x4xf32>
  func.return %c : tensor<1x4xf32>
}

// CHECK: lower-to-isa: two tiles are placed on crossbar 1

// -----

builtin.module attributes {cimc.arch = {xbar_rows = 4 : i64, xbar_cols = 2 : i64, cores = 1 : i64, xbars_per_core = 1 : i64}} {
  func.func @chip_full(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
    %w = graph.weight "fc.weight" : tensor<4x4xf32>
    %y = xbar.mvm %x, %w group 0 rows [0, 4] cols [0, 2] : (tensor<1x4xf32>, tensor<4x4xf32>) -> tensor<1x2xf32>
    %z = xbar.mvm %x, %w group 0 rows [0, 4] cols [2, 4] : (tensor<1x4xf32>, tensor<4x4xf32>) -> tensor<1x2xf32>
    %c = xbar.concat %y, %z : (tensor<1x2xf32>, tensor<1x2xf32>) -> tensor<1x4xf32>
    func.return %c : tensor<1x4xf32>
  }
}

// CHECK: lower-to-isa: the model needs 2 crossbars, the chip has 1 (1 cores x 1); set allow_reload to reprogram crossbars between layer groups

// -----

// 7 dims whose strides cannot merge need 7 loops; the ISA has 6.
func.func @add7(%a: tensor<2x2x2x2x2x2x2xf32>, %b: tensor<2x1x2x1x2x1x2xf32>) -> tensor<2x2x2x2x2x2x2xf32> {
  %y = graph.add %a, %b : (tensor<2x2x2x2x2x2x2xf32>, tensor<2x1x2x1x2x1x2xf32>) -> tensor<2x2x2x2x2x2x2xf32>
  func.return %y : tensor<2x2x2x2x2x2x2xf32>
}

// CHECK: lower-to-isa: graph.add over 7 non-mergeable dims exceeds 6 loops

// -----

builtin.module attributes {cimc.arch = {cores = 2 : i64, xbars_per_core = 1 : i64}} {
  func.func @core_out_of_range(%x: tensor<1x4xf32>) -> tensor<1x2xf32> {
    %w = graph.weight "fc.weight" : tensor<4x2xf32>
    %y = xbar.mvm %x, %w group 0 rows [0, 4] cols [0, 2] core 7 : (tensor<1x4xf32>, tensor<4x2xf32>) -> tensor<1x2xf32>
    func.return %y : tensor<1x2xf32>
  }
}

// CHECK: lower-to-isa: crossbar 0 is placed on core 7, the chip has cores 0..1

// -----

builtin.module attributes {cimc.arch = {cores = 2 : i64, xbars_per_core = 1 : i64}} {
  func.func @core_overfull(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
    %w = graph.weight "fc.weight" : tensor<4x4xf32>
    %y = xbar.mvm %x, %w group 0 rows [0, 4] cols [0, 2] core 0 : (tensor<1x4xf32>, tensor<4x4xf32>) -> tensor<1x2xf32>
    %z = xbar.mvm %x, %w group 0 rows [0, 4] cols [2, 4] core 0 : (tensor<1x4xf32>, tensor<4x4xf32>) -> tensor<1x2xf32>
    %c = xbar.concat %y, %z : (tensor<1x2xf32>, tensor<1x2xf32>) -> tensor<1x4xf32>
    func.return %c : tensor<1x4xf32>
  }
}

// CHECK: lower-to-isa: core 0 is given more than its 1 crossbars

// -----

func.func @dynamic(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  %y = graph.relu %x : (tensor<?x4xf32>) -> tensor<?x4xf32>
  func.return %y : tensor<?x4xf32>
}

// CHECK: lower-to-isa: graph.relu has a dynamic shape; run shape-infer first

// -----

// BatchNormalization has no instruction of its own: fold-batchnorm folds it into the conv
// before it or turns it into a per-channel mul and add.

func.func @batchnorm(%x: tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32> {
  %s = graph.weight "bn.scale" : tensor<2xf32>
  %y = graph.batchnorm %x, %s, %s, %s, %s epsilon 1.0e-5 : (tensor<1x2x2x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
  func.return %y : tensor<1x2x2x2xf32>
}

// CHECK: lower-to-isa: graph.batchnorm cannot be lowered to the cim ISA (run fold-batchnorm first)

// -----

// Reversing 7 dims of 2 leaves 7 loops no stride can merge; the ISA has 6.
func.func @transpose7(%x: tensor<2x2x2x2x2x2x2xf32>) -> tensor<2x2x2x2x2x2x2xf32> {
  %y = graph.transpose %x perm [6, 5, 4, 3, 2, 1, 0] : (tensor<2x2x2x2x2x2x2xf32>) -> tensor<2x2x2x2x2x2x2xf32>
  func.return %y : tensor<2x2x2x2x2x2x2xf32>
}

// CHECK: lower-to-isa: graph.transpose needs 7 loops, more than 6

// -----

// Padding all 7 dims breaks every row into its own loop.
func.func @pad7(%x: tensor<2x2x2x2x2x2x2xf32>) -> tensor<3x3x3x3x3x3x3xf32> {
  %y = graph.pad %x pads [1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0] value 0.0 : (tensor<2x2x2x2x2x2x2xf32>) -> tensor<3x3x3x3x3x3x3xf32>
  func.return %y : tensor<3x3x3x3x3x3x3xf32>
}

// CHECK: lower-to-isa: graph.pad needs 7 loops, more than 6

// -----

// A tile packing 3 groups of 9 rows is 27 rows tall.
builtin.module attributes {cimc.arch = {xbar_rows = 16 : i64, xbar_cols = 16 : i64}} {
  func.func @packed_too_tall(%x: tensor<1x27xf32>) -> tensor<1x3xf32> {
    %w = graph.weight "dw.weight" : tensor<3x1x3x3xf32>
    %y = xbar.mvm %x, %w group 0 groups 3 rows [0, 9] cols [0, 3] : (tensor<1x27xf32>, tensor<3x1x3x3xf32>) -> tensor<1x3xf32>
    func.return %y : tensor<1x3xf32>
  }
}

// CHECK: lower-to-isa: a 27x3 tile does not fit a 16x16 crossbar
