"""On-track forecasting: exactness, no look-ahead, intervals, attainment."""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import date, timedelta

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from maebashi_dx import FORECASTERS, KPI, Measurement, UnknownPluginError, assess, forecast
from maebashi_dx.datasets import maebashi_2022
from maebashi_dx.dates import DateSpan
from maebashi_dx.errors import CalculationError
from maebashi_dx.forecast import YEAR_DAYS, Reference, series_input, student_t_quantile
from tests.strategies import make_kpi, series

AS_OF = date(2022, 5, 31)


@pytest.fixture(autouse=True)
def _fresh_t_quantiles() -> Iterator[None]:
    """student_t_quantile is cached: a cache filled before mutation testing forks its
    workers would hide every mutant of the t distribution, so each test starts empty."""
    student_t_quantile.cache_clear()
    yield
    student_t_quantile.cache_clear()


BUILT_IN = [
    "aroc",
    "blend",
    "cagr",
    "linear",
    "logistic",
    "naive",
    "pooled",
    "recent",
    "recent_6m",
    "two_point",
]


def test_built_in_names_are_registered() -> None:
    assert [n for n in FORECASTERS if n in BUILT_IN] == BUILT_IN


def test_unknown_method_lists_the_names() -> None:
    with pytest.raises(UnknownPluginError, match="two_point") as info:
        forecast(maebashi_2022().kpi("kpi2"), AS_OF, method="prophet")
    assert isinstance(info.value, LookupError)


class TestCommitteeFigures:
    def test_two_point_on_kpi2(self) -> None:
        """27.91% (2021-03-31) → 45.42% (2022-04-30), projected to 2023-03-31."""
        f = forecast(maebashi_2022().kpi("kpi2"), AS_OF, method="two_point")
        pace = (45.42 - 27.91) / ((date(2022, 4, 30) - date(2021, 3, 31)).days / YEAR_DAYS)
        expected = 45.42 + pace * (date(2023, 3, 31) - date(2022, 4, 30)).days / YEAR_DAYS
        assert f.value == pytest.approx(expected)
        assert f.observed_pace == pytest.approx(pace)
        assert f.required_pace == pytest.approx((90 - 45.42) / (335 / YEAR_DAYS))
        assert f.meets_target is False
        assert f.interval == pytest.approx((45.42, 45.42 + 2 * (expected - 45.42)))
        assert "heuristic" in f.interval_basis
        assert f.attainment_date == date(2025, 1, 30)

    def test_cagr_is_exact_on_the_two_endpoints(self) -> None:
        f = forecast(maebashi_2022().kpi("kpi2"), AS_OF, method="cagr")
        years = (date(2022, 4, 30) - date(2021, 3, 31)).days / YEAR_DAYS
        rate = (45.42 / 27.91) ** (1 / years)
        ahead = (date(2023, 3, 31) - date(2021, 3, 31)).days / YEAR_DAYS
        assert f.value == pytest.approx(min(100.0, 27.91 * rate**ahead))

    def test_logistic_stays_under_its_bound(self) -> None:
        f = forecast(maebashi_2022().kpi("kpi2"), date(2030, 1, 1), method="logistic")
        assert f.value is not None
        assert f.value < 100
        assert f.interval is not None
        assert f.interval[1] <= 100

    def test_logistic_without_bounds_says_why(self) -> None:
        kpi = attrs.evolve(maebashi_2022().kpi("kpi2"), bounds=None)
        f = forecast(kpi, AS_OF, method="logistic")
        assert f.value is None
        assert "bounds" in f.note

    def test_one_point_is_not_enough(self) -> None:
        f = forecast(maebashi_2022().kpi("kpi2"), date(2021, 4, 1))
        assert f.value is None
        assert "two points" in f.note
        assert f.required_pace is not None

    def test_no_data(self) -> None:
        f = forecast(maebashi_2022().kpi("kpi2"), date(2020, 1, 1))
        assert f.value is None
        assert f.points == ()


def _linear_series(slope: float, intercept: float, days: list[int]) -> list[tuple[date, float]]:
    origin = date(2018, 4, 1)
    return [
        (origin + timedelta(days=d), intercept + slope * d / YEAR_DAYS) for d in sorted(set(days))
    ]


class TestExactness:
    @pytest.mark.parametrize("method", ["linear", "two_point", "recent", "recent_6m"])
    @given(
        slope=st.floats(-50, 50).filter(lambda s: abs(s) > 1e-3),
        intercept=st.floats(-100, 100),
        days=st.lists(st.integers(0, 360), min_size=2, max_size=8, unique=True),
        horizon=st.integers(1, 2000),
    )
    def test_exact_linear_data_forecasts_exactly(
        self, method: str, slope: float, intercept: float, days: list[int], horizon: int
    ) -> None:
        points = _linear_series(slope, intercept, days)
        deadline = points[-1][0] + timedelta(days=horizon)
        target = intercept + slope * 100
        kpi = make_kpi(points, target=target, deadline=deadline)
        f = forecast(kpi, points[-1][0], method=method)
        x = (deadline - date(2018, 4, 1)).days
        assert f.value == pytest.approx(intercept + slope * x / YEAR_DAYS, rel=1e-7, abs=1e-7)
        assert f.observed_pace == pytest.approx(slope, rel=1e-7, abs=1e-7)
        # Exact data has no scatter: never a zero-width interval, but the stated
        # heuristic from the latest value (the pace stalls .. doubles).
        last_day, last = points[-1]
        ahead = slope * (deadline - last_day).days / YEAR_DAYS
        assert f.interval == pytest.approx(sorted((last, last + 2 * ahead)), rel=1e-6, abs=1e-6)
        assert "stalls" in f.interval_basis

    def test_attainment_date_on_exact_data(self) -> None:
        points = [(date(2020, 4, 1), 10.0), (date(2021, 4, 1), 20.0), (date(2022, 4, 1), 30.0)]
        kpi = make_kpi(points, target=60.0, deadline=date(2030, 3, 31))
        f = forecast(kpi, date(2022, 4, 1), method="linear")
        crossing = date(2020, 4, 1) + timedelta(days=math.ceil(5 * (730 / 2)))
        assert f.attainment_date is not None
        assert abs((f.attainment_date - crossing).days) <= 2

    def test_attainment_is_the_first_measurement_that_met_the_target(self) -> None:
        points = [(date(2020, 4, 1), 10.0), (date(2021, 4, 1), 70.0), (date(2022, 4, 1), 65.0)]
        kpi = make_kpi(points, target=60.0, deadline=date(2030, 3, 31))
        assert forecast(kpi, date(2022, 4, 1)).attainment_date == date(2021, 4, 1)


class TestNoLookAhead:
    @pytest.mark.parametrize("method", BUILT_IN)
    @given(data=series(min_points=2, max_points=6), future=st.floats(-1e4, 1e4))
    def test_data_after_as_of_never_changes_the_forecast(
        self, method: str, data, future: float
    ) -> None:  # type: ignore[no-untyped-def]
        points, target, deadline = data
        as_of = points[-1][0]
        kpi = make_kpi(points, target=target, deadline=deadline, bounds=(-1e5, 1e5))
        poisoned = attrs.evolve(
            kpi,
            measurements=(
                *kpi.measurements,
                Measurement(when=DateSpan.day(as_of + timedelta(days=1)), value=future),
            ),
        )
        assert forecast(kpi, as_of, method=method) == forecast(poisoned, as_of, method=method)


class TestIntervals:
    @pytest.mark.parametrize("method", BUILT_IN)
    @given(data=series(min_points=2, max_points=8))
    def test_value_lies_inside_its_interval_and_is_finite(self, method: str, data) -> None:  # type: ignore[no-untyped-def]
        points, target, deadline = data
        points = [(d, abs(v) + 1) for d, v in points]  # positive, for the log methods
        kpi = make_kpi(points, target=abs(target) + 2000, deadline=deadline, bounds=(0, 1e5))
        f = forecast(kpi, points[-1][0], method=method)
        if f.value is None:
            assert f.note
            return
        assert f.interval is not None
        low, high = f.interval
        assert math.isfinite(low)
        assert math.isfinite(high)
        assert low - 1e-6 * max(1.0, abs(low)) <= f.value <= high + 1e-6 * max(1.0, abs(high))

    def test_wider_level_gives_a_wider_interval(self) -> None:
        points = [(date(2020, 4, 1), 10.0), (date(2021, 4, 1), 22.0), (date(2022, 4, 1), 29.0)]
        kpi = make_kpi(points, target=60.0, deadline=date(2025, 3, 31))
        narrow = forecast(kpi, date(2022, 4, 1), method="linear", level=0.5).interval
        wide = forecast(kpi, date(2022, 4, 1), method="linear", level=0.95).interval
        assert narrow is not None
        assert wide is not None
        assert wide[0] < narrow[0] < narrow[1] < wide[1]

    def test_level_must_be_a_probability(self) -> None:
        with pytest.raises(ValueError, match="level"):
            forecast(maebashi_2022().kpi("kpi2"), AS_OF, level=80)


@pytest.mark.parametrize(
    ("p", "df", "expected"),
    # Standard t-table values.
    [
        (0.9, 1, 3.0777),
        (0.9, 2, 1.8856),
        (0.9, 3, 1.6377),
        (0.975, 3, 3.1824),
        (0.9, 10, 1.3722),
        (0.975, 30, 2.0423),
        (0.1, 5, -1.4759),
    ],
)
def test_student_t_quantiles(p: float, df: int, expected: float) -> None:
    assert student_t_quantile(p, df) == pytest.approx(expected, abs=1e-4)


@given(st.dates(date(1990, 1, 1), date(2090, 12, 31)), st.integers(0, 240))
def test_months_before_agrees_with_relativedelta(day: date, months: int) -> None:
    from dateutil.relativedelta import relativedelta

    from maebashi_dx.forecast import months_before

    assert months_before(day, months) == day - relativedelta(months=months)


class TestBlend:
    def test_is_the_mean_of_recent_6m_and_cagr(self) -> None:
        # A kink: +1 a month for 18 months, then +3 a month; the 6- and 12-month lines differ.
        values = [10.0 + min(m, 18) + 3 * max(0, m - 18) for m in range(25)]
        days = [date(2020 + m // 12, m % 12 + 1, 1) for m in range(25)]
        kpi = make_kpi(list(zip(days, values, strict=True)), target=99, deadline=date(2023, 3, 31))
        as_of = days[-1]
        f6, f12, cagr = (forecast(kpi, as_of, method=m) for m in ("recent_6m", "recent", "cagr"))
        # The last 6 months hold only the +3 a month stretch: exactly 36 a year.
        assert f6.observed_pace == pytest.approx(36 * 365.25 / 365, rel=0.01)
        assert "6 points in the last 6 months" in f6.basis
        assert f12.value is not None
        assert f6.value is not None
        assert cagr.value is not None
        assert f12.value < f6.value
        blend = forecast(kpi, as_of)
        assert blend.method == "blend"
        assert blend.value == pytest.approx((f6.value + cagr.value) / 2)
        assert blend.value != pytest.approx((f12.value + cagr.value) / 2)

    def test_committee_kpi2_mixes_the_committee_line_and_the_growth_curve(self) -> None:
        """② has two points 14 months apart: the 6-month line falls back to them."""
        kpi = maebashi_2022().kpi("kpi2")
        parts = [forecast(kpi, AS_OF, method=m).value for m in ("two_point", "cagr")]
        assert forecast(kpi, AS_OF).value == pytest.approx(sum(parts) / 2)
        assert "the last 2 points" in forecast(kpi, AS_OF, method="recent_6m").basis

    def test_two_points_give_a_wide_honest_interval(self) -> None:
        f = forecast(maebashi_2022().kpi("kpi2"), AS_OF)
        assert f.interval == pytest.approx((45.42, 100.0))
        assert "short history" in f.interval_basis

    def test_weeks_of_history_leave_the_growth_rate_out(self) -> None:
        """10 → 11 → 12 over two months is 200% a year as a CAGR; compounded to 2025 it
        would reach about 389. The blend leaves cagr out and says why, and its interval
        allows the pace to stall (12) or double (12 + 2 × 12 a year × 3.08 years)."""
        points = [(date(2022, 1, 1), 10.0), (date(2022, 2, 1), 11.0), (date(2022, 3, 1), 12.0)]
        kpi = make_kpi(points, target=90, deadline=date(2025, 3, 31))
        f = forecast(kpi, date(2022, 3, 1))
        alone = forecast(kpi, date(2022, 3, 1), method="recent_6m")
        assert f.value == pytest.approx(alone.value)
        assert "left out: cagr: needs 365 days of history, has 59" in f.basis
        assert f.interval is not None
        assert alone.interval is not None
        low, high = f.interval
        assert low == pytest.approx(12.0)
        pace = alone.observed_pace
        assert high == pytest.approx(
            12.0 + 2 * pace * (date(2025, 3, 31) - date(2022, 3, 1)).days / YEAR_DAYS
        )
        # Wider than the least-squares interval of the three points on their own.
        assert low < alone.interval[0]
        assert high > alone.interval[1]

    def test_three_points_exactly_on_a_line_are_not_certainty(self) -> None:
        points = [(date(2021, 3, 31), 10.0), (date(2022, 3, 31), 20.0), (date(2023, 3, 31), 30.0)]
        kpi = make_kpi(points, target=90, deadline=date(2025, 3, 31))
        f = forecast(kpi, date(2023, 3, 31), method="linear")
        assert f.interval is not None
        assert f.interval[1] - f.interval[0] > 30
        assert "no scatter" in f.interval_basis

    def test_a_staged_kpi_falls_back_to_the_members_that_fit(self) -> None:
        f = forecast(maebashi_2022().kpi("kpi3"), AS_OF)
        assert f.value is not None
        assert "100% recent_6m" in f.basis


@given(
    start=st.floats(1, 40),
    steps=st.lists(st.floats(0.1, 8), min_size=2, max_size=5),
    reach=st.floats(1, 40),
)
def test_blend_attainment_is_the_first_day_a_daily_scan_finds(
    start: float, steps: list[float], reach: float
) -> None:
    """The blend's attainment date, found by bracketing between its members' dates, is the
    first day on which its forecast meets the target (oracle: try every day)."""
    values = [start]
    for step in steps:
        values.append(values[-1] + step)
    days = [date(2018, 4, 1) + timedelta(days=120 * i) for i in range(len(values))]
    target = values[-1] + reach
    kpi = make_kpi(list(zip(days, values, strict=True)), target=target, deadline=date(2040, 3, 31))
    f = forecast(kpi, days[-1])
    trend = FORECASTERS.get("blend").fit(series_input(kpi, days[-1]))
    first = None
    for offset in range(20 * 366):
        day = days[-1] + timedelta(days=offset)
        if trend.predict(day) >= target:
            first = day
            break
    if first is not None:
        assert f.attainment_date == first
    else:
        assert f.attainment_date is None or f.attainment_date > days[-1] + timedelta(
            days=20 * 366 - 1
        )


class TestPooled:
    """Pooling toward a reference series (top-down proportional, drift from the latest)."""

    DAYS = tuple(date(2021, 10, 1) + timedelta(days=30 * i) for i in range(7))  # to 2022-03-30

    def kpi(self) -> KPI:
        # +1 every 30 days from 20: 26 on the latest day, 12.175 a year.
        points = [(d, 20.0 + i) for i, d in enumerate(self.DAYS)]
        return make_kpi(points, target=60, deadline=date(2023, 3, 31), bounds=(0, 100))

    def reference(self) -> Reference:
        # +3 every 30 days from 40: 58 on the latest day, 36.525 a year.
        return Reference(label="群馬県", days=self.DAYS, values=[40.0 + 3 * i for i in range(7)])

    def test_pace_by_hand(self) -> None:
        as_of = self.DAYS[-1]
        f = forecast(self.kpi(), as_of, reference=self.reference())
        own, theirs = 365.25 / 30, 3 * 365.25 / 30
        pace = 0.25 * own + 0.75 * theirs * (26 / 58)  # = 15.3244 a year
        ahead = (date(2023, 3, 31) - as_of).days / YEAR_DAYS
        assert f.method == "pooled"
        assert f.observed_pace == pytest.approx(pace)
        assert f.value == pytest.approx(26 + pace * ahead)
        assert "群馬県" in f.basis
        assert "26 / 58" in f.basis
        # Attainment in closed form: 60 is reached (60 − 26) / pace years after the latest.
        when = as_of + timedelta(days=math.ceil((60 - 26) / pace * YEAR_DAYS))
        assert f.attainment_date is not None
        assert abs((f.attainment_date - when).days) <= 1

    def test_without_a_reference_it_is_blend(self) -> None:
        as_of = self.DAYS[-1]
        pooled = forecast(self.kpi(), as_of, method="pooled")
        blend = forecast(self.kpi(), as_of)
        assert blend.method == "blend"
        assert pooled.value == pytest.approx(blend.value)
        assert pooled.basis.startswith("pooled: no reference series, so blend: ")

    def test_a_named_method_wins_over_the_pooled_default(self) -> None:
        f = forecast(self.kpi(), self.DAYS[-1], method="blend", reference=self.reference())
        assert f.method == "blend"
        assert "群馬県" not in f.basis

    def test_a_reference_with_one_point_so_far_falls_back(self) -> None:
        as_of = self.DAYS[-1]
        late = Reference(label="新市", days=(as_of, as_of + timedelta(days=30)), values=(1, 2))
        f = forecast(self.kpi(), as_of, reference=late)
        assert f.basis.startswith("pooled: 新市 has fewer than two points, so blend: ")

    def test_the_interval_holds_the_own_and_the_reference_paces(self) -> None:
        as_of = self.DAYS[-1]
        ahead = (date(2023, 3, 31) - as_of).days / YEAR_DAYS
        f = forecast(self.kpi(), as_of, reference=self.reference())
        assert f.interval is not None
        low, high = f.interval
        own = forecast(self.kpi(), as_of, method="recent_6m").value
        assert own is not None
        assert low <= own
        assert high >= 26 + 3 * 365.25 / 30 * (26 / 58) * ahead
        assert "stalling or doubling" in f.interval_basis
        assert low == pytest.approx(26.0)

    @pytest.mark.parametrize(
        ("days", "values", "problem"),
        [
            ((date(2022, 2, 1), date(2022, 1, 1)), (1.0, 2.0), "days must increase"),
            ((date(2022, 1, 1), date(2022, 2, 1)), (1.0, math.nan), "2022-02-01 is nan"),
            ((date(2022, 1, 1),), (1.0, 2.0), "1 days but 2 values"),
        ],
    )
    def test_bad_references_are_refused(
        self, days: tuple[date, ...], values: tuple[float, ...], problem: str
    ) -> None:
        with pytest.raises(CalculationError, match=problem):
            Reference(label="x", days=days, values=values)


class TestPooledInAssess:
    def test_references_pick_pooled_for_their_kpis_only(self) -> None:
        plan = maebashi_2022()
        ref = Reference(
            label="全国", days=(date(2021, 4, 1), date(2022, 4, 1)), values=(28.3, 43.3)
        )
        result = assess(plan, AS_OF, references={"kpi2": ref})
        assert result.row("kpi2").forecast.method == "pooled"
        assert "全国" in result.row("kpi2").forecast.basis
        assert result.row("kpi1").forecast.method == "blend"

    def test_an_unknown_kpi_is_refused(self) -> None:
        ref = Reference(label="全国", days=(date(2021, 4, 1),), values=(28.3,))
        with pytest.raises(CalculationError, match="does not have: kpi99"):
            assess(maebashi_2022(), AS_OF, references={"kpi99": ref})


@st.composite
def pooled_case(draw: st.DrawFn) -> tuple[KPI, Reference, date]:
    """A series and a reference on the same monthly days, both above zero."""
    n = draw(st.integers(2, 10))
    days = [date(2021, 1, 1) + timedelta(days=30 * i) for i in range(n)]
    own = draw(st.lists(st.floats(1, 90), min_size=n, max_size=n))
    theirs = draw(st.lists(st.floats(1, 90), min_size=n, max_size=n))
    kpi = make_kpi(list(zip(days, own, strict=True)), target=99, deadline=date(2024, 3, 31))
    return kpi, Reference(label="ref", days=days, values=theirs), days[-1]


class TestPooledProperties:
    @given(pooled_case())
    def test_the_pace_lies_between_its_own_and_the_scaled_reference(self, case) -> None:  # type: ignore[no-untyped-def]
        kpi, ref, as_of = case
        pooled = FORECASTERS.get("pooled")
        alone = attrs.evolve(pooled, weight=0.0)
        top_down = attrs.evolve(pooled, weight=1.0)
        data = series_input(kpi, as_of, ref)
        paces = [f.fit(data).pace(as_of) for f in (alone, pooled, top_down)]
        low, high = sorted((paces[0], paces[2]))
        assert low - 1e-9 <= paces[1] <= high + 1e-9
        assert paces[1] == pytest.approx(0.25 * paces[0] + 0.75 * paces[2], abs=1e-9)
        f = forecast(kpi, as_of, reference=ref)
        assert f.interval is not None
        assert f.value is not None
        assert f.interval[0] - 1e-9 <= f.value <= f.interval[1] + 1e-9

    @given(pooled_case(), st.floats(0.01, 100))
    def test_the_reference_unit_does_not_matter(self, case, factor: float) -> None:  # type: ignore[no-untyped-def]
        """Proportional pooling reads the reference's pace relative to its level, so the
        reference in other units (or per mille) gives the same forecast."""
        kpi, ref, as_of = case
        scaled = attrs.evolve(ref, values=[v * factor for v in ref.values])
        a = forecast(kpi, as_of, reference=ref)
        b = forecast(kpi, as_of, reference=scaled)
        assert a.value == pytest.approx(b.value, rel=1e-9, abs=1e-9)
