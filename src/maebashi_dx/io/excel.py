"""Measurements read from Excel, where cities keep their figures: a sheet with the CSV's
columns. Needs the ``xlsx`` extra (openpyxl), imported only when used.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from maebashi_dx.errors import MissingDependencyError, PlanError, Problem
from maebashi_dx.io.files import MAX_PLAN_BYTES
from maebashi_dx.io.measurements import MeasurementRow, rows_to_measurements
from maebashi_dx.model.checks import show

__all__ = ["load_measurements_xlsx", "openpyxl_module"]


def openpyxl_module() -> Any:
    """openpyxl, imported on first use; MissingDependencyError names the extra."""
    try:
        import openpyxl  # optional extra
    except ImportError:
        raise MissingDependencyError("openpyxl", "xlsx") from None
    return openpyxl


#: The most a workbook's parts may unpack to (an .xlsx is a zip of XML parts).
MAX_UNPACKED_BYTES = 4 * MAX_PLAN_BYTES


def _unpacked_size(path: str | os.PathLike[str]) -> int:
    """What the zip's parts declare they unpack to; 0 when it is no zip (openpyxl says so)."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as zf:
            return sum(info.file_size for info in zf.infolist())
    except (OSError, zipfile.BadZipFile):
        return 0


def load_measurements_xlsx(
    path: str | os.PathLike[str], *, sheet: str | None = None
) -> tuple[MeasurementRow, ...]:
    """Measurements from the first (or named) sheet: a header row with the CSV's columns
    (``kpi_id,date,value`` and optional ones), one measurement a row.

    Raises:
        PlanError: Every bad row, with the file name, the sheet and the row number.
    """
    openpyxl = openpyxl_module()
    source = str(path)
    try:
        size = Path(path).stat().st_size
    except OSError:
        size = 0  # a missing file is reported below
    if size > MAX_PLAN_BYTES:
        msg = f"the file is over {MAX_PLAN_BYTES:,} bytes, the most that is read"
        raise PlanError([Problem("$", msg)], source=source)
    unpacked = _unpacked_size(path)
    if unpacked > MAX_UNPACKED_BYTES:
        # A zip bomb: a small .xlsx whose parts unpack to gigabytes would take minutes.
        msg = (
            f"the workbook unpacks to {unpacked:,} bytes, over the {MAX_UNPACKED_BYTES:,} "
            "that are read"
        )
        raise PlanError([Problem("$", msg)], source=source)
    try:
        wb = openpyxl.load_workbook(Path(path), read_only=True, data_only=True)
    except FileNotFoundError:
        raise PlanError([Problem("$", "file not found")], source=source) from None
    except Exception as exc:  # openpyxl raises many kinds for a bad file
        raise PlanError(
            [Problem("$", f"not a readable .xlsx file: {str(exc)[:200]}")], source=source
        ) from None
    try:
        ws = wb[sheet] if sheet else wb.worksheets[0]
    except (KeyError, IndexError):
        wb.close()
        names = ", ".join(show(n, 30) for n in wb.sheetnames[:20]) or "none"
        msg = f"no sheet {show(sheet)} (sheets: {names})"
        raise PlanError([Problem("$", msg)], source=source) from None
    unit = f"sheet {show(ws.title, 40)} row"
    try:
        rows = list(ws.iter_rows(values_only=True))
    except Exception as exc:  # openpyxl raises many kinds for a damaged sheet
        raise PlanError(
            [Problem("$", f"not a readable .xlsx file: {str(exc)[:200]}")], source=source
        ) from None
    finally:
        wb.close()
    if not rows:
        raise PlanError([Problem(f"{unit} 1", "the sheet is empty", 1)], source=source)
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
    return rows_to_measurements(header, records, source=source, unit=unit)
