"""Checks on single entities that need no calculation, shared by the model classes.

Limits every plan holds to, so that every later step (services, renderers) can handle
what validation accepts:

- dates lie in :data:`EARLIEST` .. :data:`LATEST` (1868-01-01 .. 2200-12-31): from the
  first year of 明治, the oldest era :func:`~maebashi_dx.dates.parse_date` reads, to far
  beyond any plan, leaving the services room to add days without reaching
  ``date.max``;
- texts are valid Unicode (no lone surrogate), hold no control character but tab and
  line breaks, and are at most :data:`MAX_TEXT` characters; ids are not empty and have
  no surrounding white space.
"""

from __future__ import annotations

import functools
import math
import operator
import re
import reprlib
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import date
from itertools import chain, islice
from operator import attrgetter
from typing import TYPE_CHECKING, Any, TypeVar

import attrs

from maebashi_dx.dates import DateSpan
from maebashi_dx.errors import Problem

if TYPE_CHECKING:
    from maebashi_dx.model.kpi import KPI, Measurement

__all__ = [
    "EARLIEST",
    "LATEST",
    "MAX_TEXT",
    "duplicates_at",
    "entity",
    "entity_eq",
    "entity_hash",
    "entity_repr",
    "in_supported_range",
    "kpi_problems",
    "nonempty",
    "show",
    "text_problem",
    "text_problems",
    "texts_found_sound",
    "texts_sound",
]

#: The first day a plan's dates may fall on (the first year of 明治).
EARLIEST = date(1868, 1, 1)
#: The last day a plan's dates may fall on.
LATEST = date(2200, 12, 31)
#: The longest text (name, note, initiative...) a plan may hold, in characters.
MAX_TEXT = 10_000
# Unicode's control characters (category Cc) and lone surrogates (Cs); a text may hold
# tabs and line breaks, an id none of these.
_TEXT_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_ID_BAD = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


# reprlib cuts containers and long texts while it writes them (each part to a few items).
_SHORT = reprlib.Repr()  # Python 3.11's Repr takes no arguments: set its limits
_SHORT.maxlevel = 3
_SHORT.maxlist = _SHORT.maxtuple = _SHORT.maxdict = _SHORT.maxset = 8
_SHORT.maxstring = _SHORT.maxother = 60


def show(value: object, limit: int = 60) -> str:
    """A value's repr for a message, cut to about ``limit`` characters.

    Messages quote offending values; input can be huge, so the quote is bounded.

    >>> show("x" * 100, 10)
    "'xxxxxxxx…(100 characters)"
    """
    if isinstance(value, str) and len(value) > limit:
        return f"{value[: max(limit - 2, 1)]!r}"[:-1] + f"…({len(value):,} characters)"
    try:
        text = _SHORT.repr(value)  # bounded: a huge list is not written out in full first
    except (ValueError, RecursionError):  # an int of too many digits, a cyclic list
        return f"<{type(value).__name__}>"
    return text if len(text) <= limit else text[: limit - 1] + "…"


def entity(cls: type[_T]) -> type[_T]:
    """Class decorator, under ``attrs.frozen``: the entity's repr, ``==`` and hash are
    :func:`entity_repr`, :func:`entity_eq` and :func:`entity_hash`, as attrs would write
    them, not methods attrs compiles for each class when the model is imported."""
    cls.__repr__ = entity_repr  # type: ignore[method-assign]
    cls.__eq__ = entity_eq  # type: ignore[method-assign]
    cls.__hash__ = entity_hash  # type: ignore[method-assign]
    return cls


_T = TypeVar("_T")


def entity_repr(self: object) -> str:
    """The repr attrs writes for an entity (``KPI(id='kpi1', name=...)``: each field shown
    in order, the ``repr=False`` ones left out, ``...`` for an entity met again inside
    itself), written once for every model class: attrs compiles one for each class when
    the model is imported (a tenth of a millisecond each, on every command's start)."""
    seen = _REPRING.__dict__.setdefault("ids", set())
    if id(self) in seen:
        return "..."
    seen.add(id(self))
    try:
        cls = type(self)
        names, values = _SHOWN.get(cls) or _shown(cls)
        shown = ", ".join(map("{}={!r}".format, names, values(self)))
        return f"{cls.__qualname__.rsplit('>.', 1)[-1]}({shown})"
    finally:
        seen.discard(id(self))


_REPRING = threading.local()
_Shown = tuple[tuple[str, ...], Callable[[object], tuple[object, ...]]]
_SHOWN: dict[type, _Shown] = {}


def _shown(cls: type) -> _Shown:
    """The fields a class's repr shows, and what reads their values."""
    names = tuple(f.name for f in attrs.fields(cls) if f.repr)
    _SHOWN[cls] = names, _reader(names)
    return _SHOWN[cls]


def _reader(names: tuple[str, ...]) -> Callable[[object], tuple[object, ...]]:
    """What reads the named attributes of an object as a tuple (one name too)."""
    getter = attrgetter(*names)
    return getter if len(names) > 1 else lambda obj: (getter(obj),)


def entity_eq(self: object, other: object) -> bool:
    """attrs' ``==`` for an entity: of the same class, and its fields compared in order
    as a tuple (the ``eq=False`` ones left out), written once for every model class."""
    if other.__class__ is not self.__class__:
        return NotImplemented  # type: ignore[no-any-return]
    values = _COMPARED.get(self.__class__) or _compared(self.__class__)
    same: bool = values(self) == values(other)
    return same


def entity_hash(self: object) -> int:
    """A hash that agrees with :func:`entity_eq`: of the class and the compared fields,
    as attrs' is for a frozen class."""
    cls = self.__class__
    values = _COMPARED.get(cls) or _compared(cls)
    return hash((cls.__qualname__, values(self)))


_COMPARED: dict[type, Callable[[object], tuple[object, ...]]] = {}


def _compared(cls: type) -> Callable[[object], tuple[object, ...]]:
    """What reads the values of the fields an entity's ``==`` compares, as a tuple."""
    values = _COMPARED[cls] = _reader(tuple(f.name for f in attrs.fields(cls) if f.eq))
    return values


def nonempty(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """attrs validator: a text (an id) that is not empty."""
    if not isinstance(value, str):
        msg = f"{attribute.name} must be a text, not {type(value).__name__}"
        raise TypeError(msg)
    if not value:
        msg = f"{attribute.name} must not be empty"
        raise ValueError(msg)


def in_supported_range(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """attrs validator: a date or span (or None) within :data:`EARLIEST` .. :data:`LATEST`."""
    if value is None:
        return
    start, end = (value, value) if isinstance(value, date) else (value.start, value.end)  # type: ignore[attr-defined]
    if start < EARLIEST or end > LATEST:
        msg = (
            f"{attribute.name} {start if start < EARLIEST else end} is outside the supported "
            f"range {EARLIEST} .. {LATEST}"
        )
        raise ValueError(msg)


def text_problem(text: str, *, is_id: bool = False) -> str | None:
    """Why a text cannot be kept (too long, a control character, a lone surrogate,
    white space around an id), or None."""
    if len(text) > MAX_TEXT:
        return f"text of {len(text):,} characters; at most {MAX_TEXT:,} are allowed"
    bad = (_ID_BAD if is_id else _TEXT_BAD).search(text)
    if bad:
        ch = bad.group()
        what = "a lone surrogate" if "\ud800" <= ch <= "\udfff" else "control character"
        return f"invalid text: {what} U+{ord(ch):04X} at character {bad.start() + 1}"
    if is_id and text != text.strip():
        return f"an id must not begin or end with white space: {show(text)}"
    return None


def _walk(value: object, path: str, key: str) -> Iterator[tuple[str, str, str]]:
    """(path, field name, text) of every text in a model object, keys of tables too."""
    if isinstance(value, str):
        yield path, key, value
    elif attrs.has(type(value)):
        for field in attrs.fields(type(value)):  # type: ignore[arg-type]
            if field.init:
                yield from _walk(getattr(value, field.name), f"{path}.{field.name}", field.name)
    elif isinstance(value, tuple):
        for i, item in enumerate(value):
            yield from _walk(item, f"{path}[{i}]", key)
    elif isinstance(value, Mapping):
        for k, item in value.items():
            yield from _walk(k, path, key + "/key")
            yield from _walk(item, f"{path}[{show(k, 40)}]", key)


_ID_FIELDS = frozenset(
    {"id", "owner", "series", "kpi_ids", "project_ids", "depends_on", "resources", "effort/key"}
)


def _texts_pass(values: Iterable[object], key: str) -> bool:
    """Whether every text in ``values`` (the values of one field ``key`` across objects,
    or the items of tuples in it) passes :func:`text_problem`, as :func:`_walk` would
    find them; each distinct object and text is looked at once, a field at a time
    across all the objects that have it, so that a plan of a million measurements is
    checked by loops in C."""
    items = iter(values)
    # A block at a time, so that a million measurements need no million-entry list.
    return all(
        _texts_pass_block(block, key) for block in iter(lambda: list(islice(items, _BLOCK)), [])
    )


def _texts_pass_block(values: list[object], key: str) -> bool:
    """:func:`_texts_pass` of a list of values."""
    kinds = set(map(type, values))
    for kind in kinds:
        same = values if len(kinds) == 1 else [v for v in values if type(v) is kind]
        if issubclass(kind, str):
            if key != "text":  # a DateSpan's source text, checked where it was read
                texts: set[str] = set(same)  # type: ignore[arg-type]
                if not texts_sound(texts, is_id=key in _ID_FIELDS):
                    return False
        elif attrs.has(kind):
            # A block at a time, so that a million measurements need no million-entry
            # table; objects shared (a DateSpan on many measurements) are looked at once
            # a block. Entities (measurements, KPIs) are seldom shared: looking at one
            # twice finds what looking once finds, and costs less than the table.
            shared = kind is DateSpan
            for start in range(0, len(same), _BLOCK):
                block = same[start : start + _BLOCK]
                distinct = (
                    list(dict(zip(map(id, block), block, strict=True)).values())
                    if shared
                    else block
                )
                for name in _init_fields(kind):
                    field = attrgetter(name)
                    # Most fields hold numbers, dates or None: their types say so.
                    kinds_here = set(map(type, map(field, distinct)))
                    if any(map(_may_hold_text, kinds_here)) and not _texts_pass(
                        map(field, distinct), name
                    ):
                        return False
        elif issubclass(kind, tuple):
            sound = getattr(_SOUND, "items", None)
            if sound is not None:  # found sound by a reader (see texts_found_sound)
                same = [items for items in same if items is not sound]
            if not _texts_pass(chain.from_iterable(same), key):  # type: ignore[arg-type]
                return False
        elif issubclass(kind, Mapping):
            tables: list[Mapping[object, object]] = same  # type: ignore[assignment]
            keys = chain.from_iterable(map(Mapping.keys, tables))
            if not _texts_pass(keys, key + "/key") or not _texts_pass(
                chain.from_iterable(map(Mapping.values, tables)), key
            ):
                return False
    return True


_BLOCK = 1 << 16

# A tuple of entities whose texts a reader has found sound, while it builds the object
# that holds them (see texts_found_sound).
_SOUND = threading.local()  # its ``items``, in the thread building them


@contextmanager
def texts_found_sound(items: tuple[object, ...]) -> Iterator[None]:
    """While in the block, :func:`text_problems` takes the texts in ``items`` (a tuple of
    entities held by what is being built) as sound, not looking at them again: a reader
    has found that it finds nothing in them by looking at each of their texts in bulk
    (a national plan's 35,000 KPIs and their 300,000 measurements)."""
    before = getattr(_SOUND, "items", None)
    _SOUND.items = items
    try:
        yield
    finally:
        _SOUND.items = before


def texts_sound(texts: set[str], *, is_id: bool) -> bool:
    """Whether :func:`text_problem` finds nothing in any of the texts, found by loops in
    C: no text too long, no bad character in them all joined (the pattern matches one
    character, so joining makes no match and hides none), and no id with white space
    around it."""
    if not texts:
        return True
    if max(map(len, texts)) > MAX_TEXT:
        return False
    if (_ID_BAD if is_id else _TEXT_BAD).search("".join(texts)) is not None:
        return False
    return not is_id or all(map(operator.eq, texts, map(str.strip, texts)))


@functools.cache
def _may_hold_text(kind: type) -> bool:
    """Whether a value of this type is, or may hold, a text :func:`_walk` finds."""
    return issubclass(kind, str | tuple | Mapping) or attrs.has(kind)


@functools.cache
def _init_fields(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in attrs.fields(cls) if f.init)


def text_problems(obj: object, path: str = "$") -> list[Problem]:
    """Every text in ``obj`` (a model object) that a later step cannot print or store."""
    if _texts_pass([obj], ""):
        return []  # the usual case, found without writing each text's path
    problems = []
    for where, key, text in _walk(obj, path, ""):
        if key == "text":  # a DateSpan's source text, checked where it was read
            continue
        message = text_problem(text, is_id=key in _ID_FIELDS)
        if message:
            problems.append(Problem(where, message))
    return problems


def duplicates_at(items: list[tuple[str, str]], what: str) -> list[Problem]:
    """A problem at each repeat of an id (the first use is fine)."""
    if len(items) < 2:
        return []
    counts = Counter(x for _, x in items)
    seen: set[str] = set()
    out = []
    for path, x in items:
        if counts[x] > 1:
            if x in seen:
                out.append(Problem(f"{path}.id", f"duplicate {what} id {show(x)}"))
            seen.add(x)
    return out


def kpi_problems(kpi: KPI, path: str = "$") -> list[Problem]:
    """Every problem in one KPI, with paths relative to the KPI.

    Checked: values of the wrong kind (a number for a quantitative KPI, a stage on the
    ladder for a staged one); a target equal to the baseline; a baseline after the
    deadline; measurements out of order or duplicated within a series; unknown series;
    duplicate stage ids.
    """
    if _plain_quantitative(kpi):
        return []
    problems: list[Problem] = []
    staged = kpi.kind.value == "staged"
    ladder = {s.id for s in kpi.ladder} if staged else set()
    # The usual KPI's measurements (its own series, values of its kind, in date order)
    # have none of the problems looked for one by one below.
    plain = _plain_own_series(kpi, staged, ladder)
    problems += duplicates_at(
        [(f"{path}.stages[{i}]", s.id) for i, s in enumerate(kpi.stages)], "stage"
    )

    def check_value(where: str, value: object) -> None:
        if staged and value not in ladder:
            options = ", ".join(s.id for s in kpi.ladder)
            problems.append(
                Problem(where, f"{show(value)} is not a stage of this KPI (stages: {options})")
            )
        elif not staged and not isinstance(value, float):
            problems.append(Problem(where, f"expected a number, got {show(value)}"))

    check_value(f"{path}.target.value", kpi.target.value)
    values = kpi.iter_values()
    if plain:
        values = iter([("baseline", kpi.baseline)] if kpi.baseline is not None else [])
    for where, m in values:
        if m.series is None:
            check_value(f"{path}.{where}.value", m.value)
        elif not isinstance(m.value, float):
            problems.append(
                Problem(f"{path}.{where}.value", f"expected a number, got {show(m.value)}")
            )
    if kpi.baseline is not None and kpi.baseline.series is not None:
        problems.append(Problem(f"{path}.baseline.series", "the baseline is the KPI's own series"))

    base = kpi.baseline
    if base is not None:
        if base.as_of > kpi.target.due:
            problems.append(
                Problem(
                    f"{path}.baseline.when",
                    f"baseline {base.as_of} is after the target deadline {kpi.target.due}",
                )
            )
        if (
            not staged
            and isinstance(base.value, float)
            and isinstance(kpi.target.value, float)
            and math.isclose(base.value, kpi.target.value, rel_tol=0, abs_tol=1e-12)
        ):
            problems.append(
                Problem(
                    f"{path}.target.value",
                    f"target equals the baseline ({base.value:g}); progress cannot be measured",
                )
            )

    if plain:
        return problems
    declared = {s.id for s in kpi.series}
    last_seen: dict[str | None, Measurement] = {}
    if base is not None:
        last_seen[None] = base
    for i, m in enumerate(kpi.measurements):
        where = f"{path}.measurements[{i}]"
        if m.series is not None and m.series not in declared:
            problems.append(Problem(f"{where}.series", f"unknown series {show(m.series)}"))
        prev = last_seen.get(m.series)
        if prev is not None:
            if m.as_of == prev.as_of:
                problems.append(
                    Problem(f"{where}.when", f"duplicate measurement for {m.as_of} in this series")
                )
            elif m.as_of < prev.as_of:
                problems.append(
                    Problem(
                        f"{where}.when",
                        f"out of order: {m.as_of} comes after {prev.as_of} in this series",
                    )
                )
        last_seen[m.series] = m
    return problems


_SERIES = attrgetter("series")
_VALUE = attrgetter("value")
_AS_OF = attrgetter("when.end")


def _plain_quantitative(kpi: KPI) -> bool:
    """Whether :func:`kpi_problems` finds nothing in a KPI, found for the usual one: a
    number without stages, whose target and baseline (of its own series) are floats,
    the baseline on or before the deadline and not equal to the target, and whose
    measurements are plain (:func:`_plain_own_series`). False for any other KPI (then
    each check is made as written below)."""
    if kpi.kind.value == "staged" or kpi.stages:
        return False
    target = kpi.target.value
    if type(target) is not float:
        return False
    base = kpi.baseline
    if base is not None and (
        base.series is not None
        or type(base.value) is not float
        or base.as_of > kpi.target.due
        or math.isclose(base.value, target, rel_tol=0, abs_tol=1e-12)
    ):
        return False
    return _plain_own_series(kpi, False, set())


def _plain_own_series(kpi: KPI, staged: bool, ladder: set[str]) -> bool:
    """Whether every measurement of a KPI is of its own series, with a value of its kind
    (a float, or a stage of its ladder), each after the one before (the baseline first):
    then :func:`kpi_problems` finds nothing in them. Checked by loops in C."""
    measurements = kpi.measurements
    if not measurements:
        return True
    if set(map(_SERIES, measurements)) != {None}:
        return False
    values = list(map(_VALUE, measurements))
    if staged:
        if not set(map(type, values)) <= {str} or not set(values) <= ladder:
            return False
    elif set(map(type, values)) != {float}:
        return False
    days = list(map(_AS_OF, measurements))
    if kpi.baseline is not None:
        days.insert(0, kpi.baseline.as_of)
    return all(map(operator.lt, days, islice(days, 1, None)))
