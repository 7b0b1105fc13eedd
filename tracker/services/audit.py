"""The audit trail: who, when, what entity, before and after."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

from sqlalchemy import insert
from sqlmodel import Session

from tracker.db import table_of
from tracker.models import AuditEntry, utcnow
from tracker.services.permissions import Actor


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
) -> None:
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
    now = utcnow()
    session.connection().execute(insert(table_of(AuditEntry)), [
        {"at": now, "user_id": actor.user_id, "plan_id": plan_id, "action": action,
         "entity": entity, "entity_id": entity_id, "before": _dump(before),
         "after": _dump(after)} for entity_id, plan_id, before, after in entries])
