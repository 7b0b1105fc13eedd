"""A form's submission is accepted once (tracker/services/once.py; issue 26, item 2): the same
token twice writes one row and returns the first outcome, never a conflict with oneself; two
tokens are two submissions; a refused write leaves its token free. On SQLite and PostgreSQL,
and for two transactions at once."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from sqlmodel import Session, func, select

from tracker.errors import InvalidInput
from tracker.models import (
    ActionItem,
    AuditEntry,
    Decision,
    FormToken,
    Meeting,
    Plan,
    Reminder,
    ReopenRequest,
    Report,
    ReportRevision,
    Status,
    User,
)
from tracker.quarters import Quarter
from tracker.services import invitations, lifecycle, meetings, plan_admin, plans, reminders
from tracker.services import reporting as reports
from tracker.services.plan_admin import ItemFields
from tracker.services.reporting import Target
from tracker.services.reports import ReportContent

Q3, Q4 = Quarter(2026, 3), Quarter(2026, 4)  # Q3 closed, Q4 open (today 2027-01-10)


def count(session: Session, model: type) -> int:
    return session.exec(select(func.count()).select_from(model)).one()


def _meeting(session, plan, people, token=None):
    return meetings.record_meeting(session, people["coordinator"], plan.plan.id, Q3,
                                   date(2026, 10, 20), ["A"], "Minutes", token=token)


def test_a_meeting_sent_twice_is_recorded_once_and_two_forms_are_two(session, plan, people):
    first = _meeting(session, plan, people, token="form-1")
    again = _meeting(session, plan, people, token="form-1")
    assert again.id == first.id
    assert count(session, Meeting) == 1
    assert len(session.exec(select(AuditEntry).where(AuditEntry.entity == "meeting")).all()) == 1
    other = _meeting(session, plan, people, token="form-2")  # another form: another meeting
    assert other.id != first.id and count(session, Meeting) == 2
    _meeting(session, plan, people)  # no token (the command line): no check
    assert count(session, Meeting) == 3


def test_a_decision_and_the_item_it_becomes_are_made_once(session, plan, people):
    meeting = _meeting(session, plan, people)
    items = count(session, ActionItem)

    def add(token):
        return meetings.add_decision(session, people["coordinator"], meeting.id,
                                     "A protocol with prosecutors", owner="A",
                                     due_quarter=Q4, new_item=meetings.NewItem("3.1", "1"),
                                     token=token)

    first = add("decision-1")
    assert add("decision-1").id == first.id  # not "code 3.1 is taken": the same decision
    assert count(session, Decision) == 1 and count(session, ActionItem) == items + 1
    meetings.add_decision(session, people["coordinator"], meeting.id, "Another one",
                          token="decision-2")
    assert count(session, Decision) == 2


def test_a_report_sent_twice_is_saved_once_and_never_conflicts_with_itself(session, plan,
                                                                           people):
    """"Enviar" twice: the second press carried the version the form was drawn with, which
    the first press had moved on; it used to meet "Punto focal guardó este reporte mientras
    usted lo editaba" with two identical columns."""
    member = people["member"]
    target = Target(plan.items["1.1"].id, Q4, plan.institutions["A"].id)
    content = ReportContent(status=Status.IN_PROGRESS, percent_complete=55)
    draft = reports.save_report(session, member, target, content, expected_version=0,
                                token="draft")
    again = reports.save_report(session, member, target, content, expected_version=0,
                                token="draft")
    assert (again.id, again.version) == (draft.id, 1)
    submitted = reports.save_report(session, member, target, content, expected_version=1,
                                    submit=True, token="submit")
    repeat = reports.save_report(session, member, target, content, expected_version=1,
                                 submit=True, token="submit")
    assert (repeat.version, submitted.version) == (2, 2)
    revisions = session.exec(select(ReportRevision.state).join(Report).where(
        Report.id == draft.id).order_by(ReportRevision.number)).all()
    assert revisions == ["draft", "submitted"]
    # a later save by someone else is not hidden: the repeat says what the first save left
    other = reports.save_report(session, member, target, content, expected_version=2)
    assert other.version == 3
    assert reports.save_report(session, member, target, content, expected_version=1,
                               submit=True, token="submit").version == 2
    with pytest.raises(reports.Conflict):  # a new form drawn before that save: a real conflict
        reports.save_report(session, member, target, content, expected_version=2,
                            token="another form")


def test_a_refused_save_leaves_its_token_for_the_same_form_sent_again(session, plan, people):
    member = people["member"]
    target = Target(plan.items["1.1"].id, Q4, plan.institutions["A"].id)
    doubtful = ReportContent(status=Status.COMPLETED, percent_complete=80)
    # in a transaction of its own, as ui.actions.write runs it: the refusal rolls it back
    with pytest.raises(reports.NeedsConfirmation), session.begin_nested():
        reports.save_report(session, member, target, doubtful, expected_version=0,
                            token="form")
    assert count(session, FormToken) == 0
    saved = reports.save_report(session, member, target, doubtful, expected_version=0,
                                confirmed=True, token="form")  # "Save anyway"
    assert saved.version == 1 and count(session, FormToken) == 1


def test_submitting_all_drafts_twice_submits_them_once(session, plan, people):
    member, a = people["member"], plan.institutions["A"].id
    reports.save_report(session, member, Target(plan.items["1.1"].id, Q4, a),
                        ReportContent(status=Status.IN_PROGRESS, percent_complete=20),
                        expected_version=0)
    assert reports.submit_drafts(session, member, plan.plan.id, Q4, a, token="t") == 1
    assert reports.submit_drafts(session, member, plan.plan.id, Q4, a, token="t") == 1
    assert count(session, ReportRevision) == 2 + 2  # the plan's two, a draft, one submission


def test_a_review_pressed_twice_approves_once(session, plan, people):
    member, coordinator = people["member"], people["coordinator"]
    target = Target(plan.items["1.1"].id, Q4, plan.institutions["A"].id)
    submitted = reports.save_report(session, member, target,
                                    ReportContent(status=Status.IN_PROGRESS, percent_complete=20),
                                    expected_version=0, submit=True)
    approved = reports.review(session, coordinator, submitted.id, approve=True,
                              expected_version=1, token="review")
    again = reports.review(session, coordinator, submitted.id, approve=True,
                           expected_version=1, token="review")  # not a conflict
    assert approved.version == again.version == 2
    assert count(session, ReportRevision) == 2 + 2


def test_a_reopen_request_and_its_answer_are_made_once(session, plan, people, inbox):
    """"Enviar solicitud" twice made two requests; one stayed pending after the other was
    granted."""
    from tracker.settings import get_settings

    member, coordinator = people["member"], people["coordinator"]
    request = lifecycle.request_reopen(session, member, plan.plan.id, Q3, "Late", token="ask")
    assert lifecycle.request_reopen(session, member, plan.plan.id, Q3, "Late",
                                    token="ask").id == request.id
    assert count(session, ReopenRequest) == 1
    smtp = get_settings().smtp
    lifecycle.decide_reopen(session, coordinator, request.id, True, smtp=smtp, token="grant")
    repeat = lifecycle.decide_reopen(session, coordinator, request.id, True, smtp=smtp,
                                     token="grant")  # not "already decided"
    assert repeat.request.state == "granted" and len(inbox.messages) == 1  # told once
    lifecycle.finish_reopening(session, member, plan.plan.id, Q3, token="finish")
    assert lifecycle.finish_reopening(session, member, plan.plan.id, Q3,
                                      token="finish").id == request.id
    assert len(session.exec(select(AuditEntry).where(
        AuditEntry.action == "finish_reopening")).all()) == 1


def test_a_coordinator_ending_a_reopening_twice_ends_it_once(session, plan, people):
    request = lifecycle.request_reopen(session, people["member"], plan.plan.id, Q3, "Late")
    lifecycle.decide_reopen(session, people["coordinator"], request.id, True)
    lifecycle.end_reopening(session, people["coordinator"], request.id, token="end")
    lifecycle.end_reopening(session, people["coordinator"], request.id, token="end")
    assert len(session.exec(select(AuditEntry).where(
        AuditEntry.action == "end_reopening")).all()) == 1


def test_a_plan_and_an_item_are_created_once(session, plan, people):
    coordinator = people["coordinator"]

    def new_plan(token):
        return plans.new_plan(session, coordinator, name="Plan fronterizo", commission="",
                              first="2027-Q1", last="2027-Q4", token=token)

    created = new_plan("plan")
    assert new_plan("plan").id == created.id  # not "the name is taken"
    assert count(session, Plan) == 2
    fields = ItemFields(code="9.1", title="Mesa técnica", description="", line="1", lead="A",
                        supporters=(), start_quarter=Q3, due_quarter=Q4)
    item = plan_admin.save_item(session, coordinator, plan.plan.id, fields, token="item")
    assert plan_admin.save_item(session, coordinator, plan.plan.id, fields,
                                token="item").id == item.id
    # an edit pressed twice: saved once, not "someone saved this item after you opened it"
    edited = plan_admin.save_item(session, coordinator, plan.plan.id, fields, item_id=item.id,
                                  expected_version=1, token="edit")
    assert plan_admin.save_item(session, coordinator, plan.plan.id, fields, item_id=item.id,
                                expected_version=1, token="edit").version == edited.version == 2


def test_an_account_is_made_and_invited_once(session, plan, people, inbox):
    from tracker.settings import get_settings

    def add(token):
        return invitations.add_and_invite(
            session, people["coordinator"], email="nuevo@example.org", display_name="Nuevo",
            role="member", password="a long enough secret", institution="A",
            plan_ids=[plan.plan.id], app_url="https://tracker.example.org/",
            smtp=get_settings().smtp, token=token)

    first = add("account")
    again = add("account")  # not "an account with this e-mail exists"
    assert again.sent and again.mail == first.mail
    assert len(inbox.messages) == 1
    assert session.exec(select(func.count()).select_from(User).where(
        User.email == "nuevo@example.org")).one() == 1


def test_reminders_pressed_twice_are_sent_and_recorded_once(session, plan, people, inbox):
    from tracker.settings import get_settings

    coordinator, smtp = people["coordinator"], get_settings().smtp
    sent = reminders.remind_from_app(session, coordinator, plan.plan.id, Q4, smtp, token="r")
    again = reminders.remind_from_app(session, coordinator, plan.plan.id, Q4, smtp, token="r")
    assert sent.sent == again.sent == len(inbox.messages) == count(session, Reminder) >= 1
    copied = reminders.remind_from_app(session, coordinator, plan.plan.id, Q4, None,
                                       token="copy")
    repeat = reminders.remind_from_app(session, coordinator, plan.plan.id, Q4, None,
                                       token="copy")
    assert repeat.to_copy == copied.to_copy  # the messages to copy, shown again
    assert count(session, Reminder) == 2 * sent.sent


def test_a_token_is_one_persons_one_kind_of_form(session, plan, people):
    _meeting(session, plan, people, token="shared")
    with pytest.raises(InvalidInput) as caught:  # another kind of write
        lifecycle.request_reopen(session, people["member"], plan.plan.id, Q3, "why",
                                 token="shared")
    assert caught.value.key == "error.form_token"
    with pytest.raises(InvalidInput):
        _meeting(session, plan, people, token="x" * 65)


def test_two_presses_at_once_write_one_row(engine, session, plan, people):
    """Two transactions with the same token at the same moment (two threads; on PostgreSQL
    the second waits for the first's row, on SQLite for its write lock): one meeting, and
    both get it."""
    session.commit()
    barrier, found, errors = threading.Barrier(2), [], []

    def press() -> None:
        try:
            with Session(engine) as db:
                barrier.wait()
                meeting = _meeting(db, plan, people, token="at-once")
                db.commit()
                found.append(meeting.id)
        except Exception as error:  # noqa: BLE001  # reported below
            errors.append(error)

    threads = [threading.Thread(target=press) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(found) == 2 and found[0] == found[1]
    with Session(engine) as db:
        assert count(db, Meeting) == 1 and count(db, FormToken) == 1
