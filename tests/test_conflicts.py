"""Schedule conflicts: equal to a brute-force oracle, order-free, exact at the boundaries."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

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
    find_conflicts,
)
from maebashi_dx.datasets import maebashi_2022
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
    """Exact day spans with shared resources, effort shares and dependencies."""
    n = draw(st.integers(0, 14))
    milestones: list[Milestone] = []
    for i in range(n):
        ids = [m.id for m in milestones]
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
                    draw(st.lists(st.sampled_from(ids), max_size=2, unique=True)) if ids else []
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

    def test_a_long_chain_does_not_hit_the_recursion_limit(self) -> None:
        n = 5000
        chain = [ms(f"m{i:05d}", "2022-05-01", depends_on=(f"m{i + 1:05d}",)) for i in range(n - 1)]
        chain.append(ms(f"m{n - 1:05d}", "2022-05-01", depends_on=("m00000",)))
        (c,) = find_conflicts(plan_of(chain), rules=["dependency_cycle"])
        assert len(c.subject_ids) == n


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
