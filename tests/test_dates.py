"""Japanese dates: fiscal years, eras, 旬, 頃, month ends, ranges."""

from __future__ import annotations

from datetime import date

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


class TestDateSpan:
    def test_misaligned_month_span_is_rejected(self) -> None:
        with pytest.raises(ValueError, match="first day of a month"):
            DateSpan(start=date(2022, 5, 2), end=date(2022, 5, 31), precision=Precision.MONTH)

    def test_end_before_start_is_rejected(self) -> None:
        with pytest.raises(ValueError, match="before start"):
            DateSpan(start=date(2022, 5, 2), end=date(2022, 5, 1))

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

    @given(spans())
    def test_format_then_parse_returns_the_same_span(self, span: DateSpan) -> None:
        assert parse_date(format_span(span)) == span

    @given(spans(st.dates(date(1927, 1, 1), date(2099, 12, 31))))
    def test_format_with_eras_then_parse_returns_the_same_span(self, span: DateSpan) -> None:
        assert parse_date(format_span(span, era=True)) == span
