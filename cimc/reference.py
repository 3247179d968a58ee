"""Reference results to check cimc against: onnxruntime on the same model and inputs."""

from __future__ import annotations

import numpy as np
import onnx

from cimc.errors import CimcError


def model_inputs(model: onnx.ModelProto) -> dict[str, tuple[int, ...]]:
    """The model's (non-initializer) inputs and their static shapes."""
    initializers = {init.name for init in model.graph.initializer}
    return {i.name: tuple(d.dim_value for d in i.type.tensor_type.shape.dim)
            for i in model.graph.input if i.name not in initializers}


def random_inputs(shapes: dict[str, tuple[int, ...]], seed: int = 0) -> dict[str, np.ndarray]:
    """Seeded standard-normal float32 values of the given shapes."""
    rng = np.random.default_rng(seed)
    return {name: rng.standard_normal(shape).astype(np.float32) for name, shape in shapes.items()}


def onnxruntime_session(model: onnx.ModelProto):
    try:
        import onnxruntime
    except ImportError:
        raise CimcError("comparing with onnxruntime needs it installed: pip install onnxruntime") from None
    try:
        return onnxruntime.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    except Exception as e:  # onnxruntime's own error types (Fail, InvalidGraph, ...)
        message = " ".join(str(e).split())
        raise CimcError(f"onnxruntime rejects the model: {message}") from None


def onnxruntime_outputs(model: onnx.ModelProto, inputs: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    session = onnxruntime_session(model)
    return dict(zip([o.name for o in session.get_outputs()], session.run(None, inputs)))


def fake_quant_outputs(model: onnx.ModelProto, arch, inputs: dict[str, np.ndarray],
                       calibration: list[dict[str, np.ndarray]] | None = None) -> dict[str, np.ndarray]:
    """cimc's fake-quant reference for precision "int": the quantized graph-level module (integer
    codes, integer weights, plain integer matmuls, the same quantization parameters as the
    compiled program) run by the golden model in float64."""
    from cimc.driver import lower
    from cimc.ir_interpreter import run_module

    module, weights = lower(model, arch, to="graph", calibration=calibration)
    return run_module(module, weights, inputs)


def relative_error(actual: np.ndarray, expected: np.ndarray) -> float:
    """max |actual - expected| / max |expected|, the measure the acceptance tolerances use."""
    scale = max(float(np.abs(expected).max()), np.finfo(np.float32).tiny)
    return float(np.abs(actual - expected).max() / scale)
