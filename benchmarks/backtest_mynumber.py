"""Forecast accuracy on real outcomes: every forecaster on the My Number card issuance
rate of all 1,741 municipalities and 47 prefectures (総務省, compiled by Code for Japan),
by rolling origin.

Windows: origins 2019-04-01, 2020-04-01 and 2021-04-01 at horizons of 6 and 12 months,
and 2021-05-01 → 2022-05-01. Baselines: naive (last value), two_point, cagr (Open SDG),
aroc (WHO); the default, blend. With --sweep, the issue's reference variants over the
last 12 months and the trailing-window sweep that chose the default's line.

    python benchmarks/backtest_mynumber.py
    python benchmarks/backtest_mynumber.py --format markdown --prefectures --sweep
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import date
from pathlib import Path

import attrs

from maebashi_dx.backtest import Backtest, Panel, Window, backtest, status_agreement
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
from maebashi_dx.io.soumu import CardTable, load_mynumber, mynumber_reference
from maebashi_dx.report import render
from maebashi_dx.report.accuracy import agreement_table, scores_table

WINDOWS = [Window.months(date(y, 4, 1), m) for y in (2019, 2020, 2021) for m in (6, 12)] + [
    Window(date(2021, 5, 1), date(2022, 5, 1))
]
BASELINES = ["naive", "two_point", "cagr", "aroc"]


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
    args = parser.parse_args(argv)

    panel, references = load(args.data, args.prefectures)
    methods = [*BASELINES, "linear", "recent", "recent_6m", "logistic", "blend", "pooled"]
    t0 = time.perf_counter()
    result = backtest(panel, methods, WINDOWS, references=references)
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
    if args.chart:
        from maebashi_dx.report.charts import calibration_png

        args.chart.write_bytes(calibration_png(result, ["pooled", "blend", "cagr", "two_point"]))
        print(f"calibration chart: {args.chart}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
