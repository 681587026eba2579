"""Plan files: TOML, JSON and YAML round trips, errors with paths, atomic writes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given

from maebashi_dx import (
    Plan,
    PlanError,
    dump_plan,
    dumps_plan,
    load_plan,
    loads_plan,
    plan_from_dict,
    plan_to_dict,
)
from maebashi_dx.datasets import maebashi_2022
from maebashi_dx.io import files
from tests.strategies import plans

FORMATS = ["toml", "json", "yaml"]


class TestRoundTrip:
    @pytest.mark.parametrize("fmt", FORMATS)
    def test_bundled_plan(self, fmt: str) -> None:
        plan = maebashi_2022()
        assert loads_plan(dumps_plan(plan, fmt), fmt) == plan  # type: ignore[arg-type]

    @pytest.mark.parametrize("fmt", FORMATS)
    @given(plan=plans())
    def test_generated_plans(self, fmt: str, plan: Plan) -> None:
        """load ∘ dump is the identity for every valid plan and format."""
        assert loads_plan(dumps_plan(plan, fmt), fmt) == plan  # type: ignore[arg-type]

    @given(plan=plans())
    def test_dict_form(self, plan: Plan) -> None:
        assert plan_from_dict(plan_to_dict(plan)) == plan

    def test_dates_keep_the_officials_wording(self) -> None:
        text = dumps_plan(maebashi_2022(), "toml")
        assert 'deadline = "2025（令和7）年度"' in text
        assert 'when = "R4.7月頃～R5.2月頃"' in text
        assert 'text = "5/17～"' in text

    def test_file_round_trip_by_suffix(self, tmp_path: Path) -> None:
        plan = maebashi_2022()
        for suffix in (".toml", ".json", ".yaml", ".yml"):
            path = tmp_path / f"plan{suffix}"
            dump_plan(plan, path)
            assert load_plan(path) == plan


THREE_MISTAKES = """\
id = "x"
name = "○○市DX推進計画"
period = "2021年4月～2026年3月"

[[kpis]]
id = "kpi1"
name = "オンライン化"
unit = "%"
target = { value = 100, deadline = "令和7年度末" }
baseline = { when = "2020年7月", value = 1.8 }
measurements = [{ when = "R4.13", value = 3.5 }]

[[kpis]]
id = "kpi2"
name = "カード"
target = { value = 90, deadline = "2022年度" }
baseline = { when = "2021年3月末", value = 27.91, colour = "red" }

[[pillars]]
id = "pillar1"
name = "住民の利便性向上"
projects = [{ id = "p1", name = "行政手続のオンライン化", kpi_ids = ["kpi1", "kpi3"] }]
"""


class TestErrors:
    def test_three_mistakes_in_one_error_with_paths_and_file(self, tmp_path: Path) -> None:
        path = tmp_path / "city.toml"
        path.write_text(THREE_MISTAKES, encoding="utf-8")
        with pytest.raises(PlanError) as info:
            load_plan(path)
        err = info.value
        assert err.source == str(path)
        paths = [p.path for p in err.problems]
        assert sorted(paths) == [
            "$.kpis[0].measurements[0].when",
            "$.kpis[1].baseline",
            "$.pillars[0].projects[0].kpi_ids[1]",
        ]
        text = str(err)
        assert str(path) in text
        assert "R4.13" in text
        assert "colour" in text
        assert "unknown KPI 'kpi3'" in text
        assert "3 problems" in text

    def test_text_target_for_a_quantitative_kpi(self) -> None:
        data = plan_to_dict(maebashi_2022())
        data["kpis"][0]["target"]["value"] = "ninety"
        with pytest.raises(PlanError, match=r"\$\.kpis\[0\]\.target\.value: expected a number"):
            plan_from_dict(data)

    def test_cross_reference_mistakes_are_all_listed(self) -> None:
        data = plan_to_dict(maebashi_2022())
        data["kpis"][0]["target"]["deadline"] = "2019年度"  # before baseline: KPI fails
        data["milestones"][4]["owner"] = "wg99"
        data["pillars"][0]["projects"][0]["kpi_ids"] = ["kpi7"]
        with pytest.raises(PlanError) as info:
            plan_from_dict(data)
        paths = {p.path for p in info.value.problems}
        assert paths == {
            "$.pillars[0].projects[0].kpi_ids[0]",
            "$.milestones[4].owner",
            "$.kpis[0].baseline.when",
        }

    @pytest.mark.parametrize(
        ("fmt", "text", "line"),
        [
            ("toml", 'id = "x"\nname = \n', 2),
            ("json", '{\n  "id": "x",\n  "name": \n}', 4),
            ("yaml", "id: x\nname: [unclosed\n", 3),
        ],
    )
    def test_syntax_errors_give_the_line(self, fmt: str, text: str, line: int) -> None:
        with pytest.raises(PlanError) as info:
            loads_plan(text, fmt)  # type: ignore[arg-type]
        assert info.value.problems[0].line == line

    def test_missing_file(self, tmp_path: Path) -> None:
        with pytest.raises(PlanError, match="file not found"):
            load_plan(tmp_path / "nope.toml")

    def test_unknown_suffix(self, tmp_path: Path) -> None:
        with pytest.raises(PlanError, match="cannot tell the format"):
            load_plan(tmp_path / "plan.txt")

    def test_nan_in_json_is_rejected(self) -> None:
        data = plan_to_dict(maebashi_2022())
        data["kpis"][0]["baseline"]["value"] = float("nan")
        with pytest.raises(PlanError, match=r"\$\.kpis\[0\]\.baseline\.value"):
            loads_plan(json.dumps(data), "json")

    def test_root_must_be_a_mapping(self) -> None:
        with pytest.raises(PlanError, match="table/mapping"):
            loads_plan("[1, 2]", "json")


class TestAtomicWrite:
    def test_failure_leaves_the_old_file_whole(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        path = tmp_path / "plan.toml"
        path.write_text("old", encoding="utf-8")

        def boom(*_: object) -> None:
            raise OSError("disk full")

        monkeypatch.setattr(files.os, "replace", boom)
        with pytest.raises(OSError, match="disk full"):
            dump_plan(maebashi_2022(), path)
        assert path.read_text(encoding="utf-8") == "old"
        assert [p.name for p in tmp_path.iterdir()] == ["plan.toml"]  # no temp file left

    def test_serialisation_error_writes_nothing(self, tmp_path: Path) -> None:
        path = tmp_path / "plan.unknown"
        with pytest.raises(PlanError):
            dump_plan(maebashi_2022(), path)
        assert not path.exists()


class TestStrictReading:
    """Types are read as written; the documented conversions are the only ones."""

    def test_an_unknown_field_does_not_hide_a_bad_value(self) -> None:
        data = plan_to_dict(maebashi_2022())
        data["kpis"][0]["baseline"] |= {"colour": "red", "value": "abc"}
        data["kpis"][1]["bounds"] = [100, 0]
        with pytest.raises(PlanError) as info:
            plan_from_dict(data)
        assert {p.path for p in info.value.problems} == {
            "$.kpis[0].baseline",  # unknown field colour
            "$.kpis[0].baseline.value",  # a text for a numeric KPI
            "$.kpis[1].bounds",
        }

    @pytest.mark.parametrize("fmt", FORMATS)
    def test_ints_are_read_as_floats_and_dates_as_spans(self, fmt: str) -> None:
        data = plan_to_dict(maebashi_2022())
        data["kpis"][0]["target"]["value"] = 100  # an int where a float belongs
        plan = loads_plan(dumps_plan(plan_from_dict(data), fmt), fmt)  # type: ignore[arg-type]
        assert plan.kpis[0].target.value == 100.0
        assert isinstance(plan.kpis[0].target.value, float)

    def test_departments_round_trip(self) -> None:
        from maebashi_dx.datasets import starter_plan_toml

        plan = loads_plan(starter_plan_toml("高崎市"), "toml")
        assert plan.departments
        for fmt in FORMATS:
            assert loads_plan(dumps_plan(plan, fmt), fmt) == plan  # type: ignore[arg-type]


HOSTILE_YAML = {
    "alias bomb": "a: &a ['x','x','x','x','x','x','x','x','x']\n"
    + "".join(
        f"b{i}: &b{i} [" + ", ".join([f"*{'a' if i == 0 else f'b{i - 1}'}"] * 9) + "]\n"
        for i in range(9)
    ),
    "python tag": "id: !!python/object/apply:os.system ['echo']\n",
    "control character": "id: x\nname: a\x07b\n",
    "key twice": "id: x\nid: y\n",
    "deep": "".join(" " * i + "- \n" for i in range(80)),
    "flow nested 2,000 deep": "x: " + "[" * 2000 + "]" * 2000,
    "alias to itself": "x: &a {y: [1, {z: *a}]}\n",
    "bad day": "id: x\nreport_date: 2022-02-30\n",
}


@pytest.mark.parametrize("case", sorted(HOSTILE_YAML))
def test_both_yaml_loaders_refuse_alike(case: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """libyaml's loader (when installed) and PyYAML's own give the same errors."""
    import yaml

    if not hasattr(yaml, "CSafeLoader"):
        pytest.skip("PyYAML without libyaml")
    text = HOSTILE_YAML[case]
    with pytest.raises(PlanError) as fast:
        loads_plan(text, "yaml")
    monkeypatch.delattr(yaml, "CSafeLoader")
    with pytest.raises(PlanError) as pure:
        loads_plan(text, "yaml")
    assert [(p.path, p.line) for p in pure.value.problems] == [
        (p.path, p.line) for p in fast.value.problems
    ]
    assert pure.value.problems[0].line is not None
    if "deep" in case or "alias to itself" in case:  # the limits' own messages
        assert str(pure.value) == str(fast.value)


@pytest.mark.parametrize("libyaml", [True, False])
@pytest.mark.parametrize("levels", [65, 300, 2000, 50_000])
def test_a_yaml_text_too_deep_is_named_so_by_either_loader(
    levels: int, libyaml: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PyYAML's loader would hit Python's recursion limit (no line), libyaml stops at
    1,000 levels in its own words: both are the one message, at the line."""
    import yaml

    if not libyaml:
        monkeypatch.delattr(yaml, "CSafeLoader", raising=False)
    elif not hasattr(yaml, "CSafeLoader"):
        pytest.skip("PyYAML without libyaml")
    text = "id: x\nnested: " + "[" * levels + "]" * levels + "\n"
    with pytest.raises(PlanError) as info:
        loads_plan(text, "yaml")
    (problem,) = info.value.problems
    assert problem.message == "invalid YAML: nested deeper than 64 tables or lists"
    assert problem.line == 2


class TestBoundedMessages:
    """A message about a huge value quotes it briefly and never fails to be written."""

    def test_a_whole_number_past_python_s_printing_limit(self) -> None:
        from maebashi_dx import plan_from_dict, plan_to_dict
        from maebashi_dx.datasets import maebashi_2022

        data = plan_to_dict(maebashi_2022())
        data["kpis"][0]["target"]["value"] = 10**5000  # str() of it raises ValueError
        with pytest.raises(PlanError, match=r"whole number of about 5,001 digits"):
            plan_from_dict(data)

    def test_a_huge_list_is_quoted_in_a_few_items(self) -> None:
        from maebashi_dx.model.checks import show

        assert show(list(range(10**6))) == "[0, 1, 2, 3, 4, 5, 6, 7, ...]"
        assert show({"a": [1] * 100}) == "{'a': [1, 1, 1, 1, 1, 1, 1, 1, ...]}"
        assert show(10**5000) == "<int>"


class _Cycle:
    """An object in a reference cycle, counted when the collector frees it."""

    freed = 0

    def __init__(self) -> None:
        self.me = self

    def __del__(self) -> None:
        _Cycle.freed += 1


def test_collector_paused_leaves_the_collector_as_it_was() -> None:
    import gc

    assert gc.isenabled()
    with files.collector_paused():
        assert not gc.isenabled()
        with files.collector_paused():  # nested: the outer one restores
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0
    gc.disable()
    try:
        with files.collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_collector_paused_keeps_what_a_caller_froze_frozen() -> None:
    import gc

    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        assert frozen > 0
        with files.collector_paused():
            made = [[] for _ in range(1000)]
        assert gc.get_freeze_count() == frozen  # nothing released, nothing added
        assert len(made) == 1000
    finally:
        gc.unfreeze()


def test_collector_paused_garbage_is_still_collected() -> None:
    import gc

    gc.collect()
    _Cycle.freed = 0
    _Cycle()  # young garbage before the reading: collected as the collector would
    with files.collector_paused():
        _Cycle()  # garbage made during the reading: in the oldest generation, not frozen
    assert gc.get_freeze_count() == 0
    gc.collect()
    assert _Cycle.freed == 2
