"""Fuzzing plan files: mutate the bundled plan's TOML, JSON and YAML and read them.

Four kinds of mutation, each a test: bytes (flip, delete, insert, repeat), tokens
(delete, repeat, swap, replace by a hostile token), value swaps between two fields of
the parsed data, and type changes (a value of another type, a key removed or added),
the last two written back in the format drawn. The property: reading the file raises a
:class:`MaebashiDXError` (with a bounded, printable message), or it gives a plan on
which ``assess``, ``find_conflicts`` and every renderer succeed: the progress table in
text, Markdown, CSV, JSON and HTML, the whole HTML and Markdown report, the xlsx table
and the SVG charts, in Japanese and English. Each example must take under 5 s.

Measurement CSVs are mutated the same way (:func:`test_measurement_csv_mutations`): the
rows are refused cleanly or merge into a plan that ``assess`` reads.

How many files: a few dozen in the everyday run (the file takes well under 20 s);
the thorough profile (``HYPOTHESIS_PROFILE=thorough`` or ``--hypothesis-profile=thorough``)
runs 5,000 per kind, 20,000 files in all. Any count per kind: ``MAEBASHI_DX_FUZZ_PLANS=N``.
PNG charts take about a second each, so they
are drawn for a few mutated plans only (:func:`test_png_charts_of_mutated_plans`).
"""

from __future__ import annotations

import copy
import json
import re
from datetime import date, timedelta
from typing import Any

import pytest
import tomli_w
import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.control import currently_in_test_context

from maebashi_dx import Plan, assess, find_conflicts, loads_plan, plan_to_dict
from maebashi_dx.datasets import maebashi_2022
from maebashi_dx.errors import MaebashiDXError
from maebashi_dx.io import dumps_plan
from maebashi_dx.io.files import decode_bytes
from tests.strategies import fuzz_examples

PER_KIND = fuzz_examples(thorough=5_000, everyday=10, env="MAEBASHI_DX_FUZZ_PLANS")
FUZZ = settings(
    max_examples=PER_KIND,
    deadline=timedelta(seconds=5),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

FORMATS = ("toml", "json", "yaml")
BUNDLED = maebashi_2022()
TEXTS = {fmt: dumps_plan(BUNDLED, fmt) for fmt in FORMATS}  # type: ignore[arg-type]
DATA: dict[str, Any] = plan_to_dict(BUNDLED)
formats = st.sampled_from(FORMATS)


# ------------------------------------------------------------------ the property


def _downstream(plan: Plan, pick: int) -> None:
    """Every step a valid plan goes through after it is read."""
    from maebashi_dx.report import progress_table, render
    from maebashi_dx.report.document import build_report, render_report
    from maebashi_dx.report.svg import gantt_svg, kpi_chart_svg
    from maebashi_dx.report.xlsx import table_to_xlsx

    days = [plan.report_date or plan.period.end, plan.period.start, plan.period.end]
    as_of = days[pick % len(days)]
    result = assess(plan, as_of)
    conflicts = find_conflicts(plan)
    for lang in ("ja", "en"):
        table = progress_table(plan, as_of=result.as_of, lang=lang, assessment=result)
        for fmt in ("text", "markdown", "csv", "json", "html"):
            render(table, fmt)
        report = build_report(plan, result, conflicts, lang=lang)
        render_report(report, "html")
        render_report(report, "markdown")
        for kpi in plan.kpis:
            kpi_chart_svg(kpi, result.row(kpi.id), lang=lang)
        gantt_svg(plan, conflicts, lang=lang)
    table_to_xlsx(table)


def _count(what: str) -> None:
    """Tally accepted and rejected files (pytest --hypothesis-show-statistics)."""
    if currently_in_test_context():
        event(what)


def check(raw: bytes | str, fmt: str, pick: int = 0) -> Plan | None:
    """Read a mutated file; a library error is fine, any other exception fails."""
    try:
        text = decode_bytes(raw) if isinstance(raw, bytes) else raw
        plan = loads_plan(text, fmt)  # type: ignore[arg-type]
    except MaebashiDXError as exc:
        message = str(exc)
        message.encode("utf-8")  # printable: no lone surrogate in a message
        assert len(message) < 100_000
        _count("rejected")
        return None
    _count("accepted")
    _downstream(plan, pick)
    return plan


# ------------------------------------------------------------------ byte mutations


@st.composite
def byte_mutations(draw: st.DrawFn) -> tuple[bytes, str]:
    fmt = draw(formats)
    raw = bytearray(TEXTS[fmt].encode())
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(raw) - 1))
        op = draw(st.sampled_from(["flip", "ascii", "delete", "insert", "repeat"]))
        if op == "flip":
            raw[at] = draw(st.integers(0, 255))
        elif op == "ascii":  # keeps the text UTF-8 more often than a random byte
            raw[at] = draw(st.integers(32, 126))
        elif op == "delete":
            del raw[at : at + draw(st.integers(1, 16))]
        elif op == "insert":
            raw[at:at] = draw(st.binary(min_size=1, max_size=8))
        else:
            raw[at:at] = raw[at : at + draw(st.integers(1, 64))] * draw(st.integers(1, 3))
    return bytes(raw), fmt


# ------------------------------------------------------------------ token mutations

_TOKEN = re.compile(r"\s+|\w+|[^\w\s]")
TOKENS = {fmt: _TOKEN.findall(TEXTS[fmt]) for fmt in FORMATS}
HOSTILE = [
    "true", "false", "null", "~", "nan", "inf", "-inf", ".nan", "-1", "0", "1.5", "1e308",
    "1e400", "1" + "0" * 400, '"', "'", "[", "]", "{", "}", ",", ":", "=", "\n", "- ", "&a",
    "*a", "!!python/name:os.system", "!!binary", "<<", "9998年度", "R99.13", "2022-02-30",
    "2022-05-31T10:00:00", "10:00:00", "1800-01-01", '"\\ud800"', '"\\u0000"', "\x07", "kpi1",
    "wg02", "committee-h1", "\t", "---", "#", "　",
]  # fmt: skip


@st.composite
def token_mutations(draw: st.DrawFn) -> tuple[str, str]:
    fmt = draw(formats)
    tokens = list(TOKENS[fmt])
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(tokens) - 1))
        op = draw(st.sampled_from(["delete", "repeat", "swap", "replace", "insert"]))
        if op == "delete":
            del tokens[i]
        elif op == "repeat":
            tokens.insert(i, tokens[i])
        elif op == "swap":
            j = draw(st.integers(0, len(tokens) - 1))
            tokens[i], tokens[j] = tokens[j], tokens[i]
        elif op == "replace":
            tokens[i] = draw(st.sampled_from(HOSTILE))
        else:
            tokens.insert(i, draw(st.sampled_from(HOSTILE)))
    return "".join(tokens), fmt


# ------------------------------------------------------------------ data mutations


def _paths(data: object, prefix: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    out: list[tuple[object, ...]] = [prefix] if prefix else []
    if isinstance(data, dict):
        for key, value in data.items():
            out += _paths(value, (*prefix, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            out += _paths(value, (*prefix, i))
    return out


PATHS = _paths(DATA)


def _get(data: Any, path: tuple[object, ...]) -> Any:
    for step in path:
        data = data[step]
    return data


def _set(data: Any, path: tuple[object, ...], value: object) -> None:
    _get(data, path[:-1])[path[-1]] = value


def _slot(data: Any, path: tuple[object, ...]) -> Any:
    """The table or list holding ``path``'s value, or None when earlier mutations moved
    it (a text indexes too, so each step is checked)."""
    for step in path[:-1]:
        if not isinstance(data, dict | list):
            return None
        try:
            data = data[step]
        except (KeyError, IndexError, TypeError):
            return None
    if isinstance(data, dict) and path[-1] in data:
        return data
    if isinstance(data, list) and isinstance(path[-1], int) and path[-1] < len(data):
        return data
    return None


VALUES: list[object] = [
    True, False, 0, 1, -1, 2, 1.5, -0.5, 1e-300, 1e308, -1e308, 10**20, float("nan"),
    float("inf"), "", " ", "x", "kpi1", "wg02", "p1", "committee-h1", "not_started",
    "achieved", "increase", "decrease", "staged", "yearly", "R4.13", "9998年度", "2022-05-31",
    "令和7年度末", "5/17～", "\ud800", "a\x00b", "長" * 300, [], {}, ["kpi1"], ["kpi1", "kpi1"],
    [0, 100], [100, 0], [50, 50], {"text": "5月"}, {"text": "5月", "year": 2022},
    {"start": "2022-05-01", "end": "2022-04-01"}, {"窓口": 1.0}, {"窓口": 0.0}, None,
    date(2022, 5, 31), date(1868, 1, 1), date(2200, 12, 31),
]  # fmt: skip


def _write(data: dict[str, Any], fmt: str) -> tuple[str, str]:
    """The data in ``fmt``; JSON when TOML cannot hold it (a null, say)."""
    if fmt == "toml":
        try:
            return tomli_w.dumps(data), "toml"
        except (TypeError, ValueError):
            fmt = "json"
    if fmt == "yaml":
        return yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "yaml"
    return json.dumps(data, ensure_ascii=False, default=str), "json"


@st.composite
def value_swaps(draw: st.DrawFn) -> tuple[str, str]:
    data = copy.deepcopy(DATA)
    for _ in range(draw(st.integers(1, 3))):
        a, b = draw(st.sampled_from(PATHS)), draw(st.sampled_from(PATHS))
        if a[: len(b)] == b or b[: len(a)] == a:
            continue  # one inside the other
        slot_a, slot_b = _slot(data, a), _slot(data, b)
        if slot_a is None or slot_b is None:
            continue  # moved by an earlier swap
        va, vb = slot_a[a[-1]], slot_b[b[-1]]
        slot_a[a[-1]] = copy.deepcopy(vb)
        slot_b[b[-1]] = copy.deepcopy(va)
    return _write(data, draw(formats))


@st.composite
def type_changes(draw: st.DrawFn) -> tuple[str, str]:
    data = copy.deepcopy(DATA)
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(PATHS))
        parent = _slot(data, path)
        if parent is None:
            continue
        op = draw(st.sampled_from(["value", "value", "value", "delete", "add"]))
        if op == "value":
            parent[path[-1]] = copy.deepcopy(draw(st.sampled_from(VALUES)))
        elif op == "delete":
            del parent[path[-1]]
        elif isinstance(parent, dict):
            parent[draw(st.sampled_from(["zz", "colour", "id", "when"]))] = draw(
                st.sampled_from(VALUES[:20])
            )
    return _write(data, draw(formats))


# ------------------------------------------------------------------ the tests


@FUZZ
@given(mutated=byte_mutations(), pick=st.integers(0, 2))
def test_byte_mutations(mutated: tuple[bytes, str], pick: int) -> None:
    check(*mutated, pick)


@FUZZ
@given(mutated=token_mutations(), pick=st.integers(0, 2))
def test_token_mutations(mutated: tuple[str, str], pick: int) -> None:
    check(*mutated, pick)


@FUZZ
@given(mutated=value_swaps(), pick=st.integers(0, 2))
def test_value_swaps(mutated: tuple[str, str], pick: int) -> None:
    check(*mutated, pick)


@FUZZ
@given(mutated=type_changes(), pick=st.integers(0, 2))
def test_type_changes(mutated: tuple[str, str], pick: int) -> None:
    check(*mutated, pick)


CSV_TEXT = (
    "kpi_id,date,value,series,approximate,numerator,denominator,source,note,label\n"
    "kpi1,2023年5月,約5.2,,,,,委員会資料,,\n"
    'kpi2,R4.6月末,48.1,,0,"161,000",335055,,速報値,\n'
    "kpi2,2022-06-30,55.0,applied,,,,,,\n"
    "kpi4,R4.10,implementing,,,,,,,WGで事業化中\n"
)
CSV_TOKENS = _TOKEN.findall(CSV_TEXT)


@st.composite
def csv_mutations(draw: st.DrawFn) -> bytes:
    tokens = list(CSV_TOKENS)
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(tokens) - 1))
        op = draw(st.sampled_from(["delete", "repeat", "swap", "replace"]))
        if op == "delete":
            del tokens[i]
        elif op == "repeat":
            tokens.insert(i, tokens[i])
        elif op == "swap":
            j = draw(st.integers(0, len(tokens) - 1))
            tokens[i], tokens[j] = tokens[j], tokens[i]
        else:
            tokens[i] = draw(st.sampled_from([*HOSTILE, "kpi3", "achieved", "約", "%", '"']))
    raw = "".join(tokens).encode("utf-8", "surrogatepass")
    return draw(st.sampled_from([raw, b"\xef\xbb\xbf" + raw, raw[: draw(st.integers(0, 40))]]))


@FUZZ
@given(raw=csv_mutations())
def test_measurement_csv_mutations(raw: bytes) -> None:
    """A mutated measurements CSV is refused cleanly, or merges into a plan that assesses."""
    from maebashi_dx.io import loads_measurements, merge_measurements

    try:
        rows = loads_measurements(decode_bytes(raw, source="m.csv"), source="m.csv")
        plan = merge_measurements(BUNDLED, rows)
    except MaebashiDXError as exc:
        message = str(exc)
        message.encode("utf-8")
        _count("rejected")
        assert message.startswith("m.csv: ")  # every problem names the file
        return
    _count("accepted")
    assess(plan, plan.report_date or plan.period.end)


@pytest.fixture(scope="module")
def pyplot() -> object:
    """matplotlib, imported once outside the timed examples (the import takes seconds)."""
    return pytest.importorskip("matplotlib.pyplot")


@settings(FUZZ, max_examples=max(PER_KIND // 100, 2))
@given(mutated=st.one_of(value_swaps(), type_changes()))
def test_png_charts_of_mutated_plans(pyplot: object, mutated: tuple[str, str]) -> None:
    from maebashi_dx.report.charts import gantt_png, kpi_chart_png

    plan = check(*mutated)
    if plan is None:
        return
    result = assess(plan, plan.report_date or plan.period.end)
    conflicts = find_conflicts(plan)
    for kpi in plan.kpis[:2]:
        assert kpi_chart_png(kpi, result.row(kpi.id)).startswith(b"\x89PNG")
    assert gantt_png(plan, conflicts).startswith(b"\x89PNG")


def test_the_unmutated_files_pass_through_every_step() -> None:
    """The harness itself: each bundled file is accepted and renders."""
    for fmt in FORMATS:
        assert check(TEXTS[fmt].encode(), fmt) == BUNDLED


def test_mutations_change_the_files() -> None:
    """A fuzzer whose mutations were no-ops would pass vacuously."""
    data = copy.deepcopy(DATA)
    _set(data, ("kpis", 0, "baseline", "approximate"), "false")
    text, fmt = _write(data, "toml")
    assert text != TEXTS["toml"]
    assert check(text, fmt) is None
