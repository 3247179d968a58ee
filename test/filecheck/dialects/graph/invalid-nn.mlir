// RUN: cimc-opt %s --split-input-file --verify-diagnostics | filecheck %s --match-full-lines

// One chunk per verifier error of the graph ops of real networks (see ops-nn.mlir);
// xDSL prints each message and exits 0.

// A conv's fused activation must be one cimc can run after the crossbars.
%x = "test.op"() : () -> tensor<1x2x4x4xf32>
%w = graph.weight "w" : tensor<3x2x3x3xf32>
%y = graph.conv %x, %w strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 activation "gelu" [] : (tensor<1x2x4x4xf32>, tensor<3x2x3x3xf32>) -> tensor<1x3x2x2xf32>

// CHECK: graph.conv: 'activation' must be one of relu, sigmoid, tanh, leaky_relu, clip, got "gelu"

// -----

// clip takes [min, max].
%x = "test.op"() : () -> tensor<1x2x4x4xf32>
%w = graph.weight "w" : tensor<3x2x3x3xf32>
%y = graph.conv %x, %w strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 activation "clip" [6.0] : (tensor<1x2x4x4xf32>, tensor<3x2x3x3xf32>) -> tensor<1x3x2x2xf32>

// CHECK: graph.conv: activation "clip" takes 2 parameter(s), got 1

// -----

%x = "test.op"() : () -> tensor<2x3xf32>
%w = graph.weight "w" : tensor<3x4xf32>
%y = graph.gemm %x, %w activation "relu" [0.0] : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>

// CHECK: graph.gemm: activation "relu" takes 0 parameter(s), got 1

// -----

%x = "test.op"() : () -> tensor<2x3xf32>
%w = graph.weight "w" : tensor<3x4xf32>
%y = graph.gemm %x, %w activation "leaky_relu" [] : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>

// CHECK: graph.gemm: activation "leaky_relu" takes 1 parameter(s), got 0

// -----

// The custom format cannot spell parameters without a kind; the generic one can.
%x = "test.op"() : () -> tensor<2x3xf32>
%w = graph.weight "w" : tensor<3x4xf32>
%y = "graph.gemm"(%x, %w) <{activation_params = array<f32: 1.0>}> : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>

// CHECK: graph.gemm: 'activation_params' without an 'activation'


// -----

%x = "test.op"() : () -> tensor<2x3xf32>
%y = graph.leaky_relu %x alpha 0.1 : (tensor<2x3xf32>) -> tensor<3x2xf32>

// CHECK: graph.leaky_relu: result shape 3x2 does not match the inferred 2x3

// -----

%a, %b = "test.op"() : () -> (tensor<2x3xf32>, tensor<4x1xf32>)
%y = graph.mul %a, %b : (tensor<2x3xf32>, tensor<4x1xf32>) -> tensor<2x3xf32>

// CHECK: graph.mul: shapes (2, 3) and (4, 1) do not broadcast (dim 0: 2 vs 4)

// -----

%a, %b = "test.op"() : () -> (tensor<2x3xf32>, tensor<3xf32>)
%y = graph.mul %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<3xf32>

// CHECK: graph.mul: result shape 3 does not match the inferred 2x3

// -----

%a, %b = "test.op"() : () -> (tensor<2x3xf32>, tensor<2x4xf32>)
%y = graph.concat %a, %b axis 2 : (tensor<2x3xf32>, tensor<2x4xf32>) -> tensor<2x7xf32>

// CHECK: graph.concat: 'axis' 2 is out of range for rank 2

// -----

%a, %b = "test.op"() : () -> (tensor<2x3xf32>, tensor<2x4xf32>)
%y = graph.concat %a, %b axis -3 : (tensor<2x3xf32>, tensor<2x4xf32>) -> tensor<2x7xf32>

// CHECK: graph.concat: 'axis' -3 is out of range for rank 2

// -----

// Only the concat axis may differ; -1 is axis 1.
%a, %b = "test.op"() : () -> (tensor<2x3xf32>, tensor<3x4xf32>)
%y = graph.concat %a, %b axis -1 : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x7xf32>

// CHECK: graph.concat: input 1 of shape 3x4 does not match input 0 of shape 2x3 off axis 1

// -----

%a, %b = "test.op"() : () -> (tensor<2x3xf32>, tensor<2x3x1xf32>)
%y = graph.concat %a, %b axis 0 : (tensor<2x3xf32>, tensor<2x3x1xf32>) -> tensor<4x3xf32>

// CHECK: graph.concat: input 1 of shape 2x3x1 does not match input 0 of shape 2x3 off axis 0

// -----

%a, %b = "test.op"() : () -> (tensor<2x3xf32>, tensor<2x4xf32>)
%y = graph.concat %a, %b axis 1 : (tensor<2x3xf32>, tensor<2x4xf32>) -> tensor<2x8xf32>

// CHECK: graph.concat: result shape 2x8 does not match the inferred 2x7

// -----

%a = "test.op"() : () -> tensor<2x3xf32>
%y = graph.transpose %a perm [0, 0] : (tensor<2x3xf32>) -> tensor<2x2xf32>

// CHECK: graph.transpose: 'perm' [0, 0] is not a permutation of the 2 dims

// -----

%a = "test.op"() : () -> tensor<2x3xf32>
%y = graph.transpose %a perm [1, 0, 2] : (tensor<2x3xf32>) -> tensor<3x2xf32>

// CHECK: graph.transpose: 'perm' [1, 0, 2] is not a permutation of the 2 dims

// -----

%a = "test.op"() : () -> tensor<2x3x4xf32>
%y = graph.transpose %a perm [2, 0, 1] : (tensor<2x3x4xf32>) -> tensor<4x3x2xf32>

// CHECK: graph.transpose: result shape 4x3x2 does not match the inferred 4x2x3

// -----

%a = "test.op"() : () -> tensor<2x3xf32>
%y = graph.unsqueeze %a axes [1, -3] : (tensor<2x3xf32>) -> tensor<2x1x1x3xf32>

// CHECK: graph.unsqueeze: 'axes' [1, -3] must be distinct and in range for rank 4

// -----

// The result has rank 3, so axis 3 is past its end.
%a = "test.op"() : () -> tensor<2x3xf32>
%y = graph.unsqueeze %a axes [3] : (tensor<2x3xf32>) -> tensor<2x3x1xf32>

// CHECK: graph.unsqueeze: 'axes' [3] must be distinct and in range for rank 3

// -----

%a = "test.op"() : () -> tensor<2x3xf32>
%y = graph.unsqueeze %a axes [0] : (tensor<2x3xf32>) -> tensor<2x3x1xf32>

// CHECK: graph.unsqueeze: result shape 2x3x1 does not match the inferred 1x2x3

// -----

%a = "test.op"() : () -> tensor<2x3xf32>
%y = graph.softmax %a axis 2 : (tensor<2x3xf32>) -> tensor<2x3xf32>

// CHECK: graph.softmax: 'axis' 2 is out of range for rank 2

// -----

%a = "test.op"() : () -> tensor<2x3xf32>
%y = graph.softmax %a axis -3 to_end : (tensor<2x3xf32>) -> tensor<2x3xf32>

// CHECK: graph.softmax: 'axis' -3 is out of range for rank 2

// -----

%a = "test.op"() : () -> tensor<1x2x3x3xf32>
%y = graph.lrn %a size 0 alpha 1.0 beta 1.0 bias 1.0 : (tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32>

// CHECK: graph.lrn: 'size' must be >= 1, got 0

// -----

%a = "test.op"() : () -> tensor<2x3xf32>
%y = graph.lrn %a size 3 alpha 1.0 beta 1.0 bias 1.0 : (tensor<2x3xf32>) -> tensor<2x3xf32>

// CHECK: graph.lrn: operand 'input' must have rank 4, got 2x3

// -----

// pads are the begin pads of every dim, then the end pads: 2 per dim.
%a = "test.op"() : () -> tensor<2x3xf32>
%y = graph.pad %a pads [1, 1] value 0.0 : (tensor<2x3xf32>) -> tensor<3x4xf32>

// CHECK: graph.pad: 'pads' must be 4 entries >= 0, got [1, 1]

// -----

%a = "test.op"() : () -> tensor<2x3xf32>
%y = graph.pad %a pads [1, -1, 0, 0] value 0.0 : (tensor<2x3xf32>) -> tensor<3x2xf32>

// CHECK: graph.pad: 'pads' must be 4 entries >= 0, got [1, -1, 0, 0]

// -----

// [1, 0, 1, 0] pads dim 0 at both ends: 4x3.
%a = "test.op"() : () -> tensor<2x3xf32>
%y = graph.pad %a pads [1, 0, 1, 0] value 0.0 : (tensor<2x3xf32>) -> tensor<3x4xf32>

// CHECK: graph.pad: result shape 3x4 does not match the inferred 4x3

// -----

// scale, bias, mean and var are per channel (dim 1).
%x = "test.op"() : () -> tensor<1x4x2x2xf32>
%s = graph.weight "bn.scale" : tensor<4xf32>
%v = graph.weight "bn.var" : tensor<3xf32>
%y = graph.batchnorm %x, %s, %s, %s, %v epsilon 1.0e-5 : (tensor<1x4x2x2xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<3xf32>) -> tensor<1x4x2x2xf32>

// CHECK: graph.batchnorm: operand 'var' must have shape 4, got 3

// -----

%x = "test.op"() : () -> tensor<1x4x2x2xf32>
%s = graph.weight "bn.scale" : tensor<1x4xf32>
%b = graph.weight "bn.bias" : tensor<4xf32>
%y = graph.batchnorm %x, %s, %b, %b, %b epsilon 1.0e-5 : (tensor<1x4x2x2xf32>, tensor<1x4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x4x2x2xf32>

// CHECK: graph.batchnorm: operand 'scale' must have shape 4, got 1x4

// -----

%x = "test.op"() : () -> tensor<4xf32>
%y = graph.batchnorm %x, %x, %x, %x, %x epsilon 1.0e-5 : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>

// CHECK: graph.batchnorm: operand 'input' must have rank >= 2, got 4

// -----

// Without ceil_mode the partial last window is dropped: (5 - 2) / 2 + 1 = 2.
%x = "test.op"() : () -> tensor<1x1x5x5xf32>
%y = graph.maxpool %x kernel [2, 2] strides [2, 2] pads [0, 0, 0, 0] dilations [1, 1] : (tensor<1x1x5x5xf32>) -> tensor<1x1x3x3xf32>

// CHECK: graph.maxpool: result shape 1x1x3x3 does not match the inferred 1x1x2x2

// -----

// With ceil_mode it is kept: 3.
%x = "test.op"() : () -> tensor<1x1x5x5xf32>
%y = graph.avgpool %x kernel [2, 2] strides [2, 2] pads [0, 0, 0, 0] dilations [1, 1] ceil_mode count_include_pad : (tensor<1x1x5x5xf32>) -> tensor<1x1x2x2xf32>

// CHECK: graph.avgpool: result shape 1x1x2x2 does not match the inferred 1x1x3x3

// -----

// ...unless it would start in the end padding: 2 + 1 wide, kernel 2, stride 2 gives 1.
%x = "test.op"() : () -> tensor<1x1x2x2xf32>
%y = graph.maxpool %x kernel [2, 2] strides [2, 2] pads [0, 0, 1, 1] dilations [1, 1] ceil_mode : (tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xf32>

// CHECK: graph.maxpool: result shape 1x1x2x2 does not match the inferred 1x1x1x1
