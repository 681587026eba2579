"""The committee's material as data, and its renderers."""

from maebashi_dx.report.deck import deck
from maebashi_dx.report.render import RENDER_FORMATS, display_width, render
from maebashi_dx.report.table import Column, Row, Table, progress_table

__all__ = [
    "RENDER_FORMATS",
    "Column",
    "Row",
    "Table",
    "deck",
    "display_width",
    "progress_table",
    "render",
]
