"""assess(): rows, explanations and the committee's table with computed status."""

from __future__ import annotations

import re
from datetime import date

import pytest

from maebashi_dx import Status, assess
from maebashi_dx.datasets import maebashi_2022
from maebashi_dx.i18n import LANGS, catalogue
from maebashi_dx.model import Frequency
from maebashi_dx.report import progress_table, render
from tests.examples import example_output

AS_OF = date(2022, 5, 31)


@pytest.fixture(scope="module")
def result():  # type: ignore[no-untyped-def]
    return assess(maebashi_2022(), AS_OF)


class TestRows:
    def test_one_row_per_kpi_in_plan_order(self, result) -> None:  # type: ignore[no-untyped-def]
        assert [r.kpi_id for r in result.rows] == [f"kpi{i}" for i in range(1, 7)]

    def test_kpi2(self, result) -> None:  # type: ignore[no-untyped-def]
        row = result.row("kpi2")
        assert row.latest.value == 45.42
        assert round(row.achievement, 3) == 0.282
        assert row.elapsed == pytest.approx(426 / 730)
        assert row.status is Status.OFF_TRACK
        assert row.stale is False  # monthly data, 31 days old
        assert row.days_since_update == 31

    def test_stale_when_older_than_its_frequency_allows(self) -> None:
        later = assess(maebashi_2022(), date(2022, 8, 1))
        assert later.row("kpi2").stale is True  # monthly, 93 days old
        assert later.row("kpi1").stale is False  # yearly

    def test_missing_kpi(self, result) -> None:  # type: ignore[no-untyped-def]
        with pytest.raises(KeyError, match="kpi9"):
            result.row("kpi9")

    def test_method_changes_the_forecast(self) -> None:
        linear = assess(maebashi_2022(), AS_OF, method="linear").row("kpi2").forecast
        cagr = assess(maebashi_2022(), AS_OF, method="cagr").row("kpi2").forecast
        assert linear.method == "linear"
        assert cagr.method == "cagr"
        assert cagr.value > linear.value


class TestExplain:
    def test_shows_the_sums_for_kpi2(self, result) -> None:  # type: ignore[no-untyped-def]
        text = result.explain("kpi2")
        assert "(45.42 − 27.91) / (90 − 27.91) = 17.51 / 62.09 = 0.282 → 28.2%" in text
        assert "426 / 730" in text
        assert "遅れ" in text
        assert "2022（令和4）年度" in text

    def test_shows_the_sums_for_kpi1_in_english(self, result) -> None:  # type: ignore[no-untyped-def]
        text = result.explain("kpi1", lang="en")
        assert "(3.5 − 1.8) / (100 − 1.8) = 1.7 / 98.2 = 0.0173 → 1.7%" in text
        assert "off track" in text
        assert "about 1.8%" in text

    def test_staged_kpi_explains_pace_against_time(self, result) -> None:  # type: ignore[no-untyped-def]
        text = result.explain("kpi4")
        assert "(1 − 0) / (4 − 0) = 1 / 4 = 0.25 → 25.0%" in text
        assert "達成率 ÷ 経過率 = 25.0% ÷ 22.0% = 1.134（順調 1 以上、要注意 0.5 以上）" in text
        english = result.explain("kpi4", lang="en")
        assert "achievement ÷ elapsed = 25.0% ÷ 22.0% = 1.134; thresholds 1 / 0.5" in english

    def test_the_default_language_is_japanese(self, result) -> None:  # type: ignore[no-untyped-def]
        assert result.explain("kpi2") == result.explain("kpi2", lang="ja")
        assert result.explain("kpi2").startswith(
            "市民の90%がマイナンバーカードを保有する（kpi2）　2022年5月31日時点\n"
        )

    def test_japanese_has_no_english_words(self) -> None:
        """Every explanation of the bundled plan, graded, on several days: Japanese
        throughout, the KPI ids, units, acronyms, R and the grade letters aside."""
        allowed = re.compile(r"\bkpi\d+\b|(?<![A-Za-z])(?:R|KPI|DX)(?![A-Za-z])")
        for as_of in (date(2021, 4, 1), AS_OF, date(2026, 4, 1)):
            a = assess(maebashi_2022(), as_of, scale="nagayo")
            for row in a.rows:
                text = allowed.sub("", a.explain(row.kpi_id))
                assert re.findall(r"[A-Za-z]{2,}", text) == [], a.explain(row.kpi_id)

    def test_every_update_frequency_has_its_label(self) -> None:
        for frequency in Frequency:
            for lang in LANGS:
                assert f"assess.frequency.{frequency.value}" in catalogue(lang)

    def test_english_names_the_staged_target_in_english(self, result) -> None:  # type: ignore[no-untyped-def]
        english = result.explain("kpi4", lang="en")
        assert "target: mechanism built (#4), by 2026-03-31 (FY2025)" in english
        assert "仕組みの構築" in result.explain("kpi4")

    def test_the_forecast_lines_in_japanese(self, result) -> None:  # type: ignore[no-untyped-def]
        text = result.explain("kpi2")
        assert "期限時点の予測値（複合予測）：" in text
        assert "→ 2023年3月31日時点で64.46%（80%予測区間 45.42 ～ 100：実績が3点未満" in text
        assert "目標到達見込み日：2024年6月19日" in text
        assert "期限時点の予測達成率（複合予測）58.9%（順調 100% 以上、要注意 80% 以上）" in text
        english = result.explain("kpi2", lang="en")
        assert "Forecast at the deadline [blend]:" in english
        assert "  → 64.46% @ 2023-03-31; 80%: 45.42 – 100 (short history" in english
        assert "projected achievement [blend] 58.9%; on track ≥ 100%, at risk ≥ 80%" in english


class TestCommitteeTable:
    def test_computed_columns(self, result) -> None:  # type: ignore[no-untyped-def]
        table = progress_table(maebashi_2022(), assessment=result)
        labels = [c.label for c in table.columns]
        assert labels[-4:] == ["達成率", "経過率", "期限時点の予測値", "状況"]
        row = table.rows[1].cells
        assert row["achievement"] == "28.2%"
        assert row["elapsed"] == "58.4%"
        assert row["status"] == "遅れ"
        assert row["forecast"].startswith("64.5%")  # the default blend of recent and cagr
        assert table.rows[0].cells["achievement"] == "1.7%"
        # A staged KPI's forecast names stages, not ladder numbers.
        assert table.rows[2].cells["forecast"] == "達成（80%予測区間 事業化中～達成）"

    def test_example_prints_status_as_of_the_report_date(self) -> None:
        out = example_output("progress_table.py")
        assert "2022年5月31日現在" in out
        assert out.count("遅れ") == 2
        assert "28.2%" in out

    def test_json_carries_the_numbers(self, result) -> None:  # type: ignore[no-untyped-def]
        import json

        data = json.loads(render(progress_table(maebashi_2022(), assessment=result), "json"))
        row = data["rows"][1]["data"]
        assert row["status"] == "off_track"
        assert row["forecast"]["method"] == "blend"
        assert row["achievement"] == pytest.approx(0.282, abs=5e-4)


def test_what_if_example_runs() -> None:
    out = example_output("what_if.py")
    assert "2023-04-01" in out
    assert "未達成（期限超過）" in out
    assert "cagr" in out
