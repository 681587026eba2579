"""The columnar bulk path gives the rows the object path gives (maebashi_dx.bulk)."""

from __future__ import annotations

import functools
import math
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from maebashi_dx import assess
from maebashi_dx.achievement import numeric
from maebashi_dx.errors import PlanError
from maebashi_dx.model import Plan

pl = pytest.importorskip("polars")

from maebashi_dx.bulk import COLUMNS, assess_table  # noqa: E402
from tests.strategies import plans  # noqa: E402

#: Every forecaster with a kernel, and one without (``logistic`` runs per KPI).
METHODS = [
    "naive",
    "two_point",
    "linear",
    "recent",
    "recent_6m",
    "cagr",
    "aroc",
    "blend",
    "pooled",
    "logistic",
]
EMPTY = pl.DataFrame(schema={"kpi_id": pl.String, "date": pl.Date, "value": pl.Float64})


def object_rows(plan: Plan, as_of: date, **options: Any) -> list[dict[str, Any]]:
    """The object path's rows in the bulk path's columns."""
    out = []
    for row, kpi in zip(assess(plan, as_of, **options).rows, plan.kpis, strict=True):
        fc = row.forecast
        low, high = fc.interval or (None, None)
        latest = row.latest
        out.append(
            {
                "kpi_id": row.kpi_id,
                "method": fc.method,
                "latest_date": latest.as_of if latest is not None else None,
                "latest_value": numeric(kpi, latest) if latest is not None else None,
                "achievement": row.achievement,
                "elapsed": row.elapsed,
                "expected": row.expected,
                "forecast_value": fc.value,
                "forecast_low": low,
                "forecast_high": high,
                "forecast_achievement": row.metrics.forecast_achievement,
                "observed_pace": fc.observed_pace,
                "required_pace": fc.required_pace,
                "attainment_date": fc.attainment_date,
                "status": row.status.value,
                "days_since_update": row.days_since_update,
                "stale": row.stale,
                "probability": row.metrics.probability,
            }
        )
    return out


def close(a: object, b: object) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
    return a == b


def differences(
    plan: Plan, as_of: date, measurements: object = EMPTY, kpis: object = None, **options: Any
) -> list[str]:
    """Every cell where the two paths differ, in words (``kpis``: what the bulk path is
    given for the plan's KPIs, the plan itself by default)."""
    bulk = assess_table(measurements, plan if kpis is None else kpis, as_of, **options)
    assert bulk.columns == list(COLUMNS)
    out = []
    for want, got in zip(
        object_rows(plan, as_of, **options), bulk.iter_rows(named=True), strict=True
    ):
        for column, value in want.items():
            if not close(value, got[column]):
                out.append(f"{want['kpi_id']}.{column}: object {value!r}, bulk {got[column]!r}")
    return out


def test_maebashi_2022_agrees_for_every_method() -> None:
    from maebashi_dx.datasets import maebashi_2022

    plan = maebashi_2022()
    for method in METHODS:
        for as_of in (date(2021, 3, 31), date(2022, 5, 31), date(2024, 1, 1), date(2027, 1, 1)):
            assert differences(plan, as_of, method=method) == [], (method, as_of)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(
    plan=plans(),
    offset=st.integers(-400, 3000),
    method=st.sampled_from([None, *METHODS]),
)
def test_bulk_agrees_with_assess_on_random_plans(
    plan: Plan, offset: int, method: str | None
) -> None:
    as_of = plan.period.start + timedelta(days=offset)
    assert differences(plan, as_of, method=method) == []


# ------------------------------------------------------------------ the national data


@functools.cache
def national_sample(every: int) -> tuple[Plan, dict[str, Any], pl.DataFrame, Plan]:
    """Every ``every``-th municipality's My Number card KPI (the packaged official
    figures), each with its prefecture as a reference: the plan with its measurements,
    the references, the measurements as a long table (with the secondary ``cards``
    series), and the plan without them."""
    import attrs

    from maebashi_dx.datasets import mynumber_cards
    from maebashi_dx.dates import DateSpan, FiscalYear
    from maebashi_dx.io.soumu import mynumber_kpi, mynumber_reference
    from maebashi_dx.model import Pillar, PriorityProject

    cities = mynumber_cards("municipalities")
    prefectures = mynumber_cards("prefectures")
    kpis, references, seen = [], {}, {}
    for code in sorted(cities.series)[::every]:
        rows = cities.series[code]
        kpi = mynumber_kpi(code, source=cities)
        prefecture = rows[-1].prefecture
        if prefecture not in seen:
            seen[prefecture] = mynumber_reference(prefecture, source=prefectures)
        kpis.append(kpi)
        references[kpi.id] = seen[prefecture]
    period = DateSpan(
        start=FiscalYear(2016).start,
        end=FiscalYear(2022).end,
        precision=FiscalYear(2016).span.precision,
    )
    project = PriorityProject(id="p", name="交付", kpi_ids=[k.id for k in kpis])
    plan = Plan(
        id="national",
        name="全国",
        period=period,
        pillars=[Pillar(id="pl", name="柱", projects=[project])],
        kpis=kpis,
    )
    long = pl.DataFrame(
        [(k.id, m.as_of, m.value, m.series) for k in kpis for m in k.measurements],
        schema={"kpi_id": pl.String, "date": pl.Date, "value": pl.Float64, "series": pl.String},
        orient="row",
    )
    bare = attrs.evolve(plan, kpis=[attrs.evolve(k, measurements=()) for k in kpis])
    return plan, references, long, bare


def _national_every() -> int:
    """A sample of the 1,741 in everyday runs (a second or two); all of them under the
    ``thorough`` Hypothesis profile."""
    import os

    return 1 if os.environ.get("HYPOTHESIS_PROFILE") == "thorough" else 29


@pytest.mark.parametrize("as_of", [date(2020, 3, 31), date(2021, 10, 1), date(2022, 5, 1)])
def test_national_data_agrees_pooled_toward_the_prefecture(as_of: date) -> None:
    plan, references, long, bare = national_sample(_national_every())
    assert len(plan.kpis) >= 60
    found = differences(plan, as_of, long, bare, references=references)
    assert found == []
    found = differences(plan, as_of, long, bare)  # blend, no references
    assert found == []


def test_national_statuses_are_not_all_alike() -> None:
    """The sample is a real test: it holds several statuses and attainment dates."""
    _, references, long, bare = national_sample(29)
    table = assess_table(long, bare, date(2021, 10, 1), references=references)
    assert table["status"].n_unique() >= 2
    assert table["attainment_date"].drop_nulls().n_unique() >= 5
    assert set(table["method"]) == {"pooled"}


# ------------------------------------------------------------------ inputs and errors

AS_OF = date(2022, 8, 31)
ROWS = [("kpi2", "R4.6", "47.0"), ("kpi2", "2022-07-31", "約47.5"), ("kpi1", "令和4年8月末", "4.0")]


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def csv_text(rows: list[tuple[str, str, str]]) -> str:
    return "kpi_id,date,value\n" + "".join(f"{k},{d},{v}\n" for k, d, v in rows)


@pytest.fixture
def plan() -> Plan:
    from maebashi_dx.datasets import maebashi_2022

    return maebashi_2022()


def merged(plan: Plan, text: str) -> Plan:
    from maebashi_dx.io import loads_measurements, merge_measurements

    return merge_measurements(plan, loads_measurements(text))


def test_a_csv_with_japanese_dates_agrees_with_load_measurements(
    plan: Plan, tmp_path: Path
) -> None:
    path = write(tmp_path / "m.csv", csv_text(ROWS))
    assert differences(merged(plan, csv_text(ROWS)), AS_OF, path, plan) == []


def test_every_kind_of_table_gives_the_same_rows(plan: Plan, tmp_path: Path) -> None:
    import pandas as pd
    import pyarrow as pa

    iso = [("kpi2", "2022-06-30", 47.0), ("kpi2", "2022-07-31", 47.5), ("kpi1", "2022-08-31", 4.0)]
    frame = pl.DataFrame(iso, schema=["kpi_id", "date", "value"], orient="row")
    frame = frame.with_columns(pl.col("date").str.to_date())
    frame.write_parquet(tmp_path / "m.parquet")
    want = assess_table(frame, plan, AS_OF)
    assert want["latest_value"].to_list()[:2] == [4.0, 47.5]
    for table in (
        tmp_path / "m.parquet",
        str(tmp_path / "m.parquet"),
        write(tmp_path / "m.csv", csv_text([(k, d, repr(v)) for k, d, v in iso])),
        frame.to_pandas(),
        frame.to_arrow(),
        pa.Table.from_pandas(pd.DataFrame(frame.to_dict(as_series=False))),
    ):
        assert assess_table(table, plan, AS_OF).equals(want), type(table)


def test_a_table_of_kpis_gives_the_plans_rows(tmp_path: Path) -> None:
    from maebashi_dx.datasets import maebashi_2022

    plan = maebashi_2022()
    quantitative = [k for k in plan.kpis if k.kind.value == "quantitative"]
    lines = [
        "kpi_id,baseline_date,baseline_value,target,due,direction,lower,upper,update_frequency"
    ]
    rows = []
    for k in quantitative:
        assert k.baseline is not None
        lower, upper = k.bounds or ("", "")
        lines.append(
            f"{k.id},{k.baseline.as_of},{k.baseline.value},{k.target.value},"
            f"{k.target.deadline.end},{k.direction.value},{lower},{upper},"
            + (k.update_frequency.value if k.update_frequency is not None else "")
        )
        own = [m for m in k.measurements if m.series is None]
        rows += [(k.id, m.as_of.isoformat(), repr(m.value)) for m in own]
    kpis = write(tmp_path / "kpis.csv", "\n".join(lines) + "\n")
    measurements = write(tmp_path / "m.csv", csv_text(rows))
    by_table = assess_table(measurements, kpis, AS_OF)
    by_plan = assess_table(EMPTY, quantitative, AS_OF, start=plan.period.start)
    assert by_table.equals(by_plan)
    assert by_table.height == len(quantitative) == 2


def test_each_distinct_date_text_is_parsed_once(
    plan: Plan, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from maebashi_dx.bulk import frames

    calls: list[str] = []
    real = frames.parse_date

    def counting(text: str) -> Any:
        calls.append(text)
        return real(text)

    monkeypatch.setattr(frames, "parse_date", counting)
    rows = [("kpi2", "R4.6", "47.0"), ("kpi1", "R4.6", "3.8"), ("kpi1", "2022-07-31", "3.9")]
    assess_table(write(tmp_path / "m.csv", csv_text(rows)), plan, AS_OF)
    assert calls == ["R4.6"]


def test_only_measured_assesses_the_kpis_in_the_table(plan: Plan) -> None:
    frame = pl.DataFrame({"kpi_id": ["kpi2"], "date": [date(2022, 6, 30)], "value": [47.0]})
    table = assess_table(frame, plan, AS_OF, only_measured=True)
    assert table["kpi_id"].to_list() == ["kpi2"]


@pytest.mark.parametrize(
    ("rows", "found"),
    [
        ([("kpi9", "2022-06-30", "1")], "line 2: unknown KPI 'kpi9'"),
        ([("kpi2", "2022-06-30", "1"), ("kpi2", "R4.14", "1")], "line 3: date: "),
        ([("kpi2", "2022-06-30", "abc")], "line 2: KPI 'kpi2': value: 'abc' is not a number"),
        ([("kpi2", "2022-06-30", "inf")], "line 2: value: not a finite number"),
        (
            [("kpi2", "1999-06-30", "1")],
            "line 2: KPI 'kpi2': date: 1999-06-30 is before the baseline",
        ),
        (
            [("kpi2", "2022-06-30", "1"), ("kpi2", "2022-06-30", "2")],
            "line 3: KPI 'kpi2' already has another value for 2022-06-30",
        ),
        ([("", "2022-06-30", "1")], "line 2: kpi_id: empty"),
        ([("kpi2", "", "1")], "line 2: date: empty"),
        ([("kpi2", "2022-06-30", "")], "line 2: value: empty"),
    ],
)
def test_bad_rows_name_the_file_and_line(
    plan: Plan, tmp_path: Path, rows: list[tuple[str, str, str]], found: str
) -> None:
    path = write(tmp_path / "m.csv", csv_text(rows))
    with pytest.raises(PlanError) as caught:
        assess_table(path, plan, AS_OF)
    assert str(path) in str(caught.value)
    assert found in str(caught.value)


def test_the_same_row_twice_is_one_measurement(plan: Plan, tmp_path: Path) -> None:
    rows = [("kpi2", "2022-06-30", "47.0"), ("kpi2", "R4.6", "47")]
    twice = assess_table(write(tmp_path / "m.csv", csv_text(rows)), plan, AS_OF)
    once = assess_table(write(tmp_path / "n.csv", csv_text(rows[:1])), plan, AS_OF)
    assert twice.equals(once)


def test_a_missing_column_or_file_or_a_wrong_type_is_a_plan_error(
    plan: Plan, tmp_path: Path
) -> None:
    with pytest.raises(PlanError, match="missing column"):
        assess_table(write(tmp_path / "m.csv", "kpi_id,day,value\n"), plan, AS_OF)
    with pytest.raises(PlanError, match="no such measurements file"):
        assess_table(tmp_path / "none.csv", plan, AS_OF)
    with pytest.raises(PlanError, match="got dict"):
        assess_table({"kpi_id": []}, plan, AS_OF)


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("kpi_id,target\nk,1\n", "missing column(s) due"),
        ("kpi_id,target,due\nk,x,2025-03-31\n", "line 2: target: not a number"),
        ("kpi_id,target,due\nk,1,R99.99\n", "line 2: due: "),
        ("kpi_id,target,due,direction\nk,1,2025-03-31,up\n", "line 2: direction: not one of"),
        ("kpi_id,target,due\nk,1,2025-03-31\nk,2,2025-03-31\n", "kpi_id: given more than once"),
        ("kpi_id,target,due,baseline_date\nk,1,2025-03-31,2020-03-31\n", "give both"),
    ],
)
def test_a_bad_kpi_table_names_the_line(tmp_path: Path, text: str, found: str) -> None:
    path = write(tmp_path / "kpis.csv", text)
    with pytest.raises(PlanError) as caught:
        assess_table(EMPTY, path, AS_OF)
    assert found in str(caught.value)
    assert str(path) in str(caught.value)


def test_references_must_name_given_kpis(plan: Plan) -> None:
    from maebashi_dx.errors import CalculationError
    from maebashi_dx.model import Reference

    ref = Reference(label="x", days=(date(2021, 1, 1),), values=(1.0,))
    with pytest.raises(CalculationError, match="'nope'"):
        assess_table(EMPTY, plan, AS_OF, references={"nope": ref})


def test_a_calibration_runs_through_the_object_path_with_its_chances(plan: Plan) -> None:
    """The kernels give today's intervals; with a calibration every KPI takes the object
    path, and the rows are those of ``forecast(..., calibration=)``."""
    from maebashi_dx.datasets import mynumber_cards
    from maebashi_dx.forecast import forecast
    from maebashi_dx.forecast.conformal import calibrate

    panel = {
        name: (tuple(r.as_of for r in rows), tuple(r.rate_pct for r in rows))
        for name, rows in mynumber_cards("prefectures").series.items()
    }
    kpi = plan.kpi("kpi2")
    as_of = date(2022, 5, 31)
    calibration = calibrate(panel, "blend", date(2022, 5, 1), bounds=(0.0, 100.0), horizons=(12,))
    table = assess_table(EMPTY, plan, as_of, calibration=calibration)
    row = table.row(1, named=True)
    want = forecast(kpi, as_of, method="blend", calibration=calibration)
    assert want.interval is not None
    assert want.probability is not None
    assert (row["forecast_low"], row["forecast_high"]) == want.interval
    assert row["probability"] == want.probability
    assert assess_table(EMPTY, plan, as_of)["probability"].null_count() == len(plan.kpis)


def test_a_staged_kpis_stage_ids_are_read_and_checked(plan: Plan, tmp_path: Path) -> None:
    """A stage id repeating the plan's own measurement is that measurement; a new one is
    merged as merge_measurements merges it; one off the ladder names its line."""
    kpi3 = plan.kpi("kpi3")
    own = kpi3.history()[-1]
    rows = [("kpi3", own.as_of.isoformat(), str(own.value)), ("kpi3", "R4.7", "implemented")]
    path = write(tmp_path / "m.csv", csv_text(rows))
    assert differences(merged(plan, csv_text(rows)), AS_OF, path, plan) == []
    bad = write(tmp_path / "bad.csv", csv_text([("kpi3", "R4.7", "done"), ("kpi3", "R4.8", "2")]))
    with pytest.raises(PlanError) as caught:
        assess_table(bad, plan, AS_OF)
    assert "line 2: KPI 'kpi3': value: 'done' is not a stage of this KPI" in str(caught.value)
    assert "line 3: KPI 'kpi3': value: 2.0 is not a stage of this KPI" in str(caught.value)


def test_without_polars_the_missing_extra_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    import maebashi_dx.bulk
    from maebashi_dx.errors import MissingDependencyError

    monkeypatch.setitem(sys.modules, "polars", None)
    with pytest.raises(MissingDependencyError, match=r"maebashi-dx\[bulk\]"):
        maebashi_dx.bulk.assess_table  # noqa: B018  (the lazy name's import is the test)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(
    plan=plans(),
    data=st.data(),
    offset=st.integers(-400, 3000),
    method=st.sampled_from([None, *METHODS]),
)
def test_bulk_agrees_with_bounds_and_without_baselines(
    plan: Plan, data: st.DataObject, offset: int, method: str | None
) -> None:
    """The same, with natural bounds (the forecasts capped, a target out of reach) and
    KPIs without a baseline (elapsed from the plan's start, no achievement)."""
    import attrs

    kpis = []
    for kpi in plan.kpis:
        if kpi.kind.value == "quantitative":
            _, values = kpi.numbers()
            low, high = min((*values, float(kpi.target.value))), max(values)
            margin = data.draw(st.floats(0, 1e6))
            bounds = (low - data.draw(st.floats(0, 1e6)), high + margin)
            if bounds[0] < bounds[1] and data.draw(st.booleans()):
                kpi = attrs.evolve(kpi, bounds=bounds)
            if kpi.measurements and data.draw(st.booleans()):
                kpi = attrs.evolve(kpi, baseline=None)
        kpis.append(kpi)
    plan = attrs.evolve(plan, kpis=tuple(kpis))
    as_of = plan.period.start + timedelta(days=offset)
    assert differences(plan, as_of, method=method) == []
