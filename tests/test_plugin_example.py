"""The example plugin package, installed as a user would, used by name, then removed.

It is installed with pip into a folder of its own that the subprocesses put on their path
(``pip install --target``): the test environment itself is never changed, and taking the
folder off the path is the uninstall.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "plugin_example"

USE_ALL_THREE = """
import attrs
from datetime import date
from maebashi_dx import assess, find_conflicts, forecast, parse_date, Milestone
from maebashi_dx.datasets import maebashi_2022

plan = maebashi_2022()
f = forecast(plan.kpi("kpi2"), date(2022, 5, 31), method="holt")
assert f.method == "holt" and f.value is not None, f
week = parse_date("2022-06-06～2022-06-10")
session = Milestone(id="assembly-r4-2", title="令和4年第2回定例会", when=week)
kickoff = Milestone(id="kickoff", title="WGキックオフ", when=parse_date("2022-06-08"))
plan2 = attrs.evolve(plan, milestones=(*plan.milestones, session, kickoff))
found = find_conflicts(plan2, rules=["assembly_session"])
# Only the one-day kick-off: 6/上旬 (ten days) and FY-long work are periods, not events.
assert [(c.subject_ids, c.severity.value) for c in found] == [
    (("kickoff", "assembly-r4-2"), "warning"),
], found
result = assess(plan, date(2022, 5, 31), scale="signal")
assert result.row("kpi2").grade.code == "赤", result.row("kpi2").grade
print("ok", f.value, found[0].kind, result.row("kpi2").grade.code)
"""


@pytest.fixture(scope="module")
def plugin_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("site")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--target",
            str(target),
            str(EXAMPLE),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return target


def _run(args: list[str], path: Path | None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    if path is not None:
        env["PYTHONPATH"] = str(path)
    return subprocess.run(
        [sys.executable, *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        check=False,
    )


def test_plugins_lists_the_three_names_and_their_distribution(plugin_path: Path) -> None:
    out = _run(["-m", "maebashi_dx.cli", "plugins"], plugin_path)
    assert out.returncode == 0, out.stderr
    for name in ("holt", "assembly_session", "signal"):
        line = next(ln for ln in out.stdout.splitlines() if ln.strip().startswith(name + " "))
        assert "maebashi-dx-plugin-example" in line


def test_all_three_work_by_name(plugin_path: Path) -> None:
    out = _run(["-c", USE_ALL_THREE], plugin_path)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("ok ")


def test_the_command_uses_them_by_name(plugin_path: Path) -> None:
    out = _run(["-m", "maebashi_dx.cli", "forecast", "kpi2", "--method", "holt"], plugin_path)
    assert out.returncode == 0, out.stderr
    assert "normal approximation" in out.stdout
    out = _run(
        ["-m", "maebashi_dx.cli", "status", "--scale", "signal", "--format", "json"], plugin_path
    )
    assert '"grade": "赤"' in out.stdout


def test_without_the_package_the_names_are_gone(plugin_path: Path) -> None:
    out = _run(["-m", "maebashi_dx.cli", "plugins"], None)
    assert "holt" not in out.stdout
    failed = _run(["-m", "maebashi_dx.cli", "forecast", "kpi2", "--method", "holt"], None)
    assert failed.returncode == 2
    assert "unknown forecaster 'holt'" in failed.stderr
