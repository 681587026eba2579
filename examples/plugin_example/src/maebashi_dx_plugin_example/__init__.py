"""An example maebashi_dx plugin: one forecaster, one conflict rule, one grade scale.

Each object satisfies the Protocol of its group (Forecaster, ConflictRule, RatingScale)
and is named by an entry point in this package's pyproject.toml.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator
from datetime import date, timedelta

import attrs

from maebashi_dx import Plan
from maebashi_dx.conflicts import Conflict, Severity
from maebashi_dx.errors import CalculationError
from maebashi_dx.forecast import Point, SeriesInput
from maebashi_dx.grades import Grade, GradeScale
from maebashi_dx.workdays import CityCalendar

__all__ = ["assembly_session", "holt", "signal"]

YEAR = 365.25


@attrs.frozen
class HoltTrend:
    """Level and trend after smoothing, projected from the last point."""

    basis: str
    points: tuple[Point, ...]
    origin: date
    level: float
    trend: float  # per year
    sigma: float  # standard deviation of the one-step-ahead errors
    interval_basis: str = "normal approximation on the one-step-ahead errors"

    def _years(self, day: date) -> float:
        return (day - self.origin).days / YEAR

    def predict(self, day: date) -> float:
        return self.level + self.trend * self._years(day)

    def interval(self, day: date, level: float) -> tuple[float, float]:
        # A normal approximation widening with the square root of the horizon.
        z = {0.8: 1.2816, 0.9: 1.6449, 0.95: 1.96}.get(round(level, 2), 1.2816)
        spread = z * self.sigma * math.sqrt(max(1.0, self._years(day) * 12))
        value = self.predict(day)
        return value - spread, value + spread

    def pace(self, day: date) -> float:
        return self.trend


@attrs.frozen
class Holt:
    """Holt's linear exponential smoothing (Holt 1957), with the trend per year so that
    unevenly spaced measurements are handled."""

    name: str = "holt"
    description: str = "Holt's linear exponential smoothing (level and trend)"
    alpha: float = 0.6
    beta: float = 0.3

    def fit(self, data: SeriesInput) -> HoltTrend:
        points = data.points
        if len(points) < 2:
            msg = f"holt: needs at least two points, has {len(points)}"
            raise CalculationError(msg)
        first, second = points[0], points[1]
        dt = (second.day - first.day).days / YEAR
        level, trend = second.value, (second.value - first.value) / dt
        errors = []
        for prev, point in itertools.pairwise(points[1:]):
            dt = (point.day - prev.day).days / YEAR
            forecast = level + trend * dt
            errors.append(point.value - forecast)
            new_level = self.alpha * point.value + (1 - self.alpha) * forecast
            trend = self.beta * (new_level - level) / dt + (1 - self.beta) * trend
            level = new_level
        sigma = math.sqrt(sum(e * e for e in errors) / len(errors)) if errors else abs(trend) / 4
        return HoltTrend(
            basis=f"holt: α={self.alpha}, β={self.beta} on {len(points)} points",
            points=points,
            origin=points[-1].day,
            level=level,
            trend=trend,
            sigma=sigma,
        )


@attrs.frozen
class AssemblySession:
    """No event in the week (Monday to Sunday) of a regular session of the city
    assembly: the DX office answers in the assembly then. Sessions are the plan's
    milestones whose title contains 「定例会」; an event is a milestone of a week or
    less (a warning, or information only when its date is imprecise)."""

    name: str = "assembly_session"
    description: str = "no milestone in the week of an assembly regular session (定例会)"
    marker: str = "定例会"

    def check(self, plan: Plan, calendar: CityCalendar) -> Iterator[Conflict]:
        sessions = [m for m in plan.milestones if self.marker in m.title]
        for session in sessions:
            monday = session.when.start - timedelta(days=session.when.start.weekday())
            sunday = session.when.end + timedelta(days=6 - session.when.end.weekday())
            for m in plan.milestones:
                if m is session or self.marker in m.title or m.when.days > 7:
                    continue  # sessions themselves, and long periods of work, are fine
                if m.when.start <= sunday and monday <= m.when.end:
                    exact = m.when.is_exact
                    yield Conflict(
                        kind=self.name,
                        severity=Severity.WARNING if exact else Severity.INFO,
                        imprecise=not exact,
                        subject_ids=(m.id, session.id),
                        message=f"「{m.title}」({m.id}) が議会の「{session.title}」の週"
                        f"（{monday}～{sunday}）に重なります。週をずらしてください。",
                        message_en=f"'{m.title_en or m.title}' ({m.id}) falls in the week of "
                        f"the assembly's '{session.title_en or session.title}' ({monday} to "
                        f"{sunday}). Move it to another week.",
                        day=max(m.when.start, monday),
                    )


holt = Holt()
assembly_session = AssemblySession()
signal = GradeScale(
    name="signal",
    label="信号（青・黄・赤）",
    label_en="traffic light",
    source="maebashi-dx-plugin-example",
    grades=(
        Grade(code="—", label="データなし", label_en="no data", when="no_data"),
        Grade(code="青", label="達成", label_en="green", when="achieved"),
        Grade(
            code="青", label="順調", label_en="green", metric="forecast_achievement", at_least=1.0
        ),
        Grade(
            code="黄", label="要注意", label_en="amber", metric="forecast_achievement", at_least=0.8
        ),
        Grade(code="赤", label="遅れ", label_en="red", metric="forecast_achievement"),
    ),
)
