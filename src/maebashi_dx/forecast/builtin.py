"""The built-in forecasters, registered in :data:`FORECASTERS` by name."""

from __future__ import annotations

from maebashi_dx.forecast.combine import (
    BlendForecaster,
    PooledForecaster,
)
from maebashi_dx.forecast.series import (
    FORECASTERS,
)
from maebashi_dx.forecast.trends import (
    NaiveForecaster,
    TrendForecaster,
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
