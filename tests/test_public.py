"""The public contract (DESIGN.md): every promised name is importable from maebashi_dx."""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
import types
from pathlib import Path

import pytest

import maebashi_dx

# The entities, values, services and errors DESIGN.md promises at the top level.
PROMISED = [
    "Plan",
    "Pillar",
    "PriorityProject",
    "KPI",
    "Measurement",
    "WorkingGroup",
    "Milestone",
    "Department",
    "DateSpan",
    "FiscalYear",
    "parse_date",
    "achievement",
    "forecast",
    "Forecast",
    "assess",
    "Assessment",
    "Status",
    "StatusPolicy",
    "find_conflicts",
    "Conflict",
    "load_plan",
    "loads_plan",
    "dump_plan",
    "dumps_plan",
    "plan_from_dict",
    "plan_to_dict",
    "MaebashiDXError",
    "PlanError",
    "DateParseError",
    "UnknownPluginError",
    "Direction",
]


def test_every_promised_name_is_exported() -> None:
    missing = [name for name in PROMISED if name not in maebashi_dx.__all__]
    assert missing == []
    for name in PROMISED:
        assert getattr(maebashi_dx, name) is not None


def test_every_exported_name_is_importable() -> None:
    missing = [name for name in maebashi_dx.__all__ if not hasattr(maebashi_dx, name)]
    assert missing == []


class TestLazyNames:
    """The top-level names are imported on first use (PEP 562), with the same objects."""

    def test_import_loads_no_submodule(self) -> None:
        """``import maebashi_dx`` alone imports none of the package's modules (nor attrs)."""
        code = (
            "import sys, maebashi_dx; "
            "print(sorted(m for m in sys.modules if m.startswith(('maebashi_dx.', 'attr'))))"
        )
        done = subprocess.run(
            [sys.executable, "-c", code], check=True, capture_output=True, text=True
        )
        assert done.stdout.strip() == "[]"

    def test_each_name_is_its_module_s_object(self) -> None:
        homes = maebashi_dx._HOME_OF
        assert set(homes) == set(maebashi_dx.__all__) - {"__version__"}
        for name, home in homes.items():
            assert getattr(maebashi_dx, name) is getattr(importlib.import_module(home), name)

    def test_type_checking_imports_match_the_table(self) -> None:
        """The imports a type checker reads name each name from the module it is loaded from."""
        tree = ast.parse(Path(maebashi_dx.__file__).read_text(encoding="utf-8"))
        block = next(n for n in tree.body if isinstance(n, ast.If))
        declared = {
            alias.name: node.module
            for node in block.body
            if isinstance(node, ast.ImportFrom)
            for alias in node.names
        }
        assert declared == maebashi_dx._HOME_OF

    def test_dir_lists_every_public_name(self) -> None:
        assert set(maebashi_dx.__all__) <= set(dir(maebashi_dx))

    def test_functions_named_like_their_modules_stay_functions(self) -> None:
        """Importing maebashi_dx.assess (the module) leaves maebashi_dx.assess the function."""
        for name in ("assess", "forecast", "achievement"):
            importlib.import_module(f"maebashi_dx.{name}")
            assert callable(getattr(maebashi_dx, name))
            assert not isinstance(getattr(maebashi_dx, name), types.ModuleType)

    def test_submodules_are_attributes(self) -> None:
        assert maebashi_dx.io.load_plan is maebashi_dx.load_plan
        assert maebashi_dx.dates.DateSpan is maebashi_dx.DateSpan

    def test_an_unknown_name_is_an_attribute_error(self) -> None:
        with pytest.raises(AttributeError, match="no attribute 'nothing_here'"):
            _ = maebashi_dx.nothing_here
        with pytest.raises(AttributeError, match="no attribute '_private'"):
            _ = maebashi_dx._private
