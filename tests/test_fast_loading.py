"""The fast paths of reading agree with the general ones on every input.

``parse_date`` reads an ISO day without its general parser; ``loads_measurements``
reads a plain CSV (no quotes) a block of lines at a time, each distinct date text
parsed once. Each must give what the general path gives: the same spans (their text
too), the same rows, and the same problems with the same messages.
"""

from __future__ import annotations

import json
import math
from datetime import date
from typing import Any
from unittest import mock

import attrs
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from maebashi_dx.datasets import maebashi_2022
from maebashi_dx.dates import DateSpan, _parse, format_span, parse_date
from maebashi_dx.errors import DateParseError, PlanError
from maebashi_dx.io import convert, files, measurements, plan_from_dict, plan_to_dict
from maebashi_dx.io.measurements import loads_measurements, merge_measurements
from maebashi_dx.model import Measurement, checks, kpi
from maebashi_dx.model.kpi import (
    KPI,
    Target,
    built_kpi,
    checked_measurement,
    checked_target,
    own_measurements,
)
from tests.strategies import plans, spans


def _general(text: str) -> object:
    """What the general parser makes of a text: the span with its display fields, or
    the error's message."""
    try:
        span = _parse(text, None, None)
    except DateParseError as exc:
        return str(exc)
    return span, span.text, span.fiscal_end


def _fast(text: str) -> object:
    try:
        span = parse_date(text)
    except DateParseError as exc:
        return str(exc)
    return span, span.text, span.fiscal_end


def _slots(span: DateSpan) -> tuple[object, ...]:
    return tuple(getattr(span, f.name) for f in attrs.fields(DateSpan))


class TestIsoDays:
    @given(st.dates())
    def test_every_day_reads_as_the_general_parser_reads_it(self, day: date) -> None:
        text = day.isoformat()
        assert _fast(text) == _general(text)
        assert _slots(parse_date(text)) == _slots(_parse(text, None, None))

    @given(st.from_regex(r"\A[0-9]{4}-[0-9]{2}-[0-9]{2}\Z"))
    @example("2022-02-30")
    @example("0000-01-01")
    @example("2022-13-01")
    @example("2022-00-10")
    def test_every_iso_shaped_text_agrees(self, text: str) -> None:
        """Days that do not exist (30 February, month 13, year 0) are the general
        parser's errors, with its messages."""
        assert _fast(text) == _general(text)

    @given(st.text(alphabet="0123456789-/.１２年月日 \u3000R", min_size=8, max_size=12))
    @example("２０２２-05-17")
    @example("2022-05-17 ")
    @example("2022/05/17")
    def test_near_iso_texts_agree(self, text: str) -> None:
        assert _fast(text) == _general(text)


# ------------------------------------------------------------------------ the CSV text

_DATES = st.one_of(
    st.dates(min_value=date(1873, 1, 1), max_value=date(2200, 12, 31)).map(date.isoformat),
    spans().map(format_span),
    spans().map(lambda s: format_span(s, era=True)),
    st.sampled_from(
        [
            "R4.5.31",
            "H30.4.30",
            "2022年5月末",
            "令和4年度",
            "2022-02-30",
            "",
            " 2022-05-31 ",
            "R9.13",
            "1800-01-01",
            "2999-01-01",
            "5/17",
            "2022-05-31\x0c",
            "a" * 120,
        ]
    ),
)
_IDS = st.sampled_from(
    ["kpi1", "kpi2", "kpi6", " kpi1 ", "", "k\x01", "全国", "  ", "kpi_of_twenty_chars"]
)
_VALUES = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(-(10**6), 10**6).map(str),
    st.sampled_from(
        ["1,234", "約3", "45%", "nan", "1e400", "", "halfway", " 3.5 ", "\x0c3", "1" * 120, "٣"]
    ),
)


@st.composite
def _csv_texts(draw: st.DrawFn) -> str:
    columns = draw(st.permutations(["kpi_id", "date", "value"]))
    if draw(st.integers(0, 9)) == 0:
        columns = [*columns, draw(st.sampled_from(["note", "series", "", "valeu"]))]
    head = ",".join(f" {c}" if draw(st.booleans()) and c else c for c in columns)
    lines = [""] * draw(st.integers(0, 1)) + [head]
    for _ in range(draw(st.integers(0, 12))):
        kind = draw(st.integers(0, 19))
        if kind == 0:
            lines.append("")
            continue
        cells = {"kpi_id": draw(_IDS), "date": draw(_DATES), "value": draw(_VALUES)}
        cells.update({"note": "", "series": "", "": "", "valeu": ""})
        row = [cells[c] for c in columns]
        if kind == 1:
            row.append(draw(st.sampled_from(["", "x", " "])))
        elif kind == 2:
            row = row[:-1]
        lines.append(",".join(row))
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    return newline.join(lines) + draw(st.sampled_from(["", newline]))


def _outcome(read: object, text: str) -> object:
    """Rows with every detail of them, or the problems' messages."""
    seen: list[int] = []
    try:
        rows = read(text, source="m.csv", progress=seen.append)  # type: ignore[operator]
    except PlanError as exc:
        return "error", [str(p) for p in exc.problems], exc.source, seen
    details = [(r, r.measurement.when.text, r.measurement.when.fiscal_end) for r in rows]
    return "rows", details, seen


@given(_csv_texts(), st.sampled_from([1 << 20, 1, 7, 40]))
def test_plain_csv_reads_as_any_csv(text: str, block: int) -> None:
    """The plain reading (in blocks of any size) and the row-by-row one agree."""
    with mock.patch.object(measurements._Plain, "_BLOCK", block):
        assert _outcome(loads_measurements, text) == _outcome(measurements._loads_csv, text)


@given(_csv_texts(), st.sampled_from([1 << 20, 1, 40]), st.sampled_from([4, 18, 20, 22, 30]))
@example("kpi_id,date,value\nkpi_of_twenty_chars,2022-05-31,1\n", 1, 18)
@example("kpi_id,date,value\nkpi1,2022-05-31,-1.2345678901234567e-300\n", 1, 20)
@example("kpi_id,date,value\nkpi1,2022-05-31,1\nkpi1,2022-06-30,2\n", 1, 18)
def test_plain_csv_reads_as_any_csv_with_a_small_cell_limit(
    text: str, block: int, limit: int
) -> None:
    """A line over the csv module's cell limit whose cells are not, and a cell over it
    (an id, a date or a value), read as the csv module reads them."""
    import csv

    before = csv.field_size_limit(limit)
    try:
        with mock.patch.object(measurements._Plain, "_BLOCK", block):
            fast = _outcome(loads_measurements, text)
        assert fast == _outcome(measurements._loads_csv, text)
    finally:
        csv.field_size_limit(before)


@pytest.mark.parametrize("bad", ["", "kpi1,2022-02-30,1\n", "kpi1,2022-05-31,x,y\n"])
def test_progress_counts_as_the_row_by_row_reading_does(bad: str) -> None:
    rows = "".join(f"kpi{i % 3},2022-05-{i % 28 + 1:02d},{i}\n" for i in range(2500))
    text = "kpi_id,date,value\n" + rows[:30000] + bad + rows[30000:] + "\n,,\n"
    with mock.patch.object(measurements._Plain, "_BLOCK", 5000):
        fast = _outcome(loads_measurements, text)
    assert fast == _outcome(measurements._loads_csv, text)
    assert fast[-1] == [1000, 2000]


def test_a_cell_over_the_csv_limit_is_read_as_any_csv() -> None:
    text = "kpi_id,date,value\nkpi1,2022-05-31,1\nkpi1,2022-06-30," + "1" * 200_000 + "\n"
    assert _outcome(loads_measurements, text) == _outcome(measurements._loads_csv, text)
    assert "unreadable CSV" in str(_outcome(loads_measurements, text))


class TestOwnMeasurements:
    @given(st.lists(st.tuples(spans(), st.floats(-1e9, 1e9)), max_size=20))
    def test_the_same_as_measurement(self, items: list[tuple[DateSpan, float]]) -> None:
        whens = [w for w, _ in items]
        values = [v for _, v in items]
        made = own_measurements(whens, values)
        expected = [Measurement(when=w, value=v) for w, v in items]
        assert made == expected
        assert [repr(m) for m in made] == [repr(m) for m in expected]

    def test_a_bad_item_raises_what_measurement_raises(self) -> None:
        day = parse_date("2022-05-31")
        with pytest.raises(ValueError, match="value must be finite"):
            own_measurements([day, day], [1.0, float("nan")])
        with pytest.raises(ValueError, match="outside the supported range"):
            own_measurements([parse_date("1800-01-01")], [1.0])
        with pytest.raises(ValueError, match="1 spans for 2 values"):
            own_measurements([day], [1.0, 2.0])

    def test_every_field_is_filled(self) -> None:
        """A field added to Measurement is filled by the bulk path too."""
        (made,) = own_measurements([parse_date("2022-05-31")], [1.0])
        for field in attrs.fields(Measurement):
            assert getattr(made, field.name) == (
                field.default if field.name not in ("when", "value") else getattr(made, field.name)
            )


class TestOneChecked:
    """A baseline or target a plan reader has checked, built without attrs' __init__."""

    _VALUES = (
        st.floats(-1e9, 1e9) | st.sampled_from([90.0, -0.0, 0.0, 5e-324]) | st.text(max_size=5)
    )

    @given(spans(), _VALUES)
    def test_the_same_as_measurement(self, when: DateSpan, value: float | str) -> None:
        made = checked_measurement(when, value)
        expected = Measurement(when=when, value=value)
        assert made == expected
        assert repr(made) == repr(expected)
        assert made.value is expected.value or type(value) is str or not value

    @given(spans(), _VALUES)
    def test_the_same_as_target(self, deadline: DateSpan, value: float | str) -> None:
        made = checked_target(value, deadline)
        expected = Target(value=value, deadline=deadline)
        assert made == expected
        assert repr(made) == repr(expected)
        assert hash(made) == hash(expected)

    def test_every_field_is_filled(self) -> None:
        """A field added to Measurement or Target is filled here too (a slot left
        unset would raise AttributeError)."""
        day = parse_date("2022-05-31")
        for made, cls in (
            (checked_measurement(day, 1.0), Measurement),
            (checked_target(1.0, day), Target),
        ):
            for field in attrs.fields(cls):
                getattr(made, field.name)


def _kpi_outcome(build: Any, fields: dict[str, Any]) -> object:
    try:
        made = build(fields)
    except (TypeError, ValueError, PlanError) as exc:
        return type(exc), str(exc)
    return made, made.history(), made.numbers()


@given(plans(), st.data())
def test_built_kpi_is_kpi(plan: Any, data: st.DataObject) -> None:
    """built_kpi(fields) is KPI(**fields): the same KPI, or the same error, for fields
    given or left to their defaults, and a field changed to a value a check refuses."""
    init = [f.name for f in attrs.fields(KPI) if f.init]
    for made in plan.kpis:
        given_names = data.draw(st.sets(st.sampled_from(init)))
        fields = {name: getattr(made, name) for name in init if name in given_names}
        fields |= {name: getattr(made, name) for name in ("id", "name", "target")}
        if data.draw(st.booleans()):
            name, value = data.draw(
                st.sampled_from(
                    [
                        ("id", ""),
                        ("id", 5),
                        ("bounds", (5.0, 1.0)),
                        ("bounds", [0, 100]),
                        ("weight", -1.0),
                        ("weight", 2),
                        ("decimals", 11),
                        ("measurements", [*made.measurements, *made.measurements]),
                        ("stages", [made.ladder[0], made.ladder[0]]),
                        ("baseline", made.measurements[-1] if made.measurements else None),
                    ]
                )
            )
            fields[name] = value
        expected = _kpi_outcome(lambda f: KPI(**f), fields)
        assert _kpi_outcome(built_kpi, fields) == expected


def _unchecked(made: KPI, **changes: object) -> KPI:
    """A copy of a KPI with fields changed, built without its checks (to check it)."""
    copy: KPI = object.__new__(KPI)
    for field in attrs.fields(KPI):
        object.__setattr__(copy, field.name, changes.get(field.name, getattr(made, field.name)))
    return copy


@given(plans(), st.data())
def test_the_usual_kpi_has_the_problems_each_check_finds(plan: Any, data: st.DataObject) -> None:
    """kpi_problems' shortcut for a plain quantitative KPI finds what the checks made
    one by one find: nothing, or each problem (a baseline equal to the target or after
    its deadline, of another series or a text, a text target, stages)."""
    for made in plan.kpis:
        base, target = made.baseline, made.target
        changes: dict[str, object] = {}
        choice = data.draw(st.integers(0, 7))
        if choice == 1 and base is not None and isinstance(target.value, float):
            changes["baseline"] = attrs.evolve(base, value=target.value + 1e-13)
        elif choice == 2 and base is not None:
            late = DateSpan.day(date(target.due.year + 1, 1, 1))
            changes["baseline"] = attrs.evolve(base, when=late)
        elif choice == 3 and base is not None:
            changes["baseline"] = attrs.evolve(base, series="applied")
        elif choice == 4 and base is not None:
            changes["baseline"] = attrs.evolve(base, value="achieved")
        elif choice == 5:
            changes["target"] = attrs.evolve(target, value="achieved")
        elif choice == 6:
            changes["stages"] = (made.ladder[0], made.ladder[0])
        elif choice == 7 and made.measurements:
            changes["measurements"] = made.measurements[::-1] + made.measurements
        kpi_now = _unchecked(made, **changes)
        found = checks.kpi_problems(kpi_now)
        with mock.patch.object(checks, "_plain_quantitative", return_value=False):
            assert found == checks.kpi_problems(kpi_now)


_NUMBERS = st.floats() | st.integers(-5, 5) | st.booleans()


@given(st.lists(_NUMBERS, min_size=1, max_size=3).map(tuple) | st.lists(_NUMBERS, max_size=3))
@example((-math.inf, 1.0))
@example((0.0, math.inf))
@example((math.nan, 1.0))
@example((2.0, 1.0))
@example((1.0, 2.0))
def test_bounds_as_written_stored_and_checked(pair: Any) -> None:
    """The usual bounds (two floats, in order) pass the shortcut of _pair and _bounds,
    anything else their checks, as the rules say: two finite numbers, low < high."""
    attribute = attrs.fields(KPI).bounds
    stored = kpi._pair(pair)
    if isinstance(pair, list | tuple) and len(pair) == 2:
        assert stored == tuple(float(x) if type(x) is int else x for x in pair)
    else:
        assert stored is pair
    sound = (
        isinstance(stored, tuple)
        and len(stored) == 2
        and all(type(x) in (int, float) and math.isfinite(x) for x in stored)
        and stored[0] < stored[1]
    )
    try:
        kpi._bounds(None, attribute, stored)
    except (TypeError, ValueError):
        assert not sound
    else:
        assert sound


_SOME_TEXTS = st.sets(
    st.text(max_size=4)
    | st.sampled_from([" k", "k ", "\u3000k", "a\x01", "\x7f", "\ud800", "\udc00", "x" * 10_001]),
    max_size=4,
)


@given(_SOME_TEXTS, st.booleans())
@example({chr(0xD800), chr(0xDC00)}, False)  # two halves of a pair, each alone in its text
@example({"k", "\x0a"}, True)  # a newline: fine in a text, not in an id
def test_texts_sound_in_bulk_where_each_is_sound(texts: set[str], is_id: bool) -> None:
    each = all(checks.text_problem(t, is_id=is_id) is None for t in texts)
    assert checks.texts_sound(texts, is_id=is_id) == each


# ---------------------------------------------------------------------- plan files

_BAD_TEXTS = st.sampled_from(["a\x01b", " k ", "x" * 10_001, "\ud800", "ok", "", "2022-05-31"])


@st.composite
def _plan_data(draw: st.DrawFn) -> dict[str, Any]:
    """A plan's plain data, often with a mistake in its measurements or texts."""
    data: dict[str, Any] = plan_to_dict(draw(plans()))
    kpis = data.get("kpis", [])
    for _ in range(draw(st.integers(0, 3))):
        if not kpis:
            break
        kpi = draw(st.sampled_from(kpis))
        items = kpi.setdefault("measurements", [])
        if not isinstance(items, list) or not all(isinstance(m, dict) for m in items):
            continue  # replaced by a value of the wrong kind already
        change = draw(st.integers(0, 13))
        if change == 0 and items:
            items.reverse()
        elif change == 1 and items:
            items.append(dict(items[0]))
        elif change == 2 and items:
            draw(st.sampled_from(items))["value"] = draw(
                st.sampled_from([True, "halfway", 10**400, float("nan"), "achieved", 3])
            )
        elif change == 3 and items:
            draw(st.sampled_from(items))["when"] = draw(
                st.sampled_from(["2022-02-30", "1800-01-01", "2300年5月", "x" * 200, 5, "R4.5"])
            )
        elif change == 4 and items:
            draw(st.sampled_from(items))[draw(st.sampled_from(["series", "note", "typo"]))] = draw(
                _BAD_TEXTS
            )
        elif change == 5:
            kpi["name"] = draw(_BAD_TEXTS)
        elif change == 6 and items:
            draw(st.sampled_from(items)).pop("value", None)  # perhaps taken already
        elif change == 7:
            items.append({"when": draw(st.dates()).isoformat(), "value": draw(st.floats())})
        elif change == 8:
            kpi["measurements"] = draw(st.sampled_from([{}, "kpi1", [1, 2], [[]]]))
        elif change == 9 and items and "baseline" in kpi:
            items[0]["when"] = kpi["baseline"]["when"]  # on the baseline's day
        elif change == 10 and isinstance(kpi.get("target"), dict):
            kpi["target"]["deadline"] = draw(
                st.sampled_from(["2022-02-30", "1800-01-01", 5, "R4.5", "2023年度"])
            )
        elif change == 12:
            kpi[draw(st.sampled_from(["unit", "bounds", "id", "direction", "kind", "extra"]))] = (
                draw(st.sampled_from([5, [1], [5, 1], ["a", 1], [0, 10**400], "", None, "x"]))
            )
        elif change == 13:
            kpi.pop(draw(st.sampled_from(["id", "name", "target"])), None)
        elif change == 11 and "baseline" in kpi:
            kpi["baseline"][draw(st.sampled_from(["value", "when", "note"]))] = draw(
                st.sampled_from([True, "halfway", 10**400, float("inf"), 3, "2022-02-30"])
            )
    return data


def _plan_outcome(data: dict[str, Any]) -> object:
    try:
        plan = plan_from_dict(data)
    except PlanError as exc:
        return "error", [str(p) for p in exc.problems]
    texts = [m.when.text for k in plan.kpis for m in k.measurements]
    return plan, texts


@given(_plan_data())
def test_plan_data_reads_the_same_without_the_fast_paths(data: dict[str, Any]) -> None:
    """Bulk measurements, the texts and KPI checks in C loops: the same plan, or the
    same problems in the same order, as each item checked one by one."""
    fast = _plan_outcome(data)
    with (
        mock.patch.object(convert, "_plain_plan", return_value=None),
        mock.patch.object(convert, "_plain_measurements", return_value=None),
        mock.patch.object(convert, "_plain_entity", return_value=None),
        mock.patch.object(checks, "_plain_own_series", return_value=False),
        mock.patch.object(checks, "_texts_pass", return_value=False),
    ):
        slow = _plan_outcome(data)
    assert fast == slow


_JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=3) | _BAD_TEXTS,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(max_size=3) | _BAD_TEXTS, inner, max_size=4)
    ),
    max_leaves=30,
)


_KEYS = st.sampled_from(["a", "b", "a:b", ":", "x" * 10_001, "ü"])
_LEAVES = st.none() | st.booleans() | st.integers() | st.floats() | _KEYS | st.text(max_size=3)


def _json_text(value: object, colon: str) -> str:
    """JSON text of nested pair lists (("k", v), ...) (an object; repeats kept) and
    lists of lists (an array), every colon in a text written as ``colon``."""
    if isinstance(value, tuple):
        items = (f"{_json_text(k, colon)}: {_json_text(v, colon)}" for k, v in value)
        return "{" + ", ".join(items) + "}"
    if isinstance(value, list):
        return "[" + ",".join(_json_text(v, colon) for v in value) + "]"
    text = json.dumps(value)
    return text.replace(":", colon) if isinstance(value, str) else text


_PAIRS = st.recursive(
    _LEAVES,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.lists(st.tuples(_KEYS | st.text(max_size=2), inner), max_size=4).map(tuple)
    ),
    max_leaves=20,
)


@given(
    st.lists(st.tuples(_KEYS, _PAIRS), max_size=4).map(tuple),
    st.sampled_from([":", "\\u003a", "\\u003A"]),
    st.sampled_from(["", "}", " x"]),
    st.sampled_from([5, 40, 10**6]),
)
@example((("a", 1), ("a", ":")), "\\u003a", "", 10**6)  # a repeat, a colon escaped
@example((("a", 1), ("a", ":")), ":", " x", 10**6)  # a repeat, then a syntax error
def test_json_reads_as_with_the_repeat_hook(
    data: tuple[Any, ...], colon: str, tail: str, most: int
) -> None:
    """The json module alone, then a count of the colons: the same data, or the same
    problem, as the hook that refuses a repeated key (a repeat, a colon inside a text
    or written as an escape, a syntax error after a repeat, data over the limits)."""
    text = _json_text(data, colon) + tail

    def outcome(decode: Any) -> object:
        try:
            return "data", decode()
        except PlanError as exc:
            return "error", [str(p) for p in exc.problems]

    def with_the_hook() -> object:
        with mock.patch.object(files, "_load_json", lambda t: (files._hooked_json(t), False)):
            return files._decode(text, "json")

    with mock.patch.object(files, "MAX_NODES", most):
        assert outcome(lambda: files._decode(text, "json")) == outcome(with_the_hook)


@given(st.dictionaries(st.text(max_size=3), _JSONISH, max_size=4), st.sampled_from([5, 40, 10**6]))
def test_the_limits_pass_in_bulk_exactly_where_they_pass_one_by_one(
    data: dict[str, Any], most: int
) -> None:
    with mock.patch.object(files, "MAX_NODES", most):
        assert files._within_limits(data) == _passes_one_by_one(data)


@pytest.mark.parametrize("depth", [63, 64, 65])
def test_the_depth_limit_in_bulk(depth: int) -> None:
    """Tables and lists 64 deep pass, 65 do not (the root table is at depth 1)."""
    data: Any = 1
    for level in range(depth):
        data = [data] if level % 2 else {"x": data}
    root = {"x": data} if isinstance(data, list) else data
    levels = depth + (1 if isinstance(data, list) else 0)
    assert files._within_limits(root) == (levels <= 64)
    assert files._within_limits(root) == _passes_one_by_one(root)


def _passes_one_by_one(data: dict[str, Any]) -> bool:
    try:
        files._check_each(data)
    except files._LimitError:
        return False
    return True


def _merge_outcome(text: str) -> object:
    try:
        rows = loads_measurements(text, source="m.csv")
        plan = merge_measurements(maebashi_2022(), rows)
    except PlanError as exc:
        return "error", [str(p) for p in exc.problems], exc.source
    return plan, [[m.when.text for m in k.measurements] for k in plan.kpis]


@given(_csv_texts())
@example("kpi_id,date,value\nkpi2,2022年4月末,45.42\nkpi2,2022-06-30,48\nkpi2,2022-05-31,47\n")
@example("kpi_id,date,value\nkpi2,2022年4月末,45.5\n")
@example("kpi_id,date,value\nkpi2,2022-06-30,48\nkpi2,2022-06-30,48\nkpi2,2022-07-31,49\n")
@example("kpi_id,date,value\nkpi2,2022-06-30,48\nkpi2,2022-06-30,49\n")
def test_merging_in_bulk_is_merging_row_by_row(text: str) -> None:
    """Rows of a KPI's own series merge in bulk as they merge one by one: rows equal to
    a measurement the KPI has are left out, the rest added in date order."""
    fast = _merge_outcome(text)
    with mock.patch.object(measurements, "_merge_own", return_value=None):
        assert fast == _merge_outcome(text)


class TestSharedDays:
    def test_a_day_asked_for_again_is_the_same_span(self) -> None:
        day = date(2022, 5, 31)
        assert DateSpan.day(day) is DateSpan.day(date(2022, 5, 31))
        assert DateSpan.day(day, approximate=True) is not DateSpan.day(day)
        assert DateSpan.day(day, approximate=True).approximate

    def test_what_is_refused_stays_refused(self) -> None:
        """The kept spans are looked up by type too: 1 is not True, a datetime no date."""
        from datetime import datetime

        DateSpan.day(date(2022, 5, 31), approximate=True)
        with pytest.raises(DateParseError, match="approximate must be a bool"):
            DateSpan.day(date(2022, 5, 31), approximate=1)  # type: ignore[arg-type]
        DateSpan.day(date(2022, 5, 31))
        with pytest.raises(DateParseError, match=r"must be a datetime\.date"):
            DateSpan.day(datetime(2022, 5, 31))


class TestSharedValues:
    def test_equal_values_share_one_float(self) -> None:
        day = parse_date("2022-05-31")
        first = Measurement(when=day, value=float("12.34"))
        assert Measurement(when=day, value=float("12.34")).value is first.value

    def test_zero_keeps_its_sign_and_the_table_its_bound(self) -> None:
        day = parse_date("2022-05-31")
        assert str(Measurement(when=day, value=0.0).value) == "0.0"
        assert str(Measurement(when=day, value=-0.0).value) == "-0.0"
        with mock.patch.object(kpi, "_SHARED", {}), mock.patch.object(kpi, "_SHARED_MOST", 2):
            for i in range(5):
                Measurement(when=day, value=i + 0.5)
            assert kpi._SHARED == {0.5: 0.5, 1.5: 1.5}


_KPI_MISTAKES = [
    ("unit", 5),
    ("name", None),
    ("name_en", ["x"]),
    ("id", ""),
    ("id", " kpi1"),
    ("bounds", [1]),
    ("bounds", [5, 1]),
    ("bounds", ["a", 1]),
    ("bounds", [0, 10**400]),
    ("bounds", [0, float("inf")]),
    ("bounds", [True, 5]),
    ("bounds", None),
    ("bounds", [0, 100]),
    ("direction", "up"),
    ("direction", "decrease"),
    ("kind", 5),
    ("kind", "staged"),
    ("extra", 1),
    ("target", None),
    ("target", {"value": 50, "deadline": "2025年度", "label": "x"}),
    ("baseline", None),
    ("baseline", {"when": "x", "value": 1}),
    ("measurements", "x"),
    ("measurements", []),
    ("name", "ok"),
]


@pytest.mark.parametrize(("field", "value"), _KPI_MISTAKES)
def test_a_kpi_reads_the_same_without_the_fast_paths(field: str, value: object) -> None:
    """Each KPI field written plainly, of another type, or refused by the KPI itself."""
    data = plan_to_dict(maebashi_2022())
    for entry in data["kpis"]:  # the fields the fast path reads, and one mistake
        for other in ("update_frequency", "series", "value_label", "value_label_en"):
            entry.pop(other, None)
        plain = [m for m in entry.get("measurements", []) if "series" not in m]
        entry["measurements"] = [{"when": m["when"], "value": m["value"]} for m in plain]
        entry["baseline"] = {k: entry["baseline"][k] for k in ("when", "value")}
        entry["target"] = {k: entry["target"][k] for k in ("value", "deadline")}
        entry[field] = value
    fast = _plan_outcome(data)
    with (
        mock.patch.object(convert, "_plain_plan", return_value=None),
        mock.patch.object(convert, "_plain_entity", return_value=None),
    ):
        assert fast == _plan_outcome(data)
