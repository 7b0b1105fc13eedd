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
    )


def _smtp() -> SmtpSettings | None:
    host = _setting("TRACKER_SMTP_HOST")
    if not host:
        return None
    return SmtpSettings(
        host=host, port=int(_setting("TRACKER_SMTP_PORT", "587") or 587),
        user=_setting("TRACKER_SMTP_USER"), password=_setting("TRACKER_SMTP_PASSWORD"),
        sender=_setting("TRACKER_SMTP_FROM", "tracker@localhost") or "tracker@localhost",
        starttls=_setting("TRACKER_SMTP_STARTTLS", "1") not in {"0", "false", "no"})
