"""Every model entity's repr, == and hash are attrs' (one function each serves every class).

The model's classes share :func:`maebashi_dx.model.checks.entity_repr`, ``entity_eq`` and
``entity_hash`` instead of the methods attrs compiles for each class at import; for every
entity of random plans and of the bundled plan, and every pair of them, they must give
what attrs' own give for the same fields: the same text, the same answer to ``==`` and
``!=``, and equal hashes for equal entities (or the same refusal to hash).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import attrs
from hypothesis import given

from maebashi_dx.datasets import maebashi_2022
from maebashi_dx.io import plan_from_dict, plan_to_dict
from maebashi_dx.model import Milestone, Plan, Reference
from tests.strategies import plans

_TWINS: dict[type, type] = {}


def _twin(cls: type) -> type:
    """A class of the same name and fields whose repr attrs writes."""
    if cls not in _TWINS:
        fields = {f.name: attrs.field(default=None, repr=f.repr) for f in attrs.fields(cls)}
        _TWINS[cls] = attrs.make_class(cls.__name__, fields, frozen=True, slots=True)
    return _TWINS[cls]


def _entities(value: object, out: list[object]) -> list[object]:
    """Every entity in a model object, the object first."""
    if attrs.has(type(value)) and type(value).__module__.startswith("maebashi_dx.model"):
        out.append(value)
        for field in attrs.fields(type(value)):
            _entities(getattr(value, field.name), out)
    elif isinstance(value, tuple | list):
        for item in value:
            _entities(item, out)
    return out


def _twin_of(entity: object) -> object:
    made = _twin(type(entity))
    return made(**{f.alias: getattr(entity, f.name) for f in attrs.fields(made)})


def _hash(value: object) -> object:
    try:
        return hash(value)
    except TypeError as exc:
        return str(exc)


def _check(plan: Plan, other: Plan | None = None) -> None:
    found = _entities(plan, [])
    assert len({type(e) for e in found}) > 3
    others = _entities(other, []) if other is not None else found
    for entity in found:
        twin = _twin_of(entity)
        assert repr(entity) == repr(twin)
        for another in others:
            if type(another) is not type(entity):
                assert (entity == another) is False
                continue
            pair = _twin_of(another)
            assert (entity == another) is (twin == pair)
            assert (entity != another) is (twin != pair)
            if entity == another:
                assert isinstance(_hash(entity), str) is isinstance(_hash(twin), str)
                assert _hash(entity) == _hash(another)


@given(plans(), plans())
def test_the_repr_eq_and_hash_of_every_entity_are_attrs(plan: Any, other: Any) -> None:
    _check(plan, other)
    _check(plan, plan_from_dict(plan_to_dict(plan)))


def test_the_bundled_plan_reprs_as_attrs_writes_it() -> None:
    plan = maebashi_2022()
    _check(plan)
    reference = Reference(label="群馬県", days=(date(2022, 4, 1),), values=(1.0,))
    assert repr(reference) == repr(
        _twin(Reference)(label="群馬県", days=reference.days, values=(1.0,))
    )


def test_an_entity_inside_itself_is_shown_once() -> None:
    """As attrs writes it: ``...`` where the entity is met again (a table may hold it)."""
    milestone = maebashi_2022().milestones[0]
    effort: dict[str, object] = {}
    looped = attrs.evolve(milestone, effort={})
    object.__setattr__(looped, "effort", effort)
    effort["self"] = looped
    text = repr(looped)
    assert text.startswith("Milestone(")
    assert "'self': ...}" in text
    assert isinstance(looped, Milestone)
