"""The ``maebashi-dx`` command: the committee's material from a plan file.

Every subcommand works on the bundled Maebashi plan when no plan file is given. Exit
codes: 0 ok; 1 off-track KPIs or schedule conflicts when ``--check`` is given; 2 bad
input, reported as one line per problem naming the file, the path or line and the
problem, never a traceback. Nothing is written when the input is bad.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from maebashi_dx.assess import Assessment
    from maebashi_dx.forecast import Reference
    from maebashi_dx.model import Plan

__all__ = ["main"]

PROG = "maebashi-dx"
T = TypeVar("T")


class InputError(Exception):
    """A mistake in the command's input, reported as one line and exit code 2."""


# ------------------------------------------------------------------------------ helpers


def _as_of(text: str) -> date:
    """--as-of accepts the Japanese forms too (R4.5 → 2022-05-31, the end of the span)."""
    from maebashi_dx.dates import parse_date  # keep start-up light
    from maebashi_dx.errors import DateParseError

    try:
        return parse_date(text).end
    except DateParseError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _interactive(stream: Any) -> bool:
    return bool(getattr(stream, "isatty", lambda: False)())


def _progress(items: Sequence[T], label: str) -> Iterator[T]:
    """Iterate with a progress bar on a terminal (rich, if installed); silently otherwise."""
    if len(items) < 2 or not _interactive(sys.stderr):
        yield from items
        return
    try:
        from rich.progress import track  # optional extra
    except ImportError:
        yield from items
        return
    yield from track(items, description=label, console=None, transient=True)


def _load(path: str | None, measurements: Sequence[str] = ()) -> Plan:
    from maebashi_dx.datasets import maebashi_2022
    from maebashi_dx.io import load_measurements, load_plan, merge_measurements

    plan = load_plan(path) if path else maebashi_2022()
    for source in _progress(list(measurements), "measurements"):
        plan = merge_measurements(plan, _read_measurements(source, load_measurements))
    return plan


_LARGE = 20_000  # rows: a file this long gets a progress bar on a terminal


def _read_measurements(source: str, load: Callable[..., Any]) -> Any:
    """Read one measurements file, with a progress bar when it is large and stderr is a
    terminal (rich installed); silently otherwise."""
    if not _interactive(sys.stderr) or source.lower().endswith((".xlsx", ".xlsm")):
        return load(source)
    try:
        with open(source, "rb") as handle:
            total = sum(1 for _ in handle) - 1
    except OSError:
        return load(source)  # the loader reports the problem
    if total < _LARGE:
        return load(source)
    try:
        from rich.progress import Progress  # optional extra
    except ImportError:
        return load(source)
    with Progress(transient=True) as bar:
        task = bar.add_task(f"reading {Path(source).name}", total=total)
        return load(source, progress=lambda done: bar.update(task, completed=done))


def _day(args: argparse.Namespace, plan: Plan) -> date:
    if args.as_of is not None:
        return args.as_of  # type: ignore[no-any-return]
    # A plan states the day its figures stand as of; otherwise assess as of today.
    return plan.report_date or date.today()


def _references(args: argparse.Namespace) -> dict[str, Reference]:
    """``--reference KPI=FILE`` options: a series to pool each named KPI toward."""
    from maebashi_dx.io.measurements import load_reference

    found = {}
    for option in getattr(args, "reference", None) or ():
        kpi_id, sep, path = option.partition("=")
        if not (sep and kpi_id.strip() and path.strip()):
            msg = f"--reference {option}: write KPI=FILE, e.g. kpi2=gunma.csv"
            raise InputError(msg)
        if kpi_id.strip() in found:
            raise InputError(f"--reference {kpi_id.strip()}: given twice; pool toward one series")
        found[kpi_id.strip()] = load_reference(path.strip())
    return found


def _assess(args: argparse.Namespace, plan: Plan) -> Assessment:
    from maebashi_dx.assess import assess

    return assess(
        plan,
        _day(args, plan),
        method=args.method,
        scale=args.scale,
        references=_references(args),
    )


def _emit(payload: str | bytes, output: str | None) -> None:
    """Write to the file atomically, or to standard output."""
    if output:
        from maebashi_dx.io.files import atomic_write_bytes

        data = payload if isinstance(payload, bytes) else payload.encode("utf-8")
        atomic_write_bytes(output, data)
        return
    if isinstance(payload, bytes):
        msg = "binary output needs a file: add -o FILE"
        raise InputError(msg)
    sys.stdout.write(payload)


def _colour(text: str) -> None:
    """Print a text table with status words coloured, when rich is there and stdout is a
    terminal; plain otherwise (machine formats never get colour)."""
    if not _interactive(sys.stdout):
        sys.stdout.write(text)
        return
    try:
        from rich.console import Console  # optional extra
        from rich.text import Text
    except ImportError:
        sys.stdout.write(text)
        return
    from maebashi_dx.status import Status

    styles = {
        Status.ACHIEVED: "bold blue",
        Status.ON_TRACK: "green",
        Status.AT_RISK: "yellow",
        Status.OFF_TRACK: "red",
        Status.MISSED: "bold red",
    }
    by_label = {
        label: style for status, style in styles.items() for label in (status.ja, status.en)
    }
    rich_text = Text()
    for line in text.splitlines(keepends=True):
        # Only the status lines of the table ("  状況   遅れ"), never words elsewhere.
        head, _, value = line.rstrip("\n").rpartition("  ")
        style = by_label.get(value.strip()) if head.strip() in ("状況", "Status") else None
        if style is None:
            rich_text.append(line)
        else:
            rich_text.append(head + "  ")
            rich_text.append(value, style=style)
            rich_text.append("\n")
    Console(highlight=False).print(rich_text, end="")


# ----------------------------------------------------------------------------- commands


def cmd_status(args: argparse.Namespace) -> int:
    from maebashi_dx.report import progress_table, render
    from maebashi_dx.status import Status

    plans = args.plan or [None]
    outputs: list[tuple[Plan, Any]] = []
    for path in _progress(list(plans), "assessing"):
        plan = _load(path, args.measurements)
        result = _assess(args, plan)
        table = progress_table(plan, as_of=result.as_of, lang=args.lang, assessment=result)
        outputs.append((plan, table))
        if args.check and any(r.status in (Status.OFF_TRACK, Status.MISSED) for r in result.rows):
            args.failed = True
    fmt = args.format
    if fmt == "xlsx":
        if len(outputs) != 1:
            raise InputError("xlsx output takes one plan at a time")
        from maebashi_dx.report.xlsx import table_to_xlsx

        _emit(table_to_xlsx(outputs[0][1]), args.output)
    elif fmt == "json" and len(outputs) > 1:
        tables = [json.loads(render(t, "json")) | {"plan_id": p.id} for p, t in outputs]
        _emit(json.dumps(tables, ensure_ascii=False, indent=2) + "\n", args.output)
    else:
        text = "\n".join(render(t, fmt) for _, t in outputs)
        if fmt == "text" and not args.output:
            _colour(text)
        else:
            _emit(text, args.output)
    return 1 if getattr(args, "failed", False) else 0


def cmd_forecast(args: argparse.Namespace) -> int:
    from maebashi_dx.forecast import FORECASTERS, forecast

    plan = _load(args.plan, args.measurements)
    kpi = plan.kpi(args.kpi)
    day = _day(args, plan)
    methods = list(FORECASTERS) if args.method == "all" else [args.method]
    references = _references(args)
    unknown = sorted(set(references) - {kpi.id})
    if unknown:
        raise InputError(f"--reference names {', '.join(unknown)}, not {kpi.id}")
    reference = references.get(kpi.id)
    results = [forecast(kpi, day, method=m, level=args.level, reference=reference) for m in methods]
    if args.format == "json":
        payload = [
            {
                "kpi_id": f.kpi_id,
                "method": f.method,
                "as_of": f.as_of.isoformat(),
                "deadline": f.deadline.isoformat(),
                "target": f.target,
                "value": f.value,
                "interval": list(f.interval) if f.interval else None,
                "level": f.level,
                "interval_basis": f.interval_basis,
                "attainment_date": f.attainment_date.isoformat() if f.attainment_date else None,
                "observed_pace": f.observed_pace,
                "required_pace": f.required_pace,
                "meets_target": f.meets_target,
                "points": [[p.day.isoformat(), p.value] for p in f.points],
                "note": f.note or None,
            }
            for f in results
        ]
        _emit(json.dumps(payload, ensure_ascii=False, indent=2) + "\n", args.output)
        return 0
    en = args.lang == "en"
    name = kpi.name_en if en and kpi.name_en else kpi.name
    lines = [f"{name} ({kpi.id}) — {day.isoformat()}"]
    for f in results:
        lines.append(f"[{f.method}]")
        if f.value is None or f.interval is None:
            lines.append(f"  {f.note}")
            continue
        attained = f.attainment_date.isoformat() if f.attainment_date else "—"
        lines += [
            f"  {'value at deadline' if en else '期限時点の予測値'} ({f.deadline}): "
            f"{f.value:.2f}{kpi.unit}  {'target' if en else '目標'} {f.target:g}{kpi.unit}",
            f"  {f.level:.0%} {'interval' if en else '区間'}: {f.interval[0]:.2f} – "
            f"{f.interval[1]:.2f}  ({f.interval_basis})",
            f"  {'pace per year' if en else 'ペース（年あたり）'}: "
            f"{'observed' if en else '実績'} {f.observed_pace:.3f}, "
            f"{'required' if en else '必要'} "
            + ("—" if f.required_pace is None else f"{f.required_pace:.3f}"),
            f"  {'projected attainment' if en else '目標到達見込み日'}: {attained}",
            f"  {f.basis}",
        ]
    _emit("\n".join(lines) + "\n", args.output)
    return 0


def _conflict_rows(conflicts: Iterable[Any], lang: str) -> list[dict[str, Any]]:
    return [
        {
            "kind": c.kind,
            "severity": c.severity.value,
            "subject_ids": list(c.subject_ids),
            "days": c.days,
            "day": c.day.isoformat() if c.day else None,
            "resource": c.resource,
            "load": c.load,
            "imprecise": c.imprecise,
            "message": c.text(lang),
        }
        for c in conflicts
    ]


def cmd_conflicts(args: argparse.Namespace) -> int:
    from maebashi_dx.conflicts import Severity, find_conflicts

    plan = _load(args.plan, args.measurements)
    found = find_conflicts(plan, rules=args.rule or None)
    lang = args.lang
    en = lang == "en"
    if args.format == "json":
        text = json.dumps(_conflict_rows(found, lang), ensure_ascii=False, indent=2) + "\n"
    elif args.format == "csv":
        import csv
        import io

        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["kind", "severity", "subject_ids", "days", "day", "resource", "message"])
        for row in _conflict_rows(found, lang):
            writer.writerow(
                [
                    row["kind"],
                    row["severity"],
                    " ".join(row["subject_ids"]),
                    row["days"] if row["days"] is not None else "",
                    row["day"] or "",
                    row["resource"] or "",
                    row["message"],
                ]
            )
        text = out.getvalue()
    elif args.format == "markdown":
        lines = [f"## {'Schedule conflicts' if en else 'スケジュール上の競合'}", ""]
        lines += [f"- **{c.severity.label(lang)}** `{c.kind}`: {c.text(lang)}" for c in found]
        if not found:
            lines.append("No conflicts." if en else "競合はありません。")
        text = "\n".join(lines) + "\n"
    else:
        lines = [
            f"[{c.severity.label(lang)}] {c.kind}: {', '.join(c.subject_ids)}\n    {c.text(lang)}"
            for c in found
        ]
        if not found:
            n = len(plan.milestones)
            lines.append(
                f"No conflicts in {n} milestones." if en else f"{n} 件の予定に競合はありません。"
            )
        text = "\n".join(lines) + "\n"
    _emit(text, args.output)
    serious = [c for c in found if c.severity is not Severity.INFO]
    return 1 if args.check and serious else 0


def cmd_validate(args: argparse.Namespace) -> int:
    from maebashi_dx.errors import MaebashiDXError

    paths = args.plan or [None]
    bad = 0
    for path in _progress(list(paths), "validating"):
        label = path or "(bundled) maebashi_2022"
        try:
            plan = _load(path, args.measurements)
        except MaebashiDXError as exc:
            bad += 1
            for line in _error_lines(exc):
                print(f"{PROG}: {line}", file=sys.stderr)
            continue
        print(
            f"OK {label}: {len(plan.kpis)} KPIs, {len(plan.projects)} projects, "
            f"{len(plan.working_groups)} WGs, {len(plan.milestones)} milestones"
        )
    return 2 if bad else 0


def cmd_report(args: argparse.Namespace) -> int:
    from maebashi_dx.conflicts import find_conflicts
    from maebashi_dx.report.document import build_report, render_report

    plan = _load(args.plan, args.measurements)
    result = _assess(args, plan)
    report = build_report(plan, result, find_conflicts(plan), lang=args.lang)
    _emit(render_report(report, args.format), args.output)
    return 0


def cmd_chart(args: argparse.Namespace) -> int:
    from maebashi_dx.conflicts import find_conflicts

    plan = _load(args.plan, args.measurements)
    svg = (args.output or "").lower().endswith(".svg")
    if args.gantt:
        conflicts = find_conflicts(plan)
        if svg:
            from maebashi_dx.report.svg import gantt_svg

            _emit(gantt_svg(plan, conflicts, lang=args.lang), args.output)
        else:
            from maebashi_dx.report.charts import gantt_png

            _emit(gantt_png(plan, conflicts, lang=args.lang), args.output)
        return 0
    if not args.kpi:
        raise InputError("name a KPI (e.g. kpi2), or use --gantt for the schedule")
    kpi = plan.kpi(args.kpi)
    row = _assess(args, plan).row(kpi.id)
    if svg:
        from maebashi_dx.report.svg import kpi_chart_svg

        _emit(kpi_chart_svg(kpi, row, lang=args.lang), args.output)
    else:
        from maebashi_dx.report.charts import kpi_chart_png

        _emit(kpi_chart_png(kpi, row, lang=args.lang), args.output)
    return 0


def cmd_init(args: argparse.Namespace) -> int:
    from maebashi_dx.datasets import starter_plan_toml

    target = Path(args.output)
    if target.exists() and not args.force:
        raise InputError(f"{target}: already exists; add --force to replace it")
    _emit(starter_plan_toml(city=args.city), str(target))
    print(f"wrote {target}" if args.lang == "en" else f"{target} を作成しました")
    return 0


def cmd_plugins(args: argparse.Namespace) -> int:
    from maebashi_dx.conflicts import CONFLICT_RULES
    from maebashi_dx.forecast import FORECASTERS
    from maebashi_dx.grades import RATING_SCALES

    registries: list[tuple[str, Any]] = [
        ("forecasters", FORECASTERS),
        ("conflict_rules", CONFLICT_RULES),
        ("rating_scales", RATING_SCALES),
    ]
    if args.format == "json":
        payload = {
            name: {
                "entries": [{"name": n, "origin": reg.origin(n)} for n in reg],
                "failures": [
                    {"name": f.name, "distribution": f.distribution, "error": f.error}
                    for f in reg.failures
                ],
            }
            for name, reg in registries
        }
        _emit(json.dumps(payload, ensure_ascii=False, indent=2) + "\n", args.output)
        return 0
    lines = []
    for name, reg in registries:
        lines.append(f"{name} (maebashi_dx.{name}):")
        lines += [f"  {n:<20} {reg.origin(n)}" for n in reg]
        lines += [f"  ! {f.name} from {f.distribution} failed: {f.error}" for f in reg.failures]
    _emit("\n".join(lines) + "\n", args.output)
    return 0


# ------------------------------------------------------------------------------ parser

_EXAMPLES = {
    "status": """examples:
  maebashi-dx status                               # the committee's table, bundled plan
  maebashi-dx status my_city.toml --as-of R5.3     # your plan, as of March 2023
  maebashi-dx status --scale tama --lang en --format markdown
  maebashi-dx status --measurements latest.csv --check   # exit 1 if a KPI is off track
  maebashi-dx status --format xlsx -o table.xlsx""",
    "forecast": """examples:
  maebashi-dx forecast kpi2                        # value at the deadline, interval, pace
  maebashi-dx forecast kpi2 --method all           # every forecaster side by side
  maebashi-dx forecast kpi1 my_city.toml --as-of 2023-03-31 --format json""",
    "conflicts": """examples:
  maebashi-dx conflicts                            # the bundled plan's schedule
  maebashi-dx conflicts my_city.toml --check       # exit 1 on errors or warnings
  maebashi-dx conflicts --rule resource_overlap --rule overallocation --format csv""",
    "validate": """examples:
  maebashi-dx validate my_city.toml
  maebashi-dx validate plans/*.toml --measurements figures.xlsx""",
    "report": """examples:
  maebashi-dx report --format html -o report.html  # one self-contained file
  maebashi-dx report my_city.toml --format markdown -o report.md --lang en""",
    "chart": """examples:
  maebashi-dx chart kpi2 -o kpi2.png               # PNG needs the 'charts' extra
  maebashi-dx chart --gantt -o schedule.png
  maebashi-dx chart kpi1 -o kpi1.svg               # SVG needs no extra""",
    "init": """examples:
  maebashi-dx init -o my_city.toml --city 高崎市
  maebashi-dx validate my_city.toml""",
    "plugins": """examples:
  maebashi-dx plugins
  maebashi-dx plugins --format json""",
}


def _parser() -> argparse.ArgumentParser:
    fmt = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Run a city's DX promotion plan by its numbers "
        "(KPIの達成状況・予測・スケジュールの競合).",
        epilog="Run 'maebashi-dx COMMAND --help' for examples. With no plan file, commands "
        "use the bundled Maebashi plan.",
        formatter_class=fmt,
    )
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--lang", choices=("ja", "en"), default="ja", help="labels (default ja)")
    common.add_argument(
        "--measurements",
        action="append",
        default=[],
        metavar="FILE",
        help="measurements CSV or .xlsx merged into the plan (repeatable)",
    )
    common.add_argument("-o", "--output", metavar="FILE", help="write here instead of stdout")
    calc = argparse.ArgumentParser(add_help=False)
    calc.add_argument(
        "--as-of",
        type=_as_of,
        metavar="DATE",
        help="e.g. 2022-05-31 or R4.5 (default: report date)",
    )
    calc.add_argument(
        "--method",
        help="forecaster (default: blend, or pooled for a KPI with --reference; see 'plugins')",
    )
    calc.add_argument(
        "--reference",
        action="append",
        metavar="KPI=FILE",
        help=(
            "pool KPI toward a reference series, e.g. the prefecture's rate: a measurements "
            "CSV or .xlsx of one place (kpi_id,date,value) (repeatable)"
        ),
    )
    calc.add_argument("--scale", help="grade scale: nagayo, tama, akiruno, fukuoka, ...")

    def add(
        name: str, help_: str, parents: list[argparse.ArgumentParser]
    ) -> argparse.ArgumentParser:
        return sub.add_parser(
            name,
            help=help_,
            description=help_,
            epilog=_EXAMPLES[name],
            formatter_class=fmt,
            parents=parents,
        )

    p = add("status", "the progress table with computed status", [common, calc])
    p.add_argument("plan", nargs="*", help="plan files (TOML, JSON, YAML)")
    p.add_argument(
        "--format", choices=("text", "markdown", "csv", "json", "html", "xlsx"), default="text"
    )
    p.add_argument("--check", action="store_true", help="exit 1 if a KPI is off track or missed")
    p.set_defaults(func=cmd_status)

    p = add("forecast", "a KPI's forecast to its deadline", [common, calc])
    p.add_argument("kpi", help="KPI id, e.g. kpi2")
    p.add_argument("plan", nargs="?", help="plan file")
    p.add_argument("--level", type=float, default=0.8, help="interval confidence (default 0.8)")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(func=cmd_forecast)

    p = add("conflicts", "what in the schedule cannot work, and what to move", [common])
    p.add_argument("plan", nargs="?", help="plan file")
    p.add_argument("--rule", action="append", help="run only this rule (repeatable)")
    p.add_argument("--format", choices=("text", "markdown", "csv", "json"), default="text")
    p.add_argument("--check", action="store_true", help="exit 1 on errors or warnings")
    p.set_defaults(func=cmd_conflicts)

    p = add("validate", "check plan files and list every problem", [common])
    p.add_argument("plan", nargs="*", help="plan files")
    p.set_defaults(func=cmd_validate)

    p = add("report", "the whole committee report (HTML or Markdown)", [common, calc])
    p.add_argument("plan", nargs="?", help="plan file")
    p.add_argument("--format", choices=("html", "markdown"), default="html")
    p.set_defaults(func=cmd_report)

    p = add("chart", "a KPI chart or the schedule's Gantt chart (PNG or SVG)", [common, calc])
    p.add_argument("kpi", nargs="?", help="KPI id (not with --gantt)")
    p.add_argument("plan", nargs="?", help="plan file")
    p.add_argument("--gantt", action="store_true", help="the schedule instead of a KPI")
    p.set_defaults(func=cmd_chart)

    p = add("init", "write a commented starter plan file for a new city", [])
    p.add_argument("-o", "--output", default="dx_plan.toml", metavar="FILE")
    p.add_argument("--city", default="○○市", help="the city's name")
    p.add_argument("--force", action="store_true", help="replace an existing file")
    p.add_argument("--lang", choices=("ja", "en"), default="ja")
    p.set_defaults(func=cmd_init)

    p = add("plugins", "installed forecasters, conflict rules and grade scales", [])
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("-o", "--output", metavar="FILE")
    p.set_defaults(func=cmd_plugins)
    return parser


def _error_lines(exc: BaseException) -> list[str]:
    from maebashi_dx.errors import PlanError

    if isinstance(exc, PlanError):
        head = f"{exc.source}: " if exc.source else ""
        return [f"{head}{p}" for p in exc.problems]
    return [str(exc)]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; returns the exit code."""
    parser = _parser()
    args = parser.parse_args(argv)
    if args.version:
        import maebashi_dx

        print(f"{PROG} {maebashi_dx.__version__}")
        return 0
    if args.command is None:
        parser.print_help()
        return 2
    from maebashi_dx.errors import MaebashiDXError

    handler: Callable[[argparse.Namespace], int] = args.func
    try:
        return handler(args)
    except (MaebashiDXError, InputError) as exc:
        lines = _error_lines(exc)
    except KeyError as exc:  # an unknown KPI id, from plan.kpi()
        lines = [str(exc.args[0]) if exc.args else "unknown id"]
    except OSError as exc:
        lines = [f"{exc.filename or ''}: {exc.strerror or exc}".lstrip(": ")]
    for line in lines:
        print(f"{PROG}: error: {line}", file=sys.stderr)
    return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
