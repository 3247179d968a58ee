"""cimc as an ONNX backend: `onnx.backend.base.Backend` over `cimc.compile` and `Program.run`.

This lets code written against onnx's backend API (onnx's own node test cases among it) run
models on cimc's compiled binary and its interpreter:

```python
import numpy as np
import cimc
from cimc.onnx_backend import CimcBackend

rep = CimcBackend.prepare(model, arch=cimc.Arch(xbar_rows=64, xbar_cols=64))  # compiles once
(y,) = rep.run([x])              # positional, in the order of the model's non-initializer inputs
y = rep.run({"input": x})[0]     # or a dict keyed by input name; outputs come in graph-output order
y = rep.run([x])["fc3"]          # the result is a namedtuple that can also be indexed by output name
outputs = CimcBackend.run_model(model, [x])
```

`prepare` takes a ModelProto (or a path to an .onnx file), `device="CPU"` (the only device:
the binary runs on cimc's numpy interpreter) and `arch=` a `cimc.Arch` or an arch file path
(default: `cimc.Arch()`). Every other keyword is refused. Anything cimc cannot compile, an
unsupported op or attribute, a non-float32 or dynamically shaped input, a weight that is a
graph input instead of an initializer, is a `cimc.CimcError` with a one-line message, raised
by `prepare`.

cimc takes float32 inputs: `run` converts float64 arrays to float32 (the model declares
float32, or `prepare` would have refused it) and passes any other array through unchanged to
`Program.run`, which checks it. cimc computes in float32; an output the model declares with
another number type (ConstantOfShape of int32, ...) is returned as that type, rounded to the
nearest integer for integer types.

`run_node` builds a one-node model around the node (its inputs as float32 graph inputs with
the shapes of the given arrays) and runs it. cimc needs weights (Conv's W and B, Gemm's and
MatMul's B, Reshape's shape, ...) to be constants; name those inputs in
`initializers=[...]` (input names or positions) and they become initializers holding the given
arrays.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import onnx
from onnx import helper, numpy_helper
from onnx.backend.base import Backend, BackendRep, Device, DeviceType, namedtupledict

from cimc.arch import Arch
from cimc.driver import Program, compile as compile_model
from cimc.errors import CimcError
from cimc.frontend import load_model

__all__ = ["CimcBackend", "CimcBackendRep", "prepare", "run_model", "run_node", "supports_device"]


def _check_device(device: str) -> None:
    if not CimcBackend.supports_device(device):
        raise CimcError(f"device '{device}' is not supported: cimc runs on 'CPU' (its interpreter) only")


class CimcBackendRep(BackendRep):
    """A compiled model, ready to run repeatedly (see the module docstring)."""

    def __init__(self, program: Program, input_names: Sequence[str], output_names: Sequence[str],
                 output_dtypes: Sequence[np.dtype | None] | None = None):
        self.program = program
        self.input_names = list(input_names)
        self.output_names = list(output_names)
        self.output_dtypes = list(output_dtypes) if output_dtypes is not None else [None] * len(self.output_names)
        self._outputs_type = namedtupledict("Outputs", self.output_names)

    def run(self, inputs: Any, **kwargs: Any) -> tuple[Any, ...]:
        """The outputs, in graph-output order, for inputs given as a list (in the order of the
        model's non-initializer inputs), a dict keyed by input name, or one array when the model
        takes one input."""
        if kwargs:
            raise CimcError(f"run() takes no keyword arguments, got {', '.join(sorted(kwargs))}")
        if isinstance(inputs, Mapping):
            named = dict(inputs)
        else:
            if isinstance(inputs, np.ndarray):
                inputs = [inputs]
            if not isinstance(inputs, (list, tuple)):
                raise CimcError(f"inputs are a list of arrays or a dict of input name -> array, "
                                f"not {type(inputs).__name__}")
            if len(inputs) != len(self.input_names):
                raise CimcError(f"got {len(inputs)} input(s); the model takes {len(self.input_names)}: "
                                f"{', '.join(self.input_names) or '(none)'}")
            named = dict(zip(self.input_names, inputs))
        feed = {}
        for name, value in named.items():
            value = np.asarray(value)
            # every input of a compiled model is declared float32
            feed[name] = value.astype(np.float32) if value.dtype == np.float64 else value
        results = self.program.run(feed)
        return self._outputs_type(*(_as_dtype(results[name], dtype)
                                    for name, dtype in zip(self.output_names, self.output_dtypes)))


def _as_dtype(value: np.ndarray, dtype: np.dtype | None) -> np.ndarray:
    if dtype is None or value.dtype == dtype:
        return value
    if dtype.kind == "b":
        return value != 0
    if dtype.kind in "iu":
        return np.rint(value).astype(dtype)
    return value.astype(dtype)


def _declared_dtype(value: onnx.ValueInfoProto) -> np.dtype | None:
    """The numpy dtype a graph output declares, if it declares a number or bool tensor."""
    if not value.type.HasField("tensor_type") or not value.type.tensor_type.elem_type:
        return None
    try:
        dtype = np.dtype(helper.tensor_dtype_to_np_dtype(value.type.tensor_type.elem_type))
    except (KeyError, TypeError, ValueError):
        return None
    return dtype if dtype.kind in "biuf" else None


class CimcBackend(Backend):
    """cimc as an `onnx.backend.base.Backend` (see the module docstring)."""

    @classmethod
    def is_compatible(cls, model: onnx.ModelProto, device: str = "CPU", **kwargs: Any) -> bool:
        """Whether `prepare` succeeds on this model (it compiles the model to find out)."""
        try:
            cls.prepare(model, device, **kwargs)
        except CimcError:
            return False
        return True

    @classmethod
    def prepare(cls, model: onnx.ModelProto | str | Path, device: str = "CPU", **kwargs: Any) -> CimcBackendRep:
        """Compile `model` for `arch=` (a cimc.Arch or arch file path; default cimc.Arch())."""
        _check_device(device)
        arch = kwargs.pop("arch", None)
        if kwargs:
            raise CimcError(f"unknown option(s) {', '.join(sorted(kwargs))}: prepare() takes arch=")
        if arch is not None and not isinstance(arch, (Arch, str, Path)):
            raise CimcError(f"arch must be a cimc.Arch or a path to an arch file, not {type(arch).__name__}")
        model = load_model(model)
        program = compile_model(model, arch=arch)
        initializers = {init.name for init in model.graph.initializer}
        input_names = [i.name for i in model.graph.input if i.name not in initializers]
        output_names = [o.name for o in model.graph.output]
        output_dtypes = [_declared_dtype(o) for o in model.graph.output]
        return CimcBackendRep(program, input_names, output_names, output_dtypes)

    @classmethod
    def run_model(cls, model: onnx.ModelProto | str | Path, inputs: Any, device: str = "CPU",
                  **kwargs: Any) -> tuple[Any, ...]:
        return cls.prepare(model, device, **kwargs).run(inputs)

    @classmethod
    def run_node(cls, node: onnx.NodeProto, inputs: Any, device: str = "CPU",
                 outputs_info: Sequence[tuple[np.dtype, tuple[int, ...]]] | None = None,
                 **kwargs: Any) -> tuple[Any, ...]:
        """Run one node on `inputs` (a list in the node's input order, or a dict by input name)
        through a one-node model. `initializers=` names (or positions of) the inputs to make
        initializers; `arch=` as for prepare. `outputs_info` is accepted and not needed."""
        _check_device(device)
        constant = kwargs.pop("initializers", ())
        opset = kwargs.pop("opset_version", None)
        present = [name for name in node.input if name]
        if isinstance(inputs, Mapping):
            values = dict(inputs)
        else:
            if isinstance(inputs, np.ndarray):
                inputs = [inputs]
            if len(inputs) != len(present):
                raise CimcError(f"{node.op_type} node '{node.name}': got {len(inputs)} input(s) for "
                                f"its {len(present)} input(s)")
            values = dict(zip(present, inputs))
        missing = [name for name in present if name not in values]
        if missing:
            raise CimcError(f"{node.op_type} node '{node.name}': no value for input(s) {', '.join(missing)}")
        constant_names = set(_names(constant, present))
        graph_inputs, initializers = [], []
        for name in dict.fromkeys(present):
            value = np.asarray(values[name])
            if name in constant_names:
                initializers.append(numpy_helper.from_array(value, name))
            else:
                if value.dtype == np.float64:
                    value = value.astype(np.float32)
                elem = helper.np_dtype_to_tensor_dtype(value.dtype)
                graph_inputs.append(helper.make_tensor_value_info(name, elem, value.shape))
        outputs = [helper.make_tensor_value_info(name, onnx.TensorProto.FLOAT, None)
                   for name in node.output if name]
        graph = helper.make_graph([node], node.name or node.op_type, graph_inputs, outputs, initializers)
        opsets = [helper.make_opsetid("", opset)] if opset is not None else None
        model = helper.make_model(graph, producer_name="cimc.onnx_backend", opset_imports=opsets)
        feed = {v.name: values[v.name] for v in graph_inputs}
        return cls.prepare(model, device, **kwargs).run(feed)

    @classmethod
    def supports_device(cls, device: str) -> bool:
        """True for "CPU" only: the compiled binary runs on cimc's numpy interpreter."""
        try:
            return Device(device).type == DeviceType.CPU
        except (AttributeError, ValueError):
            return False


def _names(chosen: Iterable[str | int], present: Sequence[str]) -> list[str]:
    names = []
    for item in chosen:
        if isinstance(item, (int, np.integer)) and not isinstance(item, bool):
            if not 0 <= item < len(present):
                raise CimcError(f"initializers: input position {item} is out of range (the node has {len(present)})")
            names.append(present[item])
        elif isinstance(item, str):
            if item not in present:
                raise CimcError(f"initializers: '{item}' is not an input of the node")
            names.append(item)
        else:
            raise CimcError(f"initializers are input names or positions, not {type(item).__name__}")
    return names


prepare = CimcBackend.prepare
run_model = CimcBackend.run_model
run_node = CimcBackend.run_node
supports_device = CimcBackend.supports_device
