"""What the command loads to start: ``--help`` and ``status`` import only what they use.

bench_import.py measures the time; these tests keep the reasons for it from coming back
(a module-level import of attrs on the way to ``--help``, the entry-point scan or the
card tables' reader on the way to ``status``).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import subprocess
import sys
from pathlib import Path

import pytest

from maebashi_dx.cli import main
from maebashi_dx.cli.parser import _EXAMPLES, _width, build_parser, command_of

# Run the command in a fresh interpreter and print the modules it loaded.
_RUN = """
import contextlib, io, sys
from maebashi_dx.cli import main
with contextlib.redirect_stdout(io.StringIO()):
    code = main({argv!r})
assert code == 0, code
print("\\n".join(sorted(sys.modules)))
"""


def _modules(code: str) -> set[str]:
    done = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    return set(done.stdout.split())


def _loaded(*argv: str) -> set[str]:
    """The modules the command loads beyond what the bare interpreter has at start (its
    site hooks, e.g. a package's .pth file, may import shutil or importlib.metadata)."""
    bare = _modules("import sys; print('\\n'.join(sorted(sys.modules)))")
    return _modules(_RUN.format(argv=list(argv))) - bare


def test_help_loads_neither_attrs_nor_the_library() -> None:
    loaded = _loaded("--help")
    ours = {m for m in loaded if m.startswith("maebashi_dx")}
    assert ours <= {
        "maebashi_dx",
        "maebashi_dx.cli",
        "maebashi_dx.cli.output",
        "maebashi_dx.cli.parser",
        "maebashi_dx.cli.problems",
        "maebashi_dx.i18n",
    }
    assert {m for m in loaded if m.startswith(("attr", "cattrs"))} == set()
    assert "shutil" not in loaded  # argparse's way to the terminal's width


@pytest.mark.parametrize("columns", ["60", "200", "", "0", "-3", "wide"])
def test_help_is_as_wide_as_argparse_makes_it(
    monkeypatch: pytest.MonkeyPatch, columns: str
) -> None:
    """The width read without shutil is the one argparse reads through it."""
    monkeypatch.setenv("COLUMNS", columns)
    theirs = argparse.RawDescriptionHelpFormatter(prog="maebashi-dx")
    assert _width() == theirs._width
    assert build_parser("en")._get_formatter()._width == theirs._width


def test_status_reads_no_entry_points_nor_the_card_tables_reader() -> None:
    loaded = _loaded("status")
    assert "importlib.metadata" not in loaded
    assert "maebashi_dx.io.soumu" not in loaded


# What `status` (the bundled plan, as a text table) has no use for, each with what needs
# it: a module listed here and loaded again is a start-up cost come back.
_NOT_ON_STATUS_PATH = {
    "maebashi_dx.io.measurements": "--measurements and --reference files",
    "pathlib": "files named on the command line, and --output",
    "urllib.parse": "pathlib's file URIs",
    "ipaddress": "urllib.parse",
    "csv": "--format csv",
    "decimal": "a figure of 10¹⁵ or more, written with a power of ten",
    "maebashi_dx.report.document": "--format html and the report command",
    "maebashi_dx.report.svg": "the chart command",
    "maebashi_dx.conflicts": "the conflicts, report, chart and deck commands",
    "maebashi_dx._plugin_failure": "a plugin that fails to load",
}


def test_status_loads_only_what_it_uses() -> None:
    """The bundled plan's text table: no reader, writer or format it does not use."""
    loaded = _loaded("status")
    assert {m: why for m, why in _NOT_ON_STATUS_PATH.items() if m in loaded} == {}


# How many modules `status` loads beyond the bare interpreter (and of them, ours), as
# counted when its start-up was last cut. A change that loads more on this path fails
# here: make the new import lazy, or raise the budget in the same change, saying why.
_STATUS_BUDGET = {"all": 127, "maebashi_dx": 40}


def test_status_loads_no_more_modules_than_its_budget() -> None:
    loaded = _loaded("status")
    ours = sorted(m for m in loaded if m.startswith("maebashi_dx"))
    assert len(ours) <= _STATUS_BUDGET["maebashi_dx"], ours
    assert len(loaded) <= _STATUS_BUDGET["all"], sorted(loaded)


def test_status_loads_no_cattrs() -> None:
    """The bundled plan is written plainly: built without the converter (io/plain.py)."""
    loaded = _loaded("status")
    assert {m for m in loaded if m.startswith("cattrs")} == set()
    assert "maebashi_dx.io.convert" not in loaded


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    (action,) = (a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


@pytest.mark.parametrize("name", sorted(_EXAMPLES))
@pytest.mark.parametrize("lang", ["ja", "en"])
def test_a_subcommand_built_alone_is_the_one_built_with_all(name: str, lang: str) -> None:
    """The command line's own subcommand, built alone, has the same options, defaults
    and help as in the whole parser."""
    alone = _subcommands(build_parser(lang, name))  # type: ignore[arg-type]
    whole = _subcommands(build_parser(lang))  # type: ignore[arg-type]
    assert list(alone) == [name]
    assert alone[name].format_help() == whole[name].format_help()
    least = ["kpi2"] if name == "forecast" else []  # the least each command takes
    assert vars(alone[name].parse_args(least)) == vars(whole[name].parse_args(least))


@pytest.mark.parametrize(
    ("argv", "command"),
    [
        (["status"], "status"),
        (["--debug", "forecast", "kpi2"], "forecast"),
        (["--help", "status"], None),  # the main help lists every subcommand
        (["--version"], None),
        (["stauts"], None),  # a mistake: the error lists the choices
        (["--lang", "en", "status"], None),
        ([], None),
    ],
)
def test_the_subcommand_is_read_before_parsing(argv: list[str], command: str | None) -> None:
    assert command_of(argv) == command


def test_status_builds_only_its_own_parser(monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[str] = []
    real = argparse._SubParsersAction.add_parser

    def add_parser(self: argparse._SubParsersAction, name: str, **kwargs: object) -> object:  # type: ignore[type-arg]
        built.append(name)
        return real(self, name, **kwargs)

    monkeypatch.setattr(argparse._SubParsersAction, "add_parser", add_parser)
    with contextlib.redirect_stdout(io.StringIO()):
        assert main(["status", "--format", "csv"]) == 0
    assert built == ["status"]


def _gc_seen(monkeypatch: pytest.MonkeyPatch, argv: list[str]) -> dict[str, bool]:
    """Whether the collector ran when the command began and when it read a plan file."""
    import gc

    import maebashi_dx.io
    from maebashi_dx.cli import commands

    seen: dict[str, bool] = {}
    check, load = commands._check_plugins, maebashi_dx.io.load_plan

    def check_plugins(args: argparse.Namespace) -> None:
        seen["begun"] = gc.isenabled()
        check(args)

    def load_plan(*args: object, **kwargs: object) -> object:
        seen["file"] = gc.isenabled()
        return load(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(commands, "_check_plugins", check_plugins)
    monkeypatch.setattr(maebashi_dx.io, "load_plan", load_plan)
    with contextlib.redirect_stdout(io.StringIO()):
        assert main(argv) == 0
    return seen


def test_the_collector_is_paused_while_the_command_starts(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Paused at start, running again when a file of the user's is read, and as it was
    afterwards (on, or off when the caller had turned it off)."""
    import gc

    from maebashi_dx.datasets import maebashi_2022
    from maebashi_dx.io import dump_plan

    assert gc.isenabled()
    assert _gc_seen(monkeypatch, ["status"]) == {"begun": False}
    assert gc.isenabled()
    plan = str(tmp_path / "plan.json")
    dump_plan(maebashi_2022(), plan)
    assert _gc_seen(monkeypatch, ["status", plan]) == {"begun": False, "file": True}
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0  # what it froze is given back
    gc.disable()
    try:
        assert _gc_seen(monkeypatch, ["status", plan]) == {"begun": False, "file": False}
        assert not gc.isenabled()
    finally:
        gc.enable()
    gc.freeze()  # a caller's own frozen objects: the collector is left as it is
    try:
        frozen = gc.get_freeze_count()
        assert _gc_seen(monkeypatch, ["status", plan]) == {"begun": True, "file": True}
        assert gc.get_freeze_count() <= frozen  # none added (some freed since)
    finally:
        gc.unfreeze()


def test_status_reads_only_the_catalogues_it_shows() -> None:
    """The table's words (report, status) and the bundled plan's name, not the command
    line's own catalogue (cli: its errors and progress bars, none of which shows)."""
    code = _RUN.format(argv=["status"]).replace(
        'print("\\n".join(sorted(sys.modules)))',
        "from maebashi_dx import i18n\n"
        "before = i18n._domain.cache_info().hits\n"
        "i18n._domain('ja', 'cli')\n"
        "print(i18n._domain.cache_info().hits > before)",
    )
    assert _modules(code) == {"False"}


def test_only_the_process_s_own_command_line_freezes_its_objects(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """main() without arguments ends the process (its objects frozen out of the exit's
    last collection); main(argv) leaves the caller's collector as it was."""
    import gc

    assert gc.get_freeze_count() == 0
    with contextlib.redirect_stdout(io.StringIO()):
        assert main(["status"]) == 0
    assert gc.get_freeze_count() == 0
    monkeypatch.setattr(sys, "argv", ["maebashi-dx", "status"])
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            assert main() == 0
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
