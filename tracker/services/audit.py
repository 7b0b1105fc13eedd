"""The audit trail: who, when, what entity, before and after.

Every audited write names its plan (or none: accounts and structure), and that is also what it
says it changed (``tracker.changes.touched``): the server processes' cached reads of that plan
are renewed at their next run. An entry about a plan's own row, an institution or an account
changes the structure too (the plans offered, the accounts, the institutions' names), which
every cached read depends on.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

from sqlalchemy import insert
from sqlmodel import Session

from tracker import changes
from tracker.db import table_of
from tracker.models import AuditEntry, utcnow
from tracker.services.permissions import Actor

STRUCTURE_ENTITIES = frozenset({"plan", "institution", "user"})


def _dump(values: Mapping[str, object] | None) -> str | None:
    if values is None:
        return None
    return json.dumps(values, default=str, ensure_ascii=False, sort_keys=True)


def record(
    session: Session,
    actor: Actor,
    action: str,
    entity: str,
    entity_id: int | None,
    *,
    plan_id: int | None = None,
    before: Mapping[str, object] | None = None,
    after: Mapping[str, object] | None = None,
    figures: bool = True,
) -> None:
    """Record the entry; ``figures`` false: the write moved none of the plan's figures (a
    draft)."""
    changes.touched(session, plan_id, figures=figures)
    if entity in STRUCTURE_ENTITIES:
        changes.structure_touched(session)
    session.add(
        AuditEntry(
            user_id=actor.user_id,
            plan_id=plan_id,
            action=action,
            entity=entity,
            entity_id=entity_id,
            before=_dump(before),
            after=_dump(after),
        )
    )


def record_many(
    session: Session,
    actor: Actor,
    action: str,
    entity: str,
    entries: Sequence[tuple[int | None, int | None, Mapping[str, object] | None,
                            Mapping[str, object] | None]],
) -> None:
    """Many entries of one kind in one statement: (entity id, plan id, before, after) each."""
    if not entries:
        return
    for plan_id in {plan_id for _entity_id, plan_id, _before, _after in entries}:
        changes.touched(session, plan_id)
    if entity in STRUCTURE_ENTITIES:
        changes.structure_touched(session)
    now = utcnow()
    session.connection().execute(insert(table_of(AuditEntry)), [
        {"at": now, "user_id": actor.user_id, "plan_id": plan_id, "action": action,
         "entity": entity, "entity_id": entity_id, "before": _dump(before),
         "after": _dump(after)} for entity_id, plan_id, before, after in entries])
