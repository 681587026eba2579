"""run_forecaster's path for a blend of lines gives what the blend's own methods give,
to the bit."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from maebashi_dx.forecast import FORECASTERS
from maebashi_dx.forecast.fitted import _BlendTrend
from maebashi_dx.forecast.run import _blend_at
from maebashi_dx.forecast.series import SeriesInput

START = date(2018, 4, 30)


@given(
    start=st.floats(0.5, 90),
    pace=st.floats(-5, 20),
    noise=st.lists(st.floats(-2, 2), min_size=2, max_size=60),
    bounded=st.booleans(),
    exact=st.booleans(),
    later=st.integers(0, 40),
    ahead=st.integers(-400, 4000),
    level=st.sampled_from([0.5, 0.8, 0.95]),
    method=st.sampled_from(["blend", "pooled"]),
)
def test_the_blend_path_is_the_blend_s_own(
    start: float,
    pace: float,
    noise: list[float],
    bounded: bool,
    exact: bool,
    later: int,
    ahead: int,
    level: float,
    method: str,
) -> None:
    days = tuple(START + timedelta(days=30 * i) for i in range(len(noise)))
    values = tuple(
        max(0.1, start + pace * i / 12 + (0 if exact else e)) for i, e in enumerate(noise)
    )
    as_of = days[-1] + timedelta(days=later)  # the latest measurement's day, or later
    data = SeriesInput(
        kpi_id="k",
        days=days,
        values=values,
        target=50.0,
        deadline=as_of + timedelta(days=ahead),
        as_of=as_of,
        bounds=(0.0, 100.0) if bounded else None,
    )
    trend = FORECASTERS.get(method).fit(data)  # pooled without a reference: the blend
    assert isinstance(trend, _BlendTrend)
    got = _blend_at(trend, data.deadline, as_of, level)
    want = (
        trend.predict(data.deadline),
        trend.interval(data.deadline, level),
        trend.pace(as_of),
    )
    assert got == want
