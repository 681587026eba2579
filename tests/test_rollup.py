"""Roll-ups: normalised weighted means and the missing-value policy."""

from __future__ import annotations

from datetime import date

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from maebashi_dx import Status, assess
from maebashi_dx.datasets import maebashi_2022
from maebashi_dx.errors import CalculationError
from maebashi_dx.rollup import MissingPolicy, Rollup, weighted_mean

values = st.floats(-10, 10, allow_nan=False)
weights = st.floats(0.001, 100)
items = st.lists(st.tuples(st.none() | values, weights), min_size=1, max_size=12)


class TestWeightedMean:
    @given(items)
    def test_mean_lies_between_min_and_max(self, pairs) -> None:  # type: ignore[no-untyped-def]
        mean, coverage = weighted_mean(pairs)
        known = [v for v, _ in pairs if v is not None]
        if not known:
            assert mean is None
            assert coverage == 0
            return
        assert mean is not None
        assert min(known) - 1e-9 <= mean <= max(known) + 1e-9
        assert 0 < coverage <= 1 + 1e-12

    @given(items, st.floats(0.01, 100))
    def test_scaling_all_weights_changes_nothing(self, pairs, k) -> None:  # type: ignore[no-untyped-def]
        a = weighted_mean(pairs)
        b = weighted_mean([(v, w * k) for v, w in pairs])
        assert (a[0] is None) == (b[0] is None)
        if a[0] is not None:
            assert b[0] == pytest.approx(a[0], rel=1e-9, abs=1e-9)
        assert b[1] == pytest.approx(a[1])

    @given(items)
    def test_order_does_not_matter(self, pairs) -> None:  # type: ignore[no-untyped-def]
        a = weighted_mean(pairs)
        b = weighted_mean(list(reversed(pairs)))
        if a[0] is None:
            assert b[0] is None
        else:
            assert b[0] == pytest.approx(a[0], rel=1e-9, abs=1e-12)

    def test_missing_policies(self) -> None:
        pairs = [(0.2, 1.0), (None, 1.0)]
        assert weighted_mean(pairs, "skip") == (0.2, 0.5)
        assert weighted_mean(pairs, "zero") == (0.1, 0.5)
        assert weighted_mean(pairs, "propagate") == (None, 0.5)

    def test_zero_weights_count_as_equal(self) -> None:
        assert weighted_mean([(0.2, 0.0), (0.4, 0.0)])[0] == pytest.approx(0.3)


class TestPlanRollups:
    def test_projects_pillars_and_plan(self) -> None:
        result = assess(maebashi_2022(), date(2022, 5, 31))
        p2 = next(r for r in result.projects if r.id == "p2")
        p8 = next(r for r in result.projects if r.id == "p8")
        assert p2.value == p8.value == pytest.approx(result.row("kpi2").achievement)
        pillar1 = result.pillars[0]
        achievements = [result.row(k).achievement for k in ("kpi1", "kpi2", "kpi3")]
        assert pillar1.value == pytest.approx(sum(achievements) / 3)
        assert pillar1.status is Status.OFF_TRACK  # worst of its projects
        assert result.overall.value == pytest.approx(sum(r.value for r in result.pillars) / 3)
        assert result.overall.members == ("pillar1", "pillar2", "pillar3")

    def test_clamping_keeps_a_kpi_past_its_target_from_hiding_others(self) -> None:
        result = assess(maebashi_2022(), date(2022, 5, 31), clamp=False)
        assert result.overall.value is not None


class TestWeightsAndPolicies:
    def test_unequal_weights_summing_to_less_than_one(self) -> None:
        mean, coverage = weighted_mean([(0.2, 0.1), (0.8, 0.3)])
        assert mean == pytest.approx((0.2 * 0.1 + 0.8 * 0.3) / 0.4)
        assert coverage == 1.0
        mean, coverage = weighted_mean([(0.2, 0.1), (0.8, 0.3), (None, 0.4)])
        assert mean == pytest.approx(0.65)
        assert coverage == pytest.approx(0.5)

    def test_unequal_weights_summing_to_one(self) -> None:
        assert weighted_mean([(1.0, 0.25), (0.0, 0.75)]) == (0.25, 1.0)

    def test_each_policy_with_nothing_missing_is_the_plain_mean(self) -> None:
        pairs = [(0.2, 1.0), (0.5, 3.0)]
        for policy in ("skip", "zero", "propagate"):
            mean, coverage = weighted_mean(pairs, policy)
            assert (mean, coverage) == (pytest.approx(0.425), 1.0)

    def test_zero_counts_missing_values_with_their_weight(self) -> None:
        mean, coverage = weighted_mean([(0.6, 1.0), (None, 3.0)], "zero")
        assert (mean, coverage) == (pytest.approx(0.15), 0.25)

    def test_only_weightless_values_known(self) -> None:
        """A known value of weight 0 next to a missing one of weight 1: nothing to average."""
        assert weighted_mean([(0.5, 0.0), (None, 1.0)]) == (None, 0.0)

    def test_nothing_to_roll_up(self) -> None:
        assert weighted_mean([]) == (None, 0.0)
        assert weighted_mean([(None, 1.0)], "zero") == (0.0, 0.0)

    def test_an_unknown_policy_is_an_error(self) -> None:
        with pytest.raises(CalculationError, match="unknown missing-value policy 'drop'"):
            weighted_mean([(0.2, 1.0)], "drop")  # type: ignore[arg-type]


class TestRollupOf:
    def test_every_field(self) -> None:
        parts = [
            ("kpi1", 0.2, 1.0, Status.ON_TRACK),
            ("kpi2", None, 3.0, Status.NO_DATA),
            ("kpi3", 0.6, 1.0, Status.AT_RISK),
        ]
        r = Rollup.of("project", "p1", "事業", "Project", parts, "zero")
        assert r == Rollup(
            level="project",
            id="p1",
            name="事業",
            name_en="Project",
            value=pytest.approx(0.16),  # (0.2 + 0 × 3 + 0.6) / 5
            status=Status.AT_RISK,
            coverage=pytest.approx(0.4),
            members=("kpi1", "kpi2", "kpi3"),
        )
        assert Rollup.of("plan", "p", "計画", "", parts, "skip").value == pytest.approx(0.4)
        assert Rollup.of("plan", "p", "計画", "", parts, "propagate").value is None
        assert Rollup.of("pillar", "x", "柱", "", [], "skip").status is None

    def test_the_missing_policy_reaches_the_plan(self) -> None:
        """Without its baseline kpi2 has no achievement: 'zero' lowers the plan's value."""
        bundled, day = maebashi_2022(), date(2022, 5, 31)
        kpis = tuple(attrs.evolve(k, baseline=None) if k.id == "kpi2" else k for k in bundled.kpis)
        plan = attrs.evolve(bundled, kpis=kpis)
        skip = assess(plan, day, missing="skip")
        zero = assess(plan, day, missing="zero")
        propagate = assess(plan, day, missing="propagate")
        gaps = [r.kpi_id for r in skip.rows if r.achievement is None]
        assert gaps == ["kpi2"]
        assert zero.overall.value is not None
        assert skip.overall.value is not None
        assert zero.overall.value < skip.overall.value
        assert propagate.overall.value is None


statuses = st.sampled_from(list(Status))
parts_of = st.lists(
    st.tuples(st.text(max_size=3), st.none() | values, weights, st.none() | statuses),
    max_size=12,
)


@given(parts_of, st.sampled_from(["skip", "zero", "propagate"]))
def test_a_rollup_is_what_its_init_builds_from_the_sums(
    parts: list[tuple[str, float | None, float, Status | None]], missing: MissingPolicy
) -> None:
    # Rollup.of builds through its slots (slot_maker): the same object as __init__ by name
    # from the weighted mean (over generators, as it was) and the worst status read
    # through the severity property, to the bit; its hash too.
    pairs = [(v, w) for _, v, w, _ in parts]
    total = sum(w for _, w in pairs)
    known = [(v, w) for v, w in pairs if v is not None]
    value, coverage = weighted_mean(pairs, missing)
    if known and missing == "skip":
        weight = sum(w for _, w in known)
        assert value == sum(v * w for v, w in known) / weight
        assert coverage == weight / total
    found = [s for _, _, _, s in parts if s is not None]
    informative = [s for s in found if s is not Status.NO_DATA] or found
    worst = max(informative, key=lambda s: s.severity) if found else None
    got = Rollup.of("project", "p", "事業", "Project", parts, missing)
    want = Rollup(
        level="project",
        id="p",
        name="事業",
        name_en="Project",
        value=value,
        status=worst,
        coverage=coverage,
        members=tuple(m for m, _, _, _ in parts),
    )
    assert got == want
    assert got.status is worst
    assert hash(got) == hash(want)


def test_a_subclass_of_rollup_is_rolled_up_through_its_own_init() -> None:
    """Rollup.of builds Rollup itself through its slots, and a subclass (its own fields,
    checks or hooks) through its __init__, with the same figures."""

    @attrs.frozen(kw_only=True)
    class Noted(Rollup):
        note: str = ""

        def __attrs_post_init__(self) -> None:
            object.__setattr__(self, "note", f"{self.level}:{len(self.members)}")

    parts = [("a", 0.5, 1.0, Status.ON_TRACK), ("b", 0.25, 1.0, Status.OFF_TRACK)]
    for _ in range(70):  # past the point where Rollup's maker is written out
        plain = Rollup.of("plan", "p", "計画", "Plan", parts, "skip")
    noted = Noted.of("plan", "p", "計画", "Plan", parts, "skip")
    assert type(noted) is Noted
    assert noted.note == "plan:2"
    assert attrs.asdict(noted, filter=lambda a, _: a.name != "note") == attrs.asdict(plain)
