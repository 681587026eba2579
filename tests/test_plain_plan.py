"""The plain plan builder (io/plain.py) agrees with the converter on every input.

A plan written plainly is built without cattrs (``maebashi-dx status`` reads the bundled
plan that way); anything else goes the converter's way. For random plan data, often
with a value of the wrong type, an unknown or a missing field anywhere in it, reading
must give the same plan (with the same date texts) or the same problems in the same
order as the converter alone. A value of the wrong type is an error, never coerced.
"""

from __future__ import annotations

import copy
import tomllib
from datetime import date, datetime
from typing import Any
from unittest import mock

from hypothesis import example, given
from hypothesis import strategies as st

import maebashi_dx.datasets  # noqa: F401  (package_text reads its package)
from maebashi_dx._package_data import package_text
from maebashi_dx.errors import PlanError
from maebashi_dx.io import convert, files, plan_to_dict
from maebashi_dx.io.plain import plain_plan
from maebashi_dx.model import Plan
from tests.strategies import plans


def _bundled() -> dict[str, Any]:
    data: dict[str, Any] = tomllib.loads(package_text("maebashi_dx.datasets", "maebashi_2022.toml"))
    return data


_BUNDLED = _bundled()

# Values of every kind a plan file can hold, most of them of the wrong type somewhere.
_ODD = st.sampled_from(
    [
        True,
        False,
        0,
        1,
        -3,
        1.5,
        10**400,
        float("nan"),
        float("inf"),
        "",
        "x",
        " k ",
        "a\x01b",
        "2022-05-31",
        "2022-02-30",
        "R4.5",
        "5/17～",
        "1800-01-01",
        "monthly",
        "increase",
        "target_setting",
        None,
        [],
        {},
        ["a"],
        [1],
        [0, 100],
        ("a", "b"),
        {"text": "5/17～", "year": 2022},
        {"text": "5/17～", "year": True},
        {"text": "R4.5", "fiscal_year": 2022, "x": 1},
        {"when": "2022-05-31", "value": 1},
        {"value": 1, "deadline": "2025年度"},
        {"id": "s", "label": "x"},
        {"a": 0.5},
        date(2022, 5, 31),
        datetime(2022, 5, 31, 10, 0),
    ]
)


def _places(node: object, out: list[tuple[Any, Any]]) -> list[tuple[Any, Any]]:
    """Every (container, key or index) in the data, depth first."""
    if isinstance(node, dict):
        for key, value in node.items():
            out.append((node, key))
            _places(value, out)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            out.append((node, index))
            _places(value, out)
    return out


@st.composite
def _plan_data(draw: st.DrawFn) -> dict[str, Any]:
    """A plan's plain data (random, or the bundled plan), with up to three mistakes:
    a value replaced by another of any kind, a field added or a field removed."""
    if draw(st.booleans()):
        data: dict[str, Any] = copy.deepcopy(_BUNDLED)
    else:
        data = plan_to_dict(draw(plans()))
    for _ in range(draw(st.integers(0, 3))):
        places = _places(data, [])
        if not places:
            break
        container, key = draw(st.sampled_from(places))
        change = draw(st.integers(0, 5))
        if change <= 3:
            container[key] = copy.deepcopy(draw(_ODD))
        elif change == 4 and isinstance(container, dict):
            field = draw(st.sampled_from(["note", "label", "extra", "stages", "effort", "when"]))
            container[field] = copy.deepcopy(draw(_ODD))
        elif isinstance(container, dict):
            del container[key]
    return data


def _outcome(read: Any, data: dict[str, Any]) -> object:
    try:
        plan = read(copy.deepcopy(data))
    except PlanError as exc:
        return "error", [str(p) for p in exc.problems]
    return plan, plan_to_dict(plan)  # the date texts too, as written back


def _read(data: dict[str, Any]) -> Plan:
    """What loads_plan does once the text is decoded."""
    made = files.plain_plan(data)
    return convert.plan_from_dict(data) if made is None else made


def _converter_only(data: dict[str, Any]) -> object:
    with (
        mock.patch.object(files, "plain_plan", return_value=None),
        mock.patch.object(convert, "_plain_plan", return_value=None),
    ):
        return _outcome(_read, data)


@given(_plan_data())
@example(copy.deepcopy(_BUNDLED))
@example({"id": "p", "name": "計画", "period": "R3.4～R8.3", "report_date": "2022-05"})
@example({"id": "p", "name": "計画", "period": date(2022, 4, 1), "values": ("a",)})
@example({"id": "p", "name": "計画", "period": "R3.4～R8.3", "kpis": [{"id": 1}]})
def test_a_plan_reads_the_same_without_the_plain_builder(data: dict[str, Any]) -> None:
    assert _outcome(_read, data) == _converter_only(data)
    assert _outcome(convert.plan_from_dict, data) == _converter_only(data)


@given(_plan_data())
def test_the_plain_builder_builds_only_what_the_converter_builds(data: dict[str, Any]) -> None:
    made = plain_plan(copy.deepcopy(data))
    if made is not None:
        assert (made, plan_to_dict(made)) == _converter_only(data)


def test_the_bundled_plan_is_built_plainly() -> None:
    """Every field of the bundled plan has its plain reader (else ``status`` loads cattrs)."""
    made = plain_plan(copy.deepcopy(_BUNDLED))
    assert made is not None
    assert (made, plan_to_dict(made)) == _converter_only(_BUNDLED)


def test_a_value_of_the_wrong_type_is_refused_not_coerced() -> None:
    for field, value in [("name", 5), ("values", "ab"), ("report_date", True), ("city", None)]:
        data = {"id": "p", "name": "計画", "period": "R3.4～R8.3", field: value}
        assert plain_plan(data) is None
        outcome = _outcome(_read, data)
        assert outcome[0] == "error", (field, value)


# Every field of every entity, each written plainly once (two KPIs: a number and stages).
_FULL: dict[str, Any] = {
    "id": "plan",
    "name": "計画",
    "name_en": "Plan",
    "city": "市",
    "period": "2021年4月～2026年3月",
    "report_date": "2022-05-31",
    "mission": "m",
    "vision": "v",
    "values": ["a"],
    "pillars": [
        {
            "id": "pillar1",
            "name": "柱",
            "name_en": "Pillar",
            "projects": [
                {
                    "id": "p1",
                    "name": "事業",
                    "name_en": "Project",
                    "number": 1,
                    "initiatives": ["i"],
                    "kpi_ids": ["k1", "k2"],
                    "weight": 1,
                }
            ],
        }
    ],
    "kpis": [
        {
            "id": "k1",
            "name": "指標",
            "name_en": "KPI",
            "unit": "%",
            "direction": "increase",
            "kind": "quantitative",
            "baseline": {
                "when": "R3.3",
                "value": 10,
                "approximate": True,
                "numerator": 1.0,
                "denominator": 10,
                "source": "s",
                "note": "n",
                "label": "l",
            },
            "target": {"value": 50.5, "deadline": "2025年度", "label": "t", "label_en": "t"},
            "measurements": [{"when": "2022-05-31", "value": 20, "series": "all"}],
            "series": [{"id": "all", "label": "全体", "label_en": "All"}],
            "value_label": "v",
            "value_label_en": "v",
            "bounds": [0, 100],
            "weight": 2.5,
            "update_frequency": "monthly",
            "decimals": 1,
        },
        {
            "id": "k2",
            "name": "段階",
            "kind": "staged",
            "stages": [
                {"id": "s1", "label": "一", "label_en": "one", "tangible": False},
                {"id": "s2", "label": "二"},
            ],
            "target": {"value": "s2", "deadline": "R7.3"},
            "measurements": [{"when": "R4.5", "value": "s1"}],
        },
    ],
    "working_groups": [
        {
            "id": "wg1",
            "name": "WG",
            "name_en": "WG",
            "project_ids": ["p1"],
            "aim": "a",
            "aim_en": "a",
            "members": ["m"],
            "stage": "decision",
            "history": [
                {"stage": "target_setting", "when": "R3.4", "note": "n"},
                {"stage": "proof_of_concept"},
                {"stage": "decision", "when": {"text": "5/17～", "year": 2022}},
            ],
            "note": "n",
        }
    ],
    "departments": [{"id": "d1", "name": "課", "name_en": "Dept"}],
    "milestones": [
        {
            "id": "m1",
            "title": "会議",
            "title_en": "Meeting",
            "when": {"text": "5/17～", "year": 2022},
            "owner": "wg1",
            "kpi_ids": ["k1"],
            "resources": ["room"],
            "effort": {"room": 0.5},
            "note": "n",
        },
        {"id": "m2", "title": "次", "when": "R4.6", "owner": "d1", "depends_on": ["m1"]},
    ],
}

# A representative of each kind of value a plan file holds.
_KINDS: list[object] = [
    True,
    1,
    1.5,
    10**400,
    float("nan"),
    "",
    "x",
    "2022-05-31",
    None,
    [],
    {},
    ["a"],
    [1],
    {"text": "5/17～", "year": 2022},
    date(2022, 5, 31),
    datetime(2022, 5, 31, 10, 0),
]


def test_every_field_plain_and_of_every_other_kind_reads_as_the_converter_reads_it() -> None:
    """Each field of each entity, written as it is, left out, or replaced by a value of
    each kind: the plain builder builds exactly what the converter builds."""
    made = plain_plan(copy.deepcopy(_FULL))
    assert made is not None  # every field has its plain reader
    assert (made, plan_to_dict(made)) == _converter_only(_FULL)
    for container, key in _places(_FULL, []):
        if isinstance(container, list):
            continue
        kept = container[key]
        for value in [*_KINDS, _REMOVED]:
            if value is _REMOVED:
                del container[key]
            else:
                container[key] = value
            try:
                assert _outcome(_read, _FULL) == _converter_only(_FULL), (key, value)
            finally:
                container[key] = kept


_REMOVED = object()
