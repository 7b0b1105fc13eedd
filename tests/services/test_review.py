"""What coordinators review: the quarter's reports whose latest version is submitted, oldest
first, with what the member confirmed past."""

from __future__ import annotations

import pytest

from tests.factories import PlanBuilder
from tracker.errors import NotAllowed
from tracker.models import Status
from tracker.quarters import Quarter
from tracker.services import reporting
from tracker.services.permissions import SYSTEM
from tracker.services.reporting import Target
from tracker.services.reports import ReportContent
from tracker.services.review import awaiting_review

Q3, Q4 = Quarter(2026, 3), Quarter(2026, 4)  # 2026-Q4 is open (today 2027-01-10)


def _save(session, actor, plan, code, quarter=Q4, percent=40.0, **options):
    item = plan.items[code]
    return reporting.save_report(
        session, actor, Target(item.id, quarter, item.lead_institution_id),
        ReportContent(status=options.pop("status", Status.IN_PROGRESS),
                      percent_complete=percent), **options)


def _listed(session, people, plan, quarter=Q4):
    return [(s.code, s.institution, s.percent_complete)
            for s in awaiting_review(session, people["coordinator"], plan.plan.id, quarter)]


def test_submitted_reports_wait_oldest_first_until_approved_or_returned(session, plan,
                                                                         people):
    member, coordinator = people["member"], people["coordinator"]
    first = _save(session, member, plan, "1.1", percent=45, expected_version=0, submit=True)
    second = _save(session, coordinator, plan, "2.1", percent=20, expected_version=0,
                   submit=True)
    assert _listed(session, people, plan) == [("1.1", "A", 45), ("2.1", "B", 20)]
    [oldest, _] = awaiting_review(session, coordinator, plan.plan.id, Q4)
    assert (oldest.report_id, oldest.version, oldest.author) == (first.id, 1, "m@example.org")
    reporting.review(session, coordinator, first.id, approve=True, expected_version=1)
    returned = reporting.review(session, coordinator, second.id, approve=False,
                                comment="Which courses?", expected_version=1)
    assert _listed(session, people, plan) == []
    _save(session, coordinator, plan, "2.1", percent=25, expected_version=returned.version,
          submit=True)
    assert _listed(session, people, plan) == [("2.1", "B", 25)]  # submitted again


def test_drafts_and_other_quarters_and_plans_do_not_wait(session, plan, people):
    _save(session, people["member"], plan, "1.1", expected_version=0)  # a draft
    _save(session, people["coordinator"], plan, "2.1", Q3, percent=15, expected_version=1,
          submit=True, reason="The figures came by e-mail")  # a correction of Q3
    other = PlanBuilder(session, name="Other plan")
    other.institutions["A"] = plan.institutions["A"]
    other.line("1")
    other.item("9.1", line="1", lead="A", start="2026-Q1", due="2026-Q4")
    _save(session, SYSTEM, other, "9.1", expected_version=0, submit=True)
    assert _listed(session, people, plan) == []
    assert _listed(session, people, plan, Q3) == [("2.1", "B", 15)]


def test_a_status_the_member_confirmed_past_its_warning_is_shown_as_such(session, plan,
                                                                         people):
    _save(session, people["member"], plan, "1.1", percent=80, status=Status.COMPLETED,
          expected_version=0, submit=True, confirmed=True)
    _save(session, people["coordinator"], plan, "2.1", percent=30, expected_version=0,
          submit=True)
    found = {s.code: s for s in awaiting_review(session, people["coordinator"],
                                                plan.plan.id, Q4)}
    assert found["1.1"].overridden == ("report.warn.completed_below_100",)
    assert found["1.1"].status == "completed"
    assert found["2.1"].overridden == ()


def test_only_who_approves_sees_the_reports_waiting(session, plan, people):
    with pytest.raises(NotAllowed):
        awaiting_review(session, people["member"], plan.plan.id, Q4)
    assert awaiting_review(session, SYSTEM, plan.plan.id, Q4) == []
