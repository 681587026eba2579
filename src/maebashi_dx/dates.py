"""Dates the way Japanese officials write them: fiscal years, eras, 旬, 頃 and month ends.

A date in a city's plan is often not a day. "2020年7月" is a month, "6/上旬" the first ten
days of June, "R4.7月頃～R5.2月頃" about eight months. :class:`DateSpan` keeps such a date
as an inclusive span of days with a :class:`Precision` and an ``approximate`` flag, and
:func:`parse_date` reads the forms in the committee material (see ``DOMAIN.md``).

>>> parse_date("令和7年度末").end
datetime.date(2026, 3, 31)
>>> span = parse_date("R4.7月頃～R5.2月頃")
>>> (span.start, span.end, span.precision.value, span.approximate)
(datetime.date(2022, 7, 1), datetime.date(2023, 2, 28), 'month', True)
>>> FiscalYear(2025).label()
'2025（令和7）年度'
"""

from __future__ import annotations

import enum
import re
import unicodedata
from datetime import date, timedelta
from typing import Literal

import attrs
from dateutil.relativedelta import relativedelta

from maebashi_dx.errors import DateParseError

__all__ = [
    "ERAS",
    "DateSpan",
    "Era",
    "FiscalYear",
    "Precision",
    "era_of",
    "format_span",
    "month_end",
    "parse_date",
]

Lang = Literal["ja", "en"]


def month_end(day: date) -> date:
    """The last day of ``day``'s month.

    >>> month_end(date(2024, 2, 10))
    datetime.date(2024, 2, 29)
    """
    # relativedelta(day=31) clamps to the month's last day.
    return day + relativedelta(day=31)


class Precision(enum.Enum):
    """How finely a :class:`DateSpan` is known.

    The order of refinement is DAY < JUN (旬, ten days) < MONTH < QUARTER, and a quarter
    refines both a FISCAL_YEAR (年度, April–March) and a calendar YEAR.
    """

    DAY = "day"
    JUN = "jun"  # 旬: 上旬 days 1-10, 中旬 11-20, 下旬 21-end
    MONTH = "month"
    QUARTER = "quarter"
    FISCAL_YEAR = "fiscal_year"  # 年度
    YEAR = "year"

    @property
    def rank(self) -> int:
        """Coarseness; FISCAL_YEAR and YEAR share a rank and are not comparable."""
        return _RANK[self]

    def meet(self, other: Precision) -> Precision:
        """The coarsest precision that refines both (used for ranges)."""
        if self.rank == other.rank and self is not other:
            return Precision.QUARTER
        return self if self.rank <= other.rank else other

    def unit_start(self, day: date) -> date:
        """The first day of the unit of this precision that contains ``day``."""
        if self is Precision.DAY:
            return day
        if self is Precision.JUN:
            return day.replace(day=min(21, (day.day - 1) // 10 * 10 + 1))
        if self is Precision.MONTH:
            return day.replace(day=1)
        if self is Precision.QUARTER:
            return date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
        if self is Precision.FISCAL_YEAR:
            return FiscalYear.of(day).start
        return date(day.year, 1, 1)

    def unit_end(self, day: date) -> date:
        """The last day of the unit of this precision that contains ``day``."""
        if self is Precision.DAY:
            return day
        if self is Precision.JUN:
            if day.day <= 20:
                return day.replace(day=(day.day - 1) // 10 * 10 + 10)
            return month_end(day)
        if self is Precision.MONTH:
            return month_end(day)
        if self is Precision.QUARTER:
            return month_end(date(day.year, (day.month - 1) // 3 * 3 + 3, 1))
        if self is Precision.FISCAL_YEAR:
            return FiscalYear.of(day).end
        return date(day.year, 12, 31)


_RANK = {
    Precision.DAY: 0,
    Precision.JUN: 1,
    Precision.MONTH: 2,
    Precision.QUARTER: 3,
    Precision.FISCAL_YEAR: 4,
    Precision.YEAR: 4,
}


@attrs.frozen
class Era:
    """A Japanese era (元号) and the days it covers.

    Attributes:
        name: The era's name in Japanese, e.g. 令和.
        letter: The one-letter abbreviation, e.g. R.
        english: The romanised name, e.g. Reiwa.
        start: Its first day.
        end: Its last day, or None for the current era.
    """

    name: str
    letter: str
    english: str
    start: date
    end: date | None = None

    def year_of(self, era_year: int) -> int:
        """The Gregorian year of year ``era_year`` of this era (元年 is 1)."""
        return self.start.year + era_year - 1

    def covers(self, first: date, last: date) -> bool:
        """Whether the inclusive span first..last shares at least one day with the era."""
        return first <= (self.end or date.max) and self.start <= last


# The eras a city's records use. Boundaries are exact: 平成31年4月30日 is the last day of
# Heisei and 令和元年5月1日 the first of Reiwa (Cabinet Order of 2019-04-01).
ERAS: tuple[Era, ...] = (
    Era("令和", "R", "Reiwa", date(2019, 5, 1)),
    Era("平成", "H", "Heisei", date(1989, 1, 8), date(2019, 4, 30)),
    Era("昭和", "S", "Showa", date(1926, 12, 25), date(1989, 1, 7)),
    Era("大正", "T", "Taisho", date(1912, 7, 30), date(1926, 12, 24)),
)
_ERA_BY_KEY = {key: era for era in ERAS for key in (era.name, era.letter)}


def era_of(day: date) -> tuple[Era, int]:
    """The era in force on ``day`` and the year of that era.

    >>> era, year = era_of(date(2019, 5, 1))
    >>> era.name, year
    ('令和', 1)
    """
    for era in ERAS:
        if era.start <= day:
            return era, day.year - era.start.year + 1
    msg = f"{day.isoformat()} is before the eras this library knows (大正 onwards)"
    raise ValueError(msg)


def _era_year_text(era_year: int) -> str:
    return "元" if era_year == 1 else str(era_year)


@attrs.frozen(order=True)
class FiscalYear:
    """A Japanese fiscal year (年度): FY N runs from 1 April N to 31 March N+1.

    >>> FiscalYear(2022).start, FiscalYear(2022).end
    (datetime.date(2022, 4, 1), datetime.date(2023, 3, 31))
    >>> FiscalYear.of(date(2023, 3, 31))
    FiscalYear(year=2022)
    """

    year: int = attrs.field(validator=[attrs.validators.ge(1), attrs.validators.le(9998)])

    @classmethod
    def of(cls, day: date) -> FiscalYear:
        """The fiscal year containing ``day``."""
        return cls(day.year if day.month >= 4 else day.year - 1)

    @property
    def start(self) -> date:
        """1 April of the year."""
        return date(self.year, 4, 1)

    @property
    def end(self) -> date:
        """31 March of the next year (年度末)."""
        return date(self.year + 1, 3, 31)

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end

    @property
    def span(self) -> DateSpan:
        """The whole year as a :class:`DateSpan` of fiscal-year precision."""
        return DateSpan(start=self.start, end=self.end, precision=Precision.FISCAL_YEAR)

    @property
    def era(self) -> tuple[Era, int]:
        """The era the year is named in, and its year in that era.

        A fiscal year is named in the era in force for most of its days: FY2019 is
        令和元年度 (Reiwa began on 1 May 2019), FY1988 is 昭和63年度 (Heisei began on
        8 January 1989). Both usages are what municipal documents print.
        """
        midpoint = self.start + (self.end - self.start) / 2
        era, _ = era_of(midpoint)
        return era, self.year - era.start.year + 1

    def label(self, lang: Lang = "ja") -> str:
        """The year as the committee writes it.

        >>> FiscalYear(2019).label(), FiscalYear(2019).label("en")
        ('2019（令和元）年度', 'FY2019')
        """
        if lang == "en":
            return f"FY{self.year}"
        era, year = self.era
        return f"{self.year}（{era.name}{_era_year_text(year)}）年度"


def _check_aligned(instance: DateSpan, attribute: attrs.Attribute[date], value: date) -> None:
    precision = instance.precision
    if attribute.name == "start":
        if precision.unit_start(value) != value:
            msg = f"start {value} is not the first day of a {precision.value}"
            raise ValueError(msg)
    elif value < instance.start:
        msg = f"end {value} is before start {instance.start}"
        raise ValueError(msg)
    elif precision.unit_end(value) != value:
        msg = f"end {value} is not the last day of a {precision.value}"
        raise ValueError(msg)


@attrs.frozen(kw_only=True)
class DateSpan:
    """An inclusive span of days, with how precisely and how surely it is known.

    A one-day date has ``start == end``. Calculations read a span as of its ``end``.
    Spans of coarser precision cover whole units: a MONTH span starts on a 1st and ends
    on a month's last day.

    Attributes:
        start: First day, inclusive.
        end: Last day, inclusive.
        precision: How finely the date is known.
        approximate: Marked 頃 (about) in the source.
        text: The text it was read from, kept for display; not part of equality.
    """

    precision: Precision = attrs.field(default=Precision.DAY)
    start: date = attrs.field(validator=[attrs.validators.instance_of(date), _check_aligned])
    end: date = attrs.field(validator=[attrs.validators.instance_of(date), _check_aligned])
    approximate: bool = attrs.field(default=False, validator=attrs.validators.instance_of(bool))
    text: str | None = attrs.field(default=None, eq=False, repr=False)

    @classmethod
    def day(cls, day: date, *, approximate: bool = False) -> DateSpan:
        """A single day."""
        return cls(start=day, end=day, approximate=approximate)

    @classmethod
    def month(cls, year: int, month: int, *, approximate: bool = False) -> DateSpan:
        """A whole calendar month."""
        first = date(year, month, 1)
        return cls(
            start=first, end=month_end(first), precision=Precision.MONTH, approximate=approximate
        )

    @classmethod
    def unit(cls, precision: Precision, day: date, *, approximate: bool = False) -> DateSpan:
        """The unit of ``precision`` (day, 旬, month, ...) that contains ``day``."""
        return cls(
            start=precision.unit_start(day),
            end=precision.unit_end(day),
            precision=precision,
            approximate=approximate,
        )

    @property
    def days(self) -> int:
        """Number of days covered, inclusive of both ends."""
        return (self.end - self.start).days + 1

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end

    def overlaps(self, other: DateSpan) -> bool:
        """Inclusive overlap: spans that share even one day overlap."""
        return self.start <= other.end and other.start <= self.end

    @property
    def is_exact(self) -> bool:
        """A single known day, not marked approximate."""
        return self.precision is Precision.DAY and not self.approximate

    def __str__(self) -> str:
        return format_span(self)


# --------------------------------------------------------------------------- formatting

_JUN_JA = ("上旬", "中旬", "下旬")
_JUN_EN = ("early", "mid", "late")
_MONTHS_EN = (
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
)


def _year_ja(year: int, day: date, era: bool) -> str:
    if not era:
        return f"{year}年"
    e, y = era_of(day)
    return f"{e.name}{_era_year_text(y)}年"


def _unit_text(precision: Precision, day: date, lang: Lang, era: bool) -> str:
    """The text of the unit of ``precision`` containing ``day``."""
    if lang == "en":
        return _unit_text_en(precision, day)
    if precision is Precision.FISCAL_YEAR:
        fy = FiscalYear.of(day)
        if era:
            return fy.label("ja")
        return f"{fy.year}年度"
    if precision is Precision.QUARTER:
        fy = FiscalYear.of(day)
        quarter = (day.month - 4) % 12 // 3 + 1
        head = fy.label("ja") if era else f"{fy.year}年度"
        return f"{head}第{quarter}四半期"
    if precision is Precision.YEAR:
        return _year_ja(day.year, date(day.year, 12, 31) if era else day, era)
    # With an era, name the era in force on the unit's last day that is still in the
    # unit's era: 2019年4月 is 平成31年4月, 2019年5月 is 令和元年5月.
    yr = _year_ja(day.year, day, era)
    if precision is Precision.MONTH:
        return f"{yr}{day.month}月"
    if precision is Precision.JUN:
        return f"{yr}{day.month}月{_JUN_JA[min(2, (day.day - 1) // 10)]}"
    if day == month_end(day):
        return f"{yr}{day.month}月末"
    return f"{yr}{day.month}月{day.day}日"


def _unit_text_en(precision: Precision, day: date) -> str:
    if precision is Precision.FISCAL_YEAR:
        return f"FY{FiscalYear.of(day).year}"
    if precision is Precision.QUARTER:
        quarter = (day.month - 4) % 12 // 3 + 1
        return f"FY{FiscalYear.of(day).year} Q{quarter}"
    if precision is Precision.YEAR:
        return str(day.year)
    month = f"{_MONTHS_EN[day.month - 1]} {day.year}"
    if precision is Precision.MONTH:
        return month
    if precision is Precision.JUN:
        return f"{_JUN_EN[min(2, (day.day - 1) // 10)]} {month}"
    return f"{day.day} {month}"


def format_span(span: DateSpan, *, lang: Lang = "ja", era: bool = False) -> str:
    """Write a span the way a Japanese (or English) report would.

    The Japanese form, with or without era names, reads back through
    :func:`parse_date` to the same span. A day that ends its month is written
    "M月末", as the committee does.

    >>> format_span(parse_date("R4.7月頃～R5.2月頃"))
    '2022年7月頃～2023年2月頃'
    >>> format_span(parse_date("2021年3月末"), era=True)
    '令和3年3月末'
    >>> format_span(parse_date("6/上旬", context_year=2022), lang="en")
    'early Jun 2022'
    """
    approx = ("頃" if lang == "ja" else "") if span.approximate else ""
    first = _unit_text(span.precision, span.start, lang, era) + approx
    if span.precision.unit_end(span.start) == span.end:
        text = first
    else:
        last = _unit_text(span.precision, span.end, lang, era) + approx
        text = f"{first}～{last}" if lang == "ja" else f"{first} – {last}"
    if span.approximate and lang == "en":
        text = f"about {text}"
    return text


# ----------------------------------------------------------------------------- parsing

_APPROX = re.compile(r"頃|ごろ|ころ|くらい|程度")
_RANGE = re.compile(r"~|〜|～|から")
_TRAILING = re.compile(r"(まで|迄|までに|以内)$")
_ERA_NAMES = "|".join(sorted(_ERA_BY_KEY, key=len, reverse=True))
_YEAR = re.compile(
    rf"""^(?:
        (?P<era>{_ERA_NAMES})(?P<eyear>元|\d{{1,2}})
          (?:\((?P<alt_w>\d{{4}})\))?
      | (?P<year>\d{{4}})
          (?:\((?P<alt_era>{_ERA_NAMES})(?P<alt_eyear>元|\d{{1,2}})(?:年)?\))?
      | FY(?P<fy>\d{{4}})
    )""",
    re.VERBOSE | re.IGNORECASE,
)
# What may follow a year: 年度 forms, or a month with an optional day, 旬 or 末.
_FISCAL_REST = re.compile(
    r"^年度(?P<which>末|中|内|当初|初め|上半期|下半期|上期|下期|第(?P<q>[1-4])四半期)?$"
)
_MONTH_REST = re.compile(
    r"""^(?:年|[./-])?
        (?P<month>\d{1,2})月?
        (?: (?:[./-]|月)?(?P<day>\d{1,2})日?
          | [./-]?(?P<jun>上旬|中旬|下旬|初旬)
          | (?P<end>末)
        )?$""",
    re.VERBOSE,
)
_FY_QUARTER_MONTH = {"1": 4, "2": 7, "3": 10, "4": 1}


@attrs.frozen
class _Context:
    year: int | None
    fiscal_year: int | None

    def year_for(self, month: int, text: str) -> int:
        if self.fiscal_year is not None:
            return self.fiscal_year + 1 if month <= 3 else self.fiscal_year
        if self.year is not None:
            return self.year
        raise DateParseError(text, "no year given; pass context_year or context_fiscal_year")


def parse_date(
    text: str,
    *,
    context_year: int | None = None,
    context_fiscal_year: int | None = None,
) -> DateSpan:
    """Read a date written the way Japanese officials write it.

    Forms read (full-width or half-width digits alike):

    - ISO: ``2022-05-17``, ``2022/05/17``, ``2022-05``, ``2022``;
    - ``2020年7月``, ``2021年3月末`` (a month end), ``2022年5月17日``, ``2022年``;
    - 旬: ``2022年6月上旬``, ``6/上旬`` (上旬 days 1-10, 中旬 11-20, 下旬 21-end);
    - fiscal years: ``2022年度``, ``令和7年度末``, ``R4年度中``, ``2025（令和7）年度``,
      ``2022年度第1四半期``, ``2022年度上半期``, ``FY2022``;
    - eras: ``令和元年5月1日``, ``平成31年4月30日``, ``R4.5``, ``R3.10.26``, ``H31/4/30``;
    - no year, with ``context_year`` (or ``context_fiscal_year``, where January to
      March belong to the next calendar year): ``5/17``, ``7月``, ``6/上旬``;
    - 頃 (about) anywhere marks the span approximate; ranges ``A～B`` (also ``〜``, ``~``,
      ``から``), where B may omit the year (``R4.10～11月``). An open range ``A～``
      reads as A: the material uses it to mark when something starts. A trailing
      まで (until) is ignored.

    Args:
        text: The date text.
        context_year: Calendar year for forms that give none.
        context_fiscal_year: Fiscal year for forms that give none.

    Returns:
        The span, with its precision and approximate flag; ``span.text`` keeps ``text``.

    Raises:
        DateParseError: The text is not a date this function can read, names a day that
            does not exist, or names an era year outside that era.

    >>> parse_date("平成31年度") == parse_date("令和元年度") == FiscalYear(2019).span
    True
    >>> parse_date("5/17～", context_year=2022).start
    datetime.date(2022, 5, 17)
    """
    if not isinstance(text, str):
        raise DateParseError(repr(text), f"expected text, got {type(text).__name__}")
    context = _Context(context_year, context_fiscal_year)
    norm = unicodedata.normalize("NFKC", text)
    norm = re.sub(r"\s+", "", norm)
    norm = _TRAILING.sub("", norm)
    approximate = bool(_APPROX.search(norm))
    norm = _APPROX.sub("", norm)
    if norm.startswith("約"):
        approximate = True
        norm = norm[1:]
    if not norm:
        raise DateParseError(text, "empty")
    parts = _RANGE.split(norm)
    if len(parts) > 2:
        raise DateParseError(text, "more than one range mark")
    if len(parts) == 2:
        head, tail = parts
        if not head and not tail:
            raise DateParseError(text, "a range needs at least one end")
        if not tail:
            span = _parse_single(head, text, context)
        elif not head:
            span = _parse_single(tail, text, context)
        else:
            first = _parse_single(head, text, context)
            span = _parse_range_end(first, tail, text, context)
    else:
        span = _parse_single(norm, text, context)
    return attrs.evolve(span, approximate=approximate, text=text)


def _parse_range_end(first: DateSpan, tail: str, text: str, context: _Context) -> DateSpan:
    if _YEAR.match(tail):
        last = _parse_single(tail, text, context)
    else:
        # The end omits the year: it is in the start's year, or the next one if that
        # would put it before the start (R4.12～1月 is December 2022 to January 2023).
        last = _parse_single(tail, text, _Context(first.start.year, None))
        if last.end < first.start:
            last = _parse_single(tail, text, _Context(first.start.year + 1, None))
    if last.end < first.start:
        raise DateParseError(text, "the range ends before it starts")
    precision = first.precision.meet(last.precision)
    return DateSpan(start=first.start, end=last.end, precision=precision)


def _safe_date(year: int, month: int, day: int, text: str) -> date:
    try:
        return date(year, month, day)
    except ValueError as exc:
        raise DateParseError(text, str(exc)) from None


def _parse_single(part: str, text: str, context: _Context) -> DateSpan:
    m = _YEAR.match(part)
    era: Era | None = None
    if m is None:
        # No year: a month (and maybe day) that needs the context.
        rest_match = _MONTH_REST.match(part)
        if rest_match is None or part[:1] in "年./-":
            raise DateParseError(text)
        month = int(rest_match["month"])
        if not 1 <= month <= 12:
            raise DateParseError(text, f"no month {month}")
        return _month_span(context.year_for(month, text), rest_match, text)
    if m["fy"]:
        year = int(m["fy"])
        rest = "年度" + part[m.end() :]
    elif m["era"]:
        era = _ERA_BY_KEY[m["era"].upper() if len(m["era"]) == 1 else m["era"]]
        year = era.year_of(_era_year(m["eyear"], text))
        if m["alt_w"] and int(m["alt_w"]) != year:
            raise DateParseError(text, f"{m['era']}{m['eyear']} is {year}, not {m['alt_w']}")
        rest = part[m.end() :]
    else:
        year = int(m["year"])
        if m["alt_era"]:
            alt = _ERA_BY_KEY[m["alt_era"].upper() if len(m["alt_era"]) == 1 else m["alt_era"]]
            if alt.year_of(_era_year(m["alt_eyear"], text)) != year:
                raise DateParseError(text, f"{m['alt_era']}{m['alt_eyear']} is not {year}")
            era = alt
        rest = part[m.end() :]
    span = _parse_after_year(year, rest, text)
    if era is not None and not era.covers(span.start, span.end):
        years = (
            f"{era.start.isoformat()} to {era.end.isoformat()}"
            if era.end
            else (f"{era.start.isoformat()} onwards")
        )
        raise DateParseError(text, f"{era.name} covers {years}; this date is outside it")
    return span


def _era_year(raw: str, text: str) -> int:
    year = 1 if raw == "元" else int(raw)
    if year < 1:
        raise DateParseError(text, "era years start at 1 (元年)")
    return year


def _parse_after_year(year: int, rest: str, text: str) -> DateSpan:
    if not 1 <= year <= 9998:
        raise DateParseError(text, f"year {year} out of range")
    if rest in ("", "年"):
        return DateSpan.unit(Precision.YEAR, date(year, 1, 1))
    fiscal = _FISCAL_REST.match(rest)
    if fiscal is not None:
        fy = FiscalYear(year)
        which = fiscal["which"]
        if which == "末":
            return DateSpan.day(fy.end)
        if which in ("当初", "初め"):
            return DateSpan.month(year, 4)
        if which in ("上半期", "上期"):
            return DateSpan(start=fy.start, end=date(year, 9, 30), precision=Precision.QUARTER)
        if which in ("下半期", "下期"):
            return DateSpan(start=date(year, 10, 1), end=fy.end, precision=Precision.QUARTER)
        if fiscal["q"]:
            month = _FY_QUARTER_MONTH[fiscal["q"]]
            first = date(year + 1 if month == 1 else year, month, 1)
            return DateSpan.unit(Precision.QUARTER, first)
        return fy.span
    month_match = _MONTH_REST.match(rest)
    if month_match is None:
        raise DateParseError(text)
    return _month_span(year, month_match, text)


def _month_span(year: int, m: re.Match[str], text: str) -> DateSpan:
    month = int(m["month"])
    if not 1 <= month <= 12:
        raise DateParseError(text, f"no month {month}")
    first = date(year, month, 1)
    if m["day"]:
        return DateSpan.day(_safe_date(year, month, int(m["day"]), text))
    if m["end"]:
        return DateSpan.day(month_end(first))
    if m["jun"]:
        offset = {"上旬": 0, "初旬": 0, "中旬": 10, "下旬": 20}[m["jun"]]
        return DateSpan.unit(Precision.JUN, first + timedelta(days=offset))
    return DateSpan.month(year, month)
