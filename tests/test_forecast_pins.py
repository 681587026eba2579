"""Forecasts pinned to values worked by hand: falling KPIs, the least-squares prediction
interval, the logistic model's bounds, blend and pooled weights, attainment days, the
required pace at the deadline, clamping, and finite output for extreme inputs.

Each test here kills mutants of the forecast package that no other test noticed (mutmut, see the
report of issue 11): a change of a sign, a bound, a weight or a boundary must fail one.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import date, timedelta
from typing import ClassVar

import attrs
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from maebashi_dx import FORECASTERS, forecast
from maebashi_dx.errors import MaebashiDXError
from maebashi_dx.forecast import (
    YEAR_DAYS,
    BlendForecaster,
    Reference,
    run_forecaster,
    series_input,
    student_t_quantile,
)
from maebashi_dx.model import Direction
from tests.strategies import make_kpi
from tests.test_forecast import BUILT_IN

DOWN = Direction.DECREASE
ORIGIN = date(2020, 4, 1)


@pytest.fixture(autouse=True)
def _fresh_t_quantiles() -> Iterator[None]:
    """student_t_quantile is cached; a cache filled before a mutation test forks would
    hide a mutant of it, so every test starts from an empty cache."""
    student_t_quantile.cache_clear()
    yield
    student_t_quantile.cache_clear()


def day(n: int) -> date:
    return ORIGIN + timedelta(days=n)


# ------------------------------------------------------------------ falling KPIs


class TestFallingKPI:
    """A KPI where lower is better (e.g. paper forms, waiting days): 100, 90, 80 a year
    apart, falling 10 every 365 days, toward 45 by 2027-03-31."""

    POINTS: ClassVar = [(day(0), 100.0), (day(365), 90.0), (day(730), 80.0)]
    DEADLINE = date(2027, 3, 31)

    def kpi(self, target: float = 45.0, direction: Direction = DOWN):  # type: ignore[no-untyped-def]
        return make_kpi(self.POINTS, target=target, deadline=self.DEADLINE, direction=direction)

    def test_linear_value_pace_and_required_pace(self) -> None:
        f = forecast(self.kpi(), day(730), method="linear")
        ahead = (self.DEADLINE - ORIGIN).days
        assert f.value == pytest.approx(100 - 10 * ahead / 365)
        assert f.observed_pace == pytest.approx(-10 * YEAR_DAYS / 365)
        years_left = (self.DEADLINE - day(730)).days / YEAR_DAYS
        assert f.required_pace == pytest.approx((45 - 80) / years_left)
        assert f.meets_target is True  # 100 − 10 × 2555 / 365 = 30 ≤ 45

    def test_attainment_is_the_first_day_at_or_below_the_target(self) -> None:
        """100 − 10·d/365 ≤ 45 from d = 2007.5: day 2008 (2025-09-29)."""
        for method in ("linear", "two_point"):
            assert forecast(self.kpi(), day(730), method=method).attainment_date == day(2008)

    def test_the_same_line_never_reaches_a_higher_target_when_higher_is_better(self) -> None:
        rising = forecast(self.kpi(target=120.0, direction=Direction.INCREASE), day(730))
        assert rising.attainment_date is None
        assert rising.meets_target is False

    def test_a_falling_kpi_met_by_a_measurement_is_attained_that_day(self) -> None:
        points = [(day(0), 100.0), (day(365), 40.0), (day(730), 46.0)]
        kpi = make_kpi(points, target=45.0, deadline=self.DEADLINE, direction=DOWN)
        assert forecast(kpi, day(730), method="linear").attainment_date == day(365)

    def test_cagr_falls_at_a_constant_rate(self) -> None:
        """100 → 81 over 730 days is −10% a year (per 365 days); at the deadline the
        value is 100 × 0.81^(d / 730)."""
        points = [(day(0), 100.0), (day(365), 92.0), (day(730), 81.0)]
        kpi = make_kpi(points, target=50.0, deadline=self.DEADLINE, direction=DOWN)
        f = forecast(kpi, day(730), method="cagr")
        d = (self.DEADLINE - ORIGIN).days
        assert f.value == pytest.approx(100 * 0.81 ** (d / 730))
        # 100 × 0.9^(d/365) ≤ 50 from d = 365 · ln 0.5 / ln 0.9 = 2401.3: day 2402.
        assert f.attainment_date == day(2402)
        # The pace on the day of the forecast: the derivative 81 · ln(0.9) per 365 days.
        assert f.observed_pace == pytest.approx(81 * math.log(0.9) * YEAR_DAYS / 365, rel=1e-3)

    def test_two_point_interval_from_a_falling_latest_value(self) -> None:
        """Two points: the pace stalls (80) or doubles (80 − 2 × 10 a year × horizon)."""
        kpi = make_kpi(
            [(day(0), 100.0), (day(730), 80.0)], target=45.0, deadline=self.DEADLINE, direction=DOWN
        )
        f = forecast(kpi, day(730), method="two_point")
        ahead = (self.DEADLINE - day(730)).days
        assert f.interval == pytest.approx((80 - 2 * 20 * ahead / 730, 80.0))
        assert f.value is not None
        assert f.interval is not None
        assert f.interval[0] < f.value < f.interval[1]

    def test_blend_of_a_falling_kpi(self) -> None:
        """The default blend: half the 6-month line (the last two points, a year apart),
        half the growth rate; it meets 45 between the two members' days."""
        f = forecast(self.kpi(), day(730))
        line = forecast(self.kpi(), day(730), method="recent_6m")
        cagr = forecast(self.kpi(), day(730), method="cagr")
        assert line.value is not None
        assert cagr.value is not None
        assert f.value == pytest.approx((line.value + cagr.value) / 2)
        assert line.attainment_date is not None
        assert cagr.attainment_date is not None
        assert f.attainment_date is not None
        assert line.attainment_date <= f.attainment_date <= cagr.attainment_date
        trend = FORECASTERS.get("blend").fit(series_input(self.kpi(), day(730)))
        assert (
            trend.predict(f.attainment_date)
            <= 45
            < trend.predict(f.attainment_date - timedelta(days=1))
        )

    def test_intervals_of_a_falling_kpi_with_scatter_hold_the_value(self) -> None:
        points = [(day(0), 100.0), (day(180), 97.0), (day(365), 88.0), (day(540), 86.0)]
        kpi = make_kpi(
            points, target=45.0, deadline=self.DEADLINE, direction=DOWN, bounds=(0.0, 200.0)
        )
        for method in BUILT_IN:
            f = forecast(kpi, day(540), method=method)
            assert f.value is not None, method
            assert f.interval is not None
            assert f.interval[0] <= f.value <= f.interval[1], method


# --------------------------------------------------- the least-squares interval by hand


def prediction_interval(
    xs: list[float], zs: list[float], x0: float, level: float, t: float
) -> tuple[float, float, float]:
    """ŷ and ŷ ∓ t · s · √(1 + 1/n + (x0 − x̄)² / Sxx): the prediction interval for a new
    observation at x0 (Montgomery, Peck & Vining, Introduction to Linear Regression
    Analysis, 5th ed., §2.5, eq. 2.45), written out with plain sums."""
    n = len(xs)
    x_bar, z_bar = sum(xs) / n, sum(zs) / n
    sxx = sum((x - x_bar) ** 2 for x in xs)
    sxz = sum((x - x_bar) * (z - z_bar) for x, z in zip(xs, zs, strict=True))
    slope = sxz / sxx
    intercept = z_bar - slope * x_bar
    sse = sum((z - intercept - slope * x) ** 2 for x, z in zip(xs, zs, strict=True))
    s = math.sqrt(sse / (n - 2))
    y0 = intercept + slope * x0
    half = t * s * math.sqrt(1 + 1 / n + (x0 - x_bar) ** 2 / sxx)
    return y0, y0 - half, y0 + half


class TestPredictionInterval:
    DAYS: ClassVar = [0, 183, 365, 548]
    VALUES: ClassVar = [10.0, 14.0, 17.0, 22.0]
    DEADLINE = date(2023, 3, 31)

    def kpi(self, bounds: tuple[float, float] | None = None):  # type: ignore[no-untyped-def]
        points = [(day(d), v) for d, v in zip(self.DAYS, self.VALUES, strict=True)]
        return make_kpi(points, target=60.0, deadline=self.DEADLINE, bounds=bounds)

    def xs(self) -> list[float]:
        return [d / YEAR_DAYS for d in self.DAYS]

    def x0(self) -> float:
        return (self.DEADLINE - ORIGIN).days / YEAR_DAYS

    # t with n − 2 = 2 degrees of freedom, from a printed t-table.
    T_80 = 1.885618  # (1 + 0.8) / 2 = 0.9
    T_95 = 4.302653  # (1 + 0.95) / 2 = 0.975

    @pytest.mark.parametrize(("level", "t"), [(0.8, T_80), (0.95, T_95)])
    def test_linear(self, level: float, t: float) -> None:
        f = forecast(self.kpi(), day(548), method="linear", level=level)
        y0, low, high = prediction_interval(self.xs(), self.VALUES, self.x0(), level, t)
        assert f.value == pytest.approx(y0, rel=1e-9)
        assert f.interval == pytest.approx((low, high), rel=1e-6)
        assert f.interval_basis == f"{level:.0%} least-squares prediction interval (Student's t)"

    def test_the_width_against_a_known_value(self) -> None:
        """The numbers, once: ŷ = 33.2651, 80% interval 30.7244 .. 35.8059 (width 5.0814)."""
        f = forecast(self.kpi(), day(548), method="linear")
        assert f.value == pytest.approx(33.26515, abs=1e-4)
        assert f.interval == pytest.approx((30.72444, 35.80586), abs=1e-4)
        assert f.interval is not None
        assert f.interval[1] - f.interval[0] == pytest.approx(5.08142, abs=1e-4)

    def test_aroc_maps_the_log_interval_back(self) -> None:
        f = forecast(self.kpi(), day(548), method="aroc")
        logs = [math.log(v) for v in self.VALUES]
        z0, low, high = prediction_interval(self.xs(), logs, self.x0(), 0.8, self.T_80)
        assert f.value == pytest.approx(math.exp(z0), rel=1e-9)
        assert f.interval == pytest.approx((math.exp(low), math.exp(high)), rel=1e-6)

    @pytest.mark.parametrize("bounds", [(0.0, 100.0), (5.0, 40.0), (-20.0, 30.0)])
    def test_logistic_uses_both_bounds(self, bounds: tuple[float, float]) -> None:
        """The logit of (y − lower) / (upper − lower), fitted by least squares, and the
        value and interval mapped back inside the bounds."""
        lo, hi = bounds
        f = forecast(self.kpi(bounds), day(548), method="logistic")

        def logit(y: float) -> float:
            p = (y - lo) / (hi - lo)
            return math.log(p / (1 - p))

        def back(z: float) -> float:
            return lo + (hi - lo) / (1 + math.exp(-z))

        z0, low, high = prediction_interval(
            self.xs(), [logit(v) for v in self.VALUES], self.x0(), 0.8, self.T_80
        )
        assert f.value == pytest.approx(back(z0), rel=1e-9)
        assert f.interval == pytest.approx((back(low), back(high)), rel=1e-6)
        assert lo < f.interval[0] <= f.value <= f.interval[1] < hi

    def test_the_prediction_interval_is_capped_at_the_bounds(self) -> None:
        """The linear interval's upper end, 36.56, is cut at a bound of 35."""
        f = forecast(self.kpi((0.0, 35.0)), day(548), method="linear")
        y0, low, _ = prediction_interval(self.xs(), self.VALUES, self.x0(), 0.8, self.T_80)
        assert f.value == pytest.approx(min(35.0, y0))
        assert f.interval == pytest.approx((low, 35.0), rel=1e-6)


def test_logistic_recovers_an_exact_s_curve_within_its_bounds() -> None:
    """Values on L + (U − L) / (1 + e^−(x − 2)) with L = 10, U = 60: the fit is exact, the
    projection is the curve, and it never reaches the upper bound (attainment None)."""
    lo, hi = 10.0, 60.0

    def curve(x: float) -> float:
        return lo + (hi - lo) / (1 + math.exp(-(x - 2)))

    points = [(day(d), curve(d / YEAR_DAYS)) for d in (0, 200, 400, 600)]
    deadline = date(2026, 3, 31)
    kpi = make_kpi(points, target=60.0, deadline=deadline, bounds=(lo, hi))
    f = forecast(kpi, day(600), method="logistic")
    assert f.value == pytest.approx(curve((deadline - ORIGIN).days / YEAR_DAYS), rel=1e-9)
    assert f.attainment_date is None  # the bound itself is never reached
    reach = make_kpi(points, target=55.0, deadline=deadline, bounds=(lo, hi))
    # 10 + 50 / (1 + e^−(x − 2)) = 55 at x = 2 + ln 9 years.
    x = 2 + math.log(9)
    assert forecast(reach, day(600), method="logistic").attainment_date == day(
        math.ceil(x * YEAR_DAYS)
    )


# ---------------------------------------------------------------- attainment, exactly


@given(
    start=st.floats(0, 50),
    rise=st.floats(1, 30),
    reach=st.floats(0.5, 200),
    gap=st.integers(30, 400),
    method=st.sampled_from(["linear", "two_point", "cagr", "aroc", "recent"]),
)
def test_attainment_is_the_first_day_the_trend_meets_the_target(
    start: float, rise: float, reach: float, gap: int, method: str
) -> None:
    """Oracle: the first day from the forecast's day on which the fitted trend meets the
    target, found by a daily scan (for the log methods too)."""
    points = [
        (day(0), start + 1),
        (day(gap), start + 1 + rise),
        (day(2 * gap), start + 1 + 2 * rise),
    ]
    target = start + 1 + 2 * rise + reach
    kpi = make_kpi(points, target=target, deadline=date(2040, 3, 31))
    as_of = day(2 * gap)
    f = forecast(kpi, as_of, method=method)
    trend = FORECASTERS.get(method).fit(series_input(kpi, as_of))
    if f.attainment_date is None:  # only beyond the 100-year horizon
        assert trend.predict(as_of + timedelta(days=int(100 * YEAR_DAYS))) < target
        return
    assert trend.predict(f.attainment_date) >= target
    assert (
        f.attainment_date == as_of or trend.predict(f.attainment_date - timedelta(days=1)) < target
    )


def test_a_measurement_exactly_at_the_target_attains_it_that_day() -> None:
    points = [(day(0), 10.0), (day(365), 50.0), (day(730), 49.0)]
    kpi = make_kpi(points, target=50.0, deadline=date(2026, 3, 31))
    assert forecast(kpi, day(730), method="linear").attainment_date == day(365)


def test_a_trend_already_past_the_target_attains_it_on_the_day_of_the_forecast() -> None:
    """No measurement meets 50 yet, but the line through them (2.5 + 0.225 a day) already
    does on the day of the forecast, 200 days after the latest: attained that day."""
    points = [(day(0), 0.0), (day(100), 30.0), (day(200), 45.0)]
    kpi = make_kpi(points, target=50.0, deadline=date(2026, 3, 31))
    f = forecast(kpi, day(400), method="linear")
    assert f.attainment_date == day(400)


def test_a_target_beyond_the_bounds_is_never_attained() -> None:
    points = [(day(0), 10.0), (day(365), 40.0)]
    kpi = make_kpi(points, target=120.0, deadline=date(2030, 3, 31), bounds=(0.0, 100.0))
    f = forecast(kpi, day(365), method="linear")
    assert f.attainment_date is None
    assert f.value == 100.0  # capped at the bound
    assert f.interval is not None
    assert f.interval[1] == 100.0


def test_a_target_beyond_the_horizon_is_never_attained() -> None:
    """1 a year toward a target 150 above: beyond the 100-year horizon."""
    points = [(day(0), 0.0), (day(3652), 10.0)]
    kpi = make_kpi(points, target=160.0, deadline=date(2035, 3, 31))
    assert forecast(kpi, day(3652), method="linear").attainment_date is None
    near = make_kpi(points, target=90.0, deadline=date(2035, 3, 31))
    assert forecast(near, day(3652), method="linear").attainment_date is not None


# ------------------------------------------------------------------ the required pace


class TestRequiredPace:
    """(target − latest) / years left; with no time left, 0 if met, None if not."""

    def kpi(self, last_day: date, target: float, direction: Direction = Direction.INCREASE):  # type: ignore[no-untyped-def]
        points = [(day(0), 10.0), (last_day, 50.0)]
        return make_kpi(
            points, target=target, deadline=day(730), direction=direction, bounds=(0.0, 100.0)
        )

    def test_a_day_before_the_deadline(self) -> None:
        f = forecast(self.kpi(day(729), 60.0), day(729))
        assert f.required_pace == pytest.approx(10 * YEAR_DAYS)

    @pytest.mark.parametrize("method", BUILT_IN)
    def test_on_the_deadline_met(self, method: str) -> None:
        f = forecast(self.kpi(day(730), 50.0), day(730), method=method)
        assert f.required_pace == 0.0
        f = forecast(self.kpi(day(730), 55.0, DOWN), day(730), method=method)
        assert f.required_pace == 0.0

    @pytest.mark.parametrize("method", BUILT_IN)
    def test_on_the_deadline_unmet(self, method: str) -> None:
        f = forecast(self.kpi(day(730), 60.0), day(730), method=method)
        assert f.required_pace is None
        assert f.value is not None  # the forecast itself is still made
        assert f.value == pytest.approx(50.0)

    def test_after_the_deadline(self) -> None:
        late = make_kpi([(day(0), 10.0), (day(800), 50.0)], target=60.0, deadline=day(730))
        assert forecast(late, day(800)).required_pace is None
        assert forecast(attrs.evolve(late), day(800)).meets_target is False


# ---------------------------------------------------------------------------- weights


class TestWeights:
    POINTS: ClassVar = [(day(0), 10.0), (day(100), 25.0), (day(200), 27.0), (day(300), 40.0)]

    def data(self):  # type: ignore[no-untyped-def]
        kpi = make_kpi(self.POINTS, target=90.0, deadline=date(2024, 3, 31))
        return series_input(kpi, day(300))

    def test_unequal_blend_weights(self) -> None:
        blend = BlendForecaster(
            name="mix", description="", members=("linear", "two_point"), weights=(0.25, 0.75)
        )
        data = self.data()
        f = run_forecaster(blend, data)
        linear = run_forecaster(FORECASTERS.get("linear"), data)
        two = run_forecaster(FORECASTERS.get("two_point"), data)
        assert linear.value is not None
        assert two.value is not None
        assert f.value == pytest.approx(0.25 * linear.value + 0.75 * two.value)
        assert f.observed_pace == pytest.approx(
            0.25 * (linear.observed_pace or 0) + 0.75 * (two.observed_pace or 0)
        )
        assert f.basis.startswith("mix: 25% linear: least squares on all 4 points, 75% two_point")

    def test_weights_are_renormalised_over_the_members_that_fit(self) -> None:
        blend = BlendForecaster(
            name="mix",
            description="",
            members=("linear", "two_point"),
            weights=(0.25, 0.75),
            min_history_days=(0, 1000),
        )
        data = self.data()
        f = run_forecaster(blend, data)
        linear = run_forecaster(FORECASTERS.get("linear"), data)
        assert f.value == pytest.approx(linear.value)
        assert "100% linear" in f.basis
        assert "left out: two_point: needs 1000 days of history, has 300" in f.basis

    @pytest.mark.parametrize("weight", [0.0, 0.5, 0.9])
    def test_pooled_weight(self, weight: float) -> None:
        """pace = (1 − w) × own + w × reference pace × latest / reference level."""
        days = tuple(d for d, _ in self.POINTS)
        ref = Reference(label="県", days=days, values=(20.0, 22.0, 26.0, 32.0))
        kpi = make_kpi(self.POINTS, target=90.0, deadline=date(2024, 3, 31))
        data = series_input(kpi, day(300), ref)
        pooled = attrs.evolve(FORECASTERS.get("pooled"), weight=weight)
        own = FORECASTERS.get("recent_6m").fit(data).pace(day(300))
        theirs = FORECASTERS.get("recent_6m").fit(attrs.evolve(data, days=days, values=ref.values))
        expected = (1 - weight) * own + weight * theirs.pace(day(300)) * 40.0 / 32.0
        f = run_forecaster(pooled, data)
        assert f.observed_pace == pytest.approx(expected)
        ahead = (date(2024, 3, 31) - day(300)).days / YEAR_DAYS
        assert f.value == pytest.approx(40.0 + expected * ahead)

    def test_a_reference_that_stops_early_pools_at_its_latest_level(self) -> None:
        days = (day(0), day(100), day(200))
        ref = Reference(label="県", days=days, values=(20.0, 25.0, 30.0))
        kpi = make_kpi(self.POINTS, target=90.0, deadline=date(2024, 3, 31))
        f = forecast(kpi, day(300), reference=ref)
        assert f.method == "pooled"
        assert "(level 40 / 30)" in f.basis

    @pytest.mark.parametrize(
        ("values", "why"),
        [
            ((0.0, 0.0, 0.0, 0.0), "has no level above zero on 2021-01-26"),
            ((-5.0, -4.0, -3.0, -2.0), "has no level above zero on 2021-01-26"),
        ],
    )
    def test_a_reference_without_a_level_falls_back(
        self, values: tuple[float, ...], why: str
    ) -> None:
        days = tuple(d for d, _ in self.POINTS)
        ref = Reference(label="県", days=days, values=values)
        kpi = make_kpi(self.POINTS, target=90.0, deadline=date(2024, 3, 31))
        f = forecast(kpi, day(300), reference=ref)
        assert f.basis.startswith(f"pooled: 県 {why}, so blend: ")
        assert f.basis_text("ja").startswith("参照系列を加味した予測：2021年1月26日時点の県の")

    def test_a_latest_value_at_zero_cannot_be_scaled(self) -> None:
        points = [(day(0), 10.0), (day(100), 5.0), (day(300), 0.0)]
        days = tuple(d for d, _ in points)
        ref = Reference(label="県", days=days, values=(20.0, 22.0, 26.0))
        kpi = make_kpi(points, target=90.0, deadline=date(2024, 3, 31))
        f = forecast(kpi, day(300), reference=ref)
        assert "the ratio of levels needs a latest value above zero" in f.basis


# ------------------------------------------------------------- finite, or a clear error

extreme = st.one_of(
    st.floats(-1e300, 1e300, allow_nan=False, allow_infinity=False),
    st.sampled_from([0.0, 1e-300, -1e-300, 1e308, -1e308, 100.0, 1.0]),
)


@st.composite
def extreme_case(draw: st.DrawFn):  # type: ignore[no-untyped-def]
    n = draw(st.integers(1, 6))
    start = draw(st.dates(date(2000, 1, 1), date(2090, 1, 1)))
    gaps = draw(st.lists(st.integers(1, 3000) | st.just(1), min_size=n - 1, max_size=n - 1))
    days = [start]
    for g in gaps:
        days.append(days[-1] + timedelta(days=g))
    bounded = draw(st.booleans())
    bounds = (0.0, 100.0) if bounded else None
    value = st.floats(0, 100) | st.sampled_from([0.0, 100.0]) if bounded else extreme
    values = draw(st.lists(value, min_size=n, max_size=n))
    target = draw(st.sampled_from([0.0, 100.0]) | st.floats(0, 100) if bounded else extreme)
    assume(abs(target - values[0]) > 0)
    deadline = days[-1] + timedelta(days=draw(st.integers(0, 3000)))
    direction = draw(st.sampled_from(list(Direction)))
    try:
        kpi = make_kpi(
            list(zip(days, values, strict=True)),
            target=target,
            deadline=deadline,
            bounds=bounds,
            direction=direction,
        )
    except MaebashiDXError:
        assume(False)  # not a valid KPI: out of scope here
    as_of = days[-1] + timedelta(days=draw(st.integers(0, 3)))
    return kpi, as_of


@pytest.mark.parametrize("method", BUILT_IN)
@given(case=extreme_case())
def test_extreme_inputs_give_finite_forecasts_or_a_library_error(method: str, case) -> None:  # type: ignore[no-untyped-def]
    """Huge values, tiny spans, data on the deadline, values at the bounds: either a
    forecast whose numbers are all finite with low ≤ value ≤ high, or no value and a
    note, or a MaebashiDXError; never NaN, inf or another exception."""
    kpi, as_of = case
    try:
        f = forecast(kpi, as_of, method=method)
    except MaebashiDXError:
        return
    numbers = [f.observed_pace, f.required_pace]
    if f.value is None:
        assert f.note
        assert f.interval is None
    else:
        assert f.interval is not None
        low, high = f.interval
        numbers += [f.value, low, high]
        tolerance = 1e-9 * max(1.0, abs(low), abs(high))
        assert low - tolerance <= f.value <= high + tolerance
    assert all(math.isfinite(x) for x in numbers if x is not None), f


# ------------------------------------------------------------- the naive baseline


def test_naive_carries_the_latest_value_forward() -> None:
    points = [(day(0), 10.0), (day(100), 30.0), (day(200), 25.0)]
    kpi = make_kpi(points, target=50.0, deadline=date(2025, 3, 31))
    f = forecast(kpi, day(300), method="naive")
    assert f.value == 25.0
    assert f.interval == (25.0, 25.0)
    assert f.observed_pace == 0.0
    assert f.points == ((day(200), 25.0),)
    assert f.basis == "naive: the latest value carried forward"
    assert f.attainment_date is None


# ------------------------------------------------------ attainment at the edges


class TestAttainmentAtTheEdges:
    """Targets on a bound, at zero, and slow paces."""

    DEADLINE = date(2035, 3, 31)

    def test_a_falling_line_reaches_a_target_on_its_lower_bound(self) -> None:
        """60 → 50.5 in 365 days; capped at the bound 0, reached on day 60 × 365 / 9.5 =
        2305.3, so on day 2306."""
        points = [(day(0), 60.0), (day(365), 50.5)]
        kpi = make_kpi(points, target=0.0, deadline=self.DEADLINE, direction=DOWN, bounds=(0, 100))
        assert forecast(kpi, day(365), method="linear").attainment_date == day(2306)

    def test_a_rising_line_reaches_a_target_on_its_upper_bound(self) -> None:
        """40 → 49.5 in 365 days; the bound 100 is reached on day 2305.3, so on 2306."""
        points = [(day(0), 40.0), (day(365), 49.5)]
        kpi = make_kpi(points, target=100.0, deadline=self.DEADLINE, bounds=(0, 100))
        assert forecast(kpi, day(365), method="linear").attainment_date == day(2306)

    def test_a_falling_line_without_bounds_reaches_zero_and_below(self) -> None:
        points = [(day(0), 60.0), (day(365), 50.5)]
        for target, when in ((0.0, 2306), (-10.0, 2690)):  # 2305.3 and 2689.5
            kpi = make_kpi(points, target=target, deadline=self.DEADLINE, direction=DOWN)
            assert forecast(kpi, day(365), method="linear").attainment_date == day(when)

    def test_a_constant_rate_never_reaches_zero_but_reaches_a_small_target(self) -> None:
        """Halving every 365 days from 8: 0 is never reached; 0.7 is, log2(8 / 0.7) =
        3.5146 halvings on (day 1282.8, so 1283)."""
        points = [(day(0), 8.0), (day(365), 4.0)]
        zero = make_kpi(points, target=0.0, deadline=self.DEADLINE, direction=DOWN)
        assert forecast(zero, day(365), method="cagr").attainment_date is None
        small = make_kpi(points, target=0.7, deadline=self.DEADLINE, direction=DOWN)
        assert forecast(small, day(365), method="cagr").attainment_date == day(1283)

    def test_an_s_curve_never_reaches_its_lower_bound(self) -> None:
        points = [(day(0), 60.0), (day(365), 50.0), (day(730), 35.0)]
        kpi = make_kpi(points, target=0.0, deadline=self.DEADLINE, direction=DOWN, bounds=(0, 100))
        assert forecast(kpi, day(730), method="logistic").attainment_date is None
        near = make_kpi(points, target=1.0, deadline=self.DEADLINE, direction=DOWN, bounds=(0, 100))
        assert forecast(near, day(730), method="logistic").attainment_date is not None

    def test_a_slow_pace_still_arrives(self) -> None:
        """0.5 per 365 days from 10: 11.55 is reached on day 1131.5, so on 1132."""
        points = [(day(0), 10.0), (day(365), 10.5)]
        kpi = make_kpi(points, target=11.55, deadline=self.DEADLINE)
        assert forecast(kpi, day(365), method="linear").attainment_date == day(1132)


# ------------------------------------------------ pace changes: value_at, pace_shift


def test_value_at_interpolates_between_snapshots() -> None:
    from maebashi_dx.forecast import value_at

    days = [day(0), day(10), day(30)]
    values = [0.0, 10.0, 50.0]
    assert value_at(days, values, day(10)) == 10.0
    assert value_at(days, values, day(20)) == 30.0
    assert value_at(days, values, day(5)) == 5.0
    assert value_at(days, values, day(29)) == pytest.approx(48.0)
    assert value_at(days, values, day(-1)) is None
    assert value_at(days, values, day(31)) is None


def yearly(values: list[float]) -> tuple[list[date], list[float]]:
    return [date(2015 + i, 4, 1) for i in range(len(values))], values


def test_pace_shift_by_hand() -> None:
    """Levels on the anniversaries of the latest point, going back: 62, 60, 35, 30, 10, 0
    (four years plus two levels); yearly changes 2, 25, 5, 20, 10; their largest change
    |2 − 25| = 23. The level 100 seven years back is beyond the window."""
    from maebashi_dx.forecast import pace_shift

    assert pace_shift(*yearly([100, 0, 10, 30, 35, 60, 62])) == 23
    assert pace_shift(*yearly([0, 10, 30, 35, 60, 62]), years=1) == 23  # 62, 60, 35
    assert pace_shift(*yearly([35, 60, 62])) == 23
    assert pace_shift(*yearly([60, 62])) is None  # one change only
    # Between snapshots: half-yearly points, anniversaries on them.
    days = [date(2020, 4, 1), date(2020, 10, 1), date(2021, 4, 1), date(2021, 10, 1)]
    days.append(date(2022, 4, 1))
    assert pace_shift(days, [0, 5, 10, 30, 50]) == 30  # changes 40, 10


def test_blend_interval_widened_by_past_changes_of_pace() -> None:
    """Seven yearly points (pace shift 23 a year): the interval is the hull of the members'
    forecasts and intervals and of the blend's value ± 23 × the years ahead."""
    days, values = yearly([100.0, 0.0, 10.0, 30.0, 35.0, 60.0, 62.0])
    deadline = date(2024, 3, 31)
    kpi = make_kpi(list(zip(days, values, strict=True)), target=99.0, deadline=deadline)
    as_of = days[-1]
    f = forecast(kpi, as_of)
    members = [forecast(kpi, as_of, method=m) for m in ("recent_6m", "cagr")]
    half = 23 * (deadline - as_of).days / YEAR_DAYS
    assert f.value is not None
    ends = [f.value - half, f.value + half]
    for m in members:
        assert m.value is not None
        assert m.interval is not None
        ends += [m.value, *m.interval]
    assert f.interval == pytest.approx((min(ends), max(ends)))
    assert "(23.00 a year)" in f.interval_basis
    bounded = attrs.evolve(kpi, bounds=(0.0, 100.0))
    g = forecast(bounded, as_of)
    assert g.interval == pytest.approx((max(0.0, min(ends)), min(100.0, max(ends))))


def test_blend_interval_uses_the_members_fitted_on_three_points_or_more() -> None:
    """linear (3 points, scattered) and two_point (2): the hull of both forecasts, the
    linear prediction interval (not the two-point heuristic) and, with under two years
    of history, the blend's pace stalling or doubling from the latest value."""
    points = [(day(0), 10.0), (day(100), 25.0), (day(200), 27.0)]
    deadline = date(2022, 3, 31)
    kpi = make_kpi(points, target=90.0, deadline=deadline)
    blend = BlendForecaster(
        name="mix", description="", members=("linear", "two_point"), weights=(0.5, 0.5)
    )
    data = series_input(kpi, day(200))
    f = run_forecaster(blend, data)
    lin, two = (run_forecaster(FORECASTERS.get(m), data) for m in ("linear", "two_point"))
    assert lin.interval is not None
    assert two.interval is not None
    assert lin.value is not None
    assert two.value is not None
    pace = (lin.observed_pace or 0) / 2 + (two.observed_pace or 0) / 2
    ahead = (deadline - day(200)).days / YEAR_DAYS
    ends = [lin.value, two.value, *lin.interval, 27.0, 27.0 + 2 * pace * ahead]
    assert f.interval == pytest.approx((min(ends), max(ends)))


def test_a_reference_of_two_points_is_enough_to_pool() -> None:
    points = [(day(0), 10.0), (day(100), 25.0), (day(200), 27.0), (day(300), 40.0)]
    kpi = make_kpi(points, target=90.0, deadline=date(2024, 3, 31))
    ref = Reference(label="県", days=(day(0), day(300)), values=(20.0, 32.0))
    f = forecast(kpi, day(300), reference=ref)
    assert f.basis.startswith("pooled: from the latest value at ")
    assert "(level 40 / 32)" in f.basis


def test_a_reference_with_a_repeated_day_is_refused() -> None:
    from maebashi_dx.errors import CalculationError

    with pytest.raises(CalculationError, match="days must increase, 2020-04-01 follows"):
        Reference(label="x", days=(day(0), day(0)), values=(1.0, 2.0))


def test_a_blend_member_left_out_first_leaves_the_next_one_in() -> None:
    points = [(day(0), 10.0), (day(100), 25.0), (day(200), 27.0), (day(300), 40.0)]
    data = series_input(make_kpi(points, target=90.0, deadline=date(2024, 3, 31)), day(300))
    blend = BlendForecaster(
        name="mix",
        description="",
        members=("linear", "two_point"),
        weights=(0.25, 0.75),
        min_history_days=(1000, 0),
    )
    f = run_forecaster(blend, data)
    assert f.value == pytest.approx(run_forecaster(FORECASTERS.get("two_point"), data).value)
    assert f.basis.startswith("mix: 100% two_point")


def test_three_points_over_two_years_show_the_change_of_pace() -> None:
    """35, 60, 62 a year apart: yearly changes 25 and 2, a pace shift of 23 a year; the
    blend's interval is widened by it rather than by the short-history rule."""
    days, values = yearly([35.0, 60.0, 62.0])
    kpi = make_kpi(list(zip(days, values, strict=True)), target=99.0, deadline=date(2020, 3, 31))
    f = forecast(kpi, days[-1])
    assert "(23.00 a year)" in f.interval_basis
    two = make_kpi(
        list(zip(days[1:], values[1:], strict=True)), target=99.0, deadline=date(2020, 3, 31)
    )
    assert forecast(two, days[-1]).interval_basis.startswith("short history")


# ------------------------------------------------- what every forecast carries


def test_a_forecast_names_its_kpi_day_level_and_points() -> None:
    points = [(day(0), 10.0), (day(100), 25.0), (day(200), 27.0)]
    kpi = make_kpi(points, target=90.0, deadline=date(2024, 3, 31), kpi_id="kpi9")
    f = forecast(kpi, day(250), method="linear", level=0.9)
    assert (f.kpi_id, f.method, f.as_of, f.deadline, f.level) == (
        "kpi9",
        "linear",
        day(250),
        date(2024, 3, 31),
        0.9,
    )
    assert f.points == tuple(points)
    # Without a value, the points and the required pace are still given.
    g = forecast(kpi, day(250), method="logistic")
    assert g.value is None
    assert g.points == tuple(points)
    assert g.required_pace == pytest.approx(
        (90 - 27) / ((date(2024, 3, 31) - day(200)).days / YEAR_DAYS)
    )


@pytest.mark.parametrize("level", [0.0, 1.0, -0.1, 1.5])
def test_the_level_is_strictly_between_zero_and_one(level: float) -> None:
    kpi = make_kpi([(day(0), 1.0), (day(9), 2.0)], target=9.0, deadline=date(2024, 3, 31))
    with pytest.raises(ValueError, match="level must be between 0 and 1"):
        forecast(kpi, day(9), level=level)
    assert forecast(kpi, day(9), level=0.999).interval is not None


def test_a_staged_kpi_is_forecast_within_its_ladder() -> None:
    """Ladder positions 0 .. 4 (five stages): the forecast and its interval stay within."""
    from maebashi_dx.datasets import maebashi_2022

    kpi = maebashi_2022().kpi("kpi4")
    data = series_input(kpi, date(2022, 5, 31))
    assert data.bounds == (0.0, float(len(kpi.ladder) - 1)) == (0.0, 4.0)
    f = forecast(kpi, date(2030, 1, 1), method="linear")
    assert f.interval is not None
    assert 0.0 <= f.interval[0] <= f.interval[1] <= 4.0
    assert f.value == 4.0


# ------------------------------------------------------------- a plugin's trend


@attrs.frozen
class _StepTrend:
    """A plugin's trend (not one of the built-ins): +10 a year from the latest point."""

    start: date
    level: float
    basis: str = "step: +10 a year"

    @property
    def points(self) -> tuple:  # type: ignore[type-arg]
        from maebashi_dx.forecast import Point

        return (Point(self.start, self.level),)

    def predict(self, when: date) -> float:
        return self.level + 10 * (when - self.start).days / 365

    def interval(self, when: date, level: float) -> tuple[float, float]:
        v = self.predict(when)
        return v - 1, v + 1

    def pace(self, when: date) -> float:
        return 10 * YEAR_DAYS / 365


@attrs.frozen
class _StepForecaster:
    name: str = "step"
    description: str = "+10 a year"

    def fit(self, data):  # type: ignore[no-untyped-def]
        return _StepTrend(start=data.days[-1], level=data.values[-1])


def test_a_plugin_trend_is_bisected_for_its_attainment_day() -> None:
    """40 + 10·d/365 ≥ 55 from d = 547.5: day 548 after the latest point; a target 1,500
    above is beyond the 100-year horizon; the trend's own points and texts are kept."""
    points = [(day(0), 30.0), (day(365), 40.0)]
    kpi = make_kpi(points, target=55.0, deadline=date(2024, 3, 31))
    data = series_input(kpi, day(365))
    f = run_forecaster(_StepForecaster(), data)
    assert f.attainment_date == day(365 + 548)
    assert f.points == ((day(365), 40.0),)
    assert f.basis == f.basis_text("ja") == "step: +10 a year"
    assert f.interval_basis == "heuristic from two points: the pace stalls (low) or doubles (high)"
    far = series_input(attrs.evolve(kpi, target=attrs.evolve(kpi.target, value=1500.0)), day(365))
    assert run_forecaster(_StepForecaster(), far).attainment_date is None
    met = series_input(attrs.evolve(kpi, target=attrs.evolve(kpi.target, value=35.0)), day(365))
    assert run_forecaster(_StepForecaster(), met).attainment_date == day(365)


def test_a_blend_with_a_plugin_member_bisects_over_the_horizon() -> None:
    FORECASTERS.register("step_for_test", _StepForecaster(name="step_for_test"))
    try:
        points = [(day(0), 30.0), (day(365), 40.0)]
        kpi = make_kpi(points, target=55.0, deadline=date(2024, 3, 31))
        blend = BlendForecaster(
            name="mix", description="", members=("two_point", "step_for_test"), weights=(0.5, 0.5)
        )
        data = series_input(kpi, day(365))
        f = run_forecaster(blend, data)
        trend = blend.fit(data)
        assert f.attainment_date is not None
        assert (
            trend.predict(f.attainment_date)
            >= 55
            > trend.predict(f.attainment_date - timedelta(days=1))
        )
    finally:
        FORECASTERS.unregister("step_for_test")


# --------------------------------------------------------- pooled, more edges


def test_pooled_below_one_and_with_a_long_history() -> None:
    """Rates as fractions (0.2 .. 0.5) are pooled like percentages; with three years of
    history the interval is widened by the pace shift and kept within the bounds."""
    days = [date(2019, 4, 1), date(2020, 4, 1), date(2021, 4, 1), date(2022, 4, 1)]
    own = [0.2, 0.3, 0.35, 0.5]
    ref = Reference(label="県", days=days, values=(0.25, 0.3, 0.4, 0.45))
    kpi = make_kpi(
        list(zip(days, own, strict=True)), target=0.9, deadline=date(2026, 3, 31), bounds=(0.0, 1.0)
    )
    f = forecast(kpi, days[-1], reference=ref)
    assert f.basis.startswith("pooled: from the latest value at ")
    assert "widened by the largest past change" in f.interval_basis
    assert f.interval is not None
    assert f.interval[1] == 1.0  # clamped at the upper bound
    assert 0.0 <= f.interval[0] < 0.5


def test_a_reference_starting_after_the_latest_value_falls_back() -> None:
    points = [(day(0), 10.0), (day(100), 25.0), (day(300), 40.0)]
    kpi = make_kpi(points, target=90.0, deadline=date(2024, 3, 31))
    ref = Reference(label="県", days=(day(320), day(380)), values=(20.0, 30.0))
    f = forecast(kpi, day(400), reference=ref)
    assert f.basis.startswith("pooled: 県 has no level above zero on 2021-01-26, so blend: ")


def test_the_two_point_reference_sets_the_pooled_pace() -> None:
    points = [(day(0), 10.0), (day(100), 25.0), (day(200), 27.0), (day(300), 40.0)]
    kpi = make_kpi(points, target=90.0, deadline=date(2024, 3, 31))
    ref = Reference(label="県", days=(day(0), day(300)), values=(20.0, 32.0))
    f = forecast(kpi, day(300), reference=ref)
    own = forecast(kpi, day(300), method="recent_6m").observed_pace
    assert own is not None
    assert f.observed_pace == pytest.approx(0.25 * own + 0.75 * 12 / 300 * YEAR_DAYS * 40 / 32)


def test_pooling_needs_a_straight_line() -> None:
    points = [(day(0), 10.0), (day(100), 25.0), (day(300), 40.0)]
    kpi = make_kpi(points, target=90.0, deadline=date(2024, 3, 31))
    ref = Reference(label="県", days=(day(0), day(300)), values=(20.0, 32.0))
    curved = attrs.evolve(FORECASTERS.get("pooled"), line="cagr")
    f = run_forecaster(curved, series_input(kpi, day(300), ref))
    assert f.value is None
    assert f.note == "pooled: 'cagr' must fit a straight line to pool"
    assert f.note_text("ja") == (
        "参照系列を加味した予測：加味するには直線を当てはめる手法が必要（年平均成長率は該当しない）"
    )


def test_blend_interval_within_wide_bounds_is_the_unbounded_one() -> None:
    days, values = yearly([100.0, 0.0, 10.0, 30.0, 35.0, 60.0, 62.0])
    kpi = make_kpi(list(zip(days, values, strict=True)), target=99.0, deadline=date(2024, 3, 31))
    wide = attrs.evolve(kpi, bounds=(-1e6, 1e6))
    assert forecast(wide, days[-1]).interval == forecast(kpi, days[-1]).interval


def test_a_plugin_trend_keeps_its_own_interval_basis() -> None:
    @attrs.frozen
    class Explained(_StepTrend):
        interval_basis: str = "±1 around the step"

    @attrs.frozen
    class ExplainedForecaster(_StepForecaster):
        def fit(self, data):  # type: ignore[no-untyped-def]
            return Explained(start=data.days[-1], level=data.values[-1])

    points = [(day(0), 30.0), (day(365), 40.0)]
    kpi = make_kpi(points, target=55.0, deadline=date(2024, 3, 31))
    f = run_forecaster(ExplainedForecaster(), series_input(kpi, day(365)))
    assert f.interval_basis == "±1 around the step"
    assert f.interval_basis_text("ja") == "±1 around the step"  # the plugin's own words
