"""The domain model: entities, lookups and plan-wide validation."""

from __future__ import annotations

from datetime import date

import attrs
import pytest

from maebashi_dx import (
    KPI,
    DateSpan,
    KPIKind,
    Measurement,
    Milestone,
    PlanError,
    Target,
    parse_date,
    plan_from_dict,
    plan_to_dict,
)
from maebashi_dx.datasets import maebashi_2022
from maebashi_dx.model import Department
from tests.strategies import evolve_kpi


@pytest.fixture
def plan():  # type: ignore[no-untyped-def]
    return maebashi_2022()


class TestEntities:
    def test_measurement_rejects_nan(self) -> None:
        with pytest.raises(ValueError, match="finite"):
            Measurement(when=DateSpan.day(date(2022, 5, 1)), value=float("nan"))

    def test_measurement_rejects_bool(self) -> None:
        with pytest.raises(TypeError):
            Measurement(when=DateSpan.day(date(2022, 5, 1)), value=True)

    def test_ints_are_stored_as_floats(self) -> None:
        m = Measurement(when=DateSpan.day(date(2022, 5, 1)), value=90)
        assert m.value == 90.0
        assert isinstance(m.value, float)

    def test_entities_are_frozen(self) -> None:
        m = Measurement(when=DateSpan.day(date(2022, 5, 1)), value=1.0)
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            m.value = 2.0  # type: ignore[misc]

    def test_milestone_effort_must_be_a_non_negative_share(self) -> None:
        with pytest.raises(ValueError, match="share"):
            Milestone(id="m", title="t", when=DateSpan.day(date(2022, 5, 1)), effort={"a": -0.1})


class TestLookups:
    def test_lookups_find_by_id(self, plan) -> None:  # type: ignore[no-untyped-def]
        assert plan.kpi("kpi2").target.value == 90.0
        assert plan.project("p8").name == "デジタルインフラの整備"
        assert plan.working_group("wg13").aim == "誰も取り残されない"
        assert plan.pillar_of("p5").id == "pillar2"

    @pytest.mark.parametrize("method", ["kpi", "project", "working_group", "milestone"])
    def test_missing_id_raises_key_error_naming_it(self, plan, method: str) -> None:  # type: ignore[no-untyped-def]
        with pytest.raises(KeyError, match="nope"):
            getattr(plan, method)("nope")

    def test_shared_kpis_belong_to_several_projects(self, plan) -> None:  # type: ignore[no-untyped-def]
        assert [p.id for p in plan.projects_of("kpi2")] == ["p2", "p8"]
        assert [p.id for p in plan.projects_of("kpi3")] == ["p3", "p5"]

    def test_latest_respects_as_of(self, plan) -> None:  # type: ignore[no-untyped-def]
        kpi = plan.kpi("kpi2")
        assert kpi.latest(date(2022, 4, 29)).value == 27.91
        assert kpi.latest(date(2022, 4, 30)).value == 45.42
        assert kpi.latest(date(2022, 4, 30), series="applied").value == 51.73
        assert kpi.latest(date(2021, 3, 30)) is None


class TestPlanValidation:
    def test_every_problem_is_listed_with_its_path(self, plan) -> None:  # type: ignore[no-untyped-def]
        data = plan_to_dict(plan)
        data["kpis"][0]["target"] = {"value": 1.8, "deadline": "2019年度"}
        data["pillars"][0]["projects"][0]["kpi_ids"] = ["kpi1", "kpi99"]
        with pytest.raises(PlanError) as info:
            plan_from_dict(data)
        paths = {p.path: p.message for p in info.value.problems}
        assert "$.kpis[0].baseline.when" in paths  # after the deadline
        assert "$.kpis[0].target.value" in paths  # target equals baseline
        assert "kpi99" in paths["$.pillars[0].projects[0].kpi_ids[1]"]
        assert len(info.value.problems) == 3

    def test_a_kpi_checks_itself_with_paths_relative_to_it(self, plan) -> None:  # type: ignore[no-untyped-def]
        with pytest.raises(PlanError) as info:
            attrs.evolve(
                plan.kpi("kpi1"), target=Target(value=1.8, deadline=parse_date("2019年度"))
            )
        assert [p.path for p in info.value.problems] == ["$.baseline.when", "$.target.value"]

    def test_deadline_before_the_plan_starts(self, plan) -> None:  # type: ignore[no-untyped-def]
        kpi = attrs.evolve(
            plan.kpi("kpi1"),
            baseline=attrs.evolve(plan.kpi("kpi1").baseline, when=parse_date("2018年7月")),
            measurements=(),
            target=Target(value=100, deadline=parse_date("2019年度")),
        )
        with pytest.raises(
            PlanError, match=r"\$\.kpis\[0\]\.target\.deadline: deadline 2020-03-31"
        ):
            attrs.evolve(plan, kpis=(kpi, *plan.kpis[1:]))

    def test_duplicate_ids(self, plan) -> None:  # type: ignore[no-untyped-def]
        with pytest.raises(PlanError, match=r"\$\.kpis\[1\]\.id: duplicate KPI id 'kpi1'"):
            attrs.evolve(plan, kpis=(plan.kpis[0], attrs.evolve(plan.kpis[1], id="kpi1")))

    def test_unknown_references_from_milestones_and_wgs(self, plan) -> None:  # type: ignore[no-untyped-def]
        ms = attrs.evolve(plan.milestones[0], owner="wg99", depends_on=("zzz",), kpi_ids=("k9",))
        wg = attrs.evolve(plan.working_groups[0], project_ids=("p99",))
        with pytest.raises(PlanError) as info:
            attrs.evolve(
                plan,
                milestones=(ms, *plan.milestones[1:]),
                working_groups=(wg, *plan.working_groups[1:]),
            )
        paths = [p.path for p in info.value.problems]
        assert paths == [
            "$.working_groups[0].project_ids[0]",
            "$.milestones[0].owner",
            "$.milestones[0].depends_on[0]",
            "$.milestones[0].kpi_ids[0]",
        ]

    def test_stage_not_on_the_ladder(self, plan) -> None:  # type: ignore[no-untyped-def]
        kpi = plan.kpi("kpi3")
        with pytest.raises(PlanError, match="'finished' is not a stage"):
            attrs.evolve(kpi, measurements=(attrs.evolve(kpi.measurements[0], value="finished"),))

    def test_number_for_a_staged_kpi_and_text_for_a_quantitative_one(self, plan) -> None:  # type: ignore[no-untyped-def]
        with pytest.raises(PlanError, match="expected a number"):
            evolve_kpi(
                plan, 0, measurements=(attrs.evolve(plan.kpis[0].measurements[0], value="x"),)
            )

    def test_unordered_and_duplicate_measurements(self, plan) -> None:  # type: ignore[no-untyped-def]
        kpi = plan.kpi("kpi1")
        early = Measurement(when=parse_date("2021年5月"), value=2.0)
        late = Measurement(when=parse_date("2022年5月"), value=3.5)
        with pytest.raises(PlanError, match="out of order"):
            evolve_kpi(plan, 0, measurements=(late, early))
        with pytest.raises(PlanError, match="duplicate measurement"):
            evolve_kpi(plan, 0, measurements=(late, late))
        with pytest.raises(PlanError, match="duplicate measurement"):
            evolve_kpi(plan, 0, measurements=(kpi.baseline,))

    def test_unknown_series(self, plan) -> None:  # type: ignore[no-untyped-def]
        m = Measurement(when=parse_date("2022年5月"), value=3.0, series="typo")
        with pytest.raises(PlanError, match="unknown series 'typo'"):
            evolve_kpi(plan, 0, measurements=(m,))

    def test_staged_kpi_uses_the_default_ladder(self) -> None:
        kpi = KPI(
            id="k",
            name="n",
            kind=KPIKind.STAGED,
            target=Target(value="achieved", deadline=parse_date("2025年度")),
        )
        assert [s.id for s in kpi.ladder][:2] == ["not_started", "under_study"]
        assert kpi.stage_index("achieved") == 4


class TestDepartments:
    """A milestone's owner is a working group or a department (担当課), as plans write."""

    def test_a_department_owns_a_milestone(self, plan) -> None:  # type: ignore[no-untyped-def]
        dept = Department(id="joho-seisaku", name="情報政策課", name_en="Information Policy")
        ms = attrs.evolve(plan.milestones[0], owner="joho-seisaku")
        owned = attrs.evolve(plan, departments=(dept,), milestones=(ms, *plan.milestones[1:]))
        assert owned.department("joho-seisaku").name == "情報政策課"
        assert owned.milestones[0].owner == "joho-seisaku"
        with pytest.raises(KeyError, match="nope"):
            owned.department("nope")

    def test_an_unknown_owner_names_both_lists(self, plan) -> None:  # type: ignore[no-untyped-def]
        dept = Department(id="joho-seisaku", name="情報政策課")
        ms = attrs.evolve(plan.milestones[0], owner="情報政策課")
        with pytest.raises(PlanError) as info:
            attrs.evolve(plan, departments=(dept,), milestones=(ms, *plan.milestones[1:]))
        (problem,) = info.value.problems
        assert problem.path == "$.milestones[0].owner"
        assert "'情報政策課'" in problem.message
        assert "working group ('wg01', 'wg02'" in problem.message
        assert "department ('joho-seisaku')" in problem.message

    def test_a_department_may_not_take_a_working_groups_id(self, plan) -> None:  # type: ignore[no-untyped-def]
        with pytest.raises(PlanError, match=r"\$\.departments\[0\]\.id: .*ambiguous"):
            attrs.evolve(plan, departments=(Department(id="wg02", name="市民課"),))

    def test_duplicate_department_ids(self, plan) -> None:  # type: ignore[no-untyped-def]
        dept = Department(id="d", name="課")
        with pytest.raises(PlanError, match=r"\$\.departments\[1\]\.id: duplicate department"):
            attrs.evolve(plan, departments=(dept, dept))

    def test_the_starter_plan_names_a_department(self) -> None:
        from maebashi_dx import loads_plan
        from maebashi_dx.datasets import starter_plan_toml

        starter = loads_plan(starter_plan_toml("高崎市"), "toml")
        owners = {m.owner for m in starter.milestones}
        assert {d.id for d in starter.departments} <= owners
        assert {w.id for w in starter.working_groups} <= owners


class TestLimits:
    """What validation rejects because a later step could not handle it."""

    def test_bounds_must_rise(self, plan) -> None:  # type: ignore[no-untyped-def]
        for bounds in ((100, 0), (50, 50), (0, float("inf")), (float("nan"), 1)):
            with pytest.raises((ValueError, TypeError), match="bounds"):
                evolve_kpi(plan, 0, bounds=bounds)
        assert evolve_kpi(plan, 0, bounds=(0, 100)).kpis[0].bounds == (0.0, 100.0)

    @pytest.mark.parametrize("share", [0, -0.1, 1.01, 1e308, float("nan"), float("inf")])
    def test_effort_is_a_share_above_zero_up_to_one(self, share: float) -> None:
        with pytest.raises(ValueError, match="share above 0 and at most 1"):
            Milestone(id="m", title="t", when=DateSpan.day(date(2022, 5, 1)), effort={"a": share})
        Milestone(id="m", title="t", when=DateSpan.day(date(2022, 5, 1)), effort={"a": 1.0})

    def test_a_lone_string_is_not_a_list_of_ids(self) -> None:
        with pytest.raises(TypeError, match="list of texts"):
            Milestone(id="m", title="t", when=DateSpan.day(date(2022, 5, 1)), depends_on="abc")  # type: ignore[arg-type]

    def test_effort_must_be_a_table(self) -> None:
        with pytest.raises(TypeError, match="table of shares"):
            Milestone(id="m", title="t", when=DateSpan.day(date(2022, 5, 1)), effort=[("a", 0.5)])  # type: ignore[arg-type]

    @pytest.mark.parametrize(
        ("numerator", "denominator", "word"),
        [(-1, 10, "numerator"), (1, 0, "denominator"), (1, -10, "denominator")],
    )
    def test_counts_and_denominators(self, numerator: float, denominator: float, word: str) -> None:
        with pytest.raises(ValueError, match=word):
            Measurement(
                when=DateSpan.day(date(2022, 5, 1)),
                value=1.0,
                numerator=numerator,
                denominator=denominator,
            )
        # A count per resident may pass 1: a numerator above its denominator is allowed.
        Measurement(when=DateSpan.day(date(2022, 5, 1)), value=1.0, numerator=20, denominator=10)

    @pytest.mark.parametrize("day", [date(1867, 12, 31), date(2201, 1, 1), date(9998, 1, 1)])
    def test_dates_outside_the_supported_range(self, plan, day: date) -> None:  # type: ignore[no-untyped-def]
        with pytest.raises(ValueError, match="supported range"):
            Measurement(when=DateSpan.day(day), value=1.0)
        with pytest.raises(ValueError, match="supported range"):
            attrs.evolve(plan, report_date=day)

    def test_the_range_ends_are_supported(self) -> None:
        Measurement(when=DateSpan.day(date(1868, 1, 1)), value=1.0)
        Measurement(when=DateSpan.day(date(2200, 12, 31)), value=1.0)

    @pytest.mark.parametrize(
        ("name", "word"),
        [
            ("\ud800", "surrogate"),
            ("a\x00b", r"U\+0000"),
            ("a\x1bb", r"U\+001B"),
            ("長" * 10_001, "10,001"),
        ],
    )
    def test_texts_a_renderer_cannot_print(self, plan, name: str, word: str) -> None:  # type: ignore[no-untyped-def]
        with pytest.raises(PlanError, match=word) as info:
            evolve_kpi(plan, 0, name=name)
        assert info.value.problems[0].path == "$.kpis[0].name"

    def test_line_breaks_and_tabs_are_text(self, plan) -> None:  # type: ignore[no-untyped-def]
        assert evolve_kpi(plan, 0, name="一行目\n二行目\tタブ").kpis[0].name.startswith("一行目")

    @pytest.mark.parametrize("kpi_id", ["", " kpi1", "kpi1 ", "k\tpi"])
    def test_ids(self, plan, kpi_id: str) -> None:  # type: ignore[no-untyped-def]
        with pytest.raises((PlanError, ValueError)):
            evolve_kpi(plan, 0, id=kpi_id)
