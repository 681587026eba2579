"""Inline SVG charts for the HTML report: a KPI's trajectory and the schedule's Gantt view.

They are plain SVG written here rather than drawn with matplotlib: the HTML report must
work without optional extras, and a few lines, points and bars do not need a plotting
library. (PNG charts for slides use matplotlib: :mod:`maebashi_dx.report.charts`.)

Every label is measured before it is placed (:func:`text_width`, a deliberately wide
estimate: full-width and ambiguous-width characters count one em, others 0.62 em), so
margins grow to hold the longest tick label, labels near an edge turn inward, and a
label that still cannot fit is shortened with "…" (its full text stays in a tooltip).
The browser test checks every ``<text>`` against its SVG's box.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from html import escape

from maebashi_dx.achievement import target_number
from maebashi_dx.assess import KPIRow
from maebashi_dx.conflicts import Conflict, Severity
from maebashi_dx.dates import FiscalYear, Precision, format_span
from maebashi_dx.i18n import localized, text
from maebashi_dx.model import KPI, KPIKind, Plan
from maebashi_dx.report.fmt import (
    Lang,
    clip_to_bounds,
    format_computed,
    format_day,
    format_fiscal_year,
    format_month,
    format_number,
    format_value,
    milestone_label,
)

__all__ = ["fit_text", "gantt_svg", "kpi_chart_svg", "text_width"]

FONT = "'Noto Sans CJK JP','Hiragino Sans','Yu Gothic','Meiryo','IPAexGothic',sans-serif"
_W, _H = 640, 300
_TOP, _BOTTOM = 44, 44  # the band above the plot holds the deadline's label
_SIZE = 11  # px, the charts' body text
_NARROW = 0.62  # em: a generous width for Latin letters and digits in Noto Sans CJK
_GANTT_W = 960
_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def _char_width(ch: str) -> float:
    return 1.0 if unicodedata.east_asian_width(ch) in "WFA" else _NARROW


def text_width(text_: str, size: float = _SIZE) -> float:
    """An upper estimate of a text's width in px at ``size`` px.

    >>> text_width("2022年度"), text_width("abc", 10)
    (49.28, 18.6)
    """
    return round(sum(map(_char_width, text_)) * size, 2)


def fit_text(text_: str, width: float, size: float = _SIZE) -> str:
    """``text_`` on one line, shortened with "…" to fit ``width`` px when it must be.

    >>> fit_text("前橋市DX推進計画", 60)
    '前橋市DX…'
    """
    text_ = " ".join(text_.split())
    if text_width(text_, size) <= width:
        return text_
    room = width / size - _char_width("…")  # in ems, keeping room for the ellipsis
    used, end = 0.0, 0
    for end, ch in enumerate(text_):  # noqa: B007 - end is used after the loop
        used += _char_width(ch)
        if used > room:
            break
    return text_[:end] + "…" if end else ""


def _nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round-number ticks covering ``low`` .. ``high`` (1, 2, 2.5, 5 × 10ⁿ steps)."""
    raw = (high - low) / count
    if not (math.isfinite(raw) and raw > 0):
        return [low]
    magnitude = 10.0 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    ticks: list[float] = []
    value = math.floor(low / step) * step
    while value <= high + step * 1e-9 and len(ticks) < 4 * count:
        tick = round(value, 12)
        if value >= low - step * 1e-9 and (not ticks or tick != ticks[-1]):
            ticks.append(tick)
        value += step
    return ticks


def _decimals(ticks: Sequence[float]) -> int:
    """Decimals enough to tell neighbouring ticks apart (at most 10)."""
    if len(ticks) < 2:
        return 1
    step = abs(ticks[1] - ticks[0])
    if not (math.isfinite(step) and step > 0):
        # Ticks rounded together: values far below what a chart can tell apart (5e-324).
        return 1
    return max(0, min(10, -math.floor(math.log10(step) + 1e-9) + (0 if step * 10 % 10 < 1 else 1)))


def _scale_of(values: Sequence[float]) -> int:
    """The power of ten values are drawn in units of: 0, unless they are too large or
    too small to write out (10¹⁵ or more, under 10⁻⁶), so the arithmetic never overflows."""
    largest = max((abs(v) for v in values), default=0.0)
    if largest == 0 or 1e-6 <= largest < 1e15:
        return 0
    return max(-300, math.floor(math.log10(largest)))


def _svg_open(width: int, height: int, extra: str, fluid: bool) -> str:
    size = 'width="100%"' if fluid else f'width="{width}" height="{height}"'
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" {extra} {size} '
        f'viewBox="0 0 {width} {height}" font-family="{FONT}" font-size="{_SIZE}">'
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#fff"/>'
    )


def _label(x: float, y: float, body: str, *, anchor: str = "start", extra: str = "") -> str:
    anchor_attr = "" if anchor == "start" else f' text-anchor="{anchor}"'
    return f'<text x="{x:.1f}" y="{y:.1f}"{anchor_attr}{extra}>{escape(body)}</text>'


def _last_day(*days: date) -> date:
    """A month after the latest day, for room on the right (never past date.max)."""
    latest = max(days)
    return latest + timedelta(days=30) if latest < date(9999, 12, 1) else latest


def kpi_chart_svg(kpi: KPI, row: KPIRow, *, lang: Lang = "ja", fluid: bool = False) -> str:
    """A KPI's baseline, measurements, target line, deadline, forecast and interval.

    Args:
        kpi: The KPI (a staged KPI is drawn on its ladder, stages named on the axis).
        row: Its assessment row (the forecast comes from there).
        lang: "ja" or "en".
        fluid: Scale to the width of the page (for the HTML report), not 640 px.
    """
    fc = row.forecast
    days, values = kpi.numbers(fc.as_of)
    staged = kpi.kind is KPIKind.STAGED
    unit = "" if staged else kpi.unit
    due = kpi.target.due
    target = target_number(kpi)
    forecast = None
    if fc.value is not None and fc.interval is not None and days:
        value = clip_to_bounds(fc.value, fc.value, kpi.bounds)[0]
        forecast = (value, *clip_to_bounds(*fc.interval, kpi.bounds))
    drawn = [*values, target, *(forecast or ())]
    power = _scale_of(drawn)

    def scaled(v: float) -> float:
        return v / 10.0**power if power else v

    def tick_text(t: float, decimals: int) -> str:
        """A tick (in units of 10^power) in the KPI's unit."""
        if power:
            shown = format_number(t, decimals=min(decimals, 3))
            return f"{shown}×10{str(power).translate(_SUPERSCRIPT)}{unit}"
        return format_value(t, unit, decimals=decimals)

    low = min(0.0, *(scaled(v) for v in drawn))
    high = max(scaled(v) for v in drawn)
    if staged:
        low, high = 0.0, float(max(len(kpi.ladder) - 1, 1))
    if high - low <= 0:
        high = low + max(1.0, abs(low) * 0.1)
    high += (high - low) * 0.05
    if staged:
        ticks = [float(i) for i in range(len(kpi.ladder))]
        tick_labels = [localized(s.label, s.label_en, lang) for s in kpi.ladder]
        tick_labels = [fit_text(t, 150) for t in tick_labels]
    else:
        ticks = _nice_ticks(low, high)
        decimals = _decimals(ticks)
        tick_labels = [tick_text(t, decimals) for t in ticks]
    left = max(40.0, max((text_width(t) for t in tick_labels), default=0.0) + 12)
    value_label = format_computed(forecast[0], unit) if forecast else ""
    right = max(24.0, text_width(value_label) + 12)
    plot_w, plot_h = _W - left - right, _H - _TOP - _BOTTOM

    first_day = min(days[0], fc.as_of) if days else fc.as_of
    last_day = _last_day(due, fc.as_of, *days)
    span_days = max(1, (last_day - first_day).days)

    def x(day: date) -> float:
        return left + plot_w * (day - first_day).days / span_days

    def y(v: float) -> float:
        return _TOP + plot_h * (1 - (scaled(v) - low) / (high - low))

    def y_scaled(v: float) -> float:
        return _TOP + plot_h * (1 - (v - low) / (high - low))

    name = localized(kpi.name, kpi.name_en, lang)
    parts = [
        _svg_open(_W, _H, f'class="chart" role="img" aria-label="{escape(name)}"', fluid),
        _label(8, 18, fit_text(name, _W - 16, 13), extra=' font-size="13" font-weight="bold"'),
    ]
    for tick, tick_label in zip(ticks, tick_labels, strict=True):
        ty = y_scaled(tick)
        parts.append(
            f'<line x1="{left:.1f}" x2="{_W - right:.1f}" y1="{ty:.1f}" y2="{ty:.1f}" '
            f'stroke="#e5e7eb"/>' + _label(left - 6, ty + 4, tick_label, anchor="end")
        )
    parts.extend(_fiscal_year_axis(first_day, last_day, x, left, lang))
    ty = y(target)
    if staged:
        own = localized(kpi.target.label, kpi.target.label_en, lang)
        target_text = own or tick_labels[int(target)]
    else:
        target_text = format_value(target, unit, decimals=kpi.decimals)
    parts.append(
        f'<line class="target" x1="{left:.1f}" x2="{_W - right:.1f}" y1="{ty:.1f}" '
        f'y2="{ty:.1f}" stroke="#059669" stroke-width="1.5" stroke-dasharray="6 3"/>'
        + _label(
            left + 4,
            ty - 4,
            fit_text(text("report.chart.target", lang, value=target_text), plot_w - 8),
            extra=' fill="#059669"',
        )
    )
    dx = x(due)
    deadline = text(
        "report.chart.deadline",
        lang,
        date=format_span(kpi.target.deadline, lang=lang, era=lang == "ja"),
    )
    deadline_w = text_width(deadline)
    # Above the plot, beside the top of its line: clear of the data, the forecast and
    # the title.
    if dx + 4 - deadline_w >= 2:
        deadline_label = _label(dx + 4, _TOP - 8, deadline, anchor="end")
    else:  # no room on the left of the line: write it on the right
        deadline_label = _label(dx - 4, _TOP - 8, fit_text(deadline, _W - dx + 2))
    parts.append(
        f'<line class="deadline" x1="{dx:.1f}" x2="{dx:.1f}" y1="{_TOP - 4}" y2="{_H - _BOTTOM}" '
        f'stroke="#6b7280" stroke-dasharray="2 3"/>'
        + deadline_label.replace("<text ", '<text fill="#374151" ', 1)
    )
    if forecast is not None:
        value, low_v, high_v = forecast
        last_x, last_y = x(days[-1]), y(values[-1])
        vy = y(value)
        label_x = min(dx + 4, _W - text_width(value_label) - 2)
        parts.append(
            f'<polygon class="interval" points="{last_x:.1f},{last_y:.1f} {dx:.1f},'
            f'{y(low_v):.1f} {dx:.1f},{y(high_v):.1f}" fill="#93c5fd" fill-opacity="0.35"/>'
            f'<line class="forecast" x1="{last_x:.1f}" y1="{last_y:.1f}" x2="{dx:.1f}" '
            f'y2="{vy:.1f}" stroke="#2563eb" stroke-width="1.5" stroke-dasharray="5 4"/>'
            f'<circle cx="{dx:.1f}" cy="{vy:.1f}" r="3.5" fill="#2563eb"/>'
            + _label(label_x, vy + 4, value_label, extra=' fill="#2563eb"')
        )
    if days:
        path = " ".join(f"{x(d):.1f},{y(v):.1f}" for d, v in zip(days, values, strict=True))
        parts.append(
            f'<polyline class="measured" points="{path}" fill="none" stroke="#111827" '
            f'stroke-width="2"/>'
        )
        for m, d, v in zip(kpi.history(fc.as_of), days, values, strict=True):
            shown = tick_labels[int(v)] if staged else format_value(v, unit, decimals=kpi.decimals)
            if m.approximate:
                shown = text("report.chart.about", lang, value=shown)
            tip = text("report.chart.point", lang, date=format_day(d, lang), value=shown)
            fill = "#fff" if m.approximate else "#111827"
            parts.append(
                f'<circle cx="{x(d):.1f}" cy="{y(v):.1f}" r="4" fill="{fill}" '
                f'stroke="#111827" stroke-width="1.5"><title>{escape(tip)}</title></circle>'
            )
    legend = fit_text(text("report.chart.legend", lang), _W - 16)
    parts.append(_label(8, _H - 8, legend, extra=' fill="#6b7280"'))
    parts.append("</svg>")
    return "".join(parts)


def _fiscal_year_axis(
    first_day: date, last_day: date, x: Callable[[date], float], left: float, lang: Lang
) -> list[str]:
    """Lines at each fiscal year's start, labelled as far apart as the labels need."""
    first = FiscalYear.of(first_day).year if first_day >= date(1, 4, 1) else 1
    last = FiscalYear.of(last_day).year
    label_w = text_width(format_fiscal_year(last, lang)) + 8
    px_per_year = (x(date(2001, 4, 1)) - x(date(2000, 4, 1))) if last > first else _W
    stride = max(1, math.ceil(label_w / max(px_per_year, 1e-9)))
    parts = []
    for year in range(first, last + 1):
        if (year - first) % stride or year > 9998:
            continue
        start = date(year, 4, 1)
        if start < first_day:
            continue
        fx = x(start)
        label = format_fiscal_year(year, lang)
        parts.append(
            f'<line x1="{fx:.1f}" x2="{fx:.1f}" y1="{_TOP}" y2="{_H - _BOTTOM}" stroke="#d1d5db"/>'
        )
        if fx + 3 + text_width(label) <= _W - 2 and fx >= left:
            parts.append(_label(fx + 3, _H - _BOTTOM + 14, label))
    return parts


def _month_step(px_per_month: float, label_w: float) -> int:
    """Months between labelled grid lines: the smallest of 1, 3, 6, 12, 24, 60… months
    whose labels do not touch."""
    for step in (1, 3, 6, 12, 24, 60, 120, 240, 600, 1200):
        if px_per_month * step >= label_w + 8:
            return step
    return 1200


def gantt_svg(
    plan: Plan, conflicts: Sequence[Conflict], *, lang: Lang = "ja", fluid: bool = False
) -> str:
    """The milestones as bars by working group, with conflicts outlined in red.

    Args:
        plan: The plan; an empty string is returned when it has no milestones.
        conflicts: Its conflicts (their milestones are outlined).
        lang: "ja" or "en".
        fluid: Take the width of the page (for the HTML report), not 960 px.
    """
    milestones = sorted(plan.milestones, key=lambda m: (m.owner or "", m.when.start, m.id))
    if not milestones:
        return ""
    flagged: dict[str, Severity] = {}
    for c in conflicts:
        for sid in c.subject_ids:
            if sid not in flagged or c.severity.rank < flagged[sid].rank:
                flagged[sid] = c.severity
    start = min(m.when.start for m in milestones).replace(day=1)
    end = _last_day(*(m.when.end for m in milestones))
    width, row_h, top = _GANTT_W, 20, 30
    height = top + row_h * len(milestones) + 30
    titles = []
    for m in milestones:
        mark = "⚠ " if flagged.get(m.id) in (Severity.ERROR, Severity.WARNING) else ""
        titles.append(mark + milestone_label(plan, m, lang))
    label_w = min(max(text_width(t) for t in titles) + 12, width * 0.4)
    days = max(1, (end - start).days)
    chart_w = width - label_w - 10

    def x(day: date) -> float:
        return label_w + chart_w * (day - start).days / days

    parts = [_svg_open(width, height, 'class="chart gantt"', fluid)]
    months = (end.year - start.year) * 12 + end.month - start.month + 1
    step = _month_step(chart_w / max(months, 1), text_width(format_month(date(2000, 10, 1), lang)))
    for i in range(months):
        year, month0 = divmod(start.month - 1 + i, 12)
        month = date(start.year + year, month0 + 1, 1)
        fiscal_index = (month.year - 2000) * 12 + month.month - 4  # 0 at April
        labelled = fiscal_index % step == 0
        if not labelled and step > 3:
            continue  # too many months for a line each
        mx = x(month)
        label = format_month(month, lang) if labelled else ""
        parts.append(
            f'<line x1="{mx:.1f}" x2="{mx:.1f}" y1="{top - 6}" y2="{height - 24}" '
            f'stroke="{"#9ca3af" if month.month == 4 else "#f3f4f6"}"/>'
        )
        if label and mx + 2 + text_width(label) <= width - 2:
            parts.append(_label(mx + 2, top - 10, label))
    for i, (m, label) in enumerate(zip(milestones, titles, strict=True)):
        ry = top + i * row_h
        title = localized(m.title, m.title_en, lang)
        severity = flagged.get(m.id)
        stroke = {
            Severity.ERROR: "#dc2626",
            Severity.WARNING: "#d97706",
            Severity.INFO: "#2563eb",
        }.get(severity, "#1e3a8a") if severity else "#1e3a8a"  # fmt: skip
        colour = "#b91c1c" if severity is Severity.ERROR else "#111827"
        parts.append(
            f'<text x="4" y="{ry + 14}" fill="{colour}">{escape(fit_text(label, label_w - 8))}'
            f"<title>{escape(m.id)}: {escape(title)}</title></text>"
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
                f'stroke="{stroke}" stroke-width="1.5"/>'
            )
        else:
            parts.append(
                f'<rect class="bar" x="{x0:.1f}" y="{ry + 4}" width="{max(2.0, x1 - x0):.1f}" '
                f'height="12" rx="2" fill="{fill}" stroke="{stroke}"'
                f' stroke-width="{2 if severity else 1}"{dash}/>'
            )
    legend = fit_text(text("report.chart.legend_gantt", lang), width - 8)
    parts.append(_label(4, height - 8, legend, extra=' fill="#6b7280"'))
    parts.append("</svg>")
    return "".join(parts)
