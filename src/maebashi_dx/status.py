"""KPI status (状況): the words a committee uses, and the policy that chooses them.

The policy is data (:class:`StatusPolicy`); the default, in order:

1. no value on or before ``as_of`` → NO_DATA (データなし);
2. the latest value meets the target → ACHIEVED (達成);
3. the deadline has passed → MISSED (未達成（期限超過）);
4. a staged KPI still on its first rung, or a quantitative KPI with nothing since its
   baseline → NOT_STARTED (未着手) / NO_DATA;
5. quantitative: the forecast's projected achievement at the deadline,
   (forecast − baseline) / (target − baseline): ≥ 1.0 ON_TRACK (順調), ≥ 0.8 AT_RISK
   (要注意), below OFF_TRACK (遅れ); or, with a probability threshold
   (``on_track_probability``, e.g. 0.7) and a calibrated forecast
   (:attr:`~maebashi_dx.forecast.Forecast.probability`), the chance of meeting the
   target: ≥ ``on_track_probability`` ON_TRACK, ≥ ``at_risk_probability`` AT_RISK,
   below OFF_TRACK (an uncalibrated forecast, which has no chance, keeps the rule
   above);
6. staged: stage progress against elapsed time, achievement ÷ elapsed share: ≥ 1.0
   ON_TRACK, ≥ 0.5 AT_RISK, below OFF_TRACK.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

import attrs

from maebashi_dx.achievement import Progress, progress
from maebashi_dx.errors import MaebashiDXError
from maebashi_dx.forecast import YEAR_DAYS, Forecast
from maebashi_dx.forecast.result import slot_maker, slot_makers
from maebashi_dx.i18n import check_lang, text
from maebashi_dx.model import KPI, KPIKind

__all__ = [
    "DEFAULT_POLICY",
    "Metrics",
    "PolicyError",
    "Status",
    "StatusPolicy",
    "classify",
    "measure",
    "open_sdg_ratio",
    "open_sdg_score",
    "worst_status",
]


class Status(enum.Enum):
    """A KPI's status, with its Japanese and English labels."""

    ACHIEVED = "achieved"
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"
    MISSED = "missed"
    NOT_STARTED = "not_started"
    NO_DATA = "no_data"

    def label(self, lang: str = "ja") -> str:
        """達成 / 順調 / 要注意 / 遅れ / 未達成（期限超過） / 未着手 / データなし, or English.

        Raises:
            ValueError: ``lang`` is not a supported language.

        >>> Status.MISSED.label(), Status.MISSED.label("en")
        ('未達成（期限超過）', 'missed (deadline passed)')
        """
        return text(f"status.label.{self.value}", check_lang(lang))

    @property
    def ja(self) -> str:
        """The Japanese label."""
        return self.label("ja")

    @property
    def en(self) -> str:
        """The English label."""
        return self.label("en")

    @property
    def severity(self) -> int:
        """Higher is worse: the order used by worst-status roll-ups."""
        return _SEVERITY[self]


# Worst first: a missed deadline outranks a forecast shortfall, which outranks a KPI that
# has not started; "no data" says nothing about progress and ranks just above "on track".
_SEVERITY = {
    Status.MISSED: 6,
    Status.OFF_TRACK: 5,
    Status.AT_RISK: 4,
    Status.NOT_STARTED: 3,
    Status.NO_DATA: 2,
    Status.ON_TRACK: 1,
    Status.ACHIEVED: 0,
}


def worst_status(statuses: Iterable[Status]) -> Status | None:
    """The worst status (ServiceNow's "worst status wins").

    NO_DATA counts only when every status is NO_DATA: a missing figure must not hide
    the known state of the others. None for an empty input.
    """
    known = list(statuses)
    if not known:
        return None
    informative = [s for s in known if s is not Status.NO_DATA]
    # Each status's severity read from the table itself (as Status.severity reads it),
    # not through a lambda and the property: two calls fewer a status.
    return max(informative or known, key=_SEVERITY.__getitem__)


class PolicyError(MaebashiDXError, ValueError):
    """A status policy's threshold is not usable (wrong type, out of range, out of order)."""


def _chance(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    """A probability threshold: None or a number in [0, 1] (a bool is no number)."""
    if value is None and attribute.name == "on_track_probability":
        return
    ok = isinstance(value, int | float) and not isinstance(value, bool)
    if not ok or not 0 <= value <= 1:
        msg = f"StatusPolicy.{attribute.name} must be a chance between 0 and 1, got {value!r}"
        raise PolicyError(msg)


@attrs.frozen(kw_only=True)
class StatusPolicy:
    """Thresholds that turn numbers into a status; data, not code.

    Attributes:
        on_track: Projected achievement at the deadline at or above which a
            quantitative KPI is ON_TRACK.
        at_risk: ... at or above which it is AT_RISK (below: OFF_TRACK).
        staged_on_track: Stage progress ÷ elapsed share for ON_TRACK (staged KPIs).
        staged_at_risk: ... for AT_RISK.
        stale_after: A KPI is stale when its latest value is older than this many
            update intervals (its ``update_frequency``).
        method: The forecaster; None for the default.
        on_track_probability: The chance of meeting the target at or above which a
            quantitative KPI with a calibrated forecast is ON_TRACK (e.g. 0.7); None
            (the default): statuses come from the projected achievement only.
        at_risk_probability: ... at or above which it is AT_RISK (below: OFF_TRACK);
            used only with ``on_track_probability``.

    >>> StatusPolicy(on_track_probability=1.5)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    maebashi_dx.status.PolicyError: StatusPolicy.on_track_probability must be a chance ...
    """

    on_track: float = 1.0
    at_risk: float = 0.8
    staged_on_track: float = 1.0
    staged_at_risk: float = 0.5
    stale_after: float = 1.5
    method: str | None = None
    on_track_probability: float | None = attrs.field(default=None, validator=_chance)
    at_risk_probability: float = attrs.field(default=0.3, validator=_chance)

    def __attrs_post_init__(self) -> None:
        on_track = self.on_track_probability
        if on_track is not None and self.at_risk_probability > on_track:
            msg = (
                f"StatusPolicy.at_risk_probability ({self.at_risk_probability}) is above "
                f"on_track_probability ({on_track})"
            )
            raise PolicyError(msg)


DEFAULT_POLICY = StatusPolicy()


@attrs.frozen(kw_only=True)
class Metrics:
    """Every number a status or grade is decided from, for one KPI as of one day.

    Attributes:
        achievement: (latest − baseline) / (target − baseline).
        achievement_simple: latest / target (target / latest when falling).
        elapsed: Share of the KPI's period gone by, in days.
        expected_share: Tama's k/n share, in fiscal years.
        pace_ratio: achievement ÷ elapsed.
        fiscal_pace_ratio: achievement ÷ expected_share.
        forecast_achievement: (forecast at deadline − baseline) / (target − baseline).
        relative_change: Direction-adjusted change since the baseline, as a share of
            the baseline's size.
        change: Direction-adjusted change since the baseline, in the KPI's unit.
        cagr_ratio: Open SDG's R, observed ÷ required compound annual growth.
        probability: The calibrated forecast's chance of meeting the target (None
            when the forecast is not calibrated).
        achieved: The latest value meets the target.
        started: Something has been reported since the baseline (and, for a staged
            KPI, it has left its first rung).
        has_data: There is a value on or before the day.
        past_deadline: The day is after the target's deadline.
    """

    achievement: float | None = None
    achievement_simple: float | None = None
    elapsed: float | None = None
    expected_share: float | None = None
    pace_ratio: float | None = None
    fiscal_pace_ratio: float | None = None
    forecast_achievement: float | None = None
    relative_change: float | None = None
    change: float | None = None
    cagr_ratio: float | None = None
    probability: float | None = None
    achieved: bool = False
    started: bool = False
    has_data: bool = False
    past_deadline: bool = False

    def get(self, name: str) -> float | None:
        """A metric by name (for grade rules); AttributeError for a yes/no one."""
        value: object = getattr(self, name)
        if value is None or isinstance(value, float):
            return value
        msg = f"{name!r} is not a numeric metric"
        raise AttributeError(msg)

    @property
    def open_sdg_score(self) -> float | None:
        """Open SDG's −5..+5 progress score from ``cagr_ratio``."""
        return open_sdg_score(self.cagr_ratio, achieved=self.achieved)


# Convention: a metric beyond the float range (inputs near ±1e308) is None: no number at
# all is better than an infinite one in a committee's table ("not finite: None" below).


def _ratio(num: float | None, den: float | None) -> float | None:
    if num is None or den is None or den == 0:
        return None
    ratio = num / den
    return ratio if math.isfinite(ratio) else None  # not finite: None


def open_sdg_ratio(
    base: float,
    base_day: date,
    latest: float,
    latest_day: date,
    target: float,
    due: date,
    sign: int,
) -> float | None:
    """Open SDG's progress ratio R = d·CAGR_observed / |CAGR_required|.

    Statistics Canada's methodology, as used by Open SDG: CAGR = (y_t / y_0)^(1/(t − t0)) − 1;
    zeros are replaced by 0.001; a series with negative values cannot be assessed (None),
    nor one whose growth lies beyond the float range.
    """
    years_seen = (latest_day - base_day).days / YEAR_DAYS
    years_all = (due - base_day).days / YEAR_DAYS
    if years_seen <= 0 or years_all <= 0:
        return None
    if min(base, latest, target) < 0:
        return None
    y0 = base if base != 0 else 0.001
    yi = latest if latest != 0 else 0.001
    yt = target if target != 0 else 0.001
    try:
        observed = math.pow(yi / y0, 1 / years_seen) - 1
        required = math.pow(yt / y0, 1 / years_all) - 1
    except OverflowError:
        return None
    if required == 0:
        return None
    ratio = sign * observed / abs(required)
    return ratio if math.isfinite(ratio) else None  # not finite: None


def open_sdg_score(ratio: float | None, *, achieved: bool = False) -> float | None:
    """Open SDG's progress score, −5 (deterioration) .. +5 (substantial progress).

    Piecewise linear in R: −5 at R ≤ −0.6, 0 at R = 0.6, +5 at R ≥ 1.3; a KPI whose target
    is achieved scores 5 (Open SDG progress methodology, "indicators with quantitative
    targets"). The category edges R = 0.95 / 0.6 / 0 fall on scores 2.5 / 0 / −2.5.

    >>> open_sdg_score(0.95), open_sdg_score(0.0), open_sdg_score(2.0)
    (2.5, -2.5, 5.0)
    """
    if achieved:
        return 5.0
    if ratio is None:
        return None
    if ratio <= -0.6:
        return -5.0
    if ratio < 0.6:
        return -5.0 + (ratio + 0.6) / 1.2 * 5.0
    if ratio < 1.3:
        return (ratio - 0.6) / 0.7 * 5.0
    return 5.0


# The kinds as module names (a global look-up, not the enum class's attribute look-up).
_QUANTITATIVE = KPIKind.QUANTITATIVE
_STAGED = KPIKind.STAGED


def measure(
    kpi: KPI,
    as_of: date,
    forecast: Forecast | None = None,
    *,
    start: date | None = None,
    numbers: Progress | None = None,
) -> Metrics:
    """Compute every metric of a KPI as of a day (``start``: the plan's, for KPIs
    without a baseline; ``numbers``: the KPI's :func:`~maebashi_dx.achievement.progress`
    as of that day and start, when the caller has it already).

    A metric that would lie beyond the float range (values near ±1e308) is None.
    """
    p = numbers if numbers is not None else progress(kpi, as_of, start=start)
    latest = p.latest
    due = kpi.target.due
    if latest is None or p.value is None:
        return Metrics(past_deadline=as_of > due)
    value, target = p.value, p.target
    sign = kpi.direction.sign
    ach = p.achievement
    share = p.elapsed
    fiscal = p.expected_share
    base = kpi.baseline
    kind = kpi.kind
    change = relative = cagr = forecast_ach = None
    if base is not None and p.base is not None:
        b = p.base
        change = sign * (value - b)
        if not math.isfinite(change):  # not finite: None
            change = None
        relative = _ratio(change, abs(b))
        if kind is _QUANTITATIVE and latest is not base:
            cagr = open_sdg_ratio(b, base.as_of, value, latest.as_of, target, due, sign)
        if forecast is not None and forecast.value is not None and target != b:
            forecast_ach = (forecast.value - b) / (target - b)
            if not math.isfinite(forecast_ach):  # not finite: None
                forecast_ach = None
    staged = kind is _STAGED
    started = (latest is not base) and not (staged and kpi.stage_index(str(latest.value)) == 0)
    # Metrics(...) by position, in its fields' order (slot_maker: no __init__ by name).
    make: Callable[..., Metrics] = slot_makers.get(Metrics) or slot_maker(Metrics)
    return make(
        ach,  # achievement
        p.achievement_simple,  # achievement_simple
        share,  # elapsed
        fiscal,  # expected_share
        _ratio(ach, share),  # pace_ratio
        _ratio(ach, fiscal),  # fiscal_pace_ratio
        forecast_ach,  # forecast_achievement
        relative,  # relative_change
        change,  # change
        cagr,  # cagr_ratio
        forecast.probability if forecast is not None else None,  # probability
        sign * (value - target) >= 0,  # achieved
        started,  # started
        True,  # has_data
        as_of > due,  # past_deadline
    )


def classify(kpi: KPI, metrics: Metrics, policy: StatusPolicy = DEFAULT_POLICY) -> Status:
    """The status of a KPI from its metrics, under a policy (see the module's rules)."""
    if not metrics.has_data:
        return Status.NO_DATA
    if metrics.achieved:
        return Status.ACHIEVED
    if metrics.past_deadline:
        return Status.MISSED
    if kpi.kind is KPIKind.STAGED:
        if not metrics.started:
            return Status.NOT_STARTED
        if metrics.elapsed == 0:
            return Status.ON_TRACK  # nothing was due yet
        ratio = metrics.pace_ratio
        if ratio is None:
            return Status.NO_DATA
        if ratio >= policy.staged_on_track:
            return Status.ON_TRACK
        return Status.AT_RISK if ratio >= policy.staged_at_risk else Status.OFF_TRACK
    if not metrics.started:
        return Status.NO_DATA
    chance = metrics.probability
    if policy.on_track_probability is not None and chance is not None:
        if chance >= policy.on_track_probability:
            return Status.ON_TRACK
        return Status.AT_RISK if chance >= policy.at_risk_probability else Status.OFF_TRACK
    projected = metrics.forecast_achievement
    if projected is None:
        return Status.NO_DATA
    if projected >= policy.on_track:
        return Status.ON_TRACK
    return Status.AT_RISK if projected >= policy.at_risk else Status.OFF_TRACK
