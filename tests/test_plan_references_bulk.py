"""The plan's references checked in bulk agree with the walk that names each problem.

``_references_sound`` decides with set operations that :func:`reference_problems` finds
nothing; for random plans with random reference mistakes, it must say yes exactly when
the walk over the plan's outline finds no problem.
"""

from __future__ import annotations

from typing import Any
from unittest import mock

import attrs
from hypothesis import given
from hypothesis import strategies as st

from maebashi_dx.model import Plan
from maebashi_dx.model import plan as plan_module
from tests.strategies import plans

_IDS = st.sampled_from(["x", "kpi1", "p1", "wg1", "d1", "m1", "pillar1"])


def _ids(plan: Plan) -> list[str]:
    return [
        e.id
        for e in (
            *plan.pillars,
            *plan.projects,
            *plan.kpis,
            *plan.working_groups,
            *plan.departments,
            *plan.milestones,
        )
    ]


@st.composite
def _plans_with_mistakes(draw: st.DrawFn) -> Plan:
    """A plan, built without its checks, with up to three reference mistakes: an id
    repeated or taken from another kind, an unknown reference, a self-dependency."""
    plan = draw(plans())
    with mock.patch.object(plan_module, "plan_problems", return_value=[]):
        for _ in range(draw(st.integers(0, 3))):
            some = _IDS | (st.sampled_from(_ids(plan)))
            field = draw(
                st.sampled_from(["pillars", "kpis", "working_groups", "departments", "milestones"])
            )
            items: list[Any] = list(getattr(plan, field))
            if not items:
                continue
            i = draw(st.integers(0, len(items) - 1))
            item = items[i]
            change = draw(st.integers(0, 3))
            if change == 0:
                item = attrs.evolve(item, id=draw(some))
            elif field == "pillars" and item.projects:
                j = draw(st.integers(0, len(item.projects) - 1))
                project = item.projects[j]
                project = attrs.evolve(
                    project,
                    id=draw(some) if change == 1 else project.id,
                    kpi_ids=(*project.kpi_ids, draw(some)),
                )
                projects = list(item.projects)
                projects[j] = project
                item = attrs.evolve(item, projects=projects)
            elif field == "working_groups":
                item = attrs.evolve(item, project_ids=(*item.project_ids, draw(some)))
            elif field == "milestones":
                key = draw(st.sampled_from(["owner", "depends_on", "kpi_ids", "self"]))
                if key == "owner":
                    item = attrs.evolve(item, owner=draw(some))
                elif key == "self":
                    item = attrs.evolve(item, depends_on=(*item.depends_on, item.id))
                else:
                    item = attrs.evolve(item, **{key: (*getattr(item, key), draw(some))})
            items[i] = item
            plan = attrs.evolve(plan, **{field: items})
    return plan


@given(_plans_with_mistakes())
def test_references_sound_in_bulk_exactly_where_the_walk_finds_nothing(plan: Plan) -> None:
    walked = plan_module.reference_problems(plan_module._outline(plan))
    assert plan_module._references_sound(plan) == (walked == [])


def _unchecked(plan: Plan, **changes: object) -> Plan:
    with mock.patch.object(plan_module, "plan_problems", return_value=[]):
        return attrs.evolve(plan, **changes)


def _each_mistake() -> list[tuple[str, Plan]]:
    """The bundled plan with one reference mistake of each kind."""
    from maebashi_dx.datasets import maebashi_2022
    from maebashi_dx.model import Department

    plan = maebashi_2022()
    wg, ms, kpi = plan.working_groups[0], plan.milestones[2], plan.kpis[0]
    pillar, project = plan.pillars[0], plan.pillars[0].projects[0]

    def with_project(**changes: object) -> Plan:
        projects = (attrs.evolve(project, **changes), *pillar.projects[1:])
        return _unchecked(
            plan, pillars=(attrs.evolve(pillar, projects=projects), *plan.pillars[1:])
        )

    def with_milestone(**changes: object) -> Plan:
        return _unchecked(
            plan,
            milestones=(*plan.milestones[:2], attrs.evolve(ms, **changes), *plan.milestones[3:]),
        )

    return [
        ("pillar id", _unchecked(plan, pillars=(*plan.pillars, plan.pillars[0]))),
        ("project id", with_project(id=pillar.projects[1].id)),
        ("KPI id", _unchecked(plan, kpis=(*plan.kpis, kpi))),
        ("WG id", _unchecked(plan, working_groups=(*plan.working_groups, wg))),
        ("department id", _unchecked(plan, departments=(Department(id="d", name="課"),) * 2)),
        ("milestone id", _unchecked(plan, milestones=(*plan.milestones, ms))),
        ("department as WG", _unchecked(plan, departments=(Department(id=wg.id, name="課"),))),
        ("project's KPI", with_project(kpi_ids=("nokpi",))),
        (
            "WG's project",
            _unchecked(
                plan,
                working_groups=(attrs.evolve(wg, project_ids=("nop",)), *plan.working_groups[1:]),
            ),
        ),
        ("owner", with_milestone(owner="nobody")),
        ("dependency", with_milestone(depends_on=("nom",))),
        ("milestone's KPI", with_milestone(kpi_ids=("nokpi",))),
        ("itself", with_milestone(depends_on=(ms.id,))),
    ]


def test_each_kind_of_reference_mistake_is_seen_in_bulk() -> None:
    for what, plan in _each_mistake():
        assert plan_module.reference_problems(plan_module._outline(plan)) != [], what
        assert not plan_module._references_sound(plan), what
