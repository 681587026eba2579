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
import polars as pl

from maebashi_dx.dates import parse_date
from maebashi_dx.errors import DateParseError, PlanError, Problem
from maebashi_dx.model import KPI, Direction, KPIKind, Plan
from maebashi_dx.model.checks import EARLIEST, LATEST

__all__ = ["KPITable", "Table", "kpi_table", "measurement_frame"]

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


def _read(table: Table, what: str) -> tuple[pl.DataFrame, str, int]:
    """A frame, the source's name for messages, and how a row's index becomes its line
    (+2 in a CSV file, whose header is line 1; +0 for a frame's row number)."""
    if isinstance(table, str | os.PathLike):
        path = Path(table)
        if not path.is_file():
            raise PlanError([Problem(str(path), f"no such {what} file")], source=str(path))
        try:
            if path.suffix.lower() == ".parquet":
                return pl.read_parquet(path), str(path), 0
            frame = pl.read_csv(
                path,
                infer_schema_length=0,  # every column as text: no guess decides a value
                encoding="utf8",
            )
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


def _days(column: pl.Expr, frame: pl.DataFrame, name: str) -> tuple[pl.Series, pl.Series]:
    """A date column as days, and the texts that are not dates (null where fine).

    ISO days are read natively; every other distinct text (Japanese dates, months,
    fiscal years) once with :func:`maebashi_dx.dates.parse_date`, as of its span's end.
    """
    values = frame.select(column.alias(name)).to_series()
    if values.dtype == pl.Date:
        return values, pl.Series(name, [None] * len(values), dtype=pl.String)
    if values.dtype == pl.Datetime:
        return values.dt.date(), pl.Series(name, [None] * len(values), dtype=pl.String)
    texts = values.cast(pl.String).str.strip_chars()
    iso = texts.str.contains(r"^\d{4}-\d{2}-\d{2}$")
    parsed = texts.str.to_date("%Y-%m-%d", strict=False)
    rest = texts.filter(~iso.fill_null(False) | parsed.is_null()).unique().drop_nulls()
    ends: dict[str, date | None] = {}
    reasons: dict[str, str] = {}
    for text in rest.to_list():
        try:
            ends[text] = parse_date(text).end
        except DateParseError as exc:
            ends[text] = None
            reasons[text] = str(exc)
    if ends:
        lookup = pl.DataFrame(
            {"_t": list(ends), "_d": list(ends.values())},
            schema={"_t": pl.String, "_d": pl.Date},
        )
        other = pl.DataFrame({"_t": texts}).join(lookup, on="_t", how="left", maintain_order="left")
        parsed = parsed.fill_null(other["_d"])
    why = texts.replace_strict(
        list(reasons), list(reasons.values()), default=None, return_dtype=pl.String
    )
    why = pl.select(
        pl.when(texts.is_null() | (texts == "")).then(pl.lit("empty")).otherwise(why)
    ).to_series()
    return parsed.alias(name), why.alias(name)


def measurement_frame(table: Table) -> tuple[pl.DataFrame, str, int]:
    """The KPI's own measurements of a long table: kpi_id, day, value, text (the value
    as written, for a staged KPI's stage id), line; the source's name; the line offset.

    Raises:
        PlanError: Missing columns, or rows with an empty id, a date that cannot be read
            or lies outside 1868..2200, a value that is not a finite number or a text.
    """
    frame, source, offset = _read(table, "measurements")
    _require(frame, ("kpi_id", "date", "value"), source)
    if "series" in frame.columns:  # secondary series are reported, never assessed
        series = pl.col("series").cast(pl.String).str.strip_chars()
        frame = frame.filter(series.is_null() | (series == ""))
    frame = frame.with_row_index("line")
    if offset == 2:
        frame = frame.with_columns(pl.col("line") + 2)
    problems: list[Problem] = []
    ids = pl.col("kpi_id").cast(pl.String).str.strip_chars()
    frame = frame.with_columns(ids.alias("kpi_id"))
    day, why = _days(pl.col("date"), frame, "day")
    frame = frame.with_columns(day, why.alias("_why"))
    value = frame["value"]
    if value.dtype.is_numeric():
        number = value.cast(pl.Float64)
        text = pl.Series("text", [None] * len(value), dtype=pl.String)
    else:
        text = value.cast(pl.String).str.strip_chars()
        cleaned = (
            text.str.strip_prefix("約")
            .str.strip_chars()
            .str.replace_all(",", "", literal=True)
            .str.strip_suffix("%")
        )
        number = cleaned.cast(pl.Float64, strict=False)
        text = pl.select(pl.when(number.is_null()).then(text).otherwise(None)).to_series()
    frame = frame.with_columns(number.alias("value"), text.alias("text"))
    line = pl.col("line")
    located = frame.with_columns(line.alias("_row"))
    checks = [
        (pl.col("kpi_id").is_null() | (pl.col("kpi_id") == ""), pl.lit("kpi_id: empty")),
        (
            pl.col("_why").is_not_null(),
            pl.lit("date: ") + pl.col("_why"),
        ),
        (
            pl.col("day").is_not_null() & ~pl.col("day").is_between(EARLIEST, LATEST),
            pl.lit(f"date: outside {EARLIEST} .. {LATEST}: ") + pl.col("day").cast(pl.String),
        ),
        (
            pl.col("value").is_not_null() & ~pl.col("value").is_finite(),
            pl.lit("value: not a finite number"),
        ),
        (
            pl.col("value").is_null() & (pl.col("text").is_null() | (pl.col("text") == "")),
            pl.lit("value: empty"),
        ),
    ]
    for bad, message in checks:
        problems += _line_problems(located, bad, message, offset)
    if problems:
        raise PlanError(sorted(problems, key=lambda p: p.line or 0), source=source)
    return frame.select("kpi_id", "day", "value", "text", "line"), source, offset


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
    probe = pl.DataFrame({"due": column("due"), "base": column("baseline_date")})
    due, due_why = _days(pl.col("due"), probe, "due")
    base_day, base_why = _days(pl.col("base"), probe, "baseline_day")
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
