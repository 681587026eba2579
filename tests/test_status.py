"""Status classification, worst-status ordering, and the Open SDG ratio and score."""

from __future__ import annotations

from datetime import date

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from maebashi_dx import Direction, Status, StatusPolicy, assess
from maebashi_dx.datasets import maebashi_2022
from maebashi_dx.forecast import Forecast
from maebashi_dx.i18n import catalogue
from maebashi_dx.status import (
    Metrics,
    classify,
    measure,
    open_sdg_ratio,
    open_sdg_score,
    worst_status,
)
from tests.strategies import make_kpi

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


KPI2_DAYS = (date(2021, 3, 31), date(2022, 4, 30), date(2023, 3, 31))  # baseline, latest, due


class TestMetrics:
    """Every metric pinned on the committee's KPI, worked out by hand."""

    def test_kpi2_on_the_report_date(self) -> None:
        forecast = Forecast(
            kpi_id="kpi2",
            method="given",
            as_of=date(2022, 5, 31),
            deadline=date(2023, 3, 31),
            target=90.0,
            value=75.0,
        )
        m = measure(QUANT, date(2022, 5, 31), forecast)
        achievement = (45.42 - 27.91) / (90 - 27.91)
        elapsed = 426 / 730  # 2021-03-31 → 2022-05-31, of 2021-03-31 → 2023-03-31
        cagr = open_sdg_ratio(27.91, KPI2_DAYS[0], 45.42, KPI2_DAYS[1], 90.0, KPI2_DAYS[2], 1)
        assert attrs.asdict(m) == pytest.approx(
            {
                "achievement": achievement,
                "achievement_simple": 45.42 / 90,
                "elapsed": elapsed,
                "expected_share": 1.0,  # FY2020 to FY2022, and May 2022 is in FY2022
                "pace_ratio": achievement / elapsed,
                "fiscal_pace_ratio": achievement,
                "forecast_achievement": (75 - 27.91) / (90 - 27.91),
                "relative_change": (45.42 - 27.91) / 27.91,
                "change": 45.42 - 27.91,
                "cagr_ratio": cagr,
                "probability": None,
                "achieved": False,
                "started": True,
                "has_data": True,
                "past_deadline": False,
            }
        )
        assert cagr == pytest.approx(0.7141281301674038)

    def test_a_falling_kpi(self) -> None:
        kpi = make_kpi(
            [(date(2021, 4, 1), -20.0), (date(2022, 4, 1), -26.0)],
            target=-40.0,
            deadline=date(2024, 3, 31),
            direction=Direction.DECREASE,
        )
        m = measure(kpi, date(2022, 5, 31))
        assert m.change == 6.0  # fell by 6, the good way
        assert m.relative_change == pytest.approx(6 / 20)  # of the baseline's size
        assert m.achievement == pytest.approx(0.3)
        assert m.achievement_simple == pytest.approx(40 / 26)  # the method's own direction
        assert m.cagr_ratio is None  # Open SDG cannot assess negative values
        assert not m.achieved

    @pytest.mark.parametrize(
        ("latest", "achieved"),
        [(89.5, False), (90.0, True), (90.5, True)],
    )
    def test_achieved_from_the_target_on(self, latest: float, achieved: bool) -> None:
        kpi = make_kpi(
            [(date(2021, 4, 1), 20.0), (date(2022, 4, 1), latest)],
            target=90.0,
            deadline=date(2024, 3, 31),
        )
        m = measure(kpi, date(2022, 5, 31))
        assert m.achieved is achieved
        assert classify(kpi, m) is (Status.ACHIEVED if achieved else Status.NO_DATA)

    def test_a_falling_kpi_exactly_at_its_target_is_achieved(self) -> None:
        kpi = make_kpi(
            [(date(2021, 4, 1), 50.0), (date(2022, 4, 1), 30.0)],
            target=30.0,
            deadline=date(2024, 3, 31),
            direction=Direction.DECREASE,
        )
        assert measure(kpi, date(2022, 5, 31)).achieved

    def test_a_zero_baseline_has_no_relative_change(self) -> None:
        kpi = make_kpi(
            [(date(2021, 4, 1), 0.0), (date(2022, 4, 1), 5.0)],
            target=10.0,
            deadline=date(2024, 3, 31),
        )
        m = measure(kpi, date(2022, 5, 31))
        assert (m.change, m.relative_change) == (5.0, None)
        assert m.cagr_ratio is not None  # Open SDG replaces the zero by 0.001

    def test_only_the_baseline_so_far(self) -> None:
        m = measure(QUANT, KPI2_DAYS[0])
        assert (m.achievement, m.elapsed, m.pace_ratio, m.cagr_ratio) == (0.0, 0.0, None, None)
        assert (m.started, m.change) == (False, 0.0)

    def test_without_a_baseline_periods_start_with_the_plan(self) -> None:
        kpi = attrs.evolve(QUANT, baseline=None)
        m = measure(kpi, date(2022, 5, 31), start=date(2021, 4, 1))
        assert m.elapsed == pytest.approx(425 / 729)
        assert m.expected_share == 1.0
        assert (m.achievement, m.pace_ratio, m.fiscal_pace_ratio, m.change) == (None,) * 4
        assert m.achievement_simple == pytest.approx(45.42 / 90)
        assert m.started

    def test_no_data_yet_knows_whether_the_deadline_has_passed(self) -> None:
        kpi = attrs.evolve(QUANT, baseline=None, measurements=())
        assert measure(kpi, KPI2_DAYS[2]) == Metrics(past_deadline=False)
        assert measure(kpi, date(2023, 4, 1)) == Metrics(past_deadline=True)
        assert measure(QUANT, date(2023, 4, 1)).past_deadline
        assert not measure(QUANT, KPI2_DAYS[2]).past_deadline

    def test_a_staged_kpi_back_on_its_first_rung_has_not_started(self) -> None:
        first = attrs.evolve(STAGED.measurements[0], value="not_started")
        kpi = attrs.evolve(STAGED, measurements=(first,))
        m = measure(kpi, date(2022, 5, 31))
        assert (m.started, m.cagr_ratio) == (False, None)
        assert classify(kpi, m) is Status.NOT_STARTED
        moved = measure(STAGED, date(2022, 5, 31))
        assert (moved.started, moved.cagr_ratio, moved.achievement) == (True, None, 0.25)

    def test_get_reads_numbers_only(self) -> None:
        m = measure(QUANT, date(2022, 5, 31))
        assert m.get("change") == pytest.approx(17.51)
        assert m.get("forecast_achievement") is None
        with pytest.raises(AttributeError, match="'achieved' is not a numeric metric"):
            m.get("achieved")

    def test_open_sdg_score_of_the_metrics(self) -> None:
        assert Metrics(cagr_ratio=0.95).open_sdg_score == pytest.approx(2.5)
        assert Metrics(cagr_ratio=-3.0, achieved=True).open_sdg_score == 5.0
        assert Metrics().open_sdg_score is None


class TestStagedAtTheStart:
    def test_nothing_due_yet_is_on_track(self) -> None:
        metrics = attrs.evolve(BASE, elapsed=0.0, pace_ratio=None)
        assert classify(STAGED, metrics) is Status.ON_TRACK

    def test_no_pace_is_no_data(self) -> None:
        metrics = attrs.evolve(BASE, elapsed=1.0, pace_ratio=None)
        assert classify(STAGED, metrics) is Status.NO_DATA


D0, D1 = date(2020, 4, 1), date(2021, 4, 1)


class TestOpenSDGRatioEdges:
    def test_under_a_year_of_history(self) -> None:
        half = date(2020, 10, 1)  # 183 days
        r = open_sdg_ratio(10.0, D0, 12.0, half, 20.0, date(2024, 4, 1), 1)
        observed = 1.2 ** (365.25 / 183) - 1
        required = 2.0 ** (365.25 / (date(2024, 4, 1) - D0).days) - 1
        assert r == pytest.approx(observed / required)

    def test_a_deadline_within_a_year(self) -> None:
        due = date(2020, 12, 31)
        r = open_sdg_ratio(10.0, D0, 12.0, date(2020, 10, 1), 20.0, due, 1)
        required = 2.0 ** (365.25 / (due - D0).days) - 1
        assert r == pytest.approx((1.2 ** (365.25 / 183) - 1) / required)

    def test_a_zero_is_read_as_a_thousandth(self) -> None:
        r = open_sdg_ratio(0.0, D0, 1.0, D1, 2.0, date(2022, 4, 1), 1)
        years = (date(2022, 4, 1) - D0).days / 365.25
        observed = (1.0 / 0.001) ** (365.25 / 365) - 1
        assert r == pytest.approx(observed / ((2.0 / 0.001) ** (1 / years) - 1))
        ones = open_sdg_ratio(1.0, D0, 2.0, D1, 4.0, date(2022, 4, 1), 1)
        assert ones == pytest.approx((2.0 ** (365.25 / 365) - 1) / (4.0 ** (1 / years) - 1))

    def test_small_positive_values_are_assessed(self) -> None:
        assert open_sdg_ratio(0.5, D0, 0.6, D1, 0.9, date(2022, 4, 1), 1) is not None
        assert open_sdg_ratio(0.0, D0, 0.0, D1, 0.5, date(2022, 4, 1), -1) == pytest.approx(0.0)

    @pytest.mark.parametrize(
        ("base", "latest", "target"), [(-1.0, 2.0, 3.0), (1.0, -2.0, 3.0), (1.0, 2.0, -3.0)]
    )
    def test_a_negative_value_cannot_be_assessed(
        self, base: float, latest: float, target: float
    ) -> None:
        assert open_sdg_ratio(base, D0, latest, D1, target, date(2022, 4, 1), 1) is None

    def test_no_time_no_ratio(self) -> None:
        assert open_sdg_ratio(1.0, D0, 2.0, D0, 4.0, D1, 1) is None  # nothing seen yet
        assert open_sdg_ratio(1.0, D0, 2.0, D1, 4.0, D0, 1) is None  # due on the base day
        assert open_sdg_ratio(1.0, D1, 2.0, date(2022, 4, 1), 4.0, D0, 1) is None  # due before

    def test_a_target_equal_to_the_baseline_requires_no_growth(self) -> None:
        assert open_sdg_ratio(3.0, D0, 4.0, D1, 3.0, date(2022, 4, 1), 1) is None

    def test_score_edges_are_exact(self) -> None:
        assert open_sdg_score(1.3) == 5.0
        assert open_sdg_score(-0.6) == -5.0
        assert open_sdg_score(0.6) == 0.0


class TestCatalogue:
    def test_every_status_has_a_label_in_every_language(self) -> None:
        for status in Status:
            assert catalogue("ja")[f"status.label.{status.value}"] == status.ja
            assert catalogue("en")[f"status.label.{status.value}"] == status.en
        assert [s.en for s in Status] == [
            "achieved",
            "on track",
            "at risk",
            "off track",
            "missed (deadline passed)",
            "not started",
            "no data",
        ]

    def test_labels_default_to_japanese_and_refuse_unknown_languages(self) -> None:
        assert Status.AT_RISK.label() == "要注意"
        with pytest.raises(ValueError, match="unknown language 'fr'"):
            Status.AT_RISK.label("fr")


class TestBeyondTheFloatRange:
    def test_growth_too_large_for_a_float_is_no_ratio(self) -> None:
        """Found by fuzzing: math.pow raised OverflowError on a week of huge growth."""
        week = date(2020, 4, 8)
        assert open_sdg_ratio(1e-3, D0, 1e300, week, 2.0, D1, 1) is None
        assert open_sdg_ratio(1.0, D0, 2.0, date(2020, 4, 5), 1e300, week, 1) is None

    def test_metrics_beyond_the_range_are_none(self) -> None:
        kpi = make_kpi(
            [(date(2021, 4, 1), -1e308), (date(2022, 4, 1), 1e308)],
            target=1.0,
            deadline=date(2024, 3, 31),
        )
        m = measure(kpi, date(2022, 5, 31))
        assert (m.change, m.relative_change, m.achievement, m.pace_ratio) == (None,) * 4
        assert m.achieved
