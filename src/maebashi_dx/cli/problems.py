"""The command's one boundary for failures: exit codes and the one-line error form.

Every problem a user can cause is printed as one line on standard error,

    maebashi-dx: error: SUBJECT: problem

where SUBJECT says where the problem is: ``FILE: PATH`` for a problem inside a file
(``PATH`` is the JSONPath-like location, followed by ``(line N)`` when the line is
known, or ``line N`` alone when a line is all there is), ``FILE`` for the file as a
whole, and the option (``--as-of``) for a bad argument. A bug prints one line starting
``maebashi-dx: internal error:``. The markers are the same in every language, so a
script can find them; the problem after them is in the language asked for, except the
library's own messages, which are English.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator

__all__ = [
    "BAD_INPUT",
    "BUG",
    "CHECK_FAILED",
    "INTERRUPTED",
    "OK",
    "PIPE_CLOSED",
    "PROG",
    "InputError",
    "UsageError",
    "error_lines",
    "one_line",
]

PROG = "maebashi-dx"

# Exit codes. 2 for bad input follows argparse (and Unix tools' "usage" code); 70 is
# EX_SOFTWARE from BSD's sysexits.h ("an internal software error"); 130 and 141 are
# 128 + the signal number, as a shell reports a command stopped by SIGINT or SIGPIPE.
OK = 0
CHECK_FAILED = 1
BAD_INPUT = 2
BUG = 70
INTERRUPTED = 130
PIPE_CLOSED = 141

_LONGEST = 2000  # characters: a message never prints unbounded input


class InputError(Exception):
    """A mistake in the command's input: exit code 2, one line per problem.

    Attributes:
        subject: Where the problem is: an option (``--level``), a file, or ``None``.
        problem: What is wrong, in the language of the run.
    """

    def __init__(self, subject: str | None, problem: str) -> None:
        self.subject = subject
        self.problem = problem
        super().__init__(f"{subject}: {problem}" if subject else problem)


class UsageError(InputError):
    """A mistake argparse found while reading the command line (exit code 2)."""


def one_line(text: str) -> str:
    """The text on one line: control characters written as escapes, and cut if very long.

    >>> one_line("a\\nb\\x1b")
    'a\\\\nb\\\\x1b'
    """
    shown = "".join(
        ch.encode("unicode_escape").decode("ascii")
        if unicodedata.category(ch) in ("Cc", "Zl", "Zp")
        else ch
        for ch in text[: _LONGEST + 1]
    )
    return shown if len(text) <= _LONGEST else shown[:_LONGEST] + "…"


def error_lines(exc: BaseException) -> Iterator[str]:
    """The lines that report a user's mistake: one per problem, each ``SUBJECT: problem``,
    the first :data:`~maebashi_dx.errors.MAX_LISTED` of them and a count of the rest (a
    file with a million bad rows gives a screenful, not a million lines)."""
    from maebashi_dx.errors import MAX_LISTED, PlanError

    if isinstance(exc, PlanError):
        head = f"{exc.source}: " if exc.source else ""
        for problem in exc.problems[:MAX_LISTED]:
            yield one_line(f"{head}{problem}")
        if len(exc.problems) > MAX_LISTED:
            more = len(exc.problems) - MAX_LISTED
            yield one_line(f"{exc.source or '$'}: … and {more:,} more problems")
        if not exc.problems:  # pragma: no cover - the library always names a problem
            yield one_line(str(exc))
        return
    yield one_line(str(exc))
