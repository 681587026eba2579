"""Calibrated intervals and the chance of meeting a target (maebashi_dx.forecast.conformal):
the conformal and ACI arithmetic as properties, a poisoned future that must not be read,
and figures pinned on the packaged data."""

from __future__ import annotations

import math
from datetime import date, timedelta

import attrs
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from maebashi_dx.datasets import maebashi_2022, mynumber_cards
from maebashi_dx.errors import CalculationError
from maebashi_dx.forecast import (
    FORECASTERS,
    SeriesInput,
    forecast,
    months_before,
    series_input,
    value_at,
)
from maebashi_dx.forecast.conformal import (
    Calibration,
    HorizonTable,
    TrackRecord,
    _Case,
    _replay,
    _score,
    aci_bound,
    aci_step,
    apply_calibration,
    calibrate,
    calibrate_plan,
    calibrate_value,
    calibrated_interval,
    chance,
    conformal_quantiles,
    horizon_months,
    min_scores,
    series_pace,
)
from maebashi_dx.forecast.messages import Message
from maebashi_dx.forecast.run import run_forecaster

Panel = dict[str, tuple[tuple[date, ...], tuple[float, ...]]]

scores_st = st.lists(
    st.floats(-50, 50, allow_nan=False, allow_infinity=False), min_size=1, max_size=60
).map(sorted)
alpha_st = st.floats(0.01, 0.99)


@pytest.fixture(scope="module")
def prefectures() -> Panel:
    table = mynumber_cards("prefectures")
    return {
        k: (tuple(r.as_of for r in rows), tuple(r.rate_pct for r in rows))
        for k, rows in table.series.items()
    }


class TestConformalQuantiles:
    @given(scores_st, alpha_st, alpha_st)
    def test_a_higher_level_never_narrows(self, scores: list[float], a: float, b: float) -> None:
        """Monotone in the level: a smaller miss level gives an interval containing the
        larger one's."""
        small, large = sorted((a, b))
        lo_small, hi_small = conformal_quantiles(scores, small)
        lo_large, hi_large = conformal_quantiles(scores, large)
        assert lo_small <= lo_large
        assert hi_large <= hi_small

    @given(scores_st, alpha_st)
    def test_holds_at_least_the_level_of_its_own_scores(
        self, scores: list[float], alpha: float
    ) -> None:
        """The ranks ⌊(n+1)α/2⌋ and ⌈(n+1)(1−α/2)⌉ leave at most a share α outside."""
        low, high = conformal_quantiles(scores, alpha)
        inside = sum(low <= s <= high for s in scores)
        assert inside / len(scores) >= 1 - alpha

    @given(scores_st)
    def test_finite_exactly_from_the_minimum_count(self, scores: list[float]) -> None:
        low, high = conformal_quantiles(scores, 0.2)
        finite = math.isfinite(low) and math.isfinite(high)
        assert finite == (len(scores) >= min_scores(0.8))

    def test_aci_extremes(self) -> None:
        """alpha ≤ 0: every outcome (infinite); alpha ≥ 1: the empty set's stand-in."""
        assert conformal_quantiles([1.0, 2.0, 3.0], 0.0) == (-math.inf, math.inf)
        assert conformal_quantiles([1.0, 2.0, 3.0], 1.2) == (2.0, 2.0)
        assert conformal_quantiles([], 0.2) == (-math.inf, math.inf)

    def test_ranks_by_hand(self) -> None:
        """n = 19, alpha = 0.2: ranks ⌊20 × 0.1⌋ = 2 and ⌈20 × 0.9⌉ = 18."""
        scores = [float(i) for i in range(1, 20)]
        assert conformal_quantiles(scores, 0.2) == (2.0, 18.0)
        assert conformal_quantiles(scores[:8], 0.2) == (-math.inf, math.inf)


class TestACI:
    @given(
        st.floats(0.05, 0.5),
        st.floats(0.005, 0.5),
        st.lists(st.floats(0, 1), min_size=1, max_size=300),
    )
    def test_long_run_miss_share(self, alpha: float, gamma: float, raw: list[float]) -> None:
        """Gibbs & Candès (2021), Proposition 4.1: with err_t = 0 whenever alpha_t ≤ 0 (the
        interval is everything) and 1 whenever alpha_t ≥ 1 (it is empty), any sequence of
        errors in [0, 1] keeps the mean miss share within (max(α, 1 − α) + γ)/(γT) of α."""
        level, errs = alpha, []
        for e in raw:
            err = 0.0 if level <= 0 else 1.0 if level >= 1 else e
            errs.append(err)
            level = aci_step(level, alpha, gamma, err)
        bound = (max(alpha, 1 - alpha) + gamma) / (gamma * len(errs))
        assert abs(sum(errs) / len(errs) - alpha) <= bound + 1e-9

    @given(
        st.floats(0.05, 0.5),
        st.floats(0.005, 0.5),
        st.lists(st.tuples(st.floats(0, 1), st.integers(0, 12)), min_size=1, max_size=300),
    )
    def test_long_run_miss_share_with_delayed_feedback(
        self, alpha: float, gamma: float, raw: list[tuple[float, int]]
    ) -> None:
        """aci_bound's extension of Proposition 4.1: each step issues an interval at the
        level then in force, scored some steps later (random delays); any errors in
        [0, 1], 0 for an interval issued at ≤ 0 and 1 for one issued at ≥ 1, keep the
        mean miss share of the scored ones within the bound for the largest delay seen."""
        level, errs, updates, delay = alpha, [], 0, 1
        pending: list[tuple[int, float, float, int]] = []  # (due, level, raw err, updates)
        for t, (e, lag) in enumerate(raw):
            pending.append((t + lag, level, e, updates))
            for item in sorted(p for p in pending if p[0] <= t):
                pending.remove(item)
                _, at, e2, before = item
                err = 0.0 if at <= 0 else 1.0 if at >= 1 else e2
                errs.append(err)
                level = aci_step(level, alpha, gamma, err)
                updates += 1
                delay = max(delay, updates - before)
        assume(errs)
        bound = aci_bound(alpha, gamma, len(errs), delay)
        assert abs(sum(errs) / len(errs) - alpha) <= bound + 1e-9
        # ... and with timely feedback never looser than Gibbs & Candès's own bound
        assert aci_bound(alpha, gamma, len(errs)) <= (
            (max(alpha, 1 - alpha) + gamma) / (gamma * len(errs)) + 1e-12
        )

    def test_a_miss_widens_a_hit_narrows(self) -> None:
        assert aci_step(0.2, 0.2, 0.05, 1.0) == pytest.approx(0.16)
        assert aci_step(0.2, 0.2, 0.05, 0.0) == pytest.approx(0.21)
        assert aci_step(0.2, 0.2, 0.05, 0.2) == pytest.approx(0.2)


class TestChance:
    @given(
        scores_st,
        st.floats(-100, 200),
        st.floats(-100, 200),
        st.floats(0.01, 20),
        st.floats(0.05, 5),
    )
    def test_a_higher_target_is_never_likelier(
        self, scores: list[float], t1: float, t2: float, scale: float, years: float
    ) -> None:
        low, high = sorted((t1, t2))
        for bounds in (None, (0.0, 100.0)):
            p_low = chance(40.0, scale, years, scores, low, 1, bounds)
            p_high = chance(40.0, scale, years, scores, high, 1, bounds)
            assert 0 <= p_high <= p_low <= 1
            # ... and the other way round for a KPI where lower is better
            q_low = chance(40.0, scale, years, scores, low, -1, bounds)
            q_high = chance(40.0, scale, years, scores, high, -1, bounds)
            assert 0 <= q_low <= q_high <= 1

    def test_by_hand(self) -> None:
        """value 50, pace 10 a year, half a year: outcome = 50 + 5 × score."""
        scores = (-1.0, 0.0, 1.0, 2.0)  # outcomes 45, 50, 55, 60
        assert chance(50.0, 10.0, 0.5, scores, 55.0, 1, None) == 0.5
        assert chance(50.0, 10.0, 0.5, scores, 50.0, -1, None) == 0.5
        assert chance(50.0, 10.0, 0.5, scores, 101.0, 1, (0.0, 100.0)) == 0.0
        assert chance(50.0, 10.0, 0.5, scores, 0.0, 1, (0.0, 100.0)) == 1.0

    def test_interval_by_hand(self) -> None:
        assert calibrated_interval(50.0, 10.0, 0.5, (-1.0, 2.0), None) == (45.0, 60.0)
        assert calibrated_interval(95.0, 10.0, 1.0, (-1.0, 2.0), (0.0, 100.0)) == (85.0, 100.0)
        inf = (-math.inf, math.inf)
        assert calibrated_interval(50.0, 10.0, 1.0, inf, (0.0, 100.0)) == (0.0, 100.0)


class TestPace:
    def test_over_the_last_twelve_months(self) -> None:
        days = (date(2020, 1, 1), date(2021, 1, 1), date(2022, 1, 1))
        assert series_pace(days, (0.0, 10.0, 14.0)) == pytest.approx(4 * 365.25 / 365)
        assert series_pace(days, (0.0, 10.0, 10.0)) is None  # no change: nothing to scale by
        assert series_pace(days[:1], (1.0,)) is None


def _poison(panel: Panel, after: date, seed: int) -> Panel:
    """Every value after ``after`` replaced by huge, finite nonsense."""
    out = {}
    for k, (days, values) in panel.items():
        poisoned = tuple(
            v if d <= after else 1e6 * (1 + (seed + i) % 7)
            for i, (d, v) in enumerate(zip(days, values, strict=True))
        )
        out[k] = (days, poisoned)
    return out


class TestNeverReadsTheFuture:
    @given(
        st.integers(0, 30),
        st.integers(0, 1000),
        st.sampled_from(["blend", "two_point", "recent_6m"]),
    )
    def test_a_poisoned_future_changes_nothing(
        self, prefectures: Panel, back: int, seed: int, method: str
    ) -> None:
        """Outcomes after the origin replaced by nonsense: the calibration, and the
        interval and chance it gives, are exactly the same."""
        sample = dict(list(prefectures.items())[:6])
        as_of = months_before(date(2022, 5, 1), back)
        clean = calibrate(sample, method, as_of, horizons=(6, 12), bounds=(0.0, 100.0))
        dirty = calibrate(
            _poison(sample, as_of, seed), method, as_of, horizons=(6, 12), bounds=(0.0, 100.0)
        )
        assert clean == dirty
        plan = maebashi_2022()
        kpi = plan.kpi("kpi2")
        fc = [
            forecast(kpi, max(as_of, date(2022, 5, 31)), method=method, calibration=c)
            for c in (clean, dirty)
        ]
        assert fc[0] == fc[1]

    def test_a_track_record_built_later_calibrates_earlier_days_alike(
        self, prefectures: Panel
    ) -> None:
        """One record up to 2022-05 (as the backtest builds it) gives the same calibration
        for 2020-04 as one learned on 2020-04 from the series cut there."""
        sample = dict(list(prefectures.items())[:8])
        record = TrackRecord(sample, "blend", date(2022, 5, 1), horizons=(6, 12))
        day = date(2020, 4, 1)
        cut = {
            k: (tuple(d for d in days if d <= day), values[: sum(d <= day for d in days)])
            for k, (days, values) in sample.items()
        }
        assert record.calibration(day) == calibrate(cut, "blend", day, horizons=(6, 12))

    @pytest.mark.parametrize("method", ["blend", "recent_6m"])
    def test_every_case_is_recomputable_from_its_origin(
        self, prefectures: Panel, method: str
    ) -> None:
        """Each case of a track record is what the series cut at its origin gives (the
        forecast and the pace it is scaled by), and its actual what the snapshots on or
        before its ``known_on`` give, ``known_on`` being on or after its horizon and on or
        before the record's last day (2021-05-01, a year before the data end): a leak
        anywhere in the record (a snapshot too many at the fit, the scale or the actual,
        an outcome known after the record's day) breaks one of these."""
        sample = dict(list(prefectures.items())[:4])
        record = TrackRecord(
            sample, method, date(2021, 5, 1), horizons=(6, 12), bounds=(0.0, 100.0)
        )
        forecaster = FORECASTERS.get(method)
        assert len(record._cases) > 200
        for c in record._cases:
            days, values = sample[c.series_id]
            k = sum(d <= c.origin for d in days)
            horizon = months_before(c.origin, -c.months)
            seen = SeriesInput(
                kpi_id="x",
                days=days[:k],
                values=values[:k],
                target=100.0,
                deadline=months_before(c.origin, -36),
                as_of=c.origin,
                bounds=(0.0, 100.0),
            )
            assert forecaster.fit(seen).predict(horizon) == pytest.approx(c.forecast, abs=1e-9)
            assert series_pace(days[:k], values[:k]) == pytest.approx(c.scale, abs=1e-12)
            assert horizon <= c.known_on <= record.until
            j = sum(d <= c.known_on for d in days)
            actual = value_at(days[:j], values[:j], horizon)
            assert actual == pytest.approx(c.actual, abs=1e-12)


@pytest.fixture(scope="module")
def small(prefectures: Panel) -> Panel:
    return dict(list(prefectures.items())[:3])


@pytest.fixture(scope="module")
def calibration(prefectures: Panel) -> Calibration:
    return calibrate(prefectures, "blend", date(2022, 5, 1), bounds=(0.0, 100.0))


class TestCalibratedForecast:
    def test_pinned_on_the_prefectures(self, calibration: Calibration, prefectures: Panel) -> None:
        """The 47 prefectures' track record of blend as of 2022-05-01, pinned, with one
        ACI level (the default) and interleaved."""
        table = calibration.table(10)
        assert table is not None
        assert (table.months, len(table.scores), table.series, table.steps) == (12, 2256, 47, 35)
        # The 2020 break (under-forecast everywhere) is in the record: up to 14 misses
        # were pending when it was scored, and the level fell below 0, where the interval
        # is every outcome; the miss share of the 35 replayed origins is within ACI's
        # bound of 20%.
        assert table.quantiles() == (-math.inf, math.inf)
        assert (round(table.alpha, 4), round(table.missed, 3)) == (-0.3074, 0.49)
        assert (table.delay, round(table.bound, 3)) == (14, 0.537)
        assert abs(table.missed - 0.2) <= table.bound
        six = calibration.table(6)
        assert six is not None
        assert (six.months, round(six.missed, 3), round(six.bound, 3)) == (6, 0.273, 0.375)
        inter = calibrate(
            prefectures, "blend", date(2022, 5, 1), bounds=(0.0, 100.0), interleave=True
        ).table(10)
        assert inter is not None
        assert [round(q, 3) for q in inter.quantiles()] == [-0.386, 3.452]
        assert (round(inter.alpha, 4), round(inter.missed, 3)) == (0.1343, 0.644)
        # twelve sequences of about three steps each: a bound of no use
        assert (inter.delay, round(inter.bound, 2)) == (2, 5.59)

    def test_maebashi_kpi2(self, calibration: Calibration) -> None:
        """前橋市's card rate as of 2022-05-31, toward 2023-03-31, calibrated on the
        prefectures: the interval and the chance of meeting the KPI's target, pinned."""
        kpi = maebashi_2022().kpi("kpi2")
        plain = forecast(kpi, date(2022, 5, 31))
        f = forecast(kpi, date(2022, 5, 31), calibration=calibration)
        assert f.value == plain.value
        assert f.interval is not None
        assert plain.interval is not None
        # ACI's level is below 0 after the 2020 break (above): every outcome, 0-100%.
        assert f.interval == (0.0, 100.0)
        assert "the adapted level asks for every outcome" in f.interval_basis
        assert "全範囲" in f.interval_basis_text("ja")
        assert f.probability is not None
        assert round(f.probability, 3) == 0.242
        assert plain.probability is None
        assert "conformal" in f.interval_basis
        assert "2022-05-01" in f.interval_basis
        assert "コンフォーマル予測" in f.interval_basis_text("ja")

    def test_a_short_plan_series_keeps_the_heuristic(self) -> None:
        """The committee's 2–3 points are no track record: the forecast keeps its own
        interval, says why, and claims no chance."""
        plan = maebashi_2022()
        kpi = plan.kpi("kpi2")
        days, values = kpi.numbers(date(2022, 5, 31))
        c = calibrate({"kpi2": (days, values)}, "blend", date(2022, 5, 31), bounds=(0.0, 100.0))
        plain = forecast(kpi, date(2022, 5, 31))
        f = forecast(kpi, date(2022, 5, 31), calibration=c)
        assert f.interval == plain.interval
        assert f.probability is None
        assert f.interval_basis.startswith(plain.interval_basis)
        assert "not calibrated: no track record" in f.interval_basis
        assert "較正なし：過去の予測実績が足りない" in f.interval_basis_text("ja")

    def test_refuses_another_method_a_later_day_or_another_level(
        self, calibration: Calibration
    ) -> None:
        kpi = maebashi_2022().kpi("kpi2")
        with pytest.raises(CalculationError, match="cannot calibrate 'cagr'"):
            forecast(kpi, date(2022, 5, 31), method="cagr", calibration=calibration)
        with pytest.raises(CalculationError, match="after the forecast's day"):
            forecast(kpi, date(2022, 4, 30), calibration=calibration)
        with pytest.raises(CalculationError, match="level"):
            forecast(kpi, date(2022, 5, 31), level=0.9, calibration=calibration)

    def test_apply_calibration_checks_for_every_caller(self, calibration: Calibration) -> None:
        """The bulk path calls apply_calibration directly: a 90% forecast is not given
        an 80% calibration's interval, nor another method's, nor a later one."""
        data = series_input(maebashi_2022().kpi("kpi2"), date(2022, 5, 31))
        f90 = run_forecaster(FORECASTERS.get("blend"), data, level=0.9)
        with pytest.raises(
            CalculationError, match=r"at level 0\.8, the forecast of 'kpi2' at 0\.9"
        ):
            apply_calibration(f90, data, calibration)
        cagr = run_forecaster(FORECASTERS.get("cagr"), data)
        with pytest.raises(CalculationError, match="cannot calibrate 'cagr'"):
            apply_calibration(cagr, data, calibration)
        early = series_input(maebashi_2022().kpi("kpi2"), date(2022, 4, 30))
        blend = run_forecaster(FORECASTERS.get("blend"), early)
        with pytest.raises(CalculationError, match="after the forecast's day"):
            apply_calibration(blend, early, calibration)

    def test_no_pace_no_calibration(self, calibration: Calibration) -> None:
        data = series_input(maebashi_2022().kpi("kpi2"), date(2022, 5, 31))
        flat = attrs.evolve(data, values=tuple(45.0 for _ in data.values))
        f = apply_calibration(run_forecaster(FORECASTERS.get("blend"), flat), flat, calibration)
        assert f.probability is None
        assert "no pace" in f.interval_basis

    def test_the_nearest_longer_table(self) -> None:
        def table(months: int, n: int) -> HorizonTable:
            scores = tuple(float(i) for i in range(n))
            return HorizonTable(
                months=months, scores=scores, alpha=0.2, steps=0, missed=0.0, series=1
            )

        c = Calibration(
            method="blend",
            as_of=date(2022, 1, 1),
            level=0.8,
            gamma=0.05,
            tables=(table(3, 20), table(6, 5), table(12, 20)),
        )
        assert [c.table(m).months for m in (1, 3, 4, 7, 30)] == [3, 3, 12, 12, 12]  # type: ignore[union-attr]


class TestHorizonTable:
    """A deadline takes the table of its whole calendar months, as the track record counts
    its horizons, not of days ÷ 30.44 (6.01 such months took the 12-month table)."""

    @staticmethod
    def _calibration() -> Calibration:
        def table(months: int) -> HorizonTable:
            scores = tuple(float(i) for i in range(20))
            return HorizonTable(
                months=months, scores=scores, alpha=0.2, steps=0, missed=0.0, series=1
            )

        return Calibration(
            method="blend",
            as_of=date(2019, 1, 1),
            level=0.8,
            gamma=0.05,
            tables=tuple(table(m) for m in (3, 6, 12, 24)),
        )

    @pytest.mark.parametrize(
        ("as_of", "deadline", "days", "months"),
        [
            (date(2019, 7, 1), date(2019, 10, 1), 92, 3),
            (date(2019, 4, 1), date(2019, 10, 1), 183, 6),
            (date(2021, 4, 1), date(2022, 4, 1), 365, 12),
            (date(2019, 4, 1), date(2020, 4, 1), 366, 12),
        ],
    )
    def test_by_calendar_months(self, as_of: date, deadline: date, days: int, months: int) -> None:
        assert (deadline - as_of).days == days
        data = SeriesInput(
            kpi_id="x",
            days=(months_before(as_of, 24), as_of),
            values=(10.0, 20.0),
            target=50.0,
            deadline=deadline,
            as_of=as_of,
            bounds=(0.0, 100.0),
        )
        found = calibrate_value(20.0, data, self._calibration(), (30.0,))
        assert not isinstance(found, Message)
        assert found.table.months == months

    @given(st.dates(date(1990, 1, 1), date(2100, 12, 31)), st.integers(0, 600))
    def test_a_whole_number_of_months_is_itself(self, start: date, k: int) -> None:
        assert horizon_months(start, months_before(start, -k)) == k

    @given(
        st.dates(date(1990, 1, 1), date(2100, 12, 31)),
        st.integers(1, 20000),
        st.integers(0, 400),
    )
    def test_nearest_and_monotone(self, start: date, n: int, more: int) -> None:
        """Within 0.6 of days ÷ 30.44 (half a month, and the calendar's months of 28 to 31
        days drift from the average by under three days), and never fewer months for a
        later deadline."""
        end = start + timedelta(days=n)
        m = horizon_months(start, end)
        assert abs(m - n / (365.25 / 12)) <= 0.6
        assert horizon_months(start, end + timedelta(days=more)) >= m


@given(st.floats(0.5, 0.95))
def test_min_scores_is_the_finite_threshold(level: float) -> None:
    n = min_scores(level)
    assume(n > 1)
    scores = [float(i) for i in range(n)]
    assert all(map(math.isfinite, conformal_quantiles(scores, 1 - level)))
    assert not all(map(math.isfinite, conformal_quantiles(scores[:-1], 1 - level)))


def test_run_forecaster_calibrates_as_forecast_does(calibration: Calibration) -> None:
    """The path assess and the bulk code take: prepared data, the same result."""
    kpi = maebashi_2022().kpi("kpi2")
    data = series_input(kpi, date(2022, 5, 31))
    blend = FORECASTERS.get("blend")
    via_run = run_forecaster(blend, data, calibration=calibration)
    assert via_run == forecast(kpi, date(2022, 5, 31), calibration=calibration)
    assert via_run.probability is not None
    assert run_forecaster(blend, data) == forecast(kpi, date(2022, 5, 31))
    with pytest.raises(CalculationError, match="level"):
        run_forecaster(blend, data, level=0.9, calibration=calibration)


@st.composite
def records(draw: st.DrawFn) -> tuple[int, dict[date, list[_Case]]]:
    """Monthly origins of a few series at one horizon, with outcomes known on the first
    of the month ``months`` later (monthly snapshots)."""
    months = draw(st.sampled_from([1, 2, 3, 6]))
    n_origins = draw(st.integers(1, 30))
    n_series = draw(st.integers(1, 6))
    start = date(2018, 1, 1)
    by_origin: dict[date, list[_Case]] = {}
    for k in range(n_origins):
        origin = months_before(start, -k)
        known = months_before(origin, -months)
        by_origin[origin] = [
            _Case(
                origin,
                months,
                f"s{i}",
                0.0,
                1.0,
                known,
                draw(st.floats(-5, 5, allow_nan=False)),
            )
            for i in range(n_series)
        ]
    return months, by_origin


@given(records(), st.sampled_from([0.0, 0.05, 0.3]), st.booleans())
def test_the_replay_books_every_miss(
    case: tuple[int, dict[date, list[_Case]]], gamma: float, interleave: bool
) -> None:
    """Coverage bookkeeping, recomputed the slow way: at each origin the scores known by
    then give the interval at the level then in force; each origin's miss share moves its
    sequence's level once its outcomes are known (an interval issued at a level of 1 or
    more, the empty set, misses all); ``missed`` is their mean, within ACI's bound."""
    months, by_origin = case
    as_of = months_before(max(by_origin), -months)
    table = _replay(months, by_origin, 0.2, gamma, as_of, interleave=interleave)
    levels: dict[int, float] = {}
    issued: dict[date, tuple[float, float, float]] = {}
    errs = []
    for origin in sorted(by_origin):
        for seen in sorted(issued):  # feedback known by this origin, oldest first
            if months_before(seen, -months) <= origin and seen not in {e[0] for e in errs}:
                low, high, at = issued[seen]
                out = [not low <= _score(c) <= high for c in by_origin[seen]]
                err = 1.0 if at >= 1 else sum(out) / len(out)
                errs.append((seen, err))
                key = (seen.year * 12 + seen.month) % months if interleave else 0
                levels[key] = levels.get(key, 0.2) + gamma * (0.2 - err)
        known = sorted(
            _score(c)
            for o, cs in by_origin.items()
            for c in cs
            if months_before(o, -months) <= origin
        )
        if len(known) >= min_scores(0.8):
            key = (origin.year * 12 + origin.month) % months if interleave else 0
            at = levels.get(key, 0.2)
            issued[origin] = (*conformal_quantiles(known, at), at)
    for seen in sorted(issued):
        if seen not in {e[0] for e in errs}:
            low, high, at = issued[seen]
            out = [not low <= _score(c) <= high for c in by_origin[seen]]
            errs.append((seen, 1.0 if at >= 1 else sum(out) / len(out)))
    assert table.steps == len(errs)
    if errs:
        assert table.missed == pytest.approx(sum(e for _, e in errs) / len(errs))
    assert len(table.scores) == sum(len(cs) for cs in by_origin.values())
    if errs and gamma > 0:
        assert abs(table.missed - 0.2) <= table.bound + 1e-9


def test_a_plan_of_short_series_calibrates_nothing() -> None:
    """The committee's plan: every quantitative KPI has two or three points, so no table
    at any horizon; a forecast calibrated with it is the plain one, saying why."""
    plan = maebashi_2022()
    c = calibrate_plan(plan, "blend", date(2022, 5, 31))
    assert all(t.scores == () for t in c.tables)
    kpi = plan.kpi("kpi2")
    plain = forecast(kpi, date(2022, 5, 31))
    f = forecast(kpi, date(2022, 5, 31), calibration=c)
    assert (f.value, f.interval, f.probability) == (plain.value, plain.interval, None)
    assert "0 errors of this method's forecasts at one horizon" in f.interval_basis


class TestArguments:
    """Out-of-range or ill-typed arguments raise CalculationError with the argument's
    name, never a ZeroDivisionError, a silent clamp or a coercion."""

    @pytest.mark.parametrize("gamma", [-0.01, 1.5, math.nan, math.inf, True, "0.05"])
    def test_gamma(self, small: Panel, gamma: object) -> None:
        with pytest.raises(CalculationError, match=r"gamma \(ACI's step\) must be a number"):
            calibrate(small, "blend", date(2022, 5, 1), horizons=(6,), gamma=gamma)  # type: ignore[arg-type]

    @pytest.mark.parametrize("horizons", [(0,), (-6,), (6, 0), (6.0,), (True,), ()])
    def test_horizons(self, small: Panel, horizons: tuple[object, ...]) -> None:
        with pytest.raises(CalculationError, match="horizons must be whole numbers of months"):
            calibrate(small, "blend", date(2022, 5, 1), horizons=horizons)  # type: ignore[arg-type]

    @pytest.mark.parametrize("level", [0.0, 1.0, 1.2, True, "0.8", math.nan])
    def test_level(self, small: Panel, level: object) -> None:
        with pytest.raises(CalculationError, match="level must be a number between 0 and 1"):
            calibrate(small, "blend", date(2022, 5, 1), horizons=(6,), level=level)  # type: ignore[arg-type]

    def test_interleave(self, small: Panel) -> None:
        with pytest.raises(CalculationError, match="interleave must be True or False"):
            calibrate(small, "blend", date(2022, 5, 1), horizons=(6,), interleave=1)  # type: ignore[arg-type]

    def test_calibrate_interleaves_as_the_record_does(self, small: Panel) -> None:
        """calibrate(interleave=) is TrackRecord.calibration(interleave=), both ways."""
        record = TrackRecord(small, "blend", date(2022, 5, 1), horizons=(6, 12))
        for interleave in (False, True):
            got = calibrate(
                small, "blend", date(2022, 5, 1), horizons=(6, 12), interleave=interleave
            )
            assert got == record.calibration(date(2022, 5, 1), interleave=interleave)
        assert calibrate(small, "blend", date(2022, 5, 1), horizons=(6, 12)) == record.calibration(
            date(2022, 5, 1), interleave=False
        )
