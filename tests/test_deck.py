"""The committee's slides (issue 15): read back with python-pptx and checked against the
report's own data, for the bundled plan and a plan made by ``maebashi-dx init``."""

from __future__ import annotations

import io
import itertools
import re
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pptx import Presentation
from pptx.enum.chart import XL_CHART_TYPE
from pptx.enum.shapes import MSO_SHAPE, MSO_SHAPE_TYPE
from pptx.oxml.ns import qn
from pptx.util import Emu, Inches

from maebashi_dx.assess import Assessment, assess
from maebashi_dx.cli import main
from maebashi_dx.conflicts import find_conflicts
from maebashi_dx.datasets import maebashi_2022
from maebashi_dx.dates import DateSpan
from maebashi_dx.i18n import Lang, text
from maebashi_dx.model import KPIKind, Milestone, Plan
from maebashi_dx.model.schedule import LifecycleStage
from maebashi_dx.report import deck, progress_table
from maebashi_dx.report.deck import FONT, FONT_FALLBACK, TemplateError, era_day, serial
from maebashi_dx.report.deck import _cell_widths as cell_widths
from maebashi_dx.report.deck import _pages as pages_of
from maebashi_dx.report.deck import _widths as widths_of
from maebashi_dx.report.deck import _wrapped as wrapped
from maebashi_dx.report.fmt import clip_to_bounds, report_title
from maebashi_dx.report.table import Table
from tests.test_report_japanese import latin_words, starter_plan

PLANS = {"bundled": maebashi_2022, "starter": starter_plan}
CHART_NS = "http://schemas.openxmlformats.org/drawingml/2006/chart"


def read(data: bytes) -> Any:
    return Presentation(io.BytesIO(data))


def title_of(slide: Any) -> str:
    title = slide.shapes.title
    return str(title.text_frame.text) if title is not None else ""


def tables(slide: Any) -> list[Any]:
    return [s.table for s in slide.shapes if s.has_table]


def cell_rows(table: Any) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def body_rows(prs: Any, title: str) -> list[list[str]]:
    """The body rows of the tables on the slides titled ``title`` (or its parts)."""
    return [
        r for s in prs.slides if title_of(s).startswith(title) for r in cell_rows(tables(s)[0])[1:]
    ]


def cells_of(table: Table) -> list[list[str]]:
    """A report table's cells, row by row, in its columns' order."""
    return [[row.cells[c.key] for c in table.columns] for row in table.rows]


def assessed(plan: Plan) -> Assessment:
    return assess(plan, plan.report_date or date(2022, 5, 31))


def texts(prs: Any) -> list[str]:
    """Every text a reader sees on the slides: text frames, table cells, and the series
    names and number formats of the charts."""
    out = []
    for slide in prs.slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                out.append(shape.text_frame.text)
            if shape.has_table:
                out += [c.text for row in shape.table.rows for c in row.cells]
            if shape.has_chart:
                space = shape.chart._chartSpace
                out += [v.text for v in space.iter(f"{{{CHART_NS}}}v") if not _number(v.text)]
    return out


def _number(value: str) -> bool:
    return re.fullmatch(r"-?[0-9.]+(E-?[0-9]+)?", value) is not None


def points(series: Any) -> list[tuple[float, float]]:
    """A scatter series' (x, y) points, from its XML."""
    xs = [float(v.text) for v in series._element.find(qn("c:xVal")).iter(qn("c:v"))]
    ys = [float(v.text) for v in series._element.find(qn("c:yVal")).iter(qn("c:v"))]
    return list(zip(xs, ys, strict=True))


@pytest.fixture(params=[(p, lang) for p in sorted(PLANS) for lang in ("ja", "en")], ids=str)
def made(request: pytest.FixtureRequest) -> tuple[Plan, Assessment, Lang, Any]:
    name, lang = request.param
    plan = PLANS[name]()
    a = assessed(plan)
    return plan, a, lang, read(deck(plan, assessment=a, lang=lang))


# ------------------------------------------------------------------------- structure


def test_slides_come_in_the_committee_order(made: tuple[Plan, Assessment, Lang, Any]) -> None:
    plan, a, lang, prs = made
    table = progress_table(plan, as_of=a.as_of, lang=lang, assessment=a)
    titles = [title_of(s) for s in prs.slides]
    quantitative = [
        row.cells["kpi"] for row in table.rows if row.data["kind"] == KPIKind.QUANTITATIVE.value
    ]
    sections = [
        [report_title(plan, lang)],
        [text("report.document.summary", lang)],
        [t for t in titles if t.startswith(table.title)],
        quantitative,
        [t for t in titles if t.startswith(text("deck.slides.staged", lang))],
        [t for t in titles if t.startswith(text("deck.slides.working_groups", lang))],
        [t for t in titles if t.startswith(text("deck.slides.schedule", lang))],
        [text("report.document.conflicts", lang)],
    ]
    assert titles == [t for section in sections for t in section]
    assert len(prs.slides) == sum(len(s) for s in sections)
    assert sections[2], "the KPI table has at least one slide"
    staged = any(k.kind is KPIKind.STAGED for k in plan.kpis)
    assert bool(sections[4]) == staged
    assert bool(sections[5]) == bool(plan.working_groups)
    assert bool(sections[6]) == bool(plan.milestones)


def test_the_title_slide_names_the_plan_committee_and_day() -> None:
    plan = maebashi_2022()
    prs = read(deck(plan))
    shown = [s.text_frame.text for s in prs.slides[0].shapes if s.has_text_frame]
    assert shown == ["前橋市DX推進計画 進捗報告", "前橋市DX推進委員会\n令和4年5月31日"]


def test_slides_are_16_9_with_japanese_fonts_and_readable_text() -> None:
    prs = read(deck(maebashi_2022()))
    assert prs.slide_width * 9 == prs.slide_height * 16 == Inches(7.5) * 16
    runs = 0
    for slide in prs.slides:
        for rpr in slide._element.iter(qn("a:rPr")):
            runs += 1
            assert int(rpr.get("sz")) >= 1400
            assert rpr.find(qn("a:latin")).get("typeface") == FONT
            assert rpr.find(qn("a:ea")).get("typeface") == FONT
    assert runs > 100
    theme = prs.slide_master.part.part_related_by(
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships/theme"
    ).blob.decode()
    assert f'<a:ea typeface="{FONT_FALLBACK}"/>' in theme


def test_no_table_runs_off_its_slide(made: tuple[Plan, Assessment, Lang, Any]) -> None:
    _plan, _a, _lang, prs = made
    for slide in prs.slides:
        for shape in slide.shapes:
            if shape.has_table:
                bottom = shape.top + sum(row.height for row in shape.table.rows)
                assert bottom <= prs.slide_height, title_of(slide)
                right = shape.left + sum(col.width for col in shape.table.columns)
                assert right <= prs.slide_width + Emu(12700), title_of(slide)


# ----------------------------------------------------------------------- KPI table


def test_the_table_cells_are_progress_tables(made: tuple[Plan, Assessment, Lang, Any]) -> None:
    plan, a, lang, prs = made
    table = progress_table(plan, as_of=a.as_of, lang=lang, assessment=a)
    header = [c.label for c in table.columns]
    body: list[list[str]] = []
    fills: list[str | None] = []
    status = [c.key for c in table.columns].index("status")
    for slide in prs.slides:
        if not title_of(slide).startswith(table.title):
            continue
        (shown,) = tables(slide)
        rows = cell_rows(shown)
        assert rows[0] == header  # the header repeats on every slide
        body += rows[1:]
        for r in range(1, len(rows)):
            fill = shown.cell(r, status).fill
            fills.append(str(fill.fore_color.rgb) if fill.type is not None else None)
    assert body == cells_of(table)
    assert fills == [html_colour(row.data["status"]) for row in table.rows]


def html_colour(status: str) -> str:
    """A status's background in the HTML report's stylesheet."""
    from maebashi_dx.report.document import _CSS

    found = re.search(rf"\.status-{status}\b[^{{]*\{{ background: #([0-9a-f]{{6}})", _CSS)
    assert found is not None, status
    return found[1].upper()


def test_a_long_table_is_split_without_cutting_a_row() -> None:
    plan = maebashi_2022()
    kpis = tuple(attrs.evolve(k, id=f"{k.id}_{n}") for n in range(4) for k in plan.kpis)
    big = attrs.evolve(plan, kpis=kpis, pillars=(), working_groups=(), milestones=())
    a = assessed(big)
    prs = read(deck(big, assessment=a))
    table = progress_table(big, as_of=a.as_of, assessment=a)
    parts = [s for s in prs.slides if title_of(s).startswith(table.title)]
    assert len(parts) >= 3
    assert [title_of(s) for s in parts] == [
        f"{table.title}（{n}/{len(parts)}）" for n in range(1, len(parts) + 1)
    ]
    assert body_rows(prs, table.title) == cells_of(table)


@given(
    st.lists(st.tuples(st.floats(1, 300), st.floats(0, 2000)), min_size=1, max_size=12),
    st.floats(50, 3000),
)
def test_column_widths_fill_the_width(columns: list[tuple[float, float]], total: float) -> None:
    minimum = [m for m, _extra in columns]
    natural = [m + extra for m, extra in columns]
    widths = widths_of(minimum, natural, total)
    assert sum(widths) == pytest.approx(total)
    assert all(w > 0 for w in widths)
    if sum(minimum) <= total:
        assert all(w >= m - 1e-6 for w, m in zip(widths, minimum, strict=True))
    if sum(natural) <= total:
        assert all(w >= n - 1e-6 for w, n in zip(widths, natural, strict=True))
    else:
        assert all(w <= n + 1e-6 for w, n in zip(widths, natural, strict=True))


def test_a_short_cell_is_never_broken_and_a_long_one_breaks_between_words() -> None:
    assert cell_widths("状況", 14) == (28.0, 28.0)
    minimum, natural = cell_widths("Achievement of the whole plan", 14)
    assert minimum == pytest.approx(11 * 0.74 * 14)  # "Achievement"
    assert natural == pytest.approx(29 * 0.74 * 14)
    assert cell_widths("全ての行政手続をオンライン化する", 14)[0] == 14.0
    # a dash or a slash is a place to break: the longest piece is "implemented–" (the
    # en dash is of ambiguous East Asian width: one em)
    assert cell_widths("achieved (80%: being implemented–achieved)", 14)[0] == pytest.approx(
        11 * 0.74 * 14 + 14
    )


@given(st.text(alphabet="行政手続市民課", min_size=1, max_size=80), st.integers(1, 30))
def test_kanji_wrap_a_character_at_a_time(line: str, per_line: int) -> None:
    # A line of kanji breaks between any two characters: ceil(n / per line) lines.
    assert wrapped(line, per_line * 14 + 0.5, 14) == -(-len(line) // per_line)


def test_a_line_breaks_between_words_and_inside_one_only_when_it_is_too_long() -> None:
    assert wrapped("being implemented", 10 * 14, 14) == 2
    assert wrapped("implementation", 5 * 14, 14) == 2  # 14 × 0.62 em: two lines of 5 em


@given(st.lists(st.floats(1, 500), min_size=1, max_size=12), st.floats(10, 3000))
def test_widths_too_wide_are_cut_from_the_widest(widths: list[float], total: float) -> None:
    capped = widths_of(widths, widths, total) if sum(widths) > total else widths
    assert sum(capped) == pytest.approx(min(total, sum(widths)))
    cap = max(capped)
    for w, c in zip(widths, capped, strict=True):
        assert c == pytest.approx(w) or (c == pytest.approx(cap) and w > c)


@given(st.lists(st.floats(1, 500), max_size=40), st.floats(100, 400))
def test_pages_keep_every_row_once_in_order(heights: list[float], room: float) -> None:
    pages = pages_of(heights, room)
    assert [i for page in pages for i in page] == list(range(len(heights)))
    for page in pages:
        assert page
        assert len(page) == 1 or sum(heights[i] for i in page) <= room
    for first, second in itertools.pairwise(pages):
        # a page ends only where the next row would not fit
        assert sum(heights[i] for i in first) + heights[second[0]] > room


# -------------------------------------------------------------------------- charts


def test_each_chart_is_the_kpis_measurements_and_forecast(
    made: tuple[Plan, Assessment, Lang, Any],
) -> None:
    plan, a, lang, prs = made
    table = progress_table(plan, as_of=a.as_of, lang=lang, assessment=a)
    by_title = {title_of(s): s for s in prs.slides}
    charted = 0
    for cells in table.rows:
        kpi = plan.kpi(cells.kpi_id)
        if kpi.kind is not KPIKind.QUANTITATIVE:
            continue
        slide = by_title[cells.cells["kpi"]]
        (frame,) = [s for s in slide.shapes if s.has_chart]
        chart = frame.chart
        # a native, editable scatter chart with lines (python-pptx names its type by
        # whether the first series has markers)
        assert chart.chart_type in (
            XL_CHART_TYPE.XY_SCATTER_LINES,
            XL_CHART_TYPE.XY_SCATTER_LINES_NO_MARKERS,
        )
        series = {s.name: points(s) for s in chart.plots[0].series}
        fc = a.row(kpi.id).forecast
        days, values = kpi.numbers(a.as_of)
        measured = [(float(serial(d)), v) for d, v in zip(days, values, strict=True)]
        own = kpi.series_label(None, lang)
        name = text("report.chart.measured", lang)
        if own:
            name = text("report.document.named", lang, name=name, code=own)
        assert series.pop(name) == measured
        for extra in kpi.series:
            label = kpi.series_label(extra.id, lang)
            expected = [
                (float(serial(m.as_of)), m.value)
                for m in kpi.series_of(extra.id)
                if m.as_of <= a.as_of
            ]
            assert series.pop(label) == expected
        target = [
            p
            for n, p in series.items()
            if n.startswith(text("report.chart.target", lang, value=""))
        ]
        assert [(y1, y2) for (_x1, y1), (_x2, y2) in target] == [(kpi.target.value,) * 2]
        del series[
            next(n for n in series if n.startswith(text("report.chart.target", lang, value="")))
        ]
        if fc.value is not None and fc.interval is not None and days:
            start = measured[-1]
            end = float(serial(fc.deadline))
            value = clip_to_bounds(fc.value, fc.value, kpi.bounds)[0]
            low, high = clip_to_bounds(*fc.interval, kpi.bounds)
            forecast = [
                v
                for n, v in series.items()
                if n.startswith(text("report.chart.forecast", lang, method="").rstrip("）)"))
            ]
            assert forecast == [[start, (end, value)]]
            interval = [v for n, v in series.items() if "%" in n and v != forecast[0]]
            assert interval == [[start, (end, high), (end, low), start]]
            assert len(series) == 2
        else:
            assert series == {}
        charted += 1
    assert charted == sum(k.kind is KPIKind.QUANTITATIVE for k in plan.kpis)


def test_serials_are_powerpoints_date_numbers() -> None:
    # 1 January 1900 is serial 1 and 1 March 1900 is 61 in Excel's 1900 system (which
    # counts the fictitious 29 February 1900); 2000-01-01 is 36526.
    assert serial(date(1900, 3, 1)) == 61
    assert serial(date(2000, 1, 1)) == 36526


# --------------------------------------------------------------- stages and groups


def test_the_stage_ladders_mark_the_current_stage() -> None:
    plan = maebashi_2022()
    a = assessed(plan)
    prs = read(deck(plan, assessment=a))
    title = text("deck.slides.staged", "ja")
    chevrons = [
        shape
        for slide in prs.slides
        if title_of(slide).startswith(title)
        for shape in slide.shapes
        if shape.shape_type == MSO_SHAPE_TYPE.AUTO_SHAPE
        and shape.auto_shape_type in (MSO_SHAPE.CHEVRON, MSO_SHAPE.PENTAGON)
    ]
    staged = [k for k in plan.kpis if k.kind is KPIKind.STAGED]
    assert len(chevrons) == sum(len(k.ladder) for k in staged)
    for kpi in staged:
        ladder, chevrons = chevrons[: len(kpi.ladder)], chevrons[len(kpi.ladder) :]
        assert [c.text_frame.text for c in ladder] == [s.label for s in kpi.ladder]
        latest = a.row(kpi.id).latest
        assert latest is not None
        now = kpi.stage_index(str(latest.value))
        dark = [i for i, c in enumerate(ladder) if str(c.fill.fore_color.rgb) == "1E3A8A"]
        assert dark == [now]


def test_the_working_groups_slide_lists_each_group() -> None:
    plan = maebashi_2022()
    wg = attrs.evolve(
        plan.working_groups[0], stage=LifecycleStage.DECISION, members=("情報政策課", "市民課")
    )
    plan = attrs.evolve(plan, working_groups=(wg, *plan.working_groups[1:]))
    prs = read(deck(plan))
    title = text("deck.slides.working_groups", "ja")
    rows = body_rows(prs, title)
    assert [r[0] for r in rows] == [w.name for w in plan.working_groups]
    assert rows[0][3] == "●●●○○ 副市長による判断"
    assert rows[0][4] == "情報政策課、市民課"
    assert rows[1][3] == "—（未記録）"


# ------------------------------------------------------------- schedule and conflicts


def _with_conflict(plan: Plan) -> Plan:
    """The plan with a milestone that starts before the one it depends on ends."""
    first = Milestone(
        id="prep", title="準備", when=DateSpan(start=date(2022, 6, 1), end=date(2022, 6, 30))
    )
    late = Milestone(
        id="late_start",
        title="後続の作業",
        when=DateSpan.day(date(2022, 6, 10)),
        depends_on=("prep",),
    )
    return attrs.evolve(plan, milestones=(*plan.milestones, first, late))


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_gantt_and_conflicts_slides_show_each_conflict(lang: Lang) -> None:
    plan = _with_conflict(maebashi_2022())
    conflicts = find_conflicts(plan)
    assert conflicts
    prs = read(deck(plan, lang=lang))
    schedule = [s for s in prs.slides if title_of(s).startswith(text("deck.slides.schedule", lang))]
    bars = {
        shape.name: shape
        for s in schedule
        for shape in s.shapes
        if shape.name in {m.id for m in plan.milestones}
    }
    assert set(bars) == {m.id for m in plan.milestones}
    flagged = {sid for c in conflicts if c.severity.value != "info" for sid in c.subject_ids}
    assert flagged
    for mid in flagged & set(bars):
        assert str(bars[mid].line.color.rgb) in ("DC2626", "D97706")
    marked = [
        shape.text_frame.text
        for s in schedule
        for shape in s.shapes
        if shape.has_text_frame and shape.text_frame.text.startswith("⚠")
    ]
    assert len(marked) == len(flagged & set(bars))
    (slide,) = [s for s in prs.slides if title_of(s) == text("report.document.conflicts", lang)]
    rows = cell_rows(tables(slide)[0])
    assert rows[1:] == [
        [c.severity.label(lang), text(f"report.conflict_kinds.{c.kind}", lang), c.text(lang)]
        for c in conflicts
    ]


def test_a_plan_without_conflicts_says_so() -> None:
    prs = read(deck(maebashi_2022()))
    last = prs.slides[len(prs.slides) - 1]
    assert title_of(last) == "スケジュール上の競合"
    assert "競合はありません。" in [s.text_frame.text for s in last.shapes if s.has_text_frame]


# -------------------------------------------------------------------------- summary


def test_the_summary_says_what_changed_since_the_previous_assessment() -> None:
    plan = maebashi_2022()
    before = assess(plan, date(2021, 6, 30))
    now = assessed(plan)
    prs = read(deck(plan, assessment=now, previous=before))
    summary = prs.slides[1]
    lines = [
        p
        for s in summary.shapes
        if s.has_text_frame and s != summary.shapes.title
        for p in s.text_frame.text.split("\n")
    ]
    assert "前回（2021年6月30日）からの変化" in lines
    changed = [x for x in lines if "→" in x]
    assert changed
    kpi2 = now.row("kpi2")
    old = before.row("kpi2")
    assert any(
        line.startswith("　②") and f"{old.status.label()} → {kpi2.status.label()}" in line
        for line in changed
    )
    same = read(deck(plan, assessment=now, previous=now)).slides[1]
    said = "\n".join(s.text_frame.text for s in same.shapes if s.has_text_frame)
    assert "前回（2022年5月31日）から状況・達成率の変化はありません。" in said


# ---------------------------------------------------------------------- languages


@pytest.mark.parametrize("name", sorted(PLANS))
def test_in_japanese_no_english_word_reaches_the_slides(name: str) -> None:
    plan = _with_conflict(PLANS[name]()) if name == "bundled" else PLANS[name]()
    prs = read(deck(plan, lang="ja"))
    found = [w for t in texts(prs) for w in latin_words(t, plan)]
    assert found == []


def test_the_english_deck_is_english() -> None:
    prs = read(deck(maebashi_2022(), lang="en"))
    titles = [title_of(s) for s in prs.slides]
    assert titles[0] == "Maebashi City DX Promotion Plan: progress report"
    assert titles[1] == "Summary"
    shown = [s.text_frame.text for s in prs.slides[0].shapes if s.has_text_frame]
    assert shown[1] == "DX Promotion Committee\n31 May 2022"


@given(st.dates(date(2019, 5, 1), date(2200, 12, 31)))
def test_era_day_names_the_reiwa_year(day: date) -> None:
    year = day.year - 2018
    shown = "元" if year == 1 else str(year)
    assert era_day(day) == f"令和{shown}年{day.month}月{day.day}日"


# -------------------------------------------------------------------------- template


def _template(path: Path) -> Path:
    """A city's template: 4:3, its own theme fonts, a logo on the master, a tall title
    band on a renamed title-only layout, other layouts removed, and a slide of its own."""
    prs = Presentation()
    master = prs.slide_master
    keep = {"Title Slide", "Title Only"}
    layouts = prs.slide_layouts
    for layout in list(layouts):
        if layout.name not in keep:
            layouts.remove(layout)
    only = next(lay for lay in layouts if lay.name == "Title Only")
    only._element.cSld.set("name", "市・見出しのみ")
    title = next(ph for ph in only.placeholders if ph.placeholder_format.idx == 0)
    title.left, title.top, title.width, title.height = (
        Inches(0.3),
        Inches(0.2),
        Inches(9.4),
        Inches(1.8),
    )
    theme = master.part.part_related_by(
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships/theme"
    )
    theme._blob = theme.blob.replace(
        b'<a:latin typeface="Calibri"/>', b'<a:latin typeface="Georgia"/>'
    )
    own = prs.slides.add_slide(layouts[0])
    own.shapes.title.text = "市の表紙"
    logo = own.shapes.add_textbox(Inches(8.5), Inches(7.0), Inches(1.4), Inches(0.4))
    logo.name = "CityLogo"
    logo.text_frame.text = "前橋市"
    master.shapes._spTree.append(logo._element)  # moved onto the master
    out = path / "city.pptx"
    prs.save(str(out))
    return out


def test_a_template_gives_its_master_layouts_and_fonts(tmp_path: Path) -> None:
    template = _template(tmp_path)
    plan = maebashi_2022()
    a = assessed(plan)
    prs = read(deck(plan, assessment=a, template=template))
    assert (prs.slide_width, prs.slide_height) == (Inches(10), Inches(7.5))  # kept, 4:3
    assert "CityLogo" in [s.name for s in prs.slide_master.shapes]
    assert (
        "Georgia"
        in prs.slide_master.part.part_related_by(
            "http://schemas.openxmlformats.org/officeDocument/2006/relationships/theme"
        ).blob.decode()
    )
    assert "市の表紙" not in [title_of(s) for s in prs.slides]  # its own slides left out
    names = {s.slide_layout.name for s in prs.slides}
    assert names == {"Title Slide", "市・見出しのみ"}
    for slide in prs.slides:
        for rpr in slide._element.iter(qn("a:rPr")):
            assert rpr.find(qn("a:latin")) is None  # the template's fonts, inherited
        band = Inches(0.2) + Inches(1.8)
        for shape in slide.shapes:
            if shape.has_table or shape.has_chart:
                assert shape.top >= band  # content below the template's title band
    table = progress_table(plan, as_of=a.as_of, assessment=a)
    assert body_rows(prs, table.title) == cells_of(table)


def test_a_bad_template_is_named_with_its_problem(tmp_path: Path) -> None:
    plan = maebashi_2022()
    not_zip = tmp_path / "city.pptx"
    not_zip.write_text("hello", encoding="utf-8")
    with pytest.raises(TemplateError, match=r"city\.pptx: not a \.pptx file"):
        deck(plan, template=not_zip)
    with pytest.raises(TemplateError, match=r"missing\.pptx: no such file"):
        deck(plan, template=tmp_path / "missing.pptx")


# ------------------------------------------------------------------------------ CLI


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_command_writes_the_deck(lang: str, tmp_path: Path) -> None:
    out = tmp_path / "委員会資料.pptx"
    assert main(["deck", "-o", str(out), "--lang", lang]) == 0
    prs = read(out.read_bytes())
    plan = maebashi_2022()
    assert title_of(prs.slides[0]) == report_title(plan, lang)  # type: ignore[arg-type]


def test_the_command_works_on_an_init_plan(tmp_path: Path) -> None:
    plan_file = tmp_path / "takasaki.toml"
    assert main(["init", "-o", str(plan_file), "--city", "高崎市"]) == 0
    out = tmp_path / "deck.pptx"
    assert main(["deck", str(plan_file), "-o", str(out), "--previous", "R4.3"]) == 0
    prs = read(out.read_bytes())
    plan = starter_plan()
    a = assessed(plan)
    table = progress_table(plan, as_of=a.as_of, assessment=a)
    assert body_rows(prs, table.title) == cells_of(table)
    assert title_of(prs.slides[0]) == "高崎市DX推進計画 進捗報告"


def test_a_failed_deck_leaves_the_old_file_whole(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "deck.pptx"
    out.write_bytes(b"old")
    bad = tmp_path / "bad.pptx"
    bad.write_text("x", encoding="utf-8")
    assert main(["deck", "-o", str(out), "--template", str(bad)]) == 2
    assert "--template: " in capsys.readouterr().err
    assert out.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.pptx", "deck.pptx"]
    assert main(["deck"]) == 2
    assert main(["deck", "-o", str(out), "--previous", "R5.3"]) == 2
    assert "評価基準日（2022年5月31日）より前の日を指定してください。" in capsys.readouterr().err


def test_without_python_pptx_the_command_says_how_to_install_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "pptx", None)  # import pptx raises ImportError
    out = tmp_path / "deck.pptx"
    assert main(["deck", "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert "python-pptx" in err
    assert "maebashi-dx[pptx]" in err
    assert not out.exists()


# ------------------------------------------------------------------------ LibreOffice


@pytest.mark.skipif(
    shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed"
)
def test_libreoffice_opens_the_deck_and_converts_it_to_pdf(tmp_path: Path) -> None:
    source = tmp_path / "deck.pptx"
    prs_bytes = deck(_with_conflict(maebashi_2022()))
    source.write_bytes(prs_bytes)
    profile = tmp_path / "profile"  # a profile of its own: no clash with another soffice
    done = subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        capture_output=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    pdf = (tmp_path / "deck.pdf").read_bytes()
    assert pdf.startswith(b"%PDF")
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert pages == len(read(prs_bytes).slides)


def test_report_deck_is_the_function_whatever_was_imported_first() -> None:
    code = (
        "import types\n"
        "from maebashi_dx.report.deck import FONT\n"
        "import maebashi_dx.report as report\n"
        "from maebashi_dx.report import deck\n"
        "assert isinstance(deck, types.FunctionType) and report.deck is deck\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, check=False)
    assert done.returncode == 0, done.stderr.decode()
