"""Who still owes a report for a quarter: per institution, its items and focal points."""

from __future__ import annotations

import pytest

from tests.factories import PlanBuilder
from tracker.errors import NotAllowed
from tracker.models import Status
from tracker.quarters import Quarter
from tracker.services import reporting
from tracker.services.accounts import add_user
from tracker.services.permissions import SYSTEM, actor_for
from tracker.services.reporting import Target
from tracker.services.reports import ReportContent

OPEN = Quarter(2026, 4)  # today is 2027-01-10
PASSWORD = "a long enough secret"


@pytest.fixture
def plan(session) -> PlanBuilder:
    """A, B and C; 1.1 led by A with B's support, 1.2 led by B, 1.3 led by A from 2027-Q1."""
    b = PlanBuilder(session, last="2027-Q2")
    for acronym in ("A", "B", "C"):
        b.institution(acronym)
    b.line("1")
    b.item("1.1", line="1", lead="A", start="2026-Q1", due="2027-Q2", supporters=("B",),
           target=100)
    b.item("1.2", line="1", lead="B", start="2026-Q1", due="2026-Q4")
    b.item("1.3", line="1", lead="A", start="2027-Q1", due="2027-Q2")
    return b


@pytest.fixture
def people(session, plan):
    def account(email, role, institution=None):
        user = add_user(session, SYSTEM, email=email, display_name=email.split("@")[0],
                        role=role, password=PASSWORD, institution=institution,
                        plans=[plan.plan])
        return actor_for(session, user)

    return {"a": account("a@example.org", "member", "A"),
            "coordinator": account("coord@example.org", "coordinator")}


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
