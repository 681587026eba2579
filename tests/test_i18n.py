"""The message catalogues: one per language, the same keys and fields in each."""

from __future__ import annotations

import pickle
import re
from pathlib import Path

import pytest

from maebashi_dx.i18n import LANGS, UnknownMessageError, catalogue, check_lang, fields_of, text

SRC = Path(__file__).resolve().parents[1] / "src" / "maebashi_dx"
# A literal key passed to text(): text("domain.key", ...).
USED = re.compile(r"""\btext\(\s*["']([a-z_]+(?:\.[a-z0-9_]+)+)["']""")


def test_every_language_has_the_same_keys() -> None:
    keys = {lang: set(catalogue(lang)) for lang in LANGS}
    ja, en = keys["ja"], keys["en"]
    assert ja - en == set(), "in ja only"
    assert en - ja == set(), "in en only"


def test_every_message_uses_the_same_fields_in_every_language() -> None:
    ja, en = catalogue("ja"), catalogue("en")
    differ = {k for k in ja if fields_of(ja[k]) != fields_of(en[k])}
    assert differ == set()


def test_every_key_the_code_uses_exists() -> None:
    used = {m for path in SRC.rglob("*.py") for m in USED.findall(path.read_text("utf-8"))}
    assert used, "the pattern must find the keys the code uses"
    missing = used - set(catalogue("ja"))
    assert missing == set()


def test_japanese_messages_are_japanese() -> None:
    """No English word in the Japanese catalogue: fields, `code` and acronyms aside."""
    # Kanji count as word characters, so the acronyms are bounded by Latin letters only.
    acronyms = re.compile(
        r"(?<![A-Za-z])(?:KPI|DX|CSV|JSON|HTML|PNG|SVG|PDF|WG|CIO|ID|FY|R)(?![A-Za-z])"
    )
    offenders = {}
    for key, template in catalogue("ja").items():
        plain = acronyms.sub("", re.sub(r"\{[^}]*\}|`[^`]*`", "", template))
        if re.search(r"[A-Za-z]{2,}", plain):
            offenders[key] = template
    assert offenders == {}


def test_text_fills_fields() -> None:
    assert text("common.as_of", "ja", date="令和4年5月31日") == "令和4年5月31日時点"
    assert text("common.as_of", "en", date="31 May 2022") == "as of 31 May 2022"


def test_unknown_key_is_a_library_error() -> None:
    with pytest.raises(UnknownMessageError, match=r"no message 'common\.nope'"):
        text("common.nope", "ja")


def test_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown language 'fr'"):
        check_lang("fr")


class TestLightImport:
    """The catalogue module imports its error from the errors module only when it raises it
    (so that ``maebashi-dx --help`` does without attrs: tests/test_cli_startup.py); the
    error stays importable from here."""

    def test_the_error_is_the_errors_module_s_class(self) -> None:
        import maebashi_dx.errors
        import maebashi_dx.i18n

        assert UnknownMessageError is maebashi_dx.errors.UnknownMessageError
        assert issubclass(UnknownMessageError, maebashi_dx.errors.MaebashiDXError)
        assert issubclass(UnknownMessageError, LookupError)
        with pytest.raises(AttributeError, match="no attribute 'Nope'"):
            maebashi_dx.i18n.Nope  # noqa: B018

    def test_the_error_survives_pickling(self) -> None:
        with pytest.raises(UnknownMessageError) as caught:
            text("common.nope", "en")
        again = pickle.loads(pickle.dumps(caught.value))
        assert type(again) is UnknownMessageError
        assert str(again) == str(caught.value)


def test_a_lookup_reads_only_its_own_domain() -> None:
    """``maebashi-dx --help`` parses the ``cli`` catalogue file, not every domain's."""
    from maebashi_dx import i18n

    i18n._domain.cache_clear()
    assert text("cli.error.no_command", "en")
    assert i18n._domain.cache_info().currsize == 1
    assert len(catalogue("en")) == sum(len(i18n._domain("en", d)) for d in i18n._domains("en"))
    assert i18n._domain.cache_info().currsize == len(i18n._domains("en")) > 1
    assert "cli.nope" not in catalogue("en")
    assert "nodomain" not in catalogue("en")
