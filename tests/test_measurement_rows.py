"""The rows of a plain CSV file, held by column, are the rows read one by one.

``loads_measurements`` returns the rows of a plain CSV file as a
:class:`~maebashi_dx.io.measurements.MeasurementRows` (each row's measurement, its KPI id
and line once for each run): it must be, as a sequence, the tuple of rows the row-by-row
reading gives (each row, every slice, from either end), and ``merge_measurements`` must
merge it, read by column, as it merges that tuple: the same plan, or the same problems.
"""

from __future__ import annotations

from typing import Any
from unittest import mock

import attrs
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from maebashi_dx.datasets import maebashi_2022
from maebashi_dx.errors import PlanError
from maebashi_dx.io import measurements, plan_from_dict, plan_to_dict
from maebashi_dx.io.measurements import MeasurementRows, loads_measurements, merge_measurements
from tests.test_fast_loading import _csv_texts

_BLOCKS = st.sampled_from([1 << 20, 1, 7, 40])


def _rows(text: str, block: int, source: str | None = "m.csv") -> object:
    with mock.patch.object(measurements._Plain, "_BLOCK", block):
        try:
            return loads_measurements(text, source=source)
        except PlanError as exc:
            return "error", [str(p) for p in exc.problems]


@given(_csv_texts(), _BLOCKS)
@example("kpi_id,date,value\nkpi1,2022-05-31,1\nkpi1,2022-06-30,2\nkpi2,2022-06-30,2\n", 1)
@example("kpi_id,date,value\nkpi1,2022-05-31,1\n\nkpi1,2022-06-30,x\nkpi1,R4.7,2\n", 1)
def test_rows_by_column_are_the_rows_read_one_by_one(text: str, block: int) -> None:
    rows = _rows(text, block)
    try:
        each: object = measurements._loads_csv(text, source="m.csv", progress=None)
    except PlanError as exc:
        each = "error", [str(p) for p in exc.problems]
    if not isinstance(rows, MeasurementRows):
        assert rows == each
        return
    assert isinstance(each, tuple)
    assert rows == each
    assert each == rows
    assert len(rows) == len(each)
    assert tuple(rows) == each
    assert [rows[i] for i in range(-len(each), len(each))] == [*each, *each]
    assert [r.line for r in rows] == [r.line for r in each]
    assert [r.where for r in rows] == [r.where for r in each]
    for start in range(-2, len(each) + 2):
        assert rows[start:] == each[start:]
        assert rows[:start:2] == each[:start:2]
    assert rows + each == each + rows == each + each
    assert hash(rows) == hash(each)
    for i in (len(each), -len(each) - 1):
        with pytest.raises(IndexError):
            rows[i]


def _merged(rows: Any) -> object:
    try:
        plan = merge_measurements(maebashi_2022(), rows)
    except PlanError as exc:
        return "error", [str(p) for p in exc.problems], exc.source
    return plan, [[m.when.text for m in k.measurements] for k in plan.kpis]


@given(_csv_texts(), _BLOCKS, st.sampled_from(["m.csv", "", None]))
@example("kpi_id,date,value\nkpi2,2022-06-30,48\nkpi9,2022-06-30,1\nkpi2,2022-06-30,49\n", 1, "")
@example("kpi_id,date,value\nkpi2,2022-06-30,48\nkpi3,2022-06-30,1\nkpi2,2022-07-31,49\n", 1, "m")
@example("kpi_id,date,value\nkpi2,2017-01-31,1\nkpi9,2022-06-30,1\nkpi2,2022-07-31,x\n", 7, None)
def test_rows_by_column_merge_as_the_tuple_of_them(
    text: str, block: int, source: str | None
) -> None:
    rows = _rows(text, block, source)
    if isinstance(rows, MeasurementRows):
        assert _merged(rows) == _merged(tuple(rows))
        assert _merged(rows) == _merged(iter(tuple(rows)))


def _problems(rows: Any, plan: Any) -> list[str]:
    with pytest.raises(PlanError) as caught:
        merge_measurements(plan, rows)
    return [str(p) for p in caught.value.problems]


def test_only_what_was_read_and_checked_is_taken_as_sound() -> None:
    """Merging skips the check of the KPIs' texts only for rows the reader made (each cell
    checked): rows made otherwise, and the rest of the plan, are checked as ever."""
    plan = plan_from_dict(plan_to_dict(maebashi_2022()))  # not the shared one: changed below
    text = "kpi_id,date,value\nkpi2,2023-01-31,50\n"
    rows = loads_measurements(text, source="m.csv")
    assert isinstance(rows, MeasurementRows)
    # A table of a milestone (the one mutable part of a plan) given a bad key.
    object.__getattribute__(plan.milestones[0], "effort")["a\x01"] = 0.5
    expected = _problems(tuple(rows), plan)
    assert any("control character" in p for p in expected)
    assert _problems(rows, plan) == expected
    # Rows made by hand, not read: a measurement with a bad note is found.
    made = MeasurementRows("m.csv")
    bad = attrs.evolve(rows[0].measurement, note="a\x01")
    made._extend(["kpi2"], [bad], 2)
    assert any("kpis" in p and "control character" in p for p in _problems(made, maebashi_2022()))
