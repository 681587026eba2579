"""A backtest's scores as a table (text, Markdown, CSV, JSON, HTML through ``render``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from maebashi_dx.backtest import Agreement, Backtest
from maebashi_dx.report.table import Column, Row, Table

__all__ = ["agreement_table", "scores_table"]


def _f(value: float, digits: int = 2) -> str:
    return "—" if value != value else f"{value:.{digits}f}"  # NaN: nothing to score


def scores_table(result: Backtest, lang: Literal["ja", "en"] = "en") -> Table:
    """MAE, median error, bias and interval coverage for every method and window, then
    every method over all windows."""
    ja = lang == "ja"
    columns = (
        Column(key="window", label="期間" if ja else "window"),
        Column(key="method", label="手法" if ja else "method"),
        Column(key="n", label="件数" if ja else "n"),
        Column(key="mae", label="平均絶対誤差" if ja else "MAE"),
        Column(key="median", label="絶対誤差の中央値" if ja else "median AE"),
        Column(key="bias", label="偏り" if ja else "bias"),
        Column(
            key="coverage",
            label=f"{result.level:.0%}区間の的中率" if ja else f"{result.level:.0%} coverage",
        ),
    )
    rows = []
    for s in (*result.scores, *result.overall):
        label = s.window.label if s.window else ("全期間" if ja else "all windows")
        rows.append(
            Row(
                kpi_id=f"{s.method}@{label}",
                cells={
                    "window": label,
                    "method": s.method,
                    "n": str(s.n),
                    "mae": _f(s.mae),
                    "median": _f(s.median_ae),
                    "bias": _f(s.bias),
                    "coverage": _f(s.coverage * 100, 0) + "%" if s.coverage == s.coverage else "—",
                },
                data={
                    "mae": s.mae,
                    "median_ae": s.median_ae,
                    "bias": s.bias,
                    "coverage": s.coverage,
                },
            )
        )
    title = "予測精度（ローリング・オリジン評価）" if ja else "Forecast accuracy (rolling origin)"
    return Table(title=title, columns=columns, rows=tuple(rows), lang=lang)


def agreement_table(agreements: Sequence[Agreement], lang: Literal["ja", "en"] = "en") -> Table:
    """How often the verdict at the origin matched the outcome, per method, window, target."""
    ja = lang == "ja"
    columns = (
        Column(key="window", label="期間" if ja else "window"),
        Column(key="method", label="手法" if ja else "method"),
        Column(key="target", label="目標" if ja else "target"),
        Column(key="agree", label="一致率" if ja else "agree"),
        Column(key="met", label="実際に達成" if ja else "met"),
        Column(key="false_alarms", label="過小評価" if ja else "false alarms"),
        Column(key="missed_warnings", label="過大評価" if ja else "missed warnings"),
    )
    rows = tuple(
        Row(
            kpi_id=f"{a.method}@{a.window.label}@{a.target:g}",
            cells={
                "window": a.window.label,
                "method": a.method,
                "target": f"{a.target:g}%",
                "agree": f"{a.agree:.1%}",
                "met": f"{a.met:.1%}",
                "false_alarms": f"{a.false_alarms:.1%}",
                "missed_warnings": f"{a.missed_warnings:.1%}",
            },
        )
        for a in agreements
    )
    title = "状況判定の一致率" if ja else "Status quality: verdict at the origin vs outcome"
    return Table(title=title, columns=columns, rows=rows, lang=lang)
