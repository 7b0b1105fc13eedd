"""Many servers, one truth (issue 27): two ``streamlit run server.py`` processes on one
PostgreSQL database, each with its own cached reads. What one process writes, the other
shows at its next run: a member's submission on server A appears in the review list and
moves the figures a coordinator reads on server B; an administrator on A deactivates a
member signed in on B, whose next click on B signs it out.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass

import pytest
from playwright.sync_api import Browser, Page, expect

from devtools.servers import streamlit_app
from tests.browser.conftest import (
    fill_first_missing_report,
    open_page,
    postgres_demo,
    sign_in,
    wait_idle,
)
from tests.conftest import FIXED_TODAY


@dataclass(frozen=True)
class Servers:
    a: str
    b: str


@pytest.fixture(scope="module")
def servers(tmp_path_factory) -> Iterator[Servers]:
    folder = tmp_path_factory.mktemp("many")
    with postgres_demo() as database:
        env = {**os.environ, "TRACKER_DATABASE_URL": database, "TRACKER_DEMO": "1",
               "TRACKER_TODAY": FIXED_TODAY, "TRACKER_DEFAULT_LANG": "en"}
        with ExitStack() as stack:
            a, b = (stack.enter_context(streamlit_app(folder, env)) for _ in range(2))
            yield Servers(a.url, b.url)


def _waiting(page: Page) -> list[str]:
    """The reports waiting on *Review reports* (its first tab), by their panels' titles."""
    tab = page.get_by_role("tabpanel").first
    return tab.locator("[data-testid=stExpander] summary").all_inner_texts()


def _headline(page: Page) -> list[str]:
    return page.locator("[data-testid=stMetricValue]").all_inner_texts()


def test_a_submission_on_one_server_shows_on_the_other_at_its_next_run(browser: Browser,
                                                                       servers: Servers):
    coordinator = browser.new_page()
    sign_in(coordinator, servers.b, "coordinacion@demo.example")  # lands on the overview
    expect(coordinator.locator("[data-testid=stMetricValue]").first).to_be_visible()
    figures = _headline(coordinator)
    assert figures
    open_page(coordinator, "Review reports")
    before = _waiting(coordinator)
    open_page(coordinator, "Overview")  # both drawn on B: both cached there

    member = browser.new_page()
    sign_in(member, servers.a, "innfa@demo.example")
    open_page(member, "My institution")
    item, code = fill_first_missing_report(member, "45", "Workshops held in Imbabura.")
    item.get_by_role("button", name="Submit").click()
    wait_idle(member)
    expect(member.get_by_text(f"Report on {code} submitted.")).to_be_visible()

    assert _headline(coordinator) == figures  # B has not run since
    open_page(coordinator, "Review reports")  # B's next run
    after = _waiting(coordinator)
    assert len(after) == len(before) + 1
    assert any(f"{code} · INNFA" in title for title in after)
    open_page(coordinator, "Overview")
    expect(coordinator.locator("[data-testid=stMetricValue]").first).to_be_visible()
    assert _headline(coordinator) != figures
    coordinator.close()
    member.close()


def test_an_account_deactivated_on_one_server_is_signed_out_on_the_other(browser: Browser,
                                                                         servers: Servers):
    member = browser.new_page()
    sign_in(member, servers.b, "oim@demo.example")
    open_page(member, "My institution")
    expect(member.get_by_role("button", name="Sign out")).to_be_visible()

    admin = browser.new_page()
    sign_in(admin, servers.a, "admin@demo.example")
    open_page(admin, "Accounts")
    admin.get_by_role("combobox", name="Account").click()
    admin.keyboard.type("oim@demo.example")
    admin.keyboard.press("Enter")
    wait_idle(admin)
    admin.get_by_role("button", name="Deactivate", exact=True).click()
    wait_idle(admin)
    # the e-mail in a button's Markdown carries a word joiner before "@" (ui.text.md)
    admin.get_by_role("button", name=re.compile(r"^Deactivate oim\u2060?@demo\.example$")
                      ).click()
    wait_idle(admin)
    expect(admin.get_by_text("The account of Punto focal OIM")).to_be_visible()

    open_page(member, "Overview")  # the member's next click, on B
    expect(member.get_by_role("button", name="Sign in")).to_be_visible()
    expect(member.get_by_role("button", name="Sign out")).to_have_count(0)
    admin.close()
    member.close()
