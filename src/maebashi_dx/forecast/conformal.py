"""Intervals calibrated on the library's own track record, and the chance of meeting a
target: conformal prediction on rolling origins, made adaptive over time.

How a :class:`Calibration` is learned as of a day ``T`` (:func:`calibrate`):

1. On a monthly grid of earlier origins ``o``, the forecaster is fitted to each series
   cut at ``o`` (its reference cut at ``o`` too) and projected ``h`` months ahead, for
   each horizon ``h`` of :data:`HORIZONS`.
2. Each projection whose outcome is known by ``T`` (the first snapshot on or after
   ``o + h`` is on or before ``T``; the outcome is interpolated between snapshots as in
   the backtest) gives a *score*, its error scaled by the series' pace at ``o``::

       score = (actual − forecast) / (pace × years ahead)

   pooled over all series (split conformal prediction on the signed, scaled residual:
   Vovk, Gammerman & Shafer 2005; Lei et al. 2018, "Distribution-free predictive
   inference for regression", JASA 113). No outcome after ``T`` is ever read.
3. The interval's miss level is adapted over time by adaptive conformal inference
   (Gibbs & Candès 2021, "Adaptive conformal inference under distribution shift",
   NeurIPS 34): replaying the grid, each origin's share of misses ``err_t`` (outside
   its equal-tailed interval at the level then in force) updates one level when its
   outcomes become known, ``alpha_{t+1} = alpha_t + gamma (alpha − err_t)``. The
   feedback of an ``h``-month forecast arrives ``h`` months late, so about ``h``
   intervals are pending at each update; their Proposition 4.1, telescoped with that
   delay (:func:`aci_bound`), still bounds the long-run miss share over all origins,
   within ``max(alpha + gamma (1 − alpha) D, 1 − alpha + gamma alpha D) / (gamma T)``
   of ``alpha`` for any errors, ``D`` the delay in updates and ``T`` the updates. A
   batch of series at one origin enters as one step with ``err_t`` its share of misses.
   ``interleave=True`` gives each month modulo ``h`` its own level instead (timely
   feedback in each, but a bound on all origins about ``h`` times looser: see
   :func:`_replay`).

Applying it is a pure, cheap function of the point forecast, the series' pace, the
horizon, the scores of the horizon's table and the adapted level
(:func:`calibrated_interval`, :func:`chance`), so that a vectorised path can apply it
to many series at once. The chance of meeting the target is the share of the table's
scores that would put the outcome at or past the target: the conformal predictive
distribution (Vovk et al. 2017, "Nonparametric predictive distributions based on
conformal prediction"), without the ACI adjustment, which is a statement about an
interval's level, not about the shape of the distribution.

>>> from datetime import date
>>> calibrated_interval(50.0, 10.0, 0.5, (-1.0, 2.0), (0.0, 100.0))
(45.0, 60.0)
>>> chance(50.0, 10.0, 0.5, (-1.0, 0.0, 1.0, 2.0), 55.0, 1, (0.0, 100.0))
0.5
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Mapping, Sequence
from datetime import date

import attrs
from dateutil.relativedelta import relativedelta

from maebashi_dx.errors import CalculationError
from maebashi_dx.forecast.messages import Message, _msg
from maebashi_dx.forecast.result import Forecast
from maebashi_dx.forecast.series import (
    DEFAULT_LEVEL,
    FORECASTERS,
    YEAR_DAYS,
    Forecaster,
    SeriesInput,
    months_before,
    value_at,
)
from maebashi_dx.model import Direction, KPIKind, Plan
from maebashi_dx.model.reference import Reference

__all__ = [
    "DEFAULT_GAMMA",
    "HORIZONS",
    "Calibrated",
    "Calibration",
    "HorizonTable",
    "TrackRecord",
    "aci_bound",
    "aci_step",
    "apply_calibration",
    "calibrate",
    "calibrate_plan",
    "calibrate_value",
    "calibrated_interval",
    "chance",
    "conformal_quantiles",
    "horizon_months",
    "min_scores",
    "series_pace",
]

#: The horizons, in months, a calibration keeps a table for; a deadline uses the table
#: of the shortest horizon at or beyond its whole calendar months (:func:`horizon_months`;
#: the longest one past them all).
HORIZONS = (3, 6, 12, 24, 36)
#: ACI's step. Gibbs & Candès take 0.005 for thousands of daily steps; with one step a
#: month (tens of steps), 0.05 lets a run of months where every outcome fell outside
#: move the level from 80% to 100% in five steps. Fixed in advance, not fitted.
DEFAULT_GAMMA = 0.05
#: Days in a month, on average (for horizons between the grid's months).
MONTH_DAYS = YEAR_DAYS / 12

Panel = Mapping[str, tuple[Sequence[date], Sequence[float]]]


def series_pace(days: Sequence[date], values: Sequence[float]) -> float | None:
    """The scale of a series' errors: the size of its change over the 12 months before its
    latest point, per year (from its first point when it is shorter); None with fewer
    than two points or no change (nothing to scale by).

    >>> from datetime import date
    >>> round(series_pace((date(2020, 1, 1), date(2021, 1, 1)), (10.0, 7.0)), 4)  # 366 days
    2.9939
    """
    if len(days) < 2:
        return None
    start = months_before(days[-1], 12)
    if start <= days[0]:
        start, level = days[0], values[0]
    else:
        found = value_at(days, values, start)
        level = values[0] if found is None else found
    years = (days[-1] - start).days / YEAR_DAYS
    if years <= 0:
        return None
    pace = abs(values[-1] - level) / years
    return pace if pace > 0 and math.isfinite(pace) else None


def horizon_months(start: date, end: date) -> int:
    """The whole calendar months from ``start`` to ``end``, to the nearest month (half a
    month or more rounds up): the horizon whose table a deadline uses.

    Counted on the calendar as the track record's horizons are (the day ``months``
    later, :func:`months_before`; dateutil's ``relativedelta`` for the whole months), not
    as days ÷ 30.44: 1 April to 1 October is 6 months although its 183 days are 6.01
    average months, and 1 April 2019 to 1 April 2020 is 12 although 2020 is a leap year.

    >>> from datetime import date
    >>> horizon_months(date(2019, 4, 1), date(2019, 10, 1))  # 183 days
    6
    >>> horizon_months(date(2019, 4, 1), date(2020, 4, 1))  # 366 days
    12
    >>> tuple(horizon_months(date(2022, 5, 31), date(2022, 7, d)) for d in (14, 16))
    (1, 2)
    """
    if end <= start:
        return 0
    delta = relativedelta(end, start)
    whole = delta.years * 12 + delta.months
    lower, upper = months_before(start, -whole), months_before(start, -whole - 1)
    return whole + 1 if (end - lower) >= (upper - end) else whole


def min_scores(level: float) -> int:
    """The fewest scores for a finite equal-tailed conformal interval at ``level``: the
    upper rank ⌈(n + 1)(1 − alpha/2)⌉ must not exceed n, so n ≥ 2/alpha − 1 (9 at 80%).

    >>> min_scores(0.8), min_scores(0.9)
    (9, 19)
    """
    alpha = 1 - level
    return max(1, math.ceil(2 / alpha - 1 - 1e-9))


def conformal_quantiles(scores: Sequence[float], alpha: float) -> tuple[float, float]:
    """The equal-tailed split-conformal bounds of sorted ``scores`` at miss level ``alpha``:
    the ⌊(n + 1) alpha/2⌋-th and ⌈(n + 1)(1 − alpha/2)⌉-th smallest (Lei et al. 2018),
    −inf / +inf where that rank falls outside the sample (always when ``alpha`` ≤ 0, as
    ACI prescribes); with ``alpha`` ≥ 1 the empty set's stand-in, the median twice.

    >>> conformal_quantiles([float(i) for i in range(1, 20)], 0.2)
    (2.0, 18.0)
    """
    n = len(scores)
    if n == 0 or alpha <= 0:
        return -math.inf, math.inf
    if alpha >= 1:
        middle = scores[n // 2]
        return middle, middle
    lo_rank = math.floor((n + 1) * alpha / 2 + 1e-9)  # 1 − 0.8 is 0.19999999999999996
    hi_rank = math.ceil((n + 1) * (1 - alpha / 2) - 1e-9)
    low = scores[lo_rank - 1] if lo_rank >= 1 else -math.inf
    high = scores[hi_rank - 1] if hi_rank <= n else math.inf
    return low, high


def aci_step(alpha_t: float, alpha: float, gamma: float, err: float) -> float:
    """One step of adaptive conformal inference (Gibbs & Candès 2021, eq. 2):
    ``alpha_{t+1} = alpha_t + gamma (alpha − err_t)``, ``err_t`` the share missed.

    >>> round(aci_step(0.2, 0.2, 0.05, 1.0), 3), round(aci_step(0.2, 0.2, 0.05, 0.0), 3)
    (0.16, 0.21)
    """
    return alpha_t + gamma * (alpha - err)


def aci_bound(alpha: float, gamma: float, steps: int, delay: int = 1) -> float:
    """The most the mean miss share of ``steps`` ACI updates of one level can differ from
    ``alpha``, when each update scores an interval issued at most ``delay`` updates
    earlier (1: the previous update's level, Gibbs & Candès's setting).

    Gibbs & Candès (2021), Proposition 4.1, telescoped: the mean of ``alpha − err_t`` is
    ``(alpha_{T+1} − alpha_1) / (gamma T)``. An interval issued at a level ≤ 0 is
    everything (no miss) and one issued at ≥ 1 is empty (all missed), so the level falls
    only through intervals issued above 0, by at most ``gamma (1 − alpha)`` an update,
    and rises only through those issued below 1, by at most ``gamma alpha``; with
    ``delay`` updates between an issue and its scoring the level stays within
    ``[−gamma (1 − alpha) delay, 1 + gamma alpha delay]``, hence::

        |mean err − alpha| ≤ max(alpha + gamma (1 − alpha) delay,
                                  1 − alpha + gamma alpha delay) / (gamma T)

    With ``delay`` 1 this is at most their ``(max(alpha, 1 − alpha) + gamma) / (gamma T)``.
    Infinite without adaptation (``gamma`` 0) or without steps.

    >>> round(aci_bound(0.2, 0.05, 36), 3)  # 36 monthly origins, timely feedback
    0.45
    >>> round(aci_bound(0.2, 0.05, 36, delay=7), 3)  # 6-month outcomes arrive 6-7 later
    0.483
    """
    if gamma <= 0 or steps <= 0:
        return math.inf
    reach = max(alpha + gamma * (1 - alpha) * delay, 1 - alpha + gamma * alpha * delay)
    return reach / (gamma * steps)


def calibrated_interval(
    value: float,
    scale: float,
    years: float,
    quantiles: tuple[float, float],
    bounds: tuple[float, float] | None,
) -> tuple[float, float]:
    """The interval ``value + quantile × scale × years``, within the bounds (an infinite
    end becomes the bound, or, without bounds, stays infinite)."""
    width = scale * years
    low = value + quantiles[0] * width if math.isfinite(quantiles[0]) else -math.inf
    high = value + quantiles[1] * width if math.isfinite(quantiles[1]) else math.inf
    if bounds is not None:
        low = min(bounds[1], max(bounds[0], low))
        high = min(bounds[1], max(bounds[0], high))
    return low, high


def chance(
    value: float,
    scale: float,
    years: float,
    scores: Sequence[float],
    target: float,
    sign: int,
    bounds: tuple[float, float] | None,
) -> float:
    """The share of sorted ``scores`` that put the outcome, ``value + score × scale ×
    years`` kept within the bounds, at or past ``target`` in the direction ``sign``."""
    if bounds is not None:
        lo, hi = bounds
        if (sign > 0 and target > hi) or (sign < 0 and target < lo):
            return 0.0
        if (sign > 0 and target <= lo) or (sign < 0 and target >= hi):
            return 1.0
    z = (target - value) / (scale * years)
    n = len(scores)
    if sign > 0:
        return (n - bisect.bisect_left(scores, z)) / n
    return bisect.bisect_right(scores, z) / n


@attrs.frozen(kw_only=True)
class HorizonTable:
    """The scaled errors known at one horizon, and the adapted level.

    Attributes:
        months: The horizon.
        scores: (actual − forecast) / (pace × years ahead), sorted, every one known by
            the calibration's day.
        alpha: ACI's miss level for the next interval (1 − alpha is the level used).
        steps: Origins whose outcomes updated it.
        missed: Their mean share of misses (the long-run miss frequency ACI controls).
        series: Series that contributed a score.
        delay: The most updates of a level between an interval's issue and its scoring
            (1: each scored before the next was issued).
        bound: The most ``missed`` may differ from the nominal miss level by ACI's
            guarantee (:func:`aci_bound`; summed over the sequences when interleaved).
    """

    months: int
    scores: tuple[float, ...]
    alpha: float
    steps: int
    missed: float
    series: int
    delay: int = 1
    bound: float = math.inf

    def quantiles(self) -> tuple[float, float]:
        """The interval's bounds in scores at the adapted level."""
        return conformal_quantiles(self.scores, self.alpha)


@attrs.frozen(kw_only=True)
class Calibration:
    """What a forecaster's track record says about its errors, as of a day.

    Attributes:
        method: The forecaster whose errors these are (it calibrates only itself).
        as_of: No outcome after this day was read.
        level: The nominal level the intervals aim at.
        gamma: ACI's step.
        tables: One per horizon of :data:`HORIZONS` (or those asked for).
    """

    method: str
    as_of: date
    level: float
    gamma: float
    tables: tuple[HorizonTable, ...]

    def table(self, months: int) -> HorizonTable | None:
        """The table for a horizon of ``months`` whole calendar months
        (:func:`horizon_months`): the shortest at or beyond it with enough scores
        (:func:`min_scores`), else the longest with enough; None if none."""
        usable = [t for t in self.tables if len(t.scores) >= min_scores(self.level)]
        if not usable:
            return None
        beyond = [t for t in usable if t.months >= months]
        return min(beyond, key=lambda t: t.months) if beyond else usable[-1]


@attrs.frozen
class _Case:
    origin: date
    months: int
    series_id: str
    forecast: float
    scale: float
    known_on: date  # the first snapshot on or after origin + months
    actual: float


class TrackRecord:
    """A forecaster's forecasts at monthly origins up to a day, with their outcomes as far
    as the panel knows them: the raw material of :meth:`calibration` at any day up to it.
    Built once, it calibrates many origins (the backtest's windows) without refitting.

    Args:
        panel: Series by id, (days, values), days increasing.
        method: A registered forecaster's name or a forecaster.
        until: The last origin of the grid (the grid is monthly, back from it).
        horizons: The horizons in months.
        bounds: The series' natural bounds.
        direction: Whether higher is better.
        references: A series to pool toward, by series id (cut at each origin).
        kinds: Bounds and direction by series id, for panels whose series differ (a
            plan's KPIs); the others take ``bounds`` and ``direction``.
    """

    def __init__(
        self,
        panel: Panel,
        method: str | Forecaster,
        until: date,
        *,
        horizons: Sequence[int] = HORIZONS,
        bounds: tuple[float, float] | None = None,
        direction: Direction = Direction.INCREASE,
        references: Mapping[str, Reference] | None = None,
        kinds: Mapping[str, tuple[tuple[float, float] | None, Direction]] | None = None,
    ) -> None:
        forecaster = FORECASTERS.get(method) if isinstance(method, str) else method
        kinds = kinds or {}
        self.method = forecaster.name
        self.until = until
        self.horizons = _checked_horizons(horizons)
        refs = references or {}
        cases: list[_Case] = []
        for sid, (days, values) in panel.items():
            if not days:
                continue
            first = days[0]
            for k in range(1, 12 * 200):
                origin = months_before(until, k)
                if origin < first:
                    break
                cut = bisect.bisect_right(days, origin)
                if cut < 2:
                    break
                seen_days, seen_values = tuple(days[:cut]), tuple(values[:cut])
                scale = series_pace(seen_days, seen_values)
                if scale is None:
                    continue
                own_bounds, own_direction = kinds.get(sid, (bounds, direction))
                data = SeriesInput(
                    kpi_id=sid,
                    days=seen_days,
                    values=seen_values,
                    target=own_bounds[1] if own_bounds else seen_values[-1],
                    deadline=months_before(origin, -self.horizons[-1]),
                    as_of=origin,
                    direction=own_direction,
                    bounds=own_bounds,
                    reference=refs[sid].until(origin) if sid in refs else None,
                )
                try:
                    trend = forecaster.fit(data)
                except CalculationError:
                    continue
                for h in self.horizons:
                    day = months_before(origin, -h)
                    i = bisect.bisect_left(days, day)
                    if i == len(days) or day > until:
                        continue
                    # Interpolated from the snapshots on either side, both on or before
                    # known_on: the outcome is known from that day on, never before.
                    actual = value_at(days[: i + 1], values[: i + 1], day)
                    predicted = trend.predict(day)
                    if actual is None or not math.isfinite(predicted):
                        continue
                    cases.append(_Case(origin, h, sid, predicted, scale, days[i], actual))
        self._cases = cases

    def calibration(
        self,
        as_of: date,
        *,
        level: float = DEFAULT_LEVEL,
        gamma: float = DEFAULT_GAMMA,
        interleave: bool = False,
    ) -> Calibration:
        """The calibration as of ``as_of`` (on or before the record's ``until``): only
        outcomes known by then, and the ACI replay over the grid up to then: by default
        one level for all origins, updated as each origin's outcomes become known
        (``interleave``: one level per month modulo the horizon; see :func:`_replay`
        for why one level is the default).

        Raises:
            CalculationError: ``as_of`` is after the record's day, or ``level``,
                ``gamma`` or ``interleave`` is out of range or of the wrong type.
        """
        if as_of > self.until:
            msg = f"a track record up to {self.until} cannot calibrate {as_of}"
            raise CalculationError(msg)
        _check_level(level)
        _check_gamma(gamma)
        if not isinstance(interleave, bool):
            msg = f"interleave must be True or False, got {interleave!r}"
            raise CalculationError(msg)
        tables = []
        for h in self.horizons:
            by_origin: dict[date, list[_Case]] = {}
            for c in self._cases:
                if c.months == h and c.known_on <= as_of:
                    by_origin.setdefault(c.origin, []).append(c)
            tables.append(_replay(h, by_origin, 1 - level, gamma, as_of, interleave=interleave))
        return Calibration(
            method=self.method, as_of=as_of, level=level, gamma=gamma, tables=tuple(tables)
        )


def _is_number(x: object) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool)


def _check_level(level: object) -> None:
    if not (_is_number(level) and 0 < level < 1):  # type: ignore[operator]
        msg = f"level must be a number between 0 and 1 (e.g. 0.8), got {level!r}"
        raise CalculationError(msg)


def _check_gamma(gamma: object) -> None:
    # 0 keeps the nominal level (plain split conformal); above 1, one origin's misses
    # (alpha − err in [−1, 1]) could move the level past its whole range at once.
    if not (_is_number(gamma) and 0 <= gamma <= 1):  # type: ignore[operator]
        msg = f"gamma (ACI's step) must be a number from 0 to 1 (e.g. 0.05), got {gamma!r}"
        raise CalculationError(msg)


def _checked_horizons(horizons: Sequence[int]) -> tuple[int, ...]:
    bad = [h for h in horizons if not (isinstance(h, int) and not isinstance(h, bool) and h > 0)]
    if bad or not horizons:
        msg = (
            f"horizons must be whole numbers of months, 1 or more, got {list(horizons)!r}"
            f"{f' ({bad!r} cannot be)' if bad else ' (none)'}"
        )
        raise CalculationError(msg)
    return tuple(sorted(set(horizons)))


def _score(case: _Case) -> float:
    years = (months_before(case.origin, -case.months) - case.origin).days / YEAR_DAYS
    return (case.actual - case.forecast) / (case.scale * years)


def _chain(day: date, months: int, interleave: bool) -> int:
    """Which of the ``months`` interleaved ACI sequences a monthly origin belongs to."""
    return (day.year * 12 + day.month) % months if interleave else 0


def _replay(
    months: int,
    by_origin: Mapping[date, Sequence[_Case]],
    alpha: float,
    gamma: float,
    as_of: date,
    *,
    interleave: bool = False,
) -> HorizonTable:
    """ACI over the origins in time order: the interval issued at each origin uses the
    scores known by then, at the level then in force; its misses update the level on the
    day they become known (the latest outcome of its batch).

    An ``h``-month forecast's outcome is known ``h`` months later, so about ``h``
    intervals are always pending. By default one level takes every origin's feedback as
    it becomes known (delayed feedback, as in Gibbs & Candès's multi-step setting): the
    level then moves up to ``h`` steps on one shock before its first miss is scored, but
    its long-run miss share over all origins is bounded by :func:`aci_bound` with a delay
    of about ``h`` updates, about ``(0.8 + 0.05 h) / (0.05 T)`` at 80% and the default
    step. With ``interleave`` the origins form ``h`` sequences, one per month modulo
    ``h``, each with its own level and its feedback by its next step: each sequence has
    the plain bound over its ``T / h`` steps, so the bound on all origins together is
    the sum of theirs, about ``h`` times the one level's. That comparison, made before
    any window was scored, is why one level is the default. The level returned is that
    of the sequence ``as_of`` belongs to.

    An interval issued at a level of 1 or more counts as missing every outcome, the
    empty set of Gibbs & Candès (the median stands in for it when shown), so that their
    guarantee holds as stated.
    """
    origins = sorted(by_origin)
    scores = {o: [_score(c) for c in by_origin[o]] for o in origins}
    revealed = sorted((max(c.known_on for c in by_origin[o]), o) for o in origins)
    # origin -> (low, high, level issued at, updates of its sequence before the issue)
    issued: dict[date, tuple[float, float, float, int]] = {}
    known: list[float] = []
    errs: list[float] = []
    levels: dict[int, float] = {}
    updates: dict[int, int] = {}
    delays: dict[int, int] = {}
    step = 0
    need = min_scores(1 - alpha)
    for when in [*origins, date.max]:
        # Outcomes known by this origin first: they update the level and join the table.
        while step < len(revealed) and revealed[step][0] <= when:
            o = revealed[step][1]
            step += 1
            if o in issued:
                low, high, at, before = issued[o]
                missed = sum(not low <= s <= high for s in scores[o])
                err = 1.0 if at >= 1 else missed / len(scores[o])
                errs.append(err)
                chain = _chain(o, months, interleave)
                levels[chain] = aci_step(levels.get(chain, alpha), alpha, gamma, err)
                updates[chain] = updates.get(chain, 0) + 1
                delays[chain] = max(delays.get(chain, 1), updates[chain] - before)
            known.extend(scores[o])
            known.sort()
        # The replay starts at the first origin with enough scores for a finite
        # interval at the nominal level: before that there is no interval to adapt.
        if when != date.max and len(known) >= need:
            chain = _chain(when, months, interleave)
            level_now = levels.get(chain, alpha)
            issued[when] = (
                *conformal_quantiles(known, level_now),
                level_now,
                updates.get(chain, 0),
            )
    contributors = {c.series_id for cs in by_origin.values() for c in cs}
    # The bound on all origins: each sequence's telescoped sum, over all the steps.
    if errs and gamma > 0:
        bound = sum(aci_bound(alpha, gamma, 1, delays[c]) / len(errs) for c in updates)
    else:
        bound = math.inf
    return HorizonTable(
        months=months,
        scores=tuple(known),
        alpha=levels.get(_chain(as_of, months, interleave), alpha),
        steps=len(errs),
        missed=sum(errs) / len(errs) if errs else math.nan,
        series=len(contributors),
        delay=max(delays.values(), default=1),
        bound=bound,
    )


def calibrate(
    panel: Panel,
    method: str | Forecaster,
    as_of: date,
    *,
    level: float = DEFAULT_LEVEL,
    gamma: float = DEFAULT_GAMMA,
    horizons: Sequence[int] = HORIZONS,
    bounds: tuple[float, float] | None = None,
    direction: Direction = Direction.INCREASE,
    references: Mapping[str, Reference] | None = None,
    interleave: bool = False,
) -> Calibration:
    """Learn a forecaster's calibration from its track record on a panel, as of a day.

    Only what was known on ``as_of`` is read: forecasts at monthly origins before it,
    each from its series cut at its origin, and the outcomes known by ``as_of``.

    Args:
        panel: Series by id, (days, values), days increasing (e.g. the My Number card
            rates of every municipality, or a plan's KPIs in one unit).
        method: The forecaster to calibrate (a name or a forecaster).
        as_of: The day of the calibration.
        level: The nominal level of the intervals.
        gamma: ACI's step (:data:`DEFAULT_GAMMA`).
        horizons: The horizons in months to keep a table for.
        bounds: The series' natural bounds.
        direction: Whether higher is better.
        references: Series to pool toward, by series id (for ``pooled``).
        interleave: ACI with one level per month modulo the horizon instead of one
            level for all origins (:meth:`TrackRecord.calibration`).

    Returns:
        A :class:`Calibration` to pass as ``calibration=`` to
        :func:`~maebashi_dx.forecast.forecast`.

    Raises:
        CalculationError: ``level``, ``gamma``, ``horizons`` or ``interleave`` is out of
            range or of the wrong type.

    >>> from datetime import date
    >>> days = tuple(date(2018 + m // 12, m % 12 + 1, 1) for m in range(36))
    >>> panel = {f"s{i}": (days, tuple(float(i + m) for m in range(36))) for i in range(1, 6)}
    >>> c = calibrate(panel, "two_point", date(2020, 12, 1), horizons=(6,))
    >>> t = c.table(6)
    >>> len(t.scores), t.series, [round(q, 2) for q in t.quantiles()]  # months differ in length
    (145, 5, [-0.01, 0.0])
    """
    record = TrackRecord(
        panel,
        method,
        as_of,
        horizons=horizons,
        bounds=bounds,
        direction=direction,
        references=references,
    )
    return record.calibration(as_of, level=level, gamma=gamma, interleave=interleave)


def calibrate_plan(
    plan: Plan,
    method: str | Forecaster,
    as_of: date,
    *,
    level: float = DEFAULT_LEVEL,
    gamma: float = DEFAULT_GAMMA,
    horizons: Sequence[int] = HORIZONS,
    interleave: bool = False,
) -> Calibration:
    """Learn a forecaster's calibration from a plan's own quantitative KPIs (each with its
    bounds and direction; errors in each KPI's pace, so units do not matter), as of a
    day. A plan whose KPIs have two or three points each has too short a record for a
    table (fewer than :func:`min_scores` errors at every horizon): forecasts calibrated
    with it keep their own intervals and say so.

    >>> from datetime import date
    >>> from maebashi_dx.datasets import maebashi_2022
    >>> c = calibrate_plan(maebashi_2022(), "blend", date(2022, 5, 31))
    >>> [len(t.scores) for t in c.tables], c.table(12) is None
    ([0, 0, 0, 0, 0], True)
    """
    kpis = [k for k in plan.kpis if k.kind is KPIKind.QUANTITATIVE]
    panel = {k.id: k.numbers(as_of) for k in kpis}
    kinds = {k.id: (k.bounds, k.direction) for k in kpis}
    record = TrackRecord(panel, method, as_of, horizons=horizons, kinds=kinds)
    return record.calibration(as_of, level=level, gamma=gamma, interleave=interleave)


@attrs.frozen(kw_only=True)
class Calibrated:
    """A point forecast calibrated: its interval and its chances of meeting targets.

    Attributes:
        interval: (low, high) at the calibration's level, within the bounds.
        chances: The chance of meeting each target asked for, in order.
        table: The horizon's table used.
        scale: The series' pace the errors were scaled by.
        years: The horizon in years.
    """

    interval: tuple[float, float]
    chances: tuple[float, ...]
    table: HorizonTable
    scale: float
    years: float


def calibrate_value(
    value: float, data: SeriesInput, calibration: Calibration, targets: Sequence[float]
) -> Calibrated | Message:
    """Calibrate one point forecast of ``data`` at its deadline; a :class:`Message` saying
    why when the calibration cannot apply (no time left, no pace to scale by, too few
    scores at every horizon)."""
    years = (data.deadline - data.as_of).days / YEAR_DAYS
    if years <= 0:
        return _msg("forecast.uncalibrated.no_time")
    scale = series_pace(data.days, data.values)
    if scale is None:
        return _msg("forecast.uncalibrated.no_pace")
    # By calendar months, as the tables' horizons are counted: 6.01 average months
    # (1 April to 1 October) must not take the 12-month table.
    table = calibration.table(horizon_months(data.as_of, data.deadline))
    if table is None:
        most = max((len(t.scores) for t in calibration.tables), default=0)
        need = min_scores(calibration.level)
        return _msg("forecast.uncalibrated.too_few", count=most, need=need, day=calibration.as_of)
    low, high = calibrated_interval(value, scale, years, table.quantiles(), data.bounds)
    if not (math.isfinite(low) and math.isfinite(high)):
        # ACI asks for every outcome (alpha ≤ 0) and nothing bounds the KPI: the widest
        # errors seen stand in for the infinite interval.
        widest = (table.scores[0], table.scores[-1])
        low, high = calibrated_interval(value, scale, years, widest, data.bounds)
    sign = data.direction.sign
    found = tuple(chance(value, scale, years, table.scores, t, sign, data.bounds) for t in targets)
    return Calibrated(interval=(low, high), chances=found, table=table, scale=scale, years=years)


def apply_calibration(forecast: Forecast, data: SeriesInput, calibration: Calibration) -> Forecast:
    """A forecast with its interval and chance of meeting the target taken from a
    calibration; without a usable table (too few scores at any horizon, no pace to scale
    by, no time left) the forecast keeps its own interval and says why, with no chance.

    Every caller (:func:`~maebashi_dx.forecast.forecast`, ``run_forecaster``, the bulk
    path) gets these checks here.

    Raises:
        CalculationError: The calibration is of another forecaster or at another level,
            or learned from outcomes after the forecast's day.
    """
    if not math.isclose(calibration.level, forecast.level, rel_tol=0, abs_tol=1e-12):
        msg = (
            f"the calibration is at level {calibration.level}, the forecast of "
            f"{forecast.kpi_id!r} at {forecast.level}: learn one at {forecast.level}"
        )
        raise CalculationError(msg)
    if calibration.method != forecast.method:
        msg = (
            f"a calibration of {calibration.method!r} cannot calibrate "
            f"{forecast.method!r}: learn one for {forecast.method!r}"
        )
        raise CalculationError(msg)
    if calibration.as_of > data.as_of:
        msg = (
            f"the calibration read outcomes up to {calibration.as_of}, after the "
            f"forecast's day {data.as_of}"
        )
        raise CalculationError(msg)
    if forecast.value is None or forecast.interval is None:
        return forecast
    found = calibrate_value(forecast.value, data, calibration, (data.target,))
    if isinstance(found, Message):
        own = forecast.interval_message
        why = _msg(
            "forecast.interval.uncalibrated",
            own=own if own is not None else forecast.interval_basis,
            why=found,
        )
        return attrs.evolve(forecast, interval_message=why, interval_basis="")
    table = found.table
    fields = {
        "level": calibration.level,
        "count": len(table.scores),
        "series": table.series,
        "months": table.months,
        "day": calibration.as_of,
    }
    if table.alpha <= 0:  # ACI asks for every outcome: say so, not "adapted to 100%"
        message = _msg("forecast.interval.conformal_everything", **fields)
    else:
        message = _msg("forecast.interval.conformal", adapted=min(1.0, 1 - table.alpha), **fields)
    return attrs.evolve(
        forecast,
        interval=found.interval,
        interval_message=message,
        interval_basis="",
        probability=found.chances[0],
    )
