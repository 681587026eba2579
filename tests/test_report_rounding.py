"""The figures' decimal text without the decimal module: the same text as Decimal gives.

report/fmt.py writes a figure from the digits of its ``repr`` with integer arithmetic
(``maebashi-dx status`` need not import decimal); the decimal module is the reference
these tests compare with: ``Decimal(repr(value))`` written with the ``f`` format, and
``quantize`` with ``ROUND_HALF_UP`` (四捨五入, half away from zero).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, localcontext

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from maebashi_dx.report.fmt import _decimal_parts, _positional, _round_half_up, format_number

# The figures format_number writes out in full: finite, under 10¹⁵ in magnitude.
_FIGURES = st.floats(min_value=-1e15, max_value=1e15, exclude_max=True, exclude_min=True)
# Figures with few decimals, as files hold them: ties (x.xx5) are frequent among them.
_WRITTEN = st.builds(
    lambda whole, cents, places: float(f"{whole}.{cents:0{places}d}"),
    st.integers(-(10**9), 10**9),
    st.integers(0, 99_999),
    st.integers(5, 6),
)


def _decimal_plain(value: float) -> str:
    return f"{Decimal(repr(value)):f}"


def _decimal_rounded(value: float, decimals: int) -> str:
    with localcontext() as ctx:
        ctx.prec = 60
        rounded = Decimal(repr(value)).quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP)
    return f"{abs(rounded) if rounded == 0 else rounded:f}"


@given(st.floats(allow_nan=False, allow_infinity=False))
@example(1e-05)
@example(1.5e16)
@example(-0.0)
@example(100.0)
@example(5e-324)
def test_the_shortest_decimal_is_written_as_decimal_writes_it(value: float) -> None:
    assert _positional(*_decimal_parts(value)) == _decimal_plain(value)


@given(_FIGURES | _WRITTEN, st.integers(0, 10))  # a KPI's decimals: 0 to 10
@example(2.675, 2)  # 2.67499999... in binary: the file's 2.675 rounds up
@example(-0.04, 1)
@example(-0.05, 1)
@example(0.5, 0)
@example(-2.5, 0)
@example(999.95, 1)
@example(1e-07, 3)
def test_half_up_rounding_is_decimals(value: float, decimals: int) -> None:
    assert _round_half_up(value, decimals) == _decimal_rounded(value, decimals)


@pytest.mark.parametrize(
    ("value", "decimals", "shown"),
    [
        (2.675, 2, "2.68"),
        (-2.5, 0, "-3"),
        (-0.04, 1, "0.0"),
        (59372.5, 0, "59,373"),
        (1234567.125, None, "1,234,567.125"),
        (1e-05, None, "0.00001"),
        (999.95, 1, "1,000.0"),
    ],
)
def test_figures_as_people_read_them(value: float, decimals: int | None, shown: str) -> None:
    assert format_number(value, decimals=decimals) == shown
