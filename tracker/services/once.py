"""A form's submission is accepted once: a second press of the same form does nothing.

A page draws each form that writes with a token of its own (``ui.actions.form_token``) and
hands it to the service with the submission. The service claims the token first, in the
transaction of its write, and settles it with what the write returned (a row's id, or a
count); a repeat of the same token finds that and returns the first outcome instead of
writing again (or of refusing: a second click is never a conflict with oneself). A write
that is refused rolls back its claim too, so the same form may be sent again once corrected.

Stored in the database, not in the page's memory, so it holds for two reruns of one browser
session, for threads, and for server processes sharing the database: on PostgreSQL a second
claim of the same token waits for the first transaction and then finds its row; on SQLite
``BEGIN IMMEDIATE`` already lets one writer in at a time. No token (the command line, the
import, the tests' direct calls) means no check.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session

from tracker.db import table_of
from tracker.errors import InvalidInput
from tracker.models import FormToken, utcnow
from tracker.services.permissions import Actor

TABLE = "form_token"  # read by no cached view: a write to it alone changes nothing shown
MAX_TOKEN = 64


@dataclass(frozen=True)
class Earlier:
    """The same form was already submitted: what its write returned."""

    result: int | None


def claim(session: Session, actor: Actor, token: str | None, kind: str) -> Earlier | None:
    """Claim ``token`` for a write of ``kind`` by ``actor``; ``None`` when it is new (write,
    then ``settle``), else the earlier submission's outcome (write nothing)."""
    if token is None:
        return None
    if not token or len(token) > MAX_TOKEN:
        raise InvalidInput("error.form_token")
    table = table_of(FormToken)
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    claimed = session.execute(
        insert(table).values(token=token, kind=kind, user_id=actor.user_id, created_at=utcnow())
        .on_conflict_do_nothing(index_elements=[table.c.token])
        .returning(table.c.token)).first()
    if claimed is not None:
        return None
    earlier_kind, user_id, result = session.execute(
        select(table.c.kind, table.c.user_id, table.c.result).where(table.c.token == token)).one()
    if earlier_kind != kind or user_id != actor.user_id:
        raise InvalidInput("error.form_token")  # another form's token: never the page's own
    return Earlier(result)


def settle(session: Session, token: str | None, result: int | None) -> None:
    """Keep what the write of a claimed ``token`` returned, for a repeat to find."""
    if token is None:
        return
    table = table_of(FormToken)
    session.execute(table.update().where(table.c.token == token).values(result=result))
