"""Schedule conflicts: what in a plan's calendar cannot work as written, and what to move.

Days are inclusive: two spans overlap when ``a.start <= b.end and b.start <= a.end``, so
spans that touch on one day overlap. A dependency is violated when the dependent starts
before its prerequisite ends; starting on the day it ends is fine.

Imprecise dates. A month, 旬 or fiscal-year date says *when within* a span something
happens, not that it fills the span: "R4.5" may be any day of May. Each rule therefore
asks whether a conflict holds for every reading of the imprecise dates (it uses each
span's certain part: from the last day its start could be to the first day its end
could be) or only for some. A conflict that exists only because a date is imprecise,
or is marked 頃 (approximate), is downgraded to a warning and says so.

Algorithms: dependencies are checked edge by edge, cycles by Tarjan's strongly
connected components (linear time: every milestone on a loop is named, with one example
loop), overlaps and loads by sorting and sweeping each
resource's spans (n log n plus the number of overlapping pairs reported), never by
testing all pairs.

>>> from maebashi_dx.datasets import maebashi_2022
>>> find_conflicts(maebashi_2022())
()
"""

from __future__ import annotations

import enum
import heapq
import itertools
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import date, timedelta
from typing import Protocol, runtime_checkable

import attrs

from maebashi_dx.dates import DateSpan, Precision
from maebashi_dx.i18n import Lang, check_lang, text
from maebashi_dx.model import KPI, Milestone, Plan
from maebashi_dx.model.schedule import LifecycleStage
from maebashi_dx.plugins import Registry
from maebashi_dx.workdays import DEFAULT_CALENDAR, CityCalendar

__all__ = [
    "CONFLICT_RULES",
    "Conflict",
    "ConflictRule",
    "Severity",
    "dependency_cycles",
    "find_conflicts",
]

_ONE_DAY = timedelta(days=1)
_EPS = 1e-9
_UNITS = 1_000_000  # effort shares are summed in millionths (exact, order-free)


class Severity(enum.Enum):
    """How serious a conflict is."""

    ERROR = "error"  # cannot work as written
    WARNING = "warning"  # may not work, or works only on some reading of the dates
    INFO = "info"  # worth knowing

    @property
    def rank(self) -> int:
        """0 for the most serious."""
        return {"error": 0, "warning": 1, "info": 2}[self.value]

    def label(self, lang: Lang = "ja") -> str:
        """エラー / 警告 / 情報, or English (error / warning / info).

        Raises:
            ValueError: ``lang`` is not a supported language.
        """
        return text(f"conflicts.severity.{self.value}", check_lang(lang))


@attrs.frozen(kw_only=True)
class Conflict:
    """One conflict in the schedule.

    Attributes:
        kind: The rule that found it (``dependency_violation``...).
        severity: error, warning or info.
        subject_ids: The milestones, KPIs or working groups involved, in a meaningful
            order (dependent then prerequisite; for a cycle, one loop in dependency order,
            then every other milestone that lies on a loop with it, by id).
        message: What is wrong and what to move, in Japanese.
        message_en: The same in English.
        days: The overlap, gap or excess in days, where there is one.
        day: The day concerned (a closed day, the peak day of a load), if any.
        resource: The resource or person concerned, if any.
        load: The peak load, for overallocation.
        imprecise: The conflict exists only on some reading of imprecise dates.
    """

    kind: str
    severity: Severity
    subject_ids: tuple[str, ...]
    message: str
    message_en: str = ""
    days: int | None = None
    day: date | None = None
    resource: str | None = None
    load: float | None = None
    imprecise: bool = False

    def text(self, lang: Lang = "ja") -> str:
        """The message in the language asked for (Japanese if there is no English).

        Raises:
            ValueError: ``lang`` is not a supported language.
        """
        english = check_lang(lang) == "en" and self.message_en
        return self.message_en if english else self.message

    @property
    def sort_key(self) -> tuple[int, str, tuple[str, ...], str, date]:
        """Most serious first, then by kind and subjects: a stable, input-order-free order."""
        return (
            self.severity.rank,
            self.kind,
            self.subject_ids,
            self.resource or "",
            self.day or date.min,
        )


@runtime_checkable
class ConflictRule(Protocol):
    """What every conflict rule (built-in or plugin) provides."""

    @property
    def name(self) -> str:
        """The registered name, also each conflict's ``kind``."""
        ...

    @property
    def description(self) -> str:
        """One line for listings."""
        ...

    def check(self, plan: Plan, calendar: CityCalendar) -> Iterable[Conflict]:
        """Every conflict of this kind in the plan."""
        ...


def _check_rule(obj: object) -> None:
    if not isinstance(obj, ConflictRule):
        msg = f"{obj!r} is not a ConflictRule (needs name, description and check())"
        raise TypeError(msg)


#: Conflict rules by name; plugins join through the ``maebashi_dx.conflict_rules`` entry point.
CONFLICT_RULES: Registry[ConflictRule] = Registry(
    "conflict rule", "maebashi_dx.conflict_rules", check=_check_rule
)


# ------------------------------------------------------------------------- imprecision


def latest_start(span: DateSpan) -> date:
    """The last day the span could start on (its first unit's last day if imprecise)."""
    return span.precision.unit_end(span.start)


def earliest_end(span: DateSpan) -> date:
    """The first day the span could end on (its last unit's first day if imprecise)."""
    return span.precision.unit_start(span.end)


def _core(span: DateSpan) -> tuple[date, date] | None:
    """The days the span covers on every reading, or None if there is no such day."""
    first, last = latest_start(span), earliest_end(span)
    return (first, last) if first <= last else None


def _name(m: Milestone, lang: Lang) -> str:
    title = (m.title_en or m.title) if lang == "en" else m.title
    return text("conflicts.name", lang, title=title, id=m.id)


def _when(span: DateSpan) -> str:
    if span.start == span.end:
        return span.start.isoformat()
    return f"{span.start.isoformat()}..{span.end.isoformat()}"


#: Joins a loop's milestones in every language; each message says how to read it.
_ARROW = " → "
#: How many milestones of a loop, and of the rest of its tangle, a cycle's message names
#: before it counts the others.
_NAMED = 20

#: A message in a given language: every conflict is written in Japanese and English.
Message = Callable[[Lang], str]


def _imprecise_note(imprecise: bool, lang: Lang) -> str:
    return text("conflicts.imprecise", lang) if imprecise else ""


def _graded(
    kind: str,
    definite: bool,
    say: Message,
    *,
    subject_ids: tuple[str, ...],
    days: int | None = None,
    day: date | None = None,
    resource: str | None = None,
    load: float | None = None,
) -> Conflict:
    """A conflict that is an error when it holds on every reading of the dates, and a
    warning that says so when it holds only because a date is imprecise."""
    return Conflict(
        kind=kind,
        severity=Severity.ERROR if definite else Severity.WARNING,
        subject_ids=subject_ids,
        message=say("ja") + _imprecise_note(not definite, "ja"),
        message_en=say("en") + _imprecise_note(not definite, "en"),
        days=days,
        day=day,
        resource=resource,
        load=load,
        imprecise=not definite,
    )


# ------------------------------------------------------------------------------- rules


@attrs.frozen
class DependencyViolation:
    """A milestone starts before a milestone it depends on ends (the same day is fine)."""

    name: str = "dependency_violation"
    description: str = "a milestone starts before one it depends on ends"

    def check(self, plan: Plan, calendar: CityCalendar) -> Iterator[Conflict]:
        by_id = {m.id: m for m in plan.milestones}
        for m in plan.milestones:
            for dep_id in m.depends_on:
                d = by_id.get(dep_id)
                if d is None or m.when.start >= d.when.end:
                    continue
                definite = (
                    latest_start(m.when) < earliest_end(d.when)
                    and not m.when.approximate
                    and not d.when.approximate
                )
                gap = (d.when.end - m.when.start).days

                def say(lang: Lang, m: Milestone = m, d: Milestone = d, gap: int = gap) -> str:
                    return text(
                        "conflicts.dependency_violation.message",
                        lang,
                        dependent=_name(m, lang),
                        prerequisite=_name(d, lang),
                        start=m.when.start,
                        end=d.when.end,
                        gap=gap,
                    )

                yield _graded(self.name, definite, say, subject_ids=(m.id, d.id), days=gap)


def _strongly_connected(graph: Mapping[str, Sequence[str]]) -> list[list[str]]:
    """Tarjan's strongly connected components, iteratively (no recursion limit).

    Every edge must lead to a node of the graph. Linear in nodes plus edges (Tarjan 1972,
    "Depth-first search and linear graph algorithms"); a work stack of (node, next edge)
    replaces the recursion."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[list[str]] = []
    counter = 0
    for root in graph:
        if root in index:
            continue
        work: list[tuple[str, int]] = [(root, 0)]
        while work:
            node, i = work.pop()
            if i == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            edges = graph[node]
            recurse = False
            for j in range(i, len(edges)):
                nxt = edges[j]
                if nxt not in index:
                    work.append((node, j + 1))
                    work.append((nxt, 0))
                    recurse = True
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            if recurse:
                continue
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    top = stack.pop()
                    on_stack.discard(top)
                    component.append(top)
                    if top == node:
                        break
                components.append(component)
    return components


def _cycle_in(component: list[str], graph: Mapping[str, Sequence[str]]) -> list[str]:
    """A shortest loop through the smallest id of a strongly connected component.

    A breadth-first search from the smallest id, along dependencies inside the component
    taken in id order, until an edge leads back to it (there is one: every member can
    reach every other); O(E log E) in the component's edges. The loop is in dependency
    order, starting from the smallest id."""
    members = set(component)
    start = min(component)
    came_from: dict[str, str] = {}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for nxt in sorted(set(graph[node]) & members):
            if nxt == start:
                loop = [node]
                while loop[-1] != start:
                    loop.append(came_from[loop[-1]])
                return loop[::-1]
            if nxt not in came_from:
                came_from[nxt] = node
                queue.append(nxt)
    msg = f"{start!r} lies on no loop of its component"  # pragma: no cover - impossible
    raise AssertionError(msg)  # pragma: no cover


def dependency_cycles(graph: Mapping[str, Sequence[str]]) -> list[tuple[list[str], list[str]]]:
    """Every tangle of dependency loops: one example loop, and the tangle's other members.

    A milestone lies on a loop exactly when its strongly connected component has more
    than one member or it depends on itself; each such component is one tangle (every
    member can reach every other), reported once with a loop through its smallest id.

    Args:
        graph: Each milestone's dependencies (ids outside the graph are ignored).

    Returns:
        (loop in dependency order from its smallest id, the component's other members
        by id), by the loop's first id.

    >>> dependency_cycles({"x0": ["x1"], "x1": ["x0", "x2"], "x2": ["x1"], "y": ["x0"]})
    [(['x0', 'x1'], ['x2'])]
    """
    inside = {n: [d for d in deps if d in graph] for n, deps in graph.items()}
    found = []
    for component in _strongly_connected(inside):
        first = component[0]
        if len(component) == 1 and first not in inside[first]:
            continue
        loop = _cycle_in(component, inside)
        found.append((loop, sorted(set(component) - set(loop))))
    return sorted(found)


@attrs.frozen
class DependencyCycle:
    """Milestones that depend on each other in a loop.

    One conflict per tangle of loops (a strongly connected component), naming every
    milestone in it: fixing one loop must not reveal another one only then."""

    name: str = "dependency_cycle"
    description: str = "milestones that depend on each other in a loop"

    def check(self, plan: Plan, calendar: CityCalendar) -> Iterator[Conflict]:
        graph = {m.id: m.depends_on for m in plan.milestones}
        by_id = {m.id: m for m in plan.milestones}
        for loop, others in dependency_cycles(graph):

            def say(lang: Lang, loop: list[str] = loop, others: list[str] = others) -> str:
                steps = [_name(by_id[i], lang) for i in loop[:_NAMED]]
                if len(loop) > _NAMED:  # a long ring: its first steps, a count, its start
                    count = f"{len(loop) - _NAMED:,}"
                    steps.append(text("conflicts.dependency_cycle.more", lang, count=count))
                names = _ARROW.join([*steps, _name(by_id[loop[0]], lang)])
                message = text("conflicts.dependency_cycle.message", lang, loop=names)
                if not others:
                    return message
                separator = text("conflicts.dependency_cycle.separator", lang)
                # A message stays a few lines however large the tangle: the first names,
                # then a count (subject_ids keeps every id).
                named = [_name(by_id[i], lang) for i in others[:_NAMED]]
                if len(others) > _NAMED:
                    count = f"{len(others) - _NAMED:,}"
                    named.append(text("conflicts.dependency_cycle.more", lang, count=count))
                rest = separator.join(named)
                also = text("conflicts.dependency_cycle.others", lang, others=rest)
                return message + also

            yield Conflict(
                kind=self.name,
                severity=Severity.ERROR,
                subject_ids=(*loop, *others),
                message=say("ja"),
                message_en=say("en"),
            )


@attrs.frozen
class UnknownReference:
    """A milestone names an owner (working group or department), milestone or KPI the
    plan does not have.

    The model refuses such plans when they are built (a PlanError), so on a valid plan
    this rule finds nothing; it guards plans assembled by other means.
    """

    name: str = "unknown_reference"
    description: str = "a reference to an owner, milestone or KPI that does not exist"

    def check(self, plan: Plan, calendar: CityCalendar) -> Iterator[Conflict]:
        milestones = {m.id for m in plan.milestones}
        kpis = {k.id for k in plan.kpis}
        owners = {w.id for w in plan.working_groups} | {d.id for d in plan.departments}
        for m in plan.milestones:
            owner = [] if m.owner is None or m.owner in owners else [m.owner]
            missing = [
                *(("owner", w) for w in owner),
                *(("milestone", d) for d in m.depends_on if d not in milestones),
                *(("kpi", k) for k in m.kpi_ids if k not in kpis),
            ]
            for kind, ref in missing:

                def say(lang: Lang, m: Milestone = m, kind: str = kind, ref: str = ref) -> str:
                    what = text(f"conflicts.unknown_reference.{kind}", lang, id=ref)
                    return text(
                        "conflicts.unknown_reference.message", lang, name=_name(m, lang), ref=what
                    )

                yield Conflict(
                    kind=self.name,
                    severity=Severity.ERROR,
                    subject_ids=(m.id,),
                    message=say("ja"),
                    message_en=say("en"),
                )


@attrs.frozen
class OutsidePlanPeriod:
    """A milestone starts before or ends after the plan's period."""

    name: str = "outside_plan_period"
    description: str = "a milestone outside the plan's period"

    def check(self, plan: Plan, calendar: CityCalendar) -> Iterator[Conflict]:
        period = plan.period
        for m in plan.milestones:
            before = (period.start - m.when.start).days
            after = (m.when.end - period.end).days
            if before <= 0 and after <= 0:
                continue
            definite = not m.when.approximate and (
                latest_start(m.when) < period.start or earliest_end(m.when) > period.end
            )
            days = max(0, before) + max(0, after)

            def say(lang: Lang, m: Milestone = m, days: int = days) -> str:
                return text(
                    "conflicts.outside_plan_period.message",
                    lang,
                    name=_name(m, lang),
                    when=_when(m.when),
                    period=_when(period),
                    days=days,
                )

            yield _graded(self.name, definite, say, subject_ids=(m.id,), days=days)


@attrs.frozen
class AfterKPIDeadline:
    """A milestone that serves a KPI ends after that KPI's deadline."""

    name: str = "after_kpi_deadline"
    description: str = "a milestone ends after the deadline of a KPI it serves"

    def check(self, plan: Plan, calendar: CityCalendar) -> Iterator[Conflict]:
        kpis = {k.id: k for k in plan.kpis}
        for m in plan.milestones:
            for kpi_id in m.kpi_ids:
                kpi = kpis.get(kpi_id)
                if kpi is None or m.when.end <= kpi.target.due:
                    continue
                due = kpi.target.due
                definite = earliest_end(m.when) > due and not m.when.approximate
                days = (m.when.end - due).days

                def say(lang: Lang, m: Milestone = m, kpi: KPI = kpi, days: int = days) -> str:
                    return text(
                        "conflicts.after_kpi_deadline.message",
                        lang,
                        name=_name(m, lang),
                        end=m.when.end,
                        kpi=(kpi.name_en or kpi.name) if lang == "en" else kpi.name,
                        kpi_id=kpi.id,
                        due=kpi.target.due,
                        days=days,
                    )

                yield _graded(self.name, definite, say, subject_ids=(m.id, kpi.id), days=days)


def overlapping_pairs(
    spans: Iterable[tuple[date, date, str]],
) -> Iterator[tuple[str, str, date, date]]:
    """Every pair of inclusive spans that share a day, by a sweep over sorted starts.

    Yields (id_a, id_b, first shared day, last shared day) with id_a < id_b. Runs in
    O(n log n + pairs).
    """
    active: list[tuple[date, str, date]] = []  # a heap of (end, id, start)
    for start, end, ident in sorted(spans):
        while active and active[0][0] < start:
            heapq.heappop(active)
        for other_end, other, other_start in active:
            a, b = sorted((ident, other))
            yield a, b, max(start, other_start), min(end, other_end)
        heapq.heappush(active, (end, ident, start))


@attrs.frozen
class ResourceOverlap:
    """Two milestones use the same exclusive resource on a shared day."""

    name: str = "resource_overlap"
    description: str = "two milestones share an exclusive resource on the same days"

    def check(self, plan: Plan, calendar: CityCalendar) -> Iterator[Conflict]:
        by_resource: dict[str, list[Milestone]] = defaultdict(list)
        for m in plan.milestones:
            for r in m.resources:
                by_resource[r].append(m)
        by_id = {m.id: m for m in plan.milestones}
        for resource in sorted(by_resource):
            items = by_resource[resource]
            for a_id, b_id, first, last in overlapping_pairs(
                (m.when.start, m.when.end, m.id) for m in items
            ):
                a, b = by_id[a_id], by_id[b_id]
                core_a, core_b = _core(a.when), _core(b.when)
                definite = (
                    core_a is not None
                    and core_b is not None
                    and core_a[0] <= core_b[1]
                    and core_b[0] <= core_a[1]
                    and not a.when.approximate
                    and not b.when.approximate
                )
                days = (last - first).days + 1

                def say(
                    lang: Lang,
                    pair: tuple[Milestone, Milestone] = (a, b),
                    span: tuple[date, date, int] = (first, last, days),
                    resource: str = resource,
                ) -> str:
                    start, end, n = span
                    if n == 1:
                        when = text("conflicts.resource_overlap.one_day", lang, first=start)
                    else:
                        when = text(
                            "conflicts.resource_overlap.days", lang, first=start, last=end, days=n
                        )
                    return text(
                        "conflicts.resource_overlap.message",
                        lang,
                        first_name=_name(pair[0], lang),
                        second_name=_name(pair[1], lang),
                        resource=resource,
                        when=when,
                        first=start,
                        last=end,
                    )

                yield _graded(
                    self.name,
                    definite,
                    say,
                    subject_ids=(a_id, b_id),
                    days=days,
                    day=first,
                    resource=resource,
                )


def peak_load(
    spans: Iterable[tuple[date, date, float]], capacity: float
) -> tuple[float, date | None, int]:
    """Sweep the daily load of (start, end, share) spans.

    Shares are counted in whole millionths, so the sums are exact and the result never
    depends on the order of the spans (floating-point sums do: 0.1 + 1.0 differs from
    1.0 + 0.1 in the last bit).

    Returns:
        (peak load, first day of the peak, number of days the load exceeds capacity).
    """
    deltas: dict[date, int] = defaultdict(int)
    for start, end, share in spans:
        units = round(share * _UNITS)
        deltas[start] += units
        deltas[end + _ONE_DAY] -= units
    limit = round(capacity * _UNITS)
    load = 0
    peak, peak_day, over_days = 0, None, 0
    days = sorted(deltas)
    for i, day in enumerate(days):
        load += deltas[day]
        if load > peak:
            peak, peak_day = load, day
        if load > limit and i + 1 < len(days):
            over_days += (days[i + 1] - day).days
    return peak / _UNITS, peak_day, over_days


@attrs.frozen
class Overallocation:
    """On some day a person's or resource's effort shares across concurrent milestones
    exceed their capacity (1.0 = full time unless ``capacities`` says otherwise)."""

    name: str = "overallocation"
    description: str = "a person's or resource's concurrent effort shares exceed capacity"
    capacity: float = 1.0
    capacities: Mapping[str, float] = attrs.field(factory=dict)

    def check(self, plan: Plan, calendar: CityCalendar) -> Iterator[Conflict]:
        by_resource: dict[str, list[tuple[Milestone, float]]] = defaultdict(list)
        for m in plan.milestones:
            for r, share in m.effort.items():  # a Milestone refuses shares of 0 or less
                by_resource[r].append((m, share))
        for resource in sorted(by_resource):
            items = by_resource[resource]
            cap = self.capacities.get(resource, self.capacity)
            peak, day, over = peak_load(((m.when.start, m.when.end, s) for m, s in items), cap)
            if peak <= cap + _EPS or day is None:
                continue
            certain = []
            for m, s in items:
                core = _core(m.when)
                if core is not None and not m.when.approximate:
                    certain.append((core[0], core[1], s))
            certain_peak, _, _ = peak_load(certain, cap)
            definite = certain_peak > cap + _EPS
            at_peak = sorted(m.id for m, _ in items if m.when.start <= day <= m.when.end)

            def say(
                lang: Lang,
                resource: str = resource,
                at: tuple[date, float, float, int] = (day, peak, cap, over),
                at_peak: list[str] = at_peak,
            ) -> str:
                return text(
                    "conflicts.overallocation.message",
                    lang,
                    resource=resource,
                    day=at[0],
                    load=f"{at[1]:.0%}",
                    capacity=f"{at[2]:.0%}",
                    ids=text("conflicts.overallocation.separator", lang).join(at_peak),
                    days=at[3],
                )

            yield _graded(
                self.name,
                definite,
                say,
                subject_ids=tuple(at_peak),
                days=over,
                day=day,
                resource=resource,
                load=peak,
            )


@attrs.frozen
class NonBusinessDay:
    """A day-precision milestone starts or ends when the city offices are closed:
    a weekend, a national holiday (振替休日 and moved holidays included) or the year-end
    closure. A warning, since some work (outreach at weekends) is meant to be then; 頃
    makes it information only."""

    name: str = "non_business_day"
    description: str = "a dated milestone falls on a weekend, holiday or the year-end closure"

    def check(self, plan: Plan, calendar: CityCalendar) -> Iterator[Conflict]:
        for m in plan.milestones:
            if m.when.precision is not Precision.DAY:
                continue
            days = [m.when.start] if m.when.start == m.when.end else [m.when.start, m.when.end]
            for day in days:
                if calendar.is_business_day(day):
                    continue
                edge = "single" if len(days) == 1 else "start" if day == m.when.start else "end"

                def say(lang: Lang, m: Milestone = m, day: date = day, edge: str = edge) -> str:
                    return text(
                        "conflicts.non_business_day.message",
                        lang,
                        name=_name(m, lang),
                        edge=text(f"conflicts.non_business_day.{edge}", lang),
                        day=day,
                        reason=calendar.closed_reason(day, lang),
                        next=calendar.next_business_day(day),
                    )

                yield Conflict(
                    kind=self.name,
                    severity=Severity.INFO if m.when.approximate else Severity.WARNING,
                    subject_ids=(m.id,),
                    message=say("ja"),
                    message_en=say("en"),
                    day=day,
                    imprecise=m.when.approximate,
                )


@attrs.frozen
class StageSkipped:
    """A working group's record reaches a lifecycle stage without the earlier ones
    (ショートカットNG), or reaches them in the wrong order by date."""

    name: str = "stage_skipped"
    description: str = "a working group reached a stage without the earlier ones"

    def check(self, plan: Plan, calendar: CityCalendar) -> Iterator[Conflict]:
        stages = list(LifecycleStage)
        for wg in plan.working_groups:
            seen: set[LifecycleStage] = set()
            reported: set[LifecycleStage] = set()
            reached = [r.stage for r in wg.history]
            if wg.stage is not None and wg.stage not in reached:
                reached.append(wg.stage)
            for stage in reached:
                missing = [s for s in stages[: stage.index] if s not in seen]
                if missing and stage not in reported:
                    reported.add(stage)
                    yield self._conflict(wg.id, wg.name, stage, missing)
                seen.add(stage)
            dated = [(r.when.end, r.stage) for r in wg.history if r.when is not None]
            for (day_a, a), (day_b, b) in itertools.pairwise(dated):
                if b.index > a.index and day_b < day_a:

                    def say(
                        lang: Lang,
                        group: tuple[str, str] = (wg.id, wg.name),
                        stages: tuple[LifecycleStage, LifecycleStage] = (a, b),
                        days: tuple[date, date] = (day_a, day_b),
                    ) -> str:
                        return text(
                            "conflicts.stage_skipped.order",
                            lang,
                            group=_group(*group, lang),
                            later=stages[1].label(lang),
                            later_day=days[1],
                            earlier=stages[0].label(lang),
                            earlier_day=days[0],
                        )

                    yield Conflict(
                        kind=self.name,
                        severity=Severity.ERROR,
                        subject_ids=(wg.id,),
                        message=say("ja"),
                        message_en=say("en"),
                        day=day_b,
                    )

    def _conflict(
        self, wg_id: str, wg_name: str, stage: LifecycleStage, missing: list[LifecycleStage]
    ) -> Conflict:
        def say(lang: Lang) -> str:
            separator = text("conflicts.stage_skipped.separator", lang)
            return text(
                "conflicts.stage_skipped.skipped",
                lang,
                group=_group(wg_id, wg_name, lang),
                missing=separator.join(
                    text("conflicts.stage_skipped.missing", lang, stage=s.label(lang))
                    for s in missing
                ),
                stage=stage.label(lang),
                rule=_NO_SHORTCUTS,
            )

        return Conflict(
            kind=self.name,
            severity=Severity.ERROR,
            subject_ids=(wg_id,),
            message=say("ja"),
            message_en=say("en"),
        )


#: The 前橋市 plan's own name for its rule that no lifecycle stage may be skipped,
#: quoted as the plan writes it in every language.
_NO_SHORTCUTS = "ショートカットNG"


def _group(wg_id: str, wg_name: str, lang: Lang) -> str:
    return text("conflicts.stage_skipped.group", lang, name=wg_name, id=wg_id)


for _rule in (
    DependencyViolation(),
    DependencyCycle(),
    UnknownReference(),
    OutsidePlanPeriod(),
    AfterKPIDeadline(),
    ResourceOverlap(),
    Overallocation(),
    NonBusinessDay(),
    StageSkipped(),
):
    CONFLICT_RULES.register(_rule.name, _rule)


def find_conflicts(
    plan: Plan,
    *,
    rules: Iterable[str | ConflictRule] | None = None,
    calendar: CityCalendar | None = None,
) -> tuple[Conflict, ...]:
    """Every conflict in a plan's schedule, most serious first.

    Args:
        plan: The plan.
        rules: Rule names or rule objects to run; every registered rule if None.
        calendar: The city's office calendar; weekends, national holidays and
            29 December to 3 January closed if None.

    Returns:
        The conflicts, in an order that does not depend on the order of the input.

    Raises:
        UnknownPluginError: A rule name is not registered.
    """
    calendar = calendar or DEFAULT_CALENDAR
    chosen = [
        CONFLICT_RULES.get(r) if isinstance(r, str) else r
        for r in (rules if rules is not None else list(CONFLICT_RULES))
    ]
    found = [c for rule in chosen for c in rule.check(plan, calendar)]
    return tuple(sorted(found, key=lambda c: c.sort_key))
