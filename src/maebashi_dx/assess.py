"""Assess a whole plan as of a day: one row per KPI, roll-ups, and the sums behind them.

>>> from datetime import date
>>> from maebashi_dx.datasets import maebashi_2022
>>> result = assess(maebashi_2022(), date(2022, 5, 31))
>>> result.row("kpi2").status.ja, result.row("kpi4").status.ja
('遅れ', '順調')
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Literal

import attrs

from maebashi_dx.achievement import numeric, target_number
from maebashi_dx.dates import format_span
from maebashi_dx.errors import CalculationError
from maebashi_dx.forecast import (
    DEFAULT_FORECASTER,
    DEFAULT_POOLED_FORECASTER,
    FORECASTERS,
    Forecast,
    Forecaster,
    Reference,
    run_forecaster,
    series_input,
)
from maebashi_dx.grades import RATING_SCALES, Grade, RatingScale
from maebashi_dx.model import KPI, KPIKind, Measurement, Plan
from maebashi_dx.rollup import MissingPolicy, Rollup
from maebashi_dx.status import (
    DEFAULT_POLICY,
    Metrics,
    Status,
    StatusPolicy,
    classify,
    measure,
    open_sdg_score,
)

__all__ = ["Assessment", "KPIRow", "assess"]

Lang = Literal["ja", "en"]
_MONTH_DAYS = 30.4375


@attrs.frozen(kw_only=True)
class KPIRow:
    """One KPI's assessment.

    Attributes:
        kpi_id: The KPI.
        latest: The newest measurement on or before the day (the baseline if nothing
            newer), or None.
        achievement: 達成率, (latest − baseline) / (target − baseline).
        elapsed: 経過率, the share of the KPI's period gone by.
        expected: The pro-rated value expected by now (a ladder position when staged).
        forecast: The forecast to the deadline.
        status: 状況.
        grade: The grade on the chosen scale, if one was chosen.
        stale: Whether the latest value is older than the KPI's update frequency allows;
            None when the KPI states no frequency.
        days_since_update: Days from the latest value to the day of assessment.
        metrics: Every number the status and grade were decided from.
    """

    kpi_id: str
    latest: Measurement | None
    achievement: float | None
    elapsed: float | None
    expected: float | None
    forecast: Forecast
    status: Status
    grade: Grade | None
    stale: bool | None
    days_since_update: int | None
    metrics: Metrics


@attrs.frozen(kw_only=True)
class Assessment:
    """A plan assessed as of a day.

    Attributes:
        plan: The plan.
        as_of: The day.
        policy: The status policy used.
        scale: The rating scale's name, if any.
        rows: One row per KPI, in the plan's order.
        projects: Roll-up per priority project.
        pillars: Roll-up per pillar.
        overall: Roll-up of the whole plan.
    """

    plan: Plan
    as_of: date
    policy: StatusPolicy
    scale: str | None
    rows: tuple[KPIRow, ...]
    projects: tuple[Rollup, ...]
    pillars: tuple[Rollup, ...]
    overall: Rollup

    def row(self, kpi_id: str) -> KPIRow:
        """The row of one KPI; KeyError names a missing id."""
        for row in self.rows:
            if row.kpi_id == kpi_id:
                return row
        msg = f"no KPI {kpi_id!r} in this assessment"
        raise KeyError(msg)

    def explain(self, kpi_id: str, lang: Lang = "ja") -> str:
        """The inputs and every step of the sums for one KPI, to redo by hand."""
        return _explain(self, self.plan.kpi(kpi_id), self.row(kpi_id), lang)


def _stale(kpi: KPI, latest: Measurement | None, as_of: date, policy: StatusPolicy) -> bool | None:
    if kpi.update_frequency is None or latest is None:
        return None
    allowed = policy.stale_after * kpi.update_frequency.months * _MONTH_DAYS
    return (as_of - latest.as_of).days > allowed


def _assess_kpi(
    kpi: KPI,
    as_of: date,
    start: date,
    policy: StatusPolicy,
    forecaster: Forecaster,
    scale: RatingScale | None,
    reference: Reference | None = None,
) -> KPIRow:
    fc = run_forecaster(forecaster, series_input(kpi, as_of, reference))
    metrics = measure(kpi, as_of, fc, start=start)
    status = classify(kpi, metrics, policy)
    grade = scale.grade(metrics) if scale is not None else None
    latest = kpi.latest(as_of)
    expected = None
    if kpi.baseline is not None and metrics.elapsed is not None:
        base = numeric(kpi, kpi.baseline)
        expected = base + metrics.elapsed * (target_number(kpi) - base)
    return KPIRow(
        kpi_id=kpi.id,
        latest=latest,
        achievement=metrics.achievement,
        elapsed=metrics.elapsed,
        expected=expected,
        forecast=fc,
        status=status,
        grade=grade,
        stale=_stale(kpi, latest, as_of, policy),
        days_since_update=(as_of - latest.as_of).days if latest is not None else None,
        metrics=metrics,
    )


def assess(
    plan: Plan,
    as_of: date,
    *,
    method: str | None = None,
    policy: StatusPolicy | None = None,
    scale: str | None = None,
    missing: MissingPolicy = "skip",
    clamp: bool = True,
    references: Mapping[str, Reference] | None = None,
) -> Assessment:
    """Assess every KPI of a plan as of a day, and roll the results up.

    Args:
        plan: The plan.
        as_of: The day; no measurement after it is used.
        method: The forecaster (overrides ``policy.method``).
        policy: Status thresholds; :data:`~maebashi_dx.status.DEFAULT_POLICY` if None.
        scale: A rating scale's name (``"nagayo"``, ``"tama"``...), to grade each KPI.
        missing: How roll-ups treat KPIs without an achievement ("skip", "zero",
            "propagate"; see :mod:`maebashi_dx.rollup`).
        clamp: Roll up achievements limited to 0..1, so one KPI far past its target
            cannot hide another's shortfall.
        references: Series to pool toward, by KPI id (e.g. the prefecture's rate for a
            city's KPI). Without a named method, those KPIs use ``pooled``.

    Raises:
        UnknownPluginError: ``method`` or ``scale`` is not registered.
        CalculationError: ``references`` names a KPI the plan does not have.
    """
    policy = policy or DEFAULT_POLICY
    if method is not None:
        policy = attrs.evolve(policy, method=method)
    references = references or {}
    unknown = sorted(set(references) - {kpi.id for kpi in plan.kpis})
    if unknown:
        msg = f"references name KPIs the plan {plan.id!r} does not have: {', '.join(unknown)}"
        raise CalculationError(msg)
    # Look the plugins up once, and fail early with the list of names. A KPI with a
    # reference is pooled toward it, unless a method is named.
    forecaster = FORECASTERS.get(policy.method or DEFAULT_FORECASTER)
    by_kpi: dict[str, Forecaster] = {}
    if references:
        by_kpi = dict.fromkeys(
            references, FORECASTERS.get(policy.method or DEFAULT_POOLED_FORECASTER)
        )
    rating = RATING_SCALES.get(scale) if scale is not None else None
    start = plan.period.start
    rows = tuple(
        _assess_kpi(
            kpi,
            as_of,
            start,
            policy,
            by_kpi.get(kpi.id, forecaster),
            rating,
            references.get(kpi.id),
        )
        for kpi in plan.kpis
    )
    by_id = {row.kpi_id: row for row in rows}
    weights = {kpi.id: kpi.weight for kpi in plan.kpis}

    def value(row: KPIRow) -> float | None:
        a = row.achievement
        if a is None or not clamp:
            return a
        return min(1.0, max(0.0, a))

    projects = tuple(
        Rollup.of(
            "project",
            p.id,
            p.name,
            p.name_en,
            [(k, value(by_id[k]), weights[k], by_id[k].status) for k in p.kpi_ids],
            missing,
        )
        for p in plan.projects
    )
    by_project = {r.id: r for r in projects}
    project_weight = {p.id: p.weight for p in plan.projects}
    pillars = tuple(
        Rollup.of(
            "pillar",
            pillar.id,
            pillar.name,
            pillar.name_en,
            [
                (p.id, by_project[p.id].value, project_weight[p.id], by_project[p.id].status)
                for p in pillar.projects
            ],
            missing,
        )
        for pillar in plan.pillars
    )
    overall = Rollup.of(
        "plan",
        plan.id,
        plan.name,
        plan.name_en,
        [(r.id, r.value, 1.0, r.status) for r in pillars],
        missing,
    )
    return Assessment(
        plan=plan,
        as_of=as_of,
        policy=policy,
        scale=scale,
        rows=rows,
        projects=projects,
        pillars=pillars,
        overall=overall,
    )


# ---------------------------------------------------------------------------- explain


def _num(value: float | None, digits: int = 2) -> str:
    if value is None:
        return "—"
    text = f"{value:.{digits}f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _value_text(kpi: KPI, m: Measurement, lang: Lang) -> str:
    if kpi.kind is KPIKind.STAGED:
        stage = kpi.stage(str(m.value))
        label = stage.label_en if lang == "en" and stage.label_en else stage.label
        return f"{label} (#{kpi.stage_index(stage.id)})"
    assert isinstance(m.value, float)
    about = ("約" if lang == "ja" else "about ") if m.approximate else ""
    return f"{about}{_num(m.value, 4)}{kpi.unit}"


_WORDS = {
    "inputs": ("入力", "Inputs"),
    "baseline": ("策定時（基準値）", "baseline"),
    "latest": ("最新値", "latest"),
    "target": ("目標", "target"),
    "by": ("期限", "by"),
    "achievement": ("達成率", "Achievement"),
    "elapsed": ("経過率", "Elapsed"),
    "expected": ("按分した期待値", "Pro-rated expectation"),
    "forecast": ("期限時点の予測値", "Forecast at the deadline"),
    "pace": ("ペース（年あたり）", "Pace per year"),
    "observed": ("実績", "observed"),
    "required": ("必要", "required"),
    "attain": ("目標到達見込み日", "Projected attainment"),
    "never": ("到達しない見込み", "not reached on this trend"),
    "status": ("状況", "Status"),
    "grade": ("評価", "Grade"),
    "stale": ("更新", "Freshness"),
    "days": ("日", "days"),
    "none": ("なし", "none"),
}


def _w(key: str, lang: Lang) -> str:
    ja, en = _WORDS[key]
    return en if lang == "en" else ja


def _explain(a: Assessment, kpi: KPI, row: KPIRow, lang: Lang) -> str:
    name = kpi.name_en if lang == "en" and kpi.name_en else kpi.name
    lines = [f"{name} ({kpi.id}) — as of {a.as_of.isoformat()}"]
    lines.append(f"{_w('inputs', lang)}:")
    base = kpi.baseline
    if base is not None:
        lines.append(
            f"  {_w('baseline', lang)}: {_value_text(kpi, base, lang)} @ {base.as_of} "
            f"({format_span(base.when, lang=lang)})"
        )
    if row.latest is not None and row.latest is not base:
        lines.append(
            f"  {_w('latest', lang)}: {_value_text(kpi, row.latest, lang)} @ {row.latest.as_of} "
            f"({format_span(row.latest.when, lang=lang)})"
        )
    t = kpi.target
    target_text = (
        f"{t.label or kpi.stage(str(t.value)).label} (#{kpi.stage_index(str(t.value))})"
        if kpi.kind is KPIKind.STAGED
        else f"{_num(float(t.value), 4)}{kpi.unit}"
    )
    lines.append(
        f"  {_w('target', lang)}: {target_text}, {_w('by', lang)} {t.due} "
        f"({format_span(t.deadline, lang=lang, era=lang == 'ja')})"
    )
    m = row.metrics
    if base is not None and row.latest is not None:
        b, v, tv = numeric(kpi, base), numeric(kpi, row.latest), target_number(kpi)
        lines.append(f"{_w('achievement', lang)} = (latest − baseline) / (target − baseline)")
        lines.append(
            f"  = ({_num(v, 4)} − {_num(b, 4)}) / ({_num(tv, 4)} − {_num(b, 4)})"
            f" = {_num(v - b, 4)} / {_num(tv - b, 4)} = {_num(row.achievement, 4)}"
            f" → {_pct(row.achievement)}"
        )
    if row.elapsed is not None and base is not None:
        done = (a.as_of - base.as_of).days
        total = (t.due - base.as_of).days
        lines.append(
            f"{_w('elapsed', lang)} = ({a.as_of} − {base.as_of}) / ({t.due} − {base.as_of})"
            f" = {done} / {total} {_w('days', lang)} → {_pct(row.elapsed)}"
            + (" (0..100%)" if not 0 < done < total else "")
        )
        if row.expected is not None:
            lines.append(
                f"{_w('expected', lang)} = baseline + elapsed × (target − baseline) = "
                f"{_num(numeric(kpi, base), 4)} + {_num(row.elapsed, 4)} × "
                f"{_num(target_number(kpi) - numeric(kpi, base), 4)} = {_num(row.expected, 4)}"
            )
    fc = row.forecast
    if kpi.kind is KPIKind.QUANTITATIVE:
        lines.append(f"{_w('forecast', lang)} [{fc.method}]:")
        if fc.value is None:
            lines.append(f"  {fc.note}")
        else:
            pts = ", ".join(f"{p.day} {_num(p.value, 4)}" for p in fc.points)
            lines.append(f"  {fc.basis}: {pts}")
            assert fc.interval is not None
            lines.append(
                f"  → {_num(fc.value, 2)}{kpi.unit} @ {fc.deadline}; "
                f"{fc.level:.0%}: {_num(fc.interval[0], 2)} – {_num(fc.interval[1], 2)}"
                f" ({fc.interval_basis})"
            )
            if base is not None and m.forecast_achievement is not None:
                b, tv = numeric(kpi, base), target_number(kpi)
                lines.append(
                    f"  ({_num(fc.value, 2)} − {_num(b, 4)}) / ({_num(tv, 4)} − {_num(b, 4)})"
                    f" = {_pct(m.forecast_achievement)}"
                )
        lines.append(
            f"{_w('pace', lang)}: {_w('observed', lang)} {_num(fc.observed_pace, 3)}, "
            f"{_w('required', lang)} {_num(fc.required_pace, 3)}"
        )
        attained = fc.attainment_date.isoformat() if fc.attainment_date else _w("never", lang)
        lines.append(f"{_w('attain', lang)}: {attained}")
    lines.append(f"{_w('status', lang)}: {row.status.label(lang)} ({row.status.value})")
    lines.append("  " + _status_reason(kpi, row, a.policy, lang))
    if row.grade is not None and a.scale is not None:
        scale = RATING_SCALES.get(a.scale)
        glabel = row.grade.label_en if lang == "en" and row.grade.label_en else row.grade.label
        lines.append(f"{_w('grade', lang)} [{scale.label}]: {row.grade.code} {glabel}")
    if m.cagr_ratio is not None:
        lines.append(
            f"Open SDG R = {_num(m.cagr_ratio, 3)}, score "
            f"{_num(open_sdg_score(m.cagr_ratio, achieved=m.achieved), 2)}"
        )
    if row.stale is not None and kpi.update_frequency is not None:
        state = (
            ("古い" if row.stale else "最新")
            if lang == "ja"
            else ("stale" if row.stale else "fresh")
        )
        lines.append(
            f"{_w('stale', lang)}: {state} ({row.days_since_update} {_w('days', lang)}, "
            f"{kpi.update_frequency.value})"
        )
    return "\n".join(lines) + "\n"


def _status_reason(kpi: KPI, row: KPIRow, policy: StatusPolicy, lang: Lang) -> str:
    m = row.metrics
    s = row.status
    en = lang == "en"
    if s is Status.NO_DATA:
        return "no value to assess" if en else "評価できる値がない"
    if s is Status.ACHIEVED:
        return "the latest value meets the target" if en else "最新値が目標を満たしている"
    if s is Status.MISSED:
        return "the deadline has passed unmet" if en else "期限を過ぎて未達成"
    if s is Status.NOT_STARTED:
        return "still on the first stage" if en else "第1段階のまま"
    if kpi.kind is KPIKind.STAGED:
        return (
            f"achievement ÷ elapsed = {_pct(m.achievement)} ÷ {_pct(m.elapsed)} = "
            f"{_num(m.pace_ratio, 3)}; thresholds {policy.staged_on_track:g} / "
            f"{policy.staged_at_risk:g}"
        )
    method = row.forecast.method or DEFAULT_FORECASTER
    return (
        f"projected achievement [{method}] {_pct(m.forecast_achievement)}; "
        f"{'on track' if en else '順調'} ≥ {policy.on_track:.0%}, "
        f"{'at risk' if en else '要注意'} ≥ {policy.at_risk:.0%}"
    )
