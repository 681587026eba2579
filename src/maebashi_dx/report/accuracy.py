"""A backtest's scores as a table (text, Markdown, CSV, JSON, HTML through ``render``)."""

from __future__ import annotations

from collections.abc import Sequence

from maebashi_dx.backtest import CALIBRATED_SUFFIX, Agreement, Backtest, Reliability, Window
from maebashi_dx.i18n import text
from maebashi_dx.report.fmt import Lang, format_day, format_level, method_name
from maebashi_dx.report.table import Column, Row, Table

__all__ = ["agreement_table", "brier_table", "reliability_table", "scores_table"]


def _f(value: float, digits: int = 2) -> str:
    return "—" if value != value else f"{value:.{digits}f}"  # NaN: nothing to score


def _share(value: float) -> str:
    return "—" if value != value else f"{value:.1%}"


def _window(window: Window | None, lang: Lang) -> str:
    """A window as "2021-04-01 → 2022-04-01" (en, as the benchmark prints it) or
    "2021年4月1日～2022年4月1日"; None as "all windows"."""
    if window is None:
        return text("report.accuracy.all_windows", lang)
    if lang == "en":
        return window.label
    origin, horizon = format_day(window.origin, lang), format_day(window.horizon, lang)
    return text("report.accuracy.window_span", lang, origin=origin, horizon=horizon)


def _row_id(method: str, window: Window | None, *more: object) -> str:
    """A row's id: method@window (or @all)[@more...]."""
    return "@".join([method, window.label if window else "all", *map(str, more)])


def _method(method: str, lang: Lang) -> str:
    """The method's registered name (en, as typed on the command line) or its Japanese
    name with the registered name beside it in code font."""
    if lang == "en":
        return method
    if method.endswith(CALIBRATED_SUFFIX):
        own = _method(method.removesuffix(CALIBRATED_SUFFIX), lang)
        return text("report.accuracy.calibrated", lang, method=own)
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
        ("window", "method", "n", "mae", "median", "bias", "coverage", "width"),
        lang,
        level=format_level(result.level),
    )
    rows = []
    for s in (*result.scores, *result.overall):
        rows.append(
            Row(
                kpi_id=_row_id(s.method, s.window),
                cells={
                    "window": _window(s.window, lang),
                    "method": _method(s.method, lang),
                    "n": f"{s.n:,}",
                    "mae": _f(s.mae),
                    "median": _f(s.median_ae),
                    "bias": _f(s.bias),
                    "coverage": _f(s.coverage * 100, 0) + "%" if s.coverage == s.coverage else "—",
                    "width": _f(s.width),
                },
                data={
                    "mae": s.mae,
                    "median_ae": s.median_ae,
                    "bias": s.bias,
                    "coverage": s.coverage,
                    "width": s.width,
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


def _target(target: float | None, lang: Lang) -> str:
    return text("report.accuracy.all_targets", lang) if target is None else f"{target:g}%"


def brier_table(reliabilities: Sequence[Reliability], lang: Lang = "en") -> Table:
    """The Brier score of the chance of meeting each target, beside that of the yes/no
    verdict of the point forecast (1 − the status agreement), per method and window."""
    columns = _columns(("window", "method", "target", "n", "brier", "verdict_brier"), lang)
    rows = tuple(
        Row(
            kpi_id=_row_id(r.method, r.window, r.target),
            cells={
                "window": _window(r.window, lang),
                "method": _method(r.method, lang),
                "target": _target(r.target, lang),
                "n": f"{r.n:,}",
                "brier": _f(r.brier, 3),
                "verdict_brier": _f(r.verdict_brier, 3),
            },
            data={"brier": r.brier, "verdict_brier": r.verdict_brier},
        )
        for r in reliabilities
    )
    title = text("report.accuracy.brier_title", lang)
    return Table(title=title, columns=columns, rows=rows, lang=lang)


def reliability_table(reliabilities: Sequence[Reliability], lang: Lang = "en") -> Table:
    """The reliability table: per method and window, each bin of the chance forecast with
    the forecasts in it, their mean chance and the share that met the target."""
    columns = _columns(("window", "method", "bin", "n", "predicted", "observed", "gap"), lang)
    rows = []
    for r in reliabilities:
        for b in r.bins:
            rows.append(
                Row(
                    kpi_id=_row_id(r.method, r.window, f"{b.low:g}"),
                    cells={
                        "window": _window(r.window, lang),
                        "method": _method(r.method, lang),
                        "bin": f"{b.low:.0%}–{b.high:.0%}",
                        "n": f"{b.n:,}",
                        "predicted": _share(b.predicted),
                        "observed": _share(b.observed),
                        "gap": f"{(b.observed - b.predicted) * 100:+.1f}",
                    },
                    data={"n": b.n, "predicted": b.predicted, "observed": b.observed},
                )
            )
    title = text("report.accuracy.reliability_title", lang)
    return Table(title=title, columns=columns, rows=tuple(rows), lang=lang)
