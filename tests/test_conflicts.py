"""Schedule conflicts: equal to a brute-force oracle, order-free, exact at the boundaries."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from pathlib import Path

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from maebashi_dx import (
    DateSpan,
    LifecycleStage,
    Milestone,
    Plan,
    StageRecord,
    UnknownPluginError,
    parse_date,
)
from maebashi_dx.conflicts import (
    CONFLICT_RULES,
    Conflict,
    Overallocation,
    Severity,
    dependency_cycles,
    find_conflicts,
)
from maebashi_dx.datasets import maebashi_2022
from maebashi_dx.i18n import catalogue
from maebashi_dx.workdays import CityCalendar

PERIOD = DateSpan(start=date(2021, 4, 1), end=date(2026, 3, 31))
D0 = date(2022, 4, 1)
RESOURCES = ["会議室A", "係長", "端末"]


def plan_of(milestones: list[Milestone], **extra: object) -> Plan:
    return Plan(id="t", name="テスト計画", period=PERIOD, milestones=milestones, **extra)  # type: ignore[arg-type]


def day_span(start: int, length: int) -> DateSpan:
    return DateSpan(start=D0 + timedelta(days=start), end=D0 + timedelta(days=start + length))


@st.composite
def schedules(draw: st.DrawFn) -> list[Milestone]:
    """Exact day spans with shared resources, effort shares and dependencies: either on
    earlier milestones only (no cycles) or on any other milestone (cycles likely)."""
    n = draw(st.integers(0, 14))
    acyclic = draw(st.booleans())
    milestones: list[Milestone] = []
    for i in range(n):
        ids = [m.id for m in milestones] if acyclic else [f"m{j:02d}" for j in range(n) if j != i]
        milestones.append(
            Milestone(
                id=f"m{i:02d}",
                title=f"作業{i}",
                when=day_span(draw(st.integers(0, 60)), draw(st.integers(0, 20))),
                resources=tuple(
                    draw(st.lists(st.sampled_from(RESOURCES), max_size=2, unique=True))
                ),
                effort=draw(
                    st.dictionaries(
                        st.sampled_from(RESOURCES),
                        st.sampled_from([0.1, 0.25, 0.5, 0.75, 1.0]),
                        max_size=2,
                    )
                ),
                depends_on=tuple(
                    draw(st.lists(st.sampled_from(ids), max_size=3, unique=True)) if ids else []
                ),
            )
        )
    return milestones


def _days(span: DateSpan) -> list[date]:
    return [span.start + timedelta(days=k) for k in range(span.days)]


def oracle_overlaps(ms: list[Milestone]) -> set[tuple[str, str, str, int]]:
    found = set()
    for i, a in enumerate(ms):
        for b in ms[i + 1 :]:
            for r in set(a.resources) & set(b.resources):
                shared = set(_days(a.when)) & set(_days(b.when))
                if shared:
                    x, y = sorted((a.id, b.id))
                    found.add((r, x, y, len(shared)))
    return found


def oracle_loads(ms: list[Milestone], capacity: float) -> dict[str, tuple[float, date, int]]:
    loads: dict[str, dict[date, float]] = defaultdict(lambda: defaultdict(float))
    for m in ms:
        for r, share in m.effort.items():
            for d in _days(m.when):
                loads[r][d] += share
    out = {}
    for r, by_day in loads.items():
        peak = max(by_day.values())
        if peak > capacity + 1e-9:
            first = min(d for d, v in by_day.items() if abs(v - peak) < 1e-9)
            over = sum(1 for v in by_day.values() if v > capacity + 1e-9)
            out[r] = (peak, first, over)
    return out


def reach(graph: Mapping[str, Sequence[str]], start: str) -> set[str]:
    """Brute force: every node a depth-first search meets along one or more edges."""
    seen: set[str] = set()
    todo = [d for d in graph[start] if d in graph]
    while todo:
        node = todo.pop()
        if node not in seen:
            seen.add(node)
            todo.extend(d for d in graph[node] if d in graph)
    return seen


def oracle_dependencies(ms: list[Milestone]) -> set[tuple[str, str, int]]:
    by_id = {m.id: m for m in ms}
    return {
        (m.id, d, (by_id[d].when.end - m.when.start).days)
        for m in ms
        for d in m.depends_on
        if m.when.start < by_id[d].when.end
    }


class TestAgainstTheOracle:
    @given(schedules())
    def test_resource_overlap(self, ms: list[Milestone]) -> None:
        found = find_conflicts(plan_of(ms), rules=["resource_overlap"])
        got = {(c.resource, *c.subject_ids, c.days) for c in found}
        assert got == oracle_overlaps(ms)
        assert all(c.severity is Severity.ERROR for c in found)

    @given(schedules(), st.sampled_from([0.5, 1.0, 1.5]))
    def test_overallocation(self, ms: list[Milestone], capacity: float) -> None:
        rule = Overallocation(capacity=capacity)
        found = find_conflicts(plan_of(ms), rules=[rule])
        got = {c.resource: (c.load, c.day, c.days) for c in found}
        expected = oracle_loads(ms, capacity)
        assert got.keys() == expected.keys()
        for r, (peak, day, over) in expected.items():
            load, first, days = got[r]
            assert load == pytest.approx(peak)
            assert (first, days) == (day, over)

    @given(schedules())
    def test_dependency_violation(self, ms: list[Milestone]) -> None:
        found = find_conflicts(plan_of(ms), rules=["dependency_violation"])
        assert {(*c.subject_ids, c.days) for c in found} == oracle_dependencies(ms)

    @given(schedules())
    def test_dependency_cycle(self, ms: list[Milestone]) -> None:
        """A milestone is named in a cycle conflict iff it can reach itself; once only."""
        graph = {m.id: m.depends_on for m in ms}
        found = find_conflicts(plan_of(ms), rules=["dependency_cycle"])
        named = [i for c in found for i in c.subject_ids]
        assert len(named) == len(set(named))
        assert set(named) == {m.id for m in ms if m.id in reach(graph, m.id)}
        for c in found:
            assert c.severity is Severity.ERROR
            assert all(set(c.subject_ids) <= reach(graph, i) for i in c.subject_ids)
            assert all(f"({i})" in c.message and f"({i})" in c.message_en for i in c.subject_ids)

    @given(schedules(), st.randoms(use_true_random=False))
    def test_the_order_of_milestones_never_changes_the_result(self, ms, rnd) -> None:  # type: ignore[no-untyped-def]
        shuffled = list(ms)
        rnd.shuffle(shuffled)
        assert find_conflicts(plan_of(ms)) == find_conflicts(plan_of(shuffled))


def ms(ident: str, when: str | DateSpan, **kw: object) -> Milestone:
    span = parse_date(when) if isinstance(when, str) else when
    return Milestone(id=ident, title=ident, when=span, **kw)  # type: ignore[arg-type]


class TestBoundaries:
    def test_spans_touching_on_one_day_overlap(self) -> None:
        plan = plan_of(
            [
                ms("a", "2022-05-01～2022-05-10", resources=("会議室A",)),
                ms("b", "2022-05-10～2022-05-20", resources=("会議室A",)),
                ms("c", "2022-05-11～2022-05-20", resources=("端末",)),
            ]
        )
        (c,) = find_conflicts(plan, rules=["resource_overlap"])
        assert c.subject_ids == ("a", "b")
        assert c.days == 1
        assert c.day == date(2022, 5, 10)
        assert c.severity is Severity.ERROR  # exact days: on every reading

    def test_loads_are_exact_whatever_the_order(self) -> None:
        """Hypothesis found 1.0 + 0.1 and 0.1 + 1.0 reported as different loads (the last
        bit of a float sum); shares are now summed exactly."""
        a = ms("a", "2022-04-03", effort={"会議室A": 0.1})
        b = ms("b", "2022-04-03", effort={"会議室A": 0.7})
        c = ms("c", "2022-04-03", effort={"会議室A": 0.3})
        # As floats, 0.1 + 0.7 + 0.3 is 1.0999999999999999 and 0.3 + 0.7 + 0.1 is 1.1.
        found = [
            find_conflicts(plan_of(order), rules=["overallocation"])
            for order in ([a, b, c], [c, b, a])
        ]
        assert found[0] == found[1]
        assert found[0][0].load == 1.1

    def test_a_dependent_may_start_the_day_its_prerequisite_ends(self) -> None:
        ok = plan_of([ms("a", "2022-05-10"), ms("b", "2022-05-10", depends_on=("a",))])
        assert find_conflicts(ok, rules=["dependency_violation"]) == ()
        bad = plan_of([ms("a", "2022-05-01～2022-05-10"), ms("b", "2022-05-09", depends_on=("a",))])
        (c,) = find_conflicts(bad, rules=["dependency_violation"])
        assert (c.subject_ids, c.days, c.severity) == (("b", "a"), 1, Severity.ERROR)
        assert "2022-05-10 以降" in c.message
        assert "2022-05-10 or later" in c.message_en

    @pytest.mark.parametrize(
        ("day", "closed"),
        [
            ("2021-07-23", "スポーツの日"),  # moved for the Olympics
            ("2021-08-09", "振替休日"),  # 山の日 moved to 8 August, a Sunday
            ("2021-10-11", None),  # normally スポーツの日, an ordinary Monday in 2021
            ("2023-01-02", "振替休日"),
            ("2022-12-29", "年末年始の閉庁日"),
            ("2022-05-14", "土曜日"),
        ],
    )
    def test_closed_days(self, day: str, closed: str | None) -> None:
        cal = CityCalendar()
        assert cal.closed_reason(date.fromisoformat(day)) == closed

    def test_2023_01_02_is_a_closure_day(self) -> None:
        assert CityCalendar().in_year_end_closure(date(2023, 1, 2))
        assert not CityCalendar().in_year_end_closure(date(2023, 1, 4))

    def test_business_days_of_golden_week(self) -> None:
        """29 April to 8 May 2022: only 2, 6 May (and nothing else) were open days."""
        days = list(CityCalendar().business_days(date(2022, 4, 29), date(2022, 5, 8)))
        assert days == [date(2022, 5, 2), date(2022, 5, 6)]
        assert CityCalendar().next_business_day(date(2022, 5, 3)) == date(2022, 5, 6)

    def test_closure_is_configurable(self) -> None:
        cal = CityCalendar(closure_start=(12, 28), closure_end=(1, 4))
        assert cal.closed_reason(date(2023, 1, 4)) == "年末年始の閉庁日"

    def test_non_business_day_rule(self) -> None:
        plan = plan_of(
            [
                ms("olympics", "2021-07-23"),
                ms("monday", "2021-10-11"),
                ms("about", "2022-05-14頃"),
                ms("month", "2022年5月"),
            ]
        )
        found = find_conflicts(plan, rules=["non_business_day"])
        assert [(c.subject_ids, c.severity) for c in found] == [
            (("olympics",), Severity.WARNING),
            (("about",), Severity.INFO),
        ]
        assert "スポーツの日" in found[0].message
        assert "2021-07-26" in found[0].message  # the next open day


class TestImprecision:
    def test_same_month_dependency_is_only_a_warning(self) -> None:
        plan = plan_of([ms("a", "R4.5"), ms("b", "R4.5", depends_on=("a",))])
        (c,) = find_conflicts(plan, rules=["dependency_violation"])
        assert c.severity is Severity.WARNING
        assert c.imprecise
        assert "日付の精度" in c.message

    def test_month_span_definitely_overlapping_is_an_error(self) -> None:
        plan = plan_of(
            [
                ms("trial", "R4.7月～9月", resources=("係長",)),
                ms("training", "2022-08-10", resources=("係長",)),
                ms("review", "R4.9", resources=("係長",)),
            ]
        )
        found = {
            c.subject_ids: c.severity for c in find_conflicts(plan, rules=["resource_overlap"])
        }
        assert found[("training", "trial")] is Severity.ERROR
        assert found[("review", "trial")] is Severity.WARNING

    def test_after_kpi_deadline_by_a_month_date(self) -> None:
        plan = maebashi_2022()
        late = ms("late", "R5.4", kpi_ids=("kpi2",))
        later = ms("later", "2023-04-20", kpi_ids=("kpi2",))
        found = find_conflicts(
            attrs.evolve(plan, milestones=(*plan.milestones, late, later)),
            rules=["after_kpi_deadline"],
        )
        assert [(c.subject_ids, c.severity, c.days) for c in found] == [
            (("late", "kpi2"), Severity.ERROR, 30),  # April 2023 ends after 2023-03-31
            (("later", "kpi2"), Severity.ERROR, 20),
        ]

    def test_approximate_dates_downgrade(self) -> None:
        plan = plan_of(
            [ms("a", "2022-05-01～2022-05-10頃"), ms("b", "2022-05-09", depends_on=("a",))]
        )
        (c,) = find_conflicts(plan, rules=["dependency_violation"])
        assert c.severity is Severity.WARNING


class TestCycles:
    def test_cycle_members_in_order(self) -> None:
        plan = plan_of(
            [
                ms("c", "2022-05-01", depends_on=("a",)),
                ms("a", "2022-05-01", depends_on=("b",)),
                ms("b", "2022-05-01", depends_on=("c",)),
                ms("x", "2022-05-01", depends_on=("a",)),
            ]
        )
        (c,) = find_conflicts(plan, rules=["dependency_cycle"])
        assert c.subject_ids == ("a", "b", "c")  # a depends on b, b on c, c on a
        assert "→" in c.message

    def test_two_separate_cycles(self) -> None:
        plan = plan_of(
            [
                ms("a", "2022-05-01", depends_on=("b",)),
                ms("b", "2022-05-01", depends_on=("a",)),
                ms("p", "2022-05-01", depends_on=("q",)),
                ms("q", "2022-05-01", depends_on=("p",)),
            ]
        )
        found = find_conflicts(plan, rules=["dependency_cycle"])
        assert [c.subject_ids for c in found] == [("a", "b"), ("p", "q")]

    def test_a_tangle_names_every_milestone_on_a_loop(self) -> None:
        """x0 ↔ x1 and x1 ↔ x2: x2 was named only once the first loop was fixed."""
        plan = plan_of(
            [
                ms("x0", "2022-05-01", depends_on=("x1",)),
                ms("x1", "2022-05-01", depends_on=("x0", "x2")),
                ms("x2", "2022-05-01", depends_on=("x1",)),
                ms("y", "2022-05-01", depends_on=("x2",)),
            ]
        )
        (c,) = find_conflicts(plan, rules=["dependency_cycle"])
        assert c.subject_ids == ("x0", "x1", "x2")  # the loop x0 → x1 → x0, then x2
        assert c.message == (
            "依存関係が循環しています: 「x0」(x0) → 「x1」(x1) → 「x0」(x0)（→ は「…に依存」）。"
            "いずれかの依存関係を解消してください。このほか 「x2」(x2) も同じ循環に含まれています。"
        )
        assert c.message_en == (
            "The dependencies form a loop: 'x0' (x0) → 'x1' (x1) → 'x0' (x0) (→ reads "
            "'depends on'). Remove one of these dependencies. On loops with them too: "
            "'x2' (x2)."
        )

    def test_a_loop_whose_members_also_depend_on_milestones_outside_it(self) -> None:
        plan = plan_of(
            [
                ms("a", "2022-05-01", depends_on=("z", "b")),
                ms("b", "2022-05-01", depends_on=("y", "c")),
                ms("c", "2022-05-01", depends_on=("x", "a", "w")),
                ms("w", "2022-05-01"),
                ms("x", "2022-05-01", depends_on=("w",)),
                ms("y", "2022-05-01"),
                ms("z", "2022-05-01", depends_on=("y",)),
            ]
        )
        (c,) = find_conflicts(plan, rules=["dependency_cycle"])
        assert c.subject_ids == ("a", "b", "c")
        assert c.message_en.startswith(
            "The dependencies form a loop: 'a' (a) → 'b' (b) → 'c' (c) → 'a' (a) "
        )

    def test_the_loop_may_run_through_any_dependency(self) -> None:
        """The second or third dependency closes the loop; every edge must be followed."""
        for position in range(3):
            deps = ["p", "q", "r"]
            deps[position] = "s"
            plan = plan_of(
                [
                    ms("a", "2022-05-01", depends_on=tuple(deps)),
                    ms("s", "2022-05-01", depends_on=("t",)),
                    ms("t", "2022-05-01", depends_on=("a",)),
                    *(ms(i, "2022-05-01") for i in "pqr" if i in deps),
                ]
            )
            (c,) = find_conflicts(plan, rules=["dependency_cycle"])
            assert c.subject_ids == ("a", "s", "t")

    def test_a_loop_entered_from_a_later_root(self) -> None:
        """A loop reached only after the search has finished other milestones."""
        plan = plan_of(
            [
                ms("a", "2022-05-01"),
                ms("b", "2022-05-01", depends_on=("a", "d")),
                ms("c", "2022-05-01", depends_on=("b",)),
                ms("d", "2022-05-01", depends_on=("c", "a")),
                ms("e", "2022-05-01", depends_on=("d",)),
            ]
        )
        (c,) = find_conflicts(plan, rules=["dependency_cycle"])
        assert c.subject_ids == ("b", "d", "c")  # b → d → c → b

    def test_a_long_chain_does_not_hit_the_recursion_limit(self) -> None:
        n = 5000
        chain = [ms(f"m{i:05d}", "2022-05-01", depends_on=(f"m{i + 1:05d}",)) for i in range(n - 1)]
        chain.append(ms(f"m{n - 1:05d}", "2022-05-01", depends_on=("m00000",)))
        (c,) = find_conflicts(plan_of(chain), rules=["dependency_cycle"])
        assert len(c.subject_ids) == n
        # The message names the ring's first 20 steps, counts the rest and closes the loop.
        assert len(c.message) < 2_000
        assert "ほか4,980件 → 「m00000」(m00000)" in c.message
        assert "4,980 more → " in c.text("en")

    def test_a_large_tangle_names_twenty_others_and_counts_the_rest(self) -> None:
        hub = ms("hub", "2022-05-01", depends_on=tuple(f"s{i:03d}" for i in range(100)))
        spokes = [ms(f"s{i:03d}", "2022-05-01", depends_on=("hub",)) for i in range(100)]
        (c,) = find_conflicts(plan_of([hub, *spokes]), rules=["dependency_cycle"])
        assert len(c.subject_ids) == 101
        assert c.message.count("「s") == 1 + 20  # s000 in the loop, then 20 others named
        assert c.message.endswith("ほか79件 も同じ循環に含まれています。")
        assert c.text("en").endswith(", 79 more.")

    def test_exactly_twenty_are_all_named_and_nothing_is_counted(self) -> None:
        ring = [
            ms(f"r{i:02d}", "2022-05-01", depends_on=(f"r{(i + 1) % 20:02d}",)) for i in range(20)
        ]
        (c,) = find_conflicts(plan_of(ring), rules=["dependency_cycle"])
        assert c.message.count("「r") == 21  # the ring, back to its start
        hub = ms("hub", "2022-05-01", depends_on=tuple(f"s{i:02d}" for i in range(21)))
        spokes = [ms(f"s{i:02d}", "2022-05-01", depends_on=("hub",)) for i in range(21)]
        (d,) = find_conflicts(plan_of([hub, *spokes]), rules=["dependency_cycle"])
        assert d.message.count("「s") == 21  # s00 in the loop, the other 20 named
        assert "件" not in c.message + d.message


class TestOtherRules:
    def test_outside_plan_period(self) -> None:
        plan = plan_of([ms("early", "2021-03-25"), ms("fy", "2026年度")])
        found = {c.subject_ids[0]: c for c in find_conflicts(plan, rules=["outside_plan_period"])}
        assert found["early"].days == 7
        assert found["early"].severity is Severity.ERROR
        assert found["fy"].days == 365  # all of FY2026 lies after 2026-03-31

    def test_stage_skipped(self) -> None:
        plan = maebashi_2022()
        wg = attrs.evolve(
            plan.working_groups[0],
            history=(
                StageRecord(stage=LifecycleStage.TARGET_SETTING, when=parse_date("R4.6")),
                StageRecord(stage=LifecycleStage.PROOF_OF_VALUE, when=parse_date("R4.9")),
            ),
        )
        plan = attrs.evolve(plan, working_groups=(wg, *plan.working_groups[1:]))
        (c,) = find_conflicts(plan, rules=["stage_skipped"])
        assert c.subject_ids == ("wg01",)
        assert "概念検証（机上）" in c.message
        assert "副市長による判断" in c.message
        assert "ショートカットNG" in c.message

    def test_stage_order_by_date(self) -> None:
        plan = maebashi_2022()
        wg = attrs.evolve(
            plan.working_groups[0],
            history=(
                StageRecord(stage=LifecycleStage.TARGET_SETTING, when=parse_date("R4.9")),
                StageRecord(stage=LifecycleStage.PROOF_OF_CONCEPT, when=parse_date("R4.6")),
            ),
        )
        plan = attrs.evolve(plan, working_groups=(wg, *plan.working_groups[1:]))
        (c,) = find_conflicts(plan, rules=["stage_skipped"])
        assert c.day == date(2022, 6, 30)

    def test_unknown_reference_finds_nothing_in_a_valid_plan(self) -> None:
        assert find_conflicts(maebashi_2022(), rules=["unknown_reference"]) == ()

    def test_the_bundled_plan_has_no_conflicts(self) -> None:
        assert find_conflicts(maebashi_2022()) == ()

    def test_unknown_rule(self) -> None:
        with pytest.raises(UnknownPluginError, match="resource_overlap"):
            find_conflicts(maebashi_2022(), rules=["double_booking"])

    def test_every_built_in_kind_is_registered(self) -> None:
        kinds = {
            "dependency_violation",
            "dependency_cycle",
            "unknown_reference",
            "outside_plan_period",
            "after_kpi_deadline",
            "resource_overlap",
            "overallocation",
            "non_business_day",
            "stage_skipped",
        }
        assert kinds <= set(CONFLICT_RULES)

    def test_conflicts_read_in_both_languages(self) -> None:
        c = Conflict(
            kind="k", severity=Severity.ERROR, subject_ids=("a",), message="日", message_en="en"
        )
        assert (c.text("ja"), c.text("en")) == ("日", "en")


graphs = st.dictionaries(
    st.sampled_from([f"n{i}" for i in range(7)]),
    st.lists(st.sampled_from([f"n{i}" for i in range(9)]), max_size=3),
    max_size=7,
)


class TestDependencyCycles:
    @given(graphs)
    def test_on_a_loop_iff_it_reaches_itself(self, graph: dict[str, list[str]]) -> None:
        """Self-dependencies (which plans refuse) and ids outside the graph included."""
        found = dependency_cycles(graph)
        named = [i for loop, others in found for i in (*loop, *others)]
        assert len(named) == len(set(named))
        assert set(named) == {n for n in graph if n in reach(graph, n)}
        for loop, others in found:
            # The example is a real loop, in dependency order, from the smallest id.
            assert all(b in graph[a] for a, b in zip(loop, [*loop[1:], loop[0]], strict=True))
            assert len(set(loop)) == len(loop)
            assert loop[0] == min((*loop, *others))
            assert others == sorted(others)
            members = {*loop, *others}
            assert all(members <= reach(graph, i) for i in members)
        assert found == sorted(found)

    def test_a_self_dependency_is_a_loop(self) -> None:
        assert dependency_cycles({"a": ["a", "b"], "b": []}) == [(["a"], [])]


class TestOverallocationDetail:
    def test_the_milestones_at_the_peak_include_those_starting_and_ending_on_it(self) -> None:
        plan = plan_of(
            [
                ms("early", "2022-05-02～2022-05-10", effort={"係長": 0.4}),
                ms("late", "2022-05-10～2022-05-20", effort={"係長": 0.4}),
                ms("all", "2022-05-01～2022-05-31", effort={"係長": 0.4}),
                ms("before", "2022-05-01～2022-05-09", effort={"係長": 0.1}),
                ms("after", "2022-05-11～2022-05-20", effort={"係長": 0.1}),
            ]
        )
        (c,) = find_conflicts(plan, rules=["overallocation"])
        assert (c.day, c.load, c.days) == (date(2022, 5, 10), 1.2, 1)
        assert c.subject_ids == ("all", "early", "late")
        assert c.message == (
            "「係長」の負荷が 2022-05-10 に 120%（上限 100%）に達します（all、early、late）。"
            "超過は計 1 日。いずれかの時期をずらすか、割合を減らしてください。"
        )
        assert c.message_en == (
            "'係長' is loaded at 120% on 2022-05-10 (capacity 100%) by all, early, late; over "
            "capacity for 1 days in all. Move one of them or lower its share."
        )

    def test_capacities_per_resource(self) -> None:
        plan = plan_of(
            [
                ms("a", "2022-05-09～2022-05-13", effort={"係長": 0.3, "端末": 0.6}),
                ms("b", "2022-05-12～2022-05-20", effort={"係長": 0.3, "端末": 0.6}),
            ]
        )
        rule = Overallocation(capacity=1.0, capacities={"係長": 0.5})
        found = find_conflicts(plan, rules=[rule])
        assert [(c.resource, c.load, c.days, c.day) for c in found] == [
            ("係長", 0.6, 2, date(2022, 5, 12)),
            ("端末", 1.2, 2, date(2022, 5, 12)),
        ]
        assert "上限 50%" in found[0].message
        relaxed = Overallocation(capacity=2.0, capacities={"係長": 0.6})
        assert find_conflicts(plan, rules=[relaxed]) == ()

    def test_severity_follows_the_precision_of_the_dates(self) -> None:
        definite = plan_of(
            [
                ms("a", "2022-05-09～2022-05-13", effort={"係長": 0.6}),
                ms("b", "2022-05-12～2022-05-20", effort={"係長": 0.6}),
            ]
        )
        (c,) = find_conflicts(definite, rules=["overallocation"])
        assert (c.severity, c.imprecise) == (Severity.ERROR, False)
        # In May 2022 and on 30 May: on most readings of "May" the two never meet.
        maybe = plan_of(
            [
                ms("a", "R4.5", effort={"係長": 0.6}),
                ms("b", "2022-05-30", effort={"係長": 0.6}),
            ]
        )
        (c,) = find_conflicts(maybe, rules=["overallocation"])
        assert (c.severity, c.imprecise) == (Severity.WARNING, True)
        assert c.message.endswith(
            "（日付の精度による可能性: 日付を確定すると解消することがあります）"
        )
        about = plan_of(
            [
                ms("a", "2022-05-09～2022-05-13頃", effort={"係長": 0.6}),
                ms("b", "2022-05-12～2022-05-20", effort={"係長": 0.6}),
            ]
        )
        (c,) = find_conflicts(about, rules=["overallocation"])
        assert c.severity is Severity.WARNING

    @given(
        schedules(), st.fixed_dictionaries({r: st.sampled_from([0.5, 1.0, 1.5]) for r in RESOURCES})
    )
    def test_capacities_against_the_oracle(
        self, ms: list[Milestone], caps: dict[str, float]
    ) -> None:
        found = find_conflicts(plan_of(ms), rules=[Overallocation(capacity=9.0, capacities=caps)])
        got = {c.resource: (c.load, c.day, c.days, c.severity) for c in found}
        expected = {
            r: oracle_loads(ms, caps[r]).get(r)
            for r in RESOURCES
            if oracle_loads(ms, caps[r]).get(r)
        }
        assert got.keys() == expected.keys()
        for r, (peak, day, over) in expected.items():
            load, first, days, severity = got[r]
            assert load == pytest.approx(peak)
            assert (first, days, severity) == (day, over, Severity.ERROR)


class TestDeadlinesAndPeriods:
    def test_ending_on_the_kpi_deadline_is_fine(self) -> None:
        plan = maebashi_2022()
        on_time = ms("on_time", "2023-03-31", kpi_ids=("kpi2",))
        late = ms("late", "2023-04-01", kpi_ids=("kpi2",))
        found = find_conflicts(
            attrs.evolve(plan, milestones=(*plan.milestones, on_time, late)),
            rules=["after_kpi_deadline"],
        )
        assert [(c.subject_ids, c.days, c.severity) for c in found] == [
            (("late", "kpi2"), 1, Severity.ERROR)
        ]

    def test_an_approximate_end_is_a_warning_a_month_after_an_error(self) -> None:
        plan = maebashi_2022()
        fiscal = ms("fy", "2022年度", kpi_ids=("kpi2",))  # ends on the deadline: fine
        march = ms("march", "R5.3月～4月", kpi_ids=("kpi2",))
        about = ms("about", "2023-04-03頃", kpi_ids=("kpi2",))
        found = find_conflicts(
            attrs.evolve(plan, milestones=(*plan.milestones, fiscal, march, about)),
            rules=["after_kpi_deadline"],
        )
        assert [(c.subject_ids[0], c.days, c.severity) for c in found] == [
            ("march", 30, Severity.ERROR),  # April's first day is already late
            ("about", 3, Severity.WARNING),
        ]

    def test_inside_the_period_on_its_first_and_last_day(self) -> None:
        plan = plan_of([ms("first", "2021-04-01"), ms("last", "2026-03-31")])
        assert find_conflicts(plan, rules=["outside_plan_period"]) == ()
        late = plan_of([ms("late", "2026-03-30～2026-04-02")])
        (c,) = find_conflicts(late, rules=["outside_plan_period"])
        assert (c.days, c.severity) == (2, Severity.ERROR)
        assert c.message == (
            "「late」(late)（2026-03-30..2026-04-02）が計画期間（2021-04-01..2026-03-31）の外に"
            " 2 日はみ出しています。期間内に移すか、計画期間を見直してください。"
        )


class TestCatalogue:
    def test_every_severity_has_a_label_in_every_language(self) -> None:
        for severity in Severity:
            for lang in ("ja", "en"):
                key = f"conflicts.severity.{severity.value}"
                assert severity.label(lang) == catalogue(lang)[key]
        assert [s.label() for s in Severity] == ["エラー", "警告", "情報"]
        assert [s.label("en") for s in Severity] == ["error", "warning", "info"]
        with pytest.raises(ValueError, match="unknown language"):
            Severity.ERROR.label("fr")  # type: ignore[arg-type]

    def test_every_edge_of_a_closed_day_has_its_words(self) -> None:
        plan = plan_of([ms("span", "2022-05-14～2022-05-22"), ms("day", "2022-05-15")])
        found = {
            (c.subject_ids[0], c.day): c for c in find_conflicts(plan, rules=["non_business_day"])
        }
        assert found["span", date(2022, 5, 14)].message.startswith("「span」(span) の開始日 ")
        assert found["span", date(2022, 5, 22)].message.startswith("「span」(span) の終了日 ")
        assert found["day", date(2022, 5, 15)].message.startswith("「day」(day) の日付 ")
        assert "(its start)" in found["span", date(2022, 5, 14)].message_en
        assert "(its end)" in found["span", date(2022, 5, 22)].message_en
        assert "falls on 2022-05-15, when" in found["day", date(2022, 5, 15)].message_en

    def test_unknown_references_are_named_in_each_language(self) -> None:
        plan = maebashi_2022()
        odd = attrs.evolve(
            plan.milestones[0], owner="wg99", depends_on=("m99",), kpi_ids=("kpi99",)
        )
        broken = Plan.__new__(Plan)
        for field in attrs.fields(Plan):
            object.__setattr__(broken, field.name, getattr(plan, field.name))
        object.__setattr__(broken, "milestones", (odd,))
        found = find_conflicts(broken, rules=["unknown_reference"])
        assert [c.message.split(" が存在しない ")[1] for c in found] == [
            "WG・担当課 wg99 を参照しています。",
            "予定 m99 を参照しています。",
            "KPI kpi99 を参照しています。",
        ]
        assert [c.message_en.split(" refers to ")[1] for c in found] == [
            "working group or department wg99, which does not exist.",
            "milestone m99, which does not exist.",
            "KPI kpi99, which does not exist.",
        ]

    def test_most_serious_first(self) -> None:
        plan = plan_of(
            [
                ms("a", "2022-05-14頃"),  # closed, approximate: info
                ms("b", "2022-05-15"),  # closed: warning
                ms("c", "2022-05-10", depends_on=("d",)),
                ms("d", "2022-05-11"),  # c starts before d ends: error
            ]
        )
        found = find_conflicts(plan)
        assert [c.severity for c in found] == [Severity.ERROR, Severity.WARNING, Severity.INFO]


class TestSmallPieces:
    def test_a_rule_must_look_like_a_rule(self) -> None:
        with pytest.raises(TypeError, match=r"is not a ConflictRule \(needs name, description"):
            CONFLICT_RULES.register("not_a_rule", object())  # type: ignore[arg-type]
        assert "not_a_rule" not in CONFLICT_RULES

    def test_a_conflict_without_english_reads_in_japanese(self) -> None:
        c = Conflict(kind="k", severity=Severity.INFO, subject_ids=("a",), message="日")
        assert (c.text(), c.text("en")) == ("日", "日")
        with pytest.raises(ValueError, match="unknown language 'fr'"):
            c.text("fr")  # type: ignore[arg-type]

    def test_no_capacity_at_all(self) -> None:
        plan = plan_of([ms("a", "2022-05-10", effort={"係長": 0.000001})])
        (c,) = find_conflicts(plan, rules=[Overallocation(capacities={"係長": 0.0})])
        assert (c.load, c.day, c.days) == (0.000001, date(2022, 5, 10), 1)

    def test_a_one_day_milestone_is_named_by_its_day(self) -> None:
        plan = plan_of([ms("early", "2021-03-25")])
        (c,) = find_conflicts(plan, rules=["outside_plan_period"])
        assert "「early」(early)（2021-03-25）が計画期間（2021-04-01..2026-03-31）" in c.message


class TestOverallocationGrades:
    def test_a_certain_load_exactly_at_capacity_is_only_a_warning(self) -> None:
        plan = plan_of(
            [
                ms("a", "2022-05-09～2022-05-13", effort={"係長": 0.5}),
                ms("b", "2022-05-12", effort={"係長": 0.5}),
                ms("c", "R4.5", effort={"係長": 0.2}),
            ]
        )
        (c,) = find_conflicts(plan, rules=["overallocation"])
        assert (c.load, c.severity, c.subject_ids) == (1.2, Severity.WARNING, ("a", "b", "c"))


class TestCalendarWords:
    def test_every_closed_weekday_and_closure_has_its_name(self) -> None:
        cal = CityCalendar(weekend=frozenset(range(7)), closed_days=frozenset({date(2022, 6, 1)}))
        week = [date(2022, 6, 6) + timedelta(days=k) for k in range(7)]  # Monday to Sunday
        assert [cal.closed_reason(d, "ja") for d in week] == [
            "月曜日",
            "火曜日",
            "水曜日",
            "木曜日",
            "金曜日",
            "土曜日",
            "日曜日",
        ]
        assert [cal.closed_reason(d, "en") for d in week[:2]] == ["Monday", "Tuesday"]
        assert cal.closed_reason(date(2022, 6, 1), "en") == "city closed day"
        assert cal.closed_reason(date(2022, 6, 1)) == "市の閉庁日"
        assert cal.closed_reason(date(2022, 12, 30), "en") == "year-end closure"


# ------------------------------------------------------------ every kind, every field


def golden_plan() -> Plan:
    """A plan with a conflict of every built-in kind but unknown_reference."""
    plan = maebashi_2022()
    wg = attrs.evolve(
        plan.working_groups[0],
        stage=LifecycleStage.PROOF_OF_VALUE,
        history=(
            StageRecord(stage=LifecycleStage.TARGET_SETTING, when=parse_date("R4.9")),
            StageRecord(stage=LifecycleStage.PROOF_OF_CONCEPT, when=parse_date("R4.6")),
        ),
    )
    milestones = (
        ms("prep", "2022-06-01～2022-06-10", resources=("会議室A",), effort={"係長": 0.6}),
        ms(
            "pilot",
            "2022-06-10～2022-06-18",
            resources=("会議室A",),
            effort={"係長": 0.6},
            depends_on=("prep",),
            kpi_ids=("kpi2",),
        ),
        ms("loop_a", "R4.7", depends_on=("loop_b",)),
        ms("loop_b", "R4.7", depends_on=("loop_a", "loop_c")),
        ms("loop_c", "R4.7", depends_on=("loop_b",)),
        ms("late", "2023-03-27～2023-04-01", kpi_ids=("kpi3", "kpi2")),
        ms("holiday", "2022-07-18"),
        ms("about", "2022-07-17頃"),
        ms("outside", "2026-03-31～2026-04-01頃"),
    )
    return attrs.evolve(plan, milestones=milestones, working_groups=(wg, *plan.working_groups[1:]))


class TestEveryKindInFull:
    """Every field and both languages of one conflict of each kind (and the grading of
    dates): a rule that loses a conflict, a field or a word fails here."""

    def test_the_golden_plan(self) -> None:
        """tests/golden_conflicts.json was written from a run and checked by hand; a change
        of wording must update it."""
        found = [as_record(c) for c in find_conflicts(golden_plan())]
        expected = json.loads(GOLDEN.read_text(encoding="utf-8"))
        assert found == expected


GOLDEN = Path(__file__).with_name("golden_conflicts.json")


def as_record(c: Conflict) -> dict[str, object]:
    """A conflict as JSON data: every field, dates in ISO form."""
    record = attrs.asdict(c, recurse=False)
    record["severity"] = c.severity.value
    record["subject_ids"] = list(c.subject_ids)
    record["day"] = c.day.isoformat() if c.day else None
    return record


def plan_in(period: str, milestones: list[Milestone]) -> Plan:
    return Plan(id="t", name="テスト計画", period=parse_date(period), milestones=milestones)


class TestGradingAtTheEdges:
    def test_one_day_outside_either_end(self) -> None:
        plan = plan_of([ms("before", "2021-03-31"), ms("after", "2026-04-01")])
        found = find_conflicts(plan, rules=["outside_plan_period"])
        assert [(c.subject_ids, c.days, c.severity) for c in found] == [
            (("after",), 1, Severity.ERROR),
            (("before",), 1, Severity.ERROR),
        ]

    def test_a_month_that_may_start_on_the_first_day_of_the_period(self) -> None:
        """April 2021 may be read as its 30th, the plan's first day: only a warning."""
        plan = plan_in("2021-04-30～2026-03-31", [ms("april", "R3.4")])
        (c,) = find_conflicts(plan, rules=["outside_plan_period"])
        assert (c.days, c.severity) == (29, Severity.WARNING)

    def test_a_month_that_may_end_on_the_last_day_of_the_period(self) -> None:
        plan = plan_in("2021-04-01～2026-03-01", [ms("march", "R8.3")])
        (c,) = find_conflicts(plan, rules=["outside_plan_period"])
        assert (c.days, c.severity) == (30, Severity.WARNING)

    def test_a_month_that_may_end_on_the_kpi_deadline(self) -> None:
        """A deadline of 1 March and a milestone in March: read as 1 March it is on time."""
        plan = maebashi_2022()
        kpi2 = plan.kpi("kpi2")
        early = attrs.evolve(
            kpi2, target=attrs.evolve(kpi2.target, deadline=parse_date("2023-03-01"))
        )
        kpis = tuple(early if k.id == "kpi2" else k for k in plan.kpis)
        march = ms("march", "R5.3", kpi_ids=("kpi2",))
        found = find_conflicts(
            attrs.evolve(plan, kpis=kpis, milestones=(march,)), rules=["after_kpi_deadline"]
        )
        assert [(c.days, c.severity) for c in found] == [(30, Severity.WARNING)]

    def test_stages_on_the_same_day_or_repeated_are_in_order(self) -> None:
        plan = maebashi_2022()
        wg = attrs.evolve(
            plan.working_groups[0],
            history=(
                StageRecord(stage=LifecycleStage.TARGET_SETTING, when=parse_date("R4.9")),
                StageRecord(stage=LifecycleStage.TARGET_SETTING, when=parse_date("R4.6")),
                StageRecord(stage=LifecycleStage.PROOF_OF_CONCEPT, when=parse_date("R4.6")),
            ),
        )
        plan = attrs.evolve(plan, working_groups=(wg, *plan.working_groups[1:]))
        assert find_conflicts(plan, rules=["stage_skipped"]) == ()


class TestWordsAndEdges:
    def test_english_titles_in_english_only(self) -> None:
        plan = plan_of(
            [
                Milestone(
                    id="a", title="準備", title_en="Preparation", when=parse_date("2022-05-10")
                ),
                ms("b", "2022-05-09", depends_on=("a",)),
            ]
        )
        (c,) = find_conflicts(plan, rules=["dependency_violation"])
        assert "前提の 「準備」(a) の終了" in c.message
        assert "its prerequisite 'Preparation' (a) ends" in c.message_en

    def test_a_dependent_that_may_start_when_its_prerequisite_may_end(self) -> None:
        """May 2022 may end on 1 May, the day its dependent starts: only a warning."""
        plan = plan_of([ms("a", "R4.5"), ms("b", "2022-05-01", depends_on=("a",))])
        (c,) = find_conflicts(plan, rules=["dependency_violation"])
        assert (c.days, c.severity) == (30, Severity.WARNING)

    def test_a_tangle_with_several_others_lists_them_in_each_language(self) -> None:
        plan = plan_of(
            [
                ms("p", "2022-05-01", depends_on=("q",)),
                ms("q", "2022-05-01", depends_on=("p", "r", "s")),
                ms("r", "2022-05-01", depends_on=("q",)),
                ms("s", "2022-05-01", depends_on=("q",)),
            ]
        )
        (c,) = find_conflicts(plan, rules=["dependency_cycle"])
        assert c.subject_ids == ("p", "q", "r", "s")
        assert c.message.endswith("このほか 「r」(r)、「s」(s) も同じ循環に含まれています。")
        assert c.message_en.endswith("On loops with them too: 'r' (r), 's' (s).")

    def test_an_overlap_of_several_days_in_each_language(self) -> None:
        plan = plan_of(
            [
                ms("a", "2022-05-02～2022-05-10", resources=("端末",)),
                ms("b", "2022-05-06～2022-05-20", resources=("端末",)),
            ]
        )
        (c,) = find_conflicts(plan, rules=["resource_overlap"])
        assert c.message == (
            "「a」(a) と 「b」(b) が同じ資源「端末」を 2022-05-06～2022-05-10 の 5 日間重ねて"
            "使います。どちらかを 2022-05-10 の翌日以降、または 2022-05-06 の前日までに移して"
            "ください。"
        )
        assert c.message_en == (
            "'a' (a) and 'b' (b) both use '端末' for 5 days, 2022-05-06 to 2022-05-10. Move one"
            " to start after 2022-05-10 or to end before 2022-05-06."
        )

    def test_days_exactly_at_capacity_are_not_over(self) -> None:
        plan = plan_of(
            [
                ms("a", "2022-05-01～2022-05-10", effort={"係長": 0.5}),
                ms("b", "2022-05-01～2022-05-10", effort={"係長": 0.5}),
                ms("c", "2022-05-05", effort={"係長": 0.1}),
            ]
        )
        (c,) = find_conflicts(plan, rules=["overallocation"])
        assert (c.load, c.day, c.days) == (1.1, date(2022, 5, 5), 1)

    def test_a_month_is_no_certain_load(self) -> None:
        """The month's share counts only on some readings: it cannot lower the certain
        load of the exact days either."""
        plan = plan_of(
            [
                ms("a", "2022-05-10", effort={"係長": 0.6}),
                ms("b", "2022-05-10", effort={"係長": 0.6}),
                ms("month", "R4.5", effort={"係長": 0.5}),
            ]
        )
        (c,) = find_conflicts(plan, rules=["overallocation"])
        assert (c.load, c.severity) == (1.7, Severity.ERROR)

    def test_unknown_references_in_full(self) -> None:
        plan = maebashi_2022()
        odd = attrs.evolve(plan.milestones[0], kpi_ids=("kpi99",))
        broken = Plan.__new__(Plan)
        for field in attrs.fields(Plan):
            object.__setattr__(broken, field.name, getattr(plan, field.name))
        object.__setattr__(broken, "milestones", (odd,))
        (c,) = find_conflicts(broken, rules=["unknown_reference"])
        assert (c.kind, c.subject_ids, c.severity) == (
            "unknown_reference",
            (odd.id,),
            Severity.ERROR,
        )
        assert c.message == f"「{odd.title}」({odd.id}) が存在しない KPI kpi99 を参照しています。"

    def test_a_skipped_stage_reached_twice_is_reported_once(self) -> None:
        plan = maebashi_2022()
        wg = attrs.evolve(
            plan.working_groups[0],
            history=(
                StageRecord(stage=LifecycleStage.PROOF_OF_VALUE, when=parse_date("R4.6")),
                StageRecord(stage=LifecycleStage.PROOF_OF_VALUE, when=parse_date("R4.9")),
            ),
        )
        plan = attrs.evolve(plan, working_groups=(wg, *plan.working_groups[1:]))
        (c,) = find_conflicts(plan, rules=["stage_skipped"])
        assert c.message_en.endswith(
            "without 'target area and goal set', 'proof of concept (on paper)', 'deputy "
            "mayor's decision' (no shortcuts: ショートカットNG). Go through the missing stages "
            "first."
        )
