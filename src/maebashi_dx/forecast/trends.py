"""Line and growth trends: a straight line fitted in an identity, log or logit space
(``two_point``, ``linear``, ``recent``, ``recent_6m``, ``cagr``, ``aroc``, ``logistic``)
and the flat ``naive`` trend."""

from __future__ import annotations

import bisect
import functools
import math
import operator
from datetime import date, timedelta
from itertools import repeat
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

import attrs

from maebashi_dx.forecast.intervals import Num, ScalarMath, student_t_quantile
from maebashi_dx.forecast.messages import (
    Message,
    MethodName,
    _FitError,
    _msg,
    _too_few,
)
from maebashi_dx.forecast.series import (
    _HORIZON_YEARS,
    YEAR_DAYS,
    SeriesInput,
    months_before,
)

# -------------------------------------------------------------------------- transforms

Space = Literal["identity", "log", "logit"]
Selection = Literal["endpoints", "all", "window"]
if TYPE_CHECKING:
    from maebashi_dx.forecast.fitted import _BlendTrend, _FlatTrend, _LineTrend, _PooledTrend

_EPS = 1e-4  # how close to a bound a logistic value may sit (logit of 0 or 1 is infinite)


# ------------------------------------------------------------------ shared formulas
# (see maebashi_dx.forecast.intervals: one formula for floats and for numpy arrays)


def forward(space: Space, y: Num, lower: Num, upper: Num, xp: Any = ScalarMath) -> Num:
    """A value in the fitting space: itself, its logarithm (constant growth rate), or
    the logit of its share of the bounds, kept ``_EPS`` inside them."""
    if space == "identity":
        return y
    if space == "log":
        return xp.log(y)
    p = (y - lower) / (upper - lower)
    p = xp.minimum(1 - _EPS, xp.maximum(_EPS, p))
    return xp.log(p / (1 - p))


def back(space: Space, z: Num, lower: Num, upper: Num, xp: Any = ScalarMath) -> Num:
    """The inverse of :func:`forward`; the exponent is held to ±700 so it stays finite."""
    if space == "identity":
        return z
    if xp is ScalarMath:
        # The same on floats, the builtins' min and max written as the comparisons they
        # make (min(z, 700.0) keeps z unless 700.0 is less, i.e. z is greater; max(-700.0,
        # m) keeps -700.0 unless m is greater), without a call each: the attainment search
        # back-transforms every member's line at every day it tries.
        held = 700.0 if z > 700.0 else z
        if space == "log":
            return math.exp(held)
        return lower + (upper - lower) / (1 + math.exp(-(held if held > -700.0 else -700.0)))
    if space == "log":
        return xp.exp(xp.minimum(z, 700.0))
    return lower + (upper - lower) / (1 + xp.exp(-xp.maximum(-700.0, xp.minimum(z, 700.0))))


def cap(value: Num, lower: Num, upper: Num, xp: Any = ScalarMath) -> Num:
    """A value held within its natural bounds."""
    if xp is ScalarMath:
        # min(upper, max(lower, value)) as the builtins compute it, without their calls
        # (the attainment search caps every member's value at every day it tries): max
        # keeps ``lower`` unless ``value`` is greater, min keeps ``upper`` unless the
        # result is less, so ties, signed zeros and NaN come out as the builtins give.
        held = value if value > lower else lower
        return held if held < upper else upper
    return xp.minimum(upper, xp.maximum(lower, value))


def ols_line(x_mean: Num, z_mean: Num, sxx: Num, sxz: Num) -> tuple[Num, Num, Num, Num, Num]:
    """Ordinary least squares from centred sums in days (x̄, z̄, Sxx, Sxz): the
    intercept ``a`` at the origin, the slope per day and per year, and x̄ and Sxx in
    years."""
    b_per_day = sxz / sxx
    a = z_mean - b_per_day * x_mean
    years = YEAR_DAYS * YEAR_DAYS
    return a, b_per_day, b_per_day * YEAR_DAYS, x_mean / YEAR_DAYS, sxx / years


def residual_ssr(syy: Num, slope: Num, sxx: Num, xp: Any = ScalarMath) -> Num:
    """The residual sum of squares Σ(z − z̄)² − b²·Sxx, never below zero, in units of
    the largest deviation (``syy`` and ``slope``, per day, are scaled by it; ``sxx`` is in
    years)."""
    return xp.maximum(0.0, syy - slope * slope * sxx * YEAR_DAYS**2)


def residual_sigma(scale: Num, ssr: Num, n: Num, xp: Any = ScalarMath) -> Num:
    """The residual standard deviation, √(SSR / (n − 2)), back in the values' units."""
    return scale * xp.sqrt(ssr / (n - 2))


def prediction_se(sigma: Num, n: Num, x: Num, x_mean: Num, sxx: Num, xp: Any = ScalarMath) -> Num:
    """The standard error of a new observation at x on a least-squares line:
    σ·√(1 + 1/n + (x − x̄)²/Sxx) (the textbook prediction interval)."""
    return sigma * xp.sqrt(1 + 1 / n + (x - x_mean) ** 2 / sxx)


def stall_or_double(z_last: Num, b: Num, x: Num, x_last: Num, xp: Any = ScalarMath) -> Num:
    """The far end of the two-point heuristic: the pace doubled from the latest value
    (the near end is the latest value itself, the pace stalled)."""
    return z_last + 2 * b * xp.maximum(0.0, x - x_last)


def line_pace(
    space: Space,
    a: Num,
    b: Num,
    x_before: Num,
    x_after: Num,
    lower: Num,
    upper: Num,
    xp: Any = ScalarMath,
) -> Num:
    """The pace of a line per year: its slope, or in a transformed space the change of
    the values over 30 days around the day (``x_before``, ``x_after``: 15 days either
    side, in years)."""
    if space == "identity":
        return b
    before = back(space, a + b * x_before, lower, upper, xp)
    after = back(space, a + b * x_after, lower, upper, xp)
    return (after - before) / (30 / YEAR_DAYS)


def crossing(f_target: Num, a: Num, b: Num) -> Num:
    """Where the line z = a + b·x crosses f(target): x = (f(target) − a) / b, in years."""
    return (f_target - a) / b


class _Transform(NamedTuple):
    """A fitting space and a logit's bounds (a named tuple: cheaper to define than an
    attrs class, and the command's start defines it)."""

    space: Space
    lower: float = 0.0
    upper: float = 1.0

    def forward(self, y: float) -> float:
        if self.space == "identity":  # the identity, without a call (a hot path)
            return y
        # On floats forward and back give floats (math.log, math.exp, a division).
        found: float = forward(self.space, y, self.lower, self.upper)
        return found

    def back(self, z: float) -> float:
        if self.space == "identity":
            return z
        found: float = back(self.space, z, self.lower, self.upper)
        return found


# The transforms without bounds, one shared instance each (a frozen value: a fit runs
# for every KPI, and every KPI's line would otherwise build its own).
_PLAIN_TRANSFORMS: dict[Space, _Transform] = {s: _Transform(s) for s in ("identity", "log")}

# A window's first day, once per day and length: every KPI of an assessment has the same
# as_of, and months_before's calendar arithmetic would otherwise run once per KPI.
_months_before = functools.lru_cache(maxsize=256)(months_before)


def _years(day: date, origin: date) -> float:
    return (day - origin).days / YEAR_DAYS


class Line(NamedTuple):
    """A fitted line's numbers: z = a + b·x in ``space`` (bounds ``lower``, ``upper`` of a
    logit), x in years from ``origin``, fitted on ``n`` points, the last of them
    (``last_day``, ``last_value``); values held within ``bounds``. A named tuple: the
    default forecaster builds two per KPI, and reads them with the functions below
    (:class:`_LineTrend` carries one with its points and basis)."""

    space: Space
    lower: float
    upper: float
    origin: date
    a: float
    b: float
    n: int
    sigma: float  # residual standard deviation in the transformed space (0: no scatter)
    x_mean: float  # in years from the origin
    sxx: float  # in years squared
    bounds: tuple[float, float] | None
    last_day: date
    last_value: float


_new_tuple = tuple.__new__


def to_space(line: Line, y: float) -> float:
    """A value in the line's fitting space (:func:`forward` on a float)."""
    if line.space == "identity":  # the identity, without a call (a hot path)
        return y
    found: float = forward(line.space, y, line.lower, line.upper)  # a float on floats
    return found


def _held(line: Line, z: float) -> float:
    """A point of the line's space as a value: back-transformed, held within the bounds."""
    # back gives a float on floats (math.exp, a division); cap gives one of its
    # arguments, and bounds may be whole numbers.
    value: float = z if line.space == "identity" else back(line.space, z, line.lower, line.upper)
    bounds = line.bounds
    return value if bounds is None else float(cap(value, bounds[0], bounds[1]))


def line_at(line: Line, day: date) -> float:
    """The line's value on ``day``: z = a + b·x back-transformed and held within the
    bounds."""
    return _held(line, line.a + line.b * ((day - line.origin).days / YEAR_DAYS))


def line_interval(line: Line, day: date, level: float) -> tuple[float, float]:
    """The line's interval on ``day`` at ``level``: the least-squares prediction interval
    (Student's t with n − 2 degrees of freedom) where the points scatter; else the
    two-point heuristic."""
    x = _years(day, line.origin)
    z = line.a + line.b * x
    if line.sigma > 0:
        t = student_t_quantile((1 + level) / 2, line.n - 2)
        se = prediction_se(line.sigma, line.n, x, line.x_mean, line.sxx)
        ends: tuple[float, ...] = (z - t * se, z + t * se)
    else:
        # Two points, or points exactly on a line: no scatter to estimate an error from,
        # so never a zero-width interval; the pace may stall or double from the latest
        # value (a stated heuristic). The line's own value is one of the ends' hull too:
        # on exact data it lies between them, and where rounding at values near 2**53
        # moves it off the latest value, the interval still holds it.
        z_last = to_space(line, line.last_value)
        far = stall_or_double(z_last, line.b, x, _years(line.last_day, line.origin))
        ends = (z_last, far, z)
    capped = list(map(_held, (line,) * len(ends), ends))
    return min(capped), max(capped)


_PACE_STEP = timedelta(days=15)  # either side of a day, for a curved line's pace


def line_pace_on(line: Line, day: date) -> float:
    """The line's pace on ``day``, per year (:func:`line_pace`)."""
    if line.space == "identity":
        return line.b
    return float(
        line_pace(
            line.space,
            line.a,
            line.b,
            _years(day - _PACE_STEP, line.origin),
            _years(day + _PACE_STEP, line.origin),
            line.lower,
            line.upper,
        )
    )


def solve_line(line: Line, target: float, sign: int, after: date) -> date | None:
    """The first day from ``after`` on which the line meets ``target``, in closed form:
    z = a + b·x crosses f(target) at x = (f(target) − a) / b (:func:`crossing`), then
    settled on whole days."""

    def meets(day: date) -> bool:
        return sign * (line_at(line, day) - target) >= 0

    if meets(after):
        return after
    if line.bounds is not None and not line.bounds[0] <= target <= line.bounds[1]:
        return None
    space = line.space
    if space == "log" and target <= 0:
        return None
    if space == "logit" and not line.lower < target < line.upper:
        return None  # an S-curve never reaches its bound
    if sign * line.b <= 0:
        return None  # flat, or moving away from the target: never met from here
    x = crossing(to_space(line, target), line.a, line.b)
    if x > _years(after, line.origin) + _HORIZON_YEARS:
        return None
    day = max(after, line.origin + timedelta(days=max(0, math.ceil(x * YEAR_DAYS))))
    # The crossing is within a day of x; settle the rounding on whole days.
    for _ in range(3):
        if day > after and meets(day - timedelta(days=1)):
            day -= timedelta(days=1)
        elif not meets(day):
            day += timedelta(days=1)
        else:
            return day  # settled: it meets, and the day before it does not
    return day if meets(day) else None


# Once per tuple of days: the KPIs of a plan are mostly measured on the same days, so
# their windows' days repeat (hashing a few dates costs less than the sums).
@functools.lru_cache(maxsize=256)
def _centred_days(days: tuple[date, ...]) -> tuple[float, tuple[float, ...], float]:
    """The days' side of :func:`fit_line`'s least squares, in whole days from the first
    day: their mean x̄, each day's deviation x − x̄, and Sxx = Σ(x − x̄)²."""
    first = days[0].toordinal()
    xs = [o - first for o in map(date.toordinal, days)]
    x_mean = sum(xs) / len(xs)
    dxs = tuple([x - x_mean for x in xs])
    return x_mean, dxs, sum(map(operator.mul, dxs, dxs))


def fit_line(
    name: str,
    days: tuple[date, ...],
    values: tuple[float, ...],
    transform: _Transform,
    bounds: tuple[float, float] | None,
) -> Line:
    """The least-squares line through the points (two or more) in the transform's space.

    Raises:
        CalculationError: A log-space line through a value ≤ 0, or points all on one day
            (the error names the forecaster ``name``).
    """
    if transform.space == "log" and min(values) <= 0:
        raise _FitError(_msg("forecast.note.not_positive", method=MethodName(name)))
    origin = days[0]
    space, lower, upper = transform
    if space == "identity":
        zs = values
    else:  # transform.forward of each value: forward itself, without the method's frame
        zs = tuple(map(forward, repeat(space), values, repeat(lower), repeat(upper)))
    n = len(days)
    # Ordinary least squares on centred sums (two passes, for numerical stability), in
    # days; the line is then expressed in years.
    x_mean, dxs, sxx = _centred_days(days)
    z_mean = sum(zs) / n
    dzs = [z - z_mean for z in zs]
    if sxx == 0:
        raise _FitError(_msg("forecast.note.one_date", method=MethodName(name)))
    a, b_day, b, x_mean, sxx = ols_line(x_mean, z_mean, sxx, sum(map(operator.mul, dxs, dzs)))
    sigma = 0.0
    if n >= 3:
        # A residual at rounding level (points exactly on a line, as planned figures
        # often are) is no scatter at all: sigma stays 0 and the interval is the
        # heuristic. The sums are taken in units of the largest deviation, so values
        # near 1e154 and above do not overflow when squared.
        scale = max(map(abs, dzs))
        if scale > 0:
            us = [dz / scale for dz in dzs]
            syy = sum(map(operator.mul, us, us))
            ssr = residual_ssr(syy, b_day / scale, sxx)
            if ssr > 1e-12 * syy:
                sigma = residual_sigma(scale, ssr, n)
    # Line(...) through tuple.__new__, as the named tuple's own _make builds one: its
    # fields in order, without the generated __new__'s frame (two lines per KPI).
    numbers = (transform.space, transform.lower, transform.upper, origin, a, b, n, sigma)
    return _new_tuple(Line, (*numbers, x_mean, sxx, bounds, days[-1], values[-1]))


@functools.cache
def fitted_trends() -> tuple[
    type[_LineTrend], type[_FlatTrend], type[_BlendTrend], type[_PooledTrend]
]:
    """The built-in forecasters' trends (:mod:`maebashi_dx.forecast.fitted`): a line,
    the latest value, a blend and a pooled line. Imported by the first fit, not at start
    (assess's one pass for the default blend builds none), then answered from the cache
    (an import statement in each fit would cost more than the fit's own arithmetic)."""
    from maebashi_dx.forecast import fitted

    return fitted._LineTrend, fitted._FlatTrend, fitted._BlendTrend, fitted._PooledTrend


@functools.lru_cache(maxsize=256, typed=True)
def _trend_basis(name: str, two: bool, chosen: Message, space: Space) -> Message:
    """A line's basis: one shared message per forecaster, point count (two or more),
    selection and space, built once (a fit runs for every KPI)."""
    return _msg(
        "forecast.basis.trend",
        method=MethodName(name),
        how=_msg("forecast.how.line" if two else "forecast.how.least_squares"),
        points=chosen,
        space=_msg(f"forecast.space.{space}"),
    )


@functools.cache
def _endpoints() -> Message:
    """Which points an endpoints line goes through (one message, made once)."""
    return _msg("forecast.points.endpoints")


@functools.lru_cache(maxsize=256)
def _window_points(count: int, months: int) -> Message:
    """Which points a window's line goes through, once per count and length (a fit runs
    for every KPI; a window holds about as many points on each)."""
    return _msg("forecast.points.window", count=count, months=months)


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
        return self.select(data.days, data.values, data.as_of)

    def select(
        self, days: tuple[date, ...], values: tuple[float, ...], as_of: date
    ) -> tuple[tuple[date, ...], tuple[float, ...], Message]:
        """The points the line goes through (of two or more, up to ``as_of``), and the
        message that says which."""
        if self.selection == "endpoints":
            return (days[0], days[-1]), (values[0], values[-1]), _endpoints()
        if self.selection == "window":
            since = _months_before(as_of, self.window_months)
            i = bisect.bisect_right(days, since)
            if len(days) - i >= 2:
                return days[i:], values[i:], _window_points(len(days) - i, self.window_months)
            short = _msg("forecast.points.window_short", months=self.window_months)
            return days[-2:], values[-2:], short
        return days, values, _msg("forecast.points.all", count=len(days))

    def _transform(self, data: SeriesInput) -> _Transform:
        if self.space == "logit":
            if data.bounds is None:
                raise _FitError(_msg("forecast.note.no_bounds", method=MethodName(self.name)))
            return _Transform("logit", *data.bounds)
        return _PLAIN_TRANSFORMS[self.space]

    def fit(self, data: SeriesInput) -> _LineTrend:
        """Fit the line; CalculationError when the data cannot support it."""
        line_trend = fitted_trends()[0]
        if len(data.days) < 2:
            raise _FitError(_too_few(self.name, len(data.days)))
        days, values, chosen = self._select(data)
        transform = self._transform(data)
        line = fit_line(self.name, days, values, transform, data.bounds)
        return line_trend(
            basis_message=_trend_basis(self.name, line.n == 2, chosen, transform.space),
            days=days,
            values=values,
            transform=transform,
            line=line,
        )


@attrs.frozen(kw_only=True)
class NaiveForecaster:
    """The last value, unchanged: the baseline every forecaster must beat."""

    name: str = "naive"
    description: str = "the latest value, unchanged (a baseline)"

    def fit(self, data: SeriesInput) -> _FlatTrend:
        """Carry the latest value forward."""
        flat_trend = fitted_trends()[1]
        if not data.days:
            raise _FitError(_msg("forecast.note.no_points", method=MethodName(self.name)))
        basis = _msg("forecast.basis.flat", method=MethodName(self.name))
        return flat_trend(
            basis_message=basis,
            days=data.days[-1:],
            values=data.values[-1:],
        )
