"""Change generations: how every server process learns, at its next run, that another one
wrote (docs/architecture.md, "Caches and many servers").

Each part of the store has a counter in the ``change_generation`` table: the accounts and
structure (plans, roles, institutions: every read depends on them), and per plan its
``plan`` part (anything of the plan: reports, meetings, requests, activity) and its
``figures`` part (what its figures are computed from: counting revisions, items, lines,
quarters). A service that writes says which plans it changed (``touched``; ``audit.record``
says it for every audited write, with the plan it names); the counters move in the same
transaction, at its commit, so that a reader never sees the new counter without the new rows.
A cached read is keyed on the counters it depends on (``ui.data``): it is served only while
they are current, whichever process wrote.

Counters are moved at commit time, in a fixed order: two writers of one plan wait for each
other only for the moment between their last statement and their commit. A new counter starts
at the current time in microseconds, not at 0, so that a database emptied or created anew at
the same address never repeats a generation a process may still hold values for.

A write that declared nothing but flushed rows that some read shows is caught at its commit:
it moves the structure's counter, which every cached read depends on, and is logged — so a
forgotten declaration costs speed, never correctness (``tests/services/test_changes.py``
checks that every service's write declares exactly what it changed).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum

from sqlalchemy import BigInteger, Column, Table, event, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlmodel import Field, Session, SQLModel

from tracker.db import table_of

log = logging.getLogger(__name__)

TABLE = "change_generation"
STRUCTURE_ID = 0  # the ``plan_id`` of the accounts-and-structure counter


class Part(StrEnum):
    STRUCTURE = "structure"
    PLAN = "plan"
    FIGURES = "figures"


Key = tuple[int, Part]
STRUCTURE: Key = (STRUCTURE_ID, Part.STRUCTURE)

# tables no cached read shows: writing them moves no counter (a sign-in, a form's token)
UNSHOWN = frozenset({"signin_session", "signin_code", "signin_throttle", "form_token", TABLE})


class ChangeGeneration(SQLModel, table=True):
    """How often a part of the store has changed. ``plan_id`` 0 is the accounts-and-structure
    counter: no foreign key, since 0 names no plan."""

    __tablename__ = TABLE

    plan_id: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    part: str = Field(primary_key=True, max_length=10)
    generation: int = Field(sa_column=Column(BigInteger, nullable=False))


def data_tables() -> list[Table]:
    """The tables of the tracker's data, parents first: every table but the counters, which a
    restore, a demo reset or a row count leaves alone (they move on, never back)."""
    return [table for table in SQLModel.metadata.sorted_tables if table.name != TABLE]


_PENDING = "tracker.changes.pending"  # Session.info: the keys this transaction moves
_FLUSHED = "tracker.changes.flushed"  # Session.info: the tables its flushes wrote


def touched(session: Session, plan_id: int | None, *, figures: bool = True) -> None:
    """``session``'s write changed plan ``plan_id`` (its figures too unless ``figures`` is
    false: a draft, a reminder), or the accounts and structure when ``plan_id`` is None.
    The counters move when the transaction commits."""
    pending: set[Key] = session.info.setdefault(_PENDING, set())
    if plan_id is None:
        pending.add(STRUCTURE)
        return
    pending.add((plan_id, Part.PLAN))
    if figures:
        pending.add((plan_id, Part.FIGURES))


def structure_touched(session: Session) -> None:
    """Accounts, roles, plans or institutions changed: every cached read depends on them."""
    touched(session, None)


@contextmanager
def taken_back(session: Session) -> Iterator[None]:
    """A savepoint always rolled back (a check that writes to count, then undoes it), with
    the changes it declared."""
    kept = {key: set(session.info.get(key, ())) for key in (_PENDING, _FLUSHED)}
    savepoint = session.begin_nested()
    try:
        yield
    finally:
        savepoint.rollback()
        session.info.update(kept)


def _start() -> int:
    return time.time_ns() // 1000


def move(connection: Connection, keys: Iterable[Key]) -> None:
    """Move each counter by one (creating it where missing), in a fixed order."""
    rows = [{"plan_id": plan_id, "part": str(part), "generation": _start()}
            for plan_id, part in sorted(set(keys))]
    if not rows:
        return
    table = table_of(ChangeGeneration)
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(table)
    statement = statement.on_conflict_do_update(
        index_elements=[table.c.plan_id, table.c.part],
        set_={"generation": table.c.generation + 1})
    connection.execute(statement, rows)


def move_everything(connection: Connection) -> None:
    """Every part may have changed (a restore): the structure's counter, which every cached
    read depends on, moves."""
    move(connection, [STRUCTURE])


@dataclass(frozen=True)
class Generations:
    """The counters as one run read them (``read``); a missing counter has never moved."""

    counters: Mapping[Key, int] = field(default_factory=dict)

    def of(self, plan_id: int, part: Part) -> int:
        return self.counters.get((plan_id, part), 0)

    @property
    def structure(self) -> int:
        return self.counters.get(STRUCTURE, 0)

    def moved_since(self, earlier: Generations) -> set[Key]:
        """The counters that differ from ``earlier``'s."""
        keys = set(self.counters) | set(earlier.counters)
        return {key for key in keys if self.counters.get(key) != earlier.counters.get(key)}


def read(connection: Connection | Session) -> Generations:
    """Every counter, in one small query (a few rows per plan)."""
    table = table_of(ChangeGeneration)
    rows = connection.execute(select(table.c.plan_id, table.c.part, table.c.generation))
    return Generations({(plan_id, Part(part)): generation
                        for plan_id, part, generation in rows})


@event.listens_for(Session, "after_flush")
def _note_flushed(session: Session, _context: object) -> None:
    tables: set[str] = session.info.setdefault(_FLUSHED, set())
    for row in (*session.new, *session.deleted):
        tables.add(table_of(type(row)).name)
    for row in session.dirty:
        if session.is_modified(row):
            tables.add(table_of(type(row)).name)


@event.listens_for(Session, "before_commit")
def _move_at_commit(session: Session) -> None:
    session.flush()  # the last flush happens after this event: what it writes counts too
    pending: set[Key] = session.info.pop(_PENDING, set())
    shown = session.info.pop(_FLUSHED, set()) - UNSHOWN
    if shown and not pending:
        log.warning("a write of %s declared no change: every cached read is renewed",
                    ", ".join(sorted(shown)))
        pending = {STRUCTURE}
    if pending:
        move(session.connection(), pending)


@event.listens_for(Session, "after_transaction_end")
def _forget_declarations(session: Session, transaction: object) -> None:
    if getattr(transaction, "parent", None) is None:  # the outermost: committed or not
        session.info.pop(_PENDING, None)
        session.info.pop(_FLUSHED, None)
