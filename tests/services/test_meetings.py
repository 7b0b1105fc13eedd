"""Meetings and their decisions (locking a quarter at its meeting and reopening it:
tests/services/test_lifecycle.py)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from tests.factories import PlanBuilder
from tracker.errors import InvalidInput, NotAllowed
from tracker.models import ActionItem
from tracker.quarters import Quarter
from tracker.services import lifecycle, meetings
from tracker.services.plan_admin import PeriodRow

Q3 = Quarter(2026, 3)  # the quarter the ``plan`` of tests/conftest.py reports


def _meeting(session, plan, people):
    return meetings.record_meeting(session, people["coordinator"], plan.plan.id, Q3,
                                   date(2026, 10, 20), ["A", "B"], "Minutes of the meeting")


def test_a_meeting_evaluates_a_quarter_reports_have_reached():
    def row(q: int, state: str) -> PeriodRow:
        return PeriodRow(Quarter(2026, q), state, None)

    periods = [row(1, "locked"), row(2, "closed"), row(3, "upcoming"), row(4, "upcoming")]
    # the quarter under evaluation is offered (and chosen) even while still upcoming
    assert meetings.meeting_quarters(periods, Quarter(2026, 3)) == (
        [Quarter(2026, q) for q in (1, 2, 3)], Quarter(2026, 3))
    opened = [row(1, "closed"), row(2, "open"), row(3, "upcoming")]
    # a quarter under evaluation outside the offer: the latest quarter offered
    assert meetings.meeting_quarters(opened, Quarter(2025, 4)) == (
        [Quarter(2026, 1), Quarter(2026, 2)], Quarter(2026, 2))
    assert meetings.meeting_quarters([row(1, "upcoming")], None) == ([], None)


def test_decisions_may_become_items_linked_to_their_meeting(session, plan, people):
    meeting = _meeting(session, plan, people)
    decision = meetings.add_decision(session, people["coordinator"], meeting.id,
                                     "Train prosecutors in Imbabura", owner="A",
                                     due_quarter=Quarter(2026, 4), item_id=plan.items["2.1"].id)
    assert session.get(ActionItem, plan.items["2.1"].id).decision_id == decision.id
    with pytest.raises(InvalidInput):
        meetings.add_decision(session, people["coordinator"], meeting.id, "  ")
    with pytest.raises(NotAllowed):
        meetings.add_decision(session, people["member"], meeting.id, "Anything")


def test_a_decision_becomes_a_new_item_led_by_its_owner(session, plan, people):
    meeting = _meeting(session, plan, people)
    decision = meetings.add_decision(session, people["coordinator"], meeting.id,
                                     "Protocol with prosecutors " + "x" * 400, owner="B",
                                     due_quarter=Quarter(2026, 4),
                                     new_item=meetings.NewItem("3.1", "1"))
    item = session.exec(select(ActionItem).where(ActionItem.code == "3.1")).one()
    assert item.decision_id == decision.id
    assert (item.start_quarter, item.due_quarter) == (Quarter(2026, 4),) * 2  # after Q3
    assert len(item.title) == 300 and item.title.endswith("…")  # the service decides
    [view] = meetings.list_meetings(session, people["coordinator"], plan.plan.id)
    assert view.decisions[0].item.startswith("3.1 · Protocol with prosecutors")
    origin = meetings.origin_of(session, people["coordinator"], item.id)
    assert (origin.meeting_id, origin.quarter) == (meeting.id, Q3)  # and back


def test_a_meeting_needs_an_attendee_of_the_plan(session, plan, people):
    coordinator = people["coordinator"]
    with pytest.raises(InvalidInput) as caught:
        meetings.record_meeting(session, coordinator, plan.plan.id, Q3, date(2026, 10, 20), [])
    assert caught.value.key == "meeting.no_attendee"
    other = PlanBuilder(session, name="Other plan")
    other.institution("MPFN", country="PE")
    other.line("1")
    other.item("1.1", line="1", lead="MPFN", start="2026-Q1", due="2026-Q4")
    with pytest.raises(InvalidInput) as caught:
        meetings.record_meeting(session, coordinator, plan.plan.id, Q3, date(2026, 10, 20),
                                ["A", "MPFN"])
    assert caught.value.key == "meeting.not_in_plan"


def test_meetings_and_decisions_are_edited_and_deleted_with_history(session, plan, people):
    from tracker.models import AuditEntry

    coordinator = people["coordinator"]
    meeting = _meeting(session, plan, people)
    meetings.update_meeting(session, coordinator, meeting.id, held_on=date(2026, 10, 21),
                            present=["A"], minutes="Corrected minutes", place="Quito")
    [view] = meetings.list_meetings(session, coordinator, plan.plan.id)
    assert (view.held_on, view.present, view.place) == (date(2026, 10, 21), ("A",), "Quito")
    decision = meetings.add_decision(session, coordinator, meeting.id, "Train judges",
                                     item_id=plan.items["2.1"].id)
    meetings.update_decision(session, coordinator, decision.id, "Train judges and clerks",
                             owner="B", due_quarter=Quarter(2026, 4))
    assert session.get(type(decision), decision.id).text == "Train judges and clerks"
    meetings.delete_meeting(session, coordinator, meeting.id)
    assert meetings.list_meetings(session, coordinator, plan.plan.id) == []
    assert session.get(ActionItem, plan.items["2.1"].id).decision_id is None  # item stays
    actions = [(e.entity, e.action) for e in session.exec(
        select(AuditEntry).where(AuditEntry.entity.in_(["meeting", "decision"])))]
    assert {("meeting", "update"), ("decision", "update"), ("meeting", "delete")} <= set(
        actions)


def test_a_meeting_that_locked_its_quarter_cannot_be_deleted(session, plan, people):
    coordinator = people["coordinator"]
    meeting = _meeting(session, plan, people)
    lifecycle.lock_quarter(session, coordinator, plan.plan.id, Q3, meeting.id, confirm=Q3)
    with pytest.raises(InvalidInput) as caught:
        meetings.delete_meeting(session, coordinator, meeting.id)
    assert caught.value.key == "meeting.locked_by_it"
