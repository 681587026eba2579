"""The progress table as a styled Excel sheet (the ``xlsx`` extra, openpyxl)."""

from __future__ import annotations

import io
import re
from typing import Any

from maebashi_dx.io.excel import openpyxl_module
from maebashi_dx.report.fmt import STATUS_FILLS
from maebashi_dx.report.render import display_width
from maebashi_dx.report.table import Table

__all__ = ["table_to_xlsx"]


_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")  # characters Excel refuses in a sheet's name


def _text_cell(cell: Any) -> None:
    """Keep a text that starts with "=" a text: Excel must never run a plan's words as a
    formula (openpyxl reads a leading "=" as one)."""
    if isinstance(cell.value, str) and cell.value.startswith("="):
        cell.data_type = "s"


def table_to_xlsx(table: Table) -> bytes:
    """The table as an .xlsx workbook (bytes): bold header, frozen, status cells filled.

    Every cell is text as the other renderers show it; column widths follow the widest
    cell in display columns (a full-width character counts two), up to 60.
    """
    openpyxl = openpyxl_module()
    from openpyxl.styles import Alignment, Font, PatternFill

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = _SHEET_BAD.sub("・", table.title)[:31] or "Sheet1"
    ws.append([table.title])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([table.subtitle])
    ws.append([c.label for c in table.columns])
    for cell in ws[3]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="E5E7EB")
    for row in table.rows:
        ws.append([row.cells.get(c.key, "") for c in table.columns])
        status = row.data.get("status")
        if status in STATUS_FILLS:
            index = next(i for i, c in enumerate(table.columns) if c.key == "status") + 1
            ws.cell(row=ws.max_row, column=index).fill = PatternFill(
                "solid", fgColor=STATUS_FILLS[status]
            )
    for i, column in enumerate(table.columns, start=1):
        cells = [column.label, *(r.cells.get(column.key, "") for r in table.rows)]
        longest = max(display_width(line) for cell in cells for line in cell.split("\n") or [""])
        letter = openpyxl.utils.get_column_letter(i)
        ws.column_dimensions[letter].width = min(60, 2 + longest)
    for row_cells in ws.iter_rows():
        for cell in row_cells:
            _text_cell(cell)
    for row_cells in ws.iter_rows(min_row=4):
        for cell in row_cells:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "B4"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
