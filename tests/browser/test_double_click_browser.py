"""A double click in Chromium writes once (issue 26, item 2): "Save meeting" and "Submit"
double-clicked (Playwright's ``dblclick``: two presses as the browser delivers them, two reruns
of the same drawn form) record one meeting and one submission, and no conflict with oneself."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import Session, func, select

from tests.browser.conftest import (
    fill_first_missing_report,
    open_page,
    sign_in,
    streamlit_server,
    wait_idle,
)
from tracker.db import make_engine
from tracker.models import Meeting, ReportRevision, User


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Iterator[tuple[str, str]]:
    """The dashboard on a demo database of its own: its URL and the database's."""
    folder = tmp_path_factory.mktemp("double-click")
    with streamlit_server(folder) as url:
        yield url, f"sqlite:///{Path(folder) / 'demo.db'}"


def _count(database: str, query) -> int:  # noqa: ANN001
    engine = make_engine(database)
    with Session(engine) as session:
        found = session.exec(query).one()
    engine.dispose()
    return found


def test_save_meeting_double_clicked_records_one_meeting(page: Page, served):
    url, database = served
    sign_in(page, url, "coordinacion@demo.example", "es")
    open_page(page, "Reuniones")
    form = page.locator("[data-testid=stForm]").filter(has_text="Registrar una reunión")
    form.get_by_label("Lugar").fill("Quito, doble clic")
    form.get_by_label("Instituciones presentes").click()
    page.keyboard.type("OIM")
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    form.get_by_role("button", name="Guardar reunión").dblclick()
    wait_idle(page)
    page.wait_for_timeout(1000)  # a second run, if any, has come and gone
    wait_idle(page)
    assert _count(database, select(func.count()).select_from(Meeting).where(
        Meeting.place == "Quito, doble clic")) == 1
    expect(page.locator("[data-testid=stExpander] summary").filter(has_text="Reunión del")
           ).to_have_count(1)
    expect(page.locator("[data-testid=stAlertContentError]")).to_have_count(0)
    expect(page.get_by_text("Guardado.", exact=True)).to_be_visible()
    expect(form.get_by_label("Lugar")).to_have_value("")  # a new, empty form


def test_submit_double_clicked_saves_once_with_no_conflict(page: Page, served):
    url, database = served
    sign_in(page, url, "pn@demo.example")
    open_page(page, "My institution")
    item, code = fill_first_missing_report(page, "35", "Submitted with a double click.")
    item.get_by_role("button", name="Submit").dblclick()
    wait_idle(page)
    page.wait_for_timeout(1000)
    wait_idle(page)
    expect(page.get_by_text("saved this report while you were editing")).to_have_count(0)
    expect(page.get_by_text("Your value")).to_have_count(0)  # no two columns to choose from
    expect(page.locator("[data-testid=stAlertContentError]")).to_have_count(0)
    revisions = select(func.count()).select_from(ReportRevision).join(
        User, User.id == ReportRevision.author_id).where(
        User.email == "pn@demo.example",
        ReportRevision.narrative == "Submitted with a double click.")
    assert _count(database, revisions) == 1
    expect(page.locator("[data-testid=stExpander] summary").filter(
        has_text=f"{code} · ")).to_contain_text("submitted")
    expect(page.get_by_text(f"Report on {code} submitted.")).to_be_visible()

