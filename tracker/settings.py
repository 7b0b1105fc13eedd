"""Settings: environment variables first, then ``.streamlit/secrets.toml``, then defaults.

Built by ``get_settings()`` each time it is asked, so tests choose their own database.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
DEFAULT_SQLITE_PATH = PROJECT_DIR / "data" / "tracker.db"
LANGUAGES = ("es", "en")
# The demo accounts' password, published on purpose (README) and accepted only in demo mode
# (TRACKER_DEMO=1). It lives with the settings so that signing in does not import the demo.
DEMO_PASSWORD = "demo-commission-2026"


def _secrets() -> dict[str, object]:
    path = PROJECT_DIR / ".streamlit" / "secrets.toml"
    if not path.is_file():
        return {}
    with path.open("rb") as handle:
        return tomllib.load(handle)


def _setting(name: str, default: str | None = None) -> str | None:
    if name in os.environ:
        return os.environ[name]
    value = _secrets().get(name)
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

    def today(self) -> date:
        return self.today_override or date.today()


def get_settings() -> Settings:
    lang = (_setting("TRACKER_DEFAULT_LANG", "en") or "en").lower()
    today = _setting("TRACKER_TODAY")
    return Settings(
        database_url=_setting("TRACKER_DATABASE_URL") or f"sqlite:///{DEFAULT_SQLITE_PATH}",
        default_language=lang if lang in LANGUAGES else "en",
        demo_mode=_setting("TRACKER_DEMO", "0") in {"1", "true", "yes"},
        today_override=date.fromisoformat(today) if today else None,
        smtp=_smtp(),
        trusted_proxies=_setting("TRACKER_TRUSTED_PROXIES", "") or "",
        public_url=_setting("TRACKER_PUBLIC_URL") or None,
        db_connections=_positive_setting("TRACKER_DB_CONNECTIONS", 40),
        argon2_time_cost=_positive_setting("TRACKER_ARGON2_TIME_COST", 3),
        argon2_memory_kib=_positive_setting("TRACKER_ARGON2_MEMORY_KIB", 65536),
    )


def _positive_setting(name: str, default: int) -> int:
    value = _setting(name, str(default))
    try:
        number = int(value or "")
    except ValueError:
        number = 0
    if number < 1:
        raise ValueError(f"{name} must be a whole number of at least 1, not {value!r}")
    return number


def _smtp() -> SmtpSettings | None:
    host = _setting("TRACKER_SMTP_HOST")
    if not host:
        return None
    return SmtpSettings(
        host=host, port=int(_setting("TRACKER_SMTP_PORT", "587") or 587),
        user=_setting("TRACKER_SMTP_USER"), password=_setting("TRACKER_SMTP_PASSWORD"),
        sender=_setting("TRACKER_SMTP_FROM", "tracker@localhost") or "tracker@localhost",
        starttls=_setting("TRACKER_SMTP_STARTTLS", "1") not in {"0", "false", "no"})
