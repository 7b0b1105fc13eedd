"""A quarter's life cycle: opening and closing, locking at the meeting with the figures as
presented, and reopening on a member's request."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlmodel import select

from tests.factories import PlanBuilder
from tests.helpers import rollup
from tracker.errors import InvalidInput, NotAllowed
from tracker.models import (
    ActionItem,
    PeriodState,
    QuarterSnapshot,
    ReportingPeriod,
    Status,
)
from tracker.quarters import Quarter
from tracker.services import lifecycle, meetings, plans, reporting
from tracker.services.reporting import Target
from tracker.services.reports import ReportContent

Q3 = Quarter(2026, 3)  # the quarter the ``plan`` reports; 2026-Q4 is open (today 2027-01-10)


@pytest.fixture
def plan(session) -> PlanBuilder:
    """The plan of tests/conftest.py, running to 2027-Q2 so that a later quarter can open."""
    b = PlanBuilder(session, last="2027-Q2")
    b.institution("A")
    b.institution("B", "CO")
    b.line("1")
    b.line("2")
    b.item("1.1", line="1", lead="A", start="2026-Q1", due="2026-Q4", weight=1)
    b.item("2.1", line="2", lead="B", start="2026-Q1", due="2026-Q4", weight=1)
    b.report("1.1", "2026-Q3", percent=50)
    b.report("2.1", "2026-Q3", percent=10)
    return b


@pytest.fixture
def coordinator(people):
    return people["coordinator"]


@pytest.fixture
def member(people):
    return people["member"]


def _meeting(session, plan, people):
    return meetings.record_meeting(session, people["coordinator"], plan.plan.id, str(Q3),
                                   date(2026, 10, 20), ["A", "B"], "Minutes of the meeting")


def _live_by_line(session, plan):
    frame = rollup(session, plan.plan.id, Quarter(2026, 3), "plan")
    return frame["progress"].iloc[0]


def states(session, plan):
    return {p.quarter: p.state for p in plans.periods(session, plan.plan.id)}


def test_opening_a_quarter_closes_the_open_one_once_confirmed(session, plan, coordinator):
    assert states(session, plan)["2026-Q4"] == "open"
    with pytest.raises(lifecycle.CloseNeedsConfirmation) as caught:
        lifecycle.set_period_state(session, coordinator, plan.plan.id, Quarter(2027, 1),
                                    PeriodState.OPEN)
    assert caught.value.closing == Quarter(2026, 4)
    assert "Opening 2027-Q1 closes 2026-Q4" in str(caught.value)
    assert states(session, plan)["2026-Q4"] == "open"  # nothing closed in silence
    lifecycle.set_period_state(session, coordinator, plan.plan.id, Quarter(2027, 1),
                                PeriodState.OPEN, confirm_closing=Quarter(2026, 4))
    now = states(session, plan)
    assert now["2027-Q1"] == "open" and now["2026-Q4"] == "closed"
    assert list(now.values()).count("open") == 1
    lifecycle.set_period_state(session, coordinator, plan.plan.id, Quarter(2027, 1),
                                PeriodState.CLOSED)
    assert "open" not in states(session, plan).values()


def test_locked_quarters_and_members_cannot_change_periods(session, plan, coordinator,
                                                           member):
    with pytest.raises(NotAllowed):
        lifecycle.set_period_state(session, member, plan.plan.id, Quarter(2026, 3),
                                    PeriodState.OPEN)
    from tracker.models import ReportingPeriod

    period = session.exec(select(ReportingPeriod).where(
        ReportingPeriod.quarter == "2026-Q3")).one()
    period.state = PeriodState.LOCKED
    session.add(period)
    with pytest.raises(InvalidInput) as caught:
        lifecycle.set_period_state(session, coordinator, plan.plan.id, Quarter(2026, 3),
                                    PeriodState.OPEN)
    assert caught.value.key == "plan.period_locked"


def test_a_locked_quarter_keeps_what_the_meeting_saw(session, plan, people):
    coordinator = people["coordinator"]
    meeting = _meeting(session, plan, people)
    lifecycle.lock_quarter(session, coordinator, plan.plan.id, Q3, meeting.id, confirm=Q3)
    first = meetings.latest_snapshot(session, coordinator, plan.plan.id, str(Q3))
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
    assert meetings.latest_snapshot(session, coordinator, plan.plan.id, str(Q3)) == first
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


def test_a_closed_or_locked_quarter_can_be_asked_to_reopen_not_the_open_one(session, plan,
                                                                             people):
    with pytest.raises(InvalidInput) as caught:
        lifecycle.request_reopen(session, people["member"], plan.plan.id, Quarter(2026, 4), "why")
    assert caught.value.key == "lifecycle.not_closed"
    closed = lifecycle.request_reopen(session, people["member"], plan.plan.id, Q3, "why")
    assert closed.institution_id == plan.institutions["A"].id


def test_the_member_is_emailed_the_answer_to_a_reopen_request(session, inbox):
    from datetime import date

    from tests.factories import PlanBuilder
    from tracker.services import accounts, lifecycle, meetings
    from tracker.services.permissions import SYSTEM, actor_for
    from tracker.settings import get_settings

    plan = PlanBuilder(session)
    plan.institution("A")
    plan.line("1")
    plan.item("1.1", line="1", lead="A", start="2026-Q1", due="2026-Q4")

    def person(email, role, institution=None):
        return actor_for(session, accounts.add_user(
            session, SYSTEM, email=email, display_name=email, role=role,
            institution=institution, password="a long enough secret", plans=[plan.plan]))

    member, coordinator = person("m@example.org", "member", "A"), person("c@example.org",
                                                                         "coordinator")
    meeting = meetings.record_meeting(session, coordinator, plan.plan.id, "2026-Q3",
                                      date(2026, 10, 20), ["A"])
    lifecycle.lock_quarter(session, coordinator, plan.plan.id, Quarter(2026, 3), meeting.id,
                           confirm=Quarter(2026, 3))
    request = lifecycle.request_reopen(session, member, plan.plan.id, Quarter(2026, 3), "Falta")
    decided = lifecycle.decide_reopen(session, coordinator, request.id, False,
                                      answer="Se discutió en la reunión",
                                      smtp=get_settings().smtp)
    assert decided.mailed is True
    [mail] = inbox.messages
    assert mail["To"] == "m@example.org"
    assert mail["Subject"].startswith("Reapertura de T3 2026 rechazada")
    assert "Se discutió en la reunión" in mail.get_payload(decode=True).decode()
