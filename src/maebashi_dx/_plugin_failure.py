""":class:`maebashi_dx.plugins.PluginFailure`, in a module of its own.

An attrs class costs a few tenths of a millisecond to build, and this one is needed
only when a plugin fails to load: :mod:`maebashi_dx.plugins`, on the way of every
command, imports it then (and on first access to the name, PEP 562).
"""

from __future__ import annotations

import attrs

__all__ = ["PluginFailure"]


@attrs.frozen
class PluginFailure:
    """A plugin that could not be loaded: its name, where it came from, and why."""

    name: str
    distribution: str
    error: str


# Its public home: repr, pickle and the docs name it maebashi_dx.plugins.PluginFailure.
PluginFailure.__module__ = "maebashi_dx.plugins"
