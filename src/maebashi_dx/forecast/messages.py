"""User-facing texts of forecasts as catalogue keys and fields (:class:`Message`), so
that every forecast can be shown in Japanese or English."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Literal

import attrs

from maebashi_dx.errors import CalculationError
from maebashi_dx.i18n import Lang, catalogue, day_text, text

if TYPE_CHECKING:
    from maebashi_dx.forecast.series import Trend


def method_label(name: str, lang: Lang = "ja") -> str:
    """A forecaster's display name: catalogue key ``forecast.method.<name>``; a plugin's
    name without a key is shown as it is.

    >>> method_label("blend", "ja"), method_label("cagr", "en"), method_label("holt", "ja")
    ('複合予測', 'compound annual growth rate', 'holt')
    """
    return catalogue(lang).get(f"forecast.method.{name}", name)


@attrs.frozen
class MethodName:
    """A forecaster's name inside a message: the name itself in English (as the CLI's
    ``--method`` spells it), its display name (:func:`method_label`) in Japanese."""

    name: str


@attrs.frozen
class Items:
    """Messages (or texts) shown as one list, joined by the language's separator:
    ``"list"`` (", " / "、") or ``"reasons"`` ("; " / "；")."""

    items: tuple[Message | str, ...]
    sep: Literal["list", "reasons"] = "list"


@attrs.frozen(cache_hash=True)  # shared messages key caches: hash the tree once
class Message:
    """A user-facing text as a catalogue key (domain ``forecast``) and its fields, so that
    it can be shown in any language (:meth:`text`).

    Field values are numbers (formatted by the template, e.g. ``{pace:.2f}``), texts
    (shown as they are: names of places, a plugin's English basis), dates (ISO in
    English, 2022年5月31日 in Japanese), :class:`MethodName`, nested :class:`Message`
    and :class:`Items`.

    >>> m = Message("forecast.note.too_few", (("method", MethodName("linear")), ("count", 1)))
    >>> m.text("en")
    'linear: needs at least two points, has 1'
    >>> m.text("ja")
    '全期間の傾向：2点以上の実績が必要（現在1点）'
    """

    key: str
    fields: tuple[tuple[str, object], ...] = ()

    def text(self, lang: Lang = "ja") -> str:
        """The message in ``lang``."""
        return text(self.key, lang, **{k: _field_text(v, lang) for k, v in self.fields})


def _field_text(value: object, lang: Lang) -> object:
    if isinstance(value, Message):
        return value.text(lang)
    if isinstance(value, MethodName):
        return value.name if lang == "en" else method_label(value.name, lang)
    if isinstance(value, Items):
        sep = text(f"forecast.sep.{value.sep}", lang)
        return sep.join(str(_field_text(item, lang)) for item in value.items)
    if isinstance(value, date):
        return day_text(value, lang)
    return value


# One shared instance per distinct message. A national assessment builds a dozen
# messages per KPI, nearly all the same from KPI to KPI (the blend's basis, the points'
# selection, the spaces); each one kept by a forecast is an object the cyclic garbage
# collector walks, and with tens of thousands of KPIs those walks took a quarter of
# assess's time. Messages are immutable values, so a forecast may share one.
# The cache is keyed strictly: a field's type counts as well as its value (1, 1.0 and
# True are one value but three texts), zeros and NaN are never shared (0.0 and -0.0 are
# one value but two texts), and a nested message counts by identity (as the shared
# instance it is). A message with any other field is built afresh.
_CACHE: dict[tuple[object, ...], Message] = {}
_SHARED: set[int] = set()  # ids of the shared messages (the cache holds them)
_CACHE_SIZE = 4096  # distinct messages kept; the cache starts afresh when it is full
_PLAIN = frozenset({str, int, bool, date})  # shared by type and value


def _token(kind: type, value: object) -> object:
    """A field value's strict identity for the cache (beside its type), or None when a
    message with it is not shared."""
    if kind is float:
        return value if value != 0 and value == value else None
    if kind in _PLAIN:
        return value
    if kind is Message:
        return id(value) if id(value) in _SHARED else None
    if kind is MethodName:
        return value.name  # type: ignore[attr-defined]
    if kind is Items:
        tokens: list[object] = [value.sep]  # type: ignore[attr-defined]
        for item in value.items:  # type: ignore[attr-defined]
            token = _token(type(item), item)
            if token is None:
                return None
            tokens += (type(item), token)
        return tuple(tokens)
    return None


def _msg(key: str, **fields: object) -> Message:
    parts: list[object] = [key]
    for name, value in fields.items():
        kind = type(value)
        # _token's commonest cases inline (a hot path: a dozen messages per KPI)
        if kind is Message:
            token: object = id(value) if id(value) in _SHARED else None
        elif kind is str or kind is int:
            token = value
        else:
            token = _token(kind, value)
        if token is None:
            return Message(key, tuple(fields.items()))
        parts += (name, kind, token)
    cache_key = tuple(parts)
    found = _CACHE.get(cache_key)
    if found is None:
        if len(_CACHE) >= _CACHE_SIZE:
            _CACHE.clear()
            _SHARED.clear()
        found = _CACHE[cache_key] = Message(key, tuple(fields.items()))
        _SHARED.add(id(found))
    return found


class _FitError(CalculationError):
    """A forecaster cannot fit the data; carries its reason as a :class:`Message`."""

    def __init__(self, message: Message) -> None:
        self.message = message
        # The English text is rendered when the error is shown, not when it is raised:
        # a fit that fails in a Japanese run (the blend leaves the member out, with its
        # reason as a Message) never reads the English catalogue.
        super().__init__(message)

    def __str__(self) -> str:
        return self.message.text("en")


def _too_few(name: str, count: int) -> Message:
    return _msg("forecast.note.too_few", method=MethodName(name), count=count)


def _basis_of(trend: Trend) -> Message | str:
    """A trend's basis, localizable when the trend carries a message (the built-ins)."""
    message = getattr(trend, "basis_message", None)
    return message if isinstance(message, Message) else trend.basis


def _reason(exc: CalculationError) -> Message | str:
    """A fit error's reason, localizable when the error carries a message."""
    return exc.message if isinstance(exc, _FitError) else str(exc)


class _Explained:
    """A built-in trend: what it did is a :class:`Message`, rendered (in English for
    ``basis``) only when asked, not on every fit."""

    basis_message: Message

    @property
    def basis(self) -> str:
        """What was fitted to what, in English (:meth:`Forecast.basis_text` for others)."""
        return self.basis_message.text("en")
