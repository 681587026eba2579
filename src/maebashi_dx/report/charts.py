"""PNG charts for slides and documents, drawn with matplotlib (the ``charts`` extra).

Japanese text uses the IPAex Gothic font that the ``matplotlib-fontja`` package ships,
so a chart looks the same on every machine and never depends on the system's fonts.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from maebashi_dx.assess import KPIRow
from maebashi_dx.backtest import Backtest
from maebashi_dx.conflicts import Conflict, Severity
from maebashi_dx.dates import Precision, format_span
from maebashi_dx.errors import MissingDependencyError
from maebashi_dx.i18n import localized, text
from maebashi_dx.model import KPI, KPIKind, Plan
from maebashi_dx.report.fmt import (
    Lang,
    clip_to_bounds,
    format_day,
    format_level,
    format_month,
    format_number,
    format_value,
    method_name,
    milestone_label,
)
from maebashi_dx.report.render import display_width

__all__ = ["calibration_png", "gantt_png", "kpi_chart_png"]


def _pyplot() -> Any:
    try:
        import matplotlib  # optional extra, imported on use

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        import matplotlib_fontja  # noqa: F401  # registers IPAexGothic
    except ImportError:
        raise MissingDependencyError("matplotlib, matplotlib-fontja", "charts") from None
    return plt


def _png(fig: Any, plt: Any) -> bytes:
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=150, bbox_inches="tight")
    plt.close(fig)
    return out.getvalue()


def _date_axis(ax: Any, lang: Lang) -> None:
    """Dates on the x axis written as the report writes them (2022年5月 / May 2022)."""
    from importlib import import_module

    from matplotlib.ticker import FuncFormatter

    mdates: Any = import_module("matplotlib.dates")  # untyped

    def month(x: float, _pos: int) -> str:
        return format_month(mdates.num2date(x).date(), lang)

    locator = mdates.AutoDateLocator(minticks=3, maxticks=8)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(FuncFormatter(month))


_POWER = re.compile("×10([⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+)")
_PLAIN_DIGITS = str.maketrans("⁻⁰¹²³⁴⁵⁶⁷⁸⁹", "-0123456789")


def _mathtext(label: str) -> str:
    """ "1.5×10³⁰⁰" as matplotlib math (the chart font has no superscript digits)."""
    return _POWER.sub(lambda m: rf"$\times10^{{{m[1].translate(_PLAIN_DIGITS)}}}$", label)


def _value_axis(ax: Any) -> None:
    """Values on the y axis with thousands separators, never as 1e6 offsets."""
    from matplotlib.ticker import FuncFormatter

    ax.yaxis.set_major_formatter(FuncFormatter(lambda y, _pos: _mathtext(format_number(float(y)))))


def _wrap(label: str, columns: int = 44, lines: int = 2) -> str:
    """A label wrapped to ``lines`` lines of at most ``columns`` display columns (a
    full-width character is two), shortened with "…" only beyond them."""
    out, line = [], ""
    for ch in " ".join(label.split()):
        if display_width(line + ch) > columns:
            out.append(line)
            line = ""
        line += ch
    out.append(line)
    if len(out) > lines:
        out = out[:lines]
        out[-1] = out[-1][:-1] + "…"
    return "\n".join(out)


def _deadline(kpi: KPI, lang: Lang) -> str:
    return format_span(kpi.target.deadline, lang=lang, era=lang == "ja")


def kpi_chart_png(kpi: KPI, row: KPIRow, *, lang: Lang = "ja") -> bytes:
    """A KPI's measurements, target, deadline, forecast and interval, as PNG bytes."""
    plt = _pyplot()
    fc = row.forecast
    days, values = kpi.numbers(fc.as_of)
    fig, ax = plt.subplots(figsize=(8, 4))
    if days:
        ax.plot(
            days, values, marker="o", color="#111827", label=text("report.chart.measured", lang)
        )
        if fc.value is not None and fc.interval is not None:
            value = clip_to_bounds(fc.value, fc.value, kpi.bounds)[0]
            low, high = clip_to_bounds(*fc.interval, kpi.bounds)
            method = method_name(fc.method, lang) or fc.method
            ax.plot(
                [days[-1], fc.deadline],
                [values[-1], value],
                linestyle="--",
                color="#2563eb",
                label=text("report.chart.forecast", lang, method=method),
            )
            ax.fill(
                [days[-1], fc.deadline, fc.deadline],
                [values[-1], low, high],
                color="#93c5fd",
                alpha=0.4,
                label=text("report.chart.interval", lang, level=format_level(fc.level)),
            )
    if kpi.kind is KPIKind.QUANTITATIVE:
        assert isinstance(kpi.target.value, float)
        ax.axhline(
            kpi.target.value,
            color="#059669",
            linestyle=":",
            label=_mathtext(
                text(
                    "report.chart.target",
                    lang,
                    value=format_value(kpi.target.value, kpi.unit, decimals=kpi.decimals),
                )
            ),
        )
        _value_axis(ax)
    ax.axvline(
        kpi.target.due,
        color="#6b7280",
        linestyle="-.",
        label=text("report.chart.deadline", lang, date=_deadline(kpi, lang)),
    )
    ax.set_title(_wrap(localized(kpi.name, kpi.name_en, lang), 80))
    ax.set_ylabel(kpi.unit)
    ax.grid(alpha=0.3)
    ax.legend(loc="best", fontsize=8)
    _date_axis(ax, lang)
    fig.autofmt_xdate()
    return _png(fig, plt)


def gantt_png(plan: Plan, conflicts: Sequence[Conflict], *, lang: Lang = "ja") -> bytes:
    """The milestones as a Gantt chart, conflicts in red, as PNG bytes.

    Titles are written in full, wrapped over two lines when long (shortened with "…"
    only beyond that); the figure grows to hold them.
    """
    plt = _pyplot()
    milestones = sorted(plan.milestones, key=lambda m: (m.owner or "", m.when.start, m.id))
    flagged = {sid for c in conflicts if c.severity is not Severity.INFO for sid in c.subject_ids}
    labels = [_wrap(milestone_label(plan, m, lang)) for m in milestones]
    lines = sum(label.count("\n") + 1 for label in labels)
    fig, ax = plt.subplots(figsize=(12, max(2.5, 0.22 * lines + 0.12 * len(labels) + 1.2)))
    for i, m in enumerate(milestones):
        fuzzy = m.when.precision is not Precision.DAY or m.when.approximate
        width = max(1, (m.when.end + timedelta(days=1) - m.when.start).days)
        ax.barh(
            i,
            width,
            left=m.when.start,
            height=0.6,
            color="#bfdbfe" if fuzzy else "#2563eb",
            edgecolor="#dc2626" if m.id in flagged else "#1e3a8a",
            linewidth=2 if m.id in flagged else 0.8,
            linestyle="--" if fuzzy else "-",
        )
    ax.set_yticks(range(len(milestones)), labels, fontsize=8)
    if milestones:
        first = min(m.when.start for m in milestones)
        last = max(m.when.end for m in milestones)
        pad = timedelta(days=max(7, (last - first).days // 40))
        ax.set_xlim(first - pad, last + pad if last < date(9999, 1, 1) else last)
    ax.invert_yaxis()
    ax.grid(axis="x", alpha=0.3)
    ax.set_title(text("report.chart.schedule", lang))
    _date_axis(ax, lang)
    fig.autofmt_xdate()
    fig.tight_layout()
    return _png(fig, plt)


def calibration_png(
    result: Backtest, methods: Sequence[str] | None = None, *, lang: Lang = "en"
) -> bytes:
    """Empirical interval coverage per window and method, against the nominal level."""
    plt = _pyplot()
    names = list(methods or dict.fromkeys(s.method for s in result.scores))
    windows = sorted({s.window for s in result.scores if s.window is not None})
    fig, ax = plt.subplots(figsize=(10, 4))
    width = 0.8 / max(1, len(names))
    for i, name in enumerate(names):
        xs = [j + i * width for j in range(len(windows))]
        ys = [result.score(name, w).coverage for w in windows]
        shown = name if lang == "en" else method_name(name, lang) or name
        ax.bar(xs, ys, width=width, label=shown)
    ax.axhline(
        result.level,
        color="#111827",
        linestyle="--",
        label=text("report.chart.nominal", lang, level=format_level(result.level)),
    )
    ax.set_xticks(
        [j + width * (len(names) - 1) / 2 for j in range(len(windows))],
        [
            text(
                "report.accuracy.window_span",
                lang,
                origin=w.origin.isoformat() if lang == "en" else format_day(w.origin, lang),
                horizon=w.horizon.isoformat() if lang == "en" else format_day(w.horizon, lang),
            )
            .replace(" → ", "\n→ ")
            .replace("～", "\n～")
            for w in windows
        ],
        fontsize=7,
    )
    ax.set_ylim(0, 1)
    ax.set_ylabel(text("report.chart.coverage", lang))
    ax.set_title(text("report.chart.calibration", lang))
    ax.legend(fontsize=7, ncol=3)
    return _png(fig, plt)
