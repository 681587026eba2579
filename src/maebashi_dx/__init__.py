"""maebashi_dx: run a Japanese city's DX promotion plan by its numbers.

>>> import maebashi_dx
>>> maebashi_dx.FiscalYear(2022).end
datetime.date(2023, 3, 31)
"""

from importlib.metadata import PackageNotFoundError, version

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

try:
    __version__ = version("maebashi-dx")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0"

__all__ = [
    "KPI",
    "CalculationError",
    "DateParseError",
    "DateSpan",
    "Direction",
    "FiscalYear",
    "Frequency",
    "KPIKind",
    "LifecycleStage",
    "MaebashiDXError",
    "Measurement",
    "Milestone",
    "MissingDependencyError",
    "Pillar",
    "Plan",
    "PlanError",
    "Precision",
    "PriorityProject",
    "Problem",
    "Series",
    "Stage",
    "StageRecord",
    "Target",
    "UnknownPluginError",
    "WorkingGroup",
    "__version__",
    "dump_plan",
    "dumps_plan",
    "format_span",
    "load_measurements",
    "load_plan",
    "loads_plan",
    "merge_measurements",
    "parse_date",
    "plan_from_dict",
    "plan_to_dict",
]
