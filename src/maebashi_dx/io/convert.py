"""The library's one cattrs converter: plain data (dicts, lists, strings) <-> the model.

Dates may be written the Japanese way ("R4.5", "令和7年度末") or as ISO dates. A
:class:`~maebashi_dx.dates.DateSpan` is written back as the text it was read from when
that text reads back to the same span, so a plan file keeps the officials' wording; when
the text needs a year from context ("5/17～"), it is written as a table
``{text = "5/17～", year = 2022}``.

Every structuring problem is collected (cattrs' detailed validation) and raised as one
:class:`~maebashi_dx.errors.PlanError` listing each problem with its ``$.path``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date
from typing import Any, TypeVar

import attrs
import cattrs
from cattrs.errors import ClassValidationError, ForbiddenExtraKeysError, IterableValidationError

from maebashi_dx.dates import DateSpan, Precision, format_span, parse_date
from maebashi_dx.errors import DateParseError, PlanError, Problem
from maebashi_dx.model import Plan, Value
from maebashi_dx.model.plan import reference_problems

__all__ = ["converter", "plan_from_dict", "plan_to_dict", "structure", "unstructure"]


def _structure_span(data: object, _type: object) -> DateSpan:
    if isinstance(data, DateSpan):
        return data
    if isinstance(data, date):  # TOML and YAML read bare dates as date objects
        return DateSpan.day(data)
    if isinstance(data, str):
        return parse_date(data)
    if isinstance(data, Mapping):
        if "text" in data:
            extra = set(data) - {"text", "year", "fiscal_year"}
            if extra:
                msg = f"unexpected keys {sorted(extra)} in a date table"
                raise ValueError(msg)
            return parse_date(
                str(data["text"]),
                context_year=_int_or_none(data.get("year")),
                context_fiscal_year=_int_or_none(data.get("fiscal_year")),
            )
        if "start" in data and "end" in data:
            return DateSpan(
                start=_structure_date(data["start"], date),
                end=_structure_date(data["end"], date),
                precision=Precision(data.get("precision", "day")),
                approximate=bool(data.get("approximate", False)),
            )
    msg = f"expected a date text such as '2022-05-17' or 'R4.5', got {data!r}"
    raise ValueError(msg)


def _int_or_none(value: object) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        msg = f"year must be a whole number, got {value!r}"
        raise ValueError(msg)
    return value


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
    if isinstance(data, date):
        return data
    if isinstance(data, str):
        span = parse_date(data)
        if span.precision is not Precision.DAY or span.start != span.end:
            msg = f"expected a single day, got {data!r} ({span.precision.value})"
            raise ValueError(msg)
        return span.start
    msg = f"expected a date, got {data!r}"
    raise ValueError(msg)


def _structure_value(data: object, _type: object) -> Value:
    if isinstance(data, bool):
        msg = f"expected a number or a stage name, got {data!r}"
        raise ValueError(msg)
    if isinstance(data, int | float):
        value = float(data)
        if not math.isfinite(value):
            msg = f"expected a finite number, got {data!r}"
            raise ValueError(msg)
        return value
    if isinstance(data, str):
        return data
    msg = f"expected a number or a stage name, got {data!r}"
    raise ValueError(msg)


def _structure_float(data: object, _type: object) -> float:
    if isinstance(data, bool) or not isinstance(data, int | float):
        msg = f"expected a number, got {data!r}"
        raise ValueError(msg)
    value = float(data)
    if not math.isfinite(value):
        msg = f"expected a finite number, got {data!r}"
        raise ValueError(msg)
    return value


def _structure_str(data: object, _type: object) -> str:
    if not isinstance(data, str):
        msg = f"expected text, got {data!r}"
        raise ValueError(msg)
    return data


def _make_converter() -> cattrs.Converter:
    conv = cattrs.Converter(
        omit_if_default=True,
        forbid_extra_keys=True,
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
    conv.register_structure_hook(str, _structure_str)
    return conv


#: The one converter of the library (never cattrs' global one).
converter = _make_converter()


_T = TypeVar("_T")


def structure(data: object, cls: type[_T]) -> _T:
    """Structure plain data into ``cls``, raising one PlanError listing every problem."""
    try:
        return converter.structure(data, cls)
    except (ClassValidationError, IterableValidationError) as exc:
        raise PlanError(_problems(exc)) from None
    except PlanError:
        raise
    except (ValueError, TypeError, KeyError) as exc:
        raise PlanError([Problem("$", _describe(exc))]) from None


def unstructure(obj: object) -> Any:
    """Plain data (dicts, lists, strings, numbers) for a model object."""
    return converter.unstructure(obj)


def plan_from_dict(data: Mapping[str, Any]) -> Plan:
    """Build a :class:`Plan` from plain data, as read from a plan file.

    Raises:
        PlanError: Every problem at once, each with its ``$.path``. When some part cannot
            be built, the plan's references are still checked on the plain data, so
            that every mistake is reported in one go.
    """
    try:
        return structure(data, Plan)
    except PlanError as exc:
        seen = {(p.path, p.message) for p in exc.problems}
        extra = [p for p in reference_problems(data) if (p.path, p.message) not in seen]
        if not extra:
            raise
        raise PlanError([*exc.problems, *extra]) from None


def plan_to_dict(plan: Plan) -> dict[str, Any]:
    """The plain-data form of a plan; :func:`plan_from_dict` reads it back equal."""
    data: dict[str, Any] = unstructure(plan)
    return data


def _problems(exc: BaseException, path: str = "$") -> list[Problem]:
    """Flatten cattrs' tree of errors into problems with JSONPath-like paths.

    A :class:`PlanError` raised by an entity's own checks (a KPI, the plan) carries
    paths relative to that entity; they are re-rooted at the entity's place.
    """
    if isinstance(exc, ClassValidationError):
        with_notes, without = exc.group_exceptions()
        out = [p for e, note in with_notes for p in _problems(e, f"{path}.{note.name}")]
        return out + [p for e in without for p in _problems(e, path)]
    if isinstance(exc, IterableValidationError):
        with_index, rest = exc.group_exceptions()
        out = [p for e, note in with_index for p in _problems(e, f"{path}[{note.index!r}]")]
        return out + [p for e in rest for p in _problems(e, path)]
    if isinstance(exc, BaseExceptionGroup):
        return [p for e in exc.exceptions for p in _problems(e, path)]
    if isinstance(exc, PlanError):
        return [attrs.evolve(p, path=path + p.path.removeprefix("$")) for p in exc.problems]
    if isinstance(exc, ForbiddenExtraKeysError):
        return [Problem(path, f"unknown field(s) {', '.join(sorted(exc.extra_fields))}")]
    if isinstance(exc, KeyError):
        return [Problem(path, "required field missing")]
    return [Problem(path, _describe(exc))]


def _describe(exc: BaseException) -> str:
    if isinstance(exc, DateParseError):
        return str(exc)
    if isinstance(exc, TypeError | ValueError) and exc.args:
        return str(exc.args[0])
    return f"{type(exc).__name__}: {exc}"
