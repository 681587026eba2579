"""A reference series a KPI's forecast may pool toward (a data type: io builds it, the
forecasters read it)."""

from __future__ import annotations

import bisect
import itertools
import math
from collections.abc import Iterable
from datetime import date

import attrs

from maebashi_dx.errors import CalculationError
from maebashi_dx.model.checks import entity


def _days_tuple(days: Iterable[date]) -> tuple[date, ...]:
    return tuple(days)


def _values_tuple(values: Iterable[float]) -> tuple[float, ...]:
    return tuple(map(float, values))


def _check_reference(instance: Reference, attribute: object, days: tuple[date, ...]) -> None:
    if len(days) != len(instance.values):
        msg = f"reference {instance.label!r}: {len(days)} days but {len(instance.values)} values"
        raise CalculationError(msg)
    for a, b in itertools.pairwise(days):
        if b <= a:
            msg = f"reference {instance.label!r}: days must increase, {b} follows {a}"
            raise CalculationError(msg)
    for day, value in zip(days, instance.values, strict=True):
        if not math.isfinite(value):
            msg = f"reference {instance.label!r}: the value on {day} is {value}"
            raise CalculationError(msg)


@attrs.frozen(kw_only=True)
@entity
class Reference:
    """A series to pool a KPI's trend toward: its prefecture's or the nation's rate, a
    peer group's mean. Only its points on or before the forecast's day are ever used.

    >>> from datetime import date
    >>> days = (date(2021, 4, 1), date(2022, 4, 1))
    >>> ref = Reference(label="群馬県", days=days, values=(25.0, 40.0))
    >>> ref.until(date(2021, 12, 31)).values
    (25.0,)
    >>> Reference(label="x", days=(date(2022, 1, 1),), values=(float("nan"),))
    Traceback (most recent call last):
    ...
    maebashi_dx.errors.CalculationError: reference 'x': the value on 2022-01-01 is nan
    """

    label: str
    days: tuple[date, ...] = attrs.field(converter=_days_tuple, validator=_check_reference)
    values: tuple[float, ...] = attrs.field(converter=_values_tuple)

    def until(self, day: date) -> Reference:
        """The points on or before ``day`` (what a forecast made that day may see)."""
        cut = bisect.bisect_right(self.days, day)
        return attrs.evolve(self, days=self.days[:cut], values=self.values[:cut])
