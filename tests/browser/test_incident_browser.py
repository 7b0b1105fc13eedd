"""A failure on the server reads as one sentence with an incident number in the browser; the
server's log holds the details under that number (no SQL, parameters or paths on screen)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import streamlit_server, wait_idle
from tracker.db import make_engine


def _break_sign_in(url: str) -> None:
    """The throttle's table is gone: every sign-in fails inside the database."""
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.exec_driver_sql("DROP TABLE signin_throttle")
    engine.dispose()


@pytest.fixture(scope="module")
def broken_app(tmp_path_factory) -> Iterator[tuple[str, object]]:
    folder = tmp_path_factory.mktemp("incident")
    with streamlit_server(folder, prepare=_break_sign_in) as url:
        yield url, folder / "streamlit.log"


def test_a_database_error_shows_an_incident_number_not_a_traceback(page: Page, broken_app):
    url, log = broken_app
    page.goto(f"{url}/?lang=en")
    wait_idle(page)
    page.get_by_label("E-mail").fill("pn@demo.example")
    page.get_by_label("Password", exact=True).fill("a wrong password")
    page.get_by_role("button", name="Sign in").click()
    wait_idle(page)
    message = page.get_by_text("give the secretariat this incident number")
    expect(message).to_be_visible()
    incident = re.search(r"incident number: ([0-9A-F]{8})", message.inner_text()).group(1)
    shown = page.locator("[data-testid=stApp]").inner_text()
    for leak in ("signin_throttle", "OperationalError", "INSERT", "Traceback", ".py"):
        assert leak not in shown
    expect(page.locator("[data-testid=stException]")).to_have_count(0)
    logged = log.read_text()
    assert f"incident {incident}" in logged and "signin_throttle" in logged
