"""The chance of meeting the target (Forecast.probability): how people read it in the
table and the report, and how a StatusPolicy may use it."""

from __future__ import annotations

from datetime import date

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from maebashi_dx import Status, StatusPolicy, assess
from maebashi_dx.assess import Assessment
from maebashi_dx.datasets import maebashi_2022
from maebashi_dx.forecast import Forecast
from maebashi_dx.report.document import build_report, render_report
from maebashi_dx.report.fmt import format_chance
from maebashi_dx.report.table import Row, Table, progress_table
from maebashi_dx.status import PolicyError, classify, measure

PLAN = maebashi_2022()
KPI = PLAN.kpi("kpi2")
DAY = date(2022, 5, 31)


def _forecast(value: float, probability: float | None) -> Forecast:
    return Forecast(
        kpi_id="kpi2",
        method="blend",
        as_of=DAY,
        deadline=date(2023, 3, 31),
        target=90.0,
        value=value,
        interval=(value - 5, value + 5),
        probability=probability,
    )


def _with_chance(assessment: Assessment, chance: float) -> Assessment:
    rows = tuple(
        attrs.evolve(r, forecast=attrs.evolve(r.forecast, probability=chance))
        if r.kpi_id == "kpi2"
        else r
        for r in assessment.rows
    )
    return attrs.evolve(assessment, rows=rows)


def _row(table: Table) -> Row:
    return next(r for r in table.rows if r.kpi_id == "kpi2")


class TestFormat:
    def test_for_people(self) -> None:
        assert [format_chance(p) for p in (0.724, 0.005, 0.01, 0.5, 0.99, 0.995)] == [
            "72%",
            "1%未満",
            "1%",
            "50%",
            "99%",
            "99%超",
        ]
        assert format_chance(0.001, "en") == "under 1%"

    @given(st.floats(0, 1))
    def test_never_says_certain(self, p: float) -> None:
        shown = format_chance(p, "en")
        assert shown not in ("0%", "100%")


class TestShown:
    def test_table_and_report_show_the_chance_when_calibrated(self) -> None:
        assessment = _with_chance(assess(PLAN, DAY), 0.724)
        ja = _row(progress_table(PLAN, as_of=DAY, lang="ja", assessment=assessment))
        assert ja.cells["forecast"].endswith("、達成見込み 72%")
        en = _row(progress_table(PLAN, as_of=DAY, lang="en", assessment=assessment))
        assert en.cells["forecast"].endswith("; chance of meeting the target 72%")
        assert ja.data["forecast"]["probability"] == 0.724
        html = render_report(build_report(PLAN, assessment, (), "ja"), "html")
        assert "達成見込み 72%" in html

    def test_nothing_claimed_without_calibration(self) -> None:
        table = progress_table(PLAN, as_of=DAY, lang="ja", assessment=assess(PLAN, DAY))
        assert all("達成見込み" not in r.cells.get("forecast", "") for r in table.rows)
        assert _row(table).data["forecast"]["probability"] is None


class TestPolicy:
    def test_the_chance_decides_when_asked(self) -> None:
        policy = StatusPolicy(on_track_probability=0.7)
        # The projected value (75) is short of the target (90), yet the chance is 72%.
        m = measure(KPI, DAY, _forecast(75.0, 0.72))
        assert classify(KPI, m) is Status.OFF_TRACK  # the default reads the projection
        assert classify(KPI, m, policy) is Status.ON_TRACK
        assert classify(KPI, measure(KPI, DAY, _forecast(95.0, 0.5)), policy) is Status.AT_RISK
        assert classify(KPI, measure(KPI, DAY, _forecast(95.0, 0.1)), policy) is Status.OFF_TRACK

    def test_boundaries_are_inclusive(self) -> None:
        policy = StatusPolicy(on_track_probability=0.7, at_risk_probability=0.4)
        for chance, status in (
            (0.7, Status.ON_TRACK),
            (0.4, Status.AT_RISK),
            (0.39, Status.OFF_TRACK),
        ):
            assert classify(KPI, measure(KPI, DAY, _forecast(75.0, chance)), policy) is status

    def test_an_uncalibrated_forecast_keeps_the_projection_rule(self) -> None:
        policy = StatusPolicy(on_track_probability=0.7)
        m = measure(KPI, DAY, _forecast(95.0, None))
        assert m.probability is None
        assert classify(KPI, m, policy) is Status.ON_TRACK

    @given(st.floats(0, 1), st.floats(0, 1), st.floats(0, 1))
    def test_a_higher_chance_is_never_worse(self, a: float, b: float, on: float) -> None:
        policy = StatusPolicy(on_track_probability=on, at_risk_probability=on / 2)
        low, high = sorted((a, b))
        s_low = classify(KPI, measure(KPI, DAY, _forecast(75.0, low)), policy)
        s_high = classify(KPI, measure(KPI, DAY, _forecast(75.0, high)), policy)
        assert s_high.severity <= s_low.severity

    @pytest.mark.parametrize(
        ("fields", "message"),
        [
            ({"on_track_probability": 1.5}, "on_track_probability must be a chance"),
            ({"on_track_probability": "0.7"}, "got '0.7'"),
            ({"on_track_probability": True}, "got True"),
            ({"at_risk_probability": -0.1}, "at_risk_probability must be a chance"),
            ({"on_track_probability": 0.3, "at_risk_probability": 0.5}, "is above"),
        ],
    )
    def test_bad_thresholds(self, fields: dict[str, object], message: str) -> None:
        with pytest.raises(PolicyError, match=message):
            StatusPolicy(**fields)  # type: ignore[arg-type]
