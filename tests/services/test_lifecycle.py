"""A quarter's life cycle: opening and closing, locking at the meeting with the figures as
presented, and reopening on a member's request."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlmodel import select

from tests.factories import PlanBuilder, small_plan
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
from tracker.services.plan_admin import PeriodRow
from tracker.services.reporting import Target
from tracker.services.reports import ReportContent

Q3 = Quarter(2026, 3)  # the quarter the ``plan`` reports; 2026-Q4 is open (today 2027-01-10)


@pytest.fixture
def plan(session) -> PlanBuilder:
    """The plan of tests/conftest.py, running to 2027-Q2 so that a later quarter can open."""
    return small_plan(session, last="2027-Q2")


@pytest.fixture
def coordinator(people):
    return people["coordinator"]


@pytest.fixture
def member(people):
    return people["member"]


def _meeting(session, plan, people):
    return meetings.record_meeting(session, people["coordinator"], plan.plan.id, Q3,
                                   date(2026, 10, 20), ["A", "B"], "Minutes of the meeting")


def _live_by_line(session, plan):
    frame = rollup(session, plan.plan.id, Quarter(2026, 3), "plan")
    return frame["progress"].iloc[0]


def states(session, plan):
    return {str(p.quarter): p.state for p in plans.periods(session, plan.plan.id)}


def test_opening_a_quarter_closes_the_open_one_once_confirmed(session, plan, coordinator):
    assert states(session, plan)["2026-Q4"] == "open"
    with pytest.raises(lifecycle.CloseNeedsConfirmation) as caught:
        lifecycle.set_period_state(session, coordinator, plan.plan.id, Quarter(2027, 1),
                                    PeriodState.OPEN)
    assert caught.value.closing == Quarter(2026, 4)
    assert "Opening Q1 2027 of Test plan closes Q4 2026" in str(caught.value)
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
    assert caught.value.values["date"] == date(2026, 10, 20)
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
    submitted = reporting.save_report(session, member, target, correction,
                                      expected_version=draft.version, submit=True)
    period = session.exec(select(ReportingPeriod).where(ReportingPeriod.quarter == str(Q3))).one()
    assert period.state == PeriodState.LOCKED
    # one submitted report does not end the reopening: the member corrects again
    again_saved = reporting.save_report(session, member, target, correction,
                                        expected_version=submitted.version, submit=True)
    lifecycle.finish_reopening(session, member, plan.plan.id, Q3)
    with pytest.raises(NotAllowed) as caught:  # the institution said it had finished
        reporting.save_report(session, member, target, correction,
                              expected_version=again_saved.version)
    assert caught.value.key == "report.reopening_over"
    assert "ask again" in str(caught.value)


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


# ---- what members and coordinators see of reopenings ----------------------------------------


def test_a_granted_quarter_is_the_members_to_correct_until_it_has_finished(session, plan,
                                                                         people):
    coordinator, member = people["coordinator"], people["member"]
    view = lifecycle.member_view(session, member, plan.plan.id, "en")
    assert view.granted == () and view.notices == ()
    closed = tuple(q for q, state in states(session, plan).items() if state == "closed")
    assert view.closed == tuple(Quarter.parse(q) for q in closed)  # what may be asked
    request = lifecycle.request_reopen(session, member, plan.plan.id, Q3, "The June data")
    lifecycle.decide_reopen(session, coordinator, request.id, grant=True)
    view = lifecycle.member_view(session, member, plan.plan.id, "en")
    assert view.granted == (Q3,)
    assert [(n.quarter, n.granted) for n in view.notices] == [(Q3, True)]
    assert lifecycle.reopened_quarters(session, coordinator, plan.plan.id) == [Q3]
    # the grant is A's alone: B's part of the quarter stays closed
    assert lifecycle.granted_quarters(session, plan.plan.id, plan.institutions["B"].id) == []
    assert states(session, plan)[str(Q3)] == "closed"  # the period itself does not move
    reporting.save_report(session, member, Target(plan.items["1.1"].id, Q3,
                                                  plan.institutions["A"].id),
                          ReportContent(status=Status.IN_PROGRESS, percent_complete=55),
                          expected_version=1, submit=True)
    assert lifecycle.member_view(session, member, plan.plan.id, "en").granted == (Q3,)
    lifecycle.finish_reopening(session, member, plan.plan.id, Q3)
    assert lifecycle.member_view(session, member, plan.plan.id, "en").granted == ()
    assert lifecycle.reopened_quarters(session, coordinator, plan.plan.id) == []


def test_an_answer_read_is_not_shown_again_and_only_its_asker_marks_it(session, plan, people):
    from tracker.errors import NotFound

    coordinator, member = people["coordinator"], people["member"]
    request = lifecycle.request_reopen(session, member, plan.plan.id, Q3, "Missing data")
    assert lifecycle.notices(session, member, plan.plan.id, "en") == []  # nothing decided
    lifecycle.decide_reopen(session, coordinator, request.id, grant=False,
                            answer="Discussed at the meeting")
    [notice] = lifecycle.notices(session, member, plan.plan.id, "es")
    assert notice.subject.startswith("Reapertura de T3 2026 rechazada")
    with pytest.raises(NotFound):
        lifecycle.mark_seen(session, coordinator, request.id)
    assert len(lifecycle.notices(session, member, plan.plan.id, "en")) == 1
    lifecycle.mark_seen(session, member, request.id)
    assert lifecycle.notices(session, member, plan.plan.id, "en") == []


def test_coordinators_see_every_request_with_who_asked_and_why(session, plan, people):
    coordinator, member = people["coordinator"], people["member"]
    first = lifecycle.request_reopen(session, member, plan.plan.id, Q3, "  The June data  ")
    lifecycle.request_reopen(session, member, plan.plan.id, Quarter(2026, 2), "A late workshop")
    lifecycle.decide_reopen(session, coordinator, first.id, grant=False, answer="Too late")
    views = lifecycle.reopen_requests(session, coordinator, plan.plan.id)
    assert {(v.quarter, v.reason, v.institution, v.requested_by, v.state, v.answer)
            for v in views} == {
        (Q3, "The June data", "A", "m@example.org", "refused", "Too late"),
        (Quarter(2026, 2), "A late workshop", "A", "m@example.org", "pending", None)}
    assert [v.decided_at is None for v in views if v.quarter == Q3] == [False]
    with pytest.raises(NotAllowed):
        lifecycle.reopen_requests(session, member, plan.plan.id)
    with pytest.raises(NotAllowed):
        lifecycle.reopened_quarters(session, member, plan.plan.id)


@pytest.mark.parametrize("reason", ["", "   ", "x" * (lifecycle.MAX_REASON + 1)])
def test_a_request_says_why_within_the_limit(session, plan, people, reason):
    with pytest.raises(InvalidInput) as caught:
        lifecycle.request_reopen(session, people["member"], plan.plan.id, Q3, reason)
    assert caught.value.key == "meeting.reason"
    lifecycle.request_reopen(session, people["member"], plan.plan.id, Q3,
                             "x" * lifecycle.MAX_REASON)


def test_only_a_member_with_an_institution_asks_and_only_for_the_plans_quarters(
        session, plan, people):
    with pytest.raises(NotAllowed):  # a coordinator reports for no institution
        lifecycle.request_reopen(session, people["coordinator"], plan.plan.id, Q3, "why")
    with pytest.raises(InvalidInput) as caught:
        lifecycle.request_reopen(session, people["member"], plan.plan.id, Quarter(2025, 4),
                                 "why")
    assert caught.value.key == "report.outside_plan"
    with pytest.raises(InvalidInput) as caught:  # not yet open, so not closed either
        lifecycle.request_reopen(session, people["member"], plan.plan.id, Quarter(2027, 1),
                                 "why")
    assert caught.value.key == "lifecycle.not_closed"


def test_a_decision_stands_when_the_mail_server_refuses_and_the_member_sees_it(
        session, plan, people):
    from tests.helpers import free_port
    from tracker.settings import SmtpSettings

    nobody = SmtpSettings(host="127.0.0.1", port=free_port(), user=None, password=None,
                          sender="secretaria@example.org", starttls=False)
    member = people["member"]
    request = lifecycle.request_reopen(session, member, plan.plan.id, Q3, "Missing data")
    decided = lifecycle.decide_reopen(session, people["coordinator"], request.id, grant=True,
                                      smtp=nobody)
    assert decided.mailed is False and decided.request.state == "granted"
    assert lifecycle.granted_quarters(session, plan.plan.id, member.institution_id) == [Q3]
    assert [n.granted for n in lifecycle.notices(session, member, plan.plan.id, "en")] == [True]
    again = lifecycle.request_reopen(session, member, plan.plan.id, Quarter(2026, 2), "Also")
    assert lifecycle.decide_reopen(session, people["coordinator"], again.id, grant=True,
                                   smtp=None).mailed is None  # no mail server: the app only


def test_a_refusal_answer_has_the_same_limit_as_a_reason(session, plan, people):
    request = lifecycle.request_reopen(session, people["member"], plan.plan.id, Q3, "why")
    with pytest.raises(InvalidInput) as caught:
        lifecycle.decide_reopen(session, people["coordinator"], request.id, grant=False,
                                answer="x" * (lifecycle.MAX_REASON + 1))
    assert caught.value.key == "meeting.reason"
    assert session.get(type(request), request.id).state == "pending"


# ---- locking and the transitions ------------------------------------------------------------


def test_a_quarter_is_locked_once_by_a_coordinator_at_a_meeting_of_its_plan(session, plan,
                                                                           people):
    from tracker.errors import NotFound
    from tracker.services.permissions import SYSTEM

    coordinator = people["coordinator"]
    meeting = _meeting(session, plan, people)
    with pytest.raises(NotAllowed):
        lifecycle.lock_quarter(session, people["member"], plan.plan.id, Q3, meeting.id,
                               confirm=Q3)
    with pytest.raises(InvalidInput) as caught:  # confirming another quarter is no confirmation
        lifecycle.lock_quarter(session, coordinator, plan.plan.id, Q3, meeting.id,
                               confirm=Quarter(2026, 2))
    assert caught.value.key == "lifecycle.confirm_lock"
    other = PlanBuilder(session, name="Other plan")
    other.institution("MPFN", "PE")
    other.line("1")
    other.item("1.1", line="1", lead="MPFN", start="2026-Q1", due="2026-Q4")
    elsewhere = meetings.record_meeting(session, SYSTEM, other.plan.id, Q3,
                                        date(2026, 10, 21), ["MPFN"])
    with pytest.raises(NotFound):
        lifecycle.lock_quarter(session, coordinator, plan.plan.id, Q3, elsewhere.id, confirm=Q3)
    assert states(session, plan)[str(Q3)] == "closed"
    snapshot = lifecycle.lock_quarter(session, coordinator, plan.plan.id, Q3, meeting.id,
                                      confirm=Q3)
    period = plans.get_period(session, plan.plan.id, Q3)
    assert (period.state, period.meeting_id, period.locked_by_id) == (
        "locked", meeting.id, coordinator.user_id)
    assert json.loads(snapshot.figures)["quarter"] == str(Q3)
    with pytest.raises(InvalidInput) as caught:
        lifecycle.lock_quarter(session, coordinator, plan.plan.id, Q3, meeting.id, confirm=Q3)
    assert caught.value.key == "plan.period_locked"
    assert len(session.exec(select(QuarterSnapshot)).all()) == 1
    assert lifecycle.closed_quarters(session, plan.plan.id) == [
        Quarter(2026, 1), Quarter(2026, 2), Q3]  # locked ones may still be asked to reopen


def test_quarters_move_only_along_the_cycle_and_each_move_is_audited(session, plan,
                                                                    coordinator):
    from tracker.models import AuditEntry

    with pytest.raises(InvalidInput) as caught:  # an upcoming quarter opens, never closes
        lifecycle.set_period_state(session, coordinator, plan.plan.id, Quarter(2027, 2),
                                    PeriodState.CLOSED)
    assert caught.value.key == "plan.bad_transition"
    with pytest.raises(lifecycle.CloseNeedsConfirmation):  # naming the wrong quarter
        lifecycle.set_period_state(session, coordinator, plan.plan.id, Q3, PeriodState.OPEN,
                                    confirm_closing=Quarter(2027, 1))
    changed = lifecycle.set_period_state(session, coordinator, plan.plan.id, Q3,
                                         PeriodState.OPEN, confirm_closing=Quarter(2026, 4))
    assert [(str(p.quarter), p.state) for p in changed] == [("2026-Q4", "closed"),
                                                       ("2026-Q3", "open")]
    entries = session.exec(select(AuditEntry).where(AuditEntry.entity == "reporting_period")
                           .order_by(AuditEntry.id)).all()
    assert [(e.action, e.user_id, json.loads(e.before)["state"]) for e in entries] == [
        ("period_closed", coordinator.user_id, "open"),
        ("period_open", coordinator.user_id, "closed")]


def test_the_period_buttons_follow_the_life_cycle():
    assert [s for s in PeriodState if lifecycle.can_move(s, PeriodState.OPEN)] == [
        PeriodState.UPCOMING, PeriodState.CLOSED]
    assert [s for s in PeriodState if lifecycle.can_move(s, PeriodState.CLOSED)] == [
        PeriodState.OPEN]
    periods = [PeriodRow(Quarter(2026, q), state, None)
               for q, state in ((1, "closed"), (2, "open"), (3, "upcoming"))]
    assert lifecycle.closed_by_opening(periods, Quarter(2026, 3)) == Quarter(2026, 2)
    assert lifecycle.closed_by_opening(periods, Quarter(2026, 2)) is None  # open already
    assert lifecycle.closed_by_opening(periods[:1], Quarter(2026, 1)) is None  # none open


def test_a_member_reports_in_the_open_quarter_then_in_those_reopened_for_them():
    q2, q3, q4 = Quarter(2026, 2), Quarter(2026, 3), Quarter(2026, 4)
    assert lifecycle.member_quarters(q4, [q2, q3]) == [q4, q2, q3]
    assert lifecycle.member_quarters(q4, [q4]) == [q4]  # granted while open again: once
    assert lifecycle.member_quarters(None, [q3]) == [q3]
    assert lifecycle.member_quarters(None, []) == []


# ---- a plan's name stored with a line break before the single-line rule (issue 25) ---------

CRLF_NAME = "Plan\r\nBcc: intruso@example.org\r\n\r\ncuerpo"


def test_a_grant_is_mailed_with_a_one_line_subject_when_the_name_holds_a_line_break(
        session, plan, people, inbox):
    from tracker.models import RequestState
    from tracker.settings import get_settings

    plan.plan.name = CRLF_NAME  # stored before the rules refused it
    session.add(plan.plan)
    session.flush()
    request = lifecycle.request_reopen(session, people["member"], plan.plan.id, Q3, "Faltan")
    decided = lifecycle.decide_reopen(session, people["coordinator"], request.id, True,
                                      smtp=get_settings().smtp)
    assert decided.mailed is True
    assert decided.request.state == RequestState.GRANTED
    [mail] = inbox.messages
    assert set(mail.keys()) == {"From", "To", "Subject", "Content-Type",
                                "Content-Transfer-Encoding", "MIME-Version"}  # no Bcc added
    assert mail["To"] == "m@example.org"
    subject = "".join(mail["Subject"].splitlines())  # unfolded (RFC 5322, 2.2.3)
    assert "Plan Bcc: intruso@example.org cuerpo" in subject


def test_a_grant_stands_when_the_mail_cannot_be_sent(session, plan, people, monkeypatch):
    from tests.helpers import free_port
    from tracker.models import RequestState
    from tracker.settings import get_settings

    monkeypatch.setenv("TRACKER_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("TRACKER_SMTP_PORT", str(free_port()))  # nobody listens there
    monkeypatch.setenv("TRACKER_SMTP_STARTTLS", "0")
    plan.plan.name = CRLF_NAME
    session.add(plan.plan)
    session.flush()
    request = lifecycle.request_reopen(session, people["member"], plan.plan.id, Q3, "Faltan")
    decided = lifecycle.decide_reopen(session, people["coordinator"], request.id, True,
                                      smtp=get_settings().smtp)
    assert decided.mailed is False
    assert decided.request.state == RequestState.GRANTED
    assert lifecycle.granted_quarters(session, plan.plan.id, plan.institutions["A"].id) == [Q3]


@pytest.mark.parametrize("reason", ["a\x00b"])
def test_a_reason_with_nul_is_refused_naming_the_field(session, plan, people, reason):
    with pytest.raises(InvalidInput) as caught:
        lifecycle.request_reopen(session, people["member"], plan.plan.id, Q3, reason)
    assert caught.value.key == "error.characters.reason.text"


def test_a_reopening_of_the_longest_plan_is_mailed_whole(session, inbox):
    """Issue 25, item 7: every field at its longest (254-character e-mail, 200-character plan
    name with accents): the grant is mailed, its subject carries the name whole."""
    from tests.factories import longest_plan
    from tracker.models import RequestState
    from tracker.settings import get_settings

    longest = longest_plan(session)
    lifecycle.set_period_state(session, longest.coordinator, longest.plan.id, longest.quarter,
                               PeriodState.CLOSED)
    request = lifecycle.request_reopen(session, longest.member, longest.plan.id,
                                       longest.quarter, "x" * lifecycle.MAX_REASON)
    decided = lifecycle.decide_reopen(session, longest.coordinator, request.id, True,
                                      answer="y" * lifecycle.MAX_REASON,
                                      smtp=get_settings().smtp)
    assert decided.mailed is True and decided.request.state == RequestState.GRANTED
    [mail] = inbox.messages
    assert mail["To"] == longest.email
    from email.header import decode_header, make_header

    assert longest.plan.name in str(make_header(decode_header(mail["Subject"])))


# ---- how a reopening ends (issue 26, item 1) -------------------------------------------------


def _granted(session, plan, people, **decision):
    request = lifecycle.request_reopen(session, people["member"], plan.plan.id, Q3,
                                       "The September figures were wrong")
    lifecycle.decide_reopen(session, people["coordinator"], request.id, grant=True, **decision)
    return session.get(type(request), request.id)


def _audit(session, action):
    from tracker.models import AuditEntry

    return session.exec(select(AuditEntry).where(AuditEntry.action == action)).all()


def test_a_reopening_outlives_a_submission_every_report_and_draft_stays_editable(
        session, plan, people):
    """INNFA's case: T3 granted, eleven reports to correct; after the first is submitted the
    other ten could not be sent. Now one submission ends nothing, and the locked quarter's
    figures "as presented" stay as they were."""
    from tracker.models import ReportState

    coordinator, member = people["coordinator"], people["member"]
    second = plan.item("1.2", line="1", lead="A", start="2026-Q1", due="2026-Q4")
    plan.report("1.2", "2026-Q3", state=ReportState.DRAFT, percent=20)  # a draft left behind
    lifecycle.lock_quarter(session, coordinator, plan.plan.id, Q3,
                           _meeting(session, plan, people).id, confirm=Q3)
    presented = meetings.latest_snapshot(session, coordinator, plan.plan.id, Q3)
    _granted(session, plan, people)
    a = plan.institutions["A"].id
    first = reporting.save_report(session, member, Target(plan.items["1.1"].id, Q3, a),
                                  ReportContent(status=Status.IN_PROGRESS, percent_complete=65),
                                  expected_version=1, submit=True)
    assert lifecycle.member_view(session, member, plan.plan.id, "en").granted == (Q3,)
    assert lifecycle.reopened_quarters(session, coordinator, plan.plan.id) == [Q3]
    draft = reporting.save_report(session, member, Target(second.id, Q3, a),
                                  ReportContent(status=Status.IN_PROGRESS, percent_complete=30),
                                  expected_version=1)  # the old draft, corrected
    reporting.save_report(session, member, Target(second.id, Q3, a),
                          ReportContent(status=Status.IN_PROGRESS, percent_complete=35),
                          expected_version=draft.version, submit=True)
    reporting.save_report(session, member, Target(plan.items["1.1"].id, Q3, a),
                          ReportContent(status=Status.IN_PROGRESS, percent_complete=70),
                          expected_version=first.version)  # and a draft over the first
    assert reporting.submit_drafts(session, member, plan.plan.id, Q3, a) == 1
    assert lifecycle.member_view(session, member, plan.plan.id, "en").granted == (Q3,)
    assert meetings.latest_snapshot(session, coordinator, plan.plan.id, Q3) == presented
    assert states(session, plan)[str(Q3)] == "locked"
    assert _audit(session, "finish_reopening") == []


def test_the_institution_says_it_has_finished_and_its_quarter_closes_again(session, plan,
                                                                          people):
    coordinator, member = people["coordinator"], people["member"]
    request = _granted(session, plan, people)
    target = Target(plan.items["1.1"].id, Q3, plan.institutions["A"].id)
    saved = reporting.save_report(session, member, target,
                                  ReportContent(status=Status.IN_PROGRESS, percent_complete=60),
                                  expected_version=1, submit=True)
    with pytest.raises(NotAllowed):  # a coordinator has no institution's corrections to end
        lifecycle.finish_reopening(session, coordinator, plan.plan.id, Q3)
    finished = lifecycle.finish_reopening(session, member, plan.plan.id, Q3)
    assert finished.id == request.id and finished.ended_at is not None
    assert finished.ended_by_id == member.user_id
    assert lifecycle.member_view(session, member, plan.plan.id, "en").granted == ()
    with pytest.raises(NotAllowed) as caught:
        reporting.save_report(session, member, target,
                              ReportContent(status=Status.IN_PROGRESS, percent_complete=80),
                              expected_version=saved.version)
    assert caught.value.key == "report.reopening_over"
    assert caught.value.values == {"quarter": Q3, "date": date(2027, 1, 10)}
    with pytest.raises(InvalidInput) as caught:  # nothing left to finish
        lifecycle.finish_reopening(session, member, plan.plan.id, Q3)
    assert caught.value.key == "lifecycle.not_reopened"
    [entry] = _audit(session, "finish_reopening")
    assert (entry.entity, entry.entity_id, entry.plan_id, entry.user_id) == (
        "reopen_request", request.id, plan.plan.id, member.user_id)
    assert json.loads(entry.before) == {"until": "2027-01-24"}
    assert json.loads(entry.after) == {"until": "2027-01-10"}
    # a coordinator still corrects the closed quarter, with a reason, as before
    reporting.save_report(session, coordinator, target,
                          ReportContent(status=Status.IN_PROGRESS, percent_complete=80),
                          expected_version=saved.version, reason="Figures from the ministry")


def test_a_coordinator_ends_a_reopening_and_the_member_is_told(session, plan, people, inbox):
    from tracker.settings import get_settings

    coordinator, member = people["coordinator"], people["member"]
    request = _granted(session, plan, people)
    lifecycle.mark_seen(session, member, request.id)  # the grant's notice was read
    with pytest.raises(NotAllowed):  # a member finishes; only a coordinator ends
        lifecycle.end_reopening(session, member, request.id)
    [view] = lifecycle.reopen_requests(session, coordinator, plan.plan.id)
    assert view.running and view.until == date(2027, 1, 24)
    ended = lifecycle.end_reopening(session, coordinator, request.id, smtp=get_settings().smtp)
    assert ended.mailed is True
    [mail] = inbox.messages
    assert mail["To"] == "m@example.org"  # in the member's language
    assert mail["Subject"].startswith("Reapertura de T3 2026 terminada")
    [notice] = lifecycle.notices(session, member, plan.plan.id, "es")
    assert notice.subject.startswith("Reapertura de T3 2026 terminada") and not notice.granted
    assert lifecycle.member_view(session, member, plan.plan.id, "en").granted == ()
    [view] = lifecycle.reopen_requests(session, coordinator, plan.plan.id)
    assert not view.running
    with pytest.raises(NotAllowed) as caught:
        reporting.save_report(session, member, Target(plan.items["1.1"].id, Q3,
                                                      plan.institutions["A"].id),
                              ReportContent(status=Status.IN_PROGRESS, percent_complete=80),
                              expected_version=1)
    assert caught.value.key == "report.reopening_over"
    with pytest.raises(InvalidInput) as caught:
        lifecycle.end_reopening(session, coordinator, request.id)
    assert caught.value.key == "lifecycle.reopening_over"
    [entry] = _audit(session, "end_reopening")
    assert (entry.entity_id, entry.plan_id, entry.user_id) == (
        request.id, plan.plan.id, coordinator.user_id)


def test_a_reopening_ends_when_its_end_date_passes(session, plan, people, monkeypatch):
    member = people["member"]
    request = _granted(session, plan, people)
    assert request.ends_on == date(2027, 1, 24)  # two weeks from the grant by default
    [entry] = _audit(session, "grant_reopen")
    assert json.loads(entry.after)["until"] == "2027-01-24"
    target = Target(plan.items["1.1"].id, Q3, plan.institutions["A"].id)
    content = ReportContent(status=Status.IN_PROGRESS, percent_complete=60)
    monkeypatch.setenv("TRACKER_TODAY", "2027-01-24")  # its last day
    saved = reporting.save_report(session, member, target, content, expected_version=1)
    assert lifecycle.granted_quarters(session, plan.plan.id, member.institution_id) == [Q3]
    monkeypatch.setenv("TRACKER_TODAY", "2027-01-25")
    assert lifecycle.member_view(session, member, plan.plan.id, "en").granted == ()
    assert lifecycle.reopened_quarters(session, people["coordinator"], plan.plan.id) == []
    with pytest.raises(NotAllowed) as caught:
        reporting.save_report(session, member, target, content, expected_version=saved.version)
    assert caught.value.values == {"quarter": Q3, "date": date(2027, 1, 24)}


def test_a_grant_chooses_its_end_date_today_or_later(session, plan, people):
    coordinator = people["coordinator"]
    request = lifecycle.request_reopen(session, people["member"], plan.plan.id, Q3, "Late data")
    with pytest.raises(InvalidInput) as caught:
        lifecycle.decide_reopen(session, coordinator, request.id, grant=True,
                                until=date(2027, 1, 9))
    assert caught.value.key == "lifecycle.until_past"
    assert session.get(type(request), request.id).state == "pending"
    decided = lifecycle.decide_reopen(session, coordinator, request.id, grant=True,
                                      until=date(2027, 3, 1))
    assert decided.request.ends_on == date(2027, 3, 1)
    [notice] = lifecycle.notices(session, people["member"], plan.plan.id, "en")
    assert "until Mar 1, 2027" in notice.body and "finished" in notice.body
    [reopened] = lifecycle.member_view(session, people["member"], plan.plan.id, "en").reopened
    assert (reopened.quarter, reopened.until) == (Q3, date(2027, 3, 1))
