"""Writes from a page: one service call in its own transaction; and the token each form
that writes is drawn with, so that a second press of the same form writes nothing
(``form_token``).

What a write changed is said by the services that made it (``tracker.changes``), in its own
transaction: every server process renews the cached reads it touched at its next run
(``ui.data``). This run reads the generations again after the write, so that what it draws
next shows the write.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

import streamlit as st
from sqlalchemy.exc import DataError, IntegrityError, OperationalError
from sqlmodel import Session

from tracker.errors import TrackerError
from ui import data
from ui.state import session

T = TypeVar("T")


@dataclass(frozen=True)
class Outcome(Generic[T]):
    value: T | None = None
    error: TrackerError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def write(operation: Callable[[Session], T]) -> Outcome[T]:
    """Run ``operation`` in one transaction; a refusal comes back as ``Outcome.error``.

    A write that meets a busy database or a simultaneous save is reported as such, never as
    a traceback or "database is locked"; nothing is half-written either way.
    """
    try:
        with session() as db:
            value = operation(db)
    except TrackerError as error:
        return Outcome(error=error)
    except IntegrityError:
        return Outcome(error=TrackerError("error.simultaneous_save"))
    except OperationalError:
        return Outcome(error=TrackerError("error.database_busy"))
    except DataError:  # text PostgreSQL refuses (a NUL byte) that no check caught first
        return Outcome(error=TrackerError("error.invalid_text"))
    finally:
        data.begin_run()  # this write, or the one a refusal met, shows in the rest of the run
    return Outcome(value=value)


def form_token(form: str) -> str:
    """The token of ``form`` (a name unique on the page) as this run draws it: the same on
    every run until a write with it succeeds (``spend``), then a new one.

    Put it in the keys of the form and of its widgets, and pass it to the service with the
    submission (in a callback's ``args``, bound as the form is drawn). Two quick presses are
    two reruns carrying the same drawn form: the first write spends the token, so the next
    run draws the form afresh under a new one and the second press, made on the old form,
    matches no widget and does nothing; should it reach the service first (the first run cut
    short before it spent the token), the service finds the token already used and returns
    the first outcome (``tracker.services.once``)."""
    return st.session_state.setdefault(f"form_token:{form}", secrets.token_urlsafe(16))


def spend(form: str) -> None:
    """The write of ``form``'s token succeeded: the form is drawn afresh, under a new one."""
    st.session_state.pop(f"form_token:{form}", None)
