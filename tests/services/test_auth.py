"""Signing in: passwords, lockout, server-side sessions and the cookie routes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session
from starlette.applications import Starlette
from starlette.testclient import TestClient

from tracker.models import User, utcnow
from tracker.services import auth
from tracker.services.accounts import add_user
from tracker.services.permissions import SYSTEM

PASSWORD = "correct horse battery"


@pytest.fixture
def user(session) -> User:
    return add_user(session, SYSTEM, email="focal@example.org", display_name="Focal point",
                    role="observer", password=PASSWORD, plans=[])


def _refusal(session, email, password, **kwargs) -> auth.SignInRefused:
    with pytest.raises(auth.SignInRefused) as caught:
        auth.sign_in(session, email, password, **kwargs)
    return caught.value


def test_right_password_signs_in_whatever_the_case_of_the_email(session, user):
    assert auth.sign_in(session, " Focal@Example.org ", PASSWORD).id == user.id


def test_wrong_password_and_unknown_email_read_the_same(session, user):
    wrong = _refusal(session, "focal@example.org", "nope")
    unknown = _refusal(session, "nobody@example.org", "nope")
    assert (wrong.key, wrong.values) == (unknown.key, unknown.values) == ("signin.failed", {})


@pytest.mark.parametrize("email", ["focal@example.org", "nobody@example.org"])
def test_five_failures_lock_the_email_for_fifteen_minutes(session, user, email):
    now = utcnow()
    for _ in range(4):
        assert _refusal(session, email, "nope", now=now).key == "signin.failed"
    locked = _refusal(session, email, "nope", now=now)
    assert (locked.key, locked.values) == ("signin.locked", {"minutes": 15})
    # even the right password waits
    assert _refusal(session, email, PASSWORD, now=now + timedelta(minutes=14)).values == {
        "minutes": 1}
    if email == "focal@example.org":
        later = now + timedelta(minutes=15, seconds=1)
        assert auth.sign_in(session, email, PASSWORD, now=later).id == user.id


def test_a_success_forgets_earlier_failures(session, user):
    for _ in range(4):
        _refusal(session, "focal@example.org", "nope")
    auth.sign_in(session, "focal@example.org", PASSWORD)
    for _ in range(4):
        assert _refusal(session, "focal@example.org", "nope").key == "signin.failed"


def test_deactivated_accounts_are_refused(session, user):
    user.is_active = False
    session.add(user)
    assert _refusal(session, "focal@example.org", PASSWORD).key == "signin.failed"


def test_code_is_traded_once_for_a_cookie_that_finds_the_session(session, user):
    session_id, code = auth.start_session(session, user)
    token = auth.redeem_code(session, code)
    assert token and token != code
    assert auth.session_from_cookie(session, token).id == session_id
    assert auth.redeem_code(session, code) is None  # one use only
    assert auth.session_from_cookie(session, "forged") is None


def test_old_codes_and_sessions_expire(session, user):
    now = utcnow()
    _, code = auth.start_session(session, user, now=now)
    assert auth.redeem_code(session, code, now=now + timedelta(minutes=2)) is None
    session_id, code = auth.start_session(session, user, now=now)
    token = auth.redeem_code(session, code, now=now)
    later = now + auth.SESSION_LIFETIME + timedelta(seconds=1)
    assert auth.session_from_cookie(session, token, now=later) is None
    assert auth.active_session(session, session_id, now=later) is None


def test_sign_out_and_deactivation_revoke_sessions(session, user):
    first, code = auth.start_session(session, user)
    token = auth.redeem_code(session, code)
    auth.revoke_session(session, first)
    assert auth.session_from_cookie(session, token) is None
    second, _ = auth.start_session(session, user)
    third, _ = auth.start_session(session, user)
    auth.revoke_all_sessions(session, user.id)
    assert auth.active_session(session, second) is None
    assert auth.active_session(session, third) is None


def test_routes_set_an_httponly_cookie_and_clear_it(engine, database_url, monkeypatch, user,
                                                    session):
    import server

    monkeypatch.setenv("TRACKER_DATABASE_URL", database_url)
    session.commit()
    with Session(engine) as other:
        session_id, code = auth.start_session(other, other.get(User, user.id),
                                              binding="page token")
        other.commit()
    client = TestClient(Starlette(routes=server.ROUTES),
                        cookies={"tracker_csrf": "page token"})
    token_field = {"csrf": "page token"}
    assert client.post("/api/session", data={"code": "forged", **token_field}
                       ).status_code == 400
    response = client.post("/api/session", data={"code": code, **token_field})
    assert response.status_code == 200
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{auth.COOKIE_NAME}=")
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/" in cookie
    token = client.cookies[auth.COOKIE_NAME]
    with Session(engine) as other:
        assert auth.session_from_cookie(other, token).id == session_id
    assert client.post("/api/session", data={"code": code, **token_field}
                       ).status_code == 400  # used
    cleared = client.post("/api/sign-out", data=token_field)
    assert 'Max-Age=0' in cleared.headers["set-cookie"] or "expires" in cleared.headers[
        "set-cookie"].lower()
    with Session(engine) as other:
        assert auth.session_from_cookie(other, token) is None


def test_concurrent_guesses_check_at_most_five_passwords(engine, session, user, monkeypatch):
    """120 guesses at once for an e-mail with no failures yet: every one is refused with the
    usual message (no IntegrityError on the throttle's key) and only five passwords are
    checked; the real password then waits for the lockout like everyone else."""
    import threading

    session.commit()
    checked: list[str] = []
    real_check = auth.password_matches

    def counting(password_hash, password):
        checked.append(password)
        return real_check(password_hash, password)

    monkeypatch.setattr(auth, "password_matches", counting)
    start = threading.Barrier(120, timeout=60)
    outcomes: list[str] = []

    def guess(number: int) -> None:
        start.wait()
        with Session(engine) as own:
            try:
                auth.sign_in(own, "Focal@example.org", f"guess {number}")
                outcomes.append("signed in")
            except auth.SignInRefused as refusal:
                outcomes.append(refusal.key)
            except Exception as error:  # noqa: BLE001 - what a page would have shown
                outcomes.append(repr(error))

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(120)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sorted(set(outcomes)) == ["signin.failed", "signin.locked"]
    assert len(outcomes) == 120 and len(checked) <= auth.MAX_FAILURES
    with Session(engine) as own:
        assert _refusal(own, "focal@example.org", PASSWORD).key == "signin.locked"


def test_one_client_cannot_spray_a_password_over_many_emails(session, user):
    """Each e-mail sees one failure only, so its own lockout never comes; the client's does,
    and then even a right password from that client waits. Another client is not affected."""
    now = utcnow()
    for number in range(auth.MAX_CLIENT_FAILURES):
        refusal = _refusal(session, f"person{number}@example.org", "Summer2026!", now=now,
                           client="203.0.113.7")
        assert refusal.key == "signin.failed"
    blocked = _refusal(session, "focal@example.org", PASSWORD, now=now, client="203.0.113.7")
    assert (blocked.key, blocked.values) == ("signin.client_locked", {"minutes": 15})
    assert auth.sign_in(session, "focal@example.org", PASSWORD, now=now,
                        client="198.51.100.2").id == user.id
    later = now + auth.LOCKOUT + timedelta(seconds=1)
    assert auth.sign_in(session, "focal@example.org", PASSWORD, now=later,
                        client="203.0.113.7").id == user.id


def test_successful_sign_ins_from_one_office_never_lock_it(session, user):
    now = utcnow()
    for _ in range(auth.MAX_CLIENT_FAILURES * 2):
        assert auth.sign_in(session, "focal@example.org", PASSWORD, now=now,
                            client="203.0.113.9").id == user.id


def test_the_account_of_a_session_is_read_with_its_roles_and_only_while_active(session):
    """What every page run checks (``signed_in_account``): the account and the same roles as
    ``actor_for``, and nothing once the session is revoked or expired, or the account
    deactivated."""
    from tests.factories import PlanBuilder, person, small_plan
    from tracker.services.accounts import set_active
    from tracker.services.permissions import actor_for

    first, second = small_plan(session).plan, PlanBuilder(session, name="Second plan").plan
    member = person(session, "a@example.org", "member", [first, second], institution="A")
    now = utcnow()
    session_id, _ = auth.start_session(session, member, now=now)
    account = auth.signed_in_account(session, session_id, now=now)
    assert account is not None
    assert (account.user_id, account.email, account.institution_id) == (
        member.id, "a@example.org", member.institution_id)
    assert account.actor == actor_for(session, member)
    assert set(account.actor.roles) == {first.id, second.id}
    later = now + auth.SESSION_LIFETIME + timedelta(seconds=1)
    assert auth.signed_in_account(session, session_id, now=later) is None

    lone = person(session, "lone@example.org", "observer", [])  # no role on any plan
    lone_session, _ = auth.start_session(session, lone)
    assert auth.signed_in_account(session, lone_session).actor.roles == {}
    auth.revoke_session(session, lone_session)
    assert auth.signed_in_account(session, lone_session) is None

    set_active(session, SYSTEM, member.id, False)
    assert auth.signed_in_account(session, session_id, now=now) is None
    assert auth.signed_in_account(session, 10_000) is None
