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
from maebashi_dx.dates import format_span
from maebashi_dx.i18n import localized, text
from maebashi_dx.model import KPI, KPIKind, Measurement, Plan
from maebashi_dx.report.fmt import (
    clip_to_bounds,
    format_chance,
    format_computed,
    format_day,
    format_level,
    format_number,
    format_percent,
    format_value,
    plan_name,
    plan_year,
    plan_years,
)

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


def format_target(kpi: KPI, lang: Lang = "ja") -> str:
    """The 目標／年次 cell: "100% ／2025（令和7）年度" or "フルデジタル化実現 ／…".

    The deadline is written by :func:`~maebashi_dx.dates.format_span` with era names in
    Japanese, so every deadline in every output reads the same way.
    """
    target = kpi.target
    if kpi.kind is KPIKind.STAGED:
        label = localized(target.label, target.label_en, lang)
        what = label or _stage_label(kpi, str(target.value), lang)
    else:
        assert isinstance(target.value, float)
        what = format_value(target.value, kpi.unit, decimals=kpi.decimals)
    deadline = format_span(target.deadline, lang=lang, era=lang == "ja")
    return f"{what}{text('report.table.separator', lang)}{deadline}"


def _stage_label(kpi: KPI, stage_id: str, lang: Lang) -> str:
    stage = kpi.stage(stage_id)
    return localized(stage.label, stage.label_en, lang)


def _quantity(kpi: KPI, m: Measurement, lang: Lang) -> str:
    assert isinstance(m.value, float)
    shown = format_value(m.value, kpi.unit, decimals=kpi.decimals)
    return text("report.table.about", lang, value=shown) if m.approximate else shown


def format_measurement(kpi: KPI, m: Measurement | None, lang: Lang = "ja") -> str:
    """A 策定時 or 現状 cell, with secondary series of the same date in parentheses."""
    if m is None:
        return "—"
    if kpi.kind is KPIKind.STAGED:
        stage = kpi.stage(str(m.value))
        label = m.label if m.label and lang == "ja" else _stage_label(kpi, stage.id, lang)
        return label if stage.tangible else text("report.table.intangible", lang, stage=label)
    main = _quantity(kpi, m, lang)
    own = kpi.series_label(None, lang)
    if own:
        main = f"{own} {main}"
    extras = []
    for series in kpi.series:
        same_day = [x for x in kpi.series_of(series.id) if x.as_of == m.as_of]
        if same_day:
            slabel = kpi.series_label(series.id, lang)
            extras.append(f"{slabel} {_quantity(kpi, same_day[-1], lang)}")
    if extras:
        joined = text("report.table.series_separator", lang).join(extras)
        main = text("report.table.with_series", lang, main=main, extras=joined)
    return f"{main}{text('report.table.separator', lang)}{format_span(m.when, lang=lang)}"


def _projects_text(plan: Plan, kpi: KPI, lang: Lang) -> str:
    parts = []
    for project in plan.projects_of(kpi.id):
        name = localized(project.name, project.name_en, lang)
        parts.append(f"{project.number} {name}" if project.number is not None else name)
    return text("report.table.project_separator", lang).join(parts)


def _measurement_data(m: Measurement | None) -> dict[str, Any] | None:
    if m is None:
        return None
    return {
        "value": m.value,
        "date": m.as_of.isoformat(),
        "period": [m.when.start.isoformat(), m.when.end.isoformat()],
        "approximate": m.approximate,
    }


def current_label(plan: Plan, as_of: date | None, lang: Lang = "ja") -> str:
    """The 現状 column's label, with the plan year ``as_of`` falls in: 現状（2年目）.

    >>> from maebashi_dx.datasets import maebashi_2022
    >>> current_label(maebashi_2022(), date(2023, 9, 30))
    '現状（3年目）'
    """
    if as_of is None:
        return text("report.table.columns.current_undated", lang)
    year = plan_year(plan, as_of)
    if year < 1:
        return text("report.table.columns.current_before", lang)
    if year > plan_years(plan):
        return text("report.table.columns.current_after", lang)
    return text("report.table.columns.current", lang, year=year)


def _columns(plan: Plan, as_of: date | None, lang: Lang) -> tuple[Column, ...]:
    def column(key: str) -> Column:
        return Column(key=key, label=text(f"report.table.columns.{key}", lang))

    # 策定時 is the plan's start: year 1 by the plan's own count.
    first = plan_year(plan, plan.period.start)
    return (
        column("kpi"),
        column("projects"),
        column("target"),
        Column(key="baseline", label=text("report.table.columns.baseline", lang, year=first)),
        Column(key="current", label=current_label(plan, as_of, lang)),
    )


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
            else every measurement. Its label names the plan year: 現状（2年目）.
        lang: "ja" (the committee's labels) or "en".
        assessment: When given, the table gains the computed columns 達成率, 経過率,
            期限時点の予測値 and 状況 (and 評価 when the assessment used a grade scale).
    """
    as_of = as_of or plan.report_date
    rows = []
    for n, kpi in enumerate(plan.kpis, start=1):
        name = localized(kpi.name, kpi.name_en, lang)
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
    name = plan_name(plan, lang)
    subtitle = (
        name
        if as_of is None
        else text("report.table.subtitle", lang, plan=name, date=format_day(as_of, lang))
    )
    table = Table(
        title=text("report.table.title", lang),
        subtitle=subtitle,
        columns=_columns(plan, as_of, lang),
        rows=tuple(rows),
        lang=lang,
    )
    if assessment is not None:
        table = _with_assessment(table, plan, assessment, lang)
    return table


def forecast_text(kpi: KPI, row: KPIRow, lang: Lang) -> str:
    """期限時点の予測値: the value and its interval, clipped to the KPI's bounds
    (a share of residents is never shown above 100%); for a staged KPI the stage the
    forecast reaches and the stages its interval spans; or "—". A calibrated forecast
    adds its chance of meeting the target (達成見込み 72%)."""
    fc = row.forecast
    if fc.value is None or fc.interval is None:
        return "—"
    if kpi.kind is KPIKind.STAGED:
        value, low, high = (
            _stage_label(kpi, kpi.stage_at(x).id, lang) for x in (fc.value, *fc.interval)
        )
    else:
        value = format_computed(clip_to_bounds(fc.value, fc.value, kpi.bounds)[0], kpi.unit)
        low, high = (
            format_number(x, kpi.unit, decimals=1) for x in clip_to_bounds(*fc.interval, kpi.bounds)
        )
    cell = text(
        "report.table.forecast_cell",
        lang,
        value=value,
        level=format_level(fc.level),
        low=low,
        high=high,
    )
    if fc.probability is None:  # not calibrated: no chance is claimed
        return cell
    chance = text("report.table.chance", lang, chance=format_chance(fc.probability, lang))
    return text("report.table.forecast_with_chance", lang, forecast=cell, chance=chance)


def _with_assessment(table: Table, plan: Plan, assessment: Assessment, lang: Lang) -> Table:
    keys = ["achievement", "elapsed", "forecast", "status"]
    if assessment.scale is not None:
        keys.append("grade")
    columns = tuple(Column(key=k, label=text(f"report.table.columns.{k}", lang)) for k in keys)
    values: dict[str, dict[str, str]] = {}
    data: dict[str, dict[str, Any]] = {}
    for row in assessment.rows:
        kpi = plan.kpi(row.kpi_id)
        grade = row.grade
        cells = {
            "achievement": format_percent(row.achievement),
            "elapsed": format_percent(row.elapsed),
            "forecast": forecast_text(kpi, row, lang),
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
                "probability": fc.probability,
            },
        }
    return table.with_columns(columns, values, data)
