"""In Japanese, every output of the report package is Japanese (issue 12.3).

Each renderer is run in ``ja`` for the bundled plan and for a plan made from the
``init`` template, and the text a reader sees is searched for Latin words. Allowed, and
nothing else:

- ids of the plan itself (KPI ids such as ``kpi2``, milestone, project, pillar and
  working-group ids), since they are the plan's own names for its parts;
- the plan's units (``%``);
- method names and other registered names in code font (```blend``` in text and
  Markdown, ``<code>`` in HTML), always beside a Japanese display name;
- the acronyms in :data:`ACRONYMS`;
- ``kpi_id``, the machine key column of the CSV (the same header the measurement CSV
  files use, so a table can be read back).

A "Latin word" is two or more Latin letters in a row: ``R4年度`` (an era initial, as the
committee writes it) is not one.
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date
from html.parser import HTMLParser

import pytest

from maebashi_dx.assess import assess
from maebashi_dx.backtest import Window, backtest, status_agreement
from maebashi_dx.conflicts import CONFLICT_RULES, find_conflicts
from maebashi_dx.datasets import maebashi_2022, starter_plan_toml
from maebashi_dx.forecast import FORECASTERS
from maebashi_dx.i18n import catalogue
from maebashi_dx.io import loads_plan
from maebashi_dx.model import Plan
from maebashi_dx.report import RENDER_FORMATS, progress_table, render
from maebashi_dx.report.accuracy import agreement_table, scores_table
from maebashi_dx.report.document import build_report, render_report
from maebashi_dx.report.svg import gantt_svg, kpi_chart_svg

#: Acronyms a Japanese official writes in Latin letters, as the committee's material does.
ACRONYMS = frozenset({"KPI", "DX", "WG", "ID", "BPR", "RPA", "ABW"})
CSV_KEY = "kpi_id"
WORD = re.compile(r"[A-Za-z][A-Za-z0-9_\-]*")


def starter_plan() -> Plan:
    """The plan ``maebashi-dx init`` writes (its template, for a city)."""
    return loads_plan(starter_plan_toml("高崎市"), "toml")


PLANS = {"bundled": maebashi_2022, "starter": starter_plan}


def plan_ids(plan: Plan) -> set[str]:
    ids = {plan.id}
    ids |= {p.id for p in plan.pillars} | {p.id for p in plan.projects}
    ids |= {k.id for k in plan.kpis} | {m.id for m in plan.milestones}
    ids |= {w.id for w in plan.working_groups}
    ids |= {d.id for d in getattr(plan, "departments", ())}
    return ids


def latin_words(text: str, plan: Plan) -> list[str]:
    """The Latin words of ``text`` that are not allowed, each with a little context:
    ``"word: …context…"``."""
    allowed = ACRONYMS | plan_ids(plan) | {k.unit for k in plan.kpis}
    text = re.sub(r"`[^`\n]+`", " ", text)  # code font
    found = []
    for m in WORD.finditer(text):
        word = m.group()
        if re.search(r"[A-Za-z]{2}", word) and word not in allowed:
            context = text[max(0, m.start() - 20) : m.end() + 20].replace("\n", " ")
            found.append(f"{word}: …{context}…")
    return found


class VisibleText(HTMLParser):
    """The text a reader sees: no tags, attributes, scripts, styles or code elements."""

    HIDDEN = frozenset({"script", "style", "code"})

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: object) -> None:
        if tag in self.HIDDEN:
            self.hidden += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in self.HIDDEN:
            self.hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)

    @classmethod
    def of(cls, html: str) -> str:
        """The visible text of an HTML document or fragment."""
        parser = cls()
        parser.feed(html)
        parser.close()
        return "\n".join(parser.parts)


def test_the_check_can_fail() -> None:
    """The detector finds English and lets the allowed words through."""
    plan = maebashi_2022()
    assert [w.split(":")[0] for w in latin_words("2022年5月31日 as of", plan)] == ["as", "of"]
    assert latin_words("予測手法: 混合（`blend`） kpi2 WG DX R4年度 45%", plan) == []
    assert VisibleText.of("<p>a<code>blend</code><script>var x</script>b</p>") == "a\nb"


@pytest.fixture(params=sorted(PLANS), scope="module")
def plan(request: pytest.FixtureRequest) -> Plan:
    return PLANS[request.param]()


@pytest.mark.parametrize("fmt", [f for f in RENDER_FORMATS if f != "json"])
def test_progress_table_renders_in_japanese(plan: Plan, fmt: str) -> None:
    table = progress_table(plan, assessment=assess(plan, plan.report_date))
    out = render(table, fmt)  # type: ignore[arg-type]
    if fmt == "html":
        out = VisibleText.of(out)
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(out)))
        assert rows[0][0] == CSV_KEY
        out = "\n".join(",".join(r[1:]) for r in rows)
    assert latin_words(out, plan) == []


def test_progress_table_json_display_text_is_japanese(plan: Plan) -> None:
    """JSON carries machine data (English keys, status codes) beside the display text;
    the display text is Japanese."""
    table = progress_table(plan, assessment=assess(plan, plan.report_date))
    data = json.loads(render(table, "json"))
    shown = [data["title"], data["subtitle"], *(c["label"] for c in data["columns"])]
    shown += [cell for row in data["rows"] for cell in row["cells"].values()]
    shown += data["notes"]
    assert latin_words("\n".join(shown), plan) == []


def _report(plan: Plan, as_of: date | None = None) -> str:
    result = assess(plan, as_of or plan.report_date)
    return render_report(build_report(plan, result, find_conflicts(plan), lang="ja"))


def test_the_whole_html_report_is_japanese(plan: Plan) -> None:
    """The whole document, the explanations (計算の根拠) included."""
    html = _report(plan)
    assert len(re.findall(r"<pre>", html)) == len(plan.kpis)
    assert latin_words(VisibleText.of(html), plan) == []


def test_the_markdown_report_is_japanese(plan: Plan) -> None:
    result = assess(plan, plan.report_date)
    markdown = render_report(
        build_report(plan, result, find_conflicts(plan), lang="ja"), "markdown"
    )
    assert markdown.count("```text") == len(plan.kpis)
    fences = re.compile(r"^`{3,}(?:text)?$", re.MULTILINE)  # markup, not text
    assert latin_words(fences.sub("", markdown), plan) == []


def test_svg_charts_are_japanese(plan: Plan) -> None:
    """Every KPI's chart (staged ones too) and the Gantt: their text and tooltips."""
    result = assess(plan, plan.report_date)
    svgs = [kpi_chart_svg(k, result.row(k.id), lang="ja") for k in plan.kpis]
    svgs.append(gantt_svg(plan, find_conflicts(plan), lang="ja"))
    for svg in svgs:
        assert latin_words(VisibleText.of(svg), plan) == []


def test_excel_cells_are_japanese(plan: Plan) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    from maebashi_dx.report.xlsx import table_to_xlsx

    table = progress_table(plan, assessment=assess(plan, plan.report_date))
    book = openpyxl.load_workbook(io.BytesIO(table_to_xlsx(table)))
    sheet = book.active
    cells = [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]
    assert latin_words("\n".join([sheet.title, *cells]), plan) == []


def test_accuracy_tables_are_japanese() -> None:
    days = tuple(date(2019 + i // 4, 1 + 3 * (i % 4), 1) for i in range(16))
    panel = {
        "a": (days, tuple(10.0 + 3 * i for i in range(16))),
        "b": (days, tuple(5.0 + 2 * i for i in range(16))),
    }
    windows = [Window.months(date(2021, 1, 1), 12)]
    result = backtest(panel, ["naive", "blend"], windows)
    plan = maebashi_2022()
    for table in (
        scores_table(result, lang="ja"),
        agreement_table(status_agreement(result, [60.0]), lang="ja"),
    ):
        for fmt in ("text", "markdown"):
            assert latin_words(render(table, fmt), plan) == []
        assert "複合予測（`blend`）" in render(table, "text")


def test_every_forecaster_and_conflict_rule_has_a_japanese_name() -> None:
    """Display names are looked up from registered names: each built-in has one."""
    for lang in ("ja", "en"):
        names = catalogue(lang)
        methods = [m for m in FORECASTERS if FORECASTERS.origin(m) == "built-in"]
        rules = [r for r in CONFLICT_RULES if CONFLICT_RULES.origin(r) == "built-in"]
        assert len(methods) == 10
        assert {f"forecast.method.{m}" for m in methods} <= set(names)
        assert {f"report.conflict_kinds.{r}" for r in rules} <= set(names)


def test_a_method_has_one_name_in_the_report_the_explanation_and_the_cli(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """One table of display names: the report's header, the explanations and the CLI's
    forecast all call blend 複合予測 (two tables once named it two ways in one report)."""
    from maebashi_dx.cli import main
    from maebashi_dx.forecast import method_label

    plan = maebashi_2022()
    result = assess(plan, plan.report_date or plan.period.start)
    name = method_label("blend", "ja")
    html = render_report(build_report(plan, result, (), lang="ja"), "html")
    assert f"予測手法: {name}" in re.sub(r"<[^>]*>", "", html)
    assert name in result.explain("kpi2", lang="ja")
    assert main(["forecast", "kpi2"]) == 0
    assert f"予測手法: {name} [blend]" in capsys.readouterr().out
