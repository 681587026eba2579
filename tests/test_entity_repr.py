"""Every model entity's repr is the one attrs writes (one function serves every class).

The model's classes share :func:`maebashi_dx.model.checks.entity_repr` instead of the
repr attrs compiles for each class at import; for every entity of random plans and of
the bundled plan, it must give what attrs' own repr gives for the same fields.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import attrs
from hypothesis import given

from maebashi_dx.datasets import maebashi_2022
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


def _check(plan: Plan) -> None:
    found = _entities(plan, [])
    assert len({type(e) for e in found}) > 3
    for entity in found:
        cls = type(entity)
        made = _twin(cls)
        twin = made(**{f.alias: getattr(entity, f.name) for f in attrs.fields(made)})
        assert repr(entity) == repr(twin)


@given(plans())
def test_the_repr_of_every_entity_is_attrs(plan: Any) -> None:
    _check(plan)


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
