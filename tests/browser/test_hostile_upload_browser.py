"""Hostile workbooks against a server held to 1 GB of memory, as a container would hold it:
each is refused on *Plan files* with the import's own message, and another person's session
on the same server keeps working throughout (issue 25: a 12 KB workbook killed the
server process and cut every other user's page)."""

from __future__ import annotations

import re
import string
import urllib.request
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import sign_in, streamlit_server, wait_idle
from tests.helpers import MINIMAL, write_workbook
from tests.hostile_workbooks import HOSTILE, REFUSED_WITH
from tracker.i18n import t

pytestmark = pytest.mark.browser
SERVER_MEMORY_MB = 1024


@pytest.fixture(scope="module")
def limited_app(tmp_path_factory) -> Iterator[str]:
    with streamlit_server(tmp_path_factory.mktemp("limited"),
                          memory_mb=SERVER_MEMORY_MB) as url:
        yield url


def _words_of(key: str, lang: str) -> str:
    """The longest stretch of a catalog message without a placeholder: what the page must
    show whatever values fill it."""
    literals = [text for text, *_ in string.Formatter().parse(t(key, lang)) if text]
    return max((part.strip(" :;,.") for text in literals for part in re.split(r"[(){}]", text)),
               key=len)


def _alive(url: str) -> bool:
    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=10) as response:
        return response.read().decode().strip() == "ok"


def _open(page: Page, name: str) -> None:
    page.locator("[data-testid=stSidebarNav]").get_by_text(name, exact=True).click()
    wait_idle(page)


def test_hostile_workbooks_are_refused_while_another_session_works(
        page: Page, browser: Browser, limited_app: str, tmp_path):
    sign_in(page, limited_app, "coordinacion@demo.example", "es")
    _open(page, t("nav.plan_files", "es"))
    other = browser.new_context().new_page()
    sign_in(other, limited_app, "observador@demo.example", "es")
    pages = [t("nav.overview", "es"), t("nav.item", "es")]
    for number, attack in enumerate(HOSTILE):
        folder = tmp_path / str(number)
        folder.mkdir()
        data, name = HOSTILE[attack](folder)
        (tmp_path / name).write_bytes(data)
        page.locator("input[type=file]").set_input_files(str(tmp_path / name))
        wait_idle(page)
        page.get_by_role("button", name=t("files.check", "es")).click()
        wait_idle(page)
        alert = page.get_by_role("alert").filter(has_text=name)
        expect(alert).to_contain_text(_words_of(REFUSED_WITH[attack], "es"))
        assert _alive(limited_app), attack
        _open(other, pages[number % 2])  # the other person moves on, answered each time
        expect(other.get_by_role("heading").first).to_be_visible()
        assert not other.get_by_text("Connection error").is_visible()
    # and a real plan still goes through on the same server
    write_workbook(tmp_path / "small.xlsx", MINIMAL)
    page.locator("input[type=file]").set_input_files(str(tmp_path / "small.xlsx"))
    wait_idle(page)
    page.get_by_role("button", name=t("files.check", "es")).click()
    expect(page.get_by_text(_words_of("files.checked", "es"))).to_be_visible()
