"""maebashi_dx: run a Japanese city's DX promotion plan by its numbers.

>>> import maebashi_dx
>>> maebashi_dx.FiscalYear(2022).end
datetime.date(2023, 3, 31)

The names are imported on first use (PEP 562), so that ``import maebashi_dx`` and the
command's start-up cost little more than the interpreter's own start (the models, the
forecasters and cattrs are loaded by what needs them). A type checker reads the
imports under ``TYPE_CHECKING`` below; ``dir()`` and ``__all__`` list every name.
"""

from __future__ import annotations

import sys as _sys
from importlib import import_module as _import_module
from types import ModuleType as _ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from maebashi_dx.achievement import achievement, elapsed, expected_share, expected_value
    from maebashi_dx.assess import Assessment, KPIRow, assess
    from maebashi_dx.conflicts import (
        CONFLICT_RULES,
        Conflict,
        ConflictRule,
        Severity,
        find_conflicts,
    )
    from maebashi_dx.dates import DateSpan, FiscalYear, Precision, format_span, parse_date
    from maebashi_dx.errors import (
        CalculationError,
        DateParseError,
        MaebashiDXError,
        MissingDependencyError,
        PlanError,
        Problem,
        UnknownPluginError,
    )
    from maebashi_dx.forecast import FORECASTERS, Forecast, Forecaster, Reference, forecast
    from maebashi_dx.grades import RATING_SCALES, Grade, GradeScale, RatingScale
    from maebashi_dx.io import (
        dump_plan,
        dumps_plan,
        load_measurements,
        load_plan,
        loads_plan,
        merge_measurements,
        plan_from_dict,
        plan_to_dict,
    )
    from maebashi_dx.model import (
        KPI,
        Department,
        Direction,
        Frequency,
        KPIKind,
        LifecycleStage,
        Measurement,
        Milestone,
        Pillar,
        Plan,
        PriorityProject,
        Series,
        Stage,
        StageRecord,
        Target,
        WorkingGroup,
    )
    from maebashi_dx.rollup import Rollup
    from maebashi_dx.status import Metrics, Status, StatusPolicy
    from maebashi_dx.workdays import CityCalendar

# Where each public name lives: imported from there when first read.
_HOMES: dict[str, tuple[str, ...]] = {
    "maebashi_dx.achievement": ("achievement", "elapsed", "expected_share", "expected_value"),
    "maebashi_dx.assess": ("assess", "Assessment", "KPIRow"),
    "maebashi_dx.conflicts": (
        "Conflict",
        "CONFLICT_RULES",
        "ConflictRule",
        "find_conflicts",
        "Severity",
    ),
    "maebashi_dx.dates": ("DateSpan", "FiscalYear", "format_span", "parse_date", "Precision"),
    "maebashi_dx.errors": (
        "CalculationError",
        "DateParseError",
        "MaebashiDXError",
        "MissingDependencyError",
        "PlanError",
        "Problem",
        "UnknownPluginError",
    ),
    "maebashi_dx.forecast": ("Forecast", "forecast", "Forecaster", "FORECASTERS", "Reference"),
    "maebashi_dx.grades": ("Grade", "GradeScale", "RATING_SCALES", "RatingScale"),
    "maebashi_dx.io": (
        "dump_plan",
        "dumps_plan",
        "load_measurements",
        "load_plan",
        "loads_plan",
        "merge_measurements",
        "plan_from_dict",
        "plan_to_dict",
    ),
    "maebashi_dx.model": (
        "Department",
        "Direction",
        "Frequency",
        "KPI",
        "KPIKind",
        "LifecycleStage",
        "Measurement",
        "Milestone",
        "Pillar",
        "Plan",
        "PriorityProject",
        "Series",
        "Stage",
        "StageRecord",
        "Target",
        "WorkingGroup",
    ),
    "maebashi_dx.rollup": ("Rollup",),
    "maebashi_dx.status": ("Metrics", "Status", "StatusPolicy"),
    "maebashi_dx.workdays": ("CityCalendar",),
}
_HOME_OF = {name: module for module, names in _HOMES.items() for name in names}


def __getattr__(name: str) -> Any:
    # A public name is imported from its module when first read, then kept (PEP 562);
    # a submodule (maebashi_dx.io) is imported when first read as an attribute, as it
    # was when this module imported everything at once. __version__ is read from the
    # installed metadata: importlib.metadata costs more than the rest of the package.
    home = _HOME_OF.get(name)
    if home is not None:
        value = getattr(_import_module(home), name)
        globals()[name] = value
        return value
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("maebashi-dx")
        except PackageNotFoundError:  # a source tree that is not installed
            return "0.0.0"
    if not name.startswith("_"):
        from importlib.util import find_spec

        if find_spec(f"{__name__}.{name}") is not None:
            return _import_module(f"{__name__}.{name}")
    msg = f"module 'maebashi_dx' has no attribute {name!r}"
    raise AttributeError(msg)


def __dir__() -> list[str]:
    # The public names, the module's own dunders and the submodules imported so far.
    mine = {
        name
        for name, value in globals().items()
        if name.startswith("__") or (isinstance(value, _ModuleType) and not name.startswith("_"))
    }
    return sorted(mine | set(__all__))


class _Package(_ModuleType):
    """This package's module type: a submodule named like a function it exports
    (``maebashi_dx.assess``, ``forecast``, ``achievement``) does not replace that
    function when the submodule is imported, since the import system sets the
    submodule as an attribute of its package."""

    def __setattr__(self, name: str, value: object) -> None:
        if isinstance(value, _ModuleType) and _HOME_OF.get(name) == value.__name__:
            value = getattr(value, name)
        super().__setattr__(name, value)


_sys.modules[__name__].__class__ = _Package

__all__ = [
    "CONFLICT_RULES",
    "FORECASTERS",
    "KPI",
    "RATING_SCALES",
    "Assessment",
    "CalculationError",
    "CityCalendar",
    "Conflict",
    "ConflictRule",
    "DateParseError",
    "DateSpan",
    "Department",
    "Direction",
    "FiscalYear",
    "Forecast",
    "Forecaster",
    "Frequency",
    "Grade",
    "GradeScale",
    "KPIKind",
    "KPIRow",
    "LifecycleStage",
    "MaebashiDXError",
    "Measurement",
    "Metrics",
    "Milestone",
    "MissingDependencyError",
    "Pillar",
    "Plan",
    "PlanError",
    "Precision",
    "PriorityProject",
    "Problem",
    "RatingScale",
    "Reference",
    "Rollup",
    "Series",
    "Severity",
    "Stage",
    "StageRecord",
    "Status",
    "StatusPolicy",
    "Target",
    "UnknownPluginError",
    "WorkingGroup",
    "__version__",
    "achievement",
    "assess",
    "dump_plan",
    "dumps_plan",
    "elapsed",
    "expected_share",
    "expected_value",
    "find_conflicts",
    "forecast",
    "format_span",
    "load_measurements",
    "load_plan",
    "loads_plan",
    "merge_measurements",
    "parse_date",
    "plan_from_dict",
    "plan_to_dict",
]
