"""Signing in: passwords, lockout, and server-side sessions behind an HttpOnly cookie.

- An account of the tracker's own database, checked with argon2. The demo password opens an
  account only in demo mode (``TRACKER_DEMO=1``).
- After ``MAX_FAILURES`` failed tries for an e-mail, that e-mail is locked for ``LOCKOUT``,
  whether or not an account has it, and every refusal reads the same: nothing tells whether
  the e-mail exists.
- A session is a random id in an HttpOnly, SameSite=Lax cookie, stored here only as a hash,
  with an expiry, revoked at sign-out. Streamlit cannot set such a cookie from a script, so
  the script hands the browser a one-time code (``start_session``) that the ``/api/session``
  route trades for the cookie (``redeem_code``).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from functools import cache

from sqlmodel import Session, select

from tracker.errors import TrackerError
from tracker.models import SignInCode, SignInSession, SignInThrottle, User, utcnow
from tracker.services.accounts import find_user, hash_password, password_matches
from tracker.settings import get_settings

MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)
SESSION_LIFETIME = timedelta(hours=12)
CODE_LIFETIME = timedelta(seconds=60)
COOKIE_NAME = "tracker_session"


class SignInRefused(TrackerError):
    """Wrong e-mail or password, or too many tries: the same words whether the account exists."""


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@cache
def _decoy_hash() -> str:
    """Checked when no account has the e-mail, so a refusal takes as long either way."""
    return hash_password(secrets.token_hex(16))


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The active account with this e-mail and password, else ``None`` (never says which)."""
    from tracker.demo import DEMO_PASSWORD

    user = find_user(session, email)
    matches = password_matches(user.password_hash if user else _decoy_hash(), password)
    if user is None or not user.is_active or not matches:
        return None
    if password == DEMO_PASSWORD and not get_settings().demo_mode:
        return None
    return user


def _minutes_left(until: datetime, now: datetime) -> int:
    return max(1, -(-int((until - now).total_seconds()) // 60))


def sign_in(session: Session, email: str, password: str, *, now: datetime | None = None) -> User:
    """The account, or ``SignInRefused`` (counting the failure, locking after five)."""
    now = now or utcnow()
    key = email.strip().lower()[:254]
    stored = session.get(SignInThrottle, key)
    if stored and stored.locked_until and stored.locked_until > now:
        raise SignInRefused("signin.locked", minutes=_minutes_left(stored.locked_until, now))
    user = authenticate(session, key, password)
    if user is not None:
        if stored is not None:
            session.delete(stored)  # a success forgets earlier failures
            session.flush()
        return user
    throttle = stored or SignInThrottle(email=key)
    throttle.failures += 1
    if throttle.failures >= MAX_FAILURES:
        throttle.failures, throttle.locked_until = 0, now + LOCKOUT
        session.add(throttle)
        session.flush()
        raise SignInRefused("signin.locked", minutes=_minutes_left(throttle.locked_until, now))
    session.add(throttle)
    session.flush()
    raise SignInRefused("signin.failed")


def start_session(session: Session, user: User, *, now: datetime | None = None
                  ) -> tuple[int, str]:
    """A new session for ``user`` and the one-time code the browser trades for its cookie."""
    now = now or utcnow()
    signed_in = SignInSession(token_hash=_digest(secrets.token_urlsafe(32)), user_id=user.id,
                              created_at=now, expires_at=now + SESSION_LIFETIME)
    session.add(signed_in)
    session.flush()
    code = secrets.token_urlsafe(32)
    session.add(SignInCode(code_hash=_digest(code), session_id=signed_in.id,
                           expires_at=now + CODE_LIFETIME))
    session.flush()
    return signed_in.id, code


def redeem_code(session: Session, code: str, *, now: datetime | None = None) -> str | None:
    """The session's cookie value for a fresh, unused code; ``None`` otherwise."""
    now = now or utcnow()
    found = session.exec(select(SignInCode).where(SignInCode.code_hash == _digest(code))).first()
    if found is None or found.used_at is not None or found.expires_at < now:
        return None
    found.used_at = now
    session.add(found)
    signed_in = session.get(SignInSession, found.session_id)
    if signed_in is None or signed_in.revoked_at is not None or signed_in.expires_at < now:
        return None
    token = secrets.token_urlsafe(32)
    signed_in.token_hash = _digest(token)
    session.add(signed_in)
    session.flush()
    return token


def _active(signed_in: SignInSession | None, now: datetime) -> SignInSession | None:
    if signed_in is None or signed_in.revoked_at is not None or signed_in.expires_at < now:
        return None
    return signed_in


def session_from_cookie(session: Session, token: str, *, now: datetime | None = None
                        ) -> SignInSession | None:
    """The active session whose cookie value is ``token``."""
    found = session.exec(select(SignInSession).where(
        SignInSession.token_hash == _digest(token))).first()
    return _active(found, now or utcnow())


def active_session(session: Session, session_id: int, *, now: datetime | None = None
                   ) -> SignInSession | None:
    return _active(session.get(SignInSession, session_id), now or utcnow())


def revoke_session(session: Session, session_id: int) -> None:
    signed_in = session.get(SignInSession, session_id)
    if signed_in is not None and signed_in.revoked_at is None:
        signed_in.revoked_at = utcnow()
        session.add(signed_in)
        session.flush()


def revoke_cookie(session: Session, token: str) -> None:
    found = session_from_cookie(session, token)
    if found is not None:
        revoke_session(session, found.id)


def revoke_all_sessions(session: Session, user_id: int) -> None:
    """Sign a user out everywhere (deactivation, password reset)."""
    now = utcnow()
    for signed_in in session.exec(select(SignInSession).where(
            SignInSession.user_id == user_id, SignInSession.revoked_at == None)):  # noqa: E711
        signed_in.revoked_at = now
        session.add(signed_in)
    session.flush()


def account_for_identity(session: Session, email: str | None) -> User | None:
    """The active account whose e-mail an identity provider vouched for (``st.login``)."""
    if not email:
        return None
    user = find_user(session, email)
    return user if user is not None and user.is_active else None
