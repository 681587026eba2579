"""The bad-input catalogue (tests/test_bad_input.py) through the command, as a user meets
it: every file is exit 2 with one marked line per problem naming the file, never a
traceback, never a bug, and nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest

from maebashi_dx.cli import main
from tests.test_bad_input import CASES, Case


def _argv(case: Case, path: Path, out: Path) -> list[str]:
    if path.suffix in (".csv", ".xlsx"):
        return ["status", "--measurements", str(path), "--format", "csv", "-o", str(out)]
    return ["status", str(path), "--format", "csv", "-o", str(out)]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input_is_exit_2_naming_the_file(
    case: Case, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / case.name
    path.write_bytes(case.content)
    out = tmp_path / "table.csv"
    assert main(_argv(case, path, out)) == 2
    err = capsys.readouterr().err
    lines = err.splitlines()
    assert lines
    assert all(line.startswith(f"maebashi-dx: error: {path}: ") for line in lines), err
    assert any(case.where in line for line in lines), err
    assert "Traceback" not in err
    assert not out.exists()
