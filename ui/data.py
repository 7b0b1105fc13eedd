"""Cached reads. Keys include everything a result depends on (the database too, so that
tests on different databases in one process never share a result); ``clear()`` after writes.
"""

from __future__ import annotations

import streamlit as st
from sqlmodel import Session

from tracker.models import User
from tracker.quarters import Quarter
from tracker.services import figures
from tracker.services.permissions import Actor, actor_for
from tracker.settings import get_settings
from ui.state import session


def _actor(db: Session, user_id: int) -> Actor:
    return actor_for(db, db.get_one(User, user_id))


@st.cache_data(ttl=600, show_spinner=False)
def _plan_choices(_database: str, user_id: int) -> list[figures.PlanChoice]:
    with session() as db:
        return figures.plan_choices(db, _actor(db, user_id))


@st.cache_data(ttl=600, show_spinner=False)
def _overview(_database: str, user_id: int, plan_id: int, quarter: str) -> figures.Overview:
    with session() as db:
        return figures.overview(db, _actor(db, user_id), plan_id, Quarter.parse(quarter))


def plan_choices(user_id: int) -> list[figures.PlanChoice]:
    return _plan_choices(get_settings().database_url, user_id)


def overview(user_id: int, plan_id: int, quarter: str) -> figures.Overview:
    return _overview(get_settings().database_url, user_id, plan_id, quarter)


def clear() -> None:
    """Forget every cached read (after any write)."""
    _plan_choices.clear()
    _overview.clear()
