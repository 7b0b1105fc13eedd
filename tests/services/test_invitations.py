"""Inviting a focal point: the account and its invitation in one write, the message in the
person's language, e-mailed when SMTP is set, otherwise handed to the coordinator to copy."""

from __future__ import annotations

import pytest
from sqlmodel import select

from tests.factories import PlanBuilder, two_plans_with_accounts
from tracker.errors import NotAllowed
from tracker.models import RoleGrant
from tracker.services import accounts, invitations
from tracker.services.permissions import SYSTEM, actor_for

PASSWORD = "a long enough secret"


@pytest.fixture
def world(session):
    return two_plans_with_accounts(session)


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
    assert "https://tracker.example/?lang=es" in body and "Ana Torres creó su cuenta" in body
    assert "Plan binacional" in body and person.must_change_password


APP = "https://tracker.example.org/"


def test_the_invitation_is_in_the_persons_language_and_names_the_plans_and_who_invites(
        session, world):
    member = world["member"]
    member.language = "en"
    session.add(member)
    session.flush()
    coordinator = actor_for(session, world["coordinator"])
    mail = invitations.invitation(session, coordinator, member.id, app_url=APP,
                                  password="temporary secret 1")
    assert (mail.to, mail.subject) == (member.email, "Your account on the joint work plan tracker")
    assert mail.body.startswith(f"Hello {member.display_name},")
    assert f"{world['coordinator'].display_name} created your account" in mail.body
    assert f"({world['plan'].plan.name})" in mail.body
    assert APP in mail.body and "temporary secret 1" in mail.body
    by_operator = invitations.invitation(session, SYSTEM, member.id, app_url=APP,
                                         password="temporary secret 1")
    assert "the commission's coordination created your account" in by_operator.body


def test_only_who_manages_every_plan_of_the_account_sees_its_invitation(session, world):
    member = world["member"]
    second = session.exec(select(RoleGrant.plan_id).where(
        RoleGrant.user_id == world["other"].id)).one()
    session.add(RoleGrant(user_id=member.id, plan_id=second, role="member"))
    session.flush()
    coordinator = actor_for(session, world["coordinator"])
    with pytest.raises(NotAllowed):  # it carries the password: the second plan is not theirs
        invitations.invite(session, coordinator, member.id, app_url=APP,
                           password="temporary secret 1", smtp=None)
    sent = invitations.invite(session, actor_for(session, world["admin"]), member.id,
                              app_url=APP, password="temporary secret 1", smtp=None)
    assert not sent.sent  # no mail server: the coordinator copies it
    assert "(First, Second)" in sent.mail.body  # every plan of the account, by name


def test_the_invitations_link_opens_the_app_in_the_invitees_language():
    from tracker.services.invitations import link_in

    assert link_in("https://tracker.example/", "es") == "https://tracker.example/?lang=es"
    assert link_in("https://tracker.example/app?lang=en&x=1", "es") == \
        "https://tracker.example/app?x=1&lang=es"


def test_a_handover_invites_the_new_focal_point_as_account_creation_does(session, world):
    """Issue 26, item 8: the successor gets the invitation with the temporary password."""
    member = world["member"]
    member.language = "en"
    session.add(member)
    session.flush()
    coordinator = actor_for(session, world["coordinator"])
    sent = invitations.hand_over_and_invite(
        session, coordinator, member.id, email="successor@example.org",
        display_name="Successor", password="temporary secret 2", app_url=APP, smtp=None)
    assert not sent.sent  # no mail server: the coordinator copies it
    assert (sent.mail.to, sent.mail.subject) == (
        "successor@example.org", "Your account on the joint work plan tracker")
    assert sent.mail.body.startswith("Hello Successor,")  # in the old focal point's language
    assert APP in sent.mail.body and "temporary secret 2" in sent.mail.body
    assert f"({world['plan'].plan.name})" in sent.mail.body
    successor = accounts.find_user(session, "successor@example.org")
    assert successor.must_change_password and not session.get(type(member), member.id).is_active


def test_a_handover_is_emailed_when_smtp_is_set(session, world, inbox):
    from tracker.settings import get_settings

    coordinator = actor_for(session, world["coordinator"])
    sent = invitations.hand_over_and_invite(
        session, coordinator, world["member"].id, email="relevo@example.org",
        display_name="Relevo", password="clave temporal 2026", app_url=APP,
        smtp=get_settings().smtp)
    assert sent.sent
    [mail] = inbox.messages
    assert mail["To"] == "relevo@example.org"
    body = mail.get_payload(decode=True).decode()
    assert "clave temporal 2026" in body and APP in body and "Hola, Relevo:" in body


def test_a_handover_of_another_plans_account_invites_no_one(session, world):
    coordinator = actor_for(session, world["coordinator"])
    with pytest.raises(NotAllowed):
        invitations.hand_over_and_invite(
            session, coordinator, world["other"].id, email="x@example.org", display_name="X",
            password="temporary secret 2", app_url=APP, smtp=None)
    assert accounts.find_user(session, "x@example.org") is None
