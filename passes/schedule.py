"""schedule: how the layers of a cim stream overlap in time (the cim level).

- `layer`: one layer at a time, all of its crossbars at once.
- `element` (low latency): a layer starts as soon as the producers of its inputs have made
  the first rows it reads, so layers and independent branches overlap.
- `batch` (throughput): a stream of images through a layer pipeline, every layer working on
  another image; an image leaves every cycle_time.

The mode goes on the `cim.stream` and into the binary; the cost model (cimc.cost) times the
program by it. The instructions, and so the outputs, are the same in every mode. A program
that reprograms crossbars during a run (allow_reload) only runs layer by layer.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp, StringAttr
from xdsl.passes import ModulePass

from cimc.dialects import cim
from cimc.errors import CimcError


@dataclass(frozen=True)
class SchedulePass(ModulePass):
    """Sets the schedule `mode` (layer, element or batch) of the module's cim.stream."""

    name = "schedule"

    mode: str = "layer"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        if self.mode not in cim.SCHEDULES:
            raise CimcError(f"schedule: unknown mode '{self.mode}': choose one of {', '.join(cim.SCHEDULES)}")
        streams = cim.streams(op)
        if len(streams) != 1:
            raise CimcError(f"schedule: expected one cim.stream, found {len(streams)} (run lower-to-isa first)")
        (stream,) = streams
        if self.mode != "layer" and any(isinstance(inst, cim.ProgramOp) for inst in stream.instructions()):
            raise CimcError(f"schedule: mode '{self.mode}' keeps every layer on the chip at once, but this program "
                            "reprograms crossbars during a run (allow_reload); use mode=layer")
        stream.schedule = StringAttr(self.mode)
