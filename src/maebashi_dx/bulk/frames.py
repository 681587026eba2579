"""Reading long-format measurements and KPI definitions into polars frames, checked.

Every problem is reported at once as a :class:`~maebashi_dx.errors.PlanError` naming
the file (or the kind of frame), the line of a CSV file (the header is line 1) or the
row of a frame, and what is wrong, as :func:`maebashi_dx.io.load_measurements` does.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import attrs
import numpy as np
import polars as pl
from numpy.typing import NDArray

from maebashi_dx.dates import parse_date
from maebashi_dx.errors import DateParseError, PlanError, Problem
from maebashi_dx.model import KPI, Direction, KPIKind, Plan
from maebashi_dx.model.checks import EARLIEST, LATEST

__all__ = ["KPITable", "Rows", "Table", "kpi_table", "measurement_frame", "ordinals"]

#: What a table may be: a polars or pandas DataFrame, an Arrow table, or a CSV or
#: Parquet file.
Table = Any

_LISTED = 20  # problems of one kind listed before they are counted


@attrs.frozen(kw_only=True)
class KPITable:
    """The KPIs to assess, one row each, and the KPI objects where they came from a plan.

    Attributes:
        frame: Columns kpi (row number), kpi_id, baseline_day, baseline_value, target,
            due, sign, lower, upper, staged, frequency_months.
        objects: The KPI objects, in the same order, when given as a plan or KPIs.
        start: The plan's start (the period's start for KPIs without a baseline).
    """

    frame: pl.DataFrame
    objects: tuple[KPI, ...] | None
    start: date | None


def _where(source: str, line: int, offset: int) -> tuple[str, int]:
    return (f"line {line + offset}", line + offset) if offset == 2 else (f"row {line}", line)


def _read(table: Table, what: str, numbers: bool = False) -> tuple[pl.DataFrame, str, int]:
    """A frame, the source's name for messages, and how a row's index becomes its line
    (+2 in a CSV file, whose header is line 1; +0 for a frame's row number)."""
    if isinstance(table, str | os.PathLike):
        path = Path(table)
        if not path.is_file():
            raise PlanError([Problem(str(path), f"no such {what} file")], source=str(path))
        try:
            if path.suffix.lower() == ".parquet":
                return pl.read_parquet(path), str(path), 0
            frame = None
            if numbers:  # values as numbers; as texts if some are not (約3.5, stage ids)
                try:
                    frame = pl.read_csv(
                        path,
                        infer_schema_length=0,  # every other column as text: no guessing
                        schema_overrides={"value": pl.Float64},
                    )
                except pl.exceptions.ComputeError:
                    frame = None
            if frame is None:
                frame = pl.read_csv(path, infer_schema_length=0)
        except (pl.exceptions.PolarsError, OSError, UnicodeDecodeError) as exc:
            raise PlanError(
                [Problem(str(path), f"cannot read the {what} file: {exc}")], source=str(path)
            ) from None
        return frame, str(path), 2
    if isinstance(table, pl.DataFrame):
        return table, f"the {what} frame", 0
    module = type(table).__module__.split(".")[0]
    if module == "pyarrow":
        converted = pl.from_arrow(table)
        if isinstance(converted, pl.Series):
            converted = converted.to_frame()
        return converted, f"the {what} Arrow table", 0
    if module == "pandas":
        return pl.from_pandas(table), f"the {what} pandas frame", 0
    msg = (
        f"{what}: expected a polars or pandas DataFrame, an Arrow table or a CSV/Parquet"
        f" path, got {type(table).__name__}"
    )
    raise PlanError([Problem(what, msg)])


def _require(frame: pl.DataFrame, columns: Sequence[str], source: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        found = ", ".join(frame.columns) or "none"
        msg = f"missing column(s) {', '.join(missing)} (found: {found})"
        raise PlanError([Problem("header", msg, 1)], source=source)


def _days(values: pl.Series, name: str) -> tuple[pl.Series, pl.Series]:
    """A date column as days, and why each text that is not a date is not (null where
    fine).

    ISO days are read natively; every other distinct text (Japanese dates, months,
    fiscal years) once with :func:`maebashi_dx.dates.parse_date`, as of its span's end.
    """
    none = pl.Series(name, [None] * len(values), dtype=pl.String)
    if values.dtype == pl.Date:
        return values.alias(name), none
    if values.dtype == pl.Datetime:
        return values.dt.date().alias(name), none
    texts = values.cast(pl.String)
    parsed = texts.str.to_date("%Y-%m-%d", strict=False)
    if parsed.null_count() == 0:  # every text an ISO day
        return parsed.alias(name), none
    texts = texts.str.strip_chars()
    parsed = texts.str.to_date("%Y-%m-%d", strict=False)
    rest = texts.filter(parsed.is_null()).unique().drop_nulls()
    ends: dict[str, date | None] = {}
    reasons: dict[str, str] = {}
    for text in rest.to_list():
        try:
            ends[text] = parse_date(text).end
        except DateParseError as exc:
            ends[text] = None
            reasons[text] = str(exc)
    if ends:
        found = texts.replace_strict(
            list(ends), list(ends.values()), default=None, return_dtype=pl.Date
        )
        parsed = parsed.fill_null(found)
    why = texts.replace_strict(
        list(reasons), list(reasons.values()), default=None, return_dtype=pl.String
    )
    why = pl.select(
        pl.when(texts.is_null() | (texts == "")).then(pl.lit("empty")).otherwise(why)
    ).to_series()
    return parsed.alias(name), why.alias(name)


@attrs.frozen(kw_only=True)
class Rows:
    """A long table's own-series rows, as arrays.

    Attributes:
        kpi: Each row's KPI, as its place in the KPI table.
        day: Each row's day (ordinal).
        value: Each row's number (NaN where the value is a text: a stage id).
        text: The value as written where it is not a number (null elsewhere), or None
            when every value is a number.
        line: Each row's line in the file (the header is line 1), or its row number
            in a frame; None when row ``i`` is line ``i + first_line``.
        first_line: The first row's line (2 in a file, 0 in a frame).
        source: The file, or the kind of frame, for messages.
        in_file: Whether ``line`` counts lines of a file (else rows of a frame).
    """

    kpi: NDArray[np.int64]
    day: NDArray[np.int64]
    value: NDArray[np.float64]
    text: pl.Series | None
    line: NDArray[np.int64] | None
    first_line: int
    source: str
    in_file: bool

    def where(self, i: int) -> tuple[str, int]:
        """Where row ``i`` is, in words, and its line (or row) number."""
        line = int(self.line[i]) if self.line is not None else i + self.first_line
        return (f"line {line}" if self.in_file else f"row {line}"), line


_EPOCH = date(1970, 1, 1).toordinal()
_EPOCH_DAYS = (EARLIEST.toordinal() - _EPOCH, LATEST.toordinal() - _EPOCH)


def ordinals(days: pl.Series) -> NDArray[np.int64]:
    """A polars Date series as day ordinals (``date.toordinal``)."""
    return days.cast(pl.Int32).to_numpy().astype(np.int64) + _EPOCH


def _scan(table: Table) -> tuple[pl.LazyFrame, str, int] | None:
    """A lazy scan of a file or a polars frame (None for other tables)."""
    if isinstance(table, str | os.PathLike):
        path = Path(table)
        if not path.is_file():
            return None
        if path.suffix.lower() == ".parquet":
            return pl.scan_parquet(path), str(path), 0
        csv = pl.scan_csv(path, infer_schema_length=0, schema_overrides={"value": pl.Float64})
        return csv, str(path), 2
    if isinstance(table, pl.DataFrame):
        return table.lazy(), "the measurements frame", 0
    if type(table).__module__.split(".")[0] in ("pyarrow", "pandas"):
        frame, source, offset = _read(table, "measurements")  # zero-copy where it can
        return frame.lazy(), source, offset
    return None


def _fast_rows(table: Table, ids: list[str]) -> Rows | None:
    """The common case, read by a streaming scan at a columnar library's speed and
    memory: every id known, every date an ISO day (or a date column) in range, every
    value a finite number. None otherwise: the detailed reading then says what is
    wrong where."""
    scanned = _scan(table)
    if scanned is None:
        return None
    lazy, source, offset = scanned
    try:
        schema = lazy.collect_schema()
    except (pl.exceptions.PolarsError, OSError):
        return None
    if not {"kpi_id", "date", "value"} <= set(schema.names()):
        return None
    if not schema["value"].is_numeric():
        return None
    when = schema["date"]
    if when == pl.Date:
        day = pl.col("date")
    elif when == pl.Datetime:
        day = pl.col("date").dt.date()
    elif when == pl.String:
        day = pl.col("date").str.to_date("%Y-%m-%d", strict=True)
    else:
        return None
    query, columns = (
        lazy,
        [
            pl.col("kpi_id").cast(pl.String).cast(pl.Enum(ids)).to_physical().alias("kpi"),
            day.cast(pl.Int32).alias("day"),
            pl.col("value").cast(pl.Float64),
        ],
    )
    filtered = "series" in schema.names()
    if filtered:  # the lines of the rows kept, for messages
        series = pl.col("series").cast(pl.String)
        query = query.with_row_index("_line", offset=offset)
        query = query.filter(series.is_null() | (series == ""))
        columns.append(pl.col("_line"))
    query = query.select(columns)
    try:
        frame = query.collect(engine="streaming")
    except (pl.exceptions.PolarsError, OSError):
        return None
    if frame.null_count().sum_horizontal().item() > 0:
        return None
    value = frame["value"].to_numpy()
    days = frame["day"].to_numpy()
    first, last = _EPOCH_DAYS
    if len(days) and (days.min() < first or days.max() > last or not np.isfinite(value).all()):
        return None
    return Rows(
        kpi=frame["kpi"].to_numpy().astype(np.int64),
        day=days.astype(np.int64) + _EPOCH,
        value=value.astype(np.float64, copy=False),
        text=None,
        line=frame["_line"].to_numpy().astype(np.int64) if filtered else None,
        first_line=offset,
        source=source,
        in_file=offset == 2,
    )


def measurement_frame(table: Table, ids: list[str]) -> Rows:
    """The KPI's own measurements of a long table (rows of a secondary ``series`` are
    left out), checked; ``ids`` are the known KPIs.

    Raises:
        PlanError: Missing columns, or rows with an empty or unknown id, a date that
            cannot be read or lies outside 1868..2200, a value that is not a finite
            number or a text.
    """
    fast = _fast_rows(table, ids)
    if fast is not None:
        return fast
    frame, source, offset = _read(table, "measurements", numbers=True)
    _require(frame, ("kpi_id", "date", "value"), source)
    line = pl.int_range(pl.len(), dtype=pl.Int64) + offset
    frame = frame.with_columns(line.alias("_line"))
    if "series" in frame.columns:  # secondary series are reported, never assessed
        series = pl.col("series").cast(pl.String).str.strip_chars()
        frame = frame.filter(series.is_null() | (series == ""))
    ids_column = frame["kpi_id"].cast(pl.String).str.strip_chars()
    day, why = _days(frame["date"], "day")
    value = frame["value"]
    text: pl.Series | None = None
    if value.dtype.is_numeric():
        number = value.cast(pl.Float64)
    else:
        written = value.cast(pl.String).str.strip_chars()
        cleaned = (
            written.str.strip_prefix("約")
            .str.strip_chars()
            .str.replace_all(",", "", literal=True)
            .str.strip_suffix("%")
        )
        number = cleaned.cast(pl.Float64, strict=False)
        text = pl.select(pl.when(number.is_null()).then(written).otherwise(None)).to_series()
    known = ids_column.is_in(pl.Series(ids, dtype=pl.String).implode())
    checks = pl.DataFrame(
        {
            "kpi_id": ids_column,
            "known": known,
            "day": day,
            "why": why,
            "value": number,
            "text": text if text is not None else pl.Series([None] * len(number), dtype=pl.String),
            "line": frame["_line"],
        }
    )
    kpi_empty = pl.col("kpi_id").is_null() | (pl.col("kpi_id") == "")
    no_day = pl.col("why").is_not_null()
    far = pl.col("day").is_not_null() & ~pl.col("day").is_between(EARLIEST, LATEST)
    infinite = pl.col("value").is_not_null() & ~pl.col("value").is_finite()
    empty = pl.col("value").is_null() & (pl.col("text").is_null() | (pl.col("text") == ""))
    unknown = ~kpi_empty & ~pl.col("known")
    if checks.select((kpi_empty | unknown | no_day | far | infinite | empty).any()).item():
        problems: list[Problem] = []
        for bad, message in (
            (kpi_empty, pl.lit("kpi_id: empty")),
            (unknown, pl.lit("unknown KPI '") + pl.col("kpi_id") + pl.lit("'")),
            (no_day, pl.lit("date: ") + pl.col("why")),
            (
                far,
                pl.lit(f"date: outside {EARLIEST} .. {LATEST}: ") + pl.col("day").cast(pl.String),
            ),
            (infinite, pl.lit("value: not a finite number")),
            (empty, pl.lit("value: empty")),
        ):
            problems += _line_problems(checks, bad, message, offset)
        raise PlanError(sorted(problems, key=lambda p: p.line or 0), source=source)
    kpi = ids_column.cast(pl.Enum(ids)).to_physical().to_numpy().astype(np.int64)
    return Rows(
        kpi=kpi,
        day=ordinals(day),
        value=number.fill_null(np.nan).to_numpy().astype(np.float64),
        text=text,
        line=frame["_line"].to_numpy().astype(np.int64),
        first_line=offset,
        source=source,
        in_file=offset == 2,
    )


def _line_problems(
    frame: pl.DataFrame, bad: pl.Expr, message: pl.Expr, offset: int
) -> list[Problem]:
    found = frame.filter(bad)
    out = []
    for row, msg in found.head(_LISTED).select("line", message).iter_rows():
        out.append(Problem(f"line {row}" if offset == 2 else f"row {row}", msg, int(row)))
    if found.height > _LISTED:
        out.append(Problem("…", f"{found.height - _LISTED:,} more rows like these"))
    return out


def _from_kpis(kpis: Sequence[KPI], start: date | None) -> KPITable:
    rows: dict[str, list[Any]] = {
        "kpi_id": [],
        "baseline_day": [],
        "baseline_value": [],
        "target": [],
        "due": [],
        "sign": [],
        "lower": [],
        "upper": [],
        "staged": [],
        "frequency_months": [],
    }
    for kpi in kpis:
        staged = kpi.kind is KPIKind.STAGED
        base = kpi.baseline
        rows["kpi_id"].append(kpi.id)
        rows["baseline_day"].append(base.as_of if base is not None else None)
        rows["baseline_value"].append(
            float(base.value) if base is not None and not staged else None
        )
        rows["target"].append(float(kpi.target.value) if not staged else 0.0)
        rows["due"].append(kpi.target.due)
        rows["sign"].append(float(kpi.direction.sign))
        lower, upper = kpi.bounds if kpi.bounds is not None else (-float("inf"), float("inf"))
        rows["lower"].append(lower)
        rows["upper"].append(upper)
        rows["staged"].append(staged)
        freq = kpi.update_frequency
        rows["frequency_months"].append(freq.months if freq is not None else None)
    frame = pl.DataFrame(rows, schema=_KPI_SCHEMA).with_row_index("kpi")
    return KPITable(frame=frame, objects=tuple(kpis), start=start)


_KPI_SCHEMA = {
    "kpi_id": pl.String,
    "baseline_day": pl.Date,
    "baseline_value": pl.Float64,
    "target": pl.Float64,
    "due": pl.Date,
    "sign": pl.Float64,
    "lower": pl.Float64,
    "upper": pl.Float64,
    "staged": pl.Boolean,
    "frequency_months": pl.Int64,
}

_FREQUENCY = {"monthly": 1, "quarterly": 3, "half_yearly": 6, "yearly": 12}


def kpi_table(kpis: Plan | Sequence[KPI] | Table, start: date | None = None) -> KPITable:
    """The KPI definitions: a plan, KPIs, or a table with columns ``kpi_id, target,
    due`` and optionally ``direction`` (increase/decrease), ``baseline_date``,
    ``baseline_value``, ``lower``, ``upper``, ``update_frequency``.

    Raises:
        PlanError: Missing columns or unreadable cells, each with its line or row.
    """
    if isinstance(kpis, Plan):
        return _from_kpis(kpis.kpis, start or kpis.period.start)
    if isinstance(kpis, list | tuple) and all(isinstance(k, KPI) for k in kpis):
        return _from_kpis(kpis, start)
    frame, source, offset = _read(kpis, "KPI")
    _require(frame, ("kpi_id", "target", "due"), source)
    problems: list[Problem] = []
    n = frame.height

    def column(name: str) -> pl.Series:
        if name in frame.columns:
            return frame[name]
        return pl.Series(name, [None] * n, dtype=pl.String)

    def numbers(name: str, default: float | None) -> pl.Series:
        raw = column(name)
        if raw.dtype.is_numeric():
            out = raw.cast(pl.Float64)
        else:
            text = raw.cast(pl.String).str.strip_chars().str.replace_all(",", "", literal=True)
            out = text.cast(pl.Float64, strict=False)
            bad = text.is_not_null() & (text != "") & out.is_null()
            problems.extend(_rows(bad, f"{name}: not a number", source, offset))
        problems.extend(
            _rows(out.is_not_null() & ~out.is_finite(), f"{name}: not finite", source, offset)
        )
        return out.fill_null(default) if default is not None else out

    ids = column("kpi_id").cast(pl.String).str.strip_chars()
    problems += _rows(ids.is_null() | (ids == ""), "kpi_id: empty", source, offset)
    problems += _rows(ids.is_duplicated(), "kpi_id: given more than once", source, offset)
    target = numbers("target", None)
    problems += _rows(target.is_null(), "target: empty", source, offset)
    due, due_why = _days(column("due"), "due")
    base_day, base_why = _days(column("baseline_date"), "baseline_day")
    for why, name in ((due_why, "due"), (base_why, "baseline_date")):
        for i in why.is_not_null().arg_true().head(_LISTED).to_list():
            if name == "baseline_date" and why[i] == "empty":
                continue
            path, line = _where(source, i, offset)
            problems.append(Problem(path, f"{name}: {why[i]}", line))
    base_day = pl.select(pl.when(base_why == "empty").then(None).otherwise(base_day)).to_series()
    base_value = numbers("baseline_value", None)
    has_day, has_value = base_day.is_not_null(), base_value.is_not_null()
    problems += _rows(
        has_day != has_value, "baseline: give both baseline_date and baseline_value", source, offset
    )
    problems += _rows(
        has_value & (base_value == target), "target: equal to the baseline", source, offset
    )
    direction = column("direction").cast(pl.String).str.strip_chars().fill_null("increase")
    direction = pl.select(
        pl.when(direction == "").then(pl.lit("increase")).otherwise(direction)
    ).to_series()
    known = [d.value for d in Direction]
    problems += _rows(
        ~direction.is_in(known), f"direction: not one of {', '.join(known)}", source, offset
    )
    lower = numbers("lower", -float("inf"))
    upper = numbers("upper", float("inf"))
    problems += _rows(lower >= upper, "bounds: lower is not below upper", source, offset)
    freq_text = column("update_frequency").cast(pl.String).str.strip_chars()
    freq = freq_text.replace_strict(
        list(_FREQUENCY), list(_FREQUENCY.values()), default=None, return_dtype=pl.Int64
    )
    problems += _rows(
        freq_text.is_not_null() & (freq_text != "") & freq.is_null(),
        f"update_frequency: not one of {', '.join(_FREQUENCY)}",
        source,
        offset,
    )
    if problems:
        raise PlanError(problems, source=source)
    table = pl.DataFrame(
        {
            "kpi_id": ids,
            "baseline_day": base_day,
            "baseline_value": base_value,
            "target": target,
            "due": due,
            "sign": pl.select(
                pl.when(direction == "decrease").then(-1.0).otherwise(1.0)
            ).to_series(),
            "lower": lower,
            "upper": upper,
            "staged": pl.Series([False] * n),
            "frequency_months": freq,
        },
        schema=_KPI_SCHEMA,
    ).with_row_index("kpi")
    return KPITable(frame=table, objects=None, start=start)


def _rows(bad: pl.Series, message: str, source: str, offset: int) -> list[Problem]:
    out = []
    where = bad.fill_null(False)
    for i in where.arg_true().head(_LISTED).to_list():
        path, line = _where(source, i, offset)
        out.append(Problem(path, message, line))
    count = int(where.sum())
    if count > _LISTED:
        out.append(Problem("…", f"{count - _LISTED:,} more rows: {message}"))
    return out
