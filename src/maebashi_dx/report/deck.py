"""The committee's slides as an editable PowerPoint deck (the ``pptx`` extra, python-pptx).

The slides follow the committee's material: a title, a summary, the KPI table
(KPI（重要業績指標）の達成状況) over as many slides as it needs without cutting a row,
one slide per quantitative KPI with a native chart (staff can restyle it in
PowerPoint) and the figures behind it, the staged KPIs on their ladders, the working
groups, the schedule as a Gantt chart of shapes, and the conflicts.

Everything on the slides comes from :func:`~maebashi_dx.report.document.build_report`,
the data the HTML report is rendered from: the table's cells are the
:func:`~maebashi_dx.report.table.progress_table` cells, figures are formatted by
:mod:`maebashi_dx.report.fmt`, so a figure never reads differently in the two.

Layout: 16:9 (13.33 × 7.5 in) with the default template; body text 14 pt or more; a
Japanese UI font, BIZ UDPゴシック, on every run (``a:latin`` and ``a:ea``, with the
Japanese character set so that PowerPoint substitutes a Japanese font where it is not
installed) and メイリオ (Meiryo) as the theme's East Asian font. With a city's own
template (``template=``) its slide master, layouts, size and fonts are kept: the runs
then name no typeface and inherit the template's theme fonts.

>>> from maebashi_dx.datasets import maebashi_2022
>>> data = deck(maebashi_2022())
>>> data[:2]
b'PK'
"""

from __future__ import annotations

import io
import math
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from datetime import date, timedelta
from importlib import import_module
from pathlib import Path
from typing import Any, TypeVar

import attrs

from maebashi_dx.assess import Assessment, KPIRow, assess
from maebashi_dx.conflicts import Conflict, Severity, find_conflicts
from maebashi_dx.dates import FiscalYear, Precision, era_of
from maebashi_dx.errors import MaebashiDXError, MissingDependencyError
from maebashi_dx.i18n import catalogue, localized, text
from maebashi_dx.model import KPI, KPIKind, Plan
from maebashi_dx.report.document import Report, build_report
from maebashi_dx.report.fmt import (
    STATUS_FILLS,
    Lang,
    clip_to_bounds,
    format_computed,
    format_day,
    format_level,
    format_month,
    format_percent,
    method_name,
    milestone_label,
    report_title,
)
from maebashi_dx.report.svg import _month_step, fit_text, text_width
from maebashi_dx.report.table import Row, Table

__all__ = ["FONT", "FONT_FALLBACK", "TemplateError", "build_deck", "chart_series", "deck"]

#: The Japanese UI font set on every run of the default deck.
FONT = "BIZ UDPゴシック"
#: The theme's East Asian font: what PowerPoint uses where a run names none.
FONT_FALLBACK = "メイリオ"

T = TypeVar("T")
_EMU_PER_INCH = 914400
_EMU_PER_PT = 12700
_WIDE = (12192000, 6858000)  # 13.333 × 7.5 in: PowerPoint's 16:9
_BODY = 14  # pt: the smallest text on any slide (readable at the back of a room)
_TITLE = 28
_LINE = 1.4  # line height in ems, a generous estimate for CJK text
_LATIN_LINE = 1.2  # and for a line of Latin text only
_CELL_X, _CELL_Y = 3.6, 3.6  # pt: cell margins (0.05 in; PowerPoint's default sides are 0.1)

# Colours as the HTML report and its SVG charts draw them (report/svg.py, document.py).
_INK = "111827"
_MUTED = "6B7280"
_GRID = "D1D5DB"
_HEADER = "E5E7EB"  # the table header, as the Excel sheet fills it
_TARGET = "059669"
_FORECAST = "2563EB"
_INTERVAL = "93C5FD"
_EXACT, _FUZZY, _BAR_LINE = "2563EB", "BFDBFE", "1E3A8A"
_SEVERITY_LINE = {Severity.ERROR: "DC2626", Severity.WARNING: "D97706", Severity.INFO: "2563EB"}
_SEVERITY_TEXT = {Severity.ERROR: "B91C1C", Severity.WARNING: "B45309"}
_STAGE_DONE, _STAGE_NOW, _STAGE_LATER = "BFDBFE", "1E3A8A", "FFFFFF"

# Excel's (and PowerPoint's) date serials count days from 1899-12-30 (the 1900 system,
# with its fictitious 29 February 1900 folded in).
_SERIAL_EPOCH = date(1899, 12, 30)


def _pptx() -> Any:
    """python-pptx, imported on use; MissingDependencyError names the extra."""
    try:
        import pptx  # optional extra
    except ImportError:
        raise MissingDependencyError("python-pptx", "pptx") from None
    return pptx


def serial(day: date) -> int:
    """A day as PowerPoint's chart date serial.

    >>> serial(date(2022, 5, 31))
    44712
    """
    return (day - _SERIAL_EPOCH).days


def era_day(day: date, lang: Lang = "ja") -> str:
    """The committee's date on a title slide: 令和4年5月31日 in Japanese (元年 for an
    era's first year), the report's date in English.

    >>> era_day(date(2022, 5, 31)), era_day(date(2019, 5, 1)), era_day(date(2022, 5, 31), "en")
    ('令和4年5月31日', '令和元年5月1日', '31 May 2022')
    """
    if lang == "en":
        return format_day(day, lang)
    era, year = era_of(day)
    shown = text("deck.title.first_year", lang) if year == 1 else str(year)
    return text("deck.title.era_day", lang, era=era.name, year=shown, month=day.month, day=day.day)


# --------------------------------------------------------------------------- layout


def _widths(minimum: Sequence[float], natural: Sequence[float], total: float) -> list[float]:
    """Column widths filling ``total`` pt, by the automatic table layout of CSS 2.1
    (§17.5.2.2, as browsers implement it): every column at its natural width when they
    all fit, the room left spread evenly; otherwise each column gets its minimum and
    the room above the minimums is shared in proportion to how much wider each would
    like to be; minimums that do not fit are scaled down together."""
    floor = [min(m, n) for m, n in zip(minimum, natural, strict=True)]
    if sum(natural) <= total:
        extra = (total - sum(natural)) / max(1, len(natural))
        return [n + extra for n in natural]
    if sum(floor) >= total:
        return _capped(floor, total)
    room = (total - sum(floor)) / (sum(natural) - sum(floor))
    return [m + (n - m) * room for m, n in zip(floor, natural, strict=True)]


def _capped(widths: Sequence[float], total: float) -> list[float]:
    """Widths that do not fit in ``total``, the widest cut down first to a common cap
    (water-filling), so that narrow columns (a status, a rate) keep their width and only
    the long texts break inside a word."""
    ordered = sorted(widths)
    room, left = total, len(ordered)
    cap = total / max(1, len(ordered))
    for w in ordered:
        if w * left > room:
            cap = room / left
            break
        room -= w
        left -= 1
    return [min(w, cap) for w in widths]


# Where a line may break in a table cell: at spaces, after a dash or a slash, and
# between East Asian characters (CJK, kana, full-width forms), as Unicode's line
# breaking (UAX #14) allows; a run of anything else is one unbreakable word.
_WORD = re.compile(r"[^\s\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\-–/]+[\-–/]?")
_UNBROKEN = 6  # ems: a cell line this short is never broken (状況, 遅れ, 28.2%)


def _width(value: str, size: float, bold: bool = False) -> float:
    """A line's width for a column that must hold it unbroken: Latin letters and digits
    counted at 0.74 em (0.84 em in bold) rather than
    :func:`~maebashi_dx.report.svg.text_width`'s 0.62, since a substituted font (DejaVu
    Sans, where the slide's font is missing) is that wide."""
    narrow = sum(1 for ch in value if text_width(ch, 1) < 1)
    return text_width(value, size) + narrow * (0.22 if bold else 0.12) * size


def _cell_widths(value: str, size: float, bold: bool = False) -> tuple[float, float]:
    """A cell's minimum and natural widths in pt (text only, no margins): its longest
    unbreakable piece, and its longest line."""
    lines = value.split("\n")
    natural = max(_width(line, size, bold) for line in lines)
    minimum = 0.0
    for line in lines:
        width = _width(line, size, bold)
        if width > _UNBROKEN * size:
            words = [_width(w, size, bold) for w in _WORD.findall(line)]
            width = max([size, *words])
        minimum = max(minimum, width)
    return minimum, natural


def _text_height(value: str, width: float, size: float, slack: float = 1.0) -> float:
    """A cell's text height in pt: a line with East Asian text is 1.4 em (the line gap
    of CJK fonts), one of Latin text only 1.2 em; ``slack`` > 1 counts the text that
    much wider (a template's fonts are not known here)."""
    room = max(width - 2 * _CELL_X, size) / slack
    total = 0.0
    for p in value.split("\n"):
        pitch = _LINE if any(text_width(ch, 1) >= 1 for ch in p) else _LATIN_LINE
        total += _wrapped(p, room, size) * size * pitch
    return total


# A piece of text a line is never broken inside: a space run, a word, or one East
# Asian character, with the opening brackets before it and the closing brackets and
# punctuation after it (the line-start and line-end rules, 禁則処理, of JIS X 4051).
_PIECE = re.compile(
    r"\s+|[（「『【〔(]*"
    r"(?:[^\s\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\-–/]+[\-–/]?|.)"
    r"[）」』】〕)、。，．・ー～]*"
)


def _wrapped(line: str, room: float, size: float) -> int:
    """How many lines ``line`` wraps to in ``room`` pt: greedy, a word (or an East Asian
    character) at a time, as a text frame wraps it; a word wider than the room is
    broken between its characters."""
    lines, used = 1, 0.0
    for piece in _PIECE.findall(line):
        width = text_width(piece, size)
        if piece.isspace():
            used += width if used else 0.0
            continue
        if used + width <= room:
            used += width
            continue
        if width <= room:
            lines, used = lines + 1, width
            continue
        for ch in piece:  # a word longer than the line
            w = text_width(ch, size)
            if used + w > room and used:
                lines, used = lines + 1, 0.0
            used += w
    return lines


def _row_height(
    cells: Sequence[str], widths: Sequence[float], size: float, slack: float = 1.0
) -> float:
    """A table row's height in pt, from its tallest cell."""
    tallest = max(
        (_text_height(c, w, size, slack) for c, w in zip(cells, widths, strict=True)),
        default=size,
    )
    return tallest + 2 * _CELL_Y + 2


def _pages(heights: Sequence[float], room: float) -> list[list[int]]:
    """Row indices per slide: as many rows as fit in ``room`` pt, never a row cut; a row
    taller than the room has a slide of its own."""
    pages: list[list[int]] = []
    used = room + 1.0
    for i, h in enumerate(heights):
        if used + h > room and (not pages or pages[-1]):
            pages.append([])
            used = 0.0
        pages[-1].append(i)
        used += h
    return pages


class _Slides:
    """A presentation being written: the template's master and layouts, the geometry of
    the content area, and the text style (an explicit font, or the template's)."""

    def __init__(self, template: str | Path | None, lang: Lang) -> None:
        pptx = _pptx()
        self.pptx = pptx
        self.lang = lang
        from pptx.util import Emu, Pt

        self.Emu, self.Pt = Emu, Pt
        if template is None:
            prs = pptx.Presentation()
            _widen(prs)
            _theme_fonts(prs)
            self.font: str | None = FONT
        else:
            prs = _open_template(pptx, template)
            _drop_slides(prs)
            self.font = None
        self.prs = prs
        # A template's theme fonts are not measured here: count its text 5% wider.
        self.slack = 1.0 if self.font is not None else 1.05
        self.width, self.height = int(prs.slide_width), int(prs.slide_height)
        self.margin = int(self.width * 0.0375)  # 0.5 in on a 13.33 in slide
        self.title_layout, self.content_layout = _layouts(prs)

    # ------------------------------------------------------------------ text
    def style(self, run: Any, size: float, *, bold: bool = False, colour: str = "") -> None:
        """Size, weight, colour and (in the default deck) the Japanese UI font of a run."""
        font = run.font
        font.size = self.Pt(size)
        font.bold = bold
        if colour:
            font.color.rgb = self.pptx.dml.color.RGBColor.from_string(colour)
        if self.font is not None:
            _typeface(run._r.get_or_add_rPr(), self.font)

    def fill_text(
        self,
        frame: Any,
        paragraphs: Sequence[str],
        size: float,
        *,
        bold: bool = False,
        colour: str = "",
        align: Any = None,
        wrap: bool = True,
    ) -> None:
        """Replace a text frame's text: one paragraph per item, each run styled."""
        frame.word_wrap = wrap
        frame.text = ""
        for i, line in enumerate(paragraphs):
            para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
            if align is not None:
                para.alignment = align
            run = para.add_run()
            run.text = line
            self.style(run, size, bold=bold, colour=colour)

    def textbox(
        self,
        left: int,
        top: int,
        width: int,
        height: int,
        paragraphs: Sequence[str],
        size: float = _BODY,
        **kw: Any,
    ) -> Any:
        """A text box with the given paragraphs."""
        box = self.prs.slides[-1].shapes.add_textbox(left, top, width, height)
        self.fill_text(box.text_frame, paragraphs, size, **kw)
        return box

    # ---------------------------------------------------------------- slides
    def new(self, title: str) -> Any:
        """A content slide with its title; returns the slide."""
        slide = self.prs.slides.add_slide(self.content_layout)
        _keep_only_title(slide)
        if slide.shapes.title is not None:
            self.fill_text(slide.shapes.title.text_frame, [title], _TITLE, bold=True)
        else:
            self.textbox(
                self.margin,
                self.margin // 2,
                self.width - 2 * self.margin,
                self.pt(_TITLE * 1.6),
                [title],
                _TITLE,
                bold=True,
            )
        return slide

    @property
    def area(self) -> tuple[int, int, int, int]:
        """The content area below a content slide's title (where its layout places the
        title): left, top, width, height (EMU)."""
        title = next(
            (ph for ph in self.content_layout.placeholders if ph.placeholder_format.idx == 0),
            None,
        )
        top = (
            int(title.top) + int(title.height)
            if title is not None and title.top is not None
            else self.pt(_TITLE * 2.2)
        )
        top = min(top + self.margin // 4, self.height // 3)
        return self.margin, top, self.width - 2 * self.margin, self.height - top - self.margin // 2

    def pages(self, title: str, pages: Sequence[Sequence[T]]) -> Iterator[tuple[Any, Sequence[T]]]:
        """A content slide per page, titled "title（n/N）" when there are several."""
        for n, page in enumerate(pages, start=1):
            shown = (
                title
                if len(pages) == 1
                else text("deck.slides.part", self.lang, title=title, part=n, parts=len(pages))
            )
            yield self.new(shown), page

    def pt(self, points: float) -> int:
        """Points as EMU."""
        return int(points * _EMU_PER_PT)

    def shape(self, kind: str, left: float, top: float, width: float, height: float) -> Any:
        """An autoshape (``RECTANGLE``, ``DIAMOND``, ``CHEVRON``…) on the last slide."""
        from pptx.enum.shapes import MSO_SHAPE

        made = self.prs.slides[-1].shapes.add_shape(
            getattr(MSO_SHAPE, kind), int(left), int(top), max(1, int(width)), max(1, int(height))
        )
        made.shadow.inherit = False
        return made

    def colour(self, fill: Any, rgb: str) -> None:
        """A solid fill (of a shape, a cell, a line)."""
        fill.solid()
        fill.fore_color.rgb = self.pptx.dml.color.RGBColor.from_string(rgb)

    def outline(self, shape: Any, rgb: str, width: float = 1.0, dash: str = "") -> None:
        """A shape's outline."""
        from pptx.enum.dml import MSO_LINE_DASH_STYLE

        line = shape.line
        line.color.rgb = self.pptx.dml.color.RGBColor.from_string(rgb)
        line.width = self.Pt(width)
        if dash:
            line.dash_style = getattr(MSO_LINE_DASH_STYLE, dash)

    def table(
        self,
        title: str,
        headers: Sequence[str],
        rows: Sequence[Sequence[str]],
        *,
        fills: Sequence[dict[int, str]] = (),
        colours: Sequence[dict[int, str]] = (),
    ) -> list[Any]:
        """A table over as many slides as its rows need, never cutting a row; the header
        repeats on each. ``fills[r][c]`` and ``colours[r][c]`` colour a cell's
        background and text. Returns the slides."""
        left, top, width, height = self.area
        total = width / _EMU_PER_PT
        pad = 2 * _CELL_X + 2
        sizes = [
            [_cell_widths(h, _BODY, bold=True), *(_cell_widths(r[i], _BODY) for r in rows)]
            for i, h in enumerate(headers)
        ]
        minimum = [max(m for m, _n in column) + pad for column in sizes]
        natural = [max(n for _m, n in column) + pad for column in sizes]
        widths = _widths(minimum, natural, total)
        head_h = _row_height(headers, widths, _BODY, self.slack)
        heights = [_row_height(r, widths, _BODY, self.slack) for r in rows]
        pages = _pages(heights, height / _EMU_PER_PT - head_h) or [[]]
        slides = []
        for slide, page in self.pages(title, pages):
            rows_h = head_h + sum(heights[i] for i in page)
            frame = slide.shapes.add_table(
                len(page) + 1, len(headers), left, top, width, self.pt(rows_h)
            )
            table = frame.table
            for c, w in enumerate(widths):
                table.columns[c].width = self.pt(w)
            table.rows[0].height = self.pt(head_h)
            for c, label in enumerate(headers):
                cell = table.cell(0, c)
                cell.margin_left = cell.margin_right = self.pt(_CELL_X)
                self.fill_text(cell.text_frame, label.split("\n"), _BODY, bold=True, colour=_INK)
                self.colour(cell.fill, _HEADER)
            for r, i in enumerate(page, start=1):
                table.rows[r].height = self.pt(heights[i])
                for c, value in enumerate(rows[i]):
                    cell = table.cell(r, c)
                    cell.margin_left = cell.margin_right = self.pt(_CELL_X)
                    colour = colours[i].get(c, _INK) if colours else _INK
                    self.fill_text(cell.text_frame, value.split("\n"), _BODY, colour=colour)
                    fill = fills[i].get(c) if fills else None
                    if fill:
                        self.colour(cell.fill, fill)
                    else:
                        self.colour(cell.fill, "FFFFFF")
            slides.append(slide)
        return slides

    def save(self) -> bytes:
        """The presentation as .pptx bytes."""
        out = io.BytesIO()
        self.prs.save(out)
        return out.getvalue()


class TemplateError(MaebashiDXError, ValueError):
    """A ``template`` that is not a PowerPoint file python-pptx can open."""


def _open_template(pptx: Any, template: str | Path) -> Any:
    """The template's presentation; TemplateError names the file and the problem."""
    import zipfile

    path = Path(template)
    if path.is_dir():
        raise TemplateError(f"{template}: a folder, not a .pptx file")
    if not path.is_file():
        raise TemplateError(f"{template}: no such file")
    if not zipfile.is_zipfile(path):
        raise TemplateError(f"{template}: not a .pptx file (a .pptx is a zip archive; this is not)")
    try:
        return pptx.Presentation(str(path))
    except (OSError, ValueError, KeyError, SyntaxError, zipfile.BadZipFile) as exc:
        reason = str(exc).strip() or type(exc).__name__
    except pptx.exc.PythonPptxError as exc:
        reason = str(exc).strip() or type(exc).__name__
    msg = f"{template}: not a PowerPoint (.pptx) file python-pptx can open ({reason})"
    raise TemplateError(msg)


def _typeface(rpr: Any, font: str) -> None:
    """Name the font of a run's properties for Latin and East Asian text (``a:latin``,
    ``a:ea``; ECMA-376 §21.1.2.3.3 and .7), with the Japanese character set (128,
    SHIFTJIS_CHARSET, written signed as -128) so that a missing font is substituted
    by a Japanese one."""
    from pptx.oxml.ns import qn

    latin = rpr.get_or_add_latin()
    latin.set("typeface", font)
    latin.set("charset", "-128")
    for old in rpr.findall(qn("a:ea")):
        rpr.remove(old)
    ea = latin.makeelement(qn("a:ea"), {"typeface": font, "charset": "-128"})
    latin.addnext(ea)


def _widen(prs: Any) -> None:
    """Make the default 4:3 template 16:9: the slide size, and every placeholder of the
    master and its layouts stretched across the new width."""
    old = int(prs.slide_width)
    prs.slide_width, prs.slide_height = _WIDE
    factor = _WIDE[0] / old
    masters = [prs.slide_master, *prs.slide_layouts]
    for part in masters:
        for shape in part.shapes:
            # Only a position of its own: a layout's placeholder that inherits the
            # master's keeps inheriting it (reading .left would return the master's).
            if getattr(shape._element, "xfrm", None) is None:
                continue
            shape.left = int(shape.left * factor)
            shape.width = int(shape.width * factor)


def _theme_fonts(prs: Any) -> None:
    """The default theme's fonts: メイリオ for East Asian text (where a run names none)."""
    from pptx.opc.constants import RELATIONSHIP_TYPE as RT

    etree: Any = import_module("lxml.etree")  # untyped; python-pptx depends on it
    theme = prs.slide_master.part.part_related_by(RT.THEME)
    root = etree.fromstring(theme.blob)
    ns = {"a": "http://schemas.openxmlformats.org/drawingml/2006/main"}
    for ea in root.iterfind(".//a:fontScheme//a:ea", ns):
        ea.set("typeface", FONT_FALLBACK)
    for jpan in root.iterfind(".//a:fontScheme//a:font[@script='Jpan']", ns):
        jpan.set("typeface", FONT_FALLBACK)
    theme._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _drop_slides(prs: Any) -> None:
    """Remove a template's own slides, keeping its master and layouts."""
    ids = prs.slides._sldIdLst
    for entry in list(ids):
        prs.part.drop_rel(entry.rId)
        ids.remove(entry)


def _layouts(prs: Any) -> tuple[Any, Any]:
    """The layout for the title slide (a centred title, else the first layout) and for
    content slides (a title and nothing else to fill, else the one with the fewest
    other placeholders)."""
    from pptx.enum.shapes import PP_PLACEHOLDER

    def kinds(layout: Any) -> list[Any]:
        return [ph.placeholder_format.type for ph in layout.iter_cloneable_placeholders()]

    layouts = list(prs.slide_layouts)
    title = next((lay for lay in layouts if PP_PLACEHOLDER.CENTER_TITLE in kinds(lay)), layouts[0])
    titled = [lay for lay in layouts if PP_PLACEHOLDER.TITLE in kinds(lay)] or layouts
    content = min(titled, key=lambda lay: len(kinds(lay)))
    return title, content


def _keep_only_title(slide: Any) -> None:
    """Remove the placeholders a content slide does not fill (empty ones would show
    "Click to add text" in PowerPoint)."""
    from pptx.enum.shapes import PP_PLACEHOLDER

    for ph in list(slide.placeholders):
        if ph.placeholder_format.type not in (PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE):
            ph._element.getparent().remove(ph._element)


# ---------------------------------------------------------------------------- slides


def _title_slide(s: _Slides, report: Report) -> None:
    plan, lang = report.plan, report.lang
    slide = s.prs.slides.add_slide(s.title_layout)
    if lang == "ja" and plan.city.strip():
        committee = text("deck.title.committee", lang, city=plan.city.strip())
    else:
        committee = text("deck.title.committee_unnamed", lang)
    lines = [committee, era_day(report.assessment.as_of, lang)]
    title = report_title(plan, lang)
    from pptx.enum.shapes import PP_PLACEHOLDER
    from pptx.enum.text import PP_ALIGN

    subtitle = None
    for ph in list(slide.placeholders):
        kind = ph.placeholder_format.type
        if kind in (PP_PLACEHOLDER.CENTER_TITLE, PP_PLACEHOLDER.TITLE):
            s.fill_text(ph.text_frame, [title], 36, bold=True, align=PP_ALIGN.CENTER)
        elif kind in (PP_PLACEHOLDER.SUBTITLE, PP_PLACEHOLDER.BODY) and subtitle is None:
            subtitle = ph
            s.fill_text(ph.text_frame, lines, 20, align=PP_ALIGN.CENTER)
        else:
            ph._element.getparent().remove(ph._element)
    if slide.shapes.title is None:
        s.textbox(
            s.margin,
            s.height // 4,
            s.width - 2 * s.margin,
            s.height // 5,
            [title],
            36,
            bold=True,
            align=PP_ALIGN.CENTER,
        )
    if subtitle is None:
        s.textbox(
            s.margin,
            s.height // 2,
            s.width - 2 * s.margin,
            s.height // 4,
            lines,
            20,
            align=PP_ALIGN.CENTER,
        )


def _counts(items: Counter[Any], lang: Lang) -> str:
    ordered = sorted(items.items(), key=lambda x: (-x[0].severity, x[0].value))
    return text("report.document.count_separator", lang).join(
        text("report.document.status_count", lang, status=k.label(lang), count=n)
        for k, n in ordered
    )


def _methods(assessment: Assessment, lang: Lang) -> str:
    """The forecasters used, by their display names (a plugin without one by its name)."""
    names = dict.fromkeys(r.forecast.method for r in assessment.rows)
    sep = text("report.document.count_separator", lang)
    return sep.join(method_name(m, lang) or m for m in names) or "—"


def _changes(report: Report, previous: Assessment) -> list[str]:
    """One line per KPI whose status or achievement differs from ``previous``."""
    lang, plan = report.lang, report.plan
    lines = []
    before = {r.kpi_id: r for r in previous.rows}
    names = {row.kpi_id: row.cells["kpi"] for row in report.table.rows}
    for row in report.assessment.rows:
        old = before.get(row.kpi_id)
        if old is None:
            continue
        was, now = format_percent(old.achievement), format_percent(row.achievement)
        if old.status is row.status and was == now:
            continue
        kpi = names.get(row.kpi_id) or localized(
            plan.kpi(row.kpi_id).name, plan.kpi(row.kpi_id).name_en, lang
        )
        lines.append(
            text(
                "deck.summary.change",
                lang,
                kpi=kpi,
                before=old.status.label(lang),
                after=row.status.label(lang),
                was=was,
                now=now,
            )
        )
    return lines


def _summary_slide(s: _Slides, report: Report, previous: Assessment | None) -> None:
    a, lang = report.assessment, report.lang
    s.new(text("report.document.summary", lang))
    left, top, width, height = s.area
    lines = [
        text("deck.summary.as_of", lang, date=format_day(a.as_of, lang)),
        text("deck.summary.method", lang, method=_methods(a, lang)),
    ]
    if a.rows:
        lines.append(
            text(
                "deck.summary.statuses",
                lang,
                counts=_counts(Counter(r.status for r in a.rows), lang),
            )
        )
    overall = a.overall
    lines.append(
        text(
            "report.document.overall",
            lang,
            label=text("report.document.plan", lang),
            value=format_percent(overall.value),
            status=overall.status.label(lang) if overall.status else "—",
        )
    )
    for pillar in a.pillars:
        lines.append(
            "　"
            + text(
                "deck.summary.pillar",
                lang,
                name=localized(pillar.name, pillar.name_en, lang),
                value=format_percent(pillar.value),
                status=pillar.status.label(lang) if pillar.status else "—",
            )
        )
    if report.conflicts:
        severities = Counter(c.severity for c in report.conflicts)
        ordered = sorted(severities.items(), key=lambda x: x[0].rank)
        counts = text("report.document.count_separator", lang).join(
            text("report.document.status_count", lang, status=k.label(lang), count=n)
            for k, n in ordered
        )
        lines.append(text("deck.summary.conflicts", lang, counts=counts))
    else:
        lines.append(text("deck.summary.no_conflicts", lang))
    if previous is not None:
        changes = _changes(report, previous)
        day = format_day(previous.as_of, lang)
        if changes:
            lines.append(text("deck.summary.changes", lang, date=day))
            lines += ["　" + c for c in changes]
        else:
            lines.append(text("deck.summary.no_changes", lang, date=day))
    size = 18 if len(lines) <= 12 else _BODY
    s.textbox(left, top, width, height, lines, size, colour=_INK)


def _status_fills(table: Table) -> list[dict[int, str]]:
    """Each row's status cell's fill, as the HTML report colours it."""
    keys = [c.key for c in table.columns]
    fills = []
    for row in table.rows:
        status = row.data.get("status")
        colour = STATUS_FILLS.get(str(status)) if "status" in keys else None
        fills.append({keys.index("status"): colour} if colour else {})
    return fills


def _table_slides(s: _Slides, table: Table) -> None:
    headers = [c.label for c in table.columns]
    rows = [[row.cells.get(c.key, "") for c in table.columns] for row in table.rows]
    s.table(table.title, headers, rows, fills=_status_fills(table))


# ------------------------------------------------------------------ a KPI's chart


def chart_series(
    kpi: KPI, row: KPIRow, lang: Lang = "ja"
) -> list[tuple[str, str, list[tuple[date, float]]]]:
    """The series of a KPI's chart as (role, name, [(day, value), …]).

    Roles: ``measured`` (the KPI's own measurements up to the day of assessment),
    ``secondary`` (each secondary series, e.g. 申請 beside 交付), ``target`` (the target
    from the first day to the deadline), ``forecast`` (from the latest value to the
    forecast at the deadline) and ``interval`` (the forecast's interval as a closed
    outline: latest → upper end → lower end → latest). Forecast and interval are
    clipped to the KPI's bounds, as the HTML chart draws them.
    """
    fc = row.forecast
    days, values = kpi.numbers(fc.as_of)
    measured = text("report.chart.measured", lang)
    own = kpi.series_label(None, lang)
    name = text("report.document.named", lang, name=measured, code=own) if own else measured
    out = [("measured", name, list(zip(days, values, strict=True)))]
    for extra in kpi.series:
        points = [
            (m.as_of, m.value)
            for m in kpi.series_of(extra.id)
            if m.as_of <= fc.as_of and isinstance(m.value, float)
        ]
        if points:
            out.append(("secondary", kpi.series_label(extra.id, lang) or extra.id, points))
    target = kpi.target.value
    assert isinstance(target, float)
    first = min([*days, fc.as_of])
    label = text("report.chart.target", lang, value=_target_value(kpi))
    out.append(("target", label, [(first, target), (kpi.target.due, target)]))
    if fc.value is not None and fc.interval is not None and days:
        value = clip_to_bounds(fc.value, fc.value, kpi.bounds)[0]
        low, high = clip_to_bounds(*fc.interval, kpi.bounds)
        start = (days[-1], values[-1])
        method = method_name(fc.method, lang) or fc.method
        name = text("report.chart.forecast", lang, method=method)
        out.append(("forecast", name, [start, (fc.deadline, value)]))
        name = text("report.chart.interval", lang, level=format_level(fc.level))
        out.append(("interval", name, [start, (fc.deadline, high), (fc.deadline, low), start]))
    return out


# Each role's colour, dash and marker, as the HTML chart draws it.
_STYLES: dict[str, tuple[str, str, bool]] = {
    "measured": (_INK, "", True),
    "secondary": ("9CA3AF", "", True),
    "target": (_TARGET, "DASH", False),
    "forecast": (_FORECAST, "DASH", False),
    "interval": (_INTERVAL, "", False),
}


def _target_value(kpi: KPI) -> str:
    from maebashi_dx.report.fmt import format_value

    assert isinstance(kpi.target.value, float)
    return format_value(kpi.target.value, kpi.unit, decimals=kpi.decimals)


def _number_format(unit: str, step: float) -> str:
    """An axis's number format: thousands separators, decimals enough for the step, the
    unit in quotes (a unit with a quote in it is left off)."""
    decimals = 0 if step >= 1 or step <= 0 else min(6, math.ceil(-math.log10(step)))
    base = "#,##0" + ("." + "0" * decimals if decimals else "")
    return base + (f'"{unit}"' if unit and '"' not in unit else "")


def _kpi_slide(s: _Slides, report: Report, kpi: KPI, row: KPIRow, cells: Row) -> None:
    from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION, XL_MARKER_STYLE

    lang = report.lang
    slide = s.new(cells.cells["kpi"])
    left, top, width, height = s.area
    # The figures take 38% of the width, at least 4 in where the slide is narrow.
    chart_w = width - min(width // 2, max(int(width * 0.38), 4 * _EMU_PER_INCH))
    series = chart_series(kpi, row, lang)
    # The longest series first: LibreOffice sizes a scatter chart's data table by its
    # first series and drops any series longer than that one (seen with LibreOffice
    # 7; PowerPoint draws every order), so order by length, the plan's order kept
    # among equals.
    series.sort(key=lambda item: -len(item[2]))
    chart_data: Any = import_module("pptx.chart.data")  # untyped
    data = chart_data.XyChartData()
    for _role, name, points in series:
        ser = data.add_series(name)
        for day, value in points:
            ser.add_data_point(serial(day), value)
    frame = slide.shapes.add_chart(XL_CHART_TYPE.XY_SCATTER_LINES, left, top, chart_w, height, data)
    chart = frame.chart
    chart.has_legend = True
    chart.legend.position = XL_LEGEND_POSITION.BOTTOM
    chart.legend.include_in_layout = False
    chart.font.size = s.Pt(_BODY)
    if s.font is not None:
        _typeface(chart.font._rPr, s.font)
    for plot_series, (role, _name, _points) in zip(chart.plots[0].series, series, strict=True):
        rgb, dash, marker = _STYLES[role]
        plot_series.smooth = False
        line = plot_series.format.line
        s.colour(line.fill, rgb)
        line.width = s.Pt(2.25 if dash == "" else 1.75)
        if dash:
            from pptx.enum.dml import MSO_LINE_DASH_STYLE

            line.dash_style = getattr(MSO_LINE_DASH_STYLE, dash)
        plot_series.marker.style = XL_MARKER_STYLE.CIRCLE if marker else XL_MARKER_STYLE.NONE
        if marker:
            plot_series.marker.size = 8
            s.colour(plot_series.marker.format.fill, rgb)
    all_days = [d for _r, _n, points in series for d, _v in points]
    all_values = [v for _r, _n, points in series for _d, v in points]
    x_axis, y_axis = chart.category_axis, chart.value_axis
    first, last = min(all_days), max(all_days)
    # The axis runs by fiscal year, as the HTML chart's does: from the 1 April that
    # starts the first one, a labelled line each year (365.25 days from a 1 April stays
    # on 1 April through the leap-year cycle), at most eight labels.
    start = serial(date(FiscalYear.of(first).year, 4, 1))
    x_axis.minimum_scale = start
    x_axis.maximum_scale = serial(last) + 31
    years = (serial(last) + 31 - start) / 365.25
    x_axis.major_unit = 365.25 * max(1, math.ceil(years / 8))
    x_axis.tick_labels.number_format = 'yyyy"年度"' if lang == "ja" else '"FY"yyyy'
    x_axis.tick_labels.number_format_is_linked = False
    x_axis.tick_labels.font.size = s.Pt(_BODY)
    low, high = min(0.0, *all_values), max(all_values)
    step = _nice_step(high - low)
    y_axis.minimum_scale = math.floor(low / step) * step
    y_axis.maximum_scale = math.ceil(high / step) * step + (step if high % step == 0 else 0)
    y_axis.major_unit = step
    y_axis.has_major_gridlines = True
    y_axis.tick_labels.number_format = _number_format(kpi.unit, step)
    y_axis.tick_labels.number_format_is_linked = False
    y_axis.tick_labels.font.size = s.Pt(_BODY)
    _figures(
        s,
        report,
        kpi,
        row,
        cells,
        left + chart_w + s.margin // 2,
        top,
        width - chart_w - s.margin // 2,
        height,
    )


def _nice_step(span: float) -> float:
    """A round tick step (1, 2, 2.5 or 5 × 10ⁿ) giving about five ticks over ``span``."""
    if not (math.isfinite(span) and span > 0):
        return 1.0
    raw = span / 5
    magnitude = 10.0 ** math.floor(math.log10(raw))
    return next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)


def _figures(
    s: _Slides,
    report: Report,
    kpi: KPI,
    row: KPIRow,
    cells: Row,
    left: int,
    top: int,
    width: int,
    height: int,
) -> None:
    """The figures beside a KPI's chart, from the table's own cells."""
    lang = report.lang
    labels = {c.key: c.label for c in report.table.columns}
    fc = row.forecast
    shown: list[tuple[str, str, str]] = []
    for key in ("target", "current", "achievement", "elapsed", "forecast"):
        if key in cells.cells:
            shown.append((labels[key], cells.cells[key], ""))
    if fc.value is not None and fc.observed_pace is not None:
        required = "—" if fc.required_pace is None else _pace(fc.required_pace, kpi.unit)
        shown.append(
            (
                text("deck.figures.pace", lang),
                text(
                    "deck.figures.pace_value",
                    lang,
                    observed=_pace(fc.observed_pace, kpi.unit),
                    required=required,
                ),
                "",
            )
        )
    if fc.attainment_date is not None:
        attain = format_day(fc.attainment_date, lang)
    else:
        attain = text("report.document.never", lang) if fc.value is not None else "—"
    shown.append((text("report.document.attain", lang), attain, ""))
    shown.append((text("deck.figures.method", lang), method_name(fc.method, lang) or fc.method, ""))
    for key in [c.key for c in report.table.columns]:
        if (
            key
            not in (
                "kpi",
                "projects",
                "target",
                "baseline",
                "current",
                "achievement",
                "elapsed",
                "forecast",
            )
            and key in cells.cells
        ):
            fill = STATUS_FILLS.get(str(row.status.value), "") if key == "status" else ""
            shown.append((labels[key], cells.cells[key], fill))
    heights = [
        _row_height(
            [label, value], [width * 0.4 / _EMU_PER_PT, width * 0.6 / _EMU_PER_PT], _BODY, s.slack
        )
        for label, value, _f in shown
    ]
    frame = s.prs.slides[-1].shapes.add_table(len(shown), 2, left, top, width, s.pt(sum(heights)))
    table = frame.table
    table.columns[0].width = int(width * 0.4)
    table.columns[1].width = width - int(width * 0.4)
    table.first_row = False
    for r, ((label, value, fill), h) in enumerate(zip(shown, heights, strict=True)):
        table.rows[r].height = s.pt(h)
        for c in range(2):
            table.cell(r, c).margin_left = table.cell(r, c).margin_right = s.pt(_CELL_X)
        s.fill_text(table.cell(r, 0).text_frame, label.split("\n"), _BODY, bold=True, colour=_INK)
        s.colour(table.cell(r, 0).fill, _HEADER)
        s.fill_text(table.cell(r, 1).text_frame, value.split("\n"), _BODY, colour=_INK)
        s.colour(table.cell(r, 1).fill, fill or "FFFFFF")


def _pace(pace: float, unit: str) -> str:
    """A pace per year, a computed figure: one decimal place, with its sign."""
    shown = format_computed(pace, unit)
    return shown if shown.startswith("-") else f"+{shown}"


# ---------------------------------------------------------------------- staged KPIs


def current_stage(kpi: KPI, row: KPIRow) -> int | None:
    """The ladder position of a staged KPI's latest stage as of the assessment, or None."""
    if row.latest is None:
        return None
    return kpi.stage_index(str(row.latest.value))


def _staged_slides(s: _Slides, report: Report) -> None:
    plan, lang = report.plan, report.lang
    staged = [r for r in report.assessment.rows if plan.kpi(r.kpi_id).kind is KPIKind.STAGED]
    if not staged:
        return
    cells = {row.kpi_id: row.cells for row in report.table.rows}
    title = text("deck.slides.staged", lang)
    left, top, width, room = s.area
    blocks = [_Ladder.of(s, plan.kpi(r.kpi_id), r, cells[r.kpi_id], width) for r in staged]
    pages = _pages([b.height for b in blocks], room)
    for _slide, page in s.pages(title, pages):
        y = top
        for i in page:
            blocks[i].draw(s, left, y, width)
            y += blocks[i].height


@attrs.frozen
class _Ladder:
    """A staged KPI's block on the stages slide, measured before it is drawn."""

    kpi: KPI
    row: KPIRow
    name: str
    summary: str
    name_h: int
    summary_h: int
    line: int

    @classmethod
    def of(cls, s: _Slides, kpi: KPI, row: KPIRow, cells: dict[str, str], width: int) -> _Ladder:
        lang = s.lang
        summary = text(
            "deck.staged.summary",
            lang,
            target=cells.get("target", "—"),
            forecast=cells.get("forecast", "—"),
            status=cells.get("status", row.status.label(lang)),
        )
        room = width / _EMU_PER_PT

        def height(value: str) -> int:
            return s.pt(_text_height(value, room, _BODY, s.slack) + 2 * _CELL_Y)

        name = cells["kpi"]
        return cls(kpi, row, name, summary, height(name), height(summary), s.pt(_BODY * 1.8))

    @property
    def height(self) -> int:
        """Name, ladder, marks, summary and a gap (EMU)."""
        return self.name_h + int(self.line * 2.2) + self.summary_h + self.line // 2

    def draw(self, s: _Slides, left: int, top: int, width: int) -> None:
        """Draw the block with its top-left corner at (left, top)."""
        s.textbox(left, top, width, self.name_h, [self.name], _BODY, bold=True, colour=_INK)
        _ladder(s, self.kpi, self.row, left, top + self.name_h, width, self.line)
        s.textbox(
            left,
            top + self.name_h + int(self.line * 2.2),
            width,
            self.summary_h,
            [self.summary],
            _BODY,
            colour=_MUTED,
        )


def _ladder(s: _Slides, kpi: KPI, row: KPIRow, left: int, y: int, width: int, line: int) -> None:
    """A staged KPI's ladder as chevrons (stages passed filled light, the current stage
    dark, the target outlined in the target's green), marks under the current and
    target stages."""
    lang = s.lang
    ladder = kpi.ladder
    now = current_stage(kpi, row)
    goal = kpi.stage_index(str(kpi.target.value))
    step = width / len(ladder)
    for i, stage in enumerate(ladder):
        kind = "PENTAGON" if i == 0 else "CHEVRON"
        box = s.shape(kind, left + i * step, y, step * 1.02, line * 1.2)
        fill = (
            _STAGE_NOW if i == now else _STAGE_DONE if now is not None and i < now else _STAGE_LATER
        )
        s.colour(box.fill, fill)
        if i == goal:
            s.outline(box, _TARGET, 3.0)
        else:
            s.outline(box, _GRID, 1.0)
        colour = "FFFFFF" if i == now else _INK
        s.fill_text(
            box.text_frame,
            [localized(stage.label, stage.label_en, lang)],
            _BODY,
            bold=i == now,
            colour=colour,
        )
        frame = box.text_frame
        frame.margin_left = frame.margin_right = s.pt(_BODY * 1.1)
        key = None
        if i == now and i == goal:
            key = "deck.staged.current_and_target"
        elif i == now:
            key = "deck.staged.current"
        elif i == goal:
            key = "deck.staged.target"
        if key is not None:
            s.textbox(
                int(left + i * step),
                int(y + line * 1.2),
                int(step),
                line,
                [text(key, lang)],
                _BODY,
                bold=True,
                colour=_STAGE_NOW if i == now else _TARGET,
            )


# ------------------------------------------------------------------- working groups


def _stage_text(position: int | None, label: str, lang: Lang) -> str:
    """●●●○○ and the stage's name; the gate has five stages."""
    if position is None:
        return text("deck.groups.no_stage", lang)
    from maebashi_dx.model.schedule import LifecycleStage

    total = len(LifecycleStage)
    return f"{'●' * (position + 1)}{'○' * (total - position - 1)} {label}"


def _groups_slides(s: _Slides, report: Report) -> None:
    plan, lang = report.plan, report.lang
    if not plan.working_groups:
        return
    headers = [
        text(f"deck.groups.{k}", lang) for k in ("name", "projects", "aim", "stage", "members")
    ]
    sep = text("report.table.project_separator", lang)
    rows = []
    for wg in plan.working_groups:
        projects = []
        for pid in wg.project_ids:
            try:
                project = plan.project(pid)
            except KeyError:
                projects.append(pid)
                continue
            projects.append(
                str(project.number)
                if project.number is not None
                else localized(project.name, project.name_en, lang)
            )
        stage = wg.stage
        rows.append(
            [
                localized(wg.name, wg.name_en, lang),
                sep.join(projects) or "—",
                localized(wg.aim, wg.aim_en, lang) or "—",
                _stage_text(
                    stage.index if stage else None, stage.label(lang) if stage else "", lang
                ),
                text("report.document.count_separator", lang).join(wg.members)
                or text("deck.groups.no_members", lang),
            ]
        )
    s.table(text("deck.slides.working_groups", lang), headers, rows)


# ---------------------------------------------------------------------------- Gantt


def _flagged(conflicts: Sequence[Conflict]) -> dict[str, Severity]:
    """The most severe conflict naming each milestone."""
    flagged: dict[str, Severity] = {}
    for c in conflicts:
        for sid in c.subject_ids:
            if sid not in flagged or c.severity.rank < flagged[sid].rank:
                flagged[sid] = c.severity
    return flagged


def _gantt_slides(s: _Slides, report: Report) -> None:
    """The milestones as bars of shapes by owner (as the HTML Gantt orders them), over as
    many slides as they need, on one time axis; conflicts outlined and marked ⚠."""
    plan, lang = report.plan, report.lang
    milestones = sorted(plan.milestones, key=lambda m: (m.owner or "", m.when.start, m.id))
    if not milestones:
        return
    flagged = _flagged(report.conflicts)
    title = text("deck.slides.schedule", lang)
    start = min(m.when.start for m in milestones).replace(day=1)
    latest = max(m.when.end for m in milestones)
    end = latest + timedelta(days=30) if latest < date(9999, 12, 1) else latest
    days = max(1, (end - start).days)
    row_h = s.pt(_BODY * 1.9)
    left, top, width, room = s.area
    axis_h, legend_h = s.pt(_BODY * 1.8), s.pt(_BODY * 1.8)
    per = max(1, (room - axis_h - legend_h) // row_h)
    pages = [milestones[i : i + per] for i in range(0, len(milestones), per)]
    for _slide, page in s.pages(title, pages):
        label_w = int(width * 0.36)
        chart_left, chart_w = left + label_w, width - label_w

        def x(day: date, chart_left: int = chart_left, chart_w: int = chart_w) -> float:
            return chart_left + chart_w * (day - start).days / days

        bottom = top + axis_h + row_h * len(page)
        _month_grid(s, start, end, x, top, bottom, axis_h, chart_w)
        for i, m in enumerate(page):
            y = top + axis_h + i * row_h
            severity = flagged.get(m.id)
            mark = (
                text("deck.gantt.conflict_mark", lang)
                if severity in (Severity.ERROR, Severity.WARNING)
                else ""
            )
            label = fit_text(
                mark + milestone_label(plan, m, lang), label_w / _EMU_PER_PT - 12, _BODY
            )
            s.textbox(
                left,
                y,
                label_w,
                row_h,
                [label],
                _BODY,
                colour=_SEVERITY_TEXT.get(severity, _INK) if severity else _INK,
            )
            x0, x1 = x(m.when.start), x(m.when.end + timedelta(days=1))
            fuzzy = m.when.precision is not Precision.DAY or m.when.approximate
            bar_h = row_h * 0.55
            by = y + (row_h - bar_h) / 2
            if m.when.start == m.when.end:
                cx = (x0 + x1) / 2
                bar = s.shape("DIAMOND", cx - bar_h / 2, by, bar_h, bar_h)
            else:
                bar = s.shape("RECTANGLE", x0, by, max(s.pt(2), x1 - x0), bar_h)
            s.colour(bar.fill, _FUZZY if fuzzy else _EXACT)
            if severity is not None:
                s.outline(bar, _SEVERITY_LINE[severity], 2.5, "DASH" if fuzzy else "")
            else:
                s.outline(bar, _BAR_LINE, 1.0, "DASH" if fuzzy else "")
            bar.name = f"{m.id}"
        legend = text("report.chart.legend_gantt", lang)
        s.textbox(left, bottom + s.pt(4), width, legend_h, [legend], _BODY, colour=_MUTED)


def _month_grid(
    s: _Slides,
    start: date,
    end: date,
    x: Any,
    top: int,
    bottom: int,
    axis_h: int,
    chart_w: int,
) -> None:
    """Month lines (a fiscal year's April darker), labelled as often as labels fit."""
    months = (end.year - start.year) * 12 + end.month - start.month + 1
    label_w = text_width(format_month(date(2000, 10, 1), s.lang), _BODY) * _EMU_PER_PT
    step = _month_step(chart_w / max(months, 1), label_w)
    for i in range(months):
        year, month0 = divmod(start.month - 1 + i, 12)
        month = date(start.year + year, month0 + 1, 1)
        fiscal_index = (month.year - 2000) * 12 + month.month - 4  # 0 at April
        labelled = fiscal_index % step == 0
        if not labelled and step > 3:
            continue
        mx = x(month)
        line = s.prs.slides[-1].shapes.add_connector(1, int(mx), top + axis_h // 2, int(mx), bottom)
        line.line.color.rgb = s.pptx.dml.color.RGBColor.from_string(
            "9CA3AF" if month.month == 4 else "E5E7EB"
        )
        line.line.width = s.Pt(1.0)
        if labelled and mx + label_w <= x(end) + 1:
            box = s.textbox(
                int(mx + s.pt(2)),
                top,
                int(label_w + s.pt(8)),
                axis_h,
                [format_month(month, s.lang)],
                _BODY,
                colour=_INK,
                wrap=False,
            )
            box.text_frame.margin_left = box.text_frame.margin_right = 0


# ---------------------------------------------------------------------------- conflicts


def _conflict_slides(s: _Slides, report: Report) -> None:
    lang = report.lang
    title = text("report.document.conflicts", lang)
    if not report.conflicts:
        s.new(title)
        left, top, width, height = s.area
        s.textbox(left, top, width, height, [text("report.document.no_conflicts", lang)], 18)
        return
    headers = [text(f"report.document.{k}", lang) for k in ("severity", "kind", "detail")]
    names = catalogue(lang)
    rows, colours = [], []
    for c in report.conflicts:
        kind = names.get(f"report.conflict_kinds.{c.kind}") or c.kind
        rows.append([c.severity.label(lang), kind, c.text(lang)])
        colours.append({0: _SEVERITY_TEXT.get(c.severity, _INK)})
    s.table(title, headers, rows, colours=colours)


# ------------------------------------------------------------------------------ deck


def build_deck(
    report: Report, *, template: str | Path | None = None, previous: Assessment | None = None
) -> bytes:
    """The slides of a report built by :func:`~maebashi_dx.report.document.build_report`."""
    s = _Slides(template, report.lang)
    _title_slide(s, report)
    _summary_slide(s, report, previous)
    _table_slides(s, report.table)
    plan = report.plan
    cells = {row.kpi_id: row for row in report.table.rows}
    for row in report.assessment.rows:
        kpi = plan.kpi(row.kpi_id)
        if kpi.kind is KPIKind.QUANTITATIVE:
            _kpi_slide(s, report, kpi, row, cells[row.kpi_id])
    _staged_slides(s, report)
    _groups_slides(s, report)
    _gantt_slides(s, report)
    _conflict_slides(s, report)
    return s.save()


def deck(
    plan: Plan,
    *,
    as_of: date | None = None,
    lang: Lang = "ja",
    assessment: Assessment | None = None,
    conflicts: Sequence[Conflict] | None = None,
    previous: Assessment | None = None,
    template: str | Path | None = None,
) -> bytes:
    """The committee's slides as an editable PowerPoint file (.pptx bytes).

    Slides, in the order of the committee's material: title (plan, committee, date as
    令和N年M月D日), summary, the KPI table over as many slides as it needs, one slide
    per quantitative KPI (a native chart of the measurements, target, forecast and
    interval, with the figures behind it), the staged KPIs on their ladders, the
    working groups, the schedule as a Gantt chart of shapes, and the conflicts.

    Args:
        plan: The plan.
        as_of: The day of assessment (the plan's report date by default, else today);
            ignored when ``assessment`` is given.
        lang: "ja" (default) or "en".
        assessment: An assessment of ``plan`` already made (with a method or grade
            scale of your choice); made with the defaults otherwise.
        conflicts: The schedule's conflicts; found with every rule otherwise.
        previous: An earlier assessment: the summary says what changed since.
        template: A .pptx whose slide master, layouts, size and fonts to use (its own
            slides are left out).

    Returns:
        The .pptx file's bytes; write them with
        :func:`maebashi_dx.io.files.atomic_write_bytes` so a failure never leaves half
        a file.

    Raises:
        MissingDependencyError: python-pptx (the ``pptx`` extra) is not installed.
        TemplateError: ``template`` is not a .pptx file python-pptx can open.

    Example:
        >>> from maebashi_dx.datasets import maebashi_2022
        >>> from pptx import Presentation
        >>> data = deck(maebashi_2022(), lang="en")
        >>> slides = Presentation(io.BytesIO(data)).slides
        >>> slides[0].shapes.title.text
        'Maebashi City DX Promotion Plan: progress report'
    """
    if assessment is None:
        assessment = assess(plan, as_of or plan.report_date or date.today())
    found = tuple(find_conflicts(plan) if conflicts is None else conflicts)
    report = build_report(plan, assessment, found, lang=lang)
    return build_deck(report, template=template, previous=previous)
