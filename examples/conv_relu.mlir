// A conv + relu + max-pool at the graph level, for crossbars of 8 rows x 2 columns.
// Try: cimc-opt examples/conv_relu.mlir -p shape-infer,tile-crossbars
builtin.module attributes {cimc.arch = {xbar_rows = 8 : i64, xbar_cols = 2 : i64}} {
  func.func @main(%x: tensor<1x1x6x6xf32> {cimc.name = "x"}) -> (tensor<?x?x?x?xf32> {cimc.name = "y"}) {
    %w = graph.weight "conv.weight" : tensor<3x1x3x3xf32>
    %b = graph.weight "conv.bias" : tensor<3xf32>
    %c = graph.conv %x, %w, %b strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] group 1 {cimc.layer = "conv"} : (tensor<1x1x6x6xf32>, tensor<3x1x3x3xf32>, tensor<3xf32>) -> tensor<?x?x?x?xf32>
    %r = graph.relu %c {cimc.layer = "relu"} : (tensor<?x?x?x?xf32>) -> tensor<?x?x?x?xf32>
    %y = graph.maxpool %r kernel [2, 2] strides [2, 2] pads [0, 0, 0, 0] dilations [1, 1] {cimc.layer = "pool"} : (tensor<?x?x?x?xf32>) -> tensor<?x?x?x?xf32>
    func.return %y : tensor<?x?x?x?xf32>
  }
}
