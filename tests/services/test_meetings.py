"""Meetings, decisions, locking with an "as presented" snapshot, and reopening on request."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlmodel import select

from tests.factories import PlanBuilder
from tests.helpers import rollup
from tracker.errors import InvalidInput, NotAllowed
from tracker.models import ActionItem, PeriodState, QuarterSnapshot, ReportingPeriod, Status
from tracker.quarters import Quarter
from tracker.services import lifecycle, meetings, reporting
from tracker.services.plan_admin import PeriodRow
from tracker.services.reporting import Target
from tracker.services.reports import ReportContent

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


def test_a_member_reports_in_the_open_quarter_then_in_those_reopened_for_them():
    q2, q3, q4 = Quarter(2026, 2), Quarter(2026, 3), Quarter(2026, 4)
    assert lifecycle.member_quarters(q4, [q2, q3]) == [q4, q2, q3]
    assert lifecycle.member_quarters(q4, [q4]) == [q4]  # granted while open again: once
    assert lifecycle.member_quarters(None, [q3]) == [q3]
    assert lifecycle.member_quarters(None, []) == []


def _live_by_line(session, plan):
    frame = rollup(session, plan.plan.id, Quarter(2026, 3), "plan")
    return frame["progress"].iloc[0]


def test_a_locked_quarter_keeps_what_the_meeting_saw(session, plan, people):
    coordinator = people["coordinator"]
    meeting = _meeting(session, plan, people)
    lifecycle.lock_quarter(session, coordinator, plan.plan.id, Q3, meeting.id, confirm=Q3)
    first = meetings.latest_snapshot(session, coordinator, plan.plan.id, Q3)
    assert first["headline"]["progress"] == pytest.approx(30)
    assert [row["label"] for row in first["by_line"]] == ["1", "2"]
    # the plan changes: a weight now, a report after a granted reopening
    item = session.exec(select(ActionItem).where(ActionItem.code == "1.1")).one()
    item.weight = 3
    session.add(item)
    session.flush()
    request = lifecycle.request_reopen(session, people["member"], plan.plan.id, Q3,
                                       "The June training was left out")
    lifecycle.decide_reopen(session, coordinator, request.id, grant=True)
    reporting.save_report(session, people["member"],
                          Target(item.id, Q3, plan.institutions["A"].id),
                          ReportContent(status=Status.IN_PROGRESS, percent_complete=70),
                          expected_version=1, submit=True)
    assert _live_by_line(session, plan) == pytest.approx((3 * 70 + 10) / 4)
    # the live figures moved; what the meeting saw did not
    assert meetings.latest_snapshot(session, coordinator, plan.plan.id, Q3) == first
    kept = json.loads(session.exec(select(QuarterSnapshot).order_by(QuarterSnapshot.id)).first()
                      .figures)
    assert kept == first  # the first meeting's figures, exactly


def test_locked_quarters_refuse_reports_until_a_reopening_is_granted(session, plan, people):
    coordinator, member = people["coordinator"], people["member"]
    lifecycle.lock_quarter(session, coordinator, plan.plan.id, Q3,
                           _meeting(session, plan, people).id, confirm=Q3)
    target = Target(plan.items["1.1"].id, Q3, plan.institutions["A"].id)
    correction = ReportContent(status=Status.IN_PROGRESS, percent_complete=60)
    with pytest.raises(NotAllowed) as caught:
        reporting.save_report(session, member, target, correction, expected_version=1)
    assert caught.value.values["date"] == "2026-10-20"
    assert "ask for a reopening" in str(caught.value)  # members ask themselves
    request = lifecycle.request_reopen(session, member, plan.plan.id, Q3, "Missing data")
    with pytest.raises(NotAllowed):
        lifecycle.decide_reopen(session, member, request.id, grant=True)
    with pytest.raises(InvalidInput) as caught:  # a refusal says why
        lifecycle.decide_reopen(session, coordinator, request.id, grant=False)
    assert caught.value.key == "lifecycle.refusal_needs_reason"
    lifecycle.decide_reopen(session, coordinator, request.id, grant=False,
                            answer="The meeting already discussed it")
    [notice] = lifecycle.notices(session, member, plan.plan.id, "en")
    assert not notice.granted and "The meeting already discussed it" in notice.body
    with pytest.raises(NotAllowed):
        reporting.save_report(session, member, target, correction, expected_version=1)
    with pytest.raises(InvalidInput) as caught:
        lifecycle.decide_reopen(session, coordinator, request.id, grant=True)
    assert caught.value.key == "meeting.already_decided"
    # a second request, granted: the member corrects, the quarter stays locked
    again = lifecycle.request_reopen(session, member, plan.plan.id, Q3, "The data arrived")
    lifecycle.decide_reopen(session, coordinator, again.id, grant=True)
    assert [n.granted for n in lifecycle.notices(session, member, plan.plan.id, "en")] == [
        False, True]
    draft = reporting.save_report(session, member, target, correction, expected_version=1)
    reporting.save_report(session, member, target, correction, expected_version=draft.version,
                          submit=True)
    period = session.exec(select(ReportingPeriod).where(ReportingPeriod.quarter == str(Q3))).one()
    assert period.state == PeriodState.LOCKED
    with pytest.raises(NotAllowed):  # the reopening ended with the submission
        reporting.save_report(session, member, target, correction, expected_version=3)


def test_locking_asks_to_name_the_quarter_and_refuses_the_open_one(session, plan, people):
    coordinator = people["coordinator"]
    meeting = _meeting(session, plan, people)
    with pytest.raises(InvalidInput) as caught:
        lifecycle.lock_quarter(session, coordinator, plan.plan.id, Q3, meeting.id)
    assert caught.value.key == "lifecycle.confirm_lock"
    with pytest.raises(InvalidInput) as caught:
        lifecycle.lock_quarter(session, coordinator, plan.plan.id, Quarter(2026, 4), meeting.id,
                               confirm=Quarter(2026, 4))
    assert caught.value.key == "lifecycle.close_before_lock"


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


def test_a_closed_or_locked_quarter_can_be_asked_to_reopen_not_the_open_one(session, plan,
                                                                             people):
    with pytest.raises(InvalidInput) as caught:
        lifecycle.request_reopen(session, people["member"], plan.plan.id, Quarter(2026, 4), "why")
    assert caught.value.key == "lifecycle.not_closed"
    closed = lifecycle.request_reopen(session, people["member"], plan.plan.id, Q3, "why")
    assert closed.institution_id == plan.institutions["A"].id


def test_a_decision_becomes_a_new_item_led_by_its_owner(session, plan, people):
    meeting = _meeting(session, plan, people)
    decision = meetings.add_decision(session, people["coordinator"], meeting.id,
                                     "Protocol with prosecutors " + "x" * 400, owner="B",
                                     due_quarter=Quarter(2026, 4),
                                     new_item=meetings.NewItem("3.1", "1"))
    item = session.exec(select(ActionItem).where(ActionItem.code == "3.1")).one()
    assert item.decision_id == decision.id
    assert (item.start_quarter, item.due_quarter) == ("2026-Q4", "2026-Q4")  # after Q3
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
