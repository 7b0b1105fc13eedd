"""The audit trail: who, when, what entity, before and after."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import insert
from sqlmodel import Session

from tracker.models import AuditEntry, utcnow
from tracker.services.permissions import Actor


def _dump(values: dict[str, Any] | None) -> str | None:
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
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
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
    entries: list[tuple[int | None, int | None, dict[str, Any] | None, dict[str, Any] | None]],
) -> None:
    """Many entries of one kind in one statement: (entity id, plan id, before, after) each."""
    if not entries:
        return
    now = utcnow()
    session.connection().execute(insert(AuditEntry.__table__), [  # type: ignore[attr-defined]
        {"at": now, "user_id": actor.user_id, "plan_id": plan_id, "action": action,
         "entity": entity, "entity_id": entity_id, "before": _dump(before),
         "after": _dump(after)} for entity_id, plan_id, before, after in entries])
