"""The attainment date: the first day a fitted trend meets the target (or the day the
history first met it).

A straight line says when in closed form (:meth:`_LineTrend.solve`). A blend of lines
meets the target between the first and the last day its members do; where every member
moves toward the target with a positive weight the blend is monotone in time, and its
first day is found by interpolation in a handful of evaluations. Anything else (a plugin's
trend, a blend whose members pull apart) is searched by bisection, day by day.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from datetime import date, timedelta

from maebashi_dx.forecast.series import (
    _HORIZON_YEARS,
    YEAR_DAYS,
    SeriesInput,
    Trend,
)
from maebashi_dx.forecast.trends import (
    Line,
    Space,
    back,
    cap,
    crossing,
    fitted_trends,
    solve_line,
    to_space,
)

_HORIZON = timedelta(days=int(_HORIZON_YEARS * YEAR_DAYS))
_HORIZON_DAYS = _HORIZON.days

# The searches below count days as proleptic Gregorian ordinals (date.toordinal): whole
# numbers, so a step is an addition, not a timedelta and a new date.
Gap = Callable[[int], float]  # how far a trend is past its target on a day (>= 0: met)


def history_met(
    days: Sequence[date], values: Sequence[float], sign: int, target: float
) -> date | None:
    """The first day the history met the target (``sign``: +1 where higher is better),
    or None when it never did."""
    best = max(values) if sign > 0 else min(values)
    if sign * (best - target) >= 0:  # met already: when first?
        for day, value in zip(days, values, strict=True):
            if sign * (value - target) >= 0:
                return day
    return None


def _attainment(data: SeriesInput, trend: Trend) -> date | None:
    line_trend, _, blend_trend, pooled_trend = fitted_trends()
    sign, target = data.direction.sign, data.target
    met = history_met(data.days, data.values, sign, target)
    if met is not None:
        return met
    if isinstance(trend, (line_trend, pooled_trend)):
        return trend.solve(target, sign, data.as_of)
    if isinstance(trend, blend_trend):
        members = trend.members
        if all(isinstance(m, line_trend) for m in members):
            lines = [m.line for m in members if isinstance(m, line_trend)]
            return blend_attainment(trend.weights, lines, sign, target, data.as_of)

    def gap(day: int) -> float:
        """How far the trend is past the target on ``day`` (≥ 0: it meets it)."""
        return sign * (trend.predict(date.fromordinal(day)) - target)

    after = data.as_of.toordinal()
    if isinstance(trend, blend_trend) and gap(after) >= 0:
        return data.as_of  # a blend with a plugin's member: met now
    found = _over_horizon(gap, after, monotone=False)
    return None if found is None else date.fromordinal(found)


def blend_attainment(
    weights: Sequence[float], lines: Sequence[Line], sign: int, target: float, after: date
) -> date | None:
    """The first day from ``after`` a blend of lines (not yet met in its history) meets
    ``target``: between the days its members cross it when the blend is monotone, else
    between the days its members meet it, else searched over the whole horizon."""
    gap = _blend_gap(weights, lines, sign, target)
    monotone = _monotone(weights, lines, sign)
    first = after.toordinal()
    found = None
    if monotone:
        found = _first_day_near_crossings(lines, gap, target, first)
    if found is None:
        found = _solve_blend(lines, gap, target, sign, after, monotone=monotone)
    if found is None:  # a member never meets it: search the whole horizon
        found = _over_horizon(gap, first, monotone=monotone)
    return None if found is None else date.fromordinal(found)


def _over_horizon(gap: Gap, after: int, *, monotone: bool) -> int | None:
    """The first day from ``after`` within the horizon on which ``gap`` ≥ 0, None when
    the horizon's end does not meet it: regula falsi when the gap is monotone, else
    bisection (a plugin's trend is assumed monotone in time)."""
    lo, hi = after, after + _HORIZON_DAYS
    g_hi = gap(hi)
    if g_hi < 0:
        return None
    g_lo = gap(lo)
    if g_lo >= 0:
        return lo
    if monotone:
        return _first_day(gap, lo, g_lo, hi, g_hi)
    return _bisect(gap, lo, hi)


def _monotone(weights: Sequence[float], lines: Sequence[Line], sign: int) -> bool:
    """Whether a blend of lines moves toward the target (or stays) as time goes on: every
    line moving that way or flat, every weight non-negative. Each line's value is then
    monotone (a rising line through a monotone back-transform, capped by ordered
    bounds), and so is their weighted sum: its first day meeting the target is unique."""
    for w in weights:
        if w < 0:
            return False
    for line in lines:
        if sign * line.b < 0:
            return False
        if line.bounds is not None and not line.bounds[0] <= line.bounds[1]:
            return False
        if line.space == "logit" and not line.lower < line.upper:
            return False
    return True


def _blend_gap(weights: Sequence[float], lines: Sequence[Line], sign: int, target: float) -> Gap:
    """The gap of a blend of lines on a day (an ordinal), as ``sign *
    (trend.predict(day) - target)`` computes it, operation for operation
    (:func:`~maebashi_dx.forecast.trends.line_at`'s :func:`back` and :func:`cap` in the
    same order, the members summed as ``sum`` does), without a call per member and day:
    the search evaluates it a few times per KPI."""
    parts_of: list[tuple[float, float, float, int, Space, float, float, float | None, float]] = []
    for weight, line in zip(weights, lines, strict=True):
        low, high = line.bounds or (None, 0.0)
        origin = line.origin.toordinal()
        parts_of.append(
            (weight, line.a, line.b, origin, line.space, line.lower, line.upper, low, high)
        )

    def gap(ordinal: int) -> float:
        parts = []
        for weight, a, b, origin, space, lower, upper, low, high in parts_of:
            # line_at: the line in its space, back-transformed, capped.
            z = a + b * ((ordinal - origin) / YEAR_DAYS)
            value = z if space == "identity" else back(space, z, lower, upper)
            if low is not None:
                value = cap(value, low, high)
            parts.append(weight * value)
        return sign * (sum(parts) - target)

    return gap


def _first_day_near_crossings(
    lines: Sequence[Line], gap: Gap, target: float, after: int
) -> int | None:
    """The first day from ``after`` a monotone blend of lines meets ``target``, searched
    between the days its lines cross it (:func:`crossing`, a day either side for
    rounding); None when that bracket does not hold the day within the horizon (the
    caller then searches as before).

    For a gap non-decreasing in time the first day is the same in any bracket that
    holds it, so this gives what the members' own solutions give, without settling each
    of them on whole days first.
    """
    days = []
    for line in lines:
        if line.b == 0:
            return None
        if (line.space == "log" and target <= 0) or (
            line.space == "logit" and not line.lower < target < line.upper
        ):
            return None
        x = crossing(to_space(line, target), line.a, line.b) * YEAR_DAYS
        if not -_HORIZON_DAYS < x < 2 * _HORIZON_DAYS:
            return None
        days.append(line.origin.toordinal() + math.floor(x))
    lo = max(after, min(days) - 1)
    hi = max(days) + 2
    if hi > after + _HORIZON_DAYS:
        return None
    g_lo = gap(lo)
    if g_lo >= 0:
        return after if lo == after else None
    g_hi = gap(hi)
    if g_hi < 0:
        return None
    return _first_day(gap, lo, g_lo, hi, g_hi)


def _solve_blend(
    lines: Sequence[Line],
    gap: Gap,
    target: float,
    sign: int,
    after: date,
    *,
    monotone: bool,
) -> int | None:
    """The first day (an ordinal) from ``after`` the blend meets ``target``. A weighted
    mean of monotone lines meets it between the first and the last day its lines do, so
    the search is within that bracket; None when a line never does."""
    first = after.toordinal()
    if gap(first) >= 0:
        return first
    dates = []
    for line in lines:
        found = solve_line(line, target, sign, after)
        if found is None:
            return None
        dates.append(found.toordinal())
    lo, hi = max(first, min(dates)), max(dates)
    g_hi = gap(hi)
    if g_hi < 0:
        return None
    if not monotone:
        return _bisect(gap, lo, hi)
    g_lo = gap(lo)
    if g_lo >= 0:
        return lo
    return _first_day(gap, lo, g_lo, hi, g_hi)


def _bisect(gap: Gap, lo: int, hi: int) -> int:
    """Bisection on whole days between ``lo`` and ``hi`` (which meets): the day it settles
    on, ``lo`` if that meets too."""
    while hi - lo > 1:
        mid = lo + (hi - lo) // 2
        if gap(mid) >= 0:
            hi = mid
        else:
            lo = mid
    return lo if gap(lo) >= 0 else hi


def _first_day(gap: Gap, lo: int, g_lo: float, hi: int, g_hi: float) -> int:
    """The first day after ``lo`` on which a gap non-decreasing in time is ≥ 0, given
    gap(lo) < 0 <= gap(hi).

    Convention: the Illinois variant of regula falsi (Dowell & Jarratt 1971) on whole
    days: each step guesses the crossing by linear interpolation between the bracket's
    ends, and an end kept twice in a row has its gap halved, so neither end sticks. A
    step that does not halve the bracket is followed by a bisection step, so the search
    never takes more than twice bisection's steps (a gap flat at zero, a trend capped at
    its target, is the case that needs it). For a monotone gap every bracket holds the
    same first day, so this returns what bisection returns, in fewer evaluations: a blend
    of a line and a growth curve is nearly straight over its members' bracket (4.2 on
    average against 9.7 for bisection on the national benchmark's KPIs).
    """
    f_lo, f_hi = g_lo, g_hi  # the ends' gaps as the interpolation weighs them
    kept = 0  # which end the last step kept: -1 the low one, 1 the high one
    halve = False
    while True:
        span = hi - lo
        if span <= 1:
            return hi
        # Gaps near the float range's floor can make the ends equal (a halved end
        # underflows to zero): no interpolation then, a bisection step.
        spread = f_hi - f_lo
        share = -f_lo / spread if spread > 0 else math.nan
        if halve or not math.isfinite(share):
            step = span // 2
        else:
            step = min(span - 1, max(1, math.ceil(share * span)))
        mid = lo + step
        g = gap(mid)
        if g >= 0:
            hi, f_hi = mid, g
            if kept == -1:
                f_lo /= 2
            kept = -1
        else:
            lo, f_lo = mid, g
            if kept == 1:
                f_hi /= 2
            kept = 1
        halve = not halve and (hi - lo) * 2 > span
