"""Forecast messages are shared between forecasts (one instance per distinct message),
and sharing never changes a text: a field's type and sign count, not only its value."""

from __future__ import annotations

from datetime import date, datetime

from hypothesis import given
from hypothesis import strategies as st

from maebashi_dx.forecast.messages import Items, Message, MethodName, _msg

values = st.one_of(
    st.integers(-3, 3),
    st.booleans(),
    st.floats(allow_nan=True, allow_infinity=True, width=64),
    st.sampled_from([0.0, -0.0, 1.0, -1.0, float("nan")]),
    st.text(max_size=3),
    st.dates(min_value=date(2020, 1, 1), max_value=date(2020, 1, 3)),
    st.just(datetime(2020, 1, 1)),
    st.sampled_from([MethodName("linear"), MethodName("cagr")]),
)


def _fresh(key: str, fields: dict[str, object]) -> Message:
    return Message(key, tuple(fields.items()))


@given(st.lists(values, min_size=1, max_size=12))
def test_a_shared_message_has_the_fields_it_was_asked_for(seq: list[object]) -> None:
    for value in seq:
        for key in ("forecast.note.too_few", "forecast.interval.blend"):
            fields = {"method": MethodName("linear"), "count": value, "shift": value}
            got = _msg(key, **fields)
            # repr tells 1 from 1.0 and True, 0.0 from -0.0; equality would not.
            assert repr(got.fields) == repr(_fresh(key, fields).fields)
            assert got == _fresh(key, fields) or value != value  # NaN is unequal to itself
            if key == "forecast.note.too_few":  # "{count}": any value has a text
                for lang in ("ja", "en"):
                    assert got.text(lang) == _fresh(key, fields).text(lang)


@given(st.lists(st.sampled_from([1, 1.0, True, 2]), min_size=2, max_size=6))
def test_nested_messages_and_items_are_shared_by_their_own_fields(seq: list[object]) -> None:
    for value in seq:
        inner = _msg("forecast.points.window", count=value, months=6)
        outer = _msg("forecast.basis.blend", method=MethodName("blend"), parts=Items((inner,)))
        want = _fresh(
            "forecast.basis.blend",
            {
                "method": MethodName("blend"),
                "parts": Items((_fresh("forecast.points.window", {"count": value, "months": 6}),)),
            },
        )
        assert repr(outer) == repr(want)
        assert outer.text("en") == want.text("en")


def test_the_same_message_is_one_instance() -> None:
    first = _msg("forecast.points.window", count=6, months=6)
    assert _msg("forecast.points.window", count=6, months=6) is first
    assert _msg("forecast.points.window", count=6.0, months=6) is not first
