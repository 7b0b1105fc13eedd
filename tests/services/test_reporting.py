"""The quarterly report workflow and each of its rules, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlmodel import Session, select

from tests.factories import PlanBuilder, people_of, three_institution_plan
from tests.helpers import item_frame
from tracker.errors import InvalidInput, NotAllowed
from tracker.i18n import t
from tracker.models import AuditEntry, Meeting, PeriodState, ReportingPeriod, Status
from tracker.quarters import Quarter
from tracker.services import lifecycle, reporting
from tracker.services.figures import PlanChoice
from tracker.services.reporting import Conflict, NeedsConfirmation, Target
from tracker.services.reports import ReportContent
from tracker.services.worklist import worklist

OPEN, CLOSED = Quarter(2026, 4), Quarter(2026, 3)  # today is 2027-01-10


@pytest.fixture
def plan(session) -> PlanBuilder:
    return three_institution_plan(session)


@pytest.fixture
def people(session, plan):
    return people_of(session, plan, "a", "b", "c", "coordinator", "observer")


def content(percent=40.0, status=Status.IN_PROGRESS, **kwargs) -> ReportContent:
    return ReportContent(status=status, percent_complete=percent, **kwargs)


def target(plan, code="1.1", quarter=OPEN, institution="A") -> Target:
    return Target(plan.items[code].id, quarter, plan.institutions[institution].id)


def progress(session, plan, code="1.1", quarter=OPEN) -> float:
    frame = item_frame(session, plan.plan.id, quarter)
    return frame.set_index("code").loc[code, "progress"]


def test_draft_does_not_count_until_submitted(session, plan, people):
    report = reporting.save_report(session, people["a"], target(plan), content(40),
                                   expected_version=0)
    assert report.version == 1
    assert progress(session, plan) == 0
    reporting.save_report(session, people["a"], target(plan), content(45),
                          expected_version=1, submit=True)
    assert progress(session, plan) == 45


def test_editing_a_submitted_report_keeps_the_submitted_version_counting(session, plan, people):
    reporting.save_report(session, people["a"], target(plan), content(45), expected_version=0,
                          submit=True)
    reporting.save_report(session, people["a"], target(plan), content(60), expected_version=1)
    assert progress(session, plan) == 45
    [item] = [w for w in worklist(session, people["a"], plan.plan.id, Quarter(2026, 4),
                                  plan.institutions["A"].id) if w.code == "1.1"]
    assert item.own.state == "draft" and item.own.percent_complete == 60
    assert item.counted_before and not item.missing
    reporting.save_report(session, people["a"], target(plan), content(60), expected_version=2,
                          submit=True)
    assert progress(session, plan) == 60


def test_a_member_writes_only_its_own_institutions_part(session, plan, people):
    with pytest.raises(NotAllowed) as caught:
        reporting.save_report(session, people["b"], target(plan), content(),
                              expected_version=0)
    assert caught.value.key == "report.other_institution"
    # B supports 1.1: its own part is fine
    reporting.save_report(session, people["b"], target(plan, institution="B"),
                          ReportContent(nothing_to_report=True), expected_version=0)
    with pytest.raises(InvalidInput) as caught:  # C takes no part in 1.1
        reporting.save_report(session, people["c"], target(plan, institution="C"), content(),
                              expected_version=0)
    assert caught.value.key == "report.not_participant"


def test_a_coordinator_corrects_closed_and_reopened_quarters_since_the_item_started():
    q = {n: Quarter(2026, n) for n in (1, 2, 3, 4)} | {5: Quarter(2027, 1)}
    plan = PlanChoice(1, "Plan", tuple(q.values()), default_quarter=q[4], open_quarter=q[4],
                      locked_quarters=(q[2],))
    # Q1 and Q3 closed (Q2 locked, Q4 open, 2027-Q1 not yet reported); Q2 reopened
    assert lifecycle.correctable_quarters(plan, q[1], [q[2]]) == [q[1], q[2], q[3]]
    assert lifecycle.correctable_quarters(plan, q[3], [q[2]]) == [q[3]]  # since its start
    assert lifecycle.correctable_quarters(plan, q[4], []) == []


def test_observers_write_nothing(session, plan, people):
    with pytest.raises(NotAllowed) as caught:
        reporting.save_report(session, people["observer"], target(plan), content(),
                              expected_version=0)
    assert caught.value.key == "error.not_allowed.write_own_reports"


def test_a_closed_quarter_is_for_coordinators_only(session, plan, people):
    with pytest.raises(NotAllowed) as caught:
        reporting.save_report(session, people["a"], target(plan, quarter=CLOSED), content(),
                              expected_version=0)
    assert caught.value.key == "report.quarter_closed"
    with pytest.raises(InvalidInput) as caught:  # a correction says why
        reporting.save_report(session, people["coordinator"], target(plan, quarter=CLOSED),
                              content(30), expected_version=0, submit=True)
    assert caught.value.key == "report.correction_needs_reason"
    reporting.save_report(session, people["coordinator"], target(plan, quarter=CLOSED),
                          content(30), expected_version=0, submit=True,
                          reason="The member sent the figures by e-mail")
    assert progress(session, plan, quarter=CLOSED) == 30


def _lock(session, plan, quarter, held_on="2026-10-15"):
    from datetime import date

    meeting = Meeting(plan_id=plan.plan.id, quarter=Quarter.parse(quarter),
                      held_on=date.fromisoformat(held_on))
    session.add(meeting)
    session.flush()
    period = session.exec(select(ReportingPeriod).where(
        ReportingPeriod.plan_id == plan.plan.id, ReportingPeriod.quarter == str(quarter))).one()
    period.state, period.meeting_id = PeriodState.LOCKED, meeting.id
    session.add(period)
    session.flush()


def test_a_locked_quarter_names_its_meeting_and_refuses_everyone(session, plan, people):
    _lock(session, plan, CLOSED)
    for who in ("a", "coordinator"):
        with pytest.raises(NotAllowed) as caught:
            reporting.save_report(session, people[who], target(plan, quarter=CLOSED),
                                  content(), expected_version=0)
        assert (caught.value.key, caught.value.values["date"]) == (
            "report.quarter_locked", date(2026, 10, 15))
        assert "Oct 15, 2026" in str(caught.value)  # a date in words (English: str())
        assert "15 oct 2026" in t(caught.value.key, "es", **caught.value.values)


def test_quarters_not_open_yet_or_before_the_item_starts_are_refused(session, plan, people):
    with pytest.raises(NotAllowed) as caught:
        reporting.save_report(session, people["a"], target(plan, quarter=Quarter(2027, 1)),
                              content(), expected_version=0)
    assert caught.value.key == "report.quarter_not_open"
    with pytest.raises(InvalidInput) as caught:
        reporting.save_report(session, people["a"], target(plan, "1.3"), content(),
                              expected_version=0)
    assert caught.value.key == "report.before_start"


@pytest.mark.parametrize("bad, key", [
    (content(120), "report.field.percent_range"),
    (content(-1), "report.field.percent_range"),
    (content(10, indicator_value=-5), "report.field.indicator_negative"),
    (content(10, narrative="x" * 5001), "report.field.narrative_too_long"),
    (content(10, obstacles="x" * 5001), "report.field.obstacles_too_long"),
    (content(10, evidence_link="javascript:alert(1)"), "report.field.link_invalid"),
    (content(10, evidence_link="www.example.org"), "report.field.link_invalid"),
    (ReportContent(percent_complete=10), "report.field.status_required"),
    (ReportContent(status=Status.IN_PROGRESS), "report.field.percent_required"),
])
def test_impossible_values_are_refused_naming_the_field(session, plan, people, bad, key):
    with pytest.raises(InvalidInput) as caught:
        reporting.save_report(session, people["a"], target(plan), bad, expected_version=0)
    assert caught.value.key == key


@pytest.mark.parametrize("doubtful, warning", [
    (content(80, Status.COMPLETED), "report.warn.completed_below_100"),
    (content(100, Status.COMPLETED, indicator_value=60), "report.warn.completed_below_target"),
    (content(10, Status.NOT_STARTED), "report.warn.not_started_with_progress"),
])
def test_a_status_that_disagrees_with_the_numbers_asks_for_confirmation(
        session, plan, people, doubtful, warning):
    with pytest.raises(NeedsConfirmation) as caught:
        reporting.save_report(session, people["a"], target(plan), doubtful, expected_version=0)
    assert caught.value.warnings == [warning]
    saved = reporting.save_report(session, people["a"], target(plan), doubtful,
                                  expected_version=0, confirmed=True)
    assert saved.version == 1


def test_two_members_saving_the_same_report_one_wins_one_sees_the_change(engine, plan,
                                                                        people, session):
    session.commit()
    first, second = Session(engine), Session(engine)
    try:
        # both opened the form on version 0; the first to save wins
        reporting.save_report(first, people["a"], target(plan), content(50, narrative="Done"),
                              expected_version=0)
        first.commit()
        with pytest.raises(Conflict) as caught:
            reporting.save_report(second, people["a"], target(plan), content(20),
                                  expected_version=0)
        second.rollback()
        assert caught.value.values == {"author": "a"}
        assert caught.value.changes["percent_complete"] == 50
        assert caught.value.changes["narrative"] == "Done"
    finally:
        first.close()
        second.close()
    with Session(engine) as check:
        assert progress(check, plan) == 0  # the draft is kept, nothing overwritten
        [item] = [w for w in worklist(check, people["a"], plan.plan.id, Quarter(2026, 4),
                                      plan.institutions["A"].id) if w.code == "1.1"]
        assert item.own.percent_complete == 50 and item.own.version == 1


def test_coordinator_approves_or_returns_with_a_comment_the_member_sees(session, plan, people):
    report = reporting.save_report(session, people["a"], target(plan), content(50),
                                   expected_version=0, submit=True)
    reporting.review(session, people["coordinator"], report.id, approve=True,
                     expected_version=1)
    assert progress(session, plan) == 50
    report = reporting.save_report(session, people["a"], target(plan), content(90),
                                   expected_version=2, submit=True)
    assert progress(session, plan) == 90
    with pytest.raises(InvalidInput) as caught:
        reporting.review(session, people["coordinator"], report.id, approve=False,
                         expected_version=3)
    assert caught.value.key == "report.field.comment_required"
    reporting.review(session, people["coordinator"], report.id, approve=False,
                     comment="90% needs the training list as evidence", expected_version=3)
    assert progress(session, plan) == 50  # the approved version counts again
    [item] = [w for w in worklist(session, people["a"], plan.plan.id, Quarter(2026, 4),
                                  plan.institutions["A"].id) if w.code == "1.1"]
    assert item.own.state == "returned"
    assert item.own.review_comment == "90% needs the training list as evidence"


def test_only_coordinators_review_and_only_submitted_reports(session, plan, people):
    report = reporting.save_report(session, people["a"], target(plan), content(50),
                                   expected_version=0)
    with pytest.raises(NotAllowed):
        reporting.review(session, people["a"], report.id, approve=True, expected_version=1)
    with pytest.raises(InvalidInput) as caught:
        reporting.review(session, people["coordinator"], report.id, approve=True,
                         expected_version=1)
    assert caught.value.key == "report.not_submitted"


def test_submitting_the_institutions_drafts_at_once(session, plan, people):
    reporting.save_report(session, people["b"], target(plan, "1.2", institution="B"),
                          content(70), expected_version=0)
    reporting.save_report(session, people["b"], target(plan, institution="B"),
                          content(30), expected_version=0)
    count = reporting.submit_drafts(session, people["b"], plan.plan.id, OPEN,
                                    plan.institutions["B"].id)
    assert count == 2
    assert progress(session, plan, "1.2") == 70


def test_every_write_is_audited_with_before_and_after(session, plan, people):
    reporting.save_report(session, people["a"], target(plan), content(10), expected_version=0)
    reporting.save_report(session, people["a"], target(plan), content(20), expected_version=1,
                          submit=True)
    entries = session.exec(select(AuditEntry).where(AuditEntry.entity == "report")
                           .order_by(AuditEntry.id)).all()
    assert [e.action for e in entries] == ["save_draft", "submit"]
    assert entries[-1].user_id == people["a"].user_id
    assert json.loads(entries[-1].before)["percent_complete"] == 10
    assert json.loads(entries[-1].after)["percent_complete"] == 20


def test_history_lists_every_version_newest_first(session, plan, people):
    reporting.save_report(session, people["a"], target(plan), content(10), expected_version=0)
    reporting.save_report(session, people["a"], target(plan), content(20), expected_version=1,
                          submit=True)
    history = reporting.item_history(session, people["observer"], plan.items["1.1"].id)
    assert [(e.number, e.state, e.percent_complete) for e in history.entries] == [
        (2, "submitted", 20), (1, "draft", 10)]
    assert history.entries[0].author == "a"
