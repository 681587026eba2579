"""The attainment date's search against the plain one: bisection day by day within the
members' bracket, then over the whole horizon (what the search did before it learned
to interpolate). Same day, or None, on every trend: blends that move toward the target,
blends whose members pull apart, weights of either sign, and a plugin's trend."""

from __future__ import annotations

import math
from datetime import date, timedelta

import attrs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from maebashi_dx.forecast import FORECASTERS, SeriesInput
from maebashi_dx.forecast.attainment import _attainment, _first_day, _monotone
from maebashi_dx.forecast.combine import BlendForecaster
from maebashi_dx.forecast.fitted import _BlendTrend, _LineTrend, _PooledTrend
from maebashi_dx.forecast.series import _HORIZON_YEARS, YEAR_DAYS, Trend
from maebashi_dx.model import Direction


def _bisect_reference(data: SeriesInput, trend: Trend, lo: date, hi: date) -> date:
    while (hi - lo).days > 1:
        mid = lo + (hi - lo) / 2
        if data.meets(trend.predict(mid)):
            hi = mid
        else:
            lo = mid
    return lo if data.meets(trend.predict(lo)) else hi


def _blend_reference(data: SeriesInput, trend: _BlendTrend) -> date | None:
    after = data.as_of
    if data.meets(trend.predict(after)):
        return after
    dates = []
    for member in trend.members:
        if not isinstance(member, _LineTrend):
            return None
        found = member.solve(data.target, data.direction.sign, after)
        if found is None:
            return None
        dates.append(found)
    lo, hi = max(after, min(dates)), max(dates)
    if not data.meets(trend.predict(hi)):
        return None
    return _bisect_reference(data, trend, lo, hi)


def attainment_reference(data: SeriesInput, trend: Trend) -> date | None:
    for day, value in zip(data.days, data.values, strict=True):
        if data.meets(value):
            return day
    if isinstance(trend, _LineTrend | _PooledTrend):
        return trend.solve(data.target, data.direction.sign, data.as_of)
    if isinstance(trend, _BlendTrend):
        found = _blend_reference(data, trend)
        if found is not None:
            return found
    lo = data.as_of
    hi = data.as_of + timedelta(days=int(_HORIZON_YEARS * YEAR_DAYS))
    if not data.meets(trend.predict(hi)):
        return None
    if data.meets(trend.predict(lo)):
        return lo
    return _bisect_reference(data, trend, lo, hi)  # lo does not meet: ends on hi


@st.composite
def inputs(draw: st.DrawFn) -> SeriesInput:
    """A monthly series of a year to six, rising or falling with noise, its target ahead
    or behind, bounded or not."""
    n = draw(st.integers(13, 72))
    start = draw(st.dates(date(2010, 1, 1), date(2025, 1, 1)))
    level = draw(st.floats(0.5, 80))
    pace = draw(st.floats(-2, 2))
    curve = draw(st.floats(-0.05, 0.05))
    noise = draw(st.floats(0, 3))
    seed = draw(st.integers(0, 1000))
    bounded = draw(st.booleans())
    days = tuple(start + timedelta(days=round(30.44 * m)) for m in range(n))
    values = []
    for m in range(n):
        v = level + pace * m + curve * m * m + noise * math.sin(seed + 2.3 * m)
        values.append(min(99.5, max(0.5, v)) if bounded else max(0.01, v))
    target = draw(st.floats(0.5, 150.0))
    if bounded:
        target = min(target, 100.0)
    direction = draw(st.sampled_from(list(Direction)))
    return SeriesInput(
        kpi_id="k",
        days=days,
        values=tuple(values),
        target=target,
        deadline=days[-1] + timedelta(days=draw(st.integers(30, 4000))),
        as_of=days[-1] + timedelta(days=draw(st.integers(0, 60))),
        direction=direction,
        bounds=(0.0, 100.0) if bounded else None,
    )


members = st.sampled_from(["recent_6m", "cagr", "linear", "recent", "aroc", "two_point"])


@st.composite
def blends(draw: st.DrawFn) -> BlendForecaster:
    names = draw(st.lists(members, min_size=1, max_size=3, unique=True))
    weights = draw(
        st.lists(st.floats(-0.5, 1.0), min_size=len(names), max_size=len(names)).filter(
            lambda ws: abs(sum(ws)) > 0.05
        )
    )
    return BlendForecaster(
        name="b", description="test blend", members=tuple(names), weights=tuple(weights)
    )


settings_ = settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])


@settings_
@given(data=inputs())
def test_default_blend_attains_on_the_reference_day(data: SeriesInput) -> None:
    trend = FORECASTERS.get("blend").fit(data)
    assert _attainment(data, trend) == attainment_reference(data, trend)


@settings_
@given(data=inputs(), blend=blends())
def test_any_blend_attains_on_the_reference_day(data: SeriesInput, blend: BlendForecaster) -> None:
    trend = blend.fit(data)
    assert _attainment(data, trend) == attainment_reference(data, trend)


@attrs.frozen
class _Wave:
    """A plugin's trend that is not monotone: the search is bisection, as before."""

    base: float
    origin: date

    @property
    def basis(self) -> str:
        return "wave"

    @property
    def points(self) -> tuple[()]:
        return ()

    def predict(self, day: date) -> float:
        x = (day - self.origin).days / 365.25
        return self.base + 10 * x + 30 * math.sin(x)

    def interval(self, day: date, level: float) -> tuple[float, float]:
        return self.predict(day), self.predict(day)

    def pace(self, day: date) -> float:
        return 10.0


@settings_
@given(data=inputs(), base=st.floats(-100, 100))
def test_a_plugin_trend_is_bisected(data: SeriesInput, base: float) -> None:
    trend = _Wave(base, data.as_of)
    assert _attainment(data, trend) == attainment_reference(data, trend)


@given(
    start=st.dates(date(2000, 1, 1), date(2050, 1, 1)),
    span=st.integers(1, 40000),
    data=st.data(),
)
def test_first_day_of_a_monotone_step(start: date, span: int, data: st.DataObject) -> None:
    """Any non-decreasing gap: a line, a steep curve, a step, a plateau at zero."""
    cross = data.draw(st.integers(1, span))
    shape = data.draw(st.sampled_from(["line", "cube", "step", "flat", "huge", "exp"]))
    calls = []

    def gap(day: int) -> float:  # an ordinal
        calls.append(day)
        d = day - start.toordinal() - cross
        if shape == "line":
            return d + 0.5
        if shape == "cube":
            return float(d**3) + 0.25
        if shape == "step":
            return -1.0 if d < 0 else 1.0
        if shape == "flat":  # a trend capped at its target: zero from the crossing on
            return min(0.0, float(d))
        if shape == "exp":
            return math.exp(min(d / 50, 700.0)) - 1 + 1e-9
        return -1e308 if d < 0 else 1e308

    first, end = start.toordinal(), start.toordinal() + span
    g_start, g_end = gap(first), gap(end)
    calls.clear()
    assert _first_day(gap, first, g_start, end, g_end) == first + cross
    # never more than twice bisection's steps
    assert len(calls) <= 2 * math.ceil(math.log2(span)) + 1 if span > 1 else not calls


def _monthly(values: list[float], *, target: float) -> SeriesInput:
    days = tuple(date(2019, 4, 30) + timedelta(days=round(30.44 * m)) for m in range(len(values)))
    return SeriesInput(
        kpi_id="k",
        days=days,
        values=tuple(values),
        target=target,
        deadline=date(2030, 3, 31),
        as_of=days[-1],
    )


def _monotone_fit(trend: Trend, sign: int) -> bool:
    """_monotone on a fitted blend of lines."""
    assert isinstance(trend, _BlendTrend)
    lines = [m.line for m in trend.members if isinstance(m, _LineTrend)]
    assert len(lines) == len(trend.members)
    return _monotone(trend.weights, lines, sign)


def test_only_a_blend_moving_toward_its_target_counts_as_monotone() -> None:
    rising = _monthly([10.0 + m for m in range(36)], target=80.0)
    # rising for three years, falling over the last six months: the 6-month line recedes
    turning = _monthly([10.0 + m for m in range(30)] + [40.0 - m for m in range(6)], target=80.0)
    blend = FORECASTERS.get("blend")
    assert _monotone_fit(blend.fit(rising), 1)
    assert not _monotone_fit(blend.fit(rising), -1)  # a falling target: both recede
    assert not _monotone_fit(blend.fit(turning), 1)
    negative = BlendForecaster(
        name="b", description="", members=("linear", "cagr"), weights=(1.5, -0.5)
    )
    assert not _monotone_fit(negative.fit(rising), 1)


def test_first_day_when_the_gaps_underflow_to_zero() -> None:
    """Gaps at the float range's floor: halving the kept end gives -0.0, the ends' gaps
    are then equal and the step is a bisection, not a division by zero (found by
    test_extreme_inputs_give_finite_forecasts_or_a_library_error)."""
    tiny = -5e-324  # the smallest subnormal; half of it is -0.0
    crossing = date(2000, 3, 1).toordinal()

    def gap(day: int) -> float:
        return tiny if day < crossing else 0.0

    lo, hi = date(2000, 1, 1).toordinal(), date(2000, 12, 31).toordinal()
    assert _first_day(gap, lo, gap(lo), hi, gap(hi)) == crossing
