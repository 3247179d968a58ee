// RUN: cimc-opt %s --split-input-file --verify-diagnostics | filecheck %s --match-full-lines

// One chunk per xbar verifier error; xDSL prints each message and exits 0.

%x = "test.op"() : () -> tensor<1x1x4x4xf32>
%c = xbar.im2col %x kernel [3] strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] : (tensor<1x1x4x4xf32>) -> tensor<4x9xf32>

// CHECK: xbar.im2col: 'kernel' must be 2 entries >= 1, got [3]

// -----

%x = "test.op"() : () -> tensor<1x1x4x4xf32>
%c = xbar.im2col %x kernel [3, 3] strides [1, 1] pads [0, 0, 0, 0] dilations [1] : (tensor<1x1x4x4xf32>) -> tensor<4x9xf32>

// CHECK: xbar.im2col: 'dilations' must have 2 entries, got 1

// -----

%x = "test.op"() : () -> tensor<1x4x4xf32>
%c = xbar.im2col %x kernel [3, 3] strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] : (tensor<1x4x4xf32>) -> tensor<4x9xf32>

// CHECK: xbar.im2col: operand 'input' must have rank 4, got 1x4x4

// -----

%x = "test.op"() : () -> tensor<1x1x4x4xf32>
%c = xbar.im2col %x kernel [5, 5] strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] : (tensor<1x1x4x4xf32>) -> tensor<?x25xf32>

// CHECK: xbar.im2col: window 5x5 does not fit the 4x4 input (with pads and dilations)

// -----

%x = "test.op"() : () -> tensor<1x2x4x4xf32>
%c = xbar.im2col %x kernel [3, 3] strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] : (tensor<1x2x4x4xf32>) -> tensor<4x9xf32>

// CHECK: xbar.im2col: result shape 4x9 does not match the inferred 4x18

// -----

%x, %w = "test.op"() : () -> (tensor<2x6xf32>, tensor<6x3xf32>)
%y = xbar.mvm %x, %w group 0 rows [0, 6] cols [0, 3] : (tensor<2x6xf32>, tensor<6x3xf32>) -> tensor<2x3xf32>

// CHECK: xbar.mvm: operand 'weight' must be defined by graph.weight

// -----

%x = "test.op"() : () -> tensor<2x6xf32>
%w = graph.weight "w" : tensor<6x3xf32>
%y = xbar.mvm %x, %w group 0 rows [0, 6, 7] cols [0, 3] : (tensor<2x6xf32>, tensor<6x3xf32>) -> tensor<2x3xf32>

// CHECK: xbar.mvm: 'rows' and 'cols' must be [begin, end] pairs

// -----

%x = "test.op"() : () -> tensor<2x6xf32>
%w = graph.weight "w" : tensor<6x3xf32>
%y = xbar.mvm %x, %w group 0 rows [0, 7] cols [0, 3] : (tensor<2x6xf32>, tensor<6x3xf32>) -> tensor<2x3xf32>

// CHECK: xbar.mvm: 'rows' [0, 7] must be a non-empty range within the weight's 6 rows

// -----

%x = "test.op"() : () -> tensor<2x6xf32>
%w = graph.weight "w" : tensor<6x3xf32>
%y = xbar.mvm %x, %w group 0 rows [3, 3] cols [0, 3] : (tensor<2x6xf32>, tensor<6x3xf32>) -> tensor<2x3xf32>

// CHECK: xbar.mvm: 'rows' [3, 3] must be a non-empty range within the weight's 6 rows

// -----

%x = "test.op"() : () -> tensor<2x6xf32>
%w = graph.weight "w" : tensor<6x3xf32>
%y = xbar.mvm %x, %w group 0 rows [0, 6] cols [-1, 2] : (tensor<2x6xf32>, tensor<6x3xf32>) -> tensor<2x3xf32>

// CHECK: xbar.mvm: 'cols' [-1, 2] must be a non-empty range within the weight's 3 columns

// -----

// A conv weight's crossbar view is (I*kh*kw) x O: 2*2*2 = 8 rows, 3 columns.
%x = "test.op"() : () -> tensor<2x8xf32>
%w = graph.weight "w" : tensor<3x2x2x2xf32>
%y = xbar.mvm %x, %w group 0 rows [0, 8] cols [0, 4] : (tensor<2x8xf32>, tensor<3x2x2x2xf32>) -> tensor<2x4xf32>

// CHECK: xbar.mvm: 'cols' [0, 4] must be a non-empty range within the weight's 3 columns

// -----

%x = "test.op"() : () -> tensor<2x6xf32>
%w = graph.weight "w" : tensor<6x3xf32>
%y = xbar.mvm %x, %w group -1 rows [0, 6] cols [0, 3] : (tensor<2x6xf32>, tensor<6x3xf32>) -> tensor<2x3xf32>

// CHECK: xbar.mvm: 'group' must be >= 0

// -----

%x = "test.op"() : () -> tensor<12xf32>
%w = graph.weight "w" : tensor<6x3xf32>
%y = xbar.mvm %x, %w group 0 rows [0, 6] cols [0, 3] : (tensor<12xf32>, tensor<6x3xf32>) -> tensor<2x3xf32>

// CHECK: xbar.mvm: operand 'input' must have rank 2, got 12

// -----

%x = "test.op"() : () -> tensor<2x5xf32>
%w = graph.weight "w" : tensor<6x3xf32>
%y = xbar.mvm %x, %w group 0 rows [2, 6] cols [0, 3] : (tensor<2x5xf32>, tensor<6x3xf32>) -> tensor<2x3xf32>

// CHECK: xbar.mvm: operand 'input' has 5 columns but group 0 rows [2, 6] read up to column 6

// -----

// Group 1 of a 2-group conv reads input columns 8 + r0 on.
%x = "test.op"() : () -> tensor<2x12xf32>
%w = graph.weight "w" : tensor<4x2x2x2xf32>
%y = xbar.mvm %x, %w group 1 rows [0, 8] cols [2, 4] : (tensor<2x12xf32>, tensor<4x2x2x2xf32>) -> tensor<2x2xf32>

// CHECK: xbar.mvm: operand 'input' has 12 columns but group 1 rows [0, 8] read up to column 16

// -----

%x = "test.op"() : () -> tensor<2x6xf32>
%w = graph.weight "w" : tensor<6x3xf32>
%y = xbar.mvm %x, %w group 0 rows [0, 6] cols [1, 3] : (tensor<2x6xf32>, tensor<6x3xf32>) -> tensor<2x3xf32>

// CHECK: xbar.mvm: result must be 2x2, got 2x3

// -----

%x = "test.op"() : () -> tensor<2x6xf32>
%w = graph.weight "w" : tensor<6x3xf32>
%y = xbar.mvm %x, %w group 0 rows [0, 6] cols [0, 3] : (tensor<2x6xf32>, tensor<6x3xf32>) -> tensor<4x3xf32>

// CHECK: xbar.mvm: result must be 2x3, got 4x3

// -----

%x = "test.op"() : () -> tensor<2x6xf32>
%w = graph.weight "w" : tensor<6x3xf32>
%y = xbar.mvm %x, %w group 0 rows [0, 6] cols [0, 3] core -1 : (tensor<2x6xf32>, tensor<6x3xf32>) -> tensor<2x3xf32>

// CHECK: xbar.mvm: 'core' must be >= 0

// -----

%x = "test.op"() : () -> tensor<2x6xf32>
%w = graph.weight "w" : tensor<6x3xf32>
%y = xbar.mvm %x, %w group 0 rows [0, 6] cols [0, 3] xbar -2 : (tensor<2x6xf32>, tensor<6x3xf32>) -> tensor<2x3xf32>

// CHECK: xbar.mvm: 'xbar' must be >= 0

// -----

%a = "test.op"() : () -> tensor<2x3xf32>
%s = xbar.accumulate %a : (tensor<2x3xf32>) -> tensor<2x3xf32>

// CHECK: xbar.accumulate: needs at least 2 inputs

// -----

%a, %b = "test.op"() : () -> (tensor<2x3xf32>, tensor<2x4xf32>)
%s = xbar.accumulate %a, %b : (tensor<2x3xf32>, tensor<2x4xf32>) -> tensor<2x3xf32>

// CHECK: xbar.accumulate: input 1 has type tensor<2x4xf32>, expected tensor<2x3xf32>

// -----

%a = "test.op"() : () -> tensor<2x3xf32>
%c = xbar.concat %a : (tensor<2x3xf32>) -> tensor<2x3xf32>

// CHECK: xbar.concat: needs at least 2 inputs

// -----

%a, %b = "test.op"() : () -> (tensor<2x3xf32>, tensor<3x3xf32>)
%c = xbar.concat %a, %b : (tensor<2x3xf32>, tensor<3x3xf32>) -> tensor<2x6xf32>

// CHECK: xbar.concat: input 1 of shape 3x3 does not have the result's 2 rows

// -----

%a, %b = "test.op"() : () -> (tensor<2x3xf32>, tensor<2x2xf32>)
%c = xbar.concat %a, %b : (tensor<2x3xf32>, tensor<2x2xf32>) -> tensor<2x6xf32>

// CHECK: xbar.concat: inputs have 5 columns in all, result 6

// -----

%m = "test.op"() : () -> tensor<2x3x4xf32>
%y = xbar.col2im %m : (tensor<2x3x4xf32>) -> tensor<1x4x2x3xf32>

// CHECK: xbar.col2im: operand 'input' must have rank 2, got 2x3x4

// -----

%m = "test.op"() : () -> tensor<6x4xf32>
%y = xbar.col2im %m : (tensor<6x4xf32>) -> tensor<1x4x3x3xf32>

// CHECK: xbar.col2im: input 6x4 is not (N*OH*OW) x C of the result 1x4x3x3

// -----

%m = "test.op"() : () -> tensor<6x4xf32>
%y = xbar.col2im %m : (tensor<6x4xf32>) -> tensor<6x4xf32>

// CHECK: xbar.col2im: input 6x4 is not (N*OH*OW) x C of the result 6x4

// -----

%a, %b = "test.op"() : () -> (tensor<2x3xf32>, tensor<2x3xf32>)
%c = xbar.concat %a, %b : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<6xf32>

// CHECK: xbar.concat: operand 'result' must have rank 2, got 6

// -----

%x = "test.op"() : () -> tensor<4x6xf32>
%w = graph.weight "w" : tensor<6x2x3xf32>
%y = xbar.mvm %x, %w group 0 rows [0, 6] cols [0, 6] : (tensor<4x6xf32>, tensor<6x2x3xf32>) -> tensor<4x6xf32>

// CHECK: xbar.mvm: operand 'weight' must be a 2-D gemm or 4-D conv weight, got 6x2x3

// -----

// `groups` (packed groups of a grouped conv) must be >= 1.
%x = "test.op"() : () -> tensor<4x72xf32>
%w = graph.weight "dw" : tensor<8x1x3x3xf32>
%y = xbar.mvm %x, %w group 0 groups 0 rows [0, 9] cols [0, 3] : (tensor<4x72xf32>, tensor<8x1x3x3xf32>) -> tensor<4x3xf32>

// CHECK: xbar.mvm: 'groups' must be >= 1, got 0

// -----

// A packed tile takes all K = 9 rows of each of its groups...
%x = "test.op"() : () -> tensor<4x72xf32>
%w = graph.weight "dw" : tensor<8x1x3x3xf32>
%y = xbar.mvm %x, %w group 0 groups 3 rows [0, 8] cols [0, 3] : (tensor<4x72xf32>, tensor<8x1x3x3xf32>) -> tensor<4x3xf32>

// CHECK: xbar.mvm: a tile packing 3 groups takes all 9 rows and the column blocks of groups 0..2, not rows [0, 8] cols [0, 3]

// -----

// ...and the column blocks of groups group .. group + groups - 1 (here 3..5 are [3, 6]).
%x = "test.op"() : () -> tensor<4x72xf32>
%w = graph.weight "dw" : tensor<8x1x3x3xf32>
%y = xbar.mvm %x, %w group 3 groups 3 rows [0, 9] cols [0, 3] : (tensor<4x72xf32>, tensor<8x1x3x3xf32>) -> tensor<4x3xf32>

// CHECK: xbar.mvm: a tile packing 3 groups takes all 9 rows and the column blocks of groups 3..5, not rows [0, 9] cols [0, 3]

// -----

// 4 columns do not split into 3 equal group blocks.
%x = "test.op"() : () -> tensor<4x72xf32>
%w = graph.weight "dw" : tensor<8x1x3x3xf32>
%y = xbar.mvm %x, %w group 0 groups 3 rows [0, 9] cols [0, 4] : (tensor<4x72xf32>, tensor<8x1x3x3xf32>) -> tensor<4x4xf32>

// CHECK: xbar.mvm: a tile packing 3 groups takes all 9 rows and the column blocks of groups 0..2, not rows [0, 9] cols [0, 4]

// -----

// Groups 0..2 read input columns [0, 27).
%x = "test.op"() : () -> tensor<4x20xf32>
%w = graph.weight "dw" : tensor<8x1x3x3xf32>
%y = xbar.mvm %x, %w group 0 groups 3 rows [0, 9] cols [0, 3] : (tensor<4x20xf32>, tensor<8x1x3x3xf32>) -> tensor<4x3xf32>

// CHECK: xbar.mvm: operand 'input' has 20 columns but group 0 rows [0, 9] read up to column 27

// -----

// Groups 6..8 would need columns [6, 9) of a weight with 8.
%x = "test.op"() : () -> tensor<4x72xf32>
%w = graph.weight "dw" : tensor<8x1x3x3xf32>
%y = xbar.mvm %x, %w group 6 groups 3 rows [0, 9] cols [6, 9] : (tensor<4x72xf32>, tensor<8x1x3x3xf32>) -> tensor<4x3xf32>

// CHECK: xbar.mvm: 'cols' [6, 9] must be a non-empty range within the weight's 8 columns
