"""The sign-in page (pages/sign_in_page.py): demo accounts, refusals, the lock after five
failures, signing out, an identity provider, in both languages."""

from __future__ import annotations

from tests.apptest import shown, sign_in
from tracker.demo import DEMO_PASSWORD


def test_sign_in_page_lists_demo_accounts_in_demo_mode(app):
    app.run()
    assert not app.exception
    assert app.title[0].value == "Joint Work Plan Tracker"
    shown = app.dataframe[0].value
    assert "coordinacion@demo.example" in shown.iloc[:, 0].tolist()
    assert any(DEMO_PASSWORD in info.value for info in app.info)


def test_outside_demo_mode_no_account_is_shown_and_the_demo_password_fails(app, monkeypatch):
    monkeypatch.delenv("TRACKER_DEMO")
    sign_in(app, "coordinacion@demo.example")
    assert not app.dataframe
    assert app.error[0].value == "The e-mail or the password is not right."
    assert app.title[0].value == "Joint Work Plan Tracker"


def test_wrong_password_is_refused_without_saying_why(app):
    sign_in(app, "coordinacion@demo.example", "not the password")
    assert app.error[0].value == "The e-mail or the password is not right."
    sign_in(app, "nobody@demo.example", "not the password")
    assert app.error[0].value == "The e-mail or the password is not right."


def test_five_wrong_passwords_lock_the_email_for_fifteen_minutes(app, demo_url):
    for _ in range(4):
        sign_in(app, "pn@demo.example", "not the password")
        assert app.error[0].value == "The e-mail or the password is not right."
    sign_in(app, "pn@demo.example", "not the password")
    assert app.error[0].value == ("Too many failed tries for this e-mail: wait 15 minutes "
                                  "and try again.")
    sign_in(app, "pn@demo.example")  # the right password waits too
    assert app.error[0].value.startswith("Too many failed tries")
    sign_in(app, "nobody-here@demo.example", "x")  # other e-mails are not affected
    assert app.error[0].value == "The e-mail or the password is not right."


def test_sign_in_page_in_spanish(app):
    app.query_params["lang"] = "es"
    app.run()
    assert app.title[0].value == "Seguimiento del plan de trabajo conjunto"
    assert app.text_input(key="email").label == "Correo electrónico"


def test_sign_out_returns_to_the_sign_in_page(app):
    sign_in(app, "observador@demo.example")
    app.button(key="sign_out").click().run()
    assert app.title[0].value == "Joint Work Plan Tracker"
    assert app.text_input(key="email").value == ""


OIDC = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x" * 32,
        "client_id": "tracker", "client_secret": "secret",
        "server_metadata_url": "http://127.0.0.1:1/.well-known/openid-configuration"}


def test_identity_provider_button_only_when_configured(app):
    app.run()
    assert not [b for b in app.button if b.key == "oidc_sign_in"]
    app.secrets["auth"] = OIDC
    app.run()
    assert app.button(key="oidc_sign_in").label == "Sign in with my institution's account"


def test_a_provider_identity_maps_to_the_account_with_that_email(app):
    app.secrets["auth"] = OIDC
    app.user = {"is_logged_in": True, "email": "MREMH@demo.example"}
    app.query_params["lang"] = "en"
    app.run()
    assert not app.exception
    assert app.title[0].value == "Overview"
    assert "Signed in as Punto focal MREMH" in app.sidebar.caption[0].value


def test_a_provider_identity_without_an_account_is_refused(app):
    app.secrets["auth"] = OIDC
    app.user = {"is_logged_in": True, "email": "stranger@example.org"}
    app.query_params["lang"] = "en"
    app.run()
    assert app.title[0].value == "Joint Work Plan Tracker"
    assert shown(app.error[0].value).startswith("No active account of this tracker has the e-mail "
                                         "stranger@example.org")
