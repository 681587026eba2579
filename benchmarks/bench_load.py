"""Time the object path's loading against the standard library reading the same files.

The national data are bench_assess.py's plans (1,741 municipalities × 20 KPIs × 48 monthly
measurements plus a baseline each, seeded), written once to a folder and reused:

- ``national.csv``: every value as a long CSV ``kpi_id,date,value`` (1.7 M rows, ISO
  dates), read by :func:`~maebashi_dx.io.load_measurements` against :func:`csv.reader`;
- ``national_era.csv``: the same rows with dates as committee material writes them
  (``H30.5.31``, ``R4.5.31``): the file stays under the 50 MB a file may have
  (``2018年5月末`` would make it 51 MB);
- ``plan.json``: the plans of 300 municipalities with their measurements (the most a
  plan file may hold is 1,000,000 values: 300 × 20 KPIs × 49 values is 954,000), read
  by :func:`~maebashi_dx.io.load_plan` against :func:`json.load`;
- ``kpis.json``: the KPI definitions of all 1,741 (no measurements), the plan the
  long CSV is merged into.

Each figure is the best CPU time of ``--repeat`` runs, printed beside its anchor
measured in the same run, and as their ratio. Memory is measured in separate processes:
the peak of the object path (the definitions, the CSV read and merged into them) with
tracemalloc, and as the resident memory it gains beside pandas and polars reading the
same CSV (their ratio); and the national plans held in memory as bench_assess.py builds
them.

    python benchmarks/bench_load.py                  # the national workload
    python benchmarks/bench_load.py --cities 100     # a quicker look
"""

from __future__ import annotations

import argparse
import csv
import gc
import json
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_assess import build_plan, one_plan, workload_options  # noqa: E402  (the sibling benchmark's generator)

import maebashi_dx  # noqa: E402
from maebashi_dx.dates import era_of  # noqa: E402
from maebashi_dx.io import load_measurements, load_plan, merge_measurements  # noqa: E402

#: Municipalities whose plans, with their measurements, fit in one plan file (at most
#: 1,000,000 values, maebashi_dx.io.files.MAX_NODES).
PLAN_CITIES = 300


def _national(cities: int, kpis: int, months: int, seed: int) -> list[maebashi_dx.Plan]:
    rng = random.Random(seed)
    return [build_plan(c, kpis, months, rng) for c in range(cities)]


def _era_day(day: date) -> str:
    """A day the short way committee material writes it: ``R4.5.31``."""
    era, year = era_of(day)
    return f"{era.letter}{year}.{day.month}.{day.day}"


def write_data(folder: Path, cities: int, kpis: int, months: int, seed: int) -> dict[str, Path]:
    """The benchmark's files in ``folder``, written unless already there."""
    files = {
        name: folder / f"{name}-{cities}x{kpis}x{months}-{seed}{suffix}"
        for name, suffix in (
            ("national", ".csv"),
            ("national_era", ".csv"),
            ("plan", ".json"),
            ("kpis", ".json"),
        )
    }
    if all(f.exists() for f in files.values()):
        return files
    folder.mkdir(parents=True, exist_ok=True)
    plans = _national(cities, kpis, months, seed)
    data = maebashi_dx.plan_to_dict(one_plan(plans, measurements=False))
    files["kpis"].write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    few = plans[: min(PLAN_CITIES, cities)]
    data = maebashi_dx.plan_to_dict(one_plan(few, measurements=True))
    files["plan"].write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    for name, write_day in (("national", date.isoformat), ("national_era", _era_day)):
        with files[name].open("w", encoding="utf-8", newline="") as handle:
            out = csv.writer(handle)
            out.writerow(["kpi_id", "date", "value"])
            for plan in plans:
                for kpi in plan.kpis:
                    for m in (kpi.baseline, *kpi.measurements):
                        assert m is not None
                        out.writerow([kpi.id, write_day(m.as_of), repr(m.value)])
    return files


def best_seconds(run: Callable[[], object], repeat: int) -> float:
    """The least CPU time of ``repeat`` runs (the garbage collector on, as users run).

    CPU time, not wall time, and the best run, not the median: on a shared machine
    what else runs slows a run down (caches, memory bandwidth), never speeds it up.
    """
    times = []
    for _ in range(repeat):
        gc.collect()
        t0 = time.process_time()
        run()
        times.append(time.process_time() - t0)
    return min(times)


def _csv_reader(path: Path) -> int:
    with path.open(encoding="utf-8", newline="") as handle:
        return sum(1 for _ in csv.reader(handle))


def _json_load(path: Path) -> object:
    with path.open(encoding="utf-8") as handle:
        return json.load(handle)


_PEAK = """
import sys, tracemalloc
from maebashi_dx.io import load_measurements, load_plan, merge_measurements
tracemalloc.start()
plan = merge_measurements(load_plan(sys.argv[1]), load_measurements(sys.argv[2]))
print(tracemalloc.get_traced_memory()[1] / 2**20)
"""

# Peak resident memory gained by a step, in a new process: the same measure for the object
# path and for the anchors (tracemalloc does not see polars' own allocator). Linux's
# ru_maxrss of a process started by another counts the starting process's memory too
# (it is kept across exec), so the high-water mark is read from /proc where there is one.
_RSS = """
import resource, sys
import psutil
{imports}
def peak():  # the high-water mark of this process's memory (Linux: not the parent's)
    try:
        with open("/proc/self/status") as status:
            line = next(x for x in status if x.startswith("VmHWM:"))
        return int(line.split()[1]) * 1024
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
before = psutil.Process().memory_info().rss
{run}
print((peak() - before) / 2**20)
"""
_RSS_STEPS = {
    "ours": (
        "from maebashi_dx.io import load_measurements, load_plan, merge_measurements",
        "plan = merge_measurements(load_plan(sys.argv[1]), load_measurements(sys.argv[2]))",
    ),
    "pandas": ("import pandas", "frame = pandas.read_csv(sys.argv[2])"),
    "polars": ("import polars", "frame = polars.read_csv(sys.argv[2])"),
}


def rss_mib(step: str, kpis: Path, measurements: Path) -> float:
    """Peak resident memory (MiB) a step gains over its imports, in a new process."""
    imports, run = _RSS_STEPS[step]
    return _printed(_RSS.format(imports=imports, run=run), str(kpis), str(measurements))


def _printed(code: str, *argv: str) -> float:
    """The number a script prints last, run in a new process."""
    done = subprocess.run(
        [sys.executable, "-c", code, *argv], check=True, capture_output=True, text=True
    )
    return float(done.stdout.split()[-1])


_PLANS = """
import random, sys, tracemalloc
sys.path.insert(0, sys.argv[1])
from bench_assess import build_plan
tracemalloc.start()
rng = random.Random(int(sys.argv[5]))
plans = [build_plan(c, int(sys.argv[3]), int(sys.argv[4]), rng) for c in range(int(sys.argv[2]))]
print(tracemalloc.get_traced_memory()[0] / 2**20)
"""


def plans_mib(cities: int, kpis: int, months: int, seed: int) -> float:
    """Traced memory (MiB) of the plans as bench_assess.py builds them, in a new process."""
    return _printed(_PLANS, str(HERE), str(cities), str(kpis), str(months), str(seed))


def peak_mib(kpis: Path, measurements: Path) -> float:
    """Peak traced memory (MiB) of load_plan + load_measurements + merge, in a new process."""
    return _printed(_PEAK, str(kpis), str(measurements))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    workload_options(parser)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--data", type=Path, default=Path(tempfile.gettempdir()) / "maebashi-bench")
    parser.add_argument("--no-memory", action="store_true", help="skip the peak-memory run")
    args = parser.parse_args(argv)

    files = write_data(args.data, args.cities, args.kpis, args.months, args.seed)
    rows = sum(1 for _ in files["national"].open(encoding="utf-8")) - 1
    size = files["plan"].stat().st_size / 1e6
    print(f"data: {rows:,} rows in the long CSV; a {size:.0f} MB JSON plan ({args.data})")
    print(f"{'step (CPU seconds)':<44} {'ours':>8} {'anchor':>8} {'ratio':>6}")
    lines = (
        ("load_measurements (ISO dates)", "national", load_measurements, _csv_reader),
        ("load_measurements (era dates, R4.5.31)", "national_era", load_measurements, _csv_reader),
        ("load_plan (JSON, with measurements)", "plan", load_plan, _json_load),
        ("load_plan (JSON, KPI definitions)", "kpis", load_plan, _json_load),
    )
    for label, name, ours, anchor in lines:
        path = files[name]
        mine = best_seconds(lambda: ours(path), args.repeat)  # noqa: B023 (run at once)
        base = best_seconds(lambda: anchor(path), args.repeat)  # noqa: B023
        print(f"{label:<44} {mine:8.3f} {base:8.3f} {mine / base:5.1f}×")
    plan = load_plan(files["kpis"])
    t0 = time.process_time()
    merge_measurements(plan, load_measurements(files["national"]))
    print(f"{'load_measurements + merge_measurements':<44} {time.process_time() - t0:8.3f}")
    if not args.no_memory:
        peak = peak_mib(files["kpis"], files["national"])
        print(f"peak memory (tracemalloc), load_plan + load_measurements + merge: {peak:,.0f} MiB")
        rss = {step: rss_mib(step, files["kpis"], files["national"]) for step in _RSS_STEPS}
        print(
            f"peak resident memory gained: ours (load_plan + load_measurements + merge)"
            f" {rss['ours']:,.0f} MiB; pandas.read_csv {rss['pandas']:,.0f} MiB"
            f" ({rss['ours'] / rss['pandas']:.2f}×); polars.read_csv {rss['polars']:,.0f} MiB"
            f" ({rss['ours'] / rss['polars']:.2f}×)"
        )
        held = plans_mib(args.cities, args.kpis, args.months, args.seed)
        print(f"the plans in memory, built as bench_assess.py builds them: {held:,.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
