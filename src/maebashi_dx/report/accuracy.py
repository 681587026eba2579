"""A backtest's scores as a table (text, Markdown, CSV, JSON, HTML through ``render``)."""

from __future__ import annotations

from collections.abc import Sequence

from maebashi_dx.backtest import Agreement, Backtest, Window
from maebashi_dx.i18n import text
from maebashi_dx.report.fmt import Lang, format_day, format_level, method_name
from maebashi_dx.report.table import Column, Row, Table

__all__ = ["agreement_table", "scores_table"]


def _f(value: float, digits: int = 2) -> str:
    return "—" if value != value else f"{value:.{digits}f}"  # NaN: nothing to score


def _share(value: float) -> str:
    return "—" if value != value else f"{value:.1%}"


def _window(window: Window, lang: Lang) -> str:
    """A window as "2021-04-01 → 2022-04-01" (en, as the benchmark prints it) or
    "2021年4月1日～2022年4月1日"."""
    if lang == "en":
        return window.label
    origin, horizon = format_day(window.origin, lang), format_day(window.horizon, lang)
    return text("report.accuracy.window_span", lang, origin=origin, horizon=horizon)


def _method(method: str, lang: Lang) -> str:
    """The method's registered name (en, as typed on the command line) or its Japanese
    name with the registered name beside it in code font."""
    if lang == "en":
        return method
    display = method_name(method, lang)
    code = f"`{method}`"
    return text("report.document.named", lang, name=display, code=code) if display else code


def _columns(keys: Sequence[str], lang: Lang, **fields: str) -> tuple[Column, ...]:
    """Columns labelled from the catalogue (``fields`` fill the labels that have them)."""
    return tuple(Column(key=k, label=text(f"report.accuracy.{k}", lang, **fields)) for k in keys)


def scores_table(result: Backtest, lang: Lang = "en") -> Table:
    """MAE, median error, bias and interval coverage for every method and window, then
    every method over all windows."""
    columns = _columns(
        ("window", "method", "n", "mae", "median", "bias", "coverage"),
        lang,
        level=format_level(result.level),
    )
    rows = []
    for s in (*result.scores, *result.overall):
        label = _window(s.window, lang) if s.window else text("report.accuracy.all_windows", lang)
        rows.append(
            Row(
                kpi_id=f"{s.method}@{s.window.label if s.window else 'all'}",
                cells={
                    "window": label,
                    "method": _method(s.method, lang),
                    "n": f"{s.n:,}",
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
    return Table(
        title=text("report.accuracy.title", lang), columns=columns, rows=tuple(rows), lang=lang
    )


def agreement_table(agreements: Sequence[Agreement], lang: Lang = "en") -> Table:
    """How often the verdict at the origin matched the outcome, per method, window, target."""
    columns = _columns(
        ("window", "method", "target", "agree", "met", "false_alarms", "missed_warnings"), lang
    )
    rows = tuple(
        Row(
            kpi_id=f"{a.method}@{a.window.label}@{a.target:g}",
            cells={
                "window": _window(a.window, lang),
                "method": _method(a.method, lang),
                "target": f"{a.target:g}%",
                "agree": _share(a.agree),
                "met": _share(a.met),
                "false_alarms": _share(a.false_alarms),
                "missed_warnings": _share(a.missed_warnings),
            },
        )
        for a in agreements
    )
    title = text("report.accuracy.agreement_title", lang)
    return Table(title=title, columns=columns, rows=rows, lang=lang)
