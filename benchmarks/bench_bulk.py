"""The bulk path against the object path and pandas, polars and DuckDB, at national scale.

The data are bench_assess.py's plans (its generator, seeded): at 1× 1,741 municipalities
× 20 KPIs × 48 monthly measurements plus a baseline each, 1.7 M values; written once to
a folder as a long CSV ``kpi_id,date,value`` (ISO dates, the measurements), a KPI
table ``kpis.csv`` (baseline, target, deadline, direction, bounds) and, for the object
path, plan files of the same KPIs with the measurements split alike (500 municipalities
a file: a plan file holds at most 1,000,000 values, a CSV file 50 MB).

Every tool computes, end to end from those files to one row per KPI, the same thing:
the achievement, a 12-month least-squares forecast to the deadline (the ``recent``
forecaster) and the status; the runs are checked to agree on every KPI (achievement
and forecast to 1e-9, the same status). The tools:

- ``bulk``: :func:`maebashi_dx.bulk.assess_table` (``method="recent"``);
- ``bulk (blend)``: the same with the default forecaster, for information;
- ``object``: ``load_plan`` + ``load_measurements`` + ``merge_measurements`` +
  ``assess`` (``method="recent"``);
- ``pandas``, ``polars``, ``duckdb``: the same computation written the way an analyst
  writes it in each (the anchors).

Each tool runs at each size in a separate process: seconds are the best of
``--repeat`` runs (5; the machine may be shared) of the wall time from the files to the
result (imports excluded), peak memory is that process's peak resident
set size (VmHWM, interpreter and libraries included). Ratios are against the
faster of polars and DuckDB at the same size; the doubling ratio is a tool's seconds at
one size over its seconds at half that size, and the last line gives one doubling's
cost over the whole range (the geometric mean of the ratios).

    python benchmarks/bench_bulk.py            # ¼, ½, 1 and 2× national size
    python benchmarks/bench_bulk.py --quick    # a small run (a few seconds)
"""

from __future__ import annotations

import argparse
import csv
import gc
import json
import math
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_assess import build_plan, one_plan  # noqa: E402  (the sibling benchmark's generator)

NATIONAL = 1741
KPIS = 20
MONTHS = 48
AS_OF = date(2022, 4, 30)  # START + 48 months, at the month's end, as bench_assess
PLAN_CITIES = 500  # municipalities per plan file (a plan file holds ≤ 1,000,000 values)
TOOLS = ("bulk", "bulk (blend)", "object", "pandas", "polars", "duckdb")
ANCHORS = ("polars", "duckdb")


# ------------------------------------------------------------------------------ data


def write_data(folder: Path, cities: int, seed: int) -> None:
    """The files for the first ``cities`` municipalities (written unless there)."""
    done = folder / f"ready-{cities}"
    if done.exists():
        return

    import maebashi_dx

    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    plans = [build_plan(c, KPIS, MONTHS, rng) for c in range(cities)]
    with (folder / f"measurements-{cities}.csv").open("w", encoding="utf-8", newline="") as f:
        out = csv.writer(f)
        out.writerow(["kpi_id", "date", "value"])
        for plan in plans:
            for kpi in plan.kpis:
                for m in kpi.measurements:
                    out.writerow([kpi.id, m.as_of.isoformat(), repr(m.value)])
    # The same rows split as the plan files are, for the object path (a file it reads
    # holds at most 50 MB).
    for i in range(0, cities, PLAN_CITIES):
        path = folder / f"measurements-{cities}-{i // PLAN_CITIES:03d}.csv"
        with path.open("w", encoding="utf-8", newline="") as f:
            out = csv.writer(f)
            out.writerow(["kpi_id", "date", "value"])
            for plan in plans[i : i + PLAN_CITIES]:
                for kpi in plan.kpis:
                    for m in kpi.measurements:
                        out.writerow([kpi.id, m.as_of.isoformat(), repr(m.value)])
    with (folder / f"kpis-{cities}.csv").open("w", encoding="utf-8", newline="") as f:
        out = csv.writer(f)
        out.writerow(
            [
                "kpi_id",
                "baseline_date",
                "baseline_value",
                "target",
                "due",
                "direction",
                "lower",
                "upper",
            ]
        )
        for plan in plans:
            for kpi in plan.kpis:
                assert kpi.baseline is not None
                assert kpi.bounds is not None
                out.writerow(
                    [
                        kpi.id,
                        kpi.baseline.as_of.isoformat(),
                        repr(kpi.baseline.value),
                        repr(kpi.target.value),
                        kpi.target.due.isoformat(),
                        kpi.direction.value,
                        repr(kpi.bounds[0]),
                        repr(kpi.bounds[1]),
                    ]
                )
    for i in range(0, cities, PLAN_CITIES):
        one = one_plan(plans[i : i + PLAN_CITIES], measurements=False, plan_id=f"national{i}")
        data = maebashi_dx.plan_to_dict(one)
        path = folder / f"plan-{cities}-{i // PLAN_CITIES:03d}.json"
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    done.write_text("ok")


# --------------------------------------------------------------------------- the tools
#
# Each returns a dict of columns: kpi_id, achievement, forecast_value, status.


def run_bulk(folder: Path, cities: int, method: str) -> dict[str, list[Any]]:
    from maebashi_dx.bulk import assess_table

    table = assess_table(
        folder / f"measurements-{cities}.csv", folder / f"kpis-{cities}.csv", AS_OF, method=method
    )
    return {c: table[c].to_list() for c in ("kpi_id", "achievement", "forecast_value", "status")}


def run_object(folder: Path, cities: int) -> dict[str, list[Any]]:
    from maebashi_dx import assess
    from maebashi_dx.io import load_measurements, load_plan, merge_measurements

    plans = sorted(folder.glob(f"plan-{cities}-*.json"))
    rows = sorted(folder.glob(f"measurements-{cities}-*.csv"))
    out: dict[str, list[Any]] = {
        "kpi_id": [],
        "achievement": [],
        "forecast_value": [],
        "status": [],
    }
    for plan, measurements in zip(plans, rows, strict=True):
        merged = merge_measurements(load_plan(plan), load_measurements(measurements))
        result = assess(merged, AS_OF, method="recent")
        for row in result.rows:
            out["kpi_id"].append(row.kpi_id)
            out["achievement"].append(row.achievement)
            out["forecast_value"].append(row.forecast.value)
            out["status"].append(row.status.value)
    return out


def _window_start() -> date:
    # The day 12 months before AS_OF: points after it are in the `recent` window.
    return date(AS_OF.year - 1, AS_OF.month, AS_OF.day)


def run_pandas(folder: Path, cities: int) -> dict[str, list[Any]]:
    import numpy as np
    import pandas as pd

    m = pd.read_csv(folder / f"measurements-{cities}.csv", parse_dates=["date"])
    k = pd.read_csv(folder / f"kpis-{cities}.csv", parse_dates=["baseline_date", "due"])
    as_of, since = pd.Timestamp(AS_OF), pd.Timestamp(_window_start())
    base = k[["kpi_id", "baseline_date", "baseline_value"]].rename(
        columns={"baseline_date": "date", "baseline_value": "value"}
    )
    m = pd.concat([base, m[m["date"] <= as_of]]).sort_values(["kpi_id", "date"], kind="stable")
    last = m.groupby("kpi_id", sort=False).tail(1).set_index("kpi_id")
    w = m[m["date"] > since].copy()
    w["x"] = (w["date"] - as_of).dt.days.astype(float)
    w["xx"], w["xz"] = w["x"] * w["x"], w["x"] * w["value"]
    s = w.groupby("kpi_id").agg(
        n=("x", "size"), sx=("x", "sum"), sz=("value", "sum"), sxx=("xx", "sum"), sxz=("xz", "sum")
    )
    b = (s["sxz"] - s["sx"] * s["sz"] / s["n"]) / (s["sxx"] - s["sx"] ** 2 / s["n"])
    a = s["sz"] / s["n"] - b * s["sx"] / s["n"]
    t = k.set_index("kpi_id")
    x_due = (t["due"] - as_of).dt.days.astype(float)
    sign = np.where(t["direction"] == "decrease", -1.0, 1.0)
    forecast = (a + b * x_due).reindex(t.index).clip(t["lower"], t["upper"])
    latest = last["value"].reindex(t.index)
    gap = t["target"] - t["baseline_value"]
    achievement = (latest - t["baseline_value"]) / gap
    fa = (forecast - t["baseline_value"]) / gap
    started = last["date"].reindex(t.index) != t["baseline_date"]
    status = np.select(
        [
            sign * (latest - t["target"]) >= 0,
            t["due"] < as_of,
            ~started,
            fa.isna(),
            fa >= 1.0,
            fa >= 0.8,
        ],
        ["achieved", "missed", "no_data", "no_data", "on_track", "at_risk"],
        "off_track",
    )
    return {
        "kpi_id": list(t.index),
        "achievement": achievement.tolist(),
        "forecast_value": forecast.tolist(),
        "status": list(status),
    }


def run_polars(folder: Path, cities: int) -> dict[str, list[Any]]:
    import polars as pl

    m = pl.scan_csv(folder / f"measurements-{cities}.csv", try_parse_dates=True)
    k = pl.read_csv(folder / f"kpis-{cities}.csv", try_parse_dates=True)
    base = k.lazy().select(
        "kpi_id", pl.col("baseline_date").alias("date"), pl.col("baseline_value").alias("value")
    )
    points = pl.concat([base, m.filter(pl.col("date") <= AS_OF)]).sort("kpi_id", "date")
    last = points.group_by("kpi_id").agg(
        pl.col("date").last().alias("last_date"), pl.col("value").last().alias("latest")
    )
    x = (pl.col("date") - pl.lit(AS_OF)).dt.total_days().cast(pl.Float64)
    fit = (
        points.filter(pl.col("date") > _window_start())
        .with_columns(x.alias("x"))
        .group_by("kpi_id")
        .agg(
            (pl.cov("x", "value") / pl.col("x").var()).alias("b"),
            pl.col("x").mean().alias("mx"),
            pl.col("value").mean().alias("mz"),
        )
    )
    x_due = (pl.col("due") - pl.lit(AS_OF)).dt.total_days().cast(pl.Float64)
    sign = pl.when(pl.col("direction") == "decrease").then(-1.0).otherwise(1.0)
    gap = pl.col("target") - pl.col("baseline_value")
    forecast = (pl.col("mz") + pl.col("b") * (x_due - pl.col("mx"))).clip(
        pl.col("lower"), pl.col("upper")
    )
    fa = (pl.col("forecast_value") - pl.col("baseline_value")) / gap
    out = (
        k.lazy()
        .join(last, on="kpi_id", how="left")
        .join(fit, on="kpi_id", how="left")
        .with_columns(
            forecast.alias("forecast_value"),
            ((pl.col("latest") - pl.col("baseline_value")) / gap).alias("achievement"),
        )
        .with_columns(
            pl.when(sign * (pl.col("latest") - pl.col("target")) >= 0)
            .then(pl.lit("achieved"))
            .when(pl.col("due") < AS_OF)
            .then(pl.lit("missed"))
            .when(pl.col("last_date") == pl.col("baseline_date"))
            .then(pl.lit("no_data"))
            .when(fa.is_null())
            .then(pl.lit("no_data"))
            .when(fa >= 1.0)
            .then(pl.lit("on_track"))
            .when(fa >= 0.8)
            .then(pl.lit("at_risk"))
            .otherwise(pl.lit("off_track"))
            .alias("status")
        )
        .select("kpi_id", "achievement", "forecast_value", "status")
        .collect()
    )
    return {c: out[c].to_list() for c in out.columns}


def run_duckdb(folder: Path, cities: int) -> dict[str, list[Any]]:
    import duckdb

    m, k = folder / f"measurements-{cities}.csv", folder / f"kpis-{cities}.csv"
    sql = f"""
    WITH k AS (SELECT * FROM read_csv('{k}')),
    points AS (
        SELECT kpi_id, baseline_date AS date, baseline_value AS value FROM k
        UNION ALL SELECT kpi_id, date, value FROM read_csv('{m}') WHERE date <= DATE '{AS_OF}'),
    last AS (SELECT kpi_id, max(date) AS last_date, arg_max(value, date) AS latest
             FROM points GROUP BY kpi_id),
    fit AS (SELECT kpi_id,
                   regr_slope(value, date_diff('day', DATE '{AS_OF}', date)) AS b,
                   regr_intercept(value, date_diff('day', DATE '{AS_OF}', date)) AS a
            FROM points WHERE date > DATE '{_window_start()}' GROUP BY kpi_id),
    f AS (SELECT k.*, last.last_date, last.latest,
                 greatest(k.lower, least(k.upper,
                          fit.a + fit.b * date_diff('day', DATE '{AS_OF}', k.due)))
                   AS forecast_value,
                 (last.latest - k.baseline_value) / (k.target - k.baseline_value) AS achievement,
                 CASE WHEN k.direction = 'decrease' THEN -1.0 ELSE 1.0 END AS sign
          FROM k LEFT JOIN last USING (kpi_id) LEFT JOIN fit USING (kpi_id)),
    g AS (SELECT *, (forecast_value - baseline_value) / (target - baseline_value) AS fa FROM f)
    SELECT kpi_id, achievement, forecast_value,
           CASE WHEN sign * (latest - target) >= 0 THEN 'achieved'
                WHEN due < DATE '{AS_OF}' THEN 'missed'
                WHEN last_date = baseline_date THEN 'no_data'
                WHEN fa IS NULL THEN 'no_data'
                WHEN fa >= 1.0 THEN 'on_track'
                WHEN fa >= 0.8 THEN 'at_risk'
                ELSE 'off_track' END AS status
    FROM g ORDER BY kpi_id
    """
    rows = duckdb.sql(sql).fetchall()
    return {
        "kpi_id": [r[0] for r in rows],
        "achievement": [r[1] for r in rows],
        "forecast_value": [r[2] for r in rows],
        "status": [r[3] for r in rows],
    }


def peak_mib() -> float:
    """This process's peak resident set size, MiB: the high-water mark of its own
    memory (VmHWM on Linux; ru_maxrss, which on Linux also counts the parent's memory
    when it was forked, elsewhere)."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def worker(tool: str, folder: Path, cities: int, out: Path, repeat: int) -> None:
    """Run one tool in this process; write its rows and its figures as JSON."""
    runs = {
        "bulk": lambda: run_bulk(folder, cities, "recent"),
        "bulk (blend)": lambda: run_bulk(folder, cities, "blend"),
        "object": lambda: run_object(folder, cities),
        "pandas": lambda: run_pandas(folder, cities),
        "polars": lambda: run_polars(folder, cities),
        "duckdb": lambda: run_duckdb(folder, cities),
    }
    # Import the tool's libraries first: the timing is of the work, not of imports.
    if tool.startswith("bulk"):
        import maebashi_dx.bulk.table
    elif tool == "object":
        import maebashi_dx.assess
        import maebashi_dx.io  # noqa: F401  (loaded before the clock starts)
    else:
        __import__(tool)
    times = []
    for _ in range(repeat):  # the best of a few runs: the machine may be shared
        gc.collect()
        t0 = time.perf_counter()
        rows = runs[tool]()
        times.append(time.perf_counter() - t0)
    seconds = min(times)
    peak = peak_mib()
    out.write_text(json.dumps({"seconds": seconds, "peak_mib": peak, "rows": rows}, default=str))


# ------------------------------------------------------------------------------- main


def _measure(tool: str, folder: Path, cities: int, repeat: int) -> dict[str, Any]:
    out = (
        folder / f"result-{cities}-{tool.replace(' ', '_').replace('(', '').replace(')', '')}.json"
    )
    subprocess.run(
        [
            sys.executable,
            __file__,
            "--worker",
            tool,
            "--data",
            str(folder),
            "--cities",
            str(cities),
            "--out",
            str(out),
            "--repeat",
            str(repeat),
        ],
        check=True,
    )
    result: dict[str, Any] = json.loads(out.read_text())
    out.unlink()
    return result


def _agree(a: dict[str, list[Any]], b: dict[str, list[Any]]) -> list[str]:
    """Where two tools' rows differ (by KPI id)."""
    left = {
        r[0]: r[1:]
        for r in zip(
            *(a[c] for c in ("kpi_id", "achievement", "forecast_value", "status")), strict=True
        )
    }
    right = {
        r[0]: r[1:]
        for r in zip(
            *(b[c] for c in ("kpi_id", "achievement", "forecast_value", "status")), strict=True
        )
    }
    if left.keys() != right.keys():
        return [f"different KPIs: {len(left.keys() ^ right.keys())} not in both"]
    out = []
    for kpi_id, (ach, fc, status) in left.items():
        ach2, fc2, status2 = right[kpi_id]
        for x, y, what in ((ach, ach2, "achievement"), (fc, fc2, "forecast")):
            if (x is None) != (y is None) or (
                x is not None and not math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-9)
            ):
                out.append(f"{kpi_id} {what}: {x} vs {y}")
        if status != status2:
            out.append(f"{kpi_id} status: {status} vs {status2}")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a small run: 40, 80 municipalities")
    parser.add_argument("--sizes", default="0.25,0.5,1,2", help="multiples of national size")
    parser.add_argument("--seed", type=int, default=20220531)
    parser.add_argument(
        "--data", type=Path, default=Path(tempfile.gettempdir()) / "maebashi-bench-bulk"
    )
    parser.add_argument("--tools", default=",".join(TOOLS))
    parser.add_argument("--repeat", type=int, default=5, help="runs per tool; the best counts")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--write", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--cities", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        worker(args.worker, args.data, args.cities, args.out, args.repeat)
        return 0
    if args.write:
        write_data(args.data, args.cities, args.seed)
        return 0
    sizes = (
        [40 / NATIONAL, 80 / NATIONAL] if args.quick else [float(s) for s in args.sizes.split(",")]
    )
    tools = args.tools.split(",")
    print(
        f"{'size':>5} {'tool':<13} {'values':>10} {'seconds':>8} {'values/s':>10}"
        f" {'peak MiB':>9} {'× time':>7} {'× mem':>6} {'doubling':>8}"
    )
    seconds: dict[tuple[str, float], float] = {}
    failures: list[str] = []
    at_one: dict[str, dict[str, float]] = {}
    for size in sizes:
        cities = max(1, round(NATIONAL * size))
        # In a process of its own: the plans are large, and the parent stays small.
        subprocess.run(
            [
                sys.executable,
                __file__,
                "--write",
                "--data",
                str(args.data),
                "--cities",
                str(cities),
                "--seed",
                str(args.seed),
            ],
            check=True,
        )
        values = cities * KPIS * (MONTHS + 1)
        results = {tool: _measure(tool, args.data, cities, args.repeat) for tool in tools}
        anchors = [t for t in ANCHORS if t in results]
        fastest = min((results[t]["seconds"] for t in anchors), default=math.nan)
        lightest = min((results[t]["peak_mib"] for t in anchors), default=math.nan)
        reference = results.get("bulk") or next(iter(results.values()))
        for tool, r in results.items():
            if tool != "bulk (blend)":
                for problem in _agree(reference["rows"], r["rows"])[:5]:
                    failures.append(f"{size}× {tool}: {problem}")
            s = r["seconds"]
            seconds[(tool, size)] = s
            half = seconds.get((tool, size / 2))
            doubling = f"{s / half:8.2f}" if half else f"{'':>8}"
            print(
                f"{size:5.3g} {tool:<13} {values:>10,} {s:8.2f} {values / s:>10,.0f}"
                f" {r['peak_mib']:9,.0f} {s / fastest:7.2f}"
                f" {r['peak_mib'] / lightest:6.2f} {doubling}"
            )
            if size == 1 or (args.quick and size == sizes[-1]):
                at_one[tool] = {
                    "time": s / fastest,
                    "memory": r["peak_mib"] / lightest,
                    "doubling": s / half if half else math.nan,
                }
    print(
        f"agreement ({', '.join(tools)} but bulk (blend)): {'every KPI' if not failures else 'NO'}"
    )
    for failure in failures[:20]:
        print("  ", failure)
    if "bulk" in at_one:
        b = at_one["bulk"]
        print(
            f"bulk at {'the largest size' if args.quick else '1×'}: {b['time']:.2f}×"
            " the faster of polars and DuckDB"
            f" (target ≤ 2), peak memory {b['memory']:.2f}× (target ≤ 2),"
            f" doubling {b['doubling']:.2f} (target ≤ 2.2)"
        )
    if len(sizes) > 2:
        # One doubling's cost over the whole range (the geometric mean of the ratios):
        # steadier than any one ratio on a shared machine.
        steps = math.log2(sizes[-1] / sizes[0])
        slopes = ", ".join(
            f"{tool} {(seconds[(tool, sizes[-1])] / seconds[(tool, sizes[0])]) ** (1 / steps):.2f}"
            for tool in tools
        )
        print(f"per doubling from {sizes[0]:g}× to {sizes[-1]:g}×: {slopes}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
