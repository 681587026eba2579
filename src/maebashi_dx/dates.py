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
>>> parse_date("令和元年五月一日（水）現在").start
datetime.date(2019, 5, 1)
"""

from __future__ import annotations

import calendar
import enum
import functools
import re
import unicodedata
from datetime import date, datetime, timedelta
from typing import Literal

import attrs

from maebashi_dx.errors import DateParseError
from maebashi_dx.i18n import text as text_of

__all__ = [
    "ERAS",
    "GREGORIAN_ADOPTION",
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

# Japan adopted the Gregorian calendar by the 改暦ノ布告 (太政官布告第337号, 明治5年11月9日):
# the day after 明治5年12月2日 of the old lunisolar calendar (天保暦) became 明治6年1月1日,
# 1873-01-01. An era date before it is a lunisolar date, which this library does not convert.
GREGORIAN_ADOPTION = date(1873, 1, 1)
# The April-to-March fiscal year began with 明治19年度 (1886), by 太政官達第89号 (明治17年10月);
# earlier 年度 ran January-December, July-June or October-September, so an era-named 年度
# before it would be misread as April-March.
_FIRST_APRIL_FISCAL_YEAR = 1886
_LAST_YEAR = 9999  # datetime.date's range is years 1..9999
# No date text a plan or a measurement file holds is longer; longer input is refused before
# any matching, which bounds the work per call.
_MAX_TEXT = 100


def _int_text(value: int) -> str:
    """An int for a message, bounded: str() of a huge int is slow and can raise."""
    if value.bit_length() > 60:
        return f"an int of {value.bit_length()} bits"
    return str(value)


def _value_text(value: object) -> str:
    """Any value for a message, bounded and printable: never a huge int or a long text."""
    if isinstance(value, int) and not isinstance(value, bool):
        return _int_text(value)
    if isinstance(value, str):
        return repr(_shown(value))
    return type(value).__name__


def _shown(text: str) -> str:
    """The text for an error, cut when it is over the length a date can have."""
    return text if len(text) <= _MAX_TEXT else text[:40] + "…"


def month_end(day: date) -> date:
    """The last day of ``day``'s month.

    >>> month_end(date(2024, 2, 10))
    datetime.date(2024, 2, 29)
    """
    # calendar.monthrange gives the month's length (proleptic Gregorian, as datetime is).
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


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

    def days_text(self) -> str:
        """The era's days, for messages: "1989-01-08 to 2019-04-30"."""
        if self.end is None:
            return f"{self.start.isoformat()} onwards"
        return f"{self.start.isoformat()} to {self.end.isoformat()}"


# The eras a city's records use. Boundaries are exact, as the era-change orders give them:
# 平成31年4月30日 is the last day of Heisei and 令和元年5月1日 the first of Reiwa (平成31年政令
# 第143号); 平成 began 1989-01-08 (昭和64年政令第1号); 昭和 1926-12-25 and 大正 1912-07-30
# (the accession days, by 改元ノ詔書). 明治元年 began on the lunisolar 1月1日 = 1868-01-25
# (the 改元 of 1868-10-23 was back-dated to the year's start); its dates are Gregorian only
# from GREGORIAN_ADOPTION (明治6年1月1日) on.
_MEIJI = Era("明治", "M", "Meiji", date(1868, 1, 25), date(1912, 7, 29))
ERAS: tuple[Era, ...] = (
    Era("令和", "R", "Reiwa", date(2019, 5, 1)),
    Era("平成", "H", "Heisei", date(1989, 1, 8), date(2019, 4, 30)),
    Era("昭和", "S", "Showa", date(1926, 12, 25), date(1989, 1, 7)),
    Era("大正", "T", "Taisho", date(1912, 7, 30), date(1926, 12, 24)),
    _MEIJI,
)
_ERA_BY_KEY = {key: era for era in ERAS for key in (era.name, era.letter)}


def era_of(day: date) -> tuple[Era, int]:
    """The era in force on ``day`` and the year of that era.

    >>> era, year = era_of(date(2019, 5, 1))
    >>> era.name, year
    ('令和', 1)
    >>> era_of(date(1873, 1, 1))[0].name
    '明治'

    Raises:
        DateParseError: ``day`` is before 1873-01-01 (明治6年1月1日): earlier era dates
            were lunisolar, so a Gregorian day has no era year to name.
    """
    if day >= GREGORIAN_ADOPTION:
        for era in ERAS:
            if era.start <= day:
                return era, day.year - era.start.year + 1
    msg = (
        "before 1873-01-01 (明治6年1月1日), when Japan adopted the Gregorian calendar, "
        "era years followed the lunisolar calendar; no era year is named for this day"
    )
    raise DateParseError(day.isoformat(), msg)


# An era year in a date text has one or two digits (昭和 reached 64, 明治 45); output
# names a later year (令和100 is 2118) by its Western year, so that it reads back.
_ERA_YEAR_MAX = 99


def _gregorian_era(day: date) -> tuple[Era, int] | None:
    """era_of, or None where no era year is written (before 1873, after era year 99)."""
    if day < GREGORIAN_ADOPTION:
        return None
    era, year = era_of(day)
    return (era, year) if year <= _ERA_YEAR_MAX else None


def _era_year_text(era_year: int) -> str:
    return "元" if era_year == 1 else str(era_year)


def _check_fiscal_year(_instance: object, _attribute: object, value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        reason = f"a fiscal year must be an int, got {type(value).__name__}"
        raise DateParseError("FiscalYear", reason)
    if not 1 <= value <= _LAST_YEAR - 1:
        reason = f"fiscal years run from 1 to {_LAST_YEAR - 1}, got {_int_text(value)}"
        raise DateParseError("FiscalYear", reason)


@attrs.frozen(order=True)
class FiscalYear:
    """A Japanese fiscal year (年度): FY N runs from 1 April N to 31 March N+1.

    Years run from 1 to 9998 (FY9998 ends on 9999-03-31); another value, or a value that
    is not an int, is a :class:`~maebashi_dx.errors.DateParseError`.

    >>> FiscalYear(2022).start, FiscalYear(2022).end
    (datetime.date(2022, 4, 1), datetime.date(2023, 3, 31))
    >>> FiscalYear.of(date(2023, 3, 31))
    FiscalYear(year=2022)
    """

    year: int = attrs.field(validator=_check_fiscal_year)

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

        Raises:
            DateParseError: The year is before FY1886 (明治19年度), when the April–March
                fiscal year began: an earlier era-named 年度 meant another period.
        """
        if self.year < _FIRST_APRIL_FISCAL_YEAR:
            reason = "the April–March fiscal year began with 明治19年度 (FY1886)"
            raise DateParseError("FiscalYear", f"{reason}; FY{self.year} has no era name")
        midpoint = self.start + (self.end - self.start) / 2
        era, _ = era_of(midpoint)
        return era, self.year - era.start.year + 1

    def label(self, lang: Lang = "ja") -> str:
        """The year as the committee writes it.

        Before FY1886 (明治19年度) no era name is given (see :attr:`era`), nor after era
        year 99, and a year under 1000 is written with four digits, so that
        :func:`parse_date` reads every label back.

        >>> FiscalYear(2019).label(), FiscalYear(2019).label("en")
        ('2019（令和元）年度', 'FY2019')
        >>> FiscalYear(1880).label()
        '1880年度'
        """
        if lang == "en":
            return f"FY{self.year}"
        if self.year < _FIRST_APRIL_FISCAL_YEAR:
            return f"{self.year:04d}年度"
        era, year = self.era
        if year > _ERA_YEAR_MAX:
            return f"{self.year}年度"
        return f"{self.year}（{era.name}{_era_year_text(year)}）年度"


def _span_text(instance: DateSpan) -> str:
    return f"DateSpan(start={instance.start!r}, end={instance.end!r})"


def _check_precision(_instance: DateSpan, _attribute: object, value: object) -> None:
    if not isinstance(value, Precision):
        reason = f"precision must be a Precision, got {type(value).__name__}"
        raise DateParseError("DateSpan", reason)


def _check_day(_instance: DateSpan, attribute: attrs.Attribute[date], value: object) -> None:
    # A datetime is a date subclass but never equals a date: refuse it, do not truncate it.
    if not isinstance(value, date) or isinstance(value, datetime):
        reason = f"{attribute.name} must be a datetime.date, got {type(value).__name__}"
        raise DateParseError("DateSpan", reason)


def _check_aligned(instance: DateSpan, attribute: attrs.Attribute[date], value: date) -> None:
    precision = instance.precision
    if precision is Precision.QUARTER and not date(1, 4, 1) <= value <= date(_LAST_YEAR, 3, 31):
        # Quarters are named by fiscal year (2021年度第4四半期 is January-March 2022).
        reason = f"{attribute.name} {value} is outside fiscal years 1..{_LAST_YEAR - 1}"
        raise DateParseError(_span_text(instance), reason)
    if attribute.name == "start":
        if precision.unit_start(value) != value:
            reason = f"start {value} is not the first day of a {precision.value}"
            raise DateParseError(_span_text(instance), reason)
    elif value < instance.start:
        reason = f"end {value} is before start {instance.start}"
        raise DateParseError(_span_text(instance), reason)
    elif precision.unit_end(value) != value:
        reason = f"end {value} is not the last day of a {precision.value}"
        raise DateParseError(_span_text(instance), reason)


def _check_flag(_instance: DateSpan, attribute: attrs.Attribute[bool], value: object) -> None:
    if not isinstance(value, bool):
        reason = f"{attribute.name} must be a bool, got {type(value).__name__}"
        raise DateParseError("DateSpan", reason)


def _check_fiscal_end(instance: DateSpan, attribute: attrs.Attribute[bool], value: bool) -> None:
    _check_flag(instance, attribute, value)
    end = instance.end
    if value and (instance.precision is not Precision.DAY or (end.month, end.day) != (3, 31)):
        reason = "fiscal_end marks a day-precision span ending on 31 March (年度末)"
        raise DateParseError(_span_text(instance), reason)


@attrs.frozen(kw_only=True)
class DateSpan:
    """An inclusive span of days, with how precisely and how surely it is known.

    A one-day date has ``start == end``. Calculations read a span as of its ``end``.
    Spans of coarser precision cover whole units: a MONTH span starts on a 1st and ends
    on a month's last day. A bad value (a misaligned day, a datetime, a non-bool flag)
    is a :class:`~maebashi_dx.errors.DateParseError`.

    Attributes:
        start: First day, inclusive.
        end: Last day, inclusive.
        precision: How finely the date is known.
        approximate: Marked 頃 (about) in the source.
        text: The text it was read from, kept for display; not part of equality.
        fiscal_end: The end was written as a fiscal year's end (``令和6年度末``), so
            :func:`format_span` writes it so. For display only, like ``text``: it is not
            part of equality, since 令和6年度末 is the day 2025-03-31 whichever way it
            is written (a distinct precision would make it unequal to that day).
    """

    precision: Precision = attrs.field(default=Precision.DAY, validator=_check_precision)
    start: date = attrs.field(validator=[_check_day, _check_aligned])
    end: date = attrs.field(validator=[_check_day, _check_aligned])
    approximate: bool = attrs.field(default=False, validator=_check_flag)
    text: str | None = attrs.field(default=None, eq=False, repr=False)
    fiscal_end: bool = attrs.field(default=False, eq=False, repr=False, validator=_check_fiscal_end)

    @classmethod
    def day(cls, day: date, *, approximate: bool = False) -> DateSpan:
        """A single day.

        A span is a value, so the spans of the last few thousand days asked for are
        kept and given again: a national plan's million measurements on a few dozen
        month ends hold a few dozen spans, not a million.
        """
        if cls is DateSpan:
            return _day(day, approximate)
        return cls(start=day, end=day, approximate=approximate)

    @classmethod
    def month(cls, year: int, month: int, *, approximate: bool = False) -> DateSpan:
        """A whole calendar month.

        Raises:
            DateParseError: ``year`` or ``month`` is not an int naming a month of years
                1..9999.
        """
        ok = all(isinstance(v, int) and not isinstance(v, bool) for v in (year, month))
        if not (ok and 1 <= year <= _LAST_YEAR and 1 <= month <= 12):
            reason = (
                f"no month {_value_text(month)} of year {_value_text(year)} "
                f"(years 1..{_LAST_YEAR}, months 1..12)"
            )
            raise DateParseError("DateSpan.month", reason)
        first = date(year, month, 1)
        return cls(
            start=first, end=month_end(first), precision=Precision.MONTH, approximate=approximate
        )

    @classmethod
    def unit(cls, precision: Precision, day: date, *, approximate: bool = False) -> DateSpan:
        """The unit of ``precision`` (day, 旬, month, ...) that contains ``day``.

        Raises:
            DateParseError: ``precision`` is not a Precision, ``day`` not a date, or the
                unit is outside years 1..9999 (a fiscal year or quarter of them).
        """
        if not isinstance(precision, Precision) or not isinstance(day, date):
            reason = f"expected a Precision and a date, got {type(precision).__name__}"
            reason += f" and {type(day).__name__}"
            raise DateParseError("DateSpan.unit", reason)
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


# typed: 1 is not True, nor a datetime a date, to the cache (each is refused anew).
@functools.lru_cache(maxsize=4096, typed=True)
def _day(day: date, approximate: bool) -> DateSpan:
    return DateSpan(start=day, end=day, approximate=approximate)


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
    # Four digits always, so that parse_date reads years under 1000 back.
    named = _gregorian_era(day) if era else None
    if named is None:
        return f"{year:04d}年"
    e, y = named
    return f"{e.name}{_era_year_text(y)}年"


def _fiscal_ja(fy: FiscalYear, era: bool) -> str:
    """The fiscal year in a Japanese text: FiscalYear.label with eras, else "2022年度"."""
    return fy.label("ja") if era else f"{fy.year:04d}年度"


def _unit_text(precision: Precision, day: date, lang: Lang, era: bool) -> str:
    """The text of the unit of ``precision`` containing ``day``."""
    if lang == "en":
        return _unit_text_en(precision, day)
    if precision is Precision.FISCAL_YEAR:
        return _fiscal_ja(FiscalYear.of(day), era)
    if precision is Precision.QUARTER:
        quarter = (day.month - 4) % 12 // 3 + 1
        return f"{_fiscal_ja(FiscalYear.of(day), era)}第{quarter}四半期"
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


def _fiscal_end_text(day: date, lang: Lang, era: bool) -> str:
    """A 年度末 the way its fiscal year is written: "2024年度末", "end of FY2024"."""
    fy = FiscalYear.of(day)
    if lang == "en":
        return f"end of {fy.label('en')}"
    return f"{_fiscal_ja(fy, era)}末"


def format_span(span: DateSpan, *, lang: Lang = "ja", era: bool = False) -> str:
    """Write a span the way a Japanese (or English) report would.

    The Japanese form, with or without era names, reads back through
    :func:`parse_date` to the same span. A day that ends its month is written
    "M月末", as the committee does. A fiscal year's end read from "令和6年度末"
    (``span.fiscal_end``) is written as its fiscal year is, plus 末: "2024年度末", or
    with ``era`` "2024（令和6）年度末" (the style of :meth:`FiscalYear.label`, so a
    deadline written 年度末 sits beside one written 年度 in one style), in English
    "end of FY2024". With ``era``, a day before 1873 (when Japan adopted the Gregorian
    calendar) is written with its Western year.

    Args:
        span: The span to write.
        lang: ``"ja"`` or ``"en"``.
        era: Name Japanese years by era (``令和4年5月``) rather than Western years.

    Returns:
        The text.

    >>> format_span(parse_date("R4.7月頃～R5.2月頃"))
    '2022年7月頃～2023年2月頃'
    >>> format_span(parse_date("2021年3月末"), era=True)
    '令和3年3月末'
    >>> format_span(parse_date("6/上旬", context_year=2022), lang="en")
    'early Jun 2022'
    >>> deadline = parse_date("令和6年度末")
    >>> format_span(deadline), format_span(deadline, era=True), format_span(deadline, lang="en")
    ('2024年度末', '2024（令和6）年度末', 'end of FY2024')
    """
    approx = ("頃" if lang == "ja" else "") if span.approximate else ""
    if span.precision.unit_end(span.start) == span.end:
        if span.fiscal_end:
            text = _fiscal_end_text(span.end, lang, era) + approx
        else:
            text = _unit_text(span.precision, span.start, lang, era) + approx
    else:
        first = _unit_text(span.precision, span.start, lang, era) + approx
        if span.fiscal_end:
            last = _fiscal_end_text(span.end, lang, era) + approx
        else:
            last = _unit_text(span.precision, span.end, lang, era) + approx
        text = f"{first}～{last}" if lang == "ja" else f"{first} – {last}"
    if span.approximate and lang == "en":
        text = f"about {text}"
    return text


# ----------------------------------------------------------------------------- parsing

# Every pattern is anchored or a plain alternation, and texts are at most _MAX_TEXT
# characters, so matching is linear and bounded. Digits are ASCII [0-9] (after NFKC
# folds full-width ones): a digit of another script is not a date digit.
# The patterns only some texts need are kept as text, compiled (through re's own
# cache) by the first text that needs one: compiling them all at import cost every
# command a share of its start. Each is tried only after a cheap test.
_FORBIDDEN = r"[\x00-\x08\x0e-\x1f\x7f-\x9f\ud800-\udfff]"  # never in printable text
_SPACE = re.compile(r"\s+")
# Kanji numerals: 一..九 and 〇 as digits (二〇二二), 十 百 千 as units (三十一). The 四 of
# 四半期 (quarter) is not a numeral: 第三四半期 is the third quarter.
_KANJI_NUMBER = r"(?:[〇零一二三四五六七八九十百千](?!半期))+"
_KANJI_CHAR = re.compile(r"[〇零一二三四五六七八九十百千]")  # a cheap test before the above
_KANJI_DIGIT = {"〇": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4}
_KANJI_DIGIT |= {"五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_KANJI_UNIT = {"十": 10, "百": 100, "千": 1000}
_APPROX = re.compile(r"頃|ごろ|ころ|くらい|程度")
_RANGE = re.compile(r"~|〜|～|から")
_TRAILING = re.compile(r"(まで|迄|までに|以内)$")
_AS_OF = ("現在", "時点")
# A weekday in brackets after a day: (水), (水曜), (水曜日), (水・祝), (月・休).
_WEEKDAY = r"\((?P<wd>[月火水木金土日])(?:曜日?)?(?:・?(?:祝|休)日?)?\)$"  # ends with ")"
_WEEKDAYS_JA = "月火水木金土日"
_ERA_NAMES = "|".join(sorted(_ERA_BY_KEY, key=len, reverse=True))
_YEAR = re.compile(
    rf"""^(?:
        (?P<era>{_ERA_NAMES})(?P<eyear>元|[0-9]{{1,2}})
          (?:\((?P<alt_w>[0-9]{{4}})\))?
      | (?P<year>[0-9]{{4}})
          (?:\((?P<alt_era>{_ERA_NAMES})(?P<alt_eyear>元|[0-9]{{1,2}})(?:年)?\))?
      | FY(?P<fy>[0-9]{{4}})
    )""",
    re.VERBOSE | re.IGNORECASE,
)
# What may follow a year: 年度 forms, or a month with an optional day, 旬 or 末.
_FISCAL_REST = re.compile(
    r"^年度(?P<which>末|中|内|当初|初め|上半期|下半期|上期|下期|第(?P<q>[1-4])四半期)?$"
)
# A sub-period of a fiscal year written without the year, read with context_fiscal_year.
_SUB_PERIOD = re.compile(r"^(?:上半期|下半期|上期|下期|第[1-4]四半期)$")
_MONTH_REST = re.compile(
    r"""^(?:年|[./-])?
        (?P<month>[0-9]{1,2})月?
        (?: (?:[./-]|月)?(?P<day>[0-9]{1,2})日?
          | [./-]?(?P<jun>上旬|中旬|下旬|初旬)
          | (?P<end>末)
        )?$""",
    re.VERBOSE,
)
_FY_QUARTER_MONTH = {"1": 4, "2": 7, "3": 10, "4": 1}


class _Context:
    """The year (or fiscal year) a text without a year is read in: a plain class, as
    it never leaves this module (an attrs class costs a tenth of a millisecond and more
    to build at import, on the way of every command)."""

    __slots__ = ("fiscal_year", "year")

    def __init__(self, year: int | None, fiscal_year: int | None) -> None:
        self.year = year
        self.fiscal_year = fiscal_year

    def year_for(self, month: int, text: str) -> int:
        if self.fiscal_year is not None:
            return self.fiscal_year + 1 if month <= 3 else self.fiscal_year
        if self.year is not None:
            return self.year
        raise DateParseError(text, "no year given; pass context_year or context_fiscal_year")


def _check_context(name: str, value: object, text: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        reason = f"{name} must be an int from 1 to {_LAST_YEAR}, got {type(value).__name__}"
        raise DateParseError(_shown(text), reason)
    if not 1 <= value <= _LAST_YEAR:
        reason = f"{name} must be an int from 1 to {_LAST_YEAR}, got {_int_text(value)}"
        raise DateParseError(_shown(text), reason)
    return value


def parse_date(
    text: str,
    *,
    context_year: int | None = None,
    context_fiscal_year: int | None = None,
) -> DateSpan:
    """Read a date written the way Japanese officials write it.

    Forms read (full-width or half-width digits alike, and kanji numerals: 令和元年五月一日,
    令和四年度, 十二月, 三十一日, 二〇二二年):

    - ISO: ``2022-05-17``, ``2022/05/17``, ``2022-05``, ``2022``;
    - ``2020年7月``, ``2021年3月末`` (a month end), ``2022年5月17日``, ``2022年``;
    - 旬: ``2022年6月上旬``, ``6/上旬`` (上旬 days 1-10, 中旬 11-20, 下旬 21-end);
    - fiscal years: ``2022年度``, ``令和7年度末``, ``R4年度中``, ``2025（令和7）年度``,
      ``2022年度第1四半期``, ``2022年度上半期``, ``令和元年度当初``, ``FY2022``; a
      fiscal year named in an era is valid when it shares a day with the era (it began
      in the era, or it is the era's 元年度), whatever sub-period follows:
      ``平成31年度末`` is 2020-03-31 and ``昭和63年度末`` 1989-03-31, as plans written
      before an era change name them, and ``平成32年度`` is an error;
    - eras: ``令和元年5月1日``, ``平成31年4月30日``, ``R4.5``, ``R3.10.26``, ``H31/4/30``,
      back to 明治 (``M6.1.1``); a 明治 date before 明治6年1月1日 (1873-01-01), including
      a bare 明治5年 or earlier, was a lunisolar date and is an error, as is a 明治 年度
      before 明治19年度 (the April–March fiscal year began in 1886);
    - a weekday in brackets after a day, checked against it: ``令和元年5月1日（水）``,
      ``5/17(火)``, ``（水曜日）``, ``(水・祝)``;
    - ``現在`` or ``時点`` (as of) after a date: ``令和4年5月1日現在``;
    - no year, with ``context_year`` (or ``context_fiscal_year``, where January to
      March belong to the next calendar year): ``5/17``, ``7月``, ``6/上旬``; with
      ``context_fiscal_year`` only: ``第3四半期``, ``下半期``, ``年度末``;
    - 頃 (about) anywhere marks the span approximate; ranges ``A～B`` (also ``〜``, ``~``,
      ``から``), where B may omit the year (``R4.10～11月``). An open range ``A～``
      reads as A: the material uses it to mark when something starts. A trailing
      まで (until) is ignored.

    Western years are proleptic Gregorian, and a Western 年度 is always April–March.
    Every span returned lies within years 1..9999, with ``start <= end``.

    Args:
        text: The date text, at most 100 characters.
        context_year: Calendar year (an int, 1..9999) for forms that give none.
        context_fiscal_year: Fiscal year (an int, 1..9999) for forms that give none.

    Returns:
        The span, with its precision and approximate flag; ``span.text`` keeps ``text``.

    Raises:
        DateParseError: For every problem, and only this: the text is not a date this
            function can read, names a day that does not exist, a wrong weekday, an era
            year outside that era, or a year outside 1..9999; holds a control character
            or a lone surrogate; is over 100 characters (then ``error.text`` is cut); or
            a context year is not an int in 1..9999.

    >>> parse_date("平成31年度") == parse_date("令和元年度") == FiscalYear(2019).span
    True
    >>> parse_date("5/17～", context_year=2022).start
    datetime.date(2022, 5, 17)
    >>> parse_date("平成31年度末").end
    datetime.date(2020, 3, 31)
    """
    if not isinstance(text, str):
        raise DateParseError(type(text).__name__, f"expected text, got {type(text).__name__}")
    if context_year is None and context_fiscal_year is None:
        day = _iso_day(text)
        if day is not None:
            return day
    try:
        return _parse(text, context_year, context_fiscal_year)
    except DateParseError as exc:
        if exc.text is text:
            raise
        # An error raised below the text (a kanji numeral, a span check): name the text.
        raise DateParseError(_shown(text), exc.reason) from None


def _iso_day(text: str) -> DateSpan | None:
    """An ISO day (``2022-05-17``), read as :func:`_parse` reads it but ten times faster,
    or None for any other text (then _parse reads it, and reports its problems)."""
    if len(text) != 10 or text[4] != "-" or text[7] != "-" or not text.isascii():
        return None
    digits = text[:4] + text[5:7] + text[8:]
    if not digits.isdigit():
        return None
    try:
        day = date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:  # year 0, month 13, 30 February: _parse names the problem
        return None
    # DateSpan(start=day, end=day, text=text), whose checks a day of a date passes: its
    # slots are filled directly (attrs' __init__ with its six checks costs more than all
    # the rest of the reading).
    span = object.__new__(DateSpan)
    for setter, value in zip(
        _DAY_SLOTS, (Precision.DAY, day, day, False, text, False), strict=True
    ):
        setter(span, value)
    return span


# The slot setters of DateSpan, in the order of its fields.
_DAY_SLOTS = tuple(DateSpan.__dict__[f.name].__set__ for f in attrs.fields(DateSpan))


def _parse(text: str, context_year: object, context_fiscal_year: object) -> DateSpan:
    context = _Context(
        _check_context("context_year", context_year, text),
        _check_context("context_fiscal_year", context_fiscal_year, text),
    )
    if len(text) > _MAX_TEXT:
        reason = f"{len(text)} characters; a date text has at most {_MAX_TEXT}"
        raise DateParseError(_shown(text), reason)
    bad = None if text.isprintable() else re.search(_FORBIDDEN, text)
    if bad is not None:
        reason = f"it holds the character U+{ord(bad.group()):04X}, which no date has"
        raise DateParseError(text, reason)
    norm = unicodedata.normalize("NFKC", text)
    norm = _SPACE.sub("", norm)
    if _KANJI_CHAR.search(norm):
        norm = re.sub(_KANJI_NUMBER, _kanji_digits, norm)
    norm = _TRAILING.sub("", norm)
    norm, marks = _APPROX.subn("", norm)
    approximate = marks > 0
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
            span = _parse_part(head, text, context)
        elif not head:
            span = _parse_part(tail, text, context)
        else:
            first = _parse_part(head, text, context)
            span = _parse_range_end(first, tail, text, context)
    else:
        span = _parse_part(norm, text, context)
    # Built anew rather than with attrs.evolve, which costs twice as much (bulk loading).
    return DateSpan(
        precision=span.precision,
        start=span.start,
        end=span.end,
        approximate=approximate,
        text=text,
        fiscal_end=span.fiscal_end,
    )


def _kanji_digits(match: re.Match[str]) -> str:
    """A run of kanji numerals as ASCII digits: 二〇二二 → 2022, 三十一 → 31."""
    run = match.group()
    if not any(ch in _KANJI_UNIT for ch in run):
        return "".join(str(_KANJI_DIGIT[ch]) for ch in run)
    # 十 百 千 multiply the digit before them (none means one) and must fall in order.
    total, digit, last_unit = 0, None, 10_000
    for ch in run:
        unit = _KANJI_UNIT.get(ch)
        if unit is None:
            if digit is not None or _KANJI_DIGIT[ch] == 0:
                raise DateParseError("", f"{run} is not a kanji number")
            digit = _KANJI_DIGIT[ch]
            continue
        if unit >= last_unit:
            raise DateParseError("", f"{run} is not a kanji number")
        total += (1 if digit is None else digit) * unit
        digit, last_unit = None, unit
    return str(total + (digit or 0))


def _parse_part(part: str, text: str, context: _Context) -> DateSpan:
    """One end of a range: a date, maybe with 現在/時点 and a weekday in brackets."""
    for suffix in _AS_OF:
        if part.endswith(suffix):
            part = part[: -len(suffix)]
            break
    # No whitespace is left in a part, so "$" is its end: one that is not ")" has none.
    weekday = re.search(_WEEKDAY, part) if part.endswith(")") else None
    if weekday is None:
        return _parse_single(part, text, context)
    span = _parse_single(part[: weekday.start()], text, context)
    named = weekday["wd"]
    if span.precision is not Precision.DAY or span.start != span.end:
        raise DateParseError(text, f"a weekday ({named}) is given for more than one day")
    actual = span.start.weekday()
    if _WEEKDAYS_JA[actual] != named:
        reason = (
            f"{span.start.isoformat()} is a {_WEEKDAYS_JA[actual]}曜日 "
            f"({text_of(f'common.weekday.w{actual}', 'en')}), "
            f"not a {named}曜日"
        )
        raise DateParseError(text, reason)
    return span


def _parse_range_end(first: DateSpan, tail: str, text: str, context: _Context) -> DateSpan:
    if _YEAR.match(tail):
        last = _parse_part(tail, text, context)
    else:
        # The end omits the year: it is in the start's year, or the next one if that
        # would put it before the start (R4.12～1月 is December 2022 to January 2023).
        last = _parse_part(tail, text, _Context(first.start.year, None))
        if last.end < first.start:
            last = _parse_part(tail, text, _Context(first.start.year + 1, None))
    if last.end < first.start:
        raise DateParseError(text, "the range ends before it starts")
    precision = first.precision.meet(last.precision)
    return DateSpan(
        start=first.start, end=last.end, precision=precision, fiscal_end=last.fiscal_end
    )


def _safe_date(year: int, month: int, day: int, text: str) -> date:
    try:
        return date(year, month, day)
    except ValueError as exc:
        raise DateParseError(text, str(exc)) from None


def _era_key(raw: str) -> Era:
    return _ERA_BY_KEY[raw.upper() if len(raw) == 1 else raw]


def _parse_single(part: str, text: str, context: _Context) -> DateSpan:
    m = _YEAR.match(part)
    era: Era | None = None
    if m is None:
        return _parse_without_year(part, text, context)
    if m["fy"]:
        year = int(m["fy"])
        rest = "年度" + part[m.end() :]
    elif m["era"]:
        era = _era_key(m["era"])
        year = era.year_of(_era_year(m["eyear"], text))
        if m["alt_w"] and int(m["alt_w"]) != year:
            raise DateParseError(text, f"{m['era']}{m['eyear']} is {year}, not {m['alt_w']}")
        rest = part[m.end() :]
    else:
        year = int(m["year"])
        if m["alt_era"]:
            alt = _era_key(m["alt_era"])
            if alt.year_of(_era_year(m["alt_eyear"], text)) != year:
                raise DateParseError(text, f"{m['alt_era']}{m['alt_eyear']} is not {year}")
            era = alt
        rest = part[m.end() :]
    span, fiscal_year = _parse_after_year(year, rest, text)
    if era is not None:
        _check_era(era, span, fiscal_year, text)
    return span


def _parse_without_year(part: str, text: str, context: _Context) -> DateSpan:
    """A month (and maybe day), or a fiscal sub-period, that needs the context."""
    if part.startswith("年度") or _SUB_PERIOD.match(part):
        if context.fiscal_year is None:
            raise DateParseError(text, "no fiscal year given; pass context_fiscal_year")
        rest = part if part.startswith("年度") else "年度" + part
        return _parse_after_year(context.fiscal_year, rest, text)[0]
    rest_match = _MONTH_REST.match(part)
    if rest_match is None or part[:1] in "年./-":
        raise DateParseError(text)
    month = int(rest_match["month"])
    if not 1 <= month <= 12:
        raise DateParseError(text, f"no month {month}")
    return _month_span(context.year_for(month, text), rest_match, text)


def _check_era(era: Era, span: DateSpan, fiscal_year: int | None, text: str) -> None:
    """Reject an era year that names a day outside the era, or a lunisolar 明治 date."""
    if fiscal_year is not None:
        # A fiscal year is named in an era it shares a day with: 平成31年度 (it began in
        # 平成) and 令和元年度 (令和 began during it) are both FY2019, and a sub-period
        # keeps the name: 平成31年度末 is 2020-03-31.
        if era is _MEIJI and fiscal_year < _FIRST_APRIL_FISCAL_YEAR:
            reason = (
                "the April–March fiscal year began with 明治19年度 (1886); "
                "an earlier 明治 年度 ran over other months"
            )
            raise DateParseError(text, reason)
        fy_start, fy_end = date(fiscal_year, 4, 1), date(fiscal_year + 1, 3, 31)
        if not era.covers(fy_start, fy_end):
            reason = (
                f"{era.name} covers {era.days_text()}; fiscal year {fiscal_year} "
                f"({fy_start.isoformat()} to {fy_end.isoformat()}) is outside it"
            )
            raise DateParseError(text, reason)
        return
    if era is _MEIJI and span.start < GREGORIAN_ADOPTION:
        reason = (
            "明治5年12月2日 and earlier (and any 明治 year before 明治6年) are in the old "
            "lunisolar calendar; Japan adopted the Gregorian calendar on 明治6年1月1日 "
            "(1873-01-01), and a lunisolar date is not converted here"
        )
        raise DateParseError(text, reason)
    if not era.covers(span.start, span.end):
        raise DateParseError(text, f"{era.name} covers {era.days_text()}; this date is outside it")


def _era_year(raw: str, text: str) -> int:
    year = 1 if raw == "元" else int(raw)
    if year < 1:
        raise DateParseError(text, "era years start at 1 (元年)")
    return year


def _check_year(year: int, text: str) -> None:
    if not 1 <= year <= _LAST_YEAR:
        raise DateParseError(text, f"year {year} out of range 1..{_LAST_YEAR}")


def _parse_after_year(year: int, rest: str, text: str) -> tuple[DateSpan, int | None]:
    """The span named by ``rest`` in ``year``, and the fiscal year if it is a 年度 form."""
    _check_year(year, text)
    if rest in ("", "年"):
        return DateSpan.unit(Precision.YEAR, date(year, 1, 1)), None
    fiscal = _FISCAL_REST.match(rest)
    if fiscal is not None:
        if year > _LAST_YEAR - 1:
            raise DateParseError(text, f"fiscal year {year} ends after year {_LAST_YEAR}")
        return _fiscal_span(FiscalYear(year), fiscal), year
    month_match = _MONTH_REST.match(rest)
    if month_match is None:
        raise DateParseError(text)
    return _month_span(year, month_match, text), None


def _fiscal_span(fy: FiscalYear, fiscal: re.Match[str]) -> DateSpan:
    which = fiscal["which"]
    year = fy.year
    if which == "末":
        return DateSpan(start=fy.end, end=fy.end, fiscal_end=True)
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


def _month_span(year: int, m: re.Match[str], text: str) -> DateSpan:
    _check_year(year, text)
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
