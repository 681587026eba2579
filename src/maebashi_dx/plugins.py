"""Registries of named plugins: forecasters, conflict rules and rating scales.

A registry is a small object with ``register``, ``get``, ``in`` and iteration, as svcs's
``Registry`` is. Third-party packages add entries through entry points
(``maebashi_dx.forecasters``, ``maebashi_dx.conflict_rules``,
``maebashi_dx.rating_scales``); those are loaded lazily, never at import, and under a
lock so that threads see one consistent load. They are read the first time the registry
is listed (iteration, ``len``, ``in``, :attr:`Registry.failures`, :meth:`Registry.origin`)
or a name that is not registered yet is looked up; looking up a registered name (every
built-in) does not read them, since reading the installed distributions' metadata costs
more than the command's own start. A plugin that claims a registered name is refused with
:class:`PluginConflictError` naming both when the entry points are read, so a listing
(``maebashi-dx plugins``) always reports it. A plugin that fails to load is recorded with
its distribution and the error, and never breaks the built-ins.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Generic, TypeVar

import attrs

from maebashi_dx.errors import MaebashiDXError, UnknownPluginError

if TYPE_CHECKING:
    from maebashi_dx._plugin_failure import PluginFailure

__all__ = ["PluginConflictError", "PluginFailure", "Registry"]

T = TypeVar("T")


class PluginConflictError(MaebashiDXError, ValueError):
    """Two plugins (or a plugin and a built-in) claim the same name."""


def __getattr__(name: str) -> object:
    """``PluginFailure``, imported on first use (PEP 562): see
    :mod:`maebashi_dx._plugin_failure`."""
    if name == "PluginFailure":
        from maebashi_dx._plugin_failure import PluginFailure

        return PluginFailure
    msg = f"module {__name__!r} has no attribute {name!r}"
    raise AttributeError(msg)


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


@attrs.define
class Registry(Generic[T]):
    """Named objects of one kind, with lazy entry-point discovery.

    Attributes:
        kind: What the entries are, for messages ("forecaster").
        group: The entry-point group searched on first lookup.
        check: Called on every entry before it is accepted; raises TypeError if the
            object does not satisfy the kind's protocol.
    """

    kind: str
    group: str
    check: Callable[[object], None] | None = None
    _entries: dict[str, T] = attrs.field(factory=dict)
    _origins: dict[str, str] = attrs.field(factory=dict)
    _failures: list[PluginFailure] = attrs.field(factory=list)
    _loaded: bool = False
    _lock: threading.RLock = attrs.field(factory=threading.RLock)

    def register(self, name: str, obj: T, *, origin: str = "built-in") -> T:
        """Add ``obj`` under ``name``; a name already taken is an error naming both."""
        with self._lock:
            if self.check is not None:
                self.check(obj)
            if name in self._entries:
                msg = (
                    f"{self.kind} {name!r} from {origin} clashes with the one from "
                    f"{self._origins[name]}"
                )
                raise PluginConflictError(msg)
            self._entries[name] = obj
            self._origins[name] = origin
            return obj

    def unregister(self, name: str) -> None:
        """Remove an entry (for tests and for replacing a plugin deliberately)."""
        with self._lock:
            self._entries.pop(name, None)
            self._origins.pop(name, None)

    def get(self, name: str) -> T:
        """The entry named ``name``.

        A registered name (every built-in) is answered without reading the entry points;
        any other name reads them first (once), so that a plugin's name is found.

        Raises:
            UnknownPluginError: No such entry; the message lists what is available.
            PluginConflictError: Reading the entry points found a plugin claiming a name
                already taken.
        """
        try:
            return self._entries[name]
        except KeyError:
            pass
        self._discover()
        try:
            return self._entries[name]
        except KeyError:
            raise UnknownPluginError(self.kind, name, self._entries) from None

    def origin(self, name: str) -> str:
        """Where an entry comes from: "built-in" or "<distribution> (<entry point>)"."""
        self._discover()
        return self._origins[name]

    @property
    def failures(self) -> tuple[PluginFailure, ...]:
        """Plugins that failed to load, with the reason."""
        self._discover()
        return tuple(self._failures)

    def __contains__(self, name: object) -> bool:
        self._discover()
        return name in self._entries

    def __iter__(self) -> Iterator[str]:
        self._discover()
        return iter(sorted(self._entries))

    def __len__(self) -> int:
        self._discover()
        return len(self._entries)

    def __repr__(self) -> str:
        names = ", ".join(sorted(self._entries))
        state = "" if self._loaded else ", entry points not loaded yet"
        return f"<Registry {self.kind}s: {names}{state}>"

    def _discover(self) -> None:
        if self._loaded:
            return
        with self._lock:
            if self._loaded:
                return
            from importlib.metadata import entry_points  # only on first lookup

            for ep in entry_points(group=self.group):
                dist = ep.dist.name if ep.dist is not None else "unknown distribution"
                origin = f"{dist} ({ep.value})"
                try:
                    obj = ep.load()
                    self.register(ep.name, obj, origin=origin)
                except PluginConflictError:
                    raise
                except Exception as exc:  # a broken plugin must not break us
                    from maebashi_dx._plugin_failure import PluginFailure

                    self._failures.append(
                        PluginFailure(ep.name, dist, f"{type(exc).__name__}: {exc}")
                    )
            self._loaded = True
