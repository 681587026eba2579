"""Your city's My Number card rate, from the ministry's own figures, the committee's way.

    python examples/my_city.py --code 102016                 # 前橋市, as of 2022-05-01
    python examples/my_city.py --name 高崎市 --lang en
    python examples/my_city.py --name 群馬県
    python examples/my_city.py --name 前橋市 --data my_newer_figures.csv --as-of 2023-03-01 \
        --reference-data my_newer_prefectures.csv

The figures are 総務省「マイナンバーカード交付状況について」 as compiled by Code for Japan,
packaged with the library to 2022-05-01 (maebashi_dx.datasets.mynumber_cards; their
README.md and licence are in the package's datasets/mynumbercard/ folder). --data reads
your own file instead, in the same layout or the ministry's. The KPI is Maebashi's: 90%
of residents by FY2022.

The forecast pools the place's recent pace toward its prefecture's (a prefecture's toward
the nation's): the ``pooled`` forecaster, the best on the backtest (docs: Forecast
accuracy). The reference series comes from --reference-data if given, else from the
packaged figures. ``--pool none`` forecasts the place on its own (``blend``).
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from maebashi_dx import (
    DateSpan,
    MaebashiDXError,
    Pillar,
    Plan,
    PriorityProject,
    assess,
    parse_date,
)
from maebashi_dx.forecast import Reference
from maebashi_dx.io.soumu import (
    CardTable,
    load_mynumber,
    mynumber_kpi,
    mynumber_reference,
    mynumber_rows,
)
from maebashi_dx.report import progress_table


def reference_for(table: CardTable | None, query: str, data: Path | None) -> Reference:
    """A municipality's prefecture, or a prefecture's nation: from the file data if
    given, else from the packaged figures."""
    place = mynumber_rows(query, source=table)[-1]
    name = place.prefecture if place.municipality and place.prefecture else "全国"
    return mynumber_reference(name, source=data)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    who = parser.add_mutually_exclusive_group(required=True)
    who.add_argument("--code", help="団体コード, e.g. 102016 (with or without check digit)")
    who.add_argument("--name", help="a municipality or prefecture, e.g. 前橋市, 群馬県")
    parser.add_argument(
        "--data", type=Path, help="your own figures (CSV); default: the packaged ones"
    )
    parser.add_argument(
        "--reference-data",
        type=Path,
        help="the reference series' figures (CSV); default: the packaged ones",
    )
    parser.add_argument("--as-of", type=date.fromisoformat, default=date(2022, 5, 1))
    parser.add_argument("--baseline", type=date.fromisoformat, default=date(2021, 4, 1))
    parser.add_argument("--target", type=float, default=90.0)
    parser.add_argument("--deadline", default="2022年度", help="e.g. 2022年度, 令和5年度末")
    parser.add_argument("--method", help="forecaster (default: pooled, or blend with --pool none)")
    parser.add_argument(
        "--pool",
        choices=("auto", "none"),
        default="auto",
        help="pool toward the prefecture (a prefecture: the nation), or not",
    )
    parser.add_argument("--lang", choices=("ja", "en"), default="ja")
    args = parser.parse_args(argv)
    en = args.lang == "en"

    try:
        table = load_mynumber(args.data) if args.data else None
        kpi = mynumber_kpi(
            args.code or args.name,
            source=table,
            target=args.target,
            deadline=args.deadline,
            baseline=args.baseline,
        )
        plan = Plan(
            id="my-city",
            name=kpi.name.split(":")[0],
            period=DateSpan(start=kpi.baseline.as_of, end=kpi.target.due)
            if kpi.baseline
            else parse_date("2021年度"),
            report_date=args.as_of,
            pillars=[
                Pillar(
                    id="p",
                    name="マイナンバーカード",
                    projects=[
                        PriorityProject(
                            id="p1",
                            number=1,
                            name="マイナンバーカードの普及・活用",
                            kpi_ids=[kpi.id],
                        )
                    ],
                )
            ],
            kpis=[kpi],
        )
        references = {}
        if args.pool == "auto":
            query = args.code or args.name
            references[kpi.id] = reference_for(table, query, args.reference_data)
        result = assess(plan, args.as_of, method=args.method, references=references)
    except (MaebashiDXError, OSError) as exc:
        print(f"my_city: {exc}", file=sys.stderr)
        return 2

    row = result.rows[0]
    latest = row.latest
    cells = progress_table(plan, as_of=args.as_of, lang=args.lang, assessment=result).rows[0].cells
    print(kpi.name_en if en else kpi.name)
    for key, label in (
        ("target", "目標／年次" if not en else "target / deadline"),
        (
            "baseline",
            "基準（" + str(kpi.baseline.as_of) + "）"
            if not en
            else f"baseline ({kpi.baseline.as_of})",
        ),
        ("current", "現状" if not en else "now"),
        ("achievement", "達成率" if not en else "achievement"),
        ("elapsed", "経過率" if not en else "elapsed"),
        ("forecast", "期限時点の予測値" if not en else "forecast at deadline"),
        ("status", "状況" if not en else "status"),
    ):
        print(f"  {label}: {cells[key]}")
    if latest is not None and latest.numerator and latest.denominator:
        print(
            f"  {'cards / residents' if en else '交付枚数／人口'}: "
            f"{latest.numerator:,.0f} / {latest.denominator:,.0f}"
        )
    fc = row.forecast
    if fc.value is not None:
        when = fc.attainment_date.isoformat() if fc.attainment_date else ("—")
        print(
            f"  {'forecast for' if en else '予測'} {fc.deadline} [{fc.method}]: {fc.value:.1f}% "
            f"({fc.level:.0%}: {fc.interval[0]:.1f}–{fc.interval[1]:.1f}); "
            f"{'target reached' if en else '目標到達見込み'}: {when}"
        )
        print(f"  {'basis' if en else '根拠'}: {fc.basis_text(args.lang)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
