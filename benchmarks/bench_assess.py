"""Time assess() on a national-scale synthetic workload.

1,741 municipalities × 20 KPIs × 48 monthly measurements (plus a baseline each), seeded.
Building the plans is not timed; assessing them is, end to end from the plans to the
assessments (forecast, metrics, status, grade and roll-ups for every KPI).

    python benchmarks/bench_assess.py                 # the full workload
    python benchmarks/bench_assess.py --cities 100    # a quicker look
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import time
from datetime import date

from dateutil.relativedelta import relativedelta

from maebashi_dx import (
    KPI,
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--cities", type=int, default=1741)
    parser.add_argument("--kpis", type=int, default=20)
    parser.add_argument("--months", type=int, default=48)
    parser.add_argument("--seed", type=int, default=20220531)
    parser.add_argument("--method", default=None)
    args = parser.parse_args(argv)

    rng = random.Random(args.seed)
    t0 = time.perf_counter()
    plans = [build_plan(c, args.kpis, args.months, rng) for c in range(args.cities)]
    built = time.perf_counter() - t0
    n_measurements = sum(len(k.measurements) + 1 for p in plans for k in p.kpis)
    as_of = START + relativedelta(months=args.months, day=31)

    t0 = time.perf_counter()
    results = [assess(p, as_of, method=args.method, scale="nagayo") for p in plans]
    elapsed = time.perf_counter() - t0
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    off = sum(1 for r in results for row in r.rows if row.status.value == "off_track")

    print(f"workload: {args.cities} cities x {args.kpis} KPIs x {args.months} months")
    print(f"measurements: {n_measurements:,} (built in {built:.1f} s, not timed)")
    print(
        f"assess: {elapsed:.2f} s, {n_measurements / elapsed:,.0f} measurements/s, "
        f"{args.cities * args.kpis / elapsed:,.0f} KPIs/s"
    )
    print(f"peak memory (max RSS): {peak_mib:,.0f} MiB")
    print(f"off-track KPIs: {off:,}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
