"""How good are the forecasts? Rolling-origin evaluation on real series.

For each window (an origin and a horizon), every forecaster sees each series only up to
the origin, forecasts the horizon, and is compared with what then happened. Scores per
method and window: mean and median absolute error, bias (forecast − actual, so a
positive bias over-forecasts), and the share of outcomes inside the forecast interval
(its empirical coverage, to set against its nominal level).

The actual value at a horizon that falls between two snapshots is interpolated linearly
between them; a horizon after the last snapshot has no actual, and the series is left
out of that window.

>>> from datetime import date
>>> days = (date(2021, 1, 1), date(2022, 1, 1), date(2023, 1, 1))  # 365 days apart
>>> panel = {"a": (days, (10.0, 20.0, 30.0))}
>>> result = backtest(panel, ["two_point"], [Window.months(date(2022, 1, 1), 12)])
>>> score = result.scores[0]
>>> score.n, round(score.mae, 6), round(score.bias, 6)
(1, 0.0, 0.0)
"""

from __future__ import annotations

import bisect
import statistics
from collections.abc import Iterable, Mapping, Sequence
from datetime import date

import attrs
from dateutil.relativedelta import relativedelta

from maebashi_dx.forecast import (
    DEFAULT_LEVEL,
    FORECASTERS,
    Forecaster,
    Reference,
    SeriesInput,
    run_forecaster,
    value_at,
)
from maebashi_dx.model import Direction

__all__ = [
    "Agreement",
    "Backtest",
    "Outcome",
    "Panel",
    "Score",
    "Window",
    "backtest",
    "status_agreement",
    "value_at",
]

#: Series by id: (days, values), days strictly increasing.
Panel = Mapping[str, tuple[Sequence[date], Sequence[float]]]


@attrs.frozen(order=True)
class Window:
    """A forecast origin and the day it forecasts."""

    origin: date
    horizon: date

    @classmethod
    def months(cls, origin: date, months: int) -> Window:
        """The window from ``origin`` to ``months`` later."""
        return cls(origin, origin + relativedelta(months=months))

    @property
    def label(self) -> str:
        """e.g. "2021-04-01 → 2022-04-01"."""
        return f"{self.origin.isoformat()} → {self.horizon.isoformat()}"

    @property
    def months_ahead(self) -> int:
        """The horizon in whole months."""
        delta = relativedelta(self.horizon, self.origin)
        return delta.years * 12 + delta.months


@attrs.frozen(kw_only=True)
class Outcome:
    """One forecast against what happened."""

    series_id: str
    method: str
    window: Window
    forecast: float
    low: float
    high: float
    actual: float

    @property
    def error(self) -> float:
        """forecast − actual."""
        return self.forecast - self.actual

    @property
    def covered(self) -> bool:
        """Whether the actual fell inside the interval (ends included)."""
        return self.low <= self.actual <= self.high


@attrs.frozen(kw_only=True)
class Score:
    """A method's accuracy over one window (or over all, with ``window`` None)."""

    method: str
    window: Window | None
    n: int
    skipped: int
    mae: float
    median_ae: float
    bias: float
    coverage: float
    level: float


def _score(
    method: str, window: Window | None, outcomes: Sequence[Outcome], skipped: int, level: float
) -> Score:
    errors = [o.error for o in outcomes]
    absolute = [abs(e) for e in errors]
    nan = float("nan")
    return Score(
        method=method,
        window=window,
        n=len(outcomes),
        skipped=skipped,
        mae=statistics.fmean(absolute) if absolute else nan,
        median_ae=statistics.median(absolute) if absolute else nan,
        bias=statistics.fmean(errors) if errors else nan,
        coverage=sum(o.covered for o in outcomes) / len(outcomes) if outcomes else nan,
        level=level,
    )


@attrs.frozen(kw_only=True)
class Backtest:
    """The outcomes of a backtest and their scores."""

    outcomes: tuple[Outcome, ...]
    scores: tuple[Score, ...]
    overall: tuple[Score, ...]
    level: float

    def score(self, method: str, window: Window | None = None) -> Score:
        """The score of one method on one window (or overall)."""
        pool = self.overall if window is None else self.scores
        for s in pool:
            if s.method == method and s.window == window:
                return s
        msg = f"no score for {method!r} on {window}"
        raise KeyError(msg)


def backtest(
    panel: Panel,
    methods: Iterable[str | Forecaster],
    windows: Iterable[Window],
    *,
    level: float = DEFAULT_LEVEL,
    bounds: tuple[float, float] | None = (0.0, 100.0),
    direction: Direction = Direction.INCREASE,
    keep_outcomes: bool = True,
    references: Mapping[str, Reference] | None = None,
) -> Backtest:
    """Evaluate forecasters by rolling origin over a panel of series.

    Args:
        panel: Series by id, (days, values), days increasing.
        methods: Registered forecaster names (plugins included) or forecaster objects.
        windows: The (origin, horizon) pairs.
        level: The confidence level of the intervals scored for coverage.
        bounds: The series' natural bounds, given to the forecasters.
        direction: Whether higher is better (for forecasters that care).
        keep_outcomes: Keep every single outcome (memory grows with the panel).
        references: A series to pool toward, by series id (e.g. each city's prefecture),
            cut at each origin like the series themselves.

    Returns:
        Scores per method and window, and overall (all windows pooled).
    """
    chosen = [FORECASTERS.get(m) if isinstance(m, str) else m for m in methods]
    references = references or {}
    windows = sorted(set(windows))
    all_outcomes: list[Outcome] = []
    scores: list[Score] = []
    pooled: dict[str, list[Outcome]] = {f.name: [] for f in chosen}
    skipped_total: dict[str, int] = dict.fromkeys(pooled, 0)
    for window in windows:
        cases = []
        for sid, (days, values) in panel.items():
            actual = value_at(days, values, window.horizon)
            cut = bisect.bisect_right(days, window.origin)
            if actual is None or cut == 0:
                continue
            cases.append(
                (
                    sid,
                    actual,
                    SeriesInput(
                        kpi_id=sid,
                        days=tuple(days[:cut]),
                        values=tuple(values[:cut]),
                        target=bounds[1] if bounds else values[cut - 1],
                        deadline=window.horizon,
                        as_of=window.origin,
                        direction=direction,
                        bounds=bounds,
                        reference=(
                            references[sid].until(window.origin) if sid in references else None
                        ),
                    ),
                )
            )
        for forecaster in chosen:
            outcomes = []
            skipped = 0
            for sid, actual, data in cases:
                f = run_forecaster(forecaster, data, level=level)
                if f.value is None or f.interval is None:
                    skipped += 1
                    continue
                outcomes.append(
                    Outcome(
                        series_id=sid,
                        method=forecaster.name,
                        window=window,
                        forecast=f.value,
                        low=f.interval[0],
                        high=f.interval[1],
                        actual=actual,
                    )
                )
            scores.append(_score(forecaster.name, window, outcomes, skipped, level))
            pooled[forecaster.name] += outcomes
            skipped_total[forecaster.name] += skipped
            if keep_outcomes:
                all_outcomes += outcomes
    overall = tuple(
        _score(name, None, outs, skipped_total[name], level) for name, outs in pooled.items()
    )
    return Backtest(
        outcomes=tuple(all_outcomes), scores=tuple(scores), overall=overall, level=level
    )


@attrs.frozen(kw_only=True)
class Agreement:
    """How often a forecast's verdict at the origin ("the target will be met by the
    horizon") agreed with what happened.

    Attributes:
        method: The forecaster.
        window: The window.
        target: The target value at the horizon.
        n: Outcomes compared.
        agree: Share where forecast and outcome agree on met / not met.
        met: Share that actually met the target.
        false_alarms: Share forecast to miss that in fact met it.
        missed_warnings: Share forecast to meet that in fact missed it.
    """

    method: str
    window: Window
    target: float
    n: int
    agree: float
    met: float
    false_alarms: float
    missed_warnings: float


def status_agreement(result: Backtest, targets: Sequence[float]) -> tuple[Agreement, ...]:
    """For each method, window and target: would the target have been met, as forecast at
    the origin and as it happened? Needs a backtest run with ``keep_outcomes=True``."""
    groups: dict[tuple[str, Window], list[Outcome]] = {}
    for o in result.outcomes:
        groups.setdefault((o.method, o.window), []).append(o)
    out = []
    for (method, window), outcomes in groups.items():
        n = len(outcomes)
        for target in targets:
            said = [o.forecast >= target for o in outcomes]
            did = [o.actual >= target for o in outcomes]
            out.append(
                Agreement(
                    method=method,
                    window=window,
                    target=target,
                    n=n,
                    agree=sum(s == d for s, d in zip(said, did, strict=True)) / n,
                    met=sum(did) / n,
                    false_alarms=sum(d and not s for s, d in zip(said, did, strict=True)) / n,
                    missed_warnings=sum(s and not d for s, d in zip(said, did, strict=True)) / n,
                )
            )
    return tuple(out)
