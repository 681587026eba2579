"""How far a KPI has come: achievement ratio (達成率), elapsed share and pro-rating.

Pure functions of a KPI and a day; they read no clock and do no I/O.

>>> from datetime import date
>>> from maebashi_dx.datasets import maebashi_2022
>>> kpi = maebashi_2022().kpi("kpi2")
>>> round(achievement(kpi, date(2022, 5, 31)), 4)
0.282
"""

from __future__ import annotations

import functools
import math
from datetime import date
from typing import Literal, NamedTuple

from maebashi_dx.errors import CalculationError
from maebashi_dx.model import KPI, Direction, KPIKind, Measurement

__all__ = [
    "AchievementMethod",
    "Progress",
    "achievement",
    "elapsed",
    "expected_share",
    "expected_value",
    "numeric",
    "progress",
    "ratio_of",
    "start_of",
    "target_number",
]

AchievementMethod = Literal["baseline", "simple"]

_STAGED = KPIKind.STAGED  # a global look-up, not the enum class's attribute look-up


def numeric(kpi: KPI, m: Measurement) -> float:
    """A measurement as a number: its value, or its position on a staged KPI's ladder."""
    if kpi.kind is _STAGED:
        return float(kpi.stage_index(str(m.value)))
    assert isinstance(m.value, float)
    return m.value


def target_number(kpi: KPI) -> float:
    """The target as a number (a ladder position for a staged KPI)."""
    if kpi.kind is _STAGED:
        return float(kpi.stage_index(str(kpi.target.value)))
    assert isinstance(kpi.target.value, float)
    return kpi.target.value


def _clamp(value: float) -> float:
    # min(1.0, max(0.0, value)) as the builtins make it (max keeps 0.0 unless value is
    # greater, min keeps the result unless 1.0 is less), without their calls: assess
    # clamps two shares of every KPI.
    held = value if value > 0.0 else 0.0
    return held if held < 1.0 else 1.0


def achievement(
    kpi: KPI,
    as_of: date,
    *,
    method: AchievementMethod = "baseline",
    clamp: bool = False,
) -> float | None:
    """The achievement ratio (達成率) of a KPI as of a day, 1.0 meaning the target is met.

    Conventions:

    - ``"baseline"``: (latest − baseline) / (target − baseline), the 達成率 most Japanese
      municipalities publish (also ServiceNow's and okr-tracker's linear progress).
      Direction takes care of itself: for a falling target both differences are
      negative.
    - ``"simple"``: latest / target for a rising KPI, target / latest for a falling one
      (the usual 達成率 for 「低いほど良い」 indicators).
    - A staged KPI uses positions on its ladder in place of values.

    Defined answers where the formula would fail:

    - no measurement on or before ``as_of`` (nor a baseline): None;
    - ``"baseline"`` with no baseline: None;
    - only the baseline so far: 0.0 (no progress yet);
    - a zero denominator (target equal to baseline, or a zero target/latest for
      ``"simple"``): None. The model already refuses a target equal to its baseline;
    - a ratio beyond the float range (values near ±1e308): None.

    Args:
        kpi: The KPI.
        as_of: Only measurements read on or before this day count.
        method: "baseline" or "simple".
        clamp: Limit the ratio to 0..1.

    >>> from maebashi_dx.datasets import maebashi_2022
    >>> kpi1 = maebashi_2022().kpi("kpi1")
    >>> round(achievement(kpi1, date(2022, 5, 31)), 4)  # (3.5 − 1.8) / (100 − 1.8)
    0.0173
    """
    latest = kpi.latest(as_of)
    if latest is None:
        return None
    return ratio_of(kpi, numeric(kpi, latest), method=method, clamp=clamp)


def ratio_of(
    kpi: KPI, value: float, *, method: AchievementMethod = "baseline", clamp: bool = False
) -> float | None:
    """The achievement ratio of a given (numeric) latest value; see :func:`achievement`."""
    base = numeric(kpi, kpi.baseline) if kpi.baseline is not None else None
    return _ratio(kpi, value, base, target_number(kpi), method=method, clamp=clamp)


def _ratio(
    kpi: KPI,
    value: float,
    base: float | None,
    target: float,
    *,
    method: AchievementMethod = "baseline",
    clamp: bool = False,
) -> float | None:
    """The ratio of :func:`achievement`, from the numbers already read off the KPI."""
    # The conventions are achievement()'s: (latest − baseline) / (target − baseline), the
    # municipal 達成率; or latest / target (target / latest when lower is better).
    if method == "baseline":
        if base is None:
            return None
        if target == base:
            return None
        ratio = (value - base) / (target - base)
    elif method == "simple":
        rising = kpi.direction is Direction.INCREASE
        num, den = (value, target) if rising else (target, value)
        if den == 0:
            return None
        ratio = num / den
    else:
        msg = f"unknown achievement method {method!r}; use 'baseline' or 'simple'"
        raise CalculationError(msg)
    if not math.isfinite(ratio):
        return None
    return _clamp(ratio) if clamp else ratio


def start_of(kpi: KPI, fallback: date | None = None) -> date | None:
    """When a KPI's period starts: its baseline's day, else ``fallback`` (the plan's)."""
    if kpi.baseline is not None:
        return kpi.baseline.as_of
    return fallback


def elapsed(kpi: KPI, as_of: date, *, start: date | None = None) -> float | None:
    """Share of the KPI's period gone by at ``as_of`` (経過率), from 0 to 1.

    The period runs from the baseline (or ``start``, the plan's start, when the KPI has
    no baseline) to the target's deadline: (as_of − start) / (deadline − start), in days,
    limited to 0..1. None when there is no start or the period is empty.
    """
    return _elapsed(start_of(kpi, start), kpi.target.due, as_of)


# Cached per (first, due, as_of): the KPIs of a plan mostly share their first and last
# days, and an assessment has one as_of (a pure function of three dates).
@functools.lru_cache(maxsize=1024)
def _elapsed(first: date | None, due: date, as_of: date) -> float | None:
    """:func:`elapsed` from the period's first and last days: (as_of − first) /
    (due − first) in days, limited to 0..1 (okr-tracker's linear time share)."""
    if first is None:
        return None
    total = (due - first).days
    if total <= 0:
        return None
    return _clamp((as_of - first).days / total)


def expected_share(kpi: KPI, as_of: date, *, start: date | None = None) -> float | None:
    """The pro-rated share expected by ``as_of``, counted in whole fiscal years.

    Tama City's rule (多摩市まち・ひと・しごと創生総合戦略の評価方法): in year k of an
    n-year period the KPI is held to k/n of the way (20% in year 1 of 5, 40% in year 2...).
    Years are fiscal years (年度); the period runs from the fiscal year of the start
    (the baseline, or ``start``) to that of the deadline.
    """
    return _expected_share(start_of(kpi, start), kpi.target.due, as_of)


@functools.lru_cache(maxsize=1024)  # as _elapsed
def _expected_share(first: date | None, due: date, as_of: date) -> float | None:
    """:func:`expected_share` from the period's first and last days: k/n in fiscal years
    (Tama City's rule, as :func:`expected_share` says)."""
    if first is None:
        return None
    fy0 = _fiscal_year(first)
    n = _fiscal_year(due) - fy0 + 1
    k = _fiscal_year(as_of) - fy0 + 1
    if n <= 0:
        return None
    return _clamp(k / n)


def _fiscal_year(day: date) -> int:
    # The same rule as FiscalYear.of, without building the object (this runs per KPI).
    return day.year if day.month >= 4 else day.year - 1


def expected_value(kpi: KPI, as_of: date, *, start: date | None = None) -> float | None:
    """The value a KPI should show by ``as_of`` if it moved evenly to its target.

    baseline + elapsed × (target − baseline), with the elapsed share in days
    (okr-tracker's linear scaling between start and target). For a staged KPI the
    result is a ladder position. None without a baseline.
    """
    share = elapsed(kpi, as_of, start=start)
    if share is None or kpi.baseline is None:
        return None
    return _pro_rated(numeric(kpi, kpi.baseline), share, target_number(kpi))


def _pro_rated(base: float, share: float, target: float) -> float:
    """baseline + share × (target − baseline): :func:`expected_value`'s formula."""
    return base + share * (target - base)


class Progress(NamedTuple):
    """How far a KPI has come as of a day: every number of this module, from one reading
    of the KPI (its latest value found once, its baseline and target read once), for
    callers that need them all, as :func:`~maebashi_dx.assess.assess` does for each KPI
    (a named tuple: cheap to build for every KPI of every assessment).

    Attributes:
        latest: The newest measurement on or before the day (the baseline counts), or
            None.
        value: ``latest`` as a number (a ladder position when staged), or None.
        base: The baseline as a number, or None without a baseline.
        target: The target as a number.
        achievement: :func:`achievement` with the ``"baseline"`` method.
        achievement_simple: :func:`achievement` with the ``"simple"`` method.
        elapsed: :func:`elapsed`.
        expected_share: :func:`expected_share`.
        expected: :func:`expected_value`.
    """

    latest: Measurement | None
    value: float | None
    base: float | None
    target: float
    achievement: float | None
    achievement_simple: float | None
    elapsed: float | None
    expected_share: float | None
    expected: float | None


_new_tuple = tuple.__new__


def progress(kpi: KPI, as_of: date, *, start: date | None = None) -> Progress:
    """Every number of this module for one KPI as of a day, in one pass (``start``: the
    plan's, for a KPI without a baseline); each equals its own function's.

    >>> from maebashi_dx.datasets import maebashi_2022
    >>> kpi = maebashi_2022().kpi("kpi2")
    >>> p = progress(kpi, date(2022, 5, 31))
    >>> p.achievement == achievement(kpi, date(2022, 5, 31)), round(p.elapsed, 4)
    (True, 0.5836)
    """
    latest = kpi.latest(as_of)
    target = target_number(kpi)
    base = numeric(kpi, kpi.baseline) if kpi.baseline is not None else None
    first = start_of(kpi, start)
    due = kpi.target.due
    share = _elapsed(first, due, as_of)
    value = ach = simple = None
    if latest is not None:
        value = numeric(kpi, latest)
        ach = _ratio(kpi, value, base, target)
        simple = _ratio(kpi, value, base, target, method="simple")
    fiscal = _expected_share(first, due, as_of)
    expected = None if share is None or base is None else _pro_rated(base, share, target)
    # Progress(...) through tuple.__new__, as the named tuple's own _make builds one (its
    # fields in order), without the generated __new__'s frame: this runs for every KPI.
    return _new_tuple(Progress, (latest, value, base, target, ach, simple, share, fiscal, expected))
