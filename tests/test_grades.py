"""Each published grade scale, pinned at its thresholds from both sides."""

from __future__ import annotations

from datetime import date

import pytest

from maebashi_dx import RATING_SCALES, UnknownPluginError, assess
from maebashi_dx.datasets import maebashi_2022
from maebashi_dx.status import Metrics

DATA = {"has_data": True, "started": True}


def grade(scale: str, **metrics: object) -> str | None:
    g = RATING_SCALES.get(scale).grade(Metrics(**{**DATA, **metrics}))  # type: ignore[arg-type]
    return None if g is None else g.code


@pytest.mark.parametrize(
    ("scale", "metrics", "code"),
    [
        # 長与町: S target met; A above the baseline; B down by at most 10%; C below.
        ("nagayo", {"achieved": True, "relative_change": 0.5, "change": 5.0}, "S"),
        ("nagayo", {"relative_change": 0.0001, "change": 0.01}, "A"),
        ("nagayo", {"relative_change": 0.0, "change": 0.0}, "B"),
        ("nagayo", {"relative_change": -0.10, "change": -10.0}, "B"),
        ("nagayo", {"relative_change": -0.1001, "change": -10.01}, "C"),
        ("nagayo", {"change": 1.0}, "A"),  # a staged KPI off its first rung (baseline 0)
        ("nagayo", {"change": 0.0}, "B"),  # still on it
        ("nagayo", {"has_data": False}, "−"),
        # 多摩市: ① at 100% of the pro-rated share, ② at 60%, ③ below.
        ("tama", {"fiscal_pace_ratio": 1.0}, "①"),
        ("tama", {"fiscal_pace_ratio": 0.9999}, "②"),
        ("tama", {"fiscal_pace_ratio": 0.6}, "②"),
        ("tama", {"fiscal_pace_ratio": 0.5999}, "③"),
        ("tama", {"has_data": False}, "—"),
        # あきる野市: on the projected achievement at the deadline.
        ("akiruno", {"forecast_achievement": 1.1}, "S"),
        ("akiruno", {"forecast_achievement": 1.0999}, "A"),
        ("akiruno", {"forecast_achievement": 0.9}, "A"),
        ("akiruno", {"forecast_achievement": 0.8999}, "B"),
        ("akiruno", {"forecast_achievement": 0.5}, "B"),
        ("akiruno", {"forecast_achievement": 0.4999}, "C"),
        ("akiruno", {"started": False, "forecast_achievement": 2.0}, "X"),
        ("akiruno", {"achieved": True}, "S"),
        ("akiruno", {"has_data": False}, "Z"),
        # 福岡市: a on pace; b behind pace but not worse; c worse than the initial value.
        ("fukuoka", {"pace_ratio": 1.0, "change": 5.0}, "a"),
        ("fukuoka", {"pace_ratio": 0.9999, "change": 5.0}, "b"),
        ("fukuoka", {"pace_ratio": 0.5, "change": 0.0}, "b"),
        ("fukuoka", {"pace_ratio": 0.5, "change": -0.0001}, "c"),
        ("fukuoka_survey", {"pace_ratio": 0.5, "change": -2.999}, "b"),
        ("fukuoka_survey", {"pace_ratio": 0.5, "change": -3.0}, "c"),
        # ServiceNow: green at 90%, yellow at 75%.
        ("servicenow", {"achievement": 0.9}, "G"),
        ("servicenow", {"achievement": 0.8999}, "Y"),
        ("servicenow", {"achievement": 0.75}, "Y"),
        ("servicenow", {"achievement": 0.7499}, "R"),
        # Open SDG: R at 0.95 / 0.6 / 0.
        ("open_sdg", {"cagr_ratio": 0.95}, "on_track"),
        ("open_sdg", {"cagr_ratio": 0.9499}, "moderate"),
        ("open_sdg", {"cagr_ratio": 0.6}, "moderate"),
        ("open_sdg", {"cagr_ratio": 0.5999}, "limited"),
        ("open_sdg", {"cagr_ratio": 0.0}, "limited"),
        ("open_sdg", {"cagr_ratio": -0.0001}, "deterioration"),
        ("open_sdg", {"achieved": True}, "achieved"),
        ("open_sdg", {"has_data": False}, "unable"),
        ("open_sdg", {}, None),  # a ratio that cannot be computed gets no grade
    ],
)
def test_thresholds(scale: str, metrics: dict[str, object], code: str | None) -> None:
    assert grade(scale, **metrics) == code


def test_every_preset_names_its_source() -> None:
    for name in ("nagayo", "tama", "akiruno", "fukuoka", "servicenow", "open_sdg"):
        scale = RATING_SCALES.get(name)
        assert scale.source  # type: ignore[attr-defined]


def test_assess_grades_each_kpi() -> None:
    result = assess(maebashi_2022(), date(2022, 5, 31), scale="tama")
    codes = {r.kpi_id: r.grade.code for r in result.rows if r.grade}
    # kpi2: 28.2% achieved in year 3 of 3 (FY2020..FY2022): 0.28 of the pro-rated pace → ③.
    assert codes["kpi2"] == "③"
    # kpi3: half-way up its ladder, 2 of 5 fiscal years → 1.25 → ①.
    assert codes["kpi3"] == "①"


def test_unknown_scale() -> None:
    with pytest.raises(UnknownPluginError, match="nagayo"):
        assess(maebashi_2022(), date(2022, 5, 31), scale="hamamatsu")
