"""What the command writes: never a file on failure, one table for several plans, the
plan a chart names, staged KPIs by stage name, plan names in the language asked for, and
Japanese throughout in ``ja``."""

from __future__ import annotations

import csv
import io
import json
import re
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from maebashi_dx.cli import main
from maebashi_dx.datasets import maebashi_2022
from maebashi_dx.io import load_plan

# ------------------------------------------------------------------ nothing written


def _bad_measurements(folder: Path) -> str:
    path = folder / "bad.csv"
    path.write_text("kpi_id,date,value\nkpi2,2021-13-01,35\n", encoding="utf-8")
    return str(path)


# Each output format: the command line writing it (to OUT), and the function it renders
# with (module, name), made to fail in the second test.
OUTPUTS: dict[str, tuple[list[str], tuple[str, str]]] = {
    "status text": (["status", "--format", "text"], ("maebashi_dx.report", "render")),
    "status markdown": (["status", "--format", "markdown"], ("maebashi_dx.report", "render")),
    "status csv": (["status", "--format", "csv"], ("maebashi_dx.report", "render")),
    "status json": (["status", "--format", "json"], ("maebashi_dx.report", "render")),
    "status html": (["status", "--format", "html"], ("maebashi_dx.report", "render")),
    "status xlsx": (
        ["status", "--format", "xlsx"],
        ("maebashi_dx.report.xlsx", "table_to_xlsx"),
    ),
    "report html": (
        ["report", "--format", "html"],
        ("maebashi_dx.report.document", "render_report"),
    ),
    "report markdown": (
        ["report", "--format", "markdown"],
        ("maebashi_dx.report.document", "render_report"),
    ),
    "forecast text": (["forecast", "kpi2"], ("maebashi_dx.forecast", "forecast")),
    "forecast json": (
        ["forecast", "kpi2", "--format", "json"],
        ("maebashi_dx.forecast", "forecast"),
    ),
    "conflicts csv": (
        ["conflicts", "--format", "csv"],
        ("maebashi_dx.conflicts", "find_conflicts"),
    ),
    "chart svg": (["chart", "kpi2", "-o", "OUT.svg"], ("maebashi_dx.report.svg", "kpi_chart_svg")),
    "chart png": (
        ["chart", "kpi2", "-o", "OUT.png"],
        ("maebashi_dx.report.charts", "kpi_chart_png"),
    ),
    "gantt svg": (["chart", "--gantt", "-o", "OUT.svg"], ("maebashi_dx.report.svg", "gantt_svg")),
    "gantt png": (
        ["chart", "--gantt", "-o", "OUT.png"],
        ("maebashi_dx.report.charts", "gantt_png"),
    ),
}


def _argv(kind: str, out: Path) -> list[str]:
    argv, _ = OUTPUTS[kind]
    if "-o" in argv:
        return [str(out) if a.startswith("OUT") else a for a in argv]
    return [*argv, "-o", str(out)]


def _out(kind: str, folder: Path) -> Path:
    suffix = next((a[3:] for a in OUTPUTS[kind][0] if a.startswith("OUT")), ".out")
    return folder / f"result{suffix}"


def _needs(kind: str) -> None:
    if kind.endswith("png"):
        pytest.importorskip("matplotlib")
    if kind.endswith("xlsx"):
        pytest.importorskip("openpyxl")


@pytest.mark.parametrize("existing", [False, True], ids=["new", "existing"])
@pytest.mark.parametrize("kind", sorted(OUTPUTS))
def test_bad_input_writes_nothing(
    kind: str, existing: bool, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _needs(kind)
    out = _out(kind, tmp_path)
    if existing:
        out.write_bytes(b"the committee's last table\n")
    argv = [*_argv(kind, out), "--measurements", _bad_measurements(tmp_path)]
    assert main(argv) == 2
    assert "2021-13-01" in capsys.readouterr().err
    if existing:
        assert out.read_bytes() == b"the committee's last table\n"
    else:
        assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["bad.csv", *([out.name] if existing else [])]
    )  # no temporary file left behind


@pytest.mark.parametrize("existing", [False, True], ids=["new", "existing"])
@pytest.mark.parametrize("kind", sorted(OUTPUTS))
def test_a_failure_while_rendering_writes_nothing(
    kind: str,
    existing: bool,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The last step before writing fails (a bug): exit 70 and the file untouched."""
    _needs(kind)
    module, name = OUTPUTS[kind][1]
    __import__(module)

    def broken(*args: object, **kwargs: object) -> None:
        raise ZeroDivisionError("injected")

    monkeypatch.setattr(sys.modules[module], name, broken)
    out = _out(kind, tmp_path)
    if existing:
        out.write_bytes(b"the committee's last table\n")
    assert main(_argv(kind, out)) == 70
    assert "ZeroDivisionError: injected" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ([out.name] if existing else [])
    if existing:
        assert out.read_bytes() == b"the committee's last table\n"


def test_every_output_format_is_in_the_catalogue() -> None:
    formats = {"text", "markdown", "csv", "json", "html", "xlsx", "svg", "png"}
    assert formats <= {kind.split()[1] for kind in OUTPUTS}


# ------------------------------------------------------------------- several plans


@pytest.fixture
def two_plans(tmp_path: Path) -> list[str]:
    paths = []
    for name, city in (("a.toml", "甲市"), ("b.toml", "乙市")):
        assert main(["init", "-o", str(tmp_path / name), "--city", city]) == 0
        paths.append(str(tmp_path / name))
    return paths


class TestSeveralPlans:
    """`status a.toml b.toml` writes one table with a plan column, in every format."""

    def test_csv_is_one_table_with_a_plan_column(
        self, two_plans: list[str], capsys: pytest.CaptureFixture[str]
    ) -> None:
        capsys.readouterr()
        assert main(["status", *two_plans, "--format", "csv"]) == 0
        rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
        header, body = rows[0], rows[1:]
        assert header[:2] == ["kpi_id", "計画"]
        assert sum(1 for row in rows if row == header) == 1  # one header: one table
        n = len(load_plan(two_plans[0]).kpis)
        assert [row[1] for row in body] == ["甲市DX推進計画"] * n + ["乙市DX推進計画"] * n

    def test_json_rows_carry_the_plan_id(
        self, two_plans: list[str], capsys: pytest.CaptureFixture[str]
    ) -> None:
        capsys.readouterr()
        assert main(["status", *two_plans, "--format", "json", "--lang", "en"]) == 0
        table = json.loads(capsys.readouterr().out)
        assert table["columns"][0] == {"key": "plan", "label": "Plan"}
        assert {row["data"]["plan_id"] for row in table["rows"]} == {"my-city-dx-plan"}

    @pytest.mark.parametrize("fmt", ["text", "markdown", "html"])
    def test_other_formats_name_each_plan_on_each_row(
        self, fmt: str, two_plans: list[str], capsys: pytest.CaptureFixture[str]
    ) -> None:
        capsys.readouterr()
        assert main(["status", *two_plans, "--format", fmt]) == 0
        out = capsys.readouterr().out
        n = len(load_plan(two_plans[0]).kpis)
        assert out.count("甲市DX推進計画") >= n
        assert out.count("乙市DX推進計画") >= n

    def test_xlsx_is_one_sheet(self, two_plans: list[str], tmp_path: Path) -> None:
        openpyxl = pytest.importorskip("openpyxl")
        out = tmp_path / "t.xlsx"
        assert main(["status", *two_plans, "--format", "xlsx", "-o", str(out)]) == 0
        book = openpyxl.load_workbook(out)
        assert len(book.worksheets) == 1
        values = [c.value for row in book.active.iter_rows() for c in row]
        assert "計画" in values
        assert values.count("乙市DX推進計画") == len(load_plan(two_plans[1]).kpis)

    def test_one_plan_has_no_plan_column(self, capsys: pytest.CaptureFixture[str]) -> None:
        assert main(["status", "--format", "csv"]) == 0
        assert "計画" not in capsys.readouterr().out.splitlines()[0].split(",")


# ------------------------------------------------------------------------- charts


def test_gantt_draws_the_plan_it_is_given(two_plans: list[str], tmp_path: Path) -> None:
    """`chart --gantt my_city.toml` drew the bundled plan, silently."""
    from maebashi_dx.conflicts import find_conflicts
    from maebashi_dx.report.svg import gantt_svg

    out = tmp_path / "g.svg"
    assert main(["chart", "--gantt", two_plans[0], "-o", str(out)]) == 0
    plan = load_plan(two_plans[0])
    assert out.read_text(encoding="utf-8") == gantt_svg(plan, find_conflicts(plan), lang="ja")
    bundled = maebashi_2022()
    assert out.read_text(encoding="utf-8") != gantt_svg(bundled, find_conflicts(bundled))


# ------------------------------------------------------------------ staged KPIs


class TestStagedForecast:
    """A staged KPI is forecast on its ladder and shown by its stages' names."""

    def test_japanese(self, capsys: pytest.CaptureFixture[str]) -> None:
        assert main(["forecast", "kpi3", "--method", "recent_6m"]) == 0
        out = capsys.readouterr().out
        assert "期限（2026年3月31日）時点の見込み: 達成　目標 フルデジタル化実現" in out
        assert "80%予測区間: 事業化中 ～ 達成" in out
        assert "目標到達見込み日: 2023年7月1日" in out
        assert "4.00" not in out

    def test_english(self, capsys: pytest.CaptureFixture[str]) -> None:
        assert main(["forecast", "kpi4", "--method", "recent_6m", "--lang", "en"]) == 0
        out = capsys.readouterr().out
        assert "stage at deadline (2026-03-31): achieved  target mechanism built" in out
        assert "80% interval: under study – achieved" in out

    def test_json_names_the_stages(self, capsys: pytest.CaptureFixture[str]) -> None:
        assert main(["forecast", "kpi3", "--method", "recent_6m", "--format", "json"]) == 0
        (f,) = json.loads(capsys.readouterr().out)
        assert (f["stage"], f["interval_stages"]) == ("achieved", ["implementing", "achieved"])
        assert f["target_stage"] == "achieved"
        assert main(["forecast", "kpi2", "--format", "json"]) == 0
        (f,) = json.loads(capsys.readouterr().out)
        assert (f["stage"], f["interval_stages"], f["target_stage"]) == (None, None, None)

    def test_a_position_between_rungs_has_reached_the_lower_one(self) -> None:

        kpi = maebashi_2022().kpi("kpi3")
        labels = [kpi.stage_at(x).id for x in (-0.5, 0.0, 1.99, 2.9999999999999996, 4.0, 7)]
        assert labels == [
            "not_started",
            "not_started",
            "under_study",
            "implemented",
            "achieved",
            "achieved",
        ]


# ------------------------------------------------------------------------- init


class TestInitNames:
    """`init --lang en --city Takasaki` wrote TakasakiDX推進計画."""

    def _plan(self, tmp_path: Path, *args: str) -> tuple[str, str]:
        path = tmp_path / "plan.toml"
        assert main(["init", "-o", str(path), "--force", *args]) == 0
        plan = load_plan(path)
        return plan.name, plan.name_en

    def test_english(self, tmp_path: Path) -> None:
        name, name_en = self._plan(tmp_path, "--lang", "en", "--city", "Takasaki")
        assert name == name_en == "Takasaki DX Promotion Plan"

    def test_japanese(self, tmp_path: Path) -> None:
        assert self._plan(tmp_path, "--city", "高崎市")[0] == "高崎市DX推進計画"

    def test_japanese_with_the_english_name(self, tmp_path: Path) -> None:
        assert self._plan(tmp_path, "--city", "高崎市", "--city-en", "Takasaki") == (
            "高崎市DX推進計画",
            "Takasaki DX Promotion Plan",
        )

    def test_a_quote_in_the_name_is_kept(self, tmp_path: Path) -> None:
        name, _ = self._plan(tmp_path, "--city", 'A "B" \\ C', "--lang", "en")
        assert name == 'A "B" \\ C DX Promotion Plan'

    def test_the_message_is_in_the_language_asked_for(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        path = tmp_path / "plan.toml"
        assert main(["init", "-o", str(path), "--lang", "en", "--city", "Takasaki"]) == 0
        assert capsys.readouterr().out == f"wrote {path}\n"


# --------------------------------------------------------------- Japanese throughout

# What may stay Latin in Japanese output: ids, method and rule names, units, acronyms,
# the command's name and line markers, file names, and what a command names in
# ``allowed`` (plugin names, the values a user typed).
_ACRONYMS = r"KPI|DX|WG|CSV|JSON|HTML|SVG|PNG|ID|R\d|FY"
_COMMANDS = r"status|forecast|conflicts|validate|report|chart|init|plugins"


def _latin_words(out: str, allowed: list[str]) -> list[str]:
    for text in sorted(allowed, key=len, reverse=True):
        out = out.replace(text, "")
    # the command, code, [method] headings, paths, options, ids such as kpi2 or p1
    out = re.sub(r"maebashi[-_]dx(?:\.\w+)*|`[^`]*`|\[[a-z_0-9]+\]|/\S*|--?[a-z-]+", "", out)
    out = re.sub(rf"(?<![A-Za-z])(?:{_ACRONYMS}|{_COMMANDS}|[a-z]+\d+)(?![A-Za-z])", "", out)
    return re.findall(r"[A-Za-z]{2,}", out)


def _names() -> list[str]:
    from maebashi_dx.conflicts import CONFLICT_RULES
    from maebashi_dx.forecast import FORECASTERS
    from maebashi_dx.grades import RATING_SCALES

    return [*FORECASTERS, *CONFLICT_RULES, *RATING_SCALES]


JA_COMMANDS: dict[str, tuple[list[str], Callable[[], list[str]]]] = {
    "status": (["status"], list),
    "status --scale": (["status", "--scale", "nagayo"], list),
    "forecast": (["forecast", "kpi2"], list),
    "forecast staged": (["forecast", "kpi3"], list),
    "forecast all": (["forecast", "kpi2", "--method", "all"], list),
    "forecast with no data": (["forecast", "kpi1", "--as-of", "2020-01-01"], list),
    "conflicts": (["conflicts"], list),
    "validate": (["validate"], lambda: ["maebashi_2022"]),
    "plugins": (["plugins"], lambda: ["forecasters", "conflict_rules", "rating_scales", *_names()]),
    "bad level": (["forecast", "kpi2", "--level", "2"], list),
    "bad format": (
        ["status", "--format", "xml"],
        lambda: ["xml", "text", "markdown", "csv", "json", "html", "xlsx"],
    ),
    "unknown option": (["status", "--colour"], list),
    "missing argument": (["forecast"], lambda: ["kpi"]),
    "unknown KPI": (["forecast", "kpi9"], lambda: ["maebashi_2022"]),
    "check": (["status", "--check"], lambda: ["maebashi_2022", "check"]),
}


@pytest.mark.parametrize("name", sorted(JA_COMMANDS))
def test_japanese_output_has_no_english_words(
    name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    argv, allowed = JA_COMMANDS[name]
    main(argv)
    out, err = capsys.readouterr()
    assert out or err
    extra = [*allowed(), "plan", "error", "check"] if name in ("check",) else [*allowed(), "error"]
    text_ = (out + err).replace("maebashi-dx: error:", "").replace("maebashi-dx: check:", "")
    assert _latin_words(text_, extra) == []


@given(st.floats(-10, 10), st.floats(-10, 10))
def test_a_higher_position_never_shows_a_lower_stage(a: float, b: float) -> None:

    kpi = maebashi_2022().kpi("kpi3")
    low, high = sorted((a, b))
    assert kpi.stage_index(kpi.stage_at(low).id) <= kpi.stage_index(kpi.stage_at(high).id)
