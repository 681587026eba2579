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


@attrs.frozen
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


def _msg(key: str, **fields: object) -> Message:
    return Message(key, tuple(fields.items()))


class _FitError(CalculationError):
    """A forecaster cannot fit the data; carries its reason as a :class:`Message`."""

    def __init__(self, message: Message) -> None:
        self.message = message
        super().__init__(message.text("en"))


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
