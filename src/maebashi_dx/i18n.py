"""Every text a user reads, from one message catalogue per language.

The catalogues live in ``maebashi_dx/locales/<lang>/``, one TOML file per *domain*
(``report``, ``cli``, ``forecast``, ``conflicts``, …), as gettext splits a language's
catalogue into domains. A message is looked up by ``domain.key`` and filled with
:meth:`str.format` fields:

>>> text("common.as_of", "ja", date="2022年5月31日")
'2022年5月31日時点'
>>> text("common.as_of", "en", date="31 May 2022")
'as of 31 May 2022'

Why TOML and not gettext ``.po``/``.mo``: the standard library reads TOML (``tomllib``)
with no compile step, the files are easy for a city's staff to review, and keys are
stable identifiers rather than English source sentences, so the Japanese catalogue is
not a translation of the English one but a peer of it. The test suite checks that both
catalogues hold the same keys with the same fields, and that every key the code uses
exists.

A catalogue is read a domain at a time, when one of the domain's keys is first looked
up, and kept, so that ``import maebashi_dx`` and ``maebashi-dx --help`` stay light.
"""

from __future__ import annotations

import string
from collections.abc import Iterator, Mapping
from functools import cache
from typing import TYPE_CHECKING, Literal, TypeVar, get_args

if TYPE_CHECKING:
    from datetime import date

    from maebashi_dx.errors import UnknownMessageError as UnknownMessageError

__all__ = ["LANGS", "Lang", "catalogue", "check_lang", "day_text", "localized", "text"]

Lang = Literal["ja", "en"]
LANGS: tuple[Lang, ...] = get_args(Lang)
# A plan text that may be absent (a target's label) stays possibly absent.
_Text = TypeVar("_Text", str, str | None)


def __getattr__(name: str) -> object:
    """``i18n.UnknownMessageError``, imported from :mod:`maebashi_dx.errors` on first use
    (PEP 562): the errors module loads attrs, which ``maebashi-dx --help`` does without."""
    if name == "UnknownMessageError":
        from maebashi_dx.errors import UnknownMessageError

        return UnknownMessageError
    msg = f"module {__name__!r} has no attribute {name!r}"
    raise AttributeError(msg)


def check_lang(lang: object) -> Lang:
    """Return ``lang`` if it is a supported language, else raise ``ValueError``.

    >>> check_lang("en")
    'en'
    """
    if lang in LANGS:
        return lang
    msg = f"unknown language {lang!r}; choose one of {', '.join(LANGS)}"
    raise ValueError(msg)


@cache
def catalogue(lang: Lang) -> Mapping[str, str]:
    """Every message of one language, flattened to ``domain.key`` (and ``domain.a.b``).

    Each domain's file is read the first time one of its keys is looked up (listing the
    catalogue reads them all): ``maebashi-dx --help`` reads only the ``cli`` domain.

    >>> catalogue("en")["common.as_of"]
    'as of {date}'
    """
    return _Catalogue(check_lang(lang))


class _Catalogue(Mapping[str, str]):
    """One language's messages, read a domain at a time (one TOML file each)."""

    def __init__(self, lang: Lang) -> None:
        self._lang = lang

    def __getitem__(self, key: str) -> str:
        return _domain(self._lang, key.partition(".")[0])[key]

    def __iter__(self) -> Iterator[str]:
        for domain in _domains(self._lang):
            yield from _domain(self._lang, domain)

    def __len__(self) -> int:
        return sum(len(_domain(self._lang, domain)) for domain in _domains(self._lang))

    def __repr__(self) -> str:
        return f"<catalogue {self._lang!r}: {', '.join(_domains(self._lang))}>"


@cache
def _domains(lang: Lang) -> tuple[str, ...]:
    """The domains of a language: its catalogue files' names, in order."""
    from importlib.resources import files

    folder = files("maebashi_dx") / "locales" / lang
    return tuple(
        sorted(e.name.removesuffix(".toml") for e in folder.iterdir() if e.name.endswith(".toml"))
    )


@cache
def _domain(lang: Lang, domain: str) -> dict[str, str]:
    """One domain's messages, flattened; an unknown domain has none."""
    import tomllib

    from maebashi_dx._package_data import package_text

    flat: dict[str, str] = {}
    if not domain.isidentifier():  # never a path: "../x" is no domain
        return flat
    try:
        source = package_text("maebashi_dx", "locales", lang, f"{domain}.toml")
    except FileNotFoundError:
        return flat
    _flatten(domain, tomllib.loads(source), flat)
    return flat


def _flatten(prefix: str, table: dict[str, object], into: dict[str, str]) -> None:
    for key, value in table.items():
        if isinstance(value, dict):
            _flatten(f"{prefix}.{key}", value, into)
        elif isinstance(value, str):
            into[f"{prefix}.{key}"] = value
        else:  # pragma: no cover - the catalogue test rejects this
            from maebashi_dx.errors import UnknownMessageError

            msg = f"catalogue entry {prefix}.{key} is not text"
            raise UnknownMessageError(msg)


def text(key: str, lang: Lang = "ja", /, **fields: object) -> str:
    """The message ``key`` in ``lang``, with its ``{fields}`` filled in.

    Args:
        key: ``domain.key``, e.g. ``"report.title"``.
        lang: ``"ja"`` (the default) or ``"en"``.
        **fields: Values for the message's ``{name}`` fields, already formatted for
            people (numbers and dates are formatted by the caller, in the same language).

    Raises:
        UnknownMessageError: The key is not in the catalogue (a library bug).
    """
    try:
        template = catalogue(lang)[key]
    except KeyError:
        from maebashi_dx.errors import UnknownMessageError

        msg = f"no message {key!r} in the {lang!r} catalogue"
        raise UnknownMessageError(msg) from None
    return template.format(**fields)


def fields_of(template: str) -> frozenset[str]:
    """The names of the ``{fields}`` a message template uses."""
    return frozenset(name for _, name, _, _ in string.Formatter().parse(template) if name)


def day_text(day: date, lang: Lang = "ja") -> str:
    """A day as the messages write it: 2022年5月31日, or ISO 8601 in English (as in a
    formula a reader redoes by hand).

    >>> from datetime import date
    >>> day_text(date(2022, 5, 31), "ja"), day_text(date(2022, 5, 31), "en")
    ('2022年5月31日', '2022-05-31')
    """
    return day.isoformat() if lang == "en" else f"{day.year}年{day.month}月{day.day}日"


def localized(ja: _Text, en: str | None, lang: Lang) -> _Text | str:
    """A plan's own text in ``lang``: its English form (``name_en``, ``label_en``...) when
    English is asked for and the plan gives one, else the Japanese original.

    >>> localized("情報政策課", "Information Policy Division", "en")
    'Information Policy Division'
    >>> localized("情報政策課", "", "en")
    '情報政策課'
    """
    return en if lang == "en" and en else ja
