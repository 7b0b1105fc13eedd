"""Who still owes a report for a quarter: per institution, its items and focal points."""

from __future__ import annotations

import pytest

from tests.factories import PASSWORD, PlanBuilder, people_of, three_institution_plan
from tracker.errors import NotAllowed
from tracker.models import Status
from tracker.quarters import Quarter
from tracker.services import accounts, reporting
from tracker.services.accounts import add_user
from tracker.services.missing import missing_by_institution
from tracker.services.permissions import SYSTEM
from tracker.services.reporting import Target
from tracker.services.reports import ReportContent

OPEN = Quarter(2026, 4)  # today is 2027-01-10


@pytest.fixture
def plan(session) -> PlanBuilder:
    return three_institution_plan(session)


@pytest.fixture
def people(session, plan):
    return people_of(session, plan, "a", "b", "coordinator")


def content(percent=40.0, status=Status.IN_PROGRESS, **kwargs) -> ReportContent:
    return ReportContent(status=status, percent_complete=percent, **kwargs)


def target(plan, code="1.1", quarter=OPEN, institution="A") -> Target:
    return Target(plan.items[code].id, quarter, plan.institutions[institution].id)


def test_missing_reports_name_the_institutions_focal_points(session, plan, people):
    from tracker.services.missing import missing_by_institution

    reporting.save_report(session, people["a"], target(plan), content(40), expected_version=0)
    dues = missing_by_institution(session, people["coordinator"], plan.plan.id,
                                  Quarter(2026, 4))
    by_institution = {due.institution: due for due in dues}
    assert sorted(by_institution) == ["A", "B"]
    assert by_institution["A"].focal_points == [("a", "a@example.org")]
    assert [(i.code, i.state) for i in by_institution["A"].items] == [("1.1", "draft")]
    assert [(i.code, i.state) for i in by_institution["B"].items] == [("1.1", None),
                                                                       ("1.2", None)]
    with pytest.raises(NotAllowed):
        missing_by_institution(session, people["a"], plan.plan.id, Quarter(2026, 4))


def _due(session, plan, people, quarter=OPEN):
    dues = missing_by_institution(session, people["coordinator"], plan.plan.id, quarter)
    return {due.institution: [(i.code, i.state) for i in due.items] for due in dues}


def test_counting_reports_leave_the_list_and_the_others_stay_with_their_state(session, plan,
                                                                              people):
    assert _due(session, plan, people) == {"A": [("1.1", None)],
                                           "B": [("1.1", None), ("1.2", None)]}
    reporting.save_report(session, people["a"], target(plan), content(40), expected_version=0,
                          submit=True)
    reporting.save_report(session, people["b"], target(plan, institution="B"),
                          ReportContent(nothing_to_report=True), expected_version=0,
                          submit=True)  # "nothing to report" is a report, not a missing one
    returned = reporting.save_report(session, people["b"], target(plan, "1.2", institution="B"),
                                     content(70), expected_version=0, submit=True)
    assert _due(session, plan, people) == {}  # submitted counts, approved or not
    reporting.review(session, people["coordinator"], returned.id, approve=False,
                     comment="Which protocol?", expected_version=1)
    assert _due(session, plan, people) == {"B": [("1.2", "returned")]}


def test_items_not_started_or_done_before_the_quarter_are_not_asked_for(session, plan,
                                                                        people):
    plan.report("1.2", "2026-Q3", status=Status.COMPLETED, percent=100)
    assert _due(session, plan, people) == {"A": [("1.1", None)], "B": [("1.1", None)]}
    # 1.3 starts in 2027-Q1: due from then on, from A alone
    assert _due(session, plan, people, Quarter(2027, 1)) == {
        "A": [("1.1", None), ("1.3", None)], "B": [("1.1", None)]}


def test_the_focal_points_named_are_the_active_members_of_this_plan(session, plan, people):
    other = PlanBuilder(session, name="Other plan")
    other.institutions["A"] = plan.institutions["A"]
    other.line("1")
    other.item("1.1", line="1", lead="A", start="2026-Q1", due="2026-Q4")
    elsewhere = add_user(session, SYSTEM, email="a-other@example.org", display_name="Other A",
                         role="member", password=PASSWORD, institution="A",
                         plans=[other.plan])
    assert elsewhere.is_active  # a focal point of A, but on the other plan
    accounts.set_active(session, people["coordinator"], people["b"].user_id, False)
    dues = {due.institution: due for due in missing_by_institution(
        session, people["coordinator"], plan.plan.id, OPEN)}
    assert dues["A"].focal_points == [("a", "a@example.org")]
    assert dues["B"].focal_points == []  # its only member left: nobody to remind
    assert [i.code for i in dues["B"].items] == ["1.1", "1.2"]  # the reports are still due
