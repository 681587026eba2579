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

The package, by concern: ``series`` (what a forecaster sees, the protocols, the registry),
``trends`` (line and growth trends), ``combine`` (``blend`` and ``pooled``),
``intervals`` (Student's t and widening), ``conformal`` (intervals and the chance of
meeting the target calibrated on a method's own track record, opt-in), ``result``
(:class:`Forecast`), ``run`` (:func:`forecast`), ``attainment`` (the attainment date),
``messages`` (localizable texts) and ``builtin`` (the registrations).
"""

from typing import TYPE_CHECKING, Any

from maebashi_dx.forecast import builtin as _builtin  # registers the built-ins
from maebashi_dx.forecast.combine import BlendForecaster, PooledForecaster
from maebashi_dx.forecast.intervals import student_t_quantile
from maebashi_dx.forecast.messages import Items, Message, MethodName, method_label
from maebashi_dx.forecast.result import Forecast
from maebashi_dx.forecast.run import forecast, run_forecaster
from maebashi_dx.forecast.series import (
    DEFAULT_FORECASTER,
    DEFAULT_LEVEL,
    DEFAULT_POOLED_FORECASTER,
    FORECASTERS,
    YEAR_DAYS,
    Forecaster,
    Point,
    SeriesInput,
    Trend,
    default_method,
    months_before,
    pace_shift,
    series_input,
    value_at,
)
from maebashi_dx.forecast.trends import NaiveForecaster, Space, TrendForecaster
from maebashi_dx.model.reference import Reference

del _builtin

if TYPE_CHECKING:
    from maebashi_dx.forecast.conformal import Calibration, calibrate, calibrate_plan

# The calibration (issue 14) is read on first use (PEP 562): a plain forecast, and the
# CLI's start-up, never import it.
_CONFORMAL = frozenset({"Calibration", "calibrate", "calibrate_plan"})


def __getattr__(name: str) -> Any:
    if name in _CONFORMAL:
        from maebashi_dx.forecast import conformal

        return getattr(conformal, name)
    msg = f"module {__name__!r} has no attribute {name!r}"
    raise AttributeError(msg)


__all__ = [
    "DEFAULT_FORECASTER",
    "DEFAULT_LEVEL",
    "DEFAULT_POOLED_FORECASTER",
    "FORECASTERS",
    "YEAR_DAYS",
    "BlendForecaster",
    "Calibration",
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
    "Space",
    "Trend",
    "TrendForecaster",
    "calibrate",
    "calibrate_plan",
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
