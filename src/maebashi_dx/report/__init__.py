"""The committee's material as data, and its renderers.

``deck`` (the slides) is imported on first use (PEP 562): it loads the whole report,
which ``status`` and the table renderers do not need.
"""

from __future__ import annotations

import sys
from importlib import import_module
from types import ModuleType
from typing import TYPE_CHECKING, Any

from maebashi_dx.report.render import RENDER_FORMATS, display_width, render
from maebashi_dx.report.table import Column, Row, Table, progress_table

if TYPE_CHECKING:
    from maebashi_dx.report.deck import deck

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


def __getattr__(name: str) -> Any:
    if name == "deck":
        return import_module("maebashi_dx.report.deck").deck  # sets it (see _Package)
    msg = f"module 'maebashi_dx.report' has no attribute {name!r}"
    raise AttributeError(msg)


class _Package(ModuleType):
    """This package's module type: importing the submodule ``deck`` (which the import
    system sets as the package's attribute) leaves the function ``deck`` in its place,
    as :mod:`maebashi_dx` does for ``assess`` and ``forecast``."""

    def __setattr__(self, name: str, value: object) -> None:
        if name == "deck" and isinstance(value, ModuleType):
            value = getattr(value, name)
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
