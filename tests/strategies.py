"""Hypothesis strategies for the domain, in one place (as cattrs keeps tests/typed.py)."""

from __future__ import annotations

import os
from datetime import date, timedelta

import attrs
from hypothesis import strategies as st

from maebashi_dx.dates import DateSpan, FiscalYear, Precision
from maebashi_dx.model import (
    KPI,
    Department,
    Direction,
    KPIKind,
    LifecycleStage,
    Measurement,
    Milestone,
    Pillar,
    Plan,
    PriorityProject,
    Series,
    Target,
    WorkingGroup,
)

days = st.dates(min_value=date(1927, 1, 1), max_value=date(2099, 12, 31))
recent_days = st.dates(min_value=date(2015, 1, 1), max_value=date(2035, 12, 31))
precisions = st.sampled_from(list(Precision))


@st.composite
def spans(draw: st.DrawFn, within: st.SearchStrategy[date] = days) -> DateSpan:
    """Any valid span: whole units of a precision, possibly a range of units."""
    precision = draw(precisions)
    first = draw(within)
    start = precision.unit_start(first)
    if draw(st.booleans()):
        end = precision.unit_end(first)
    else:
        later = first + timedelta(days=draw(st.integers(0, 800)))
        end = precision.unit_end(min(later, date(2099, 12, 31)))
    return DateSpan(start=start, end=end, precision=precision, approximate=draw(st.booleans()))


fiscal_years = st.builds(FiscalYear, st.integers(1927, 2098))

ids = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-", min_size=1, max_size=8)
names = st.text(
    alphabet=st.characters(
        codec="utf-8", exclude_categories=("Cs", "Cc"), exclude_characters="\x00"
    ),
    min_size=1,
    max_size=12,
)
finite = st.floats(min_value=-1e9, max_value=1e9, allow_nan=False, allow_infinity=False)


@st.composite
def quantitative_kpis(draw: st.DrawFn, kpi_id: str, plan_start: date) -> KPI:
    """A valid quantitative KPI with a baseline, a target and ordered measurements."""
    base_day = draw(st.dates(plan_start - timedelta(days=400), plan_start + timedelta(days=300)))
    baseline_value = draw(finite)
    target_value = draw(finite.filter(lambda t: abs(t - baseline_value) > 1e-9))
    deadline = FiscalYear.of(
        max(base_day, plan_start) + timedelta(days=draw(st.integers(1, 2000)))
    ).span
    n = draw(st.integers(0, 5))
    gaps = draw(st.lists(st.integers(1, 120), min_size=n, max_size=n))
    measurements = []
    day = base_day
    for gap in gaps:
        day += timedelta(days=gap)
        measurements.append(
            Measurement(
                when=DateSpan.day(day),
                value=draw(finite),
                approximate=draw(st.booleans()),
                numerator=draw(st.none() | st.floats(0, 1e9)),
                denominator=draw(st.none() | st.floats(1e-3, 1e9)),
                note=draw(st.none() | names),
            )
        )
    applied = (
        [Measurement(when=DateSpan.day(base_day), value=draw(finite), series="applied")]
        if draw(st.booleans())
        else []
    )
    return KPI(
        id=kpi_id,
        name=draw(names),
        name_en=draw(st.just("") | names),
        unit=draw(st.sampled_from(["%", "件", ""])),
        direction=draw(st.sampled_from(list(Direction))),
        baseline=Measurement(when=draw(st.just(DateSpan.day(base_day))), value=baseline_value),
        target=Target(value=target_value, deadline=deadline),
        measurements=tuple(applied + measurements),
        series=(Series(id="applied", label="申請", label_en="applied"),) if applied else (),
    )


@st.composite
def staged_kpis(draw: st.DrawFn, kpi_id: str, plan_start: date) -> KPI:
    """A valid staged KPI on the default ladder."""
    ladder = ["not_started", "under_study", "implementing", "implemented", "achieved"]
    start = draw(st.integers(0, 2))
    later = draw(st.lists(st.sampled_from(ladder), max_size=3))
    measurements = [
        Measurement(when=DateSpan.month(plan_start.year + 1 + i, 5), value=v)
        for i, v in enumerate(later)
    ]
    return KPI(
        id=kpi_id,
        name=draw(names),
        kind=KPIKind.STAGED,
        baseline=Measurement(when=DateSpan.unit(Precision.MONTH, plan_start), value=ladder[start]),
        target=Target(
            value="achieved", deadline=FiscalYear(plan_start.year + 5).span, label="達成"
        ),
        measurements=tuple(measurements),
    )


@st.composite
def plans(draw: st.DrawFn) -> Plan:
    """A valid plan with KPIs of both kinds, projects, WGs, departments and milestones
    owned by either."""
    start_fy = draw(st.integers(2015, 2028))
    period = DateSpan(
        start=FiscalYear(start_fy).start,
        end=FiscalYear(start_fy + 4).end,
        precision=Precision.FISCAL_YEAR,
    )
    n_kpis = draw(st.integers(1, 4))
    kpis = [
        draw(
            st.one_of(quantitative_kpis(f"k{i}", period.start), staged_kpis(f"k{i}", period.start))
        )
        for i in range(n_kpis)
    ]
    kpi_ids = [k.id for k in kpis]
    projects = [
        PriorityProject(
            id=f"p{i}",
            name=draw(names),
            number=i + 1,
            kpi_ids=tuple(draw(st.lists(st.sampled_from(kpi_ids), max_size=2, unique=True))),
            initiatives=tuple(draw(st.lists(names, max_size=2))),
        )
        for i in range(draw(st.integers(1, 4)))
    ]
    pillars = [Pillar(id="pillar1", name=draw(names), projects=tuple(projects))]
    wgs = [
        WorkingGroup(
            id=f"wg{i}",
            name=draw(names),
            project_ids=tuple(
                draw(st.lists(st.sampled_from([p.id for p in projects]), max_size=2, unique=True))
            ),
            aim=draw(names),
            stage=draw(st.none() | st.sampled_from(list(LifecycleStage))),
        )
        for i in range(draw(st.integers(0, 3)))
    ]
    departments = [
        Department(id=f"dept{i}", name=draw(names), name_en=draw(st.just("") | names))
        for i in range(draw(st.integers(0, 2)))
    ]
    owners = [w.id for w in wgs] + [d.id for d in departments]
    milestones = []
    for i in range(draw(st.integers(0, 4))):
        when = draw(spans(st.dates(period.start, period.end - timedelta(days=40))))
        milestones.append(
            Milestone(
                id=f"m{i}",
                title=draw(names),
                when=when,
                owner=draw(st.none() | st.sampled_from(owners)) if owners else None,
                depends_on=tuple(
                    draw(
                        st.lists(
                            st.sampled_from([m.id for m in milestones]), max_size=2, unique=True
                        )
                    )
                )
                if milestones
                else (),
                kpi_ids=tuple(draw(st.lists(st.sampled_from(kpi_ids), max_size=2, unique=True))),
                resources=tuple(draw(st.lists(ids, max_size=2, unique=True))),
                effort=draw(st.dictionaries(ids, st.floats(0, 1, exclude_min=True), max_size=2)),
            )
        )
    return Plan(
        id=draw(ids),
        name=draw(names),
        name_en=draw(st.just("") | names),
        period=period,
        report_date=draw(st.none() | st.dates(period.start, period.end)),
        pillars=tuple(pillars),
        kpis=tuple(kpis),
        working_groups=tuple(wgs),
        departments=tuple(departments),
        milestones=tuple(milestones),
        mission=draw(st.none() | names),
        values=tuple(draw(st.lists(names, max_size=2))),
    )


def evolve_kpi(plan: Plan, index: int, **changes: object) -> Plan:
    """A plan with one KPI changed."""
    kpis = list(plan.kpis)
    kpis[index] = attrs.evolve(kpis[index], **changes)
    return attrs.evolve(plan, kpis=tuple(kpis))


def make_kpi(
    points: list[tuple[date, float]],
    *,
    target: float,
    deadline: date,
    direction: Direction = Direction.INCREASE,
    bounds: tuple[float, float] | None = None,
    kpi_id: str = "k",
) -> KPI:
    """A quantitative KPI whose first point is the baseline."""
    (d0, v0), *rest = points
    return KPI(
        id=kpi_id,
        name="テスト",
        unit="%",
        direction=direction,
        bounds=bounds,
        baseline=Measurement(when=DateSpan.day(d0), value=v0),
        target=Target(value=target, deadline=DateSpan.day(deadline)),
        measurements=tuple(Measurement(when=DateSpan.day(d), value=v) for d, v in rest),
    )


@st.composite
def series(
    draw: st.DrawFn, min_points: int = 2, max_points: int = 8
) -> tuple[list[tuple[date, float]], float, date]:
    """Dated values (strictly increasing days), a target away from the baseline, a deadline."""
    n = draw(st.integers(min_points, max_points))
    start = draw(st.dates(date(2015, 1, 1), date(2025, 1, 1)))
    gaps = draw(st.lists(st.integers(1, 200), min_size=n - 1, max_size=n - 1))
    days_ = [start]
    for g in gaps:
        days_.append(days_[-1] + timedelta(days=g))
    values = draw(st.lists(st.floats(-1e4, 1e4, allow_nan=False), min_size=n, max_size=n))
    target = draw(st.floats(-1e4, 1e4, allow_nan=False).filter(lambda t: abs(t - values[0]) > 1e-3))
    deadline = days_[-1] + timedelta(days=draw(st.integers(1, 3000)))
    return list(zip(days_, values, strict=True)), target, deadline


def fuzz_examples(*, thorough: int, everyday: int, env: str) -> int:
    """How many inputs a fuzz test feeds: ``env`` (an environment variable) if set, else
    ``thorough`` under the thorough Hypothesis profile (``HYPOTHESIS_PROFILE=thorough`` or
    ``pytest --hypothesis-profile=thorough``), else ``everyday``."""
    from hypothesis import settings

    chosen = os.environ.get(env)
    if chosen:
        return int(chosen)
    return thorough if settings.get_current_profile_name() == "thorough" else everyday
