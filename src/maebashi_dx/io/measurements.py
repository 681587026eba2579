"""Measurements in a long-format CSV, merged into a plan.

Columns: ``kpi_id,date,value`` and, optionally, ``series,approximate,numerator,
denominator,source,note,label``. Dates may be Japanese ("R4.5", "2022年4月末") or ISO.
Every bad row is reported at once, with its line number; a problem found when the rows
are merged into a plan (a value before the baseline, a text for a numeric KPI, an
unknown KPI) names the file, the line (or the sheet and row of an .xlsx file) and the
KPI. The file is UTF-8 (a byte-order mark allowed) or UTF-16 with a byte-order mark; a
header names each column once; a cell is at most 131,072 characters (the csv module's
limit).

>>> rows = loads_measurements("kpi_id,date,value\\nkpi2,2022-05-31,46.1\\n")
>>> rows[0].kpi_id, rows[0].measurement.value, rows[0].line
('kpi2', 46.1, 2)
"""

from __future__ import annotations

import bisect
import csv
import io
import math
import operator
import os
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date
from itertools import compress, islice
from operator import attrgetter
from pathlib import Path
from typing import overload

import attrs

from maebashi_dx.dates import DateSpan, parse_date
from maebashi_dx.errors import DateParseError, PlanError, Problem
from maebashi_dx.io.files import collector_paused, read_input
from maebashi_dx.io.plain import MAX_DATE_TEXT
from maebashi_dx.model import KPI, Measurement, Plan
from maebashi_dx.model.checks import EARLIEST, LATEST, show, text_problem, texts_found_sound
from maebashi_dx.model.kpi import checked_measurements
from maebashi_dx.model.reference import Reference

__all__ = [
    "MeasurementRow",
    "MeasurementRows",
    "load_measurements",
    "load_reference",
    "loads_measurements",
    "merge_measurements",
    "rows_to_measurements",
    "rows_to_reference",
]

REQUIRED = ("kpi_id", "date", "value")
OPTIONAL = ("series", "approximate", "numerator", "denominator", "source", "note", "label")
_TRUE = {"1", "true", "yes", "y", "t", "約", "approx", "approximate"}
_FALSE = {"", "0", "false", "no", "n", "f"}


@attrs.frozen(kw_only=True)
class MeasurementRow:
    """One CSV row: the KPI it belongs to, the measurement, and where it was read.

    Attributes:
        kpi_id: The KPI the row is for.
        measurement: The measurement it holds.
        line: Its line in a CSV file (the header is line 1), or its row in a sheet.
        source: The file it was read from, if known.
        place: Where it is, in words: ``line 4``, or ``sheet 'data' row 4``; the
            line when not given.
    """

    kpi_id: str
    measurement: Measurement
    line: int
    source: str | None = None
    place: str = ""

    @property
    def where(self) -> str:
        """Where the row is, in words (``line 4``, ``sheet 'data' row 4``)."""
        return self.place or f"line {self.line}"


def _number(text: str, column: str) -> float:
    try:
        value = float(text.replace(",", "").removesuffix("%"))
    except ValueError:
        msg = f"{column}: {show(text)} is not a number"
        raise ValueError(msg) from None
    if not math.isfinite(value):
        msg = f"{column}: {show(text)} is not a finite number"
        raise ValueError(msg)
    return value


def _value(text: str) -> tuple[float | str, bool]:
    """The value, and whether it was written as approximate (約3.5)."""
    text = text.strip()
    approximate = text.startswith("約")
    text = text.removeprefix("約").strip()
    if not text:
        msg = "value: empty"
        raise ValueError(msg)
    try:
        float(text.replace(",", "").removesuffix("%"))
    except ValueError:
        if approximate:
            raise ValueError(f"value: {show(text)} is not a number") from None
        return text, False  # a stage id of a staged KPI; checked against the ladder on merge
    # It reads as a number, so it is one (1e400, nan and inf are errors, not stage ids).
    return _number(text, "value"), approximate


def _row(
    fields: dict[str, str],
    line: int,
    source: str | None,
    place: str,
    spans: dict[str, DateSpan | str] | None = None,
) -> MeasurementRow:
    get = {k: (v or "").strip() for k, v in fields.items() if k is not None}
    for column, cell in get.items():
        problem = text_problem(cell, is_id=column in ("kpi_id", "series"))
        if problem:
            raise ValueError(f"{column}: {problem}")
    kpi_id = get.get("kpi_id", "")
    if not kpi_id:
        msg = "kpi_id: empty"
        raise ValueError(msg)
    when = _span(get.get("date", ""), {} if spans is None else spans)
    if isinstance(when, str):
        raise ValueError(when)
    approx = get.get("approximate", "").lower()
    if approx not in _TRUE | _FALSE:
        msg = f"approximate: {show(approx)} is not true/false"
        raise ValueError(msg)
    numerator = get.get("numerator", "")
    denominator = get.get("denominator", "")
    value, about = _value(get.get("value", ""))
    measurement = Measurement(
        when=when,
        value=value,
        series=get.get("series") or None,
        approximate=about or approx in _TRUE,
        numerator=_number(numerator, "numerator") if numerator else None,
        denominator=_number(denominator, "denominator") if denominator else None,
        source=get.get("source") or None,
        note=get.get("note") or None,
        label=get.get("label") or None,
    )
    return MeasurementRow(
        kpi_id=kpi_id, measurement=measurement, line=line, source=source, place=place
    )


def _span(text: str, spans: dict[str, DateSpan | str]) -> DateSpan | str:
    """The span of a (stripped) date cell, or the row's problem with it; each distinct
    text is parsed once (a national file has a million rows and a few dozen dates)."""
    known = spans.get(text)
    if known is not None:
        return known
    if len(text) > MAX_DATE_TEXT:
        found: DateSpan | str = f"date: a date text is at most {MAX_DATE_TEXT} characters"
    else:
        try:
            found = parse_date(text)
        except DateParseError as exc:
            found = f"date: {exc}"
    spans[text] = found
    return found


def loads_measurements(
    text: str, *, source: str | None = None, progress: Callable[[int], None] | None = None
) -> Sequence[MeasurementRow]:
    """Read measurement rows from CSV text; a leading BOM is allowed.

    The rows are a sequence that compares equal to the tuple of them: a
    :class:`MeasurementRows` (held by column) for a file of the columns
    ``kpi_id,date,value`` without quotes, else a tuple.

    ``progress``, if given, is called with the number of rows read so far, every
    thousand rows (the command line shows a progress bar with it).

    Raises:
        PlanError: Every bad row, each with its line number (the header is line 1).
    """
    text = text.removeprefix("\ufeff")
    if _plain(text):
        try:
            return _Plain(text, source, progress).rows()
        except _NotPlainError as exc:
            if progress is not None and exc.reported:
                # Counts the plain reading reported are not reported twice.
                progress = _after(progress, exc.reported)
    return _loads_csv(text, source=source, progress=progress)


def _loads_csv(
    text: str, *, source: str | None, progress: Callable[[int], None] | None
) -> tuple[MeasurementRow, ...]:
    """Any CSV text, row by row through the csv module (quoted cells, any columns)."""
    reader = csv.reader(io.StringIO(text))
    problems: list[Problem] = []
    records: list[tuple[int, dict[str, str]]] = []
    header: list[str] = []
    try:
        for cells in reader:
            line = reader.line_num
            if not header:
                header = [h.strip() for h in cells]
                if not any(header):
                    header = []  # blank lines before the header
                continue
            if len(cells) > len(header) and any(c.strip() for c in cells[len(header) :]):
                problems.append(Problem(f"line {line}", _MORE_CELLS, line))
                continue
            records.append((line, dict(zip(header, cells, strict=False))))
    except csv.Error as exc:
        line = reader.line_num
        msg = str(exc)
        if "field larger than field limit" in msg:
            msg = f"a cell is over {csv.field_size_limit():,} characters"
        problems.append(Problem(f"line {line}", f"unreadable CSV: {msg[:200]}", line))
    if not header:
        raise PlanError([Problem("header", "the file is empty: no header row", 1)], source=source)
    return rows_to_measurements(
        header, records, source=source, problems=problems, progress=progress
    )


_MORE_CELLS = "more cells than columns"


def _after(progress: Callable[[int], None], reported: int) -> Callable[[int], None]:
    def report(count: int) -> None:
        if count > reported:
            progress(count)

    return report


def _plain(text: str) -> bool:
    """Whether each line of the text is one row, split by the csv module as it is split
    here line by line: no quote, no NUL, and no carriage return but before a newline."""
    return '"' not in text and "\x00" not in text and text.count("\r") == text.count("\r\n")


class _NotPlainError(Exception):
    """The plain reading met what only the row-by-row reading reports as it does."""

    def __init__(self, reported: int = 0) -> None:
        super().__init__()
        self.reported = reported


class MeasurementRows(Sequence[MeasurementRow]):
    """The rows of a CSV file, held by column: each row's measurement, and its KPI id and
    line once for each run of rows of one KPI and of consecutive lines (a national file
    has 1.7 million rows of 35,000 KPIs, in a few dozen blocks of lines).

    A sequence of :class:`MeasurementRow` (a row is made when it is asked for) that
    compares equal to the tuple of the same rows; :func:`merge_measurements` reads its
    columns, so that the rows of a national file are never all made at once.
    """

    __slots__ = (
        "_id_starts",
        "_ids",
        "_line_starts",
        "_lines",
        "_measurements",
        "_read",
        "source",
    )

    def __init__(self, source: str | None = None) -> None:
        self.source = source
        self._read = False  # made by the reader, each cell checked (see _merge)
        self._measurements: list[Measurement] = []
        self._ids: list[str] = []  # the KPI id of each run of rows of one KPI
        self._id_starts: list[int] = []  # the first row of each such run
        self._lines: list[int] = []  # the line of the first row of each run of lines
        self._line_starts: list[int] = []  # the first row of each such run

    def _extend(self, ids: Sequence[str], measurements: Sequence[Measurement], line: int) -> None:
        """Rows of consecutive lines from ``line``: their ids and measurements."""
        first = len(self._measurements)
        if ids:
            changes = compress(range(1, len(ids)), map(operator.ne, ids, islice(ids, 1, None)))
            for i in (0, *changes):
                if i or not self._ids or self._ids[-1] != ids[0]:
                    self._ids.append(ids[i])
                    self._id_starts.append(first + i)
            if not self._lines or self._lines[-1] + first - self._line_starts[-1] != line:
                self._lines.append(line)
                self._line_starts.append(first)
        self._measurements += measurements

    def __len__(self) -> int:
        return len(self._measurements)

    def _row(self, i: int) -> MeasurementRow:
        run = bisect.bisect_right(self._line_starts, i) - 1
        return MeasurementRow(
            kpi_id=self._ids[bisect.bisect_right(self._id_starts, i) - 1],
            measurement=self._measurements[i],
            line=self._lines[run] + i - self._line_starts[run],
            source=self.source,
        )

    @overload
    def __getitem__(self, index: int) -> MeasurementRow: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[MeasurementRow, ...]: ...

    def __getitem__(self, index: int | slice) -> MeasurementRow | tuple[MeasurementRow, ...]:
        if isinstance(index, slice):
            return tuple(map(self._row, range(*index.indices(len(self)))))
        i = operator.index(index)
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            msg = "measurement row index out of range"
            raise IndexError(msg)
        return self._row(i)

    def __iter__(self) -> Iterator[MeasurementRow]:
        return map(self._row, range(len(self)))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, MeasurementRows | tuple):
            return len(self) == len(other) and all(map(operator.eq, self, other))
        return NotImplemented

    def __hash__(self) -> int:
        return hash(tuple(self))

    def __add__(self, other: object) -> tuple[MeasurementRow, ...]:
        if isinstance(other, MeasurementRows | tuple):
            return (*self, *other)
        return NotImplemented

    def __radd__(self, other: object) -> tuple[MeasurementRow, ...]:
        if isinstance(other, tuple):
            return (*other, *self)
        return NotImplemented

    def __repr__(self) -> str:
        return f"<MeasurementRows: {len(self):,} rows from {self.source!r}>"

    def _groups(self) -> dict[str, list[range]]:
        """Each KPI id's rows, as ranges of row numbers in order."""
        groups: dict[str, list[range]] = {}
        ends = [*self._id_starts[1:], len(self)] if self._ids else []
        for kpi_id, start, end in zip(self._ids, self._id_starts, ends, strict=True):
            groups.setdefault(kpi_id, []).append(range(start, end))
        return groups

    def _measurements_of(self, ranges: list[range]) -> list[Measurement]:
        if len(ranges) == 1:
            return self._measurements[ranges[0].start : ranges[0].stop]
        return [self._measurements[i] for part in ranges for i in part]


class _Plain:
    """Plain CSV text (see :func:`_plain`) with the columns ``kpi_id,date,value``, read a
    block of lines at a time: each distinct id and date text is checked once, the values
    are read by ``float`` over a whole block, and the rows are built in bulk. A block
    with anything else in it (an empty or bad cell, a blank line, a cell too many) is
    read row by row by the same function as any CSV, so every problem reads the same.
    """

    _BLOCK = 1 << 20  # characters of text per block of lines

    def __init__(self, text: str, source: str | None, progress: Callable[[int], None] | None):
        self.text = text
        self.source = source
        self.progress = progress
        self.header: list[str] = []
        self.order: tuple[int, int, int] = (0, 1, 2)
        self.count = 0  # records read (the rows after the header but those with a cell too many)
        self.reported = 0
        self.ids: dict[str, str | None] = {}
        self.spans: dict[str, DateSpan | str] = {}
        self.cells: dict[str, DateSpan | None] = {}
        self.numbers = _Numbers()
        self.rows_read = MeasurementRows(source)
        self.rows_read._read = True
        self.problems: list[Problem] = []

    def rows(self) -> MeasurementRows:
        with collector_paused():
            return self._rows()

    def _rows(self) -> MeasurementRows:
        text = self.text
        limit = csv.field_size_limit()
        pos, line = 0, 1
        while pos < len(text):
            end = text.find("\n", pos + self._BLOCK)
            if end == -1:
                block, pos = text[pos:].removesuffix("\n"), len(text)
            else:
                block, pos = text[pos:end], end + 1
            # Every carriage return is before a newline (see _plain): the csv module
            # drops it with the newline.
            block = block.replace("\r\n", "\n").removesuffix("\r")
            self._block(block, line, limit)
            line += block.count("\n") + 1
        if not self.header:
            problem = Problem("header", "the file is empty: no header row", 1)
            raise PlanError([problem], source=self.source)
        if self.problems:
            self.problems.sort(key=lambda p: p.line or 0)
            raise PlanError(self.problems, source=self.source)
        return self.rows_read

    def _block(self, block: str, line: int, limit: int) -> None:
        """The lines of a block (split at its newlines), the first at ``line``; a cell
        over ``limit`` characters (the csv module's) is read as any CSV.

        Without quotes, the csv module splits a line at its commas (a blank line is []
        there, [""] here: either is a blank line to _one).
        """
        if not self.header:
            lines = _lines(block, limit, self.reported)
            for i, text in enumerate(lines):
                cells = text.split(",")
                if any(c.strip() for c in cells):
                    self._read_header(cells)
                    if i + 1 == len(lines):
                        return
                    block, line = "\n".join(lines[i + 1 :]), line + i + 1
                    break
            else:
                return
        # Two commas on every line: the block's cells, three a line, in one list.
        if _THREE_CELLS.fullmatch(block):
            cells = block.replace("\n", ",").split(",")
            if self._bulk([cells[i::3] for i in self.order], line, limit):
                return
        for i, text in enumerate(_lines(block, limit, self.reported), start=line):
            self._one(text.split(","), i)

    def _read_header(self, cells: list[str]) -> None:
        header = [h.strip() for h in cells]
        if len(header) != len(REQUIRED) or set(header) != set(REQUIRED):
            raise _NotPlainError  # other columns: read (and checked) row by row
        self.header = header
        self.order = (header.index("kpi_id"), header.index("date"), header.index("value"))

    def _count(self, records: int) -> None:
        first = self.count
        self.count += records
        if self.progress is not None:
            for done in range((first // 1000 + 1) * 1000, self.count + 1, 1000):
                self.progress(done)
                self.reported = done

    def _one(self, cells: list[str], line: int) -> None:
        """One row, as rows_to_measurements reads it."""
        header = self.header
        if len(cells) > len(header) and any(c.strip() for c in cells[len(header) :]):
            self.problems.append(Problem(f"line {line}", _MORE_CELLS, line))
            return
        self._count(1)
        fields = dict(zip(header, cells, strict=False))
        if not any((v or "").strip() for v in fields.values()):
            return  # a blank line
        try:
            row = _row(fields, line, self.source, "", self.spans)
        except (ValueError, TypeError) as exc:
            self.problems.append(Problem(f"line {line}", str(exc), line))
        else:
            self.rows_read._extend([row.kpi_id], [row.measurement], line)

    def _bulk(self, columns: list[list[str]], line: int, limit: int) -> bool:
        """The rows of a block's cells (the kpi_id, date and value columns), if every
        row is good and no cell is over ``limit`` characters; False if not."""
        ids, days, texts = columns
        distinct_ids, distinct_days = set(ids), set(days)
        if max(map(len, distinct_ids)) > limit or max(map(len, distinct_days)) > limit:
            return False
        for cell in distinct_ids.difference(self.ids):
            self.ids[cell] = _good_id(cell)
        for cell in distinct_days.difference(self.cells):
            self.cells[cell] = _good_date(cell, _span(cell.strip(), self.spans))
        if None in map(self.ids.__getitem__, distinct_ids) or None in map(
            self.cells.__getitem__, distinct_days
        ):
            return False
        if max(map(len, texts)) > min(_LONGEST_NUMBER, limit):
            return False
        # Each distinct number text is one float object: a national file's values have
        # two decimals and repeat (24 bytes each saved), up to a bound on the table.
        read = self.numbers.__getitem__ if len(self.numbers) < _NUMBERS_KEPT else float
        try:
            values = list(map(read, texts))
        except ValueError:
            return False
        if not all(map(math.isfinite, values)):
            return False
        whens = list(map(self.cells.__getitem__, days))
        measurements = checked_measurements(whens, values)  # type: ignore[arg-type]
        self._count(len(ids))
        kpi_ids: list[str] = list(map(self.ids.__getitem__, ids))  # type: ignore[arg-type]
        self.rows_read._extend(kpi_ids, measurements, line)
        return True


def _lines(block: str, limit: int, reported: int) -> list[str]:
    """A block's lines, each read by splitting at its commas if no line is over the csv
    module's ``limit`` (then no cell is); else the text is read as any CSV."""
    lines = block.split("\n")
    if max(map(len, lines)) > limit:
        raise _NotPlainError(reported)  # a cell may be over the csv module's limit
    return lines


# Lines of exactly two commas each: what a block read in bulk is (possessive, so that a
# line without them fails at once, without backtracking).
_THREE_CELLS = re.compile(r"[^,\n]*+,[^,\n]*+,[^,\n]*+(?:\n[^,\n]*+,[^,\n]*+,[^,\n]*+)*+")


class _Numbers(dict[str, float]):
    """float() of each text, computed once (the dict's lookup stays in C)."""

    def __missing__(self, text: str) -> float:
        value = self[text] = float(text)
        return value


_NUMBERS_KEPT = 1 << 16

# A cell that float() reads is a value as the row-by-row reading reads it (that strips the
# same white space float() does, and a number has no comma, % or 約 then), if it is at most
# this long: a longer text is checked as any text (at most MAX_TEXT characters).
_LONGEST_NUMBER = 100


def _good_id(cell: str) -> str | None:
    """A kpi_id cell's id, if the row-by-row reading takes it as is; else None."""
    kpi_id = cell.strip()
    if not kpi_id or text_problem(kpi_id, is_id=True):
        return None
    return kpi_id


def _good_date(cell: str, span: DateSpan | str) -> DateSpan | None:
    """A date cell's span, if the row-by-row reading takes it and makes a measurement
    of it as is; else None."""
    if not isinstance(span, DateSpan) or text_problem(cell.strip()) is not None:
        return None
    return span if span.start >= EARLIEST and span.end <= LATEST else None


def rows_to_measurements(
    header: Sequence[str],
    records: Iterable[tuple[int, dict[str, str]]],
    *,
    source: str | None = None,
    problems: list[Problem] | None = None,
    progress: Callable[[int], None] | None = None,
    unit: str = "line",
) -> tuple[MeasurementRow, ...]:
    """Measurement rows from (line number, {column: text}) records, from CSV or Excel.

    ``unit`` names where a record is, before its number: ``line`` for CSV, ``sheet
    'data' row`` for a sheet.

    Raises:
        PlanError: A missing, unknown or repeated column, or every bad row with its line
            number.
    """
    missing = [c for c in REQUIRED if c not in header]
    unknown = [c for c in header if c and c not in REQUIRED + OPTIONAL]
    repeated = sorted({c for c in header if c and header.count(c) > 1})
    if missing or unknown or repeated:
        parts = []
        if missing:
            parts.append(f"missing column(s) {', '.join(missing)}")
        if unknown:
            parts.append(f"unknown column(s) {', '.join(show(c, 30) for c in unknown[:10])}")
        if repeated:
            parts.append(f"column(s) named twice: {', '.join(show(c, 30) for c in repeated)}")
        raise PlanError([Problem("header", "; ".join(parts), 1)], source=source)
    problems = list(problems or [])
    rows: list[MeasurementRow] = []
    spans: dict[str, DateSpan | str] = {}
    for count, (line, fields) in enumerate(records, start=1):
        if progress is not None and count % 1000 == 0:
            progress(count)
        if not any((v or "").strip() for v in fields.values()):
            continue  # a blank line
        place = f"{unit} {line}"
        try:
            rows.append(_row(fields, line, source, "" if unit == "line" else place, spans))
        except (ValueError, TypeError) as exc:
            problems.append(Problem(place, str(exc), line))
    if problems:
        problems.sort(key=lambda p: p.line or 0)
        raise PlanError(problems, source=source)
    return tuple(rows)


def load_measurements(
    path: str | os.PathLike[str], *, progress: Callable[[int], None] | None = None
) -> Sequence[MeasurementRow]:
    """Read a measurements file: CSV (UTF-8, with or without BOM) or Excel (.xlsx); the
    rows as :func:`loads_measurements` gives them."""
    if Path(path).suffix.lower() in (".xlsx", ".xlsm"):
        from maebashi_dx.io.excel import load_measurements_xlsx  # optional

        return load_measurements_xlsx(path)
    return loads_measurements(read_input(path), source=str(path), progress=progress)


def rows_to_reference(rows: Sequence[MeasurementRow], *, source: str | None = None) -> Reference:
    """A reference series (to pool a KPI toward) from measurement rows of one place: the
    ``kpi_id`` column names it (e.g. 群馬県), each row is dated at its span's end.

    >>> rows = loads_measurements("kpi_id,date,value\\n群馬県,R3.4.1,22.6\\n群馬県,R4.5.1,37.4\\n")
    >>> ref = rows_to_reference(rows)
    >>> ref.label, ref.days[-1], ref.values
    ('群馬県', datetime.date(2022, 5, 1), (22.6, 37.4))

    Raises:
        PlanError: More than one name, a value that is not a number, or two rows on one
            day, each with its line number.
    """
    problems = []
    names = sorted({r.kpi_id for r in rows})
    if len(names) != 1:
        what = ", ".join(names) if names else "none"
        problems.append(Problem("kpi_id", f"a reference names one place; found {what}", 1))
    seen: dict[date, int] = {}
    for r in rows:
        m = r.measurement
        if not isinstance(m.value, float | int):
            problems.append(
                Problem(f"line {r.line}", f"value {show(m.value)} is not a number", r.line)
            )
        if m.as_of in seen:
            msg = f"{m.as_of} is also on line {seen[m.as_of]}"
            problems.append(Problem(f"line {r.line}", msg, r.line))
        seen.setdefault(m.as_of, r.line)
    if problems:
        raise PlanError(problems, source=source)
    ordered = sorted(rows, key=lambda r: r.measurement.as_of)
    return Reference(
        label=names[0],
        days=tuple(r.measurement.as_of for r in ordered),
        values=tuple(float(r.measurement.value) for r in ordered),
    )


def load_reference(path: str | os.PathLike[str]) -> Reference:
    """Read a reference series from a measurements file (CSV or .xlsx) of one place."""
    return rows_to_reference(load_measurements(path), source=str(path))


def merge_measurements(plan: Plan, rows: Iterable[MeasurementRow]) -> Plan:
    """A new plan with the rows added to their KPIs, each series kept in date order.

    A row identical to a measurement already in the plan (or to an earlier row) is
    skipped; a row with the same KPI, series and date but another value is an error, as
    is an unknown KPI id or a value the KPI cannot hold (checked by the KPI itself: a
    text for a numeric KPI, a stage off the ladder, a value dated before the baseline).

    Raises:
        PlanError: Every problem, each naming the file, the CSV line (or sheet and row)
            and the KPI.
    """
    with collector_paused():
        if isinstance(rows, MeasurementRows):
            return _merge(plan, _Parts.of_columns(rows), rows.source or None)
        given = tuple(rows)
        return _merge(
            plan, _Parts.of_rows(given), next((r.source for r in given if r.source), None)
        )


class _Parts:
    """The rows to merge, by KPI id: each KPI's measurements, and its rows when a
    problem is to be named (made then, from columns)."""

    def __init__(
        self,
        ids: Iterable[str],
        measurements: Callable[[str], list[Measurement]],
        rows: Callable[[str], list[MeasurementRow]],
        *,
        read: bool = False,
    ) -> None:
        self.ids = ids
        self.measurements = measurements
        self.rows = rows
        self.read = read  # the rows were read from a file here, every cell checked

    @classmethod
    def of_rows(cls, rows: tuple[MeasurementRow, ...]) -> _Parts:
        by_kpi: dict[str, list[MeasurementRow]] = {}
        for row in rows:
            by_kpi.setdefault(row.kpi_id, []).append(row)
        return cls(by_kpi, lambda kpi_id: list(map(_MEASUREMENT, by_kpi[kpi_id])), by_kpi.get)  # type: ignore[arg-type]

    @classmethod
    def of_columns(cls, rows: MeasurementRows) -> _Parts:
        groups = rows._groups()

        def rows_of(kpi_id: str) -> list[MeasurementRow]:
            return [rows[i] for part in groups[kpi_id] for i in part]

        measurements = rows._measurements_of
        return cls(groups, lambda kpi_id: measurements(groups[kpi_id]), rows_of, read=rows._read)


def _merge(plan: Plan, parts: _Parts, source: str | None) -> Plan:
    problems: list[Problem] = []
    known = {k.id: k for k in plan.kpis}
    unknown = [row for kpi_id in parts.ids if kpi_id not in known for row in parts.rows(kpi_id)]
    # The known ids named once for every unknown row (sorting them for each row made a
    # national file merged into the wrong plan quadratic: minutes before the error).
    close = ", ".join(show(k, 30) for k in sorted(known)[:20]) or "none"
    more = ", …" if len(known) > 20 else ""
    for row in unknown:
        msg = f"unknown KPI {show(row.kpi_id)} (known: {close}{more})"
        problems.append(Problem(row.where, msg, row.line))
    new_kpis = []
    given = set(parts.ids)
    for i, kpi in enumerate(plan.kpis):
        if kpi.id in given:
            merged = _merge_own(kpi, parts.measurements(kpi.id))
            added: list[MeasurementRow] | None = None
            if merged is None:
                added = parts.rows(kpi.id)
                merged, found = _merge_one(kpi, added)
                problems += found
            try:
                kpi = attrs.evolve(kpi, measurements=merged)
            except PlanError as exc:
                problems += _locate(exc, kpi, i, merged, added or parts.rows(kpi.id))
        new_kpis.append(kpi)
    if problems:
        problems.sort(key=lambda p: p.line or 0)
        raise PlanError(problems, source=source)
    kpis = tuple(new_kpis)
    try:
        if not parts.read:
            return attrs.evolve(plan, kpis=kpis)
        # The KPIs' texts are sound: the plan's (checked when it was built; a KPI holds
        # nothing that changes) and the rows' (each cell checked as it was read).
        with texts_found_sound(kpis):
            return attrs.evolve(plan, kpis=kpis)
    except PlanError as exc:
        raise exc.with_source(source) if source else exc from None


_AT = re.compile(r"^\$\.measurements\[(\d+)\]")


def _locate(
    exc: PlanError,
    kpi: KPI,
    index: int,
    merged: tuple[Measurement, ...],
    added: list[MeasurementRow],
) -> list[Problem]:
    """A KPI's problems after a merge, each at the row that caused it.

    The KPI names a measurement by its place in the merged tuple; a problem about a
    row's measurement names that row's line and the KPI, one about the plan's own data
    keeps its path in the plan.
    """
    by_identity = {id(r.measurement): r for r in added}
    out = []
    for problem in exc.problems:
        m = _AT.match(problem.path)
        row = by_identity.get(id(merged[int(m[1])])) if m else None
        if row is not None:
            field = problem.path[m.end() :].removeprefix(".") if m else ""
            column = {"when": "date", "": ""}.get(field, field)
            what = f"{column}: " if column else ""
            msg = f"KPI {show(kpi.id)}: {what}{problem.message}"
            out.append(Problem(row.where, msg, row.line))
        else:
            path = f"$.kpis[{index}]" + problem.path.removeprefix("$")
            out.append(Problem(path, f"KPI {show(kpi.id)}: {problem.message}"))
    return out


_MEASUREMENT = attrgetter("measurement")
_SERIES = attrgetter("series")
_AS_OF = attrgetter("when.end")  # Measurement.as_of


def _merge_one(
    kpi: KPI, rows: list[MeasurementRow]
) -> tuple[tuple[Measurement, ...], list[Problem]]:
    problems: list[Problem] = []
    existing = {(m.series, m.as_of): m for m in kpi.measurements}
    if kpi.baseline is not None:
        existing[(None, kpi.baseline.as_of)] = kpi.baseline
    new: dict[tuple[str | None, object], Measurement] = {}
    first: dict[tuple[str | None, object], MeasurementRow] = {}
    for row in rows:
        m = row.measurement
        key = (m.series, m.as_of)
        old = existing.get(key) or new.get(key)
        if old is not None:
            if old.value != m.value:
                earlier = first.get(key)
                also = f" (from {earlier.where})" if earlier is not None else ""
                series = "" if m.series is None else f" (series {show(m.series)})"
                problems.append(
                    Problem(
                        row.where,
                        f"KPI {show(kpi.id)} already has {show(old.value)}{also} for"
                        f" {m.as_of}{series}; got {show(m.value)}",
                        row.line,
                    )
                )
            continue
        new[key] = m
        first[key] = row
    # A stable sort by date keeps the plan's own order where nothing new is added.
    merged = sorted([*kpi.measurements, *new.values()], key=_AS_OF)
    return tuple(merged), problems


def _merge_own(kpi: KPI, added: list[Measurement]) -> tuple[Measurement, ...] | None:
    """What _merge_one makes of rows of the KPI's own series, each on its own day, by
    loops in C: the rows on a day the KPI has, with the same value, are left out, the
    others added. None for anything else (another series, two rows on one day, another
    value on a day the KPI has), which _merge_one reads row by row."""
    if set(map(_SERIES, added)) != {None}:
        return None
    days = list(map(_AS_OF, added))
    if len(set(days)) != len(days):
        return None
    has = {m.as_of: m for m in kpi.measurements if m.series is None}
    if kpi.baseline is not None:
        has[kpi.baseline.as_of] = kpi.baseline
    known = list(map(has.__contains__, days))
    if any(known):
        for m in compress(added, known):
            if has[m.as_of].value != m.value:
                return None
        added = list(compress(added, map(operator.not_, known)))
    return tuple(sorted([*kpi.measurements, *added], key=_AS_OF))
