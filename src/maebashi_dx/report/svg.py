"""Inline SVG charts for the HTML report: a KPI's trajectory and the schedule's Gantt view.

They are plain SVG written here rather than drawn with matplotlib: the HTML report must
work without optional extras, and a few lines, points and bars do not need a plotting
library. (PNG charts for slides use matplotlib: :mod:`maebashi_dx.report.charts`.)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date, timedelta
from html import escape

from maebashi_dx.assess import KPIRow
from maebashi_dx.conflicts import Conflict, Severity
from maebashi_dx.dates import FiscalYear, Precision
from maebashi_dx.model import KPI, Plan

__all__ = ["gantt_svg", "kpi_chart_svg"]

FONT = "'Noto Sans CJK JP','Hiragino Sans','Yu Gothic','Meiryo','IPAexGothic',sans-serif"
_W, _H = 640, 300
_LEFT, _RIGHT, _TOP, _BOTTOM = 56, 24, 34, 44


def _fmt(v: float) -> str:
    return f"{v:.1f}".rstrip("0").rstrip(".")


def _nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    span = high - low or 1.0
    raw = span / count
    magnitude = 10.0 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    first = (low // step) * step
    ticks = []
    value = first
    while value <= high + step * 1e-9:
        if value >= low - step * 1e-9:
            ticks.append(round(value, 10))
        value += step
    return ticks


def kpi_chart_svg(kpi: KPI, row: KPIRow, *, lang: str = "ja") -> str:
    """A KPI's baseline, measurements, target line, deadline, forecast and interval."""
    fc = row.forecast
    points = list(zip(*kpi.numbers(row.forecast.as_of), strict=True))
    due = kpi.target.due
    target = float(kpi.target.value) if not isinstance(kpi.target.value, str) else 0.0
    first_day = points[0][0] if points else fc.as_of
    last_day = max(due, fc.as_of) + timedelta(days=30)
    values = [v for _, v in points] + [target]
    if fc.value is not None and fc.interval is not None:
        values += [fc.value, *fc.interval]
    low, high = min(0.0, *values), max(values)
    if kpi.bounds is not None:
        low, high = max(low, kpi.bounds[0]), min(max(high, target), kpi.bounds[1])
    high = high + (high - low) * 0.05 or 1.0
    plot_w, plot_h = _W - _LEFT - _RIGHT, _H - _TOP - _BOTTOM
    days = max(1, (last_day - first_day).days)

    def x(day: date) -> float:
        return _LEFT + plot_w * (day - first_day).days / days

    def y(value: float) -> float:
        return _TOP + plot_h * (1 - (value - low) / (high - low))

    en = lang == "en"
    name = kpi.name_en if en and kpi.name_en else kpi.name
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="{_W}" height="{_H}" '
        f'viewBox="0 0 {_W} {_H}" role="img" aria-label="{escape(name)}" '
        f'font-family="{FONT}" font-size="11">',
        f'<rect x="0" y="0" width="{_W}" height="{_H}" fill="#fff"/>',
        f'<text x="{_LEFT}" y="18" font-size="13" font-weight="bold">{escape(name)}</text>',
    ]
    for tick in _nice_ticks(low, high):
        ty = y(tick)
        parts.append(
            f'<line x1="{_LEFT}" x2="{_W - _RIGHT}" y1="{ty:.1f}" y2="{ty:.1f}" stroke="#e5e7eb"/>'
            f'<text x="{_LEFT - 6}" y="{ty + 4:.1f}" text-anchor="end">{_fmt(tick)}'
            f"{escape(kpi.unit)}</text>"
        )
    fy = FiscalYear.of(first_day)
    while fy.start <= last_day:
        fx = x(fy.start)
        if fy.start >= first_day and fx + 48 <= _W:
            parts.append(
                f'<line x1="{fx:.1f}" x2="{fx:.1f}" y1="{_TOP}" y2="{_H - _BOTTOM}" '
                f'stroke="#d1d5db"/><text x="{fx + 3:.1f}" y="{_H - _BOTTOM + 14}">'
                f"{escape(fy.label('en') if en else f'{fy.year}年度')}</text>"
            )
        fy = FiscalYear(fy.year + 1)
    ty = y(target)
    label_target = "target" if en else "目標"
    label_due = "deadline" if en else "期限"
    parts.append(
        f'<line class="target" x1="{_LEFT}" x2="{_W - _RIGHT}" y1="{ty:.1f}" y2="{ty:.1f}" '
        f'stroke="#059669" stroke-width="1.5" stroke-dasharray="6 3"/>'
        f'<text x="{_LEFT + 4}" y="{ty - 4:.1f}" fill="#059669">'
        f"{label_target} {_fmt(target)}{escape(kpi.unit)}</text>"
    )
    dx = x(due)
    parts.append(
        f'<line class="deadline" x1="{dx:.1f}" x2="{dx:.1f}" y1="{_TOP}" y2="{_H - _BOTTOM}" '
        f'stroke="#6b7280" stroke-dasharray="2 3"/>'
        f'<text x="{dx - 4:.1f}" y="{_H - _BOTTOM - 6}" text-anchor="end" fill="#374151">'
        f"{label_due} {due.isoformat()}</text>"
    )
    if fc.value is not None and fc.interval is not None and points:
        last_x, last_y = x(points[-1][0]), y(points[-1][1])
        lo_y, hi_y = y(fc.interval[0]), y(fc.interval[1])
        parts.append(
            f'<polygon class="interval" points="{last_x:.1f},{last_y:.1f} {dx:.1f},{lo_y:.1f} '
            f'{dx:.1f},{hi_y:.1f}" fill="#93c5fd" fill-opacity="0.35"/>'
            f'<line class="forecast" x1="{last_x:.1f}" y1="{last_y:.1f}" x2="{dx:.1f}" '
            f'y2="{y(fc.value):.1f}" stroke="#2563eb" stroke-width="1.5" stroke-dasharray="5 4"/>'
            f'<circle cx="{dx:.1f}" cy="{y(fc.value):.1f}" r="3.5" fill="#2563eb"/>'
            f'<text x="{dx + 4:.1f}" y="{y(fc.value) + 4:.1f}" fill="#2563eb">'
            f"{_fmt(fc.value)}{escape(kpi.unit)}</text>"
        )
    if points:
        path = " ".join(f"{x(d):.1f},{y(v):.1f}" for d, v in points)
        parts.append(
            f'<polyline class="measured" points="{path}" fill="none" stroke="#111827" '
            f'stroke-width="2"/>'
        )
        history = kpi.history(fc.as_of)
        for (d, v), m in zip(points, history, strict=True):
            fill = "#fff" if m.approximate else "#111827"
            parts.append(
                f'<circle cx="{x(d):.1f}" cy="{y(v):.1f}" r="4" fill="{fill}" '
                f'stroke="#111827" stroke-width="1.5"><title>{d.isoformat()} '
                f"{'約' if m.approximate and not en else ''}{_fmt(v)}{escape(kpi.unit)}"
                f"</title></circle>"
            )
    legend = (
        "● measured (○ approximate)  – – forecast with its interval"
        if en
        else "● 実績（○ 約）  – – 予測と区間"
    )
    parts.append(f'<text x="{_LEFT}" y="{_H - 8}" fill="#6b7280">{escape(legend)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def gantt_svg(plan: Plan, conflicts: Sequence[Conflict], *, lang: str = "ja") -> str:
    """The milestones as bars by working group, with conflicts outlined in red."""
    en = lang == "en"
    milestones = sorted(plan.milestones, key=lambda m: (m.owner or "", m.when.start, m.id))
    if not milestones:
        return ""
    flagged: dict[str, Severity] = {}
    for c in conflicts:
        for sid in c.subject_ids:
            if sid not in flagged or c.severity.rank < flagged[sid].rank:
                flagged[sid] = c.severity
    start = min(m.when.start for m in milestones).replace(day=1)
    end = max(m.when.end for m in milestones) + timedelta(days=31)
    label_w, row_h, top = 300, 20, 30
    width = 980
    height = top + row_h * len(milestones) + 30
    days = max(1, (end - start).days)

    def x(day: date) -> float:
        return label_w + (width - label_w - 10) * (day - start).days / days

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart gantt" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" font-family="{FONT}" font-size="11">',
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#fff"/>',
    ]
    month = start
    while month <= end:
        mx = x(month)
        strong = month.month == 4
        label = f"{month.year}/{month.month}" if month.month in (1, 4, 7, 10) else ""
        parts.append(
            f'<line x1="{mx:.1f}" x2="{mx:.1f}" y1="{top - 6}" y2="{height - 24}" '
            f'stroke="{"#9ca3af" if strong else "#f3f4f6"}"/>'
            + (f'<text x="{mx + 2:.1f}" y="{top - 10}">{label}</text>' if label else "")
        )
        month = (month + timedelta(days=32)).replace(day=1)
    for i, m in enumerate(milestones):
        ry = top + i * row_h
        title = m.title_en if en and m.title_en else m.title
        owner = f"[{m.owner}] " if m.owner else ""
        text = owner + title
        if len(text) > 30:
            text = text[:29] + "…"
        severity = flagged.get(m.id)
        stroke = (
            {
                Severity.ERROR: "#dc2626",
                Severity.WARNING: "#d97706",
                Severity.INFO: "#2563eb",
            }.get(severity, "none")
            if severity
            else "none"
        )
        mark = "⚠ " if severity in (Severity.ERROR, Severity.WARNING) else ""
        colour = "#b91c1c" if severity is Severity.ERROR else "#111827"
        parts.append(
            f'<text x="4" y="{ry + 14}" fill="{colour}">'
            f"{escape(mark + text)}<title>{escape(m.id)}: {escape(title)}</title></text>"
        )
        x0, x1 = x(m.when.start), x(m.when.end + timedelta(days=1))
        fuzzy = m.when.precision is not Precision.DAY or m.when.approximate
        fill = "#bfdbfe" if fuzzy else "#2563eb"
        dash = ' stroke-dasharray="3 2"' if fuzzy else ""
        if m.when.start == m.when.end:
            cx, cy = (x0 + x1) / 2, ry + 10
            parts.append(
                f'<polygon class="bar" points="{cx:.1f},{cy - 6} {cx + 6:.1f},{cy} '
                f'{cx:.1f},{cy + 6} {cx - 6:.1f},{cy}" fill="{fill}" '
                f'stroke="{stroke if severity else "#1e3a8a"}" stroke-width="1.5"/>'
            )
        else:
            parts.append(
                f'<rect class="bar" x="{x0:.1f}" y="{ry + 4}" width="{max(2.0, x1 - x0):.1f}" '
                f'height="12" rx="2" fill="{fill}" stroke="{stroke if severity else "#1e3a8a"}"'
                f' stroke-width="{2 if severity else 1}"{dash}/>'
            )
    legend = (
        "■ exact dates  ▭ month/旬/頃 (imprecise)  ◆ one day  red outline: conflict"
        if en
        else "■ 日付確定  ▭ 月・旬・頃（精度が粗い）  ◆ 1日  赤枠: 競合あり"
    )
    parts.append(f'<text x="4" y="{height - 8}" fill="#6b7280">{escape(legend)}</text>')
    parts.append("</svg>")
    return "".join(parts)
