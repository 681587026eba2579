"""Renderers for a :class:`~maebashi_dx.report.table.Table`: text, Markdown, CSV, JSON, HTML.

Text is laid out for a plain terminal and counts full-width (Japanese) characters as two
columns. Machine formats (CSV, JSON) stay plain.
"""

from __future__ import annotations

import math
import unicodedata
from typing import Any, Literal

from maebashi_dx.errors import UnknownPluginError
from maebashi_dx.report.table import Table

__all__ = ["RENDER_FORMATS", "RenderFormat", "display_width", "md_escape", "render"]

RenderFormat = Literal["text", "markdown", "csv", "json", "html"]
RENDER_FORMATS: tuple[RenderFormat, ...] = ("text", "markdown", "csv", "json", "html")


def display_width(text: str) -> int:
    """Columns a text takes in a terminal: wide and full-width characters count two.

    >>> display_width("約1.8%"), display_width("abc")
    (6, 3)
    """
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - display_width(text))


def render_text(table: Table) -> str:
    """One block per row: the first column as a heading, the others as labelled lines.

    A cell that holds line breaks continues under its value, so the labels stay in one
    column."""
    head, *rest = table.columns
    width = max((display_width(c.label) for c in rest), default=0)
    lines = [table.title]
    if table.subtitle:
        lines.append(table.subtitle)
    for row in table.rows:
        lines.append("")
        lines.append(row.cells.get(head.key, ""))
        for c in rest:
            cell = row.cells.get(c.key, "").replace("\n", "\n" + " " * (width + 4))
            lines.append(f"  {_pad(c.label, width)}  {cell}")
    if table.notes:
        lines.append("")
        lines.extend(f"※ {note}" for note in table.notes)
    return "\n".join(lines) + "\n"


def md_escape(text: str) -> str:
    r"""Text for a Markdown table cell or line: no table break, no raw HTML, one line.

    >>> md_escape("a|b <i>\nc")
    'a\\|b \\<i\\> c'
    """
    for ch in ("\\", "|", "<", ">"):
        text = text.replace(ch, "\\" + ch)
    return " ".join(text.splitlines())


def _md_cell(text: str) -> str:
    return "<br>".join(md_escape(line) for line in text.splitlines()) if text else ""


def render_markdown(table: Table) -> str:
    """A GitHub-flavoured Markdown table under a heading."""
    lines = [f"## {md_escape(table.title)}", ""]
    if table.subtitle:
        lines += [md_escape(table.subtitle), ""]
    lines.append("| " + " | ".join(_md_cell(c.label) for c in table.columns) + " |")
    lines.append("|" + "|".join("---" for _ in table.columns) + "|")
    for row in table.rows:
        cells = (_md_cell(row.cells.get(c.key, "")) for c in table.columns)
        lines.append("| " + " | ".join(cells) + " |")
    if table.notes:
        lines.append("")
        lines.extend(f"- {md_escape(note)}" for note in table.notes)
    return "\n".join(lines) + "\n"


def render_csv(table: Table) -> str:
    """CSV with the localised labels as header and a leading ``kpi_id`` column."""
    import csv  # here, as json below: the text table, the command's default, needs neither
    import io

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["kpi_id", *(c.label for c in table.columns)])
    for row in table.rows:
        writer.writerow([row.kpi_id, *(row.cells.get(c.key, "") for c in table.columns)])
    return out.getvalue()


def _json_safe(value: Any) -> Any:
    """``value`` with every non-finite float (an overflowed pace, say) as None: JSON has
    no NaN or infinity, and a reader must not choke on the file."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    return value


def render_json(table: Table) -> str:
    """JSON with the display text and the raw data of every row (a number that is not
    finite is written as null)."""
    payload = {
        "title": table.title,
        "subtitle": table.subtitle,
        "lang": table.lang,
        "columns": [{"key": c.key, "label": c.label} for c in table.columns],
        "rows": [
            {"kpi_id": r.kpi_id, "cells": r.cells, "data": _json_safe(r.data)} for r in table.rows
        ],
        "notes": list(table.notes),
    }
    import json

    return json.dumps(payload, ensure_ascii=False, indent=2, allow_nan=False) + "\n"


def render_html(table: Table) -> str:
    """A self-contained HTML page, statuses coloured."""
    from maebashi_dx.report.document import table_page  # avoids a cycle

    return table_page(table)


_RENDERERS = {
    "html": render_html,
    "text": render_text,
    "markdown": render_markdown,
    "csv": render_csv,
    "json": render_json,
}


def render(table: Table, format: RenderFormat = "text") -> str:  # CLI's word
    """Render a table as "text", "markdown", "csv" or "json"."""
    try:
        renderer = _RENDERERS[format]
    except KeyError:
        raise UnknownPluginError("format", format, RENDER_FORMATS) from None
    return renderer(table)
