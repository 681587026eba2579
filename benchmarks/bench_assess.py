"""Time assess() on a national-scale synthetic workload, against anchors timed in the same run.

1,741 municipalities × 20 KPIs × 48 monthly measurements (plus a baseline each), seeded.
Building the plans is not timed; assessing them is, end to end from the plans to the
assessments (forecast, metrics, status, grade and roll-ups for every KPI), with the
default forecaster and with ``recent`` (the 12-month least-squares line).

The machine may be shared and busy, so each figure is printed beside two anchors timed
in the same run, on the same values, and as a ratio to them:

- ``python loop``: what ``assess(method="recent")`` computes, reduced to its arithmetic
  (achievement, the 12-month least-squares line to the deadline, the status) in a plain
  loop over each KPI's days and values;
- ``polars``: the same computation vectorised over one long table of the same values
  (extra ``bench``), as an analyst would write it.

Both anchors are checked against ``assess(method="recent")`` on every KPI (achievement
and forecast to 1e-9, the same status). The anchors' inputs (the KPIs' days as ordinals,
their values, one long table) are built untimed, like the plans. Each time is the best
CPU time (``time.process_time``) of ``--repeat`` runs: the least disturbed by other work.
Each is also split out into the part Python's cyclic garbage collector took (read
through ``gc.callbacks``): with 1.9 M objects held by the national plans, each full
collection walks them all, and what an assessment keeps per KPI decides how often one
comes.

    python benchmarks/bench_assess.py                 # the full workload
    python benchmarks/bench_assess.py --cities 100    # a quicker look
"""

from __future__ import annotations

import argparse
import bisect
import gc
import random
import resource
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from dateutil.relativedelta import relativedelta

from maebashi_dx import (
    KPI,
    Assessment,
    DateSpan,
    FiscalYear,
    Measurement,
    Pillar,
    Plan,
    PriorityProject,
    Target,
    assess,
)

START = date(2018, 4, 30)


def build_plan(city: int, kpis: int, months: int, rng: random.Random) -> Plan:
    items = []
    for k in range(kpis):
        level = rng.uniform(5, 40)
        pace = rng.uniform(-0.2, 1.5)
        days = [START + relativedelta(months=m, day=31) for m in range(months + 1)]
        values = []
        for _ in days:
            values.append(round(min(100.0, max(0.0, level)), 2))
            level += pace + rng.gauss(0, 0.4)
        items.append(
            KPI(
                id=f"c{city}k{k}",
                name=f"指標{k}",
                unit="%",
                bounds=(0.0, 100.0),
                baseline=Measurement(when=DateSpan.day(days[0]), value=values[0]),
                target=Target(
                    value=min(100.0, values[0] + rng.uniform(20, 60)),
                    deadline=FiscalYear(2025).span,
                ),
                measurements=tuple(
                    Measurement(when=DateSpan.day(d), value=v)
                    for d, v in zip(days[1:], values[1:], strict=True)
                ),
            )
        )
    projects = [
        PriorityProject(id=f"p{i}", name=f"事業{i}", kpi_ids=[k.id for k in items[i::4]])
        for i in range(4)
    ]
    return Plan(
        id=f"city{city}",
        name=f"市{city}",
        period=DateSpan(
            start=date(2018, 4, 1),
            end=date(2026, 3, 31),
            precision=FiscalYear(2018).span.precision,
        ),
        pillars=[Pillar(id="pl", name="柱", projects=projects)],
        kpis=items,
    )


def one_plan(plans: list[Plan], *, measurements: bool, plan_id: str = "national") -> Plan:
    """Municipalities' plans as one plan (a pillar per municipality), as a ministry's plan
    file would hold them; without their measurements when ``measurements`` is false."""
    import attrs

    kpis = [k if measurements else attrs.evolve(k, measurements=()) for p in plans for k in p.kpis]
    pillars = [
        attrs.evolve(
            p.pillars[0],
            id=p.id,
            name=p.name,
            projects=[attrs.evolve(x, id=f"{p.id}{x.id}") for x in p.pillars[0].projects],
        )
        for p in plans
    ]
    return Plan(id=plan_id, name="全国", period=plans[0].period, pillars=pillars, kpis=kpis)


@dataclass(frozen=True)
class Series:
    """One KPI as the anchors read it: plain numbers, days as ordinals."""

    kpi_id: str
    days: tuple[int, ...]
    values: tuple[float, ...]
    base: float
    target: float
    due: int
    sign: int
    lower: float
    upper: float


def anchor_inputs(plans: list[Plan], as_of: date) -> list[Series]:
    """Every KPI's baseline and measurements up to ``as_of``, as plain numbers."""
    out = []
    for plan in plans:
        for kpi in plan.kpis:
            days, values = kpi.numbers(as_of)
            assert kpi.bounds is not None
            assert isinstance(kpi.target.value, float)
            out.append(
                Series(
                    kpi_id=kpi.id,
                    days=tuple(d.toordinal() for d in days),
                    values=values,
                    base=values[0],
                    target=kpi.target.value,
                    due=kpi.target.due.toordinal(),
                    sign=kpi.direction.sign,
                    lower=kpi.bounds[0],
                    upper=kpi.bounds[1],
                )
            )
    return out


def _window_start(as_of: date) -> int:
    """The day 12 months before ``as_of`` (as the ``recent`` forecaster counts): points
    after it are in the window."""
    return (as_of - relativedelta(months=12)).toordinal()


def _status(
    sign: int,
    latest: float,
    target: float,
    due: int,
    as_of: int,
    started: bool,
    reach: float | None,
) -> str:
    """The default status policy (maebashi_dx.status) for a quantitative KPI."""
    if sign * (latest - target) >= 0:
        return "achieved"
    if as_of > due:
        return "missed"
    if not started or reach is None:
        return "no_data"
    if reach >= 1.0:
        return "on_track"
    return "at_risk" if reach >= 0.8 else "off_track"


Rows = dict[str, tuple[float, float, str]]  # kpi_id: achievement, forecast, status


def python_loop(series: list[Series], as_of: date) -> Rows:
    """The anchor in plain Python: per KPI, the achievement, the least-squares line
    through the last 12 months' points (the last two when fewer) to the deadline,
    capped at the bounds, and the status."""
    since, today = _window_start(as_of), as_of.toordinal()
    out: Rows = {}
    for s in series:
        days, values = s.days, s.values
        i = min(bisect.bisect_right(days, since), len(days) - 2)
        xs, ys = days[i:], values[i:]
        n = len(xs)
        mx, my = sum(xs) / n, sum(ys) / n
        sxx = sxy = 0.0
        for x, y in zip(xs, ys, strict=True):
            sxx += (x - mx) * (x - mx)
            sxy += (x - mx) * (y - my)
        value = min(s.upper, max(s.lower, my + sxy / sxx * (s.due - mx)))
        latest = values[-1]
        gap = s.target - s.base
        reach = (value - s.base) / gap
        status = _status(s.sign, latest, s.target, s.due, today, len(days) > 1, reach)
        out[s.kpi_id] = ((latest - s.base) / gap, value, status)
    return out


def polars_table(series: list[Series]) -> tuple[Any, Any]:
    """One long table of the points, one of the KPIs (built untimed)."""
    import polars as pl

    points = pl.DataFrame(
        {
            "kpi": [k for k, s in enumerate(series) for _ in s.days],
            "day": [d for s in series for d in s.days],
            "value": [v for s in series for v in s.values],
        }
    )
    kpis = pl.DataFrame(
        {
            "kpi": range(len(series)),
            "kpi_id": [s.kpi_id for s in series],
            **{
                name: [getattr(s, name) for s in series]
                for name in ("base", "target", "due", "sign", "lower", "upper")
            },
        }
    )
    return points, kpis


def polars_anchor(tables: tuple[Any, Any], as_of: date) -> Rows:
    """The same computation vectorised in polars (the last two points stand in for a
    window of fewer than two, as in the loop)."""
    import polars as pl

    points, kpis = tables
    since, today = _window_start(as_of), as_of.toordinal()
    ranked = points.with_columns(
        pl.col("day").rank("ordinal", descending=True).over("kpi").alias("back"),
        (pl.col("day") > since).sum().over("kpi").alias("in_window"),
    )
    window = ranked.filter(
        (pl.col("day") > since) | ((pl.col("in_window") < 2) & (pl.col("back") <= 2))
    )
    fit = window.group_by("kpi").agg(
        (pl.cov("day", "value") / pl.col("day").var()).alias("b"),
        pl.col("day").mean().alias("mx"),
        pl.col("value").mean().alias("my"),
    )
    last = points.group_by("kpi").agg(
        pl.col("value").sort_by("day").last().alias("latest"), pl.len().alias("n")
    )
    gap = pl.col("target") - pl.col("base")
    value = (pl.col("my") + pl.col("b") * (pl.col("due") - pl.col("mx"))).clip(
        pl.col("lower"), pl.col("upper")
    )
    reach = (pl.col("value") - pl.col("base")) / gap
    status = (
        pl.when(pl.col("sign") * (pl.col("latest") - pl.col("target")) >= 0)
        .then(pl.lit("achieved"))
        .when(pl.col("due") < today)
        .then(pl.lit("missed"))
        .when(pl.col("n") < 2)
        .then(pl.lit("no_data"))
        .when(reach >= 1.0)
        .then(pl.lit("on_track"))
        .when(reach >= 0.8)
        .then(pl.lit("at_risk"))
        .otherwise(pl.lit("off_track"))
    )
    out = (
        kpis.join(fit, on="kpi")
        .join(last, on="kpi")
        .with_columns(value.alias("value"))
        .select(
            "kpi_id",
            ((pl.col("latest") - pl.col("base")) / gap).alias("achievement"),
            "value",
            status.alias("status"),
        )
    )
    return {k: (a, v, st) for k, a, v, st in out.iter_rows()}


def assessed_rows(results: list[Assessment]) -> Rows:
    out: Rows = {}
    for result in results:
        for row in result.rows:
            assert row.achievement is not None
            assert row.forecast.value is not None
            out[row.kpi_id] = (row.achievement, row.forecast.value, row.status.value)
    return out


def disagreements(got: Rows, want: Rows) -> int:
    """KPIs on which two computations differ (numbers beyond 1e-9, or the status)."""

    def close(a: float, b: float) -> bool:
        return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))

    bad = set(got) ^ set(want)
    for kpi_id in set(got) & set(want):
        (a1, v1, s1), (a2, v2, s2) = got[kpi_id], want[kpi_id]
        if not (close(a1, a2) and close(v1, v2) and s1 == s2):
            bad.add(kpi_id)
    return len(bad)


@dataclass
class Timing:
    """A run's CPU time, and the part of it Python's cyclic garbage collector took."""

    seconds: float = float("inf")
    collector: float = 0.0
    full_collections: int = 0


class _CollectorClock:
    """A :data:`gc.callbacks` entry adding each collection's CPU time to a run's."""

    def __init__(self, run: Timing) -> None:
        self.run = run
        self.started = 0.0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self.started = time.process_time()
        else:
            self.run.collector += time.process_time() - self.started
            self.run.full_collections += info["generation"] == 2


def best_time(fn: Callable[[], object], repeat: int) -> tuple[Timing, Any]:
    """The least CPU time of ``repeat`` runs (with its collector time), and the last
    run's result."""
    best, result = Timing(), None
    for _ in range(repeat):
        gc.collect()
        run = Timing(seconds=0.0)
        clock = _CollectorClock(run)
        gc.callbacks.append(clock)
        try:
            t0 = time.process_time()
            result = fn()
            run.seconds = time.process_time() - t0
        finally:
            gc.callbacks.remove(clock)
        if run.seconds < best.seconds:
            best = run
    return best, result


def workload_options(parser: argparse.ArgumentParser) -> None:
    """The national workload's size and seed, as build_plan takes them (the benchmarks
    that generate it share these options)."""
    parser.add_argument("--cities", type=int, default=1741)
    parser.add_argument("--kpis", type=int, default=20)
    parser.add_argument("--months", type=int, default=48)
    parser.add_argument("--seed", type=int, default=20220531)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    workload_options(parser)
    parser.add_argument("--method", default=None, help="the forecaster (default: assess's)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)

    rng = random.Random(args.seed)
    t0 = time.perf_counter()
    plans = [build_plan(c, args.kpis, args.months, rng) for c in range(args.cities)]
    as_of = START + relativedelta(months=args.months, day=31)
    series = anchor_inputs(plans, as_of)
    try:
        tables = polars_table(series)
    except ImportError:
        tables = None
    built = time.perf_counter() - t0
    n = sum(len(s.days) for s in series)

    figures: dict[str, Timing] = {}
    label = f"assess ({args.method or 'default forecaster'})"
    figures[label], _ = best_time(
        lambda: [assess(p, as_of, method=args.method, scale="nagayo") for p in plans],
        args.repeat,
    )
    figures["assess (recent)"], recent = best_time(
        lambda: [assess(p, as_of, method="recent", scale="nagayo") for p in plans], args.repeat
    )
    figures["python loop"], looped = best_time(lambda: python_loop(series, as_of), args.repeat)
    want = assessed_rows(recent)
    agree = {"python loop": disagreements(looped, want)}
    if tables is not None:
        figures["polars"], table = best_time(lambda: polars_anchor(tables, as_of), args.repeat)
        agree["polars"] = disagreements(table, want)
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    print(f"workload: {args.cities} cities x {args.kpis} KPIs x {args.months} months")
    print(f"measurements: {n:,} (plans and anchor tables built in {built:.1f} s, not timed)")
    print(f"best CPU time of {args.repeat} runs each:")
    anchors = [a for a in ("python loop", "polars") if a in figures]
    for name, timing in figures.items():
        seconds = timing.seconds
        ratios = "".join(
            f", {seconds / figures[a].seconds:5.2f}x {a}" for a in anchors if a != name
        )
        print(f"  {name:32} {seconds:7.3f} s {n / seconds / 1e6:7.3f} M measurements/s{ratios}")
    print("of which Python's cyclic garbage collector (it walks every object the process holds):")
    for name, timing in figures.items():
        share = timing.collector / timing.seconds
        full = timing.full_collections
        print(f"  {name:32} {timing.collector:7.3f} s ({share:.0%}, {full} full collections)")
    if tables is None:
        print("  polars: not installed (pip install 'maebashi-dx[bench]'), anchor skipped")
    for name, bad in agree.items():
        verdict = "agree on every KPI" if not bad else f"DISAGREE on {bad:,} KPIs"
        print(f"{name} and assess(method='recent'): {verdict}")
    print(f"peak memory (max RSS): {peak_mib:,.0f} MiB")
    return 1 if any(agree.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
