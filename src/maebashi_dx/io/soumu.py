"""The official My Number card figures: 総務省「マイナンバーカード交付状況について」.

Reads the CSV layout as compiled by Code for Japan (``as_of_date, prefecture,
municipality, population, cards_issued, issuance_rate_pct, population_base_date,
issuance_count_date, local_gov_code``) and the Japanese headers of the ministry's own
tables (団体コード, 都道府県名, 市区町村名, 人口, 交付枚数, 交付率...). It tolerates a
BOM, UTF-8 or Shift_JIS (cp932), gzip, and 団体コード written with or without the
leading zero and with or without the check digit.

From it, :func:`mynumber_kpi` builds a KPI for any municipality (by code or name) or
prefecture (by name), its measurements carrying cards issued and population.

>>> mynumber_check_digit("10201"), normalise_code("102016"), code_candidates("11002")
(6, '10201', ('11002', '01100'))
"""

from __future__ import annotations

import csv
import difflib
import functools
import gzip
import io
import math
import os
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from pathlib import Path

import attrs

from maebashi_dx.dates import DateSpan, parse_date
from maebashi_dx.errors import DateParseError, MaebashiDXError, PlanError, Problem
from maebashi_dx.forecast import Reference
from maebashi_dx.model import KPI, Frequency, Measurement, Series, Target

__all__ = [
    "CardRow",
    "CardTable",
    "UnknownMunicipalityError",
    "code_candidates",
    "load_mynumber",
    "mynumber_check_digit",
    "mynumber_kpi",
    "mynumber_reference",
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


def _read_text(path: Path) -> str:
    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    for encoding in ("utf-8-sig", "cp932"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    msg = "neither UTF-8 nor Shift_JIS"
    raise UnicodeDecodeError("utf-8", raw, 0, 1, msg)


def _columns(header: Sequence[str]) -> dict[str, int]:
    normal = [unicodedata_nfkc(h).strip() for h in header]
    found = {}
    for field, names in _HEADERS.items():
        for i, h in enumerate(normal):
            if h in {unicodedata_nfkc(n) for n in names}:
                found[field] = i
                break
    return found


def unicodedata_nfkc(text: str) -> str:
    """NFKC-normalised text (full-width brackets and digits made half-width)."""
    import unicodedata

    return unicodedata.normalize("NFKC", text)


def _number(text: str) -> float:
    value = float(unicodedata_nfkc(text).replace(",", "").replace("%", "").strip())
    if not math.isfinite(value):
        raise ValueError(text)
    return value


@functools.lru_cache(maxsize=4096)
def _day(text: str) -> date:
    # A file repeats a few dozen dates tens of thousands of times: read each once.
    span = parse_date(text)
    return span.start if span.precision.value == "day" else span.end


def _resolve(candidates: tuple[str, ...], prefecture: str) -> str:
    """Choose the reading of a written code whose prefecture digits fit the row."""
    number = _PREFECTURE_NUMBER.get(prefecture)
    for code in candidates:
        if code[:2] == number:
            return code
    return candidates[0]


def load_mynumber(path: str | os.PathLike[str]) -> CardTable:
    """Read a My Number card issuance CSV (plain or gzip; UTF-8 or Shift_JIS).

    Raises:
        PlanError: A missing column, or every unreadable row with its line number.
    """
    source = str(path)
    try:
        text = _read_text(Path(path))
    except FileNotFoundError:
        raise PlanError([Problem("$", "file not found")], source=source) from None
    except (OSError, UnicodeDecodeError, EOFError) as exc:
        raise PlanError([Problem("$", f"cannot read: {exc}")], source=source) from None
    reader = csv.reader(io.StringIO(text))
    header = next(reader, [])
    cols = _columns(header)
    missing = [f for f in _REQUIRED if f not in cols]
    if missing or not ({"municipality", "prefecture"} & cols.keys()):
        need = ", ".join(missing or ["municipality or prefecture"])
        raise PlanError([Problem("header", f"missing column(s): {need}", 1)], source=source)
    rows: dict[str, list[CardRow]] = defaultdict(list)
    problems: list[Problem] = []
    for line, record in enumerate(reader, start=2):
        if not any(cell.strip() for cell in record):
            continue

        def get(field: str, record: list[str] = record) -> str:
            i = cols.get(field)
            return record[i].strip() if i is not None and i < len(record) else ""

        try:
            population = int(_number(get("population")))
            cards = int(_number(get("cards_issued")))
            rate_text = get("issuance_rate_pct")
            rate = _number(rate_text) if rate_text else round(100 * cards / population, 1)
            raw_code = get("local_gov_code")
            code = _resolve(code_candidates(raw_code), get("prefecture")) if raw_code else None
            base = get("population_base_date")
            row = CardRow(
                as_of=_day(get("as_of_date")),
                prefecture=get("prefecture"),
                municipality=get("municipality"),
                code=code,
                population=population,
                cards_issued=cards,
                rate_pct=rate,
                population_base_date=_day(base) if base else None,
            )
        except (ValueError, DateParseError, ZeroDivisionError) as exc:
            problems.append(Problem(f"line {line}", f"unreadable row: {exc}", line))
            continue
        key = row.code or f"{row.prefecture}/{row.municipality}"
        rows[key].append(row)
    if problems:
        raise PlanError(problems, source=source)
    series = {k: tuple(sorted(v, key=lambda r: r.as_of)) for k, v in rows.items()}
    return CardTable(source=source, series=series)


def mynumber_kpi(
    code_or_name: str,
    *,
    source: str | os.PathLike[str] | CardTable,
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
        source: The CSV file, or a table already read with :func:`load_mynumber`.
        target: The target rate in %, e.g. 90 as Maebashi set.
        deadline: When, as a date text (``"2022年度"``, ``"令和4年度末"``) or a span.
        baseline: The first snapshot on or after this day is the baseline; the first
            snapshot of all if None.
        kpi_id: The KPI's id; ``mynumber-<code>`` by default.

    Raises:
        UnknownMunicipalityError: No such place; the message suggests close names.
    """
    table = source if isinstance(source, CardTable) else load_mynumber(source)
    rows = table.find(code_or_name)
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
    code_or_name: str, *, source: str | os.PathLike[str] | CardTable
) -> Reference:
    """A place's issuance rate as a series to pool a KPI toward: a city's prefecture
    (from ``prefectures.csv``) or the nation (``全国`` in ``japan_by_type.csv``).

    Raises:
        UnknownMunicipalityError: No such place; the message suggests close names.
    """
    table = source if isinstance(source, CardTable) else load_mynumber(source)
    rows = table.find(code_or_name)
    return Reference(
        label=rows[-1].name,
        days=tuple(r.as_of for r in rows),
        values=tuple(r.rate_pct for r in rows),
    )


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
