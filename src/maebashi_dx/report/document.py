"""The whole committee report, as one self-contained HTML file or as Markdown for a wiki.

The HTML needs no network: styles are inline, charts are inline SVG, and a few lines of
script only record the size of each chart on the page (``data-chart-sizes`` on the
body), so that an automated check can see they rendered.

Committee material is printed, so the page has a print stylesheet: A4, each section on
a new page, the wide table and the schedule on landscape pages, status colours kept.
"""

from __future__ import annotations

import re
from collections import Counter
from html import escape
from typing import Literal

import attrs

from maebashi_dx.assess import Assessment
from maebashi_dx.conflicts import Conflict
from maebashi_dx.grades import RATING_SCALES
from maebashi_dx.i18n import catalogue, localized, text
from maebashi_dx.model import KPIKind, Plan
from maebashi_dx.report.fmt import (
    Lang,
    format_day,
    format_percent,
    html_text,
    method_name,
    report_title,
    status_css,
)
from maebashi_dx.report.render import md_escape, render_markdown
from maebashi_dx.report.svg import FONT, gantt_svg, kpi_chart_svg
from maebashi_dx.report.table import Table, forecast_text, progress_table

__all__ = ["Report", "build_report", "render_report", "table_html", "table_page"]

_CSS = f"""
body {{ font-family: {FONT}; margin: 24px; color: #111827; line-height: 1.5; }}
h1 {{ font-size: 22px; margin-bottom: 4px; }}
h2 {{ font-size: 17px; margin-top: 28px; border-bottom: 2px solid #e5e7eb; }}
h3 {{ font-size: 14px; margin: 16px 0 4px; }}
table {{ border-collapse: collapse; margin: 8px 0; font-size: 13px; }}
th, td {{ border: 1px solid #d1d5db; padding: 4px 8px; vertical-align: top; }}
th {{ background: #f3f4f6; text-align: left; }}
td {{ overflow-wrap: anywhere; }}
td.col-status, td.col-achievement, td.col-elapsed {{ white-space: nowrap; }}
td[class^="status-"] {{ white-space: nowrap; }}
code {{ font-family: ui-monospace, 'Noto Sans Mono CJK JP', monospace; font-size: 0.92em;
  background: #f3f4f6; padding: 0 3px; border-radius: 3px; }}
{status_css()}
.severity-error {{ color: #b91c1c; }}
.severity-warning {{ color: #b45309; }}
figure {{ margin: 12px 0; }}
svg.chart {{ max-width: 100%; height: auto; display: block; }}
svg.gantt {{ width: 100%; }}
figcaption {{ font-size: 12px; color: #4b5563; }}
pre {{ background: #f9fafb; padding: 8px; font-size: 12px; white-space: pre-wrap;
  overflow-wrap: anywhere; }}
.meta {{ color: #6b7280; font-size: 12px; }}
@page {{ size: A4; margin: 14mm 12mm; }}
@page wide {{ size: A4 landscape; margin: 12mm; }}
@media print {{
  body {{ margin: 0; font-size: 10pt; }}
  section + section {{ break-before: page; }}
  section.wide {{ page: wide; }}
  h2 {{ margin-top: 0; }}
  table {{ font-size: 9pt; }}
  figure, tr, pre {{ break-inside: avoid; }}
  h2, h3 {{ break-after: avoid; }}
  * {{ -webkit-print-color-adjust: exact; print-color-adjust: exact; }}
}}
"""

_SCRIPT = """
(function () {
  var sizes = [];
  document.querySelectorAll('svg.chart').forEach(function (svg) {
    var box = svg.getBoundingClientRect();
    sizes.push([Math.round(box.width), Math.round(box.height)]);
  });
  document.body.setAttribute('data-chart-sizes', JSON.stringify(sizes));
})();
"""

_CODE = re.compile(r"`([^`]+)`")


@attrs.frozen(kw_only=True)
class Report:
    """Everything the committee report shows, computed once for any renderer."""

    plan: Plan
    assessment: Assessment
    conflicts: tuple[Conflict, ...]
    table: Table
    lang: Lang = "ja"


def build_report(
    plan: Plan, assessment: Assessment, conflicts: tuple[Conflict, ...], lang: Lang = "ja"
) -> Report:
    """Gather the table, roll-ups, conflicts and explanations for a report."""
    table = progress_table(plan, as_of=assessment.as_of, lang=lang, assessment=assessment)
    return Report(plan=plan, assessment=assessment, conflicts=conflicts, table=table, lang=lang)


def _w(key: str, lang: Lang) -> str:
    return text(f"report.document.{key}", lang)


def _labelled(key: str, value: str, lang: Lang) -> str:
    """ "label: value", the label a word of the document's catalogue."""
    return text("report.document.labelled", lang, label=_w(key, lang), value=value)


def _cell_html(value: str) -> str:
    """A cell's text as HTML: escaped, `code` spans in code font, line breaks kept."""
    return "<br>".join(_CODE.sub(r"<code>\1</code>", escape(line)) for line in value.split("\n"))


def table_html(table: Table) -> str:
    """A table as an HTML fragment, status cells coloured by their status."""
    head = "".join(f"<th>{escape(c.label)}</th>" for c in table.columns)
    rows = []
    for row in table.rows:
        status = row.data.get("status")
        cells = []
        for c in table.columns:
            cls = f' class="col-{escape(c.key)}"'
            if c.key == "status" and status:
                cls = f' class="col-status status-{escape(str(status))}"'
            cells.append(f"<td{cls}>{_cell_html(row.cells.get(c.key, ''))}</td>")
        rows.append(f'<tr data-kpi="{escape(row.kpi_id)}">{"".join(cells)}</tr>')
    return (
        f'<table class="progress"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _page(title: str, body: str, lang: Lang) -> str:
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{_CSS}</style></head>"
        f"<body>{body}<script>{_SCRIPT}</script></body></html>\n"
    )


def table_page(table: Table) -> str:
    """A table as a complete HTML page."""
    body = f"<h1>{escape(table.title)}</h1><p class='meta'>{escape(table.subtitle)}</p>"
    return _page(table.title, body + table_html(table), table.lang)


def named(code: str, lang: Lang, domain: str, markup: Literal["html", "markdown"]) -> str:
    """A registered name shown to people: its display name from the catalogue with the
    name itself beside it in code font (``混合（<code>blend</code>）``); a plugin's name
    with no display name is shown in code font alone."""
    shown = f"<code>{escape(code)}</code>" if markup == "html" else f"`{code}`"
    key = f"report.{domain}.{code}"
    display = catalogue(lang).get(key) if domain != "methods" else method_name(code, lang)
    if not display:
        return shown
    if markup == "html":
        return html_text("report.document.named", lang, name=escape(display), code=shown)
    return text("report.document.named", lang, name=md_escape(display), code=shown)


def _methods(report: Report, markup: Literal["html", "markdown"]) -> str:
    methods = dict.fromkeys(r.forecast.method for r in report.assessment.rows)
    joiner = _w("count_separator", report.lang)
    return joiner.join(named(m, report.lang, "methods", markup) for m in methods) or "—"


def _scale_name(report: Report) -> str | None:
    name = report.assessment.scale
    if name is None:
        return None
    scale = RATING_SCALES.get(name)
    label_en = getattr(scale, "label_en", "")
    return label_en if report.lang == "en" and label_en else scale.label


def _meta(report: Report, markup: Literal["html", "markdown"]) -> str:
    lang = report.lang
    esc = escape if markup == "html" else md_escape
    day = text("common.as_of", lang, date=format_day(report.assessment.as_of, lang))
    parts = [esc(day)]
    if report.assessment.rows:
        method = _methods(report, markup)
        parts.append(esc(_w("method", lang)) + esc(": ") + method)
    scale = _scale_name(report)
    if scale is not None:
        parts.append(esc(_labelled("scale", scale, lang)))
    return esc(_w("meta_separator", lang)).join(parts)


def _summary(report: Report) -> str:
    a, lang = report.assessment, report.lang
    counts = Counter(r.status for r in a.rows)
    by_severity = sorted(counts.items(), key=lambda x: (-x[0].severity, x[0].value))
    statuses = _w("count_separator", lang).join(
        text("report.document.status_count", lang, status=s.label(lang), count=n)
        for s, n in by_severity
    )
    overall = a.overall
    whole = text(
        "report.document.overall",
        lang,
        label=_w("plan", lang),
        value=format_percent(overall.value),
        status=overall.status.label(lang) if overall.status else "—",
    )
    return _w("meta_separator", lang).join(p for p in (statuses, whole) if p)


def _rollup_rows(report: Report) -> list[tuple[str, str, str, str, str, str | None]]:
    a, lang = report.assessment, report.lang
    rows = []
    for level, items in (("project", a.projects), ("pillar", a.pillars), ("plan", (a.overall,))):
        for r in items:
            name = localized(r.name, r.name_en, lang)
            status = r.status.label(lang) if r.status else "—"
            rows.append(
                (
                    _w(level, lang),
                    name,
                    format_percent(r.value),
                    format_percent(r.coverage),
                    status,
                    r.status.value if r.status else None,
                )
            )
    return rows


def _attainment(report: Report, kpi_id: str) -> str:
    fc = report.assessment.row(kpi_id).forecast
    if fc.attainment_date is not None:
        return format_day(fc.attainment_date, report.lang)
    return _w("never", report.lang) if fc.value is not None else "—"


def _charted(report: Report) -> list[str]:
    """The KPIs drawn as trajectories: the numeric ones."""
    plan = report.plan
    return [
        r.kpi_id for r in report.assessment.rows if plan.kpi(r.kpi_id).kind is KPIKind.QUANTITATIVE
    ]


def _conflict_kind(kind: str, lang: Lang, markup: Literal["html", "markdown"]) -> str:
    return named(kind, lang, "conflict_kinds", markup)


def _html(report: Report) -> str:
    plan, a, lang = report.plan, report.assessment, report.lang
    title = report_title(plan, lang)

    def h2(key: str) -> str:
        return f"<h2>{escape(_w(key, lang))}</h2>"

    sections = [
        f"<h1>{escape(title)}</h1><p class='meta'>{_meta(report, 'html')}</p>"
        + h2("summary")
        + f"<p>{escape(_summary(report))}</p>"
    ]
    table = (
        table_html(report.table) if report.table.rows else f"<p>{escape(_w('no_kpis', lang))}</p>"
    )
    sections.append(h2("table") + table)
    head = "".join(
        f"<th>{escape(_w(k, lang))}</th>" for k in ("level", "name", "mean", "coverage", "status")
    )
    cells = []
    for level, rname, mean, cov, status, value in _rollup_rows(report):
        cls = f' class="status-{value}"' if value else ""
        cells.append(
            f"<tr><td>{escape(level)}</td><td>{_cell_html(rname)}</td><td>{mean}</td>"
            f"<td>{cov}</td><td{cls}>{escape(status)}</td></tr>"
        )
    sections.append(
        h2("rollups")
        + f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(cells)}</tbody></table>"
        + f"<p class='meta'>{escape(_w('rollup_note', lang))}</p>"
    )
    charts = []
    for kpi_id in _charted(report):
        kpi, row = plan.kpi(kpi_id), a.row(kpi_id)
        caption = _w("meta_separator", lang).join(
            (
                _labelled("forecast", forecast_text(kpi, row, lang), lang),
                _labelled("attain", _attainment(report, kpi_id), lang),
                row.status.label(lang),
            )
        )
        charts.append(
            f'<figure data-kpi="{escape(kpi.id)}">{kpi_chart_svg(kpi, row, lang=lang, fluid=False)}'
            f"<figcaption>{escape(caption)}</figcaption></figure>"
        )
    sections.append(h2("charts") + ("".join(charts) or f"<p>{escape(_w('no_charts', lang))}</p>"))
    gantt = gantt_svg(plan, report.conflicts, lang=lang, fluid=True)
    sections.append(
        h2("schedule")
        + (f"<figure>{gantt}</figure>" if gantt else f"<p>{escape(_w('no_milestones', lang))}</p>")
    )
    if report.conflicts:
        head = "".join(f"<th>{escape(_w(k, lang))}</th>" for k in ("severity", "kind", "detail"))
        rows = "".join(
            f'<tr class="severity-{c.severity.value}"><td>{escape(c.severity.label(lang))}</td>'
            f"<td>{_conflict_kind(c.kind, lang, 'html')}</td>"
            f"<td>{_cell_html(c.text(lang))}</td></tr>"
            for c in report.conflicts
        )
        conflicts = f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"
    else:
        conflicts = f"<p>{escape(_w('no_conflicts', lang))}</p>"
    sections.append(h2("conflicts") + conflicts)
    explained = []
    for row in a.rows:
        kpi = plan.kpi(row.kpi_id)
        kname = localized(kpi.name, kpi.name_en, lang)
        explained.append(
            f"<h3>{escape(kname)}</h3><pre>{escape(a.explain(row.kpi_id, lang=lang))}</pre>"
        )
    sections.append(h2("explain") + ("".join(explained) or f"<p>{escape(_w('no_kpis', lang))}</p>"))
    wide = {1, 4}  # the table and the schedule: landscape pages in print
    body = "".join(
        f'<section class="wide">{s}</section>' if i in wide else f"<section>{s}</section>"
        for i, s in enumerate(sections)
    )
    return _page(title, body, lang)


def _markdown(report: Report) -> str:
    plan, a, lang = report.plan, report.assessment, report.lang
    out = [f"# {md_escape(report_title(plan, lang))}", "", _meta(report, "markdown"), ""]
    out += [md_escape(_summary(report)), ""]
    out.append(render_markdown(report.table))
    out += [f"## {_w('rollups', lang)}", ""]
    out.append(
        "| "
        + " | ".join(_w(k, lang) for k in ("level", "name", "mean", "coverage", "status"))
        + " |"
    )
    out.append("|---|---|---|---|---|")
    for level, rname, mean, cov, status, _ in _rollup_rows(report):
        out.append(f"| {level} | {md_escape(rname)} | {mean} | {cov} | {status} |")
    out += ["", _w("rollup_note", lang), "", f"## {_w('charts', lang)}", ""]
    charted = _charted(report)
    if charted:
        out.append(
            f"| {_w('kpi', lang)} | {_w('forecast', lang)} | {_w('attain', lang)} | "
            f"{_w('status', lang)} |"
        )
        out.append("|---|---|---|---|")
    else:
        out.append(_w("no_charts", lang))
    for kpi_id in charted:
        kpi, row = plan.kpi(kpi_id), a.row(kpi_id)
        kname = localized(kpi.name, kpi.name_en, lang)
        out.append(
            f"| {md_escape(kname)} | {md_escape(forecast_text(kpi, row, lang))} | "
            f"{_attainment(report, kpi_id)} | {row.status.label(lang)} |"
        )
    out += ["", f"## {_w('conflicts', lang)}", ""]
    if report.conflicts:
        for c in report.conflicts:
            kind = _conflict_kind(c.kind, lang, "markdown")
            out.append(f"- **{c.severity.label(lang)}** {kind}: {md_escape(c.text(lang))}")
    else:
        out.append(_w("no_conflicts", lang))
    out += ["", f"## {_w('explain', lang)}", ""]
    for row in a.rows:
        body = a.explain(row.kpi_id, lang=lang).rstrip()
        longest = max((len(run) for run in re.findall("`+", body)), default=0)
        fence = "`" * max(3, longest + 1)  # a fence no backtick run in the text can close
        out += [f"{fence}text", body, fence, ""]
    return "\n".join(out).rstrip() + "\n"


def render_report(report: Report, format: Literal["html", "markdown"] = "html") -> str:
    """The report as a self-contained HTML page or as Markdown."""
    return _html(report) if format == "html" else _markdown(report)
