"""cimc's dialects: graph (ONNX-like tensors), xbar (crossbar tiles), cim (the ISA)."""

from collections.abc import Callable

from xdsl.ir import Dialect


def get_all_dialects() -> dict[str, Callable[[], Dialect]]:
    def graph():
        from cimc.dialects.graph import Graph
        return Graph

    def xbar():
        from cimc.dialects.xbar import Xbar
        return Xbar

    def cim():
        from cimc.dialects.cim import Cim
        return Cim

    return {"graph": graph, "xbar": xbar, "cim": cim}
