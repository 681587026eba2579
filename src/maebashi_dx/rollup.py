"""Roll-ups from KPIs to projects, pillars and the plan.

Two roll-ups, each with a stated policy:

- a weighted mean of achievement, with the weights normalised over the items that have a
  value (Decidim sums weights without normalising; its users asked for averages, see
  decidim-barcelona #191). Missing values: ``"skip"`` (default: leave them out and
  renormalise; coverage says how much weight had data), ``"zero"`` (count them as 0) or
  ``"propagate"`` (any missing value makes the result None);
- the worst status (ServiceNow's rule), where NO_DATA counts only if nothing else is
  known.

>>> mean, coverage = weighted_mean([(0.2, 1.0), (0.6, 3.0), (None, 1.0)])
>>> round(mean, 6), coverage
(0.5, 0.8)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Literal

import attrs

from maebashi_dx.errors import CalculationError
from maebashi_dx.forecast.result import slot_maker, slot_makers
from maebashi_dx.status import Status, worst_status

__all__ = ["MissingPolicy", "Rollup", "weighted_mean"]

MissingPolicy = Literal["skip", "zero", "propagate"]


def weighted_mean(
    items: Sequence[tuple[float | None, float]], missing: MissingPolicy = "skip"
) -> tuple[float | None, float]:
    """The weighted mean of (value, weight) pairs and the share of weight with a value.

    Weights are normalised, so the mean always lies between the smallest and the
    largest value taken into account. All-zero weights count as equal weights.

    Returns:
        (mean or None, coverage from 0 to 1).

    Raises:
        CalculationError: ``missing`` is not one of the policies.
    """
    if missing not in ("skip", "zero", "propagate"):
        msg = f"unknown missing-value policy {missing!r}; use 'skip', 'zero' or 'propagate'"
        raise CalculationError(msg)
    if not items:
        return None, 0.0
    # The sums over lists rather than generators (the same terms in the same order, no
    # generator frame to resume for each): an assessment rolls up every project.
    total = sum([w for _, w in items])
    if total <= 0:
        items = [(v, 1.0) for v, _ in items]
        total = float(len(items))
    known = [(v, w) for v, w in items if v is not None]
    coverage = sum([w for _, w in known]) / total
    if missing == "propagate" and len(known) < len(items):
        return None, coverage
    if missing == "zero":
        known = [(v if v is not None else 0.0, w) for v, w in items]
    weight = sum([w for _, w in known])
    if not known or weight <= 0:
        return None, coverage
    return sum([v * w for v, w in known]) / weight, coverage


@attrs.frozen(kw_only=True)
class Rollup:
    """A project's, pillar's or the plan's roll-up.

    Attributes:
        level: "project", "pillar" or "plan".
        id: The item's id.
        name: Its Japanese name.
        name_en: Its English name.
        value: Weighted mean achievement, or None.
        status: Worst status of its members, or None if it has none.
        coverage: Share of weight that had a value.
        members: Ids of what was rolled up (KPIs, projects or pillars).
    """

    level: Literal["project", "pillar", "plan"]
    id: str
    name: str
    name_en: str = ""
    value: float | None
    status: Status | None
    coverage: float
    members: tuple[str, ...]

    @classmethod
    def _by_name(cls, *values: object) -> Rollup:
        """``cls(...)`` from Rollup's fields given by position, through ``__init__``."""
        names = [f.name for f in attrs.fields(Rollup)]
        return cls(**dict(zip(names, values, strict=True)))  # type: ignore[arg-type]

    @classmethod
    def of(
        cls,
        level: Literal["project", "pillar", "plan"],
        id: str,  # the entity's own field name
        name: str,
        name_en: str,
        parts: Sequence[tuple[str, float | None, float, Status | None]],
        missing: MissingPolicy,
    ) -> Rollup:
        """Roll up (member id, value, weight, status) parts."""
        value, coverage = weighted_mean([(v, w) for _, v, w, _ in parts], missing)
        status = worst_status([s for _, _, _, s in parts if s is not None])
        # Rollup(...) by position, in its fields' order (slot_maker: each field stored
        # through its slot, not attrs's __init__ by name; six roll-ups a 20-KPI plan).
        # A subclass (its own fields, checks or hooks) is built by its __init__.
        make: Callable[..., Rollup] = (
            (slot_makers.get(Rollup) or slot_maker(Rollup)) if cls is Rollup else cls._by_name
        )
        return make(
            level,  # level
            id,  # id
            name,  # name
            name_en,  # name_en
            value,  # value
            status,  # status
            coverage,  # coverage
            tuple([m for m, _, _, _ in parts]),  # members
        )
