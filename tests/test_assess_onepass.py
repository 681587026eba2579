"""assess() computes each KPI in one pass: its rows must equal, KPI by KPI, what the public
functions give when applied one at a time (``forecast()``, ``achievement()``,
``elapsed()``, ``measure()`` and ``classify()`` under the same :class:`StatusPolicy`).

The reference below is the straightforward computation; any shortcut assess takes (a
shared series, a faster attainment search, precomputed numbers) must not move a float by
more than 1e-12 nor change a date or a status.
"""

from __future__ import annotations

import math
from datetime import date, timedelta

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from maebashi_dx import assess
from maebashi_dx.achievement import achievement, elapsed, expected_value
from maebashi_dx.datasets import maebashi_2022
from maebashi_dx.dates import DateSpan, FiscalYear
from maebashi_dx.forecast import FORECASTERS, Forecast, forecast
from maebashi_dx.grades import RATING_SCALES
from maebashi_dx.model import (
    KPI,
    Direction,
    Measurement,
    Pillar,
    Plan,
    PriorityProject,
    Reference,
    Target,
)
from maebashi_dx.status import DEFAULT_POLICY, Metrics, StatusPolicy, classify, measure
from tests.strategies import plans

TOL = 1e-12
BUILT_IN = sorted(FORECASTERS)  # the built-ins: no plugin is registered at import


def _same(a: float | None, b: float | None) -> bool:
    """Equal to 1e-12 (relative above 1), or both None."""
    if a is None or b is None:
        return a is b
    return abs(a - b) <= TOL * max(1.0, abs(a), abs(b))


def _same_forecast(got: Forecast, want: Forecast) -> None:
    assert got.method == want.method
    assert got.as_of == want.as_of
    assert got.deadline == want.deadline
    assert _same(got.target, want.target)
    assert _same(got.value, want.value), (got.value, want.value)
    if want.interval is None:
        assert got.interval is None
    else:
        assert got.interval is not None
        assert _same(got.interval[0], want.interval[0])
        assert _same(got.interval[1], want.interval[1])
    assert _same(got.observed_pace, want.observed_pace)
    assert _same(got.required_pace, want.required_pace)
    assert got.attainment_date == want.attainment_date, (got.kpi_id, got.method)
    assert got.point_days == want.point_days
    assert all(_same(x, y) for x, y in zip(got.point_values, want.point_values, strict=True))
    for lang in ("ja", "en"):
        assert got.basis_text(lang) == want.basis_text(lang)
        assert got.interval_basis_text(lang) == want.interval_basis_text(lang)
        assert got.note_text(lang) == want.note_text(lang)


def _same_metrics(got: Metrics, want: Metrics) -> None:
    """Every field of the metrics (those added later too): numbers to 1e-12, the rest
    equal."""
    for field in attrs.fields(Metrics):
        a, b = getattr(got, field.name), getattr(want, field.name)
        if isinstance(a, float) or isinstance(b, float):
            assert _same(a, b), field.name
        else:
            assert a == b, field.name


def check_against_reference(
    plan: Plan,
    as_of: date,
    *,
    method: str | None = None,
    policy: StatusPolicy = DEFAULT_POLICY,
    scale: str | None = None,
    references: dict[str, Reference] | None = None,
) -> None:
    """assess()'s rows equal the public functions applied to each KPI on its own."""
    references = references or {}
    result = assess(plan, as_of, method=method, policy=policy, scale=scale, references=references)
    start = plan.period.start
    rating = RATING_SCALES.get(scale) if scale is not None else None
    assert [row.kpi_id for row in result.rows] == [kpi.id for kpi in plan.kpis]
    for kpi, row in zip(plan.kpis, result.rows, strict=True):
        want_fc = forecast(
            kpi, as_of, method=method or policy.method, reference=references.get(kpi.id)
        )
        want_metrics = measure(kpi, as_of, want_fc, start=start)
        latest = kpi.latest(as_of)
        _same_forecast(row.forecast, want_fc)
        _same_metrics(row.metrics, want_metrics)
        assert row.latest is latest
        assert _same(row.achievement, achievement(kpi, as_of))
        # Without a value by then, a row has no elapsed share nor expected value (its
        # metrics say only whether the deadline has passed).
        seen = latest is not None
        assert _same(row.elapsed, elapsed(kpi, as_of, start=start) if seen else None)
        assert _same(row.expected, expected_value(kpi, as_of, start=start) if seen else None)
        assert row.status is classify(kpi, want_metrics, policy)
        assert row.grade == (rating.grade(want_metrics) if rating is not None else None)
        days = (as_of - latest.as_of).days if latest is not None else None
        assert row.days_since_update == days
        if kpi.update_frequency is None or latest is None:
            assert row.stale is None
        else:
            allowed = policy.stale_after * kpi.update_frequency.months * 30.4375
            assert row.stale is (days is not None and days > allowed)


# ------------------------------------------------------------------- the bundled plan

BUNDLED_DAYS = [
    date(2020, 3, 31),
    date(2021, 4, 1),
    date(2022, 5, 31),
    date(2022, 8, 1),
    date(2023, 3, 31),
    date(2024, 6, 30),
    date(2027, 1, 1),
]


@pytest.mark.parametrize("as_of", BUNDLED_DAYS)
@pytest.mark.parametrize("method", [None, *BUILT_IN])
def test_bundled_plan_rows_match_the_reference(as_of: date, method: str | None) -> None:
    check_against_reference(maebashi_2022(), as_of, method=method, scale="nagayo")


def test_bundled_plan_with_a_reference_series() -> None:
    plan = maebashi_2022()
    ref = Reference(
        label="群馬県",
        days=tuple(date(2020, 4, 30) + timedelta(days=30 * i) for i in range(30)),
        values=tuple(10.0 + 2.0 * i for i in range(30)),
    )
    for as_of in BUNDLED_DAYS:
        check_against_reference(plan, as_of, references={"kpi2": ref})


# ------------------------------------------------------------------------ random plans

_START = date(2018, 4, 30)


@st.composite
def monthly_kpis(draw: st.DrawFn, kpi_id: str) -> KPI:
    """A KPI like the national benchmark's: a monthly series of up to five years, rising
    or falling, bounded or not, with noise; long enough for every forecaster and for the
    attainment search on both sides of the target."""
    months = draw(st.integers(0, 60))
    level = draw(st.floats(1, 90))
    pace = draw(st.floats(-3, 3))
    noise = draw(st.floats(0, 2))
    bounded = draw(st.booleans())
    seed = draw(st.integers(0, 2**16))
    days, values = [], []
    for m in range(months + 1):
        year, month = divmod(_START.month - 1 + m, 12)
        first = date(_START.year + year, month + 1, 1)
        days.append(first + timedelta(days=draw(st.integers(0, 27)) if m % 7 == seed % 7 else 0))
        wobble = noise * math.sin(seed + 1.7 * m)
        value = level + pace * m + wobble
        values.append(round(min(100.0, max(0.5, value)) if bounded else value, 3))
    base = values[0]
    gap = draw(st.floats(-60, 60).filter(lambda g: abs(g) > 1e-3))
    target = min(100.0, max(0.0, base + gap)) if bounded else base + gap
    if target == base:
        target = base + 1.0
    direction = Direction.INCREASE if target > base else Direction.DECREASE
    if draw(st.booleans()):  # sometimes the other way: a target behind the baseline
        direction = Direction.DECREASE if direction is Direction.INCREASE else Direction.INCREASE
    return KPI(
        id=kpi_id,
        name="指標",
        unit="%",
        direction=direction,
        bounds=(0.0, 100.0) if bounded else None,
        baseline=Measurement(when=DateSpan.day(days[0]), value=values[0]),
        target=Target(value=target, deadline=FiscalYear(draw(st.integers(2019, 2030))).span),
        measurements=tuple(
            Measurement(when=DateSpan.day(d), value=v)
            for d, v in zip(days[1:], values[1:], strict=True)
        ),
    )


@st.composite
def monthly_plans(draw: st.DrawFn) -> Plan:
    n = draw(st.integers(1, 6))
    kpis = [draw(monthly_kpis(f"k{i}")) for i in range(n)]
    projects = [PriorityProject(id="p0", name="事業", kpi_ids=tuple(k.id for k in kpis))]
    return Plan(
        id="city",
        name="市",
        period=DateSpan(
            start=date(2018, 4, 1),
            end=date(2026, 3, 31),
            precision=FiscalYear(2018).span.precision,
        ),
        pillars=(Pillar(id="pl", name="柱", projects=tuple(projects)),),
        kpis=tuple(kpis),
    )


methods = st.sampled_from([None, *BUILT_IN])
as_of_days = st.dates(date(2018, 1, 1), date(2032, 12, 31))
policies = st.builds(
    StatusPolicy,
    on_track=st.floats(0.5, 1.5),
    at_risk=st.floats(0.0, 0.9),
    staged_on_track=st.floats(0.5, 1.5),
    staged_at_risk=st.floats(0.0, 0.9),
    stale_after=st.floats(0.5, 3.0),
)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(plan=monthly_plans(), as_of=as_of_days, method=methods, scale=st.none() | st.just("tama"))
def test_monthly_plans_match_the_reference(
    plan: Plan, as_of: date, method: str | None, scale: str | None
) -> None:
    check_against_reference(plan, as_of, method=method, scale=scale)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(plan=plans(), as_of=as_of_days, method=methods, policy=policies)
def test_random_plans_match_the_reference(
    plan: Plan, as_of: date, method: str | None, policy: StatusPolicy
) -> None:
    check_against_reference(plan, as_of, method=method, policy=policy, scale="nagayo")


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(plan=monthly_plans(), as_of=as_of_days, data=st.data())
def test_pooled_plans_match_the_reference(plan: Plan, as_of: date, data: st.DataObject) -> None:
    n = data.draw(st.integers(2, 50))
    level = data.draw(st.floats(1, 50))
    pace = data.draw(st.floats(-1, 2))
    ref = Reference(
        label="県",
        days=tuple(_START + timedelta(days=30 * i) for i in range(n)),
        values=tuple(level + pace * i for i in range(n)),
    )
    check_against_reference(plan, as_of, references={plan.kpis[0].id: ref})
