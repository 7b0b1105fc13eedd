"""The audit trail: who, when, what entity, before and after."""

from __future__ import annotations

import json
from typing import Any

from sqlmodel import Session

from tracker.models import AuditEntry
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
