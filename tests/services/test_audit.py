"""The audit trail (tracker/services/audit.py): who, what, before and after, on both stores."""

from __future__ import annotations

import json

from sqlmodel import select

from tests.factories import PlanBuilder
from tracker.models import AuditEntry
from tracker.services import audit
from tracker.services.accounts import add_user
from tracker.services.permissions import SYSTEM, actor_for


def test_an_entry_keeps_who_what_and_the_values_before_and_after(session):
    plan = PlanBuilder(session).plan
    user = add_user(session, SYSTEM, email="c@example.org", display_name="C", role="coordinator",
                    password="a long enough secret", plans=[plan])
    audit.record(session, actor_for(session, user), "update", "action_item", 7, plan_id=plan.id,
                 before={"title": "Taller", "weight": 1}, after={"weight": 2, "title": "Taller"})
    session.flush()
    [entry] = session.exec(select(AuditEntry).where(AuditEntry.entity_id == 7)).all()
    assert (entry.user_id, entry.plan_id, entry.action, entry.entity) == (
        user.id, plan.id, "update", "action_item")
    assert json.loads(entry.before) == {"title": "Taller", "weight": 1}
    assert entry.after == '{"title": "Taller", "weight": 2}'  # keys sorted, text readable


def test_many_entries_are_written_at_once_and_none_for_nothing(session):
    plan = PlanBuilder(session).plan
    audit.record_many(session, SYSTEM, "import", "report", [])
    audit.record_many(session, SYSTEM, "import", "report", [
        (1, plan.id, None, {"percent": 40}), (2, plan.id, None, {"narrative": "Año difícil"})])
    entries = session.exec(select(AuditEntry).where(AuditEntry.entity == "report")
                           .order_by(AuditEntry.entity_id)).all()
    assert [(e.entity_id, e.user_id, e.action, e.before) for e in entries] == [
        (1, None, "import", None), (2, None, "import", None)]
    assert entries[1].after == '{"narrative": "Año difícil"}'  # not escaped to \u00f1
