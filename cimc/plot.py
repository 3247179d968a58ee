"""The memory plan as a picture: instructions across, addresses up, a rectangle per buffer."""

from __future__ import annotations

import io
from pathlib import Path

from cimc.binary import BinaryImage
from cimc.dialects import cim
from cimc.errors import CimcError
from cimc.files import write_atomically
from cimc.interpreter import memory_lower_bound

KIND_COLOURS = {"input": "tab:green", "activation": "tab:blue", "scratch": "tab:orange", "const": "tab:gray"}


def plot_memory_plan(image: BinaryImage, path: str | Path, title: str = "") -> None:
    """Draw every buffer as a rectangle spanning its live range (instructions) and its bytes,
    coloured by kind, with the lower bound as a line; write the figure (PNG, SVG or PDF by the
    file's suffix) whole or not at all."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        from matplotlib import pyplot as plt
        from matplotlib.patches import Rectangle
    except ImportError:
        raise CimcError("a memory plot needs matplotlib: pip install 'cimc[plot]'") from None
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix not in ("png", "svg", "pdf"):
        raise CimcError(f"memory plot '{path}': the file must end in .png, .svg or .pdf")
    mib = 2 ** 20
    figure, axes = plt.subplots(figsize=(10, 5))
    b = image.buffers
    for row in b:
        kind = cim.BUFFER_KINDS[int(row["kind"])]
        axes.add_patch(Rectangle((int(row["first"]), int(row["addr"]) / mib), int(row["last"]) - int(row["first"]) + 1,
                                 int(row["size"]) / mib, facecolor=KIND_COLOURS[kind], edgecolor="black",
                                 linewidth=0.2, alpha=0.8))
    steps = max(len(image.instructions), 1)
    bound = memory_lower_bound(image)
    axes.axhline(bound / mib, color="tab:red", linewidth=1, linestyle="--")
    axes.set_xlim(0, steps)
    axes.set_ylim(0, max(image.memory_bytes, 1) / mib * 1.05)
    axes.set_xlabel("instruction")
    axes.set_ylabel("address (MiB)")
    axes.set_title(title or f"memory plan: peak {image.memory_bytes / mib:.2f} MiB, "
                            f"lower bound {bound / mib:.2f} MiB")
    handles = [Rectangle((0, 0), 1, 1, facecolor=colour) for colour in KIND_COLOURS.values()]
    axes.legend([*handles, axes.get_lines()[0]], [*KIND_COLOURS, "lower bound"], loc="upper right", fontsize=8)
    data = io.BytesIO()
    figure.savefig(data, format=suffix, dpi=120, bbox_inches="tight")
    plt.close(figure)
    write_atomically(path, data.getvalue())
