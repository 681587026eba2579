"""Grade scales published by Japanese cities (and two international ones), as data.

A scale is an ordered list of :class:`Grade` rules; the first that matches wins. A rule
matches on a condition (achieved, not started, no data) or on a metric of
:class:`~maebashi_dx.status.Metrics` reaching a threshold. Thresholds are data, so a city
can write its own scale without code, or ship one as a plugin
(``maebashi_dx.rating_scales``).

>>> from maebashi_dx.status import Metrics
>>> RATING_SCALES.get("servicenow").grade(Metrics(achievement=0.9, has_data=True)).code
'G'
"""

from __future__ import annotations

from typing import Literal, Protocol, runtime_checkable

import attrs

from maebashi_dx.plugins import Registry
from maebashi_dx.status import Metrics

__all__ = ["RATING_SCALES", "Grade", "GradeScale", "RatingScale"]

Condition = Literal["achieved", "not_started", "no_data"]


@attrs.frozen(kw_only=True)
class Grade:
    """One grade of a scale and the rule that earns it.

    Attributes:
        code: What the table shows ("S", "①", "G").
        label: Japanese meaning.
        label_en: English meaning.
        when: A condition that earns the grade outright, if any.
        metric: The metric the threshold applies to; with no threshold, the grade is
            earned whenever the metric can be computed.
        at_least: The threshold; None means no threshold.
        strict: Compare with > rather than >=.
    """

    code: str
    label: str
    label_en: str = ""
    when: Condition | None = None
    metric: str | None = None
    at_least: float | None = None
    strict: bool = False

    def matches(self, metrics: Metrics) -> bool:
        """Whether this rule applies to the metrics."""
        if self.when == "achieved":
            return metrics.has_data and metrics.achieved
        if self.when == "not_started":
            return metrics.has_data and not metrics.started
        if self.when == "no_data":
            return not metrics.has_data
        if self.metric is None:
            return self.at_least is None
        value = metrics.get(self.metric)
        if value is None:
            return False
        if self.at_least is None:
            return True
        return value > self.at_least if self.strict else value >= self.at_least


@runtime_checkable
class RatingScale(Protocol):
    """What every rating scale (built-in or plugin) provides."""

    @property
    def name(self) -> str:
        """The registered name."""
        ...

    @property
    def label(self) -> str:
        """A display name."""
        ...

    def grade(self, metrics: Metrics) -> Grade | None:
        """The grade for the metrics, or None when no rule applies."""
        ...


@attrs.frozen(kw_only=True)
class GradeScale:
    """A published grade scale.

    Attributes:
        name: Registered name.
        label: Japanese name, e.g. 長与町 S/A/B/C/−.
        label_en: English name.
        source: Where the scale is published.
        grades: The rules, tried in order.
        note: How the published prose was read into numbers, where it needed reading.
    """

    name: str
    label: str
    label_en: str = ""
    source: str = ""
    grades: tuple[Grade, ...]
    note: str = ""

    def grade(self, metrics: Metrics) -> Grade | None:
        """The first grade whose rule matches."""
        for g in self.grades:
            if g.matches(metrics):
                return g
        return None


def _check_scale(obj: object) -> None:
    if not isinstance(obj, RatingScale):
        msg = f"{obj!r} is not a RatingScale (needs name, label and grade())"
        raise TypeError(msg)


#: Rating scales by name; plugins join through the ``maebashi_dx.rating_scales`` entry point.
RATING_SCALES: Registry[RatingScale] = Registry(
    "rating scale", "maebashi_dx.rating_scales", check=_check_scale
)


def _fukuoka(
    name: str, label: str, label_en: str, *, held_within: float | None, note: str
) -> GradeScale:
    """福岡市's indicator grades: a on pace; b behind pace but improved or held (a change
    of less than ``held_within`` points down still counts as held); c worse."""
    held = (
        Grade(
            code="b",
            label="ペースは下回っているが、改善または現状維持",
            label_en="behind pace, but improved or held",
            metric="change",
            at_least=0.0 if held_within is None else -held_within,
            strict=held_within is not None,
        ),
    )
    return GradeScale(
        name=name,
        label=label,
        label_en=label_en,
        source="ふくおかし保健福祉総合計画の進捗評価について 資料1-1 (city.fukuoka.lg.jp)",
        note=note,
        grades=(
            Grade(code="—", label="評価できない", label_en="cannot be assessed", when="no_data"),
            Grade(code="a", label="目標値に向けて順調", label_en="on pace", when="achieved"),
            Grade(
                code="a",
                label="目標値に向けて順調に進んでいる",
                label_en="on pace to the target",
                metric="pace_ratio",
                at_least=1.0,
            ),
            *held,
            Grade(
                code="c",
                label="初期値よりも悪化",
                label_en="worse than the initial value",
                metric="change",
            ),
        ),
    )


_PRESETS = (
    GradeScale(
        name="nagayo",
        label="長与町 S/A/B/C/−",
        label_en="Nagayo Town S/A/B/C/-",
        source="長与町 第9次総合計画 数値目標の進捗状況 (webtown.nagayo.jp/kiji0032107)",
        note=(
            "B is 「基準値と同水準（△10%以内）」: △ is the minus sign of Japanese accounts, "
            "so B runs from the baseline down to 10% below it; A is any rise above the "
            "baseline. 「目標値を超えている」 is read as meeting or exceeding the target, "
            "since a 100% target cannot be exceeded."
        ),
        grades=(
            Grade(code="−", label="評価できない", label_en="cannot be assessed", when="no_data"),
            Grade(code="S", label="目標値を超えている", label_en="target met", when="achieved"),
            Grade(
                code="A",
                label="基準値を超えている",
                label_en="above the baseline",
                metric="change",
                at_least=0.0,
                strict=True,
            ),
            Grade(
                code="B",
                label="基準値と同水準（△10%以内）",
                label_en="at the baseline (down by 10% at most)",
                metric="relative_change",
                at_least=-0.10,
            ),
            # A baseline of zero (a staged KPI's first rung) has no relative change:
            # not below it is the same level.
            Grade(
                code="B",
                label="基準値と同水準",
                label_en="at the baseline",
                metric="change",
                at_least=0.0,
            ),
            Grade(
                code="C",
                label="基準値より下落している",
                label_en="below the baseline",
                metric="change",
            ),
        ),
    ),
    GradeScale(
        name="tama",
        label="多摩市 ①②③（按分）",
        label_en="Tama City (1)(2)(3), pro-rated",
        source="多摩市まち・ひと・しごと創生総合戦略の評価方法（案） 資料6",
        note="Year k of n is held to k/n of the way, counted in fiscal years.",
        grades=(
            Grade(code="—", label="評価できない", label_en="cannot be assessed", when="no_data"),
            Grade(
                code="①",
                label="目標値の達成に向けて、着実に進んでいる",
                label_en="steadily on the way",
                metric="fiscal_pace_ratio",
                at_least=1.0,
            ),
            Grade(
                code="②",
                label="目標値の達成に向けて、概ね進んでいる",
                label_en="broadly on the way",
                metric="fiscal_pace_ratio",
                at_least=0.6,
            ),
            Grade(
                code="③",
                label="改善や工夫が必要",
                label_en="needs improvement",
                metric="fiscal_pace_ratio",
            ),
        ),
    ),
    GradeScale(
        name="akiruno",
        label="あきる野市 S/A/B/C（見込み）",
        label_en="Akiruno City S/A/B/C (outlook)",
        source="第2次あきる野市総合計画の進捗管理 (city.akiruno.tokyo.jp/0000016060)",
        note=(
            "The scale is written as an outlook: 'at this pace, will we exceed / meet / "
            "reach about half / less than half'. We read it on the forecast's projected "
            "achievement at the deadline: S >= 110%, A >= 90%, B >= 50%, C below; these "
            "cut-offs are our reading of the prose and can be changed as data."
        ),
        grades=(
            Grade(code="Z", label="評価困難", label_en="hard to assess", when="no_data"),
            Grade(code="S", label="目標値以上", label_en="above target", when="achieved"),
            Grade(code="X", label="未着手", label_en="not started", when="not_started"),
            Grade(
                code="S",
                label="目標値以上",
                label_en="will exceed the target",
                metric="forecast_achievement",
                at_least=1.1,
            ),
            Grade(
                code="A",
                label="目標値どおり",
                label_en="will meet the target",
                metric="forecast_achievement",
                at_least=0.9,
            ),
            Grade(
                code="B",
                label="要改善（半分程度）",
                label_en="needs improvement (about half)",
                metric="forecast_achievement",
                at_least=0.5,
            ),
            Grade(
                code="C",
                label="要大幅改善（半分程度以下）",
                label_en="needs major improvement (half or less)",
                metric="forecast_achievement",
            ),
        ),
    ),
    _fukuoka(
        "fukuoka",
        "福岡市 a/b/c（成果指標）",
        "Fukuoka City a/b/c (outcome indicators)",
        held_within=None,
        note=(
            "Fukuoka grades indicators a/b/c mechanically; its A-D for goals is a "
            "committee judgement over several indicators and is not automated here."
        ),
    ),
    _fukuoka(
        "fukuoka_survey",
        "福岡市 a/b/c（意識系指標、±3ポイントは現状維持）",
        "Fukuoka City a/b/c, survey indicators (±3 points is 'held')",
        held_within=3.0,
        note="For survey indicators a change of less than 3 points either way is 'held'.",
    ),
    GradeScale(
        name="servicenow",
        label="ServiceNow G/Y/R（90/75）",
        label_en="ServiceNow green/yellow/red at 90/75",
        source="ServiceNow goal framework: (actual − start)/(target − start), 90% / 75%",
        grades=(
            Grade(
                code="G",
                label="順調",
                label_en="green",
                metric="achievement",
                at_least=0.9,
            ),
            Grade(
                code="Y",
                label="要注意",
                label_en="yellow",
                metric="achievement",
                at_least=0.75,
            ),
            Grade(code="R", label="遅れ", label_en="red", metric="achievement"),
        ),
    ),
    GradeScale(
        name="open_sdg",
        label="Open SDG（Statistics Canada）",
        label_en="Open SDG progress (Statistics Canada)",
        source="open-sdg docs/progress-methodology.md: R = observed / required CAGR",
        note="The −5..+5 score is Metrics.open_sdg_score.",
        grades=(
            Grade(
                code="unable",
                label="評価不能",
                label_en="unable to assess",
                when="no_data",
            ),
            Grade(
                code="achieved",
                label="目標達成",
                label_en="target achieved",
                when="achieved",
            ),
            Grade(
                code="on_track",
                label="順調（大幅な進捗）",
                label_en="on track (substantial progress)",
                metric="cagr_ratio",
                at_least=0.95,
            ),
            Grade(
                code="moderate",
                label="進捗あり・加速が必要",
                label_en="progress made but acceleration needed",
                metric="cagr_ratio",
                at_least=0.6,
            ),
            Grade(
                code="limited",
                label="限定的な進捗",
                label_en="limited progress",
                metric="cagr_ratio",
                at_least=0.0,
            ),
            Grade(
                code="deterioration",
                label="悪化",
                label_en="deterioration",
                metric="cagr_ratio",
            ),
        ),
    ),
)

for _scale in _PRESETS:
    RATING_SCALES.register(_scale.name, _scale)
