"""The operator command prints its own output only: no library's deprecation notice."""

from __future__ import annotations

import subprocess
import sys

from services.kit.testing import REPO


def test_the_command_line_prints_no_eventlet_warning() -> None:
    # A fresh interpreter: the warning comes once per process, at the first import of nameko.
    result = subprocess.run(
        [sys.executable, "-c", "from gateway.cli import main; main(['--help'])"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "Usage: " in result.stdout
    assert "Eventlet" not in result.stderr and "Warning" not in result.stderr, result.stderr
