"""Vectorised forecasters: the built-in forecasters applied to every KPI at once.

The points of all KPIs lie in flat numpy arrays, sorted by KPI then day (``Points``).
Each kernel computes what :func:`maebashi_dx.forecast.run_forecaster` and the attainment
date compute for one KPI, for every KPI together, through the same formulas: the
functions of :mod:`maebashi_dx.forecast.trends`, :mod:`~maebashi_dx.forecast.intervals`
and :mod:`~maebashi_dx.forecast.combine` are written once on plain arithmetic and are
called here with ``xp=numpy``. Sums run point by point in date order (``np.bincount``),
as Python's ``sum`` does, so the figures are the same to the last bit on Python 3.11
(3.12's ``sum`` compensates its rounding: then they agree to about 1e-15).

Days are proleptic Gregorian ordinals (``date.toordinal``); a missing value is NaN, a
missing day -1.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

import attrs
import numpy as np
from numpy.typing import NDArray

from maebashi_dx.forecast import FORECASTERS, Reference, SeriesInput, student_t_quantile
from maebashi_dx.forecast.combine import BlendForecaster, PooledForecaster, pooled_pace
from maebashi_dx.forecast.intervals import doubled_pace, pace_change
from maebashi_dx.forecast.series import _HORIZON_YEARS, YEAR_DAYS, months_before, value_at
from maebashi_dx.forecast.trends import (
    NaiveForecaster,
    Space,
    TrendForecaster,
    back,
    cap,
    crossing,
    forward,
    line_pace,
    ols_line,
    prediction_se,
    residual_sigma,
    residual_ssr,
    stall_or_double,
)

__all__ = ["Outcome", "Points", "has_kernel", "run_kernel"]

Floats = NDArray[np.float64]
Ints = NDArray[np.int64]
Bools = NDArray[np.bool_]

_A = TypeVar("_A", NDArray[np.float64], NDArray[np.int64])

NONE_DAY = -1
_HORIZON_DAYS = int(_HORIZON_YEARS * YEAR_DAYS)
_SOME_DAY = date(2000, 1, 1).toordinal()  # stands in for the last day of a KPI without points
_STEP = 15  # days either side of a day for the pace of a curved line (see line_pace)


@attrs.frozen(kw_only=True)
class Points:
    """Every KPI's points (baseline then measurements up to the day), and its target.

    Attributes:
        seg: The KPI (0..n-1) of each point; points are sorted by KPI then day.
        day: Each point's day (ordinal).
        value: Each point's value.
        start: Index of each KPI's first point (``start[k+1]`` ends it; length n + 1).
        target: Each KPI's target.
        due: Each KPI's deadline (ordinal).
        sign: +1 where higher is better, -1 where lower is.
        lower: Each KPI's lower bound (-inf without bounds).
        upper: Each KPI's upper bound (+inf without bounds).
        as_of: The day of the assessment (ordinal).
    """

    seg: Ints
    day: Ints
    value: Floats
    start: Ints
    target: Floats
    due: Ints
    sign: Floats
    lower: Floats
    upper: Floats
    as_of: int

    @property
    def n(self) -> int:
        """The number of KPIs."""
        return len(self.start) - 1

    @property
    def count(self) -> Ints:
        """Each KPI's number of points."""
        return np.diff(self.start)

    def last(self, array: _A, fill: float = np.nan) -> _A:
        """Each KPI's last element of a per-point array (``fill`` for a KPI without)."""
        out = np.full(self.n, fill, dtype=array.dtype)
        has = self.count > 0
        out[has] = array[self.start[1:][has] - 1]
        return out

    def first(self, array: _A, fill: float = np.nan) -> _A:
        """Each KPI's first element of a per-point array (``fill`` for a KPI without)."""
        out = np.full(self.n, fill, dtype=array.dtype)
        has = self.count > 0
        out[has] = array[self.start[:-1][has]]
        return out


@attrs.frozen(kw_only=True)
class Outcome:
    """What a forecaster gives each KPI (NaN / -1 where the forecast has no value).

    Attributes:
        value: The forecast at the deadline.
        low: The interval's lower end.
        high: The interval's upper end.
        pace: The observed pace on the day of the assessment, per year.
        attained: The attainment date (ordinal), -1 for none.
    """

    value: Floats
    low: Floats
    high: Floats
    pace: Floats
    attained: Ints


def _years(day: Any, origin: Any) -> Floats:
    return np.asarray((day - origin) / YEAR_DAYS, dtype=np.float64)


def _sums(seg: Ints, weights: Floats, n: int) -> Floats:
    # Point by point in order, as Python's sum() of the scalar forecasters.
    return np.asarray(np.bincount(seg, weights=weights, minlength=n), dtype=np.float64)


@attrs.frozen(kw_only=True)
class _Lines:
    """A line z = a + b·x per KPI, as a fitted :class:`maebashi_dx.forecast.trends.Line`
    holds one (its ``a`` and ``b``)."""

    ok: Bools
    space: Space
    a: Floats
    b: Floats
    n: Ints
    sigma: Floats
    x_mean: Floats
    sxx: Floats
    origin: Ints
    last_day: Ints
    z_last: Floats
    lower: Floats
    upper: Floats

    def z(self, day: Ints) -> Floats:
        return np.asarray(self.a + self.b * _years(day, self.origin), dtype=np.float64)

    def predict(self, day: Ints) -> Floats:
        values = back(self.space, self.z(day), 0.0, 1.0, np)
        return np.asarray(cap(values, self.lower, self.upper, np), dtype=np.float64)

    def interval(self, day: Ints, level: float) -> tuple[Floats, Floats]:
        x = _years(day, self.origin)
        z = self.a + self.b * x
        t = _t_quantiles(self.n, level)
        se = prediction_se(self.sigma, self.n, x, self.x_mean, self.sxx, np)
        far = stall_or_double(self.z_last, self.b, x, _years(self.last_day, self.origin), np)

        def capped(e: Floats) -> Floats:
            return np.asarray(cap(back(self.space, e, 0.0, 1.0, np), self.lower, self.upper, np))

        scatter = self.sigma > 0
        c0 = capped(np.where(scatter, z - t * se, self.z_last))
        c1 = capped(np.where(scatter, z + t * se, far))
        c2 = capped(np.where(scatter, z - t * se, z))
        return np.minimum(np.minimum(c0, c1), c2), np.maximum(np.maximum(c0, c1), c2)

    def pace(self, day: Ints | int) -> Floats:
        before = _years(day - _STEP, self.origin)
        after = _years(day + _STEP, self.origin)
        pace = line_pace(self.space, self.a, self.b, before, after, 0.0, 1.0, np)
        return np.broadcast_to(np.asarray(pace, dtype=np.float64), self.a.shape).copy()

    def meets(self, day: Ints, target: Floats, sign: Floats) -> Bools:
        return np.asarray(sign * (self.predict(day) - target) >= 0)

    def solve(self, target: Floats, sign: Floats, after: int) -> Ints:
        """The first day from ``after`` the line meets the target, as ``trends.solve_line``."""
        after_days = np.full(len(self.a), after, dtype=np.int64)
        met_now = self.meets(after_days, target, sign)
        reachable = self.lower <= target
        reachable &= target <= self.upper
        if self.space == "log":
            reachable &= target > 0
        reachable &= sign * self.b > 0
        f_target = forward(self.space, np.where(reachable, target, 1.0), 0.0, 1.0, np)
        x = crossing(f_target, self.a, np.where(reachable, self.b, 1.0))
        reachable &= x <= _years(after, self.origin) + _HORIZON_YEARS
        ahead = np.ceil(np.where(reachable, x, 0.0) * YEAR_DAYS)
        day = np.maximum(after_days, self.origin + np.maximum(0.0, ahead).astype(np.int64))
        for _ in range(3):  # the crossing is within a day of x: settle on whole days
            earlier = (day > after) & self.meets(day - 1, target, sign)
            later = ~earlier & ~self.meets(day, target, sign)
            day = np.where(earlier, day - 1, np.where(later, day + 1, day))
        found = reachable & self.meets(day, target, sign)
        return np.where(met_now, after_days, np.where(found, day, NONE_DAY))


def _t_quantiles(n: Ints, level: float) -> Floats:
    """Student's t quantile for each KPI's n - 2 degrees of freedom (1 where n < 3)."""
    out = np.ones(len(n))
    for size in np.unique(n[n >= 3]).tolist():
        out[n == size] = student_t_quantile((1 + level) / 2, size - 2)
    return out


def _select(p: Points, forecaster: TrendForecaster) -> Bools:
    """Which points the forecaster's line goes through, as ``TrendForecaster._select``."""
    index = np.arange(len(p.day))
    end = p.start[1:][p.seg]
    if forecaster.selection == "endpoints":
        return np.asarray((index == p.start[:-1][p.seg]) | (index == end - 1))
    if forecaster.selection == "window":
        since = months_before(date.fromordinal(p.as_of), forecaster.window_months).toordinal()
        inside = p.day > since
        enough = _sums(p.seg, inside.astype(np.float64), p.n) >= 2
        return np.asarray(np.where(enough[p.seg], inside, index >= end - 2), dtype=np.bool_)
    return np.ones(len(p.day), dtype=np.bool_)


def fit_lines(p: Points, forecaster: TrendForecaster) -> _Lines:
    """Fit the forecaster's line to every KPI at once (``TrendForecaster.fit``)."""
    space = forecaster.space
    mask = _select(p, forecaster)
    seg, day, value = p.seg[mask], p.day[mask], p.value[mask]
    n = np.bincount(seg, minlength=p.n).astype(np.int64)
    start = np.concatenate(([0], np.cumsum(n)))
    has = n > 0
    origin = np.zeros(p.n, dtype=np.int64)
    origin[has] = day[start[:-1][has]]
    last_day = np.zeros(p.n, dtype=np.int64)
    last_day[has] = day[start[1:][has] - 1]
    last_value = np.ones(p.n)
    last_value[has] = value[start[1:][has] - 1]
    ok = p.count >= 2
    with np.errstate(all="ignore"):
        if space == "log":
            low = np.full(p.n, np.inf)
            np.minimum.at(low, seg, value)
            ok &= low > 0
        good = ok[seg]
        zs = forward(space, np.where(good, value, 1.0), 0.0, 1.0, np)
        xs = (day - origin[seg]).astype(np.float64)
        size = np.maximum(n, 1)
        x_mean = _sums(seg, xs, p.n) / size
        z_mean = _sums(seg, zs, p.n) / size
        dx = xs - x_mean[seg]
        dz = zs - z_mean[seg]
        sxx = _sums(seg, dx * dx, p.n)
        ok &= sxx != 0
        a, b_day, b, x_mean_y, sxx_y = ols_line(
            x_mean, z_mean, np.where(ok, sxx, 1.0), _sums(seg, dx * dz, p.n)
        )
        scale = np.zeros(p.n)
        np.maximum.at(scale, seg, np.abs(dz))
        scaled = dz / np.where(scale > 0, scale, 1.0)[seg]
        syy = _sums(seg, scaled * scaled, p.n)
        safe_scale = np.where(scale > 0, scale, 1.0)
        ssr = residual_ssr(syy, b_day / safe_scale, sxx_y, np)
        scatter = (n >= 3) & (scale > 0) & (ssr > 1e-12 * syy)
        sigma = np.where(scatter, residual_sigma(scale, ssr, np.maximum(n, 3), np), 0.0)
        z_last = forward(space, last_value, 0.0, 1.0, np)
    return _Lines(
        ok=ok,
        space=space,
        a=np.asarray(a),
        b=np.asarray(b),
        n=n,
        sigma=np.asarray(sigma),
        x_mean=np.asarray(x_mean_y),
        sxx=np.asarray(sxx_y),
        origin=origin,
        last_day=last_day,
        z_last=np.asarray(z_last),
        lower=p.lower,
        upper=p.upper,
    )


def _history_met(p: Points) -> Ints:
    """The first day each KPI's history met its target (-1 where it never did)."""
    if len(p.day) == 0:
        return np.full(p.n, NONE_DAY, dtype=np.int64)
    met = np.nonzero(p.sign[p.seg] * (p.value - p.target[p.seg]) >= 0)[0]
    kpis, first = np.unique(p.seg[met], return_index=True)  # points are in KPI order
    out = np.full(p.n, NONE_DAY, dtype=np.int64)
    out[kpis] = p.day[met[first]]
    return out


def _finish(
    p: Points, ok: Bools, value: Floats, low: Floats, high: Floats, pace: Floats, solved: Ints
) -> Outcome:
    """As ``run_forecaster``: no value unless the fit worked and every figure is finite;
    the attainment date is the history's first meeting, else the trend's."""
    ok = ok & np.isfinite(value) & np.isfinite(low) & np.isfinite(high) & np.isfinite(pace)
    history = _history_met(p)
    attained = np.where(history != NONE_DAY, history, solved)

    def keep(a: Floats) -> Floats:
        return np.where(ok, a, np.nan)

    return Outcome(
        value=keep(value),
        low=keep(low),
        high=keep(high),
        pace=keep(pace),
        attained=np.where(ok, attained, NONE_DAY),
    )


def _line_outcome(p: Points, forecaster: TrendForecaster, level: float) -> Outcome:
    lines = fit_lines(p, forecaster)
    with np.errstate(all="ignore"):
        value = lines.predict(p.due)
        low, high = lines.interval(p.due, level)
        pace = lines.pace(p.as_of)
        solved = lines.solve(p.target, p.sign, p.as_of)
    return _finish(p, lines.ok, value, low, high, pace, solved)


def _naive_outcome(p: Points, level: float) -> Outcome:
    last = np.asarray(p.last(p.value), dtype=np.float64)
    solved = np.full(p.n, NONE_DAY, dtype=np.int64)  # a flat line meets it now or never
    return _finish(p, p.count >= 1, last, last, last, np.zeros(p.n), solved)


def pace_shift(p: Points) -> Floats:
    """How much each KPI's yearly change has itself changed (NaN: unknown), as
    :func:`maebashi_dx.forecast.series.pace_shift` with its four years: the value on each
    anniversary of the latest point, then the largest change between consecutive
    year-on-year changes."""
    years = 4
    if len(p.day) < 3:
        return np.full(p.n, np.nan)
    last = np.asarray(p.last(p.day, fill=0), dtype=np.int64)
    key = p.seg.astype(np.int64) * (1 << 22) + p.day
    ends, which = np.unique(last, return_inverse=True)
    anniversaries = np.array(
        [
            [
                months_before(date.fromordinal(e if e > 0 else _SOME_DAY), 12 * k).toordinal()
                for k in range(years + 2)
            ]
            for e in ends.tolist()
        ],
        dtype=np.int64,
    ).reshape(len(ends), years + 2)
    levels = np.full((years + 2, p.n), np.nan)
    alive = p.count >= 3
    index = np.arange(p.n)
    lo, hi = p.start[:-1], p.start[1:]
    for k in range(years + 2):
        day = anniversaries[which, k]
        pos = np.searchsorted(key, index * (1 << 22) + day)
        inside = (pos < hi) & alive
        exact = inside & (key[np.minimum(pos, len(key) - 1)] == index * (1 << 22) + day)
        between = inside & ~exact & (pos > lo)
        i = np.clip(np.where(between, pos, lo + 1), 1, max(len(key) - 1, 1))
        d0, d1 = p.day[i - 1], p.day[i]
        v0, v1 = p.value[i - 1], p.value[i]
        with np.errstate(all="ignore"):
            share = (day - d0) / (d1 - d0)
            level = v0 + share * (v1 - v0)
        found = np.where(exact, p.value[np.minimum(pos, len(key) - 1)], level)
        alive = alive & (exact | between)
        levels[k] = np.where(alive, found, np.nan)
    changes = levels[:-1] - levels[1:]
    shift = np.full(p.n, np.nan)
    for k in range(years):
        step = np.abs(changes[k] - changes[k + 1])
        shift = np.where(np.isnan(step), shift, np.fmax(shift, step))
    return shift


def _widen(
    p: Points, lows: Floats, highs: Floats, middle: Floats, pace: Floats, shift: Floats
) -> tuple[Floats, Floats]:
    """``_WidenedTrend._widen`` for every KPI: the hull of the ends and of the pace's
    possible changes (or a stall and a doubled pace), within the bounds."""
    half = pace_change(shift, p.due - p.as_of, np)
    last = np.asarray(p.last(p.value), dtype=np.float64)
    far = doubled_pace(last, pace, p.due - p.last(p.day, fill=0), np)
    known = ~np.isnan(shift)
    a = np.where(known, middle - half, last)
    b = np.where(known, middle + half, far)
    low = np.minimum(lows, np.minimum(a, b))
    high = np.maximum(highs, np.maximum(a, b))
    return cap(low, p.lower, p.upper, np), cap(high, p.lower, p.upper, np)


def _bisect(meets: Callable[[Ints], Bools], lo: Ints, hi: Ints, active: Bools) -> tuple[Ints, Ints]:
    """Halve [lo, hi] to a day's width where ``active``, keeping ``meets(hi)`` true and
    ``meets(lo)`` false as the scalar bisections do; the final (lo, hi)."""
    lo, hi = lo.copy(), hi.copy()
    while True:
        going = active & (hi - lo > 1)
        if not going.any():
            return lo, hi
        mid = lo + (hi - lo) // 2
        m = meets(mid)
        hi = np.where(going & m, mid, hi)
        lo = np.where(going & ~m, mid, lo)


def _blend_outcome(p: Points, blend: BlendForecaster, level: float) -> Outcome:
    members = []
    span = p.last(p.day, fill=0) - p.first(p.day, fill=0)
    needs = blend.min_history_days or (0,) * len(blend.members)
    for name, weight, need in zip(blend.members, blend.weights, needs, strict=True):
        forecaster = FORECASTERS.get(name)
        if not isinstance(forecaster, TrendForecaster):
            msg = f"blend member {name!r} has no kernel"
            raise TypeError(msg)
        lines = fit_lines(p, forecaster)
        lines = attrs.evolve(lines, ok=lines.ok & (span >= need))
        members.append((weight, lines))
    total = np.zeros(p.n)
    for weight, lines in members:
        total = total + np.where(lines.ok, weight, 0.0)
    ok = total > 0
    safe = np.where(ok, total, 1.0)
    weights = [np.where(lines.ok, weight / safe, 0.0) for weight, lines in members]

    def mix(parts: list[Floats]) -> Floats:
        out = np.zeros(p.n)
        for w, part in zip(weights, parts, strict=True):
            out = out + np.where(w > 0, w * part, 0.0)
        return out

    def predict(day: Ints) -> Floats:
        return mix([lines.predict(day) for _, lines in members])

    def meets(day: Ints) -> Bools:
        return np.asarray(p.sign * (predict(day) - p.target) >= 0)

    with np.errstate(all="ignore"):
        middle = predict(p.due)
        last_day = p.last(p.day, fill=0)
        pace_last = mix([lines.pace(last_day) for _, lines in members])
        # The members' forecasts, and the intervals of those fitted on three or more
        # points (of all members when none was).
        big = [lines.ok & (lines.n >= 3) for _, lines in members]
        any_big = np.zeros(p.n, dtype=np.bool_)
        for b in big:
            any_big |= b
        lows = np.full(p.n, np.inf)
        highs = np.full(p.n, -np.inf)
        for (_, lines), b in zip(members, big, strict=True):
            forecast = lines.predict(p.due)
            lo, hi = lines.interval(p.due, level)
            use = lines.ok & (b | ~any_big)
            lows = np.where(lines.ok, np.minimum(lows, forecast), lows)
            highs = np.where(lines.ok, np.maximum(highs, forecast), highs)
            lows = np.where(use, np.minimum(lows, lo), lows)
            highs = np.where(use, np.maximum(highs, hi), highs)
        shift = np.where(p.count >= 3, pace_shift(p), np.nan)
        low, high = _widen(p, lows, highs, middle, pace_last, shift)
        pace = mix([lines.pace(p.as_of) for _, lines in members])
        # The attainment date: between the first and the last day the members meet
        # the target (BlendTrend.solve), else by halving over the whole horizon.
        after = np.full(p.n, p.as_of, dtype=np.int64)
        now = meets(after)
        dates = [lines.solve(p.target, p.sign, p.as_of) for _, lines in members]
        every = np.ones(p.n, dtype=np.bool_)
        first = np.full(p.n, np.iinfo(np.int64).max, dtype=np.int64)
        latest = np.full(p.n, np.iinfo(np.int64).min, dtype=np.int64)
        for (_, lines), d in zip(members, dates, strict=True):
            every &= ~lines.ok | (d != NONE_DAY)
            first = np.where(lines.ok, np.minimum(first, d), first)
            latest = np.where(lines.ok, np.maximum(latest, d), latest)
        bracket = ok & ~now & every
        start: Ints = np.where(bracket, np.maximum(after, first), after).astype(np.int64)
        stop: Ints = np.where(bracket, latest, after).astype(np.int64)
        bracket &= meets(stop)
        lo_day, hi_day = _bisect(meets, start, stop, bracket)
        bracketed = np.where(meets(lo_day), lo_day, hi_day)
        horizon = ok & ~now & ~bracket
        end = after + _HORIZON_DAYS
        horizon &= meets(end)
        searched = _bisect(meets, after, end, horizon)[1]
        solved = np.where(
            now, after, np.where(bracket, bracketed, np.where(horizon, searched, NONE_DAY))
        )
    return _finish(p, ok, middle, low, high, pace, solved)


def _pooled_outcome(
    p: Points,
    pooled: PooledForecaster,
    level: float,
    references: list[Reference | None],
) -> Outcome:
    fallback = FORECASTERS.get(pooled.fallback)
    outcome = run_kernel(p, fallback, level)
    line = FORECASTERS.get(pooled.line)
    if not isinstance(line, TrendForecaster) or line.space != "identity":
        msg = f"pooled line {pooled.line!r} has no kernel"
        raise TypeError(msg)
    # The reference's pace: one fit per distinct reference (there are few), through
    # the scalar forecaster; its level on each KPI's latest day.
    as_of = date.fromordinal(p.as_of)
    theirs = np.full(p.n, np.nan)
    level_at = np.full(p.n, np.nan)
    paces: dict[int, float] = {}
    seen: dict[int, Reference] = {}
    last_day = p.last(p.day, fill=0).tolist()
    for k, whole in enumerate(references):
        if whole is None:
            continue
        ref = seen.setdefault(id(whole), whole.until(as_of))  # never data after the day
        if len(ref.days) < 2 or p.count[k] < 2:
            continue
        if id(ref) not in paces:
            data = SeriesInput(
                kpi_id=ref.label,
                days=ref.days,
                values=ref.values,
                target=float(p.target[k]),
                deadline=date.fromordinal(int(p.due[k])),
                as_of=as_of,
            )
            paces[id(ref)] = line.fit(data).line.b
        day = date.fromordinal(last_day[k])
        found = value_at(ref.days, ref.values, day)
        if found is None and day > ref.days[-1]:
            found = ref.values[-1]
        theirs[k] = paces[id(ref)]
        level_at[k] = np.nan if found is None else found
    last = np.asarray(p.last(p.value), dtype=np.float64)
    use = ~np.isnan(theirs) & (level_at > 0) & (last > 0)
    if not use.any():
        return outcome
    own = fit_lines(p, line)
    with np.errstate(all="ignore"):
        scaled, pace = pooled_pace(own.b, theirs, last, level_at, pooled.weight)
        x_last = _years(np.asarray(last_day, dtype=np.int64), own.origin)
        pooled_line = attrs.evolve(own, a=last - pace * x_last, b=pace, sigma=np.zeros(p.n))
        scaled_line = attrs.evolve(own, a=last - scaled * x_last, b=scaled, sigma=np.zeros(p.n))
        middle = pooled_line.predict(p.due)
        lo, hi = own.interval(p.due, level)
        ends = [own.predict(p.due), scaled_line.predict(p.due), lo, hi]
        lows = middle.copy()
        highs = middle.copy()
        for e in ends:
            lows, highs = np.minimum(lows, e), np.maximum(highs, e)
        shift = np.where(p.count >= 3, pace_shift(p), np.nan)
        low, high = _widen(p, lows, highs, middle, pace, shift)
        solved = pooled_line.solve(p.target, p.sign, p.as_of)
    mine = _finish(p, own.ok, middle, low, high, np.asarray(pace, dtype=np.float64), solved)
    return Outcome(
        **{
            field.name: np.where(use, getattr(mine, field.name), getattr(outcome, field.name))
            for field in attrs.fields(Outcome)
        }
    )


def has_kernel(forecaster: object) -> bool:
    """Whether a forecaster runs as a kernel (else per KPI through the object path)."""
    if isinstance(forecaster, NaiveForecaster):
        return True
    if isinstance(forecaster, TrendForecaster):
        return forecaster.space in ("identity", "log")
    if isinstance(forecaster, BlendForecaster):
        return all(has_kernel(FORECASTERS.get(m)) for m in forecaster.members) and all(
            isinstance(FORECASTERS.get(m), TrendForecaster) for m in forecaster.members
        )
    if isinstance(forecaster, PooledForecaster):
        line = FORECASTERS.get(forecaster.line)
        return (
            isinstance(line, TrendForecaster)
            and line.space == "identity"
            and has_kernel(FORECASTERS.get(forecaster.fallback))
        )
    return False


def run_kernel(
    p: Points,
    forecaster: object,
    level: float,
    references: list[Reference | None] | None = None,
) -> Outcome:
    """Apply a forecaster that :func:`has_kernel` to every KPI of ``p``."""
    if isinstance(forecaster, NaiveForecaster):
        return _naive_outcome(p, level)
    if isinstance(forecaster, TrendForecaster):
        return _line_outcome(p, forecaster, level)
    if isinstance(forecaster, BlendForecaster):
        return _blend_outcome(p, forecaster, level)
    if isinstance(forecaster, PooledForecaster):
        refs: list[Reference | None] = list(references or [None] * p.n)
        return _pooled_outcome(p, forecaster, level, refs)
    msg = f"{forecaster!r} has no kernel"
    raise TypeError(msg)
