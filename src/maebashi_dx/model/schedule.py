"""Working groups, their lifecycle, and milestones on the plan's calendar."""

from __future__ import annotations

import enum
import math
from collections.abc import Iterable, Mapping
from typing import Any

import attrs
from attrs import validators as v

from maebashi_dx.dates import DateSpan
from maebashi_dx.model.checks import (
    entity,
    in_supported_range,
    nonempty,
    show,
)

__all__ = ["Department", "LifecycleStage", "Milestone", "StageRecord", "WorkingGroup"]


def strings(items: Iterable[str]) -> tuple[str, ...]:
    """attrs converter: a list or tuple of texts to a tuple.

    A lone string is refused, not read as one id or as its characters.
    """
    if isinstance(items, str) or not isinstance(items, list | tuple):
        msg = f"expected a list of texts, got {type(items).__name__}"
        raise TypeError(msg)
    return tuple(items)


def _table(items: Mapping[str, float]) -> dict[str, float]:
    """attrs converter: a mapping to a dict (a list of pairs is refused)."""
    if not isinstance(items, Mapping):
        msg = f"expected a table of shares, got {type(items).__name__}"
        raise TypeError(msg)
    return dict(items)


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
@entity
class StageRecord:
    """A lifecycle stage a working group reached, and when."""

    stage: LifecycleStage
    when: DateSpan | None = attrs.field(
        default=None, validator=[v.optional(v.instance_of(DateSpan)), in_supported_range]
    )
    note: str | None = None


@attrs.frozen(kw_only=True)
@entity
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

    id: str = attrs.field(validator=nonempty)
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
        if not isinstance(resource, str):
            msg = f"{attribute.name} is keyed by resource names, not {type(resource).__name__}"
            raise TypeError(msg)
        if isinstance(share, bool) or not isinstance(share, int | float):
            msg = f"{attribute.name}[{show(resource)}] must be a number"
            raise TypeError(msg)
        if not (math.isfinite(share) and 0 < share <= 1):
            msg = (
                f"{attribute.name}[{show(resource)}] must be a share above 0 and at most 1"
                f" (1.0 = full time), not {share:g}"
            )
            raise ValueError(msg)


@attrs.frozen(kw_only=True)
@entity
class Department:
    """A department of the city (担当課), which may own milestones.

    Attributes:
        id: Stable identifier, e.g. ``joho-seisaku``.
        name: Japanese name, e.g. 情報政策課.
        name_en: English name.
    """

    id: str = attrs.field(validator=nonempty)
    name: str
    name_en: str = ""


@attrs.frozen(kw_only=True)
@entity
class Milestone:
    """A dated point or period of work on the plan's calendar.

    Attributes:
        id: Stable identifier.
        title: Japanese title.
        title_en: English title.
        when: The inclusive span of days; a one-day milestone has start == end.
        owner: The id of the working group or the department (担当課) that owns it, if
            any.
        depends_on: Milestones that must end before this one starts (same day allowed).
        kpi_ids: KPIs it serves; it should end by their deadlines.
        resources: People, rooms or systems it uses exclusively.
        effort: Share of each resource's capacity it takes while it runs
            (1.0 = full time; a DX推進員 gives about 0.1), for resources used in part;
            each share is above 0 and at most 1.
        note: Free text.
    """

    id: str = attrs.field(validator=nonempty)
    title: str
    title_en: str = ""
    when: DateSpan = attrs.field(validator=[v.instance_of(DateSpan), in_supported_range])
    owner: str | None = None
    depends_on: tuple[str, ...] = attrs.field(default=(), converter=strings)
    kpi_ids: tuple[str, ...] = attrs.field(default=(), converter=strings)
    resources: tuple[str, ...] = attrs.field(default=(), converter=strings)
    effort: dict[str, float] = attrs.field(factory=dict, converter=_table, validator=_shares)
    note: str | None = None
