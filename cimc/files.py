"""Writing output files whole or not at all."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from cimc.errors import CimcError


def write_atomically(path: str | Path, data: bytes) -> None:
    """Write a file whole or not at all: a failure never leaves a half-written output."""
    path = Path(path)
    if path.is_dir():
        raise CimcError(f"cannot write '{path}': it is a directory")
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    except OSError as e:
        raise CimcError(f"cannot write '{path}': {e.strerror}") from None
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except OSError as e:
        os.unlink(tmp)
        raise CimcError(f"cannot write '{path}': {e.strerror}") from None
    except BaseException:
        os.unlink(tmp)
        raise
