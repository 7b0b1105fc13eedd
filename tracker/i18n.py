"""Message catalogs (Spanish and English) and locale formats through Babel.

The language of a session: the ``lang`` query parameter, then the user's preference, then
``TRACKER_DEFAULT_LANG``. Catalogs are JSON files in ``tracker/locales``; a test fails when a
key is missing from either.
"""

from __future__ import annotations

import json
from datetime import date
from functools import cache
from pathlib import Path

from babel import Locale
from babel.dates import format_date as babel_format_date
from babel.numbers import NumberPattern, parse_pattern

from tracker.settings import LANGUAGES, get_settings

LOCALES_DIR = Path(__file__).parent / "locales"
EMPTY = "—"


@cache
def catalog(lang: str) -> dict[str, str]:
    with (LOCALES_DIR / f"{lang}.json").open(encoding="utf-8") as handle:
        return json.load(handle)


def choose_language(query_lang: str | None = None, user_lang: str | None = None) -> str:
    """The first valid of: URL parameter, user's preference, configured default."""
    for candidate in (query_lang, user_lang):
        if candidate and candidate.lower() in LANGUAGES:
            return candidate.lower()
    return get_settings().default_language


def t(key: str, lang: str = "en", /, **values: object) -> str:
    """The message ``key`` in ``lang`` with ``values`` filled in (the key itself if unknown)."""
    text = catalog(lang if lang in LANGUAGES else "en").get(key) or catalog("en").get(key, key)
    return text.format(**values) if values else text


def number(value: float | None, lang: str, digits: int = 1) -> str:
    """A number to ``digits`` decimals in the locale's form; "—" for none."""
    if value is None or value != value:  # None or NaN
        return EMPTY
    return _number_pattern(digits).apply(value, locale(lang))


@cache
def locale(lang: str) -> Locale:
    """One parsed ``Locale`` per language. Babel parses a locale name anew on every call and
    loads its data under one process-wide lock: a slide of a national plan formats thousands
    of numbers, and 30 sessions queued on that lock (py-spy: 43 % of a meeting room's time)."""
    return Locale.parse(lang if lang in LANGUAGES else "en")


@cache
def _number_pattern(digits: int) -> NumberPattern:
    return parse_pattern("#,##0." + "0" * digits if digits else "#,##0")


def percent_suffix(lang: str) -> str:
    """Spanish separates the percent sign with a space (45,2 %); English does not (45.2%)."""
    return " %" if lang == "es" else "%"


def percent(value: float | None, lang: str) -> str:
    """A figure on a 0-100 scale shown to one decimal with a percent sign."""
    shown = number(value, lang)
    return shown if shown == EMPTY else shown + percent_suffix(lang)


def day(value: date | None, lang: str) -> str:
    if value is None:
        return EMPTY
    return babel_format_date(value, format="medium", locale=locale(lang))


def plural(key: str, lang: str, count: int, /, **values: object) -> str:
    """The message ``key.<form>`` for ``count``, the form chosen by the language's CLDR plural
    rules through Babel (``one``, ``many``…); ``key`` itself is the ``other`` form."""
    return t(plural_key(key, lang, count), lang, **values)


def plural_key(key: str, lang: str, count: int) -> str:
    """The catalog key of ``key``'s plural form for ``count`` (see ``plural``)."""
    form = locale(lang).plural_form(abs(count))
    texts = catalog(lang if lang in LANGUAGES else "en")
    return f"{key}.{form}" if f"{key}.{form}" in texts else key
