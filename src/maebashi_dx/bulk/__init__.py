"""The columnar bulk path: every KPI of a long table assessed at once.

A prefecture watching its municipalities, or a ministry watching all 1,741, assesses
tens of thousands of KPIs from one long table of ``kpi_id,date,value``.
:func:`assess_table` gives, for each KPI, the figures :func:`maebashi_dx.assess` gives
in ``Assessment.rows`` (achievement, elapsed share, forecast and interval, attainment
date, status, method), computed column by column with polars and numpy. It is a pure
function of the rows of the KPIs it is given, so a distributed engine (Dask, Spark) can
run it over partitions of KPIs: see the national-scale page of the docs.

Needs the ``bulk`` extra: ``pip install 'maebashi-dx[bulk]'``.

>>> from datetime import date
>>> import polars as pl
>>> from maebashi_dx.bulk import assess_table
>>> from maebashi_dx.datasets import maebashi_2022
>>> rows = pl.DataFrame({"kpi_id": ["kpi2"], "date": ["R4.8"], "value": [48.0]})
>>> table = assess_table(rows, maebashi_2022(), date(2022, 8, 31))
>>> kpi2 = table.row(1, named=True)
>>> kpi2["kpi_id"], round(kpi2["achievement"], 4), kpi2["status"], kpi2["method"]
('kpi2', 0.3236, 'off_track', 'blend')
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from maebashi_dx.errors import MissingDependencyError

if TYPE_CHECKING:
    from maebashi_dx.bulk.table import COLUMNS, assess_table

__all__ = ["COLUMNS", "assess_table"]


def __getattr__(name: str) -> Any:
    if name not in __all__:
        msg = f"module {__name__!r} has no attribute {name!r}"
        raise AttributeError(msg)
    try:
        import numpy  # noqa: F401
        import polars  # noqa: F401
    except ImportError:
        raise MissingDependencyError("polars, numpy", "bulk") from None
    from maebashi_dx.bulk import table

    return getattr(table, name)
