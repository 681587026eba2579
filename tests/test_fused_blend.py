"""The default blend in one pass (``blend_forecast``) gives what the general path
(``run_forecaster`` with the blend's trend objects) gives, to the bit: the same floats,
dates and messages; and ``assess`` gives the same rows with it as without it.

Where the one pass does not apply (a short series, a member that cannot fit, figures
beyond the float range, a reference) it answers None and the general path runs: the
tests check that the common case does take it, so that they compare something.
"""

from __future__ import annotations

import importlib
import math
from datetime import date, timedelta

import attrs
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from maebashi_dx import assess
from maebashi_dx.assess import KPIRow
from maebashi_dx.datasets import maebashi_2022
from maebashi_dx.forecast import FORECASTERS, Forecast, Message, SeriesInput, run_forecaster
from maebashi_dx.forecast.combine import BlendForecaster
from maebashi_dx.forecast.result import WRITE_AFTER, slot_maker, slot_makers
from maebashi_dx.forecast.run import FusedBlend, blend_forecast, fused_blend
from maebashi_dx.forecast.trends import TrendForecaster
from maebashi_dx.model import Direction, Plan, Reference
from maebashi_dx.status import Metrics, StatusPolicy
from tests.strategies import plans
from tests.test_assess_onepass import monthly_plans

# The module (the package's ``assess`` is the function of the same name).
assess_module = importlib.import_module("maebashi_dx.assess")
START = date(2018, 4, 30)
BLEND = FORECASTERS.get("blend")
assert isinstance(BLEND, BlendForecaster)
FUSED = fused_blend(BLEND)
assert FUSED is not None


def _fused(data: SeriesInput, level: float = 0.8) -> object:
    """The one pass on a SeriesInput's fields (it takes no reference)."""
    assert data.reference is None
    assert isinstance(FUSED, FusedBlend)
    return blend_forecast(
        FUSED,
        data.kpi_id,
        data.days,
        data.values,
        data.target,
        data.deadline,
        data.as_of,
        data.direction,
        data.bounds,
        level,
    )


def _general(data: SeriesInput, level: float = 0.8) -> object:
    return run_forecaster(BLEND, data, level=level)


@st.composite
def series(draw: st.DrawFn) -> SeriesInput:
    """A KPI's view: 0 to 60 points, monthly or at random gaps (some on one day), rising,
    falling, flat or noisy, bounded or not, zeros and negatives now and then; any target
    on either side, any direction; a deadline before, on or after the latest point."""
    n = draw(st.integers(0, 60))
    gaps = draw(st.sampled_from(["monthly", "random", "same"]))
    start = draw(st.floats(-5, 90))
    pace = draw(st.sampled_from([0.0, draw(st.floats(-10, 10))]))
    noise = draw(st.sampled_from([0.0, draw(st.floats(0, 5))]))
    bounded = draw(st.booleans())
    days: list[date] = []
    day = START
    for i in range(n):
        if i:
            if gaps == "monthly":
                day += timedelta(days=30)
            elif gaps == "random":
                day += timedelta(days=draw(st.integers(1, 400)))
            elif draw(st.booleans()):
                day += timedelta(days=1)
        days.append(day)
    values = []
    for i in range(n):
        v = start + pace * i / 12 + noise * math.sin(1.3 * i)
        values.append(round(min(100.0, max(0.0, v)) if bounded else v, 3))
    target = draw(st.floats(-10, 120))
    last = days[-1] if days else START
    as_of = last + timedelta(days=draw(st.integers(0, 400)))
    deadline = as_of + timedelta(days=draw(st.integers(-800, 4000)))
    return SeriesInput(
        kpi_id="k",
        days=tuple(days),
        values=tuple(values),
        target=target,
        deadline=deadline,
        as_of=as_of,
        direction=draw(st.sampled_from(list(Direction))),
        bounds=(0.0, 100.0) if bounded else None,
    )


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(data=series(), level=st.sampled_from([0.5, 0.8, 0.95]))
def test_the_one_pass_is_the_general_path(data: SeriesInput, level: float) -> None:
    got = _fused(data, level)
    if got is None:
        return  # the general path's own case
    assert got == _general(data, level)


@given(data=series())
def test_the_common_case_takes_the_one_pass(data: SeriesInput) -> None:
    """A series of three or more points over a year or more, all above zero, takes the
    one pass (so the comparisons above compare something)."""
    days, values = data.days, data.values
    assume(len(days) >= 3 and (days[-1] - days[0]).days >= 365 and min(values) > 0)
    assume(len(set(days[-2:])) == 2)  # the window's line has two days to go through
    got = _fused(data)
    assert got is not None
    assert got == _general(data)


@pytest.mark.parametrize(
    ("values", "step"),
    [((1.0, 2.0, 3.5), 30), ((0.0, 1.0, 2.0), 200), ((2.0, 2.5), 100)],
    ids=["short history", "a zero for the growth rate", "two points"],
)
def test_a_member_left_out_is_left_out_in_the_one_pass(
    values: tuple[float, ...], step: int
) -> None:
    """cagr lacking a year of history, or a value at zero, is left out with its reason
    and the weights normalised over the rest, as BlendForecaster.fit does."""
    days = tuple(START + timedelta(days=step * i) for i in range(len(values)))
    data = SeriesInput(
        kpi_id="k",
        days=days,
        values=values,
        target=10.0,
        deadline=days[-1] + timedelta(days=900),
        as_of=days[-1],
        bounds=(0.0, 4.0) if values[0] == 0 else None,
    )
    got = _fused(data)
    assert got is not None
    assert got.basis_message is not None
    assert got.basis_message.key == "forecast.basis.blend_left_out"
    assert got == _general(data)


def test_only_the_built_in_kinds_of_blend_are_fused() -> None:
    assert fused_blend(FORECASTERS.get("recent")) is None
    assert fused_blend(FORECASTERS.get("pooled")) is None
    logistic = BlendForecaster(
        name="b", description="", members=("recent", "logistic"), weights=(0.5, 0.5)
    )
    assert fused_blend(logistic) is None  # a logit line needs the KPI's bounds
    unknown = BlendForecaster(name="b", description="", members=("nope",), weights=(1.0,))
    assert fused_blend(unknown) is None
    uneven = BlendForecaster(name="b", description="", members=("recent",), weights=(1.0, 1.0))
    assert fused_blend(uneven) is None
    fused = fused_blend(BLEND)
    assert fused is not None
    assert all(type(m) is TrendForecaster for m in fused.members)
    assert fused.weights == (0.5, 0.5)


# ------------------------------------------------------------------------------ assess


def _same_assessment(plan: Plan, as_of: date, **kw: object) -> None:
    got = assess(plan, as_of, **kw)  # type: ignore[arg-type]
    with pytest.MonkeyPatch.context() as m:
        m.setattr(assess_module, "fused_blend", lambda forecaster: None)
        want = assess(plan, as_of, **kw)  # type: ignore[arg-type]
    assert got.rows == want.rows
    assert got == want


@pytest.mark.parametrize(
    "as_of", [date(2020, 3, 31), date(2022, 5, 31), date(2024, 6, 30), date(2027, 1, 1)]
)
def test_the_bundled_plan_is_assessed_the_same(as_of: date) -> None:
    _same_assessment(maebashi_2022(), as_of, scale="nagayo")


@pytest.mark.parametrize("method", [None, "blend"])
def test_a_kpi_with_a_reference_is_assessed_the_same(method: str | None) -> None:
    """A KPI pooled toward a reference (or blended beside it) takes the general path;
    the others, the one pass."""
    ref = Reference(
        label="群馬県",
        days=tuple(date(2020, 4, 30) + timedelta(days=30 * i) for i in range(30)),
        values=tuple(10.0 + 2.0 * i for i in range(30)),
    )
    for as_of in (date(2022, 5, 31), date(2024, 6, 30)):
        _same_assessment(maebashi_2022(), as_of, method=method, references={"kpi2": ref})


as_of_days = st.dates(date(2018, 1, 1), date(2032, 12, 31))


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(plan=monthly_plans(), as_of=as_of_days, scale=st.none() | st.just("tama"))
def test_monthly_plans_are_assessed_the_same(plan: Plan, as_of: date, scale: str | None) -> None:
    _same_assessment(plan, as_of, scale=scale)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(plan=plans(), as_of=as_of_days, on_track=st.floats(0.5, 1.5))
def test_random_plans_are_assessed_the_same(plan: Plan, as_of: date, on_track: float) -> None:
    _same_assessment(plan, as_of, policy=StatusPolicy(on_track=on_track), scale="nagayo")


# -------------------------------------------------------------------------- slot_maker


@given(
    values=st.lists(st.none() | st.floats(allow_nan=False) | st.text(), min_size=21, max_size=21)
)
def test_a_slot_maker_builds_what_init_builds(values: list[object]) -> None:
    """The three types assess builds per KPI, from any values in their fields' order."""
    for cls in (Forecast, Metrics, KPIRow):
        fields = attrs.fields(cls)
        given_ = values[: len(fields)]
        made = slot_maker(cls)(*given_)
        want = cls(**{f.alias: v for f, v in zip(fields, given_, strict=True)})
        assert made == want
        assert [getattr(made, f.name) for f in fields] == given_


def test_a_slot_maker_refuses_a_class_that_needs_its_init() -> None:
    with pytest.raises(TypeError, match="needs its __init__"):
        slot_maker(StatusPolicy)  # validators and a post-init

    @attrs.frozen
    class PreInit:
        a: int

        def __attrs_pre_init__(self) -> None:
            """A hook only attrs's __init__ calls."""

    with pytest.raises(TypeError, match="needs its __init__"):
        slot_maker(PreInit)


@given(key=st.text(), shift=st.floats(allow_nan=False))
def test_a_slot_maker_leaves_a_cached_hash_to_be_made(key: str, shift: float) -> None:
    fields = (("shift", shift),)
    made, want = slot_maker(Message)(key, fields), Message(key, fields)
    assert made == want
    assert hash(made) == hash(want)


def test_a_slot_maker_is_written_out_after_a_few_objects() -> None:
    """The loop that stores the first objects and the function written out for the rest
    build the same objects."""
    values = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, None, False, True, True, False)
    want = Metrics(**{f.alias: v for f, v in zip(attrs.fields(Metrics), values, strict=True)})
    kept = slot_makers.pop(Metrics, None)
    try:
        looping = slot_maker(Metrics)
        with pytest.raises(TypeError, match="15 fields; 14 values"):  # a value short
            looping(*values[:-1])
        made = [looping(*values) for _ in range(WRITE_AFTER + 3)]
        written = slot_makers[Metrics]
        assert written is not looping
        made.append(written(*values))
        assert all(m == want for m in made)
        with pytest.raises(TypeError):
            written(*values[:-1])
    finally:
        if kept is not None:
            slot_makers[Metrics] = kept
