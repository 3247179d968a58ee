"""cimc: a compiler for crossbar compute-in-memory accelerators, built on xDSL.

```python
import cimc
program = cimc.compile("model.onnx", arch=cimc.Arch(xbar_rows=128, xbar_cols=128))
outputs = program.run({"input": x})
print(program.report())
```
"""

from cimc.arch import Arch
from cimc.driver import Lowered, Program, compile, lower
from cimc.errors import CimcError
from cimc.numerics import Noise
from cimc.weights import WeightStore

__all__ = ["Arch", "CimcError", "Lowered", "Noise", "Program", "WeightStore", "compile", "lower"]
