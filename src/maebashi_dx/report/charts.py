"""PNG charts for slides and documents, drawn with matplotlib (the ``charts`` extra).

Japanese text uses the IPAex Gothic font that the ``matplotlib-fontja`` package ships,
so a chart looks the same on every machine and never depends on the system's fonts.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from maebashi_dx.assess import KPIRow
from maebashi_dx.backtest import Backtest
from maebashi_dx.conflicts import Conflict, Severity
from maebashi_dx.dates import Precision
from maebashi_dx.errors import MissingDependencyError
from maebashi_dx.model import KPI, Plan

__all__ = ["calibration_png", "gantt_png", "kpi_chart_png"]


def _pyplot() -> Any:
    try:
        import matplotlib  # optional extra, imported on use

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        import matplotlib_fontja  # noqa: F401  # registers IPAexGothic
    except ImportError:
        raise MissingDependencyError("matplotlib and matplotlib-fontja", "charts") from None
    return plt


def _png(fig: Any, plt: Any) -> bytes:
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=150, bbox_inches="tight")
    plt.close(fig)
    return out.getvalue()


def kpi_chart_png(kpi: KPI, row: KPIRow, *, lang: str = "ja") -> bytes:
    """A KPI's measurements, target, deadline, forecast and interval, as PNG bytes."""
    plt = _pyplot()
    en = lang == "en"
    fc = row.forecast
    days, values = kpi.numbers(fc.as_of)
    fig, ax = plt.subplots(figsize=(8, 4))
    if days:
        ax.plot(days, values, marker="o", color="#111827", label="measured" if en else "実績")
        if fc.value is not None and fc.interval is not None:
            ax.plot(
                [days[-1], fc.deadline],
                [values[-1], fc.value],
                linestyle="--",
                color="#2563eb",
                label=f"forecast ({fc.method})" if en else f"予測（{fc.method}）",
            )
            ax.fill(
                [days[-1], fc.deadline, fc.deadline],
                [values[-1], fc.interval[0], fc.interval[1]],
                color="#93c5fd",
                alpha=0.4,
                label=f"{fc.level:.0%} interval" if en else f"{fc.level:.0%}区間",
            )
    if not isinstance(kpi.target.value, str):
        ax.axhline(
            kpi.target.value,
            color="#059669",
            linestyle=":",
            label=("target" if en else "目標") + f" {kpi.target.value:g}{kpi.unit}",
        )
    ax.axvline(kpi.target.due, color="#6b7280", linestyle="-.", label="deadline" if en else "期限")
    ax.set_title(kpi.name_en if en and kpi.name_en else kpi.name)
    ax.set_ylabel(kpi.unit)
    ax.grid(alpha=0.3)
    ax.legend(loc="best", fontsize=8)
    fig.autofmt_xdate()
    return _png(fig, plt)


def gantt_png(plan: Plan, conflicts: Sequence[Conflict], *, lang: str = "ja") -> bytes:
    """The milestones as a Gantt chart, conflicts in red, as PNG bytes."""
    plt = _pyplot()
    en = lang == "en"
    milestones = sorted(plan.milestones, key=lambda m: (m.owner or "", m.when.start, m.id))
    flagged = {sid for c in conflicts if c.severity is not Severity.INFO for sid in c.subject_ids}
    fig, ax = plt.subplots(figsize=(11, max(2.5, 0.32 * len(milestones) + 1)))
    for i, m in enumerate(milestones):
        fuzzy = m.when.precision is not Precision.DAY or m.when.approximate
        width = (m.when.end + timedelta(days=1) - m.when.start).days
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
    labels = [
        (f"[{m.owner}] " if m.owner else "") + (m.title_en if en and m.title_en else m.title)
        for m in milestones
    ]
    ax.set_yticks(range(len(milestones)), [t[:28] for t in labels], fontsize=8)
    ax.invert_yaxis()
    ax.grid(axis="x", alpha=0.3)
    ax.set_title("Schedule" if en else "スケジュール")
    fig.autofmt_xdate()
    return _png(fig, plt)


def calibration_png(result: Backtest, methods: Sequence[str] | None = None) -> bytes:
    """Empirical interval coverage per window and method, against the nominal level."""
    plt = _pyplot()
    names = list(methods or dict.fromkeys(s.method for s in result.scores))
    windows = sorted({s.window for s in result.scores if s.window is not None})
    fig, ax = plt.subplots(figsize=(10, 4))
    width = 0.8 / max(1, len(names))
    for i, name in enumerate(names):
        xs = [j + i * width for j in range(len(windows))]
        ys = [result.score(name, w).coverage for w in windows]
        ax.bar(xs, ys, width=width, label=name)
    ax.axhline(result.level, color="#111827", linestyle="--", label=f"nominal {result.level:.0%}")
    ax.set_xticks(
        [j + width * (len(names) - 1) / 2 for j in range(len(windows))],
        [w.label.replace(" → ", "\n→ ") for w in windows],
        fontsize=7,
    )
    ax.set_ylim(0, 1)
    ax.set_ylabel("coverage")
    ax.set_title("Interval coverage by window")
    ax.legend(fontsize=7, ncol=3)
    return _png(fig, plt)
