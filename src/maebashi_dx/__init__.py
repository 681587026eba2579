"""maebashi_dx: run a Japanese city's DX promotion plan by its numbers.

>>> import maebashi_dx
>>> maebashi_dx.FiscalYear(2022).end
datetime.date(2023, 3, 31)
"""

from maebashi_dx.achievement import achievement, elapsed, expected_share, expected_value
from maebashi_dx.assess import Assessment, KPIRow, assess
from maebashi_dx.conflicts import CONFLICT_RULES, Conflict, ConflictRule, Severity, find_conflicts
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


def __getattr__(name: str) -> str:
    # __version__ is read from the installed metadata on first use only: importing
    # importlib.metadata costs more than the rest of the package (PEP 562, as attrs does).
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("maebashi-dx")
        except PackageNotFoundError:  # a source tree that is not installed
            return "0.0.0"
    msg = f"module 'maebashi_dx' has no attribute {name!r}"
    raise AttributeError(msg)


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
