"""One tree of errors: every failure the library raises is a :class:`MaebashiDXError`.

Each subclass also inherits the builtin a caller would naturally catch
(``ValueError``, ``LookupError``), as dateutil's ``ParserError(ValueError)`` does.
Errors carry their data as attributes and build their message from it.
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs


class MaebashiDXError(Exception):
    """Base class of every error raised by maebashi_dx."""


@attrs.frozen
class Problem:
    """One problem in an input, at a JSONPath-like location.

    Attributes:
        path: Where the problem is, e.g. ``$.kpis[1].target.deadline``.
        message: What is wrong, in plain words.
        line: The line in the file, where the format gives one.
    """

    path: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        if self.line is None or self.path == f"line {self.line}":
            where = self.path
        else:
            where = f"{self.path} (line {self.line})"
        return f"{where}: {self.message}"


#: The most problems a PlanError's message lists; all are kept in ``problems``.
MAX_LISTED = 200


class PlanError(MaebashiDXError, ValueError):
    """A plan (or measurement file) has one or more problems; all are listed at once.

    The message lists the first :data:`MAX_LISTED` and counts the rest, so that a file
    with a million bad rows gives a readable message; ``problems`` holds every one.

    Attributes:
        problems: Every problem found, each with its path.
        source: The file (or other source) the input came from, if known.
    """

    def __init__(self, problems: Iterable[Problem], *, source: str | None = None) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        self.source = source
        super().__init__(self._message())

    def _message(self) -> str:
        head = f"{self.source}: " if self.source else ""
        n = len(self.problems)
        if n == 1:
            return f"{head}{self.problems[0]}"
        shown = self.problems[:MAX_LISTED]
        lines = "\n".join(f"  - {p}" for p in shown)
        more = f"\n  … and {n - len(shown):,} more" if n > len(shown) else ""
        return f"{head}{n:,} problems:\n{lines}{more}"

    def with_source(self, source: str) -> PlanError:
        """Return the same error, naming the file it came from."""
        return PlanError(self.problems, source=source)

    def __reduce__(self) -> tuple[object, ...]:
        return (_rebuild_plan_error, (self.problems, self.source))


def _rebuild_plan_error(problems: tuple[Problem, ...], source: str | None) -> PlanError:
    return PlanError(problems, source=source)


class DateParseError(MaebashiDXError, ValueError):
    """A date text could not be read.

    Attributes:
        text: The text exactly as given.
        reason: Why it could not be read.
    """

    def __init__(self, text: str, reason: str = "unrecognised date form") -> None:
        self.text = text
        self.reason = reason
        shown = text if len(text) <= 80 else f"{text[:77]}…"  # a message stays one line long
        super().__init__(f"cannot read date {shown!r}: {reason}")

    def __reduce__(self) -> tuple[object, ...]:
        return (DateParseError, (self.text, self.reason))


class CalculationError(MaebashiDXError, ValueError):
    """A calculation was asked of inputs that do not allow it (e.g. too few points)."""


class UnknownPluginError(MaebashiDXError, LookupError):
    """A forecaster, conflict rule or rating scale name is not registered.

    Attributes:
        kind: What was looked up (``"forecaster"``, ...).
        name: The unknown name.
        available: The names that are registered.
    """

    def __init__(self, kind: str, name: str, available: Iterable[str]) -> None:
        self.kind = kind
        self.name = name
        self.available = tuple(sorted(available))
        listed = ", ".join(self.available) or "none"
        super().__init__(f"unknown {kind} {name!r}; available: {listed}")

    def __reduce__(self) -> tuple[object, ...]:
        return (UnknownPluginError, (self.kind, self.name, self.available))


class UnknownMessageError(MaebashiDXError, LookupError):
    """A message key is missing from a catalogue: a bug in the library, never bad input.

    Also importable as ``maebashi_dx.i18n.UnknownMessageError``, where the catalogue is.
    """


class MissingDependencyError(MaebashiDXError, ImportError):
    """An optional extra is needed for this and is not installed.

    Attributes:
        package: The import name that is missing.
        extra: The ``maebashi-dx[extra]`` that provides it.
    """

    def __init__(self, package: str, extra: str) -> None:
        self.package = package
        self.extra = extra
        super().__init__(f"this needs {package}: pip install 'maebashi-dx[{extra}]'")

    def __reduce__(self) -> tuple[object, ...]:
        return (MissingDependencyError, (self.package, self.extra))
