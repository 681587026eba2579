"""The command's one boundary: every mistake is exit 2 with one line per problem, a bug is
exit 70 with one line (the traceback only with --debug), and nothing else escapes."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from maebashi_dx.cli import main
from maebashi_dx.conflicts import Severity, find_conflicts
from maebashi_dx.datasets import maebashi_2022
from maebashi_dx.io import dump_plan, load_plan
from tests.test_cli import run

ERROR = "maebashi-dx: error: "


def _plan(folder: Path) -> Path:
    path = folder / "city.toml"
    dump_plan(maebashi_2022(), path)
    return path


def _existing(folder: Path) -> Path:
    path = folder / "existing.toml"
    path.write_text("kept\n", encoding="utf-8")
    return path


def _file_as_folder(folder: Path) -> str:
    (folder / "a_file").write_text("", encoding="utf-8")
    return str(folder / "a_file" / "table.csv")


# Each kind of bad argument: the command line (built in a temporary folder) and the
# subject its one error line must name.
Argv = Callable[[Path], list[str]]
BAD_ARGUMENTS: dict[str, tuple[Argv, str]] = {
    "level above one": (lambda t: ["forecast", "kpi2", "--level", "2"], "--level: "),
    "level of zero": (lambda t: ["forecast", "kpi2", "--level", "0"], "--level: "),
    "level not a number": (lambda t: ["forecast", "kpi2", "--level", "x"], "--level: "),
    "level NaN": (lambda t: ["forecast", "kpi2", "--level", "nan"], "--level: "),
    "level infinite": (lambda t: ["forecast", "kpi2", "--level=-inf"], "--level: "),
    "unknown KPI to forecast": (lambda t: ["forecast", "kpi9"], "kpi9"),
    "unknown KPI in a plan file": (lambda t: ["forecast", "kpi9", str(_plan(t))], "city.toml: "),
    "unknown KPI to chart": (lambda t: ["chart", "kpi9", "-o", str(t / "c.svg")], "kpi9"),
    "unknown method": (lambda t: ["status", "--method", "prophet"], "--method: "),
    "unknown method to forecast": (lambda t: ["forecast", "kpi2", "--method", "x"], "--method: "),
    "unknown grade scale": (lambda t: ["status", "--scale", "zz"], "--scale: "),
    "unknown conflict rule": (lambda t: ["conflicts", "--rule", "zz"], "--rule: "),
    "unknown format": (lambda t: ["status", "--format", "xml"], "--format: "),
    "format of another command": (lambda t: ["forecast", "kpi2", "--format", "csv"], "--format"),
    "unknown language": (lambda t: ["status", "--lang", "fr"], "--lang: "),
    "as-of unreadable": (lambda t: ["status", "--as-of", "R4.13"], "--as-of: "),
    "as-of out of range": (lambda t: ["status", "--as-of", "9999-12-31"], "--as-of: "),
    "as-of without a value": (lambda t: ["status", "--as-of"], "--as-of: "),
    "output in a missing folder": (
        lambda t: ["status", "-o", str(t / "nope" / "t.csv")],
        "-o: ",
    ),
    "output under a file": (lambda t: ["status", "-o", _file_as_folder(t)], "-o: "),
    "output is a folder": (lambda t: ["report", "-o", str(t)], "-o: "),
    "binary output to the terminal": (lambda t: ["status", "--format", "xlsx"], "-o: "),
    "PNG chart to the terminal": (lambda t: ["chart", "kpi2"], "-o: "),
    "chart without a KPI": (lambda t: ["chart", "-o", str(t / "c.png")], "chart: "),
    "gantt with a KPI and a plan": (
        lambda t: ["chart", "--gantt", "kpi2", str(_plan(t)), "-o", str(t / "g.svg")],
        "--gantt: ",
    ),
    "measurements file missing": (
        lambda t: ["status", "--measurements", str(t / "nope.csv")],
        "nope.csv: ",
    ),
    "plan file missing": (lambda t: ["status", str(t / "nope.toml")], "nope.toml: "),
    "plan file of unknown kind": (lambda t: ["validate", str(t / "plan.txt")], "plan.txt: "),
    "reference without a file": (lambda t: ["status", "--reference", "kpi2"], "--reference: "),
    "reference file missing": (
        lambda t: ["forecast", "kpi2", "--reference", f"kpi2={t / 'nope.csv'}"],
        "nope.csv: ",
    ),
    "unknown option": (lambda t: ["status", "--colour", "red"], "--colour: "),
    "option before its command": (lambda t: ["--as-of=R4.5", "status"], "--as-of=R4.5: "),
    "missing KPI": (lambda t: ["forecast"], "forecast: "),
    "unknown command": (lambda t: ["frobnicate"], "COMMAND: "),
    "extra argument": (lambda t: ["forecast", "kpi2", str(_plan(t)), "extra"], "extra: "),
    "init over an existing file": (lambda t: ["init", "-o", str(_existing(t))], "-o: "),
}


def _problem_lines(err: str) -> list[str]:
    return err.splitlines()


@pytest.mark.parametrize("kind", sorted(BAD_ARGUMENTS))
@pytest.mark.parametrize("lang", ["ja", "en"])
def test_a_bad_argument_is_exit_2_with_one_line(
    kind: str, lang: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv, subject = BAD_ARGUMENTS[kind]
    args = argv(tmp_path)
    if kind != "unknown command" and not args[0].startswith("--as-of"):
        args += ["--lang", lang]
    before = sorted(p.name for p in tmp_path.iterdir())
    assert main(args) == 2
    out, err = capsys.readouterr()
    lines = _problem_lines(err)
    assert len(lines) == 1, err
    assert lines[0].startswith(ERROR + subject) or (
        lines[0].startswith(ERROR) and subject in lines[0]
    ), lines[0]
    assert "Traceback" not in err
    assert out == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # nothing written


def test_the_catalogue_has_at_least_fifteen_kinds() -> None:
    assert len(BAD_ARGUMENTS) >= 15


def test_two_unknown_options_are_two_lines(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["status", "--colour", "red", "--size=3"]) == 2
    assert capsys.readouterr().err.splitlines() == [
        f"{ERROR}--colour: この引数は使えません",
        f"{ERROR}--size=3: この引数は使えません",
    ]


def test_argparse_messages_are_in_the_language_asked_for(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["status", "--format", "xml"]) == 2
    ja = capsys.readouterr().err
    choices = "text, markdown, csv, json, html, xlsx"
    assert ja == f"{ERROR}--format: xml は指定できません（指定できる値: {choices}）\n"
    assert main(["status", "--format", "xml", "--lang", "en"]) == 2
    assert "invalid choice: xml (choose from text, markdown" in capsys.readouterr().err


def test_a_problem_on_a_line_names_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The form documented in docs/cli.md: FILE: PATH (line N): problem, or FILE: line N."""
    plan = tmp_path / "city.toml"
    plan.write_text('id = "x"\nname = \n', encoding="utf-8")
    assert main(["validate", str(plan)]) == 2
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith(f"{ERROR}{plan}: $ (line 2): invalid TOML")


def test_a_measurement_error_names_the_measurements_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    csv = tmp_path / "m.csv"
    csv.write_text("kpi_id,date,value\nkpi9,2022-05-31,1\n", encoding="utf-8")
    assert main(["status", "--measurements", str(csv)]) == 2
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith(f"{ERROR}{csv}: line 2")
    assert "kpi9" in line


def test_an_output_folder_that_cannot_be_written_is_refused_before_any_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """As root every folder is writable, so the system's answer is stood in for."""
    import maebashi_dx.cli.output as output

    monkeypatch.setattr(output.os, "access", lambda path, mode: False)
    monkeypatch.setattr(sys.modules["maebashi_dx.assess"], "assess", _never)
    assert main(["status", "-o", str(tmp_path / "t.csv"), "--lang", "en"]) == 2
    assert capsys.readouterr().err == f"{ERROR}-o: the folder {tmp_path} is not writable\n"
    assert list(tmp_path.iterdir()) == []


def test_a_write_the_system_refuses_is_bad_input(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The disk is full (or the like) when the file is written: one line, no file."""
    from maebashi_dx.io import files

    def full(path: object, data: bytes) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files, "atomic_write_bytes", full)
    out = tmp_path / "t.csv"
    assert main(["status", "--format", "csv", "-o", str(out), "--lang", "en"]) == 2
    assert capsys.readouterr().err == (f"{ERROR}-o: cannot write {out}: No space left on device\n")


@pytest.mark.parametrize(
    ("argv", "module", "name", "subject"),
    [
        (["chart", "kpi2"], "maebashi_dx.report.charts", "kpi_chart_png", "-o"),
        (["chart", "--gantt"], "maebashi_dx.report.charts", "gantt_png", "-o"),
        (["status", "--format", "xlsx"], "maebashi_dx.report.xlsx", "table_to_xlsx", "--format"),
    ],
)
def test_a_missing_extra_names_the_option_that_needs_it(
    argv: list[str],
    module: str,
    name: str,
    subject: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from maebashi_dx.errors import MissingDependencyError

    __import__(module)

    def missing(*args: object, **kwargs: object) -> None:
        raise MissingDependencyError("somepackage", "someextra")

    monkeypatch.setattr(sys.modules[module], name, missing)
    out = tmp_path / "out.png"
    assert main([*argv, "-o", str(out)]) == 2
    assert capsys.readouterr().err == (
        f"{ERROR}{subject}: この出力には somepackage が必要です。"
        "`pip install 'maebashi-dx[someextra]'` で追加してください\n"
    )
    assert main([*argv, "-o", str(out), "--lang", "en"]) == 2
    assert capsys.readouterr().err == (
        f"{ERROR}{subject}: this needs somepackage: pip install 'maebashi-dx[someextra]'\n"
    )
    assert not out.exists()


def test_help_is_exit_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["status", "--help"]) == 0
    assert "--check" in capsys.readouterr().out


def _never(*args: object, **kwargs: object) -> None:
    raise AssertionError("the command computed before refusing its output")


def test_a_control_character_in_a_message_stays_on_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["forecast", "kpi\n9\x1b"]) == 2
    (line,) = capsys.readouterr().err.splitlines()
    assert "kpi\\n9\\x1b" in line


class TestBug:
    """An unexpected exception is a bug: exit 70, one line, the traceback on request."""

    @pytest.fixture(autouse=True)
    def _broken_assess(self, monkeypatch: pytest.MonkeyPatch) -> None:
        assess_module = sys.modules["maebashi_dx.assess"]

        def broken(*args: object, **kwargs: object) -> None:
            raise ZeroDivisionError("float division by zero")

        monkeypatch.setattr(assess_module, "assess", broken)

    def test_one_line_saying_it_is_a_bug(self, capsys: pytest.CaptureFixture[str]) -> None:
        import maebashi_dx

        assert main(["status", "--lang", "en"]) == 70
        out, err = capsys.readouterr()
        assert out == ""
        (line,) = err.splitlines()
        assert line.startswith(
            "maebashi-dx: internal error: ZeroDivisionError: float division by zero — "
            f"this is a bug in maebashi-dx {maebashi_dx.__version__}; please report it"
        )
        assert "--debug" in line
        assert "Traceback" not in err

    @pytest.mark.parametrize("where", ["before", "after"])
    def test_debug_prints_the_traceback(
        self, where: str, capsys: pytest.CaptureFixture[str]
    ) -> None:
        argv = ["--debug", "status"] if where == "before" else ["status", "--debug"]
        assert main(argv) == 70
        err = capsys.readouterr().err
        assert err.startswith("Traceback (most recent call last):")
        assert "ZeroDivisionError: float division by zero" in err
        assert err.splitlines()[-1].startswith("maebashi-dx: internal error: ZeroDivisionError")

    def test_nothing_is_written(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        out = tmp_path / "t.csv"
        assert main(["status", "--format", "csv", "-o", str(out)]) == 70
        assert list(tmp_path.iterdir()) == []


def test_debug_is_accepted_where_nothing_fails(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--debug", "plugins"]) == 0
    assert main(["plugins", "--debug"]) == 0
    assert capsys.readouterr().err == ""


def test_ctrl_c_is_exit_130_quietly(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    conflicts_module = sys.modules["maebashi_dx.conflicts"]

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(conflicts_module, "find_conflicts", interrupted)
    assert main(["conflicts"]) == 130
    assert capsys.readouterr() == ("", "")


def test_a_missing_message_is_a_bug_not_bad_input(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from maebashi_dx import i18n

    monkeypatch.setattr(i18n, "catalogue", lambda lang: {})
    assert main(["forecast", "kpi2", "--level", "2"]) == 70
    assert capsys.readouterr().err.startswith("maebashi-dx: internal error: UnknownMessageError")


class TestCheck:
    """--check: exit 1, the output still written, and each reason on stderr."""

    def test_status_names_each_kpi_and_its_status(self, capsys: pytest.CaptureFixture[str]) -> None:
        assert main(["status", "--check", "--format", "csv"]) == 1
        out, err = capsys.readouterr()
        assert out.startswith("kpi_id,")
        assert err.splitlines() == [
            "maebashi-dx: check: `maebashi_2022`（同梱の前橋市計画）: "
            "kpi1（全ての行政手続をオンライン化する）の状況は「遅れ」です",
            "maebashi-dx: check: `maebashi_2022`（同梱の前橋市計画）: "
            "kpi2（市民の90%がマイナンバーカードを保有する）の状況は「遅れ」です",
        ]

    def test_conflicts_names_each_conflict(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        plan = maebashi_2022()
        first, second, *rest = plan.milestones
        looped = (
            attrs.evolve(first, depends_on=(second.id,)),
            attrs.evolve(second, depends_on=(first.id,)),
            *rest,
        )
        path = tmp_path / "looped.toml"
        dump_plan(attrs.evolve(plan, milestones=looped), path)
        assert main(["conflicts", str(path), "--check", "--lang", "en"]) == 1
        err = capsys.readouterr().err.splitlines()
        serious = [c for c in find_conflicts(load_plan(path)) if c.severity is not Severity.INFO]
        assert len(err) == len(serious) >= 2
        assert all(line.startswith("maebashi-dx: check: ") for line in err)
        cycle = next(line for line in err if "dependency_cycle" in line)
        assert cycle.startswith("maebashi-dx: check: error dependency_cycle: ")
        assert {first.id, second.id} <= set(cycle.rpartition(": ")[2].split(", "))


# ----------------------------------------------------------------- as a user runs it


def test_the_issue_example_in_a_fresh_process() -> None:
    """`maebashi-dx forecast kpi2 --level 2` printed a traceback and exited 1."""
    result = run("forecast", "kpi2", "--level", "2")
    assert result.returncode == 2
    assert result.stderr == (
        f"{ERROR}--level: 0より大きく1より小さい値で指定してください（例: 0.8、指定値: 2）\n"
    )
    assert result.stdout == ""


def test_an_unknown_option_in_a_fresh_process_prints_no_usage() -> None:
    result = run("status", "--frobnicate")
    assert (result.returncode, result.stderr) == (2, f"{ERROR}--frobnicate: この引数は使えません\n")


def test_a_terminal_that_cannot_show_japanese_gets_escapes(tmp_path: Path) -> None:
    result = run("status", env={"PYTHONIOENCODING": "ascii"})
    assert result.returncode == 0, result.stderr
    assert "\\u72b6\\u6cc1" in result.stdout  # 状況
    bad = run("forecast", "kpi9", env={"PYTHONIOENCODING": "ascii"})
    assert bad.returncode == 2
    assert bad.stderr.startswith(ERROR)
    assert "Traceback" not in bad.stderr


def _without(name: str) -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k != name}


@pytest.mark.parametrize(
    "argv", [["forecast", "kpi2", "--method", "all"], ["plugins"]], ids=["long", "short"]
)
def test_a_reader_that_goes_away_gets_no_traceback(argv: list[str]) -> None:
    """`maebashi-dx status | head -1`: the pipe closes before the output is written (a
    short output stays in the buffer until the end: it must not fail at exit either)."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "maebashi_dx.cli", *argv],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        # buffered, as for a user (PYTHONUNBUFFERED would hide a failing last flush)
        env={**_without("PYTHONUNBUFFERED"), "PYTHONIOENCODING": "utf-8"},
    )
    assert proc.stdout is not None
    assert proc.stderr is not None
    proc.stdout.close()  # before the command has started to write
    err = proc.stderr.read().decode("utf-8")
    proc.stderr.close()
    assert proc.wait(timeout=60) == 141
    assert err == ""


# --------------------------------------------------------------- any command line

_TOKENS = [
    *("status", "forecast", "conflicts", "validate", "chart", "plugins", "init"),
    *("kpi1", "kpi3", "kpi9", "--gantt", "--check", "--debug", "--lang", "ja", "en", "fr"),
    *("--as-of", "R4.5", "R4.13", "1868-01-01", "2200-12-31", "令和元年五月一日", ""),
    *("--level", "0.5", "1", "-0", "1e309", "--method", "all", "blend", "pooled", "holt"),
    *("--format", "csv", "json", "xlsx", "--scale", "tama", "--rule", "overallocation"),
    *("--reference", "kpi2=", "=x.csv", "--measurements", "--", "-", "-x", "--as-of=R4"),
    *("--city", "高崎市", "--force", "--version", "--help", "city.toml", "city.yaml"),
]


@given(argv=st.lists(st.sampled_from(_TOKENS), max_size=7))
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_command_line_is_ok_a_check_or_bad_input_never_a_bug(
    argv: list[str], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Token soup from the real options (in a folder where nothing exists): whatever
    the order, the command succeeds, fails a --check or reports bad input; never exit
    70, never a traceback, every error line marked."""
    capsys.readouterr()
    if "init" in argv:  # keep every file this writes inside the test's folder
        argv = [*argv, "-o", str(tmp_path / "new.toml"), "--force"]
    code = main(argv)
    err = capsys.readouterr().err
    assert code in (0, 1, 2), err
    assert "Traceback" not in err
    if code == 2 and "--help" not in argv:
        lines = err.splitlines()
        assert lines
        assert all(
            line.startswith(("maebashi-dx: error: ", "maebashi-dx: check: ")) for line in lines
        ), err


@given(st.text())
def test_one_line_is_one_line(message: str) -> None:
    from maebashi_dx.cli.problems import one_line

    shown = one_line(message)
    assert len(shown.splitlines()) <= 1
    assert len(shown) <= 2001
    if message.isprintable() and len(message) <= 2000:
        assert shown == message  # printable text is shown as it is


def test_a_flood_of_problems_is_listed_up_to_the_limit_then_counted() -> None:
    """A file with thousands of bad rows gives a screenful of lines, not thousands."""
    from maebashi_dx.cli.problems import error_lines
    from maebashi_dx.errors import MAX_LISTED, PlanError, Problem

    exc = PlanError(
        [Problem(f"line {n}", "not a number", n) for n in range(2, 5002)], source="m.csv"
    )
    lines = list(error_lines(exc))
    assert len(lines) == MAX_LISTED + 1
    assert lines[0] == "m.csv: line 2: not a number"
    assert lines[-1] == f"m.csv: … and {5000 - MAX_LISTED:,} more problems"
