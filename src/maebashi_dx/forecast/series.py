"""What a forecaster sees (:class:`SeriesInput`), the protocols every forecaster and
its fitted trend satisfy, the registry, and the calendar helpers that read a series."""

from __future__ import annotations

import bisect
import calendar
import functools
from collections.abc import Sequence
from datetime import date
from typing import NamedTuple, Protocol, runtime_checkable

import attrs

from maebashi_dx.achievement import target_number
from maebashi_dx.model import KPI, Direction, KPIKind
from maebashi_dx.model.reference import Reference
from maebashi_dx.plugins import Registry

YEAR_DAYS = 365.25
DEFAULT_LEVEL = 0.8
#: The forecaster used when none is named: chosen on evidence (docs, forecast accuracy).
DEFAULT_FORECASTER = "blend"
#: ... and when none is named but the KPI has a reference series to pool toward.
DEFAULT_POOLED_FORECASTER = "pooled"
_HORIZON_YEARS = 100


class Point(NamedTuple):
    """One dated value of a series (a named tuple: cheap to build by the million)."""

    day: date
    value: float


@attrs.frozen(kw_only=True)
class SeriesInput:
    """What a forecaster sees: the history up to ``as_of`` and the target.

    Attributes:
        kpi_id: The KPI's id.
        days: Days of the baseline then the measurements, oldest first, none after
            ``as_of``.
        values: Their values, in the same order.
        target: The target value (a ladder position for a staged KPI).
        deadline: The last day the target may be met.
        as_of: The day the forecast is made.
        direction: Whether higher is better.
        bounds: Natural limits of the value, if any.
        reference: A series to pool toward (only its points up to ``as_of``), if any.
    """

    kpi_id: str
    days: tuple[date, ...]
    values: tuple[float, ...]
    target: float
    deadline: date
    as_of: date
    direction: Direction = Direction.INCREASE
    bounds: tuple[float, float] | None = None
    reference: Reference | None = None

    @property
    def points(self) -> tuple[Point, ...]:
        """The history as :class:`Point` pairs."""
        return tuple(map(Point, self.days, self.values))

    def meets(self, value: float) -> bool:
        """Whether a value meets the target, in the KPI's direction."""
        return self.direction.sign * (value - self.target) >= 0


class Trend(Protocol):
    """A fitted model: a value for any day, and an interval around it."""

    @property
    def basis(self) -> str:
        """What was fitted to what, in words."""
        ...

    @property
    def points(self) -> tuple[Point, ...]:
        """The points the fit used."""
        ...

    def predict(self, day: date) -> float:
        """The expected value on ``day``."""
        ...

    def interval(self, day: date, level: float) -> tuple[float, float]:
        """A (low, high) interval on ``day`` at the given confidence ``level``."""
        ...

    def pace(self, day: date) -> float:
        """The rate of change on ``day``, in value units per year."""
        ...


@runtime_checkable
class Forecaster(Protocol):
    """The protocol every forecaster (built-in or plugin) satisfies."""

    @property
    def name(self) -> str:
        """The registered name."""
        ...

    @property
    def description(self) -> str:
        """One line for listings."""
        ...

    def fit(self, data: SeriesInput) -> Trend:
        """Fit a trend to ``data``; raise CalculationError if the data do not allow it."""
        ...


def _check_forecaster(obj: object) -> None:
    if not isinstance(obj, Forecaster):
        msg = f"{obj!r} is not a Forecaster (needs name, description and fit())"
        raise TypeError(msg)


#: Forecasters by name; plugins join through the ``maebashi_dx.forecasters`` entry point.
FORECASTERS: Registry[Forecaster] = Registry(
    "forecaster", "maebashi_dx.forecasters", check=_check_forecaster
)


# Days in each month of a common year; February gains a day in a leap year.
_MONTH_LENGTHS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def months_before(day: date, months: int) -> date:
    """The same day ``months`` earlier, clamped to the month's end (31 May → 28 Feb).

    Plain arithmetic: this runs for every KPI of every assessment, where dateutil's
    relativedelta costs several times more. Days 1-28 exist in every month; a later day
    is clamped to the month's length, February's by the proleptic Gregorian leap rule
    (:func:`calendar.isleap`, as :class:`datetime.date` counts).
    """
    years, month0 = divmod(day.month - 1 - months, 12)
    year = day.year + years
    d = day.day
    if d > 28:
        last = 29 if month0 == 1 and calendar.isleap(year) else _MONTH_LENGTHS[month0]
        d = min(d, last)
    return date(year, month0 + 1, d)


def years_before(day: date, years: int) -> date:
    """The same day ``years`` earlier, 29 February clamped to the 28th in a common year:
    :func:`months_before` (day, 12 × years), without its month arithmetic (the same
    month every year, so only 29 February can be clamped).

    >>> years_before(date(2024, 2, 29), 1), years_before(date(2024, 2, 29), 4)
    (datetime.date(2023, 2, 28), datetime.date(2020, 2, 29))
    """
    if years == 0:
        return day
    year, month, d = day.year - years, day.month, day.day
    if d == 29 and month == 2 and not calendar.isleap(year):
        d = 28
    return date(year, month, d)


@functools.lru_cache(maxsize=256)
def _anniversaries(day: date, count: int) -> tuple[date, ...]:
    """``day`` and its ``count - 1`` anniversaries before it (:func:`years_before`), once
    per day: the KPIs of an assessment mostly share their latest day."""
    return tuple(years_before(day, k) for k in range(count))


def value_at(days: Sequence[date], values: Sequence[float], day: date) -> float | None:
    """A series' value on ``day``: exact on a snapshot, linear between two, None outside
    the observed range."""
    i = bisect.bisect_left(days, day)
    if i < len(days) and days[i] == day:
        return values[i]
    if i == 0 or i == len(days):
        return None
    d0, d1 = days[i - 1], days[i]
    share = (day - d0).days / (d1 - d0).days
    return values[i - 1] + share * (values[i] - values[i - 1])


def pace_shift(days: Sequence[date], values: Sequence[float], years: int = 4) -> float | None:
    """How much the yearly change of a series has itself changed: the largest difference
    between consecutive year-on-year changes over the last ``years`` years, counted back
    from the latest point. None with less than two years of history."""
    end, first = days[-1], days[0]
    # The value on each anniversary of the latest point, going back while the series
    # covers it (value_at is None before the first point, and an anniversary is never
    # after the latest one).
    levels = []
    for day in _anniversaries(end, years + 2):
        if day < first:
            break
        level = value_at(days, values, day)
        assert level is not None  # first <= day <= end
        levels.append(level)
    if len(levels) < 3:
        return None
    # Consecutive year-on-year changes (each level less the one a year before it, going
    # back), and the largest gap between two consecutive ones.
    change = levels[0] - levels[1]
    following = levels[1] - levels[2]
    largest = abs(change - following)
    for i in range(3, len(levels)):
        change, following = following, levels[i - 1] - levels[i]
        gap = abs(change - following)
        # max(largest, gap) as the builtin makes it (it keeps the first unless the other
        # is greater), without its call: this runs for every KPI.
        if gap > largest:
            largest = gap
    return largest


def default_method(reference: Reference | None = None) -> str:
    """The forecaster used when none is named: :data:`DEFAULT_POOLED_FORECASTER` for a KPI
    with a reference series, :data:`DEFAULT_FORECASTER` otherwise."""
    return DEFAULT_FORECASTER if reference is None else DEFAULT_POOLED_FORECASTER


def series_input(kpi: KPI, as_of: date, reference: Reference | None = None) -> SeriesInput:
    """The forecaster's view of a KPI as of a day (never any data after it, its
    reference's included)."""
    days, values = kpi.numbers(as_of)
    bounds = kpi.bounds
    if kpi.kind is KPIKind.STAGED:
        bounds = (0.0, float(len(kpi.ladder) - 1))
    return SeriesInput(
        kpi_id=kpi.id,
        days=days,
        values=values,
        target=target_number(kpi),
        deadline=kpi.target.due,
        as_of=as_of,
        direction=kpi.direction,
        bounds=bounds,
        reference=reference.until(as_of) if reference is not None else None,
    )
