"""The committee's KPI progress table (KPI（重要業績指標）の達成状況) as data.

Cells are written as the committee writes them: "100% ／2025（令和7）年度",
"約1.8% ／2020年7月", "交付 27.91% (申請 37.93%) ／2021年3月末", "— (未着手)".

>>> from maebashi_dx.datasets import maebashi_2022
>>> table = progress_table(maebashi_2022())
>>> table.rows[1].cells["baseline"]
'交付 27.91% (申請 37.93%) ／2021年3月末'
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

import attrs

from maebashi_dx.assess import Assessment, KPIRow
from maebashi_dx.dates import FiscalYear, Precision, format_span
from maebashi_dx.model import KPI, KPIKind, Measurement, Plan, Target

__all__ = [
    "Column",
    "Row",
    "Table",
    "circled",
    "format_measurement",
    "format_number",
    "format_target",
    "progress_table",
]

Lang = Literal["ja", "en"]

_COLUMNS = {
    "kpi": ("KPI（重要業績指標）", "KPI"),
    "projects": ("重点事業", "Priority projects"),
    "target": ("目標／年次", "Target / deadline"),
    "baseline": ("策定時（1年目）", "At plan start (year 1)"),
    "current": ("現状（2年目）", "Now (year 2)"),
}
_TITLE = ("KPI（重要業績指標）の達成状況", "KPI progress")
_SEP = {"ja": " ／", "en": " / "}


@attrs.frozen(kw_only=True)
class Column:
    """A column: a stable key and its label in the table's language."""

    key: str
    label: str


@attrs.frozen(kw_only=True)
class Row:
    """One KPI's row: display text per column key, and the raw data behind it."""

    kpi_id: str
    cells: dict[str, str]
    data: dict[str, Any] = attrs.field(factory=dict)


@attrs.frozen(kw_only=True)
class Table:
    """A titled table, ready for any renderer."""

    title: str
    subtitle: str = ""
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    notes: tuple[str, ...] = ()
    lang: Lang = "ja"

    def with_columns(
        self, columns: tuple[Column, ...], values: dict[str, dict[str, str]], data: dict[str, Any]
    ) -> Table:
        """A copy with extra columns; ``values[kpi_id][key]`` is each new cell."""
        rows = tuple(
            attrs.evolve(
                row,
                cells={**row.cells, **values.get(row.kpi_id, {})},
                data={**row.data, **data.get(row.kpi_id, {})},
            )
            for row in self.rows
        )
        return attrs.evolve(self, columns=self.columns + columns, rows=rows)


def circled(n: int) -> str:
    """①..⑳ for 1..20, as the committee numbers its KPIs; "(n)" beyond."""
    return chr(0x2460 + n - 1) if 1 <= n <= 20 else f"({n})"


def format_number(value: float) -> str:
    """A figure as reported: no trailing ".0", the shortest exact decimal otherwise.

    >>> format_number(100.0), format_number(27.91), format_number(1.8)
    ('100', '27.91', '1.8')
    """
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def _deadline_text(target: Target, lang: Lang) -> str:
    deadline = target.deadline
    if deadline.precision is Precision.FISCAL_YEAR and deadline.days <= 366:
        return FiscalYear.of(deadline.start).label(lang)
    return format_span(deadline, lang=lang, era=lang == "ja")


def format_target(kpi: KPI, lang: Lang = "ja") -> str:
    """The 目標／年次 cell: "100% ／2025（令和7）年度" or "フルデジタル化実現 ／…"."""
    target = kpi.target
    if kpi.kind is KPIKind.STAGED:
        label = target.label_en if lang == "en" and target.label_en else target.label
        what = label or _stage_label(kpi, str(target.value), lang)
    else:
        assert isinstance(target.value, float)
        what = f"{format_number(target.value)}{kpi.unit}"
    return f"{what}{_SEP[lang]}{_deadline_text(target, lang)}"


def _stage_label(kpi: KPI, stage_id: str, lang: Lang) -> str:
    stage = kpi.stage(stage_id)
    return stage.label_en if lang == "en" and stage.label_en else stage.label


def _quantity(kpi: KPI, m: Measurement, lang: Lang) -> str:
    assert isinstance(m.value, float)
    about = ("約" if lang == "ja" else "about ") if m.approximate else ""
    shown = format_number(m.value) if kpi.decimals is None else f"{m.value:.{kpi.decimals}f}"
    return f"{about}{shown}{kpi.unit}"


def format_measurement(kpi: KPI, m: Measurement | None, lang: Lang = "ja") -> str:
    """A 策定時 or 現状 cell, with secondary series of the same date in parentheses."""
    if m is None:
        return "—"
    if kpi.kind is KPIKind.STAGED:
        stage = kpi.stage(str(m.value))
        text = m.label if m.label and lang == "ja" else _stage_label(kpi, stage.id, lang)
        return text if stage.tangible else f"— ({text})"
    main = _quantity(kpi, m, lang)
    label = kpi.series_label(None, lang)
    if label:
        main = f"{label} {main}"
    extras = []
    for series in kpi.series:
        same_day = [x for x in kpi.series_of(series.id) if x.as_of == m.as_of]
        if same_day:
            slabel = kpi.series_label(series.id, lang)
            extras.append(f"{slabel} {_quantity(kpi, same_day[-1], lang)}")
    if extras:
        main = f"{main} ({', '.join(extras)})"
    return f"{main}{_SEP[lang]}{format_span(m.when, lang=lang)}"


def _projects_text(plan: Plan, kpi: KPI, lang: Lang) -> str:
    parts = []
    for project in plan.projects_of(kpi.id):
        name = project.name_en if lang == "en" and project.name_en else project.name
        parts.append(f"{project.number} {name}" if project.number is not None else name)
    return " / ".join(parts)


def _measurement_data(m: Measurement | None) -> dict[str, Any] | None:
    if m is None:
        return None
    return {
        "value": m.value,
        "date": m.as_of.isoformat(),
        "period": [m.when.start.isoformat(), m.when.end.isoformat()],
        "approximate": m.approximate,
    }


def progress_table(
    plan: Plan,
    *,
    as_of: date | None = None,
    lang: Lang = "ja",
    assessment: Assessment | None = None,
) -> Table:
    """Build the committee's KPI progress table.

    Args:
        plan: The plan.
        as_of: The day the 現状 column stands as of; the plan's report date by default,
            else every measurement.
        lang: "ja" (the committee's labels) or "en".
        assessment: When given, the table gains the computed columns 達成率, 経過率,
            期限時点の予測値 and 状況 (and 評価 when the assessment used a grade scale).
    """
    as_of = as_of or plan.report_date
    index = 0 if lang == "ja" else 1
    columns = tuple(Column(key=k, label=v[index]) for k, v in _COLUMNS.items())
    rows = []
    for n, kpi in enumerate(plan.kpis, start=1):
        name = kpi.name_en if lang == "en" and kpi.name_en else kpi.name
        current = kpi.latest(as_of)
        if current is kpi.baseline:
            current = None
        rows.append(
            Row(
                kpi_id=kpi.id,
                cells={
                    "kpi": f"{circled(n)}{name}",
                    "projects": _projects_text(plan, kpi, lang),
                    "target": format_target(kpi, lang),
                    "baseline": format_measurement(kpi, kpi.baseline, lang),
                    "current": format_measurement(kpi, current, lang),
                },
                data={
                    "kpi_id": kpi.id,
                    "name": kpi.name,
                    "name_en": kpi.name_en,
                    "kind": kpi.kind.value,
                    "unit": kpi.unit,
                    "project_ids": [p.id for p in plan.projects_of(kpi.id)],
                    "target": {"value": kpi.target.value, "deadline": kpi.target.due.isoformat()},
                    "baseline": _measurement_data(kpi.baseline),
                    "current": _measurement_data(current),
                },
            )
        )
    plan_name = plan.name_en if lang == "en" and plan.name_en else plan.name
    if as_of is None:
        subtitle = plan_name
    elif lang == "ja":
        subtitle = f"{plan_name}　{as_of.year}年{as_of.month}月{as_of.day}日現在"
    else:
        subtitle = f"{plan_name}, as of {as_of.isoformat()}"
    table = Table(
        title=_TITLE[index], subtitle=subtitle, columns=columns, rows=tuple(rows), lang=lang
    )
    if assessment is not None:
        table = _with_assessment(table, plan, assessment, lang)
    return table


_COMPUTED = {
    "achievement": ("達成率", "Achievement"),
    "elapsed": ("経過率", "Elapsed"),
    "forecast": ("期限時点の予測値", "Forecast at deadline"),
    "status": ("状況", "Status"),
    "grade": ("評価", "Grade"),
}


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _forecast_cell(kpi: KPI, row: KPIRow, lang: Lang) -> str:
    fc = row.forecast
    if kpi.kind is KPIKind.STAGED or fc.value is None or fc.interval is None:
        return "—"
    low, high = fc.interval
    return (
        f"{fc.value:.1f}{kpi.unit} ({fc.level:.0%}: {low:.1f}–{high:.1f})"
        if lang == "en"
        else f"{fc.value:.1f}{kpi.unit}（{fc.level:.0%}区間 {low:.1f}～{high:.1f}）"
    )


def _with_assessment(table: Table, plan: Plan, assessment: Assessment, lang: Lang) -> Table:
    index = 0 if lang == "ja" else 1
    keys = ["achievement", "elapsed", "forecast", "status"]
    if assessment.scale is not None:
        keys.append("grade")
    columns = tuple(Column(key=k, label=_COMPUTED[k][index]) for k in keys)
    values: dict[str, dict[str, str]] = {}
    data: dict[str, dict[str, Any]] = {}
    for row in assessment.rows:
        kpi = plan.kpi(row.kpi_id)
        grade = row.grade
        cells = {
            "achievement": _percent(row.achievement),
            "elapsed": _percent(row.elapsed),
            "forecast": _forecast_cell(kpi, row, lang),
            "status": row.status.label(lang),
        }
        if assessment.scale is not None:
            cells["grade"] = grade.code if grade is not None else "—"
        values[row.kpi_id] = cells
        fc = row.forecast
        data[row.kpi_id] = {
            "as_of": assessment.as_of.isoformat(),
            "achievement": row.achievement,
            "elapsed": row.elapsed,
            "expected": row.expected,
            "status": row.status.value,
            "grade": grade.code if grade is not None else None,
            "stale": row.stale,
            "forecast": {
                "method": fc.method,
                "value": fc.value,
                "interval": list(fc.interval) if fc.interval else None,
                "level": fc.level,
                "attainment_date": fc.attainment_date.isoformat() if fc.attainment_date else None,
                "observed_pace": fc.observed_pace,
                "required_pace": fc.required_pace,
                "note": fc.note or None,
            },
        }
    return table.with_columns(columns, values, data)
