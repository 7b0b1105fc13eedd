"""The accounts page (pages/accounts_page.py): creating and deactivating accounts."""

from __future__ import annotations

from sqlmodel import select

from tests.apptest import (
    app_as,
    dashboard,
    focuses_its_message,
    go_to,
    pages_in_navigation,
    plan_id_of,
    press,
    query_one,
    said_at,
    shown,
    sign_in,
    token_of,
)
from tracker.demo import ECUADOR_PLAN
from tracker.models import User


def test_admin_creates_and_deactivates_an_account(db_url):
    at = go_to(app_as("admin@demo.example"), "accounts")
    assert at.multiselect(key="new:plans").value == []  # no plan chosen for the person
    assert "administrator" in at.selectbox(key="new:role").options  # an admin makes admins
    at.text_input(key="new:email").input("nuevo.punto@example.org")
    at.text_input(key="new:name").input("Nuevo punto focal")
    at.selectbox(key="new:role").select("member")
    at.selectbox(key="new:institution").select("INNFA")
    at.text_input(key="new:password").input("temporary-secret-1")
    next(b for b in at.button if b.label == "Create account").click()
    at.run()
    assert any(s.value.startswith("Account created. No mail server is configured")
               for s in at.success)
    invitation = at.code[0].value
    assert "nuevo.punto@example.org" in invitation and "temporary-secret-1" in invitation
    assert "http" in invitation  # the app's address
    assert at.text_input(key="new:email").value == ""  # the form starts empty again
    assert at.selectbox(key="new:institution").value is None
    assert "nuevo.punto@example.org" in at.dataframe[0].value.iloc[:, 0].tolist()
    at.selectbox(key="manage:user").set_value(_user_id(db_url, "nuevo.punto@example.org"))
    at.run()
    at.button(key="manage:toggle").click()
    at.run()
    user_id = _user_id(db_url, "nuevo.punto@example.org")
    box = f"confirm:box:manage:deactivate:{user_id}"
    [(kind, question)] = said_at(at, box)  # one press only asks, naming the account
    assert kind == "warning" and shown(question) == (
        "Deactivate the account of Nuevo punto focal (nuevo.punto@example.org): they can no "
        "longer sign in and their open sessions end now; what they wrote stays in their name.")
    table = at.dataframe[0].value.set_index(at.dataframe[0].value.columns[0])
    assert table.loc["nuevo.punto@example.org"].iloc[-1] == "active"
    press(at, f"manage:deactivate:{user_id}:yes")
    table = at.dataframe[0].value.set_index(at.dataframe[0].value.columns[0])
    assert table.loc["nuevo.punto@example.org"].iloc[-1] == "deactivated"
    [(kind, text)] = said_at(at, "flash:ok:accounts:toggle")  # under the button
    assert kind == "success" and shown(text) == (
        "The account of Nuevo punto focal (nuevo.punto@example.org) is deactivated.")
    assert focuses_its_message(at, "flash:ok:accounts:toggle")
    press(at, "manage:toggle")  # reactivating takes nothing away: at once
    table = at.dataframe[0].value.set_index(at.dataframe[0].value.columns[0])
    assert table.loc["nuevo.punto@example.org"].iloc[-1] == "active"


def _user_id(db_url: str, email: str) -> int:
    return query_one(db_url, select(User.id).where(User.email == email))


def test_creating_an_account_with_bad_input_says_what_is_wrong(db_url):
    at = go_to(app_as("admin@demo.example"), "accounts")
    at.text_input(key="new:email").input("not-an-email")
    at.text_input(key="new:name").input("X")
    at.text_input(key="new:password").input("temporary-secret-1")
    next(b for b in at.button if b.label == "Create account").click()
    at.run()
    assert any("Not an e-mail address: not-an-email" in e.value for e in at.error)
    assert at.text_input(key="new:name").value == "X"  # what was typed stays


def test_a_focal_point_account_from_a_link_must_change_its_temporary_password(db_url):
    at = app_as("coordinacion@demo.example")
    at.query_params["institution"] = "DINAPEN"
    at.query_params["plan"] = str(plan_id_of(db_url, ECUADOR_PLAN))
    at = go_to(at, "accounts")
    assert at.selectbox(key="new:institution").value == "DINAPEN"
    assert at.selectbox(key="new:role").value == "member"
    assert at.selectbox(key="new:role").options == ["member", "coordinator", "observer"]
    assert len(at.multiselect(key="new:plans").value) == 1
    at.text_input(key="new:email").input("relevo.dinapen@example.org")
    at.text_input(key="new:name").input("Relevo DINAPEN")
    at.text_input(key="new:password").input("temporary-secret-1")
    next(b for b in at.button if b.label == "Create account").click()
    at.run()
    assert at.code, "the invitation to copy"
    person = dashboard()
    person.query_params["lang"] = "en"
    person = sign_in(person, "relevo.dinapen@example.org", "temporary-secret-1")
    assert pages_in_navigation(person) == [""]  # one page, the default one: My account
    assert person.title[0].value == "My account"
    assert "choose your own before you go on" in person.warning[0].value
    person.text_input(key="pw:current").input("temporary-secret-1")
    person.text_input(key="pw:new").input("mi clave propia del 2026")
    person.text_input(key="pw:again").input("mi clave propia del 2026")
    next(b for b in person.button if b.label == "Change password").click()
    person.run()
    assert said_at(person, "flash:ok:my_account:password") == [
        ("success", "Password changed. Your pages are ready: go on to them.")]
    assert focuses_its_message(person, "flash:ok:my_account:password")
    press(person, "pw:go_on")
    assert "my-institution" in pages_in_navigation(person)


def test_a_handover_asks_first_and_shows_the_new_focal_points_invitation(db_url):
    """Issue 26, items 6 and 8: the handover names both accounts before it deactivates one,
    then shows the same invitation account creation does, temporary password included."""
    at = go_to(app_as("coordinacion@demo.example"), "accounts")
    old_id = _user_id(db_url, "dinapen@demo.example")
    at.selectbox(key="manage:user").set_value(old_id).run()
    at.text_input(key="handover:email").input("relevo.dinapen@example.org")
    at.text_input(key="handover:name").input("Relevo DINAPEN")
    at.text_input(key="handover:password").input("temporary-secret-9")
    next(b for b in at.button if b.label == "Hand over to a new focal point").click()
    at.run()
    asked = f"manage:hand_over:{old_id}:{token_of(at, f'hand_over:{old_id}')}"
    [(kind, question)] = said_at(at, f"confirm:box:{asked}")
    assert kind == "warning" and shown(question).startswith(
        "Hand over ") and "(dinapen@demo.example) to relevo.dinapen@example.org" in shown(
        question)
    assert not at.code  # nothing done yet
    press(at, f"{asked}:yes")
    [(kind, text)] = said_at(at, "handover:done")
    assert kind == "success" and shown(text) == (
        "Handed over: dinapen@demo.example is deactivated and the new account is active. No "
        "mail server is configured: copy this message and send it to "
        "relevo.dinapen@example.org yourself.")
    assert focuses_its_message(at, "handover:done")
    invitation = at.code[0].value
    assert "relevo.dinapen@example.org" in invitation and "temporary-secret-9" in invitation
    assert "http" in invitation  # the app's address
    assert at.text_input(key="handover:email").value == ""  # the form starts empty again
    person = dashboard()
    person.query_params["lang"] = "en"
    person = sign_in(person, "relevo.dinapen@example.org", "temporary-secret-9")
    assert person.title[0].value == "My account"  # the temporary password works once


def test_resetting_a_password_asks_first_and_says_so_under_the_form(db_url):
    at = go_to(app_as("coordinacion@demo.example"), "accounts")
    user_id = _user_id(db_url, "dinapen@demo.example")
    at.selectbox(key="manage:user").set_value(user_id).run()
    at.text_input(key="reset:password").input("temporary-secret-8")
    next(b for b in at.button if b.label == "Reset password").click()
    at.run()
    [(kind, question)] = said_at(at, f"confirm:box:manage:reset:{user_id}")
    assert kind == "warning" and "their current password stops working" in question
    press(at, f"manage:reset:{user_id}:yes")
    [(kind, text)] = said_at(at, "flash:ok:accounts:reset")
    assert kind == "success" and "was reset" in text
    person = dashboard()
    person.query_params["lang"] = "en"
    assert sign_in(person, "dinapen@demo.example", "temporary-secret-8").title[
        0].value == "My account"  # the temporary password, to change first
