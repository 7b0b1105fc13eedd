"""User-written text is shown as text: a hostile item title or narrative runs nothing."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import open_page, sign_in, streamlit_server, wait_idle
from tracker.db import make_engine, session_scope
from tracker.demo import ECUADOR_PLAN
from tracker.models import Status
from tracker.quarters import Quarter
from tracker.services import plan_admin, plans, reporting
from tracker.services.permissions import SYSTEM
from tracker.services.plan_admin import ItemFields
from tracker.services.reporting import Target
from tracker.services.reports import ReportContent

HOSTILE = "<img src=x onerror=alert(1)>"
SCRIPT = "<script>alert(2)</script> **bold?**"


def add_hostile_item(url: str) -> None:
    engine = make_engine(url)
    with session_scope(engine) as session:
        plan = plans.get_plan(session, ECUADOR_PLAN)
        item = plan_admin.save_item(session, SYSTEM, plan.id, ItemFields(
            code="9.9", title=HOSTILE, description=SCRIPT, line="1", lead="DINAPEN",
            supporters=(), start_quarter=Quarter(2026, 1),
            due_quarter=Quarter(2026, 4)))
        dinapen = item.lead_institution_id
        reporting.save_report(session, SYSTEM, Target(item.id, Quarter(2026, 4), dinapen),
                              ReportContent(status=Status.IN_PROGRESS, percent_complete=10,
                                            narrative=SCRIPT), expected_version=0, submit=True)
    engine.dispose()


@pytest.fixture(scope="module")
def hostile_app(tmp_path_factory) -> Iterator[str]:
    with streamlit_server(tmp_path_factory.mktemp("hostile"), prepare=add_hostile_item) as url:
        yield url


def test_hostile_text_is_shown_not_run(page: Page, hostile_app: str):
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    sign_in(page, hostile_app, "coordinacion@demo.example")
    open_page(page, "Review reports")
    report = page.locator("[data-testid=stExpander]").filter(has_text="9.9 · DINAPEN")
    report.locator("summary").click()
    expect(report.get_by_text(SCRIPT)).to_be_visible()  # the narrative, literally
    open_page(page, "Action items")
    page.get_by_role("combobox", name="Action item").click()
    page.keyboard.type("9.9")
    page.keyboard.press("Enter")
    wait_idle(page)
    expect(page.get_by_role("heading", name=f"9.9 · {HOSTILE}")).to_be_visible()
    expect(page.get_by_text(SCRIPT).first).to_be_visible()
    open_page(page, "Overview")
    page.get_by_role("tab", name="Timeline").click()
    page.wait_for_timeout(1000)
    assert page.locator("img[src=x]").count() == 0
    assert page.locator("script:has-text('alert(2)')").count() == 0
    assert dialogs == []
