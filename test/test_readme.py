"""The README's examples work as pasted."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parent.parent
README = (ROOT / "README.md").read_text()


def blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README, re.S)


def test_python_example(tmp_path, monkeypatch, capsys):
    (code,) = blocks("python")
    monkeypatch.chdir(tmp_path)
    exec(compile(code, "README.md", "exec"), {})
    assert "(1, 10)" in capsys.readouterr().out
    assert (tmp_path / "lenet5.cimb").exists()


def test_shell_examples(tmp_path):
    commands = [line.split("  #")[0].strip() for block in blocks("sh") for line in block.splitlines()]
    commands = [c for c in commands if c and not c.startswith(("pip install", "pytest"))]
    assert len(commands) == 10
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
    for command in commands:
        result = subprocess.run(command, shell=True, cwd=tmp_path, capture_output=True, text=True, env=env, timeout=300)
        assert result.returncode == 0, f"{command}\n{result.stderr}"
    assert (tmp_path / "out" / "fc3.npy").exists()
    assert "cim.mvm" in (tmp_path / "conv_relu.cim.mlir").read_text()
    assert (tmp_path / "decoded.npz").exists()
    assert (tmp_path / "plan.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
