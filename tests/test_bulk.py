"""The columnar bulk path gives the rows the object path gives (maebashi_dx.bulk)."""

from __future__ import annotations

import math
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from maebashi_dx import assess
from maebashi_dx.achievement import numeric
from maebashi_dx.model import Plan

pl = pytest.importorskip("polars")

from maebashi_dx.bulk import COLUMNS, assess_table  # noqa: E402
from tests.strategies import plans  # noqa: E402

METHODS = ["naive", "two_point", "linear", "recent", "recent_6m", "cagr", "aroc", "blend"]
EMPTY = pl.DataFrame(schema={"kpi_id": pl.String, "date": pl.Date, "value": pl.Float64})


def object_rows(plan: Plan, as_of: date, **options: Any) -> list[dict[str, Any]]:
    """The object path's rows in the bulk path's columns."""
    out = []
    for row, kpi in zip(assess(plan, as_of, **options).rows, plan.kpis, strict=True):
        fc = row.forecast
        low, high = fc.interval or (None, None)
        latest = row.latest
        out.append(
            {
                "kpi_id": row.kpi_id,
                "method": fc.method,
                "latest_date": latest.as_of if latest is not None else None,
                "latest_value": numeric(kpi, latest) if latest is not None else None,
                "achievement": row.achievement,
                "elapsed": row.elapsed,
                "expected": row.expected,
                "forecast_value": fc.value,
                "forecast_low": low,
                "forecast_high": high,
                "forecast_achievement": row.metrics.forecast_achievement,
                "observed_pace": fc.observed_pace,
                "required_pace": fc.required_pace,
                "attainment_date": fc.attainment_date,
                "status": row.status.value,
                "days_since_update": row.days_since_update,
                "stale": row.stale,
            }
        )
    return out


def close(a: object, b: object) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
    return a == b


def differences(plan: Plan, as_of: date, **options: Any) -> list[str]:
    """Every cell where the two paths differ, in words."""
    bulk = assess_table(EMPTY, plan, as_of, **options)
    assert bulk.columns == list(COLUMNS)
    out = []
    for want, got in zip(
        object_rows(plan, as_of, **options), bulk.iter_rows(named=True), strict=True
    ):
        for column, value in want.items():
            if not close(value, got[column]):
                out.append(f"{want['kpi_id']}.{column}: object {value!r}, bulk {got[column]!r}")
    return out


def test_maebashi_2022_agrees_for_every_method() -> None:
    from maebashi_dx.datasets import maebashi_2022

    plan = maebashi_2022()
    for method in METHODS:
        for as_of in (date(2021, 3, 31), date(2022, 5, 31), date(2024, 1, 1), date(2027, 1, 1)):
            assert differences(plan, as_of, method=method) == [], (method, as_of)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(
    plan=plans(),
    offset=st.integers(-400, 3000),
    method=st.sampled_from([None, *METHODS]),
)
def test_bulk_agrees_with_assess_on_random_plans(
    plan: Plan, offset: int, method: str | None
) -> None:
    as_of = plan.period.start + timedelta(days=offset)
    assert differences(plan, as_of, method=method) == []
