"""Running a forecaster on a KPI: :func:`forecast`, :func:`run_forecaster` and the
attainment date."""

from __future__ import annotations

import math
from datetime import date
from typing import TYPE_CHECKING, Any

from maebashi_dx.errors import CalculationError
from maebashi_dx.forecast.attainment import _attainment
from maebashi_dx.forecast.combine import (
    _BlendTrend,
    _PooledTrend,
)
from maebashi_dx.forecast.messages import (
    Message,
    _basis_of,
    _msg,
    _reason,
)
from maebashi_dx.forecast.result import Forecast
from maebashi_dx.forecast.series import (
    DEFAULT_LEVEL,
    FORECASTERS,
    YEAR_DAYS,
    Forecaster,
    SeriesInput,
    Trend,
    default_method,
    series_input,
)
from maebashi_dx.forecast.trends import (
    _FlatTrend,
    _LineTrend,
)
from maebashi_dx.model import KPI
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
    if isinstance(trend, _LineTrend | _BlendTrend | _FlatTrend | _PooledTrend):
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
    as :class:`_BlendTrend` computes them, with each member's value at ``day`` and pace
    on the latest day computed once rather than once per use (the default forecaster's
    path: its interval reads the members' values, the blend's value and its pace on the
    latest day, which is ``as_of`` when the latest measurement is that day's). None for
    any other trend (its own methods then answer)."""
    # Exactly these types: a subclass may answer otherwise.
    if not isinstance(trend, _BlendTrend) or type(trend) is not _BlendTrend:
        return None
    members = [m for m in trend.members if isinstance(m, _LineTrend) and type(m) is _LineTrend]
    if len(members) < len(trend.members):
        return None
    weights = trend.weights
    ends = [m.predict(day) for m in members]
    # _BlendTrend.predict: the members' weighted sum, in the same order.
    value = sum(w * e for w, e in zip(weights, ends, strict=True))
    # _BlendTrend.interval: the members' values, the prediction intervals of the members
    # fitted on three or more points (all of them when none is), widened for the pace.
    fitted = [m for m in members if len(m.days) >= 3] or members
    ends += [e for m in fitted for e in m.interval(day, level)]
    last = trend.days[-1]
    pace_last = trend.pace(last)
    observed = pace_last if as_of == last else trend.pace(as_of)
    return value, trend._widen(ends, day, value, pace_last), observed


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
