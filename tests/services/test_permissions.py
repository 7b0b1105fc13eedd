"""Who may do what: the pages a role sees come from the permission table, and each service
checks the permission it means (approving, correcting, following up are separate)."""

from __future__ import annotations

import pytest

from tests.factories import PlanBuilder
from tracker.errors import NotAllowed
from tracker.models import Role, Status
from tracker.quarters import Quarter
from tracker.services import lifecycle, reminders, reporting, review
from tracker.services.accounts import add_user
from tracker.services.missing import missing_by_institution
from tracker.services.permissions import (
    GRANTS,
    PAGES,
    SYSTEM,
    Actor,
    PageName,
    Permission,
    actor_for,
    visible_pages,
)
from tracker.services.reporting import Target
from tracker.services.reports import ReportContent
from tracker.services.worklist import worklist

P = PageName
COMMON = [P.ITEM, P.PRESENTATION]
MANAGEMENT = [P.MEETINGS, P.ACTIVITY, P.PLAN_ADMIN, P.PLAN_FILES, P.ACCOUNTS]

# the page x role table of docs/pages.md, as the navigation showed it before it was derived
EXPECTED = {
    "member": [P.OVERVIEW, P.MY_INSTITUTION, *COMMON, P.MY_ACCOUNT],
    "member without institution": [P.OVERVIEW, *COMMON, P.MY_ACCOUNT],
    "coordinator": [P.OVERVIEW, P.GETTING_STARTED, P.REVIEW, *COMMON, *MANAGEMENT,
                    P.MY_ACCOUNT],
    "observer": [P.OVERVIEW, *COMMON, P.MY_ACCOUNT],
    "admin": [P.OVERVIEW, P.GETTING_STARTED, *COMMON, *MANAGEMENT, P.MY_ACCOUNT],
    "admin and member": [P.OVERVIEW, P.GETTING_STARTED, P.MY_INSTITUTION, *COMMON,
                         *MANAGEMENT, P.MY_ACCOUNT],
    "member here, coordinator there": [P.OVERVIEW, P.GETTING_STARTED, P.MY_INSTITUTION,
                                       P.REVIEW, *COMMON, *MANAGEMENT, P.MY_ACCOUNT],
    "no role": [P.OVERVIEW, *COMMON, P.MY_ACCOUNT],
}
ACTORS = {
    "member": Actor(1, institution_id=7, roles={1: frozenset({Role.MEMBER})}),
    "member without institution": Actor(1, roles={1: frozenset({Role.MEMBER})}),
    "coordinator": Actor(1, roles={1: frozenset({Role.COORDINATOR})}),
    "observer": Actor(1, institution_id=7, roles={1: frozenset({Role.OBSERVER})}),
    "admin": Actor(1, is_admin=True),
    "admin and member": Actor(1, institution_id=7, is_admin=True,
                              roles={1: frozenset({Role.MEMBER})}),
    "member here, coordinator there": Actor(1, institution_id=7, roles={
        1: frozenset({Role.MEMBER}), 2: frozenset({Role.COORDINATOR})}),
    "no role": Actor(1, institution_id=7),
}


@pytest.mark.parametrize("who", EXPECTED)
def test_the_pages_a_role_sees_are_those_of_the_table(who):
    assert visible_pages(ACTORS[who]) == EXPECTED[who]


def test_every_page_names_what_it_needs_in_the_one_table():
    assert list(PAGES) == list(PageName)  # every page, in the navigation's order
    needed = {rule.needs for rule in PAGES.values()} - {None}
    assert needed <= {p for granted in GRANTS.values() for p in granted}  # each one granted


def test_approving_correcting_and_following_up_are_the_coordinators_as_before():
    split = {Permission.APPROVE_REPORTS, Permission.CORRECT_REPORTS,
             Permission.FOLLOW_UP_REPORTS}
    assert split <= GRANTS[Role.COORDINATOR]
    for role in (Role.MEMBER, Role.OBSERVER):
        assert not split & GRANTS[role]
    assert not split & Actor(1, is_admin=True).permissions(1)


# ---- each service checks the permission it means ----------------------------------------

OPEN, CLOSED = Quarter(2026, 4), Quarter(2026, 3)  # today is 2027-01-10
PASSWORD = "a long enough secret"


@pytest.fixture
def world(session):
    plan = PlanBuilder(session)
    for acronym in ("A", "B"):
        plan.institution(acronym)
    plan.line("1")
    plan.item("1.1", line="1", lead="A", start="2026-Q1", due="2026-Q4", supporters=("B",))

    def account(email, role, institution=None):
        return add_user(session, SYSTEM, email=email, display_name=email.split("@")[0],
                        role=role, password=PASSWORD, institution=institution,
                        plans=[plan.plan])

    member, coordinator = account("a@example.org", "member", "A"), account(
        "coord@example.org", "coordinator")
    submitted = reporting.save_report(
        session, actor_for(session, member), Target(plan.items["1.1"].id, OPEN,
                                                    plan.institutions["A"].id),
        ReportContent(status=Status.IN_PROGRESS, percent_complete=40), expected_version=0,
        submit=True)
    return {"plan": plan, "member": member, "coordinator": coordinator, "report": submitted}


def _part(world, institution, quarter=OPEN) -> Target:
    plan = world["plan"]
    return Target(plan.items["1.1"].id, quarter, plan.institutions[institution].id)


def _awaiting(session, world, actor):
    review.awaiting_review(session, actor, world["plan"].plan.id, OPEN)


def _return(session, world, actor):
    reporting.review(session, actor, world["report"].id, approve=False,
                     comment="Please add the list of people trained", expected_version=1)


def _write_another_part(session, world, actor):
    reporting.save_report(session, actor, _part(world, "B"),
                          ReportContent(nothing_to_report=True), expected_version=0)


def _correct_closed_quarter(session, world, actor):
    reporting.save_report(session, actor, _part(world, "A", CLOSED),
                          ReportContent(status=Status.IN_PROGRESS, percent_complete=30),
                          expected_version=0, reason="Sent by e-mail after the close")


def _another_worklist(session, world, actor):
    worklist(session, actor, world["plan"].plan.id, Quarter(2026, 4),
             world["plan"].institutions["B"].id)


def _reopened(session, world, actor):
    lifecycle.reopened_quarters(session, actor, world["plan"].plan.id)


def _missing(session, world, actor):
    missing_by_institution(session, actor, world["plan"].plan.id, Quarter(2026, 4))


def _remind(session, world, actor):
    reminders.remind_from_app(session, actor, world["plan"].plan.id, Quarter(2026, 4), None)


CHECKED_BY = {
    Permission.APPROVE_REPORTS: [_awaiting, _return],
    Permission.CORRECT_REPORTS: [_write_another_part, _correct_closed_quarter,
                                 _another_worklist, _reopened],
    Permission.FOLLOW_UP_REPORTS: [_missing, _remind],
}


@pytest.mark.parametrize("lacking", CHECKED_BY, ids=str)
def test_a_role_lacking_one_permission_is_refused_only_where_it_is_meant(
        session, world, monkeypatch, lacking):
    monkeypatch.setitem(GRANTS, Role.COORDINATOR, GRANTS[Role.COORDINATOR] - {lacking})
    coordinator = actor_for(session, world["coordinator"])
    for permission, checks in CHECKED_BY.items():
        for check in checks:
            if permission == lacking:
                with pytest.raises(NotAllowed):
                    check(session, world, coordinator)
            else:
                check(session, world, coordinator)  # the other permissions still hold


@pytest.mark.parametrize("check", [c for checks in CHECKED_BY.values() for c in checks],
                         ids=lambda c: c.__name__.strip("_"))
def test_a_member_is_refused_what_only_coordinators_do(session, world, check):
    with pytest.raises(NotAllowed):
        check(session, world, actor_for(session, world["member"]))
