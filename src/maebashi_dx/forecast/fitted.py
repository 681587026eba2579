"""The fitted trends of the built-in forecasters (what their ``fit`` returns): a line
(:class:`_LineTrend`), the latest value (:class:`_FlatTrend`), a blend
(:class:`_BlendTrend`) and a pooled line (:class:`_PooledTrend`).

Imported when a forecaster first fits: assess's one pass for the default blend
(:func:`maebashi_dx.forecast.run.blend_forecast`) builds none, so the command's start
does not define these classes. Each method reads the shared formulas of
:mod:`~maebashi_dx.forecast.trends` and :mod:`~maebashi_dx.forecast.intervals`.
"""

from __future__ import annotations

from datetime import date

import attrs

from maebashi_dx.forecast.combine import blend_interval_message
from maebashi_dx.forecast.intervals import _size, widened
from maebashi_dx.forecast.messages import Message, _Explained, _msg
from maebashi_dx.forecast.series import Point, Trend
from maebashi_dx.forecast.trends import (
    Line,
    _Transform,
    line_at,
    line_interval,
    line_pace_on,
    solve_line,
)


@attrs.frozen(kw_only=True)
class _WidenedTrend(_Explained):
    """What ``blend`` and ``pooled`` share: the history, and how an interval is widened
    for changes of pace."""

    days: tuple[date, ...]
    values: tuple[float, ...]
    bounds: tuple[float, float] | None
    shift: float | None  # largest past change in the yearly pace, per year
    origin: date
    basis_message: Message

    @property
    def points(self) -> tuple[Point, ...]:
        return tuple(map(Point, self.days, self.values))

    def _widen(
        self, ends: list[float], day: date, middle: float, pace: float
    ) -> tuple[float, float]:
        """The hull of ``ends`` and of the pace's possible changes, within the bounds
        (:func:`widened`)."""
        return widened(
            ends,
            middle,
            pace,
            self.shift,
            (day - self.origin).days,
            (day - self.days[-1]).days,
            self.values[-1],
            self.bounds,
        )


@attrs.frozen(kw_only=True)
class _LineTrend(_Explained):
    """A least-squares line z = a + b·x in a transformed space, x in years from origin:
    its numbers (:class:`Line`), the points it was fitted on and its basis."""

    basis_message: Message
    days: tuple[date, ...]
    values: tuple[float, ...]
    transform: _Transform
    line: Line

    @property
    def points(self) -> tuple[Point, ...]:
        return tuple(map(Point, self.days, self.values))

    @property
    def interval_message(self) -> Message | None:
        """How the interval is made; None for the prediction interval, which
        run_forecaster names with its level."""
        return _line_interval_message(self.line)

    @property
    def interval_basis(self) -> str:
        message = self.interval_message
        return "" if message is None else message.text("en")

    def predict(self, day: date) -> float:
        return line_at(self.line, day)

    def interval(self, day: date, level: float) -> tuple[float, float]:
        return line_interval(self.line, day, level)

    def solve(self, target: float, sign: int, after: date) -> date | None:
        """The first day from ``after`` on which the trend meets ``target``
        (:func:`solve_line`)."""
        return solve_line(self.line, target, sign, after)

    def pace(self, day: date) -> float:
        return line_pace_on(self.line, day)


def _line_interval_message(line: Line) -> Message | None:
    """How a line's interval is made: None for the prediction interval (named with its
    level by run_forecaster), else the heuristic's message."""
    if line.sigma > 0:
        return None
    if line.n >= 3:
        return _msg("forecast.interval.on_line", count=line.n)
    return _msg("forecast.interval.two_points")


@attrs.frozen(kw_only=True)
class _FlatTrend(_Explained):
    """The latest value, carried forward."""

    days: tuple[date, ...]
    values: tuple[float, ...]
    basis_message: Message

    @property
    def points(self) -> tuple[Point, ...]:
        return tuple(map(Point, self.days, self.values))

    @property
    def interval_message(self) -> Message:
        """How the interval is made: it is not."""
        return _msg("forecast.interval.naive")

    @property
    def interval_basis(self) -> str:
        return self.interval_message.text("en")

    def predict(self, day: date) -> float:
        return self.values[-1]

    def interval(self, day: date, level: float) -> tuple[float, float]:
        return self.values[-1], self.values[-1]

    def pace(self, day: date) -> float:
        return 0.0


@attrs.frozen(kw_only=True)
class _BlendTrend(_WidenedTrend):
    """A weighted mean of member trends; its interval spans theirs."""

    members: tuple[Trend, ...]
    weights: tuple[float, ...]

    @property
    def interval_message(self) -> Message:
        """How the interval is made: the members', widened for changes of pace."""
        return blend_interval_message(self.shift)

    @property
    def interval_basis(self) -> str:
        return self.interval_message.text("en")

    def predict(self, day: date) -> float:
        return sum(w * t.predict(day) for w, t in zip(self.weights, self.members, strict=True))

    def interval(self, day: date, level: float) -> tuple[float, float]:
        # The members' forecasts, and the prediction intervals of the members fitted on
        # three or more points; with none of those, the members' two-point heuristics
        # (stall .. double), which are wide, as they should be.
        fitted = [t for t in self.members if _size(t) >= 3] or list(self.members)
        ends = [t.predict(day) for t in self.members]
        middle = sum(w * e for w, e in zip(self.weights, ends, strict=True))  # predict(day)
        ends += [e for t in fitted for e in t.interval(day, level)]
        return self._widen(ends, day, middle, self.pace(self.days[-1]))

    def pace(self, day: date) -> float:
        return sum(w * t.pace(day) for w, t in zip(self.weights, self.members, strict=True))


@attrs.frozen(kw_only=True)
class _PooledTrend(_WidenedTrend):
    """A line through the latest point whose pace is pooled with a reference's."""

    line: _LineTrend  # the pooled pace, through the latest point
    own: _LineTrend  # the series' own line
    theirs: _LineTrend  # the reference's pace scaled to the series' level, through it too

    @property
    def interval_message(self) -> Message:
        """How the interval is made: the three paces and the own line's interval."""
        if self.shift is None:
            return _msg("forecast.interval.pooled_short")
        return _msg("forecast.interval.pooled", shift=self.shift)

    @property
    def interval_basis(self) -> str:
        return self.interval_message.text("en")

    def predict(self, day: date) -> float:
        return self.line.predict(day)

    def interval(self, day: date, level: float) -> tuple[float, float]:
        middle = self.line.predict(day)
        ends = [middle, self.own.predict(day), self.theirs.predict(day)]
        ends += self.own.interval(day, level)
        return self._widen(ends, day, middle, self.line.line.b)

    def pace(self, day: date) -> float:
        return self.line.pace(day)

    def solve(self, target: float, sign: int, after: date) -> date | None:
        """The first day from ``after`` the pooled line meets ``target`` (closed form)."""
        return self.line.solve(target, sign, after)
