"""Plan files in TOML, JSON and YAML, named like the standard library's json and tomllib.

>>> from maebashi_dx.datasets import maebashi_2022
>>> plan = maebashi_2022()
>>> loads_plan(dumps_plan(plan, "toml"), "toml") == plan
True
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import tomllib
from pathlib import Path
from typing import Any, Literal

from maebashi_dx.errors import MissingDependencyError, PlanError, Problem
from maebashi_dx.io.convert import plan_from_dict, plan_to_dict
from maebashi_dx.model import Plan

__all__ = [
    "FORMATS",
    "Format",
    "atomic_write_bytes",
    "atomic_write_text",
    "dump_plan",
    "dumps_plan",
    "format_of",
    "load_plan",
    "loads_plan",
    "read_input",
]

Format = Literal["toml", "json", "yaml"]
FORMATS: tuple[Format, ...] = ("toml", "json", "yaml")
_SUFFIXES: dict[str, Format] = {".toml": "toml", ".json": "json", ".yaml": "yaml", ".yml": "yaml"}


def format_of(path: str | os.PathLike[str]) -> Format:
    """The plan format a file name implies, from its suffix."""
    suffix = Path(path).suffix.lower()
    try:
        return _SUFFIXES[suffix]
    except KeyError:
        known = ", ".join(sorted(_SUFFIXES))
        raise PlanError(
            [Problem("$", f"cannot tell the format from {suffix or 'no suffix'!r}; use {known}")],
            source=str(path),
        ) from None


def _yaml() -> Any:
    try:
        import yaml  # optional extra, imported only when YAML is used
    except ImportError:
        raise MissingDependencyError("PyYAML", "yaml") from None
    return yaml


def _decode(text: str, fmt: Format) -> object:
    """Parse text into plain data; a syntax error becomes a PlanError with its line."""
    try:
        if fmt == "toml":
            return tomllib.loads(text)
        if fmt == "json":
            return json.loads(text)
        if fmt == "yaml":
            yaml = _yaml()
            try:
                return yaml.safe_load(text)
            except yaml.MarkedYAMLError as exc:
                line = exc.problem_mark.line + 1 if exc.problem_mark else None
                raise PlanError([Problem("$", f"invalid YAML: {exc.problem}", line)]) from None
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"line (\d+)", str(exc))
        raise PlanError([Problem("$", f"invalid TOML: {exc}", int(m[1]) if m else None)]) from None
    except json.JSONDecodeError as exc:
        raise PlanError([Problem("$", f"invalid JSON: {exc.msg}", exc.lineno)]) from None
    msg = f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}"
    raise PlanError([Problem("$", msg)])


def read_input(path: str | os.PathLike[str]) -> str:
    """A UTF-8 input file's text (a BOM allowed); a missing or unreadable file is a
    PlanError naming it."""
    try:
        return Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise PlanError([Problem("$", "file not found")], source=str(path)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise PlanError([Problem("$", f"cannot read: {exc}")], source=str(path)) from None


def loads_plan(text: str, format: Format) -> Plan:  # mirrors dumps_plan
    """Read a plan from text in ``format`` ("toml", "json" or "yaml").

    Raises:
        PlanError: Every problem at once, each with its path (and line, for syntax errors).
        MissingDependencyError: YAML was asked for and PyYAML is not installed.
    """
    data = _decode(text, format)
    if not isinstance(data, dict):
        raise PlanError(
            [Problem("$", f"a plan must be a table/mapping, got {type(data).__name__}")]
        )
    return plan_from_dict(data)


def load_plan(path: str | os.PathLike[str]) -> Plan:
    """Read a plan file; the format comes from the suffix (.toml, .json, .yaml/.yml).

    Raises:
        PlanError: The file is missing or unreadable, or every problem in it, with the
            file name.
    """
    fmt = format_of(path)
    text = read_input(path)
    try:
        return loads_plan(text, fmt)
    except PlanError as exc:
        raise exc.with_source(str(path)) from None


def dumps_plan(plan: Plan, format: Format) -> str:  # mirrors loads_plan
    """Write a plan as text; ``loads_plan(dumps_plan(p, f), f) == p``."""
    data = plan_to_dict(plan)
    if format == "toml":
        import tomli_w  # small, and only needed to write TOML

        text: str = tomli_w.dumps(data)
        return text
    if format == "json":
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    if format == "yaml":
        dumped: str = _yaml().safe_dump(data, allow_unicode=True, sort_keys=False)
        return dumped
    msg = f"unknown format {format!r}; use one of {', '.join(FORMATS)}"
    raise PlanError([Problem("$", msg)])


def atomic_write_text(path: str | os.PathLike[str], text: str) -> None:
    """Write text so that the file is either the old one or the whole new one.

    The text goes to a temporary file in the same folder, is flushed to disk, then
    renamed over the target (``os.replace`` is atomic on POSIX and Windows).
    """
    atomic_write_bytes(path, text.encode("utf-8"))


def _mode_for(target: Path) -> int:
    """The replaced file's permissions, or what a new file would get under the umask."""
    try:
        return target.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> None:
    """Write bytes atomically (see :func:`atomic_write_text`), keeping usual permissions."""
    target = Path(path)
    mode = _mode_for(target)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def dump_plan(plan: Plan, path: str | os.PathLike[str], format: Format | None = None) -> None:
    """Write a plan file atomically; the format comes from the suffix unless given."""
    text = dumps_plan(plan, format or format_of(path))  # fully serialised before any write
    atomic_write_text(path, text)
