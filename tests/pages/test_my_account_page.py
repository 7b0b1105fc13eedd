"""The my-account page (pages/my_account_page.py)."""

from __future__ import annotations

from tests.apptest import app_as, dashboard, focuses_its_message, go_to, said_at, sign_in


def test_changing_my_password_checks_the_current_one(db_url):
    at = go_to(app_as("observador@demo.example"), "my-account")
    at.text_input(key="pw:current").input("wrong")
    at.text_input(key="pw:new").input("a brand new secret")
    at.text_input(key="pw:again").input("a brand new secret")
    next(b for b in at.button if b.label == "Change password").click()
    at.run()
    refused = "flash:no:my_account:password"  # under the button, with the focus
    assert said_at(at, refused) == [("error", "The current password is not right.")]
    assert focuses_its_message(at, refused)
    at.text_input(key="pw:current").input("demo-commission-2026")
    at.text_input(key="pw:again").input("a brand new secreT")
    next(b for b in at.button if b.label == "Change password").click()
    at.run()
    assert said_at(at, refused) == [("error", "The two new passwords differ.")]
    at.text_input(key="pw:again").input("a brand new secret")
    next(b for b in at.button if b.label == "Change password").click()
    at.run()
    assert said_at(at, "flash:ok:my_account:password") == [("success", "Password changed.")]
    assert focuses_its_message(at, "flash:ok:my_account:password")
    assert at.text_input(key="pw:new").value == ""  # the form starts empty again
    assert sign_in(dashboard(), "observador@demo.example", "a brand new secret").title[
        0].value != "Joint Work Plan Tracker"
