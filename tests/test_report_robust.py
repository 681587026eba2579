"""Every renderer copes with every valid plan (issue 11.3): extreme numbers, long names,
characters that need escaping, empty plans, KPIs without measurements, staged KPIs.

The SVG layout is checked here with the renderer's own width estimate (every label
inside its chart); the browser test checks the same in Chromium with real fonts.
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from maebashi_dx.assess import assess
from maebashi_dx.conflicts import find_conflicts
from maebashi_dx.datasets import maebashi_2022
from maebashi_dx.dates import parse_date
from maebashi_dx.model import Measurement, Plan
from maebashi_dx.report import RENDER_FORMATS, progress_table, render
from maebashi_dx.report.document import build_report, render_report
from maebashi_dx.report.svg import gantt_svg, kpi_chart_svg, text_width
from maebashi_dx.report.xlsx import table_to_xlsx
from tests.strategies import plans

openpyxl = pytest.importorskip("openpyxl")

LANGS = ("ja", "en")
TEXT = re.compile(
    r'<text x="(?P<x>[-\d.]+)" y="(?P<y>[-\d.]+)"(?: text-anchor="(?P<anchor>\w+)")?'
    r'(?: [a-z-]+="[^"]*")*>(?P<body>[^<]*)'
)
VIEWBOX = re.compile(r'viewBox="0 0 (?P<w>\d+) (?P<h>\d+)"')


def unescape(text: str) -> str:
    return (
        text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", '"')
        .replace("&#x27;", "'")
        .replace("&amp;", "&")
    )


def labels_outside(svg: str) -> list[str]:
    """Labels that by the renderer's own estimate stick out of the SVG's box."""
    box = VIEWBOX.search(svg)
    assert box is not None
    width, height = float(box["w"]), float(box["h"])
    out = []
    for m in TEXT.finditer(svg):
        x, y, body = float(m["x"]), float(m["y"]), unescape(m["body"])
        size = 13 if 'font-size="13"' in m.group() else 11
        w = text_width(body, size)
        left = {"end": x - w, "middle": x - w / 2}.get(m["anchor"] or "start", x)
        if left < 0 or left + w > width or y < size * 0.8 or y > height:
            out.append(f"{body!r} at x={x} ({m['anchor'] or 'start'}), width {w}")
    return out


def test_the_layout_check_can_fail() -> None:
    svg = '<svg viewBox="0 0 100 50"><text x="90" y="20">2023年10月</text></svg>'
    assert labels_outside(svg) != []


def render_everything(plan: Plan, lang: str, as_of: date | None = None) -> dict[str, str]:
    """Every text output of the report package for a plan, by name."""
    day = as_of or plan.report_date or plan.period.start
    result = assess(plan, day)
    conflicts = tuple(find_conflicts(plan))
    table = progress_table(plan, as_of=day, lang=lang, assessment=result)  # type: ignore[arg-type]
    out = {f"table.{fmt}": render(table, fmt) for fmt in RENDER_FORMATS}
    book = openpyxl.load_workbook(io.BytesIO(table_to_xlsx(table)))
    out["table.xlsx"] = "\n".join(
        str(c.value) for row in book.active.iter_rows() for c in row if c.value is not None
    )
    report = build_report(plan, result, conflicts, lang=lang)  # type: ignore[arg-type]
    out["report.html"] = render_report(report, "html")
    out["report.md"] = render_report(report, "markdown")
    for kpi in plan.kpis:
        out[f"svg.{kpi.id}"] = kpi_chart_svg(kpi, result.row(kpi.id), lang=lang)  # type: ignore[arg-type]
    out["svg.gantt"] = gantt_svg(plan, conflicts, lang=lang)  # type: ignore[arg-type]
    return out


def check_outputs(plan: Plan, outputs: dict[str, str]) -> None:
    for name, svg in outputs.items():
        if name.startswith("svg.") and svg:
            assert labels_outside(svg) == [], name
    rows = list(csv.reader(io.StringIO(outputs["table.csv"])))
    assert len(rows) == 1 + len(plan.kpis)
    data = json.loads(outputs["table.json"])
    assert [r["kpi_id"] for r in data["rows"]] == [k.id for k in plan.kpis]
    table_lines = [ln for ln in outputs["table.markdown"].splitlines() if ln.startswith("| ")]
    assert len(table_lines) == 1 + len(plan.kpis)
    assert all(
        len(re.split(r"(?<!\\)\|", ln)) == len(re.split(r"(?<!\\)\|", table_lines[0]))
        for ln in table_lines
    )


@settings(max_examples=30)
@given(plan=plans(), lang=st.sampled_from(LANGS))
def test_every_renderer_copes_with_any_valid_plan(plan: Plan, lang: str) -> None:
    check_outputs(plan, render_everything(plan, lang))


def _with_kpi(**changes: object) -> Plan:
    plan = maebashi_2022()
    return attrs.evolve(plan, kpis=(attrs.evolve(plan.kpi("kpi1"), **changes), *plan.kpis[1:]))


def _values(*values: float, unit: str = "件", target: float | None = None) -> Plan:
    """kpi1 with these values (baseline first), no bounds, in ``unit``."""
    kpi = maebashi_2022().kpi("kpi1")
    days = ["2020年7月", "2021年3月", "2021年9月", "2022年5月"]
    first, *rest = values
    return _with_kpi(
        unit=unit,
        bounds=None,
        baseline=Measurement(when=parse_date(days[0]), value=first),
        measurements=tuple(
            Measurement(when=parse_date(d), value=v) for d, v in zip(days[1:], rest, strict=False)
        ),
        target=attrs.evolve(
            kpi.target, value=target if target is not None else min(values[-1] * 2, 1.79e308)
        ),
    )


EXTREMES = {
    "huge": _values(1e300, 1.5e300, 1.7e300),
    "largest": _values(1e307, 8e307, 1.7e308),
    "tiny": _values(1e-300, 2e-300, 5e-300, target=1e-6),
    "tiny target": _values(1e-9, 2e-9, 5e-9, unit="%"),
    "subnormal": _values(5e-324, 1e-323, 2e-323, unit="%", target=1.0),
    "negative": _values(-5e6, -4e6, -1e6, unit="円"),
    "flat negative": _values(-5.0, -5.0, -5.0, unit="", target=-4.0),
    "flat zero": _values(0.0, 0.0, 0.0, unit="%", target=1.0),
    "counts": _values(59372.2, 60372.2, 61372.9),
}


@pytest.mark.parametrize("case", sorted(EXTREMES))
@pytest.mark.parametrize("lang", LANGS)
def test_extreme_values(case: str, lang: str) -> None:
    plan = EXTREMES[case]
    outputs = render_everything(plan, lang)
    check_outputs(plan, outputs)
    svg = outputs["svg.kpi1"]
    assert not re.search(r"nan|inf", svg, re.IGNORECASE)
    visible = re.sub(r"<[^>]*>", " ", svg) + outputs["table.text"]
    assert not re.search(r"\de[+-]?\d", visible)  # 1×10³⁰⁰, never 1e+300


LONG = "長い名称" * 2500  # 10,000 characters, the longest text a plan may hold
HOSTILE = 'a|b <script>alert("x")</script> & c\nd `e` **f** ,"g"'


def _named(name: str) -> Plan:
    """The bundled plan with ``name`` as its name, kpi1's and its first milestone's."""
    plan = maebashi_2022()
    return attrs.evolve(
        plan,
        name=name,
        name_en=name,
        kpis=(attrs.evolve(plan.kpi("kpi1"), name=name, name_en=name), *plan.kpis[1:]),
        milestones=(
            attrs.evolve(plan.milestones[0], title=name, title_en=name),
            *plan.milestones[1:],
        ),
    )


@pytest.mark.parametrize("lang", LANGS)
def test_very_long_names(lang: str) -> None:
    plan = _named(LONG)
    outputs = render_everything(plan, lang)
    check_outputs(plan, outputs)
    assert len(outputs["svg.kpi1"]) < 20_000  # the title is shortened to fit, not kept whole
    assert LONG in outputs["report.html"]  # …but the report keeps it in full


@pytest.mark.parametrize("lang", LANGS)
def test_names_that_need_escaping(lang: str) -> None:
    plan = _named(HOSTILE)
    outputs = render_everything(plan, lang)
    check_outputs(plan, outputs)
    for name in ("report.html", "table.html", "svg.kpi1", "svg.gantt"):
        assert "<script>alert" not in outputs[name], name
    rows = list(csv.reader(io.StringIO(outputs["table.csv"])))
    assert rows[1][1].endswith(HOSTILE)  # the name read back intact
    assert json.loads(outputs["table.json"])["rows"][0]["cells"]["kpi"].endswith(HOSTILE)
    assert "\\<script\\>" in outputs["table.markdown"]
    assert "\\<script\\>" in outputs["report.md"]


def test_markdown_explanations_cannot_close_their_fence() -> None:
    plan = _with_kpi(name="```\n# not a heading")
    md = render_everything(plan, "ja")["report.md"]
    assert "\n````text\n```\n# not a heading" in md


def test_an_excel_cell_starting_with_equals_stays_text() -> None:
    """Excel must never run a plan's words as a formula."""
    openpyxl = pytest.importorskip("openpyxl")
    from maebashi_dx.report.xlsx import table_to_xlsx

    plan = attrs.evolve(maebashi_2022(), name='=HYPERLINK("http://example.com")')
    book = openpyxl.load_workbook(io.BytesIO(table_to_xlsx(progress_table(plan))))
    cell = book.active["A2"]
    assert cell.value.startswith('=HYPERLINK("http://example.com")')
    assert cell.data_type == "s"


@pytest.mark.parametrize("lang", LANGS)
def test_a_plan_without_kpis_or_milestones(lang: str) -> None:
    plan = attrs.evolve(
        maebashi_2022(),
        pillars=(),
        kpis=(),
        working_groups=(),
        milestones=(),
    )
    outputs = render_everything(plan, lang)
    check_outputs(plan, outputs)
    assert outputs["svg.gantt"] == ""
    no_kpis = "KPIがありません。" if lang == "ja" else "The plan has no KPIs."
    assert no_kpis in outputs["report.html"]


@pytest.mark.parametrize("lang", LANGS)
def test_kpis_without_measurements(lang: str) -> None:
    plan = maebashi_2022()
    bare = tuple(attrs.evolve(k, baseline=None, measurements=()) for k in plan.kpis)
    plan = attrs.evolve(plan, kpis=bare)
    outputs = render_everything(plan, lang)
    check_outputs(plan, outputs)
    assert progress_table(plan).rows[0].cells["current"] == "—"


@pytest.mark.parametrize("lang", LANGS)
def test_staged_kpis_are_charted_by_stage_names(lang: str) -> None:
    plan = maebashi_2022()
    result = assess(plan, plan.report_date)
    svg = kpi_chart_svg(plan.kpi("kpi3"), result.row("kpi3"), lang=lang)  # type: ignore[arg-type]
    assert labels_outside(svg) == []
    assert ("未着手" if lang == "ja" else "not started") in svg


@pytest.mark.parametrize("as_of", ["1990-01-01", "2199-12-31"])
def test_an_as_of_far_from_the_plan(as_of: str) -> None:
    plan = maebashi_2022()
    outputs = render_everything(plan, "ja", date.fromisoformat(as_of))
    check_outputs(plan, outputs)


def test_json_writes_a_number_that_is_not_finite_as_null() -> None:
    """JSON has no NaN or infinity: an overflowed figure in the data must not stop the
    renderer."""
    table = progress_table(maebashi_2022())
    row = attrs.evolve(table.rows[0], data={"pace": float("inf"), "ys": [1.0, float("nan")]})
    table = attrs.evolve(table, rows=(row, *table.rows[1:]))
    data = json.loads(render(table, "json"))
    assert data["rows"][0]["data"] == {"pace": None, "ys": [1.0, None]}


def test_a_chart_of_nothing_but_a_subnormal_target() -> None:
    """Found by the fuzzer: as of a day before any measurement, the only value drawn is a
    target of 5e-324; its ticks, on a 10⁻³⁰⁰ scale, rounded to one value (a step of 0)."""
    kpi = maebashi_2022().kpi("kpi1")
    plan = _with_kpi(
        bounds=None,
        measurements=(),
        target=attrs.evolve(kpi.target, value=5e-324),
    )
    outputs = render_everything(plan, "ja", as_of=date(2019, 4, 1))
    check_outputs(plan, outputs)
    assert "<svg" in outputs["svg.kpi1"]
