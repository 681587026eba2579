"""The domain model: frozen attrs entities and value types, with checks that need no
calculation."""

from maebashi_dx.model.kpi import (
    DEFAULT_STAGES,
    KPI,
    Direction,
    Frequency,
    KPIKind,
    Measurement,
    Series,
    Stage,
    Target,
    Value,
)
from maebashi_dx.model.plan import Pillar, Plan, PriorityProject, plan_problems
from maebashi_dx.model.reference import Reference
from maebashi_dx.model.schedule import (
    Department,
    LifecycleStage,
    Milestone,
    StageRecord,
    WorkingGroup,
)

__all__ = [
    "DEFAULT_STAGES",
    "KPI",
    "Department",
    "Direction",
    "Frequency",
    "KPIKind",
    "LifecycleStage",
    "Measurement",
    "Milestone",
    "Pillar",
    "Plan",
    "PriorityProject",
    "Reference",
    "Series",
    "Stage",
    "StageRecord",
    "Target",
    "Value",
    "WorkingGroup",
    "plan_problems",
]
