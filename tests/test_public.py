"""The public contract (DESIGN.md): every promised name is importable from maebashi_dx."""

from __future__ import annotations

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
