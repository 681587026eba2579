"""``assess_table``: every KPI of a long table assessed at once (see the package)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import attrs
import numpy as np
import polars as pl

from maebashi_dx.achievement import numeric
from maebashi_dx.bulk.frames import KPITable, Table, kpi_table, measurement_frame
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
    run_forecaster,
    series_input,
)
from maebashi_dx.forecast.series import YEAR_DAYS
from maebashi_dx.model import KPI, Direction, Measurement, Plan, Target
from maebashi_dx.model.checks import show
from maebashi_dx.status import DEFAULT_POLICY, Status, StatusPolicy, classify, measure

__all__ = ["COLUMNS", "assess_table"]

_MONTH_DAYS = 30.4375  # as the object path's staleness (assess._stale)

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
    rows, source, offset = measurement_frame(measurements)
    references = dict(references or {})
    ids = table.frame["kpi_id"].to_list()
    unknown = sorted(set(references) - set(ids))
    if unknown:
        msg = f"references name KPIs that are not given: {', '.join(map(show, unknown))}"
        raise CalculationError(msg)
    rows = _own_rows(table, rows, source, offset)
    if only_measured:
        measured = rows.select("kpi").unique()
        table = attrs.evolve(table, frame=table.frame.join(measured, on="kpi", how="semi"))
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
        kernel = group & ~staged if has_kernel(chosen) else np.zeros_like(group)
        if kernel.any():
            part = frame.filter(pl.Series(kernel))
            results.append(_kernel_rows(part, rows, as_of, table.start, chosen, policy, references))
        slow = group & ~kernel
        if slow.any():
            part = frame.filter(pl.Series(slow))
            results.append(_object_rows(table, part, rows, as_of, chosen, policy, references))
    if not results:
        return pl.DataFrame(schema=COLUMNS)
    order = pl.DataFrame({"kpi": kpi_index})
    joined = pl.concat(results, how="vertical")
    return order.join(joined, on="kpi", how="left", maintain_order="left").select(list(COLUMNS))


def _own_rows(table: KPITable, rows: pl.DataFrame, source: str, offset: int) -> pl.DataFrame:
    """Every KPI's points: the baseline, the plan's own measurements and the table's rows,
    keyed by the KPI's row number, checked as ``merge_measurements`` checks them."""
    frame = table.frame
    keyed = rows.join(frame.select("kpi_id", "kpi"), on="kpi_id", how="left")
    unknown = keyed.filter(pl.col("kpi").is_null())
    problems: list[Problem] = []
    where = "line" if offset == 2 else "row"
    for kpi_id, line in unknown.head(20).select("kpi_id", "line").iter_rows():
        problems.append(Problem(f"{where} {line}", f"unknown KPI {show(kpi_id)}", line))
    if unknown.height > 20:
        problems.append(Problem("…", f"{unknown.height - 20:,} more rows with unknown KPIs"))
    keyed = keyed.filter(pl.col("kpi").is_not_null())
    staged = frame.filter(pl.col("staged"))["kpi"]
    text_rows = keyed.filter(pl.col("value").is_null() & ~pl.col("kpi").is_in(staged.implode()))
    for kpi_id, text, line in text_rows.head(20).select("kpi_id", "text", "line").iter_rows():
        msg = f"KPI {show(kpi_id)}: value: {show(text)} is not a number"
        problems.append(Problem(f"{where} {line}", msg, line))
    # The plan's own measurements and the baselines join the rows, with no line.
    own = []
    if table.objects is not None:
        for kpi, index in zip(table.objects, frame["kpi"].to_list(), strict=True):
            for m in kpi.history():
                number = numeric(kpi, m)
                text = str(m.value) if isinstance(m.value, str) else None
                own.append((kpi.id, m.as_of, number, text, None, index))
    else:
        base = frame.filter(pl.col("baseline_day").is_not_null())
        own = [
            (kpi_id, day, value, None, None, index)
            for kpi_id, day, value, index in base.select(
                "kpi_id", "baseline_day", "baseline_value", "kpi"
            ).iter_rows()
        ]
    schema = {
        "kpi_id": pl.String,
        "day": pl.Date,
        "value": pl.Float64,
        "text": pl.String,
        "line": pl.Int64,
        "kpi": pl.UInt32,
    }
    given = pl.DataFrame(own, schema=schema, orient="row")
    merged = pl.concat(
        [
            given.with_columns(pl.lit(0).alias("_from")),
            keyed.select([pl.col(c).cast(t) for c, t in schema.items()]).with_columns(
                pl.lit(1).alias("_from")
            ),
        ],
        how="vertical",
    )
    # A date before the baseline; two different values on one day (the same value
    # twice is one measurement).
    baseline = frame.select("kpi", pl.col("baseline_day").alias("_base"))
    merged = merged.join(baseline, on="kpi", how="left")
    early = merged.filter(pl.col("_base").is_not_null() & (pl.col("day") < pl.col("_base")))
    for kpi_id, day, base_day, line in (
        early.head(20).select("kpi_id", "day", "_base", "line").iter_rows()
    ):
        msg = f"KPI {show(kpi_id)}: date: {day} is before the baseline ({base_day})"
        problems.append(Problem(f"{where} {line}", msg, line))
    merged = merged.unique(
        subset=["kpi", "day", "value", "text"], keep="first", maintain_order=True
    )
    clash = merged.filter(pl.len().over("kpi", "day") > 1).filter(pl.col("_from") == 1)
    for kpi_id, day, line in clash.head(20).select("kpi_id", "day", "line").iter_rows():
        msg = f"KPI {show(kpi_id)} already has another value for {day}"
        problems.append(Problem(f"{where} {line}", msg, line))
    if problems:
        problems.sort(key=lambda p: p.line or 0)
        raise PlanError(problems, source=source)
    return merged.select("kpi", "day", "value", "text").sort("kpi", "day")


def _points(part: pl.DataFrame, rows: pl.DataFrame, as_of: date) -> Points:
    """The kernel's view of some KPIs: their points up to the day, sorted."""
    kpis = part["kpi"]
    local = pl.DataFrame({"kpi": kpis, "_seg": np.arange(part.height, dtype=np.int64)})
    points = (
        rows.lazy()
        .filter(pl.col("day") <= as_of)
        .join(local.lazy(), on="kpi", how="inner")
        .sort("_seg", "day")
        .select("_seg", pl.col("day").cast(pl.Int64), "value")
        .collect()
    )
    seg = points["_seg"].to_numpy()
    counts = np.bincount(seg, minlength=part.height)
    epoch = date(1970, 1, 1).toordinal()
    return Points(
        seg=seg,
        day=points["day"].to_numpy() + epoch,
        value=points["value"].to_numpy().astype(np.float64),
        start=np.concatenate(([0], np.cumsum(counts))).astype(np.int64),
        target=part["target"].to_numpy(),
        due=part["due"].cast(pl.Int64).to_numpy() + epoch,
        sign=part["sign"].to_numpy(),
        lower=part["lower"].to_numpy(),
        upper=part["upper"].to_numpy(),
        as_of=as_of.toordinal(),
    )


def _kernel_rows(
    part: pl.DataFrame,
    rows: pl.DataFrame,
    as_of: date,
    start: date | None,
    forecaster: Forecaster,
    policy: StatusPolicy,
    references: Mapping[str, Reference],
) -> pl.DataFrame:
    p = _points(part, rows, as_of)
    refs = [references.get(k) for k in part["kpi_id"].to_list()]
    outcome = run_kernel(p, forecaster, DEFAULT_LEVEL, refs)
    return _finish_rows(part, p, outcome, forecaster.name, policy, start)


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
        }
    ).with_columns(pl.when(pl.Series(has_data)).then(pl.col("days_since_update")).otherwise(None))


def _nullable(values: np.ndarray[Any, Any]) -> pl.Series:
    return pl.Series(values, dtype=pl.Float64, nan_to_null=True)


def _object_rows(
    table: KPITable,
    part: pl.DataFrame,
    rows: pl.DataFrame,
    as_of: date,
    forecaster: Forecaster,
    policy: StatusPolicy,
    references: Mapping[str, Reference],
) -> pl.DataFrame:
    """The object path, KPI by KPI, for what has no kernel (a plugin, a staged KPI)."""
    wanted = part["kpi"]
    mine = rows.filter(pl.col("kpi").is_in(wanted.implode()))
    by_kpi: dict[int, list[tuple[date, float | None, str | None]]] = {}
    for kpi, day, value, text in mine.iter_rows():
        by_kpi.setdefault(kpi, []).append((day, value, text))
    out: list[dict[str, Any]] = []
    for index, kpi_id in part.select("kpi", "kpi_id").iter_rows():
        kpi = _kpi_object(table, part, index, kpi_id, by_kpi.get(index, []))
        fc = run_forecaster(forecaster, series_input(kpi, as_of, references.get(kpi_id)))
        start = table.start
        metrics = measure(kpi, as_of, fc, start=start)
        status = classify(kpi, metrics, policy)
        latest = kpi.latest(as_of)
        expected = None
        if kpi.baseline is not None and metrics.elapsed is not None:
            b = numeric(kpi, kpi.baseline)
            t = float(fc.target)
            expected = b + metrics.elapsed * (t - b)
        stale = None
        if kpi.update_frequency is not None and latest is not None:
            allowed = policy.stale_after * kpi.update_frequency.months * _MONTH_DAYS
            stale = (as_of - latest.as_of).days > allowed
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
                "expected": expected,
                "forecast_value": fc.value,
                "forecast_low": interval[0],
                "forecast_high": interval[1],
                "forecast_achievement": metrics.forecast_achievement,
                "observed_pace": fc.observed_pace,
                "required_pace": fc.required_pace,
                "attainment_date": fc.attainment_date,
                "status": status.value,
                "days_since_update": (as_of - latest.as_of).days if latest is not None else None,
                "stale": stale,
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
    base_day = row["baseline_day"]
    baseline = None
    measured = []
    for d, v, t in points:
        m = Measurement(when=DateSpan.day(d), value=v if v is not None else str(t))
        if d == base_day:
            baseline = m
        else:
            measured.append(m)
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
