"""A plan's KPIs read a field at a time across all of them agree with each KPI read alone.

``io.plain._plain_kpis`` builds every KPI of a plan whose KPIs are written alike (the same
fields, each written plainly) by loops over the whole list, and
``model.kpi.checked_kpis`` settles them in bulk; anything else goes KPI by KPI. For
random plans written that way, with up to three mistakes in their KPIs (a value of
another kind, a field added or removed, a measurement out of order or on the baseline's
day, a target equal to its baseline, bounds the wrong way round), reading must give the
same plan or the same problems in the same order as each KPI read alone, and as the
converter alone.
"""

from __future__ import annotations

import copy
from datetime import date
from typing import Any
from unittest import mock

import attrs
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from maebashi_dx.dates import DateSpan
from maebashi_dx.errors import PlanError
from maebashi_dx.io import convert, plain, plan_to_dict
from maebashi_dx.model import KPI, KPIKind, Measurement
from maebashi_dx.model import kpi as kpi_module
from maebashi_dx.model.kpi import checked_kpis
from tests.strategies import plans
from tests.test_plain_plan import _outcome, _read  # the plan, as written back; or problems

_KEEP = ("id", "name", "name_en", "unit", "direction", "kind", "target", "baseline", "bounds")


def _alike(data: dict[str, Any]) -> dict[str, Any]:
    """A plan's data with every KPI written with the same fields, each plainly."""
    kpis = []
    for entry in data.get("kpis", []):
        kpi = {k: entry[k] for k in _KEEP if k in entry}
        kpi.setdefault("unit", "%")
        kpi.setdefault("name_en", "")
        kpi["direction"] = entry.get("direction", "increase")
        kpi["kind"] = "quantitative"
        kpi["bounds"] = entry.get("bounds") or [0, 1000]
        kpi["target"] = {k: entry["target"][k] for k in ("value", "deadline")}
        base = entry.get("baseline")
        kpi["baseline"] = None if base is None else {k: base[k] for k in ("when", "value")}
        kpi["measurements"] = [
            {"when": m["when"], "value": m["value"]}
            for m in entry.get("measurements", [])
            if "series" not in m
        ]
        if entry.get("kind") == "staged":  # its stages as numbers: a quantitative KPI
            kpi["target"]["value"] = 10.0
            if base is not None:
                kpi["baseline"]["value"] = 0
            for i, m in enumerate(kpi["measurements"]):
                m["value"] = i + 1
        kpis.append(kpi)
    data["kpis"] = kpis
    return data


_ODD = st.sampled_from(
    [True, 0, 7, -3, 2.5, 10**400, float("nan"), "", " k", "x", "R4.5", "2022-02-30", None]
) | st.sampled_from([[], {}, [1], [5, 1], [0, 100], {"when": "R4.5", "value": 1}, "staged"])


def _mistake(draw: st.DrawFn, kpis: list[dict[str, Any]], change: int) -> None:
    """One mistake of kind ``change`` in one of the KPIs."""
    entry = draw(st.sampled_from(kpis))
    items = entry.get("measurements")
    items = items if isinstance(items, list) else []
    base = entry.get("baseline")
    target = entry.get("target")
    if change == 0:
        field = draw(st.sampled_from([*_KEEP, "measurements", "weight"]))
        entry[field] = copy.deepcopy(draw(_ODD))
    elif change == 1:
        entry.pop(draw(st.sampled_from([*_KEEP, "measurements"])), None)
    elif change == 2 and len(items) > 1:
        items[0], items[-1] = items[-1], items[0]  # out of order
    elif change == 3 and items and isinstance(base, dict):
        items[0]["when"] = base["when"]  # on the baseline's day
    elif change == 4 and isinstance(base, dict) and isinstance(target, dict):
        target["value"] = base["value"]  # nothing to measure
    elif change == 5:
        entry["bounds"] = draw(st.sampled_from([[1000, 0], [5, 5], [0.5, 0.25]]))
    elif change == 6 and items and isinstance(items[0], dict):
        draw(st.sampled_from(items))["value"] = copy.deepcopy(draw(_ODD))
    elif change == 7 and isinstance(target, dict):
        target["deadline"] = draw(st.sampled_from(["1800-01-01", "R4.5", 5, "2022-02-30"]))
    elif change == 8 and isinstance(base, dict):
        base["when"] = "2199-12-31"  # after the deadline
    elif change == 9:
        entry["id"] = draw(st.sampled_from(["", " k", "k0", 5]))
    elif change == 10 and len(items) > 1:
        items[1]["when"] = items[0]["when"]  # twice on one day
    elif change == 11 and isinstance(base, dict):
        base["value"] = draw(st.sampled_from([0.5, 10**400, "x", True, float("nan")]))
    elif change == 12:
        field = draw(st.sampled_from(["direction", "kind", "name", "unit"]))
        entry[field] = draw(
            st.sampled_from(["decrease", "staged", "up", 5, None, "a\x01b", "\ud800", " x "])
        )
    elif change == 13:
        entry["baseline"] = None


_CHANGES = 14


@st.composite
def _data(draw: st.DrawFn, change: int | None = None) -> dict[str, Any]:
    """Plan data whose KPIs are written alike, with one mistake of kind ``change`` and,
    if it is None, one to three of any kind (a plan without any: see the last test)."""
    data = _alike(plan_to_dict(draw(plans())))
    kpis = data["kpis"]
    if change is not None:
        _mistake(draw, kpis, change)
        return data
    for _ in range(draw(st.integers(1, 3))):
        _mistake(draw, kpis, draw(st.sampled_from(range(_CHANGES))))
    return data


def _agree(data: dict[str, Any]) -> None:
    fast = _outcome(_read, data)
    with mock.patch.object(plain, "_plain_kpis", return_value=None):
        assert _outcome(_read, data) == fast
    with mock.patch.object(kpi_module, "_settled_in_bulk", return_value=False):
        assert _outcome(_read, data) == fast
    with (
        mock.patch.object(convert, "_plain_plan", return_value=None),
        mock.patch.object(convert, "_plain_entity", return_value=None),
    ):
        assert _outcome(convert.plan_from_dict, data) == fast


@given(_data())
@example({"id": "p", "name": "計画", "period": "R3.4～R8.3", "kpis": []})
def test_kpis_read_in_bulk_as_each_alone(data: dict[str, Any]) -> None:
    _agree(data)


# Each kind of mistake alone, so that the bulk path meets each check it makes (a third
# of the examples each: 14 kinds).
_EACH = settings(max_examples=max(10, settings.default.max_examples // 3))


@pytest.mark.parametrize("change", range(_CHANGES))
@_EACH
@given(st.data())
def test_each_mistake_alone_reads_as_each_kpi_alone(change: int, data: st.DataObject) -> None:
    _agree(data.draw(_data(change)))


@given(plans())
def test_kpis_written_alike_are_read_in_bulk(plan: Any) -> None:
    """The bulk path is taken where it applies (else the test above tests nothing), and
    settles the KPIs in bulk."""
    data = _alike(plan_to_dict(plan))
    each = tuple(map(plain._kpi, copy.deepcopy(data["kpis"])))
    settled: list[bool] = []
    real = kpi_module._settled_in_bulk

    def record(kpis: Any) -> bool:
        settled.append(real(kpis))
        return settled[-1]

    with mock.patch.object(kpi_module, "_settled_in_bulk", record):
        made = plain._plain_kpis(copy.deepcopy(data["kpis"]))
    assert made == each
    assert settled == [True]
    assert made is not None
    assert [k.numbers() for k in made] == [k.numbers() for k in each]
    assert [k.history() for k in made] == [k.history() for k in each]


_CHECKED = ("id", "name", "name_en", "unit", "direction", "kind", "baseline", "target")


def _kpis_outcome(build: Any, rows: list[dict[str, Any]]) -> object:
    try:
        made = build(rows)
    except (TypeError, ValueError, PlanError) as exc:
        return type(exc), str(exc)
    return made, [(k.history(), k.numbers()) for k in made]


@given(plans(), st.data())
def test_checked_kpis_is_kpi(plan: Any, data: st.DataObject) -> None:
    """checked_kpis(columns) is KPI(**fields) for each KPI, in order: the same KPIs (the
    slots filled by the bulk settling too), or the first KPI's error; for KPIs of both
    kinds, with another series, and with a mistake only the KPI's own checks find."""
    rows = []
    for made in plan.kpis:
        fields = {name: getattr(made, name) for name in _CHECKED}
        fields["measurements"] = tuple(
            m for m in made.measurements if m.series is None or data.draw(st.booleans())
        )
        if made.bounds is not None or data.draw(st.booleans()):
            fields["bounds"] = made.bounds or (-1e9, 1e9)
        mistake = data.draw(st.integers(0, 6))
        own = fields["measurements"]
        base, target = made.baseline, made.target
        if mistake == 1 and base is not None:
            fields["target"] = attrs.evolve(target, value=base.value)
        elif mistake == 2 and base is not None:
            fields["baseline"] = attrs.evolve(base, when=DateSpan.day(date(2199, 12, 31)))
        elif mistake == 3 and own:
            fields["measurements"] = own[::-1] if len(own) > 1 else own * 2
        elif mistake == 4 and own:
            wrong = "implemented" if made.kind is KPIKind.QUANTITATIVE else 3.0
            fields["measurements"] = (attrs.evolve(own[-1], value=wrong), *own[:-1])
        elif mistake == 5:
            fields["kind"] = KPIKind.STAGED if made.kind is KPIKind.QUANTITATIVE else made.kind
        elif mistake == 6 and base is not None:
            fields["baseline"] = attrs.evolve(base, series="applied")
        rows.append(fields)
    same = len({frozenset(r) for r in rows}) == 1
    for piece in [rows] if same else [[r] for r in rows]:  # bounds on some: each alone
        columns = {name: [r[name] for r in piece] for name in piece[0]}
        expected = _kpis_outcome(lambda rs: [KPI(**r) for r in rs], piece)
        got = _kpis_outcome(lambda rs, c=columns: checked_kpis(c, len(rs)), piece)
        assert got == expected


_WHEN = st.sampled_from(
    ["2022-05-31", "R4.5", "2023年度", "1800-01-01", "2022-02-30", "x", 5, None, []]
)
_VALUE = st.sampled_from([1, 2.5, -0.0]) | st.sampled_from(
    [10**400, float("nan"), float("inf"), True, "s", None]
)
_TABLES = st.lists(
    st.fixed_dictionaries({"when": _WHEN, "value": _VALUE})
    | st.sampled_from([{"when": "R4.5"}, {"when": "R4.5", "value": 1, "note": "x"}, [], "t"]),
    max_size=5,
)


@given(_TABLES)
def test_dated_numbers_read_as_each_table_alone(items: list[Any]) -> None:
    """Tables read together (the date texts and numbers of measurements and targets) are
    read as :func:`_plain_entity` reads each: the same spans and values, or None where
    any one is refused or holds a text (a stage, read one by one)."""
    each = [plain._plain_entity(Measurement, copy.deepcopy(item)) for item in items]
    read = plain._dated_numbers(copy.deepcopy(items), "when")
    if None in each or any(isinstance(m.value, str) for m in each if m is not None):
        assert read is None
    else:
        assert read is not None
        spans, values = read
        assert spans == [m.when for m in each]
        assert [m.when.text for m in each] == [s.text for s in spans]
        assert values == [m.value for m in each]
        assert list(map(type, values)) == [float] * len(items)


@given(plans())
def test_kpis_with_the_same_days_share_them(plan: Any) -> None:
    """KPIs reported on the same days hold one tuple of them, built one by one or in bulk
    (a national plan's 35,000 KPIs share a few)."""
    data = _alike(plan_to_dict(plan))
    entry = data["kpis"][0]
    twins = [dict(copy.deepcopy(entry), id=f"{entry['id']}-{i}") for i in range(3)]
    bulk = plain._plain_kpis(twins)
    assert bulk is not None
    each = [plain._kpi(copy.deepcopy(t)) for t in twins]
    days = {id(k.numbers()[0]) for k in (*bulk, *each)}
    assert len(days) == 1
    assert bulk == tuple(each)


def test_the_shared_days_are_bounded_by_the_days_they_hold() -> None:
    """The table of shared days lives as long as the process: it never holds more than
    its budget of days (emptied and started again), and shares equal days after that."""
    month = [date(2020 + i // 12, i % 12 + 1, 1) for i in range(60)]
    with (
        mock.patch.object(kpi_module, "_DAYS", {}),
        mock.patch.object(kpi_module, "_DAYS_HELD_MOST", 100),
        mock.patch.object(kpi_module, "_days_held", 0),
    ):
        for n in range(1, 61):
            first = kpi_module._shared_days(tuple(month[:n]))
            assert kpi_module._shared_days(tuple(month[:n])) is first
            held = sum(map(len, kpi_module._DAYS))
            assert held == kpi_module._days_held <= 100
        too_long = tuple(month) * 2  # more than the whole budget: not kept
        assert kpi_module._shared_days(too_long) is too_long
        assert sum(map(len, kpi_module._DAYS)) <= 100
