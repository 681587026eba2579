"""Time the start-up of ``import maebashi_dx`` and of the command, against a bare interpreter.

Each figure is the median wall time of ``--runs`` fresh processes, printed beside the
bare interpreter (``python -c pass``) measured in the same run, and as their ratio:

- ``import maebashi_dx``;
- ``maebashi-dx --help``;
- ``maebashi-dx status`` (the bundled plan, assessed and printed as a table).

The command is run through its installed script when there is one beside the
interpreter, else as ``python -m maebashi_dx.cli``. Loading (``load_measurements``,
``load_plan``) is timed by bench_load.py.

    python benchmarks/bench_import.py
    python benchmarks/bench_import.py --runs 41
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path


def command() -> list[str]:
    """How to run ``maebashi-dx``: its script beside this interpreter, or ``-m``."""
    script = Path(sys.executable).with_name("maebashi-dx")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "maebashi_dx.cli"]


def median_seconds(argv: list[str], runs: int) -> float:
    """The median wall time of ``runs`` fresh processes running ``argv``."""
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args(argv)

    cases = (
        ("import maebashi_dx", [sys.executable, "-c", "import maebashi_dx"]),
        ("maebashi-dx --help", [*command(), "--help"]),
        ("maebashi-dx status", [*command(), "status"]),
    )
    for _, case in cases:  # warm the file cache and the bytecode before timing
        subprocess.run(case, check=True, stdout=subprocess.DEVNULL)
    bare = median_seconds([sys.executable, "-c", "pass"], args.runs)
    print(f"median of {args.runs} runs; bare interpreter (python -c pass) {bare * 1000:.0f} ms")
    for label, case in cases:
        seconds = median_seconds(case, args.runs)
        print(f"{label:<22} {seconds * 1000:6.0f} ms  {seconds / bare:5.1f}× the bare interpreter")
    return 0


if __name__ == "__main__":
    sys.exit(main())
