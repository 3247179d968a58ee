// RUN: %python -c "import numpy as np; np.savez('%t.npz', **{'fc.weight': np.arange(4, dtype=np.float32).reshape(2, 2)}); \
// RUN:   np.save('%t.npy', np.ones(2, np.float32))"
// RUN: cimc-opt %s --weights %t.npz --weights-out %t.out.npz | filecheck %s --match-full-lines
// RUN: %python -c "import numpy as np; d = np.load('%t.out.npz'); print(d.files, d['fc.weight'].tolist())" \
// RUN:   | filecheck %s --check-prefix=NPZ --match-full-lines
// RUN: not cimc-opt %s --weights %t.no-such-dir/w.npz 2>&1 | filecheck %s --check-prefix=MISSING
// RUN: not cimc-opt %s --weights %t.npy 2>&1 | filecheck %s --check-prefix=NPY
// RUN: not cimc-opt %s --weights %t.npz --weights-out %t.no-such-dir/out.npz 2>&1 | filecheck %s --check-prefix=UNWRITABLE

// cimc-opt --weights FILE.npz loads the weight store the passes read; --weights-out saves it
// after them (here, with no pass, unchanged). Bad files are one line, not a traceback.

func.func @main(%x: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %w = graph.weight "fc.weight" : tensor<2x2xf32>
  %y = graph.gemm %x, %w : (tensor<1x2xf32>, tensor<2x2xf32>) -> tensor<1x2xf32>
  func.return %y : tensor<1x2xf32>
}

// CHECK: %y = graph.gemm %x, %w : (tensor<1x2xf32>, tensor<2x2xf32>) -> tensor<1x2xf32>
// NPZ: ['fc.weight'] [[0.0, 1.0], [2.0, 3.0]]

// MISSING-NOT: Traceback
// MISSING:     cimc-opt: error: weight file '{{.*}}no-such-dir/w.npz' not found{{$}}
// NPY-NOT:     Traceback
// NPY:         cimc-opt: error: weight file '{{.*}}.npy' is not an .npz archive of named arrays{{$}}
// UNWRITABLE-NOT: Traceback
// UNWRITABLE:     cimc-opt: error: cannot write '{{.*}}no-such-dir/out.npz': No such file or directory{{$}}
