"""KPIs (重要業績指標), their targets, stages and measurements."""

from __future__ import annotations

import bisect
import enum
import math
import operator
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from itertools import accumulate, chain, islice, repeat
from operator import attrgetter
from typing import Any, TypeVar

import attrs
from attrs import validators as v

from maebashi_dx.dates import DateSpan
from maebashi_dx.errors import PlanError
from maebashi_dx.model.checks import (
    EARLIEST,
    LATEST,
    entity,
    in_supported_range,
    nonempty,
    show,
)

__all__ = [
    "DEFAULT_STAGES",
    "KPI",
    "Direction",
    "Frequency",
    "KPIKind",
    "Measurement",
    "Series",
    "Stage",
    "Target",
    "Value",
    "built_kpi",
    "checked_kpis",
    "checked_measurement",
    "checked_measurements",
    "checked_target",
    "checked_targets",
    "own_measurements",
    "shared_values",
]

#: A measured value: a number for a quantitative KPI, a stage id for a staged one.
Value = float | str
_T = TypeVar("_T")


def finite_or_text(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """attrs validator: a finite number (never NaN or infinity, never bool) or a text."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        msg = f"{attribute.name} must be a number or a stage name, not {type(value).__name__}"
        raise TypeError(msg)
    if isinstance(value, float) and not math.isfinite(value):
        msg = f"{attribute.name} must be finite, not {value}"
        raise ValueError(msg)


def finite_or_none(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """attrs validator: None or a finite number."""
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int | float):
        msg = f"{attribute.name} must be a number, not {type(value).__name__}"
        raise TypeError(msg)
    if not math.isfinite(value):
        msg = f"{attribute.name} must be finite, not {value}"
        raise ValueError(msg)


def _count(_instance: object, attribute: attrs.Attribute[Any], value: float | None) -> None:
    """attrs validator: a numerator is a count, never negative."""
    if value is not None and value < 0:
        msg = f"{attribute.name} is a count and cannot be negative, not {value:g}"
        raise ValueError(msg)


def _positive(_instance: object, attribute: attrs.Attribute[Any], value: float | None) -> None:
    """attrs validator: a denominator (what a count is divided by) is above zero."""
    if value is not None and not value > 0:
        msg = f"{attribute.name} must be above zero, not {value:g}"
        raise ValueError(msg)


def _bounds(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """attrs validator: None or two finite numbers, the lower below the upper."""
    if value is None:
        return
    if (  # the usual bounds, as the checks below find them: two finite floats in order
        type(value) is tuple
        and len(value) == 2
        and type(value[0]) is float
        and type(value[1]) is float
        and -math.inf < value[0] < value[1] < math.inf
    ):
        return
    if not isinstance(value, tuple) or len(value) != 2:
        msg = f"{attribute.name} must be a pair (low, high)"
        raise TypeError(msg)
    for number in value:
        finite_or_none(_instance, attribute, number)
    low, high = value
    if not low < high:
        msg = f"{attribute.name} must be (low, high) with low < high, not ({low:g}, {high:g})"
        raise ValueError(msg)


def _pair(value: object) -> object:
    """Store a pair of ints as floats, like every other number."""
    if type(value) is tuple and len(value) == 2 and set(map(type, value)) == {float}:
        return value  # already as stored
    if isinstance(value, list | tuple) and len(value) == 2:
        return tuple(_number(x) for x in value)
    return value


def _value(value: Value) -> Value:
    """Store ints as floats so that 90 and 90.0 compare and serialise alike; a value
    seen before is stored as the same float object (see _SHARED)."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if type(value) is float and value and math.isfinite(value):
        return _shared(_SHARED, _SHARED_MOST, value)
    return value


def _shared(table: dict[_T, _T], most: int, value: _T) -> _T:
    """The object equal to ``value`` that ``table`` holds (one object for equal values),
    else ``value``, then kept in the table while it holds fewer than ``most``."""
    shared = table.get(value)
    if shared is not None:
        return shared
    if len(table) < most:
        table[value] = value
    return value


# Equal values share one float object (24 bytes each): a national plan's 1.7 million
# measurements hold a few thousand distinct values of two decimals. Zero is left out
# (0.0 == -0.0, which must stay as written); the table holds at most _SHARED_MOST.
_SHARED: dict[float, float] = {}
_SHARED_MOST = 1 << 16


def _optional_number(value: float | None) -> float | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value


def _number(value: float) -> float:
    if isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value


def _measurements(items: Iterable[Measurement]) -> tuple[Measurement, ...]:
    return tuple(items)


def _stages(items: Iterable[Stage]) -> tuple[Stage, ...]:
    return tuple(items)


def _series(items: Iterable[Series]) -> tuple[Series, ...]:
    return tuple(items)


class Direction(enum.Enum):
    """Whether a KPI improves as it rises or as it falls."""

    INCREASE = "increase"  # 増加が望ましい
    DECREASE = "decrease"  # 減少が望ましい

    @property
    def sign(self) -> int:
        """+1 for INCREASE, -1 for DECREASE."""
        return 1 if self is Direction.INCREASE else -1


class KPIKind(enum.Enum):
    """A KPI is a number with a target, or an ordered ladder of stages."""

    QUANTITATIVE = "quantitative"  # 定量
    STAGED = "staged"  # 定性（段階）


class Frequency(enum.Enum):
    """How often a KPI is expected to be updated (for staleness)."""

    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    HALF_YEARLY = "half_yearly"
    YEARLY = "yearly"

    @property
    def months(self) -> int:
        """Months between expected updates."""
        return {"monthly": 1, "quarterly": 3, "half_yearly": 6, "yearly": 12}[self.value]


@attrs.frozen(kw_only=True)
@entity
class Stage:
    """One rung of a staged KPI's ladder.

    Attributes:
        id: Stable identifier used in measurements, e.g. ``under_study``.
        label: Japanese label, e.g. 検討中.
        label_en: English label.
        tangible: False for stages with nothing to show yet (未着手, 検討中); the
            committee writes those as "— (未着手)".
    """

    id: str = attrs.field(validator=nonempty)
    label: str
    label_en: str = ""
    tangible: bool = True


#: The ladder of DOMAIN.md: 未着手 → 検討中 → 事業化中 → 事業化 → 達成.
DEFAULT_STAGES: tuple[Stage, ...] = (
    Stage(id="not_started", label="未着手", label_en="not started", tangible=False),
    Stage(id="under_study", label="検討中", label_en="under study", tangible=False),
    Stage(id="implementing", label="事業化中", label_en="being implemented"),
    Stage(id="implemented", label="事業化", label_en="implemented"),
    Stage(id="achieved", label="達成", label_en="achieved"),
)


@attrs.frozen(kw_only=True)
@entity
class Series:
    """A secondary series reported beside a KPI's own, e.g. 申請 (applied) beside 交付."""

    id: str = attrs.field(validator=nonempty)
    label: str
    label_en: str = ""


# No __weakref__ slot: a national plan holds 1.7 million measurements (8 bytes each).
@attrs.frozen(kw_only=True, weakref_slot=False)
@entity
class Measurement:
    """One reported value of a KPI.

    Attributes:
        when: The date or period it describes; calculations read it as of ``when.end``.
        value: A number, or a stage id for a staged KPI.
        series: None for the KPI's own series, or a secondary series id ("applied").
        approximate: Reported as 約 (about).
        numerator: What was counted (e.g. cards issued), if known; never negative.
        denominator: What it was divided by (e.g. residents), if known; above zero.
            A numerator may exceed its denominator (a count per resident can pass 1).
        source: Where the figure comes from.
        note: Free text.
        label: The source's own words for a non-numeric value (e.g. "R4年度～ 事業化"),
            shown in tables in place of the stage's label.
    """

    when: DateSpan = attrs.field(validator=[v.instance_of(DateSpan), in_supported_range])
    value: Value = attrs.field(converter=_value, validator=finite_or_text)
    series: str | None = None
    approximate: bool = False
    numerator: float | None = attrs.field(
        default=None, converter=_optional_number, validator=[finite_or_none, _count]
    )
    denominator: float | None = attrs.field(
        default=None, converter=_optional_number, validator=[finite_or_none, _positive]
    )
    source: str | None = None
    note: str | None = None
    label: str | None = None

    @property
    def as_of(self) -> date:
        """The day the value is read as of: the end of its span."""
        return self.when.end


def own_measurements(whens: Sequence[DateSpan], values: Sequence[float]) -> list[Measurement]:
    """``[Measurement(when=w, value=v) for w, v in zip(whens, values)]``, built in bulk.

    A loader reading a million rows builds each measurement here at a fraction of the
    cost of attrs' ``__init__``: the checks ``Measurement`` makes on each item are made
    once over the whole input (every value a finite float, every span a ``DateSpan``
    in the supported range, checked once per distinct span object), and the slots are
    then filled by C-level loops. When an item fails a check, every measurement is
    built by ``Measurement`` itself, which raises its own error for the first bad one.

    >>> from datetime import date
    >>> day = DateSpan.day(date(2022, 5, 31))
    >>> own_measurements([day], [46.1]) == [Measurement(when=day, value=46.1)]
    True

    Raises:
        ValueError: The lengths differ, or what ``Measurement`` raises for a bad item.
        TypeError: What ``Measurement`` raises for a bad item.
    """
    if len(whens) != len(values):
        msg = f"{len(whens):,} spans for {len(values):,} values"
        raise ValueError(msg)
    # dict(zip(map(id, ...))) keeps one of each distinct span object, in C.
    distinct = dict(zip(map(id, whens), whens, strict=True)).values()
    trusted = set(map(type, values)) <= {float} and all(map(math.isfinite, values))
    trusted = trusted and all(
        type(span) is DateSpan and span.start >= EARLIEST and span.end <= LATEST
        for span in distinct
    )
    if not trusted:
        return [Measurement(when=w, value=v) for w, v in zip(whens, values, strict=True)]
    return checked_measurements(whens, values)


def checked_measurements(whens: Sequence[DateSpan], values: Sequence[float]) -> list[Measurement]:
    """:func:`own_measurements` of input a reader has checked as it does: as many spans
    as values, each span a ``DateSpan`` within EARLIEST..LATEST, each value a finite
    float (a million rows are not looked at twice)."""
    made = list(map(object.__new__, repeat(Measurement, len(values))))
    for setter, column in zip(_MEASUREMENT_SLOTS, (whens, values), strict=False):
        deque(map(setter, made, column), maxlen=0)
    for setter, default in _MEASUREMENT_DEFAULTS:
        deque(map(setter, made, repeat(default)), maxlen=0)
    return made


_SERIES = attrgetter("series")
_VALUE = attrgetter("value")
_AS_OF = attrgetter("when.end")  # Measurement.as_of

# The slot setters of Measurement's fields (member descriptors: they fill a slot and skip
# the frozen class's __setattr__), when and value first, then the defaulted rest.
_MEASUREMENT_FIELDS: tuple[attrs.Attribute[Any], ...] = tuple(attrs.fields(Measurement))
_MEASUREMENT_SLOTS = tuple(Measurement.__dict__[f.name].__set__ for f in _MEASUREMENT_FIELDS)
_MEASUREMENT_DEFAULTS = tuple(
    (setter, field.default)
    for setter, field in zip(_MEASUREMENT_SLOTS, _MEASUREMENT_FIELDS, strict=True)
    if field.name not in ("when", "value")
)


@attrs.frozen(kw_only=True)
@entity
class Target:
    """What a KPI aims for, and by when.

    Attributes:
        value: The target number, or the target stage id of a staged KPI.
        deadline: When it is due; read as of its end (2025年度 → 2026-03-31).
        label: The plan's words for the target, e.g. フルデジタル化実現.
        label_en: The same in English.
    """

    value: Value = attrs.field(converter=_value, validator=finite_or_text)
    deadline: DateSpan = attrs.field(validator=[v.instance_of(DateSpan), in_supported_range])
    label: str | None = None
    label_en: str | None = None

    @property
    def due(self) -> date:
        """The last day on which the target can still be met."""
        return self.deadline.end


def checked_measurement(when: DateSpan, value: Value) -> Measurement:
    """``Measurement(when=when, value=value)`` of a span and value a reader has checked
    as ``Measurement`` does: a ``DateSpan`` within EARLIEST..LATEST, and a finite float
    or a text. The value is stored as ``Measurement`` stores it (see :func:`_value`),
    the slots filled without attrs' ``__init__`` (a national plan has tens of thousands
    of baselines)."""
    made: Measurement = _NEW(Measurement)
    _SET_WHEN(made, when)
    _SET_VALUE(made, _value(value))
    for setter, default in _MEASUREMENT_DEFAULTS:
        setter(made, default)
    return made


def checked_target(value: Value, deadline: DateSpan) -> Target:
    """``Target(value=value, deadline=deadline)`` of a value and span a reader has
    checked as ``Target`` does (as for :func:`checked_measurement`), built the same way."""
    made: Target = _NEW(Target)
    _SET_TARGET_VALUE(made, _value(value))
    _SET_DEADLINE(made, deadline)
    for setter, default in _TARGET_DEFAULTS:
        setter(made, default)
    return made


def checked_targets(values: Sequence[float], deadlines: Sequence[DateSpan]) -> list[Target]:
    """``[Target(value=v, deadline=d) for v, d in zip(values, deadlines)]`` of finite
    floats and spans a reader has checked as :func:`checked_target` takes them, built in
    bulk as :func:`checked_measurements` builds measurements, each value stored as
    :func:`shared_values` stores it."""
    made = list(map(_NEW, repeat(Target, len(values))))
    deque(map(_SET_TARGET_VALUE, made, shared_values(values)), maxlen=0)
    deque(map(_SET_DEADLINE, made, deadlines), maxlen=0)
    for setter, default in _TARGET_DEFAULTS:
        deque(map(setter, made, repeat(default)), maxlen=0)
    return made


def shared_values(values: Sequence[float]) -> list[float]:
    """Finite floats as ``Measurement`` stores them (see :func:`_value`): each the float
    object the table of shared values holds for it, if any (a value seen before), else
    itself; the table is filled by the values ``Measurement`` and ``Target`` store one
    at a time."""
    return list(map(_SHARED.get, values, values))


_NEW = object.__new__
_SET_WHEN, _SET_VALUE = _MEASUREMENT_SLOTS[:2]
_TARGET_FIELDS: tuple[attrs.Attribute[Any], ...] = tuple(attrs.fields(Target))
_TARGET_SLOTS = {f.name: Target.__dict__[f.name].__set__ for f in _TARGET_FIELDS}
_SET_TARGET_VALUE = _TARGET_SLOTS["value"]
_SET_DEADLINE = _TARGET_SLOTS["deadline"]

_TARGET_DEFAULTS = tuple(
    (_TARGET_SLOTS[f.name], f.default)
    for f in _TARGET_FIELDS
    if f.name not in ("value", "deadline")
)


@attrs.frozen(kw_only=True)
@entity
class KPI:
    """A key performance indicator (重要業績指標).

    A KPI may belong to several priority projects (【再掲】, "listed again"); the projects
    name it in their ``kpi_ids``.

    Attributes:
        id: Stable identifier.
        name: Official Japanese name.
        name_en: English name.
        unit: Unit of the values, e.g. "%".
        direction: Whether higher is better.
        kind: Quantitative, or staged.
        baseline: The value at the plan's start (策定時), or None.
        target: Target value and deadline.
        measurements: Reported values after the baseline, oldest first in each series.
        stages: The ladder of a staged KPI; empty means :data:`DEFAULT_STAGES`.
        series: Secondary series reported beside the KPI's own.
        value_label: Japanese name of the KPI's own series where the table names it (交付).
        value_label_en: English name of the same.
        bounds: Natural limits of the value (0..100 for a share of people), if any;
            finite, the lower below the upper.
        weight: Weight in roll-ups (normalised there).
        update_frequency: How often new figures are expected.
        decimals: Decimal places to show values with (the ministry prints 45.0%); as
            reported when None (45.42, 1.8).
    """

    id: str = attrs.field(validator=nonempty)
    name: str
    name_en: str = ""
    unit: str = ""
    direction: Direction = Direction.INCREASE
    kind: KPIKind = KPIKind.QUANTITATIVE
    baseline: Measurement | None = None
    target: Target
    measurements: tuple[Measurement, ...] = attrs.field(default=(), converter=_measurements)
    stages: tuple[Stage, ...] = attrs.field(default=(), converter=_stages)
    series: tuple[Series, ...] = attrs.field(default=(), converter=_series)
    value_label: str | None = None
    value_label_en: str | None = None
    bounds: tuple[float, float] | None = attrs.field(
        default=None, converter=_pair, validator=_bounds
    )
    weight: float = attrs.field(default=1.0, converter=_number, validator=[finite_or_none, v.ge(0)])
    update_frequency: Frequency | None = None
    decimals: int | None = attrs.field(
        default=None, validator=v.optional(v.and_(v.instance_of(int), v.ge(0), v.le(10)))
    )

    # The baseline and the KPI's own series, oldest first, and their days: built once, so
    # that reading a KPI "as of" a day is a binary search, not a scan.
    _own: tuple[Measurement, ...] = attrs.field(init=False, eq=False, repr=False)
    _own_days: tuple[date, ...] = attrs.field(init=False, eq=False, repr=False)
    _own_values: tuple[float, ...] = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        from maebashi_dx.model.checks import kpi_problems  # avoids an import cycle

        problems = kpi_problems(self)
        if problems:
            raise PlanError(problems)
        mine = self.measurements
        if set(map(_SERIES, mine)) - {None}:  # some of another series
            mine = tuple(m for m in mine if m.series is None)
        own = ((self.baseline,) if self.baseline is not None else ()) + mine
        object.__setattr__(self, "_own", own)
        object.__setattr__(self, "_own_days", _shared_days(tuple(map(_AS_OF, own))))
        if self.kind is KPIKind.STAGED:
            numbers = tuple(float(self.stage_index(str(m.value))) for m in own)
        else:
            numbers = tuple(map(float, map(_VALUE, own)))
        object.__setattr__(self, "_own_values", numbers)

    @property
    def ladder(self) -> tuple[Stage, ...]:
        """The stages of a staged KPI, in order."""
        return self.stages or DEFAULT_STAGES

    def stage_index(self, stage_id: str) -> int:
        """Position of a stage on the ladder (0 for the first)."""
        for i, stage in enumerate(self.ladder):
            if stage.id == stage_id:
                return i
        msg = f"KPI {show(self.id)} has no stage {show(stage_id)}"
        raise KeyError(msg)

    def stage(self, stage_id: str) -> Stage:
        """The :class:`Stage` with this id."""
        return self.ladder[self.stage_index(stage_id)]

    def stage_at(self, position: float) -> Stage:
        """The stage a ladder position has reached: the highest rung at or below it.

        A staged KPI is forecast on its ladder positions (0 = the first stage); a position
        between two rungs has reached the lower one, and positions off the ladder are held
        to its ends.

        >>> from maebashi_dx.datasets import maebashi_2022
        >>> maebashi_2022().kpi("kpi3").stage_at(2.5).label
        '事業化中'
        """
        # The epsilon absorbs float noise from a fit, e.g. 2.9999999999999996 for rung 3.
        index = math.floor(position + 1e-9) if math.isfinite(position) else 0
        if position == math.inf:
            index = len(self.ladder) - 1
        return self.ladder[min(max(index, 0), len(self.ladder) - 1)]

    def series_of(self, series: str | None = None) -> tuple[Measurement, ...]:
        """The measurements of one series (None: the KPI's own), oldest first."""
        return tuple(m for m in self.measurements if m.series == series)

    def history(self, as_of: date | None = None) -> tuple[Measurement, ...]:
        """Baseline then own-series measurements, up to ``as_of`` inclusive."""
        if as_of is None:
            return self._own
        return self._own[: bisect.bisect_right(self._own_days, as_of)]

    def numbers(self, as_of: date | None = None) -> tuple[tuple[date, ...], tuple[float, ...]]:
        """Days and numeric values of the baseline and own series up to ``as_of``.

        Values are the measured numbers, or ladder positions for a staged KPI. This is
        what forecasters read: two flat tuples, cheap to slice.
        """
        if as_of is None:
            return self._own_days, self._own_values
        i = bisect.bisect_right(self._own_days, as_of)
        return self._own_days[:i], self._own_values[:i]

    def latest(self, as_of: date | None = None, series: str | None = None) -> Measurement | None:
        """The newest measurement of a series read on or before ``as_of``.

        For the KPI's own series the baseline counts as a measurement.
        """
        if series is None:
            if as_of is None:
                return self._own[-1] if self._own else None
            i = bisect.bisect_right(self._own_days, as_of)
            return self._own[i - 1] if i else None
        points = tuple(m for m in self.series_of(series) if as_of is None or m.as_of <= as_of)
        return points[-1] if points else None

    def series_label(self, series: str | None, lang: str = "ja") -> str | None:
        """The display label of a series (None: the KPI's own)."""
        if series is None:
            return self.value_label_en if lang == "en" else self.value_label
        for s in self.series:
            if s.id == series:
                return s.label_en if lang == "en" and s.label_en else s.label
        return None

    def iter_values(self) -> Iterator[tuple[str, Measurement]]:
        """Every measurement with a readable name of where it sits (for validation)."""
        if self.baseline is not None:
            yield "baseline", self.baseline
        for i, m in enumerate(self.measurements):
            yield f"measurements[{i}]", m


def built_kpi(fields: dict[str, Any]) -> KPI:
    """``KPI(**fields)``, built by filling its slots: a plan reader builds tens of
    thousands of KPIs, most with half their fields left to their defaults.

    Each given field goes through its converter and its validator, as in attrs'
    ``__init__``; a field left out takes its default as that ``__init__`` makes it
    (converted once, here: the defaults pass their validators); then the KPI's own
    checks run (``__attrs_post_init__``).

    Raises:
        TypeError: A required field (id, name, target) is missing, or what a field's
            converter or validator raises.
        KeyError: A field KPI does not take.
        ValueError: What a field's converter or validator raises.
        PlanError: What the KPI's own checks find.
    """
    if not fields.keys() >= _KPI_REQUIRED:
        missing = ", ".join(sorted(_KPI_REQUIRED - fields.keys()))
        msg = f"a KPI needs {missing}"
        raise TypeError(msg)
    made: KPI = _NEW(KPI)
    for name, value in fields.items():
        setter, attribute = _KPI_INIT[name]
        if attribute.converter is not None:
            value = attribute.converter(value)  # type: ignore[operator]
        setter(made, value)
        if attribute.validator is not None:
            attribute.validator(made, attribute, value)
    for name, setter, default in _KPI_DEFAULTS:
        if name not in fields:
            setter(made, default)
    made.__attrs_post_init__()
    return made


_KPI_INIT = {f.name: (KPI.__dict__[f.name].__set__, f) for f in attrs.fields(KPI) if f.init}
_KPI_REQUIRED = frozenset(name for name, (_, f) in _KPI_INIT.items() if f.default is attrs.NOTHING)
_KPI_DEFAULTS = tuple(
    (name, setter, f.converter(f.default) if f.converter is not None else f.default)  # type: ignore[operator]
    for name, (setter, f) in _KPI_INIT.items()
    if f.default is not attrs.NOTHING
)


def checked_kpis(fields: dict[str, Sequence[Any]], count: int) -> list[KPI]:
    """``KPI(**{name: column[i] ...})`` for each of ``count`` KPIs, of columns of fields a
    reader has checked as ``KPI``'s converters and validators take them as they are:
    ids non-empty texts, measurements tuples, bounds ``(low, high)`` pairs of finite
    floats with ``low < high``, the other given fields among id, name, name_en, unit,
    direction, kind, baseline and target (which ``KPI`` neither converts nor checks).
    The slots are filled a field at a time across all of them by loops in C, a field
    not given takes its default, then each KPI's own checks run
    (``__attrs_post_init__``) and raise as ``KPI`` does.

    Raises:
        KeyError: A field not among those above.
        PlanError: What a KPI's own checks find.
    """
    if not fields.keys() >= _KPI_REQUIRED or not fields.keys() <= _KPI_CHECKED:
        raise KeyError(", ".join(sorted(fields.keys() ^ _KPI_CHECKED)))
    made = list(map(_NEW, repeat(KPI, count)))
    for name, column in fields.items():
        deque(map(_KPI_INIT[name][0], made, column), maxlen=0)
    for name, setter, default in _KPI_DEFAULTS:
        if name not in fields:
            deque(map(setter, made, repeat(default, count)), maxlen=0)
    if not _settled_in_bulk(made):
        deque(map(KPI.__attrs_post_init__, made), maxlen=0)
    return made


def _settled_in_bulk(kpis: list[KPI]) -> bool:
    """Whether ``KPI.__attrs_post_init__`` finds nothing wrong in any of the KPIs,
    decided for the usual ones (as :func:`~maebashi_dx.model.checks.kpi_problems` finds
    them sound: quantitative, without stages, a float target, a baseline of the KPI's own
    series with a float value on or before the deadline and not equal to the target,
    measurements of its own series with float values, each after the one before), the
    measurements of all of them looked at together by loops in C. If so, the slots that
    ``__attrs_post_init__`` fills are filled as it fills them; if not, nothing is, and
    each KPI is settled by ``__attrs_post_init__`` (which names each problem)."""
    owns: list[tuple[Measurement, ...]] = []
    for kpi in kpis:
        target = kpi.target
        if kpi.kind is not KPIKind.QUANTITATIVE or kpi.stages or type(target.value) is not float:
            return False
        base = kpi.baseline
        own = kpi.measurements
        if base is not None:
            if base.when.end > target.deadline.end or (
                type(base.value) is float  # else refused below
                and abs(base.value - target.value) <= _SAME  # math.isclose(abs_tol=1e-12)
            ):
                return False
            own = (base, *own)
        owns.append(own)
    everything = list(chain.from_iterable(owns))  # the baselines and the measurements
    values = list(map(_VALUE, everything))
    if everything and (
        set(map(_SERIES, everything)) != {None} or set(map(type, values)) != {float}
    ):
        return False
    days = list(map(_AS_OF, everything))
    ends = list(accumulate(map(len, owns)))
    rising = list(map(operator.lt, days, islice(days, 1, None)))
    for end in ends:
        if 0 < end < len(days):
            rising[end - 1] = True  # the last day of one KPI and the first of the next
    if not all(rising):
        return False
    cuts = list(map(slice, [0, *ends[:-1]], ends))
    for name, column in (
        ("_own", owns),
        ("_own_days", map(_shared_days, map(tuple, map(days.__getitem__, cuts)))),
        ("_own_values", map(tuple, map(values.__getitem__, cuts))),
    ):
        deque(map(_KPI_SLOTS[name], kpis, column), maxlen=0)
    return True


_SAME = 1e-12  # kpi_problems' test of a target equal to the baseline


def _shared_days(days: tuple[date, ...]) -> tuple[date, ...]:
    """The days of a KPI's own series as one tuple shared by every KPI with the same days
    (KPIs reported together share them: a national plan's 35,000 KPIs have a few
    sequences of monthly days).

    The table lives as long as the process, so it is bounded by the days it holds, not
    by its entries: when a tuple would take it past :data:`_DAYS_HELD_MOST` days it is
    emptied and starts again (a long-running program that reads plan after plan keeps
    at most that many, and later plans share their days again).
    """
    global _days_held
    shared = _DAYS.get(days)
    if shared is not None:
        return shared
    if _days_held + len(days) > _DAYS_HELD_MOST:
        _DAYS.clear()
        _days_held = 0
    if len(days) <= _DAYS_HELD_MOST:
        _DAYS[days] = days
        _days_held += len(days)
    return days


_DAYS: dict[tuple[date, ...], tuple[date, ...]] = {}
# At most this many days held by the table (about 10 MiB with their date objects).
_DAYS_HELD_MOST = 1 << 18
_days_held = 0
_KPI_SLOTS = {f.name: KPI.__dict__[f.name].__set__ for f in attrs.fields(KPI)}


# The fields checked_kpis takes as given (see there).
_KPI_CHECKED = frozenset(
    ("id", "name", "name_en", "unit", "direction", "kind", "baseline", "target")
) | {"bounds", "measurements"}
