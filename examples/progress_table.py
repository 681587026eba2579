"""Print the committee's KPI progress table (KPI（重要業績指標）の達成状況) from the bundled
Maebashi dataset.

    python examples/progress_table.py                 # Japanese, as the committee wrote it
    python examples/progress_table.py --lang en       # English labels
    python examples/progress_table.py --format markdown
"""

from __future__ import annotations

import argparse
import sys

from maebashi_dx.datasets import maebashi_2022
from maebashi_dx.report import RENDER_FORMATS, progress_table, render


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lang", choices=("ja", "en"), default="ja")
    parser.add_argument("--format", choices=RENDER_FORMATS, default="text")
    args = parser.parse_args(argv)
    table = progress_table(maebashi_2022(), lang=args.lang)
    sys.stdout.write(render(table, args.format))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
