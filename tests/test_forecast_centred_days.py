"""A line fitted through days whose centred sums come from the cache (``_centred_days``,
one entry per tuple of days) is fitted on those days' own sums, whatever was fitted
before it."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from maebashi_dx.forecast.trends import _PLAIN_TRANSFORMS, Space, _centred_days, fit_line, ols_line

START = date(2018, 4, 30)
Points = tuple[tuple[date, ...], tuple[float, ...]]


def _plain_days(days: tuple[date, ...]) -> tuple[float, tuple[float, ...], float]:
    """The days' centred sums taken afresh: x̄, x − x̄ and Sxx, in days from the first."""
    xs = [d.toordinal() - days[0].toordinal() for d in days]
    x_mean = sum(xs) / len(xs)
    dxs = tuple(x - x_mean for x in xs)
    return x_mean, dxs, sum(dx * dx for dx in dxs)


@st.composite
def points(draw: st.DrawFn) -> Points:
    """2 to 14 points on increasing days, positive values."""
    gaps = draw(st.lists(st.integers(1, 400), min_size=1, max_size=13))
    days = [START + timedelta(days=draw(st.integers(-3000, 3000)))]
    for gap in gaps:
        days.append(days[-1] + timedelta(days=gap))
    values = draw(st.lists(st.floats(0.01, 1e6), min_size=len(days), max_size=len(days)))
    return tuple(days), tuple(values)


@given(st.lists(points(), min_size=1, max_size=6), st.sampled_from(["identity", "log"]))
def test_each_fit_reads_its_own_days_sums(series: list[Points], space: Space) -> None:
    # Fitted one after another (the cache kept between them): an entry found for other
    # days of the same length, first or last day would give another x̄ or Sxx.
    for days, values in series:
        line = fit_line("f", days, values, _PLAIN_TRANSFORMS[space], None)
        x_mean, _, sxx = _plain_days(days)
        assert (line.x_mean, line.sxx) == ols_line(x_mean, 0.0, sxx, 0.0)[3:]
        assert _centred_days(days) == (x_mean, *_plain_days(days)[1:])


@given(points())
def test_equal_days_share_an_entry(one: Points) -> None:
    days, _ = one
    assert _centred_days(days[:1] + days[1:]) is _centred_days(days)  # another tuple
