"""Inviting a focal point: the account and its invitation in one write, the message in the
person's language, e-mailed when SMTP is set, otherwise handed to the coordinator to copy."""

from __future__ import annotations

import pytest
from sqlmodel import select

from tests.factories import PlanBuilder
from tracker.errors import NotAllowed
from tracker.models import RoleGrant
from tracker.services import accounts, invitations
from tracker.services.permissions import SYSTEM, actor_for

PASSWORD = "a long enough secret"


@pytest.fixture
def world(session):
    """Plan "First" (institution A) with its coordinator and a member of A; an observer of
    plan "Second"; an admin."""
    first = PlanBuilder(session, name="First")
    first.institution("A")
    first.line("1")
    first.item("1.1", line="1", lead="A", start="2026-Q1", due="2026-Q4")
    second = PlanBuilder(session, name="Second")

    def account(email, role, plans, institution=None):
        return accounts.add_user(session, SYSTEM, email=email, display_name=email[:5],
                                 role=role, password=PASSWORD, institution=institution,
                                 plans=plans)

    return {
        "plan": first,
        "coordinator": account("coord@example.org", "coordinator", [first.plan]),
        "member": account("member@example.org", "member", [first.plan], "A"),
        "other": account("other@example.org", "observer", [second.plan]),
        "admin": account("admin@example.org", "admin", []),
    }


def test_the_account_form_adds_and_invites_on_the_plans_it_names(session, world):
    coordinator = actor_for(session, world["coordinator"])
    plan = world["plan"].plan
    sent = invitations.add_and_invite(
        session, coordinator, email="focal@example.org", display_name="Focal", role="member",
        password=PASSWORD, institution="A", plan_ids=[plan.id],
        app_url="https://tracker.example.org/", smtp=None)
    created = accounts.find_user(session, "focal@example.org")
    assert [(g.plan_id, g.role) for g in session.exec(
        select(RoleGrant).where(RoleGrant.user_id == created.id))] == [(plan.id, "member")]
    assert plan.name in sent.mail.body
    second = world["other"]  # an observer of the second plan: not the coordinator's plan
    second_plan = session.exec(select(RoleGrant.plan_id).where(
        RoleGrant.user_id == second.id)).one()
    with pytest.raises(NotAllowed):
        invitations.add_and_invite(
            session, coordinator, email="x@example.org", display_name="X", role="observer",
            password=PASSWORD, institution=None, plan_ids=[second_plan],
            app_url="https://tracker.example.org/", smtp=None)


def test_an_invitation_is_emailed_in_the_persons_language(session, inbox):
    from tests.factories import PlanBuilder
    from tracker.services import accounts, invitations
    from tracker.services.permissions import SYSTEM, actor_for
    from tracker.settings import get_settings

    plan = PlanBuilder(session, name="Plan binacional")
    plan.institution("A")
    plan.line("1")
    plan.item("1.1", line="1", lead="A", start="2026-Q1", due="2026-Q4")
    coordinator = actor_for(session, accounts.add_user(
        session, SYSTEM, email="c@example.org", display_name="Ana Torres", role="coordinator",
        password="a long enough secret", plans=[plan.plan]))
    person = accounts.add_user(session, coordinator, email="pf@example.org",
                               display_name="Punto focal A", role="member", institution="A",
                               password="clave-temporal-2026", plans=[plan.plan], language="es")
    sent = invitations.invite(session, coordinator, person.id, app_url="https://tracker.example/",
                              password="clave-temporal-2026", smtp=get_settings().smtp)
    assert sent.sent
    [mail] = inbox.messages
    body = mail.get_payload(decode=True).decode()
    assert mail["Subject"] == "Su cuenta en el seguimiento del plan conjunto"
    assert "https://tracker.example/" in body and "Ana Torres creó su cuenta" in body
    assert "Plan binacional" in body and person.must_change_password
