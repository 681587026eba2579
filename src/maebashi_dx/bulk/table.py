"""``assess_table``: every KPI of a long table assessed at once (see the package)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import attrs
import numpy as np
import polars as pl
from numpy.typing import NDArray

from maebashi_dx.achievement import numeric
from maebashi_dx.assess import _MONTH_DAYS, _assess_kpi  # the staleness month, the object row
from maebashi_dx.bulk.frames import KPITable, Rows, Table, kpi_table, measurement_frame, ordinals
from maebashi_dx.bulk.kernels import NONE_DAY, Outcome, Points, has_kernel, run_kernel
from maebashi_dx.dates import DateSpan
from maebashi_dx.errors import CalculationError, PlanError, Problem
from maebashi_dx.forecast import (
    DEFAULT_FORECASTER,
    DEFAULT_LEVEL,
    DEFAULT_POOLED_FORECASTER,
    FORECASTERS,
    Forecaster,
    Reference,
)
from maebashi_dx.forecast.conformal import Calibration
from maebashi_dx.forecast.series import YEAR_DAYS
from maebashi_dx.model import KPI, Direction, Measurement, Plan, Target
from maebashi_dx.model.checks import show
from maebashi_dx.status import DEFAULT_POLICY, Status, StatusPolicy

__all__ = ["COLUMNS", "assess_table"]


#: The columns of :func:`assess_table`'s result, with their polars types.
COLUMNS: dict[str, Any] = {
    "kpi_id": pl.String,
    "method": pl.String,
    "latest_date": pl.Date,
    "latest_value": pl.Float64,
    "achievement": pl.Float64,
    "elapsed": pl.Float64,
    "expected": pl.Float64,
    "forecast_value": pl.Float64,
    "forecast_low": pl.Float64,
    "forecast_high": pl.Float64,
    "forecast_achievement": pl.Float64,
    "observed_pace": pl.Float64,
    "required_pace": pl.Float64,
    "attainment_date": pl.Date,
    "status": pl.String,
    "days_since_update": pl.Int64,
    "stale": pl.Boolean,
    "probability": pl.Float64,
}


def assess_table(
    measurements: Table,
    kpis: Plan | Sequence[KPI] | Table,
    as_of: date,
    *,
    method: str | None = None,
    policy: StatusPolicy | None = None,
    references: Mapping[str, Reference] | None = None,
    start: date | None = None,
    only_measured: bool = False,
    calibration: Calibration | None = None,
) -> pl.DataFrame:
    """Assess every KPI of a long table of measurements as of a day, column by column.

    The same figures as :func:`maebashi_dx.assess` gives in ``Assessment.rows``, for
    tens of thousands of KPIs at the speed of a columnar library: the built-in
    forecasters run as vectorised kernels, a plugin forecaster (or a staged KPI) runs per
    KPI through the object path.

    Args:
        measurements: ``kpi_id, date, value`` rows (and optionally ``series``, whose
            non-empty rows are left out as :meth:`KPI.numbers` does): a polars or
            pandas DataFrame, an Arrow table, or a CSV (UTF-8) or Parquet path. Dates
            are ISO days or anything :func:`maebashi_dx.dates.parse_date` reads, taken
            as of their span's end; each distinct text is parsed once.
        kpis: A plan, KPIs, or a table of ``kpi_id, target, due`` and optionally
            ``direction``, ``baseline_date``, ``baseline_value``, ``lower``,
            ``upper``, ``update_frequency``. The measurements a plan's KPIs already
            hold count too.
        as_of: The day; no measurement after it is used.
        method: The forecaster (overrides ``policy.method``).
        policy: Status thresholds; :data:`~maebashi_dx.status.DEFAULT_POLICY` if None.
        references: Series to pool toward, by KPI id; without a named method, those
            KPIs use ``pooled``.
        start: The plan's start, for KPIs without a baseline (a plan gives its own).
        only_measured: Assess only the KPIs that have a row in ``measurements`` (for a
            partition of a larger table: see the national-scale page of the docs).
        calibration: The forecaster's track record
            (:func:`~maebashi_dx.forecast.conformal.calibrate`): the intervals are then
            the calibrated ones and ``probability`` the chance of meeting each target.
            The kernels give today's intervals only, so with a calibration every KPI
            runs through the object path (KPI by KPI: slower, the same figures as
            :func:`maebashi_dx.forecast.forecast` with ``calibration=``).

    Returns:
        A polars DataFrame with one row per KPI, in the order of ``kpis``, and the
        columns of :data:`COLUMNS`; ``status`` is a :class:`~maebashi_dx.status.Status`
        value (``on_track``...).

    Raises:
        PlanError: Unreadable input, unknown KPI ids, a date before a KPI's baseline, or
            two values for one KPI and day; each problem names the file and line.
        UnknownPluginError: ``method`` is not registered.
        CalculationError: ``references`` names a KPI that is not in ``kpis``.
    """
    policy = policy or DEFAULT_POLICY
    if method is not None:
        policy = attrs.evolve(policy, method=method)
    table = kpi_table(kpis, start)
    references = dict(references or {})
    ids = table.frame["kpi_id"].to_list()
    rows = measurement_frame(measurements, ids)
    unknown = sorted(set(references) - set(ids))
    if unknown:
        msg = f"references name KPIs that are not given: {', '.join(map(show, unknown))}"
        raise CalculationError(msg)
    long = _own_rows(table, rows)
    if only_measured:
        measured = np.zeros(len(long.base_day), dtype=np.bool_)
        measured[long.kpi[long.row >= 0]] = True
        table = attrs.evolve(table, frame=table.frame.filter(pl.Series(measured)))
    default = FORECASTERS.get(policy.method or DEFAULT_FORECASTER)
    pooled = FORECASTERS.get(policy.method or DEFAULT_POOLED_FORECASTER)
    frame = table.frame
    kpi_index = frame["kpi"].to_numpy().astype(np.int64)
    with_ref = np.array([i in references for i in frame["kpi_id"].to_list()], dtype=np.bool_)
    staged = frame["staged"].to_numpy()
    results: list[pl.DataFrame] = []
    for chosen, group in ((default, ~with_ref), (pooled, with_ref)):
        if not group.any():
            continue
        fast = has_kernel(chosen) and calibration is None
        kernel = group & ~staged if fast else np.zeros_like(group)
        if kernel.any():
            part = frame.filter(pl.Series(kernel))
            results.append(_kernel_rows(part, long, as_of, table.start, chosen, policy, references))
        slow = group & ~kernel
        if slow.any():
            part = frame.filter(pl.Series(slow))
            results.append(
                _object_rows(
                    table, part, long, rows, as_of, chosen, policy, references, calibration
                )
            )
    if not results:
        return pl.DataFrame(schema=COLUMNS)
    order = pl.DataFrame({"kpi": kpi_index})
    joined = pl.concat(results, how="vertical")
    return order.join(joined, on="kpi", how="left", maintain_order="left").select(list(COLUMNS))


@attrs.frozen(kw_only=True)
class _Long:
    """Every KPI's measurements, checked and sorted by KPI then day (baselines apart).

    Attributes:
        kpi: Each point's KPI (its row in the KPI table).
        day: Each point's day (ordinal).
        value: Each point's value (NaN for a stage id: see ``row``).
        row: The point's row in the measurement table, -1 for a plan's own measurement.
        base_day: Each KPI's baseline day (ordinal), -1 without a baseline.
        base_value: Each KPI's baseline value (NaN without).
    """

    kpi: NDArray[np.int64]
    day: NDArray[np.int64]
    value: NDArray[np.float64]
    row: NDArray[np.int64]
    base_day: NDArray[np.int64]
    base_value: NDArray[np.float64]


_CHUNK = 8192  # KPIs per kernel run: the kernels' temporaries stay a few MB
_SHIFT = 1 << 22  # above every day ordinal up to 2200-12-31 (803,533)


def _own_rows(table: KPITable, rows: Rows) -> _Long:
    """The table's rows and a plan's own measurements, keyed by the KPI's row in the KPI
    table, checked as ``merge_measurements`` checks them: known KPIs, numbers for a
    numeric KPI, nothing before the baseline, one value per KPI and day (the same value
    twice is one measurement)."""
    frame = table.frame
    ids = frame["kpi_id"]
    problems: list[Problem] = []
    kpi = rows.kpi
    staged = frame["staged"].to_numpy()
    texts = np.isnan(rows.value) & ~staged[kpi]
    if rows.text is not None and texts.any():
        for i in np.nonzero(texts)[0][:20].tolist():
            where, line = rows.where(i)
            msg = f"KPI {show(ids[int(kpi[i])])}: value: {show(rows.text[i])} is not a number"
            problems.append(Problem(where, msg, line))
    values = rows.value
    if table.objects is not None and staged.any():
        values, found = _stage_positions(table.objects, rows, staged)
        problems += found
    base_day = ordinals(frame["baseline_day"].fill_null(date(1970, 1, 1)))
    base_day = np.where(frame["baseline_day"].is_null().to_numpy(), -1, base_day)
    base_value = frame["baseline_value"].fill_null(np.nan).to_numpy().astype(np.float64)
    # A plan's own measurements (not its baselines) come first: a row repeating one is
    # the same measurement, a row contradicting one is the row's mistake.
    own_kpi, own_day, own_value = [], [], []
    if table.objects is not None:
        for index, kpi_object in enumerate(table.objects):
            history = kpi_object.history()
            if kpi_object.baseline is not None:
                history = history[1:]
                base_value[index] = numeric(kpi_object, kpi_object.baseline)
            for m in history:
                own_kpi.append(index)
                own_day.append(m.as_of.toordinal())
                own_value.append(numeric(kpi_object, m))
    n_own = len(own_kpi)
    kpis, days = kpi, rows.day
    source_row = np.arange(len(kpi), dtype=np.int64)
    if n_own:
        kpis = np.concatenate([np.asarray(own_kpi, dtype=np.int64), kpis])
        days = np.concatenate([np.asarray(own_day, dtype=np.int64), days])
        values = np.concatenate([np.asarray(own_value, dtype=np.float64), values])
        source_row = np.concatenate([np.full(n_own, -1, dtype=np.int64), source_row])
    del kpi
    key = kpis * _SHIFT + days
    if len(key) > 1 and not (key[1:] >= key[:-1]).all():
        order = np.argsort(key, kind="stable")
        kpis, days, values, source_row, key = (
            kpis[order],
            days[order],
            values[order],
            source_row[order],
            key[order],
        )
        del order
    same = np.zeros(len(key), dtype=np.bool_)
    same[1:] = key[1:] == key[:-1]
    del key
    base = base_day[kpis]
    early = np.nonzero((base >= 0) & (days < base))[0]
    on_base = days == base
    del base
    for i in early[:20].tolist():
        where, line = rows.where(int(source_row[i]))
        first = date.fromordinal(int(base_day[kpis[i]]))
        day = date.fromordinal(int(days[i]))
        msg = f"KPI {show(ids[int(kpis[i])])}: date: {day} is before the baseline ({first})"
        problems.append(Problem(where, msg, line))
    # The same day twice (or a row on the baseline's day): the same value is one
    # measurement, another value an error.
    same |= on_base
    twice = np.nonzero(same)[0]
    if len(twice):
        at_base = on_base[twice]
        before = np.where(at_base, base_value[kpis[twice]], values[np.maximum(twice - 1, 0)])
        now = values[twice]
        equal = (now == before) | (np.isnan(now) & np.isnan(before))
        if rows.text is not None:
            text_of = rows.text.to_list()
            for j in np.nonzero(equal & np.isnan(now) & ~at_base)[0].tolist():
                i = int(twice[j])
                if source_row[i] >= 0 and source_row[i - 1] >= 0:
                    equal[j] = text_of[source_row[i]] == text_of[source_row[i - 1]]
        for i in twice[~equal][:20].tolist():
            where, line = rows.where(int(source_row[i]))
            day = date.fromordinal(int(days[i]))
            msg = f"KPI {show(ids[int(kpis[i])])} already has another value for {day}"
            problems.append(Problem(where, msg, line))
        keep = ~same
        kpis, days, values, source_row = kpis[keep], days[keep], values[keep], source_row[keep]
    if problems:
        problems.sort(key=lambda p: p.line or 0)
        raise PlanError(problems, source=rows.source)
    return _Long(
        kpi=kpis, day=days, value=values, row=source_row, base_day=base_day, base_value=base_value
    )


def _stage_positions(
    objects: Sequence[KPI], rows: Rows, staged: NDArray[np.bool_]
) -> tuple[NDArray[np.float64], list[Problem]]:
    """The rows' values with a staged KPI's stage ids as ladder positions (what the
    object path computes with), and the rows whose value is no stage of their KPI."""
    values = rows.value.copy()
    texts = rows.text.to_list() if rows.text is not None else [None] * len(values)
    problems = []
    for i in np.nonzero(staged[rows.kpi])[0].tolist():
        kpi = objects[int(rows.kpi[i])]
        text = texts[i]
        try:
            if text is None:
                raise KeyError(text)
            values[i] = float(kpi.stage_index(text))
        except KeyError:
            where, line = rows.where(i)
            shown = show(text) if text is not None else show(float(values[i]))
            stages = ", ".join(s.id for s in kpi.ladder)
            msg = f"KPI {show(kpi.id)}: value: {shown} is not a stage of this KPI ({stages})"
            problems.append(Problem(where, msg, line))
    return values, problems


def _points(part: pl.DataFrame, long: _Long, as_of: date) -> Points:
    """The kernel's view of some KPIs (in ascending KPI order): the baseline then the
    measurements, up to the day."""
    chosen = part["kpi"].to_numpy().astype(np.int64)
    local = np.full(len(long.base_day), -1, dtype=np.int64)
    local[chosen] = np.arange(len(chosen))
    day_limit = as_of.toordinal()
    # The points of KPIs chosen[0] .. chosen[-1] are one run of the sorted arrays.
    lo = int(np.searchsorted(long.kpi, chosen[0], "left")) if len(chosen) else 0
    hi = int(np.searchsorted(long.kpi, chosen[-1], "right")) if len(chosen) else 0
    kpi = long.kpi[lo:hi]
    mask = (local[kpi] >= 0) & (long.day[lo:hi] <= day_limit)
    seg, day, value = local[kpi[mask]], long.day[lo:hi][mask], long.value[lo:hi][mask]
    base_day, base_value = long.base_day[chosen], long.base_value[chosen]
    has_base = (base_day >= 0) & (base_day <= day_limit)
    counts = np.bincount(seg, minlength=len(chosen))
    at = np.concatenate(([0], np.cumsum(counts)))[:-1][has_base]
    with_base = np.nonzero(has_base)[0]
    seg = np.insert(seg, at, with_base)
    day = np.insert(day, at, base_day[has_base])
    value = np.insert(value, at, base_value[has_base])
    counts = counts + has_base
    return Points(
        seg=seg,
        day=day,
        value=value,
        start=np.concatenate(([0], np.cumsum(counts))).astype(np.int64),
        target=part["target"].to_numpy(),
        due=ordinals(part["due"]),
        sign=part["sign"].to_numpy(),
        lower=part["lower"].to_numpy(),
        upper=part["upper"].to_numpy(),
        as_of=day_limit,
    )


def _kernel_rows(
    part: pl.DataFrame,
    rows: _Long,
    as_of: date,
    start: date | None,
    forecaster: Forecaster,
    policy: StatusPolicy,
    references: Mapping[str, Reference],
) -> pl.DataFrame:
    out = []
    for first in range(0, part.height, _CHUNK):  # in chunks: small temporaries
        chunk = part.slice(first, _CHUNK)
        p = _points(chunk, rows, as_of)
        refs = [references.get(k) for k in chunk["kpi_id"].to_list()]
        outcome = run_kernel(p, forecaster, DEFAULT_LEVEL, refs)
        out.append(_finish_rows(chunk, p, outcome, forecaster.name, policy, start))
    return pl.concat(out, how="vertical")


def _day_column(ordinals: np.ndarray[Any, Any]) -> pl.Series:
    epoch = date(1970, 1, 1).toordinal()
    days = pl.Series(np.where(ordinals == NONE_DAY, 0, ordinals - epoch).astype(np.int32))
    return pl.select(
        pl.when(pl.Series(ordinals == NONE_DAY)).then(None).otherwise(days.cast(pl.Date))
    ).to_series()


def _finish_rows(
    part: pl.DataFrame,
    p: Points,
    outcome: Outcome,
    method: str,
    policy: StatusPolicy,
    start: date | None,
) -> pl.DataFrame:
    """Metrics and status for every KPI, as ``status.measure`` and ``status.classify``."""
    n = p.n
    has_data = p.count > 0
    latest = np.asarray(p.last(p.value), dtype=np.float64)
    latest_day = np.asarray(p.last(p.day, fill=NONE_DAY), dtype=np.int64)
    base_day = part["baseline_day"].cast(pl.Int64).fill_null(-(10**9)).to_numpy()
    base_day = base_day + date(1970, 1, 1).toordinal()
    has_base = part["baseline_day"].is_not_null().to_numpy() & (base_day <= p.as_of)
    has_base_any = part["baseline_day"].is_not_null().to_numpy()
    base = part["baseline_value"].fill_null(np.nan).to_numpy()
    target, sign, due = p.target, p.sign, p.due
    with np.errstate(all="ignore"):
        gap = target - base
        usable = has_data & has_base_any & (gap != 0)
        achievement = np.where(usable, (latest - base) / np.where(usable, gap, 1.0), np.nan)
        achievement = np.where(np.isfinite(achievement), achievement, np.nan)
        # elapsed: from the baseline (else the plan's start) to the deadline, in days
        plan_start = start.toordinal() if start is not None else NONE_DAY
        first = np.where(has_base_any, base_day, plan_start)
        total = due - first
        has_first = first != NONE_DAY
        share = np.clip((p.as_of - first) / np.where(total > 0, total, 1), 0.0, 1.0)
        elapsed = np.where(has_data & has_first & (total > 0), share, np.nan)
        expected = np.where(has_base_any & ~np.isnan(elapsed), base + elapsed * gap, np.nan)
        fvalue = outcome.value
        fa = (fvalue - base) / np.where(gap != 0, gap, 1.0)
        forecast_achievement = np.where(
            has_data & has_base_any & ~np.isnan(fvalue) & (gap != 0) & np.isfinite(fa), fa, np.nan
        )
        achieved = has_data & (sign * (latest - target) >= 0)
        started = has_data & ~(has_base & (latest_day == base_day))
        past = p.as_of > due
        # the required pace (run_forecaster._required_pace)
        years_left = (due - latest_day) / YEAR_DAYS
        pace = (target - latest) / np.where(years_left > 0, years_left, 1.0)
        required = np.where(
            years_left > 0,
            np.where(np.isfinite(pace), pace, np.nan),
            np.where(achieved, 0.0, np.nan),
        )
        required = np.where(has_data, required, np.nan)
    status = np.full(n, Status.NO_DATA.value, dtype=object)
    projected = forecast_achievement
    decided = ~has_data
    for mask, value in (
        (achieved, Status.ACHIEVED),
        (past, Status.MISSED),
        (~started, Status.NO_DATA),
        (np.isnan(projected), Status.NO_DATA),
        (projected >= policy.on_track, Status.ON_TRACK),
        (projected >= policy.at_risk, Status.AT_RISK),
        (np.ones(n, dtype=np.bool_), Status.OFF_TRACK),
    ):
        now = mask & ~decided
        status[now] = value.value
        decided |= now
    months = part["frequency_months"].to_numpy()
    since = np.where(has_data, p.as_of - latest_day, -1)
    stale_limit = policy.stale_after * np.nan_to_num(months.astype(np.float64)) * _MONTH_DAYS
    stale = pl.Series(since > stale_limit)
    stale_known = pl.Series(has_data & ~np.isnan(months.astype(np.float64)))
    return pl.DataFrame(
        {
            "kpi": part["kpi"],
            "kpi_id": part["kpi_id"],
            "method": [method] * n,
            "latest_date": _day_column(latest_day),
            "latest_value": _nullable(latest),
            "achievement": _nullable(achievement),
            "elapsed": _nullable(elapsed),
            "expected": _nullable(np.where(has_data, expected, np.nan)),
            "forecast_value": _nullable(outcome.value),
            "forecast_low": _nullable(outcome.low),
            "forecast_high": _nullable(outcome.high),
            "forecast_achievement": _nullable(forecast_achievement),
            "observed_pace": _nullable(outcome.pace),
            "required_pace": _nullable(required),
            "attainment_date": _day_column(outcome.attained),
            "status": pl.Series(status.tolist(), dtype=pl.String),
            "days_since_update": pl.Series(np.where(has_data, since, 0)).cast(pl.Int64),
            "stale": pl.select(pl.when(stale_known).then(stale).otherwise(None)).to_series(),
            "probability": pl.Series([None] * n, dtype=pl.Float64),
        }
    ).with_columns(pl.when(pl.Series(has_data)).then(pl.col("days_since_update")).otherwise(None))


def _nullable(values: np.ndarray[Any, Any]) -> pl.Series:
    return pl.Series(values, dtype=pl.Float64, nan_to_null=True)


def _object_rows(
    table: KPITable,
    part: pl.DataFrame,
    long: _Long,
    rows: Rows,
    as_of: date,
    forecaster: Forecaster,
    policy: StatusPolicy,
    references: Mapping[str, Reference],
    calibration: Calibration | None,
) -> pl.DataFrame:
    """The object path, KPI by KPI, for what has no kernel (a plugin, a staged KPI)."""
    wanted = np.zeros(len(long.base_day), dtype=np.bool_)
    wanted[part["kpi"].to_numpy()] = True
    mine = np.nonzero(wanted[long.kpi])[0]
    texts = rows.text.to_list() if rows.text is not None else None
    by_kpi: dict[int, list[tuple[date, float | None, str | None]]] = {}
    staged = table.frame["staged"].to_numpy()
    for i in mine.tolist():
        row = int(long.row[i])
        if row < 0:
            continue  # a plan's own measurement: the KPI object holds it
        value: float | None = float(long.value[i])
        text = None
        if staged[long.kpi[i]] or math.isnan(float(long.value[i])):
            value, text = None, texts[row] if texts is not None else None  # a stage id
        point = (date.fromordinal(int(long.day[i])), value, text)
        by_kpi.setdefault(int(long.kpi[i]), []).append(point)
    out: list[dict[str, Any]] = []
    for index, kpi_id in part.select("kpi", "kpi_id").iter_rows():
        kpi = _kpi_object(table, part, index, kpi_id, by_kpi.get(index, []))
        # The object path's own row (assess's), so that a KPI without a kernel gets
        # exactly what assess gives it.
        assessed = _assess_kpi(
            kpi, as_of, table.start, policy, forecaster, None, references.get(kpi_id), calibration
        )
        fc, metrics, latest = assessed.forecast, assessed.metrics, assessed.latest
        interval = fc.interval or (None, None)
        out.append(
            {
                "kpi": index,
                "kpi_id": kpi_id,
                "method": fc.method,
                "latest_date": latest.as_of if latest is not None else None,
                "latest_value": numeric(kpi, latest) if latest is not None else None,
                "achievement": metrics.achievement,
                "elapsed": metrics.elapsed,
                "expected": assessed.expected,
                "forecast_value": fc.value,
                "forecast_low": interval[0],
                "forecast_high": interval[1],
                "forecast_achievement": metrics.forecast_achievement,
                "observed_pace": fc.observed_pace,
                "required_pace": fc.required_pace,
                "attainment_date": fc.attainment_date,
                "status": assessed.status.value,
                "days_since_update": assessed.days_since_update,
                "stale": assessed.stale,
                "probability": fc.probability,
            }
        )
    return pl.DataFrame(out, schema={"kpi": pl.UInt32, **COLUMNS})


def _kpi_object(
    table: KPITable,
    part: pl.DataFrame,
    index: int,
    kpi_id: str,
    points: list[tuple[date, float | None, str | None]],
) -> KPI:
    """A KPI object holding its points (dated at their day: only the day counts)."""
    if table.objects is not None:
        kpi = table.objects[index]
        known = {m.as_of for m in kpi.history()}
        extra = [
            Measurement(when=DateSpan.day(d), value=v if v is not None else str(t))
            for d, v, t in points
            if d not in known
        ]
        if not extra:
            return kpi
        return attrs.evolve(
            kpi, measurements=sorted([*kpi.measurements, *extra], key=lambda m: m.as_of)
        )
    row = table.frame.filter(pl.col("kpi") == index).row(0, named=True)
    baseline = None
    if row["baseline_day"] is not None:
        baseline = Measurement(when=DateSpan.day(row["baseline_day"]), value=row["baseline_value"])
    measured = [
        Measurement(when=DateSpan.day(d), value=v if v is not None else str(t))
        for d, v, t in points
    ]
    bounds = None
    if math.isfinite(row["lower"]) or math.isfinite(row["upper"]):
        bounds = (row["lower"], row["upper"])
    return KPI(
        id=kpi_id,
        name=kpi_id,
        direction=Direction.DECREASE if row["sign"] < 0 else Direction.INCREASE,
        baseline=baseline,
        target=Target(value=row["target"], deadline=DateSpan.day(row["due"])),
        measurements=tuple(measured),
        bounds=bounds,
    )
