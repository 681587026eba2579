"""Japanese dates: fiscal years, eras, 旬, 頃, month ends, ranges."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from maebashi_dx.dates import (
    DateSpan,
    FiscalYear,
    Precision,
    era_of,
    format_span,
    month_end,
    parse_date,
)
from maebashi_dx.errors import DateParseError, MaebashiDXError
from tests.strategies import days, fiscal_years, spans

FIRST_DAY, LAST_DAY = date(1, 1, 1), date(9999, 12, 31)
# Quarters and fiscal years are named by fiscal year, which runs from FY1 to FY9998.
FISCAL_FIRST, FISCAL_LAST = date(1, 4, 1), date(9999, 3, 31)


@st.composite
def wide_spans(draw: st.DrawFn) -> DateSpan:
    """Any valid span in years 1..9999, including ranges ending at a 年度末."""
    precision = draw(st.sampled_from(list(Precision)))
    fiscal = precision in (Precision.QUARTER, Precision.FISCAL_YEAR)
    low, high = (FISCAL_FIRST, FISCAL_LAST) if fiscal else (FIRST_DAY, LAST_DAY)
    first = draw(st.dates(low, high))
    later = date.fromordinal(min(high.toordinal(), first.toordinal() + draw(st.integers(0, 800))))
    end = precision.unit_end(later)
    fiscal_end = False
    if precision is Precision.DAY and draw(st.booleans()) and end <= FISCAL_LAST:
        end, fiscal_end = FiscalYear.of(end).end, True
    return DateSpan(
        start=precision.unit_start(first),
        end=end,
        precision=precision,
        approximate=draw(st.booleans()),
        fiscal_end=fiscal_end,
    )


D, J, M, Q, FY, Y = (
    Precision.DAY,
    Precision.JUN,
    Precision.MONTH,
    Precision.QUARTER,
    Precision.FISCAL_YEAR,
    Precision.YEAR,
)

# text, context_year, start, end, precision, approximate
FORMS = [
    # ISO and Western forms
    ("2022-05-17", None, date(2022, 5, 17), date(2022, 5, 17), D, False),
    ("2022/05/17", None, date(2022, 5, 17), date(2022, 5, 17), D, False),
    ("2022.5.17", None, date(2022, 5, 17), date(2022, 5, 17), D, False),
    ("20220517", None, date(2022, 5, 17), date(2022, 5, 17), D, False),
    ("2022-05", None, date(2022, 5, 1), date(2022, 5, 31), M, False),
    ("2022/5", None, date(2022, 5, 1), date(2022, 5, 31), M, False),
    ("2022", None, date(2022, 1, 1), date(2022, 12, 31), Y, False),
    ("2022年", None, date(2022, 1, 1), date(2022, 12, 31), Y, False),
    ("2020年7月", None, date(2020, 7, 1), date(2020, 7, 31), M, False),
    ("2022年5月17日", None, date(2022, 5, 17), date(2022, 5, 17), D, False),
    ("2021年3月末", None, date(2021, 3, 31), date(2021, 3, 31), D, False),
    ("2022年4月末", None, date(2022, 4, 30), date(2022, 4, 30), D, False),
    ("2024年2月末", None, date(2024, 2, 29), date(2024, 2, 29), D, False),
    ("2023年2月末", None, date(2023, 2, 28), date(2023, 2, 28), D, False),
    ("2022年6月上旬", None, date(2022, 6, 1), date(2022, 6, 10), J, False),
    ("2022年6月中旬", None, date(2022, 6, 11), date(2022, 6, 20), J, False),
    ("2022年6月下旬", None, date(2022, 6, 21), date(2022, 6, 30), J, False),
    ("2022年2月下旬", None, date(2022, 2, 21), date(2022, 2, 28), J, False),
    ("2022年6月初旬", None, date(2022, 6, 1), date(2022, 6, 10), J, False),
    ("2022年7月頃", None, date(2022, 7, 1), date(2022, 7, 31), M, True),
    ("2022年7月ごろ", None, date(2022, 7, 1), date(2022, 7, 31), M, True),
    # fiscal years (年度)
    ("2022年度", None, date(2022, 4, 1), date(2023, 3, 31), FY, False),
    ("2025年度末", None, date(2026, 3, 31), date(2026, 3, 31), D, False),
    ("2025年度末まで", None, date(2026, 3, 31), date(2026, 3, 31), D, False),
    ("2022年度中", None, date(2022, 4, 1), date(2023, 3, 31), FY, False),
    ("2022年度第1四半期", None, date(2022, 4, 1), date(2022, 6, 30), Q, False),
    ("2022年度第4四半期", None, date(2023, 1, 1), date(2023, 3, 31), Q, False),
    ("2022年度上半期", None, date(2022, 4, 1), date(2022, 9, 30), Q, False),
    ("2022年度下半期", None, date(2022, 10, 1), date(2023, 3, 31), Q, False),
    ("2022年度当初", None, date(2022, 4, 1), date(2022, 4, 30), M, False),
    ("FY2022", None, date(2022, 4, 1), date(2023, 3, 31), FY, False),
    ("2025（令和7）年度", None, date(2025, 4, 1), date(2026, 3, 31), FY, False),
    ("2022（令和4）年度", None, date(2022, 4, 1), date(2023, 3, 31), FY, False),
    ("2025(R7)年度", None, date(2025, 4, 1), date(2026, 3, 31), FY, False),
    ("令和7（2025）年度", None, date(2025, 4, 1), date(2026, 3, 31), FY, False),
    ("2019（令和元）年度", None, date(2019, 4, 1), date(2020, 3, 31), FY, False),
    # eras
    ("令和7年度末", None, date(2026, 3, 31), date(2026, 3, 31), D, False),
    ("令和4年度", None, date(2022, 4, 1), date(2023, 3, 31), FY, False),
    ("令和元年度", None, date(2019, 4, 1), date(2020, 3, 31), FY, False),
    ("平成31年度", None, date(2019, 4, 1), date(2020, 3, 31), FY, False),
    ("令和元年5月1日", None, date(2019, 5, 1), date(2019, 5, 1), D, False),
    ("平成31年4月30日", None, date(2019, 4, 30), date(2019, 4, 30), D, False),
    ("平成元年1月8日", None, date(1989, 1, 8), date(1989, 1, 8), D, False),
    ("昭和64年1月7日", None, date(1989, 1, 7), date(1989, 1, 7), D, False),
    ("昭和63年度", None, date(1988, 4, 1), date(1989, 3, 31), FY, False),
    ("令和4年9月", None, date(2022, 9, 1), date(2022, 9, 30), M, False),
    ("令和3年", None, date(2021, 1, 1), date(2021, 12, 31), Y, False),
    ("R4.5", None, date(2022, 5, 1), date(2022, 5, 31), M, False),
    ("R5.4", None, date(2023, 4, 1), date(2023, 4, 30), M, False),
    ("R5.9", None, date(2023, 9, 1), date(2023, 9, 30), M, False),
    ("R3.10.26", None, date(2021, 10, 26), date(2021, 10, 26), D, False),
    ("R4/5/17", None, date(2022, 5, 17), date(2022, 5, 17), D, False),
    ("H31/4/30", None, date(2019, 4, 30), date(2019, 4, 30), D, False),
    ("H30.3", None, date(2018, 3, 1), date(2018, 3, 31), M, False),
    ("S63.12.31", None, date(1988, 12, 31), date(1988, 12, 31), D, False),
    ("r4.5", None, date(2022, 5, 1), date(2022, 5, 31), M, False),
    ("R4年度", None, date(2022, 4, 1), date(2023, 3, 31), FY, False),
    ("R4年度中", None, date(2022, 4, 1), date(2023, 3, 31), FY, False),
    ("R7年度末", None, date(2026, 3, 31), date(2026, 3, 31), D, False),
    ("R4.7月", None, date(2022, 7, 1), date(2022, 7, 31), M, False),
    ("R4.7月頃", None, date(2022, 7, 1), date(2022, 7, 31), M, True),
    # full-width digits
    ("２０２２年５月", None, date(2022, 5, 1), date(2022, 5, 31), M, False),
    ("令和４年度", None, date(2022, 4, 1), date(2023, 3, 31), FY, False),
    ("Ｒ４．５", None, date(2022, 5, 1), date(2022, 5, 31), M, False),
    ("２０２５（令和７）年度", None, date(2025, 4, 1), date(2026, 3, 31), FY, False),
    # ranges
    ("R4.7月頃～R5.2月頃", None, date(2022, 7, 1), date(2023, 2, 28), M, True),
    ("R4.7月～9月", None, date(2022, 7, 1), date(2022, 9, 30), M, False),
    ("R4.10～11月", None, date(2022, 10, 1), date(2022, 11, 30), M, False),
    ("R4.12～1月", None, date(2022, 12, 1), date(2023, 1, 31), M, False),
    ("2021年4月～2026年3月", None, date(2021, 4, 1), date(2026, 3, 31), M, False),
    ("2022-05-17〜2022-09-30", None, date(2022, 5, 17), date(2022, 9, 30), D, False),
    ("2022年5月17日から9月30日", None, date(2022, 5, 17), date(2022, 9, 30), D, False),
    ("2022年度～2023年", None, date(2022, 4, 1), date(2023, 12, 31), Q, False),
    ("R4.5月頃～", None, date(2022, 5, 1), date(2022, 5, 31), M, True),
    ("R4年度～", None, date(2022, 4, 1), date(2023, 3, 31), FY, False),
    ("～2025年度末", None, date(2026, 3, 31), date(2026, 3, 31), D, False),
    # no year: from context
    ("5/17～", 2022, date(2022, 5, 17), date(2022, 5, 17), D, False),
    ("5/13", 2022, date(2022, 5, 13), date(2022, 5, 13), D, False),
    ("6/1", 2022, date(2022, 6, 1), date(2022, 6, 1), D, False),
    ("6/上旬", 2022, date(2022, 6, 1), date(2022, 6, 10), J, False),
    ("6月上旬", 2022, date(2022, 6, 1), date(2022, 6, 10), J, False),
    ("7月", 2022, date(2022, 7, 1), date(2022, 7, 31), M, False),
    ("7月頃", 2022, date(2022, 7, 1), date(2022, 7, 31), M, True),
    ("9/30", 2022, date(2022, 9, 30), date(2022, 9, 30), D, False),
    ("5月17日", 2022, date(2022, 5, 17), date(2022, 5, 17), D, False),
    ("3月末", 2022, date(2022, 3, 31), date(2022, 3, 31), D, False),
    (" 2022年 5月 ", None, date(2022, 5, 1), date(2022, 5, 31), M, False),
    # kanji numerals, as official documents write them
    ("令和元年五月一日", None, date(2019, 5, 1), date(2019, 5, 1), D, False),
    ("令和四年度", None, date(2022, 4, 1), date(2023, 3, 31), FY, False),
    ("十二月", 2022, date(2022, 12, 1), date(2022, 12, 31), M, False),
    ("十月三十一日", 2022, date(2022, 10, 31), date(2022, 10, 31), D, False),
    ("令和四年十二月二十日", None, date(2022, 12, 20), date(2022, 12, 20), D, False),
    ("平成三十一年四月三十日", None, date(2019, 4, 30), date(2019, 4, 30), D, False),
    ("昭和六十三年度", None, date(1988, 4, 1), date(1989, 3, 31), FY, False),
    ("二〇二二年五月", None, date(2022, 5, 1), date(2022, 5, 31), M, False),
    ("二千二十二年十一月", None, date(2022, 11, 1), date(2022, 11, 30), M, False),
    ("令和四年度第三四半期", None, date(2022, 10, 1), date(2022, 12, 31), Q, False),
    ("令和四年度第四四半期", None, date(2023, 1, 1), date(2023, 3, 31), Q, False),
    ("九月上旬", 2022, date(2022, 9, 1), date(2022, 9, 10), J, False),
    # a weekday in brackets, checked against the day
    ("令和元年5月1日（水）", None, date(2019, 5, 1), date(2019, 5, 1), D, False),
    ("令和元年5月1日(水)", None, date(2019, 5, 1), date(2019, 5, 1), D, False),
    ("5/17(火)", 2022, date(2022, 5, 17), date(2022, 5, 17), D, False),
    ("令和元年5月1日（水曜日）", None, date(2019, 5, 1), date(2019, 5, 1), D, False),
    ("令和元年5月1日（水曜）", None, date(2019, 5, 1), date(2019, 5, 1), D, False),
    ("令和元年5月3日（金・祝）", None, date(2019, 5, 3), date(2019, 5, 3), D, False),
    ("2022年5月17日（火）～5月20日（金）", None, date(2022, 5, 17), date(2022, 5, 20), D, False),
    # 現在 / 時点 (as of)
    ("令和4年5月1日現在", None, date(2022, 5, 1), date(2022, 5, 1), D, False),
    ("令和4年5月1日時点", None, date(2022, 5, 1), date(2022, 5, 1), D, False),
    ("令和4年5月1日（日）現在", None, date(2022, 5, 1), date(2022, 5, 1), D, False),
    ("令和4年5月現在", None, date(2022, 5, 1), date(2022, 5, 31), M, False),
    ("令和4年度時点", None, date(2022, 4, 1), date(2023, 3, 31), FY, False),
    ("2022年3月末時点", None, date(2022, 3, 31), date(2022, 3, 31), D, False),
    # sub-periods of a fiscal year named in the era it began in
    ("平成31年度末", None, date(2020, 3, 31), date(2020, 3, 31), D, False),
    ("昭和63年度末", None, date(1989, 3, 31), date(1989, 3, 31), D, False),
    ("平成31年度下半期", None, date(2019, 10, 1), date(2020, 3, 31), Q, False),
    ("平成31年度第3四半期", None, date(2019, 10, 1), date(2019, 12, 31), Q, False),
    ("平成31年度第4四半期", None, date(2020, 1, 1), date(2020, 3, 31), Q, False),
    ("令和元年度当初", None, date(2019, 4, 1), date(2019, 4, 30), M, False),
    ("令和元年度末", None, date(2020, 3, 31), date(2020, 3, 31), D, False),
    ("H31年度末", None, date(2020, 3, 31), date(2020, 3, 31), D, False),
    ("2019(平成31)年度末", None, date(2020, 3, 31), date(2020, 3, 31), D, False),
    # 明治 from 1873 (the Gregorian calendar), and the era boundaries
    ("明治6年1月1日", None, date(1873, 1, 1), date(1873, 1, 1), D, False),
    ("M6.1.1", None, date(1873, 1, 1), date(1873, 1, 1), D, False),
    ("明治6年", None, date(1873, 1, 1), date(1873, 12, 31), Y, False),
    ("明治三十年十月", None, date(1897, 10, 1), date(1897, 10, 31), M, False),
    ("明治19年度", None, date(1886, 4, 1), date(1887, 3, 31), FY, False),
    ("明治45年7月29日", None, date(1912, 7, 29), date(1912, 7, 29), D, False),
    ("大正元年7月30日", None, date(1912, 7, 30), date(1912, 7, 30), D, False),
    ("T15.12.24", None, date(1926, 12, 24), date(1926, 12, 24), D, False),
    ("昭和元年12月25日", None, date(1926, 12, 25), date(1926, 12, 25), D, False),
]


class TestParseDate:
    @pytest.mark.parametrize(("text", "year", "start", "end", "precision", "approx"), FORMS)
    def test_form(
        self,
        text: str,
        year: int | None,
        start: date,
        end: date,
        precision: Precision,
        approx: bool,
    ) -> None:
        """Each form in DOMAIN.md (and the usual variants) reads to the expected span."""
        span = parse_date(text, context_year=year)
        assert (span.start, span.end, span.precision, span.approximate) == (
            start,
            end,
            precision,
            approx,
        )
        assert span.text == text

    def test_at_least_sixty_forms(self) -> None:
        assert len(FORMS) >= 60

    def test_fiscal_context_puts_january_to_march_in_the_next_year(self) -> None:
        assert parse_date("2月", context_fiscal_year=2022) == DateSpan.month(2023, 2)
        assert parse_date("5月", context_fiscal_year=2022) == DateSpan.month(2022, 5)

    def test_fiscal_sub_period_without_a_year_reads_the_context_fiscal_year(self) -> None:
        q3 = DateSpan.unit(Q, date(2019, 10, 1))
        assert parse_date("第3四半期", context_fiscal_year=2019) == q3
        assert parse_date("第三四半期", context_fiscal_year=2019) == q3
        assert parse_date("下半期", context_fiscal_year=2019) == parse_date("2019年度下半期")
        assert parse_date("年度末", context_fiscal_year=2024) == DateSpan.day(date(2025, 3, 31))
        # A calendar year does not say which quarter is the third of a fiscal year.
        with pytest.raises(DateParseError, match="context_fiscal_year"):
            parse_date("第3四半期", context_year=2019)

    def test_heisei_and_reiwa_sub_periods_of_fy2019_agree(self) -> None:
        """Plans written before May 2019 name FY2019's parts in 平成; later ones in 令和."""
        for part in ("末", "下半期", "上半期", "当初", "第1四半期", "第4四半期", "中"):
            assert parse_date(f"平成31年度{part}") == parse_date(f"令和元年度{part}")

    @pytest.mark.parametrize(
        ("old", "new", "year"),
        [("明治45年度", "大正元年度", 1912), ("大正15年度", "昭和元年度", 1926)],
    )
    def test_a_fiscal_year_across_an_era_change_has_both_names(
        self, old: str, new: str, year: int
    ) -> None:
        """Valid in the era it began in, and in the era that began during it (元年度)."""
        assert parse_date(old) == parse_date(new) == FiscalYear(year).span
        assert (
            parse_date(f"{old}末") == parse_date(f"{new}末") == DateSpan.day(FiscalYear(year).end)
        )

    def test_heisei31_and_reiwa1_fiscal_years_are_the_same(self) -> None:
        assert parse_date("平成31年度") == parse_date("令和元年度") == FiscalYear(2019).span

    @pytest.mark.parametrize(
        ("text", "fragment"),
        [
            ("平成31年5月1日", "平成"),
            ("令和元年4月30日", "令和"),
            ("令和元年4月", "令和"),
            ("昭和64年1月8日", "昭和"),
            ("昭和64年度", "昭和"),
            ("平成32年度", "平成"),
            ("2025(令和6)年度", "令和6"),
            ("令和7(2024)年度", "2024"),
            ("2022-02-30", "day is out of range"),
            ("2022年13月", "no month 13"),
            ("R0.5", "元年"),
            ("5/17", "context_year"),
            ("foo", "unrecognised"),
            ("", "empty"),
            ("頃", "empty"),
            ("2022年度x", "unrecognised"),
            ("R4.7～R4.5", "ends before it starts"),
            ("2022~2023~2024", "more than one"),
            ("～", "at least one end"),
        ],
    )
    def test_unreadable_text_raises_with_the_text_quoted(self, text: str, fragment: str) -> None:
        """Era boundaries are exact; impossible days and unknown forms are errors."""
        with pytest.raises(DateParseError) as info:
            parse_date(text)
        assert info.value.text == text
        assert repr(text) in str(info.value)
        assert fragment in str(info.value)
        assert isinstance(info.value, MaebashiDXError)
        assert isinstance(info.value, ValueError)

    @pytest.mark.parametrize(
        ("text", "fragment"),
        [
            ("令和元年5月1日（木）", "2019-05-01 is a 水曜日 (Wednesday), not a 木曜日"),
            ("5/17(水)", "2022-05-17 is a 火曜日"),
            ("令和元年5月（水）", "more than one day"),
            ("平成32年度末", "平成 covers 1989-01-08 to 2019-04-30; fiscal year 2020"),
            ("昭和64年度末", "fiscal year 1989"),
            ("令和元年3月", "令和"),
            ("明治5年12月2日", "lunisolar"),
            ("明治5年12月3日", "明治6年1月1日 (1873-01-01)"),
            ("明治5年", "lunisolar"),
            ("明治元年1月1日", "lunisolar"),
            ("M5.6", "lunisolar"),
            ("明治18年度", "明治19年度"),
            ("明治45年7月30日", "明治 covers 1868-01-25 to 1912-07-29"),
            ("大正元年7月29日", "大正 covers 1912-07-30 to 1926-12-24"),
            ("大正15年12月25日", "大正"),
            ("昭和元年12月24日", "昭和 covers 1926-12-25"),
            ("十十年", "not a kanji number"),
            ("二三十年", "not a kanji number"),
            ("9998年度末～1月", "year 10000"),
            ("9999年度", "fiscal year 9999"),
            ("0000年", "year 0"),
        ],
    )
    def test_more_unreadable_text(self, text: str, fragment: str) -> None:
        """Wrong weekdays say the right one; lunisolar 明治 dates and era overruns are errors."""
        with pytest.raises(DateParseError) as info:
            parse_date(text, context_year=2022)
        assert info.value.text == text
        assert fragment in info.value.reason

    @pytest.mark.parametrize(
        "year",
        [0, -1, 10000, 10**30, 10**5000, 2022.0, "2022", True, [2022]],
        ids=["zero", "negative", "10000", "1e30", "huge", "float", "str", "bool", "list"],
    )
    def test_a_bad_context_year_is_a_date_parse_error(self, year: object) -> None:
        """Any value, wrong or out of range, is a DateParseError (never a ValueError alone)."""
        for key in ("context_year", "context_fiscal_year"):
            with pytest.raises(DateParseError, match=f"{key} must be an int from 1 to 9999"):
                parse_date("5月", **{key: year})  # type: ignore[arg-type]

    def test_the_last_years_are_read_or_refused_cleanly(self) -> None:
        assert parse_date("9999年12月31日") == DateSpan.day(date(9999, 12, 31))
        assert parse_date("5月", context_year=9999) == DateSpan.month(9999, 5)
        assert parse_date("12月", context_fiscal_year=9999) == DateSpan.month(9999, 12)
        with pytest.raises(DateParseError, match="year 10000"):
            parse_date("1月", context_fiscal_year=9999)
        with pytest.raises(DateParseError, match="year 10000"):
            parse_date("9999年12月～1月")
        assert parse_date("0001年1月1日") == DateSpan.day(date(1, 1, 1))

    @pytest.mark.parametrize("char", [chr(0xD800), chr(0xDFFF), "\x00", "\x1b", "\x7f", "\x85"])
    def test_control_characters_and_lone_surrogates_are_refused_printably(self, char: str) -> None:
        text = f"2022年{char}5月"
        with pytest.raises(DateParseError, match="U\\+") as info:
            parse_date(text)
        assert info.value.text == text
        str(info.value).encode("utf-8")  # printing it cannot raise UnicodeEncodeError
        assert char not in str(info.value)

    @given(
        st.text(st.characters(codec=None), max_size=6),
        st.sampled_from(["\t", "\u2028", "\u200b", "\ue000", "\u3000", "\x0b", "\x0c"]),
    )
    def test_only_control_characters_and_surrogates_are_refused_as_characters(
        self, tail: str, other: str
    ) -> None:
        """A printable text is never searched for them (isprintable first): other text
        that is not printable (a tab, a line separator, a private-use or a zero-width
        character) is read or refused as a date, never for its characters, and the
        character refused is the first of the refused ones."""
        forbidden = [
            c for c in tail if c <= "\x08" or "\x0e" <= c <= "\x1f" or "\x7f" <= c <= "\x9f"
        ]
        forbidden += [c for c in tail if "\ud800" <= c <= "\udfff"]
        text = f"2022年{other}5月{tail}"
        reason = ""
        try:
            parse_date(text)
        except DateParseError as exc:
            reason = exc.reason
        assert ("which no date has" in reason) == bool(forbidden)
        if forbidden:
            first = next(c for c in text if c in forbidden)
            assert f"U+{ord(first):04X}" in reason

    def test_an_overlong_text_is_refused_at_once_with_a_short_message(self) -> None:
        text = "令和" * 500_000
        with pytest.raises(DateParseError, match="1000000 characters") as info:
            parse_date(text)
        assert len(str(info.value)) < 200
        assert len(info.value.text) <= 41

    def test_non_text_is_an_error_not_a_crash(self) -> None:
        with pytest.raises(DateParseError):
            parse_date(20220517)  # type: ignore[arg-type]


class TestFiscalYear:
    def test_start_end(self) -> None:
        assert FiscalYear(2022).start == date(2022, 4, 1)
        assert FiscalYear(2022).end == date(2023, 3, 31)

    @pytest.mark.parametrize(
        ("day", "year"),
        [(date(2022, 4, 1), 2022), (date(2023, 3, 31), 2022), (date(2022, 3, 31), 2021)],
    )
    def test_of_at_the_boundaries(self, day: date, year: int) -> None:
        assert FiscalYear.of(day) == FiscalYear(year)

    @pytest.mark.parametrize(
        ("year", "label"),
        [
            (2025, "2025（令和7）年度"),
            (2022, "2022（令和4）年度"),
            (2019, "2019（令和元）年度"),
            (2018, "2018（平成30）年度"),
            (1988, "1988（昭和63）年度"),
            (1989, "1989（平成元）年度"),
        ],
    )
    def test_label_names_the_era_of_most_of_the_year(self, year: int, label: str) -> None:
        assert FiscalYear(year).label() == label
        assert parse_date(label) == FiscalYear(year).span

    @pytest.mark.parametrize(
        ("year", "label"),
        [
            (1886, "1886（明治19）年度"),
            (1911, "1911（明治44）年度"),
            (1912, "1912（大正元）年度"),
            (1926, "1926（大正15）年度"),
            (1927, "1927（昭和2）年度"),
            (1885, "1885年度"),
            (5, "0005年度"),
            (2117, "2117（令和99）年度"),
            (2118, "2118年度"),
            (9998, "9998年度"),
        ],
    )
    def test_label_without_an_era_where_none_is_written(self, year: int, label: str) -> None:
        """No era before the April fiscal year (FY1886) or past era year 99; reads back."""
        assert FiscalYear(year).label() == label
        assert parse_date(label) == FiscalYear(year).span

    def test_era_before_the_april_fiscal_year_is_an_error(self) -> None:
        with pytest.raises(DateParseError, match="明治19年度"):
            _ = FiscalYear(1885).era

    @pytest.mark.parametrize(
        "year",
        [0, -1, 9999, 10**5000, 2022.0, "2022", True],
        ids=["zero", "negative", "9999", "huge", "float", "str", "bool"],
    )
    def test_a_bad_year_is_a_date_parse_error(self, year: object) -> None:
        with pytest.raises(DateParseError) as info:
            FiscalYear(year)  # type: ignore[arg-type]
        assert isinstance(info.value, MaebashiDXError)
        assert len(str(info.value)) < 200

    def test_the_first_and_last_fiscal_years(self) -> None:
        assert FiscalYear(9998).end == date(9999, 3, 31)
        assert FiscalYear(1).start == date(1, 4, 1)
        with pytest.raises(DateParseError):
            FiscalYear.of(date(9999, 4, 1))
        with pytest.raises(DateParseError):
            FiscalYear.of(date(1, 3, 31))

    @given(fiscal_years)
    def test_contains_its_start_and_end(self, fy: FiscalYear) -> None:
        assert fy.start in fy
        assert fy.end in fy
        assert FiscalYear.of(fy.start) == fy == FiscalYear.of(fy.end)
        assert fy.span.days in (365, 366)

    @given(days)
    def test_of_is_consistent_with_start_and_end(self, day: date) -> None:
        fy = FiscalYear.of(day)
        assert fy.start <= day <= fy.end
        assert day not in FiscalYear(fy.year + 1)
        assert day not in FiscalYear(fy.year - 1)


class TestEras:
    @pytest.mark.parametrize(
        ("day", "name", "year"),
        [
            (date(2019, 4, 30), "平成", 31),
            (date(2019, 5, 1), "令和", 1),
            (date(1989, 1, 7), "昭和", 64),
            (date(1989, 1, 8), "平成", 1),
        ],
    )
    def test_era_of_is_exact_at_the_boundaries(self, day: date, name: str, year: int) -> None:
        era, era_year = era_of(day)
        assert (era.name, era_year) == (name, year)

    @pytest.mark.parametrize(
        ("day", "name", "year"),
        [
            (date(1873, 1, 1), "明治", 6),
            (date(1912, 7, 29), "明治", 45),
            (date(1912, 7, 30), "大正", 1),
            (date(1926, 12, 24), "大正", 15),
            (date(1926, 12, 25), "昭和", 1),
        ],
    )
    def test_earlier_boundaries(self, day: date, name: str, year: int) -> None:
        era, era_year = era_of(day)
        assert (era.name, era_year) == (name, year)
        assert parse_date(f"{name}{'元' if year == 1 else year}年{day.month}月{day.day}日") == (
            DateSpan.day(day)
        )

    def test_a_day_before_the_gregorian_calendar_has_no_era_year(self) -> None:
        with pytest.raises(DateParseError, match="1873-01-01"):
            era_of(date(1872, 12, 31))
        with pytest.raises(DateParseError):
            era_of(date(1, 1, 1))


class TestDateSpan:
    def test_misaligned_month_span_is_rejected(self) -> None:
        with pytest.raises(DateParseError, match="first day of a month"):
            DateSpan(start=date(2022, 5, 2), end=date(2022, 5, 31), precision=Precision.MONTH)

    def test_end_before_start_is_rejected(self) -> None:
        with pytest.raises(DateParseError, match="before start"):
            DateSpan(start=date(2022, 5, 2), end=date(2022, 5, 1))

    @pytest.mark.parametrize(
        ("fields", "fragment"),
        [
            ({"start": datetime(2022, 5, 1), "end": date(2022, 5, 1)}, "start must be a"),
            ({"start": date(2022, 5, 1), "end": "2022-05-01"}, "end must be a"),
            ({"start": date(2022, 5, 1), "end": date(2022, 5, 1), "precision": "day"}, "Precis"),
            ({"start": date(2022, 5, 1), "end": date(2022, 5, 1), "approximate": 1}, "a bool"),
            ({"start": date(2022, 5, 1), "end": date(2022, 5, 1), "fiscal_end": True}, "31 M"),
            ({"start": date(1, 1, 1), "end": date(1, 3, 31), "precision": Q}, "outside fiscal"),
            (
                {"start": date(9999, 4, 1), "end": date(9999, 6, 30), "precision": Q},
                "outside fiscal",
            ),
        ],
    )
    def test_a_bad_field_is_a_date_parse_error(
        self, fields: dict[str, object], fragment: str
    ) -> None:
        """Wrong types and impossible values are library errors, never TypeError or crashes."""
        with pytest.raises(DateParseError, match=fragment):
            DateSpan(**fields)  # type: ignore[arg-type]

    @pytest.mark.parametrize(
        ("year", "month"),
        [(10000, 1), (0, 5), (2022, 13), (2022, 0), (10**5000, 1), ("2022", 1), (2022.0, 5)],
        ids=["10000", "zero", "month 13", "month 0", "huge", "str", "float"],
    )
    def test_a_month_that_cannot_be_is_a_date_parse_error(
        self, year: object, month: object
    ) -> None:
        with pytest.raises(DateParseError, match="no month") as info:
            DateSpan.month(year, month)  # type: ignore[arg-type]
        assert len(str(info.value)) < 200

    def test_a_unit_of_the_wrong_types_or_beyond_the_years_is_a_date_parse_error(self) -> None:
        with pytest.raises(DateParseError, match="expected a Precision and a date"):
            DateSpan.unit("month", date(2022, 5, 1))  # type: ignore[arg-type]
        with pytest.raises(DateParseError, match="expected a Precision and a date"):
            DateSpan.unit(M, "2022-05-01")  # type: ignore[arg-type]
        with pytest.raises(DateParseError, match="fiscal years run from 1 to 9998"):
            DateSpan.unit(FY, date(9999, 4, 1))

    def test_fiscal_end_is_for_display_only(self) -> None:
        """令和6年度末 is the day 2025-03-31, however it is written."""
        written = parse_date("令和6年度末")
        assert written.fiscal_end
        assert written == DateSpan.day(date(2025, 3, 31)) == parse_date("2025年3月31日")
        assert not parse_date("2025年3月31日").fiscal_end
        assert hash(written) == hash(DateSpan.day(date(2025, 3, 31)))

    def test_spans_touching_on_one_day_overlap(self) -> None:
        a = DateSpan(start=date(2022, 5, 1), end=date(2022, 5, 10))
        b = DateSpan(start=date(2022, 5, 10), end=date(2022, 5, 20))
        c = DateSpan(start=date(2022, 5, 11), end=date(2022, 5, 20))
        assert a.overlaps(b)
        assert b.overlaps(a)
        assert not a.overlaps(c)

    def test_text_is_kept_but_not_compared(self) -> None:
        assert parse_date("R4.5") == parse_date("2022年5月")
        assert parse_date("R4.5").text == "R4.5"

    def test_month_end(self) -> None:
        assert month_end(date(2023, 2, 3)) == date(2023, 2, 28)


class TestFormat:
    @pytest.mark.parametrize(
        ("text", "ja", "en"),
        [
            ("2020年7月", "2020年7月", "Jul 2020"),
            ("2021年3月末", "2021年3月末", "31 Mar 2021"),
            ("R4.7月頃～R5.2月頃", "2022年7月頃～2023年2月頃", "about Jul 2022 – Feb 2023"),
            ("2022年度", "2022年度", "FY2022"),
            ("2022年6月上旬", "2022年6月上旬", "early Jun 2022"),
            ("R3.10.26", "2021年10月26日", "26 Oct 2021"),
        ],
    )
    def test_examples(self, text: str, ja: str, en: str) -> None:
        span = parse_date(text)
        assert format_span(span) == ja
        assert format_span(span, lang="en") == en

    @pytest.mark.parametrize(
        ("text", "ja", "era", "en"),
        [
            ("令和6年度末", "2024年度末", "2024（令和6）年度末", "end of FY2024"),
            ("2025年度末", "2025年度末", "2025（令和7）年度末", "end of FY2025"),
            ("平成31年度末", "2019年度末", "2019（令和元）年度末", "end of FY2019"),
            ("昭和63年度末", "1988年度末", "1988（昭和63）年度末", "end of FY1988"),
            ("令和6年度末頃", "2024年度末頃", "2024（令和6）年度末頃", "about end of FY2024"),
            (
                "R4.4～R6年度末",
                "2022年4月1日～2024年度末",
                "令和4年4月1日～2024（令和6）年度末",
                "1 Apr 2022 – end of FY2024",
            ),
            ("2025年3月31日", "2025年3月末", "令和7年3月末", "31 Mar 2025"),
        ],
    )
    def test_fiscal_year_end_is_written_as_its_fiscal_year(
        self, text: str, ja: str, era: str, en: str
    ) -> None:
        """A deadline read as 年度末 shows in the style of FiscalYear.label, not 3月末."""
        span = parse_date(text)
        assert format_span(span) == ja
        assert format_span(span, era=True) == era
        assert format_span(span, lang="en") == en
        assert parse_date(ja) == parse_date(era) == span
        assert parse_date(ja).fiscal_end is parse_date(era).fiscal_end is span.fiscal_end

    def test_the_deadline_styles_agree(self) -> None:
        """The table writes 年度 deadlines with FiscalYear.label; 年度末 ones now match."""
        fy_label = FiscalYear(2025).label()
        end_label = format_span(parse_date("令和7年度末"), era=True)
        assert end_label == f"{fy_label}末"

    @pytest.mark.parametrize(
        "span",
        [
            DateSpan.day(date(9999, 12, 31)),
            DateSpan.day(date(1, 1, 1)),
            DateSpan.unit(Precision.YEAR, date(9999, 1, 1)),
            DateSpan.unit(Precision.YEAR, date(1, 1, 1)),
            DateSpan.unit(Precision.JUN, date(9999, 12, 31)),
            DateSpan.unit(Precision.QUARTER, date(9999, 1, 1)),
            DateSpan.unit(Precision.QUARTER, date(1, 4, 1)),
            FiscalYear(9998).span,
            FiscalYear(1).span,
            DateSpan(start=date(1, 1, 1), end=date(9999, 12, 31)),
            DateSpan(start=date(9999, 3, 31), end=date(9999, 3, 31), fiscal_end=True),
            DateSpan.day(date(1872, 12, 31)),
            DateSpan.day(date(2200, 1, 1)),
        ],
        ids=str,
    )
    def test_extreme_spans_format_and_read_back(self, span: DateSpan) -> None:
        for era in (False, True):
            assert parse_date(format_span(span, era=era)) == span
        assert format_span(span, lang="en")

    @given(spans())
    def test_format_then_parse_returns_the_same_span(self, span: DateSpan) -> None:
        assert parse_date(format_span(span)) == span

    @given(wide_spans(), st.booleans())
    def test_format_then_parse_round_trips_in_every_year(self, span: DateSpan, era: bool) -> None:
        """Years 1..9999, every precision, 年度末 kept: the text reads back to the span."""
        text = format_span(span, era=era)
        back = parse_date(text)
        assert back == span
        assert back.fiscal_end is span.fiscal_end
        assert format_span(back, era=era) == text

    @given(spans(st.dates(date(1927, 1, 1), date(2099, 12, 31))))
    def test_format_with_eras_then_parse_returns_the_same_span(self, span: DateSpan) -> None:
        assert parse_date(format_span(span, era=True)) == span
