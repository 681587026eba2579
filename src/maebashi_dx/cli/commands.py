"""The subcommands: each computes everything first, then writes its output once.

Every command reads its arguments from an :class:`argparse.Namespace` and returns the
exit code (0, or 1 when a ``--check`` fails). A mistake in the input raises
:class:`~maebashi_dx.cli.problems.InputError` or a library
:class:`~maebashi_dx.errors.MaebashiDXError`, which :func:`maebashi_dx.cli.main` reports.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from typing import TYPE_CHECKING, Any

from maebashi_dx.cli.output import colour, emit, progress, read_measurements, started
from maebashi_dx.cli.problems import CHECK_FAILED, OK, PROG, InputError, error_lines
from maebashi_dx.i18n import Lang, day_text, localized, text

if TYPE_CHECKING:
    from maebashi_dx.assess import Assessment
    from maebashi_dx.forecast import Calibration, Forecast, Reference
    from maebashi_dx.model import KPI, Plan, Stage
    from maebashi_dx.report.table import Table

__all__ = ["COMMANDS"]


# ------------------------------------------------------------------------------ helpers


def _lang(args: argparse.Namespace) -> Lang:
    return "en" if getattr(args, "lang", "ja") == "en" else "ja"


@contextmanager
def _about(source: str) -> Iterator[None]:
    """Name ``source`` (a file, or the option at fault) in an error that does not say
    where it comes from, so that every error line has its subject."""
    from maebashi_dx.errors import MaebashiDXError, PlanError
    from maebashi_dx.i18n import UnknownMessageError

    try:
        yield
    except PlanError as exc:
        if exc.source:
            raise
        raise exc.with_source(source) from None
    except UnknownMessageError:
        raise  # a bug in the library, never the input's
    except MaebashiDXError as exc:
        raise InputError(source, str(exc)) from exc


def _load(path: str | None, measurements: Sequence[str], lang: Lang) -> tuple[Plan, str]:
    """The plan (the bundled one when ``path`` is None) with the measurements merged in,
    and the label that names it in messages."""
    from maebashi_dx.datasets import maebashi_2022
    from maebashi_dx.io import load_plan

    label = path or text("datasets.plan.maebashi_2022", lang)
    if path:
        started()  # the garbage collector runs while the user's files are read
    with _about(label):
        plan = load_plan(path) if path else maebashi_2022()
    started()
    if not measurements:
        return plan, label
    # The CSV reader is loaded only when there is something for it to read.
    from maebashi_dx.io import load_measurements, merge_measurements

    for source in progress(list(measurements), lambda: text("cli.progress.measurements", lang)):
        with _about(source):
            rows = read_measurements(source, load_measurements, lang)
            plan = merge_measurements(plan, rows)
    return plan, label


def _kpi(plan: Plan, kpi_id: str, label: str, lang: Lang) -> KPI:
    for kpi in plan.kpis:
        if kpi.id == kpi_id:
            return kpi
    known = ", ".join(k.id for k in plan.kpis) or "—"
    raise InputError(label, text("cli.error.unknown_kpi", lang, kpi=kpi_id, known=known))


def _check_plugins(args: argparse.Namespace) -> None:
    """Refuse an unknown forecaster, grade scale or conflict rule before any work, with
    the registry's message listing the names available."""
    from maebashi_dx.errors import UnknownPluginError

    checks: list[tuple[str, str | None, Callable[[str], object]]] = []
    method = getattr(args, "method", None)
    if method is not None and not (method == "all" and args.command == "forecast"):
        from maebashi_dx.forecast import FORECASTERS

        checks.append(("--method", method, FORECASTERS.get))
    if getattr(args, "scale", None) is not None:
        from maebashi_dx.grades import RATING_SCALES

        checks.append(("--scale", args.scale, RATING_SCALES.get))
    for rule in getattr(args, "rule", None) or ():
        from maebashi_dx.conflicts import CONFLICT_RULES

        checks.append(("--rule", rule, CONFLICT_RULES.get))
    for option, name, get in checks:
        try:
            get(name or "")
        except UnknownPluginError as exc:
            raise InputError(option, str(exc)) from None


def _day(args: argparse.Namespace, plan: Plan) -> date:
    if args.as_of is not None:
        return args.as_of  # type: ignore[no-any-return]
    # A plan states the day its figures stand as of; otherwise assess as of today.
    return plan.report_date or date.today()


def _references(args: argparse.Namespace, lang: Lang) -> dict[str, Reference]:
    """``--reference KPI=FILE`` options: a series to pool each named KPI toward."""
    found: dict[str, Reference] = {}
    options = getattr(args, "reference", None) or ()
    if not options:
        return found  # the reader is imported only when there is something to read
    from maebashi_dx.io.measurements import load_reference

    for option in options:
        kpi_id, sep, path = option.partition("=")
        kpi_id, path = kpi_id.strip(), path.strip()
        if not (sep and kpi_id and path):
            raise InputError("--reference", text("cli.error.reference_form", lang, option=option))
        if kpi_id in found:
            raise InputError("--reference", text("cli.error.reference_twice", lang, kpi=kpi_id))
        with _about(path):
            found[kpi_id] = load_reference(path)
    return found


def _calibrations(
    args: argparse.Namespace, plan: Plan, day: date, methods: Iterable[str], level: float = 0.8
) -> dict[str, Calibration]:
    """``--calibrate``: each forecaster's calibration on the plan's own KPIs as of the
    day (none without the option)."""
    if not getattr(args, "calibrate", False):
        return {}
    from maebashi_dx.forecast import calibrate_plan

    return {name: calibrate_plan(plan, name, day, level=level) for name in sorted(set(methods))}


def _assess(args: argparse.Namespace, plan: Plan, label: str) -> Assessment:
    from maebashi_dx.assess import assess
    from maebashi_dx.forecast import default_method

    references = _references(args, _lang(args))
    day = _day(args, plan)
    methods = [args.method] if args.method else [default_method(None)]
    if references and not args.method:
        methods.append(default_method(next(iter(references.values()))))
    with _about(label):
        calibration = _calibrations(args, plan, day, methods)
        return assess(
            plan,
            day,
            method=args.method,
            scale=args.scale,
            references=references,
            calibration=calibration or None,
        )


def _json_text(payload: object) -> str:
    """``payload`` as indented JSON text, non-ASCII kept (json is imported here: only the
    commands' JSON output needs it)."""
    import json

    return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"


def _report_check(lines: Iterable[str]) -> None:
    """Say on stderr why a ``--check`` failed, one line per reason."""
    for line in lines:
        print(f"{PROG}: check: {line}", file=sys.stderr)


# ----------------------------------------------------------------------------- status


def _plain_label(labels: set[str]) -> str:
    """One label for a column whose label differs between plans: the label without its
    bracketed part when that is all that differs (現状 for 現状（2年目） and 現状（3年目）)."""
    import re

    plain = {re.sub(r"\s*[（(][^（()）]*[）)]$", "", label).strip() for label in labels}
    return plain.pop() if len(plain) == 1 else sorted(labels)[0]


def combined_table(parts: Sequence[tuple[Plan, Table]], lang: Lang) -> Table:
    """Several plans' tables as one, with a leading plan column (the plan's name as
    display text, its id as data), so CSV, JSON and the other formats stay one table."""
    import attrs

    from maebashi_dx.report.fmt import plan_name
    from maebashi_dx.report.table import Column, Table

    labels: dict[str, set[str]] = {}
    for _, table in parts:
        for column in table.columns:
            labels.setdefault(column.key, set()).add(column.label)
    columns = [Column(key="plan", label=text("cli.status.plan_column", lang))]
    columns += [
        Column(key=key, label=next(iter(seen)) if len(seen) == 1 else _plain_label(seen))
        for key, seen in labels.items()
    ]
    rows = tuple(
        attrs.evolve(
            row,
            cells={"plan": plan_name(plan, lang), **row.cells},
            data={"plan_id": plan.id, **row.data},
        )
        for plan, table in parts
        for row in table.rows
    )
    notes = tuple(dict.fromkeys(note for _, table in parts for note in table.notes))
    sep = "、" if lang == "ja" else "; "
    return Table(
        title=parts[0][1].title,
        subtitle=sep.join(table.subtitle for _, table in parts if table.subtitle),
        columns=tuple(columns),
        rows=rows,
        notes=notes,
        lang=lang,
    )


def cmd_status(args: argparse.Namespace) -> int:
    """The progress table of one plan, or of several as one table with a plan column."""
    from maebashi_dx.report import progress_table, render
    from maebashi_dx.status import Status

    lang = _lang(args)
    if args.format == "xlsx" and not args.output:
        raise InputError("-o", text("cli.error.binary_needs_file", lang))
    parts: list[tuple[Plan, Table]] = []
    failed: list[str] = []
    for path in progress(list(args.plan or [None]), lambda: text("cli.progress.assessing", lang)):
        plan, label = _load(path, args.measurements, lang)
        result = _assess(args, plan, label)
        with _about(label):
            table = progress_table(plan, as_of=result.as_of, lang=lang, assessment=result)
        parts.append((plan, table))
        for row in result.rows:
            if args.check and row.status in (Status.OFF_TRACK, Status.MISSED):
                kpi = plan.kpi(row.kpi_id)
                name = localized(kpi.name, kpi.name_en, lang)
                failed.append(
                    text(
                        "cli.check.kpi",
                        lang,
                        plan=label,
                        kpi=kpi.id,
                        name=name,
                        status=row.status.label(lang),
                    )
                )
    table = parts[0][1] if len(parts) == 1 else combined_table(parts, lang)
    if args.format == "xlsx":
        from maebashi_dx.report.xlsx import table_to_xlsx

        with _about("--format"):  # xlsx needs the 'xlsx' extra
            payload = table_to_xlsx(table)
        emit(payload, args.output, lang)
    else:
        rendered = render(table, args.format)
        if args.format == "text" and not args.output:
            colour(rendered)
        else:
            emit(rendered, args.output, lang)
    _report_check(failed)
    return CHECK_FAILED if failed else OK


# --------------------------------------------------------------------------- forecast


def _stage_label(stage: Stage, lang: Lang) -> str:
    return localized(stage.label, stage.label_en, lang)


def _target_label(kpi: KPI, lang: Lang) -> str:
    target = kpi.target
    label = localized(target.label, target.label_en, lang)
    return label or _stage_label(kpi.stage(str(target.value)), lang)


def _basis(f: Forecast, lang: Lang) -> tuple[str, str]:
    """The forecast's interval basis and method basis, in the run's language (a plugin's
    own text where it gives no message)."""
    return f.interval_basis_text(lang), f.basis_text(lang)


def _forecast_lines(kpi: KPI, f: Forecast, lang: Lang) -> list[str]:
    from maebashi_dx.forecast import method_label
    from maebashi_dx.model import KPIKind

    lines = [text("cli.forecast.method", lang, label=method_label(f.method, lang), method=f.method)]
    if f.value is None or f.interval is None:
        lines.append(f"  {f.note_text(lang)}")
        return lines
    attained = day_text(f.attainment_date, lang) if f.attainment_date else "—"
    required = "—" if f.required_pace is None else f"{f.required_pace:.3f}"
    interval_basis, basis = _basis(f, lang)
    deadline = day_text(f.deadline, lang)
    if kpi.kind is KPIKind.STAGED:
        low, high = (_stage_label(kpi.stage_at(v), lang) for v in f.interval)
        stage = _stage_label(kpi.stage_at(f.value), lang)
        lines += [
            text(
                "cli.forecast.stage",
                lang,
                deadline=deadline,
                stage=stage,
                target=_target_label(kpi, lang),
            ),
            text("cli.forecast.stage_interval", lang, level=f"{f.level:.0%}", low=low, high=high),
            text(
                "cli.forecast.stage_pace",
                lang,
                observed=f"{f.observed_pace:.2f}",
                required="—" if f.required_pace is None else f"{f.required_pace:.2f}",
            ),
        ]
    else:
        lines += [
            text(
                "cli.forecast.value",
                lang,
                deadline=deadline,
                value=f"{f.value:.2f}{kpi.unit}",
                target=f"{f.target:g}{kpi.unit}",
            ),
            text(
                "cli.forecast.interval",
                lang,
                level=f"{f.level:.0%}",
                low=f"{f.interval[0]:.2f}",
                high=f"{f.interval[1]:.2f}",
                basis=interval_basis,
            ),
            text("cli.forecast.pace", lang, observed=f"{f.observed_pace:.3f}", required=required),
        ]
    lines += [text("cli.forecast.attainment", lang, date=attained), basis]
    if f.probability is not None:
        from maebashi_dx.report.fmt import format_chance

        lines.insert(
            -1, text("cli.forecast.chance", lang, chance=format_chance(f.probability, lang))
        )
    return [lines[0], *(f"  {line}" for line in lines[1:])]


def _forecast_json(kpi: KPI, f: Forecast) -> dict[str, Any]:
    from maebashi_dx.model import KPIKind

    staged = kpi.kind is KPIKind.STAGED and f.value is not None and f.interval is not None
    return {
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
        "probability": f.probability,
        "points": [[p.day.isoformat(), p.value] for p in f.points],
        "note": f.note or None,
        # A staged KPI's ladder positions, as the stage ids they stand for.
        "target_stage": str(kpi.target.value) if kpi.kind is KPIKind.STAGED else None,
        "stage": kpi.stage_at(f.value).id if staged and f.value is not None else None,
        "interval_stages": (
            [kpi.stage_at(v).id for v in f.interval] if staged and f.interval else None
        ),
    }


def cmd_forecast(args: argparse.Namespace) -> int:
    """A KPI's forecast to its deadline, by one forecaster or all."""
    from maebashi_dx.forecast import FORECASTERS, default_method, forecast

    lang = _lang(args)
    plan, label = _load(args.plan, args.measurements, lang)
    kpi = _kpi(plan, args.kpi, label, lang)
    day = _day(args, plan)
    methods = list(FORECASTERS) if args.method == "all" else [args.method]
    references = _references(args, lang)
    unknown = sorted(set(references) - {kpi.id})
    if unknown:
        msg = text("cli.error.reference_other_kpi", lang, kpis=", ".join(unknown), kpi=kpi.id)
        raise InputError("--reference", msg)
    reference = references.get(kpi.id)
    with _about(label):
        used = [m or default_method(reference) for m in methods]
        calibration = _calibrations(args, plan, day, used, args.level)
        results = [
            forecast(
                kpi,
                day,
                method=m,
                level=args.level,
                reference=reference,
                calibration=calibration.get(m),
            )
            for m in used
        ]
    if args.format == "json":
        payload = [_forecast_json(kpi, f) for f in results]
        emit(_json_text(payload), args.output, lang)
        return OK
    name = localized(kpi.name, kpi.name_en, lang)
    lines = [text("cli.forecast.heading", lang, name=name, kpi=kpi.id, date=day_text(day, lang))]
    for f in results:
        lines += _forecast_lines(kpi, f, lang)
    emit("\n".join(lines) + "\n", args.output, lang)
    return OK


# -------------------------------------------------------------------------- conflicts


def _conflict_rows(conflicts: Iterable[Any], lang: Lang) -> list[dict[str, Any]]:
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


def _conflicts_csv(found: Sequence[Any], lang: Lang) -> str:
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
    return out.getvalue()


def cmd_conflicts(args: argparse.Namespace) -> int:
    """What in the schedule cannot work; with ``--check``, exit 1 on errors or warnings."""
    from maebashi_dx.conflicts import Severity, find_conflicts

    lang = _lang(args)
    plan, label = _load(args.plan, args.measurements, lang)
    with _about(label):
        found = find_conflicts(plan, rules=args.rule or None)
    if args.format == "json":
        rendered = _json_text(_conflict_rows(found, lang))
    elif args.format == "csv":
        rendered = _conflicts_csv(found, lang)
    elif args.format == "markdown":
        lines = [f"## {text('cli.conflicts.heading', lang)}", ""]
        lines += [f"- **{c.severity.label(lang)}** `{c.kind}`: {c.text(lang)}" for c in found]
        if not found:
            lines.append(text("cli.conflicts.none", lang))
        rendered = "\n".join(lines) + "\n"
    else:
        lines = [
            f"[{c.severity.label(lang)}] {c.kind}: {', '.join(c.subject_ids)}\n    {c.text(lang)}"
            for c in found
        ]
        if not found:
            lines.append(text("cli.conflicts.none_in", lang, n=len(plan.milestones)))
        rendered = "\n".join(lines) + "\n"
    emit(rendered, args.output, lang)
    serious = [c for c in found if c.severity is not Severity.INFO] if args.check else []
    _report_check(
        text(
            "cli.check.conflict",
            lang,
            severity=c.severity.label(lang),
            kind=c.kind,
            subjects=", ".join(c.subject_ids),
        )
        for c in serious
    )
    return CHECK_FAILED if serious else OK


# ----------------------------------------------------------------------- other commands


def cmd_validate(args: argparse.Namespace) -> int:
    """Load each plan file and list every problem; exit 2 if any file has one."""
    from maebashi_dx.cli.problems import BAD_INPUT
    from maebashi_dx.errors import MaebashiDXError

    lang = _lang(args)
    bad = 0
    for path in progress(list(args.plan or [None]), lambda: text("cli.progress.validating", lang)):
        try:
            plan, label = _load(path, args.measurements, lang)
        except MaebashiDXError as exc:
            bad += 1
            for line in error_lines(exc):
                print(f"{PROG}: error: {line}", file=sys.stderr)
            continue
        print(
            text(
                "cli.validate.ok",
                lang,
                label=label,
                kpis=len(plan.kpis),
                projects=len(plan.projects),
                wgs=len(plan.working_groups),
                milestones=len(plan.milestones),
            )
        )
    return BAD_INPUT if bad else OK


def cmd_report(args: argparse.Namespace) -> int:
    """The whole committee report, HTML or Markdown."""
    from maebashi_dx.conflicts import find_conflicts
    from maebashi_dx.report.document import build_report, render_report

    lang = _lang(args)
    plan, label = _load(args.plan, args.measurements, lang)
    result = _assess(args, plan, label)
    with _about(label):
        report = build_report(plan, result, find_conflicts(plan), lang=lang)
        rendered = render_report(report, args.format)
    emit(rendered, args.output, lang)
    return OK


def cmd_chart(args: argparse.Namespace) -> int:
    """A KPI's chart, or with ``--gantt`` the schedule; SVG or PNG by the output's suffix."""
    from maebashi_dx.conflicts import find_conflicts

    lang = _lang(args)
    kpi_id, path = args.kpi, args.plan
    if args.gantt:
        if kpi_id is not None and path is not None:
            raise InputError("--gantt", text("cli.error.gantt_and_kpi", lang, kpi=kpi_id))
        kpi_id, path = None, path or kpi_id  # `chart --gantt my_city.toml`: that plan
    elif kpi_id is None:
        raise InputError("chart", text("cli.error.chart_needs_kpi", lang))
    svg = (args.output or "").lower().endswith(".svg")
    if not (svg or args.output):
        raise InputError("-o", text("cli.error.binary_needs_file", lang))
    plan, label = _load(path, args.measurements, lang)
    payload: str | bytes
    if kpi_id is None:
        with _about(label):
            conflicts = find_conflicts(plan)
            if svg:
                from maebashi_dx.report.svg import gantt_svg

                payload = gantt_svg(plan, conflicts, lang=lang)
            else:
                from maebashi_dx.report.charts import gantt_png

                with _about("-o"):  # a PNG (by the suffix) needs the 'charts' extra
                    payload = gantt_png(plan, conflicts, lang=lang)
    else:
        kpi = _kpi(plan, kpi_id, label, lang)
        row = _assess(args, plan, label).row(kpi.id)
        with _about(label):
            if svg:
                from maebashi_dx.report.svg import kpi_chart_svg

                payload = kpi_chart_svg(kpi, row, lang=lang)
            else:
                from maebashi_dx.report.charts import kpi_chart_png

                with _about("-o"):  # a PNG (by the suffix) needs the 'charts' extra
                    payload = kpi_chart_png(kpi, row, lang=lang)
    emit(payload, args.output, lang)
    return OK


def cmd_deck(args: argparse.Namespace) -> int:
    """The committee's slides as a .pptx file (the ``pptx`` extra); -o is required."""
    from maebashi_dx.assess import assess
    from maebashi_dx.conflicts import find_conflicts
    from maebashi_dx.report.deck import deck

    lang = _lang(args)
    if not args.output:
        raise InputError("-o", text("cli.error.binary_needs_file", lang))
    plan, label = _load(args.plan, args.measurements, lang)
    result = _assess(args, plan, label)
    previous = None
    if args.previous is not None:
        if args.previous >= result.as_of:
            day = day_text(result.as_of, lang)
            raise InputError("--previous", text("deck.cli.previous_not_before", lang, date=day))
        with _about(label):
            previous = assess(
                plan,
                args.previous,
                method=args.method,
                scale=args.scale,
                references=_references(args, lang),
            )
    with _about(label):
        conflicts = find_conflicts(plan)
    with _about("--template" if args.template else "-o"):  # the 'pptx' extra, the template
        payload = deck(
            plan,
            lang=lang,
            assessment=result,
            conflicts=conflicts,
            previous=previous,
            template=args.template,
        )
    emit(payload, args.output, lang)
    return OK


# The name a city gives its plan (data, not a message): 高崎市DX推進計画, as the cities
# title theirs, and its English form.
_PLAN_NAME: dict[Lang, str] = {"ja": "{city}DX推進計画", "en": "{city} DX Promotion Plan"}


def plan_names(city: str, city_en: str | None, lang: Lang) -> tuple[str, str | None]:
    """A new plan's ``name`` and ``name_en`` for ``init``, from the city's name(s).

    ``--city`` is in the language given by ``--lang``; ``name_en`` is None when the
    English name is unknown (the template's own is kept).

    >>> plan_names("高崎市", None, "ja")
    ('高崎市DX推進計画', None)
    >>> plan_names("高崎市", "Takasaki", "ja")
    ('高崎市DX推進計画', 'Takasaki DX Promotion Plan')
    >>> plan_names("Takasaki", None, "en")
    ('Takasaki DX Promotion Plan', 'Takasaki DX Promotion Plan')
    """
    english = city_en or (city if lang == "en" else None)
    name_en = _PLAN_NAME["en"].format(city=english) if english else None
    return _PLAN_NAME[lang].format(city=city), name_en


def _toml_string(value: str) -> str:
    import json

    return json.dumps(value, ensure_ascii=False)  # a JSON string is a TOML basic string


def starter_plan(city: str, city_en: str | None, lang: Lang) -> str:
    """The starter plan file's text, named for the city in the language asked for.

    The result is loaded back before it is returned, so a template that no longer fits
    fails here, as a bug, never in the user's file.

    Raises:
        RuntimeError: The template's top-level ``name`` lines are not where they were.
    """
    import re

    from maebashi_dx.datasets import starter_plan_toml
    from maebashi_dx.io import loads_plan

    name, name_en = plan_names(city, city_en, lang)
    toml = starter_plan_toml(city=city)
    # The template (datasets/starter_plan.toml) writes name = "{city}DX推進計画" and a
    # generic name_en at the top level, before any table: set both for this city.
    toml = re.sub(r'(?m)^name = ".*"$', lambda _: f"name = {_toml_string(name)}", toml, count=1)
    if name_en is not None:
        toml = re.sub(
            r'(?m)^name_en = ".*"$', lambda _: f"name_en = {_toml_string(name_en)}", toml, count=1
        )
    plan = loads_plan(toml, "toml")
    if plan.name != name or (name_en is not None and plan.name_en != name_en):
        msg = f"the starter template's top-level name lines changed: got {plan.name!r}"
        raise RuntimeError(msg)  # a bug: reported as one, never as bad input
    return toml


def cmd_init(args: argparse.Namespace) -> int:
    """Write a commented starter plan file; never over an existing one without --force."""
    from pathlib import Path

    lang = _lang(args)
    target = Path(args.output)
    if target.exists() and not args.force:
        raise InputError("-o", text("cli.error.exists", lang, path=str(target)))
    emit(starter_plan(args.city, args.city_en, lang), str(target), lang)
    print(text("cli.init.wrote", lang, path=str(target)))
    return OK


def cmd_plugins(args: argparse.Namespace) -> int:
    """The forecasters, conflict rules and grade scales installed, and where from."""
    from maebashi_dx.conflicts import CONFLICT_RULES
    from maebashi_dx.forecast import FORECASTERS
    from maebashi_dx.grades import RATING_SCALES

    lang = _lang(args)
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
        emit(_json_text(payload), args.output, lang)
        return OK
    headings = {
        "forecasters": text("cli.plugins.forecasters", lang),
        "conflict_rules": text("cli.plugins.conflict_rules", lang),
        "rating_scales": text("cli.plugins.rating_scales", lang),
    }
    built_in = text("cli.plugins.built_in", lang)
    lines = []
    for name, reg in registries:
        lines.append(f"{headings[name]} (maebashi_dx.{name}):")
        for n in reg:
            origin = reg.origin(n)
            lines.append(f"  {n:<20} {built_in if origin == 'built-in' else origin}")
        lines += [
            "  ! "
            + text(
                "cli.plugins.failed", lang, name=f.name, distribution=f.distribution, error=f.error
            )
            for f in reg.failures
        ]
    emit("\n".join(lines) + "\n", args.output, lang)
    return OK


def run(args: argparse.Namespace) -> int:
    """Check the plugins named, then run the command."""
    _check_plugins(args)
    return COMMANDS[args.command](args)


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "status": cmd_status,
    "forecast": cmd_forecast,
    "conflicts": cmd_conflicts,
    "validate": cmd_validate,
    "report": cmd_report,
    "chart": cmd_chart,
    "deck": cmd_deck,
    "init": cmd_init,
    "plugins": cmd_plugins,
}
