"""The ``maebashi-dx`` command: the committee's material from a plan file.

Every subcommand works on the bundled Maebashi plan when no plan file is given.

Exit codes:

- 0: done;
- 1: ``--check`` found an off-track or missed KPI, or a schedule error or warning (the
  output is still written; each reason is one ``maebashi-dx: check:`` line on stderr);
- 2: bad input (a file, an argument): one ``maebashi-dx: error: SUBJECT: problem`` line
  per problem, and nothing written (see :mod:`maebashi_dx.cli.problems`);
- 70: a bug in maebashi-dx: one ``maebashi-dx: internal error:`` line, and the traceback
  only with ``--debug``;
- 130: interrupted (Ctrl-C), quietly; 141: the reader of the output went away (e.g.
  ``| head``), quietly.

Nothing is written on any failure: a command computes everything first and writes its
output once, atomically.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Sequence

from maebashi_dx.cli.problems import (
    BAD_INPUT,
    BUG,
    INTERRUPTED,
    OK,
    PIPE_CLOSED,
    PROG,
    InputError,
    error_lines,
    one_line,
)

__all__ = ["main"]


def _say(lines: Iterable[str], marker: str = "error") -> None:
    for line in lines:
        print(f"{PROG}: {marker}: {line}", file=sys.stderr)


def _run(argv: Sequence[str]) -> int:
    from maebashi_dx.cli.parser import build_parser, command_of, lang_of
    from maebashi_dx.i18n import text

    lang = lang_of(argv)
    parser = build_parser(lang, command_of(argv))  # the subcommand named, alone
    args, extras = parser.parse_known_args(argv)
    if extras:
        _say(one_line(f"{arg}: {text('cli.error.unrecognized', lang)}") for arg in extras)
        return BAD_INPUT
    if args.version:
        import maebashi_dx

        print(f"{PROG} {maebashi_dx.__version__}")
        return OK
    if args.command is None:
        parser.print_help()
        _say([text("cli.error.no_command", lang)])
        return BAD_INPUT
    # The commands (and what they import) are loaded once the line is read: --help
    # and a mistake on the command line need none of them.
    from maebashi_dx.cli.commands import run
    from maebashi_dx.cli.output import check_output

    if getattr(args, "output", None):
        check_output(args.output, "en" if args.lang == "en" else "ja")
    code = run(args)
    sys.stdout.flush()  # a closed pipe shows here, not in the interpreter's last flush
    return code


def _debug_asked(argv: Sequence[str]) -> bool:
    options = argv[: argv.index("--")] if "--" in argv else argv
    return "--debug" in options


def _quiet_stdout() -> None:
    """After a broken pipe, point stdout at /dev/null so the interpreter's last flush
    does not fail again (the recipe in the Python docs' ``signal`` module)."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, fd)
    os.close(devnull)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; returns the exit code (see the module's docstring).

    Args:
        argv: The arguments. None reads ``sys.argv[1:]``: the process's own command
            line, as the installed ``maebashi-dx`` and ``python -m maebashi_dx.cli``
            run it; the process then ends with the command (see
            :func:`~maebashi_dx.cli.output.ending`).
    """
    from maebashi_dx.cli.output import ending, safe_streams, start_up

    args = list(sys.argv[1:] if argv is None else argv)
    safe_streams()
    try:
        with start_up():
            return _run(args)
    except KeyboardInterrupt:
        return INTERRUPTED
    except BrokenPipeError:
        _quiet_stdout()
        return PIPE_CLOSED
    except SystemExit as exc:  # --help and --version actions of argparse
        return exc.code if isinstance(exc.code, int) else OK if exc.code is None else BAD_INPUT
    except Exception as exc:  # the one boundary: every failure ends here
        return _failed(exc, args)
    finally:
        if argv is None:
            ending()


def _missing_extra_said(exc: Exception, argv: Sequence[str]) -> Exception:
    """A missing optional extra, said in the run's language with the command that
    installs it (the library's own message is English)."""
    from maebashi_dx.cli.parser import lang_of
    from maebashi_dx.errors import MissingDependencyError
    from maebashi_dx.i18n import text

    missing = exc if isinstance(exc, MissingDependencyError) else exc.__cause__
    if not isinstance(missing, MissingDependencyError):
        return exc
    said = text(
        "cli.error.missing_extra", lang_of(argv), package=missing.package, extra=missing.extra
    )
    return InputError(exc.subject if isinstance(exc, InputError) else None, said)


def _failed(exc: Exception, argv: Sequence[str]) -> int:
    from maebashi_dx.errors import MaebashiDXError
    from maebashi_dx.i18n import UnknownMessageError

    if isinstance(exc, InputError) or (
        isinstance(exc, MaebashiDXError) and not isinstance(exc, UnknownMessageError)
    ):
        _say(error_lines(_missing_extra_said(exc, argv)))
        return BAD_INPUT
    if isinstance(exc, OSError) and exc.filename is not None:
        # The system refused a file the user named (permissions, a device): their input.
        _say([one_line(f"{exc.filename}: {exc.strerror or exc}")])
        return BAD_INPUT
    import maebashi_dx
    from maebashi_dx.cli.parser import lang_of
    from maebashi_dx.i18n import text

    if _debug_asked(argv):
        import traceback

        traceback.print_exception(exc, file=sys.stderr)
    error = f"{type(exc).__name__}: {exc}"
    version = maebashi_dx.__version__
    try:
        line = text("cli.error.bug", lang_of(argv), error=error, version=version)
    except Exception:  # the catalogue itself is broken: say so in plain English
        line = f"{error} — this is a bug in maebashi-dx {version}; please report it"
    _say([one_line(line)], marker="internal error")
    return BUG
