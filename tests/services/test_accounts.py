"""Accounts: who may manage whom, deactivation, password resets and hand-overs."""

from __future__ import annotations

import pytest
from sqlmodel import select

from tests.factories import PlanBuilder, two_plans_with_accounts
from tracker.errors import InvalidInput, NotAllowed
from tracker.models import ReportRevision, RoleGrant, Status, User
from tracker.quarters import Quarter
from tracker.services import accounts, auth, invitations, reporting
from tracker.services.permissions import actor_for
from tracker.services.reporting import Target
from tracker.services.reports import ReportContent

PASSWORD = "a long enough secret"


@pytest.fixture
def world(session):
    return two_plans_with_accounts(session)


def test_a_coordinator_manages_only_the_accounts_of_its_plans(session, world):
    coordinator = actor_for(session, world["coordinator"])
    emails = [row.email for row in accounts.list_accounts(session, coordinator)]
    assert emails == ["coord@example.org", "member@example.org"]
    for target in ("other", "admin"):
        with pytest.raises(NotAllowed):
            accounts.set_active(session, coordinator, world[target].id, False)
    admin = actor_for(session, world["admin"])
    assert len(accounts.list_accounts(session, admin)) == 4


def test_deactivation_signs_out_everywhere_and_refuses_sign_in(session, world):
    member = world["member"]
    session_id, _ = auth.start_session(session, member)
    accounts.set_active(session, actor_for(session, world["coordinator"]), member.id, False)
    assert auth.active_session(session, session_id) is None
    with pytest.raises(auth.SignInRefused):
        auth.sign_in(session, "member@example.org", PASSWORD)
    with pytest.raises(InvalidInput):  # nobody deactivates their own account
        coordinator = actor_for(session, world["coordinator"])
        accounts.set_active(session, coordinator, world["coordinator"].id, False)


def test_password_reset_and_own_change(session, world):
    admin = actor_for(session, world["admin"])
    accounts.reset_password(session, admin, world["member"].id, "temporary password 1")
    assert auth.sign_in(session, "member@example.org", "temporary password 1")
    member = actor_for(session, world["member"])
    with pytest.raises(InvalidInput) as caught:
        accounts.change_own_password(session, member, "wrong", "another long secret")
    assert caught.value.key == "error.wrong_current_password"
    with pytest.raises(InvalidInput) as caught:
        accounts.change_own_password(session, member, "temporary password 1", "short")
    assert caught.value.key == "error.password_too_short"
    accounts.change_own_password(session, member, "temporary password 1", "another long secret")
    assert auth.sign_in(session, "member@example.org", "another long secret")


def test_hand_over_keeps_history_and_moves_roles(session, world):
    plan = world["plan"]
    member = actor_for(session, world["member"])
    reporting.save_report(session, member, Target(plan.items["1.1"].id, Quarter(2026, 4),
                                                  plan.institutions["A"].id),
                          ReportContent(status=Status.IN_PROGRESS, percent_complete=30),
                          expected_version=0)
    coordinator = actor_for(session, world["coordinator"])
    new = accounts.hand_over(session, coordinator, world["member"].id,
                             email="successor@example.org", display_name="Successor",
                             password=PASSWORD)
    assert new.institution_id == plan.institutions["A"].id
    grants = session.exec(select(RoleGrant.role).where(RoleGrant.user_id == new.id)).all()
    assert grants == ["member"]
    assert not session.get(User, world["member"].id).is_active
    authors = session.exec(select(ReportRevision.author_id)).all()
    assert authors == [world["member"].id]  # what the old focal point wrote stays theirs
    successor = actor_for(session, new)
    reporting.save_report(session, successor, Target(plan.items["1.1"].id, Quarter(2026, 4),
                                                     plan.institutions["A"].id),
                          ReportContent(status=Status.IN_PROGRESS, percent_complete=35),
                          expected_version=1)


def test_a_coordinator_cannot_attach_a_member_to_another_plans_institution(session, world):
    second = PlanBuilder(session, name="Third")
    second.institution("FGN", country="CO")
    second.line("1")
    second.item("1.1", line="1", lead="FGN", start="2026-Q1", due="2026-Q4")
    coordinator = actor_for(session, world["coordinator"])
    with pytest.raises(InvalidInput) as caught:
        accounts.add_user(session, coordinator, email="x@example.org", display_name="X",
                          role="member", password=PASSWORD, institution="FGN",
                          plans=[world["plan"].plan])
    assert caught.value.key == "error.institution_not_in_plans"
    assert [a for a, _ in accounts.account_institutions(session, coordinator)] == ["A"]
    created = accounts.add_user(session, coordinator, email="y@example.org", display_name="Y",
                                role="member", password=PASSWORD, institution="A",
                                plans=[world["plan"].plan])
    assert created.must_change_password  # someone else chose it
    accounts.change_own_password(session, actor_for(session, created), PASSWORD,
                                 "a new secret of my own")
    assert not created.must_change_password


def test_only_an_administrator_grants_the_admin_role(session, world):
    """The rule the account form follows (its role choices) is the service's."""
    coordinator = actor_for(session, world["coordinator"])
    admin = actor_for(session, world["admin"])
    assert "admin" not in accounts.grantable_roles(coordinator)
    assert accounts.grantable_roles(admin) == ["member", "coordinator", "observer", "admin"]
    with pytest.raises(InvalidInput) as caught:
        invitations.add_and_invite(
            session, coordinator, email="boss@example.org", display_name="Boss", role="admin",
            password=PASSWORD, institution=None, plan_ids=[world["plan"].plan.id],
            app_url="https://tracker.example.org/", smtp=None)
    assert caught.value.key == "error.not_allowed.manage_accounts"
    assert accounts.find_user(session, "boss@example.org") is None
    sent = invitations.add_and_invite(
        session, admin, email="boss@example.org", display_name="Boss", role="admin",
        password=PASSWORD, institution=None, plan_ids=[], app_url="https://tracker.example.org/",
        smtp=None)
    assert accounts.find_user(session, "boss@example.org").is_admin
    assert sent.mail.to == "boss@example.org" and not sent.sent  # ready to copy


def test_passwords_are_stored_as_argon2id_at_rfc_9106_cost_unless_configured(monkeypatch):
    """The tests lower the cost (tests/conftest.py); a deployment keeps the real one, and a
    hash made at either cost still opens its account."""
    from argon2 import extract_parameters

    cheap = accounts.hash_password("a long enough secret")
    for name in ("TRACKER_ARGON2_TIME_COST", "TRACKER_ARGON2_MEMORY_KIB"):
        monkeypatch.delenv(name, raising=False)
    stored = accounts.hash_password("a long enough secret")
    assert stored.startswith("$argon2id$")
    parameters = extract_parameters(stored)
    assert (parameters.time_cost, parameters.memory_cost) == (3, 65536)
    assert accounts.password_matches(cheap, "a long enough secret")
    assert accounts.password_matches(stored, "a long enough secret")
    assert not accounts.password_matches(stored, "a long enough secreT")
