"""Time find_conflicts() at scale, and check that it grows as n log n, not n².

100,000 milestones over 2,000 resources with dependencies (seeded), then the same at
n/2: prints both times and their ratio. An all-pairs algorithm would show a ratio near 4;
n log n shows a little over 2.

    python benchmarks/bench_conflicts.py
    python benchmarks/bench_conflicts.py --n 20000
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import Counter
from datetime import date, timedelta

from maebashi_dx import DateSpan, Milestone, Plan, find_conflicts

START = date(2021, 4, 1)


def build(n: int, resources: int, rng: random.Random) -> Plan:
    milestones = []
    for i in range(n):
        start = START + timedelta(days=rng.randrange(0, 5 * 365 - 40))
        span = DateSpan(start=start, end=start + timedelta(days=rng.randrange(0, 20)))
        deps = tuple(f"m{rng.randrange(i)}" for _ in range(rng.randrange(0, 3)) if i)
        used = [f"r{rng.randrange(resources)}" for _ in range(rng.randrange(0, 3))]
        milestones.append(
            Milestone(
                id=f"m{i}",
                title=f"作業{i}",
                when=span,
                depends_on=tuple(dict.fromkeys(deps)),
                resources=tuple(dict.fromkeys(used[:1])),
                effort={r: rng.choice((0.1, 0.25, 0.5)) for r in used[1:]},
            )
        )
    return Plan(
        id="bench",
        name="ベンチマーク",
        period=DateSpan(start=START, end=date(2026, 3, 31)),
        milestones=milestones,
    )


def timed(plan: Plan) -> tuple[float, int, Counter[str]]:
    t0 = time.perf_counter()
    found = find_conflicts(plan)
    return time.perf_counter() - t0, len(found), Counter(c.kind for c in found)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--resources", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=20221026)
    args = parser.parse_args(argv)

    full = build(args.n, args.resources, random.Random(args.seed))
    half = build(args.n // 2, args.resources // 2, random.Random(args.seed))
    timed(half)  # warm up: imports, the holiday tables
    t_half, _, _ = timed(half)
    t_full, count, kinds = timed(full)
    print(
        f"n={args.n:,} milestones over {args.resources:,} resources: {t_full:.2f} s, "
        f"{count:,} conflicts"
    )
    print(f"n={args.n // 2:,} over {args.resources // 2:,}: {t_half:.2f} s")
    print(f"ratio t(n)/t(n/2): {t_full / t_half:.2f}  (n log n: ~2.1; all pairs: ~4)")
    print("by kind: " + ", ".join(f"{k} {v:,}" for k, v in sorted(kinds.items())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
