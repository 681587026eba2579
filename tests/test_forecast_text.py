"""Forecast texts in every language: the catalogue keys, English unchanged, Japanese only."""

from __future__ import annotations

import re
import typing
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from maebashi_dx import FORECASTERS, forecast
from maebashi_dx.datasets import maebashi_2022
from maebashi_dx.forecast import (
    Forecast,
    Items,
    Message,
    MethodName,
    Reference,
    Space,
    method_label,
)
from maebashi_dx.i18n import LANGS, catalogue
from tests.strategies import make_kpi
from tests.test_forecast import BUILT_IN

SOURCES = sorted(
    (Path(__file__).resolve().parents[1] / "src" / "maebashi_dx" / "forecast").glob("*.py")
)
AS_OF = date(2022, 5, 31)
# As tests/test_i18n.py: fields, code and acronyms aside, no Latin word in Japanese.
# Bounded by non-Latin letters rather than \b, which does not fall between "KPI" and "の".
ACRONYMS = re.compile(
    r"(?<![A-Za-z])(?:KPI|DX|CSV|JSON|HTML|PNG|SVG|PDF|WG|CIO|ID|FY|R)(?![A-Za-z])"
)


def latin_words(text: str) -> list[str]:
    return re.findall(r"[A-Za-z]{2,}", ACRONYMS.sub("", text))


def texts(f: Forecast, lang: typing.Literal["ja", "en"]) -> list[str]:
    return [f.basis_text(lang), f.interval_basis_text(lang), f.note_text(lang)]


def test_every_literal_message_key_exists() -> None:
    pattern = r"""_msg\(\s*["'](forecast\.[a-z0-9_.]+)["']"""
    used = {key for path in SOURCES for key in re.findall(pattern, path.read_text())}
    assert len(used) > 30, "the pattern must find the keys the module uses"
    for lang in LANGS:
        assert used - set(catalogue(lang)) == set()


def test_every_space_and_separator_has_its_key() -> None:
    """The two keys built from values: forecast.space.<space> and forecast.sep.<sep>."""
    seps = typing.get_args(typing.get_type_hints(Items)["sep"])
    for lang in LANGS:
        for space in typing.get_args(Space):
            assert f"forecast.space.{space}" in catalogue(lang)
        for sep in seps:
            assert f"forecast.sep.{sep}" in catalogue(lang)


@pytest.mark.parametrize("name", BUILT_IN)
def test_every_built_in_forecaster_has_a_display_name(name: str) -> None:
    assert name in FORECASTERS
    labels = {lang: method_label(name, lang) for lang in LANGS}
    assert all(label != name for label in labels.values())
    assert latin_words(labels["ja"]) == []


def test_a_plugin_without_a_key_shows_its_name() -> None:
    assert method_label("holt", "ja") == "holt"
    assert method_label("holt", "en") == "holt"


def test_method_names_read_as_labels_in_japanese_and_names_in_english() -> None:
    m = Message("forecast.note.one_date", (("method", MethodName("recent_6m")),))
    assert m.text("en") == "recent_6m: the points share one date"
    assert m.text("ja") == "直近6か月の傾向：実績がすべて同じ日付"


def test_dates_in_a_message_follow_the_language() -> None:
    m = Message("forecast.why.no_level", (("reference", "群馬県"), ("day", date(2022, 3, 30))))
    assert m.text("en") == "群馬県 has no level above zero on 2022-03-30"
    assert m.text("ja") == "2022年3月30日時点の群馬県の水準が0以下又は不明である"


def test_the_committee_kpi2_in_japanese() -> None:
    f = forecast(maebashi_2022().kpi("kpi2"), AS_OF)
    assert f.basis_text("ja") == (
        "複合予測：直近6か月の傾向（直近6か月の実績値が2点未満のため直近の実績値2点を通る直線）を"
        "50%、年平均成長率（最初と最新の実績値の対数を通る直線）を50%の割合で加重平均"
    )
    assert f.interval_basis_text("ja").startswith("実績が3点未満又は2年未満で")
    # English, as before (Forecast.basis is the English text).
    assert f.basis == (
        "blend: 50% recent_6m: a line through the last 2 points (fewer than 2 in the last "
        "6 months), 50% cagr: a line through the first and the latest point of the logarithm"
    )
    assert f.basis_text("en") == f.basis


def test_the_prediction_interval_names_its_level() -> None:
    points = [(date(2020, 4, 1), 10.0), (date(2021, 4, 1), 22.0), (date(2022, 4, 1), 29.0)]
    kpi = make_kpi(points, target=60.0, deadline=date(2025, 3, 31))
    f = forecast(kpi, date(2022, 4, 1), method="linear", level=0.9)
    assert f.interval_basis == "90% least-squares prediction interval (Student's t)"
    assert f.interval_basis_text("ja") == "最小二乗法による90%予測区間（t分布）"


def test_notes_in_japanese() -> None:
    f = forecast(maebashi_2022().kpi("kpi2"), date(2020, 1, 1))
    assert f.note == "no data on or before this day"
    assert f.note_text("ja") == "この日以前の実績がない"
    one = forecast(maebashi_2022().kpi("kpi2"), date(2021, 4, 1), method="linear")
    assert one.note_text("ja") == "全期間の傾向：2点以上の実績が必要（現在1点）"
    assert one.note_text("en") == one.note == "linear: needs at least two points, has 1"


def test_a_blend_that_cannot_fit_gives_every_reason() -> None:
    """One point: the 6-month line needs two, the growth rate a year of history; both
    reasons, in each language."""
    kpi = make_kpi([(date(2021, 4, 1), 10.0)], target=50.0, deadline=date(2025, 3, 31))
    f = forecast(kpi, date(2021, 4, 1))
    assert f.value is None
    assert f.note == (
        "recent_6m: needs at least two points, has 1; cagr: needs 365 days of history, has 0"
    )
    assert f.note_text("ja") == (
        "直近6か月の傾向：2点以上の実績が必要（現在1点）；"
        "年平均成長率：365日以上の実績期間が必要（現在0日）"
    )


def test_a_plugin_trend_without_messages_keeps_its_texts() -> None:
    f = Forecast(
        kpi_id="k",
        method="holt",
        as_of=AS_OF,
        deadline=AS_OF,
        target=1.0,
        basis="holt: α=0.5",
        interval_basis="normal",
        note="",
    )
    assert f.basis_text("ja") == "holt: α=0.5"
    assert f.interval_basis_text("ja") == "normal"


REFERENCES = (
    None,
    Reference(label="全国", days=(date(2021, 4, 1), date(2022, 4, 1)), values=(28.3, 43.3)),
    Reference(label="新市", days=(date(2022, 5, 1), date(2022, 6, 1)), values=(1.0, 2.0)),
    Reference(label="県", days=(date(2021, 4, 1), date(2022, 4, 1)), values=(0.0, 0.0)),
)


@pytest.mark.parametrize("method", BUILT_IN)
@pytest.mark.parametrize("reference", REFERENCES)
def test_every_text_of_the_bundled_plan_in_both_languages(
    method: str, reference: Reference | None
) -> None:
    for kpi in maebashi_2022().kpis:
        for as_of in (date(2021, 4, 1), AS_OF, date(2023, 3, 31)):
            f = forecast(kpi, as_of, method=method, reference=reference)
            assert texts(f, "en") == [f.basis, f.interval_basis, f.note]
            for text in texts(f, "ja"):
                assert latin_words(text) == [], text


@given(
    values=st.lists(st.floats(-50, 150), min_size=1, max_size=8),
    gap=st.integers(1, 400),
    method=st.sampled_from(BUILT_IN),
    bounded=st.booleans(),
)
def test_japanese_texts_have_no_english_words(
    values: list[float], gap: int, method: str, bounded: bool
) -> None:
    days = [date(2019, 4, 1) + timedelta(days=gap * i) for i in range(len(values))]
    kpi = make_kpi(
        list(zip(days, values, strict=True)),
        target=99.0,
        deadline=date(2026, 3, 31),
        bounds=(-100.0, 200.0) if bounded else None,
    )
    ref = Reference(label="全国", days=days, values=[abs(v) + 1 for v in values])
    for reference in (None, ref):
        f = forecast(kpi, days[-1], method=method, reference=reference)
        assert texts(f, "en") == [f.basis, f.interval_basis, f.note]
        for text in texts(f, "ja"):
            assert latin_words(text) == [], text


def test_the_localized_texts_default_to_japanese() -> None:
    """basis_text(), interval_basis_text() and note_text() speak Japanese by default."""
    from datetime import date

    from maebashi_dx.datasets import maebashi_2022
    from maebashi_dx.forecast import forecast

    kpi = maebashi_2022().kpi("kpi2")
    f = forecast(kpi, date(2022, 5, 31))
    assert f.basis_text() == f.basis_text("ja") != f.basis
    assert f.interval_basis_text() == f.interval_basis_text("ja") != f.interval_basis
    empty = forecast(kpi, date(2020, 1, 1))  # before the baseline: no value, a note
    assert empty.note_text() == empty.note_text("ja") != empty.note
