"""What if? How the committee's statuses change with the day of assessment and with the
forecasting method.

    python examples/what_if.py
    python examples/what_if.py --lang en
"""

from __future__ import annotations

import argparse
from datetime import date

from maebashi_dx import FORECASTERS, assess
from maebashi_dx.datasets import maebashi_2022
from maebashi_dx.report import display_width

DAYS = [date(2021, 12, 31), date(2022, 5, 31), date(2023, 3, 31), date(2023, 4, 1)]


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - display_width(text))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--lang", choices=("ja", "en"), default="ja")
    args = parser.parse_args(argv)
    plan = maebashi_2022()
    ids = [k.id for k in plan.kpis]
    width = 20

    en = args.lang == "en"
    print(
        "As of (day of assessment), default forecaster:"
        if en
        else "評価日ごとの状況（既定の予測手法）:"
    )
    print(_pad("", 12) + "".join(_pad(i, width) for i in ids))
    for day in DAYS:
        result = assess(plan, day)
        cells = [_pad(r.status.label(args.lang), width) for r in result.rows]
        print(_pad(day.isoformat(), 12) + "".join(cells))

    print()
    print("By forecasting method, as of 2022-05-31:" if en else "予測手法ごと（2022-05-31時点）:")
    for name in FORECASTERS:
        result = assess(plan, date(2022, 5, 31), method=name)
        parts = []
        for kpi_id in ("kpi1", "kpi2"):
            row = result.row(kpi_id)
            value = row.forecast.value
            shown = "—" if value is None else f"{value:.1f}%"
            parts.append(_pad(f"{kpi_id} {shown} {row.status.label(args.lang)}", 28))
        print(_pad(name, 12) + "".join(parts))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
