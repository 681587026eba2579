"""The committee's progress table, exactly as the committee wrote it."""

from __future__ import annotations

import csv
import io
import json
import re

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from maebashi_dx import UnknownPluginError
from maebashi_dx.assess import assess
from maebashi_dx.cli import main
from maebashi_dx.conflicts import find_conflicts
from maebashi_dx.datasets import maebashi_2022
from maebashi_dx.dates import format_span, parse_date
from maebashi_dx.model import Measurement, Plan
from maebashi_dx.report import display_width, progress_table, render
from maebashi_dx.report.document import build_report, render_report
from maebashi_dx.report.fmt import Lang, format_number, format_percent, format_value, report_title
from maebashi_dx.report.table import forecast_text, format_target
from tests.examples import example_output

# The committee's table (KPI（重要業績指標）の達成状況), cell for cell.
COMMITTEE = {
    "kpi1": ("100% ／2025（令和7）年度", "約1.8% ／2020年7月", "約3.5% ／2022年5月"),
    "kpi2": (
        "90% ／2022（令和4）年度",
        "交付 27.91% (申請 37.93%) ／2021年3月末",
        "交付 45.42% (申請 51.73%) ／2022年4月末",
    ),
    "kpi3": ("フルデジタル化実現 ／2025（令和7）年度", "— (未着手)", "R4年度～ 事業化"),
    "kpi4": ("仕組みの構築 ／2025（令和7）年度", "— (未着手)", "— (WGで検討中)"),
    "kpi5": ("仕組みの構築 ／2025（令和7）年度", "— (未着手)", "— (WGで検討中)"),
    "kpi6": ("環境の構築 ／2025（令和7）年度", "— (未着手)", "事業化中"),
}


class TestProgressTable:
    @pytest.mark.parametrize("kpi_id", sorted(COMMITTEE))
    def test_cells_match_the_committee(self, kpi_id: str) -> None:
        table = progress_table(maebashi_2022())
        row = next(r for r in table.rows if r.kpi_id == kpi_id)
        assert (row.cells["target"], row.cells["baseline"], row.cells["current"]) == (
            COMMITTEE[kpi_id]
        )

    def test_names_and_projects(self) -> None:
        rows = progress_table(maebashi_2022()).rows
        assert rows[0].cells["kpi"] == "①全ての行政手続をオンライン化する"
        assert rows[1].cells["projects"] == (
            "2 マイナンバーカードの普及・活用 / 8 デジタルインフラの整備"
        )
        assert rows[5].cells["kpi"].startswith("⑥希望する市民が")

    def test_english_labels(self) -> None:
        table = progress_table(maebashi_2022(), lang="en")
        assert [c.label for c in table.columns][2] == "Target / deadline"
        assert table.rows[0].cells["baseline"] == "about 1.8% / Jul 2020"
        assert table.rows[1].cells["current"] == "issued 45.42% (applied 51.73%) / 30 Apr 2022"
        assert table.rows[3].cells["current"] == "— (under study)"

    def test_as_of_before_the_current_figures_leaves_them_out(self) -> None:
        from datetime import date

        table = progress_table(maebashi_2022(), as_of=date(2021, 12, 31))
        assert table.rows[0].cells["current"] == "—"
        assert table.rows[1].cells["current"] == "—"


class TestRenderers:
    def test_text_aligns_full_width_labels(self) -> None:
        """Every value starts in the same terminal column, whatever the label's width."""
        table = progress_table(maebashi_2022())
        lines = render(table, "text").splitlines()
        columns = set()
        for row in table.rows:
            for col in table.columns[1:]:
                cell = row.cells[col.key]
                line = next(
                    ln for ln in lines if ln.startswith(f"  {col.label}") and ln.endswith(cell)
                )
                columns.add(display_width(line[: len(line) - len(cell)]))
        assert len(columns) == 1

    def test_markdown_has_a_row_per_kpi(self) -> None:
        md = render(progress_table(maebashi_2022()), "markdown")
        assert md.count("\n| ") == 7  # header + 6 rows
        assert "| 約1.8% ／2020年7月 |" in md

    def test_csv_and_json_are_plain_and_complete(self) -> None:
        table = progress_table(maebashi_2022())
        rows = list(csv.reader(io.StringIO(render(table, "csv"))))
        assert rows[0][0] == "kpi_id"
        assert len(rows) == 7
        assert rows[2][4] == "交付 27.91% (申請 37.93%) ／2021年3月末"
        data = json.loads(render(table, "json"))
        assert data["rows"][1]["data"]["baseline"]["value"] == 27.91
        assert data["rows"][1]["data"]["project_ids"] == ["p2", "p8"]

    def test_unknown_format(self) -> None:
        with pytest.raises(UnknownPluginError, match="markdown"):
            render(progress_table(maebashi_2022()), "pdf")  # type: ignore[arg-type]


def test_example_prints_all_six_rows_as_the_committee_wrote_them() -> None:
    """Run the example as a user would."""
    out = example_output("progress_table.py")
    for cells in COMMITTEE.values():
        for cell in cells:
            assert cell in out
    for mark in "①②③④⑤⑥":
        assert mark in out


class TestLabelsComputed:
    """Issue 12.4: the year columns, the deadlines and the title are computed."""

    @pytest.mark.parametrize(
        ("as_of", "label"),
        [
            ("R4.5", "現状（2年目）"),
            ("R5.9", "現状（3年目）"),  # a plan starting 2021年4月: FY2023 is its third year
            ("2021年4月1日", "現状（1年目）"),
            ("2022年3月31日", "現状（1年目）"),  # fiscal years count, not calendar years
            ("2026年3月31日", "現状（5年目）"),
            ("2026年4月1日", "現状（計画期間終了後）"),
            ("2021年3月31日", "現状（計画期間前）"),
        ],
    )
    def test_the_current_column_names_the_plan_year(self, as_of: str, label: str) -> None:
        day = parse_date(as_of).end
        table = progress_table(maebashi_2022(), as_of=day)
        assert [c.label for c in table.columns][3:5] == ["策定時（1年目）", label]

    def test_status_as_of_r5_9_says_year_3(self, capsys: pytest.CaptureFixture[str]) -> None:
        """The issue's own example, from the command line."""
        assert main(["status", "--as-of", "R5.9"]) == 0
        out = capsys.readouterr().out
        assert "  現状（3年目）  " in out
        assert "2年目" not in out

    def test_the_year_follows_the_plans_own_start(self) -> None:
        plan = attrs.evolve(maebashi_2022(), period=parse_date("2020年4月～2026年3月"))
        table = progress_table(plan, as_of=parse_date("R5.9").end)
        assert table.columns[4].label == "現状（4年目）"
        assert progress_table(plan, as_of=parse_date("R5.9").end, lang="en").columns[4].label == (
            "Now (year 4)"
        )

    def test_without_a_date_the_column_is_plain(self) -> None:
        plan = attrs.evolve(maebashi_2022(), report_date=None)
        assert progress_table(plan).columns[4].label == "現状"

    def test_deadlines_are_written_by_format_span(self) -> None:
        """One style for every deadline: the table does not special-case fiscal years."""
        plan = maebashi_2022()
        for kpi in plan.kpis:
            cell = format_target(kpi)
            assert cell.endswith(format_span(kpi.target.deadline, era=True))
        kpi = attrs.evolve(
            plan.kpi("kpi1"),
            target=attrs.evolve(plan.kpi("kpi1").target, deadline=parse_date("令和6年度末")),
        )
        assert format_target(kpi) == f"100% ／{format_span(parse_date('令和6年度末'), era=True)}"

    def test_the_title_does_not_repeat_the_plan_name(self) -> None:
        plan = maebashi_2022()
        assert report_title(plan) == "前橋市DX推進計画 進捗報告"
        assert (
            report_title(attrs.evolve(plan, name="高崎市デジタル戦略"))
            == "高崎市デジタル戦略 進捗報告"
        )
        html = _report_html(plan)
        assert "<title>前橋市DX推進計画 進捗報告</title>" in html
        assert "<h1>前橋市DX推進計画 進捗報告</h1>" in html
        assert "DX推進計画 — DX推進計画" not in html


class TestNumbersForPeople:
    """Issue 12.5: counts, rates, dates and intervals as the committee writes them."""

    def test_counts_are_whole_with_separators(self) -> None:
        plan = _counts_plan()
        row = progress_table(plan).rows[0].cells
        assert row["baseline"] == "59,372件 ／2021年3月末"
        assert row["current"] == "約60,001件 ／2022年4月末"
        assert row["target"] == "100,000件 ／2025（令和7）年度"

    @pytest.mark.parametrize(
        ("value", "unit", "shown"),
        [
            (59372.2, "件", "59,372件"),
            (59372.5, "件", "59,373件"),  # 四捨五入 (half away from zero), not to even
            (0.5, "人", "1人"),
            (2.5, "団体", "3団体"),
            (12.0, "か所", "12か所"),
            (1234.5, "万人", "1,234.5万人"),  # a unit with a multiplier is not a count
            (9.999e20, "", "1×10²¹"),
            (-2.5e-7, "%", "-2.5×10⁻⁷%"),
            (27.91, "%", "27.91%"),
            (1234567.25, "円", "1,234,567.25円"),
            (-1500.0, "", "-1,500"),
            (2.5e18, "件", "2.5×10¹⁸件"),
            (1e-9, "%", "1×10⁻⁹%"),
        ],
    )
    def test_values_by_unit(self, value: float, unit: str, shown: str) -> None:
        assert format_value(value, unit) == shown

    @given(st.floats(allow_nan=False, allow_infinity=False))
    def test_any_figure_is_written_for_people(self, value: float) -> None:
        """No 'e' notation ever; in the plain range the text reads back to the value."""
        shown = format_number(value)
        assert re.fullmatch(r"-?\d{1,3}(,\d{3})*(\.\d+)?|-?\d(\.\d+)?×10[⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+", shown)
        if value == 0 or 1e-6 <= abs(value) < 1e15:
            assert float(shown.replace(",", "")) == value

    @given(st.floats(-1e14, 1e14, allow_nan=False))
    def test_a_count_is_shown_as_its_nearest_whole_number(self, value: float) -> None:
        shown = format_value(value, "件").removesuffix("件").replace(",", "")
        assert abs(int(shown) - value) <= 0.5 + 1e-6

    @pytest.mark.parametrize(
        ("share", "shown"),
        [(0.2817, "28.2%"), (1e300, "1×10³⁰²%"), (1.7e308, "1.7×10³¹⁰%"), (float("nan"), "—")],
    )
    def test_percentages_never_overflow(self, share: float, shown: str) -> None:
        assert format_percent(share) == shown

    def test_an_interval_is_never_shown_beyond_the_bounds(self) -> None:
        """A % KPI never shows 112%, whatever the forecaster's interval says."""
        plan = maebashi_2022()
        result = assess(plan, plan.report_date)
        row = result.row("kpi2")
        wide = attrs.evolve(
            row, forecast=attrs.evolve(row.forecast, value=104.0, interval=(-3.0, 112.0))
        )
        assert forecast_text(plan.kpi("kpi2"), wide, "ja") == "100.0%（80%予測区間 0.0～100.0）"

    def test_the_subtitle_and_header_dates_are_japanese(self) -> None:
        plan = maebashi_2022()
        assert progress_table(plan).subtitle == "前橋市DX推進計画　2022年5月31日現在"
        assert "<p class='meta'>2022年5月31日時点" in _report_html(plan)
        assert "2024年6月19日" in _report_html(plan)  # kpi2's projected attainment


def _report_html(plan: Plan, lang: Lang = "ja") -> str:
    result = assess(plan, plan.report_date)
    return render_report(build_report(plan, result, find_conflicts(plan), lang=lang))


def _counts_plan() -> Plan:
    """The bundled plan with kpi1 counted in 件 (e.g. online applications)."""
    plan = maebashi_2022()
    kpi = plan.kpi("kpi1")
    kpi = attrs.evolve(
        kpi,
        unit="件",
        bounds=None,
        baseline=attrs.evolve(
            kpi.baseline, value=59372.2, approximate=False, when=parse_date("2021年3月末")
        ),
        measurements=(
            Measurement(when=parse_date("2022年4月末"), value=60000.9, approximate=True),
        ),
        target=attrs.evolve(kpi.target, value=100000.0),
    )
    return attrs.evolve(plan, kpis=(kpi, *plan.kpis[1:]))


class TestStagedForecast:
    """A staged KPI's 期限時点の予測値 names stages, as the CLI's forecast does."""

    def test_the_cell_names_the_stage_and_its_interval(self) -> None:
        plan = maebashi_2022()
        row = assess(plan, parse_date("2022-05-31").end).row("kpi3")
        kpi = plan.kpi("kpi3")
        assert row.forecast.value is not None
        assert row.forecast.interval is not None
        expected = kpi.stage_at(row.forecast.value).label
        low, high = (kpi.stage_at(x).label for x in row.forecast.interval)
        assert forecast_text(kpi, row, "ja") == f"{expected}（80%予測区間 {low}～{high}）"
        assert forecast_text(kpi, row, "ja") == "達成（80%予測区間 事業化中～達成）"

    def test_english_uses_the_english_stage_names(self) -> None:
        plan = maebashi_2022()
        row = assess(plan, parse_date("2022-05-31").end).row("kpi3")
        cell = forecast_text(plan.kpi("kpi3"), row, "en")
        assert cell.startswith(plan.kpi("kpi3").stage("achieved").label_en or "")
        assert "being implemented" in cell
