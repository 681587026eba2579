"""The whole committee report, as one self-contained HTML file or as Markdown for a wiki.

The HTML needs no network: styles are inline, charts are inline SVG, and a few lines of
script only record the size of each chart on the page (``data-chart-sizes`` on the
body), so that an automated check can see they rendered.
"""

from __future__ import annotations

from collections import Counter
from html import escape
from typing import Literal

import attrs

from maebashi_dx.assess import Assessment
from maebashi_dx.conflicts import Conflict
from maebashi_dx.model import KPIKind, Plan
from maebashi_dx.report.svg import FONT, gantt_svg, kpi_chart_svg
from maebashi_dx.report.table import Table, progress_table

__all__ = ["Report", "build_report", "render_report", "table_html"]

Lang = Literal["ja", "en"]

_CSS = f"""
body {{ font-family: {FONT}; margin: 24px; color: #111827; line-height: 1.5; }}
h1 {{ font-size: 22px; margin-bottom: 4px; }}
h2 {{ font-size: 17px; margin-top: 28px; border-bottom: 2px solid #e5e7eb; }}
table {{ border-collapse: collapse; margin: 8px 0; font-size: 13px; }}
th, td {{ border: 1px solid #d1d5db; padding: 4px 8px; vertical-align: top; }}
th {{ background: #f3f4f6; text-align: left; }}
td[class^="status-"] {{ white-space: nowrap; }}
.status-achieved {{ background: #dbeafe; }}
.status-on_track {{ background: #dcfce7; }}
.status-at_risk {{ background: #fef9c3; }}
.status-off_track {{ background: #fee2e2; }}
.status-missed {{ background: #fecaca; font-weight: bold; }}
.status-not_started, .status-no_data {{ background: #f3f4f6; }}
.severity-error {{ color: #b91c1c; }}
.severity-warning {{ color: #b45309; }}
figure {{ margin: 12px 0; }}
figcaption {{ font-size: 12px; color: #4b5563; }}
pre {{ background: #f9fafb; padding: 8px; font-size: 12px; white-space: pre-wrap; }}
.meta {{ color: #6b7280; font-size: 12px; }}
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

_WORDS = {
    "title": ("DX推進計画 進捗報告", "DX plan progress report"),
    "as_of": ("時点", "as of"),
    "summary": ("概要", "Summary"),
    "table": ("KPI（重要業績指標）の達成状況", "KPI progress"),
    "rollups": ("重点事業・柱ごとの集計", "Roll-ups by project and pillar"),
    "charts": ("KPIの推移と予測", "KPI trajectories and forecasts"),
    "schedule": ("スケジュール（ガントチャート）", "Schedule (Gantt view)"),
    "conflicts": ("スケジュール上の競合", "Schedule conflicts"),
    "no_conflicts": ("競合はありません。", "No conflicts."),
    "explain": ("計算の根拠", "How each number was computed"),
    "level": ("区分", "level"),
    "name": ("名称", "name"),
    "mean": ("平均達成率", "mean achievement"),
    "coverage": ("データのある割合", "coverage"),
    "status": ("状況", "status"),
    "severity": ("重要度", "severity"),
    "kind": ("種類", "kind"),
    "detail": ("内容", "detail"),
    "project": ("重点事業", "project"),
    "pillar": ("柱", "pillar"),
    "plan": ("計画全体", "whole plan"),
    "method": ("予測手法", "forecaster"),
    "forecast": ("期限時点の予測値", "forecast at the deadline"),
    "attain": ("目標到達見込み日", "projected attainment"),
    "never": ("到達しない見込み", "not reached on this trend"),
    "rollup_note": (
        "平均達成率は重み付き平均（重みは正規化、データのないKPIは除いて再正規化）、"
        "状況は最も悪いものです。",
        "Mean achievement is a weighted mean with normalised weights (KPIs without data "
        "are left out and the weights renormalised); status is the worst.",
    ),
}


def _as_of_text(day: str, lang: Lang) -> str:
    return f"as of {day}" if lang == "en" else f"{day} 時点"


def _w(key: str, lang: Lang) -> str:
    ja, en = _WORDS[key]
    return en if lang == "en" else ja


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


def table_html(table: Table) -> str:
    """A table as an HTML fragment, status cells coloured by their status."""
    head = "".join(f"<th>{escape(c.label)}</th>" for c in table.columns)
    rows = []
    for row in table.rows:
        status = row.data.get("status")
        cells = []
        for c in table.columns:
            cls = f' class="status-{escape(str(status))}"' if c.key == "status" and status else ""
            cells.append(f"<td{cls}>{escape(row.cells.get(c.key, ''))}</td>")
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


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _rollup_rows(report: Report) -> list[tuple[str, str, str, str, str, str | None]]:
    a, lang = report.assessment, report.lang
    rows = []
    for level, items in (("project", a.projects), ("pillar", a.pillars), ("plan", (a.overall,))):
        for r in items:
            name = r.name_en if lang == "en" and r.name_en else r.name
            status = r.status.label(lang) if r.status else "—"
            rows.append(
                (
                    _w(level, lang),
                    name,
                    _pct(r.value),
                    _pct(r.coverage),
                    status,
                    r.status.value if r.status else None,
                )
            )
    return rows


def _html(report: Report) -> str:
    plan, a, lang = report.plan, report.assessment, report.lang
    name = plan.name_en if lang == "en" and plan.name_en else plan.name
    counts = Counter(r.status for r in a.rows)
    summary = "、".join(
        f"{s.label(lang)} {n}" for s, n in sorted(counts.items(), key=lambda x: -x[0].severity)
    )
    overall = a.overall
    body = [
        f"<h1>{escape(name)} — {escape(_w('title', lang))}</h1>",
        f"<p class='meta'>{escape(_as_of_text(a.as_of.isoformat(), lang))} · "
        f"{escape(_w('method', lang))}: {escape(a.rows[0].forecast.method if a.rows else '—')}"
        f"{' · ' + escape(a.scale) if a.scale else ''}</p>",
        f"<h2>{escape(_w('summary', lang))}</h2>",
        f"<p>{escape(summary)} · {escape(_w('plan', lang))}: {_pct(overall.value)} "
        f"({escape(overall.status.label(lang) if overall.status else '—')})</p>",
        f"<h2>{escape(_w('table', lang))}</h2>",
        table_html(report.table),
        f"<h2>{escape(_w('rollups', lang))}</h2>",
    ]
    head = "".join(
        f"<th>{escape(_w(k, lang))}</th>" for k in ("level", "name", "mean", "coverage", "status")
    )
    cells = []
    for level, rname, mean, cov, status, value in _rollup_rows(report):
        cls = f' class="status-{value}"' if value else ""
        cells.append(
            f"<tr><td>{escape(level)}</td><td>{escape(rname)}</td><td>{mean}</td>"
            f"<td>{cov}</td><td{cls}>{escape(status)}</td></tr>"
        )
    body.append(f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(cells)}</tbody></table>")
    body.append(f"<p class='meta'>{escape(_w('rollup_note', lang))}</p>")
    body.append(f"<h2>{escape(_w('charts', lang))}</h2>")
    for row in a.rows:
        kpi = plan.kpi(row.kpi_id)
        if kpi.kind is not KPIKind.QUANTITATIVE:
            continue
        fc = row.forecast
        attained = fc.attainment_date.isoformat() if fc.attainment_date else _w("never", lang)
        caption = (
            f"{_w('forecast', lang)}: "
            + ("—" if fc.value is None else f"{fc.value:.1f}{kpi.unit}")
            + (
                f" ({fc.level:.0%}: {fc.interval[0]:.1f}–{fc.interval[1]:.1f})"
                if fc.interval
                else ""
            )
            + f" · {_w('attain', lang)}: {attained} · {row.status.label(lang)}"
        )
        body.append(
            f'<figure data-kpi="{escape(kpi.id)}">{kpi_chart_svg(kpi, row, lang=lang)}'
            f"<figcaption>{escape(caption)}</figcaption></figure>"
        )
    body.append(f"<h2>{escape(_w('schedule', lang))}</h2>")
    body.append(f"<figure>{gantt_svg(plan, report.conflicts, lang=lang)}</figure>")
    body.append(f"<h2>{escape(_w('conflicts', lang))}</h2>")
    if report.conflicts:
        head = "".join(f"<th>{escape(_w(k, lang))}</th>" for k in ("severity", "kind", "detail"))
        rows = "".join(
            f'<tr class="severity-{c.severity.value}"><td>{escape(c.severity.label(lang))}</td>'
            f"<td>{escape(c.kind)}</td><td>{escape(c.text(lang))}</td></tr>"
            for c in report.conflicts
        )
        body.append(f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>")
    else:
        body.append(f"<p>{escape(_w('no_conflicts', lang))}</p>")
    body.append(f"<h2>{escape(_w('explain', lang))}</h2>")
    for row in a.rows:
        kpi = plan.kpi(row.kpi_id)
        kname = kpi.name_en if lang == "en" and kpi.name_en else kpi.name
        body.append(
            f"<details><summary>{escape(kname)}</summary>"
            f"<pre>{escape(a.explain(row.kpi_id, lang=lang))}</pre></details>"
        )
    return _page(f"{name} — {_w('title', lang)}", "".join(body), lang)


def _md_escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _markdown(report: Report) -> str:
    from maebashi_dx.report.render import render_markdown  # avoids a cycle

    plan, a, lang = report.plan, report.assessment, report.lang
    name = plan.name_en if lang == "en" and plan.name_en else plan.name
    out = [f"# {name} — {_w('title', lang)}", "", _as_of_text(a.as_of.isoformat(), lang), ""]
    out.append(render_markdown(report.table))
    out += [f"## {_w('rollups', lang)}", ""]
    out.append(
        "| "
        + " | ".join(_w(k, lang) for k in ("level", "name", "mean", "coverage", "status"))
        + " |"
    )
    out.append("|---|---|---|---|---|")
    for level, rname, mean, cov, status, _ in _rollup_rows(report):
        out.append(f"| {level} | {_md_escape(rname)} | {mean} | {cov} | {status} |")
    out += ["", _w("rollup_note", lang), "", f"## {_w('charts', lang)}", ""]
    out.append(f"| KPI | {_w('forecast', lang)} | {_w('attain', lang)} | {_w('status', lang)} |")
    out.append("|---|---|---|---|")
    for row in a.rows:
        kpi = plan.kpi(row.kpi_id)
        if kpi.kind is not KPIKind.QUANTITATIVE:
            continue
        fc = row.forecast
        value = "—" if fc.value is None else f"{fc.value:.1f}{kpi.unit}"
        if fc.interval:
            value += f" ({fc.level:.0%}: {fc.interval[0]:.1f}–{fc.interval[1]:.1f})"
        attained = fc.attainment_date.isoformat() if fc.attainment_date else _w("never", lang)
        kname = kpi.name_en if lang == "en" and kpi.name_en else kpi.name
        out.append(f"| {_md_escape(kname)} | {value} | {attained} | {row.status.label(lang)} |")
    out += ["", f"## {_w('conflicts', lang)}", ""]
    if report.conflicts:
        for c in report.conflicts:
            out.append(f"- **{c.severity.label(lang)}** `{c.kind}`: {c.text(lang)}")
    else:
        out.append(_w("no_conflicts", lang))
    out += ["", f"## {_w('explain', lang)}", ""]
    for row in a.rows:
        out += ["```text", a.explain(row.kpi_id, lang=lang).rstrip(), "```", ""]
    return "\n".join(out).rstrip() + "\n"


def render_report(report: Report, format: Literal["html", "markdown"] = "html") -> str:
    """The report as a self-contained HTML page or as Markdown."""
    return _html(report) if format == "html" else _markdown(report)
