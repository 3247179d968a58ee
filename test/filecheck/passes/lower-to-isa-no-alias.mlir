// RUN: cimc-opt %s -p lower-to-isa | filecheck %s --check-prefix=ALIAS --match-full-lines
// RUN: cimc-opt %s -p 'lower-to-isa{aliasing=false}' | filecheck %s --check-prefix=OWN --match-full-lines

// Two relus, a flatten and an add. With aliasing (the default) the second relu writes over
// the first's dying output and the flatten is a view of that buffer. The second relu's result
// dies at the flatten, so the view is the buffer's only tensor, and it dies at the add: the add
// writes over it too (never over the model's input %b), and the whole program needs one
// buffer besides its inputs. With aliasing=false every tensor has a buffer of its own and the
// flatten becomes a copy.

builtin.module {
  func.func @main(%x: tensor<1x2x2x2xf32> {cimc.name = "x"}, %b: tensor<1x8xf32> {cimc.name = "b"}) -> (tensor<1x8xf32> {cimc.name = "y"}) {
    %r = graph.relu %x {cimc.layer = "relu"} : (tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
    %r2 = graph.relu %r {cimc.layer = "relu2"} : (tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
    %f = graph.flatten %r2 axis 1 {cimc.layer = "flatten"} : (tensor<1x2x2x2xf32>) -> tensor<1x8xf32>
    %y = graph.add %f, %b {cimc.layer = "add"} : (tensor<1x8xf32>, tensor<1x8xf32>) -> tensor<1x8xf32>
    func.return %y : tensor<1x8xf32>
  }
}

// ALIAS:      cim.stream core 0 {
// ALIAS-NEXT:   [[X:%[^ ]+]] = cim.alloc "input" size 32 : !cim.buffer
// ALIAS-NEXT:   [[B:%[^ ]+]] = cim.alloc "input" size 32 : !cim.buffer
// ALIAS-NEXT:   [[R:%[^ ]+]] = cim.alloc "activation" size 32 : !cim.buffer
// ALIAS-NEXT:   cim.input "x" [[X]] shape [1, 2, 2, 2]
// ALIAS-NEXT:   cim.input "b" [[B]] shape [1, 8]
// ALIAS-NEXT:   cim.layer "relu" {
// ALIAS-NEXT:     cim.unary "relu" [[R]][0] [1] from [[X]][0] [1] loops [8]
// ALIAS-NEXT:   }
// ALIAS-NEXT:   cim.layer "relu2" {
// ALIAS-NEXT:     cim.unary "relu" [[R]][0] [1] from [[R]][0] [1] loops [8]
// ALIAS-NEXT:   }
// ALIAS-NEXT:   cim.layer "add" {
// ALIAS-NEXT:     cim.binary "add" [[R]][0] [1] from [[R]][0] [1], [[B]][0] [1] loops [8]
// ALIAS-NEXT:   }
// ALIAS-NEXT:   cim.output "y" [[R]] shape [1, 8]
// ALIAS-NEXT: }

// OWN:      cim.stream core 0 {
// OWN-NEXT:   [[X:%[^ ]+]] = cim.alloc "input" size 32 : !cim.buffer
// OWN-NEXT:   [[B:%[^ ]+]] = cim.alloc "input" size 32 : !cim.buffer
// OWN-NEXT:   [[R:%[^ ]+]] = cim.alloc "activation" size 32 : !cim.buffer
// OWN-NEXT:   [[R2:%[^ ]+]] = cim.alloc "activation" size 32 : !cim.buffer
// OWN-NEXT:   [[F:%[^ ]+]] = cim.alloc "activation" size 32 : !cim.buffer
// OWN-NEXT:   [[Y:%[^ ]+]] = cim.alloc "activation" size 32 : !cim.buffer
// OWN-NEXT:   cim.input "x" [[X]] shape [1, 2, 2, 2]
// OWN-NEXT:   cim.input "b" [[B]] shape [1, 8]
// OWN-NEXT:   cim.layer "relu" {
// OWN-NEXT:     cim.unary "relu" [[R]][0] [1] from [[X]][0] [1] loops [8]
// OWN-NEXT:   }
// OWN-NEXT:   cim.layer "relu2" {
// OWN-NEXT:     cim.unary "relu" [[R2]][0] [1] from [[R]][0] [1] loops [8]
// OWN-NEXT:   }
// OWN-NEXT:   cim.layer "flatten" {
// OWN-NEXT:     cim.copy [[F]][0] [1] from [[R2]][0] [1] loops [8]
// OWN-NEXT:   }
// OWN-NEXT:   cim.layer "add" {
// OWN-NEXT:     cim.binary "add" [[Y]][0] [1] from [[F]][0] [1], [[B]][0] [1] loops [8]
// OWN-NEXT:   }
// OWN-NEXT:   cim.output "y" [[Y]] shape [1, 8]
// OWN-NEXT: }
