"""The plan (計画), its pillars (柱) and priority projects (重点事業), and plan-wide checks.

A milestone's owner is the id of a working group or of a department (担当課): a plan
lists its departments (``departments``: id, name, optional name_en) beside its working
groups, and a milestone names either, e.g. ``owner = "joho-seisaku"`` for 情報政策課.
An owner that is neither is an error naming both lists; a department and a working
group may not share an id.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any, TypeVar

import attrs
from attrs import validators as v

from maebashi_dx.dates import DateSpan
from maebashi_dx.errors import PlanError, Problem
from maebashi_dx.model.checks import (
    duplicates_at,
    entity,
    in_supported_range,
    nonempty,
    show,
    text_problems,
)
from maebashi_dx.model.kpi import KPI, finite_or_none
from maebashi_dx.model.schedule import Department, Milestone, WorkingGroup, strings

__all__ = ["Pillar", "Plan", "PriorityProject", "plan_problems", "reference_problems"]


def _projects(items: Iterable[PriorityProject]) -> tuple[PriorityProject, ...]:
    return tuple(items)


def _pillars(items: Iterable[Pillar]) -> tuple[Pillar, ...]:
    return tuple(items)


def _kpis(items: Iterable[KPI]) -> tuple[KPI, ...]:
    return tuple(items)


def _working_groups(items: Iterable[WorkingGroup]) -> tuple[WorkingGroup, ...]:
    return tuple(items)


def _departments(items: Iterable[Department]) -> tuple[Department, ...]:
    return tuple(items)


def _milestones(items: Iterable[Milestone]) -> tuple[Milestone, ...]:
    return tuple(items)


@attrs.frozen(kw_only=True)
@entity
class PriorityProject:
    """A priority project (重点事業).

    Attributes:
        id: Stable identifier.
        name: Japanese name.
        name_en: English name.
        number: The plan's own number for it (1..8 across pillars in Maebashi's plan),
            from 1.
        initiatives: Its main initiatives (主な取り組み).
        kpi_ids: Its KPIs; a KPI may be listed by several projects (【再掲】).
        weight: Weight in roll-ups to the pillar (normalised there).
    """

    id: str = attrs.field(validator=nonempty)
    name: str
    name_en: str = ""
    number: int | None = attrs.field(
        default=None, validator=v.optional(v.and_(v.instance_of(int), v.ge(1)))
    )
    initiatives: tuple[str, ...] = attrs.field(default=(), converter=strings)
    kpi_ids: tuple[str, ...] = attrs.field(default=(), converter=strings)
    weight: float = attrs.field(default=1.0, validator=[finite_or_none, v.ge(0)])


@attrs.frozen(kw_only=True)
@entity
class Pillar:
    """A pillar (柱) of the plan, grouping priority projects."""

    id: str = attrs.field(validator=nonempty)
    name: str
    name_en: str = ""
    projects: tuple[PriorityProject, ...] = attrs.field(default=(), converter=_projects)


@attrs.frozen(kw_only=True)
@entity
class Plan:
    """A DX promotion plan (DX推進計画) with its KPIs, working groups and calendar.

    Construction checks the plan as a whole and raises one :class:`PlanError` that lists
    every problem found, each with its path.

    Attributes:
        id: Stable identifier.
        name: Japanese name.
        name_en: English name.
        city: The municipality.
        period: The plan period (計画期間).
        report_date: The day the reported figures stand as of, if any.
        pillars: The pillars and, within them, the priority projects.
        kpis: The KPIs.
        working_groups: The working groups.
        departments: The departments (担当課) that own milestones.
        milestones: The calendar.
        mission: ミッション（使命）.
        vision: ビジョン（未来像）.
        values: バリュー（共通価値）.
    """

    id: str = attrs.field(validator=nonempty)
    name: str
    name_en: str = ""
    city: str = ""
    period: DateSpan = attrs.field(validator=[v.instance_of(DateSpan), in_supported_range])
    report_date: date | None = attrs.field(
        default=None, validator=[v.optional(v.instance_of(date)), in_supported_range]
    )
    pillars: tuple[Pillar, ...] = attrs.field(default=(), converter=_pillars)
    kpis: tuple[KPI, ...] = attrs.field(default=(), converter=_kpis)
    working_groups: tuple[WorkingGroup, ...] = attrs.field(default=(), converter=_working_groups)
    departments: tuple[Department, ...] = attrs.field(default=(), converter=_departments)
    milestones: tuple[Milestone, ...] = attrs.field(default=(), converter=_milestones)
    mission: str | None = None
    vision: str | None = None
    values: tuple[str, ...] = attrs.field(default=(), converter=strings)

    def __attrs_post_init__(self) -> None:
        problems = plan_problems(self)
        if problems:
            raise PlanError(problems)

    @property
    def projects(self) -> tuple[PriorityProject, ...]:
        """Every priority project, in pillar order."""
        return tuple(p for pillar in self.pillars for p in pillar.projects)

    def kpi(self, kpi_id: str) -> KPI:
        """The KPI with this id; KeyError names a missing id."""
        return _find(self.kpis, kpi_id, "KPI")

    def project(self, project_id: str) -> PriorityProject:
        """The priority project with this id; KeyError names a missing id."""
        return _find(self.projects, project_id, "project")

    def pillar(self, pillar_id: str) -> Pillar:
        """The pillar with this id; KeyError names a missing id."""
        return _find(self.pillars, pillar_id, "pillar")

    def working_group(self, wg_id: str) -> WorkingGroup:
        """The working group with this id; KeyError names a missing id."""
        return _find(self.working_groups, wg_id, "working group")

    def department(self, department_id: str) -> Department:
        """The department with this id; KeyError names a missing id."""
        return _find(self.departments, department_id, "department")

    def milestone(self, milestone_id: str) -> Milestone:
        """The milestone with this id; KeyError names a missing id."""
        return _find(self.milestones, milestone_id, "milestone")

    def projects_of(self, kpi_id: str) -> tuple[PriorityProject, ...]:
        """The projects that list a KPI (more than one for a 【再掲】 KPI)."""
        return tuple(p for p in self.projects if kpi_id in p.kpi_ids)

    def pillar_of(self, project_id: str) -> Pillar:
        """The pillar a project belongs to."""
        for pillar in self.pillars:
            if any(p.id == project_id for p in pillar.projects):
                return pillar
        msg = f"no project {show(project_id)} in plan {show(self.id)}"
        raise KeyError(msg)


_T = TypeVar("_T", KPI, PriorityProject, Pillar, WorkingGroup, Department, Milestone)


def _find(items: Iterable[_T], wanted: str, what: str) -> _T:
    for item in items:
        if item.id == wanted:
            return item
    known = ", ".join(item.id for item in items) or "none"
    msg = f"no {what} {show(wanted)}; known: {known}"
    raise KeyError(msg)


# ------------------------------------------------------------------------- validation


def plan_problems(plan: Plan) -> list[Problem]:
    """Every problem in a plan that needs no calculation to see, each with its path.

    Checked here: duplicate ids; references to unknown KPIs, projects, working groups,
    departments and milestones; a target deadline before the plan starts; every text
    (see :func:`maebashi_dx.model.checks.text_problems`). Each KPI checks its own values
    when it is built (see :func:`maebashi_dx.model.checks.kpi_problems`).
    """
    problems = [] if _references_sound(plan) else reference_problems(_outline(plan))
    problems += text_problems(plan)
    for i, kpi in enumerate(plan.kpis):
        if kpi.target.due < plan.period.start:
            problems.append(
                Problem(
                    f"$.kpis[{i}].target.deadline",
                    f"deadline {kpi.target.due} is before the plan starts ({plan.period.start})",
                )
            )
    return problems


def _references_sound(plan: Plan) -> bool:
    """Whether :func:`reference_problems` finds nothing in the plan, decided in bulk
    (set operations on its ids): no id repeated within its kind, no department sharing
    a working group's id, every reference known, no milestone depending on itself. A
    national plan has tens of thousands of ids; when this says no, the outline is
    walked and each problem named."""
    projects = plan.projects
    groups = [
        [p.id for p in plan.pillars],
        [x.id for x in projects],
        [k.id for k in plan.kpis],
        [w.id for w in plan.working_groups],
        [d.id for d in plan.departments],
        [m.id for m in plan.milestones],
    ]
    known = [set(ids) for ids in groups]
    if list(map(len, groups)) != list(map(len, known)):
        return False
    _, project_ids, kpi_ids, wg_ids, department_ids, milestone_ids = known
    owners = wg_ids | department_ids
    milestones = plan.milestones
    return (
        wg_ids.isdisjoint(department_ids)
        and kpi_ids.issuperset(k for x in projects for k in x.kpi_ids)
        and project_ids.issuperset(p for w in plan.working_groups for p in w.project_ids)
        and all(m.owner is None or m.owner in owners for m in milestones)
        and milestone_ids.issuperset(d for m in milestones for d in m.depends_on)
        and kpi_ids.issuperset(k for m in milestones for k in m.kpi_ids)
        and not any(m.id in m.depends_on for m in milestones)
    )


def _outline(plan: Plan) -> dict[str, Any]:
    """The ids and references of a plan, in the shape of its plain-data form."""
    return {
        "pillars": [
            {"id": p.id, "projects": [{"id": x.id, "kpi_ids": x.kpi_ids} for x in p.projects]}
            for p in plan.pillars
        ],
        "kpis": [{"id": k.id} for k in plan.kpis],
        "working_groups": [{"id": w.id, "project_ids": w.project_ids} for w in plan.working_groups],
        "departments": [{"id": d.id} for d in plan.departments],
        "milestones": [
            {"id": m.id, "owner": m.owner, "depends_on": m.depends_on, "kpi_ids": m.kpi_ids}
            for m in plan.milestones
        ],
    }


def _entries(data: Mapping[str, Any], key: str, path: str) -> list[tuple[str, Mapping[str, Any]]]:
    items = data.get(key)
    if not isinstance(items, list | tuple):
        return []
    return [(f"{path}.{key}[{i}]", x) for i, x in enumerate(items) if isinstance(x, Mapping)]


def _id(entry: Mapping[str, Any]) -> str | None:
    value = entry.get("id")
    return value if isinstance(value, str) else None


def _refs(entry: Mapping[str, Any], key: str) -> list[tuple[int, str]]:
    values = entry.get(key)
    if not isinstance(values, list | tuple):
        return []
    return [(j, v) for j, v in enumerate(values) if isinstance(v, str)]


def reference_problems(data: Mapping[str, Any]) -> list[Problem]:
    """Duplicate ids and unknown references in a plan's plain-data form.

    It reads plain data, and skips what is malformed, so that a plan file's reference
    mistakes are reported together with its other mistakes even when the plan cannot be
    built.
    """
    pillars = _entries(data, "pillars", "$")
    projects = [e for path, p in pillars for e in _entries(p, "projects", path)]
    kpis = _entries(data, "kpis", "$")
    wgs = _entries(data, "working_groups", "$")
    departments = _entries(data, "departments", "$")
    milestones = _entries(data, "milestones", "$")
    problems: list[Problem] = []
    for entries, what in (
        (pillars, "pillar"),
        (projects, "project"),
        (kpis, "KPI"),
        (wgs, "WG"),
        (departments, "department"),
        (milestones, "milestone"),
    ):
        problems += duplicates_at([(path, i) for path, e in entries if (i := _id(e))], what)

    def known(entries: list[tuple[str, Mapping[str, Any]]]) -> set[str]:
        return {i for _, e in entries if (i := _id(e))}

    kpi_ids, project_ids, wg_ids, department_ids, milestone_ids = map(
        known, (kpis, projects, wgs, departments, milestones)
    )
    for path, dept in departments:
        if _id(dept) in wg_ids:
            msg = (
                f"department id {show(_id(dept))} is also a working group's id;"
                " an owner naming it would be ambiguous"
            )
            problems.append(Problem(f"{path}.id", msg))

    def unknown(path: str, entry: Mapping[str, Any], key: str, ids: set[str], what: str) -> None:
        for j, ref in _refs(entry, key):
            if ref not in ids:
                problems.append(Problem(f"{path}.{key}[{j}]", f"unknown {what} {show(ref)}"))

    for path, project in projects:
        unknown(path, project, "kpi_ids", kpi_ids, "KPI")
    for path, wg in wgs:
        unknown(path, wg, "project_ids", project_ids, "project")
    for path, ms in milestones:
        owner = ms.get("owner")
        if isinstance(owner, str) and owner not in wg_ids | department_ids:
            msg = (
                f"unknown owner {show(owner)}: neither a working group ({_listed(wg_ids)})"
                f" nor a department ({_listed(department_ids)})"
            )
            problems.append(Problem(f"{path}.owner", msg))
        unknown(path, ms, "depends_on", milestone_ids, "milestone")
        unknown(path, ms, "kpi_ids", kpi_ids, "KPI")
        if _id(ms) in {ref for _, ref in _refs(ms, "depends_on")}:
            problems.append(Problem(f"{path}.depends_on", f"{show(_id(ms))} depends on itself"))
    return problems


def _listed(ids: set[str], limit: int = 10) -> str:
    """Ids for a message: sorted, at most ``limit`` of them, "none" for none."""
    if not ids:
        return "none"
    first = sorted(ids)[:limit]
    more = f", … {len(ids) - limit:,} more" if len(ids) > limit else ""
    return ", ".join(show(i, 40) for i in first) + more
