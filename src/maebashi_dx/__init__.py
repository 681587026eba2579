"""maebashi_dx: run a Japanese city's DX promotion plan by its numbers.

>>> import maebashi_dx
>>> maebashi_dx.FiscalYear(2022).end
datetime.date(2023, 3, 31)
"""

from importlib.metadata import PackageNotFoundError, version

from maebashi_dx.achievement import achievement, elapsed, expected_share, expected_value
from maebashi_dx.assess import Assessment, KPIRow, assess
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
from maebashi_dx.forecast import FORECASTERS, Forecast, Forecaster, forecast
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

try:
    __version__ = version("maebashi-dx")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0"

__all__ = [
    "FORECASTERS",
    "KPI",
    "RATING_SCALES",
    "Assessment",
    "CalculationError",
    "DateParseError",
    "DateSpan",
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
    "Rollup",
    "Series",
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
