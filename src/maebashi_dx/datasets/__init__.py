"""Bundled datasets: the Maebashi City DX Promotion Plan as its committee reported it,
and the official My Number card figures (総務省, compiled by Code for Japan) to 2022-05-01.

>>> plan = maebashi_2022()
>>> len(plan.pillars), len(plan.projects), len(plan.kpis), len(plan.working_groups)
(3, 8, 6, 13)
>>> tuple(p.id for p in plan.projects_of("kpi2"))
('p2', 'p8')
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Literal

# The readers are imported inside the functions, so that reading one dataset loads only
# its own reader (the card tables' reader is not on ``maebashi-dx status``'s path).
if TYPE_CHECKING:
    from maebashi_dx.io.soumu import CardTable
    from maebashi_dx.model import Plan

__all__ = ["MynumberLevel", "maebashi_2022", "mynumber_cards", "starter_plan_toml"]

MynumberLevel = Literal["municipalities", "prefectures", "japan"]
# Each level's file in the package's mynumbercard/ folder (its README.md says where they
# come from and what was corrected; the licence file travels beside them).
_MYNUMBER_FILES = {
    "municipalities": "municipalities.csv.gz",
    "prefectures": "prefectures.csv.gz",
    "japan": "japan_by_type.csv.gz",
}


@functools.cache
def maebashi_2022() -> Plan:
    """The committee's plan and figures, first half of FY2022 (R4), as in its material.

    Source: 前橋市DX推進委員会「前橋市DX推進計画の進捗状況【報告事項】」(May 2022). The
    plan is a packaged TOML file (``maebashi_2022.toml``) read with the library's own
    loader; the returned plan is immutable, so it is read once and cached.
    """
    from maebashi_dx._package_data import package_text
    from maebashi_dx.io.files import loads_plan

    return loads_plan(package_text(__name__, "maebashi_2022.toml"), "toml")


def starter_plan_toml(city: str = "○○市") -> str:
    """A commented starter plan file for a new city (``maebashi-dx init``), in TOML.

    It shows the Japanese date forms the loader reads, and loads as it is:

    >>> from maebashi_dx.io import loads_plan
    >>> loads_plan(starter_plan_toml("高崎市"), "toml").city
    '高崎市'
    """
    from maebashi_dx._package_data import package_text

    template = package_text(__name__, "starter_plan.toml")
    return template.format(city=city.replace("\\", "\\\\").replace('"', '\\"'))


def mynumber_cards(level: MynumberLevel = "municipalities") -> CardTable:
    """The official My Number card figures packaged with the library, read and checked.

    Source: 総務省「マイナンバーカード交付状況について」, compiled by Code for Japan
    (MIT); the ministry's terms are compatible with CC BY 4.0. 39 snapshots from
    2017-03-08 to 2022-05-01. ``mynumbercard/README.md`` beside the data gives the
    provenance, the columns and one correction. For newer figures, read your own file
    with :func:`maebashi_dx.io.soumu.load_mynumber`.

    Args:
        level: ``"municipalities"`` (all 1,741), ``"prefectures"`` (47) or ``"japan"``
            (全国, and by type of local government: 町村, 特別区, ...).

    Returns:
        The table (read once per process; each call returns its own copy of the
        mapping of series).

    Raises:
        UnknownPluginError: Not one of the three levels.

    >>> maebashi = mynumber_cards("municipalities").find("前橋市")
    >>> len(maebashi), maebashi[-1].as_of.isoformat(), maebashi[-1].rate_pct
    (39, '2022-05-01', 45.0)
    >>> mynumber_cards("japan").find("全国")[-1].rate_pct
    44.0
    """
    import attrs

    from maebashi_dx.errors import UnknownPluginError

    if not isinstance(level, str) or level not in _MYNUMBER_FILES:
        raise UnknownPluginError("My Number card level", str(level), _MYNUMBER_FILES)
    table = _mynumber_table(level)
    return attrs.evolve(table, series=dict(table.series))


@functools.cache
def _mynumber_table(level: str) -> CardTable:
    from importlib import resources

    from maebashi_dx.io.soumu import load_mynumber

    folder = resources.files(__name__).joinpath("mynumbercard")
    return load_mynumber(folder.joinpath(_MYNUMBER_FILES[level]))
