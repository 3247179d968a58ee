// RUN: %python -c "import numpy as np; np.savez('%t.npz', **{ \
// RUN:   'fc.weight': np.arange(6, dtype=np.float32).reshape(2, 3), \
// RUN:   'scale': np.array([2.0], np.float32), \
// RUN:   'b': np.array([1.0, 2.0, 3.0], np.float32)})"
// RUN: cimc-opt %s --split-input-file -p canonicalize --weights %t.npz --weights-out %t.out.npz | filecheck %s --match-full-lines
// RUN: %python -c "import numpy as np; d = np.load('%t.out.npz'); \
// RUN:   [print(k, d[k].shape, d[k].ravel().tolist()) for k in ['fc.weight', 'ws.folded', 'u.folded', 'c.folded', 't.folded.1']]" \
// RUN:   | filecheck %s --check-prefix=NPZ --match-full-lines
// RUN: cimc-opt %s --split-input-file --verify-diagnostics -p canonicalize | filecheck %s --check-prefix=NOW --match-full-lines
// RUN: not cimc-opt %s -p canonicalize 2>&1 | filecheck %s --check-prefix=ERR

// cimc's canonicalize: identities removed, dead ops erased, and graph ops whose operands are
// all weights evaluated into new weights of the weight store (`--weights` in, `--weights-out`
// out, handle <result name>.folded). Folding needs the weights; the rest does not (NOW). Without
// --verify-diagnostics (ERR, the file as one module) the first fold ends cimc-opt with one line.

// ERR-NOT: Traceback
// ERR:     cimc-opt: error: canonicalize: needs the weights (run it from cimc, or cimc-opt --weights FILE.npz){{$}}

func.func @identity(%x: tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<?x3xf32>) {
  %i = graph.identity %x : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %r = graph.relu %i : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %j = graph.identity %r : (tensor<2x3xf32>) -> tensor<?x3xf32>
  %dead = graph.sigmoid %x : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %unused = graph.weight "b" : tensor<3xf32>
  func.return %r, %j : tensor<2x3xf32>, tensor<?x3xf32>
}

// An identity that changes the type (here to ?x3) stays; the dead sigmoid and weight go.
// CHECK-LABEL: func.func @identity(%x: tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<?x3xf32>) {
// CHECK-NEXT:    %r = graph.relu %x : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT:    %j = graph.identity %r : (tensor<2x3xf32>) -> tensor<?x3xf32>
// CHECK-NEXT:    func.return %r, %j : tensor<2x3xf32>, tensor<?x3xf32>
// CHECK-NEXT:  }

// NOW-LABEL: func.func @identity(%x: tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<?x3xf32>) {
// NOW-NEXT:    %r = graph.relu %x : (tensor<2x3xf32>) -> tensor<2x3xf32>
// NOW-NEXT:    %j = graph.identity %r : (tensor<2x3xf32>) -> tensor<?x3xf32>
// NOW-NEXT:    func.return %r, %j : tensor<2x3xf32>, tensor<?x3xf32>
// NOW-NEXT:  }

// -----

// ONNX Gemm's transB and alpha arrive as a transpose and a mul of the weight: folded, in two
// steps, into one 3x2 weight ws.folded = transpose(fc.weight) * 2.

func.func @fold(%x: tensor<1x3xf32>) -> tensor<1x2xf32> {
  %w = graph.weight "fc.weight" : tensor<2x3xf32>
  %s = graph.weight "scale" : tensor<1xf32>
  %t = graph.transpose %w perm [1, 0] : (tensor<2x3xf32>) -> tensor<3x2xf32>
  %ws = graph.mul %t, %s : (tensor<3x2xf32>, tensor<1xf32>) -> tensor<3x2xf32>
  %y = graph.gemm %x, %ws : (tensor<1x3xf32>, tensor<3x2xf32>) -> tensor<1x2xf32>
  func.return %y : tensor<1x2xf32>
}

// CHECK-LABEL: func.func @fold(%x: tensor<1x3xf32>) -> tensor<1x2xf32> {
// CHECK-NEXT:    %ws = graph.weight "ws.folded" : tensor<3x2xf32>
// CHECK-NEXT:    %y = graph.gemm %x, %ws : (tensor<1x3xf32>, tensor<3x2xf32>) -> tensor<1x2xf32>
// CHECK-NEXT:    func.return %y : tensor<1x2xf32>
// CHECK-NEXT:  }

// Without the weight store the fold fails with one message, not a traceback.
// NOW: canonicalize: needs the weights (run it from cimc, or cimc-opt --weights FILE.npz)

// -----

// Views and concat of weights fold too; an op with a non-weight operand does not (the add).
// A handle already taken gets a suffix: this %t folds to t.folded.1.

func.func @more(%x: tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>, tensor<3x2xf32>) {
  %b = graph.weight "b" : tensor<3xf32>
  %u = graph.unsqueeze %b axes [0] : (tensor<3xf32>) -> tensor<1x3xf32>
  %a = graph.add %x, %u : (tensor<2x3xf32>, tensor<1x3xf32>) -> tensor<2x3xf32>
  %c = graph.concat %u, %u axis 0 : (tensor<1x3xf32>, tensor<1x3xf32>) -> tensor<2x3xf32>
  %w = graph.weight "fc.weight" : tensor<2x3xf32>
  %t = graph.transpose %w perm [1, 0] : (tensor<2x3xf32>) -> tensor<3x2xf32>
  func.return %a, %c, %t : tensor<2x3xf32>, tensor<2x3xf32>, tensor<3x2xf32>
}

// CHECK-LABEL: func.func @more(%x: tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>, tensor<3x2xf32>) {
// CHECK-NEXT:    %u = graph.weight "u.folded" : tensor<1x3xf32>
// CHECK-NEXT:    %a = graph.add %x, %u : (tensor<2x3xf32>, tensor<1x3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT:    %c = graph.weight "c.folded" : tensor<2x3xf32>
// CHECK-NEXT:    %t = graph.weight "t.folded.1" : tensor<3x2xf32>
// CHECK-NEXT:    func.return %a, %c, %t : tensor<2x3xf32>, tensor<2x3xf32>, tensor<3x2xf32>
// CHECK-NEXT:  }

// The folded values in the weight store; the input weights are unchanged.
// NPZ:      fc.weight (2, 3) [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]
// NPZ-NEXT: ws.folded (3, 2) [0.0, 6.0, 2.0, 8.0, 4.0, 10.0]
// NPZ-NEXT: u.folded (1, 3) [1.0, 2.0, 3.0]
// NPZ-NEXT: c.folded (2, 3) [1.0, 2.0, 3.0, 1.0, 2.0, 3.0]
// NPZ-NEXT: t.folded.1 (3, 2) [0.0, 3.0, 1.0, 4.0, 2.0, 5.0]
