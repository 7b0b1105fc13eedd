"""Signing in with an account of the tracker's own database.

The demo password opens an account only in demo mode (``TRACKER_DEMO=1``).
"""

from __future__ import annotations

from sqlmodel import Session

from tracker.models import User
from tracker.services.accounts import find_user, password_matches
from tracker.settings import get_settings


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The active account with this e-mail and password, else ``None`` (never says which)."""
    from tracker.demo import DEMO_PASSWORD

    user = find_user(session, email)
    if user is None or not user.is_active:
        return None
    if password == DEMO_PASSWORD and not get_settings().demo_mode:
        return None
    return user if password_matches(user.password_hash, password) else None
