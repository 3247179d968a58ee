"""Runs the lit + filecheck regression suite in test/filecheck, so that `pytest` alone runs everything.

The suite itself (RUN lines, CHECK lines, lit.cfg) lives in test/filecheck; this file only
drives `lit -v` over it and fails, with lit's whole output, if any test fails. A missing
`lit`, `filecheck` or `cimc-opt` is a failure, not a skip: `pip install -e ".[test]"` installs them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SUITE = Path(__file__).resolve().parent / "filecheck"


def find_tool(name: str) -> str:
    """The console script `name` of the running interpreter's environment, else the one on PATH."""
    beside = Path(sys.executable).parent / name
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    found = shutil.which(name)
    if found is None:
        pytest.fail(f"'{name}' is neither next to {sys.executable} nor on PATH: run `pip install -e \".[test]\"`")
    return found


def test_filecheck_suite() -> None:
    for tool in ("filecheck", "cimc-opt"):
        find_tool(tool)  # lit.cfg also refuses to run without them, but say so plainly here
    result = subprocess.run([find_tool("lit"), "-v", str(SUITE)], capture_output=True, text=True)
    output = f"$ lit -v {SUITE}\n--- stdout ---\n{result.stdout}\n--- stderr ---\n{result.stderr}"
    if result.returncode != 0:
        print(output)
    assert result.returncode == 0, f"lit exited with {result.returncode}\n{output}"
    assert "Passed:" in result.stdout, f"lit ran no tests\n{output}"
