"""benchmarks/bench_assess.py: its anchors compute what assess(method="recent") computes.

A ratio to an anchor means something only if the anchor does the same sums; the
benchmark checks it on every KPI, and so does this test, on a few municipalities.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

BENCH = Path(__file__).resolve().parent.parent / "benchmarks" / "bench_assess.py"


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_assess", BENCH)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_assess"] = module
    spec.loader.exec_module(module)
    return module


def test_the_anchors_agree_with_assess(
    bench: ModuleType, capsys: pytest.CaptureFixture[str]
) -> None:
    assert bench.main(["--cities", "3", "--repeat", "1"]) == 0
    out = capsys.readouterr().out
    assert "python loop and assess(method='recent'): agree on every KPI" in out
    assert "polars and assess(method='recent'): agree on every KPI" in out
    assert "x python loop" in out


def test_a_wrong_anchor_is_caught(bench: ModuleType) -> None:
    rows = {"k": (0.5, 40.0, "on_track")}
    assert bench.disagreements(rows, rows) == 0
    assert bench.disagreements(rows, {"k": (0.5, 40.0 + 1e-6, "on_track")}) == 1
    assert bench.disagreements(rows, {"k": (0.5, 40.0, "at_risk")}) == 1
    assert bench.disagreements(rows, {}) == 1
