"""The result type: :class:`Forecast`, a forecast with its interval, attainment date and
the words that explain it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

import attrs

from maebashi_dx.forecast.messages import (
    Message,
)
from maebashi_dx.forecast.series import (
    DEFAULT_LEVEL,
    Point,
)
from maebashi_dx.i18n import Lang
from maebashi_dx.model import Direction

# ----------------------------------------------------------------------------- results


@attrs.frozen(kw_only=True)
class Forecast:
    """A forecast of one KPI, with everything needed to redo it by hand.

    Attributes:
        kpi_id: The KPI.
        method: The forecaster's name.
        as_of: The day it was made; no data after it was used.
        deadline: The target's deadline.
        target: The target value.
        value: The projected value at the deadline, or None when it cannot be made.
        interval: (low, high) around ``value`` at confidence ``level``, or None.
        level: The interval's confidence level.
        interval_basis: How the interval was made (prediction interval or heuristic), in
            English; :meth:`interval_basis_text` in any language.
        observed_pace: The trend's rate of change at ``as_of``, per year.
        required_pace: The rate needed from the latest value to the target, per year:
            (target − latest) / (years from the latest value to the deadline). With no
            time left (the latest value on or after the deadline) it is 0 when the latest
            value meets the target (nothing more is needed) and None when it does not (no
            pace can meet it in no time).
        attainment_date: When the trend meets the target, or None if it never does.
        point_days: Days of the points the method used (``points`` pairs them up).
        point_values: Their values.
        basis: What the method did, in English; :meth:`basis_text` in any language.
        note: Why there is no value, when there is none, in English; :meth:`note_text`.
        direction: Whether higher is better.
        basis_message: ``basis`` as a :class:`Message` (None from a plugin that gives
            only a text).
        interval_message: ``interval_basis`` as a :class:`Message`, or None.
        note_message: ``note`` as a :class:`Message`, or None.
        probability: The chance of meeting the target by the deadline, from a
            calibration's errors (:mod:`maebashi_dx.forecast.conformal`); None when the
            forecast is not calibrated: a heuristic interval is no distribution, and no
            chance is claimed from it. It reads the errors as they are (the conformal
            predictive distribution), not ACI's adapted level, which governs the
            interval only: after a run of misses the interval may be the whole range
            (every outcome) while the chance still reads the errors' own spread, so the
            two can disagree (e.g. 0–100% and a 24% chance).
    """

    kpi_id: str
    method: str
    as_of: date
    deadline: date
    target: float
    value: float | None = None
    interval: tuple[float, float] | None = None
    level: float = DEFAULT_LEVEL
    # A plugin's plain texts; a built-in gives messages, rendered only when read (below).
    _interval_basis: str = attrs.field(default="", alias="interval_basis")
    observed_pace: float | None = None
    required_pace: float | None = None
    attainment_date: date | None = None
    point_days: tuple[date, ...] = ()
    point_values: tuple[float, ...] = ()
    _basis: str = attrs.field(default="", alias="basis")
    _note: str = attrs.field(default="", alias="note")
    direction: Direction = Direction.INCREASE
    basis_message: Message | None = None
    interval_message: Message | None = None
    note_message: Message | None = None
    probability: float | None = None

    @property
    def points(self) -> tuple[Point, ...]:
        """The points the method used, oldest first."""
        return tuple(map(Point, self.point_days, self.point_values))

    @property
    def basis(self) -> str:
        """What the method did, in English."""
        return self.basis_text("en")

    @property
    def interval_basis(self) -> str:
        """How the interval was made, in English."""
        return self.interval_basis_text("en")

    @property
    def note(self) -> str:
        """Why there is no value, in English ("" when there is one)."""
        return self.note_text("en")

    def basis_text(self, lang: Lang = "ja") -> str:
        """What the method did, in ``lang`` (a plugin's own text when it gives no message).

        >>> from datetime import date
        >>> from maebashi_dx.datasets import maebashi_2022
        >>> from maebashi_dx.forecast import forecast
        >>> f = forecast(maebashi_2022().kpi("kpi2"), date(2022, 5, 31), method="cagr")
        >>> f.basis_text("ja")
        '年平均成長率（最初と最新の実績値の対数を通る直線）'
        >>> f.basis_text("en") == f.basis
        True
        """
        return self._basis if self.basis_message is None else self.basis_message.text(lang)

    def interval_basis_text(self, lang: Lang = "ja") -> str:
        """How the interval was made, in ``lang``."""
        if self.interval_message is None:
            return self._interval_basis
        return self.interval_message.text(lang)

    def note_text(self, lang: Lang = "ja") -> str:
        """Why there is no value, in ``lang`` ("" when there is one)."""
        return self._note if self.note_message is None else self.note_message.text(lang)

    @property
    def meets_target(self) -> bool | None:
        """Whether the projected value at the deadline meets the target."""
        if self.value is None:
            return None
        return self.direction.sign * (self.value - self.target) >= 0


_T = TypeVar("_T")


#: The functions slot_maker made, by class: a hot path reads ``slot_makers.get(cls) or
#: slot_maker(cls)``, a dictionary look-up rather than a call.
slot_makers: dict[type, Callable[..., Any]] = {}

#: How many objects a class's maker builds by a loop over its slots before the maker is
#: written out as attrs writes an ``__init__`` (compiling one costs about 0.1 ms: worth it
#: for an assessment of many KPIs, not for the command's start on a few).
WRITE_AFTER = 64


def slot_maker(cls: type[_T]) -> Callable[..., _T]:
    """``cls(**fields)`` for a frozen, slotted attrs class without converters,
    validators or post-init, the fields given positionally in their order, each stored
    through its slot (as :func:`maebashi_dx.model.kpi.checked_measurement` fills a
    measurement): attrs's ``__init__`` stores each by name through
    ``object.__setattr__``, two to three times as slow, and assess builds a forecast,
    metrics and a row for every KPI. A cached hash starts empty, as ``__init__`` leaves
    it. The first :data:`WRITE_AFTER` objects are stored by a loop, the rest by a
    function written out for the class.

    Raises:
        TypeError: ``cls`` has a converter, a validator, a pre-init or a post-init
            (each needs ``__init__``); the maker raises it too, as a function of the
            fields would, when given another number of values than the class has
            fields.
    """
    known: Callable[..., _T] | None = slot_makers.get(cls)
    if known is not None:
        return known
    fields = attrs.fields(cls)  # type: ignore[arg-type]
    if (
        any(f.converter is not None or f.validator is not None for f in fields)
        or hasattr(cls, "__attrs_pre_init__")
        or hasattr(cls, "__attrs_post_init__")
        or getattr(cls, "__attrs_own_setattr__", False)
    ):
        msg = f"{cls.__qualname__} needs its __init__"
        raise TypeError(msg)
    slots = {n: d for k in reversed(cls.__mro__) for n, d in vars(k).items()}
    setters = [slots[f.name].__set__ for f in fields]
    count = len(setters)
    unset: tuple[Callable[[object, object], None], ...] = ()
    if "_attrs_cached_hash" in slots:  # cache_hash=True: no hash yet
        unset = (slots["_attrs_cached_hash"].__set__,)
    built = 0
    new = object.__new__

    def make(*values: object) -> _T:
        nonlocal built
        built += 1
        if built == WRITE_AFTER:
            slot_makers[cls] = _written(cls, setters, unset)
        if len(values) != count:  # as the written-out function's signature refuses
            msg = f"{cls.__qualname__} has {count} fields; {len(values)} values given"
            raise TypeError(msg)
        made: _T = new(cls)
        for store, value in zip(setters, values, strict=True):
            store(made, value)
        for store in unset:
            store(made, None)
        return made

    slot_makers[cls] = make
    return make


def _written(
    cls: type[_T], setters: list[Callable[[object, object], None]], unset: tuple[Any, ...]
) -> Callable[..., _T]:
    """slot_maker's loop written out as a function of the fields (as attrs writes an
    ``__init__``): one store a line, no loop."""
    namespace: dict[str, Any] = {"_new": object.__new__, "_cls": cls}
    for i, store in enumerate(setters):
        namespace[f"_set{i}"] = store
    names = [f"v{i}" for i in range(len(setters))]
    stores = "".join(f"    _set{i}(o, v{i})\n" for i in range(len(setters)))
    if unset:
        namespace["_unset"] = unset[0]
        stores += "    _unset(o, None)\n"
    source = f"def make({', '.join(names)}):\n    o = _new(_cls)\n{stores}    return o\n"
    exec(source, namespace)  # the function attrs would write, by position
    made: Callable[..., _T] = namespace["make"]
    return made
