"""The attainment date of a monotone blend, found between its members' crossings, is the
day the members' own solutions (or the whole horizon's search) give."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from maebashi_dx.forecast import FORECASTERS
from maebashi_dx.forecast.attainment import (
    _HORIZON,
    _attainment,
    _blend_gap,
    _first_day,
    _first_day_near_crossings,
    _monotone,
    _solve_blend,
)
from maebashi_dx.forecast.fitted import _BlendTrend, _LineTrend
from maebashi_dx.forecast.series import SeriesInput
from maebashi_dx.forecast.trends import Line
from maebashi_dx.model import Direction

START = date(2018, 4, 30)


def _lines(trend: _BlendTrend) -> list[Line]:
    """A fitted blend's members' lines (every member is one)."""
    lines = [m.line for m in trend.members if isinstance(m, _LineTrend)]
    assert len(lines) == len(trend.members)
    return lines


def _reference(data: SeriesInput, trend: _BlendTrend) -> date | None:
    """The search as it was before the crossings' bracket (the members' solutions, then
    the whole horizon)."""
    sign, target = data.direction.sign, data.target

    def gap(day: int) -> float:
        return sign * (trend.predict(date.fromordinal(day)) - target)

    found = _solve_blend(_lines(trend), gap, target, sign, data.as_of, monotone=True)
    if found is not None:
        return date.fromordinal(found)
    lo = data.as_of.toordinal()
    hi = (data.as_of + _HORIZON).toordinal()
    g_hi, g_lo = gap(hi), gap(lo)
    if g_hi < 0:
        return None
    if g_lo >= 0:
        return data.as_of
    return date.fromordinal(_first_day(gap, lo, g_lo, hi, g_hi))


def _series(
    start: float,
    pace: float,
    noise: list[float],
    target: float,
    bounded: bool,
    direction: Direction = Direction.INCREASE,
) -> SeriesInput:
    """A monthly series of a steady pace with noise, its deadline 1,500 days out."""
    days = tuple(START + timedelta(days=30 * i) for i in range(len(noise)))
    values = tuple(max(0.1, start + pace * i / 12 + e) for i, e in enumerate(noise))
    return SeriesInput(
        kpi_id="k",
        days=days,
        values=values,
        target=target,
        deadline=days[-1] + timedelta(days=1500),
        as_of=days[-1],
        direction=direction,
        bounds=(0.0, 100.0) if bounded else None,
    )


# The series the tests draw: _series's arguments, and the KPI's direction.
_SERIES = {
    "start": st.floats(1, 90),
    "pace": st.floats(-5, 20),
    "noise": st.lists(st.floats(-2, 2), min_size=3, max_size=60),
    "target": st.floats(0.5, 150),
    "rising": st.booleans(),
    "bounded": st.booleans(),
}


@settings(max_examples=300)
@given(**_SERIES)
def test_the_crossings_bracket_gives_the_first_day(
    start: float,
    pace: float,
    noise: list[float],
    target: float,
    rising: bool,
    bounded: bool,
) -> None:
    direction = Direction.INCREASE if rising else Direction.DECREASE
    data = _series(start, pace, noise, target, bounded, direction)
    values = data.values
    trend = FORECASTERS.get("blend").fit(data)
    assert isinstance(trend, _BlendTrend)
    sign = direction.sign
    if not _monotone(trend.weights, _lines(trend), sign) or any(
        sign * (v - target) >= 0 for v in values
    ):
        return
    want = _reference(data, trend)
    assert _attainment(data, trend) == want

    def gap(day: int) -> float:
        return sign * (trend.predict(date.fromordinal(day)) - target)

    fast = _first_day_near_crossings(_lines(trend), gap, target, data.as_of.toordinal())
    assert fast is None or date.fromordinal(fast) == want


@given(
    **_SERIES,
    ahead=st.lists(st.integers(-4000, 40000), min_size=1, max_size=5),
)
def test_the_blend_gap_is_the_trend_s_own_to_the_bit(
    start: float,
    pace: float,
    noise: list[float],
    target: float,
    rising: bool,
    bounded: bool,
    ahead: list[int],
) -> None:
    data = _series(start, pace, noise, target, bounded)
    trend = FORECASTERS.get("blend").fit(data)
    assert isinstance(trend, _BlendTrend)
    sign = 1 if rising else -1
    gap = _blend_gap(trend.weights, _lines(trend), sign, target)
    for n in ahead:
        day = data.as_of + timedelta(days=n)
        assert gap(day.toordinal()) == sign * (trend.predict(day) - target)
