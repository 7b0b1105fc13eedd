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
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from string import Template

import pytest
from playwright.sync_api import Browser, expect

from tests.apptest import ROOT, SERVER
from tests.browser.conftest import (
    _wait_healthy,
    free_port,
    open_page,
    sign_in,
    wait_for_cookie,
    wait_idle,
)
from tests.conftest import FIXED_TODAY, missing_service
from tracker.db import make_engine, session_scope
from tracker.demo import load_demo
from tracker.migrate import upgrade

TEMPLATE = ROOT / "deploy" / "nginx" / "tracker.conf.template"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


@dataclass
class Stack:
    url: str
    http_port: int
    app_ports: tuple[int, int]
    apps: dict[int, subprocess.Popen]


def _postgres_schema_url() -> tuple[str, str]:
    url = os.environ.get("TRACKER_TEST_DATABASE_URL")
    if not url:
        missing_service("PostgreSQL is not reachable: set TRACKER_TEST_DATABASE_URL")
    schema = f"tracker_proxy_{os.getpid()}_{secrets.token_hex(3)}"
    admin = make_engine(url)
    try:
        with admin.begin() as connection:
            connection.exec_driver_sql(f"CREATE SCHEMA {schema}")
    except Exception:  # noqa: BLE001
        missing_service("PostgreSQL is not reachable: set TRACKER_TEST_DATABASE_URL")
    finally:
        admin.dispose()
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}options=-csearch_path%3D{schema}", schema


def _drop_schema(schema: str) -> None:
    admin = make_engine(os.environ["TRACKER_TEST_DATABASE_URL"])
    with admin.begin() as connection:
        connection.exec_driver_sql(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
    admin.dispose()


def _self_signed(folder: Path) -> tuple[Path, Path]:
    cert, key = folder / "tracker.pem", folder / "tracker.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    return cert, key


def _nginx_conf(folder: Path, cert: Path, key: Path, https: int, http: int,
                apps: tuple[int, int]) -> Path:
    """The shipped site configuration, rendered, inside a minimal main configuration that
    keeps nginx's files in ``folder``."""
    site = Template(TEMPLATE.read_text()).safe_substitute(
        SERVER_NAME="127.0.0.1", HTTPS_PORT=https, HTTP_PORT=http, TLS_CERT=cert,
        TLS_KEY=key, APP_PORT_1=apps[0], APP_PORT_2=apps[1])
    (folder / "tracker.conf").write_text(site)
    temp = "\n".join(f"    {kind}_temp_path {folder / kind};"
                     for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    main = folder / "nginx.conf"
    main.write_text(f"""{'user root;' if os.geteuid() == 0 else ''}
worker_processes 1;
daemon off;
pid {folder / 'nginx.pid'};
error_log {folder / 'error.log'} info;
events {{ worker_connections 256; }}
http {{
    access_log {folder / 'access.log'};
{temp}
    include {folder / 'tracker.conf'};
}}
""")
    return main


def _wait_port(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"nginx exited:\n{log.read_text()}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    pytest.fail(f"nginx did not listen on {port}:\n{log.read_text()}")


def _start_app(folder: Path, database: str, port: int,
               processes: list[subprocess.Popen]) -> subprocess.Popen:
    env = {**os.environ, "TRACKER_DATABASE_URL": database, "TRACKER_DEMO": "1",
           "TRACKER_TODAY": FIXED_TODAY, "TRACKER_DEFAULT_LANG": "en",
           "TRACKER_TRUSTED_PROXIES": "127.0.0.1"}
    log = folder / f"streamlit-{port}.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(SERVER), "--server.headless", "true",
             "--server.port", str(port), "--server.address", "127.0.0.1",
             "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false"],
            cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
    processes.append(process)  # stopped at the end even if it never becomes healthy
    _wait_healthy(f"http://127.0.0.1:{port}", process, log)
    return process


@pytest.fixture(scope="module")
def stack(tmp_path_factory) -> Iterator[Stack]:
    if not Path(NGINX).exists():
        missing_service("no nginx: apt-get install nginx")
    folder = tmp_path_factory.mktemp("proxy")
    database, schema = _postgres_schema_url()
    processes: list[subprocess.Popen] = []
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("TRACKER_TODAY", FIXED_TODAY)
            engine = make_engine(database)
            upgrade(engine)
            with session_scope(engine) as session:
                load_demo(session)
            engine.dispose()
        apps = (free_port(), free_port())
        started: dict[int, subprocess.Popen] = {}
        for port in apps:
            started[port] = _start_app(folder, database, port, processes)
        cert, key = _self_signed(folder)
        https, http_port = free_port(), free_port()
        conf = _nginx_conf(folder, cert, key, https, http_port, apps)
        startup_log = str(folder / "error.log")  # not /var/log/nginx: any user may run this
        checked = subprocess.run([NGINX, "-t", "-e", startup_log, "-p", str(folder), "-c",
                                  str(conf)],
                                 capture_output=True, text=True)
        assert checked.returncode == 0, checked.stderr
        log = folder / "nginx.out"
        with log.open("w") as output:
            nginx = subprocess.Popen([NGINX, "-e", startup_log, "-p", str(folder), "-c",
                                      str(conf)],
                                     stdout=output, stderr=subprocess.STDOUT)
        processes.append(nginx)
        _wait_port(https, nginx, log)
        yield Stack(f"https://127.0.0.1:{https}", http_port, apps, started)
    finally:
        for process in processes:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
        _drop_schema(schema)


def _established(port: int) -> int:
    """Open TCP connections to ``port`` on the loopback (a tab's websocket, through nginx)."""
    count = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        if not Path(table).exists():
            continue
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            if state == "01" and int(local.rsplit(":", 1)[1], 16) == port:
                count += 1
    return count


def _serving(stack: Stack) -> list[int]:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        serving = [port for port in stack.app_ports
                   if stack.apps[port].poll() is None and _established(port)]
        if len(serving) == 1:
            return serving
        time.sleep(0.2)
    return [port for port in stack.app_ports if _established(port)]


def test_plain_http_is_sent_to_https(stack: Stack):
    connection = http.client.HTTPConnection("127.0.0.1", stack.http_port, timeout=10)
    connection.request("GET", "/review?lang=en")
    response = connection.getresponse()
    assert response.status == 301
    assert response.getheader("Location") == f"{stack.url}/review?lang=en"
    connection.close()


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
    item = page.locator("[data-testid=stExpander]").filter(has_text="missing").first
    code = re.search(r"(\S+) · ", item.locator("summary").inner_text()).group(1)
    item.get_by_role("combobox").first.click()
    page.keyboard.type("In progress")
    page.keyboard.press("Enter")
    item.get_by_label("Percent complete (0–100)").fill("40")
    item.get_by_label("What was done this quarter").fill("Saved through the TLS proxy.")
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
