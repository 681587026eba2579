"""Rolling-origin evaluation: its arithmetic by hand, and no forecaster ever sees the future.

Uses a small slice of the real data packaged with the library (群馬県's 35
municipalities) so it runs in seconds.
"""

from __future__ import annotations

import math
from datetime import date, timedelta

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from maebashi_dx import FORECASTERS
from maebashi_dx.backtest import (
    CALIBRATED_SUFFIX,
    Outcome,
    Window,
    backtest,
    reliability,
    score_outcomes,
    status_agreement,
)
from maebashi_dx.datasets import mynumber_cards
from maebashi_dx.errors import CalculationError
from maebashi_dx.forecast import Reference, months_before, pace_shift, value_at
from maebashi_dx.model import Direction
from maebashi_dx.report import render

WINDOWS = [Window.months(date(2021, 4, 1), 12), Window.months(date(2020, 4, 1), 6)]


@pytest.fixture(scope="module")
def gunma() -> dict[str, tuple[tuple[date, ...], tuple[float, ...]]]:
    table = mynumber_cards("municipalities")
    return {
        k: (tuple(r.as_of for r in rows), tuple(r.rate_pct for r in rows))
        for k, rows in table.series.items()
        if k.startswith("10")
    }


class TestArithmetic:
    def test_a_hand_computed_case(self) -> None:
        """Two series, two methods, one window, every number worked out by hand."""
        d = (date(2021, 1, 1), date(2022, 1, 1), date(2023, 1, 1))  # 365 days apart
        panel = {"up": (d, (10.0, 20.0, 25.0)), "flat": (d, (50.0, 50.0, 56.0))}
        result = backtest(panel, ["naive", "two_point"], [Window(d[1], d[2])])
        # naive: forecasts 20 and 50; errors 20−25 = −5 and 50−56 = −6.
        naive = result.score("naive", Window(d[1], d[2]))
        assert (naive.n, naive.mae, naive.median_ae, naive.bias) == (2, 5.5, 5.5, -5.5)
        assert naive.coverage == 0.0  # a zero-width interval never holds a changed value
        # two_point: 10 → 20 goes on to 30 (error +5); 50 → 50 stays 50 (error −6).
        two = result.score("two_point", Window(d[1], d[2]))
        assert two.mae == pytest.approx(5.5)
        assert two.bias == pytest.approx(-0.5)
        # The two-point interval runs from stalled (20, 50) to doubled (40, 50).
        assert two.coverage == pytest.approx(0.5)

    def test_the_actual_is_interpolated_between_snapshots(self) -> None:
        days = (date(2019, 9, 16), date(2019, 11, 1))
        assert value_at(days, (10.0, 14.6), date(2019, 10, 1)) == pytest.approx(11.5)
        assert value_at(days, (10.0, 14.6), date(2020, 1, 1)) is None

    def test_status_agreement(self) -> None:
        d = (date(2021, 1, 1), date(2022, 1, 1), date(2023, 1, 1))
        panel = {"a": (d, (10.0, 50.0, 61.0)), "b": (d, (10.0, 55.0, 58.0))}
        result = backtest(panel, ["naive"], [Window(d[1], d[2])])
        (a,) = status_agreement(result, [60.0])
        # naive says neither meets 60; "a" did (a false alarm), "b" did not.
        assert (a.agree, a.met, a.false_alarms, a.missed_warnings) == (0.5, 0.5, 0.5, 0.0)

    def test_pace_shift(self) -> None:
        d = (date(2019, 1, 1), date(2020, 1, 1), date(2021, 1, 1), date(2022, 1, 1))
        # Yearly changes 1, 3, 4 (newest first: 4, 3, 1): largest step 2.
        assert pace_shift(d, (0.0, 1.0, 4.0, 8.0)) == pytest.approx(2.0)
        assert pace_shift(d[:2], (0.0, 1.0)) is None


class TestRealSlice:
    def test_every_built_in_is_scored_on_every_window(self, gunma) -> None:  # type: ignore[no-untyped-def]
        result = backtest(gunma, list(FORECASTERS), WINDOWS)
        for name in FORECASTERS:
            for window in WINDOWS:
                score = result.score(name, window)
                assert score.n + score.skipped == 35
                assert math.isfinite(score.mae) or score.n == 0

    def test_the_default_beats_the_naive_baseline(self, gunma) -> None:  # type: ignore[no-untyped-def]
        result = backtest(gunma, ["naive", "blend"], WINDOWS)
        for window in WINDOWS:
            assert result.score("blend", window).mae < result.score("naive", window).mae

    def test_tables_render(self, gunma) -> None:  # type: ignore[no-untyped-def]
        from maebashi_dx.report.accuracy import agreement_table, scores_table

        result = backtest(gunma, ["naive", "blend"], WINDOWS[:1])
        text = render(scores_table(result), "markdown")
        assert "| 2021-04-01 → 2022-04-01 | blend | 35 |" in text
        assert "80% coverage" in text
        assert "false alarms" in render(agreement_table(status_agreement(result, [60.0])), "csv")


@st.composite
def poisoned(
    draw: st.DrawFn,
) -> tuple[dict[str, tuple[tuple[date, ...], tuple[float, ...]]], Window]:
    """A series (and a reference series on the same days), a window, and absurd values
    after the origin (until the horizon)."""
    n = draw(st.integers(2, 12))
    start = date(2018, 1, 1)
    days = tuple(start + timedelta(days=60 * i) for i in range(n))
    values = tuple(draw(st.lists(st.floats(1, 90), min_size=n, max_size=n)))
    theirs = tuple(draw(st.lists(st.floats(1, 90), min_size=n, max_size=n)))
    origin = days[draw(st.integers(1, n - 1))]
    horizon = origin + timedelta(days=draw(st.integers(30, 400)))
    return {"s": (days, values), "ref": (days, theirs)}, Window(origin, horizon)


@settings(max_examples=40)
@given(poisoned(), st.floats(-1e6, 1e6))
def test_no_forecaster_ever_sees_data_after_its_origin(case, poison: float) -> None:  # type: ignore[no-untyped-def]
    """Replacing every value after the origin, the reference's too, changes no forecast
    (only the actuals). Every registered forecaster is run, ``pooled`` with a reference."""
    panel, window = case
    days, values = panel["s"]
    ref_days, theirs = panel["ref"]
    if value_at(days, values, window.horizon) is None:
        days = (*days, window.horizon)
        values = (*values, 50.0)
    after = [i for i, d in enumerate(days) if window.origin < d]

    def spoil(
        xs: tuple[float, ...], when: tuple[date, ...], bad: float | None
    ) -> tuple[float, ...]:
        return tuple(
            bad if bad is not None and d > window.origin else x
            for x, d in zip(xs, when, strict=True)
        )

    outcomes = []
    for bad in (None, poison):
        reference = Reference(label="ref", days=ref_days, values=spoil(theirs, ref_days, bad))
        result = backtest(
            {"s": (days, spoil(values, days, bad))},
            list(FORECASTERS),
            [window],
            bounds=None,
            references={"s": reference},
        )
        outcomes.append(result.outcomes)
    clean, dirty = outcomes
    assert after  # the poison lands somewhere
    assert clean  # something was forecast
    assert "pooled" in {x.method for x in clean}
    for x, y in zip(clean, dirty, strict=True):
        assert (x.method, x.forecast, x.low, x.high) == (y.method, y.forecast, y.low, y.high)


@pytest.fixture(scope="module")
def result(gunma):  # type: ignore[no-untyped-def]
    return backtest(gunma, ["naive", "blend"], WINDOWS, calibrate=["blend"], targets=[30.0, 40.0])


class TestCalibrated:
    """The defaults scored again with calibrated intervals and chances (blend+conformal)."""

    def test_same_points_other_intervals(self, result) -> None:  # type: ignore[no-untyped-def]
        plain = [o for o in result.outcomes if o.method == "blend"]
        calibrated = [o for o in result.outcomes if o.method == "blend" + CALIBRATED_SUFFIX]
        assert len(plain) == len(calibrated) == 70
        assert [o.forecast for o in plain] == [o.forecast for o in calibrated]
        assert [(o.low, o.high) for o in plain] != [(o.low, o.high) for o in calibrated]
        assert all(len(o.probabilities) == 2 for o in calibrated)
        assert all(o.probabilities == () for o in plain)
        # a higher target is never likelier
        assert all(o.probabilities[1] <= o.probabilities[0] for o in calibrated)

    def test_reliability_by_hand(self, result) -> None:  # type: ignore[no-untyped-def]
        window = WINDOWS[0]
        outs = [o for o in result.outcomes if o.method == "blend+conformal" and o.window == window]
        (r,) = [
            x
            for x in reliability(result, by_target=True)
            if x.window == window and x.target == 40.0
        ]
        ps = [o.probabilities[1] for o in outs]
        met = [o.actual >= 40.0 for o in outs]
        assert r.n == 35
        assert r.brier == pytest.approx(
            sum((p - m) ** 2 for p, m in zip(ps, met, strict=True)) / 35
        )
        (agreement,) = [
            a
            for a in status_agreement(result, [40.0])
            if a.method == "blend" and a.window == window
        ]
        assert r.verdict_brier == pytest.approx(1 - agreement.agree)
        assert sum(b.n for b in r.bins) == 35
        for b in r.bins:
            inside = [
                (p, m)
                for p, m in zip(ps, met, strict=True)
                if b.low <= p < b.high or p == b.high == 1
            ]
            assert b.n == len(inside)
            assert b.observed == pytest.approx(sum(m for _, m in inside) / len(inside))

    def test_pooled_over_targets_and_windows(self, result) -> None:  # type: ignore[no-untyped-def]
        overall = [r for r in reliability(result) if r.window is None]
        assert [(r.method, r.target, r.n) for r in overall] == [("blend+conformal", None, 140)]

    def test_a_poisoned_future_changes_no_interval_and_no_chance(self, gunma) -> None:  # type: ignore[no-untyped-def]
        """Every value after 2021-04-01 except the outcome at the horizon replaced by huge
        nonsense: the calibrated intervals and chances of that window are the same."""
        window = WINDOWS[0]
        runs = []
        for poison in (False, True):
            panel = {}
            for key, (days, values) in list(gunma.items())[:12]:
                spoiled = tuple(
                    1e9 + i if poison and window.origin < d and d != window.horizon else v
                    for i, (d, v) in enumerate(zip(days, values, strict=True))
                )
                panel[key] = (days, spoiled)
            runs.append(
                backtest(panel, ["blend"], [window], calibrate=["blend"], targets=[40.0]).outcomes
            )
        for x, y in zip(*runs, strict=True):
            assert (x.method, x.forecast, x.low, x.high, x.probabilities, x.actual) == (
                y.method,
                y.forecast,
                y.low,
                y.high,
                y.probabilities,
                y.actual,
            )

    def test_a_poisoned_future_leaves_the_earlier_window_alone(self, gunma) -> None:  # type: ignore[no-untyped-def]
        """Two windows, one track record up to the later origin: every value after the
        earlier origin (bar its outcome) replaced by nonsense changes none of the earlier
        window's calibrated intervals and chances. A calibration of that window that
        read anything known only later (e.g. calibrating at its horizon) would change."""
        early = Window.months(date(2020, 4, 1), 6)
        late = Window.months(date(2021, 4, 1), 12)
        runs = []
        for poison in (False, True):
            panel = {}
            for key, (days, values) in list(gunma.items())[:12]:
                spoiled = tuple(
                    1e9 + i if poison and early.origin < d and d != early.horizon else v
                    for i, (d, v) in enumerate(zip(days, values, strict=True))
                )
                panel[key] = (days, spoiled)
            result = backtest(panel, ["blend"], [early, late], calibrate=["blend"], targets=[20.0])
            runs.append(
                [
                    (o.series_id, o.method, o.low, o.high, o.probabilities)
                    for o in result.outcomes
                    if o.window == early
                ]
            )
        clean, dirty = runs
        assert any(m == "blend" + CALIBRATED_SUFFIX and p for _, m, _, _, p in clean)
        assert clean == dirty

    def test_only_methods_of_the_backtest(self, gunma) -> None:  # type: ignore[no-untyped-def]
        with pytest.raises(
            CalculationError, match="calibrate names methods not in the backtest: cagr"
        ):
            backtest(gunma, ["blend"], WINDOWS, calibrate=["cagr"])

    def test_outside_outcomes_are_scored_alike(self, result) -> None:  # type: ignore[no-untyped-def]
        again = score_outcomes([o for o in result.outcomes if o.method == "naive"])
        for window in WINDOWS:
            ours, theirs = result.score("naive", window), again.score("naive", window)
            assert (ours.n, ours.mae, ours.bias, ours.coverage, ours.width) == (
                theirs.n,
                theirs.mae,
                theirs.bias,
                theirs.coverage,
                theirs.width,
            )

    def test_tables_render(self, result) -> None:  # type: ignore[no-untyped-def]
        from maebashi_dx.report.accuracy import brier_table, reliability_table, scores_table

        assert "| blend+conformal |" in render(scores_table(result), "markdown")
        assert "mean width" in render(scores_table(result), "markdown")
        ja = render(reliability_table(reliability(result), lang="ja"), "text")
        assert "複合予測（`blend`）（較正済み）" in ja
        assert "Brier score of the verdict" in render(brier_table(reliability(result)), "markdown")


class TestLowerIsBetter:
    """A KPI where lower is better meets its target at or below it: the chances say so,
    and the reliability table and the status agreement must count it the same way."""

    def test_falling_series_meet_a_ceiling(self) -> None:
        days = tuple(months_before(date(2022, 1, 1), -k) for k in range(48))
        # 30 steady declines with a little noise, all well below 60 by 2025-07.
        panel = {
            f"s{i}": (
                days,
                tuple(
                    80.0 - (0.5 + 0.02 * i) * k + (0.3 if k % 3 == 0 else 0.0) for k in range(48)
                ),
            )
            for i in range(30)
        }
        window = Window.months(date(2025, 1, 1), 6)
        result = backtest(
            panel,
            ["blend"],
            [window],
            direction=Direction.DECREASE,
            calibrate=["blend"],
            targets=[60.0],
        )
        outs = [o for o in result.outcomes if o.method == "blend" + CALIBRATED_SUFFIX]
        assert len(outs) == 30
        assert all(o.actual <= 60.0 for o in outs)  # every one met its ceiling
        assert all(o.probabilities[0] > 0.9 for o in outs)  # and was told so
        overall = next(r for r in reliability(result) if r.window is None)
        assert all(b.observed == 1.0 for b in overall.bins)
        assert overall.brier < 0.01
        (agreement,) = [a for a in status_agreement(result, [60.0]) if a.method == "blend"]
        assert (agreement.met, agreement.agree) == (1.0, 1.0)

    @given(
        st.lists(
            st.tuples(st.floats(-100, 100), st.floats(-100, 100), st.floats(0, 1)),
            min_size=1,
            max_size=20,
        ),
        st.floats(-100, 100),
    )
    def test_symmetry_under_a_change_of_direction(
        self, cases: list[tuple[float, float, float]], target: float
    ) -> None:
        """Negating forecasts, actuals and target and flipping the direction changes no
        verdict, no Brier score and no reliability bin (the convention
        ``direction.sign × (value − target) ≥ 0``)."""
        window = Window.months(date(2021, 4, 1), 6)

        def run(sign: int, direction: Direction) -> tuple[object, ...]:
            outcomes = [
                Outcome(
                    series_id=f"s{i}",
                    method="m",
                    window=window,
                    forecast=sign * f,
                    low=sign * f,
                    high=sign * f,
                    actual=sign * a,
                    probabilities=(p,),
                )
                for i, (f, a, p) in enumerate(cases)
            ]
            result = attrs.evolve(
                score_outcomes(outcomes, direction=direction), targets=(sign * target,)
            )
            (a,) = status_agreement(result, [sign * target])
            scored = [(r.window, r.brier, r.verdict_brier, r.bins) for r in reliability(result)]
            return a.agree, a.met, a.false_alarms, a.missed_warnings, scored

        assert run(1, Direction.INCREASE) == run(-1, Direction.DECREASE)
