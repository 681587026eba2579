"""City office business days (開庁日): weekends, national holidays, the year-end closure.

National holidays, substitute holidays (振替休日) and one-off moves such as the 2020 and
2021 Olympic holidays come from the ``holidays`` package (vacanza/holidays), imported on
first use; nothing here is a hand-written holiday table. The year-end closure
(年末年始, 29 December to 3 January under most municipal ordinances) and any
city-specific closed days are data on the :class:`CityCalendar`.

>>> from datetime import date
>>> cal = CityCalendar()
>>> cal.closed_reason(date(2021, 7, 23)), cal.closed_reason(date(2023, 1, 2))
('スポーツの日', '振替休日')
>>> cal.is_business_day(date(2021, 10, 11))
True
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any, Literal

import attrs

from maebashi_dx.errors import MissingDependencyError
from maebashi_dx.i18n import text

__all__ = ["DEFAULT_CALENDAR", "CityCalendar"]


@functools.cache
def _national_holidays(language: str) -> Any:
    try:
        import holidays  # imported on first use: it is large
    except ImportError:  # pragma: no cover - a core dependency
        raise MissingDependencyError("holidays", "core") from None
    return holidays.country_holidays("JP", language=language)


@attrs.frozen(kw_only=True)
class CityCalendar:
    """When the city offices are open.

    Attributes:
        weekend: Weekday numbers that are closed (Monday is 0): Saturday and Sunday.
        closure_start: (month, day) the year-end closure begins: 29 December.
        closure_end: (month, day) it ends, in the new year: 3 January.
        closed_days: Further days the offices are closed (a city's own).
    """

    weekend: frozenset[int] = frozenset({5, 6})
    closure_start: tuple[int, int] = (12, 29)
    closure_end: tuple[int, int] = (1, 3)
    closed_days: frozenset[date] = frozenset()

    def in_year_end_closure(self, day: date) -> bool:
        """Whether ``day`` falls in the year-end closure (年末年始)."""
        md = (day.month, day.day)
        if self.closure_start <= self.closure_end:  # a closure within one calendar year
            return self.closure_start <= md <= self.closure_end
        return md >= self.closure_start or md <= self.closure_end

    def closed_reason(self, day: date, lang: Literal["ja", "en"] = "ja") -> str | None:
        """Why the offices are closed on ``day`` (the holiday's name...), or None.

        A national holiday is named first, then the year-end closure, a city closed day,
        and the weekday.
        """
        return _closed_days(self, day.year, lang).get(day)

    def _reason(self, day: date, lang: Literal["ja", "en"]) -> str | None:
        holiday = _national_holidays("ja" if lang == "ja" else "en_US").get(day)
        if holiday:
            return str(holiday)
        if self.in_year_end_closure(day):
            return text("conflicts.calendar.year_end", lang)
        if day in self.closed_days:
            return text("conflicts.calendar.city", lang)
        if day.weekday() in self.weekend:
            # Keys w0 (Monday) to w6 (Sunday), as date.weekday() counts.
            return text(f"common.weekday.w{day.weekday()}", lang)
        return None

    def is_business_day(self, day: date) -> bool:
        """Whether the offices are open on ``day``."""
        return self.closed_reason(day) is None

    def next_business_day(self, day: date) -> date:
        """``day`` itself if open, else the next open day."""
        while not self.is_business_day(day):
            day += timedelta(days=1)
        return day

    def business_days(self, start: date, end: date) -> Iterator[date]:
        """The open days from ``start`` to ``end``, inclusive."""
        day = start
        while day <= end:
            if self.is_business_day(day):
                yield day
            day += timedelta(days=1)


@functools.lru_cache(maxsize=256)
def _closed_days(calendar: CityCalendar, year: int, lang: Literal["ja", "en"]) -> dict[date, str]:
    """Every closed day of one year with its reason: built once per calendar and year,
    so that checking a hundred thousand milestones is a dictionary lookup each."""
    day, end = date(year, 1, 1), date(year, 12, 31)
    table = {}
    while day <= end:
        reason = calendar._reason(day, lang)
        if reason is not None:
            table[day] = reason
        day += timedelta(days=1)
    return table


DEFAULT_CALENDAR = CityCalendar()
