"""Forecast accuracy on real outcomes: every forecaster on the My Number card issuance
rate of all 1,741 municipalities and 47 prefectures (総務省, compiled by Code for Japan),
by rolling origin.

Windows: origins 2019-04-01, 2020-04-01 and 2021-04-01 at horizons of 6 and 12 months,
and 2021-05-01 → 2022-05-01. Baselines: naive (last value), two_point, cagr (Open SDG),
aroc (WHO); the defaults, blend and pooled, also with calibrated intervals
(blend+conformal, pooled+conformal: maebashi_dx.forecast.conformal), their chance of
meeting 40%, 50% and 60% scored by the Brier score and a reliability table. With
--sweep, the issue's reference variants over the last 12 months and the
trailing-window sweep that chose the default's line; with --peers, statsforecast's
AutoETS, Theta and AutoARIMA (the bench extra) on the same series, origins and horizons.

    python benchmarks/backtest_mynumber.py
    python benchmarks/backtest_mynumber.py --format markdown --prefectures --sweep --peers
    python benchmarks/backtest_mynumber.py --prefectures --sample 300   # a quick look
    python benchmarks/backtest_mynumber.py --prefectures --interleaved  # the other ACI mode
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from datetime import date
from pathlib import Path

import attrs

from maebashi_dx.backtest import (
    CALIBRATED_SUFFIX,
    Backtest,
    Outcome,
    Panel,
    Window,
    backtest,
    reliability,
    score_outcomes,
    status_agreement,
)
from maebashi_dx.datasets import mynumber_cards
from maebashi_dx.errors import CalculationError
from maebashi_dx.forecast import (
    FORECASTERS,
    BlendForecaster,
    PooledForecaster,
    Reference,
    SeriesInput,
    Trend,
    TrendForecaster,
    months_before,
    value_at,
)
from maebashi_dx.forecast.conformal import DEFAULT_GAMMA, TrackRecord
from maebashi_dx.io.soumu import CardTable, load_mynumber, mynumber_reference
from maebashi_dx.report import render
from maebashi_dx.report.accuracy import (
    agreement_table,
    brier_table,
    reliability_table,
    scores_table,
)

WINDOWS = [Window.months(date(y, 4, 1), m) for y in (2019, 2020, 2021) for m in (6, 12)] + [
    Window(date(2021, 5, 1), date(2022, 5, 1))
]
BASELINES = ["naive", "two_point", "cagr", "aroc"]
DEFAULTS = ["blend", "pooled"]
# Targets for the chance of meeting them: the status-quality ones (40-60%), and lower
# ones, which the rates of 2019-2020 (about 10-20%) could reach within a window.
TARGETS = [15.0, 20.0, 30.0, 40.0, 50.0, 60.0]
# What happened in each window, for the printout (DOMAIN: 総務省's figures).
HAPPENED = {
    date(2019, 4, 1): "steady growth, a little faster from late 2019",
    date(2020, 4, 1): (
        "the break: online applications for the 特別定額給付金 from May 2020, then "
        "マイナポイント from September; nothing in the data up to the origin announced it"
    ),
    date(2021, 4, 1): "fast growth to October 2021 (マイナポイント's first round), slower after",
    date(2021, 5, 1): "the first round ended: growth slowed after the spring of 2021",
}
PEERS = ("AutoETS", "Theta", "AutoARIMA")


@attrs.frozen
class Last12Months:
    """The issue's reference variants: a two-point line or a CAGR from the value 12
    months before the origin (interpolated between snapshots) to the latest value."""

    name: str
    line: TrendForecaster
    description: str = "reference: over the last 12 months"

    def fit(self, data: SeriesInput) -> Trend:
        start = months_before(data.as_of, 12)
        level = value_at(data.days, data.values, start)
        if level is None:
            raise CalculationError(f"{self.name}: no value 12 months before {data.as_of}")
        short = attrs.evolve(data, days=(start, data.days[-1]), values=(level, data.values[-1]))
        return self.line.fit(short)


REFERENCES = [
    Last12Months("two_point_12m", FORECASTERS.get("two_point")),
    Last12Months("cagr_12m", FORECASTERS.get("cagr")),
]
# The choice of the default: equal mixes of a trailing-window line and cagr.
SWEEP = [
    BlendForecaster(
        name=f"recent_{m}m+cagr",
        description="sweep",
        members=(f"recent_{m}m", "cagr"),
        weights=(0.5, 0.5),
    )
    for m in (3, 6, 9, 12)
]
for _m in (3, 9, 12):
    FORECASTERS.register(
        f"recent_{_m}m",
        TrendForecaster(
            name=f"recent_{_m}m", description="sweep", selection="window", window_months=_m
        ),
    )


# The pooling weight, swept like the window: 0 is the drift from the latest value alone.
POOLING = [
    PooledForecaster(name=f"pooled_{round(w * 100)}", description="sweep", weight=w)
    for w in (0.0, 0.25, 0.5, 0.75, 1.0)
]


def tables(folder: Path | None) -> tuple[CardTable, CardTable, CardTable]:
    """The municipalities', prefectures' and nation's figures: the packaged ones, or
    municipalities, prefectures and japan_by_type (.csv or .csv.gz) in folder."""
    if folder is None:
        levels = ("municipalities", "prefectures", "japan")
        cities, prefs, nation = (mynumber_cards(level) for level in levels)
        return cities, prefs, nation

    def read(stem: str) -> CardTable:
        plain = folder / f"{stem}.csv"
        return load_mynumber(plain if plain.exists() else folder / f"{stem}.csv.gz")

    return read("municipalities"), read("prefectures"), read("japan_by_type")


def load(data: Path | None, prefectures: bool) -> tuple[Panel, dict[str, Reference]]:
    """The series, and the reference each is pooled toward: a municipality's prefecture,
    a prefecture's nation (both as the ministry published them)."""
    cities, prefs, japan = tables(data)
    names = (rows[-1].prefecture for rows in prefs.series.values())
    by_name = {name: mynumber_reference(name, source=prefs) for name in names}
    nation = mynumber_reference("全国", source=japan)
    panel: dict[str, tuple[tuple[date, ...], tuple[float, ...]]] = {}
    references = {}
    for key, rows in cities.series.items():
        panel[key] = (tuple(r.as_of for r in rows), tuple(r.rate_pct for r in rows))
        references[key] = by_name[rows[-1].prefecture]
    if prefectures:
        for name, ref in by_name.items():
            panel[f"pref:{name}"] = (ref.days, ref.values)
            references[f"pref:{name}"] = nation
    return panel, references


def sample(panel: Panel, size: int | None, seed: int = 2026) -> Panel:
    """``size`` series drawn at random (a fixed seed, so that runs compare), or all."""
    if size is None or size >= len(panel):
        return panel
    keys = sorted(random.Random(seed).sample(sorted(panel), size))
    return {k: panel[k] for k in keys}


def monthly(
    days: tuple[date, ...], values: tuple[float, ...], origin: date
) -> list[tuple[date, float]]:
    """The series on the first of each month from its first snapshot to the origin,
    interpolated between snapshots, reading no snapshot after the origin."""
    cut = [i for i, d in enumerate(days) if d <= origin]
    seen_days, seen_values = days[: len(cut)], values[: len(cut)]
    if len(seen_days) < 2:
        return []
    first = seen_days[0]
    month = date(first.year, first.month, 1)
    if month < first:
        month = months_before(month, -1)
    grid = []
    while month <= origin:
        found = value_at(seen_days, seen_values, month)
        if found is not None:
            grid.append((month, found))
        month = months_before(month, -1)
    return grid


def peers(
    panel: Panel, windows: list[Window], arima_sample: int, level: float = 0.8
) -> tuple[Backtest, list[str]]:
    """statsforecast's AutoETS, Theta (all series) and AutoARIMA (a sample) on the same
    series, origins and horizons: each sees a monthly grid of the series up to the
    origin only; forecasts and intervals are clipped to 0..100 as the built-ins are."""
    try:
        import pandas as pd
        from statsforecast import StatsForecast
        from statsforecast.models import AutoARIMA, AutoETS, Theta
    except ImportError as exc:  # the bench extra
        from maebashi_dx.errors import MissingDependencyError

        raise MissingDependencyError(exc.name or "statsforecast", "bench") from exc
    arima_ids = set(sample(panel, arima_sample))
    outcomes: list[Outcome] = []
    notes = []
    for window in windows:
        rows = []
        actuals = {}
        for sid, (days, values) in panel.items():
            actual = value_at(days, values, window.horizon)
            grid = monthly(tuple(days), tuple(values), window.origin)
            if actual is None or len(grid) < 3 or grid[-1][0] != window.origin:
                continue
            actuals[sid] = actual
            rows += [(sid, d, v) for d, v in grid]
        frame = pd.DataFrame(rows, columns=["unique_id", "ds", "y"])
        frame["ds"] = pd.to_datetime(frame["ds"])
        h = window.months_ahead
        for models, ids in (
            ([AutoETS(season_length=1), Theta(season_length=1)], set(actuals)),
            ([AutoARIMA(season_length=1)], arima_ids & set(actuals)),
        ):
            part = frame[frame["unique_id"].isin(ids)]
            t0 = time.perf_counter()
            found = StatsForecast(models=models, freq="MS", n_jobs=1).forecast(
                df=part, h=h, level=[round(level * 100)]
            )
            notes.append(
                f"  {window.label}: {', '.join(type(m).__name__ for m in models)} on "
                f"{len(ids):,} series in {time.perf_counter() - t0:.1f} s"
            )
            found = found.reset_index() if "unique_id" not in found.columns else found
            last = found[found["ds"] == pd.Timestamp(window.horizon)]
            for record in last.to_dict("records"):
                sid = str(record["unique_id"])
                for model in models:
                    name = repr(model) if not hasattr(model, "alias") else model.alias
                    tag = f"{round(level * 100)}"
                    point, low, high = (
                        min(100.0, max(0.0, float(record[k])))
                        for k in (name, f"{name}-lo-{tag}", f"{name}-hi-{tag}")
                    )
                    outcomes.append(
                        Outcome(
                            series_id=sid,
                            method=name,
                            window=window,
                            forecast=point,
                            low=low,
                            high=high,
                            actual=actuals[sid],
                        )
                    )
    return score_outcomes(outcomes, level=level), notes


def acceleration(panel: Panel, result: Backtest, window: Window) -> tuple[float, float, float]:
    """Over the series of a window: the median ratio of the pace over the last 6 months
    to that over the last 12, at the origin; and the 10th and 90th percentiles of
    blend's error (actual − forecast) in units of the 12-month pace over the horizon."""
    ratios, scaled = [], []
    for o in result.outcomes:
        if o.method != "blend" or o.window != window:
            continue
        days, values = panel[o.series_id]
        now, half, year = (
            value_at(days, values, months_before(window.origin, k)) for k in (0, 6, 12)
        )
        if now is None or half is None or year is None or now <= year:
            continue
        pace = now - year
        ratios.append(2 * (now - half) / pace)
        scaled.append((o.actual - o.forecast) / (pace * window.months_ahead / 12))
    deciles = statistics.quantiles(scaled, n=10, method="inclusive")
    return statistics.median(ratios), deciles[0], deciles[-1]


def coverage_summary(result: Backtest, gamma: float, interleave: bool) -> None:
    """The defaults' 80% intervals, as they are and calibrated, on every window."""
    how = "one level per month modulo the horizon" if interleave else "one level, the default"
    print(f"80% intervals, share of outcomes inside (mean width); ACI step {gamma}, {how}")
    for window in WINDOWS:
        cells = []
        for method in DEFAULTS:
            for name in (method, method + CALIBRATED_SUFFIX):
                s = result.score(name, window)
                cells.append(f"{name} {s.coverage:.0%} ({s.width:.1f})")
        print(f"  {window.label}: {', '.join(cells)}")
        print(f"    what happened: {HAPPENED[window.origin]}")
    cells = []
    for method in DEFAULTS:
        for name in (method, method + CALIBRATED_SUFFIX):
            s = result.score(name)
            cells.append(f"{name} {s.coverage:.1%} ({s.width:.1f})")
    print(f"  all windows: {', '.join(cells)}\n")


def chance_summary(result: Backtest) -> None:
    """The calibrated defaults' chances over all the targets, per window: the Brier score
    beside the point forecast's verdict, and the largest gap between the mean chance and
    the share met in a reliability bin of at least 100 forecasts (the issue's bar: 10
    points)."""
    scored = {(r.method, r.window): r for r in reliability(result)}
    print("chance of meeting the targets, all targets: Brier (verdict's); worst bin of ≥ 100")
    for window in [*WINDOWS, None]:
        cells = []
        for method in DEFAULTS:
            r = scored[(method + CALIBRATED_SUFFIX, window)]
            gaps = [abs(b.observed - b.predicted) for b in r.bins if b.n >= 100]
            worst = f"{max(gaps) * 100:.1f} points" if gaps else "no bin of 100"
            cells.append(f"{method} {r.brier:.3f} ({r.verdict_brier:.3f}), {worst}")
        label = window.label if window else "all windows"
        print(f"  {label}: {'; '.join(cells)}")
    print()


def long_run(
    panel: Panel, references: dict[str, Reference], gamma: float, interleave: bool
) -> None:
    """What ACI controls: the miss share over every monthly origin of the track record
    (each origin's interval as issued then), as of the last window's origin."""
    last = max(w.origin for w in WINDOWS)
    horizons = sorted({w.months_ahead for w in WINDOWS})
    print(f"the long run: every monthly origin whose outcome was known by {last}")
    for method in DEFAULTS:
        record = TrackRecord(
            panel, method, last, horizons=horizons, bounds=(0.0, 100.0), references=references
        )
        calibration = record.calibration(last, gamma=gamma, interleave=interleave)
        for t in calibration.tables:
            print(
                f"  {method}, {t.months} months: {t.steps} origins, {t.missed:.1%} missed "
                f"(nominal 20%; ACI's bound ±{t.bound:.2f}, feedback up to {t.delay} "
                f"updates late); level now {_level(t.alpha)}; {len(t.scores):,} scores "
                f"from {t.series:,} series"
            )
    print()


def _level(alpha: float) -> str:
    """ACI's level as a share, or what it means outside (0, 1)."""
    if alpha <= 0:
        return f"every outcome (alpha {alpha:+.2f})"
    if alpha >= 1:
        return f"none (alpha {alpha:+.2f})"
    return f"{1 - alpha:.0%}"


def peer_summary(result: Backtest, peer: Backtest, panel: Panel, arima_sample: int) -> None:
    """Mean MAE over the windows, the built-ins beside the peers; AutoARIMA, run on a
    sample, beside the built-ins on the same sample."""

    def mean(run: Backtest, method: str, ids: set[str] | None = None) -> float:
        maes = []
        for window in WINDOWS:
            errors = [
                abs(o.error)
                for o in run.outcomes
                if o.method == method and o.window == window and (ids is None or o.series_id in ids)
            ]
            maes.append(statistics.fmean(errors))
        return statistics.fmean(maes)

    print("mean MAE over the windows, all series:")
    for method in ["pooled", "blend", "recent_6m", "cagr", "AutoETS", "Theta"]:
        run = peer if method in PEERS else result
        print(f"  {method}: {mean(run, method):.3f}")
    ids = set(sample(panel, arima_sample))
    print(f"on the {len(ids):,} series of AutoARIMA's sample:")
    for method in ["pooled", "blend", "AutoETS", "AutoARIMA"]:
        run = peer if method in PEERS else result
        print(f"  {method}: {mean(run, method, ids):.3f}")
    print()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument(
        "--data",
        type=Path,
        help="a folder of newer figures in the same files; default: the packaged ones",
    )
    parser.add_argument("--format", default="markdown", choices=("text", "markdown", "csv"))
    parser.add_argument("--prefectures", action="store_true", help="also the 47 prefectures")
    parser.add_argument("--chart", type=Path, help="write a calibration chart (PNG) here")
    parser.add_argument(
        "--sweep",
        action="store_true",
        help="also the issue's 12-month references and the window sweep behind the default",
    )
    parser.add_argument("--sample", type=int, help="a random sample of this many series")
    parser.add_argument(
        "--peers",
        action="store_true",
        help="also statsforecast's AutoETS, Theta and AutoARIMA (needs the bench extra)",
    )
    parser.add_argument(
        "--arima-sample",
        type=int,
        default=300,
        help="AutoARIMA on a random sample of this many series (default 300; it is slow)",
    )
    parser.add_argument(
        "--gamma", type=float, default=DEFAULT_GAMMA, help="ACI's step for the calibration"
    )
    parser.add_argument(
        "--interleaved",
        action="store_true",
        help="ACI with one level per month modulo the horizon, not one for all origins",
    )
    args = parser.parse_args(argv)

    panel, references = load(args.data, args.prefectures)
    panel = sample(panel, args.sample)
    methods = [*BASELINES, "linear", "recent", "recent_6m", "logistic", "blend", "pooled"]
    t0 = time.perf_counter()
    result = backtest(
        panel,
        methods,
        WINDOWS,
        references=references,
        calibrate=DEFAULTS,
        targets=TARGETS,
        gamma=args.gamma,
        interleave=args.interleaved,
    )
    seconds = time.perf_counter() - t0
    print(render(scores_table(result), args.format))

    for ours, what in (
        ("pooled", "the default with a reference series (here: each place has one)"),
        ("blend", "the default without one"),
    ):
        print(f"verdict: {ours}, {what}, against the best baseline on each window")
        worst = 0.0
        for window in WINDOWS:
            best = min(BASELINES, key=lambda m: result.score(m, window).mae)
            mae = result.score(ours, window).mae
            gap = mae - result.score(best, window).mae
            worst = max(worst, gap)
            print(
                f"  {window.label}: {ours} {mae:.2f}, best baseline {best} "
                f"{result.score(best, window).mae:.2f} ({gap:+.2f})"
            )
        print(f"  largest excess over the best baseline: {worst:+.2f} points")
    means = {m: sum(result.score(m, w).mae for w in WINDOWS) / len(WINDOWS) for m in methods}
    print("mean MAE over the windows: " + ", ".join(f"{m} {v:.3f}" for m, v in means.items()))
    print(f"{len(panel):,} series, {len(result.outcomes):,} forecasts in {seconds:.1f} s\n")
    coverage_summary(result, args.gamma, args.interleaved)
    chance_summary(result)
    long_run(panel, references, args.gamma, args.interleaved)

    if args.sweep:
        extra = backtest(
            panel,
            [*REFERENCES, *SWEEP, *POOLING],
            WINDOWS,
            keep_outcomes=False,
            references=references,
        )
        best = [min(result.score(b, w).mae for b in BASELINES) for w in WINDOWS]

        def line(name: str) -> str:
            maes = [extra.score(name, w).mae for w in WINDOWS]
            excess = max(m - b for m, b in zip(maes, best, strict=True))
            per = " ".join(f"{m:.2f}" for m in maes)
            return f"  {name}: {sum(maes) / len(maes):.3f}, {excess:+.2f} ({per})"

        print("the issue's references: mean MAE, worst excess (MAE on each window)")
        for ref in REFERENCES:
            print(line(ref.name))
        print("the window of the default's line (equal mix with cagr): mean MAE, worst excess")
        for blend in SWEEP:
            print(line(blend.name))
        # Choosing the window by the mean alone, checked by leaving each window out.
        held_out = []
        for out in WINDOWS:
            chosen = min(
                SWEEP,
                key=lambda b: sum(extra.score(b.name, w).mae for w in WINDOWS if w != out),
            )
            held_out.append(extra.score(chosen.name, out).mae)
            print(f"  without {out.label}: {chosen.name}, held out {held_out[-1]:.2f}")
        print(f"  mean on the held-out windows: {sum(held_out) / len(held_out):.3f}")
        print("the pooling weight (toward the prefecture, or the nation): mean MAE, worst excess")
        for pooled in POOLING:
            print(line(pooled.name))
        print(
            "the signal of acceleration at the origin (median 6-month / 12-month pace) and "
            "blend's error in paces (12-month pace × horizon), 10th to 90th percentile"
        )
        for window in WINDOWS:
            ratio, lo, hi = acceleration(panel, result, window)
            print(f"  {window.label}: {ratio:.2f}; {lo:+.2f} to {hi:+.2f}")
        print()

    agreements = [
        a
        for a in status_agreement(result, [40.0, 50.0, 60.0])
        if a.method in ("pooled", "blend", "naive", "two_point", "cagr")
    ]
    print(render(agreement_table(agreements), args.format))
    scored = reliability(result, by_target=True)
    print(render(brier_table(scored), args.format))
    print(render(reliability_table(reliability(result)), args.format))
    if args.peers:
        peer, notes = peers(panel, WINDOWS, args.arima_sample, level=result.level)
        print("the peers (statsforecast), each on a monthly grid up to the origin:")
        print("\n".join(notes))
        print(render(scores_table(peer), args.format))
        peer_summary(result, peer, panel, args.arima_sample)
    if args.chart:
        from maebashi_dx.report.charts import calibration_png

        args.chart.write_bytes(calibration_png(result, ["pooled", "blend", "cagr", "two_point"]))
        print(f"calibration chart: {args.chart}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
