"""The maebashi-dx command, run as a user would: output, exit codes, one-line errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from maebashi_dx.cli import main
from maebashi_dx.io import load_plan

COMMITTEE_CELLS = [
    "100% ／2025（令和7）年度",
    "約1.8% ／2020年7月",
    "交付 45.42% (申請 51.73%) ／2022年4月末",
    "— (WGで検討中)",
]


def run(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """The installed console script, in a fresh process (``env`` added to this one's)."""
    return subprocess.run(
        [sys.executable, "-m", "maebashi_dx.cli", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        cwd=cwd,
        env={**os.environ, "PYTHONIOENCODING": "utf-8", **(env or {})},
        check=False,
    )


class TestStatus:
    def test_prints_the_committee_table_with_computed_status(self) -> None:
        result = run("status")
        assert result.returncode == 0, result.stderr
        for cell in COMMITTEE_CELLS:
            assert cell in result.stdout
        assert "状況              遅れ" in result.stdout
        assert "28.2%" in result.stdout
        assert result.stderr == ""

    def test_check_exits_1_when_a_kpi_is_off_track(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        assert main(["status", "--check"]) == 1
        assert main(["status", "--check", "--as-of", "2021-12-31"]) == 0

    def test_as_of_accepts_japanese_dates(self, capsys: pytest.CaptureFixture[str]) -> None:
        assert main(["status", "--as-of", "R5.4", "--format", "json"]) == 0
        data = json.loads(capsys.readouterr().out)
        assert data["rows"][1]["data"]["status"] == "missed"
        assert data["rows"][1]["data"]["as_of"] == "2023-04-30"

    @pytest.mark.parametrize("fmt", ["markdown", "csv", "json", "html"])
    def test_formats(self, fmt: str, capsys: pytest.CaptureFixture[str]) -> None:
        assert main(["status", "--format", fmt, "--lang", "en"]) == 0
        out = capsys.readouterr().out
        assert "about 1.8%" in out

    def test_xlsx(self, tmp_path: Path) -> None:
        openpyxl = pytest.importorskip("openpyxl")
        out = tmp_path / "table.xlsx"
        assert main(["status", "--format", "xlsx", "-o", str(out), "--scale", "nagayo"]) == 0
        ws = openpyxl.load_workbook(out).active
        assert ws["A1"].value == "KPI（重要業績指標）の達成状況"
        assert ws["C5"].value == "90% ／2022（令和4）年度"
        status_col = [c.value for c in ws[3]].index("状況") + 1
        assert ws.cell(row=4, column=status_col).value == "遅れ"
        assert ws.cell(row=4, column=status_col).fill.fgColor.rgb.endswith("FEE2E2")

    def test_several_plans(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        assert main(["init", "-o", str(tmp_path / "a.toml"), "--city", "甲市"]) == 0
        assert main(["init", "-o", str(tmp_path / "b.toml"), "--city", "乙市"]) == 0
        capsys.readouterr()
        assert (
            main(["status", str(tmp_path / "a.toml"), str(tmp_path / "b.toml"), "--format", "json"])
            == 0
        )
        table = json.loads(capsys.readouterr().out)
        assert table["columns"][0] == {"key": "plan", "label": "計画"}
        plans = [(row["cells"]["plan"], row["data"]["plan_id"]) for row in table["rows"]]
        assert sorted(set(plans)) == [
            ("乙市DX推進計画", "my-city-dx-plan"),
            ("甲市DX推進計画", "my-city-dx-plan"),
        ]


class TestMeasurements:
    def test_csv_is_merged(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        csv = tmp_path / "latest.csv"
        csv.write_text("kpi_id,date,value\nkpi2,2022年5月末,47.1\n", encoding="utf-8")
        assert main(["status", "--measurements", str(csv), "--as-of", "2022-05-31"]) == 0
        assert "交付 47.1% ／2022年5月末" in capsys.readouterr().out

    def test_xlsx_is_read(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        openpyxl = pytest.importorskip("openpyxl")
        from datetime import datetime

        wb = openpyxl.Workbook()
        ws = wb.active
        ws.append(["kpi_id", "date", "value", "approximate"])
        ws.append(["kpi1", datetime(2022, 9, 30), 4.2, "約"])
        path = tmp_path / "figures.xlsx"
        wb.save(path)
        assert main(["status", "--measurements", str(path), "--as-of", "2022-10-01"]) == 0
        assert "約4.2% ／2022年9月末" in capsys.readouterr().out


class TestBadInput:
    """Each mistake: exit 2, one line naming the problem and where, nothing written."""

    def _check(self, result: subprocess.CompletedProcess[str], *fragments: str) -> None:
        assert result.returncode == 2
        assert result.stdout == ""
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1, result.stderr
        assert "Traceback" not in result.stderr
        for fragment in fragments:
            assert fragment in lines[0]

    def test_missing_file(self, tmp_path: Path) -> None:
        out = tmp_path / "r.html"
        self._check(
            run("report", str(tmp_path / "nope.toml"), "-o", str(out)),
            "nope.toml",
            "file not found",
        )
        assert not out.exists()

    def test_malformed_toml(self, tmp_path: Path) -> None:
        plan = tmp_path / "city.toml"
        plan.write_text('id = "x"\nname = \n', encoding="utf-8")
        out = tmp_path / "r.html"
        self._check(run("report", str(plan), "-o", str(out)), "city.toml", "line 2", "invalid TOML")
        assert not out.exists()

    def test_unknown_kpi(self) -> None:
        self._check(run("forecast", "kpi9"), "kpi9", "kpi1")

    def test_csv_with_a_bad_date_on_line_7(self, tmp_path: Path) -> None:
        rows = ["kpi_id,date,value"] + [f"kpi2,2021-0{m}-28,{30 + m}" for m in range(4, 9)]
        rows.insert(6, "kpi2,2021-13-01,35")  # line 7
        csv = tmp_path / "m.csv"
        csv.write_text("\n".join(rows) + "\n", encoding="utf-8")
        out = tmp_path / "table.md"
        result = run("status", "--measurements", str(csv), "--format", "markdown", "-o", str(out))
        self._check(result, "m.csv", "line 7", "2021-13-01")
        assert not out.exists()

    def test_bad_as_of(self) -> None:
        result = run("status", "--as-of", "R4.13")
        assert result.returncode == 2
        assert "R4.13" in result.stderr
        assert "Traceback" not in result.stderr

    def test_unknown_method(self) -> None:
        self._check(run("forecast", "kpi2", "--method", "prophet"), "prophet", "two_point")

    def test_reference_for_an_unknown_kpi(self, tmp_path: Path) -> None:
        self._check(run("status", "--reference", f"kpi9={_nation(tmp_path)}"), "kpi9")

    def test_reference_given_twice(self, tmp_path: Path) -> None:
        ref = f"kpi2={_nation(tmp_path)}"
        self._check(run("status", "--reference", ref, "--reference", ref), "2回指定")

    def test_reference_without_a_file(self) -> None:
        self._check(run("status", "--reference", "kpi2"), "--reference: ", "KPI=ファイル")

    def test_reference_with_one_day_twice(self, tmp_path: Path) -> None:
        ref = tmp_path / "ref.csv"
        ref.write_text("kpi_id,date,value\n全国,R3.4.1,28.3\n全国,2021-04-01,29\n", "utf-8")
        self._check(run("status", "--reference", f"kpi2={ref}"), "ref.csv", "line 3")

    def test_plan_with_several_mistakes_lists_each_on_its_own_line(self, tmp_path: Path) -> None:
        plan = tmp_path / "city.toml"
        plan.write_text(
            'id = "x"\nname = "n"\nperiod = "2021年4月～2026年3月"\n'
            '[[kpis]]\nid = "k"\nname = "n"\ntarget = { value = 1, deadline = "R4.13" }\n'
            'colour = "red"\n',
            encoding="utf-8",
        )
        result = run("validate", str(plan))
        assert result.returncode == 2
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 2
        assert all("city.toml: $.kpis[0]" in line for line in lines)


def _nation(folder: Path) -> Path:
    ref = folder / "nation.csv"
    ref.write_text("kpi_id,date,value\n全国,2021-04-01,28.3\n全国,2022-04-01,43.3\n", "utf-8")
    return ref


class TestOtherCommands:
    def test_forecast_pooled_toward_a_reference(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """The figures worked by hand on the formulas page (docs/formulas.md)."""
        assert main(["forecast", "kpi2", "--reference", f"kpi2={_nation(tmp_path)}"]) == 0
        out = capsys.readouterr().out
        assert "[pooled]" in out
        assert "59.96%" in out
        assert "全国のペース15.01に水準比1.049（45.42÷43.3）" in out
        assert main(["status", "--reference", f"kpi2={_nation(tmp_path)}", "--format", "csv"]) == 0
        table = capsys.readouterr().out
        assert "60.0%（80%予測区間 45.4～75.1）" in table  # 64.5% (45.4～100.0) without pooling

    def test_forecast_text_and_json(self, capsys: pytest.CaptureFixture[str]) -> None:
        assert main(["forecast", "kpi2", "--method", "two_point"]) == 0
        out = capsys.readouterr().out
        assert "60.27%" in out
        assert "目標到達見込み日: 2025年1月30日" in out
        assert main(["forecast", "kpi2", "--method", "all", "--format", "json"]) == 0
        methods = {f["method"] for f in json.loads(capsys.readouterr().out)}
        assert {"linear", "cagr", "logistic"} <= methods

    def test_conflicts(self, capsys: pytest.CaptureFixture[str]) -> None:
        assert main(["conflicts", "--check"]) == 0
        assert "競合はありません" in capsys.readouterr().out

    def test_report_html_and_markdown(self, tmp_path: Path) -> None:
        html, md = tmp_path / "r.html", tmp_path / "r.md"
        assert main(["report", "--format", "html", "-o", str(html)]) == 0
        assert main(["report", "--format", "markdown", "-o", str(md)]) == 0
        page = html.read_text(encoding="utf-8")
        assert page.count('<tr data-kpi="') == 6
        assert page.count("<svg") == 3  # two KPI charts and the Gantt view
        assert "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")
        text = md.read_text(encoding="utf-8")
        assert "(45.42 − 27.91) / (90 − 27.91)" in text
        assert oct(html.stat().st_mode & 0o777) == oct(0o666 & ~_umask())

    def test_init_writes_a_loadable_plan_and_never_overwrites(self, tmp_path: Path) -> None:
        path = tmp_path / "takasaki.toml"
        assert main(["init", "-o", str(path), "--city", "高崎市"]) == 0
        plan = load_plan(path)
        assert plan.city == "高崎市"
        text = path.read_text(encoding="utf-8")
        assert "令和7年度末" in text
        assert "6/上旬" in text
        assert run("init", "-o", str(path)).returncode == 2
        assert main(["init", "-o", str(path), "--force"]) == 0

    def test_plugins(self, capsys: pytest.CaptureFixture[str]) -> None:
        assert main(["plugins"]) == 0
        out = capsys.readouterr().out
        assert "two_point            組み込み" in out
        assert "resource_overlap" in out
        assert "nagayo" in out

    @pytest.mark.parametrize(
        "command",
        ["status", "forecast", "conflicts", "validate", "report", "chart", "init", "plugins"],
    )
    def test_help_shows_an_example(self, command: str) -> None:
        result = run(command, "--help")
        assert result.returncode == 0
        assert f"maebashi-dx {command}" in result.stdout.split("examples:")[1]

    def test_no_command_prints_help(self, capsys: pytest.CaptureFixture[str]) -> None:
        assert main([]) == 2
        assert "COMMAND" in capsys.readouterr().out

    def test_version(self, capsys: pytest.CaptureFixture[str]) -> None:
        assert main(["--version"]) == 0
        assert capsys.readouterr().out.startswith("maebashi-dx ")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
