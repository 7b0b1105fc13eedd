"""The my-account page (pages/my_account_page.py)."""

from __future__ import annotations

from tests.apptest import app_as, dashboard, go_to, sign_in


def test_changing_my_password_checks_the_current_one(db_url):
    at = go_to(app_as("observador@demo.example"), "my-account")
    at.text_input(key="pw:current").input("wrong")
    at.text_input(key="pw:new").input("a brand new secret")
    at.text_input(key="pw:again").input("a brand new secret")
    next(b for b in at.button if b.label == "Change password").click()
    at.run()
    assert any(e.value == "The current password is not right." for e in at.error)
    at.text_input(key="pw:current").input("demo-commission-2026")
    next(b for b in at.button if b.label == "Change password").click()
    at.run()
    assert any(s.value == "Password changed." for s in at.success)
    assert sign_in(dashboard(), "observador@demo.example", "a brand new secret").title[
        0].value != "Joint Work Plan Tracker"
