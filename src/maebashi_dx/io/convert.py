"""The library's one cattrs converter: plain data (dicts, lists, strings) <-> the model.

Dates may be written the Japanese way ("R4.5", "令和7年度末") or as ISO dates. A
:class:`~maebashi_dx.dates.DateSpan` is written back as the text it was read from when
that text reads back to the same span, so a plan file keeps the officials' wording; when
the text needs a year from context ("5/17～"), it is written as a table
``{text = "5/17～", year = 2022}``.

Types are strict: a value of the wrong type is an error, never coerced. The only
conversions are the documented ones: a date text or date table to a ``DateSpan``, a
bare TOML/YAML date to a one-day span, and a whole number to a float. So ``"false"`` is
not a bool, ``1`` is not ``true``, ``1.5`` is not a whole number, ``true`` is not a
number, ``5`` is not a text and ``"kpi1"`` is not a list of ids.

Every structuring problem is collected (cattrs' detailed validation) and raised as one
:class:`~maebashi_dx.errors.PlanError` listing each problem with its ``$.path``; an
unknown field does not hide the other problems of its entity (see
:func:`plan_from_dict`). Offending values are quoted shortened (:func:`show`), so a
message never grows with the input.
"""

from __future__ import annotations

import enum
import functools
import math
import operator
import re
from collections.abc import Callable, Mapping
from datetime import date, datetime
from itertools import repeat
from typing import Any, TypeVar, get_args, get_origin

import attrs
import cattrs
from cattrs.errors import ClassValidationError, ForbiddenExtraKeysError, IterableValidationError

from maebashi_dx.dates import DateSpan, Precision, format_span, parse_date
from maebashi_dx.errors import DateParseError, PlanError, Problem
from maebashi_dx.model import KPI, Direction, KPIKind, Measurement, Plan, Target, Value
from maebashi_dx.model.checks import EARLIEST, LATEST, show
from maebashi_dx.model.kpi import (
    built_kpi,
    checked_measurement,
    checked_measurements,
    checked_target,
)
from maebashi_dx.model.plan import reference_problems

__all__ = ["converter", "plan_from_dict", "plan_to_dict", "structure", "unstructure"]

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


def _structure_span(data: object, _type: object) -> DateSpan:
    if isinstance(data, DateSpan):
        return data
    if type(data) is str:
        span = _span_of(data)
        if span is not None:
            return span
    if isinstance(data, datetime):  # TOML and YAML read "2022-05-17T10:00" as a datetime
        msg = f"expected a date, got a date with a time {show(data)}; write the day only"
        raise TypeError(msg)
    if isinstance(data, date):  # TOML and YAML read bare dates as date objects
        return DateSpan.day(data)
    if isinstance(data, str):
        return _parse_text(data)
    if isinstance(data, Mapping):
        if "text" in data:
            extra = set(data) - {"text", "year", "fiscal_year"}
            if extra:
                msg = f"unexpected keys {show(sorted(map(str, extra)))} in a date table"
                raise ValueError(msg)
            return _parse_text(
                data["text"],
                context_year=_int_or_none(data.get("year")),
                context_fiscal_year=_int_or_none(data.get("fiscal_year")),
            )
        if "start" in data and "end" in data:
            extra = set(data) - {"start", "end", "precision", "approximate"}
            if extra:
                msg = f"unexpected keys {show(sorted(map(str, extra)))} in a date table"
                raise ValueError(msg)
            try:
                return DateSpan(
                    start=_structure_date(data["start"], date),
                    end=_structure_date(data["end"], date),
                    precision=_structure_enum(data.get("precision", "day"), Precision),
                    approximate=_structure_bool(data.get("approximate", False), bool),
                )
            except (ValueError, TypeError) as exc:  # the span's own checks (alignment)
                raise ValueError(f"not a date span: {exc}") from None
    raise _wrong("a date text such as '2022-05-17' or 'R4.5'", data)


def _int_or_none(value: object) -> int | None:
    if value is None:
        return None
    return _structure_int(value, int)


def _unstructure_span(span: DateSpan) -> str | dict[str, object]:
    text = span.text
    if text:
        try:
            if parse_date(text) == span:
                return text
        except DateParseError:
            year = span.start.year
            try:
                if parse_date(text, context_year=year) == span:
                    return {"text": text, "year": year}
            except DateParseError:
                pass
    return format_span(span)


def _structure_date(data: object, _type: object) -> date:
    if isinstance(data, datetime):
        msg = f"expected a date, got a date with a time {show(data)}; write the day only"
        raise TypeError(msg)
    if isinstance(data, date):
        return data
    if isinstance(data, str):
        span = _parse_text(data)
        if span.precision is not Precision.DAY or span.start != span.end:
            msg = f"expected a single day, got {show(data)} ({span.precision.value})"
            raise ValueError(msg)
        return span.start
    raise _wrong("a date", data)


def _finite(data: int | float) -> float:
    """An int or float as a finite float (an int too large for a float is an error)."""
    try:
        value = float(data)
    except OverflowError:
        # Counted from the bits: str() of an int over 4,300 digits is itself an error.
        digits = int(abs(int(data)).bit_length() * math.log10(2)) + 1
        msg = f"expected a finite number, got a whole number of about {digits:,} digits"
        raise ValueError(msg) from None
    if not math.isfinite(value):
        msg = f"expected a finite number, got {show(data)}"
        raise ValueError(msg)
    return value


def _structure_value(data: object, _type: object) -> Value:
    if isinstance(data, bool):
        raise _wrong("a number or a stage name", data)
    if isinstance(data, int | float):
        return _finite(data)
    if isinstance(data, str):
        return data
    raise _wrong("a number or a stage name", data)


def _structure_float(data: object, _type: object) -> float:
    if isinstance(data, bool) or not isinstance(data, int | float):
        raise _wrong("a number", data)
    return _finite(data)


def _structure_int(data: object, _type: object) -> int:
    if isinstance(data, bool) or not isinstance(data, int):
        raise _wrong("a whole number", data)
    return data


def _structure_bool(data: object, _type: object) -> bool:
    if not isinstance(data, bool):
        raise _wrong("true or false", data)
    return data


def _structure_str(data: object, _type: object) -> str:
    if not isinstance(data, str):
        raise _wrong("a text", data)
    return data


_E = TypeVar("_E", bound=enum.Enum)


def _structure_enum(data: object, cls: type[_E]) -> _E:
    options = ", ".join(str(e.value) for e in cls)
    if not isinstance(data, str):
        raise _wrong(f"one of {options}", data)
    for member in cls:
        if member.value == data:
            return member
    msg = f"expected one of {options}, got {show(data)}"
    raise ValueError(msg)


def _is_tuple(cls: object) -> bool:
    return get_origin(cls) is tuple


def _tuple_hook(conv: cattrs.Converter) -> Callable[[Any], Callable[[object, Any], Any]]:
    def factory(cls: Any) -> Callable[[object, Any], Any]:
        args = get_args(cls)
        fixed = None if len(args) == 2 and args[1] is Ellipsis else len(args)
        measurements = args == (Measurement, Ellipsis)

        def hook(data: object, tup: Any) -> Any:
            if not isinstance(data, list | tuple):
                raise _wrong("a list", data)
            if fixed is not None and len(data) != fixed:
                msg = f"expected a list of {fixed} values, got {len(data):,}"
                raise ValueError(msg)
            if measurements:
                made = _plain_measurements(data)
                if made is not None:
                    return made
            return conv._structure_tuple(data, tup)

        return hook

    return factory


_WHEN_VALUE = frozenset(("when", "value"))


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
    if set(map(type, items)) != {dict} or not all(
        map(operator.eq, map(dict.keys, items), repeat(_WHEN_VALUE))
    ):
        return None
    texts = list(map(operator.itemgetter("when"), items))
    numbers = list(map(operator.itemgetter("value"), items))
    if set(map(type, texts)) != {str} or not set(map(type, numbers)) <= {float, int}:
        return None
    whens = list(map(_supported_span, texts))
    if type(None) in set(map(type, whens)):
        return None
    try:
        values = list(map(float, numbers))  # an int too large for a float: OverflowError
    except OverflowError:
        return None
    if not all(map(math.isfinite, values)):
        return None
    return tuple(checked_measurements(whens, values))  # type: ignore[arg-type]


def _is_dict(cls: object) -> bool:
    return get_origin(cls) is dict


def _table_hook(
    make: Callable[[Any], Callable[[Any, Any], Any]],
) -> Callable[[Any], Callable[[object, Any], Any]]:
    """A mapping (``effort``) or an entity (a KPI, a target...) is written as a table;
    anything else is an error. ``make`` is cattrs' own hook generator for the type."""

    def factory(cls: Any) -> Callable[[object, Any], Any]:
        inner = make(cls)

        def hook(data: object, typ: Any) -> Any:
            if not isinstance(data, Mapping):
                raise _wrong("a table", data)
            return inner(data, typ)

        return hook

    return factory


def _make_converter(*, forbid_extra_keys: bool = True) -> cattrs.Converter:
    conv = cattrs.Converter(
        omit_if_default=True,
        forbid_extra_keys=forbid_extra_keys,
        detailed_validation=True,
        # YAML's safe dumper and TOML writers know lists, not tuples.
        unstruct_collection_overrides={tuple: list},
    )
    conv.register_structure_hook(DateSpan, _structure_span)
    conv.register_unstructure_hook(DateSpan, _unstructure_span)
    conv.register_structure_hook(date, _structure_date)
    conv.register_unstructure_hook(date, date.isoformat)
    conv.register_structure_hook(Value, _structure_value)
    conv.register_structure_hook(float, _structure_float)
    conv.register_structure_hook(int, _structure_int)
    conv.register_structure_hook(bool, _structure_bool)
    conv.register_structure_hook(str, _structure_str)
    conv.register_structure_hook_func(
        lambda cls: isinstance(cls, type) and issubclass(cls, enum.Enum), _structure_enum
    )
    conv.register_structure_hook_factory(_is_tuple, _tuple_hook(conv))
    conv.register_structure_hook_factory(_is_dict, _table_hook(conv.gen_structure_mapping))
    conv.register_structure_hook_factory(
        lambda cls: attrs.has(cls) and cls is not DateSpan,
        _entity_hook(_table_hook(conv.gen_structure_attrs_fromdict)),
    )
    return conv


def _entity_hook(
    make: Callable[[Any], Callable[[object, Any], Any]],
) -> Callable[[Any], Callable[[object, Any], Any]]:
    """An entity's hook: :func:`_plain_entity` where it applies, else ``make``'s."""

    def factory(cls: Any) -> Callable[[object, Any], Any]:
        full = make(cls)
        if cls not in _PLAIN_KEYS and cls is not KPI:
            return full

        def hook(data: object, typ: Any) -> Any:
            made = _plain_entity(cls, data)
            return full(data, typ) if made is None else made

        return hook

    return factory


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


#: The one converter of the library (never cattrs' global one).
converter = _make_converter()

# The same rules without the check for unknown fields: used only to find the problems
# an unknown field would hide (an entity with an unknown field is not built further).
_lenient = _make_converter(forbid_extra_keys=False)


_T = TypeVar("_T")


def structure(data: object, cls: type[_T], *, strict: bool = True) -> _T:
    """Structure plain data into ``cls``, raising one PlanError listing every problem.

    ``strict=False`` ignores unknown fields (to find the problems they would hide).
    """
    conv = converter if strict else _lenient
    try:
        return conv.structure(data, cls)
    except (ClassValidationError, IterableValidationError) as exc:
        raise PlanError(_problems(exc)) from None
    except PlanError:
        raise
    except (ValueError, TypeError, KeyError, ArithmeticError) as exc:
        raise PlanError([Problem("$", _describe(exc))]) from None


def unstructure(obj: object) -> Any:
    """Plain data (dicts, lists, strings, numbers) for a model object."""
    return converter.unstructure(obj)


def plan_from_dict(data: Mapping[str, Any]) -> Plan:
    """Build a :class:`Plan` from plain data, as read from a plan file.

    Raises:
        PlanError: Every problem at once, each with its ``$.path``. When some part cannot
            be built, the plan's references are still checked on the plain data; when an
            entity has an unknown field, it is also built without that field, so that
            its other mistakes are listed too. Every mistake is reported in one go.
    """
    try:
        return structure(data, Plan)
    except PlanError as exc:
        problems = list(exc.problems)
        if any(p.message.startswith(_UNKNOWN) for p in problems):
            try:
                structure(data, Plan, strict=False)
            except PlanError as hidden:
                problems += hidden.problems
        problems += reference_problems(data)
        unique = list(dict.fromkeys(problems))
        if len(unique) == len(exc.problems):
            raise
        raise PlanError(unique) from None


def plan_to_dict(plan: Plan) -> dict[str, Any]:
    """The plain-data form of a plan; :func:`plan_from_dict` reads it back equal."""
    data: dict[str, Any] = unstructure(plan)
    return data


_UNKNOWN = "unknown field"


def _problems(exc: BaseException, path: str = "$") -> list[Problem]:
    """Flatten cattrs' tree of errors into problems with JSONPath-like paths.

    A :class:`PlanError` raised by an entity's own checks (a KPI, the plan) carries
    paths relative to that entity; they are re-rooted at the entity's place.
    """
    if isinstance(exc, ClassValidationError):
        with_notes, without = exc.group_exceptions()
        out = [p for e, note in with_notes for p in _problems(e, f"{path}.{note.name}")]
        return out + [p for e in without for p in _problems(e, _field_path(e, exc.cl, path))]
    if isinstance(exc, IterableValidationError):
        with_index, rest = exc.group_exceptions()
        out = [p for e, note in with_index for p in _problems(e, f"{path}[{show(note.index)}]")]
        return out + [p for e in rest for p in _problems(e, path)]
    if isinstance(exc, BaseExceptionGroup):
        return [p for e in exc.exceptions for p in _problems(e, path)]
    if isinstance(exc, PlanError):
        return [attrs.evolve(p, path=path + p.path.removeprefix("$")) for p in exc.problems]
    if isinstance(exc, ForbiddenExtraKeysError):
        names = sorted(map(str, exc.extra_fields))
        listed = ", ".join(show(n, 40) for n in names[:10])
        more = f" and {len(names) - 10:,} more" if len(names) > 10 else ""
        return [Problem(path, f"{_UNKNOWN}(s) {listed}{more}")]
    if isinstance(exc, KeyError):
        return [Problem(path, "required field missing")]
    return [Problem(path, _describe(exc))]


_FIELD = re.compile(r"'?([a-z_]+)\b")


def _field_path(exc: BaseException, cls: type, path: str) -> str:
    """The path of the field an attrs validator's message begins with, if any.

    A validator's error (``'weight' must be >= 0``, ``bounds must be ...``) is raised
    while the entity is built, outside cattrs' per-field notes; its first word names
    the field.
    """
    if not (isinstance(exc, TypeError | ValueError) and exc.args and attrs.has(cls)):
        return path
    m = _FIELD.match(str(exc.args[0]))
    if m and m[1] in attrs.fields_dict(cls):
        return f"{path}.{m[1]}"
    return path


def _describe(exc: BaseException) -> str:
    if isinstance(exc, DateParseError):
        return str(exc)
    if isinstance(exc, TypeError | ValueError) and exc.args:
        return str(exc.args[0])[:500]
    return f"{type(exc).__name__}: {str(exc)[:500]}"


_KPI_TEXTS = frozenset(("id", "name", "name_en", "unit"))
_KPI_KEYS = _KPI_TEXTS | {"target", "baseline", "bounds", "measurements", "direction", "kind"}
_KPI_ENUMS: dict[str, type[enum.Enum]] = {"direction": Direction, "kind": KPIKind}


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
