"""Bundled datasets: the Maebashi City DX Promotion Plan as its committee reported it.

>>> plan = maebashi_2022()
>>> len(plan.pillars), len(plan.projects), len(plan.kpis), len(plan.working_groups)
(3, 8, 6, 13)
>>> [p.id for p in plan.projects_of("kpi2")]
['p2', 'p8']
"""

from __future__ import annotations

import functools
from importlib import resources

from maebashi_dx.io.files import loads_plan
from maebashi_dx.model import Plan

__all__ = ["maebashi_2022", "starter_plan_toml"]


@functools.cache
def maebashi_2022() -> Plan:
    """The committee's plan and figures, first half of FY2022 (R4), as in its material.

    Source: 前橋市DX推進委員会「前橋市DX推進計画の進捗状況【報告事項】」(May 2022). The
    plan is a packaged TOML file (``maebashi_2022.toml``) read with the library's own
    loader; the returned plan is immutable, so it is read once and cached.
    """
    text = resources.files(__name__).joinpath("maebashi_2022.toml").read_text(encoding="utf-8")
    return loads_plan(text, "toml")


def starter_plan_toml(city: str = "○○市") -> str:
    """A commented starter plan file for a new city (``maebashi-dx init``), in TOML.

    It shows the Japanese date forms the loader reads, and loads as it is:

    >>> from maebashi_dx.io import loads_plan
    >>> loads_plan(starter_plan_toml("高崎市"), "toml").city
    '高崎市'
    """
    template = resources.files(__name__).joinpath("starter_plan.toml").read_text(encoding="utf-8")
    return template.format(city=city.replace("\\", "\\\\").replace('"', '\\"'))
