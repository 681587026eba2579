"""Working groups, their lifecycle, and milestones on the plan's calendar."""

from __future__ import annotations

import enum
import math
from collections.abc import Iterable
from typing import Any

import attrs
from attrs import validators as v

from maebashi_dx.dates import DateSpan

__all__ = ["LifecycleStage", "Milestone", "StageRecord", "WorkingGroup"]


def strings(items: Iterable[str]) -> tuple[str, ...]:
    """attrs converter: any iterable of ids to a tuple (a lone string is one id)."""
    if isinstance(items, str):
        return (items,)
    return tuple(items)


def _records(items: Iterable[StageRecord]) -> tuple[StageRecord, ...]:
    return tuple(items)


class LifecycleStage(enum.Enum):
    """The WG stage gate of DOMAIN.md. No shortcut (ショートカットNG): each stage needs
    every earlier one."""

    TARGET_SETTING = "target_setting"  # 対象領域・ゴール設定
    PROOF_OF_CONCEPT = "proof_of_concept"  # 概念検証（机上）
    DECISION = "decision"  # 副市長による判断（DX枠予算の活用）
    PROOF_OF_VALUE = "proof_of_value"  # 価値検証（モデル実施）
    IMPLEMENTATION = "implementation"  # 事業化

    @property
    def index(self) -> int:
        """Position in the gate, from 0."""
        return list(LifecycleStage).index(self)

    def label(self, lang: str = "ja") -> str:
        """The stage's name in Japanese (the plan's words) or English."""
        return (_STAGE_EN if lang == "en" else _STAGE_JA)[self]


_STAGE_JA = {
    LifecycleStage.TARGET_SETTING: "対象領域・ゴール設定",
    LifecycleStage.PROOF_OF_CONCEPT: "概念検証（机上）",
    LifecycleStage.DECISION: "副市長による判断",
    LifecycleStage.PROOF_OF_VALUE: "価値検証（モデル実施）",
    LifecycleStage.IMPLEMENTATION: "事業化",
}
_STAGE_EN = {
    LifecycleStage.TARGET_SETTING: "target area and goal set",
    LifecycleStage.PROOF_OF_CONCEPT: "proof of concept (on paper)",
    LifecycleStage.DECISION: "deputy mayor's decision",
    LifecycleStage.PROOF_OF_VALUE: "proof of value (model run)",
    LifecycleStage.IMPLEMENTATION: "business implementation",
}


@attrs.frozen(kw_only=True)
class StageRecord:
    """A lifecycle stage a working group reached, and when."""

    stage: LifecycleStage
    when: DateSpan | None = None
    note: str | None = None


@attrs.frozen(kw_only=True)
class WorkingGroup:
    """A cross-departmental working group (WG).

    Attributes:
        id: Stable identifier.
        name: Japanese name.
        name_en: English name.
        project_ids: The priority projects it serves.
        aim: The future it aims for (目指す未来).
        aim_en: The same in English.
        members: People or departments taking part (DX推進員).
        stage: The lifecycle stage it has reached, if recorded.
        history: The stages it passed through, in order, when recorded.
        note: Free text.
    """

    id: str = attrs.field(validator=v.min_len(1))
    name: str
    name_en: str = ""
    project_ids: tuple[str, ...] = attrs.field(default=(), converter=strings)
    aim: str = ""
    aim_en: str = ""
    members: tuple[str, ...] = attrs.field(default=(), converter=strings)
    stage: LifecycleStage | None = None
    history: tuple[StageRecord, ...] = attrs.field(default=(), converter=_records)
    note: str | None = None


def _shares(_instance: object, attribute: attrs.Attribute[Any], value: dict[str, float]) -> None:
    for resource, share in value.items():
        if isinstance(share, bool) or not isinstance(share, int | float):
            msg = f"{attribute.name}[{resource!r}] must be a number"
            raise TypeError(msg)
        if not math.isfinite(share) or share < 0:
            msg = f"{attribute.name}[{resource!r}] must be a finite share >= 0, not {share}"
            raise ValueError(msg)


@attrs.frozen(kw_only=True)
class Milestone:
    """A dated point or period of work on the plan's calendar.

    Attributes:
        id: Stable identifier.
        title: Japanese title.
        title_en: English title.
        when: The inclusive span of days; a one-day milestone has start == end.
        owner: The working group that owns it, if any.
        depends_on: Milestones that must end before this one starts (same day allowed).
        kpi_ids: KPIs it serves; it should end by their deadlines.
        resources: People, rooms or systems it uses exclusively.
        effort: Share of each resource's capacity it takes while it runs
            (1.0 = full time; a DX推進員 gives about 0.1), for resources used in part.
        note: Free text.
    """

    id: str = attrs.field(validator=v.min_len(1))
    title: str
    title_en: str = ""
    when: DateSpan = attrs.field(validator=v.instance_of(DateSpan))
    owner: str | None = None
    depends_on: tuple[str, ...] = attrs.field(default=(), converter=strings)
    kpi_ids: tuple[str, ...] = attrs.field(default=(), converter=strings)
    resources: tuple[str, ...] = attrs.field(default=(), converter=strings)
    effort: dict[str, float] = attrs.field(factory=dict, converter=dict, validator=_shares)
    note: str | None = None
