"""Plain plan data built into the model without cattrs, where nothing in it is wrong.

A plan file written the usual way (texts, numbers, lists of texts, date texts, tables of
the model's fields) is built here directly: each field checked for exactly the type the
converter (:mod:`maebashi_dx.io.convert`) takes without a word, and the entities built
by their own constructors, which run their own checks. Anything else (a value of another
type, a field of another name, a missing one, an entity its checks refuse) makes these
builders answer None, and the plan goes the converter's way, which names each problem.
So the result is the converter's, and so are the errors; only the bundled plan's start
(``maebashi-dx status``) and a large plan's reading are quicker, and import no cattrs.
"""

from __future__ import annotations

import enum
import functools
import math
import operator
import threading
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from itertools import accumulate, chain
from typing import Any

from maebashi_dx.dates import DateSpan, Precision, parse_date
from maebashi_dx.model import (
    KPI,
    Department,
    Direction,
    KPIKind,
    Measurement,
    Milestone,
    Pillar,
    Plan,
    PriorityProject,
    Target,
    Value,
    WorkingGroup,
)
from maebashi_dx.model.checks import EARLIEST, LATEST, show, texts_found_sound, texts_sound
from maebashi_dx.model.kpi import (
    Frequency,
    Series,
    Stage,
    built_kpi,
    checked_kpis,
    checked_measurement,
    checked_measurements,
    checked_target,
    checked_targets,
    shared_values,
)
from maebashi_dx.model.schedule import LifecycleStage, StageRecord

__all__ = ["MAX_DATE_TEXT", "plain_plan"]

#: The longest date text read (the longest official form is about 30 characters).
MAX_DATE_TEXT = 100


def _kind(data: object) -> str:
    """A value's kind in the words of a plan file."""
    if isinstance(data, bool):
        return "true/false"
    if isinstance(data, int):
        return "a whole number"
    if isinstance(data, float):
        return "a number"
    if isinstance(data, str):
        return "a text"
    if isinstance(data, Mapping):
        return "a table"
    if isinstance(data, list | tuple):
        return "a list"
    if isinstance(data, datetime):
        return "a date with a time"
    if isinstance(data, date):
        return "a date"
    if data is None:
        return "null"
    return type(data).__name__


def _wrong(expected: str, data: object) -> TypeError:
    return TypeError(f"expected {expected}, got {_kind(data)} {show(data)}")


def _parse_text(text: object, **context: int | None) -> DateSpan:
    if not isinstance(text, str):
        raise _wrong("a date text such as '2022-05-17' or 'R4.5'", text)
    if len(text) > MAX_DATE_TEXT:
        msg = f"a date text is at most {MAX_DATE_TEXT} characters, got {len(text):,}"
        raise ValueError(msg)
    return parse_date(text, **context)


@functools.lru_cache(maxsize=4096)
def _span_of(text: str) -> DateSpan | None:
    """The span a date text reads as without context, or None if it has a problem: a
    plan writes the same few dates on thousands of measurements, each parsed once
    (a DateSpan is a value: one object serves them all)."""
    try:
        return _parse_text(text)
    except (ValueError, TypeError):  # DateParseError is a ValueError
        return None


@functools.lru_cache(maxsize=4096)
def _supported_span(text: str) -> DateSpan | None:
    """:func:`_span_of` a date text, if the span is within EARLIEST..LATEST; else None
    (each distinct text looked at once)."""
    span = _span_of(text)
    if span is None or span.start < EARLIEST or span.end > LATEST:
        return None
    return span


def _plain_measurements(items: list[Any] | tuple[Any, ...]) -> tuple[Measurement, ...] | None:
    """A KPI's measurements written ``{when = "<date text>", value = <number>}`` each,
    built in bulk; None if any item is written otherwise or would be refused (then
    cattrs structures each item, and reports each problem at its index).

    The same measurements as structuring each item: the date text read by
    :func:`_structure_span` (each distinct text once), the number by
    :func:`_structure_value`, the rest left to their defaults.
    """
    if not items:
        return ()
    read = _dated_numbers(items, "when")
    if read is None:
        return None
    return tuple(checked_measurements(*read))


def _dated_numbers(items: list[Any] | tuple[Any, ...], key: str) -> _Dated | None:
    """The spans and numbers of tables ``{<key> = "<date text>", value = <number>}``
    (a measurement's ``when``, a target's ``deadline``): each date text read by
    :func:`_supported_span` (each distinct text once), each number a finite float of an
    int or a float; None if any table is written otherwise or either is refused."""
    if not items:
        return [], []
    if set(map(type, items)) != {dict} or set(map(len, items)) != {2}:
        return None
    try:  # two keys, both of them there: the table's keys are exactly these
        texts = list(map(operator.itemgetter(key), items))
        numbers = list(map(operator.itemgetter("value"), items))
    except KeyError:
        return None
    if set(map(type, texts)) != {str}:
        return None
    values = _bulk_numbers(numbers)
    if values is None:
        return None
    read = {text: _supported_span(text) for text in set(texts)}
    if not all(read.values()):  # a DateSpan is true, None false
        return None
    return list(map(read.__getitem__, texts)), values  # type: ignore[arg-type]


_Dated = tuple[list[DateSpan], list[float]]


_PLAIN_KEYS: dict[type, frozenset[str]] = {
    Measurement: frozenset(("when", "value")),
    Target: frozenset(("value", "deadline")),
}


def _plain_entity(cls: type, data: object) -> KPI | Measurement | Target | None:
    """A measurement ``{when = "<date text>", value = <number or stage>}`` or a target
    ``{value = ..., deadline = "<date text>"}`` built directly, as cattrs would build
    it (each field by its hook, each date text parsed once); None if it is written
    otherwise or would be refused (then cattrs builds it, and names each problem). A
    national plan has tens of thousands of them; a KPI, see :func:`_plain_kpi`."""
    if cls is KPI:
        return _plain_kpi(data)
    if type(data) is not dict or data.keys() != _PLAIN_KEYS[cls]:
        return None
    text = data["when"] if cls is Measurement else data["deadline"]
    span = _span_of(text) if type(text) is str else None
    if span is None or span.start < EARLIEST or span.end > LATEST:
        return None
    value = data["value"]
    if type(value) is int or type(value) is float:
        try:
            value = float(value)
        except OverflowError:
            return None
        if not math.isfinite(value):
            return None
    elif type(value) is not str:
        return None
    if cls is Measurement:
        return checked_measurement(span, value)
    return checked_target(value, span)


_KPI_TEXTS = frozenset(("id", "name", "name_en", "unit"))
_KPI_KEYS = _KPI_TEXTS | {"target", "baseline", "bounds", "measurements", "direction", "kind"}
_KPI_ENUMS: dict[str, type[enum.Enum]] = {"direction": Direction, "kind": KPIKind}
_KPI_NEEDS = frozenset(("id", "name", "target"))
_MEMBERS = {key: {m.value: m for m in cls} for key, cls in _KPI_ENUMS.items()}


def _plain_kpi(data: object) -> KPI | None:
    """A KPI of texts, a plainly written target and baseline, bounds, measurements and
    its direction and kind, built without cattrs' per-field machinery; None for any
    other field or anything cattrs would refuse or read otherwise, and for any KPI its
    own checks refuse (then cattrs builds it again and names each problem)."""
    if type(data) is not dict or not data.keys() <= _KPI_KEYS or "target" not in data:
        return None
    fields: dict[str, Any] = {}
    for key, value in data.items():
        if key in _KPI_TEXTS:
            if type(value) is not str:
                return None
        elif key in _KPI_ENUMS:
            if type(value) is not str:
                return None
            try:
                value = _KPI_ENUMS[key](value)
            except ValueError:
                return None
        elif key == "bounds":
            if value is not None:
                value = _plain_pair(value)
                if value is None:
                    return None
        elif key == "measurements":
            value = _plain_measurements(value) if type(value) is list else None
            if value is None:
                return None
        elif key == "baseline" and value is None:
            pass
        else:  # the target, or a baseline written as a table
            value = _plain_entity(Target if key == "target" else Measurement, value)
            if value is None:
                return None
        fields[key] = value
    if "id" not in fields or "name" not in fields:
        return None
    try:
        return built_kpi(fields)
    except Exception:  # cattrs builds it again and says what is wrong
        return None


def _plain_kpis(items: list[Any] | tuple[Any, ...]) -> tuple[KPI, ...] | None:
    """A plan's KPIs, those written as :func:`_plain_kpi` reads them built a field at a
    time across all of them, by loops in C (a national plan has tens of thousands); None
    if any item is written otherwise or would be refused, then each is read by
    :func:`_kpi` (and named in any problem).

    The same KPIs as :func:`_plain_kpi` builds one by one: the same fields read the same
    way (texts, the two enums, a target and a baseline written ``{value, deadline}`` and
    ``{when, value}`` with numbers, bounds, measurements), each given field converted
    and checked as ``KPI`` does, the rest left to their defaults, then each KPI's own
    checks (``__attrs_post_init__``).
    """
    count = len(items)
    if not count:
        return ()
    if set(map(type, items)) != {dict}:
        return None
    shapes = set(map(frozenset, map(dict.keys, items)))
    if len(shapes) != 1:
        return None
    (keys,) = shapes
    if not keys <= _KPI_KEYS or not keys >= _KPI_NEEDS:
        return None
    fields: dict[str, Sequence[Any]] = {}
    for key in keys:
        column = list(map(operator.itemgetter(key), items))
        made: list[Any] | None = column
        if key in _KPI_TEXTS:
            if set(map(type, column)) != {str}:
                return None
        elif key in _KPI_ENUMS:
            members = _MEMBERS[key]
            if set(map(type, column)) != {str} or not members.keys() >= set(column):
                return None
            made = list(map(members.__getitem__, column))
        elif key == "target":
            made = _bulk_targets(column)
        elif key == "baseline":
            made = _bulk_baselines(column)
        elif key == "bounds":
            made = _bulk_bounds(column)
        else:  # measurements
            made = _bulk_measurements(column)
        if made is None:
            return None
        fields[key] = made
    if "" in set(fields["id"]):
        return None  # KPI's id validator refuses it (and the converter names it)
    try:
        built = tuple(checked_kpis(fields, count))
    except Exception:  # a KPI its own checks refuse: each is read again, and named
        return None
    found: list[tuple[KPI, ...]] | None = getattr(_READING, "sound", None)
    if found is not None:
        # The KPIs' texts are these (the rest are numbers, dates, enums and defaults).
        names = set(
            chain.from_iterable(fields[k] for k in ("name", "name_en", "unit") if k in fields)
        )
        if texts_sound(set(fields["id"]), is_id=True) and texts_sound(names, is_id=False):
            found.append(built)
    return built


# ``_READING.sound``: the KPI tuples of the plan being read (in this thread) whose texts
# are sound; None outside plain_plan.
_READING = threading.local()


def _bulk_targets(column: list[Any]) -> list[Any] | None:
    """Targets written ``{value = <number>, deadline = "<date text>"}``, as
    :func:`_plain_entity` reads each, built in bulk; None if any is written otherwise."""
    read = _dated_numbers(column, "deadline")
    return None if read is None else checked_targets(read[1], read[0])


def _bulk_baselines(column: list[Any]) -> list[Any] | None:
    """Baselines: None, or measurements written ``{when = "<date text>", value =
    <number>}``, as :func:`_plain_entity` reads each, built in bulk; else None."""
    given = [i for i, item in enumerate(column) if item is not None]
    read = _dated_numbers([column[i] for i in given], "when")
    if read is None:
        return None
    built = checked_measurements(read[0], shared_values(read[1]))
    if len(given) == len(column):
        return built
    out: list[Any] = [None] * len(column)
    for i, baseline in zip(given, built, strict=True):
        out[i] = baseline
    return out


def _bulk_numbers(numbers: list[Any]) -> list[float] | None:
    """Finite floats of ints and floats, as :func:`_number` reads each; else None."""
    if not set(map(type, numbers)) <= {float, int}:
        return None
    try:
        values = list(map(float, numbers))  # an int too large for a float: OverflowError
    except OverflowError:
        return None
    if not all(map(math.isfinite, values)):
        return None
    return values


def _bulk_bounds(column: list[Any]) -> list[Any] | None:
    """Bounds as :func:`_plain_pair` reads each (None, or two finite numbers) and
    ``KPI`` stores and checks them (two floats, the lower below the upper); else None."""
    if set(map(type, column)) != {list} or set(map(len, column)) != {2}:
        return None
    lows = _bulk_numbers(list(map(operator.itemgetter(0), column)))
    highs = _bulk_numbers(list(map(operator.itemgetter(1), column)))
    if lows is None or highs is None or not all(map(operator.lt, lows, highs)):
        return None
    return list(zip(lows, highs, strict=True))


def _bulk_measurements(column: list[Any]) -> list[Any] | None:
    """Each KPI's measurements as :func:`_plain_measurements` reads them, all KPIs'
    items read together and then cut into each KPI's tuple; else None."""
    if set(map(type, column)) != {list}:
        return None
    made = _plain_measurements(list(chain.from_iterable(column)))
    if made is None:
        return None
    ends = list(accumulate(map(len, column)))
    return list(map(made.__getitem__, map(slice, [0, *ends[:-1]], ends)))


def _plain_pair(value: object) -> tuple[float, float] | None:
    """Two finite numbers, as floats, as cattrs reads a pair; else None."""
    if type(value) is not list or len(value) != 2:
        return None
    numbers = []
    for number in value:
        if type(number) is not int and type(number) is not float:
            return None
        try:
            number = float(number)
        except OverflowError:
            return None
        if not math.isfinite(number):
            return None
        numbers.append(number)
    return numbers[0], numbers[1]


class _RefusedError(Exception):
    """A value the plain builders leave to the converter (never seen outside)."""


_REFUSED = _RefusedError()
_Read = Callable[[object], Any]


def _text(value: object) -> str:
    if type(value) is not str:
        raise _REFUSED
    return value


def _texts(value: object) -> tuple[str, ...]:
    if (type(value) is not list and type(value) is not tuple) or not all(
        type(x) is str for x in value
    ):
        raise _REFUSED
    return tuple(value)


def _number(value: object) -> float:
    """A finite float from an int or a float, as the converter's float hook reads it."""
    if type(value) is not int and type(value) is not float:
        raise _REFUSED
    try:
        number = float(value)
    except OverflowError:
        raise _REFUSED from None
    if not math.isfinite(number):
        raise _REFUSED
    return number


def _whole(value: object) -> int:
    if type(value) is not int:
        raise _REFUSED
    return value


def _truth(value: object) -> bool:
    if type(value) is not bool:
        raise _REFUSED
    return value


def _value(value: object) -> Value:
    return value if type(value) is str else _number(value)


def _span(value: object) -> DateSpan:
    """A date text, a bare date, or a table ``{text, year, fiscal_year}``."""
    if type(value) is str:
        span = _span_of(value)
    elif type(value) is date:
        return DateSpan.day(value)
    elif type(value) is dict and "text" in value and value.keys() <= _DATE_TABLE:
        context = {k: value.get(k) for k in ("year", "fiscal_year")}
        if type(value["text"]) is not str or not all(
            x is None or type(x) is int for x in context.values()
        ):
            raise _REFUSED
        try:
            span = _parse_text(
                value["text"],
                context_year=context["year"],
                context_fiscal_year=context["fiscal_year"],
            )
        except (ValueError, TypeError):
            span = None
    else:
        span = None
    if span is None:
        raise _REFUSED
    return span


_DATE_TABLE = frozenset(("text", "year", "fiscal_year"))


def _day(value: object) -> date:
    if type(value) is date:
        return value
    span = _span_of(value) if type(value) is str else None
    if span is None or span.precision is not Precision.DAY or span.start != span.end:
        raise _REFUSED
    return span.start


def _pair(value: object) -> tuple[float, float]:
    pair = _plain_pair(value)
    if pair is None:
        raise _REFUSED
    return pair


def _effort(value: object) -> dict[str, float]:
    if type(value) is not dict or not all(type(k) is str for k in value):
        raise _REFUSED
    return {k: _number(v) for k, v in value.items()}


def _optional(read: _Read) -> _Read:
    return lambda value: None if value is None else read(value)


def _choice(cls: type[enum.Enum]) -> _Read:
    members = {m.value: m for m in cls}

    def read(value: object) -> enum.Enum:
        if type(value) is not str or value not in members:
            raise _REFUSED
        return members[value]

    return read


def _many(read: _Read) -> _Read:
    def many(value: object) -> tuple[Any, ...]:
        if type(value) is not list and type(value) is not tuple:
            raise _REFUSED
        return tuple(map(read, value))

    return many


def _measurements(value: object) -> tuple[Measurement, ...]:
    if type(value) is list or type(value) is tuple:
        made = _plain_measurements(value)
        if made is not None:
            return made
    return _many(_entity(Measurement))(value)  # type: ignore[no-any-return]


def _entity(cls: type) -> _Read:
    """The reader of an entity written as a table of its fields (each read by its
    reader in :data:`_FIELDS`), built by its constructor; a table with a field it does
    not take, without a field it needs, or that its checks refuse, is refused."""

    def read(value: object) -> Any:
        fields, required = _FIELDS[cls]
        if type(value) is not dict or not value.keys() <= fields.keys():
            raise _REFUSED
        if not value.keys() >= required:
            raise _REFUSED
        made = {key: fields[key](item) for key, item in value.items()}
        try:
            if cls is KPI:
                return built_kpi(made)
            kpis = made.get("kpis") if cls is Plan else None
            if any(kpis is sound for sound in getattr(_READING, "sound", None) or ()):
                with texts_found_sound(kpis):  # type: ignore[arg-type]
                    return cls(**made)
            return cls(**made)
        except Exception:  # the converter builds it again and says what is wrong
            raise _REFUSED from None

    return read


def _kpi(value: object) -> KPI:
    made = _plain_kpi(value)
    return _entity(KPI)(value) if made is None else made


def _kpis(value: object) -> tuple[KPI, ...]:
    if type(value) is list or type(value) is tuple:
        made = _plain_kpis(value)
        if made is not None:
            return made
    return _many(_kpi)(value)  # type: ignore[no-any-return]


_text_or_none = _optional(_text)
_number_or_none = _optional(_number)

#: Each entity's fields as the converter reads them plainly, and the fields it needs.
_FIELDS: dict[type, tuple[dict[str, _Read], frozenset[str]]] = {
    Measurement: (
        {
            "when": _span,
            "value": _value,
            "series": _text_or_none,
            "approximate": _truth,
            "numerator": _number_or_none,
            "denominator": _number_or_none,
            "source": _text_or_none,
            "note": _text_or_none,
            "label": _text_or_none,
        },
        frozenset(("when", "value")),
    ),
    Target: (
        {"value": _value, "deadline": _span, "label": _text_or_none, "label_en": _text_or_none},
        frozenset(("value", "deadline")),
    ),
    Stage: (
        {"id": _text, "label": _text, "label_en": _text, "tangible": _truth},
        frozenset(("id", "label")),
    ),
    Series: ({"id": _text, "label": _text, "label_en": _text}, frozenset(("id", "label"))),
    KPI: (
        {
            "id": _text,
            "name": _text,
            "name_en": _text,
            "unit": _text,
            "direction": _choice(Direction),
            "kind": _choice(KPIKind),
            "baseline": _optional(_entity(Measurement)),
            "target": _entity(Target),
            "measurements": _measurements,
            "stages": _many(_entity(Stage)),
            "series": _many(_entity(Series)),
            "value_label": _text_or_none,
            "value_label_en": _text_or_none,
            "bounds": _optional(_pair),
            "weight": _number,
            "update_frequency": _optional(_choice(Frequency)),
            "decimals": _optional(_whole),
        },
        frozenset(("id", "name", "target")),
    ),
    PriorityProject: (
        {
            "id": _text,
            "name": _text,
            "name_en": _text,
            "number": _optional(_whole),
            "initiatives": _texts,
            "kpi_ids": _texts,
            "weight": _number,
        },
        frozenset(("id", "name")),
    ),
    Pillar: (
        {
            "id": _text,
            "name": _text,
            "name_en": _text,
            "projects": _many(_entity(PriorityProject)),
        },
        frozenset(("id", "name")),
    ),
    StageRecord: (
        {"stage": _choice(LifecycleStage), "when": _optional(_span), "note": _text_or_none},
        frozenset(("stage",)),
    ),
    WorkingGroup: (
        {
            "id": _text,
            "name": _text,
            "name_en": _text,
            "project_ids": _texts,
            "aim": _text,
            "aim_en": _text,
            "members": _texts,
            "stage": _optional(_choice(LifecycleStage)),
            "history": _many(_entity(StageRecord)),
            "note": _text_or_none,
        },
        frozenset(("id", "name")),
    ),
    Department: ({"id": _text, "name": _text, "name_en": _text}, frozenset(("id", "name"))),
    Milestone: (
        {
            "id": _text,
            "title": _text,
            "title_en": _text,
            "when": _span,
            "owner": _text_or_none,
            "depends_on": _texts,
            "kpi_ids": _texts,
            "resources": _texts,
            "effort": _effort,
            "note": _text_or_none,
        },
        frozenset(("id", "title", "when")),
    ),
    Plan: (
        {
            "id": _text,
            "name": _text,
            "name_en": _text,
            "city": _text,
            "period": _span,
            "report_date": _optional(_day),
            "pillars": _many(_entity(Pillar)),
            "kpis": _kpis,
            "working_groups": _many(_entity(WorkingGroup)),
            "departments": _many(_entity(Department)),
            "milestones": _many(_entity(Milestone)),
            "mission": _text_or_none,
            "vision": _text_or_none,
            "values": _texts,
        },
        frozenset(("id", "name", "period")),
    ),
}


def plain_plan(data: Mapping[str, Any]) -> Plan | None:
    """The plan the converter builds from ``data``, built without it; None when any part
    is written otherwise than plainly, or is refused (then the converter builds it, and
    names each problem).

    >>> plain_plan({"id": "p", "name": "計画", "period": "R3.4～R8.3"}).period.text
    'R3.4～R8.3'
    >>> plain_plan({"id": "p", "name": "計画", "period": "R3.4～R8.3", "kpis": "k"}) is None
    True
    """
    before = getattr(_READING, "sound", None)
    _READING.sound = []
    try:
        plan: Plan = _entity(Plan)(data)
    except _RefusedError:
        return None
    finally:
        _READING.sound = before
    return plan
