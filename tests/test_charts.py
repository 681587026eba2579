"""PNG and SVG charts, opened and looked at: their size, and that they are not blank."""

from __future__ import annotations

from pathlib import Path

import pytest

from maebashi_dx.cli import main

image = pytest.importorskip("matplotlib.image")


def _check_png(path: Path, min_width: int, min_height: int) -> None:
    pixels = image.imread(path)
    height, width = pixels.shape[:2]
    assert width >= min_width
    assert height >= min_height
    rgb = pixels[..., :3]
    # Not blank: a good share of the pixels differ from the background (white).
    inked = (rgb < 0.9).any(axis=-1).mean()
    assert inked > 0.02
    # Several colours are drawn (line, band, target, text), not a flat fill.
    assert len({tuple(px) for px in rgb.reshape(-1, 3)[::97].round(2).tolist()}) > 10


def test_kpi_chart_png(tmp_path: Path) -> None:
    out = tmp_path / "kpi2.png"
    assert main(["chart", "kpi2", "-o", str(out)]) == 0
    _check_png(out, 800, 400)


def test_gantt_png(tmp_path: Path) -> None:
    out = tmp_path / "schedule.png"
    assert main(["chart", "--gantt", "-o", str(out), "--lang", "en"]) == 0
    _check_png(out, 1000, 600)


def test_svg_needs_no_extra(tmp_path: Path) -> None:
    out = tmp_path / "kpi1.svg"
    assert main(["chart", "kpi1", "-o", str(out)]) == 0
    svg = out.read_text(encoding="utf-8")
    assert svg.startswith("<svg")
    assert 'class="measured"' in svg
    assert 'class="target"' in svg


def test_chart_without_a_kpi_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["chart", "-o", "x.png"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1  # one line, naming a KPI and the --gantt alternative
    assert "kpi2" in err
    assert "--gantt" in err


def test_png_to_stdout_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["chart", "kpi2"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "-o" in err.split(":", 2)[-1]  # the message itself says to give -o


@pytest.mark.parametrize("case", ["huge", "subnormal", "negative", "counts"])
def test_kpi_chart_png_copes_with_extreme_values(case: str) -> None:
    from maebashi_dx.assess import assess
    from maebashi_dx.report.charts import kpi_chart_png
    from tests.test_report_robust import EXTREMES

    plan = EXTREMES[case]
    result = assess(plan, plan.report_date)
    png = kpi_chart_png(plan.kpi("kpi1"), result.row("kpi1"))
    assert png.startswith(b"\x89PNG")


def test_gantt_png_writes_long_titles_in_full_over_two_lines(tmp_path: Path) -> None:
    """The old chart cut every title at 28 characters; now a title wraps, and only a
    title longer than two lines is shortened."""
    from maebashi_dx.report.charts import _wrap

    title = "[wg02] マイナンバーカード申請期限（マイナポイント対象）"
    assert _wrap(title).replace("\n", "") == title
    assert _wrap("長" * 100).count("\n") == 1
    assert _wrap("長" * 100).endswith("…")


def test_gantt_png_of_a_plan_without_milestones() -> None:
    import attrs

    from maebashi_dx.datasets import maebashi_2022
    from maebashi_dx.report.charts import gantt_png

    plan = attrs.evolve(maebashi_2022(), milestones=())
    assert gantt_png(plan, ()).startswith(b"\x89PNG")
