"""The committee's progress table, exactly as the committee wrote it."""

from __future__ import annotations

import csv
import io
import json

import pytest

from maebashi_dx import UnknownPluginError
from maebashi_dx.datasets import maebashi_2022
from maebashi_dx.report import display_width, progress_table, render
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
