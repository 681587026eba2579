"""Rolling-origin evaluation: its arithmetic by hand, and no forecaster ever sees the future.

Uses a small slice of the real data packaged with the library (群馬県's 35
municipalities) so it runs in seconds.
"""

from __future__ import annotations

import math
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from maebashi_dx import FORECASTERS
from maebashi_dx.backtest import Window, backtest, status_agreement
from maebashi_dx.datasets import mynumber_cards
from maebashi_dx.forecast import Reference, pace_shift, value_at
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
