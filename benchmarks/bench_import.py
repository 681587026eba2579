"""Time the start-up of ``import maebashi_dx`` and of the command, against a bare interpreter.

Each figure is the median CPU time of ``--runs`` fresh processes, printed beside the
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
import os
import resource
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path


def command() -> list[str]:
    """How to run ``maebashi-dx``: its script beside this interpreter, or ``-m``."""
    script = Path(sys.executable).with_name("maebashi-dx")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "maebashi_dx.cli"]


def _children_cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def _environment(cache: str) -> dict[str, str]:
    """The environment of the runs: compiled modules kept (as an installed package has
    them), in a folder of their own, not beside the sources."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = cache
    return env


def median_seconds(argv: list[str], runs: int, env: dict[str, str]) -> float:
    """The median CPU time (user + system) of ``runs`` fresh processes running ``argv``.

    CPU time, not wall time: on a shared machine a short process's wall time depends
    mostly on what else runs.
    """
    times = []
    for _ in range(runs):
        t0 = _children_cpu()
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, env=env)
        times.append(_children_cpu() - t0)
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
    with tempfile.TemporaryDirectory() as cache:
        env = _environment(cache)
        for _, case in cases:  # compile the modules and warm the file cache before timing
            subprocess.run(case, check=True, stdout=subprocess.DEVNULL, env=env)
        bare = median_seconds([sys.executable, "-c", "pass"], args.runs, env)
        print(
            f"median CPU time of {args.runs} runs; "
            f"bare interpreter (python -c pass) {bare * 1000:.0f} ms"
        )
        for label, case in cases:
            seconds = median_seconds(case, args.runs, env)
            ratio = seconds / bare
            print(f"{label:<22} {seconds * 1000:6.0f} ms  {ratio:5.1f}× the bare interpreter")
    return 0


if __name__ == "__main__":
    sys.exit(main())
