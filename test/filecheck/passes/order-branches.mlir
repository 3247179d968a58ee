// RUN: cimc-opt %s --split-input-file -p order-branches | filecheck %s --match-full-lines

// order-branches: at every join (an op with more than one operand, e.g. graph.concat or
// graph.add) the branches, the ops only one operand of the join needs, are sorted by
// (own estimated peak - output bytes), largest first, and moved, contiguous, just before the
// join; the new order is kept only if the function's estimated peak does not rise. Ops that
// are in no branch keep their relative order, ahead of the moved branches if a branch needs
// them (weights always), after them otherwise.
//
// The byte arithmetic (f32, 4 bytes an element; x is 1x8x8x8 = 2048 bytes throughout):
// a branch's own peak counts its ops' results only (not x). The function's estimate counts x
// (live from the start to its last reader) and every result from its op to its last reader;
// weights count nothing (they live in crossbars whatever the order).

// (a) Two branches from x in the memory-unfriendly order: first a wide 1x1 conv %a
// (8 -> 32 channels: 8192 bytes), then a branch whose intermediate %b1 is large (8 -> 64:
// 16384) and whose output %b2 is narrow (64 -> 4: 1024).
// Keys: a: 8192 - 8192 = 0; b1,b2: (16384 + 1024) - 1024 = 16384. So b runs first.
// Function estimate: as written its peak is at %b1: x + a + b1 = 2048 + 8192 + 16384 =
// 26624; reordered, at %b2 with %a not yet computed: x + b1 + b2 = 2048 + 16384 + 1024 =
// 19456 <= 26624, so the swap is kept.
func.func @bad_order(%x: tensor<1x8x8x8xf32>) -> tensor<1x36x8x8xf32> {
  %wa = graph.weight "a.weight" : tensor<32x8x1x1xf32>
  %w1 = graph.weight "b1.weight" : tensor<64x8x1x1xf32>
  %w2 = graph.weight "b2.weight" : tensor<4x64x1x1xf32>
  %a = graph.conv %x, %wa strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x8x8x8xf32>, tensor<32x8x1x1xf32>) -> tensor<1x32x8x8xf32>
  %b1 = graph.conv %x, %w1 strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x8x8x8xf32>, tensor<64x8x1x1xf32>) -> tensor<1x64x8x8xf32>
  %b2 = graph.conv %b1, %w2 strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x64x8x8xf32>, tensor<4x64x1x1xf32>) -> tensor<1x4x8x8xf32>
  %c = graph.concat %a, %b2 axis 1 : (tensor<1x32x8x8xf32>, tensor<1x4x8x8xf32>) -> tensor<1x36x8x8xf32>
  func.return %c : tensor<1x36x8x8xf32>
}

// CHECK-LABEL: func.func @bad_order(%x: tensor<1x8x8x8xf32>) -> tensor<1x36x8x8xf32> {
// CHECK-NEXT:    [[WA:%[^ ]+]] = graph.weight "a.weight" : tensor<32x8x1x1xf32>
// CHECK-NEXT:    [[W1:%[^ ]+]] = graph.weight "b1.weight" : tensor<64x8x1x1xf32>
// CHECK-NEXT:    [[W2:%[^ ]+]] = graph.weight "b2.weight" : tensor<4x64x1x1xf32>
// CHECK-NEXT:    [[B1:%[^ ]+]] = graph.conv %x, [[W1]] strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x8x8x8xf32>, tensor<64x8x1x1xf32>) -> tensor<1x64x8x8xf32>
// CHECK-NEXT:    [[B2:%[^ ]+]] = graph.conv [[B1]], [[W2]] strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x64x8x8xf32>, tensor<4x64x1x1xf32>) -> tensor<1x4x8x8xf32>
// CHECK-NEXT:    [[A:%[^ ]+]] = graph.conv %x, [[WA]] strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x8x8x8xf32>, tensor<32x8x1x1xf32>) -> tensor<1x32x8x8xf32>
// CHECK-NEXT:    [[C:%[^ ]+]] = graph.concat [[A]], [[B2]] axis 1 : (tensor<1x32x8x8xf32>, tensor<1x4x8x8xf32>) -> tensor<1x36x8x8xf32>
// CHECK-NEXT:    func.return [[C]] : tensor<1x36x8x8xf32>
// CHECK-NEXT:  }

// The same at an add, the first branch a conv and a relu (%a 8 -> 4 channels: 1024, %r
// 1024). Keys: a,r: (1024 + 1024) - 1024 = 1024; b1,b2: 16384 as above. So b runs first.
// As written the peak is at %b2: r + b1 + b2 = 1024 + 16384 + 1024 = 18432 (x died at %b1),
// or at %b1: x + r + b1 = 2048 + 1024 + 16384 = 19456; reordered, at %b2: x + b1 + b2 =
// 19456 <= 19456: kept.
func.func @add_join(%x: tensor<1x8x8x8xf32>) -> tensor<1x4x8x8xf32> {
  %wa = graph.weight "a.weight" : tensor<4x8x1x1xf32>
  %w1 = graph.weight "b1.weight" : tensor<64x8x1x1xf32>
  %w2 = graph.weight "b2.weight" : tensor<4x64x1x1xf32>
  %a = graph.conv %x, %wa strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x8x8x8xf32>, tensor<4x8x1x1xf32>) -> tensor<1x4x8x8xf32>
  %r = graph.relu %a : (tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  %b1 = graph.conv %x, %w1 strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x8x8x8xf32>, tensor<64x8x1x1xf32>) -> tensor<1x64x8x8xf32>
  %b2 = graph.conv %b1, %w2 strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x64x8x8xf32>, tensor<4x64x1x1xf32>) -> tensor<1x4x8x8xf32>
  %s = graph.add %r, %b2 : (tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  func.return %s : tensor<1x4x8x8xf32>
}

// CHECK-LABEL: func.func @add_join(%x: tensor<1x8x8x8xf32>) -> tensor<1x4x8x8xf32> {
// CHECK-NEXT:    [[WA:%[^ ]+]] = graph.weight "a.weight" : tensor<4x8x1x1xf32>
// CHECK-NEXT:    [[W1:%[^ ]+]] = graph.weight "b1.weight" : tensor<64x8x1x1xf32>
// CHECK-NEXT:    [[W2:%[^ ]+]] = graph.weight "b2.weight" : tensor<4x64x1x1xf32>
// CHECK-NEXT:    [[B1:%[^ ]+]] = graph.conv %x, [[W1]] strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x8x8x8xf32>, tensor<64x8x1x1xf32>) -> tensor<1x64x8x8xf32>
// CHECK-NEXT:    [[B2:%[^ ]+]] = graph.conv [[B1]], [[W2]] strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x64x8x8xf32>, tensor<4x64x1x1xf32>) -> tensor<1x4x8x8xf32>
// CHECK-NEXT:    [[A:%[^ ]+]] = graph.conv %x, [[WA]] strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x8x8x8xf32>, tensor<4x8x1x1xf32>) -> tensor<1x4x8x8xf32>
// CHECK-NEXT:    [[R:%[^ ]+]] = graph.relu [[A]] : (tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
// CHECK-NEXT:    [[S:%[^ ]+]] = graph.add [[R]], [[B2]] : (tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
// CHECK-NEXT:    func.return [[S]] : tensor<1x4x8x8xf32>
// CHECK-NEXT:  }

// -----

// (b) The branches of (a) already in the good order (keys 16384, then 0): nothing moves.
func.func @good_order(%x: tensor<1x8x8x8xf32>) -> tensor<1x36x8x8xf32> {
  %wa = graph.weight "a.weight" : tensor<32x8x1x1xf32>
  %w1 = graph.weight "b1.weight" : tensor<64x8x1x1xf32>
  %w2 = graph.weight "b2.weight" : tensor<4x64x1x1xf32>
  %b1 = graph.conv %x, %w1 strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x8x8x8xf32>, tensor<64x8x1x1xf32>) -> tensor<1x64x8x8xf32>
  %b2 = graph.conv %b1, %w2 strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x64x8x8xf32>, tensor<4x64x1x1xf32>) -> tensor<1x4x8x8xf32>
  %a = graph.conv %x, %wa strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x8x8x8xf32>, tensor<32x8x1x1xf32>) -> tensor<1x32x8x8xf32>
  %c = graph.concat %a, %b2 axis 1 : (tensor<1x32x8x8xf32>, tensor<1x4x8x8xf32>) -> tensor<1x36x8x8xf32>
  func.return %c : tensor<1x36x8x8xf32>
}

// CHECK-LABEL: func.func @good_order(%x: tensor<1x8x8x8xf32>) -> tensor<1x36x8x8xf32> {
// CHECK-NEXT:    [[WA:%[^ ]+]] = graph.weight "a.weight" : tensor<32x8x1x1xf32>
// CHECK-NEXT:    [[W1:%[^ ]+]] = graph.weight "b1.weight" : tensor<64x8x1x1xf32>
// CHECK-NEXT:    [[W2:%[^ ]+]] = graph.weight "b2.weight" : tensor<4x64x1x1xf32>
// CHECK-NEXT:    [[B1:%[^ ]+]] = graph.conv %x, [[W1]] strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x8x8x8xf32>, tensor<64x8x1x1xf32>) -> tensor<1x64x8x8xf32>
// CHECK-NEXT:    [[B2:%[^ ]+]] = graph.conv [[B1]], [[W2]] strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x64x8x8xf32>, tensor<4x64x1x1xf32>) -> tensor<1x4x8x8xf32>
// CHECK-NEXT:    [[A:%[^ ]+]] = graph.conv %x, [[WA]] strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x8x8x8xf32>, tensor<32x8x1x1xf32>) -> tensor<1x32x8x8xf32>
// CHECK-NEXT:    [[C:%[^ ]+]] = graph.concat [[A]], [[B2]] axis 1 : (tensor<1x32x8x8xf32>, tensor<1x4x8x8xf32>) -> tensor<1x36x8x8xf32>
// CHECK-NEXT:    func.return [[C]] : tensor<1x36x8x8xf32>
// CHECK-NEXT:  }

// -----

// (c) A residual add whose other operand is the block input itself: x is a block argument,
// not a branch, so the add has one branch (%c, %r) and there is nothing to order.
func.func @residual(%x: tensor<1x8x8x8xf32>) -> tensor<1x8x8x8xf32> {
  %w = graph.weight "conv.weight" : tensor<8x8x1x1xf32>
  %c = graph.conv %x, %w strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x8x8x8xf32>, tensor<8x8x1x1xf32>) -> tensor<1x8x8x8xf32>
  %r = graph.relu %c : (tensor<1x8x8x8xf32>) -> tensor<1x8x8x8xf32>
  %s = graph.add %r, %x : (tensor<1x8x8x8xf32>, tensor<1x8x8x8xf32>) -> tensor<1x8x8x8xf32>
  func.return %s : tensor<1x8x8x8xf32>
}

// CHECK-LABEL: func.func @residual(%x: tensor<1x8x8x8xf32>) -> tensor<1x8x8x8xf32> {
// CHECK-NEXT:    [[W:%[^ ]+]] = graph.weight "conv.weight" : tensor<8x8x1x1xf32>
// CHECK-NEXT:    [[C:%[^ ]+]] = graph.conv %x, [[W]] strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x8x8x8xf32>, tensor<8x8x1x1xf32>) -> tensor<1x8x8x8xf32>
// CHECK-NEXT:    [[R:%[^ ]+]] = graph.relu [[C]] : (tensor<1x8x8x8xf32>) -> tensor<1x8x8x8xf32>
// CHECK-NEXT:    [[S:%[^ ]+]] = graph.add [[R]], %x : (tensor<1x8x8x8xf32>, tensor<1x8x8x8xf32>) -> tensor<1x8x8x8xf32>
// CHECK-NEXT:    func.return [[S]] : tensor<1x8x8x8xf32>
// CHECK-NEXT:  }

// The block input an op (%p): the add's operand %p is also an ancestor of its other operand
// %c, so it belongs to neither branch; again one branch (%c), nothing moves.
func.func @residual_shared(%x: tensor<1x8x8x8xf32>) -> tensor<1x8x8x8xf32> {
  %w = graph.weight "conv.weight" : tensor<8x8x1x1xf32>
  %p = graph.relu %x : (tensor<1x8x8x8xf32>) -> tensor<1x8x8x8xf32>
  %c = graph.conv %p, %w strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x8x8x8xf32>, tensor<8x8x1x1xf32>) -> tensor<1x8x8x8xf32>
  %s = graph.add %c, %p : (tensor<1x8x8x8xf32>, tensor<1x8x8x8xf32>) -> tensor<1x8x8x8xf32>
  func.return %s : tensor<1x8x8x8xf32>
}

// CHECK-LABEL: func.func @residual_shared(%x: tensor<1x8x8x8xf32>) -> tensor<1x8x8x8xf32> {
// CHECK-NEXT:    [[W:%[^ ]+]] = graph.weight "conv.weight" : tensor<8x8x1x1xf32>
// CHECK-NEXT:    [[P:%[^ ]+]] = graph.relu %x : (tensor<1x8x8x8xf32>) -> tensor<1x8x8x8xf32>
// CHECK-NEXT:    [[C:%[^ ]+]] = graph.conv [[P]], [[W]] strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x8x8x8xf32>, tensor<8x8x1x1xf32>) -> tensor<1x8x8x8xf32>
// CHECK-NEXT:    [[S:%[^ ]+]] = graph.add [[C]], [[P]] : (tensor<1x8x8x8xf32>, tensor<1x8x8x8xf32>) -> tensor<1x8x8x8xf32>
// CHECK-NEXT:    func.return [[S]] : tensor<1x8x8x8xf32>
// CHECK-NEXT:  }

// -----

// (d) (a) with the large intermediate %b1 also returned: %b1 is read outside the branch, so
// it cannot move and the second branch is %b2 alone. Keys: a: 8192 - 8192 = 0; b2: 1024 -
// 1024 = 0. A tie: the sort is stable and the order stays as written.
func.func @shared_intermediate(%x: tensor<1x8x8x8xf32>) -> (tensor<1x36x8x8xf32>, tensor<1x64x8x8xf32>) {
  %wa = graph.weight "a.weight" : tensor<32x8x1x1xf32>
  %w1 = graph.weight "b1.weight" : tensor<64x8x1x1xf32>
  %w2 = graph.weight "b2.weight" : tensor<4x64x1x1xf32>
  %a = graph.conv %x, %wa strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x8x8x8xf32>, tensor<32x8x1x1xf32>) -> tensor<1x32x8x8xf32>
  %b1 = graph.conv %x, %w1 strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x8x8x8xf32>, tensor<64x8x1x1xf32>) -> tensor<1x64x8x8xf32>
  %b2 = graph.conv %b1, %w2 strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x64x8x8xf32>, tensor<4x64x1x1xf32>) -> tensor<1x4x8x8xf32>
  %c = graph.concat %a, %b2 axis 1 : (tensor<1x32x8x8xf32>, tensor<1x4x8x8xf32>) -> tensor<1x36x8x8xf32>
  func.return %c, %b1 : tensor<1x36x8x8xf32>, tensor<1x64x8x8xf32>
}

// CHECK-LABEL: func.func @shared_intermediate(%x: tensor<1x8x8x8xf32>) -> (tensor<1x36x8x8xf32>, tensor<1x64x8x8xf32>) {
// CHECK-NEXT:    [[WA:%[^ ]+]] = graph.weight "a.weight" : tensor<32x8x1x1xf32>
// CHECK-NEXT:    [[W1:%[^ ]+]] = graph.weight "b1.weight" : tensor<64x8x1x1xf32>
// CHECK-NEXT:    [[W2:%[^ ]+]] = graph.weight "b2.weight" : tensor<4x64x1x1xf32>
// CHECK-NEXT:    [[A:%[^ ]+]] = graph.conv %x, [[WA]] strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x8x8x8xf32>, tensor<32x8x1x1xf32>) -> tensor<1x32x8x8xf32>
// CHECK-NEXT:    [[B1:%[^ ]+]] = graph.conv %x, [[W1]] strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x8x8x8xf32>, tensor<64x8x1x1xf32>) -> tensor<1x64x8x8xf32>
// CHECK-NEXT:    [[B2:%[^ ]+]] = graph.conv [[B1]], [[W2]] strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x64x8x8xf32>, tensor<4x64x1x1xf32>) -> tensor<1x4x8x8xf32>
// CHECK-NEXT:    [[C:%[^ ]+]] = graph.concat [[A]], [[B2]] axis 1 : (tensor<1x32x8x8xf32>, tensor<1x4x8x8xf32>) -> tensor<1x36x8x8xf32>
// CHECK-NEXT:    func.return [[C]], [[B1]] : tensor<1x36x8x8xf32>, tensor<1x64x8x8xf32>
// CHECK-NEXT:  }

// Here the returned op %b0 (8 -> 8: 2048) is the first of a chain: %b0 stays with the ops in
// no branch, the rest of its chain (%b1, %b2) is a branch. Keys: a: 0; b1,b2: (16384 + 1024)
// - 1024 = 16384, so %b1, %b2 move ahead of %a, and %b0 now runs before them all.
// As written the peak is at %b1: a + b0 + b1 = 8192 + 2048 + 16384 = 26624, or at %b2:
// a + b0 + b1 + b2 = 27648; reordered, at %b2: x + b0 + b1 + b2 = 2048 + 2048 + 16384 + 1024
// = 21504 <= 27648: kept.
func.func @partly_movable(%x: tensor<1x8x8x8xf32>) -> (tensor<1x36x8x8xf32>, tensor<1x8x8x8xf32>) {
  %wa = graph.weight "a.weight" : tensor<32x8x1x1xf32>
  %w0 = graph.weight "b0.weight" : tensor<8x8x1x1xf32>
  %w1 = graph.weight "b1.weight" : tensor<64x8x1x1xf32>
  %w2 = graph.weight "b2.weight" : tensor<4x64x1x1xf32>
  %a = graph.conv %x, %wa strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x8x8x8xf32>, tensor<32x8x1x1xf32>) -> tensor<1x32x8x8xf32>
  %b0 = graph.conv %x, %w0 strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x8x8x8xf32>, tensor<8x8x1x1xf32>) -> tensor<1x8x8x8xf32>
  %b1 = graph.conv %b0, %w1 strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x8x8x8xf32>, tensor<64x8x1x1xf32>) -> tensor<1x64x8x8xf32>
  %b2 = graph.conv %b1, %w2 strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x64x8x8xf32>, tensor<4x64x1x1xf32>) -> tensor<1x4x8x8xf32>
  %c = graph.concat %a, %b2 axis 1 : (tensor<1x32x8x8xf32>, tensor<1x4x8x8xf32>) -> tensor<1x36x8x8xf32>
  func.return %c, %b0 : tensor<1x36x8x8xf32>, tensor<1x8x8x8xf32>
}

// CHECK-LABEL: func.func @partly_movable(%x: tensor<1x8x8x8xf32>) -> (tensor<1x36x8x8xf32>, tensor<1x8x8x8xf32>) {
// CHECK-NEXT:    [[WA:%[^ ]+]] = graph.weight "a.weight" : tensor<32x8x1x1xf32>
// CHECK-NEXT:    [[W0:%[^ ]+]] = graph.weight "b0.weight" : tensor<8x8x1x1xf32>
// CHECK-NEXT:    [[W1:%[^ ]+]] = graph.weight "b1.weight" : tensor<64x8x1x1xf32>
// CHECK-NEXT:    [[W2:%[^ ]+]] = graph.weight "b2.weight" : tensor<4x64x1x1xf32>
// CHECK-NEXT:    [[B0:%[^ ]+]] = graph.conv %x, [[W0]] strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x8x8x8xf32>, tensor<8x8x1x1xf32>) -> tensor<1x8x8x8xf32>
// CHECK-NEXT:    [[B1:%[^ ]+]] = graph.conv [[B0]], [[W1]] strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x8x8x8xf32>, tensor<64x8x1x1xf32>) -> tensor<1x64x8x8xf32>
// CHECK-NEXT:    [[B2:%[^ ]+]] = graph.conv [[B1]], [[W2]] strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x64x8x8xf32>, tensor<4x64x1x1xf32>) -> tensor<1x4x8x8xf32>
// CHECK-NEXT:    [[A:%[^ ]+]] = graph.conv %x, [[WA]] strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x8x8x8xf32>, tensor<32x8x1x1xf32>) -> tensor<1x32x8x8xf32>
// CHECK-NEXT:    [[C:%[^ ]+]] = graph.concat [[A]], [[B2]] axis 1 : (tensor<1x32x8x8xf32>, tensor<1x4x8x8xf32>) -> tensor<1x36x8x8xf32>
// CHECK-NEXT:    func.return [[C]], [[B0]] : tensor<1x36x8x8xf32>, tensor<1x8x8x8xf32>
// CHECK-NEXT:  }

// -----

// (e) A swap the function's estimate refuses. The key ignores that x stays live until the
// last branch to read it starts. %a is tiny (8 -> 1: 256); the other branch has a large
// intermediate %b1 (8 -> 32: 8192) and an output %b2 (32 -> 8: 2048) bigger than %a.
// Keys: a: 256 - 256 = 0; b1,b2: (8192 + 2048) - 2048 = 8192, so the sort puts b first.
// As written the peak is at %b1, x dying there: x + a + b1 = 2048 + 256 + 8192 = 10496.
// With b first, x must stay live through %b2 for %a: at %b2, x + b1 + b2 = 2048 + 8192 +
// 2048 = 12288 > 10496, so the order stays as written.
func.func @refused(%x: tensor<1x8x8x8xf32>) -> tensor<1x9x8x8xf32> {
  %wa = graph.weight "a.weight" : tensor<1x8x1x1xf32>
  %w1 = graph.weight "b1.weight" : tensor<32x8x1x1xf32>
  %w2 = graph.weight "b2.weight" : tensor<8x32x1x1xf32>
  %a = graph.conv %x, %wa strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x8x8x8xf32>, tensor<1x8x1x1xf32>) -> tensor<1x1x8x8xf32>
  %b1 = graph.conv %x, %w1 strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x8x8x8xf32>, tensor<32x8x1x1xf32>) -> tensor<1x32x8x8xf32>
  %b2 = graph.conv %b1, %w2 strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x32x8x8xf32>, tensor<8x32x1x1xf32>) -> tensor<1x8x8x8xf32>
  %c = graph.concat %a, %b2 axis 1 : (tensor<1x1x8x8xf32>, tensor<1x8x8x8xf32>) -> tensor<1x9x8x8xf32>
  func.return %c : tensor<1x9x8x8xf32>
}

// CHECK-LABEL: func.func @refused(%x: tensor<1x8x8x8xf32>) -> tensor<1x9x8x8xf32> {
// CHECK-NEXT:    [[WA:%[^ ]+]] = graph.weight "a.weight" : tensor<1x8x1x1xf32>
// CHECK-NEXT:    [[W1:%[^ ]+]] = graph.weight "b1.weight" : tensor<32x8x1x1xf32>
// CHECK-NEXT:    [[W2:%[^ ]+]] = graph.weight "b2.weight" : tensor<8x32x1x1xf32>
// CHECK-NEXT:    [[A:%[^ ]+]] = graph.conv %x, [[WA]] strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x8x8x8xf32>, tensor<1x8x1x1xf32>) -> tensor<1x1x8x8xf32>
// CHECK-NEXT:    [[B1:%[^ ]+]] = graph.conv %x, [[W1]] strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x8x8x8xf32>, tensor<32x8x1x1xf32>) -> tensor<1x32x8x8xf32>
// CHECK-NEXT:    [[B2:%[^ ]+]] = graph.conv [[B1]], [[W2]] strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x32x8x8xf32>, tensor<8x32x1x1xf32>) -> tensor<1x8x8x8xf32>
// CHECK-NEXT:    [[C:%[^ ]+]] = graph.concat [[A]], [[B2]] axis 1 : (tensor<1x1x8x8xf32>, tensor<1x8x8x8xf32>) -> tensor<1x9x8x8xf32>
// CHECK-NEXT:    func.return [[C]] : tensor<1x9x8x8xf32>
// CHECK-NEXT:  }

// -----

// Three branches written in ascending key order. Keys: a (8 -> 32: 8192): 0; c1,c2 (8 -> 16:
// 4096, 16 -> 4: 1024): (4096 + 1024) - 1024 = 4096; b1,b2: 16384 (as in (a)). Sorted:
// b, c, a. As written the peak is at %b2, with a and c2 done: a + c2 + b1 + b2 = 8192 +
// 1024 + 16384 + 1024 = 26624 (x died at %b1), or at %b1: x + a + c2 + b1 = 27648;
// reordered, the peak is the concat: b2 + c2 + a + c = 1024 + 1024 + 8192 + 10240 = 20480
// (at %b2: x + b1 + b2 = 2048 + 16384 + 1024 = 19456) <= 27648: kept.
func.func @three_branches(%x: tensor<1x8x8x8xf32>) -> tensor<1x40x8x8xf32> {
  %wa = graph.weight "a.weight" : tensor<32x8x1x1xf32>
  %wc1 = graph.weight "c1.weight" : tensor<16x8x1x1xf32>
  %wc2 = graph.weight "c2.weight" : tensor<4x16x1x1xf32>
  %wb1 = graph.weight "b1.weight" : tensor<64x8x1x1xf32>
  %wb2 = graph.weight "b2.weight" : tensor<4x64x1x1xf32>
  %a = graph.conv %x, %wa strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x8x8x8xf32>, tensor<32x8x1x1xf32>) -> tensor<1x32x8x8xf32>
  %c1 = graph.conv %x, %wc1 strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x8x8x8xf32>, tensor<16x8x1x1xf32>) -> tensor<1x16x8x8xf32>
  %c2 = graph.conv %c1, %wc2 strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x16x8x8xf32>, tensor<4x16x1x1xf32>) -> tensor<1x4x8x8xf32>
  %b1 = graph.conv %x, %wb1 strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x8x8x8xf32>, tensor<64x8x1x1xf32>) -> tensor<1x64x8x8xf32>
  %b2 = graph.conv %b1, %wb2 strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x64x8x8xf32>, tensor<4x64x1x1xf32>) -> tensor<1x4x8x8xf32>
  %c = graph.concat %a, %c2, %b2 axis 1 : (tensor<1x32x8x8xf32>, tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>) -> tensor<1x40x8x8xf32>
  func.return %c : tensor<1x40x8x8xf32>
}

// CHECK-LABEL: func.func @three_branches(%x: tensor<1x8x8x8xf32>) -> tensor<1x40x8x8xf32> {
// CHECK-NEXT:    [[WA:%[^ ]+]] = graph.weight "a.weight" : tensor<32x8x1x1xf32>
// CHECK-NEXT:    [[WC1:%[^ ]+]] = graph.weight "c1.weight" : tensor<16x8x1x1xf32>
// CHECK-NEXT:    [[WC2:%[^ ]+]] = graph.weight "c2.weight" : tensor<4x16x1x1xf32>
// CHECK-NEXT:    [[WB1:%[^ ]+]] = graph.weight "b1.weight" : tensor<64x8x1x1xf32>
// CHECK-NEXT:    [[WB2:%[^ ]+]] = graph.weight "b2.weight" : tensor<4x64x1x1xf32>
// CHECK-NEXT:    [[B1:%[^ ]+]] = graph.conv %x, [[WB1]] strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x8x8x8xf32>, tensor<64x8x1x1xf32>) -> tensor<1x64x8x8xf32>
// CHECK-NEXT:    [[B2:%[^ ]+]] = graph.conv [[B1]], [[WB2]] strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x64x8x8xf32>, tensor<4x64x1x1xf32>) -> tensor<1x4x8x8xf32>
// CHECK-NEXT:    [[C1:%[^ ]+]] = graph.conv %x, [[WC1]] strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x8x8x8xf32>, tensor<16x8x1x1xf32>) -> tensor<1x16x8x8xf32>
// CHECK-NEXT:    [[C2:%[^ ]+]] = graph.conv [[C1]], [[WC2]] strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x16x8x8xf32>, tensor<4x16x1x1xf32>) -> tensor<1x4x8x8xf32>
// CHECK-NEXT:    [[A:%[^ ]+]] = graph.conv %x, [[WA]] strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x8x8x8xf32>, tensor<32x8x1x1xf32>) -> tensor<1x32x8x8xf32>
// CHECK-NEXT:    [[C:%[^ ]+]] = graph.concat [[A]], [[C2]], [[B2]] axis 1 : (tensor<1x32x8x8xf32>, tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>) -> tensor<1x40x8x8xf32>
// CHECK-NEXT:    func.return [[C]] : tensor<1x40x8x8xf32>
// CHECK-NEXT:  }

// -----

// (a) with an op in no branch written between the branches: %u (8 -> 40: 10240) is returned,
// so it is in no branch, and no branch needs it: it follows the moved branches rather than
// being hoisted ahead of them (where it would stay live across both). Both as written and
// reordered (b1, b2, a, u) the peak is the concat: a + b2 + u + c = 8192 + 1024 + 10240 +
// 9216 = 28672 (as written %b1 comes next: x + a + b1 = 26624; reordered %b2: x + b1 + b2 =
// 19456), so the swap is kept. With %u hoisted ahead of the branches the peak would be at
// %b2, x + u + b1 + b2 = 2048 + 10240 + 16384 + 1024 = 29696 > 28672, and the swap refused.
func.func @unrelated_between(%x: tensor<1x8x8x8xf32>) -> (tensor<1x36x8x8xf32>, tensor<1x40x8x8xf32>) {
  %wa = graph.weight "a.weight" : tensor<32x8x1x1xf32>
  %w1 = graph.weight "b1.weight" : tensor<64x8x1x1xf32>
  %w2 = graph.weight "b2.weight" : tensor<4x64x1x1xf32>
  %wu = graph.weight "u.weight" : tensor<40x8x1x1xf32>
  %a = graph.conv %x, %wa strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x8x8x8xf32>, tensor<32x8x1x1xf32>) -> tensor<1x32x8x8xf32>
  %b1 = graph.conv %x, %w1 strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x8x8x8xf32>, tensor<64x8x1x1xf32>) -> tensor<1x64x8x8xf32>
  %b2 = graph.conv %b1, %w2 strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x64x8x8xf32>, tensor<4x64x1x1xf32>) -> tensor<1x4x8x8xf32>
  %u = graph.conv %x, %wu strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x8x8x8xf32>, tensor<40x8x1x1xf32>) -> tensor<1x40x8x8xf32>
  %c = graph.concat %a, %b2 axis 1 : (tensor<1x32x8x8xf32>, tensor<1x4x8x8xf32>) -> tensor<1x36x8x8xf32>
  func.return %c, %u : tensor<1x36x8x8xf32>, tensor<1x40x8x8xf32>
}

// CHECK-LABEL: func.func @unrelated_between(%x: tensor<1x8x8x8xf32>) -> (tensor<1x36x8x8xf32>, tensor<1x40x8x8xf32>) {
// CHECK-NEXT:    [[WA:%[^ ]+]] = graph.weight "a.weight" : tensor<32x8x1x1xf32>
// CHECK-NEXT:    [[W1:%[^ ]+]] = graph.weight "b1.weight" : tensor<64x8x1x1xf32>
// CHECK-NEXT:    [[W2:%[^ ]+]] = graph.weight "b2.weight" : tensor<4x64x1x1xf32>
// CHECK-NEXT:    [[WU:%[^ ]+]] = graph.weight "u.weight" : tensor<40x8x1x1xf32>
// CHECK-NEXT:    [[B1:%[^ ]+]] = graph.conv %x, [[W1]] {{.*}}
// CHECK-NEXT:    [[B2:%[^ ]+]] = graph.conv [[B1]], [[W2]] {{.*}}
// CHECK-NEXT:    [[A:%[^ ]+]] = graph.conv %x, [[WA]] {{.*}}
// CHECK-NEXT:    [[U:%[^ ]+]] = graph.conv %x, [[WU]] {{.*}}
// CHECK-NEXT:    [[C:%[^ ]+]] = graph.concat [[A]], [[B2]] axis 1 : (tensor<1x32x8x8xf32>, tensor<1x4x8x8xf32>) -> tensor<1x36x8x8xf32>
// CHECK-NEXT:    func.return [[C]], [[U]] : tensor<1x36x8x8xf32>, tensor<1x40x8x8xf32>
// CHECK-NEXT:  }
