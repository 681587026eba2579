"""Print the committee's KPI progress table (KPI（重要業績指標）の達成状況) from the bundled
Maebashi dataset, with the computed columns 達成率, 経過率, 期限時点の予測値 and 状況.

    python examples/progress_table.py                  # Japanese, as of the committee's date
    python examples/progress_table.py --lang en        # English labels
    python examples/progress_table.py --format markdown --scale nagayo
    python examples/progress_table.py --explain kpi2   # the sums behind one row
"""

from __future__ import annotations

import argparse
import sys
from datetime import date

from maebashi_dx import RATING_SCALES, assess
from maebashi_dx.datasets import maebashi_2022
from maebashi_dx.report import RENDER_FORMATS, progress_table, render


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--lang", choices=("ja", "en"), default="ja")
    parser.add_argument("--format", choices=RENDER_FORMATS, default="text")
    parser.add_argument("--as-of", type=date.fromisoformat, help="YYYY-MM-DD")
    parser.add_argument(
        "--method", help="forecaster (default blend; two_point, linear, recent, cagr, ...)"
    )
    parser.add_argument("--scale", choices=sorted(RATING_SCALES), help="grade scale")
    parser.add_argument("--explain", metavar="KPI_ID", help="show the sums behind one KPI")
    args = parser.parse_args(argv)

    plan = maebashi_2022()
    as_of = args.as_of or plan.report_date
    assert as_of is not None
    result = assess(plan, as_of, method=args.method, scale=args.scale)
    if args.explain:
        sys.stdout.write(result.explain(args.explain, lang=args.lang))
        return 0
    table = progress_table(plan, as_of=as_of, lang=args.lang, assessment=result)
    sys.stdout.write(render(table, args.format))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
