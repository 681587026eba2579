"""Where the command's results go: standard output or a file written atomically.

A file is written only once everything it holds has been computed, through
:func:`maebashi_dx.io.files.atomic_write_bytes`, so a failure never leaves a file, and
an existing file is either kept whole or replaced whole.
"""

from __future__ import annotations

import gc
import io
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

from maebashi_dx.cli.problems import InputError
from maebashi_dx.i18n import Lang, text

__all__ = ["check_output", "colour", "emit", "progress", "read_measurements", "safe_streams"]

T = TypeVar("T")
_LARGE = 20_000  # rows: a file this long gets a progress bar on a terminal


def safe_streams() -> None:
    """Let stdout and stderr print any text: a terminal or pipe whose encoding cannot hold
    Japanese (or a lone surrogate from a file) gets backslash escapes, never a crash."""
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")


# Whether start_up() paused the cyclic garbage collector and started() has not yet
# resumed it.
_paused = False


@contextmanager
def start_up() -> Iterator[None]:
    """Pause the cyclic garbage collector while the command starts; resumed by
    :func:`started`, or at the end.

    Starting is importing the modules the command uses and reading the bundled plan:
    tens of thousands of objects that live as long as the process and that the
    collector, run every 700 allocations, would scan again and again (about 3 ms of
    the 70 that ``maebashi-dx status`` takes). They hold no garbage to collect: when
    the collector resumes, they are frozen out of its reach (:func:`gc.freeze`), or
    its first collection would scan them all at once. The collector resumes before
    any file of the user's is read. At the end its state is put back as it was
    (:func:`gc.unfreeze`), so a program that calls :func:`maebashi_dx.cli.main` keeps
    its own; one that has turned the collector off, or frozen objects of its own, is
    left alone.
    """
    global _paused
    if not gc.isenabled() or gc.get_freeze_count():  # the caller's own settings
        yield
        return
    gc.disable()
    _paused = True
    try:
        yield
    finally:
        started()
        gc.unfreeze()


def started() -> None:
    """The command has started: resume the collector :func:`start_up` paused, the
    objects made so far frozen (nothing when it paused none, or when it is resumed
    already)."""
    global _paused
    if _paused:
        _paused = False
        gc.freeze()
        gc.enable()


def ending() -> None:
    """The process ends with the command: its objects are moved out of the collector's
    reach (:func:`gc.freeze`), so that the interpreter's last collection, as it exits,
    does not scan them all once more (about 3 ms of ``maebashi-dx status``).

    Only for the process's own command line (``main()`` without arguments): a program
    that calls :func:`maebashi_dx.cli.main` with its arguments goes on, and keeps its
    collector as it was. The output is written and flushed before this; nothing of the
    command waits on a finalizer.
    """
    gc.freeze()


def interactive(stream: Any) -> bool:
    """Whether a stream is a terminal."""
    return bool(getattr(stream, "isatty", lambda: False)())


def progress(items: Sequence[T], label: Callable[[], str]) -> Iterator[T]:
    """Iterate with a progress bar on a terminal (rich, if installed); silently otherwise.

    ``label`` gives the bar's text, read (from the catalogue) only when a bar is shown.
    """
    if len(items) < 2 or not interactive(sys.stderr):
        yield from items
        return
    try:
        from rich.progress import track  # optional extra
    except ImportError:
        yield from items
        return
    yield from track(items, description=label(), console=None, transient=True)


def read_measurements(source: str, load: Callable[..., Any], lang: Lang) -> Any:
    """Read one measurements file, with a progress bar when it is large and stderr is a
    terminal (rich installed); silently otherwise."""
    if not interactive(sys.stderr) or source.lower().endswith((".xlsx", ".xlsm")):
        return load(source)
    try:
        with open(source, "rb") as handle:
            total = sum(1 for _ in handle) - 1
    except OSError:
        return load(source)  # the loader reports the problem
    if total < _LARGE:
        return load(source)
    try:
        from rich.progress import Progress  # optional extra
    except ImportError:
        return load(source)
    from pathlib import Path

    with Progress(transient=True) as bar:
        label = text("cli.progress.reading", lang, name=Path(source).name)
        task = bar.add_task(label, total=total)
        return load(source, progress=lambda done: bar.update(task, completed=done))


def check_output(path: str, lang: Lang) -> None:
    """Refuse, before any work, an output path that cannot be written.

    Raises:
        InputError: The folder is missing or not writable, or the path is a folder.
    """
    from pathlib import Path  # here: --help needs no paths

    target = Path(path)
    folder = target.parent
    if target.is_dir():
        raise InputError("-o", text("cli.error.is_folder", lang, path=path))
    if not folder.is_dir():
        raise InputError("-o", text("cli.error.folder_missing", lang, folder=str(folder)))
    if not os.access(folder, os.W_OK | os.X_OK):
        raise InputError("-o", text("cli.error.folder_not_writable", lang, folder=str(folder)))


def emit(payload: str | bytes, output: str | None, lang: Lang) -> None:
    """Write to the file atomically, or to standard output.

    Raises:
        InputError: Binary output without a file, text that cannot be UTF-8, or a file
            the system refused to write (nothing is left behind).
    """
    if output:
        from maebashi_dx.io.files import atomic_write_bytes

        try:
            data = payload if isinstance(payload, bytes) else payload.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise InputError(
                "-o", text("cli.error.cannot_encode", lang, reason=exc.reason)
            ) from None
        try:
            atomic_write_bytes(output, data)
        except OSError as exc:
            reason = exc.strerror or type(exc).__name__
            raise InputError(
                "-o", text("cli.error.cannot_write", lang, path=output, reason=reason)
            ) from None
        return
    if isinstance(payload, bytes):
        raise InputError("-o", text("cli.error.binary_needs_file", lang))
    sys.stdout.write(payload)


def colour(table_text: str) -> None:
    """Print a text table with status words coloured, when rich is there and stdout is a
    terminal; plain otherwise (machine formats never get colour)."""
    if not interactive(sys.stdout):
        sys.stdout.write(table_text)
        return
    try:
        from rich.console import Console  # optional extra
        from rich.text import Text
    except ImportError:
        sys.stdout.write(table_text)
        return
    from maebashi_dx.status import Status

    styles = {
        Status.ACHIEVED: "bold blue",
        Status.ON_TRACK: "green",
        Status.AT_RISK: "yellow",
        Status.OFF_TRACK: "red",
        Status.MISSED: "bold red",
    }
    by_label = {
        label: style for status, style in styles.items() for label in (status.ja, status.en)
    }
    rich_text = Text()
    for line in table_text.splitlines(keepends=True):
        # Only the status lines of the table ("  状況   遅れ"), never words elsewhere.
        head, _, value = line.rstrip("\n").rpartition("  ")
        style = by_label.get(value.strip()) if head.strip() in ("状況", "Status") else None
        if style is None:
            rich_text.append(line)
        else:
            rich_text.append(head + "  ")
            rich_text.append(value, style=style)
            rich_text.append("\n")
    Console(highlight=False).print(rich_text, end="")
