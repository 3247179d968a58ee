"""cimc's passes, by their `cimc-opt -p` names (imported lazily, as xDSL's own registry is)."""

from collections.abc import Callable

from xdsl.passes import ModulePass


def get_all_passes() -> dict[str, Callable[[], type[ModulePass]]]:
    def shape_infer():
        from cimc.passes.shape_infer import ShapeInferPass
        return ShapeInferPass

    def tile_crossbars():
        from cimc.passes.tile_crossbars import TileCrossbarsPass
        return TileCrossbarsPass

    def lower_to_isa():
        from cimc.passes.lower_to_isa import LowerToIsaPass
        return LowerToIsaPass

    def plan_memory():
        from cimc.passes.plan_memory import PlanMemoryPass
        return PlanMemoryPass

    def canonicalize():
        from cimc.passes.canonicalize import CanonicalizeGraphPass
        return CanonicalizeGraphPass

    def fold_batchnorm():
        from cimc.passes.fold_batchnorm import FoldBatchNormPass
        return FoldBatchNormPass

    def quantize():
        from cimc.passes.quantize import QuantizePass
        return QuantizePass

    def replicate():
        from cimc.passes.replicate import ReplicatePass
        return ReplicatePass

    def map_cores():
        from cimc.passes.map_cores import MapCoresPass
        return MapCoresPass

    def schedule():
        from cimc.passes.schedule import SchedulePass
        return SchedulePass

    def order_branches():
        from cimc.passes.order_branches import OrderBranchesPass
        return OrderBranchesPass

    def fuse():
        from cimc.passes.fuse import FusePass
        return FusePass

    return {
        "shape-infer": shape_infer,
        "fuse": fuse,
        "order-branches": order_branches,
        "canonicalize": canonicalize,
        "fold-batchnorm": fold_batchnorm,
        "quantize": quantize,
        "tile-crossbars": tile_crossbars,
        "replicate": replicate,
        "lower-to-isa": lower_to_isa,
        "map-cores": map_cores,
        "plan-memory": plan_memory,
        "schedule": schedule,
    }
