"""maebashi-dx --calibrate: intervals and chances calibrated on the plan's own record."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from maebashi_dx import Plan, dump_plan
from maebashi_dx.cli import main
from tests.test_assess_calibration import plan  # noqa: F401  (the fixture)


@pytest.fixture
def plan_file(plan: Plan, tmp_path: Path) -> Path:  # noqa: F811
    path = tmp_path / "gunma.json"
    dump_plan(plan, path)
    return path


def test_forecast_says_the_chance(plan_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["forecast", "k0", str(plan_file), "--as-of", "2021-10-01"]
    assert main([*args, "--calibrate"]) == 0
    out = capsys.readouterr().out
    assert "期限までに目標を達成する見込み: " in out
    assert main(args) == 0
    assert "見込み: " not in capsys.readouterr().out.replace("到達見込み日: ", "")
    assert main([*args, "--calibrate", "--lang", "en", "--format", "json"]) == 0
    (found,) = json.loads(capsys.readouterr().out)
    assert 0 <= found["probability"] <= 1


def test_status_shows_the_chance(plan_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["status", str(plan_file), "--as-of", "2021-10-01", "--format", "json"]
    assert main([*args, "--calibrate"]) == 0
    rows = json.loads(capsys.readouterr().out)["rows"]
    assert all(row["data"]["forecast"]["probability"] is not None for row in rows)
    assert main(args) == 0
    rows = json.loads(capsys.readouterr().out)["rows"]
    assert all(row["data"]["forecast"]["probability"] is None for row in rows)


def test_short_series_keep_their_interval(capsys: pytest.CaptureFixture[str]) -> None:
    """The committee's two or three points: no record, and the basis says so."""
    assert main(["forecast", "kpi2", "--calibrate"]) == 0
    out = capsys.readouterr().out
    assert "較正なし" in out
    assert "達成する見込み" not in out
