"""Interval arithmetic shared by the forecasters: Student's t quantiles for least-squares
prediction intervals, and the widening of a combined trend's interval by how much its
pace has changed before."""

from __future__ import annotations

import functools
import math
from typing import Any

from maebashi_dx.forecast.series import (
    YEAR_DAYS,
    Trend,
)

# ------------------------------------------------------------------ shared formulas
#
# One formula, one place: the formulas of the forecasters are written once on plain
# arithmetic and a small namespace of elementwise functions (``xp``), and serve both the
# scalar forecasters (``xp`` = :class:`ScalarMath`, floats) and the columnar kernels of
# :mod:`maebashi_dx.bulk` (``xp`` = numpy, one array element per KPI or per point). The
# operations run in the same order on both, so a KPI gets the same figures either way.

#: A float for the scalar forecasters, a numpy array in the columnar kernels.
Num = Any


class ScalarMath:
    """The scalar namespace of the shared formulas (numpy is the array one)."""

    log = staticmethod(math.log)
    exp = staticmethod(math.exp)
    sqrt = staticmethod(math.sqrt)
    minimum = staticmethod(min)
    maximum = staticmethod(max)


# ----------------------------------------------------------------------------- Student t


def _t_two_sided(t: float, df: int) -> float:
    """P(|T| <= t) for Student's t with integer ``df`` (Abramowitz & Stegun 26.7.3-4)."""
    theta = math.atan(t / math.sqrt(df))
    s, c = math.sin(theta), math.cos(theta)
    if df % 2 == 1:
        total, term = 0.0, c
        for k in range(1, (df - 1) // 2 + 1):
            if k > 1:
                term *= c * c * (2 * k - 2) / (2 * k - 1)
            total += term
        return 2 / math.pi * (theta + s * total) if df > 1 else 2 * theta / math.pi
    total, term = 1.0, 1.0
    for k in range(1, df // 2):
        term *= c * c * (2 * k - 1) / (2 * k)
        total += term
    return s * total


@functools.lru_cache(maxsize=1024)
def student_t_quantile(p: float, df: int) -> float:
    """The p-quantile of Student's t with ``df`` degrees of freedom (exact, by bisection).

    >>> round(student_t_quantile(0.9, 3), 4), round(student_t_quantile(0.975, 10), 4)
    (1.6377, 2.2281)
    """
    if not 0 < p < 1 or df < 1:
        msg = f"need 0 < p < 1 and df >= 1, got p={p}, df={df}"
        raise ValueError(msg)
    if p == 0.5:
        return 0.0
    want = abs(2 * p - 1)
    lo, hi = 0.0, 1.0
    while _t_two_sided(hi, df) < want:
        hi *= 2
    for _ in range(100):
        mid = (lo + hi) / 2
        if _t_two_sided(mid, df) < want:
            lo = mid
        else:
            hi = mid
    q = (lo + hi) / 2
    return q if p > 0.5 else -q


def pace_change(shift: Num, days_ahead: Num, xp: Any = ScalarMath) -> Num:
    """Half the width a combined trend's interval gains for changes of pace: the pace
    may change as much as it has changed before (``shift`` per year), over the horizon
    (a stated heuristic; one formula for the scalar forecasters and the bulk kernels,
    see :mod:`maebashi_dx.forecast.trends`)."""
    return shift * xp.maximum(0.0, days_ahead / YEAR_DAYS)


def doubled_pace(last: Num, pace: Num, days_ahead: Num, xp: Any = ScalarMath) -> Num:
    """The far end of a short series' interval: the pace doubled from the latest value
    over ``days_ahead`` (the near end is the latest value, the pace stalled)."""
    return last + 2 * pace * xp.maximum(0.0, days_ahead / YEAR_DAYS)


def _size(trend: Trend) -> int:
    """How many points a trend was fitted on (without building them, for the built-ins)."""
    days = getattr(trend, "days", None)
    return len(days) if days is not None else len(trend.points)


def widened(
    ends: list[float],
    middle: float,
    pace: float,
    shift: float | None,
    ahead: int,
    since_last: int,
    last: float,
    bounds: tuple[float, float] | None,
) -> tuple[float, float]:
    """A combined trend's interval: the hull of ``ends`` and of the pace's possible
    changes around ``middle``, within the bounds. ``ahead``: days from the forecast's
    day; ``since_last``: days from the latest point (its value ``last``); ``shift``: the
    largest past change of the yearly pace (None when the history cannot show it)."""
    if shift is not None:
        # The pace may change as much as it has changed before, over the horizon.
        half = pace_change(shift, ahead)
        ends = [*ends, middle - half, middle + half]
    else:
        # Under three points or two years of history the pace's own changes cannot be
        # seen: allow it to stall or to double from the latest value, as with two
        # points, so a short series never gets a narrow interval from a few points.
        ends = [*ends, last, doubled_pace(last, pace, since_last)]
    low, high = min(ends), max(ends)
    if bounds is not None:
        low = min(bounds[1], max(bounds[0], low))
        high = min(bounds[1], max(bounds[0], high))
    return low, high
