"""The command line: subcommands, options and the checks on each argument's value.

argparse's own mistakes (an unknown option, a bad choice, a missing value) do not print
a usage dump: :class:`Parser` raises :class:`~maebashi_dx.cli.problems.UsageError`,
which the command reports as one line. The help texts stay in English with the Japanese
terms beside them, as argparse writes its own words ("usage", "options") in English.
"""

from __future__ import annotations

import argparse
import math
import os
import re
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, NoReturn

from maebashi_dx.cli.problems import PROG, UsageError
from maebashi_dx.i18n import LANGS, Lang, text

if TYPE_CHECKING:
    from datetime import date

__all__ = ["Parser", "build_parser", "command_of", "lang_of"]

# The patterns below are compiled (through re's cache) only when there is a mistake to
# report: compiling them at import would cost every command line.
_ARGUMENT = r"(?s)argument (?P<subject>[^:]+): (?P<problem>.*)"


# argparse's own messages (Python 3.11 to 3.13 word them so), in the catalogue's words;
# a message not matched here is shown as argparse wrote it.
_ARGPARSE_MESSAGES = (
    (r"invalid choice: (?P<value>.*?) \(choose from (?P<choices>.*)\)", "choice"),
    (r"expected one argument", "expected_one"),
    (r"the following arguments are required: (?P<names>.*)", "required"),
    (r"ambiguous option: (?P<option>\S+) could match (?P<choices>.*)", "ambiguous"),
)


def _translated(message: str, lang: Lang) -> str:
    for pattern, key in _ARGPARSE_MESSAGES:
        m = re.fullmatch(pattern, message)
        if m is None:
            continue
        found = {k: v.replace("'", "") for k, v in m.groupdict().items()}
        if key == "choice":
            return text("cli.argparse.choice", lang, **found)
        if key == "expected_one":
            return text("cli.argparse.expected_one", lang)
        if key == "required":
            return text("cli.argparse.required", lang, **found)
        return text("cli.argparse.ambiguous", lang, **found)
    return message


def _width() -> int:
    """The width argparse wraps help to: the terminal's columns less 2, as
    ``shutil.get_terminal_size`` reads them (``COLUMNS``, else the terminal, else 80).

    Read here rather than through shutil, which argparse imports for it and which
    imports the compression modules (about 2 ms of the 20 that ``maebashi-dx --help``
    takes over the interpreter's start).
    """
    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return (columns if columns > 0 else 80) - 2


class _Formatter(argparse.RawDescriptionHelpFormatter):
    """argparse's formatter keeping the descriptions' line breaks, at :func:`_width`."""

    def __init__(
        self,
        prog: str,
        indent_increment: int = 2,
        max_help_position: int = 24,
        width: int | None = None,
    ) -> None:
        super().__init__(
            prog, indent_increment, max_help_position, _width() if width is None else width
        )


class Parser(argparse.ArgumentParser):
    """argparse, reporting a mistake as a :class:`UsageError` instead of exiting.

    Attributes:
        lang: The language of the messages.
    """

    lang: Lang = "ja"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        """Raise the mistake as one problem: ``--level: invalid float value: 'x'``."""
        m = re.fullmatch(_ARGUMENT, message)
        if m:
            subject = m["subject"].split("/")[-1]  # "-o/--output" → "--output"
            raise UsageError(subject, _translated(m["problem"], self.lang))
        command = self.prog.removeprefix(PROG).strip() or None
        raise UsageError(command, _translated(message, self.lang))


def lang_of(argv: Sequence[str]) -> Lang:
    """The ``--lang`` on a command line, read before parsing so that the parser's own
    messages can be in that language (``ja`` when absent or unknown)."""
    found: Lang = "ja"
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        value = None
        if arg == "--lang" and i + 1 < len(argv):
            value = argv[i + 1]
        elif arg.startswith("--lang="):
            value = arg.partition("=")[2]
        if value in LANGS:
            found = "en" if value == "en" else "ja"
    return found


def _as_of(lang: Lang) -> Callable[[str], date]:
    def read(value: str) -> date:
        """--as-of accepts the Japanese forms too (R4.5 → 2022-05-31, the span's end),
        within the days a plan may hold; the date reader's messages are the library's."""
        from maebashi_dx.dates import parse_date  # keep start-up light
        from maebashi_dx.errors import DateParseError
        from maebashi_dx.model.checks import EARLIEST, LATEST

        try:
            day = parse_date(value).end
        except DateParseError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None
        if not EARLIEST <= day <= LATEST:
            msg = text(
                "cli.error.as_of_range",
                lang,
                value=value,
                earliest=EARLIEST.isoformat(),
                latest=LATEST.isoformat(),
            )
            raise argparse.ArgumentTypeError(msg)
        return day

    return read


def _level(lang: Lang) -> Callable[[str], float]:
    def read(value: str) -> float:
        """A confidence level strictly between 0 and 1."""
        try:
            level = float(value)
        except ValueError:
            msg = text("cli.error.not_a_number", lang, value=value)
            raise argparse.ArgumentTypeError(msg) from None
        if not (math.isfinite(level) and 0 < level < 1):
            raise argparse.ArgumentTypeError(text("cli.error.level_range", lang, value=value))
        return level

    return read


_EXAMPLES = {
    "status": """examples:
  maebashi-dx status                               # the committee's table, bundled plan
  maebashi-dx status my_city.toml --as-of R5.3     # your plan, as of March 2023
  maebashi-dx status a.toml b.toml --format csv    # one table, with a plan column
  maebashi-dx status --scale tama --lang en --format markdown
  maebashi-dx status --measurements latest.csv --check   # exit 1 if a KPI is off track
  maebashi-dx status --format xlsx -o table.xlsx""",
    "forecast": """examples:
  maebashi-dx forecast kpi2                        # value at the deadline, interval, pace
  maebashi-dx forecast kpi2 --method all           # every forecaster side by side
  maebashi-dx forecast kpi3                        # a staged KPI: the stage expected
  maebashi-dx forecast kpi1 my_city.toml --as-of 2023-03-31 --format json""",
    "conflicts": """examples:
  maebashi-dx conflicts                            # the bundled plan's schedule
  maebashi-dx conflicts my_city.toml --check       # exit 1 on errors or warnings
  maebashi-dx conflicts --rule resource_overlap --rule overallocation --format csv""",
    "validate": """examples:
  maebashi-dx validate my_city.toml
  maebashi-dx validate plans/*.toml --measurements figures.xlsx""",
    "report": """examples:
  maebashi-dx report --format html -o report.html  # one self-contained file
  maebashi-dx report my_city.toml --format markdown -o report.md --lang en""",
    "chart": """examples:
  maebashi-dx chart kpi2 -o kpi2.png               # PNG needs the 'charts' extra
  maebashi-dx chart --gantt -o schedule.png
  maebashi-dx chart --gantt my_city.toml -o schedule.svg
  maebashi-dx chart kpi1 -o kpi1.svg               # SVG needs no extra""",
    "deck": """examples:
  maebashi-dx deck -o 委員会資料.pptx               # the committee's slides (the 'pptx' extra)
  maebashi-dx deck my_city.toml -o deck.pptx --template city.pptx --previous R4.3
  maebashi-dx deck --lang en --as-of R5.3 -o deck_en.pptx""",
    "init": """examples:
  maebashi-dx init -o my_city.toml --city 高崎市
  maebashi-dx init -o takasaki.toml --city 高崎市 --city-en Takasaki
  maebashi-dx validate my_city.toml""",
    "plugins": """examples:
  maebashi-dx plugins
  maebashi-dx plugins --format json""",
}


def command_of(argv: Sequence[str]) -> str | None:
    """The subcommand a command line names, read before parsing so that only its own
    parser is built: the first argument, after any ``--debug``; None when that is not a
    subcommand (an option such as ``--help``, a mistake: then every one is built, for
    the help's list and the error's choices).

    >>> command_of(["--debug", "status", "--lang", "en"]), command_of(["--help", "status"])
    ('status', None)
    """
    for arg in argv:
        if arg != "--debug":
            return arg if arg in _EXAMPLES else None
    return None


def build_parser(lang: Lang = "ja", command: str | None = None) -> Parser:
    """The ``maebashi-dx`` parser; ``lang`` is the language of its value checks.

    Args:
        lang: The language of the parser's messages.
        command: Build only this subcommand (see :func:`command_of`): a command line
            that names it needs no other, and building all nine takes longer than
            parsing. None builds every subcommand.
    """
    fmt = _Formatter
    parser = Parser(
        prog=PROG,
        description="Run a city's DX promotion plan by its numbers "
        "(KPIの達成状況・予測・スケジュールの競合).",
        epilog="Run 'maebashi-dx COMMAND --help' for examples. With no plan file, commands "
        "use the bundled Maebashi plan. Exit codes: 0 ok, 1 a --check failed, 2 bad input, "
        "70 a bug in maebashi-dx, 130 interrupted.",
        formatter_class=fmt,
    )
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    parser.add_argument(
        "--debug", action="store_true", help="on a bug, print the traceback (any position)"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)

    # --debug is accepted after the subcommand too; SUPPRESS keeps the subcommand's
    # default from overwriting a --debug given before it.
    debug = Parser(add_help=False)
    debug.add_argument(
        "--debug",
        action="store_true",
        default=argparse.SUPPRESS,
        help="on a bug, print the traceback",
    )
    common = Parser(add_help=False)
    common.add_argument("--lang", choices=LANGS, default="ja", help="labels (default ja)")
    common.add_argument(
        "--measurements",
        action="append",
        default=[],
        metavar="FILE",
        help="measurements CSV or .xlsx merged into the plan (repeatable)",
    )
    common.add_argument("-o", "--output", metavar="FILE", help="write here instead of stdout")
    calc = Parser(add_help=False)
    calc.add_argument(
        "--as-of",
        type=_as_of(lang),
        metavar="DATE",
        help="e.g. 2022-05-31 or R4.5 (default: report date)",
    )
    calc.add_argument(
        "--method",
        help="forecaster (default: blend, or pooled for a KPI with --reference; see 'plugins')",
    )
    calc.add_argument(
        "--reference",
        action="append",
        metavar="KPI=FILE",
        help=(
            "pool KPI toward a reference series, e.g. the prefecture's rate: a measurements "
            "CSV or .xlsx of one place (kpi_id,date,value) (repeatable)"
        ),
    )
    calc.add_argument("--scale", help="grade scale: nagayo, tama, akiruno, fukuoka, ...")
    calc.add_argument(
        "--calibrate",
        action="store_true",
        help=(
            "calibrate intervals and the chance of meeting each target on the plan's own "
            "track record (KPIs with a monthly history; short series keep their interval)"
        ),
    )

    def add(name: str, help_: str, parents: list[Parser]) -> Parser | None:
        """The subcommand's parser, or None when another one is the only one built."""
        if command is not None and name != command:
            return None
        made: Parser = sub.add_parser(
            name,
            help=help_,
            description=help_,
            epilog=_EXAMPLES[name],
            formatter_class=fmt,
            parents=[*parents, debug],
        )
        return made

    if p := add("status", "the progress table with computed status", [common, calc]):
        p.add_argument("plan", nargs="*", help="plan files (TOML, JSON, YAML)")
        p.add_argument(
            "--format", choices=("text", "markdown", "csv", "json", "html", "xlsx"), default="text"
        )
        p.add_argument(
            "--check", action="store_true", help="exit 1 if a KPI is off track or missed"
        )

    if p := add("forecast", "a KPI's forecast to its deadline", [common, calc]):
        p.add_argument("kpi", help="KPI id, e.g. kpi2")
        p.add_argument("plan", nargs="?", help="plan file")
        p.add_argument(
            "--level", type=_level(lang), default=0.8, help="interval confidence (default 0.8)"
        )
        p.add_argument("--format", choices=("text", "json"), default="text")

    if p := add("conflicts", "what in the schedule cannot work, and what to move", [common]):
        p.add_argument("plan", nargs="?", help="plan file")
        p.add_argument("--rule", action="append", help="run only this rule (repeatable)")
        p.add_argument("--format", choices=("text", "markdown", "csv", "json"), default="text")
        p.add_argument("--check", action="store_true", help="exit 1 on errors or warnings")

    if p := add("validate", "check plan files and list every problem", [common]):
        p.add_argument("plan", nargs="*", help="plan files")

    if p := add("report", "the whole committee report (HTML or Markdown)", [common, calc]):
        p.add_argument("plan", nargs="?", help="plan file")
        p.add_argument("--format", choices=("html", "markdown"), default="html")

    if p := add("chart", "a KPI chart or the schedule's Gantt chart (PNG or SVG)", [common, calc]):
        p.add_argument("kpi", nargs="?", help="KPI id (with --gantt: the plan file)")
        p.add_argument("plan", nargs="?", help="plan file")
        p.add_argument("--gantt", action="store_true", help="the schedule instead of a KPI")

    if p := add("deck", "the committee's slides as an editable PowerPoint file", [common, calc]):
        p.add_argument("plan", nargs="?", help="plan file")
        p.add_argument(
            "--template", metavar="FILE", help="a .pptx whose slide master and layouts to use"
        )
        p.add_argument(
            "--previous",
            type=_as_of(lang),
            metavar="DATE",
            help="an earlier day of assessment: the summary says what changed since",
        )

    if p := add("init", "write a commented starter plan file for a new city", []):
        p.add_argument("-o", "--output", default="dx_plan.toml", metavar="FILE")
        p.add_argument("--city", default="○○市", help="the city's name, e.g. 高崎市")
        p.add_argument("--city-en", help="the city's English name, e.g. Takasaki (for name_en)")
        p.add_argument("--force", action="store_true", help="replace an existing file")
        p.add_argument("--lang", choices=LANGS, default="ja", help="the language of --city")

    if p := add("plugins", "installed forecasters, conflict rules and grade scales", []):
        p.add_argument("--format", choices=("text", "json"), default="text")
        p.add_argument("-o", "--output", metavar="FILE")
        p.add_argument("--lang", choices=LANGS, default="ja", help="labels (default ja)")
    for each in (parser, *sub.choices.values()):
        each.lang = lang
    return parser
