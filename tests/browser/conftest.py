"""Browser tests: Playwright drives Debian's Chromium against ``streamlit run`` on a free port.

One Streamlit server per test module, on a temporary demo database. Without Chromium the
tests skip on a developer's machine and fail under ``CI=true``. No browser is downloaded.
"""

from __future__ import annotations

import os
import re
import secrets
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from devtools.servers import CHROMIUM, CHROMIUM_ARGS, free_port, streamlit_app
from tests.apptest import demo_database, load_demo_into
from tests.conftest import FIXED_TODAY, missing_service
from tracker.db import make_engine
from tracker.demo import DEMO_PASSWORD

__all__ = ["CHROMIUM", "CHROMIUM_ARGS", "free_port"]  # the browser tests import them from here


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    if not CHROMIUM.exists():
        missing_service(f"no Chromium at {CHROMIUM}: apt-get install chromium")
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM),
            "args": CHROMIUM_ARGS, "headless": True}


@pytest.fixture(scope="session", autouse=True)
def patient_expectations() -> None:
    """``expect`` waits 15 s, not Playwright's 5: the charts of a page drawn while the other
    test worker and a Streamlit server share 2 cores took longer than 5 s now and then."""
    expect.set_options(timeout=15_000)


@contextmanager
def streamlit_server(folder: Path, *, extra_args: tuple[str, ...] = (),
                     port: int | None = None,
                     prepare: Callable[[str], None] | None = None,
                     memory_mb: int | None = None) -> Iterator[str]:
    """``streamlit run server.py`` on a free port with its own demo database (``prepare``
    may add to it first); its base URL (``devtools.servers``, the bench's servers too)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TRACKER_TODAY", FIXED_TODAY)
        database = demo_database(folder / "demo.db")
        if prepare is not None:
            prepare(database)
    env = {**os.environ, "TRACKER_DATABASE_URL": database, "TRACKER_DEMO": "1",
           "TRACKER_TODAY": FIXED_TODAY, "TRACKER_DEFAULT_LANG": "en"}
    with streamlit_app(folder, env, port=port, extra_args=extra_args,
                       log_name="streamlit.log", memory_mb=memory_mb) as app:
        yield app.url


@contextmanager
def postgres_demo() -> Iterator[str]:
    """The demo (today fixed) in a PostgreSQL schema of its own, for servers that share one
    database; its URL. The schema is dropped when the block ends."""
    url = os.environ.get("TRACKER_TEST_DATABASE_URL")
    if not url:
        missing_service("PostgreSQL is not reachable: set TRACKER_TEST_DATABASE_URL")
    schema = f"tracker_browser_{os.getpid()}_{secrets.token_hex(3)}"
    admin = make_engine(url)
    try:
        with admin.begin() as connection:
            connection.exec_driver_sql(f"CREATE SCHEMA {schema}")
    except Exception:  # noqa: BLE001
        admin.dispose()
        missing_service("PostgreSQL is not reachable: set TRACKER_TEST_DATABASE_URL")
    separator = "&" if "?" in url else "?"
    database = f"{url}{separator}options=-csearch_path%3D{schema}"
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("TRACKER_TODAY", FIXED_TODAY)
            load_demo_into(database)
        yield database
    finally:
        with admin.begin() as connection:
            connection.exec_driver_sql(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        admin.dispose()


@pytest.fixture(scope="module")
def app_url(tmp_path_factory) -> Iterator[str]:
    """A running dashboard on its own demo database, one per test module."""
    with streamlit_server(tmp_path_factory.mktemp("server")) as url:
        yield url


def wait_idle(page: Page) -> None:
    """Until the script run the last action started has finished."""
    page.wait_for_timeout(300)
    expect(page.locator("[data-testid=stApp]")).to_have_attribute(
        "data-test-script-state", "notRunning", timeout=30_000)


def wait_for_cookie(page: Page, name: str, seconds: float = 10) -> dict:
    """The browser's cookie ``name`` once it is set (the app sets it with a background POST)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = [c for c in page.context.cookies() if c["name"] == name]
        if found:
            return found[0]
        page.wait_for_timeout(100)
    pytest.fail(f"no cookie {name} after {seconds} s")


def sign_in(page: Page, app_url: str, email: str, lang: str = "en") -> None:
    """Sign in with the demo password through the form, as a person would."""
    page.goto(f"{app_url}/?lang={lang}")
    wait_idle(page)
    label = {"en": ("E-mail", "Password", "Sign in"),
             "es": ("Correo electrónico", "Contraseña", "Ingresar")}[lang]
    page.get_by_label(label[0]).fill(email)
    page.get_by_label(label[1], exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name=label[2]).click()
    wait_idle(page)


def open_page(page: Page, name: str) -> None:
    """Open a page by its name in the sidebar navigation."""
    page.locator("[data-testid=stSidebarNav]").get_by_text(name, exact=True).click()
    wait_idle(page)


def fill_first_missing_report(page: Page, percent: str, narrative: str) -> tuple[Locator, str]:
    """On *My institution* (English): the first item whose report is missing, its status set
    to "In progress", its percent and narrative typed; the item's panel and its code."""
    item = page.locator("[data-testid=stExpander]").filter(has_text="missing").first
    code = re.search(r"(\S+) · ", item.locator("summary").inner_text()).group(1)
    item.get_by_role("combobox").first.click()
    page.keyboard.type("In progress")
    page.keyboard.press("Enter")
    item.get_by_label("Percent complete (0–100)").fill(percent)
    item.get_by_label("What was done this quarter").fill(narrative)
    return item, code


# axe-core, pinned in ``tests/browser/axe/package-lock.json`` and installed by ``make install``
# (``npm ci``): nothing is fetched here
AXE = Path(__file__).parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def _axe_source() -> str:
    if not AXE.exists():
        message = "axe-core is not installed: make install (npm ci in tests/browser/axe)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return AXE.read_text()


# the node's own Streamlit element (data-testid), so that the allow-list names elements
_OWNER = """results => results.violations.flatMap(v => v.nodes.map(n => {
    const node = document.querySelector(n.target[0]);
    const owner = node && node.closest('[data-testid]');
    return {rule: v.id, owner: owner ? owner.dataset.testid : '', target: n.target.join(' '),
            html: n.html.slice(0, 160), summary: n.failureSummary};
}))"""


def audit(page: Page, axe: str) -> list[dict]:
    """axe-core's WCAG 2.0/2.1 A and AA violations on the page as it is now."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=axe)
    results = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags},"
        " resultTypes: ['violations']})", WCAG_AA)
    return page.evaluate(_OWNER, results)


@pytest.fixture(scope="module")
def axe_source() -> str:
    """axe-core's script, for ``audit`` (the test skips without it, fails under ``CI``)."""
    return _axe_source()
