"""The README tells the truth: its commands run, its outputs land in an ignored folder,
and its facts (system packages, forecaster count) match the code."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from maebashi_dx.cli import main
from maebashi_dx.forecast import FORECASTERS

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
NUMBERS = {"six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}


def readme_commands() -> list[list[str]]:
    """Every `maebashi-dx …` command of the README's quick starts, as argument lists."""
    commands = []
    for block in re.findall(r"```sh\n(.*?)```", README, flags=re.DOTALL):
        for line in block.splitlines():
            line = line.split("  #", 1)[0].strip()
            # "pip install … && maebashi-dx …": the part a user runs after installing.
            line = line.rsplit("&& ", 1)[-1]
            if line.startswith("maebashi-dx "):
                commands.append(shlex.split(line)[1:])
    return commands


def test_the_readme_has_commands_to_run() -> None:
    assert len(readme_commands()) >= 10


def test_every_readme_command_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """In a fresh folder, in README order (init before the commands that read its file)."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "out").mkdir()
    commands = readme_commands()
    # The plan files a quick start makes first, so that a command reading one finds it.
    for args in sorted(commands, key=lambda a: a[0] != "init"):
        if "chart" in args and args[-1].endswith(".png"):
            pytest.importorskip("matplotlib")
        code = main(args)
        err = capsys.readouterr().err
        assert code in (0, 1), (args, err)  # 1: a --check that found an off-track KPI
        assert "--check" in args or code == 0, (args, err)


def test_readme_outputs_go_to_an_ignored_folder() -> None:
    ignored = {
        line.strip().rstrip("/")
        for line in (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
    }
    outputs = [a[i + 1] for a in readme_commands() for i, x in enumerate(a) if x == "-o"]
    assert outputs
    assert {Path(o).parts[0] for o in outputs} <= ignored


def test_readme_counts_the_built_in_forecasters() -> None:
    said = re.search(r"(\w+) registered forecasters", README)
    assert said is not None
    built_in = [
        name for name in FORECASTERS if FORECASTERS.get(name).__module__.startswith("maebashi_dx")
    ]
    assert NUMBERS[said.group(1)] == len(built_in)


def test_readme_names_the_system_packages_the_browser_tests_need() -> None:
    assert "chromium" in README
    assert "fonts-noto-cjk" in README
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "chromium" in ci
    assert "fonts-noto-cjk" in ci


def test_readme_installs_from_the_repository() -> None:
    assert "git clone" in README
    assert "pip install -e ." in README
