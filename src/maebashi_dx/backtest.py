"""How good are the forecasts? Rolling-origin evaluation on real series.

For each window (an origin and a horizon), every forecaster sees each series only up to
the origin, forecasts the horizon, and is compared with what then happened. Scores per
method and window: mean and median absolute error, bias (forecast − actual, so a
positive bias over-forecasts), and the share of outcomes inside the forecast interval
(its empirical coverage, to set against its nominal level).

Calibrated methods (``calibrate=``) are scored a second time, as ``<name>+conformal``:
the same point forecasts with the interval of
:mod:`maebashi_dx.forecast.conformal`, learned at each origin from the method's own
forecasts at earlier monthly origins whose outcomes were known by then, and, for the
``targets`` asked for, the chance of meeting each; :func:`reliability` scores those
chances (Brier score, reliability table).

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

from maebashi_dx.errors import CalculationError
from maebashi_dx.forecast import (
    DEFAULT_LEVEL,
    FORECASTERS,
    Forecaster,
    Reference,
    SeriesInput,
    run_forecaster,
    value_at,
)
from maebashi_dx.forecast.conformal import DEFAULT_GAMMA, TrackRecord, calibrate_value
from maebashi_dx.forecast.messages import Message
from maebashi_dx.model import Direction

__all__ = [
    "CALIBRATED_SUFFIX",
    "Agreement",
    "Backtest",
    "Bin",
    "Outcome",
    "Panel",
    "Reliability",
    "Score",
    "Window",
    "backtest",
    "reliability",
    "score_outcomes",
    "status_agreement",
    "value_at",
]

#: The name under which a calibrated method's outcomes are scored: ``blend+conformal``.
CALIBRATED_SUFFIX = "+conformal"

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
    #: The chance of meeting each of the backtest's targets, in order (calibrated
    #: methods only; empty when not calibrated or when the calibration could not apply).
    probabilities: tuple[float, ...] = ()

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
    #: The mean width of the intervals (high − low): what the coverage cost.
    width: float = float("nan")


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
        width=statistics.fmean(o.high - o.low for o in outcomes) if outcomes else nan,
    )


@attrs.frozen(kw_only=True)
class Backtest:
    """The outcomes of a backtest and their scores."""

    outcomes: tuple[Outcome, ...]
    scores: tuple[Score, ...]
    overall: tuple[Score, ...]
    level: float
    targets: tuple[float, ...] = ()
    #: Whether higher is better: a target is met when ``direction.sign × (value −
    #: target) ≥ 0`` (:attr:`~maebashi_dx.forecast.Forecast.meets_target`'s convention).
    direction: Direction = Direction.INCREASE

    def meets(self, value: float, target: float) -> bool:
        """Whether ``value`` meets ``target`` in the backtest's direction (at or above it
        when higher is better, at or below it when lower is)."""
        return self.direction.sign * (value - target) >= 0

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
    calibrate: Iterable[str] = (),
    targets: Sequence[float] = (),
    gamma: float = DEFAULT_GAMMA,
    interleave: bool = False,
) -> Backtest:
    """Evaluate forecasters by rolling origin over a panel of series.

    Args:
        panel: Series by id, (days, values), days increasing.
        methods: Registered forecaster names (plugins included) or forecaster objects.
        windows: The (origin, horizon) pairs.
        level: The confidence level of the intervals scored for coverage.
        bounds: The series' natural bounds, given to the forecasters.
        direction: Whether higher is better: given to the forecasters, and the sense in
            which the ``targets`` are met (by the chances, :func:`reliability` and
            :func:`status_agreement`).
        keep_outcomes: Keep every single outcome (memory grows with the panel).
        references: A series to pool toward, by series id (e.g. each city's prefecture),
            cut at each origin like the series themselves.
        calibrate: Methods (among ``methods``) to score again with calibrated intervals,
            as ``<name>+conformal``; each origin's calibration reads only the outcomes
            known by that origin.
        targets: Targets whose chance of being met by the horizon the calibrated
            methods give (for :func:`reliability`).
        gamma: ACI's step for the calibration.
        interleave: ACI with one level per month modulo the horizon, instead of one
            level for all origins (the default; see
            :meth:`~maebashi_dx.forecast.conformal.TrackRecord.calibration`).

    Returns:
        Scores per method and window, and overall (all windows pooled).
    """
    chosen = [FORECASTERS.get(m) if isinstance(m, str) else m for m in methods]
    references = references or {}
    windows = sorted(set(windows))
    targets = tuple(targets)
    to_calibrate = set(calibrate)
    unknown = to_calibrate - {f.name for f in chosen}
    if unknown:
        msg = f"calibrate names methods not in the backtest: {', '.join(sorted(unknown))}"
        raise CalculationError(msg)
    records = {
        f.name: TrackRecord(
            panel,
            f,
            max(w.origin for w in windows),
            horizons=sorted({w.months_ahead for w in windows}),
            bounds=bounds,
            direction=direction,
            references=references,
        )
        for f in chosen
        if f.name in to_calibrate and windows
    }
    all_outcomes: list[Outcome] = []
    scores: list[Score] = []
    names = [f.name for f in chosen]
    names += [f.name + CALIBRATED_SUFFIX for f in chosen if f.name in records]
    pooled: dict[str, list[Outcome]] = {name: [] for name in names}
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
            name = forecaster.name
            record = records.get(name)
            calibration = (
                record.calibration(window.origin, level=level, gamma=gamma, interleave=interleave)
                if record
                else None
            )
            outcomes, calibrated = [], []
            skipped = 0
            for sid, actual, data in cases:
                f = run_forecaster(forecaster, data, level=level)
                if f.value is None or f.interval is None:
                    skipped += 1
                    continue
                outcome = Outcome(
                    series_id=sid,
                    method=name,
                    window=window,
                    forecast=f.value,
                    low=f.interval[0],
                    high=f.interval[1],
                    actual=actual,
                )
                outcomes.append(outcome)
                if calibration is None:
                    continue
                found = calibrate_value(f.value, data, calibration, targets)
                if isinstance(found, Message):  # the method's own interval, no chances
                    calibrated.append(attrs.evolve(outcome, method=name + CALIBRATED_SUFFIX))
                    continue
                calibrated.append(
                    attrs.evolve(
                        outcome,
                        method=name + CALIBRATED_SUFFIX,
                        low=found.interval[0],
                        high=found.interval[1],
                        probabilities=found.chances,
                    )
                )
            runs = [(name, outcomes)]
            if calibration is not None:
                runs.append((name + CALIBRATED_SUFFIX, calibrated))
            for label, found_outcomes in runs:
                scores.append(_score(label, window, found_outcomes, skipped, level))
                pooled[label] += found_outcomes
                skipped_total[label] += skipped
                if keep_outcomes:
                    all_outcomes += found_outcomes
    overall = tuple(
        _score(name, None, outs, skipped_total[name], level) for name, outs in pooled.items()
    )
    return Backtest(
        outcomes=tuple(all_outcomes),
        scores=tuple(scores),
        overall=overall,
        level=level,
        targets=targets,
        direction=direction,
    )


def score_outcomes(
    outcomes: Sequence[Outcome],
    *,
    level: float = DEFAULT_LEVEL,
    skipped: Mapping[str, int] | None = None,
    direction: Direction = Direction.INCREASE,
) -> Backtest:
    """Score outcomes made elsewhere (e.g. another library's forecasts on the same series
    and windows) exactly as :func:`backtest` scores its own.

    Args:
        outcomes: The forecasts against what happened.
        level: The intervals' nominal level.
        skipped: Series left out, by method (counted in the scores).
        direction: Whether higher is better (for :func:`status_agreement`).
    """
    skipped = skipped or {}
    groups: dict[tuple[str, Window], list[Outcome]] = {}
    by_method: dict[str, list[Outcome]] = {}
    for o in outcomes:
        groups.setdefault((o.method, o.window), []).append(o)
        by_method.setdefault(o.method, []).append(o)
    scores = tuple(
        _score(method, window, outs, 0, level)
        for (method, window), outs in sorted(groups.items(), key=lambda kv: (kv[0][1], kv[0][0]))
    )
    overall = tuple(
        _score(m, None, outs, skipped.get(m, 0), level) for m, outs in by_method.items()
    )
    return Backtest(
        outcomes=tuple(outcomes),
        scores=scores,
        overall=overall,
        level=level,
        direction=direction,
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
    the origin and as it happened (in the backtest's direction: at or below the target
    when lower is better)? Needs a backtest run with ``keep_outcomes=True``."""
    groups: dict[tuple[str, Window], list[Outcome]] = {}
    for o in result.outcomes:
        groups.setdefault((o.method, o.window), []).append(o)
    out = []
    for (method, window), outcomes in groups.items():
        n = len(outcomes)
        for target in targets:
            said = [result.meets(o.forecast, target) for o in outcomes]
            did = [result.meets(o.actual, target) for o in outcomes]
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


@attrs.frozen(kw_only=True)
class Bin:
    """One bin of a reliability table: forecasts whose chance fell in [low, high).

    Attributes:
        low: The bin's lower edge (the last bin includes 1).
        high: Its upper edge.
        n: Forecasts in it.
        predicted: Their mean chance.
        observed: The share that met the target.
    """

    low: float
    high: float
    n: int
    predicted: float
    observed: float


@attrs.frozen(kw_only=True)
class Reliability:
    """How good a calibrated method's chances of meeting targets were, on one window
    (``window`` None: all windows), over one target (``target`` None: all the targets).

    Attributes:
        method: The calibrated method (``<name>+conformal``).
        window: The window, or None.
        target: The target, or None.
        n: Chances scored (one per outcome and target).
        brier: The Brier score, the mean of (chance − met)², 0 best (Brier 1950).
        verdict_brier: The same for the yes/no verdict of the point forecast (chance 1
            when the forecast meets the target, else 0): 1 − the status agreement.
        bins: The reliability table, non-empty bins only.
    """

    method: str
    window: Window | None
    target: float | None
    n: int
    brier: float
    verdict_brier: float
    bins: tuple[Bin, ...]


def reliability(
    result: Backtest, *, bins: int = 10, by_target: bool = False
) -> tuple[Reliability, ...]:
    """Brier scores and reliability tables (the chance forecast in equal-width bins
    against the share that happened; Murphy & Winkler 1977) for every calibrated method
    and window, then over all windows; per target with ``by_target``, else pooled over
    the targets. A target is met in the backtest's direction (:meth:`Backtest.meets`),
    as the chances are given. Needs a backtest run with ``targets`` and
    ``keep_outcomes=True``."""
    groups: dict[tuple[str, Window | None, float | None], list[tuple[float, bool, bool]]] = {}
    for o in result.outcomes:
        if len(o.probabilities) != len(result.targets):
            continue
        for target, p in zip(result.targets, o.probabilities, strict=True):
            item = (p, result.meets(o.actual, target), result.meets(o.forecast, target))
            key_target = target if by_target else None
            for window in (o.window, None):
                groups.setdefault((o.method, window, key_target), []).append(item)
    out = []
    for (method, window, wanted), items in groups.items():
        n = len(items)
        table = []
        for k in range(bins):
            low, high = k / bins, (k + 1) / bins
            inside = [
                (p, met) for p, met, _ in items if low <= p < high or (k == bins - 1 and p == 1)
            ]
            if inside:
                table.append(
                    Bin(
                        low=low,
                        high=high,
                        n=len(inside),
                        predicted=statistics.fmean(p for p, _ in inside),
                        observed=sum(met for _, met in inside) / len(inside),
                    )
                )
        out.append(
            Reliability(
                method=method,
                window=window,
                target=wanted,
                n=n,
                brier=statistics.fmean((p - met) ** 2 for p, met, _ in items),
                verdict_brier=sum(said != met for _, met, said in items) / n,
                bins=tuple(table),
            )
        )
    out.sort(
        key=lambda r: (
            r.method,
            r.window is None,
            r.window or Window(date.min, date.min),
            r.target or 0.0,
        )
    )
    return tuple(out)
