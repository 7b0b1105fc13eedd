"""Signing in through an institution's identity provider (OIDC, ``st.login``), offline:
a real OIDC provider from ``oidc-provider-mock`` runs on a free local port."""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import free_port, streamlit_server, wait_for_cookie, wait_idle


@pytest.fixture(scope="module")
def provider_app(tmp_path_factory) -> Iterator[str]:
    # authlib, which the provider uses, warns about itself on import and overrides filters
    with warnings.catch_warnings():
        import authlib.deprecate  # noqa: F401  (its own "always" filter goes in first)

        warnings.simplefilter("ignore", DeprecationWarning)
        from oidc_provider_mock import User, run_server_in_thread

    users = [User(sub="focal-mremh", claims={"email": "mremh@demo.example",
                                             "email_verified": True}),
             User(sub="stranger", claims={"email": "stranger@example.org",
                                          "email_verified": True})]
    folder = tmp_path_factory.mktemp("oidc")
    with run_server_in_thread(user_claims=users) as provider:
        port = free_port()
        secrets = folder / "secrets.toml"
        secrets.write_text(
            "[auth]\n"
            f'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
            f'cookie_secret = "{"s" * 40}"\n'
            'client_id = "tracker"\nclient_secret = "tracker-secret"\n'
            f'server_metadata_url = "http://127.0.0.1:{provider.server_port}'
            '/.well-known/openid-configuration"\n')
        with streamlit_server(folder, port=port,
                              extra_args=("--secrets.files", str(secrets))) as url:
            yield url


def _sign_in_with_provider(page: Page, url: str, subject: str) -> None:
    page.goto(f"{url}/?lang=en")
    wait_idle(page)
    page.get_by_role("button", name="Sign in with my institution's account").click()
    page.locator("input[name=sub]").fill(subject)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{url}/**")
    wait_idle(page)


def test_an_account_signs_in_through_its_provider(page: Page, provider_app: str):
    _sign_in_with_provider(page, provider_app, "focal-mremh")
    # back from the provider, the page speaks the account's language (Spanish)
    expect(page.get_by_text("Sesión iniciada como Punto focal MREMH")).to_be_visible()
    # the tracker's own session cookie too: the download route checks it (server.py)
    assert wait_for_cookie(page, "tracker_session")["httpOnly"]
    page.reload()
    wait_idle(page)
    expect(page.get_by_text("Sesión iniciada como Punto focal MREMH")).to_be_visible()


def test_a_provider_identity_without_an_account_gets_no_access(page: Page, provider_app: str):
    _sign_in_with_provider(page, provider_app, "stranger")
    # the address reads as written; a word joiner before "@" keeps it from being a link
    expect(page.get_by_text(re.compile("No active account of this tracker has the e-mail "
                                       "stranger\u2060?@example.org"))).to_be_visible()
    expect(page.locator("[data-testid=stSidebarNav]")).to_have_count(0)
