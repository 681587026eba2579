"""Measurements read from Excel, where cities keep their figures: a sheet with the CSV's
columns. Needs the ``xlsx`` extra (openpyxl), imported only when used.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from maebashi_dx.errors import MissingDependencyError, PlanError, Problem
from maebashi_dx.io.measurements import MeasurementRow, rows_to_measurements

__all__ = ["load_measurements_xlsx", "openpyxl_module"]


def openpyxl_module() -> Any:
    """openpyxl, imported on first use; MissingDependencyError names the extra."""
    try:
        import openpyxl  # optional extra
    except ImportError:
        raise MissingDependencyError("openpyxl", "xlsx") from None
    return openpyxl


def load_measurements_xlsx(
    path: str | os.PathLike[str], *, sheet: str | None = None
) -> tuple[MeasurementRow, ...]:
    """Measurements from the first (or named) sheet: a header row with the CSV's columns
    (``kpi_id,date,value`` and optional ones), one measurement a row.

    Raises:
        PlanError: Every bad row, with its row number and the file name.
    """
    openpyxl = openpyxl_module()
    source = str(path)
    try:
        wb = openpyxl.load_workbook(Path(path), read_only=True, data_only=True)
    except FileNotFoundError:
        raise PlanError([Problem("$", "file not found")], source=source) from None
    except Exception as exc:  # openpyxl raises many kinds for a bad file
        raise PlanError(
            [Problem("$", f"not a readable .xlsx file: {exc}")], source=source
        ) from None
    try:
        ws = wb[sheet] if sheet else wb.worksheets[0]
    except KeyError:
        raise PlanError([Problem("$", f"no sheet {sheet!r}")], source=source) from None
    rows = list(ws.iter_rows(values_only=True))
    wb.close()
    if not rows:
        raise PlanError([Problem("header", "the sheet is empty", 1)], source=source)
    header = [str(h).strip() if h is not None else "" for h in rows[0]]

    def text(value: object) -> str:
        if value is None:
            return ""
        if hasattr(value, "date") and callable(value.date):  # a datetime cell
            return str(value.date().isoformat())
        if hasattr(value, "isoformat"):
            return str(value.isoformat())
        return str(value)

    records = [
        (n, {h: text(v) for h, v in zip(header, row, strict=False) if h})
        for n, row in enumerate(rows[1:], start=2)
    ]
    return rows_to_measurements(header, records, source=source)
