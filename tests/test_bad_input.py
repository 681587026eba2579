"""The bad-input catalogue: every kind of bad file a user can hand the library.

Each case is a real file in ``tmp_path`` (so there is a file name to report), read the
way the command line reads it: ``load_plan`` for plan files; ``load_measurements`` then
``merge_measurements`` into the bundled plan for measurement CSV and Excel files. Each
states the error class it expects and where the message must point: the path
(``$.kpis[0].baseline.approximate``), the line, or the sheet and row. Every message must
also name the file, stay one bounded text (no input is formatted into it unbounded) and
come back quickly (no hang).

The official card CSV (``test_soumu.py``), the command line's arguments
(``test_cli.py``) and ``parse_date`` on its own (``test_dates.py``) have their own
catalogues; here date texts appear inside plan and measurement files.
"""

from __future__ import annotations

import copy
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import tomli_w
import yaml

from maebashi_dx import PlanError, load_measurements, load_plan, merge_measurements
from maebashi_dx.datasets import maebashi_2022
from maebashi_dx.errors import MaebashiDXError
from maebashi_dx.io import plan_to_dict

Data = dict[str, Any]
BASE: Data = plan_to_dict(maebashi_2022())


@dataclass(frozen=True)
class Case:
    """One kind of bad input: a file, the error it must raise, and where it must point."""

    id: str
    name: str  # the file's name; its suffix chooses the reader
    content: bytes
    where: str  # text the message must hold besides the file name: a path, line or row
    error: type[MaebashiDXError] = PlanError
    also: str = ""  # further text the message must hold (what is wrong)


def _dump(data: Data, fmt: str) -> bytes:
    if fmt == "toml":
        return tomli_w.dumps(data).encode()
    if fmt == "json":
        # A lone surrogate is written as JSON's escape \ud800, as a JSON file holds it.
        return json.dumps(data, ensure_ascii=False).encode(errors="backslashreplace")
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False).encode()


def plan_case(
    case_id: str,
    change: Callable[[Data], object],
    where: str,
    *,
    fmt: str = "toml",
    also: str = "",
) -> Case:
    """A plan file: the bundled plan's plain data changed in one place, then written."""
    data = copy.deepcopy(BASE)
    change(data)
    return Case(case_id, f"plan.{fmt}", _dump(data, fmt), where, also=also)


def text_case(case_id: str, name: str, text: str | bytes, where: str, also: str = "") -> Case:
    raw = text.encode() if isinstance(text, str) else text
    return Case(case_id, name, raw, where, also=also)


def kpi0(key: str, value: object) -> Callable[[Data], object]:
    return lambda d: d["kpis"][0].__setitem__(key, value)


def base0(key: str, value: object) -> Callable[[Data], object]:
    return lambda d: d["kpis"][0]["baseline"].__setitem__(key, value)


def project0(key: str, value: object) -> Callable[[Data], object]:
    return lambda d: d["pillars"][0]["projects"][0].__setitem__(key, value)


def milestone4(key: str, value: object) -> Callable[[Data], object]:
    return lambda d: d["milestones"][4].__setitem__(key, value)


def top(key: str, value: object) -> Callable[[Data], object]:
    return lambda d: d.__setitem__(key, value)


def both(*changes: Callable[[Data], object]) -> Callable[[Data], None]:
    def run(d: Data) -> None:
        for change in changes:
            change(d)

    return run


# A TOML text of the bundled plan, to edit as text where a value cannot be written
# from Python data (NaN, datetimes, raw control characters).
TOML = _dump(BASE, "toml").decode()
YAML = _dump(BASE, "yaml").decode()
JSON = _dump(BASE, "json").decode()
BASELINE_TOML = "value = 1.8\napproximate = true"
assert BASELINE_TOML in TOML


def _alias_bomb(levels: int = 9, width: int = 9) -> str:
    lines = ['a0: &a0 "lol"']
    for i in range(1, levels + 1):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * width) + "]")
    return "\n".join(lines)


TYPES = [
    plan_case(
        "bool as text 'false'",
        base0("approximate", "false"),
        "$.kpis[0].baseline.approximate",
        also="true or false",
    ),
    plan_case("bool as 1", base0("approximate", 1), "$.kpis[0].baseline.approximate"),
    plan_case(
        "whole number 1.5",
        project0("number", 1.5),
        "$.pillars[0].projects[0].number",
        also="whole number",
    ),
    plan_case("whole number as true", project0("number", True), "$.pillars[0].projects[0].number"),
    plan_case("whole number as text", project0("number", "3"), "$.pillars[0].projects[0].number"),
    plan_case("number as true", base0("value", True), "$.kpis[0].baseline.value"),
    plan_case("weight as true", kpi0("weight", True), "$.kpis[0].weight"),
    plan_case("text as a number", kpi0("name", 5), "$.kpis[0].name", also="expected a text"),
    plan_case("id as a number", kpi0("id", 1), "$.kpis[0].id"),
    plan_case(
        "id list as one text",
        project0("kpi_ids", "kpi1"),
        "$.pillars[0].projects[0].kpi_ids",
        also="expected a list",
    ),
    plan_case(
        "id list as a table", project0("kpi_ids", {"kpi1": 1}), "$.pillars[0].projects[0].kpi_ids"
    ),
    plan_case(
        "members as one text",
        lambda d: d["working_groups"][0].__setitem__("members", "市民課"),
        "$.working_groups[0].members",
    ),
    plan_case("values as one text", top("values", "挑戦"), "$.values"),
    plan_case(
        "depends_on as one text",
        milestone4("depends_on", "committee-h1"),
        "$.milestones[4].depends_on",
    ),
    plan_case(
        "enum as a number", kpi0("direction", 1), "$.kpis[0].direction", also="increase, decrease"
    ),
    plan_case("enum unknown", kpi0("direction", "up"), "$.kpis[0].direction"),
    plan_case("kind unknown", kpi0("kind", "qualitative"), "$.kpis[0].kind"),
    plan_case(
        "frequency unknown", kpi0("update_frequency", "weekly"), "$.kpis[0].update_frequency"
    ),
    plan_case("decimals 1.5", kpi0("decimals", 1.5), "$.kpis[0].decimals"),
    plan_case("decimals true", kpi0("decimals", True), "$.kpis[0].decimals"),
    plan_case("bounds as text", kpi0("bounds", "0-100"), "$.kpis[0].bounds"),
    plan_case("bounds of three", kpi0("bounds", [0, 50, 100]), "$.kpis[0].bounds"),
    plan_case("effort as a list", milestone4("effort", ["窓口"]), "$.milestones[4].effort"),
    plan_case(
        "effort share as text", milestone4("effort", {"窓口": "0.5"}), "$.milestones[4].effort"
    ),
    plan_case(
        "tangible as text",
        lambda d: d["kpis"][2].__setitem__("stages", [{"id": "a", "label": "A", "tangible": "no"}]),
        "$.kpis[2].stages[0].tangible",
    ),
    plan_case(
        "date table approximate as text",
        base0(
            "when",
            {"start": "2020-07-01", "end": "2020-07-31", "precision": "month", "approximate": "no"},
        ),
        "$.kpis[0].baseline.when",
    ),
    plan_case(
        "date table year 2020.0",
        base0("when", {"text": "5月", "year": 2020.0}),
        "$.kpis[0].baseline.when",
    ),
    plan_case(
        "text target of a numeric KPI",
        lambda d: d["kpis"][0]["target"].__setitem__("value", "ninety"),
        "$.kpis[0].target.value",
    ),
    plan_case(
        "stage off the ladder",
        lambda d: d["kpis"][2]["baseline"].__setitem__("value", "finished"),
        "$.kpis[2].baseline.value",
    ),
    plan_case(
        "history as one text",
        lambda d: d["working_groups"][0].__setitem__("history", "target_setting"),
        "$.working_groups[0].history",
    ),
    plan_case(
        "lifecycle stage unknown",
        lambda d: d["working_groups"][0].__setitem__("stage", "done"),
        "$.working_groups[0].stage",
    ),
    plan_case("date as a number", base0("when", 2022), "$.kpis[0].baseline.when"),
    plan_case(
        "entity as a text", kpi0("baseline", "1.8"), "$.kpis[0].baseline", also="expected a table"
    ),
    plan_case("json null for a text", kpi0("name", None), "$.kpis[0].name", fmt="json"),
]

NUMBERS = [
    plan_case(
        "NaN in JSON",
        base0("value", float("nan")),
        "$.kpis[0].baseline.value",
        fmt="json",
        also="finite",
    ),
    plan_case(
        "Infinity in JSON", base0("value", float("inf")), "$.kpis[0].baseline.value", fmt="json"
    ),
    text_case(
        "1e400 in JSON",
        "plan.json",
        JSON.replace('"value": 1.8', '"value": 1e400'),
        "$.kpis[0].baseline.value",
    ),
    text_case(
        "10**400 in JSON",
        "plan.json",
        JSON.replace('"value": 1.8', '"value": 1' + "0" * 400),
        "$.kpis[0].baseline.value",
        also="401 digits",
    ),
    text_case(
        "5000 digits in JSON",
        "plan.json",
        JSON.replace('"value": 1.8', '"value": 1' + "0" * 5000),
        "invalid JSON",
    ),
    text_case(
        "nan in TOML",
        "plan.toml",
        TOML.replace("value = 1.8", "value = nan"),
        "$.kpis[0].baseline.value",
    ),
    text_case(
        "inf in TOML",
        "plan.toml",
        TOML.replace("value = 1.8", "value = -inf"),
        "$.kpis[0].baseline.value",
    ),
    text_case(
        "1e400 in TOML",
        "plan.toml",
        TOML.replace("value = 1.8", "value = 1e400"),
        "$.kpis[0].baseline.value",
    ),
    text_case(
        ".nan in YAML",
        "plan.yaml",
        YAML.replace("value: 1.8", "value: .nan"),
        "$.kpis[0].baseline.value",
    ),
    text_case(
        "5000 digits in YAML",
        "plan.yaml",
        YAML.replace("value: 1.8", "value: 1" + "0" * 5000),
        "line",
    ),
    plan_case(
        "negative denominator",
        lambda d: d["kpis"][1]["baseline"].__setitem__("denominator", -335055),
        "$.kpis[1].baseline.denominator",
        also="above zero",
    ),
    plan_case(
        "zero denominator",
        lambda d: d["kpis"][1]["baseline"].__setitem__("denominator", 0),
        "$.kpis[1].baseline.denominator",
    ),
    plan_case(
        "negative numerator",
        lambda d: d["kpis"][1]["baseline"].__setitem__("numerator", -1),
        "$.kpis[1].baseline.numerator",
    ),
    plan_case("negative weight", kpi0("weight", -1), "$.kpis[0].weight"),
    text_case(
        "project weight 1e400",
        "plan.json",
        JSON.replace('"number": 1,', '"number": 1, "weight": 1e400,'),
        "$.pillars[0].projects[0].weight",
    ),
    plan_case("project number 0", project0("number", 0), "$.pillars[0].projects[0].number"),
    plan_case(
        "effort share 1e308",
        milestone4("effort", {"窓口": 1e308}),
        "$.milestones[4].effort",
        also="at most 1",
    ),
    plan_case(
        "effort share above 1", milestone4("effort", {"窓口": 1.5}), "$.milestones[4].effort"
    ),
    plan_case("effort share 0", milestone4("effort", {"窓口": 0}), "$.milestones[4].effort"),
    plan_case(
        "effort share negative", milestone4("effort", {"窓口": -0.1}), "$.milestones[4].effort"
    ),
    plan_case(
        "effort share NaN",
        milestone4("effort", {"窓口": float("nan")}),
        "$.milestones[4].effort",
        fmt="json",
    ),
    plan_case("bounds reversed", kpi0("bounds", [100, 0]), "$.kpis[0].bounds", also="low < high"),
    plan_case("bounds equal", kpi0("bounds", [50, 50]), "$.kpis[0].bounds"),
    plan_case(
        "target equals baseline",
        lambda d: d["kpis"][0]["target"].__setitem__("value", 1.8),
        "$.kpis[0].target.value",
    ),
]

DATES = [
    plan_case("month 13", base0("when", "R4.13"), "$.kpis[0].baseline.when", also="R4.13"),
    plan_case("30 February", base0("when", "2022-02-30"), "$.kpis[0].baseline.when"),
    text_case(
        "TOML datetime for a date",
        "plan.toml",
        TOML.replace('report_date = "2022-05-31"', "report_date = 2022-05-31T10:00:00"),
        "$.report_date",
        also="a date with a time",
    ),
    text_case(
        "TOML datetime for a span",
        "plan.toml",
        TOML.replace('when = "2020年7月"', "when = 2020-07-01T00:00:00+09:00"),
        "$.kpis[0].baseline.when",
    ),
    text_case(
        "TOML time of day",
        "plan.toml",
        TOML.replace('when = "2020年7月"', "when = 10:00:00"),
        "$.kpis[0].baseline.when",
    ),
    text_case(
        "YAML datetime",
        "plan.yaml",
        YAML.replace("report_date: '2022-05-31'", "report_date: 2022-05-31 10:00:00"),
        "$.report_date",
    ),
    text_case(
        "YAML 30 February",
        "plan.yaml",
        YAML.replace("report_date: '2022-05-31'", "report_date: 2022-02-30"),
        "line 6",
    ),
    plan_case(
        "report date in 9998",
        top("report_date", "9998-01-01"),
        "$.report_date",
        also="supported range",
    ),
    plan_case(
        "deadline in 2999",
        lambda d: d["kpis"][0]["target"].__setitem__("deadline", "2999年度"),
        "$.kpis[0].target.deadline",
    ),
    plan_case("period before 明治", top("period", "1800年4月～1805年3月"), "$.period"),
    plan_case(
        "measurement in 2300",
        lambda d: d["kpis"][0]["measurements"][0].__setitem__("when", "2300年5月"),
        "$.kpis[0].measurements[0].when",
    ),
    plan_case(
        "date text too long",
        base0("when", "R4.5" + " " * 500),
        "$.kpis[0].baseline.when",
        also="at most 100",
    ),
    plan_case(
        "report date a month", top("report_date", "2022年5月"), "$.report_date", also="single day"
    ),
    plan_case(
        "deadline before the plan",
        lambda d: d["kpis"][2]["target"].__setitem__("deadline", "2018年度"),
        "$.kpis[2]",
    ),
    plan_case("baseline after the deadline", base0("when", "2030年4月"), "$.kpis[0].baseline.when"),
    plan_case(
        "measurements out of order",
        lambda d: d["kpis"][1]["measurements"].reverse(),
        "$.kpis[1].measurements",
        also="out of order",
    ),
    plan_case(
        "measurement repeated",
        lambda d: d["kpis"][0]["measurements"].append(dict(d["kpis"][0]["measurements"][0])),
        "$.kpis[0].measurements[1].when",
        also="duplicate",
    ),
    plan_case(
        "measurement before the baseline",
        lambda d: d["kpis"][0]["measurements"][0].__setitem__("when", "2019年5月"),
        "$.kpis[0].measurements[0].when",
    ),
]

TEXTS = [
    plan_case(
        "lone surrogate", kpi0("name", "\ud800"), "$.kpis[0].name", fmt="json", also="surrogate"
    ),
    plan_case("NUL in a name", kpi0("name", "a\x00b"), "$.kpis[0].name", fmt="json", also="U+0000"),
    plan_case("bell in a note", base0("note", "x\x07"), "$.kpis[0].baseline.note", fmt="json"),
    plan_case(
        "id with spaces",
        lambda d: d["kpis"][5].__setitem__("id", " kpi6 "),
        "$.kpis[5].id",
        also="white space",
    ),
    plan_case(
        "id with a line break", lambda d: d["kpis"][5].__setitem__("id", "kpi\n6"), "$.kpis[5].id"
    ),
    plan_case("empty id", lambda d: d["kpis"][5].__setitem__("id", ""), "$.kpis[5].id"),
    plan_case(
        "name too long", kpi0("name", "長" * 10_001), "$.kpis[0].name", also="10,001 characters"
    ),
]

REFERENCES = [
    plan_case(
        "unknown KPI",
        project0("kpi_ids", ["kpi1", "kpi99"]),
        "$.pillars[0].projects[0].kpi_ids[1]",
        also="kpi99",
    ),
    plan_case(
        "unknown owner",
        milestone4("owner", "情報政策課"),
        "$.milestones[4].owner",
        also="nor a department",
    ),
    plan_case(
        "unknown dependency", milestone4("depends_on", ["nope"]), "$.milestones[4].depends_on[0]"
    ),
    plan_case(
        "depends on itself",
        milestone4("depends_on", ["wg02-onsite-applications"]),
        "$.milestones[4].depends_on",
    ),
    plan_case(
        "duplicate KPI id",
        lambda d: d["kpis"][1].__setitem__("id", "kpi1"),
        "$.kpis[1].id",
        also="duplicate",
    ),
    plan_case(
        "department id of a WG",
        top("departments", [{"id": "wg02", "name": "市民課"}]),
        "$.departments[0].id",
    ),
    plan_case(
        "unknown series",
        lambda d: d["kpis"][1]["measurements"][0].__setitem__("series", "typo"),
        "$.kpis[1].measurements[0].series",
    ),
    plan_case(
        "unknown field and a bad value",
        both(base0("colour", "red"), base0("value", "abc")),
        "$.kpis[0].baseline.value",
        also="colour",
    ),
    plan_case(
        "required field missing",
        lambda d: d["kpis"][0].pop("name"),
        "$.kpis[0].name",
        also="required",
    ),
]

SYNTAX = [
    text_case("TOML syntax", "plan.toml", 'id = "x"\nname = \n', "line 2", also="invalid TOML"),
    text_case(
        "JSON syntax", "plan.json", '{\n  "id": "x",\n  "name": \n}', "line 4", also="invalid JSON"
    ),
    text_case(
        "YAML syntax", "plan.yaml", "id: x\nname: [unclosed\n", "line 3", also="invalid YAML"
    ),
    text_case("root is a list", "plan.json", "[1, 2]", "$", also="table/mapping"),
    text_case("empty YAML", "plan.yaml", "", "$", also="NoneType"),
    text_case("JSON key twice", "plan.json", '{"id": "a", "id": "b"}', "$", also="given twice"),
    text_case(
        "YAML key twice", "plan.yaml", "id: a\nname: n\nid: b\n", "line 3", also="given twice"
    ),
    text_case("YAML number key", "plan.yaml", YAML + "1: x\n", "line", also="key must be a text"),
    text_case("YAML list key", "plan.yaml", "? [a, b]\n: x\n", "line 1", also="key must be a text"),
    text_case(
        "YAML two documents", "plan.yaml", "id: a\n---\nid: b\n", "line 2", also="one YAML document"
    ),
    text_case("unknown suffix", "plan.txt", "id = 'x'", "$", also="cannot tell the format"),
]

ENCODINGS = [
    text_case("Shift_JIS plan", "plan.toml", TOML.encode("cp932"), "line", also="Shift_JIS"),
    text_case("UTF-16 without BOM", "plan.toml", TOML.encode("utf-16-le"), "line 1", also="UTF-16"),
    text_case(
        "invalid UTF-8 bytes",
        "plan.toml",
        TOML.encode()[:40] + b"\xff\xfe\xfa" + TOML.encode()[40:],
        "line 2",
        also="not UTF-8",
    ),
    text_case(
        "control character in YAML",
        "plan.yaml",
        YAML.replace("name: 前橋市DX推進計画", "name: 前橋\x07市"),
        "line 2",
        also="invalid YAML",
    ),
    text_case(
        "NUL in TOML",
        "plan.toml",
        TOML.replace("前橋市DX推進計画", "前橋\x00市", 1),
        "line 2",
        also="invalid TOML",
    ),
    text_case(
        "control character in JSON",
        "plan.json",
        JSON.replace("前橋市DX推進計画", "前橋\x01市", 1),
        "line 1",
        also="invalid JSON",
    ),
]

SIZES = [
    text_case(
        "JSON nested 100,000 deep",
        "plan.json",
        "[" * 100_000 + "]" * 100_000,
        "$",
        also="nested deeper",
    ),
    text_case(
        "JSON nested 65 deep",
        "plan.json",
        '{"x": ' + "[" * 65 + "]" * 65 + "}",
        "$.x",
        also="deeper than 64",
    ),
    text_case(
        "TOML nested 5,000 deep",
        "plan.toml",
        "x = " + "[" * 5000 + "]" * 5000,
        "$",
        also="nested deeper",
    ),
    text_case(
        "YAML flow nested 2,000 deep",
        "plan.yaml",
        "x: " + "[" * 2000 + "]" * 2000,
        "line 1",
        also="invalid YAML",
    ),
    text_case(
        "YAML block nested 100 deep",
        "plan.yaml",
        "".join(" " * i + "- \n" for i in range(100)),
        "line",
        also="deeper than 64",
    ),
    text_case(
        "a million values",
        "plan.json",
        '{"x": [' + "0," * 1_000_000 + "0]}",
        "$",
        also="more than 1,000,000",
    ),
    text_case(
        "YAML key of 20,000 characters",
        "plan.yaml",
        "? " + "k" * 20_000 + "\n: 1\n",
        "line 1",
        also="at most 10,000",
    ),
    text_case(
        "TOML text of 20,000 characters",
        "plan.toml",
        TOML.replace("前橋市DX推進計画", "字" * 20_000, 1),
        "$.name",
        also="at most 10,000",
    ),
]

HOSTILE_YAML = [
    text_case(
        "python/object/apply tag",
        "plan.yaml",
        "id: !!python/object/apply:os.system ['echo hi']\n",
        "line 1",
        also="not allowed",
    ),
    text_case(
        "python/name tag",
        "plan.yaml",
        "id: !!python/name:os.system\n",
        "line 1",
        also="not allowed",
    ),
    text_case("binary tag", "plan.yaml", "id: !!binary aGk=\n", "line 1", also="not allowed"),
    text_case("set tag", "plan.yaml", "values: !!set {a, b}\n", "line 1", also="not allowed"),
    text_case("custom tag", "plan.yaml", "id: !city x\n", "line 1", also="not allowed"),
    text_case("alias bomb", "plan.yaml", _alias_bomb(), "line", also="aliases are expanded"),
    text_case(
        "alias bomb in a text field",
        "plan.yaml",
        YAML.replace(
            "name: 前橋市DX推進計画", _alias_bomb().replace("\n", "\nx") + "\nname: *a9"
        ).replace("a0:", "xa0:", 1),
        "line",
        also="aliases are expanded",
    ),
    text_case("alias to itself", "plan.yaml", "x: &a [*a]\n", "line", also="contains itself"),
]

CSV_HEAD = "kpi_id,date,value,series,approximate,numerator,denominator,note\n"


def csv_case(
    case_id: str, body: str | bytes, where: str, also: str = "", head: str = CSV_HEAD
) -> Case:
    raw = (head + body).encode() if isinstance(body, str) else body
    return Case(f"CSV {case_id}", "m.csv", raw, where, also=also)


CSV = [
    csv_case(
        "value 'abc' for a numeric KPI", "kpi1,2022-06-30,abc,,,,,\n", "line 2", also="KPI 'kpi1'"
    ),
    csv_case("value 1e400", "kpi1,2022-06-30,1e400,,,,,\n", "line 2", also="finite"),
    csv_case("value nan", "kpi1,2022-06-30,nan,,,,,\n", "line 2"),
    csv_case("value -inf", "kpi1,2022-06-30,-inf,,,,,\n", "line 2"),
    csv_case("value of 400 digits", "kpi1,2022-06-30,1" + "0" * 400 + ",,,,,\n", "line 2"),
    csv_case(
        "row before the baseline",
        "kpi1,2022-06-30,4,,,,,\nkpi1,2019-01-31,1,,,,,\n",
        "line 3",
        also="KPI 'kpi1'",
    ),
    csv_case(
        "same day, another value",
        "kpi2,2022-06-30,48,,,,,\nkpi2,2022-06-30,49,,,,,\n",
        "line 3",
        also="from line 2",
    ),
    csv_case(
        "value already in the plan differs",
        "kpi2,2022年4月末,45.5,,,,,\n",
        "line 2",
        also="already has 45.42",
    ),
    csv_case("unknown KPI", "kpi99,2022-06-30,1,,,,,\n", "line 2", also="kpi99"),
    csv_case("bad date", "kpi1,2022-02-30,1,,,,,\n", "line 2", also="2022-02-30"),
    csv_case("date out of range", "kpi1,2999-01-01,1,,,,,\n", "line 2", also="supported range"),
    csv_case(
        "date text too long", "kpi1," + "R4.5" * 100 + ",1,,,,,\n", "line 2", also="at most 100"
    ),
    csv_case("approximate 'maybe'", "kpi1,2022-06-30,4,,maybe,,,\n", "line 2", also="approximate"),
    csv_case("negative denominator", "kpi2,2022-06-30,48,,,1,-5,\n", "line 2", also="denominator"),
    csv_case(
        "stage off the ladder", "kpi4,2022-10-31,halfway,,,,,\n", "line 2", also="not a stage"
    ),
    csv_case("unknown series", "kpi2,2022-06-30,48,typo,,,,\n", "line 2", also="typo"),
    csv_case(
        "cell over 131,072 characters",
        'kpi1,2022-06-30,4,,,,,"' + "x" * 140_000 + '"\n',
        "line 2",
        also="131,072",
    ),
    csv_case("NUL in a cell", "kpi1,2022-06-30,4,,,,,a\x00b\n", "line 2", also="U+0000"),
    csv_case(
        "more cells than columns", "kpi1,2022-06-30,4,,,,,,extra\n", "line 2", also="more cells"
    ),
    csv_case("empty file", "", "header", also="empty", head=""),
    csv_case(
        "missing column", "kpi1,2022-06-30\n", "header", also="missing column", head="kpi_id,date\n"
    ),
    csv_case(
        "unknown column",
        "kpi1,2022-06-30,4,x\n",
        "header",
        also="valeur",
        head="kpi_id,date,value,valeur\n",
    ),
    csv_case(
        "column named twice",
        "kpi1,2022-06-30,4,5\n",
        "header",
        also="named twice",
        head="kpi_id,date,value,value\n",
    ),
    csv_case(
        "Shift_JIS",
        (CSV_HEAD + "kpi1,2022年6月末,4,,,,,速報値\n").encode("cp932"),
        "line 2",
        also="Shift_JIS",
    ),
    csv_case(
        "UTF-16 without BOM",
        (CSV_HEAD + "kpi1,2022-06-30,4,,,,,\n").encode("utf-16-le"),
        "line 1",
        also="UTF-16",
    ),
    csv_case(
        "invalid bytes",
        (CSV_HEAD + "kpi1,2022-06-30,4,,,,,").encode() + b"\xff\n",
        "line 2",
        also="not UTF-8",
    ),
]


def _xlsx(rows: list[list[object]], title: str = "data") -> bytes:
    import io

    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def xlsx_case(case_id: str, rows: list[list[object]], where: str, also: str = "") -> Case:
    return Case(case_id, "m.xlsx", _xlsx(rows), where, also=also)


XHEAD: list[object] = ["kpi_id", "date", "value"]
EXCEL = [
    xlsx_case(
        "xlsx text for a numeric KPI",
        [XHEAD, ["kpi1", "2022-06-30", 4], ["kpi1", "2022-07-31", "abc"]],
        "sheet 'data' row 3",
        also="KPI 'kpi1'",
    ),
    xlsx_case("xlsx bad date", [XHEAD, ["kpi1", "R4.13", 4]], "sheet 'data' row 2", also="R4.13"),
    xlsx_case(
        "xlsx unknown KPI", [XHEAD, ["kpi99", "2022-06-30", 4]], "sheet 'data' row 2", also="kpi99"
    ),
    xlsx_case(
        "xlsx row before the baseline", [XHEAD, ["kpi1", "2019-06-30", 4]], "sheet 'data' row 2"
    ),
    xlsx_case(
        "xlsx missing column",
        [["kpi_id", "date"], ["kpi1", "2022-06-30"]],
        "header",
        also="missing column",
    ),
    xlsx_case("xlsx empty sheet", [], "sheet 'data' row 1", also="empty"),
    Case(
        "xlsx not a workbook",
        "m.xlsx",
        b"PK\x03\x04 not really a zip",
        "$",
        also="not a readable .xlsx",
    ),
]

CASES = (
    TYPES
    + NUMBERS
    + DATES
    + TEXTS
    + REFERENCES
    + SYNTAX
    + ENCODINGS
    + SIZES
    + HOSTILE_YAML
    + CSV
    + EXCEL
)


def _read(path: Path) -> object:
    if path.suffix in (".csv", ".xlsx"):
        return merge_measurements(maebashi_2022(), load_measurements(path))
    return load_plan(path)


def test_the_catalogue_is_large_and_named_once() -> None:
    ids = [c.id for c in CASES]
    assert len(ids) == len(set(ids))
    assert len(ids) >= 80


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input_is_one_clear_error(case: Case, tmp_path: Path) -> None:
    path = tmp_path / case.name
    path.write_bytes(case.content)
    started = time.process_time()  # CPU time: a busy shared machine is not a hang
    with pytest.raises(case.error) as info:
        _read(path)
    elapsed = time.process_time() - started
    message = str(info.value)
    assert str(path) in message
    assert case.where in message
    assert case.also in message
    assert elapsed < 5, f"took {elapsed:.1f} s"
    assert len(message) < 5_000 + 200 * len(getattr(info.value, "problems", ()))
    message.encode("utf-8")  # printable: no lone surrogate leaks into a message


def test_file_over_the_size_limit(tmp_path: Path) -> None:
    from maebashi_dx.io.files import MAX_PLAN_BYTES

    path = tmp_path / "plan.toml"
    with path.open("wb") as handle:
        handle.truncate(MAX_PLAN_BYTES + 1)  # sparse: no 50 MB written
    with pytest.raises(PlanError, match="over 52,428,800 bytes") as info:
        load_plan(path)
    assert str(path) in str(info.value)


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.yaml"
    with pytest.raises(PlanError, match="file not found") as info:
        load_plan(path)
    assert str(path) in str(info.value)


def test_a_folder_for_a_file(tmp_path: Path) -> None:
    path = tmp_path / "dir.toml"
    path.mkdir()
    with pytest.raises(PlanError, match="cannot read") as info:
        load_plan(path)
    assert str(path) in str(info.value)


class TestAcceptedEncodings:
    """What is accepted is read exactly: UTF-8 with a BOM, UTF-16 with a BOM."""

    @pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16"])
    def test_plan(self, encoding: str, tmp_path: Path) -> None:
        path = tmp_path / "plan.toml"
        path.write_bytes(TOML.encode(encoding))
        assert load_plan(path) == maebashi_2022()

    @pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16"])
    def test_measurements(self, encoding: str, tmp_path: Path) -> None:
        path = tmp_path / "m.csv"
        path.write_bytes((CSV_HEAD + "kpi1,2022年6月末,約4,,,,,速報値\n").encode(encoding))
        (row,) = load_measurements(path)
        assert row.measurement.value == 4.0
        assert row.measurement.approximate
        assert row.measurement.note == "速報値"


def test_aliases_within_the_limits_are_read(tmp_path: Path) -> None:
    """Anchors and aliases are allowed (hand-written YAML repeats parts with them)."""
    first = "  kpi_ids:\n  - kpi2\n"
    assert YAML.count(first) >= 2
    text = YAML.replace(first, "  kpi_ids: &kpi2\n  - kpi2\n", 1)
    text = text.replace(first, "  kpi_ids: *kpi2\n")
    assert "*kpi2" in text
    path = tmp_path / "plan.yaml"
    path.write_text(text, encoding="utf-8")
    assert load_plan(path) == maebashi_2022()


def test_xlsx_that_unpacks_to_too_much_is_refused_before_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A zip bomb: a small workbook whose parts unpack to more than the limit."""
    import zipfile

    from maebashi_dx.io import excel

    monkeypatch.setattr(excel, "MAX_UNPACKED_BYTES", 1_000_000)
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/worksheets/sheet1.xml", b"\0" * 2_000_000)
    assert path.stat().st_size < 20_000
    with pytest.raises(PlanError, match=r"unpacks to 2,000,000 bytes") as info:
        load_measurements(path)
    assert str(path) in str(info.value)
