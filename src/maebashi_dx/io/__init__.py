"""Reading and writing: plan files (TOML, JSON, YAML) and measurement CSVs.

Each name is imported from its module when first asked for (PEP 562): reading the
bundled plan loads neither the measurement reader nor the converter (nor cattrs), and a
plan written plainly is read without them.
"""

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from maebashi_dx.io.convert import converter, plan_from_dict, plan_to_dict
    from maebashi_dx.io.files import dump_plan, dumps_plan, load_plan, loads_plan
    from maebashi_dx.io.measurements import (
        load_measurements,
        loads_measurements,
        merge_measurements,
    )

#: Each public name's module.
_MODULES = {
    "converter": "convert",
    "plan_from_dict": "convert",
    "plan_to_dict": "convert",
    "dump_plan": "files",
    "dumps_plan": "files",
    "load_plan": "files",
    "loads_plan": "files",
    "load_measurements": "measurements",
    "loads_measurements": "measurements",
    "merge_measurements": "measurements",
}

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


def __getattr__(name: str) -> Any:
    """A public name, imported from its module on first use (PEP 562)."""
    module = _MODULES.get(name)
    if module is None:
        msg = f"module {__name__!r} has no attribute {name!r}"
        raise AttributeError(msg)
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_MODULES))
