"""Another site cannot sign a browser in (login CSRF) or out (logout CSRF).

The attacker's page is served by this test on ``localhost`` (another site than the app's
``127.0.0.1``); its forms post to the app's cookie routes the moment they load, as a hostile
page would.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl

import pytest
from playwright.sync_api import Browser, Route, expect

from tests.browser.conftest import free_port, sign_in, wait_for_cookie, wait_idle

PAGES: dict[str, str] = {}


class _Attacker(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        body = PAGES.get(self.path.split("?")[0], "").encode()
        self.send_response(200 if body else 404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def attacker_url() -> Iterator[str]:
    port = free_port()
    server = ThreadingHTTPServer(("127.0.0.1", port), _Attacker)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://localhost:{port}"
    server.shutdown()


def _auto_post(action: str, fields: dict[str, str]) -> str:
    inputs = "".join(f'<input type="hidden" name="{k}" value="{v}">' for k, v in fields.items())
    return (f'<html><body><form id="f" method="POST" action="{action}">{inputs}</form>'
            '<script>document.getElementById("f").submit()</script></body></html>')


def _attackers_own_code(browser: Browser, app_url: str) -> dict[str, str]:
    """The attacker signs in to their own account and keeps the one-time code (and their own
    page token) instead of letting their browser trade it."""
    context = browser.new_context()
    page = context.new_page()
    captured: list[str] = []

    def keep(route: Route) -> None:
        captured.append(route.request.post_data or "")
        route.abort()

    context.route("**/api/session", keep)
    sign_in(page, app_url, "observador@demo.example")
    for _ in range(150):  # the app posts it after the sign-in's run: up to 15 s when loaded
        if captured:
            break
        page.wait_for_timeout(100)
    context.close()
    assert captured, "the app never asked for its cookie"
    return dict(parse_qsl(captured[0]))


def test_another_site_cannot_sign_the_victim_in_as_the_attacker(browser: Browser, app_url: str,
                                                                 attacker_url: str):
    fields = _attackers_own_code(browser, app_url)
    assert fields["code"]
    PAGES["/login.html"] = _auto_post(f"{app_url}/api/session", fields)
    victim = browser.new_context()
    page = victim.new_page()
    page.goto(f"{app_url}/?lang=en")  # the victim has used the app before
    wait_idle(page)
    page.goto(f"{attacker_url}/login.html")
    page.wait_for_load_state("load")
    page.wait_for_timeout(1000)
    assert not [c for c in victim.cookies() if c["name"] == "tracker_session"]
    page.goto(f"{app_url}/?lang=en")
    wait_idle(page)
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    expect(page.get_by_text("Observador (cooperación internacional)")).to_have_count(0)
    victim.close()


def test_another_site_cannot_sign_the_user_out(browser: Browser, app_url: str,
                                               attacker_url: str):
    PAGES["/logout.html"] = _auto_post(f"{app_url}/api/sign-out", {})
    context = browser.new_context()
    page = context.new_page()
    sign_in(page, app_url, "coordinacion@demo.example")
    cookie = wait_for_cookie(page, "tracker_session")
    page.goto(f"{attacker_url}/logout.html")
    page.wait_for_load_state("load")
    page.wait_for_timeout(1000)
    assert [c["value"] for c in context.cookies() if c["name"] == "tracker_session"] == [
        cookie["value"]]
    page.goto(f"{app_url}/?lang=en")
    wait_idle(page)
    expect(page.get_by_role("heading", name="Overview")).to_be_visible(timeout=15_000)
    expect(page.locator("[data-testid=stSidebar]")).to_contain_text(
        "Signed in as Secretaría técnica de la comisión", timeout=15_000)
    context.close()
