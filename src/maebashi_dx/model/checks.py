"""Checks on single entities that need no calculation, shared by the model classes."""

from __future__ import annotations

import math
from collections import Counter
from typing import TYPE_CHECKING

from maebashi_dx.errors import Problem

if TYPE_CHECKING:
    from maebashi_dx.model.kpi import KPI, Measurement

__all__ = ["duplicates_at", "kpi_problems"]


def duplicates_at(items: list[tuple[str, str]], what: str) -> list[Problem]:
    """A problem at each repeat of an id (the first use is fine)."""
    counts = Counter(x for _, x in items)
    seen: set[str] = set()
    out = []
    for path, x in items:
        if counts[x] > 1:
            if x in seen:
                out.append(Problem(f"{path}.id", f"duplicate {what} id {x!r}"))
            seen.add(x)
    return out


def kpi_problems(kpi: KPI, path: str = "$") -> list[Problem]:
    """Every problem in one KPI, with paths relative to the KPI.

    Checked: values of the wrong kind (a number for a quantitative KPI, a stage on the
    ladder for a staged one); a target equal to the baseline; a baseline after the
    deadline; measurements out of order or duplicated within a series; unknown series;
    duplicate stage ids.
    """
    problems: list[Problem] = []
    staged = kpi.kind.value == "staged"
    ladder = {s.id for s in kpi.ladder}
    problems += duplicates_at(
        [(f"{path}.stages[{i}]", s.id) for i, s in enumerate(kpi.stages)], "stage"
    )

    def check_value(where: str, value: object) -> None:
        if staged and value not in ladder:
            options = ", ".join(s.id for s in kpi.ladder)
            problems.append(
                Problem(where, f"{value!r} is not a stage of this KPI (stages: {options})")
            )
        elif not staged and not isinstance(value, float):
            problems.append(Problem(where, f"expected a number, got {value!r}"))

    check_value(f"{path}.target.value", kpi.target.value)
    for where, m in kpi.iter_values():
        if m.series is None:
            check_value(f"{path}.{where}.value", m.value)
        elif not isinstance(m.value, float):
            problems.append(Problem(f"{path}.{where}.value", f"expected a number, got {m.value!r}"))
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

    declared = {s.id for s in kpi.series}
    last_seen: dict[str | None, Measurement] = {}
    if base is not None:
        last_seen[None] = base
    for i, m in enumerate(kpi.measurements):
        where = f"{path}.measurements[{i}]"
        if m.series is not None and m.series not in declared:
            problems.append(Problem(f"{where}.series", f"unknown series {m.series!r}"))
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
