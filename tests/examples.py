"""Run the example scripts as a user would: a fresh Python process, from the command line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_example(name: str, *args: str) -> subprocess.CompletedProcess[str]:
    """examples/<name> with its arguments; the caller checks the exit code and output."""
    return subprocess.run(
        [sys.executable, str(ROOT / "examples" / name), *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )


def example_output(name: str, *args: str) -> str:
    """The standard output of an example that must succeed."""
    result = run_example(name, *args)
    assert result.returncode == 0, result.stderr
    return result.stdout
