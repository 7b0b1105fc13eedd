"""Signing in: passwords, lockout, and server-side sessions behind an HttpOnly cookie.

- An account of the tracker's own database, checked with argon2. The demo password opens an
  account only in demo mode (``TRACKER_DEMO=1``).
- After ``MAX_FAILURES`` failed tries for an e-mail, that e-mail is locked for ``LOCKOUT``,
  whether or not an account has it, and every refusal reads the same: nothing tells whether
  the e-mail exists. Attempts are counted atomically before any password is checked, and one
  client address has its own limit across e-mails (password spraying).
- A session is a random id in an HttpOnly, SameSite=Lax cookie, stored here only as a hash,
  with an expiry, revoked at sign-out. Streamlit cannot set such a cookie from a script, so
  the script hands the browser a one-time code (``start_session``) that the ``/api/session``
  route trades for the cookie (``redeem_code``).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache

from sqlalchemy import and_, case, delete, literal, update
from sqlalchemy import select as core_select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from tracker.db import table_of
from tracker.errors import TrackerError
from tracker.models import RoleGrant, SignInCode, SignInSession, SignInThrottle, User, utcnow
from tracker.services.accounts import find_user, hash_password, password_matches
from tracker.services.accounts import (  # signing out everywhere is an account rule
    revoke_all_sessions as revoke_all_sessions,
)
from tracker.services.permissions import Actor, actor_of
from tracker.settings import DEMO_PASSWORD, get_settings

MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)
# One client address (an office behind one NAT is one client) may fail this often within
# CLIENT_WINDOW, over any e-mails, before it waits LOCKOUT: enough for a busy office's typos,
# far too few to spray a password over a commission's accounts.
MAX_CLIENT_FAILURES = 30
CLIENT_WINDOW = timedelta(minutes=15)
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
    user = find_user(session, email)
    matches = password_matches(user.password_hash if user else _decoy_hash(), password)
    if user is None or not user.is_active or not matches:
        return None
    if password == DEMO_PASSWORD and not get_settings().demo_mode:
        return None
    return user


def _minutes_left(until: datetime | None, now: datetime) -> int:
    assert until is not None  # a key at or over its limit is locked until a time
    return max(1, -(-int((until - now).total_seconds()) // 60))


def _count_attempt(session: Session, key: str, limit: int, now: datetime,
                   window: timedelta | None) -> tuple[int, datetime | None]:
    """Count one more attempt for ``key`` in one statement (an upsert, so concurrent
    sign-ins neither collide on the primary key nor lose a count); the count and lock after it.

    The attempt that reaches ``limit`` locks the key for ``LOCKOUT``; an expired lock starts
    the count again. With a ``window``, a count also starts again once the window has passed.
    """
    table = table_of(SignInThrottle)
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    expired = and_(table.c.locked_until.is_not(None), table.c.locked_until <= now)
    window_end = now + window if window else None
    upsert = insert(table).values(email=key, failures=1, locked_until=window_end)
    statement = upsert.on_conflict_do_update(
        index_elements=[table.c.email],
        set_={
            "failures": case((expired, 1), else_=table.c.failures + 1),
            "locked_until": case((expired, literal(window_end, table.c.locked_until.type)),
                                 (table.c.failures + 1 == limit,
                                  literal(now + LOCKOUT, table.c.locked_until.type)),
                                 else_=table.c.locked_until),
        },
    ).returning(table.c.failures, table.c.locked_until)
    failures, locked_until = session.execute(statement).one()
    if locked_until is not None and locked_until.tzinfo is None:
        locked_until = locked_until.replace(tzinfo=UTC)
    return failures, locked_until


def _client_key(client: str) -> str:
    return f"client {client}"[:254]  # no e-mail holds a space


def sign_in(session: Session, email: str, password: str, *, now: datetime | None = None,
            client: str | None = None) -> User:
    """The account, or ``SignInRefused``.

    Every attempt is counted, and the count committed, before the password is checked, so
    that concurrent guesses check at most ``MAX_FAILURES`` passwords per e-mail (the fifth
    failure locks it for ``LOCKOUT``) and at most ``MAX_CLIENT_FAILURES`` per client address
    (``client``) whatever e-mails it tries, which stops one password sprayed over every
    account. A success forgets the e-mail's failures and does not count against the client.
    """
    now = now or utcnow()
    key = email.strip().lower()[:254]
    if client:
        tries, until = _count_attempt(session, _client_key(client), MAX_CLIENT_FAILURES, now,
                                      CLIENT_WINDOW)
        if tries > MAX_CLIENT_FAILURES:
            session.commit()
            raise SignInRefused("signin.client_locked", minutes=_minutes_left(until, now))
    tries, until = _count_attempt(session, key, MAX_FAILURES, now, None)
    session.commit()  # counted before any password is checked, and whatever happens next
    if tries > MAX_FAILURES:
        raise SignInRefused("signin.locked", minutes=_minutes_left(until, now))
    user = authenticate(session, key, password)
    if user is not None:
        session.execute(delete(SignInThrottle).where(col(SignInThrottle.email) == key))
        if client:
            table = table_of(SignInThrottle)
            session.execute(update(table).where(table.c.email == _client_key(client),
                                                table.c.failures > 0)
                            .values(failures=table.c.failures - 1))
        session.flush()
        return user
    if tries == MAX_FAILURES:
        raise SignInRefused("signin.locked", minutes=_minutes_left(until, now))
    raise SignInRefused("signin.failed")


def _code_digest(code: str, binding: str) -> str:
    return _digest(f"{code}\n{binding}")


def start_session(session: Session, user: User, *, now: datetime | None = None,
                  binding: str = "") -> tuple[int, str]:
    """A new session for ``user`` and the one-time code the browser trades for its cookie.

    ``binding`` is the anti-forgery cookie of the browser whose page asked for the code: the
    code is good only when that same cookie comes with it, so a code obtained elsewhere (an
    attacker's own) cannot sign another browser in.
    """
    now = now or utcnow()
    signed_in = SignInSession(token_hash=_digest(secrets.token_urlsafe(32)), user_id=user.id,
                              created_at=now, expires_at=now + SESSION_LIFETIME)
    session.add(signed_in)
    session.flush()
    code = secrets.token_urlsafe(32)
    session.add(SignInCode(code_hash=_code_digest(code, binding), session_id=signed_in.id,
                           expires_at=now + CODE_LIFETIME))
    session.flush()
    return signed_in.id, code


def redeem_code(session: Session, code: str, *, now: datetime | None = None,
                binding: str = "") -> str | None:
    """The session's cookie value for a fresh, unused code presented with the anti-forgery
    cookie it was bound to; ``None`` otherwise."""
    now = now or utcnow()
    found = session.exec(select(SignInCode).where(
        SignInCode.code_hash == _code_digest(code, binding))).first()
    if found is None or found.used_at is not None or found.expires_at < now:
        return None
    found.used_at = now
    session.add(found)
    signed_in = _active(session.get(SignInSession, found.session_id), now)
    if signed_in is None:
        return None
    token = secrets.token_urlsafe(32)
    signed_in.token_hash = _digest(token)
    session.add(signed_in)
    session.flush()
    return token


def _live(revoked_at: datetime | None, expires_at: datetime, now: datetime) -> bool:
    """A session counts until it is revoked or expires."""
    return revoked_at is None and expires_at >= now


def _active(signed_in: SignInSession | None, now: datetime) -> SignInSession | None:
    if signed_in is None or not _live(signed_in.revoked_at, signed_in.expires_at, now):
        return None
    return signed_in


def session_from_cookie(session: Session, token: str, *, now: datetime | None = None
                        ) -> SignInSession | None:
    """The active session whose cookie value is ``token``."""
    found = session.exec(select(SignInSession).where(
        SignInSession.token_hash == _digest(token))).first()
    return _active(found, now or utcnow())


def signed_in_cookie(session: Session, token: str, *, now: datetime | None = None
                     ) -> int | None:
    """The id of the session whose cookie value is ``token`` if it is live (not revoked,
    not expired) and its account active, asked at this moment (the download route)."""
    now = now or utcnow()
    found = session_from_cookie(session, token, now=now)
    if found is None or signed_in_account(session, found.id, now=now) is None:
        return None
    return found.id


def active_session(session: Session, session_id: int, *, now: datetime | None = None
                   ) -> SignInSession | None:
    return _active(session.get(SignInSession, session_id), now or utcnow())


@dataclass(frozen=True)
class SignedInAccount:
    """The active account behind an active session, with its roles (``Actor``)."""

    user_id: int
    email: str
    display_name: str
    language: str
    institution_id: int | None
    must_change_password: bool
    actor: Actor


def signed_in_account(session: Session, session_id: int, *, now: datetime | None = None
                      ) -> SignedInAccount | None:
    """The account of session ``session_id`` if the session is active (not revoked, not
    expired) and the account too; ``None`` otherwise. One query: every run of every page
    asks, so that a sign-out elsewhere, an expiry or a deactivation counts at once."""
    now = now or utcnow()
    rows = session.connection().execute(
        core_select(col(SignInSession.revoked_at), col(SignInSession.expires_at), col(User.id),
                    col(User.email), col(User.display_name), col(User.language),
                    col(User.institution_id), col(User.is_admin),
                    col(User.must_change_password), col(User.is_active),
                    col(RoleGrant.plan_id), col(RoleGrant.role))
        .select_from(SignInSession)
        .join(User, col(User.id) == SignInSession.user_id)
        .outerjoin(RoleGrant, col(RoleGrant.user_id) == User.id)
        .where(col(SignInSession.id) == session_id)).all()
    if not rows:
        return None
    (revoked_at, expires_at, user_id, email, name, language, institution_id, is_admin,
     must_change, is_active, _plan, _role) = rows[0]
    if not (_live(revoked_at, expires_at, now) and is_active):
        return None
    grants = [(plan_id, role) for *_user, plan_id, role in rows if plan_id is not None]
    return SignedInAccount(user_id, email, name, language, institution_id, must_change,
                           actor_of(user_id, institution_id, is_admin, grants))


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


def account_for_identity(session: Session, email: str | None) -> User | None:
    """The active account whose e-mail an identity provider vouched for (``st.login``)."""
    if not email:
        return None
    user = find_user(session, email)
    return user if user is not None and user.is_active else None
