"""The plugin registry: names, clashes, lazy discovery and broken plugins."""

from __future__ import annotations

import threading
from types import SimpleNamespace

import pytest

from maebashi_dx import UnknownPluginError
from maebashi_dx.plugins import PluginConflictError, Registry


class FakeEntryPoint:
    def __init__(self, name: str, obj: object, dist: str = "city-plugin", fail: bool = False):
        self.name = name
        self.value = f"city_plugin:{name}"
        self.dist = SimpleNamespace(name=dist)
        self._obj = obj
        self._fail = fail

    def load(self) -> object:
        if self._fail:
            raise ImportError("no module named city_plugin")
        return self._obj


@pytest.fixture
def fake_entry_points(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    found: list[FakeEntryPoint] = []
    calls = []

    def entry_points(*, group: str) -> list[FakeEntryPoint]:
        calls.append(group)
        return list(found)

    monkeypatch.setattr("importlib.metadata.entry_points", entry_points)
    return found, calls


def test_register_get_contains_iter_repr() -> None:
    reg: Registry[int] = Registry("number", "test.none")
    reg.register("one", 1)
    assert reg.get("one") == 1
    assert "one" in reg
    assert list(reg) == ["one"]
    assert "one" in repr(reg)
    assert reg.origin("one") == "built-in"


def test_unknown_name_lists_what_is_available() -> None:
    reg: Registry[int] = Registry("number", "test.none")
    reg.register("one", 1)
    with pytest.raises(UnknownPluginError, match="available: one"):
        reg.get("two")


def test_clash_names_both() -> None:
    reg: Registry[int] = Registry("number", "test.none")
    reg.register("one", 1)
    with pytest.raises(PluginConflictError, match=r"from other.*built-in"):
        reg.register("one", 2, origin="other")


def test_entry_points_load_lazily_on_first_lookup(fake_entry_points) -> None:  # type: ignore[no-untyped-def]
    found, calls = fake_entry_points
    found.append(FakeEntryPoint("two", 2))
    reg: Registry[int] = Registry("number", "test.group")
    reg.register("one", 1)
    assert calls == []  # nothing at construction
    assert reg.get("two") == 2
    assert reg.origin("two") == "city-plugin (city_plugin:two)"
    reg.get("one")
    assert calls == ["test.group"]  # once


def test_a_broken_plugin_is_reported_and_never_breaks_the_built_ins(fake_entry_points) -> None:  # type: ignore[no-untyped-def]
    found, _ = fake_entry_points
    found.append(FakeEntryPoint("bad", None, fail=True))
    reg: Registry[int] = Registry("number", "test.group")
    reg.register("one", 1)
    assert reg.get("one") == 1
    assert [(f.name, f.distribution) for f in reg.failures] == [("bad", "city-plugin")]
    assert "no module named city_plugin" in reg.failures[0].error


def test_a_failure_is_the_public_plugin_failure_type(fake_entry_points) -> None:  # type: ignore[no-untyped-def]
    """Built in a module of its own (on failure only), it is ``plugins.PluginFailure``:
    one class, named there, that pickles and compares as an attrs class."""
    import pickle

    from maebashi_dx import plugins

    found, _ = fake_entry_points
    found.append(FakeEntryPoint("bad", None, fail=True))
    reg: Registry[int] = Registry("number", "test.group")
    (failure,) = reg.failures
    assert type(failure) is plugins.PluginFailure
    assert repr(failure).startswith("PluginFailure(name='bad', distribution='city-plugin'")
    assert pickle.loads(pickle.dumps(failure)) == failure
    assert f"{plugins.PluginFailure.__module__}.{plugins.PluginFailure.__qualname__}" == (
        "maebashi_dx.plugins.PluginFailure"
    )
    assert "PluginFailure" in dir(plugins)
    with pytest.raises(AttributeError, match="no attribute 'Nothing'"):
        _ = plugins.Nothing  # type: ignore[attr-defined]


def test_a_built_in_is_looked_up_without_reading_entry_points(fake_entry_points) -> None:  # type: ignore[no-untyped-def]
    found, calls = fake_entry_points
    found.append(FakeEntryPoint("two", 2))
    reg: Registry[int] = Registry("number", "test.group")
    reg.register("one", 1)
    assert reg.get("one") == 1
    assert calls == []  # the command's start reads no distribution's metadata
    assert reg.get("two") == 2  # a name not registered reads them
    assert calls == ["test.group"]


@pytest.mark.parametrize(
    "listing",
    [
        pytest.param(lambda reg: list(reg), id="iter"),
        pytest.param(len, id="len"),
        pytest.param(lambda reg: "one" in reg, id="in"),
        pytest.param(lambda reg: reg.failures, id="failures"),
        pytest.param(lambda reg: reg.origin("one"), id="origin"),
        pytest.param(lambda reg: reg.get("three"), id="get-a-name-not-registered"),
    ],
)
def test_a_plugin_clashing_with_a_built_in_is_an_error(fake_entry_points, listing) -> None:  # type: ignore[no-untyped-def]
    """Wherever the entry points are read, a plugin claiming a built-in's name is refused,
    naming both; a lookup of the built-in by name alone does not read them."""
    found, _ = fake_entry_points
    found.append(FakeEntryPoint("one", 11))
    reg: Registry[int] = Registry("number", "test.group")
    reg.register("one", 1)
    assert reg.get("one") == 1
    with pytest.raises(PluginConflictError, match=r"city-plugin.*built-in"):
        listing(reg)


def test_a_plugin_that_fails_the_protocol_check_is_a_failure(fake_entry_points) -> None:  # type: ignore[no-untyped-def]
    found, _ = fake_entry_points
    found.append(FakeEntryPoint("text", "not a number"))

    def check(obj: object) -> None:
        if not isinstance(obj, int):
            raise TypeError("not an int")

    reg: Registry[int] = Registry("number", "test.group", check=check)
    assert "text" not in reg
    assert "not an int" in reg.failures[0].error


def test_discovery_is_thread_safe(fake_entry_points) -> None:  # type: ignore[no-untyped-def]
    found, calls = fake_entry_points
    found.extend(FakeEntryPoint(f"n{i}", i) for i in range(50))
    reg: Registry[int] = Registry("number", "test.group")
    results: list[int] = []
    threads = [threading.Thread(target=lambda: results.append(len(reg))) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [50] * 8
    assert calls == ["test.group"]


def test_the_command_reports_a_plugin_claiming_a_built_in_name_when_listing(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``maebashi-dx status`` uses the built-in ``linear`` without reading the entry points;
    ``maebashi-dx plugins`` reads them and refuses the clash in one error line."""
    from maebashi_dx.cli import main
    from maebashi_dx.forecast import FORECASTERS

    clashing = FakeEntryPoint("linear", FORECASTERS.get("linear"))

    def entry_points(*, group: str) -> list[FakeEntryPoint]:
        return [clashing] if group == "maebashi_dx.forecasters" else []

    monkeypatch.setattr("importlib.metadata.entry_points", entry_points)
    monkeypatch.setattr(FORECASTERS, "_loaded", False)
    assert main(["status", "--method", "linear", "--lang", "en"]) == 0
    capsys.readouterr()
    assert main(["plugins"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("maebashi-dx: error:")
    assert "forecaster 'linear' from city-plugin (city_plugin:linear) clashes" in err
    assert "built-in" in err
