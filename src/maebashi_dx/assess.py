"""Assess a whole plan as of a day: one row per KPI, roll-ups, and the sums behind them.

>>> from datetime import date
>>> from maebashi_dx.datasets import maebashi_2022
>>> result = assess(maebashi_2022(), date(2022, 5, 31))
>>> result.row("kpi2").status.ja, result.row("kpi4").status.ja
('遅れ', '順調')
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import TYPE_CHECKING

import attrs

from maebashi_dx.achievement import _clamp, numeric, progress, target_number
from maebashi_dx.dates import format_span
from maebashi_dx.errors import CalculationError
from maebashi_dx.forecast import (
    DEFAULT_FORECASTER,
    DEFAULT_POOLED_FORECASTER,
    FORECASTERS,
    Forecast,
    Forecaster,
    Reference,
    method_label,
    run_forecaster,
    series_input,
)
from maebashi_dx.forecast.result import slot_maker, slot_makers
from maebashi_dx.forecast.run import FusedBlend, blend_forecast, fused_blend
from maebashi_dx.i18n import Lang, day_text, localized, text
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

_MONTH_DAYS = 30.4375
_QUANTITATIVE = KPIKind.QUANTITATIVE  # a global look-up, not the enum class's attribute

if TYPE_CHECKING:
    from maebashi_dx.forecast.conformal import Calibration
    from maebashi_dx.grades import Grade, RatingScale


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
    start: date | None,
    policy: StatusPolicy,
    forecaster: Forecaster,
    scale: RatingScale | None,
    reference: Reference | None = None,
    calibration: Calibration | None = None,
    fused: FusedBlend | None = None,
) -> KPIRow:
    # The KPI's numbers (latest value, baseline, target, shares) read once for the row,
    # its series once for the forecast; the metrics add the forecast's share of the way.
    numbers = progress(kpi, as_of, start=start)
    fc = None
    data = None
    if fused is not None and reference is None and calibration is None:
        # The default blend of lines in one pass (None when the KPI needs the general
        # path: too few points, no member that fits, ...), on what series_input gives:
        # a quantitative KPI's own numbers read directly, a staged KPI's ladder
        # positions and bounds through series_input.
        if kpi.kind is _QUANTITATIVE:
            days, values = kpi.numbers(as_of)
            target, bounds = numbers.target, kpi.bounds
        else:
            data = series_input(kpi, as_of)
            days, values, target, bounds = data.days, data.values, data.target, data.bounds
        fc = blend_forecast(
            fused, kpi.id, days, values, target, kpi.target.due, as_of, kpi.direction, bounds
        )
    if fc is None:
        data = data or series_input(kpi, as_of, reference)
        fc = run_forecaster(forecaster, data, calibration=calibration)
    metrics = measure(kpi, as_of, fc, start=start, numbers=numbers)
    latest = numbers.latest
    # KPIRow(...) by position, in its fields' order (slot_maker: no __init__ by name).
    make: Callable[..., KPIRow] = slot_makers.get(KPIRow) or slot_maker(KPIRow)
    return make(
        kpi.id,  # kpi_id
        latest,  # latest
        metrics.achievement,  # achievement
        metrics.elapsed,  # elapsed
        # Nothing is expected of a KPI with no value yet (its row has no elapsed share).
        numbers.expected if latest is not None else None,  # expected
        fc,  # forecast
        classify(kpi, metrics, policy),  # status
        scale.grade(metrics) if scale is not None else None,  # grade
        _stale(kpi, latest, as_of, policy),  # stale
        (as_of - latest.as_of).days if latest is not None else None,  # days_since_update
        metrics,  # metrics
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
    calibration: Calibration | Mapping[str, Calibration] | None = None,
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
        calibration: Intervals and chances calibrated on a forecaster's own track
            record (:func:`~maebashi_dx.forecast.calibrate`,
            :func:`~maebashi_dx.forecast.calibrate_plan`): one, or one per forecaster
            name (so that ``blend`` and ``pooled`` KPIs each get theirs). A KPI whose
            forecaster has none keeps its own interval and no chance.

    Raises:
        UnknownPluginError: ``method`` or ``scale`` is not registered.
        CalculationError: ``references`` names a KPI the plan does not have, or
            ``calibration`` is of another forecaster, level or a later day.
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
    rating = None
    if scale is not None:  # the rating scales are loaded only when a scale is asked for
        from maebashi_dx.grades import RATING_SCALES

        rating = RATING_SCALES.get(scale)
    start = plan.period.start
    # The blend's members, when the default blend of lines is one pass (fused_members).
    fused = fused_blend(forecaster)

    def calibration_of(f: Forecaster) -> Calibration | None:
        if isinstance(calibration, Mapping):
            return calibration.get(f.name)
        return calibration

    if not references and calibration is None:
        # Every KPI the same forecaster, uncalibrated (the common case, looked up once).
        rows = tuple(
            _assess_kpi(kpi, as_of, start, policy, forecaster, rating, None, None, fused)
            for kpi in plan.kpis
        )
    else:
        rows = tuple(
            _assess_kpi(
                kpi,
                as_of,
                start,
                policy,
                by_kpi.get(kpi.id, forecaster),
                rating,
                references.get(kpi.id),
                calibration_of(by_kpi.get(kpi.id, forecaster)),
                fused if kpi.id not in by_kpi else None,
            )
            for kpi in plan.kpis
        )
    by_id = {row.kpi_id: row for row in rows}
    weights = {kpi.id: kpi.weight for kpi in plan.kpis}

    def value(row: KPIRow) -> float | None:
        a = row.achievement
        if a is None or not clamp:
            return a
        return _clamp(a)  # limited to 0..1, as achievement(..., clamp=True) limits it

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
    shown = f"{value:.{digits}f}".rstrip("0").rstrip(".")
    return "0" if shown == "-0" else shown


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _value_text(kpi: KPI, m: Measurement, lang: Lang) -> str:
    if kpi.kind is KPIKind.STAGED:
        stage = kpi.stage(str(m.value))
        label = localized(stage.label, stage.label_en, lang)
        return text("assess.explain.stage", lang, label=label, index=kpi.stage_index(stage.id))
    assert isinstance(m.value, float)
    value = f"{_num(m.value, 4)}{kpi.unit}"
    return text("assess.explain.about", lang, value=value) if m.approximate else value


def _target_text(kpi: KPI, lang: Lang) -> str:
    t = kpi.target
    if kpi.kind is not KPIKind.STAGED:
        return f"{_num(float(t.value), 4)}{kpi.unit}"
    stage = kpi.stage(str(t.value))
    own = (t.label_en if lang == "en" else None) or t.label
    label = own or (localized(stage.label, stage.label_en, lang))
    return text("assess.explain.stage", lang, label=label, index=kpi.stage_index(stage.id))


def _measurement_line(key: str, kpi: KPI, m: Measurement, lang: Lang) -> str:
    return text(
        key,
        lang,
        value=_value_text(kpi, m, lang),
        day=day_text(m.as_of, lang),
        span=format_span(m.when, lang=lang),
    )


def _explain(a: Assessment, kpi: KPI, row: KPIRow, lang: Lang) -> str:
    name = localized(kpi.name, kpi.name_en, lang)
    lines = [text("assess.explain.title", lang, name=name, id=kpi.id, date=day_text(a.as_of, lang))]
    lines.append(text("assess.explain.inputs", lang))
    base = kpi.baseline
    if base is not None:
        lines.append(_measurement_line("assess.explain.baseline", kpi, base, lang))
    if row.latest is not None and row.latest is not base:
        lines.append(_measurement_line("assess.explain.latest", kpi, row.latest, lang))
    t = kpi.target
    lines.append(
        text(
            "assess.explain.target",
            lang,
            value=_target_text(kpi, lang),
            day=day_text(t.due, lang),
            span=format_span(t.deadline, lang=lang, era=lang == "ja"),
        )
    )
    m = row.metrics
    if base is not None and row.latest is not None:
        b, v, tv = numeric(kpi, base), numeric(kpi, row.latest), target_number(kpi)
        lines.append(text("assess.explain.achievement", lang))
        lines.append(
            f"  = ({_num(v, 4)} − {_num(b, 4)}) / ({_num(tv, 4)} − {_num(b, 4)})"
            f" = {_num(v - b, 4)} / {_num(tv - b, 4)} = {_num(row.achievement, 4)}"
            f" → {_pct(row.achievement)}"
        )
    if row.elapsed is not None and base is not None:
        done = (a.as_of - base.as_of).days
        total = (t.due - base.as_of).days
        lines.append(
            text(
                "assess.explain.elapsed",
                lang,
                as_of=day_text(a.as_of, lang),
                start=day_text(base.as_of, lang),
                due=day_text(t.due, lang),
                done=done,
                total=total,
                share=_pct(row.elapsed),
            )
            + (text("assess.explain.clamped", lang) if not 0 < done < total else "")
        )
        if row.expected is not None:
            lines.append(
                text(
                    "assess.explain.expected",
                    lang,
                    base=_num(numeric(kpi, base), 4),
                    elapsed=_num(row.elapsed, 4),
                    gap=_num(target_number(kpi) - numeric(kpi, base), 4),
                    value=_num(row.expected, 4),
                )
            )
    if kpi.kind is KPIKind.QUANTITATIVE:
        lines += _forecast_lines(kpi, row, lang)
    status = text("assess.explain.status", lang, label=row.status.label(lang))
    # English also gives the status id, as --format json and --check spell it.
    lines.append(f"{status} ({row.status.value})" if lang == "en" else status)
    lines.append("  " + _status_reason(kpi, row, a.policy, lang))
    if row.grade is not None and a.scale is not None:
        from maebashi_dx.grades import RATING_SCALES

        scale = RATING_SCALES.get(a.scale)
        glabel = localized(row.grade.label, row.grade.label_en, lang)
        lines.append(
            text("assess.explain.grade", lang, scale=scale.label, code=row.grade.code, label=glabel)
        )
    if m.cagr_ratio is not None:
        lines.append(
            text(
                "assess.explain.open_sdg",
                lang,
                ratio=_num(m.cagr_ratio, 3),
                score=_num(open_sdg_score(m.cagr_ratio, achieved=m.achieved), 2),
            )
        )
    if row.stale is not None and kpi.update_frequency is not None:
        lines.append(
            text(
                "assess.explain.freshness",
                lang,
                state=text("assess.explain.stale" if row.stale else "assess.explain.fresh", lang),
                days=row.days_since_update,
                frequency=text(f"assess.frequency.{kpi.update_frequency.value}", lang),
            )
        )
    return "\n".join(lines) + "\n"


def _forecast_lines(kpi: KPI, row: KPIRow, lang: Lang) -> list[str]:
    """The forecast to the deadline, its basis and its interval, in ``lang``."""
    fc = row.forecast
    # A forecaster's name as the CLI spells it in English; its display name in Japanese.
    method = fc.method if lang == "en" else method_label(fc.method, lang)
    lines = [text("assess.explain.forecast", lang, method=method)]
    base = kpi.baseline
    if fc.value is None:
        lines.append(f"  {fc.note_text(lang)}")
    else:
        sep = text("assess.explain.list_sep", lang)
        pts = sep.join(f"{day_text(p.day, lang)} {_num(p.value, 4)}" for p in fc.points)
        lines.append(
            text("assess.explain.forecast_basis", lang, basis=fc.basis_text(lang), points=pts)
        )
        assert fc.interval is not None
        lines.append(
            text(
                "assess.explain.forecast_value",
                lang,
                value=f"{_num(fc.value, 2)}{kpi.unit}",
                day=day_text(fc.deadline, lang),
                level=f"{fc.level:.0%}",
                low=_num(fc.interval[0], 2),
                high=_num(fc.interval[1], 2),
                basis=fc.interval_basis_text(lang),
            )
        )
        if base is not None and row.metrics.forecast_achievement is not None:
            b, tv = numeric(kpi, base), target_number(kpi)
            lines.append(
                f"  ({_num(fc.value, 2)} − {_num(b, 4)}) / ({_num(tv, 4)} − {_num(b, 4)})"
                f" = {_pct(row.metrics.forecast_achievement)}"
            )
    lines.append(
        text(
            "assess.explain.pace",
            lang,
            observed=_num(fc.observed_pace, 3),
            required=_num(fc.required_pace, 3),
        )
    )
    attained = (
        day_text(fc.attainment_date, lang)
        if fc.attainment_date
        else text("assess.explain.never", lang)
    )
    lines.append(text("assess.explain.attainment", lang, date=attained))
    return lines


def _status_reason(kpi: KPI, row: KPIRow, policy: StatusPolicy, lang: Lang) -> str:
    m = row.metrics
    s = row.status
    if s is Status.NO_DATA:
        return text("assess.reason.no_data", lang)
    if s is Status.ACHIEVED:
        return text("assess.reason.achieved", lang)
    if s is Status.MISSED:
        return text("assess.reason.missed", lang)
    if s is Status.NOT_STARTED:
        return text("assess.reason.not_started", lang)
    if kpi.kind is KPIKind.STAGED:
        return text(
            "assess.reason.staged",
            lang,
            achievement=_pct(m.achievement),
            elapsed=_pct(m.elapsed),
            ratio=_num(m.pace_ratio, 3),
            on_track=f"{policy.staged_on_track:g}",
            at_risk=f"{policy.staged_at_risk:g}",
        )
    method = row.forecast.method or DEFAULT_FORECASTER
    return text(
        "assess.reason.forecast",
        lang,
        method=method if lang == "en" else method_label(method, lang),
        achievement=_pct(m.forecast_achievement),
        on_track=f"{policy.on_track:.0%}",
        at_risk=f"{policy.at_risk:.0%}",
    )
