"""The attainment date: the first day a fitted trend meets the target (or the day the
history first met it)."""

from __future__ import annotations

from datetime import date, timedelta

from maebashi_dx.forecast.combine import (
    _BlendTrend,
    _PooledTrend,
)
from maebashi_dx.forecast.series import (
    _HORIZON_YEARS,
    YEAR_DAYS,
    SeriesInput,
    Trend,
)
from maebashi_dx.forecast.trends import (
    _LineTrend,
)


def _attainment(data: SeriesInput, trend: Trend) -> date | None:
    sign, target = data.direction.sign, data.target
    best = max(data.values) if sign > 0 else min(data.values)
    if sign * (best - target) >= 0:  # met already: when first?
        for day, value in zip(data.days, data.values, strict=True):
            if sign * (value - target) >= 0:
                return day
    if isinstance(trend, _LineTrend | _PooledTrend):
        return trend.solve(data.target, data.direction.sign, data.as_of)
    if isinstance(trend, _BlendTrend):
        found = trend.solve(data.target, data.direction.sign, data.as_of)
        if found is not None:
            return found  # otherwise a member never meets it: search the whole horizon
    # A plugin's trend: assume it is monotone in time and bisect up to the horizon.
    lo = data.as_of
    hi = data.as_of + timedelta(days=int(_HORIZON_YEARS * YEAR_DAYS))
    if not data.meets(trend.predict(hi)):
        return None
    if data.meets(trend.predict(lo)):
        return lo
    while (hi - lo).days > 1:
        mid = lo + (hi - lo) / 2
        if data.meets(trend.predict(mid)):
            hi = mid
        else:
            lo = mid
    return hi
