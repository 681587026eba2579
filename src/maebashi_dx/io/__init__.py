"""Reading and writing: plan files (TOML, JSON, YAML) and measurement CSVs."""

from maebashi_dx.io.convert import converter, plan_from_dict, plan_to_dict
from maebashi_dx.io.files import dump_plan, dumps_plan, load_plan, loads_plan
from maebashi_dx.io.measurements import load_measurements, loads_measurements, merge_measurements

__all__ = [
    "converter",
    "dump_plan",
    "dumps_plan",
    "load_measurements",
    "load_plan",
    "loads_measurements",
    "loads_plan",
    "merge_measurements",
    "plan_from_dict",
    "plan_to_dict",
]
