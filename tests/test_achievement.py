"""Achievement ratio (達成率), elapsed share and pro-rating."""

from __future__ import annotations

from datetime import date, timedelta

import attrs
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from maebashi_dx import Direction, achievement, elapsed, expected_share, expected_value
from maebashi_dx.achievement import numeric, progress, ratio_of, start_of, target_number
from maebashi_dx.datasets import maebashi_2022
from maebashi_dx.errors import CalculationError
from maebashi_dx.model import KPI, Plan
from tests.strategies import make_kpi, plans, series

AS_OF = date(2022, 5, 31)


class TestCommitteeFigures:
    def test_kpi2_my_number_card(self) -> None:
        """(45.42 − 27.91) / (90 − 27.91) ≈ 28.2%."""
        value = achievement(maebashi_2022().kpi("kpi2"), AS_OF)
        assert value == pytest.approx((45.42 - 27.91) / (90 - 27.91))
        assert round(value * 100, 1) == 28.2

    def test_kpi1_online_procedures(self) -> None:
        """(3.5 − 1.8) / (100 − 1.8) ≈ 1.7%."""
        value = achievement(maebashi_2022().kpi("kpi1"), AS_OF)
        assert round(value * 100, 1) == 1.7

    def test_simple_method(self) -> None:
        assert achievement(maebashi_2022().kpi("kpi2"), AS_OF, method="simple") == pytest.approx(
            45.42 / 90
        )

    def test_staged_kpis_use_ladder_positions(self) -> None:
        plan = maebashi_2022()
        assert achievement(plan.kpi("kpi3"), AS_OF) == 0.5  # 事業化中: 2 of 4 rungs
        assert achievement(plan.kpi("kpi4"), AS_OF) == 0.25  # 検討中: 1 of 4

    def test_before_any_data_is_none(self) -> None:
        assert achievement(maebashi_2022().kpi("kpi2"), date(2021, 3, 30)) is None

    def test_only_the_baseline_is_zero(self) -> None:
        assert achievement(maebashi_2022().kpi("kpi2"), date(2021, 4, 1)) == 0.0

    def test_unknown_method(self) -> None:
        with pytest.raises(ValueError, match="unknown achievement method"):
            achievement(maebashi_2022().kpi("kpi2"), AS_OF, method="median")  # type: ignore[arg-type]


class TestEdgeCases:
    def test_no_baseline_gives_none_for_baseline_method(self) -> None:
        kpi = attrs.evolve(maebashi_2022().kpi("kpi2"), baseline=None)
        assert achievement(kpi, AS_OF) is None
        assert achievement(kpi, AS_OF, method="simple") == pytest.approx(45.42 / 90)

    def test_zero_latest_for_a_falling_kpi_is_none_not_an_error(self) -> None:
        kpi = make_kpi(
            [(date(2021, 1, 1), 10.0), (date(2022, 1, 1), 0.0)],
            target=5.0,
            deadline=date(2025, 3, 31),
            direction=Direction.DECREASE,
        )
        assert achievement(kpi, AS_OF, method="simple") is None
        assert achievement(kpi, AS_OF) == pytest.approx(2.0)

    def test_falling_target(self) -> None:
        kpi = make_kpi(
            [(date(2021, 1, 1), 100.0), (date(2022, 1, 1), 80.0)],
            target=50.0,
            deadline=date(2025, 3, 31),
            direction=Direction.DECREASE,
        )
        assert achievement(kpi, AS_OF) == pytest.approx(0.4)
        assert achievement(kpi, AS_OF, method="simple") == pytest.approx(50 / 80)


def _last(points: list[tuple[date, float]]) -> date:
    return points[-1][0]


class TestProperties:
    @given(series(), st.floats(-1e4, 1e4, allow_nan=False), st.floats(0, 1e4, allow_nan=False))
    def test_monotone_in_the_latest_value(self, data, value, bump) -> None:  # type: ignore[no-untyped-def]
        """Raising the latest value never lowers achievement on a rising target."""
        points, target, deadline = data
        assume(target > points[0][1])
        low = [*points[:-1], (_last(points), value)]
        high = [*points[:-1], (_last(points), value + bump)]
        a = achievement(make_kpi(low, target=target, deadline=deadline), _last(points))
        b = achievement(make_kpi(high, target=target, deadline=deadline), _last(points))
        assert a is not None
        assert b is not None
        assert b >= a - 1e-9

    @given(series())
    def test_symmetric_under_a_change_of_direction(self, data) -> None:  # type: ignore[no-untyped-def]
        """Negating every value and flipping the direction leaves achievement unchanged."""
        points, target, deadline = data
        up = make_kpi(points, target=target, deadline=deadline)
        down = make_kpi(
            [(d, -v) for d, v in points],
            target=-target,
            deadline=deadline,
            direction=Direction.DECREASE,
        )
        assert achievement(up, _last(points)) == pytest.approx(
            achievement(down, _last(points)), rel=1e-9, abs=1e-9
        )

    @given(series(), st.floats(1e-3, 1e3))
    def test_invariant_under_a_change_of_units(self, data, scale) -> None:  # type: ignore[no-untyped-def]
        """Percent or per-mille, people or thousands: the ratio is the same."""
        points, target, deadline = data
        # A rescaling that underflows (5e-324 × 0.5 is 0.0) is no change of units.
        assume(all(v == 0 or abs(v * scale) >= 1e-300 for v in (target, *(v for _, v in points))))
        a = make_kpi(points, target=target, deadline=deadline)
        b = make_kpi([(d, v * scale) for d, v in points], target=target * scale, deadline=deadline)
        for method in ("baseline", "simple"):
            x = achievement(a, _last(points), method=method)
            y = achievement(b, _last(points), method=method)
            if x is None:
                assert y is None
            else:
                assert y == pytest.approx(x, rel=1e-6, abs=1e-9)

    @given(series())
    def test_clamped_values_lie_in_0_1(self, data) -> None:  # type: ignore[no-untyped-def]
        points, target, deadline = data
        kpi = make_kpi(points, target=target, deadline=deadline)
        raw = achievement(kpi, _last(points))
        clamped = achievement(kpi, _last(points), clamp=True)
        assert raw is not None
        assert clamped is not None
        assert 0.0 <= clamped <= 1.0
        assert clamped == min(1.0, max(0.0, raw))

    @given(series(), st.integers(-400, 4000))
    def test_elapsed_lies_in_0_1_and_grows(self, data, offset) -> None:  # type: ignore[no-untyped-def]
        points, target, deadline = data
        kpi = make_kpi(points, target=target, deadline=deadline)
        day = points[0][0] + timedelta(days=offset)
        a = elapsed(kpi, day)
        b = elapsed(kpi, day + timedelta(days=30))
        assert a is not None
        assert b is not None
        assert 0.0 <= a <= b <= 1.0


class TestProRating:
    def test_tama_k_of_n_in_fiscal_years(self) -> None:
        kpi = maebashi_2022().kpi("kpi3")  # baseline FY2021, deadline FY2025: n = 5
        assert expected_share(kpi, date(2021, 12, 1)) == pytest.approx(1 / 5)
        assert expected_share(kpi, date(2022, 5, 31)) == pytest.approx(2 / 5)
        assert expected_share(kpi, date(2026, 3, 31)) == pytest.approx(1.0)

    def test_expected_value_is_linear_between_baseline_and_target(self) -> None:
        kpi = maebashi_2022().kpi("kpi2")
        share = elapsed(kpi, AS_OF)
        assert share == pytest.approx(426 / 730)
        assert expected_value(kpi, AS_OF) == pytest.approx(27.91 + share * (90 - 27.91))


def _kpi(points: list[tuple[date, float]], **kw: object) -> KPI:
    return make_kpi(points, **kw)  # type: ignore[arg-type]


class TestBoundaries:
    """Each of these fails on a mutant that the property tests above let through."""

    def test_exactly_at_the_target_is_one(self) -> None:
        kpi = _kpi(
            [(date(2021, 4, 1), 10.0), (date(2022, 4, 1), 30.0)],
            target=30.0,
            deadline=date(2024, 3, 31),
        )
        assert achievement(kpi, AS_OF) == 1.0
        assert achievement(kpi, AS_OF, method="simple") == 1.0

    def test_below_zero_and_above_one_unless_clamped(self) -> None:
        days = (date(2021, 4, 1), date(2022, 4, 1))
        worse = _kpi(
            list(zip(days, (10.0, 0.0), strict=True)), target=30.0, deadline=date(2024, 3, 31)
        )
        better = _kpi(
            list(zip(days, (10.0, 40.0), strict=True)), target=30.0, deadline=date(2024, 3, 31)
        )
        assert achievement(worse, AS_OF) == -0.5
        assert achievement(worse, AS_OF, clamp=True) == 0.0
        assert achievement(better, AS_OF) == 1.5
        assert achievement(better, AS_OF, clamp=True) == 1.0
        assert achievement(better, AS_OF, method="simple") == pytest.approx(4 / 3)
        assert achievement(better, AS_OF, method="simple", clamp=True) == 1.0
        # ratio_of is unclamped unless asked, as achievement is.
        assert ratio_of(better, 40.0) == 1.5
        assert ratio_of(better, 40.0, clamp=True) == 1.0

    def test_an_unknown_method_is_a_library_error(self) -> None:
        with pytest.raises(CalculationError, match="unknown achievement method 'median'"):
            ratio_of(maebashi_2022().kpi("kpi2"), 1.0, method="median")  # type: ignore[arg-type]


NO_BASELINE = attrs.evolve(maebashi_2022().kpi("kpi2"), baseline=None)  # deadline 2023-03-31
PLAN_START = date(2021, 4, 1)


class TestWithoutABaseline:
    """A KPI without a baseline counts its period from the plan's start."""

    def test_elapsed_from_the_plan_start(self) -> None:
        assert elapsed(NO_BASELINE, AS_OF) is None
        assert elapsed(NO_BASELINE, AS_OF, start=PLAN_START) == pytest.approx(425 / 729)
        assert elapsed(NO_BASELINE, PLAN_START, start=PLAN_START) == 0.0

    def test_pro_rating_from_the_plan_start(self) -> None:
        assert expected_share(NO_BASELINE, AS_OF) is None
        # FY2021 to FY2022: n = 2; 31 May 2022 lies in FY2022, the second year.
        assert expected_share(NO_BASELINE, AS_OF, start=PLAN_START) == 1.0
        assert expected_share(NO_BASELINE, date(2022, 3, 31), start=PLAN_START) == 0.5

    def test_no_expected_value_without_a_baseline(self) -> None:
        assert expected_value(NO_BASELINE, AS_OF, start=PLAN_START) is None

    def test_the_baseline_wins_over_the_plan_start(self) -> None:
        kpi = maebashi_2022().kpi("kpi2")
        assert elapsed(kpi, AS_OF, start=PLAN_START) == elapsed(kpi, AS_OF)
        assert start_of(kpi, PLAN_START) == date(2021, 3, 31)


class TestShortPeriods:
    def test_a_period_of_one_day(self) -> None:
        due = NO_BASELINE.target.due
        day_before = due - timedelta(days=1)
        assert elapsed(NO_BASELINE, day_before, start=day_before) == 0.0
        assert elapsed(NO_BASELINE, due, start=day_before) == 1.0

    def test_an_empty_period_has_no_elapsed_share(self) -> None:
        due = NO_BASELINE.target.due
        assert elapsed(NO_BASELINE, due, start=due) is None
        assert elapsed(NO_BASELINE, due, start=due + timedelta(days=5)) is None

    def test_within_one_fiscal_year(self) -> None:
        """n = 1: the whole target is due within the one year."""
        start = date(2022, 4, 1)
        assert expected_share(NO_BASELINE, date(2022, 4, 1), start=start) == 1.0
        assert expected_share(NO_BASELINE, date(2022, 3, 31), start=start) == 0.0
        assert elapsed(NO_BASELINE, date(2022, 10, 1), start=start) == pytest.approx(183 / 364)

    def test_a_start_in_a_fiscal_year_after_the_deadline(self) -> None:
        assert expected_share(NO_BASELINE, AS_OF, start=date(2023, 4, 1)) is None
        assert expected_share(NO_BASELINE, AS_OF, start=date(2024, 4, 1)) is None


def test_a_ratio_beyond_the_float_range_is_none() -> None:
    kpi = make_kpi(
        [(date(2021, 4, 1), -1e308), (date(2022, 4, 1), 1e308)],
        target=-1e308 + 1e293,
        deadline=date(2024, 3, 31),
    )
    assert achievement(kpi, AS_OF) is None
    assert achievement(kpi, AS_OF, clamp=True) is None


class TestProgress:
    """progress() gives, in one pass, what each function of the module gives alone."""

    @staticmethod
    def check(kpi: KPI, as_of: date, start: date | None) -> None:
        p = progress(kpi, as_of, start=start)
        latest = kpi.latest(as_of)
        assert p.latest is latest
        assert p.target == target_number(kpi)
        assert p.base == (numeric(kpi, kpi.baseline) if kpi.baseline is not None else None)
        assert p.value == (numeric(kpi, latest) if latest is not None else None)
        assert p.achievement == achievement(kpi, as_of)
        assert p.achievement_simple == achievement(kpi, as_of, method="simple")
        assert p.elapsed == elapsed(kpi, as_of, start=start)
        assert p.expected_share == expected_share(kpi, as_of, start=start)
        assert p.expected == expected_value(kpi, as_of, start=start)

    @given(
        plan=plans(),
        as_of=st.dates(date(2010, 1, 1), date(2040, 12, 31)),
        use_start=st.booleans(),
    )
    def test_every_kpi_of_random_plans(self, plan: Plan, as_of: date, use_start: bool) -> None:
        for kpi in plan.kpis:
            self.check(kpi, as_of, plan.period.start if use_start else None)

    @pytest.mark.parametrize("as_of", [date(2020, 1, 1), AS_OF, date(2030, 1, 1)])
    def test_the_bundled_plan(self, as_of: date) -> None:
        plan = maebashi_2022()
        for kpi in plan.kpis:
            self.check(kpi, as_of, plan.period.start)

    def test_without_a_baseline(self) -> None:
        kpi = attrs.evolve(maebashi_2022().kpi("kpi2"), baseline=None)
        p = progress(kpi, AS_OF, start=date(2021, 4, 1))
        assert p.base is None
        assert p.achievement is None
        assert p.expected is None
        assert p.elapsed == elapsed(kpi, AS_OF, start=date(2021, 4, 1))
        assert p.achievement_simple == pytest.approx(45.42 / 90)
