"""The calendar helpers that read a series (months_before, pace_shift) against their
plain definitions: the month's length from :func:`calendar.monthrange`, every
year-on-year change listed, then the largest gap between consecutive ones."""

from __future__ import annotations

import calendar
import itertools
from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from maebashi_dx.forecast import months_before, pace_shift, value_at


def months_before_reference(day: date, months: int) -> date:
    years, month0 = divmod(day.month - 1 - months, 12)
    year, month = day.year + years, month0 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def pace_shift_reference(days: list[date], values: list[float], years: int = 4) -> float | None:
    end = days[-1]
    levels = []
    for k in range(years + 2):
        level = value_at(days, values, months_before_reference(end, 12 * k))
        if level is None:
            break
        levels.append(level)
    changes = [b - a for b, a in itertools.pairwise(levels)]
    if len(changes) < 2:
        return None
    return max(abs(x - y) for x, y in itertools.pairwise(changes))


@given(
    day=st.dates(date(1900, 1, 1), date(2200, 12, 31)),
    months=st.integers(-240, 240),
)
def test_months_before_is_the_calendar_clamp(day: date, months: int) -> None:
    assert months_before(day, months) == months_before_reference(day, months)


def test_months_before_month_ends() -> None:
    assert months_before(date(2024, 5, 31), 3) == date(2024, 2, 29)  # leap year
    assert months_before(date(2023, 5, 31), 3) == date(2023, 2, 28)
    assert months_before(date(2100, 3, 29), 1) == date(2100, 2, 28)  # not a leap year
    assert months_before(date(2000, 3, 30), 1) == date(2000, 2, 29)  # a leap year
    assert months_before(date(2024, 1, 31), -3) == date(2024, 4, 30)
    assert months_before(date(2024, 2, 29), 12) == date(2023, 2, 28)


@st.composite
def series(draw: st.DrawFn) -> tuple[list[date], list[float]]:
    n = draw(st.integers(1, 80))
    start = draw(st.dates(date(2000, 1, 1), date(2030, 12, 31)))
    gaps = draw(st.lists(st.integers(1, 120), min_size=n - 1, max_size=n - 1))
    days = [start]
    for gap in gaps:
        days.append(days[-1] + timedelta(days=gap))
    big = st.floats(-1e308, 1e308, allow_nan=False)
    values = draw(st.lists(st.floats(-1e6, 1e6) | big, min_size=n, max_size=n))
    return days, values


@given(data=series(), years=st.integers(0, 8))
def test_pace_shift_is_the_largest_gap_between_yearly_changes(
    data: tuple[list[date], list[float]], years: int
) -> None:
    days, values = data
    got, want = pace_shift(days, values, years), pace_shift_reference(days, values, years)
    if want is None or got is None:
        assert got is want
    else:
        assert got == want or (got != got and want != want)  # NaN from inf − inf: both


def test_pace_shift_by_hand() -> None:
    days = [date(2018, 3, 31), date(2019, 3, 31), date(2020, 3, 31), date(2021, 3, 31)]
    # yearly changes (newest first): 4, 1, 2; gaps 3 and 1
    assert pace_shift(days, [0.0, 2.0, 3.0, 7.0]) == 3.0
    assert pace_shift(days[1:], [2.0, 3.0, 7.0]) == 3.0
    assert pace_shift(days[2:], [3.0, 7.0]) is None
