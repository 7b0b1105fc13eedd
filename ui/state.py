"""The engine, the signed-in user and the language of this browser session.

Who is signed in: ``st.session_state`` holds the id of a server-side session (never the
user's id alone), checked on every run so that a sign-out elsewhere, an expiry or a
deactivation takes effect at once. A refresh or a new tab finds the session through its
HttpOnly cookie (``st.context.cookies``), set by ``server.py``'s ``/api/session`` route.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import streamlit as st
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from tracker import migrate, web
from tracker.db import make_engine, read_scope, session_scope
from tracker.i18n import choose_language
from tracker.models import Plan
from tracker.services import auth
from tracker.services.permissions import Actor
from tracker.settings import LANGUAGES, get_settings

SESSION_KEY = "signin_session_id"
PENDING_CODE_KEY = "signin_pending_code"
PENDING_SIGN_OUT_KEY = "signin_pending_sign_out"


@st.cache_resource(show_spinner=False)
def _engine(url: str, demo_mode: bool) -> Engine:
    """One engine per process and database; migrated, and in demo mode filled on first use."""
    engine = make_engine(url)
    migrate.upgrade(engine)
    if demo_mode:
        with session_scope(engine) as session:
            if session.exec(select(Plan)).first() is None:
                from tracker.demo import load_demo

                load_demo(session)
    return engine


def engine() -> Engine:
    settings = get_settings()
    return _engine(settings.database_url, settings.demo_mode)


@contextmanager
def session() -> Iterator[Session]:
    with session_scope(engine()) as db:
        yield db


@contextmanager
def reading() -> Iterator[Session]:
    """A session for the pages' cached reads (``ui.data``): never commits, and on SQLite
    waits for no writer (``tracker.db.read_scope``)."""
    with read_scope(engine()) as db:
        yield db


@dataclass(frozen=True)
class SignedIn:
    """What the pages need to know about the signed-in user."""

    id: int
    email: str
    name: str
    language: str
    institution_id: int | None
    actor: Actor
    must_change_password: bool = False


def _session_from_cookie(db: Session) -> int | None:
    token = st.context.cookies.get(auth.COOKIE_NAME)
    if not isinstance(token, str) or not token:  # AppTest has no real cookies
        return None
    found = auth.session_from_cookie(db, token)
    return found.id if found else None


OIDC_REFUSED_KEY = "signin_oidc_refused"
OIDC_SIGN_OUT_KEY = "signin_oidc_sign_out"


def oidc_enabled() -> bool:
    """An identity provider is configured (``[auth]`` in ``.streamlit/secrets.toml``)."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all  # noqa: BLE001
        return False


def _session_from_identity(db: Session) -> int | None:
    """A provider's signed-in user, mapped to an account by e-mail (``st.login``)."""
    if not oidc_enabled() or st.session_state.get(OIDC_SIGN_OUT_KEY):
        return None
    identity = st.user
    if not identity.get("is_logged_in"):
        return None
    email = identity.get("email")  # a claim: text, unless the provider sent no e-mail
    user = auth.account_for_identity(db, email if isinstance(email, str) else None)
    if user is None:
        st.session_state[OIDC_REFUSED_KEY] = email or "—"
        return None
    # the browser gets the session's cookie too (deliver_cookie), as with a password: the
    # routes that check the cookie (downloads) know this sign-in
    session_id, code = auth.start_session(db, user, binding=_csrf_cookie())
    st.session_state[PENDING_CODE_KEY] = code
    return session_id


THIS_RUN_KEY = "signin_user_this_run"


def current_user() -> SignedIn | None:
    """The signed-in user of this browser session, or ``None``; checked anew on every run
    (``dashboard.py`` calls it first), and remembered for the rest of the run."""
    user = _checked_user()
    st.session_state[THIS_RUN_KEY] = user
    return user


def _checked_user() -> SignedIn | None:
    """A read (which on SQLite waits for no save) unless a provider's identity must first be
    given a session: every run of every page checks the session, so a write lock here made
    a room full of sessions queue behind each save."""
    with reading() as db:
        session_id = st.session_state.get(SESSION_KEY) or _session_from_cookie(db)
        if session_id:
            return _signed_in(db, session_id)
    if oidc_enabled():
        with session() as db:
            session_id = _session_from_identity(db)
            if session_id:
                return _signed_in(db, session_id)
    _signed_out()
    return None


def _signed_in(db: Session, session_id: int) -> SignedIn | None:
    account = auth.signed_in_account(db, session_id)
    if account is None:
        _signed_out()
        return None
    st.session_state[SESSION_KEY] = session_id
    return SignedIn(account.user_id, account.email, account.display_name, account.language,
                    account.institution_id, account.actor, account.must_change_password)


def _signed_out() -> None:
    st.session_state.pop(SESSION_KEY, None)


def require_user() -> SignedIn:
    """The signed-in user; a page reached without one shows nothing more (defence in depth:
    the navigation already leaves such pages out)."""
    # dashboard.py checked the session at the top of this very run: no second round trip
    user = (st.session_state[THIS_RUN_KEY] if THIS_RUN_KEY in st.session_state
            else current_user())
    if user is None:
        st.stop()
    return user


def client_address() -> str:
    """The browser's address, for the per-client limit on sign-in failures. ``server.py``
    puts the real client there when a trusted proxy forwarded the request; a local browser
    (no address) counts as the loopback."""
    try:
        return st.context.ip_address or "127.0.0.1"
    except Exception:  # no browser connection at all (AppTest)  # noqa: BLE001
        return "127.0.0.1"


def sign_in(email: str, password: str) -> None:
    """Sign in or raise ``auth.SignInRefused``; the cookie follows on the next run."""
    refusal: auth.SignInRefused | None
    with session() as db:
        try:
            user = auth.sign_in(db, email, password, client=client_address())
        except auth.SignInRefused as refused:
            refusal = refused  # raised after the commit, so the failure is counted
        else:
            refusal = None
            session_id, code = auth.start_session(db, user, binding=_csrf_cookie())
    if refusal is not None:
        raise refusal
    st.session_state[SESSION_KEY] = session_id
    st.session_state[PENDING_CODE_KEY] = code
    st.session_state.pop(PENDING_SIGN_OUT_KEY, None)


def sign_out() -> None:
    """Revoke the session here and now; the browser's cookie is cleared on the next run."""
    session_id = st.session_state.pop(SESSION_KEY, None)
    if session_id:
        with session() as db:
            auth.revoke_session(db, session_id)
    st.session_state[PENDING_SIGN_OUT_KEY] = True
    st.session_state.pop(PENDING_CODE_KEY, None)
    if oidc_enabled() and st.user.get("is_logged_in"):
        st.session_state[OIDC_SIGN_OUT_KEY] = True


def _csrf_cookie() -> str:
    """This page's anti-forgery cookie (set by ``server.py`` with the page); "" if none."""
    token = st.context.cookies.get(web.CSRF_COOKIE)
    return token if isinstance(token, str) else ""


def _post(route: str, fields: dict[str, str]) -> None:
    body = json.dumps({**fields, "csrf": _csrf_cookie()}).replace("<", "\\u003c")
    st.html(f"<script>fetch('{route}', {{method: 'POST', credentials: 'same-origin',"
            f" body: new URLSearchParams({body})}});</script>",
            unsafe_allow_javascript=True, width="content")


def deliver_cookie() -> None:
    """Have the browser fetch or drop its session cookie (same-origin POST, no URL token,
    with the page's anti-forgery token that the routes check)."""
    code = st.session_state.pop(PENDING_CODE_KEY, None)
    if code:
        _post("/api/session", {"code": code})
    elif st.session_state.pop(PENDING_SIGN_OUT_KEY, None):
        _post("/api/sign-out", {})
        if st.session_state.pop(OIDC_SIGN_OUT_KEY, None):
            st.logout()  # the provider's identity cookie goes too


LANGUAGE_KEY = "language_choice"


def language(user: SignedIn | None = None) -> str:
    """The ``lang`` query parameter (remembered for the session, since moving to another
    page drops it), then the user's preference, then the default."""
    asked = st.query_params.get("lang")
    if asked in LANGUAGES:
        st.session_state[LANGUAGE_KEY] = asked
    chosen = asked if asked in LANGUAGES else st.session_state.get(LANGUAGE_KEY)
    return choose_language(chosen, user.language if user else None)


def message(error: Exception, lang: str) -> str:
    """A service's refusal in the page's language."""
    from ui.text import md_t  # the values may be user texts, shown in Markdown alerts

    key = getattr(error, "key", "error.unexpected")
    return md_t(key, lang, **getattr(error, "values", {}))
