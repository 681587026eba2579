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
import math
import re
from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any, TypeVar, get_args, get_origin

import attrs
import cattrs
from cattrs.errors import ClassValidationError, ForbiddenExtraKeysError, IterableValidationError

from maebashi_dx.dates import DateSpan, Precision, format_span, parse_date
from maebashi_dx.errors import DateParseError, PlanError, Problem
from maebashi_dx.io.plain import (
    _PLAIN_KEYS,
    _parse_text,
    _plain_entity,
    _plain_measurements,
    _span_of,
    _wrong,
    plain_plan,
)
from maebashi_dx.model import KPI, Measurement, Plan, Value
from maebashi_dx.model.checks import show
from maebashi_dx.model.plan import reference_problems

_plain_plan = plain_plan  # the plain builder, first (a test turns it off)

__all__ = ["converter", "plan_from_dict", "plan_to_dict", "structure", "unstructure"]


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
    made = _plain_plan(data)
    if made is not None:
        return made
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
