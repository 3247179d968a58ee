"""The Context cimc's passes run in: xDSL's, plus the weight store the IR's weights live in."""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np
from xdsl.context import Context

from cimc.errors import CimcError
from cimc.weights import WeightStore


@dataclass
class CimcContext(Context):
    """A Context carrying the WeightStore whose arrays `graph.weight` ops name. Passes that
    compute new weights (canonicalize's constant folding, fold-batchnorm) add them here."""

    weights: WeightStore | None = None
    """None when no weights were given (cimc-opt without --weights)."""
    calibration: list[dict[str, np.ndarray]] | None = None
    """Model inputs the `quantize` pass takes activation ranges from (None: one seeded input)."""

    def clone(self) -> CimcContext:
        base = super().clone()
        return CimcContext(**{f.name: getattr(base, f.name) for f in fields(Context)}, weights=self.weights,
                           calibration=self.calibration)


def weights_of(ctx: Context, pass_name: str) -> WeightStore:
    """The weight store of a pass's context; a clear error where there is none."""
    if not isinstance(ctx, CimcContext) or ctx.weights is None:
        raise CimcError(f"{pass_name}: needs the weights (run it from cimc, or cimc-opt --weights FILE.npz)")
    return ctx.weights
