// RUN: cimc-opt %s --split-input-file --verify-diagnostics | filecheck %s --match-full-lines

// One chunk per graph verifier error; xDSL prints each message and exits 0.

%w = graph.weight "w" : tensor<?x2xf32>

// CHECK: graph.weight "w": a weight's shape must be static

// -----

%x = "test.op"() : () -> tensor<1x2x4x4xf32>
%w = graph.weight "w" : tensor<3x2x3x3xf32>
%y = graph.conv %x, %w strides [1, 1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x2x4x4xf32>, tensor<3x2x3x3xf32>) -> tensor<1x3x2x2xf32>

// CHECK: graph.conv: 'strides' must have 2 entries, got 3

// -----

%x = "test.op"() : () -> tensor<1x2x4x4xf32>
%w = graph.weight "w" : tensor<3x2x3x3xf32>
%y = graph.conv %x, %w strides [0, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x2x4x4xf32>, tensor<3x2x3x3xf32>) -> tensor<1x3x2x2xf32>

// CHECK: graph.conv: 'strides' entries must be >= 1, got [0, 1]

// -----

%x = "test.op"() : () -> tensor<1x2x4x4xf32>
%w = graph.weight "w" : tensor<3x2x3x3xf32>
%y = graph.conv %x, %w strides [1, 1] pads [0, 0] dilations [1, 1] group 1 : (tensor<1x2x4x4xf32>, tensor<3x2x3x3xf32>) -> tensor<1x3x2x2xf32>

// CHECK: graph.conv: 'pads' must have 4 entries, got 2

// -----

%x = "test.op"() : () -> tensor<1x2x4x4xf32>
%w = graph.weight "w" : tensor<3x2x3x3xf32>
%y = graph.conv %x, %w strides [1, 1] pads [0, -1, 0, 0] dilations [1, 1] group 1 : (tensor<1x2x4x4xf32>, tensor<3x2x3x3xf32>) -> tensor<1x3x2x2xf32>

// CHECK: graph.conv: 'pads' entries must be >= 0, got [0, -1, 0, 0]

// -----

%x = "test.op"() : () -> tensor<1x2x4x4xf32>
%w = graph.weight "w" : tensor<3x2x3x3xf32>
%y = graph.conv %x, %w strides [1, 1] pads [0, 0, 0, 0] dilations [1, 0] group 1 : (tensor<1x2x4x4xf32>, tensor<3x2x3x3xf32>) -> tensor<1x3x2x2xf32>

// CHECK: graph.conv: 'dilations' entries must be >= 1, got [1, 0]

// -----

%x = "test.op"() : () -> tensor<1x2x4x4xf32>
%w = graph.weight "w" : tensor<3x2x3x3xf32>
%y = graph.conv %x, %w strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 0 : (tensor<1x2x4x4xf32>, tensor<3x2x3x3xf32>) -> tensor<1x3x2x2xf32>

// CHECK: graph.conv: 'group' must be >= 1, got 0

// -----

%x = "test.op"() : () -> tensor<1x2x4x4xf32>
%w = graph.weight "w" : tensor<3x18xf32>
%y = graph.conv %x, %w strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x2x4x4xf32>, tensor<3x18xf32>) -> tensor<1x3x2x2xf32>

// CHECK: graph.conv: operand 'weight' must have rank 4, got 3x18

// -----

%x = "test.op"() : () -> tensor<2x4x4xf32>
%w = graph.weight "w" : tensor<3x2x3x3xf32>
%y = graph.conv %x, %w strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<2x4x4xf32>, tensor<3x2x3x3xf32>) -> tensor<1x3x2x2xf32>

// CHECK: graph.conv: operand 'input' must have rank 4, got 2x4x4

// -----

%x = "test.op"() : () -> tensor<1x3x4x4xf32>
%w = graph.weight "w" : tensor<3x2x3x3xf32>
%y = graph.conv %x, %w strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x3x4x4xf32>, tensor<3x2x3x3xf32>) -> tensor<1x3x2x2xf32>

// CHECK: graph.conv: operand 'input' has 3 channels but 'weight' expects 2 x group 1

// -----

%x = "test.op"() : () -> tensor<1x4x4x4xf32>
%w = graph.weight "w" : tensor<3x2x3x3xf32>
%y = graph.conv %x, %w strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 2 : (tensor<1x4x4x4xf32>, tensor<3x2x3x3xf32>) -> tensor<1x3x2x2xf32>

// CHECK: graph.conv: operand 'weight' has 3 output channels, not a multiple of group 2

// -----

%x = "test.op"() : () -> tensor<1x2x4x4xf32>
%w = graph.weight "w" : tensor<3x2x3x3xf32>
%b = graph.weight "b" : tensor<2xf32>
%y = graph.conv %x, %w, %b strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x2x4x4xf32>, tensor<3x2x3x3xf32>, tensor<2xf32>) -> tensor<1x3x2x2xf32>

// CHECK: graph.conv: operand 'bias' must have shape 3, got 2

// -----

%x = "test.op"() : () -> tensor<1x2x4x4xf32>
%w = graph.weight "w" : tensor<3x2x3x3xf32>
%y = graph.conv %x, %w strides [1, 1] pads [0, 0, 0, 0] dilations [2, 2] group 1 : (tensor<1x2x4x4xf32>, tensor<3x2x3x3xf32>) -> tensor<1x3x?x?xf32>

// CHECK: graph.conv: window 3x3 does not fit the 4x4 input (with pads and dilations)

// -----

%x = "test.op"() : () -> tensor<1x2x4x4xf32>
%w = graph.weight "w" : tensor<3x2x3x3xf32>
%y = graph.conv %x, %w strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] group 1 : (tensor<1x2x4x4xf32>, tensor<3x2x3x3xf32>) -> tensor<1x3x2x2xf32>

// CHECK: graph.conv: result shape 1x3x2x2 does not match the inferred 1x3x4x4

// -----

%x = "test.op"() : () -> tensor<1x2x4x4xf32>
%y = graph.maxpool %x kernel [2] strides [2, 2] pads [0, 0, 0, 0] dilations [1, 1] : (tensor<1x2x4x4xf32>) -> tensor<1x2x2x2xf32>

// CHECK: graph.maxpool: 'kernel' must have 2 entries, got 1

// -----

%x = "test.op"() : () -> tensor<1x2x4x4xf32>
%y = graph.avgpool %x kernel [2, 2] strides [2, 2] pads [0, 2, 0, 0] dilations [1, 1] : (tensor<1x2x4x4xf32>) -> tensor<1x2x2x3xf32>

// CHECK: graph.avgpool: pads [0, 2, 0, 0] must be smaller than the kernel [2, 2]

// -----

%x = "test.op"() : () -> tensor<2x4x4xf32>
%y = graph.maxpool %x kernel [2, 2] strides [2, 2] pads [0, 0, 0, 0] dilations [1, 1] : (tensor<2x4x4xf32>) -> tensor<1x2x2x2xf32>

// CHECK: graph.maxpool: operand 'input' must have rank 4, got 2x4x4

// -----

%x = "test.op"() : () -> tensor<1x2x4x4xf32>
%y = graph.maxpool %x kernel [2, 2] strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] : (tensor<1x2x4x4xf32>) -> tensor<1x2x2x2xf32>

// CHECK: graph.maxpool: result shape 1x2x2x2 does not match the inferred 1x2x3x3

// -----

%x = "test.op"() : () -> tensor<2x4xf32>
%y = graph.global_avgpool %x : (tensor<2x4xf32>) -> tensor<2x4x1x1xf32>

// CHECK: graph.global_avgpool: operand 'input' must have rank 4, got 2x4

// -----

%x = "test.op"() : () -> tensor<4xf32>
%w = graph.weight "w" : tensor<4x5xf32>
%y = graph.gemm %x, %w : (tensor<4xf32>, tensor<4x5xf32>) -> tensor<5xf32>

// CHECK: graph.gemm: operand 'input' must have rank >= 2, got 4

// -----

%x = "test.op"() : () -> tensor<2x4xf32>
%w = graph.weight "w" : tensor<20xf32>
%y = graph.gemm %x, %w : (tensor<2x4xf32>, tensor<20xf32>) -> tensor<2x5xf32>

// CHECK: graph.gemm: operand 'weight' must have rank 2, got 20

// -----

%x = "test.op"() : () -> tensor<2x3xf32>
%w = graph.weight "w" : tensor<4x5xf32>
%y = graph.gemm %x, %w : (tensor<2x3xf32>, tensor<4x5xf32>) -> tensor<2x5xf32>

// CHECK: graph.gemm: operand 'input' has K = 3 but 'weight' has K = 4

// -----

%x = "test.op"() : () -> tensor<2x4xf32>
%w = graph.weight "w" : tensor<4x5xf32>
%b = graph.weight "b" : tensor<3x5xf32>
%y = graph.gemm %x, %w, %b : (tensor<2x4xf32>, tensor<4x5xf32>, tensor<3x5xf32>) -> tensor<2x5xf32>

// CHECK: graph.gemm bias: shapes (2, 5) and (3, 5) do not broadcast (dim 0: 2 vs 3)

// -----

%x = "test.op"() : () -> tensor<1x4xf32>
%w = graph.weight "w" : tensor<4x5xf32>
%b = graph.weight "b" : tensor<3x5xf32>
%y = graph.gemm %x, %w, %b : (tensor<1x4xf32>, tensor<4x5xf32>, tensor<3x5xf32>) -> tensor<1x5xf32>

// CHECK: graph.gemm: operand 'bias' of shape 3x5 does not broadcast to 1x5

// -----

%x = "test.op"() : () -> tensor<2x4xf32>
%w = graph.weight "w" : tensor<4x5xf32>
%y = graph.gemm %x, %w : (tensor<2x4xf32>, tensor<4x5xf32>) -> tensor<2x4xf32>

// CHECK: graph.gemm: result shape 2x4 does not match the inferred 2x5

// -----

%x = "test.op"() : () -> tensor<2x3xf32>
%y = graph.relu %x : (tensor<2x3xf32>) -> tensor<3x2xf32>

// CHECK: graph.relu: result shape 3x2 does not match the inferred 2x3

// -----

%a, %b = "test.op"() : () -> (tensor<2x3xf32>, tensor<2x4xf32>)
%y = graph.add %a, %b : (tensor<2x3xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>

// CHECK: graph.add: shapes (2, 3) and (2, 4) do not broadcast (dim 1: 3 vs 4)

// -----

%a, %b = "test.op"() : () -> (tensor<2x1xf32>, tensor<3xf32>)
%y = graph.add %a, %b : (tensor<2x1xf32>, tensor<3xf32>) -> tensor<2x1xf32>

// CHECK: graph.add: result shape 2x1 does not match the inferred 2x3

// -----

%x = "test.op"() : () -> tensor<2x3x4xf32>
%y = graph.flatten %x axis 4 : (tensor<2x3x4xf32>) -> tensor<24x1xf32>

// CHECK: graph.flatten: 'axis' 4 is out of range for rank 3

// -----

%x = "test.op"() : () -> tensor<2x3x4xf32>
%y = graph.flatten %x axis -1 : (tensor<2x3x4xf32>) -> tensor<24x1xf32>

// CHECK: graph.flatten: result shape 24x1 does not match the inferred 6x4

// -----

%x = "test.op"() : () -> tensor<2x3x4xf32>
%y = graph.reshape %x shape [-1, -1] : (tensor<2x3x4xf32>) -> tensor<6x4xf32>

// CHECK: graph.reshape: 'shape' [-1, -1] has more than one -1

// -----

%x = "test.op"() : () -> tensor<2x3x4xf32>
%y = graph.reshape %x shape [6, -2] : (tensor<2x3x4xf32>) -> tensor<6x4xf32>

// CHECK: graph.reshape: 'shape' [6, -2] has a negative dim other than -1

// -----

%x = "test.op"() : () -> tensor<24xf32>
%y = graph.reshape %x shape [-1, 0] : (tensor<24xf32>) -> tensor<24x1xf32>

// CHECK: graph.reshape: 'shape' copies dim 1 (0) but the input has rank 1

// -----

%x = "test.op"() : () -> tensor<2x3x4xf32>
%y = graph.reshape %x shape [5, -1] : (tensor<2x3x4xf32>) -> tensor<5x?xf32>

// CHECK: graph.reshape: cannot reshape 2x3x4 to [5, -1]

// -----

%x = "test.op"() : () -> tensor<2x3x4xf32>
%y = graph.reshape %x shape [0, 5] : (tensor<2x3x4xf32>) -> tensor<2x5xf32>

// CHECK: graph.reshape: cannot reshape 2x3x4 (24 elements) to [0, 5]

// -----

%x = "test.op"() : () -> tensor<2x3x4xf32>
%y = graph.reshape %x shape [0, -1] : (tensor<2x3x4xf32>) -> tensor<2x6xf32>

// CHECK: graph.reshape: result shape 2x6 does not match the inferred 2x12
