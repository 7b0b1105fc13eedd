"""Settings: environment variables first, then ``.streamlit/secrets.toml``, then defaults.

Built by ``get_settings()`` each time it is asked, so tests choose their own database.
"""

from __future__ import annotations

import functools
import os
import tomllib
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

PROJECT_DIR = Path(__file__).resolve().parent.parent
DEFAULT_SQLITE_PATH = PROJECT_DIR / "data" / "tracker.db"
LANGUAGES = ("es", "en")
DEFAULT_TIME_ZONE = "America/Guayaquil"  # the first commission's (Ecuador, UTC−5)
# The demo accounts' password, published on purpose (README) and accepted only in demo mode
# (TRACKER_DEMO=1). It lives with the settings so that signing in does not import the demo.
DEMO_PASSWORD = "demo-commission-2026"


def _secrets() -> dict[str, object]:
    path = PROJECT_DIR / ".streamlit" / "secrets.toml"
    if not path.is_file():
        return {}
    with path.open("rb") as handle:
        return tomllib.load(handle)


Source = dict[str, object]


def _source() -> Source:
    """Where settings are read from: the environment over the secrets file (read once per
    ``get_settings``; the pages ask for the settings on every cached read)."""
    return {**_secrets(), **os.environ}


def _setting(source: Source, name: str, default: str | None = None) -> str | None:
    value = source.get(name)
    return str(value) if value is not None else default


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    user: str | None
    password: str | None
    sender: str
    starttls: bool


@dataclass(frozen=True)
class Settings:
    database_url: str
    default_language: str
    demo_mode: bool
    today_override: date | None
    smtp: SmtpSettings | None = None
    trusted_proxies: str = ""
    public_url: str | None = None
    # PostgreSQL connections one server process may hold at once. Each Streamlit session runs
    # its script in a thread that holds a connection while it reads, so a meeting room of 30
    # sessions needs more than SQLAlchemy's default 5 + 10 (bench/room.py timed out at 15).
    # Two processes at the default stay under PostgreSQL's default max_connections of 100.
    db_connections: int = 40
    # argon2id's cost for new password hashes (a check reads the cost from the hash itself).
    # The defaults are RFC 9106's low-memory choice, argon2-cffi's own; the tests lower them.
    argon2_time_cost: int = 3
    argon2_memory_kib: int = 65536
    # An uploaded workbook is read in a child process held to this much address space and
    # time (tracker/io/isolated.py): a national plan's workbook is read in about 400 MB.
    import_memory_mb: int = 1024
    import_seconds: int = 120
    # A new plan's time zone (IANA name); each plan keeps its own, editable in plan management.
    time_zone: str = DEFAULT_TIME_ZONE

    def today(self, zone: str | None = None) -> date:
        """Today's date in ``zone`` (a plan's time zone; the new plans' zone when not given):
        a deadline passes when the commission's day ends, not the server's."""
        if self.today_override:
            return self.today_override
        return datetime.now(ZoneInfo(zone or self.time_zone)).date()


def get_settings() -> Settings:
    source = _source()
    setting = functools.partial(_setting, source)
    lang = (setting("TRACKER_DEFAULT_LANG", "en") or "en").lower()
    today = setting("TRACKER_TODAY")
    return Settings(
        database_url=setting("TRACKER_DATABASE_URL") or f"sqlite:///{DEFAULT_SQLITE_PATH}",
        default_language=lang if lang in LANGUAGES else "en",
        demo_mode=setting("TRACKER_DEMO", "0") in {"1", "true", "yes"},
        today_override=date.fromisoformat(today) if today else None,
        smtp=_smtp(source),
        trusted_proxies=setting("TRACKER_TRUSTED_PROXIES", "") or "",
        public_url=setting("TRACKER_PUBLIC_URL") or None,
        db_connections=_positive_setting(source, "TRACKER_DB_CONNECTIONS", 40),
        argon2_time_cost=_positive_setting(source, "TRACKER_ARGON2_TIME_COST", 3),
        argon2_memory_kib=_positive_setting(source, "TRACKER_ARGON2_MEMORY_KIB", 65536),
        import_memory_mb=_positive_setting(source, "TRACKER_IMPORT_MEMORY_MB", 1024),
        import_seconds=_positive_setting(source, "TRACKER_IMPORT_SECONDS", 120),
        time_zone=_time_zone_setting(source),
    )


@functools.cache
def time_zones() -> tuple[str, ...]:
    """The IANA zones a plan may choose ("America/Guayaquil"; not the legacy "EST5EDT")."""
    from zoneinfo import available_timezones

    return tuple(sorted(zone for zone in available_timezones()
                        if "/" in zone and not zone.startswith(("Etc/", "SystemV/")))) + ("UTC",)


def is_time_zone(name: str) -> bool:
    """Whether ``name`` is an IANA time zone this machine knows ("America/Guayaquil")."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return "/" in name or name == "UTC"


def _time_zone_setting(source: Source) -> str:
    value = (_setting(source, "TRACKER_TIME_ZONE", DEFAULT_TIME_ZONE) or DEFAULT_TIME_ZONE).strip()
    if not is_time_zone(value):
        raise ValueError(f"TRACKER_TIME_ZONE must be an IANA time zone such as "
                         f"{DEFAULT_TIME_ZONE!r}, not {value!r}")
    return value


def _positive_setting(source: Source, name: str, default: int) -> int:
    value = _setting(source, name, str(default))
    try:
        number = int(value or "")
    except ValueError:
        number = 0
    if number < 1:
        raise ValueError(f"{name} must be a whole number of at least 1, not {value!r}")
    return number


def _smtp(source: Source) -> SmtpSettings | None:
    setting = functools.partial(_setting, source)
    host = setting("TRACKER_SMTP_HOST")
    if not host:
        return None
    return SmtpSettings(
        host=host, port=int(setting("TRACKER_SMTP_PORT", "587") or 587),
        user=setting("TRACKER_SMTP_USER"), password=setting("TRACKER_SMTP_PASSWORD"),
        sender=setting("TRACKER_SMTP_FROM", "tracker@localhost") or "tracker@localhost",
        starttls=setting("TRACKER_SMTP_STARTTLS", "1") not in {"0", "false", "no"})
