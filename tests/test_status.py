"""Status classification, worst-status ordering, and the Open SDG ratio and score."""

from __future__ import annotations

from datetime import date

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from maebashi_dx import Status, StatusPolicy, assess
from maebashi_dx.datasets import maebashi_2022
from maebashi_dx.status import Metrics, classify, open_sdg_ratio, open_sdg_score, worst_status

statuses = st.lists(st.sampled_from(list(Status)), min_size=1, max_size=10)


class TestLabels:
    def test_japanese_and_english(self) -> None:
        assert [s.ja for s in Status] == [
            "達成",
            "順調",
            "要注意",
            "遅れ",
            "未達成（期限超過）",
            "未着手",
            "データなし",
        ]
        assert Status.OFF_TRACK.label("en") == "off track"


class TestWorstStatus:
    @given(statuses)
    def test_worst_is_at_least_as_bad_as_every_informative_status(self, items) -> None:  # type: ignore[no-untyped-def]
        worst = worst_status(items)
        assert worst in items
        informative = [s for s in items if s is not Status.NO_DATA]
        for s in informative:
            assert worst.severity >= s.severity

    @given(statuses, statuses)
    def test_order_of_inputs_does_not_matter(self, a, b) -> None:  # type: ignore[no-untyped-def]
        assert worst_status(a + b) == worst_status(b + a)

    def test_no_data_only_when_nothing_else_is_known(self) -> None:
        assert worst_status([Status.NO_DATA, Status.ON_TRACK]) is Status.ON_TRACK
        assert worst_status([Status.NO_DATA]) is Status.NO_DATA
        assert worst_status([]) is None

    def test_severity_order(self) -> None:
        order = [Status.MISSED, Status.OFF_TRACK, Status.AT_RISK, Status.NOT_STARTED]
        order += [Status.NO_DATA, Status.ON_TRACK, Status.ACHIEVED]
        assert sorted(Status, key=lambda s: -s.severity) == order


class TestCommitteeStatus:
    def test_kpi1_and_kpi2_are_off_track_on_the_report_date(self) -> None:
        result = assess(maebashi_2022(), date(2022, 5, 31))
        assert result.row("kpi1").status is Status.OFF_TRACK
        assert result.row("kpi2").status is Status.OFF_TRACK

    def test_kpi2_is_missed_after_its_deadline_without_new_data(self) -> None:
        result = assess(maebashi_2022(), date(2023, 4, 1))
        assert result.row("kpi2").status is Status.MISSED

    def test_kpi2_is_not_missed_on_its_deadline(self) -> None:
        result = assess(maebashi_2022(), date(2023, 3, 31))
        assert result.row("kpi2").status is Status.OFF_TRACK

    def test_staged_kpi_on_its_first_rung_is_not_started(self) -> None:
        result = assess(maebashi_2022(), date(2022, 1, 1))
        assert result.row("kpi4").status is Status.NOT_STARTED

    def test_before_any_data(self) -> None:
        result = assess(maebashi_2022(), date(2020, 1, 1))
        assert {r.status for r in result.rows} == {Status.NO_DATA}


QUANT = maebashi_2022().kpi("kpi2")
STAGED = maebashi_2022().kpi("kpi4")
BASE = Metrics(has_data=True, started=True)


class TestPolicyThresholds:
    @pytest.mark.parametrize(
        ("projected", "status"),
        [
            (1.0, Status.ON_TRACK),
            (0.9999, Status.AT_RISK),
            (0.8, Status.AT_RISK),
            (0.7999, Status.OFF_TRACK),
        ],
    )
    def test_quantitative_thresholds_from_both_sides(
        self, projected: float, status: Status
    ) -> None:
        metrics = attrs.evolve(BASE, forecast_achievement=projected)
        assert classify(QUANT, metrics) is status

    @pytest.mark.parametrize(
        ("ratio", "status"),
        [
            (1.0, Status.ON_TRACK),
            (0.999, Status.AT_RISK),
            (0.5, Status.AT_RISK),
            (0.499, Status.OFF_TRACK),
        ],
    )
    def test_staged_thresholds_from_both_sides(self, ratio: float, status: Status) -> None:
        metrics = attrs.evolve(BASE, pace_ratio=ratio, elapsed=0.5)
        assert classify(STAGED, metrics) is status

    def test_thresholds_are_data(self) -> None:
        strict = StatusPolicy(on_track=1.2, at_risk=1.1)
        metrics = attrs.evolve(BASE, forecast_achievement=1.15)
        assert classify(QUANT, metrics) is Status.ON_TRACK
        assert classify(QUANT, metrics, strict) is Status.AT_RISK

    def test_achieved_beats_past_deadline(self) -> None:
        metrics = attrs.evolve(BASE, achieved=True, past_deadline=True)
        assert classify(QUANT, metrics) is Status.ACHIEVED


class TestOpenSDG:
    @pytest.mark.parametrize(
        ("ratio", "score"),
        [(-1.0, -5.0), (-0.6, -5.0), (0.0, -2.5), (0.6, 0.0), (0.95, 2.5), (1.3, 5.0), (3.0, 5.0)],
    )
    def test_score_is_piecewise_linear(self, ratio: float, score: float) -> None:
        assert open_sdg_score(ratio) == pytest.approx(score)

    def test_achieved_scores_five(self) -> None:
        assert open_sdg_score(-3.0, achieved=True) == 5.0

    @given(st.floats(-10, 10), st.floats(-10, 10))
    def test_score_is_monotone_and_bounded(self, a: float, b: float) -> None:
        lo, hi = sorted((a, b))
        s_lo, s_hi = open_sdg_score(lo), open_sdg_score(hi)
        assert s_lo is not None
        assert s_hi is not None
        assert -5 <= s_lo <= s_hi <= 5

    def test_ratio_on_kpi2(self) -> None:
        d0, d1, due = date(2021, 3, 31), date(2022, 4, 30), date(2023, 3, 31)
        r = open_sdg_ratio(27.91, d0, 45.42, d1, 90.0, due, 1)
        observed = (45.42 / 27.91) ** (365.25 / (d1 - d0).days) - 1
        required = (90 / 27.91) ** (365.25 / (due - d0).days) - 1
        assert r == pytest.approx(observed / required)
