"""Downloads belong to a live sign-in, once; and nginx is trusted however the socket sees it.

One server, bound to all addresses as Streamlit is by default (nginx on 127.0.0.1 then
arrives as ``::ffff:127.0.0.1``), trusting the proxy ``127.0.0.1``.
"""

from __future__ import annotations

import http.client
import socket
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, Route, expect
from sqlmodel import select

from tests.browser.conftest import open_page, sign_in, streamlit_server, wait_idle
from tracker.db import make_engine, session_scope
from tracker.models import SignInThrottle, User
from tracker.services import accounts
from tracker.services.permissions import SYSTEM

COORDINATOR = "coordinacion@demo.example"


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Iterator[tuple[str, str]]:
    """The app's URL and its database's."""
    databases: list[str] = []
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TRACKER_TRUSTED_PROXIES", "127.0.0.1")
        server = streamlit_server(tmp_path_factory.mktemp("downloads"),
                                  extra_args=("--server.address", "::"),
                                  prepare=databases.append)
        url = server.__enter__()
    try:
        port = urlsplit(url).port
        socket.create_connection(("::1", port), timeout=5).close()  # bound to all addresses
        yield url, databases[0]
    finally:
        server.__exit__(None, None, None)


def _get(url: str, path: str, headers: dict[str, str]) -> http.client.HTTPResponse:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    response.read()
    connection.close()
    return response


def _status(app_url: str, media: str, session_cookie: str | None) -> int:
    """A request for a download's address as anyone who holds it would send it."""
    cookie = {"Cookie": f"tracker_session={session_cookie}"} if session_cookie else {}
    return _get(app_url, urlsplit(media).path, cookie).status


def test_a_proxy_arriving_as_a_mapped_address_is_trusted(served, browser: Browser):
    app_url, database = served
    page = _get(app_url, "/", {"X-Forwarded-Proto": "https",
                               "X-Forwarded-For": "198.51.100.7"})
    assert "max-age=" in page.getheader("Strict-Transport-Security", "")
    assert "; secure" in page.getheader("Set-Cookie", "").lower()  # the page's token
    # the sign-in limits count the browser's address that nginx forwarded
    context = browser.new_context(extra_http_headers={"X-Forwarded-For": "198.51.100.7"})
    signing_in = context.new_page()
    signing_in.goto(f"{app_url}/?lang=en")
    wait_idle(signing_in)
    signing_in.get_by_label("E-mail").fill("nobody@example.org")
    signing_in.get_by_label("Password", exact=True).fill("wrong password")
    signing_in.get_by_role("button", name="Sign in").click()
    wait_idle(signing_in)
    expect(signing_in.get_by_text("The e-mail or the password is not right.")).to_be_visible()
    context.close()
    engine = make_engine(database)
    with session_scope(engine) as session:
        buckets = set(session.exec(select(SignInThrottle.email)))
    engine.dispose()
    assert "client 198.51.100.7" in buckets
    assert not {bucket for bucket in buckets if "127.0.0.1" in bucket}


def _held_back(page: Page, button: str) -> str:
    """Press ``button`` but keep the browser from fetching the file: its live address."""
    addresses: list[str] = []

    def hold(route: Route) -> None:
        addresses.append(route.request.url)
        route.abort()

    page.route("**/media/**", hold)
    page.get_by_role("button", name=button, exact=True).click()
    for _ in range(600):  # the file is made first (a deck: seconds)
        if addresses:
            break
        page.wait_for_timeout(100)
    page.unroute("**/media/**")
    assert addresses, f"{button} fetched nothing"
    return addresses[0]


def _cookie(page: Page) -> str:
    return next(c["value"] for c in page.context.cookies() if c["name"] == "tracker_session")


def test_downloads_go_once_to_a_live_session(served, page: Page):
    app_url, database = served
    sign_in(page, app_url, COORDINATOR)
    open_page(page, "Presentation")
    page.get_by_text("Plan, quarter and deck").click()
    with page.expect_download() as deck:
        page.get_by_role("button", name="PowerPoint deck (editable charts)").click()
    assert deck.value.path().read_bytes().startswith(b"PK")
    assert deck.value.suggested_filename.endswith(" en.pptx")
    with page.expect_download(timeout=120_000) as handout:
        page.get_by_role("button", name="PDF handout", exact=True).click()
    assert handout.value.path().read_bytes().startswith(b"%PDF")
    cookie = _cookie(page)
    for served_once in (deck.value.url, handout.value.url):
        assert "/media/" in served_once
        assert _status(app_url, served_once, cookie) == 404  # forgotten once served

    live = _held_back(page, "PowerPoint deck (editable charts)")
    assert _status(app_url, live, None) == 403  # no cookie: a proxy log's reader
    page.get_by_role("button", name="Sign out").click()
    wait_idle(page)
    assert _status(app_url, live, cookie) == 403  # the old cookie, after sign-out

    sign_in(page, app_url, COORDINATOR)
    open_page(page, "Presentation")
    page.get_by_text("Plan, quarter and deck").click()
    live, cookie = _held_back(page, "PowerPoint deck (editable charts)"), _cookie(page)
    engine = make_engine(database)
    with session_scope(engine) as session:
        user = session.exec(select(User).where(User.email == COORDINATOR)).one()
        accounts.set_active(session, SYSTEM, user.id, False)
    engine.dispose()
    assert _status(app_url, live, cookie) == 403  # the account was deactivated meanwhile
