"""Writes from a page: one service call in its own transaction, then the cached reads it may
have changed forgotten (``ui.data.forget``); and the token each form that writes is drawn
with, so that a second press of the same form writes nothing (``form_token``).

What a write changed is read from its own session, not trusted to the caller: the rows the
ORM flushed and every statement sent on its connection. Only a write made of reports, their
revisions and audit entries of known plans is placed on those plans (and on their figures
only when a counting revision moved); anything else, a statement outside the ORM's flush on
those tables or a bulk insert, forgets every cached read, as every write did before.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

import streamlit as st
from sqlalchemy import event, inspect
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DataError, IntegrityError, OperationalError
from sqlmodel import Session

from tracker.db import BULK_WRITES
from tracker.errors import TrackerError
from tracker.models import COUNTING_STATES, ActionItem, AuditEntry, Report, ReportRevision
from tracker.services import once
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


_PLACED = {Report: "report", ReportRevision: "report_revision", AuditEntry: "audit_entry"}
_READS = {"SELECT", "BEGIN", "PRAGMA", "SAVEPOINT", "RELEASE", "ROLLBACK", "COMMIT", "SET",
          "SHOW"}
_WRITING = re.compile(r"\b(INSERT|UPDATE|DELETE|MERGE|COPY)\b", re.IGNORECASE)


@dataclass
class Watch:
    """What one write's session changed: ``everything`` unless it can be placed on plans."""

    everything: bool = False
    plans: set[int] = field(default_factory=set)
    counting: bool = False  # a counting revision moved: the plans' figures changed
    written: set[str] = field(default_factory=set)  # tables a statement wrote to
    flushed: set[str] = field(default_factory=set)  # tables of the rows the ORM flushed
    connections: list[Connection] = field(default_factory=list)

    def attach(self, db: Session) -> None:
        event.listen(db, "before_flush", self._flush)
        event.listen(db, "after_begin", self._begin)
        event.listen(db, "before_commit", self._commit)

    def _begin(self, _db: Session, _transaction: object, connection: Connection) -> None:
        connection.info.pop(BULK_WRITES, None)  # what this transaction bulk-writes, only
        self.connections.append(connection)
        event.listen(connection, "before_cursor_execute", self._statement)

    def _commit(self, _db: Session) -> None:
        """``tracker.db.bulk_insert`` wrote (COPY: no statement event saw it): asked before
        each commit, while the connections are still this write's."""
        if any(not c.closed and c.info.get(BULK_WRITES) for c in self.connections):
            self.everything = True

    def _statement(self, _connection: Connection, _cursor: object, statement: str,
                   _parameters: object, context: object, _many: bool) -> None:
        first = statement.lstrip().split(None, 1)[0].upper() if statement.strip() else ""
        if first in _READS or (first == "WITH" and not _WRITING.search(statement)):
            return
        table = getattr(getattr(getattr(context, "compiled", None), "statement", None),
                        "table", None)
        name = getattr(table, "name", None)
        if name == once.TABLE:  # a form's token: no cached read shows it
            return
        if name in _PLACED.values():
            self.written.add(name)
        else:
            self.everything = True

    def _flush(self, db: Session, _context: object, _instances: object) -> None:
        if db.deleted:
            self.everything = True
        with db.no_autoflush:
            for row in (*db.new, *db.dirty):
                if row in db.dirty and not db.is_modified(row):
                    continue
                self._place(db, row, new=row in db.new)

    def _place(self, db: Session, row: object, *, new: bool) -> None:
        table = _PLACED.get(type(row))
        if table is None:
            self.everything = True
            return
        self.flushed.add(table)
        if isinstance(row, AuditEntry):
            self._on(row.plan_id)
            return
        if isinstance(row, ReportRevision):
            # a new draft moves nothing; a new counting revision, or any change of a stored
            # revision (approved, returned), may move the figures
            self.counting |= not new or row.state in COUNTING_STATES
            report = db.get(Report, row.report_id) if row.report_id is not None else None
        else:
            assert isinstance(row, Report)
            report = row
            self.counting |= (row.counting_revision_id is not None if new else
                              inspect(row).attrs.counting_revision_id.history.has_changes())
        item = db.get(ActionItem, report.item_id) if report is not None else None
        self._on(item.plan_id if item is not None else None)

    def _on(self, plan_id: int | None) -> None:
        if plan_id is None:
            self.everything = True
        else:
            self.plans.add(plan_id)

    def forget(self) -> None:
        """Forget in ``ui.data`` what the write may have changed (after it committed)."""
        if self.everything or self.written - self.flushed:  # rows written around the ORM
            data.clear()
        elif self.written:
            data.forget(self.plans, figures=self.counting)


def write(operation: Callable[[Session], T]) -> Outcome[T]:
    """Run ``operation`` in one transaction; a refusal comes back as ``Outcome.error``.

    A write that meets a busy database or a simultaneous save is reported as such, never as
    a traceback or "database is locked"; nothing is half-written either way.
    """
    watch = Watch()
    try:
        with session() as db:
            watch.attach(db)
            value = operation(db)
    except TrackerError as error:
        return Outcome(error=error)
    except IntegrityError:
        return Outcome(error=TrackerError("error.simultaneous_save"))
    except OperationalError:
        return Outcome(error=TrackerError("error.database_busy"))
    except DataError:  # text PostgreSQL refuses (a NUL byte) that no check caught first
        return Outcome(error=TrackerError("error.invalid_text"))
    watch.forget()
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
