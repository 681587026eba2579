"""On-track forecasting: will a KPI meet its target by its deadline, and when.

Seven built-in forecasters fit a straight line to the KPI's history in a transformed
space and project it forward:

========= ============ ======================================= ==============================
name      space        points                                  convention / source
========= ============ ======================================= ==============================
two_point identity     baseline and latest                     a committee's own reckoning
linear    identity     all since the baseline (least squares)  ordinary least squares
recent    identity     trailing window, 12 months by default   least squares on recent data
recent_6m identity     trailing window of 6 months             least squares on recent data
cagr      log          baseline and latest                     Open SDG / Statistics Canada
aroc      log          all (least squares), capped at bounds   WHO-style annual rate of change
logistic  logit        all (least squares), within bounds      saturation toward a bound
========= ============ ======================================= ==============================

Two more: ``naive`` (the latest value, the baseline to beat) and ``blend``, the default:
an equal mix of ``recent_6m`` and ``cagr``, chosen by backtesting every forecaster on
the My Number card rates of all 1,741 municipalities (docs: Forecast accuracy).

Intervals: with three or more points, the least-squares prediction interval at the
requested level (Student's t with n − 2 degrees of freedom), mapped back from the
transformed space. With only two points, or points exactly on a line, there is no
residual to learn from, so the interval is a stated heuristic, not a calibrated one: the
pace may stall (low) or double (high) from the latest value. ``blend`` also allows the
pace to change as much as it has changed before, or, with a history too short to show
that (under three points or two years), to stall or double. Each forecast says how its
interval was made (``interval_basis``).

>>> from datetime import date
>>> from maebashi_dx.datasets import maebashi_2022
>>> f = forecast(maebashi_2022().kpi("kpi2"), date(2022, 5, 31), method="two_point")
>>> round(f.value, 2), f.attainment_date
(60.27, datetime.date(2025, 1, 30))
"""

from __future__ import annotations

import bisect
import calendar
import functools
import itertools
import math
import operator
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import Any, Literal, NamedTuple, Protocol, runtime_checkable

import attrs

from maebashi_dx.achievement import target_number
from maebashi_dx.errors import CalculationError
from maebashi_dx.i18n import Lang, catalogue, day_text, text
from maebashi_dx.model import KPI, Direction, KPIKind
from maebashi_dx.plugins import Registry

__all__ = [
    "DEFAULT_FORECASTER",
    "DEFAULT_LEVEL",
    "DEFAULT_POOLED_FORECASTER",
    "FORECASTERS",
    "BlendForecaster",
    "Forecast",
    "Forecaster",
    "Items",
    "Message",
    "MethodName",
    "NaiveForecaster",
    "Point",
    "PooledForecaster",
    "Reference",
    "SeriesInput",
    "Trend",
    "TrendForecaster",
    "default_method",
    "forecast",
    "method_label",
    "months_before",
    "pace_shift",
    "run_forecaster",
    "series_input",
    "student_t_quantile",
    "value_at",
]

YEAR_DAYS = 365.25
DEFAULT_LEVEL = 0.8
#: The forecaster used when none is named: chosen on evidence (docs, forecast accuracy).
DEFAULT_FORECASTER = "blend"
#: ... and when none is named but the KPI has a reference series to pool toward.
DEFAULT_POOLED_FORECASTER = "pooled"
_HORIZON_YEARS = 100


# ----------------------------------------------------------------------------- messages


def method_label(name: str, lang: Lang = "ja") -> str:
    """A forecaster's display name: catalogue key ``forecast.method.<name>``; a plugin's
    name without a key is shown as it is.

    >>> method_label("blend", "ja"), method_label("cagr", "en"), method_label("holt", "ja")
    ('複合予測', 'compound annual growth rate', 'holt')
    """
    return catalogue(lang).get(f"forecast.method.{name}", name)


@attrs.frozen
class MethodName:
    """A forecaster's name inside a message: the name itself in English (as the CLI's
    ``--method`` spells it), its display name (:func:`method_label`) in Japanese."""

    name: str


@attrs.frozen
class Items:
    """Messages (or texts) shown as one list, joined by the language's separator:
    ``"list"`` (", " / "、") or ``"reasons"`` ("; " / "；")."""

    items: tuple[Message | str, ...]
    sep: Literal["list", "reasons"] = "list"


@attrs.frozen
class Message:
    """A user-facing text as a catalogue key (domain ``forecast``) and its fields, so that
    it can be shown in any language (:meth:`text`).

    Field values are numbers (formatted by the template, e.g. ``{pace:.2f}``), texts
    (shown as they are: names of places, a plugin's English basis), dates (ISO in
    English, 2022年5月31日 in Japanese), :class:`MethodName`, nested :class:`Message`
    and :class:`Items`.

    >>> m = Message("forecast.note.too_few", (("method", MethodName("linear")), ("count", 1)))
    >>> m.text("en")
    'linear: needs at least two points, has 1'
    >>> m.text("ja")
    '全期間の傾向：2点以上の実績が必要（現在1点）'
    """

    key: str
    fields: tuple[tuple[str, object], ...] = ()

    def text(self, lang: Lang = "ja") -> str:
        """The message in ``lang``."""
        return text(self.key, lang, **{k: _field_text(v, lang) for k, v in self.fields})


def _field_text(value: object, lang: Lang) -> object:
    if isinstance(value, Message):
        return value.text(lang)
    if isinstance(value, MethodName):
        return value.name if lang == "en" else method_label(value.name, lang)
    if isinstance(value, Items):
        sep = text(f"forecast.sep.{value.sep}", lang)
        return sep.join(str(_field_text(item, lang)) for item in value.items)
    if isinstance(value, date):
        return day_text(value, lang)
    return value


def _msg(key: str, **fields: object) -> Message:
    return Message(key, tuple(fields.items()))


class _FitError(CalculationError):
    """A forecaster cannot fit the data; carries its reason as a :class:`Message`."""

    def __init__(self, message: Message) -> None:
        self.message = message
        super().__init__(message.text("en"))


def _too_few(name: str, count: int) -> Message:
    return _msg("forecast.note.too_few", method=MethodName(name), count=count)


def _basis_of(trend: Trend) -> Message | str:
    """A trend's basis, localizable when the trend carries a message (the built-ins)."""
    message = getattr(trend, "basis_message", None)
    return message if isinstance(message, Message) else trend.basis


def _reason(exc: CalculationError) -> Message | str:
    """A fit error's reason, localizable when the error carries a message."""
    return exc.message if isinstance(exc, _FitError) else str(exc)


class Point(NamedTuple):
    """One dated value of a series (a named tuple: cheap to build by the million)."""

    day: date
    value: float


def _days_tuple(days: Iterable[date]) -> tuple[date, ...]:
    return tuple(days)


def _values_tuple(values: Iterable[float]) -> tuple[float, ...]:
    return tuple(map(float, values))


def _check_reference(instance: Reference, attribute: object, days: tuple[date, ...]) -> None:
    if len(days) != len(instance.values):
        msg = f"reference {instance.label!r}: {len(days)} days but {len(instance.values)} values"
        raise CalculationError(msg)
    for a, b in itertools.pairwise(days):
        if b <= a:
            msg = f"reference {instance.label!r}: days must increase, {b} follows {a}"
            raise CalculationError(msg)
    for day, value in zip(days, instance.values, strict=True):
        if not math.isfinite(value):
            msg = f"reference {instance.label!r}: the value on {day} is {value}"
            raise CalculationError(msg)


@attrs.frozen(kw_only=True)
class Reference:
    """A series to pool a KPI's trend toward: its prefecture's or the nation's rate, a
    peer group's mean. Only its points on or before the forecast's day are ever used.

    >>> from datetime import date
    >>> days = (date(2021, 4, 1), date(2022, 4, 1))
    >>> ref = Reference(label="群馬県", days=days, values=(25.0, 40.0))
    >>> ref.until(date(2021, 12, 31)).values
    (25.0,)
    >>> Reference(label="x", days=(date(2022, 1, 1),), values=(float("nan"),))
    Traceback (most recent call last):
    ...
    maebashi_dx.errors.CalculationError: reference 'x': the value on 2022-01-01 is nan
    """

    label: str
    days: tuple[date, ...] = attrs.field(converter=_days_tuple, validator=_check_reference)
    values: tuple[float, ...] = attrs.field(converter=_values_tuple)

    def until(self, day: date) -> Reference:
        """The points on or before ``day`` (what a forecast made that day may see)."""
        cut = bisect.bisect_right(self.days, day)
        return attrs.evolve(self, days=self.days[:cut], values=self.values[:cut])


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


def months_before(day: date, months: int) -> date:
    """The same day ``months`` earlier, clamped to the month's end (31 May → 28 Feb).

    Plain arithmetic: this runs for every KPI of every assessment, where dateutil's
    relativedelta costs several times more.
    """
    years, month0 = divmod(day.month - 1 - months, 12)
    year, month = day.year + years, month0 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


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
    end = days[-1]
    levels = []  # the value on each anniversary of the latest point, going back
    for k in range(years + 2):
        level = value_at(days, values, months_before(end, 12 * k))
        if level is None:
            break
        levels.append(level)
    changes = [b - a for b, a in itertools.pairwise(levels)]
    if len(changes) < 2:
        return None
    return max(abs(x - y) for x, y in itertools.pairwise(changes))


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


# -------------------------------------------------------------------------- transforms

Space = Literal["identity", "log", "logit"]
Selection = Literal["endpoints", "all", "window"]
_EPS = 1e-4  # how close to a bound a logistic value may sit (logit of 0 or 1 is infinite)


@attrs.frozen
class _Transform:
    space: Space
    lower: float = 0.0
    upper: float = 1.0

    def forward(self, y: float) -> float:
        if self.space == "identity":
            return y
        if self.space == "log":
            return math.log(y)
        p = (y - self.lower) / (self.upper - self.lower)
        p = min(1 - _EPS, max(_EPS, p))
        return math.log(p / (1 - p))

    def back(self, z: float) -> float:
        if self.space == "identity":
            return z
        if self.space == "log":
            return math.exp(min(z, 700.0))
        return self.lower + (self.upper - self.lower) / (1 + math.exp(-max(-700.0, min(z, 700.0))))


def _years(day: date, origin: date) -> float:
    return (day - origin).days / YEAR_DAYS


class _Explained:
    """A built-in trend: what it did is a :class:`Message`, rendered (in English for
    ``basis``) only when asked, not on every fit."""

    basis_message: Message

    @property
    def basis(self) -> str:
        """What was fitted to what, in English (:meth:`Forecast.basis_text` for others)."""
        return self.basis_message.text("en")


@attrs.frozen(kw_only=True)
class _LineTrend(_Explained):
    """A least-squares line z = a + b·x in a transformed space, x in years from origin."""

    basis_message: Message
    days: tuple[date, ...]
    values: tuple[float, ...]
    transform: _Transform
    origin: date
    a: float
    b: float
    n: int
    sigma: float  # residual standard deviation in the transformed space (0: no scatter)
    x_mean: float
    sxx: float
    bounds: tuple[float, float] | None

    @property
    def points(self) -> tuple[Point, ...]:
        return tuple(map(Point, self.days, self.values))

    def _cap(self, value: float) -> float:
        if self.bounds is None:
            return value
        return min(self.bounds[1], max(self.bounds[0], value))

    @property
    def interval_message(self) -> Message | None:
        """How the interval is made; None for the prediction interval, which
        run_forecaster names with its level."""
        if self.sigma > 0:
            return None
        if self.n >= 3:
            return _msg("forecast.interval.on_line", count=self.n)
        return _msg("forecast.interval.two_points")

    @property
    def interval_basis(self) -> str:
        message = self.interval_message
        return "" if message is None else message.text("en")

    def predict(self, day: date) -> float:
        return self._cap(self.transform.back(self.a + self.b * _years(day, self.origin)))

    def interval(self, day: date, level: float) -> tuple[float, float]:
        x = _years(day, self.origin)
        z = self.a + self.b * x
        if self.sigma > 0:
            t = student_t_quantile((1 + level) / 2, self.n - 2)
            se = self.sigma * math.sqrt(1 + 1 / self.n + (x - self.x_mean) ** 2 / self.sxx)
            ends: tuple[float, ...] = (z - t * se, z + t * se)
        else:
            # Two points, or points exactly on a line: no scatter to estimate an error
            # from, so never a zero-width interval; the pace may stall or double from the
            # latest value (a stated heuristic). The line's own value is one of the ends'
            # hull too: on exact data it lies between them, and where rounding at values
            # near 2**53 moves it off the latest value, the interval still holds it.
            z_last = self.transform.forward(self.values[-1])
            dx = max(0.0, x - _years(self.days[-1], self.origin))
            ends = (z_last, z_last + 2 * self.b * dx, z)
        capped = [self._cap(self.transform.back(e)) for e in ends]
        return min(capped), max(capped)

    def solve(self, target: float, sign: int, after: date) -> date | None:
        """The first day from ``after`` on which the trend meets ``target``, in closed
        form: the line z = a + b·x crosses f(target) at x = (f(target) − a) / b."""

        def meets(day: date) -> bool:
            return sign * (self.predict(day) - target) >= 0

        if meets(after):
            return after
        if self.bounds is not None and not self.bounds[0] <= target <= self.bounds[1]:
            return None
        space = self.transform.space
        if space == "log" and target <= 0:
            return None
        if space == "logit" and not self.transform.lower < target < self.transform.upper:
            return None  # an S-curve never reaches its bound
        if sign * self.b <= 0:
            return None  # flat, or moving away from the target: never met from here
        x = (self.transform.forward(target) - self.a) / self.b
        if x > _years(after, self.origin) + _HORIZON_YEARS:
            return None
        day = max(after, self.origin + timedelta(days=max(0, math.ceil(x * YEAR_DAYS))))
        # The crossing is within a day of x; settle the rounding on whole days.
        for _ in range(3):
            if day > after and meets(day - timedelta(days=1)):
                day -= timedelta(days=1)
            elif not meets(day):
                day += timedelta(days=1)
        return day if meets(day) else None

    def pace(self, day: date) -> float:
        if self.transform.space == "identity":
            return self.b
        step = timedelta(days=15)
        before = self.transform.back(self.a + self.b * _years(day - step, self.origin))
        after = self.transform.back(self.a + self.b * _years(day + step, self.origin))
        return (after - before) / (30 / YEAR_DAYS)


@attrs.frozen(kw_only=True)
class TrendForecaster:
    """A forecaster that fits a line to (transformed) points and projects it.

    Attributes:
        name: Registered name.
        description: One line for listings.
        space: "identity", "log" (constant annual rate) or "logit" (saturation).
        selection: "endpoints" (first and last), "all", or "window" (trailing months).
        window_months: The trailing window for ``selection="window"``.
        source: Where the convention comes from.
    """

    name: str
    description: str
    space: Space = "identity"
    selection: Selection = "all"
    window_months: int = 12
    source: str = ""

    def _select(self, data: SeriesInput) -> tuple[tuple[date, ...], tuple[float, ...], Message]:
        days, values = data.days, data.values
        if self.selection == "endpoints":
            return (days[0], days[-1]), (values[0], values[-1]), _msg("forecast.points.endpoints")
        if self.selection == "window":
            since = months_before(data.as_of, self.window_months)
            i = bisect.bisect_right(days, since)
            if len(days) - i >= 2:
                chosen = _msg(
                    "forecast.points.window", count=len(days) - i, months=self.window_months
                )
                return days[i:], values[i:], chosen
            short = _msg("forecast.points.window_short", months=self.window_months)
            return days[-2:], values[-2:], short
        return days, values, _msg("forecast.points.all", count=len(days))

    def _transform(self, data: SeriesInput) -> _Transform:
        if self.space == "logit":
            if data.bounds is None:
                raise _FitError(_msg("forecast.note.no_bounds", method=MethodName(self.name)))
            return _Transform("logit", *data.bounds)
        return _Transform(self.space)

    def fit(self, data: SeriesInput) -> _LineTrend:
        """Fit the line; CalculationError when the data cannot support it."""
        if len(data.days) < 2:
            raise _FitError(_too_few(self.name, len(data.days)))
        days, values, chosen = self._select(data)
        transform = self._transform(data)
        if transform.space == "log" and min(values) <= 0:
            raise _FitError(_msg("forecast.note.not_positive", method=MethodName(self.name)))
        origin = days[0]
        first = origin.toordinal()
        xs = [o - first for o in map(date.toordinal, days)]  # whole days from the origin
        zs = values if transform.space == "identity" else tuple(map(transform.forward, values))
        n = len(xs)
        # Ordinary least squares on centred sums (two passes, for numerical stability),
        # in days; the line is then expressed in years.
        x_mean = sum(xs) / n
        z_mean = sum(zs) / n
        dxs = [x - x_mean for x in xs]
        dzs = [z - z_mean for z in zs]
        sxx = sum(map(operator.mul, dxs, dxs))
        if sxx == 0:
            raise _FitError(_msg("forecast.note.one_date", method=MethodName(self.name)))
        b_per_day = sum(map(operator.mul, dxs, dzs)) / sxx
        a = z_mean - b_per_day * x_mean
        b = b_per_day * YEAR_DAYS
        x_mean /= YEAR_DAYS
        sxx /= YEAR_DAYS * YEAR_DAYS
        sigma = 0.0
        if n >= 3:
            # Residual sum of squares: Σ(z − z̄)² − b²·Sxx, never below zero. A residual at
            # rounding level (points exactly on a line, as planned figures often are) is
            # no scatter at all: sigma stays 0 and the interval is the heuristic. The sums
            # are taken in units of the largest deviation, so values near 1e154 and above
            # do not overflow when squared.
            scale = max(map(abs, dzs))
            if scale > 0:
                us = [dz / scale for dz in dzs]
                syy = sum(map(operator.mul, us, us))
                slope = b_per_day / scale
                ssr = max(0.0, syy - slope * slope * sxx * YEAR_DAYS**2)
                if ssr > 1e-12 * syy:
                    sigma = scale * math.sqrt(ssr / (n - 2))
        basis = _msg(
            "forecast.basis.trend",
            method=MethodName(self.name),
            how=_msg("forecast.how.line" if n == 2 else "forecast.how.least_squares"),
            points=chosen,
            space=_msg(f"forecast.space.{transform.space}"),
        )
        return _LineTrend(
            basis_message=basis,
            days=days,
            values=values,
            transform=transform,
            origin=origin,
            a=a,
            b=b,
            n=n,
            sigma=sigma,
            x_mean=x_mean,
            sxx=sxx,
            bounds=data.bounds,
        )


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
class NaiveForecaster:
    """The last value, unchanged: the baseline every forecaster must beat."""

    name: str = "naive"
    description: str = "the latest value, unchanged (a baseline)"

    def fit(self, data: SeriesInput) -> _FlatTrend:
        """Carry the latest value forward."""
        if not data.days:
            raise _FitError(_msg("forecast.note.no_points", method=MethodName(self.name)))
        basis = _msg("forecast.basis.flat", method=MethodName(self.name))
        return _FlatTrend(
            basis_message=basis,
            days=data.days[-1:],
            values=data.values[-1:],
        )


def _size(trend: Trend) -> int:
    """How many points a trend was fitted on (without building them, for the built-ins)."""
    days = getattr(trend, "days", None)
    return len(days) if days is not None else len(trend.points)


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
        """The hull of ``ends`` and of the pace's possible changes, within the bounds."""
        if self.shift is not None:
            # The pace may change as much as it has changed before, over the horizon.
            half = self.shift * max(0.0, (day - self.origin).days / YEAR_DAYS)
            ends = [*ends, middle - half, middle + half]
        else:
            # Under three points or two years of history the pace's own changes cannot be
            # seen: allow it to stall or to double from the latest value, as with two
            # points, so a short series never gets a narrow interval from a few points.
            ahead = max(0.0, (day - self.days[-1]).days / YEAR_DAYS)
            last = self.values[-1]
            ends = [*ends, last, last + 2 * pace * ahead]
        low, high = min(ends), max(ends)
        if self.bounds is not None:
            low = min(self.bounds[1], max(self.bounds[0], low))
            high = min(self.bounds[1], max(self.bounds[0], high))
        return low, high


@attrs.frozen(kw_only=True)
class _BlendTrend(_WidenedTrend):
    """A weighted mean of member trends; its interval spans theirs."""

    members: tuple[Trend, ...]
    weights: tuple[float, ...]

    @property
    def interval_message(self) -> Message:
        """How the interval is made: the members', widened for changes of pace."""
        if self.shift is None:
            return _msg("forecast.interval.blend_short")
        return _msg("forecast.interval.blend", shift=self.shift)

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
        ends += [e for t in fitted for e in t.interval(day, level)]
        return self._widen(ends, day, self.predict(day), self.pace(self.days[-1]))

    def pace(self, day: date) -> float:
        return sum(w * t.pace(day) for w, t in zip(self.weights, self.members, strict=True))

    def solve(self, target: float, sign: int, after: date) -> date | None:
        """The first day from ``after`` the blend meets ``target``. A weighted mean of
        monotone lines meets it between the first and the last day its members do, so
        the search is bisection within that bracket; None when a member never does."""

        def meets(day: date) -> bool:
            return sign * (self.predict(day) - target) >= 0

        if meets(after):
            return after
        dates = []
        for member in self.members:
            if not isinstance(member, _LineTrend):
                return None
            found = member.solve(target, sign, after)
            if found is None:
                return None
            dates.append(found)
        lo, hi = max(after, min(dates)), max(dates)
        if not meets(hi):
            return None
        while (hi - lo).days > 1:
            mid = lo + (hi - lo) / 2
            if meets(mid):
                hi = mid
            else:
                lo = mid
        return lo if meets(lo) else hi


@attrs.frozen(kw_only=True)
class BlendForecaster:
    """A weighted combination of forecasters (weights normalised over the members that
    can fit the data, so a staged KPI, where a constant-rate model cannot start from
    zero, falls back to the others).

    The default, ``blend``, is an equal mix of ``recent_6m`` (the last 6 months' linear
    trend) and ``cagr`` (the growth rate since the baseline). On the My Number card
    rates of all 1,741 municipalities and 47 prefectures, 2019-2022, its mean absolute
    error over seven windows is 3.41 points against 3.97 for the best baseline (``cagr``),
    and it stays within 0.08 points of the best baseline on every window (see
    benchmarks/backtest_mynumber.py and the forecast-accuracy page of the docs).
    """

    name: str
    description: str
    members: tuple[str, ...]
    weights: tuple[float, ...]
    source: str = ""
    #: The least history, in days, each member needs (aligned with ``members``; empty:
    #: none). A growth rate read from a few weeks and compounded over years explodes.
    min_history_days: tuple[int, ...] = ()

    def fit(self, data: SeriesInput) -> _BlendTrend:
        """Fit every member that can; CalculationError if none can."""
        fitted: list[tuple[float, Trend]] = []
        reasons: list[Message | str] = []
        span = (data.days[-1] - data.days[0]).days if data.days else 0
        needs = self.min_history_days or (0,) * len(self.members)
        for member, weight, need in zip(self.members, self.weights, needs, strict=True):
            if span < need:
                reasons.append(
                    _msg("forecast.note.history", method=MethodName(member), need=need, span=span)
                )
                continue
            try:
                fitted.append((weight, FORECASTERS.get(member).fit(data)))
            except CalculationError as exc:
                reasons.append(_reason(exc))
        if not fitted:
            why = Items(tuple(reasons), "reasons")
            raise _FitError(_msg("forecast.note.none_fit", reasons=why))
        total = sum(w for w, _ in fitted)
        weights = tuple(w / total for w, _ in fitted)
        parts = Items(
            tuple(
                _msg("forecast.basis.share", weight=w, basis=_basis_of(t))
                for w, (_, t) in zip(weights, fitted, strict=True)
            )
        )
        method = MethodName(self.name)
        basis = (
            _msg(
                "forecast.basis.blend_left_out",
                method=method,
                parts=parts,
                reasons=Items(tuple(reasons), "reasons"),
            )
            if reasons
            else _msg("forecast.basis.blend", method=method, parts=parts)
        )
        return _BlendTrend(
            basis_message=basis,
            members=tuple(t for _, t in fitted),
            weights=weights,
            days=data.days,
            values=data.values,
            bounds=data.bounds,
            shift=pace_shift(data.days, data.values) if len(data.days) >= 3 else None,
            origin=data.as_of,
        )


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
        return self._widen(ends, day, middle, self.line.b)

    def pace(self, day: date) -> float:
        return self.line.pace(day)

    def solve(self, target: float, sign: int, after: date) -> date | None:
        """The first day from ``after`` the pooled line meets ``target`` (closed form)."""
        return self.line.solve(target, sign, after)


@attrs.frozen(kw_only=True)
class PooledForecaster:
    """The series' recent pace shrunk toward a reference series' pace, from the latest
    value (falls back to ``fallback`` when the KPI has no reference).

    Convention: top-down proportional pooling, as in hierarchical forecasting. The
    reference's pace is scaled by the ratio of the two levels on the series' latest
    day, so a city at 45% beside a prefecture at 40% is expected to move 45/40 as fast
    as the prefecture; the pooled pace is ``(1 − weight) × own + weight × scaled``. The
    line is drawn through the latest value (the drift convention), not through the
    window's centre, so an accelerating series is not projected from behind.

    On the My Number card rates (each municipality pooled toward its prefecture, each
    prefecture toward the nation) the shrinkage weight 0.75 with the 6-month line has
    the lowest mean error of every method tried (docs: Forecast accuracy).
    """

    name: str = "pooled"
    description: str = (
        "last 6 months' pace pooled 3:1 toward a reference series (blend without one)"
    )
    line: str = "recent_6m"
    weight: float = 0.75
    fallback: str = "blend"
    source: str = "top-down proportional pooling (hierarchical forecasting), drift from the latest"

    def _fallback(self, data: SeriesInput, why: Message) -> Trend:
        trend = FORECASTERS.get(self.fallback).fit(data)
        if attrs.has(type(trend)) and isinstance(getattr(trend, "basis_message", None), Message):
            basis = _msg(
                "forecast.basis.fallback",
                method=MethodName(self.name),
                why=why,
                then=_basis_of(trend),
            )
            return attrs.evolve(trend, basis_message=basis)  # type: ignore[misc]
        return trend

    def fit(self, data: SeriesInput) -> Trend:
        """Pool the series' line with the reference's; the fallback without one."""
        ref = data.reference.until(data.as_of) if data.reference is not None else None
        if ref is None:
            return self._fallback(data, _msg("forecast.why.no_reference"))
        if len(ref.days) < 2:
            return self._fallback(data, _msg("forecast.why.short_reference", reference=ref.label))
        if len(data.days) < 2:
            raise _FitError(_too_few(self.name, len(data.days)))
        last_day, last = data.days[-1], data.values[-1]
        level = value_at(ref.days, ref.values, last_day)
        if level is None and last_day > ref.days[-1]:
            level = ref.values[-1]  # the reference is behind: its latest level
        if level is None or level <= 0:
            why = _msg("forecast.why.no_level", reference=ref.label, day=last_day)
            return self._fallback(data, why)
        if last <= 0:
            return self._fallback(data, _msg("forecast.why.no_ratio"))
        member = FORECASTERS.get(self.line)
        own = member.fit(data)
        theirs = member.fit(
            attrs.evolve(data, kpi_id=ref.label, days=ref.days, values=ref.values, reference=None)
        )
        if not (
            isinstance(own, _LineTrend)
            and isinstance(theirs, _LineTrend)
            and own.transform.space == theirs.transform.space == "identity"
        ):
            raise _FitError(
                _msg(
                    "forecast.note.not_line",
                    method=MethodName(self.name),
                    line=MethodName(self.line),
                )
            )
        scale = last / level
        scaled = theirs.b * scale
        pace = (1 - self.weight) * own.b + self.weight * scaled
        x_last = _years(last_day, own.origin)

        basis = _msg(
            "forecast.basis.pooled",
            method=MethodName(self.name),
            pace=pace,
            own_weight=1 - self.weight,
            own_pace=own.b,
            own=_basis_of(own),
            weight=self.weight,
            reference=ref.label,
            reference_pace=theirs.b,
            scale=scale,
            last=last,
            level=level,
        )

        def through_latest(b: float, message: Message) -> _LineTrend:
            return attrs.evolve(
                own,
                a=last - b * x_last,
                b=b,
                sigma=0.0,
                basis_message=message,
            )

        return _PooledTrend(
            basis_message=basis,
            line=through_latest(pace, basis),
            own=own,
            theirs=through_latest(scaled, _msg("forecast.basis.scaled", reference=ref.label)),
            days=data.days,
            values=data.values,
            bounds=data.bounds,
            shift=pace_shift(data.days, data.values) if len(data.days) >= 3 else None,
            origin=data.as_of,
        )


for _f in (
    TrendForecaster(
        name="two_point",
        description="straight line from the baseline through the latest value",
        selection="endpoints",
        source="a committee's own reckoning",
    ),
    TrendForecaster(
        name="linear",
        description="least-squares line through every point since the baseline",
        source="ordinary least squares",
    ),
    TrendForecaster(
        name="recent",
        description="least-squares line through the last 12 months",
        selection="window",
        source="ordinary least squares on a trailing window",
    ),
    TrendForecaster(
        name="recent_6m",
        description="least-squares line through the last 6 months",
        selection="window",
        window_months=6,
        source="ordinary least squares on a trailing window",
    ),
    TrendForecaster(
        name="cagr",
        description="compound annual growth rate from the baseline to the latest value",
        space="log",
        selection="endpoints",
        source="Open SDG / Statistics Canada progress methodology",
    ),
    TrendForecaster(
        name="aroc",
        description="annual rate of change (log-linear fit), capped at natural bounds",
        space="log",
        source="WHO-style annual rate of change (billionaiRe)",
    ),
    TrendForecaster(
        name="logistic",
        description="S-curve saturating toward the KPI's natural bound",
        space="logit",
        source="logistic growth, fitted by least squares on the logit",
    ),
    NaiveForecaster(),
    BlendForecaster(
        name="blend",
        description="equal mix of 'recent_6m' and 'cagr' (the evidence-based default)",
        members=("recent_6m", "cagr"),
        weights=(0.5, 0.5),
        min_history_days=(0, 365),
        source="forecast combination; chosen on the My Number card backtest",
    ),
    PooledForecaster(),
):
    FORECASTERS.register(_f.name, _f)


# ----------------------------------------------------------------------------- results


@attrs.frozen(kw_only=True)
class Forecast:
    """A forecast of one KPI, with everything needed to redo it by hand.

    Attributes:
        kpi_id: The KPI.
        method: The forecaster's name.
        as_of: The day it was made; no data after it was used.
        deadline: The target's deadline.
        target: The target value.
        value: The projected value at the deadline, or None when it cannot be made.
        interval: (low, high) around ``value`` at confidence ``level``, or None.
        level: The interval's confidence level.
        interval_basis: How the interval was made (prediction interval or heuristic), in
            English; :meth:`interval_basis_text` in any language.
        observed_pace: The trend's rate of change at ``as_of``, per year.
        required_pace: The rate needed from the latest value to the target, per year:
            (target − latest) / (years from the latest value to the deadline). With no
            time left (the latest value on or after the deadline) it is 0 when the latest
            value meets the target (nothing more is needed) and None when it does not (no
            pace can meet it in no time).
        attainment_date: When the trend meets the target, or None if it never does.
        point_days: Days of the points the method used (``points`` pairs them up).
        point_values: Their values.
        basis: What the method did, in English; :meth:`basis_text` in any language.
        note: Why there is no value, when there is none, in English; :meth:`note_text`.
        direction: Whether higher is better.
        basis_message: ``basis`` as a :class:`Message` (None from a plugin that gives
            only a text).
        interval_message: ``interval_basis`` as a :class:`Message`, or None.
        note_message: ``note`` as a :class:`Message`, or None.
    """

    kpi_id: str
    method: str
    as_of: date
    deadline: date
    target: float
    value: float | None = None
    interval: tuple[float, float] | None = None
    level: float = DEFAULT_LEVEL
    # A plugin's plain texts; a built-in gives messages, rendered only when read (below).
    _interval_basis: str = attrs.field(default="", alias="interval_basis")
    observed_pace: float | None = None
    required_pace: float | None = None
    attainment_date: date | None = None
    point_days: tuple[date, ...] = ()
    point_values: tuple[float, ...] = ()
    _basis: str = attrs.field(default="", alias="basis")
    _note: str = attrs.field(default="", alias="note")
    direction: Direction = Direction.INCREASE
    basis_message: Message | None = None
    interval_message: Message | None = None
    note_message: Message | None = None

    @property
    def points(self) -> tuple[Point, ...]:
        """The points the method used, oldest first."""
        return tuple(map(Point, self.point_days, self.point_values))

    @property
    def basis(self) -> str:
        """What the method did, in English."""
        return self.basis_text("en")

    @property
    def interval_basis(self) -> str:
        """How the interval was made, in English."""
        return self.interval_basis_text("en")

    @property
    def note(self) -> str:
        """Why there is no value, in English ("" when there is one)."""
        return self.note_text("en")

    def basis_text(self, lang: Lang = "ja") -> str:
        """What the method did, in ``lang`` (a plugin's own text when it gives no message).

        >>> from datetime import date
        >>> from maebashi_dx.datasets import maebashi_2022
        >>> f = forecast(maebashi_2022().kpi("kpi2"), date(2022, 5, 31), method="cagr")
        >>> f.basis_text("ja")
        '年平均成長率（最初と最新の実績値の対数を通る直線）'
        >>> f.basis_text("en") == f.basis
        True
        """
        return self._basis if self.basis_message is None else self.basis_message.text(lang)

    def interval_basis_text(self, lang: Lang = "ja") -> str:
        """How the interval was made, in ``lang``."""
        if self.interval_message is None:
            return self._interval_basis
        return self.interval_message.text(lang)

    def note_text(self, lang: Lang = "ja") -> str:
        """Why there is no value, in ``lang`` ("" when there is one)."""
        return self._note if self.note_message is None else self.note_message.text(lang)

    @property
    def meets_target(self) -> bool | None:
        """Whether the projected value at the deadline meets the target."""
        if self.value is None:
            return None
        return self.direction.sign * (self.value - self.target) >= 0


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


def run_forecaster(
    forecaster: Forecaster, data: SeriesInput, *, level: float = DEFAULT_LEVEL
) -> Forecast:
    """Apply one forecaster to prepared data (the core of :func:`forecast`)."""

    def make(**found: Any) -> Forecast:
        return Forecast(
            kpi_id=data.kpi_id,
            method=forecaster.name,
            as_of=data.as_of,
            deadline=data.deadline,
            target=data.target,
            level=level,
            direction=data.direction,
            **found,
        )

    if not data.days:
        return make(**_note(_msg("forecast.note.no_data")))
    required = _required_pace(data)
    try:
        trend = forecaster.fit(data)
    except CalculationError as exc:
        reason = _reason(exc)
        return make(
            required_pace=required,
            point_days=data.days,
            point_values=data.values,
            note=str(exc),
            note_message=reason if isinstance(reason, Message) else None,
        )
    if isinstance(trend, _LineTrend | _BlendTrend | _FlatTrend | _PooledTrend):
        days, values = trend.days, trend.values
    else:
        days = tuple(p.day for p in trend.points)
        values = tuple(p.value for p in trend.points)
    value = trend.predict(data.deadline)
    interval = trend.interval(data.deadline, level)
    observed = trend.pace(data.as_of)
    if not all(math.isfinite(v) for v in (value, *interval, observed)):
        return make(
            required_pace=required,
            point_days=days,
            point_values=values,
            **_note(_msg("forecast.note.overflow")),
        )
    # A trend may say how its interval is made; the built-in lines say it by point count.
    interval_message = getattr(trend, "interval_message", None)
    interval_basis = (
        "" if isinstance(interval_message, Message) else getattr(trend, "interval_basis", "")
    )
    if not isinstance(interval_message, Message) and not interval_basis:
        interval_message = (
            _msg("forecast.interval.prediction", level=level)
            if len(days) >= 3
            else _msg("forecast.interval.two_points")
        )
    if not isinstance(interval_message, Message):
        interval_message = None
    basis = _basis_of(trend)
    return make(
        value=value,
        interval=interval,
        interval_basis=interval_basis,
        interval_message=interval_message,
        observed_pace=observed,
        required_pace=required,
        attainment_date=_attainment(data, trend),
        point_days=days,
        point_values=values,
        basis="" if isinstance(basis, Message) else basis,
        basis_message=basis if isinstance(basis, Message) else None,
    )


def _note(message: Message) -> dict[str, Any]:
    return {"note_message": message}


def _required_pace(data: SeriesInput) -> float | None:
    """(target − latest) / years left, from the latest value to the deadline.

    Convention: with no time left (the latest value on or after the deadline) the
    required pace is 0 when the latest value meets the target and None (no pace can
    meet it) when it does not, never a division by zero. A pace too large for a float
    (a target of 1e308 a day away) is None too, never infinite.
    """
    years_left = (data.deadline - data.days[-1]).days / YEAR_DAYS
    if years_left > 0:
        pace = (data.target - data.values[-1]) / years_left
        return pace if math.isfinite(pace) else None
    return 0.0 if data.meets(data.values[-1]) else None


def forecast(
    kpi: KPI,
    as_of: date,
    *,
    method: str | None = None,
    level: float = DEFAULT_LEVEL,
    reference: Reference | None = None,
) -> Forecast:
    """Project a KPI to its deadline, using only data read on or before ``as_of``.

    Args:
        kpi: The KPI (a staged KPI is projected on its ladder positions).
        as_of: The day of the forecast.
        method: A registered forecaster's name; if None, :func:`default_method`:
            ``blend``, or ``pooled`` when a reference is given.
        level: Confidence level of the interval (0 < level < 1).
        reference: A series to pool toward, e.g. the prefecture's rate (its points
            after ``as_of`` are never used).

    Returns:
        A :class:`Forecast`. With fewer than two points, or data a method cannot use,
        its ``value`` is None and ``note`` says why; it never returns NaN.

    Raises:
        UnknownPluginError: ``method`` is not registered; the message lists the names.
    """
    if not 0 < level < 1:
        msg = f"level must be between 0 and 1, got {level}"
        raise ValueError(msg)
    forecaster = FORECASTERS.get(method or default_method(reference))
    return run_forecaster(forecaster, series_input(kpi, as_of, reference), level=level)
