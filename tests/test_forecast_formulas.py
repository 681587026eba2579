"""The shared scalar formulas' fast paths give what their plain forms give, bit for bit."""

from __future__ import annotations

import math
import struct
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from maebashi_dx.achievement import _clamp
from maebashi_dx.forecast.series import pace_shift, years_before
from maebashi_dx.forecast.trends import Space, back, cap

# Every float, NaN, infinities and both zeros included: a fast path must not differ on any.
floats = st.floats(allow_nan=True, allow_infinity=True)


def _bits(x: float) -> bytes:
    return struct.pack("<d", x)


@given(value=floats, lower=floats, upper=floats)
def test_cap_on_floats_is_min_of_upper_and_max_of_lower(
    value: float, lower: float, upper: float
) -> None:
    want = min(upper, max(lower, value))
    assert _bits(cap(value, lower, upper)) == _bits(want)


def test_cap_keeps_the_builtins_choice_on_signed_zeros() -> None:
    # max and min keep the first of equals: max(0.0, -0.0) is 0.0, max(-0.0, 0.0) is -0.0;
    # a comparison written the other way round would give the other zero.
    assert _bits(cap(-0.0, 0.0, 1.0)) == _bits(0.0)
    assert _bits(cap(0.0, -0.0, 1.0)) == _bits(-0.0)
    assert _bits(cap(0.0, -1.0, -0.0)) == _bits(-0.0)


class _PlainMath:
    """ScalarMath's functions under another namespace: the formulas' plain path."""

    log = staticmethod(math.log)
    exp = staticmethod(math.exp)
    sqrt = staticmethod(math.sqrt)
    minimum = staticmethod(min)
    maximum = staticmethod(max)


@given(
    space=st.sampled_from(["identity", "log", "logit"]),
    z=floats,
    lower=st.floats(-1e6, 1e6),
    upper=st.floats(-1e6, 1e6),
)
def test_back_on_floats_is_its_plain_formula(
    space: Space, z: float, lower: float, upper: float
) -> None:
    want = back(space, z, lower, upper, _PlainMath)
    assert _bits(back(space, z, lower, upper)) == _bits(want)


@given(z=st.sampled_from([700.0, -700.0, 700.0000000000001, -700.0000000000001, -0.0, 0.0]))
def test_back_holds_the_exponent_at_700_as_min_and_max_do(z: float) -> None:
    for space in ("log", "logit"):
        want = back(space, z, 0.0, 100.0, _PlainMath)
        assert _bits(back(space, z, 0.0, 100.0)) == _bits(want)


@given(value=floats)
def test_clamp_is_min_of_one_and_max_of_zero(value: float) -> None:
    # achievement's share limit written as comparisons, bit for bit the builtins' choice.
    assert _bits(_clamp(value)) == _bits(min(1.0, max(0.0, value)))


@given(levels=st.lists(floats.filter(math.isfinite), min_size=3, max_size=6))
def test_pace_shift_largest_change_is_max_s(levels: list[float]) -> None:
    """pace_shift's running largest change by comparison is the builtin max's, over
    yearly levels on a series' anniversaries (one point a year, the latest first)."""
    end = date(2024, 3, 31)
    days = tuple(reversed([years_before(end, k) for k in range(len(levels))]))
    values = tuple(reversed(levels))
    changes = [levels[i] - levels[i + 1] for i in range(len(levels) - 1)]
    gaps = [abs(changes[i] - changes[i + 1]) for i in range(len(changes) - 1)]
    want = gaps[0]
    for gap in gaps[1:5]:  # the last four years' changes, as pace_shift counts them
        want = max(want, gap)
    got = pace_shift(days, values)
    assert got is not None
    assert _bits(got) == _bits(want)
