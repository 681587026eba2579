"""years_before is months_before in whole years."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from maebashi_dx.forecast.series import months_before, years_before


@given(st.dates(min_value=date(200, 1, 1), max_value=date(9999, 12, 31)), st.integers(0, 150))
def test_years_before_is_months_before_in_whole_years(day: date, years: int) -> None:
    assert years_before(day, years) == months_before(day, 12 * years)


def test_a_leap_day_in_a_common_year_is_the_28th() -> None:
    assert years_before(date(2020, 2, 29), 1) == date(2019, 2, 28)
    assert years_before(date(2020, 2, 29), 4) == date(2016, 2, 29)
    assert years_before(date(2000, 2, 29), 100) == date(1900, 2, 28)
