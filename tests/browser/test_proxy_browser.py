"""The shipped deployment, for real: Debian's nginx with ``deploy/nginx/tracker.conf.template``
(TLS with a certificate made here, websockets) in front of two ``streamlit run server.py``
processes sharing one PostgreSQL database.

Through the proxy a member signs in (the session cookie is ``Secure``, the page may not be
framed by another site), saves a report; the process serving the page is killed, and after a
refresh the other process shows the same user, still signed in, with the report saved.
"""

from __future__ import annotations

import http.client
import os
import re
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from devtools.servers import NGINX, established, free_port, nginx, streamlit_app
from tests.browser.conftest import (
    fill_first_missing_report,
    open_page,
    postgres_demo,
    sign_in,
    wait_for_cookie,
    wait_idle,
)
from tests.conftest import FIXED_TODAY, missing_service


@dataclass
class Stack:
    url: str
    http_port: int
    app_ports: tuple[int, int]
    apps: dict[int, subprocess.Popen]


@pytest.fixture(scope="module")
def stack(tmp_path_factory) -> Iterator[Stack]:
    """Two processes on one PostgreSQL schema behind the shipped nginx
    (``devtools.servers``, which the bench's two-server step uses too)."""
    if not Path(NGINX).exists():
        missing_service("no nginx: apt-get install nginx")
    folder = tmp_path_factory.mktemp("proxy")
    with postgres_demo() as database:
        env = {**os.environ, "TRACKER_DATABASE_URL": database, "TRACKER_DEMO": "1",
               "TRACKER_TODAY": FIXED_TODAY, "TRACKER_DEFAULT_LANG": "en",
               "TRACKER_TRUSTED_PROXIES": "127.0.0.1"}
        with ExitStack() as servers:
            apps = [servers.enter_context(streamlit_app(folder, env)) for _ in range(2)]
            proxy = servers.enter_context(nginx(folder, (apps[0].port, apps[1].port)))
            yield Stack(proxy.url, proxy.http_port, (apps[0].port, apps[1].port),
                        {app.port: app.process for app in apps})


def _serving(stack: Stack) -> list[int]:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        serving = [port for port in stack.app_ports
                   if stack.apps[port].poll() is None and established(port)]
        if len(serving) == 1:
            return serving
        time.sleep(0.2)
    return [port for port in stack.app_ports if established(port)]


def test_plain_http_is_sent_to_https(stack: Stack):
    connection = http.client.HTTPConnection("127.0.0.1", stack.http_port, timeout=10)
    connection.request("GET", "/review?lang=en")
    response = connection.getresponse()
    assert response.status == 301
    assert response.getheader("Location") == f"{stack.url}/review?lang=en"
    connection.close()


def test_no_response_names_the_nginx_version(tmp_path):
    """Plain HTTP too (its block lacked ``server_tokens off``), and the redirect goes to the
    site's own name whatever ``Host`` the request claimed. Nothing behind nginx is needed."""
    if not Path(NGINX).exists():
        missing_service("no nginx: apt-get install nginx")
    with nginx(tmp_path, (free_port(), free_port())) as proxy:
        connection = http.client.HTTPConnection("127.0.0.1", proxy.http_port, timeout=10)
        connection.request("GET", "/", headers={"Host": "evil.example"})
        response = connection.getresponse()
        body = response.read().decode()
        connection.close()
    assert response.status == 301
    assert response.getheader("Server") == "nginx"  # not nginx/1.22.1
    assert not re.search(r"nginx/\d", body)
    assert response.getheader("Location").startswith("https://127.0.0.1:")


def test_signed_in_through_the_tls_proxy_survives_the_loss_of_a_process(browser: Browser,
                                                                        stack: Stack):
    context = browser.new_context(ignore_https_errors=True)  # our own self-signed certificate
    page = context.new_page()
    response = page.goto(f"{stack.url}/?lang=en")
    assert response is not None and response.ok
    headers = response.headers
    assert headers["x-frame-options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in headers["content-security-policy"]
    assert "max-age=" in headers["strict-transport-security"]  # HTTPS, told by a trusted proxy

    sign_in(page, stack.url, "innfa@demo.example")
    cookie = wait_for_cookie(page, "tracker_session")
    assert cookie["secure"] and cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    assert [c["secure"] for c in context.cookies() if c["name"] == "tracker_csrf"] == [True]

    open_page(page, "My institution")
    item, code = fill_first_missing_report(page, "40", "Saved through the TLS proxy.")
    item.get_by_role("button", name="Submit").click()
    wait_idle(page)
    expect(page.get_by_text(f"Report on {code} submitted.")).to_be_visible()

    [serving] = _serving(stack)
    stack.apps[serving].send_signal(signal.SIGKILL)
    stack.apps[serving].wait(timeout=10)
    page.goto(f"{stack.url}/?lang=en")  # a refresh: the dead process's tab reconnects
    wait_idle(page)
    [other] = _serving(stack)
    assert other != serving
    sidebar = page.locator("[data-testid=stSidebar]")
    expect(sidebar).to_contain_text("Signed in as", timeout=15_000)
    expect(sidebar).to_contain_text("INNFA")
    open_page(page, "My institution")
    report = page.locator("[data-testid=stExpander]").filter(has_text=f"{code} · ")
    expect(report.first).to_contain_text("submitted")
    context.close()
