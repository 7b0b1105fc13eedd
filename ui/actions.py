"""Writes from a page: one service call in its own transaction, caches cleared after it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

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
    data.clear()
    return Outcome(value=value)


def read(operation: Callable[[Session], T]) -> Outcome[T]:
    """A long read a user asked for (a PDF, say): a refusal comes back as ``Outcome.error``."""
    try:
        with session() as db:
            return Outcome(value=operation(db))
    except TrackerError as error:
        return Outcome(error=error)
