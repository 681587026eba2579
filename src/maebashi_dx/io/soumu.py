"""The official My Number card figures: 総務省「マイナンバーカード交付状況について」.

Reads the CSV layout as compiled by Code for Japan (``as_of_date, prefecture,
municipality, population, cards_issued, issuance_rate_pct, population_base_date,
issuance_count_date, local_gov_code``) and the Japanese headers of the ministry's own
tables (団体コード, 都道府県名, 市区町村名, 人口, 交付枚数, 交付率...). It tolerates a
BOM, UTF-8 or Shift_JIS (cp932), gzip, and 団体コード written with or without the
leading zero and with or without the check digit.

From it, :func:`mynumber_kpi` builds a KPI for any municipality (by code or name) or
prefecture (by name), its measurements carrying cards issued and population. Without a
file, the figures packaged with the library are used (to 2022-05-01:
:func:`maebashi_dx.datasets.mynumber_cards`).

>>> mynumber_check_digit("10201"), normalise_code("102016"), code_candidates("11002")
(6, '10201', ('11002', '01100'))
"""

from __future__ import annotations

import csv
import difflib
import functools
import io
import os
import re
import zlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import date
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import TypeVar

import attrs

from maebashi_dx.dates import DateSpan, parse_date
from maebashi_dx.errors import DateParseError, MaebashiDXError, PlanError, Problem
from maebashi_dx.model import KPI, Frequency, Measurement, Series, Target
from maebashi_dx.model.reference import Reference

__all__ = [
    "CardRow",
    "CardTable",
    "UnknownMunicipalityError",
    "code_candidates",
    "load_mynumber",
    "mynumber_check_digit",
    "mynumber_kpi",
    "mynumber_reference",
    "mynumber_rows",
    "normalise_code",
]

# Each field, and the headers it may appear under (Code for Japan's, then the ministry's).
_HEADERS: dict[str, tuple[str, ...]] = {
    "as_of_date": ("as_of_date", "基準日", "集計日", "時点", "日付"),
    "prefecture": ("prefecture", "都道府県名", "都道府県"),
    "municipality": ("municipality", "市区町村名", "市区町村", "団体名", "category", "区分"),
    "population": ("population", "人口", "総数（人口）", "総数(人口)", "住民基本台帳人口"),
    "cards_issued": ("cards_issued", "交付枚数", "交付件数", "累計交付枚数"),
    "issuance_rate_pct": (
        "issuance_rate_pct",
        "交付率",
        "人口に対する交付枚数率",
        "人口に対する交付率",
        "交付率（％）",
        "交付率(%)",
    ),
    "population_base_date": ("population_base_date", "人口基準日"),
    "local_gov_code": (
        "local_gov_code",
        "団体コード",
        "全国地方公共団体コード",
        "地方公共団体コード",
    ),
}
_REQUIRED = ("as_of_date", "population", "cards_issued")
_T = TypeVar("_T")

# JIS X 0401: a code's first two digits are its prefecture's number.
_PREFECTURES = [
    "北海道",
    "青森県",
    "岩手県",
    "宮城県",
    "秋田県",
    "山形県",
    "福島県",
    "茨城県",
    "栃木県",
    "群馬県",
    "埼玉県",
    "千葉県",
    "東京都",
    "神奈川県",
    "新潟県",
    "富山県",
    "石川県",
    "福井県",
    "山梨県",
    "長野県",
    "岐阜県",
    "静岡県",
    "愛知県",
    "三重県",
    "滋賀県",
    "京都府",
    "大阪府",
    "兵庫県",
    "奈良県",
    "和歌山県",
    "鳥取県",
    "島根県",
    "岡山県",
    "広島県",
    "山口県",
    "徳島県",
    "香川県",
    "愛媛県",
    "高知県",
    "福岡県",
    "佐賀県",
    "長崎県",
    "熊本県",
    "大分県",
    "宮崎県",
    "鹿児島県",
    "沖縄県",
]
_PREFECTURE_NUMBER = {name: f"{i:02d}" for i, name in enumerate(_PREFECTURES, start=1)}


class UnknownMunicipalityError(MaebashiDXError, LookupError):
    """No municipality or prefecture matches; the message suggests close names.

    Attributes:
        query: What was asked for.
        suggestions: Close matches, "name (code)".
    """

    def __init__(self, query: str, suggestions: Sequence[str], reason: str = "") -> None:
        self.query = query
        self.suggestions = tuple(suggestions)
        self.reason = reason or f"no municipality or prefecture {query!r}"
        hint = f"; did you mean: {', '.join(self.suggestions)}?" if self.suggestions else ""
        super().__init__(f"{self.reason}{hint}")

    def __reduce__(self) -> tuple[object, ...]:
        return (UnknownMunicipalityError, (self.query, self.suggestions, self.reason))


def mynumber_check_digit(code5: str) -> int:
    """The check digit of a 5-digit 全国地方公共団体コード (JIS X 0402's rule): the digits
    weighted 6, 5, 4, 3, 2; the last digit of 11 minus the sum's remainder by 11."""
    total = sum(int(d) * w for d, w in zip(code5, (6, 5, 4, 3, 2), strict=True))
    return (11 - total % 11) % 10


def code_candidates(text: str) -> tuple[str, ...]:
    """The 5-digit codes (without the check digit) a written 団体コード may mean.

    6 digits carry the check digit, which must be right. 5 digits are either a code
    without its check digit ("10201", 前橋市) or a 6-digit code whose leading zero was
    dropped ("11002" for 札幌市 011002); both readings are returned when both are
    possible, and the data decide. 4 digits are a code without its leading zero and
    check digit ("1100").

    Raises:
        ValueError: Not a code, or a wrong check digit.
    """
    digits = re.sub(r"\D", "", text)
    if len(digits) == 6:
        expected = mynumber_check_digit(digits[:5])
        if expected != int(digits[5]):
            msg = f"{text!r}: the check digit of {digits[:5]} is {expected}, not {digits[5]}"
            raise ValueError(msg)
        return (digits[:5],)
    if len(digits) == 5:
        padded = "0" + digits
        if mynumber_check_digit(padded[:5]) == int(padded[5]):
            return (digits, padded[:5])
        return (digits,)
    if len(digits) == 4:
        return ("0" + digits,)
    msg = f"{text!r} is not a local government code (団体コード)"
    raise ValueError(msg)


def normalise_code(text: str) -> str:
    """The first reading of :func:`code_candidates` (exact for 4 and 6 digits)."""
    return code_candidates(text)[0]


@attrs.frozen(kw_only=True)
class CardRow:
    """One snapshot of one municipality (or prefecture, or Japan)."""

    as_of: date
    prefecture: str
    municipality: str
    code: str | None
    population: int
    cards_issued: int
    rate_pct: float
    population_base_date: date | None

    @property
    def name(self) -> str:
        """The display name: the municipality, or the prefecture for a prefecture row."""
        return self.municipality or self.prefecture


@attrs.frozen(kw_only=True)
class CardTable:
    """Snapshots grouped by place, each series oldest first."""

    source: str
    series: Mapping[str, tuple[CardRow, ...]]  # key: code, or name for rows without a code

    def find(self, query: str) -> tuple[CardRow, ...]:
        """The series for a code (any accepted form) or an exact name.

        Raises:
            UnknownMunicipalityError: Nothing matches; the message suggests names.
        """
        key = query.strip()
        problem = ""
        candidates: tuple[str, ...] = ()
        if re.fullmatch(r"[\d\s-]+", key):
            try:
                candidates = code_candidates(key)
            except ValueError as exc:
                problem = str(exc)
            for code in candidates:
                if code in self.series:
                    return self.series[code]
            digits = re.sub(r"\D", "", key)
            near = candidates[0] if candidates else digits[:5].rjust(5, "0")
            raise UnknownMunicipalityError(key, self._near(near), problem)
        matches = [
            rows
            for rows in self.series.values()
            if key in {rows[-1].name, f"{rows[-1].prefecture}{rows[-1].municipality}"}
        ]
        if len(matches) == 1:
            return matches[0]
        if matches:
            options = [f"{r[-1].prefecture}{r[-1].name} ({r[-1].code})" for r in matches]
            raise UnknownMunicipalityError(key, options, f"{key!r} names more than one place")
        raise UnknownMunicipalityError(key, self._similar(key))

    def _label(self, rows: tuple[CardRow, ...]) -> str:
        last = rows[-1]
        return f"{last.name} ({last.code})" if last.code else last.name

    def _near(self, code: str) -> list[str]:
        """Places whose codes are nearest, within the same prefecture."""
        same = [c for c in self.series if c[:2] == code[:2] and c.isdigit()]
        same.sort(key=lambda c: abs(int(c) - int(code)))
        return [self._label(self.series[c]) for c in same[:5]]

    def _similar(self, key: str) -> list[str]:
        """Places whose names are closest (difflib), with their codes."""
        names: dict[str, str] = {}
        for rows in self.series.values():
            names.setdefault(rows[-1].name, self._label(rows))
            names.setdefault(f"{rows[-1].prefecture}{rows[-1].municipality}", self._label(rows))
        close = difflib.get_close_matches(key, list(names), n=8, cutoff=0.5)
        return list(dict.fromkeys(names[k] for k in close))[:5]


# Bounds on hostile input. The ministry's complete monthly series is a few MB; a date or
# a number is a few characters; a message lists the first problems and counts the rest.
_MAX_BYTES = 256 * 1024 * 1024
_MAX_DATE_TEXT = 64
_MAX_NUMBER_TEXT = 32
_MAX_LISTED = 50
_GZIP_MAGIC = b"\x1f\x8b"
# Cc characters other than tab, line feed and carriage return (C0, DEL and C1).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Half-width katakana: no ministry table uses them, but EUC-JP read as Shift_JIS is full of them.
_HALF_WIDTH_KANA = re.compile(r"[\uff61-\uff9f]")
_INTEGER = re.compile(r"-?(?:\d{1,3}(?:,\d{3})+|\d+)")
_DECIMAL = re.compile(r"-?\d+(?:\.(\d+))?%?")


def _shown(text: str) -> str:
    """A cell as quoted in a message, cut short: unbounded input is never formatted."""
    return repr(text if len(text) <= 40 else text[:40] + "…")


def _line_in(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _failure(source: str, message: str, line: int | None) -> PlanError:
    where = f"line {line}" if line is not None else "$"
    return PlanError([Problem(where, message, line)], source=source)


def _gunzip(raw: bytes, source: str) -> bytes:
    """The content of a gzip file, member after member (as ``gzip`` reads it), bounded in
    size; a corrupt or truncated file names the line its readable content reached."""
    out = bytearray()
    rest = raw
    chunk = 1 << 16
    while rest:
        inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)  # 16+: gzip header, CRC
        consumed = len(rest)
        for i in range(0, len(rest), chunk):
            before = inflater.copy()
            try:
                out += inflater.decompress(rest[i : i + chunk])
            except zlib.error as exc:
                out += _readable(before, rest[i : i + chunk])
                msg = f"corrupt gzip data ({exc}) after {len(out):,} readable bytes"
                raise _failure(source, msg, out.count(b"\n") + 1) from None
            if len(out) > _MAX_BYTES:
                msg = f"more than {_MAX_BYTES:,} bytes once decompressed"
                raise _failure(source, msg, None)
            if inflater.eof:
                consumed = i + min(chunk, len(rest) - i) - len(inflater.unused_data)
                break
        if not inflater.eof:
            msg = f"the gzip data ends early (a truncated file?) after {len(out):,} bytes"
            raise _failure(source, msg, out.count(b"\n") + 1)
        rest = rest[consumed:]
        if rest and not rest.startswith(_GZIP_MAGIC):
            if rest.strip(b"\x00"):
                msg = "data after the end of the gzip stream (a damaged file?)"
                raise _failure(source, msg, out.count(b"\n") + 1)
            rest = b""  # zero padding, which gzip also ignores
    return bytes(out)


def _readable(inflater: zlib._Decompress, data: bytes) -> bytes:
    """What a decompressor yields from data before it meets the corruption in it."""
    out = bytearray()
    for i in range(len(data)):
        try:
            out += inflater.decompress(data[i : i + 1])
        except zlib.error:
            break
    return bytes(out)


def _decode(raw: bytes, source: str) -> str:
    """UTF-8 (a BOM is fine) or Shift_JIS (cp932, as the ministry publishes), and nothing
    else: a UTF-16 file, a damaged UTF-8 file or EUC-JP is an error, never mojibake."""
    expected = "expected UTF-8 (a BOM is fine) or Shift_JIS"
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _failure(source, f"UTF-16 text; {expected}", 1)
    nul = raw.find(b"\x00")
    if nul >= 0:
        msg = f"a NUL byte (UTF-16 without a BOM, or not a text file); {expected}"
        raise _failure(source, msg, _line_in(raw, nul))
    try:
        return raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        utf8_error = exc
    # Shift_JIS read as UTF-8 is almost all invalid sequences; UTF-8 with a damaged
    # byte or two is almost all valid ones.
    lenient = raw.decode("utf-8", errors="replace")
    invalid = lenient.count("\ufffd")
    valid = sum(1 for ch in lenient if ord(ch) > 0x7F) - invalid
    if valid > invalid:
        bad = raw[utf8_error.start]
        msg = f"invalid UTF-8 (byte 0x{bad:02x}) in a file that is otherwise UTF-8"
        raise _failure(source, msg, _line_in(raw, utf8_error.start))
    try:
        text = raw.decode("cp932")
    except UnicodeDecodeError as exc:
        msg = f"byte 0x{raw[exc.start]:02x} is neither UTF-8 nor Shift_JIS; {expected}"
        raise _failure(source, msg, _line_in(raw, exc.start)) from None
    kana = _HALF_WIDTH_KANA.search(text)
    if kana is not None:
        msg = f"read as Shift_JIS this has half-width katakana (EUC-JP?); {expected}"
        raise _failure(source, msg, text.count("\n", 0, kana.start()) + 1)
    return text


def _records(text: str, source: str) -> Iterator[tuple[int, list[str]]]:
    """The CSV records with the line each starts on; a CSV syntax error is a PlanError."""
    # strict: a quote never closed, or text after a closing quote, is an error, not a
    # row silently run together with the rest of the file.
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    line = 1
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            if "field limit" in str(exc):
                msg = f"a cell longer than {csv.field_size_limit():,} characters"
            elif "unexpected end of data" in str(exc):
                msg = "a quoted cell that begins on this line is never closed"
            else:
                msg = f"unreadable CSV: {exc}"
            raise _failure(source, msg, line) from None
        yield line, record
        line = reader.line_num + 1


def _columns(header: Sequence[str]) -> tuple[dict[str, int], list[str]]:
    """Each field's column, and a problem for each field the header names twice."""
    normal = [unicodedata_nfkc(h).strip() for h in header]
    found: dict[str, int] = {}
    twice: list[str] = []
    for field, names in _HEADERS.items():
        accepted = {unicodedata_nfkc(n) for n in names}
        where = [i for i, h in enumerate(normal) if h in accepted]
        if where:
            found[field] = where[0]
        if len(where) > 1:
            both = " and ".join(_shown(header[i].strip()) for i in where)
            twice.append(f"{both} are both the {field} column")
    return found, twice


def unicodedata_nfkc(text: str) -> str:
    """NFKC-normalised text (full-width brackets and digits made half-width)."""
    import unicodedata

    return unicodedata.normalize("NFKC", text)


def _integer(text: str) -> int:
    """A whole number as the ministry prints it, with or without thousands separators."""
    normal = unicodedata_nfkc(text).strip()
    if len(normal) > _MAX_NUMBER_TEXT or not _INTEGER.fullmatch(normal):
        msg = f"not a whole number: {_shown(text)}"
        raise ValueError(msg)
    return int(normal.replace(",", ""))


def _percent(text: str) -> tuple[float, int]:
    """A rate in %, and how many decimals it was printed with."""
    normal = unicodedata_nfkc(text).strip()
    match = _DECIMAL.fullmatch(normal) if len(normal) <= _MAX_NUMBER_TEXT else None
    if match is None:
        msg = f"not a decimal number: {_shown(text)}"
        raise ValueError(msg)
    return float(normal.removesuffix("%")), len(match.group(1) or "")


@functools.lru_cache(maxsize=4096)
def _day(text: str) -> date:
    # A file repeats a few dozen dates tens of thousands of times: read each once.
    span = parse_date(text)
    return span.start if span.precision.value == "day" else span.end


def _date(text: str) -> date:
    if len(text) > _MAX_DATE_TEXT:
        msg = f"too long for a date: {_shown(text)}"
        raise ValueError(msg)
    return _day(text)


def _resolve(candidates: tuple[str, ...], prefecture: str) -> str:
    """Choose the reading of a written code whose prefecture digits fit the row.

    Raises:
        ValueError: No reading is a code of the row's prefecture (JIS X 0401 numbers).
    """
    for code in candidates:
        if not 1 <= int(code[:2]) <= len(_PREFECTURES):
            continue
        if prefecture not in _PREFECTURE_NUMBER or code[:2] == _PREFECTURE_NUMBER[prefecture]:
            return code
    readings = ", ".join(candidates)
    if prefecture in _PREFECTURE_NUMBER:
        msg = f"{readings} is not a code in {prefecture} ({_PREFECTURE_NUMBER[prefecture]}…)"
    else:
        msg = f"{readings}: its first two digits are not a prefecture's number (01–47)"
    raise ValueError(msg)


def _row(
    record: Sequence[str], cols: Mapping[str, int], header: Sequence[str], line: int
) -> CardRow | list[Problem]:
    """One row read and checked, or every problem in it, each naming its column."""
    problems: list[Problem] = []

    def cell(field: str) -> str:
        i = cols.get(field)
        return record[i].strip() if i is not None and i < len(record) else ""

    def bad(field: str, message: str) -> None:
        i = cols.get(field)
        column = header[i].strip() if i is not None else field
        problems.append(Problem(column, message, line))

    def read(field: str, how: Callable[[str], _T], required: bool = True) -> _T | None:
        text = cell(field)
        if not text:
            if required:
                bad(field, "empty")
            return None
        try:
            return how(text)
        except (ValueError, DateParseError) as exc:
            bad(field, str(exc))
            return None

    prefecture, municipality = cell("prefecture"), cell("municipality")
    if not (prefecture or municipality):
        bad("municipality" if "municipality" in cols else "prefecture", "no name")
    as_of = read("as_of_date", _date)
    base = read("population_base_date", _date, required=False)
    if as_of is not None and base is not None and base > as_of:
        bad("population_base_date", f"{base} is after the row's date {as_of}")
    population = read("population", _integer)
    if population is not None and population <= 0:
        bad("population", f"must be greater than 0, not {population:,}")
        population = None
    cards = read("cards_issued", _integer)
    if cards is not None and cards < 0:
        bad("cards_issued", f"must be 0 or more, not {cards:,}")
        cards = None
    printed = read("issuance_rate_pct", _percent, required=False)
    rate = None
    if printed is not None:
        rate, decimals = printed
        if rate < 0:
            bad("issuance_rate_pct", f"must be 0 or more, not {rate}")
        elif population is not None and cards is not None:
            # The ministry's rate is cards ÷ population in %, printed to one decimal; its
            # own rounding is off by up to 0.06 in a few rows, so one unit of the last
            # printed decimal is allowed.
            exact = 100 * cards / population
            if abs(rate - exact) > 10.0**-decimals + 1e-9:
                msg = (
                    f"{cell('issuance_rate_pct')} is not cards ÷ population = "
                    f"{cards:,} / {population:,} = {exact:.2f}%"
                )
                bad("issuance_rate_pct", msg)
    raw_code = cell("local_gov_code")
    code = None
    if raw_code:
        try:
            code = _resolve(code_candidates(raw_code), prefecture)
        except ValueError as exc:
            bad("local_gov_code", str(exc))
    if problems or as_of is None or population is None or cards is None:
        return problems
    return CardRow(
        as_of=as_of,
        prefecture=prefecture,
        municipality=municipality,
        code=code,
        population=population,
        cards_issued=cards,
        rate_pct=rate if rate is not None else round(100 * cards / population, 1),
        population_base_date=base,
    )


def _listed(problems: list[Problem], source: str) -> PlanError:
    shown = problems[:_MAX_LISTED]
    if len(problems) > _MAX_LISTED:
        shown.append(Problem("$", f"and {len(problems) - _MAX_LISTED:,} more problems"))
    return PlanError(shown, source=source)


def _table(text: str, source: str) -> CardTable:
    """The rows of a decoded CSV, every one checked; all problems raised at once."""
    if not text.strip():
        raise _failure(source, "empty file; expected a header line, then one row a line", 1)
    bad_char = _CONTROL.search(text)
    if bad_char is not None:
        msg = f"a control character (U+{ord(bad_char.group()):04X})"
        raise _failure(source, msg, text.count("\n", 0, bad_char.start()) + 1)
    records = _records(text, source)
    header_line, header = next(records)
    cols, twice = _columns(header)
    missing = [f for f in _REQUIRED if f not in cols]
    if not ({"municipality", "prefecture"} & cols.keys()):
        missing.append("municipality or prefecture")
    if missing:
        twice.insert(0, f"missing column(s): {', '.join(missing)}")
    if twice:
        raise PlanError([Problem("header", p, header_line) for p in twice], source=source)
    rows: dict[str, list[CardRow]] = defaultdict(list)
    seen: dict[tuple[str, date], int] = {}
    problems: list[Problem] = []
    width = len(header)
    for line, record in records:
        if not any(cell.strip() for cell in record):
            continue
        if any(cell.strip() for cell in record[width:]):
            msg = (
                f"{len(record)} cells where the header has {width} "
                "(a number with an unquoted thousands separator?)"
            )
            problems.append(Problem(f"line {line}", msg, line))
            continue
        row = _row(record, cols, header, line)
        if isinstance(row, list):
            problems += row
            continue
        key = row.code or f"{row.prefecture}/{row.municipality}"
        first = seen.setdefault((key, row.as_of), line)
        if first != line:
            msg = f"a second row for {_shown(row.name)} on {row.as_of} (the first: line {first})"
            problems.append(Problem(header[cols["as_of_date"]].strip(), msg, line))
            continue
        rows[key].append(row)
    if problems:
        raise _listed(problems, source)
    if not rows:
        raise _failure(source, "no rows after the header", header_line + 1)
    # The ministry's files are in date order, but nothing depends on it: each series is sorted.
    series = {k: tuple(sorted(v, key=lambda r: r.as_of)) for k, v in rows.items()}
    return CardTable(source=source, series=series)


def load_mynumber(path: str | os.PathLike[str] | Traversable) -> CardTable:
    """Read a My Number card issuance CSV (plain or gzip; UTF-8 or Shift_JIS).

    Every row is checked, and every problem is reported at once with its line and its
    column: the population is a whole number above 0, the cards a whole number of 0 or
    more (thousands separators are fine; ``1.5``, ``nan``, ``inf`` and ``1e400`` are
    not), the printed rate agrees with cards ÷ population to one unit of its last
    decimal, the dates are dates and the population base date is not after the row's,
    a 団体コード is a code of the row's prefecture, and no place has two rows for one
    day. Rows may come in any order. The cards may exceed the population (counted on
    different days, a growing place could pass 100%); none does in the packaged data.

    Args:
        path: The file, or a packaged resource (``importlib.resources``).

    Raises:
        PlanError: The file cannot be read (not found, a corrupt or truncated gzip, an
            encoding other than UTF-8 or Shift_JIS, a control character, a cell over
            the csv module's field size limit, no rows), a column is missing or named
            twice, or rows have problems; each names the file and the line.
    """
    if not isinstance(path, (str, os.PathLike, Traversable)):
        msg = f"expected a file path, not {type(path).__name__}"
        raise PlanError([Problem("$", msg)], source=_shown(str(path)))
    source = str(path)
    try:
        raw = path.read_bytes() if isinstance(path, Traversable) else Path(path).read_bytes()
    except FileNotFoundError:
        raise _failure(source, "file not found", None) from None
    except OSError as exc:
        raise _failure(source, f"cannot read: {exc.strerror or exc}", None) from None
    if raw.startswith(_GZIP_MAGIC):
        raw = _gunzip(raw, source)
    elif len(raw) > _MAX_BYTES:
        raise _failure(source, f"more than {_MAX_BYTES:,} bytes", None)
    return _table(_decode(raw, source), source)


def mynumber_kpi(
    code_or_name: str,
    *,
    source: str | os.PathLike[str] | Traversable | CardTable | None = None,
    target: float = 90.0,
    deadline: str | DateSpan = "2022年度",
    baseline: date | None = None,
    kpi_id: str | None = None,
) -> KPI:
    """A My Number card KPI for one place, from the official figures.

    The value is the ministry's own issuance rate (cards ÷ population, in %); each
    measurement keeps the cards issued (numerator) and the population (denominator).
    When the population base moves (each year), the measurement says so in its note,
    since the rate can then dip while the cards still rise.

    Args:
        code_or_name: A 団体コード in any accepted form (``102016``, ``10201``), or a
            name (``前橋市``, ``群馬県前橋市``, ``群馬県`` with the prefecture file).
        source: Your own (e.g. newer) CSV file, or a table already read with
            :func:`load_mynumber`; by default the packaged figures to 2022-05-01
            (:func:`maebashi_dx.datasets.mynumber_cards`), the nation's, the
            prefectures' and the municipalities'.
        target: The target rate in %, e.g. 90 as Maebashi set.
        deadline: When, as a date text (``"2022年度"``, ``"令和4年度末"``) or a span.
        baseline: The first snapshot on or after this day is the baseline; the first
            snapshot of all if None.
        kpi_id: The KPI's id; ``mynumber-<code>`` by default.

    Raises:
        UnknownMunicipalityError: No such place; the message suggests close names.
        PlanError: The file cannot be read, or has bad rows (see :func:`load_mynumber`).

    >>> kpi = mynumber_kpi("102016", baseline=date(2021, 4, 1))
    >>> kpi.name, kpi.latest().value, kpi.latest().denominator
    ('群馬県前橋市: マイナンバーカード交付率を90%にする', 45.0, 335055.0)
    """
    table, rows = _lookup(code_or_name, source)
    if baseline is not None:
        rows = tuple(r for r in rows if r.as_of >= baseline)
        if not rows:
            msg = f"no figures for {code_or_name!r} on or after {baseline}"
            raise PlanError([Problem("$.baseline", msg)], source=table.source)
    measurements = list(_measurements(rows))
    last = rows[-1]
    ident = kpi_id or f"mynumber-{last.code or last.name}"
    place = f"{last.prefecture}{last.municipality}" if last.municipality else last.prefecture
    return KPI(
        id=ident,
        name=f"{place}: マイナンバーカード交付率を{target:g}%にする",
        name_en=f"{place}: My Number card issuance rate of {target:g}%",
        unit="%",
        bounds=(0.0, 100.0),
        update_frequency=Frequency.MONTHLY,
        decimals=1,  # the ministry prints rates to one decimal: 45.0%
        value_label="交付",
        value_label_en="issued",
        series=(Series(id="cards", label="交付枚数", label_en="cards issued"),),
        target=Target(
            value=target,
            deadline=parse_date(deadline) if isinstance(deadline, str) else deadline,
        ),
        baseline=measurements[0],
        measurements=tuple(measurements[1:]),
    )


def mynumber_reference(
    code_or_name: str,
    *,
    source: str | os.PathLike[str] | Traversable | CardTable | None = None,
) -> Reference:
    """A place's issuance rate as a series to pool a KPI toward: a city's prefecture
    (from ``prefectures.csv``) or the nation (``全国`` in ``japan_by_type.csv``).

    Args:
        code_or_name: A prefecture (``群馬県``), ``全国``, or any place
            :func:`mynumber_kpi` accepts.
        source: Your own CSV file or a table read with :func:`load_mynumber`; by
            default the packaged figures, as for :func:`mynumber_kpi`.

    Raises:
        UnknownMunicipalityError: No such place; the message suggests close names.
        PlanError: The file cannot be read, or has bad rows (see :func:`load_mynumber`).

    >>> gunma = mynumber_reference("群馬県")
    >>> gunma.label, gunma.days[-1], gunma.values[-1]
    ('群馬県', datetime.date(2022, 5, 1), 37.4)
    """
    _, rows = _lookup(code_or_name, source)
    return Reference(
        label=rows[-1].name,
        days=tuple(r.as_of for r in rows),
        values=tuple(r.rate_pct for r in rows),
    )


def mynumber_rows(
    code_or_name: str,
    *,
    source: str | os.PathLike[str] | Traversable | CardTable | None = None,
) -> tuple[CardRow, ...]:
    """A place's snapshots, oldest first, found as :func:`mynumber_kpi` finds them.

    Args:
        code_or_name: A 団体コード, a municipality, a prefecture or ``全国``.
        source: Your own CSV file or a table read with :func:`load_mynumber`; by
            default the packaged figures, as for :func:`mynumber_kpi`.

    Raises:
        UnknownMunicipalityError: No such place; the message suggests close names.
        PlanError: The file cannot be read, or has bad rows (see :func:`load_mynumber`).

    >>> latest = mynumber_rows("前橋市")[-1]
    >>> latest.prefecture, latest.code, f"{latest.cards_issued:,} / {latest.population:,}"
    ('群馬県', '10201', '150,873 / 335,055')
    """
    return _lookup(code_or_name, source)[1]


def _lookup(
    code_or_name: str, source: str | os.PathLike[str] | Traversable | CardTable | None
) -> tuple[CardTable, tuple[CardRow, ...]]:
    """The table a place was found in, and its rows: in the given source, or in the
    packaged nation's, prefectures' and municipalities' figures, in that order."""
    if source is not None:
        table = source if isinstance(source, CardTable) else load_mynumber(source)
        return table, table.find(code_or_name)
    from maebashi_dx.datasets import mynumber_cards  # the datasets package imports this one

    suggestions: list[str] = []
    for level in ("japan", "prefectures"):
        table = mynumber_cards(level)
        try:
            return table, table.find(code_or_name)
        except UnknownMunicipalityError as exc:
            suggestions += exc.suggestions
    table = mynumber_cards("municipalities")
    try:
        return table, table.find(code_or_name)
    except UnknownMunicipalityError as exc:
        close = list(dict.fromkeys([*suggestions, *exc.suggestions]))[:5]
        raise UnknownMunicipalityError(exc.query, close, exc.reason) from None


def _measurements(rows: Iterable[CardRow]) -> Iterable[Measurement]:
    previous: CardRow | None = None
    for row in rows:
        note = None
        if previous is not None and row.population_base_date != previous.population_base_date:
            note = (
                f"人口基準日の変更: {previous.population_base_date} → {row.population_base_date}"
                f"（分母 {previous.population:,} → {row.population:,}）"
            )
        yield Measurement(
            when=DateSpan.day(row.as_of),
            value=row.rate_pct,
            numerator=float(row.cards_issued),
            denominator=float(row.population),
            source="総務省「マイナンバーカード交付状況について」",
            note=note,
        )
        previous = row
