"""Measurements from a long-format CSV, merged into a plan."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from maebashi_dx import PlanError, load_measurements, merge_measurements
from maebashi_dx.datasets import maebashi_2022
from maebashi_dx.io.measurements import loads_measurements, rows_to_reference


def test_rows_are_read_with_japanese_dates_and_optional_columns() -> None:
    text = (
        "\ufeffkpi_id,date,value,series,approximate,numerator,denominator,note\n"
        'kpi2,R4.5月末,46.1,,0,"154,000",335055,\n'
        "kpi2,2022年5月末,52.3,applied,,,,速報値\n"
        "kpi1,2022年度,約,,,,,\n"
        "kpi1,2022年度末,約3.6,,,,,\n"
    )
    with pytest.raises(PlanError) as info:
        loads_measurements(text)
    assert [p.line for p in info.value.problems] == [4]
    rows = loads_measurements(text.replace("kpi1,2022年度,約,,,,,\n", ""))
    assert rows[2].measurement.value == 3.6
    assert rows[2].measurement.approximate
    assert rows[0].measurement.as_of == date(2022, 5, 31)
    assert rows[0].measurement.numerator == 154000.0
    assert rows[1].measurement.series == "applied"
    assert rows[1].measurement.note == "速報値"


def test_every_bad_row_is_reported_with_its_line(tmp_path: Path) -> None:
    lines = ["kpi_id,date,value"] + [f"kpi1,2022-0{m}-01,{m}" for m in range(1, 6)]
    lines.insert(6, "kpi1,2022-02-30,7")  # line 7: a bad date
    lines.append("kpi1,2022-09-01,nan")  # line 8: NaN
    lines.append(",2022-10-01,1")  # line 9: no KPI
    path = tmp_path / "m.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(PlanError) as info:
        load_measurements(path)
    assert [p.line for p in info.value.problems] == [7, 8, 9]
    assert str(path) in str(info.value)
    assert "2022-02-30" in str(info.value)


def test_missing_and_unknown_columns() -> None:
    with pytest.raises(PlanError, match=r"missing column.*value.*unknown column.*valeu"):
        loads_measurements("kpi_id,date,valeu\n")


class TestMerge:
    def test_rows_join_their_kpi_in_date_order(self) -> None:
        plan = maebashi_2022()
        rows = loads_measurements("kpi_id,date,value\nkpi2,2022-06-30,48.0\nkpi2,2022-05-31,46.1\n")
        merged = merge_measurements(plan, rows)
        values = [m.value for m in merged.kpi("kpi2").series_of(None)]
        assert values == [45.42, 46.1, 48.0]
        assert merged.kpi("kpi1") == plan.kpi("kpi1")

    def test_identical_rows_are_skipped_and_conflicting_ones_rejected(self) -> None:
        plan = maebashi_2022()
        same = loads_measurements("kpi_id,date,value\nkpi2,2022年4月末,45.42\n")
        assert merge_measurements(plan, same) == plan
        other = loads_measurements("kpi_id,date,value\nkpi2,2022年4月末,45.5\n")
        with pytest.raises(PlanError, match=r"line 2.*already has 45.42"):
            merge_measurements(plan, other)

    def test_unknown_kpi_names_the_line(self) -> None:
        rows = loads_measurements("kpi_id,date,value\nkpi1,2022-06-30,4\nkpi9,2022-06-30,1\n")
        with pytest.raises(PlanError) as info:
            merge_measurements(maebashi_2022(), rows)
        assert [p.line for p in info.value.problems] == [3]
        assert "kpi9" in str(info.value)

    def test_stage_values_are_checked_against_the_ladder(self) -> None:
        rows = loads_measurements("kpi_id,date,value\nkpi4,2022-10-31,halfway\n")
        with pytest.raises(PlanError, match="not a stage"):
            merge_measurements(maebashi_2022(), rows)


def test_progress_is_reported_every_thousand_rows() -> None:
    from datetime import timedelta

    start = date(2022, 6, 1)
    rows = [f"kpi1,{(start + timedelta(days=i)).isoformat()},{i}" for i in range(2500)]
    seen: list[int] = []
    loads_measurements("kpi_id,date,value\n" + "\n".join(rows), progress=seen.append)
    assert seen == [1000, 2000]


def test_a_csv_problem_names_its_line_once() -> None:
    with pytest.raises(PlanError) as info:
        loads_measurements("kpi_id,date,value\nkpi1,2022-13-01,1\n", source="m.csv")
    assert str(info.value).startswith("m.csv: line 2: date:")


class TestReference:
    """A reference series (to pool toward) read from a measurements file of one place."""

    def test_rows_in_any_order_are_sorted(self) -> None:
        rows = loads_measurements("kpi_id,date,value\n全国,R4.4.1,43.3\n全国,2021年4月1日,28.3\n")
        ref = rows_to_reference(rows)
        assert ref.label == "全国"
        assert ref.days == (date(2021, 4, 1), date(2022, 4, 1))
        assert ref.values == (28.3, 43.3)

    def test_every_problem_at_once(self) -> None:
        text = "kpi_id,date,value\n全国,2021-04-01,28.3\n群馬県,2021-04-01,22.6\n全国,R4.4,未着手\n"
        with pytest.raises(PlanError) as info:
            rows_to_reference(loads_measurements(text), source="ref.csv")
        message = str(info.value)
        assert "ref.csv" in message
        assert "found 全国, 群馬県" in message
        assert "line 3: 2021-04-01 is also on line 2" in message
        assert "line 4: value '未着手' is not a number" in message


def test_merge_problems_name_the_file_the_line_and_the_kpi(tmp_path: Path) -> None:
    """A problem found only when rows join their KPI still points at the CSV row."""
    path = tmp_path / "m.csv"
    path.write_text(
        "kpi_id,date,value\n"
        "kpi1,2022-06-30,4\n"
        "kpi1,2022-07-31,abc\n"  # a text for a numeric KPI
        "kpi1,2019-01-31,1\n"  # before the baseline (2020年7月)
        "kpi2,2022-06-30,48\n",
        encoding="utf-8",
    )
    with pytest.raises(PlanError) as info:
        merge_measurements(maebashi_2022(), load_measurements(path))
    err = info.value
    assert err.source == str(path)
    assert [(p.path, p.line) for p in err.problems] == [("line 3", 3), ("line 4", 4)]
    assert "KPI 'kpi1': value: expected a number, got 'abc'" in str(err)
    assert "KPI 'kpi1': date: out of order" in str(err)


def test_a_number_too_large_is_not_a_stage_name() -> None:
    for text in ("1e400", "-1e400", "nan", "inf", "1" + "0" * 400):
        with pytest.raises(PlanError, match=r"line 2: value: .* is not a finite number"):
            loads_measurements(f"kpi_id,date,value\nkpi1,2022-06-30,{text}\n")


def test_a_message_lists_at_most_two_hundred_problems() -> None:
    """Every problem is kept; the message stays readable for a file of bad rows."""
    from datetime import timedelta

    days = [date(2022, 6, 1) + timedelta(days=i) for i in range(300)]
    rows = "".join(f"kpi1,{d.isoformat()},x\n" for d in days)
    with pytest.raises(PlanError) as info:
        merge_measurements(maebashi_2022(), loads_measurements("kpi_id,date,value\n" + rows))
    assert len(info.value.problems) == 300
    message = str(info.value)
    assert message.startswith("300 problems:")
    assert message.endswith("… and 100 more")
    assert message.count("\n  - ") == 200
