"""Plan files in TOML, JSON and YAML, named like the standard library's json and tomllib.

>>> from maebashi_dx.datasets import maebashi_2022
>>> plan = maebashi_2022()
>>> loads_plan(dumps_plan(plan, "toml"), "toml") == plan
True

Reading is bounded, so that no file can make it hang or exhaust memory, and every
failure is a :class:`~maebashi_dx.errors.PlanError` naming the file and, where the
format gives one, the line:

- a file is at most :data:`MAX_PLAN_BYTES` (50 MB); it is UTF-8 (a byte-order mark
  allowed) or UTF-16 with a byte-order mark; other bytes (Shift_JIS, say) are an error
  that names the line and suggests the encoding;
- nesting is at most :data:`MAX_DEPTH` (64) tables and lists deep, and a file holds at
  most :data:`MAX_NODES` (1,000,000) values, YAML aliases counted as many times as they
  are used: an alias bomb is refused after a few hundred steps, and an alias that refers
  to itself is refused. Aliases are allowed (hand-written YAML uses them
  for repeated parts) because they are counted;
- each text is at most :data:`~maebashi_dx.model.checks.MAX_TEXT` characters;
- YAML is read with the safe loader (libyaml's ``CSafeLoader`` when available, with the
  same checks): only the core tags are allowed (no ``!!python/...``, ``!!binary``,
  ``!!set``); keys must be texts, and a key repeated in one mapping is an error (JSON
  likewise), never a silent last-wins.
"""

from __future__ import annotations

import gc
import json
import operator
import os
import re
import tomllib
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import date, datetime, time
from itertools import chain, compress, repeat
from typing import TYPE_CHECKING, Any, Literal

from maebashi_dx.errors import MissingDependencyError, PlanError, Problem
from maebashi_dx.io.plain import plain_plan
from maebashi_dx.model import Plan
from maebashi_dx.model.checks import MAX_TEXT, show

# pathlib and tempfile are imported where used: reading the bundled plan needs neither
# (they are a good part of ``maebashi-dx status``'s start).
if TYPE_CHECKING:
    from pathlib import Path

__all__ = [
    "FORMATS",
    "MAX_DEPTH",
    "MAX_NODES",
    "MAX_PLAN_BYTES",
    "Format",
    "atomic_write_bytes",
    "atomic_write_text",
    "collector_paused",
    "decode_bytes",
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

#: The largest plan file read, in bytes (the bundled plan is about 30 kB).
MAX_PLAN_BYTES = 50 * 1024 * 1024
#: The deepest nesting of tables and lists in a plan file (the bundled plan needs 6).
MAX_DEPTH = 64
#: The most values (texts, numbers, tables, lists) a plan file may hold, aliases counted
#: at each use.
MAX_NODES = 1_000_000


def format_of(path: str | os.PathLike[str]) -> Format:
    """The plan format a file name implies, from its suffix."""
    from pathlib import Path

    suffix = Path(path).suffix.lower()
    try:
        return _SUFFIXES[suffix]
    except KeyError:
        known = ", ".join(sorted(_SUFFIXES))
        raise PlanError(
            [
                Problem(
                    "$", f"cannot tell the format from {show(suffix or 'no suffix')}; use {known}"
                )
            ],
            source=str(path),
        ) from None


def _yaml() -> Any:
    try:
        import yaml  # optional extra, imported only when YAML is used
    except ImportError:
        raise MissingDependencyError("PyYAML", "yaml") from None
    return yaml


class _LimitError(Exception):
    """A limit was passed while reading (internal: becomes a PlanError)."""

    def __init__(self, path: str, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.problem = Problem(path, message, line)


def _too_large(what: str, size: int, limit: int) -> str:
    return f"{what} is {size:,} bytes; at most {limit:,} are read"


def _decode(text: str, fmt: Format) -> object:
    """Parse text into plain data; a syntax error becomes a PlanError with its line."""
    if fmt not in FORMATS:
        msg = f"unknown format {show(fmt)}; use one of {', '.join(FORMATS)}"
        raise PlanError([Problem("$", msg)])
    if len(text) > MAX_PLAN_BYTES:
        raise PlanError([Problem("$", _too_large("the text", len(text), MAX_PLAN_BYTES))])
    try:
        checked = False
        if fmt == "toml":
            data: object = tomllib.loads(text)
        elif fmt == "json":
            data, checked = _load_json(text)
        else:
            data = _load_yaml(text)
        if not checked:
            _check_plain(data)
    except PlanError:
        raise
    except _LimitError as exc:
        raise PlanError([exc.problem]) from None
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"line (\d+)", str(exc))
        raise PlanError(
            [Problem("$", f"invalid TOML: {str(exc)[:300]}", int(m[1]) if m else None)]
        ) from None
    except json.JSONDecodeError as exc:
        raise PlanError([Problem("$", f"invalid JSON: {exc.msg}", exc.lineno)]) from None
    except RecursionError:
        msg = f"invalid {fmt.upper()}: nested deeper than {MAX_DEPTH} tables or lists"
        raise PlanError([Problem("$", msg)]) from None
    except MemoryError:
        raise PlanError([Problem("$", f"invalid {fmt.upper()}: too large to read")]) from None
    except ValueError as exc:  # e.g. a whole number of over 4,300 digits
        msg = f"invalid {fmt.upper()}: {str(exc)[:300]}"
        raise PlanError([Problem("$", msg)]) from None
    return data


def _load_json(text: str) -> tuple[object, bool]:
    """JSON text as plain data, each object's keys checked for repeats (:func:`_no_repeats`),
    and whether the data were found within the limits (:func:`_check_plain`).

    Read first by the json module alone, all in C: the data holds every key of the text,
    none repeated, when the text's colons (the pairs' and those inside texts) are as
    many as the data's keys and the colons in its keys and texts (a repeated key drops a
    key and adds none); the data are found within the limits on the way. Anything
    else (a syntax error, a repeat, data over the limits, a colon written ``\\u003a``)
    is read again with the hook, as before.
    """
    if _ESCAPED_COLON.search(text) is None:
        try:
            data = json.loads(text)
        except (ValueError, RecursionError, MemoryError):
            data = None  # read again below: the same error, or a repeat before it
        tally = [0, 0]
        if (
            type(data) is dict
            and _within_limits(data, tally)
            and text.count(":") == tally[0] + tally[1]
        ):
            return data, True
    return _hooked_json(text), False


def _hooked_json(text: str) -> object:
    """JSON text as plain data, read with :func:`_no_repeats`."""
    return json.loads(text, object_pairs_hook=_no_repeats)


_ESCAPED_COLON = re.compile(r"\\u003[aA]")


def _no_repeats(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """json object hook: a key given twice in one object is an error, not last-wins."""
    out = dict(pairs)
    if len(out) == len(pairs):
        return out
    seen: set[str] = set()
    for key, _ in pairs:
        if key in seen:
            raise _LimitError("$", f"the key {show(key)} is given twice in one object")
        seen.add(key)
    return out  # pragma: no cover - a shorter dict has a repeated key


_YAML_TAGS = frozenset(
    f"tag:yaml.org,2002:{t}"
    for t in ("str", "int", "float", "bool", "null", "timestamp", "seq", "map", "merge")
)
_YAML_STR = "tag:yaml.org,2002:str"
_YAML_MERGE = "tag:yaml.org,2002:merge"


# A YAML text nested too deep is refused with one message whichever loader reads it:
# PyYAML's own composes nodes recursively (Python's recursion limit would stop it at
# about 300 levels, with no line), libyaml refuses 1,000 levels itself ("exceeded maximum
# nesting depth", libyaml 0.2.5 and later) and _check_yaml_node refuses the rest.
_TOO_DEEP = f"invalid YAML: nested deeper than {MAX_DEPTH} tables or lists"
_LIBYAML_TOO_DEEP = "exceeded maximum nesting depth"


def _yaml_loader(yaml: Any) -> Any:
    """The safe loader (libyaml's ``CSafeLoader`` when available, else PyYAML's
    ``SafeLoader``) whose constructor reports bad values (a 30 February, a number of
    5,000 digits) as YAML errors with their line, and whose composer (PyYAML's) refuses
    a node nested deeper than :data:`MAX_DEPTH` at its line."""
    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class Loader(base):  # type: ignore[misc, valid-type]
        depth = 0

        def compose_node(self, parent: Any, index: Any) -> Any:
            # PyYAML's composer calls this for each node; libyaml's composes in C.
            self.depth += 1
            try:
                if self.depth > MAX_DEPTH:
                    raise _LimitError("$", _TOO_DEEP, self.peek_event().start_mark.line + 1)
                return super().compose_node(parent, index)
            finally:
                self.depth -= 1

        def construct_object(self, node: Any, deep: bool = False) -> Any:
            try:
                return super().construct_object(node, deep=deep)
            except (ValueError, OverflowError, TypeError) as exc:
                raise yaml.constructor.ConstructorError(
                    None, None, f"cannot read this value: {str(exc)[:200]}", node.start_mark
                ) from None

    return Loader


def _load_yaml(text: str) -> object:
    yaml = _yaml()
    loader = None
    try:
        loader = _yaml_loader(yaml)(text)  # PyYAML's own reader checks characters here
        node = loader.get_single_node()
        if node is None:
            return None
        _check_yaml_node(node, yaml)
        return loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = exc.problem or exc.context or "syntax error"
        if "another document" in str(problem):
            problem = "a plan file holds one YAML document; found another after '---'"
        if problem == _LIBYAML_TOO_DEEP:
            raise PlanError([Problem("$", _TOO_DEEP, line)]) from None
        raise PlanError([Problem("$", f"invalid YAML: {str(problem)[:300]}", line)]) from None
    except yaml.YAMLError as exc:  # a ReaderError: a character YAML does not allow
        position = getattr(exc, "position", None)
        line = None
        if isinstance(position, int):
            if loader is None or isinstance(loader, yaml.SafeLoader):  # PyYAML counts characters
                line = text[:position].count("\n") + 1
            else:  # libyaml counts UTF-8 bytes
                line = text.encode("utf-8", "surrogatepass")[:position].count(b"\n") + 1
        raise PlanError([Problem("$", f"invalid YAML: {str(exc)[:300]}", line)]) from None
    finally:
        if loader is not None:
            loader.dispose()


def _check_yaml_node(root: Any, yaml: Any) -> None:
    """Refuse a YAML graph that is too deep, too large once its aliases are expanded,
    or holds a tag, key or text a plan cannot have, before anything is built from it.

    Sizes are memoised per node, so an alias bomb costs as many steps as it has
    distinct nodes; a node reached again while it is being measured is an alias to
    itself, refused as such.
    """
    sizes: dict[int, int] = {}
    active: set[int] = set()  # the nodes being measured: the path from the root

    def refuse(node: Any, message: str) -> _LimitError:
        return _LimitError("$", message, node.start_mark.line + 1)

    def size(node: Any, depth: int) -> int:
        if id(node) in active:
            raise refuse(node, "a YAML alias that contains itself (it would nest without end)")
        if depth > MAX_DEPTH:
            raise refuse(node, _TOO_DEEP)
        known = sizes.get(id(node))
        if known is not None:
            return known
        if node.tag not in _YAML_TAGS:
            raise refuse(node, f"the YAML tag {show(node.tag)} is not allowed in a plan")
        total = 1
        if isinstance(node, yaml.ScalarNode):
            if len(node.value) > MAX_TEXT:
                raise refuse(
                    node, f"a text of {len(node.value):,} characters; at most {MAX_TEXT:,}"
                )
        elif isinstance(node, yaml.SequenceNode):
            active.add(id(node))
            total += sum(size(child, depth + 1) for child in node.value)
            active.discard(id(node))
        else:
            active.add(id(node))
            seen: set[str] = set()
            for key, value in node.value:
                if key.tag == _YAML_MERGE:
                    pass
                elif not isinstance(key, yaml.ScalarNode) or key.tag != _YAML_STR:
                    what = key.value if isinstance(key, yaml.ScalarNode) else "a table or list"
                    raise refuse(key, f"a key must be a text, not {show(what)}")
                elif key.value in seen:
                    raise refuse(key, f"the key {show(key.value)} is given twice in one mapping")
                else:
                    seen.add(key.value)
                total += size(key, depth + 1) + size(value, depth + 1)
            active.discard(id(node))
        if total > MAX_NODES:
            raise refuse(node, f"more than {MAX_NODES:,} values once aliases are expanded")
        sizes[id(node)] = total
        return total

    size(root, 1)


_SCALARS = (str, int, float, bool, type(None), date, time)
_Where = tuple[Any, object] | None  # (the parent's place, a key or index), None at the root


def _path(where: _Where) -> str:
    steps: list[str] = []
    while where is not None:
        where, step = where
        steps.append(f"[{step}]" if isinstance(step, int) else f".{show(step, 40).strip(chr(39))}")
    return "$" + "".join(reversed(steps))


# The types a parser gives (TOML and YAML give dates and times too).
_ALLOWED = frozenset({str, dict, list, int, float, bool, type(None), date, datetime, time})


def _within_limits(data: dict[Any, Any], tally: list[int] | None = None) -> bool:
    """Whether :func:`_check_plain` finds nothing in parsed data, found without writing
    the path of each value: the tables and lists of one depth are looked at together,
    by loops in C. False for anything but dicts and lists of the types a parser gives
    (then _check_plain says what and where).

    ``tally``, if given, gets the number of keys added to its first item and the colons
    in the keys and texts to its second (see :func:`_load_json`), when True.
    """
    if type(data) is not dict:
        return False
    count = 0
    # The tables and the lists of one depth, split by the types of the values of the
    # depth above (each value's type looked up once).
    dicts: list[Any] = [data]
    lists: list[Any] = []
    depth = 1
    while dicts or lists:
        if depth > MAX_DEPTH:
            return False
        # The distinct keys (a parser gives the same few keys to thousands of tables).
        keys = set(chain.from_iterable(dicts))
        if keys and (set(map(type, keys)) != {str} or max(map(len, keys)) > MAX_TEXT):
            return False
        values = list(chain.from_iterable(map(dict.values, dicts)))
        pairs = len(values)  # a table has as many values as keys
        values += chain.from_iterable(lists)
        count += len(values)
        if count > MAX_NODES:
            return False
        kinds = list(map(type, values))
        present = set(kinds)
        if not present <= _ALLOWED:
            return False
        texts = _of_kind(values, kinds, str, present)
        if texts and max(map(len, texts)) > MAX_TEXT:
            return False
        if tally is not None:
            tally[0] += pairs
            if any(":" in key for key in keys):
                tally[1] += "".join(chain.from_iterable(dicts)).count(":")
            tally[1] += "".join(texts).count(":")
        dicts = _of_kind(values, kinds, dict, present)
        lists = _of_kind(values, kinds, list, present)
        depth += 1
    return True


def _of_kind(values: list[Any], kinds: list[type], kind: type, present: set[type]) -> list[Any]:
    """The values of one type (``kinds`` are their types, ``present`` the distinct ones)."""
    if kind not in present:
        return []
    if len(present) == 1:
        return values
    return list(compress(values, map(operator.is_, kinds, repeat(kind))))


def _check_plain(data: object) -> None:
    """Refuse parsed data that is too deep or too large, or holds a key that is not a
    text, a text that is too long or a value no plan field can take.

    The walk costs at most :data:`MAX_NODES` steps, whatever the data (aliases included).
    """
    if not (isinstance(data, dict) and _within_limits(data)):
        _check_each(data)


def _check_each(data: object) -> None:
    """:func:`_check_plain`, value by value, naming the first problem's path."""
    count = 0
    stack: list[tuple[object, int, _Where]] = [(data, 1, None)]
    while stack:
        value, depth, where = stack.pop()
        if depth > MAX_DEPTH:
            raise _LimitError(_path(where), f"nested deeper than {MAX_DEPTH} tables or lists")
        items: Any
        if isinstance(value, Mapping):
            for key in value:
                if not isinstance(key, str):
                    raise _LimitError(_path(where), f"a key must be a text, not {show(key)}")
                if len(key) > MAX_TEXT:
                    msg = f"a key of {len(key):,} characters; at most {MAX_TEXT:,}"
                    raise _LimitError(_path(where), msg)
            items = value.items()
        elif isinstance(value, list | tuple):
            items = enumerate(value)
        else:
            items = [(None, value)] if where is None else []
        for step, item in items:
            count += 1
            if count > MAX_NODES:
                raise _LimitError("$", f"more than {MAX_NODES:,} values")
            place = (where, step) if step is not None else where
            if isinstance(item, str):
                if len(item) > MAX_TEXT:
                    msg = f"a text of {len(item):,} characters; at most {MAX_TEXT:,}"
                    raise _LimitError(_path(place), msg)
            elif isinstance(item, Mapping | list | tuple):
                stack.append((item, depth + 1, place))
            elif not isinstance(item, _SCALARS):
                msg = f"a {type(item).__name__} is not a value a plan can hold"
                raise _LimitError(_path(place), msg)


def decode_bytes(raw: bytes, *, source: str | None = None) -> str:
    """The text of an input file's bytes: UTF-8 (a byte-order mark allowed) or UTF-16
    with its byte-order mark.

    Raises:
        PlanError: Bytes that are not such text, naming the line of the first bad byte
            and, when the bytes read as Shift_JIS (cp932), saying so.
    """
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError as exc:
            msg = f"not valid UTF-16 text (bad bytes at offset {exc.start:,})"
            raise PlanError([Problem("$", msg)], source=source) from None
    head = raw[:2000]
    if head and head.count(0) * 4 >= len(head):  # every other byte NUL: UTF-16 text
        msg = "the text looks like UTF-16 without a byte-order mark; save it as UTF-8"
        raise PlanError([Problem("line 1", msg, 1)], source=source)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        hint = ""
        try:
            raw.decode("cp932")
            hint = "; it looks like Shift_JIS (cp932): save it as UTF-8"
        except UnicodeDecodeError:
            pass
        msg = f"not UTF-8 text: byte {raw[exc.start]:#04x} at offset {exc.start:,}{hint}"
        raise PlanError([Problem(f"line {line}", msg, line)], source=source) from None


def read_input(path: str | os.PathLike[str], *, limit: int = MAX_PLAN_BYTES) -> str:
    """An input file's text (see :func:`decode_bytes`), at most ``limit`` bytes; a missing,
    unreadable, too large or undecodable file is a PlanError naming it."""
    source = str(path)
    try:
        from pathlib import Path

        with Path(path).open("rb") as handle:
            raw = handle.read(limit + 1)
    except FileNotFoundError:
        raise PlanError([Problem("$", "file not found")], source=source) from None
    except OSError as exc:
        msg = f"cannot read: {exc.strerror or type(exc).__name__}"
        raise PlanError([Problem("$", msg)], source=source) from None
    if len(raw) > limit:
        msg = f"the file is over {limit:,} bytes, the most that is read"
        raise PlanError([Problem("$", msg)], source=source)
    return decode_bytes(raw, source=source)


def loads_plan(text: str, format: Format) -> Plan:  # mirrors dumps_plan
    """Read a plan from text in ``format`` ("toml", "json" or "yaml").

    Raises:
        PlanError: Every problem at once, each with its path (and line, for syntax errors
            and YAML's limits).
        MissingDependencyError: YAML was asked for and PyYAML is not installed.
    """
    with collector_paused():
        data = _decode(text, format)
        if not isinstance(data, dict):
            raise PlanError(
                [Problem("$", f"a plan must be a table/mapping, got {type(data).__name__}")]
            )
        plan = plain_plan(data)  # without cattrs, when nothing in the plan is wrong
        if plan is not None:
            return plan
        from maebashi_dx.io.convert import plan_from_dict

        return plan_from_dict(data)


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a file is read into objects.

    Reading a large file makes millions of objects, none in a cycle; the collector,
    run every few hundred new objects, would walk them again and again (a third to a
    half of the time). It runs as before once they are made.

    The objects made meanwhile are then placed in the collector's oldest generation
    (``gc.freeze`` and ``gc.unfreeze``, two constant-time list moves), where a long-lived
    result would end up anyway, instead of being walked once more by the first young
    collection after the reading (a tenth of a national file's reading). The young
    objects there were before are collected first (``gc.collect(1)``), so only what the
    reading made skips the young generations, and the collector's state after the
    reading is as before: enabled or not, nothing frozen (nothing is done when something
    already is: ``gc.unfreeze`` would release it).
    """
    collecting = gc.isenabled()
    settle = collecting and gc.get_freeze_count() == 0
    if settle:
        gc.collect(1)
    gc.disable()
    try:
        yield
    finally:
        if settle:
            gc.freeze()
            gc.unfreeze()
        if collecting:
            gc.enable()


def load_plan(path: str | os.PathLike[str]) -> Plan:
    """Read a plan file; the format comes from the suffix (.toml, .json, .yaml/.yml).

    Raises:
        PlanError: The file is missing, unreadable or too large, or every problem in it,
            with the file name.
    """
    fmt = format_of(path)
    text = read_input(path)
    try:
        return loads_plan(text, fmt)
    except PlanError as exc:
        raise exc.with_source(str(path)) from None


def dumps_plan(plan: Plan, format: Format) -> str:  # mirrors loads_plan
    """Write a plan as text; ``loads_plan(dumps_plan(p, f), f) == p``."""
    from maebashi_dx.io.convert import plan_to_dict

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
    msg = f"unknown format {show(format)}; use one of {', '.join(FORMATS)}"
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
    import tempfile
    from pathlib import Path

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
