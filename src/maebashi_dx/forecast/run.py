"""Running a forecaster on a KPI: :func:`forecast`, :func:`run_forecaster` and the
attainment date."""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any, NamedTuple

from maebashi_dx.errors import CalculationError, UnknownPluginError
from maebashi_dx.forecast.attainment import _attainment, blend_attainment, history_met
from maebashi_dx.forecast.combine import (
    BlendForecaster,
    blend_basis,
    blend_interval_message,
    shares,
)
from maebashi_dx.forecast.intervals import widened
from maebashi_dx.forecast.messages import (
    Message,
    MethodName,
    _basis_of,
    _FitError,
    _msg,
    _reason,
)
from maebashi_dx.forecast.result import Forecast, slot_maker, slot_makers
from maebashi_dx.forecast.series import (
    DEFAULT_LEVEL,
    FORECASTERS,
    YEAR_DAYS,
    Forecaster,
    SeriesInput,
    Trend,
    default_method,
    pace_shift,
    series_input,
)
from maebashi_dx.forecast.trends import (
    _PLAIN_TRANSFORMS,
    Line,
    TrendForecaster,
    _Transform,
    _trend_basis,
    fit_line,
    fitted_trends,
    line_at,
    line_interval,
    line_pace_on,
)
from maebashi_dx.model import KPI, Direction
from maebashi_dx.model.reference import Reference

if TYPE_CHECKING:
    from maebashi_dx.forecast.conformal import Calibration


def run_forecaster(
    forecaster: Forecaster,
    data: SeriesInput,
    *,
    level: float = DEFAULT_LEVEL,
    calibration: Calibration | None = None,
) -> Forecast:
    """Apply one forecaster to prepared data (the core of :func:`forecast`); with a
    ``calibration`` of the same forecaster and level, the interval is the calibrated one
    and ``probability`` the chance of meeting the target.

    Raises:
        CalculationError: ``calibration`` is of another forecaster or level, or later
            than ``data.as_of``.
    """
    if calibration is not None:  # apply_calibration checks the method, level and day
        # Imported on first use: an uncalibrated run (the CLI's status) never needs it.
        from maebashi_dx.forecast.conformal import apply_calibration

        found = run_forecaster(forecaster, data, level=level)
        return apply_calibration(found, data, calibration)

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
    if isinstance(trend, fitted_trends()):  # a built-in's
        days, values = trend.days, trend.values
    else:
        days = tuple(p.day for p in trend.points)
        values = tuple(p.value for p in trend.points)
    at = _blend_at(trend, data.deadline, data.as_of, level)
    if at is not None:
        value, interval, observed = at
    else:
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


def _blend_at(
    trend: Trend, day: date, as_of: date, level: float
) -> tuple[float, tuple[float, float], float] | None:
    """A blend of lines' ``predict(day)``, ``interval(day, level)`` and ``pace(as_of)``,
    as :class:`_BlendTrend` computes them (:func:`blend_figures`). None for any other
    trend (its own methods then answer)."""
    line_trend, _, blend_trend, _ = fitted_trends()
    # Exactly these types: a subclass may answer otherwise.
    if not isinstance(trend, blend_trend) or type(trend) is not blend_trend:
        return None
    lines = [m.line for m in trend.members if isinstance(m, line_trend) and type(m) is line_trend]
    if len(lines) < len(trend.members):
        return None
    last = trend.days[-1]
    return blend_figures(
        trend.weights,
        lines,
        day,
        as_of,
        level,
        trend.shift,
        trend.origin,
        last,
        trend.values[-1],
        trend.bounds,
    )


def blend_figures(
    weights: Sequence[float],
    lines: Sequence[Line],
    day: date,
    as_of: date,
    level: float,
    shift: float | None,
    origin: date,
    last_day: date,
    last_value: float,
    bounds: tuple[float, float] | None,
) -> tuple[float, tuple[float, float], float]:
    """A blend of lines' value on ``day``, its interval at ``level`` and its pace on
    ``as_of``, as :class:`_BlendTrend`'s ``predict``, ``interval`` and ``pace`` compute
    them, with each line's value at ``day`` and pace on the latest day computed once
    rather than once per use (its interval reads the lines' values, the blend's value and
    its pace on the latest day, which is ``as_of`` when the latest measurement is that
    day's). ``shift``, ``origin``, ``bounds``: the blend's (:func:`widened`)."""
    # The weighted sums below are _BlendTrend's: the same products (map(mul) is w * e),
    # summed by sum in the same order.
    # (Loops rather than comprehensions: no frame each, for a handful of lines.)
    ends = []
    paces = []
    fitted = []
    for line in lines:
        ends.append(line_at(line, day))
        paces.append(line_pace_on(line, last_day))
        if line.n >= 3:
            fitted.append(line)
    # _BlendTrend.predict: the members' weighted sum.
    value = sum(map(operator.mul, weights, ends))
    # _BlendTrend.interval: the members' values, the prediction intervals of the members
    # fitted on three or more points (all of them when none is), widened for the pace.
    for line in fitted or lines:
        ends += line_interval(line, day, level)
    # _BlendTrend.pace: the members' weighted sum.
    pace_last = sum(map(operator.mul, weights, paces))
    if as_of == last_day:
        observed = pace_last
    else:
        paces = [line_pace_on(line, as_of) for line in lines]
        observed = sum(map(operator.mul, weights, paces))
    ahead, since_last = (day - origin).days, (day - last_day).days
    return (
        value,
        widened(ends, value, pace_last, shift, ahead, since_last, last_value, bounds),
        observed,
    )


class FusedBlend(NamedTuple):
    """A blend :func:`blend_forecast` computes in one pass: the forecaster, its members
    as registered when the assessment began, and its weights normalised (as its ``fit``
    normalises them when every member fits)."""

    blend: BlendForecaster
    members: tuple[TrendForecaster, ...]
    weights: tuple[float, ...]
    #: Each member's registered name, forecaster, weight (as given), least history in
    #: days (BlendForecaster.min_history_days, 0 without) and its space's transform.
    rows: tuple[tuple[str, TrendForecaster, float, int, _Transform], ...]
    #: The blend's basis by its members' points (the ids of the messages that say which,
    #: and whether a line has two) with those messages, which the entry keeps alive so
    #: that their ids stay theirs: the KPIs of an assessment share a handful.
    bases: dict[tuple[object, ...], tuple[tuple[Message, ...], Message]]


def fused_blend(forecaster: Forecaster) -> FusedBlend | None:
    """The blend :func:`blend_forecast` can compute: a :class:`BlendForecaster` (exactly)
    whose members are registered now as :class:`TrendForecaster` (exactly) in an
    identity or log space, one weight and at most one history length each. None for any
    other forecaster (plugins, ``pooled``, curves needing bounds)."""
    if type(forecaster) is not BlendForecaster:
        return None
    needs = forecaster.min_history_days
    if len(forecaster.weights) != len(forecaster.members) or len(needs) not in (
        0,
        len(forecaster.members),
    ):
        return None
    members = []
    for name in forecaster.members:
        try:
            member = FORECASTERS.get(name)
        except UnknownPluginError:
            return None
        if type(member) is not TrendForecaster or member.space not in ("identity", "log"):
            return None
        members.append(member)
    rows = zip(
        forecaster.members,
        members,
        forecaster.weights,
        needs or (0,) * len(members),
        [_PLAIN_TRANSFORMS[m.space] for m in members],
        strict=True,
    )
    return FusedBlend(forecaster, tuple(members), shares(forecaster.weights), tuple(rows), {})


def blend_forecast(
    fused: FusedBlend,
    kpi_id: str,
    days: tuple[date, ...],
    values: tuple[float, ...],
    target: float,
    deadline: date,
    as_of: date,
    direction: Direction,
    bounds: tuple[float, float] | None,
    level: float = DEFAULT_LEVEL,
) -> Forecast | None:
    """``run_forecaster(fused.blend, data, level=level)`` in one pass, for the data of a
    :class:`SeriesInput` without a reference (its fields given one by one), building no
    trend: each member's line fitted (:func:`fit_line`), the blend's figures
    (:func:`blend_figures`), its attainment date (:func:`blend_attainment`) and its
    messages, through the same functions the trends' methods call, so the forecast is
    the same to the bit.

    As ``BlendForecaster.fit``, a member that lacks history or cannot fit is left out,
    its reason given in the basis, and the weights are normalised over the others.

    For the common case only: None whenever the general path would do something else
    (fewer than two points, no member that fits, a figure beyond the float range); the
    caller then runs :func:`run_forecaster`.
    """
    if len(days) < 2:
        return None
    blend, _, weights, rows, _ = fused
    span = (days[-1] - days[0]).days
    lines = []
    fitted: list[TrendForecaster] = []  # the members that fit, and their weights
    kept: list[float] = []
    chosen_ones: list[Message] = []
    reasons: list[Message] = []
    keys: list[object] = []
    for name, member, weight, need, transform in rows:
        if span < need:
            reason = _msg("forecast.note.history", method=MethodName(name), need=need, span=span)
        else:
            chosen_days, chosen_values, chosen = member.select(days, values, as_of)
            try:
                line = fit_line(member.name, chosen_days, chosen_values, transform, bounds)
            except _FitError as exc:
                reason = exc.message
            else:
                lines.append(line)
                fitted.append(member)
                kept.append(weight)
                chosen_ones.append(chosen)
                keys += (id(chosen), line.n == 2)
                continue
        reasons.append(reason)
        keys += (id(reason), None)
    if not lines:
        return None  # the general path's note: no member fits
    if reasons:
        weights = shares(kept)
    key = tuple(keys)
    known = fused.bases.get(key)
    if known is None:
        # The members' bases and the blend's, as BlendForecaster.fit makes them.
        bases = tuple(
            _trend_basis(m.name, line.n == 2, chosen, m.space)
            for m, line, chosen in zip(fitted, lines, chosen_ones, strict=True)
        )
        if len(fused.bases) >= 256:
            fused.bases.clear()
        known = fused.bases[key] = (
            (*chosen_ones, *reasons),  # kept alive, so that their ids stay theirs
            blend_basis(blend.name, weights, bases, tuple(reasons)),
        )
    shift = pace_shift(days, values) if len(days) >= 3 else None
    last_day, last_value = days[-1], values[-1]
    value, interval, observed = blend_figures(
        weights, lines, deadline, as_of, level, shift, as_of, last_day, last_value, bounds
    )
    isfinite = math.isfinite
    low, high = interval
    if not (isfinite(value) and isfinite(low) and isfinite(high) and isfinite(observed)):
        return None  # the general path's overflow note
    sign = direction.sign
    attained = history_met(days, values, sign, target)
    if attained is None:
        attained = blend_attainment(weights, lines, sign, target, as_of)
    # Forecast(...) by position, in its fields' order (slot_maker: no __init__ by name).
    make: Callable[..., Forecast] = slot_makers.get(Forecast) or slot_maker(Forecast)
    return make(
        kpi_id,  # kpi_id
        blend.name,  # method
        as_of,  # as_of
        deadline,  # deadline
        target,  # target
        value,  # value
        interval,  # interval
        level,  # level
        "",  # interval_basis
        observed,  # observed_pace
        required_pace(deadline, last_day, last_value, target, sign),  # required_pace
        attained,  # attainment_date
        days,  # point_days
        values,  # point_values
        "",  # basis
        "",  # note
        direction,  # direction
        known[1],  # basis_message
        blend_interval_message(shift),  # interval_message
        None,  # note_message
        None,  # probability
    )


def _note(message: Message) -> dict[str, Any]:
    return {"note_message": message}


def _required_pace(data: SeriesInput) -> float | None:
    """:func:`required_pace` of a forecaster's data."""
    return required_pace(
        data.deadline, data.days[-1], data.values[-1], data.target, data.direction.sign
    )


def required_pace(
    deadline: date, last_day: date, last: float, target: float, sign: int
) -> float | None:
    """(target − latest) / years left, from the latest value (``last``, on ``last_day``)
    to the deadline (``sign``: +1 where higher is better).

    Convention: with no time left (the latest value on or after the deadline) the
    required pace is 0 when the latest value meets the target and None (no pace can
    meet it) when it does not, never a division by zero. A pace too large for a float
    (a target of 1e308 a day away) is None too, never infinite.
    """
    years_left = (deadline - last_day).days / YEAR_DAYS
    if years_left > 0:
        pace = (target - last) / years_left
        return pace if math.isfinite(pace) else None
    return 0.0 if sign * (last - target) >= 0 else None


def forecast(
    kpi: KPI,
    as_of: date,
    *,
    method: str | None = None,
    level: float = DEFAULT_LEVEL,
    reference: Reference | None = None,
    calibration: Calibration | None = None,
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
        calibration: The forecaster's track record as of ``as_of`` or before
            (:func:`~maebashi_dx.forecast.conformal.calibrate`): the interval is then the
            calibrated one and ``probability`` the chance of meeting the target. Without
            it the interval is the method's own and ``probability`` None.

    Returns:
        A :class:`Forecast`. With fewer than two points, or data a method cannot use,
        its ``value`` is None and ``note`` says why; it never returns NaN.

    Raises:
        UnknownPluginError: ``method`` is not registered; the message lists the names.
        CalculationError: ``calibration`` is of another forecaster or later than ``as_of``.
    """
    if not 0 < level < 1:
        msg = f"level must be between 0 and 1, got {level}"
        raise ValueError(msg)
    forecaster = FORECASTERS.get(method or default_method(reference))
    data = series_input(kpi, as_of, reference)
    return run_forecaster(forecaster, data, level=level, calibration=calibration)
