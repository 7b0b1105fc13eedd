"""Message catalogs (Spanish and English) and locale formats through Babel.

The language of a session: the ``lang`` query parameter, then the user's preference, then
``TRACKER_DEFAULT_LANG``. Catalogs are JSON files in ``tracker/locales``; a test fails when a
key is missing from either.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta, tzinfo
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Protocol, runtime_checkable
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date as babel_format_date
from babel.dates import format_time as babel_format_time
from babel.dates import get_timezone_name
from babel.numbers import NumberPattern, parse_pattern

from tracker.settings import LANGUAGES, get_settings

LOCALES_DIR = Path(__file__).parent / "locales"
EMPTY = "—"
ENUM_KEYS = {"PeriodState": "period", "Status": "status", "ReportState": "state"}
UTC_NAMES = {"UTC", "Etc/UTC", "UTC+00:00"}


@runtime_checkable
class Labelled(Protocol):
    """A value that says itself in a language (``Quarter.label``: "T3 2026")."""

    def label(self, lang: str = "en") -> str: ...


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
    """The message ``key`` in ``lang`` with ``values`` filled in (the key itself if unknown).

    Values are formatted here, in the reader's language, so that no service has to: a
    ``Quarter`` reads "T3 2026"/"Q3 2026", a ``date`` and a ``datetime`` through Babel (a
    datetime in its own time zone, named), ``None`` as "—". An integer
    ``count`` chooses the message's plural form (``plural``)."""
    count = values.get("count")
    if isinstance(count, int) and not isinstance(count, bool):
        key = plural_key(key, lang, count)
    text = catalog(lang if lang in LANGUAGES else "en").get(key) or catalog("en").get(key, key)
    if not values:
        return text
    return text.format(**{name: shown(value, lang) for name, value in values.items()})


def shown(value: object, lang: str) -> object:
    """A value as a message shows it in ``lang``; a text or anything unknown as it is."""
    if isinstance(value, StrEnum) and type(value).__name__ in ENUM_KEYS:
        # tracker.models' PeriodState, Status, ReportState (by name: the deck's command
        # imports no ORM)
        return t(f"{ENUM_KEYS[type(value).__name__]}.{value.value}", lang)
    if isinstance(value, str | int | float):  # most values: before the slower checks below
        return value
    if isinstance(value, Labelled):  # a Quarter (tracker.quarters, which uses this module)
        return value.label(lang)
    if isinstance(value, datetime):
        return moment(value, lang)
    if isinstance(value, date):
        return day(value, lang)
    if value is None:
        return EMPTY
    return value


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


def zone_of(name: str | None) -> tzinfo:
    """The IANA zone ``name`` (a plan's), UTC when it is missing or unknown."""
    try:
        return ZoneInfo(name) if name else UTC
    except (ValueError, KeyError):  # ZoneInfoNotFoundError is a KeyError
        return UTC


def in_zone(value: datetime, zone: str | None) -> datetime:
    """A stored time (UTC; naive ones are UTC too, as SQLite returns them) in ``zone``."""
    aware = value if value.tzinfo else value.replace(tzinfo=UTC)
    return aware.astimezone(zone_of(zone))


def moment(value: datetime | None, lang: str, zone: str | None = None) -> str:
    """A time as the reader reads it: day, hour and minute in ``zone`` (else the value's own
    zone, UTC when it has none), the zone named: "7 dic 2026, 14:55 (hora de Ecuador)"."""
    if value is None:
        return EMPTY
    local = in_zone(value, zone) if zone or not value.tzinfo else value
    clock = babel_format_time(local, format="short", tzinfo=local.tzinfo, locale=locale(lang))
    return f"{day(local.date(), lang)}, {clock} ({zone_name(local, lang)})"


def zone_name(at: datetime, lang: str) -> str:
    """The zone of ``at`` as its people call it ("hora de Ecuador", "Ecuador Time"; "UTC")."""
    if at.tzinfo is None or at.utcoffset() == timedelta(0) and str(at.tzinfo) in UTC_NAMES:
        return "UTC"
    try:
        return get_timezone_name(at, width="long", locale=locale(lang))
    except (LookupError, ValueError):
        return str(at.tzinfo)


def plural(key: str, lang: str, count: int, /, **values: object) -> str:
    """The message ``key.<form>`` for ``count``, the form chosen by the language's CLDR plural
    rules through Babel (``one``, ``many``…); ``key`` itself is the ``other`` form."""
    return t(plural_key(key, lang, count), lang, **values)


def plural_key(key: str, lang: str, count: int) -> str:
    """The catalog key of ``key``'s plural form for ``count`` (see ``plural``)."""
    form = locale(lang).plural_form(abs(count))
    texts = catalog(lang if lang in LANGUAGES else "en")
    return f"{key}.{form}" if f"{key}.{form}" in texts else key
