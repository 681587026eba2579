"""Fuzzing parse_date: random texts of date tokens and junk, random context years.

The property (issue 11): for any text and any context year, parse_date either returns a
span with ``start <= end`` in years 1..9999 (which then formats in every style and reads
back), or raises DateParseError, whose message can be printed. Anything else is a bug.

How many texts: the loaded Hypothesis profile's ``max_examples`` (tests/conftest.py), except
under the thorough profile (``HYPOTHESIS_PROFILE=thorough`` or
``--hypothesis-profile=thorough``), where it is 50,000 per property (the count issue 11 asks
of the thorough run). ``MAEBASHI_DX_FUZZ_DATES=N`` sets N directly.
"""

from __future__ import annotations

import time

from hypothesis import given, settings
from hypothesis import strategies as st

from maebashi_dx.dates import DateSpan, format_span, parse_date
from maebashi_dx.errors import DateParseError
from tests.strategies import fuzz_examples

EXAMPLES = fuzz_examples(
    thorough=50_000, everyday=settings().max_examples, env="MAEBASHI_DX_FUZZ_DATES"
)
# One call may use this much CPU time before the run counts as a hang (issue 11 allows
# 5 s). Calls take microseconds. CPU time, not wall time: on a loaded machine the process
# can be descheduled for seconds, which is no fault of the parser.
SLOW = 1.0

TOKENS = [
    # eras, their letters and 元
    *("令和", "平成", "昭和", "大正", "明治", "R", "H", "S", "T", "M", "r", "Ｒ", "元", "㍻"),
    # kanji numerals
    *"〇零一二三四五六七八九十百千",
    # digits, half and full width
    *"0123456789",
    *"０１２３４５６７８９",
    "2022",
    "9998",
    "9999",
    "0000",
    "31",
    "12",
    # units and marks
    *("年", "月", "日", "年度", "末", "上旬", "中旬", "下旬", "初旬", "頃", "ごろ", "約"),
    *("～", "〜", "~", "から", "まで", "迄", "現在", "時点", "第", "四半期", "上半期", "下半期"),
    *("上期", "下期", "当初", "初め", "中", "内", "FY", "fy"),
    *(".", "/", "-", "(", ")", "（", "）", " ", "　", "\t"),
    # weekdays in brackets, right or wrong for whatever day they follow
    *("（水）", "(火)", "（水曜日）", "(水・祝)", "(日)", "（月・休）", "(水曜)"),
]
junk = st.characters()  # any code point: controls, lone surrogates, other scripts' digits
numbers = st.integers(-99, 99_999).map(str)
texts = st.lists(st.sampled_from(TOKENS) | numbers | junk, max_size=14).map("".join)


def _kanji(n: int) -> str:
    """n (0..99) in kanji numerals, as documents write it: 三十一, 十二, 五."""
    digits = "〇一二三四五六七八九"
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else digits[tens] + "十")
    return head + (digits[ones] if ones or not head else "")


def _number(limit: int) -> st.SearchStrategy[str]:
    n = st.integers(0, limit)
    return n.map(str) | n.map(lambda i: str(i).translate(_FULL_WIDTH)) | n.map(_kanji)


_FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
eras = st.sampled_from(["令和", "平成", "昭和", "大正", "明治", "R", "H", "S", "T", "M"])
year_part = (
    st.tuples(eras, st.just("元") | _number(99)).map("".join)
    | st.integers(1, 9999).map(lambda y: f"{y:04d}")
    | st.integers(1868, 2100).map(lambda y: "".join("〇一二三四五六七八九"[int(c)] for c in str(y)))
)
month_part = st.tuples(
    _number(13), st.sampled_from(["月", ".", "/", "-"]), st.just("") | _number(32)
).map("".join)
days_and_marks = ["", "日", "末", "上旬", "中旬", "下旬", "現在", "時点"]
weekdays = ["（水）", "(火)", "（日曜日）", "(水・祝)"]
tail_part = st.sampled_from(days_and_marks + weekdays)
fiscal_part = st.sampled_from(["年度", "年度末", "年度下半期", "年度上期", "年度当初", "年度中"])
fiscal_part |= st.sampled_from(["年度第3四半期", "年度第四四半期"])
one_date = st.one_of(
    st.tuples(year_part, st.sampled_from(["年", ".", "/"]), month_part, tail_part).map("".join),
    st.tuples(year_part, fiscal_part, st.sampled_from(["", "現在", "頃"])).map("".join),
    st.tuples(month_part, tail_part).map("".join),
    st.sampled_from(["第3四半期", "下半期", "年度末", "FY2022", "2025（令和7）年度"]),
)
shaped = st.one_of(
    one_date,
    st.tuples(one_date, st.sampled_from(["～", "~", "から"]), one_date | month_part).map("".join),
    st.tuples(st.sampled_from(["", "約"]), one_date, st.sampled_from(["頃", "まで", ""])).map(
        "".join
    ),
)


@st.composite
def mutated(draw: st.DrawFn) -> str:
    """A date-shaped text with a few tokens inserted, dropped or replaced."""
    text = draw(shaped)
    for _ in range(draw(st.integers(0, 3))):
        at = draw(st.integers(0, len(text)))
        token = draw(st.sampled_from(TOKENS) | junk)
        cut = draw(st.integers(0, 2))
        text = text[:at] + token + text[at + cut :]
    return text


years = (
    st.none()
    | st.integers(1, 9999)
    | st.integers(-10, 10_010)
    | st.sampled_from([0, -1, 1, 9998, 9999, 10_000, 10**30, 10**5000])
    | st.floats(allow_nan=True)
    | st.text(max_size=4)
    | st.booleans()
)


def _check(text: str, year: object, fiscal_year: object) -> None:
    started = time.process_time()
    try:
        span = parse_date(text, context_year=year, context_fiscal_year=fiscal_year)  # type: ignore[arg-type]
    except DateParseError as exc:
        message = str(exc)
        message.encode("utf-8")  # printable: lone surrogates are escaped
        assert len(message) < 1000, "a message must not hold unbounded input"
        assert time.process_time() - started < SLOW
        return
    assert time.process_time() - started < SLOW
    assert isinstance(span, DateSpan)
    assert span.start <= span.end
    assert 1 <= span.start.year <= span.end.year <= 9999
    assert span.text == text
    # Every accepted span formats in every style, and the Japanese forms read back.
    for era in (False, True):
        assert parse_date(format_span(span, era=era)) == span
    format_span(span, lang="en")


@settings(max_examples=EXAMPLES)
@given(texts, years, years)
def test_parse_date_raises_only_date_parse_error(
    text: str, year: object, fiscal_year: object
) -> None:
    """Random token texts with any context: a span or a DateParseError, fast."""
    _check(text, year, fiscal_year)


@settings(max_examples=EXAMPLES)
@given(shaped | mutated(), years, years)
def test_parse_date_on_date_shaped_texts(text: str, year: object, fiscal_year: object) -> None:
    """Texts built like real dates (half of them read), and mutations of them."""
    _check(text, year, fiscal_year)


@settings(max_examples=EXAMPLES)
@given(st.text(max_size=30), years)
def test_parse_date_on_any_text(text: str, year: object) -> None:
    """Arbitrary Unicode text (not only date tokens) holds to the same property."""
    _check(text, year, None)


def test_long_and_adversarial_texts_are_bounded() -> None:
    """Texts that could make a regex backtrack, or are huge, end at once."""
    for text in (
        "一" * 99,
        "十" * 99,
        "1" * 99,
        "令和" * 49 + "年",
        "(" * 99,
        "～" * 99,
        "頃" * 99,
        "2022年" + "(水)" * 30,
        "x" * 10**7,
    ):
        _check(text, 2022, None)
