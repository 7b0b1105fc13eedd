"""The engine, the signed-in user and the language of this browser session."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import streamlit as st
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from tracker import migrate
from tracker.db import make_engine, session_scope
from tracker.i18n import choose_language
from tracker.models import Plan, User
from tracker.services.auth import authenticate
from tracker.services.permissions import Actor, actor_for
from tracker.settings import get_settings

USER_KEY = "user_id"


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


@dataclass(frozen=True)
class SignedIn:
    """What the pages need to know about the signed-in user."""

    id: int
    email: str
    name: str
    language: str
    actor: Actor


def current_user() -> SignedIn | None:
    """The signed-in user of this session, re-read so a deactivated account drops out."""
    user_id = st.session_state.get(USER_KEY)
    if user_id is None:
        return None
    with session() as db:
        user = db.get(User, user_id)
        if user is None or not user.is_active:
            st.session_state.pop(USER_KEY, None)
            return None
        return SignedIn(user.id, user.email, user.display_name, user.language,
                        actor_for(db, user))


def require_user() -> SignedIn:
    """The signed-in user; a page reached without one shows nothing more (defence in depth:
    the navigation already leaves such pages out)."""
    user = current_user()
    if user is None:
        st.stop()
    return user


def sign_in(email: str, password: str) -> bool:
    with session() as db:
        user = authenticate(db, email, password)
        if user is None:
            return False
        st.session_state[USER_KEY] = user.id
        return True


def sign_out() -> None:
    st.session_state.pop(USER_KEY, None)


def language(user: SignedIn | None = None) -> str:
    """The ``lang`` query parameter, then the user's preference, then the default."""
    return choose_language(st.query_params.get("lang"), user.language if user else None)
