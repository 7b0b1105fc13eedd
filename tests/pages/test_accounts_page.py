"""The accounts page (pages/accounts_page.py): creating and deactivating accounts."""

from __future__ import annotations

from sqlmodel import select

from tests.apptest import (
    app_as,
    dashboard,
    go_to,
    pages_in_navigation,
    plan_id_of,
    query_one,
    sign_in,
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
    table = at.dataframe[0].value.set_index(at.dataframe[0].value.columns[0])
    assert table.loc["nuevo.punto@example.org"].iloc[-1] == "deactivated"


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
    assert "my-institution" in pages_in_navigation(person)
