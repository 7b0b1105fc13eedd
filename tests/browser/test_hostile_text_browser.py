"""Hostile text in every user field, every page, slide and popover, in a real browser.

Every user-written field of the demo (plan names and commissions, line names, items' titles,
indicators, units and descriptions, institutions' names, narratives, obstacles, next steps,
decisions, meetings' places and minutes, display names) carries a Markdown image, emphasis,
a colour directive, two autolink literals, an HTML image with a script and a spreadsheet
formula. The coordinator visits every page, every slide and its data table, the member her
institution: the browser asks no other host for anything, opens no dialog, and draws no image,
link, emphasis or code out of the text, which it shows as written. No table offers
Streamlit's own CSV download; the product's own holds no live formula.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import open_page, sign_in, streamlit_server, wait_idle
from tests.factories import make_hostile
from tracker.i18n import t

FORMULA = '=HYPERLINK("http://attacker.invalid","x")'
HOSTILE = ("![x](http://attacker.invalid/p.png) **bold** :red[x] www.attacker.invalid "
           f"someone@attacker.invalid <img src=x onerror=alert(1)> {FORMULA}")
WORD_JOINER = "\u2060"  # ui.text.md keeps addresses from becoming links with it
# what the hostile text would become if it were rendered instead of shown
RENDERED = ("img[src*=attacker], img[src=x], a[href*=attacker]:not([href^='#']), "
            ":is(strong, em, code, b, i):text-matches('bold|attacker|^x$')")


def _prepare(database: str) -> None:
    from sqlmodel import select

    from tracker.db import make_engine, session_scope
    from tracker.models import ReportRevision

    make_hostile(database, HOSTILE)
    engine = make_engine(database)
    with session_scope(engine) as session:  # a narrative that starts as a live formula
        for revision in session.exec(select(ReportRevision)):
            revision.narrative = f"{FORMULA} {revision.narrative}"
    engine.dispose()


@pytest.fixture(scope="module")
def hostile_app(tmp_path_factory) -> Iterator[str]:
    with streamlit_server(tmp_path_factory.mktemp("hostile-text"), prepare=_prepare) as url:
        yield url


@pytest.fixture
def watched(page: Page, hostile_app: str) -> Iterator[Page]:
    """The page, failing the test on any request to another host and on any dialog."""
    own = urlsplit(hostile_app).netloc
    elsewhere: list[str] = []
    dialogs: list[str] = []
    page.on("request", lambda request: elsewhere.append(request.url)
            if urlsplit(request.url).scheme in ("http", "https", "ws", "wss")
            and urlsplit(request.url).netloc != own else None)
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    yield page
    assert elsewhere == [], sorted(set(elsewhere))
    assert dialogs == [], "dialogs"


def _shown_as_text(page: Page, where: str, *, expect_text: bool = True) -> None:
    """Nothing drawn out of the hostile text; where it is shown, it reads as written."""
    found = page.locator(RENDERED)
    assert found.count() == 0, (where, [found.nth(i).evaluate("e => e.outerHTML")[:300]
                                        for i in range(found.count())])
    if expect_text:
        text = page.locator("[data-testid=stApp]").inner_text().replace(WORD_JOINER, "")
        assert HOSTILE in text, where


def _no_table_download(page: Page, where: str) -> None:
    """Streamlit's own table toolbar offers no CSV: hovering each table shows no such button."""
    tables = [table for table in page.locator("[data-testid=stDataFrame]").all()
              if table.is_visible()]
    for table in tables[:3]:
        table.hover()
        page.wait_for_timeout(150)
        assert page.get_by_role("button", name="Download as CSV").count() == 0, where


def _open_expanders(page: Page, limit: int = 2) -> None:
    summaries = page.locator("[data-testid=stExpander] summary")
    for index in range(min(limit, summaries.count())):
        summaries.nth(index).click()
        wait_idle(page)


COORDINATOR_PAGES = [("getting_started", False), ("overview", True), ("review", True),
                     ("item", True), ("meetings", True), ("activity", False),
                     ("plan_admin", True), ("plan_files", False), ("accounts", True),
                     ("my_account", True)]


def test_the_coordinator_sees_hostile_text_as_text_everywhere(watched: Page, hostile_app: str,
                                                              tmp_path):
    page = watched
    sign_in(page, hostile_app, "coordinacion@demo.example")
    for name, shows_user_text in COORDINATOR_PAGES:
        open_page(page, t(f"nav.{name}", "en"))
        _open_expanders(page)
        for tab in page.get_by_role("tab").all():
            tab.click()
            wait_idle(page)
            _shown_as_text(page, f"{name}: {tab.inner_text()}", expect_text=False)
            _no_table_download(page, f"{name}: {tab.inner_text()}")
        _shown_as_text(page, name, expect_text=shows_user_text)
        _no_table_download(page, name)
    _slides(page)
    _history_download(page, tmp_path)


def _slides(page: Page) -> None:
    """Every slide (a list too long for one takes several) and its data table."""
    open_page(page, t("nav.presentation", "en"))
    number = 0
    while True:
        number += 1
        where = f"slide {number}"
        heading = page.get_by_test_id("stMain").locator("h1, h2").first.inner_text()
        kind = next((kind for kind in ("by_line", "by_institution", "attention", "decisions")
                     if heading.startswith(t(f"deck.{kind}", "en", quarter=""))), "other")
        _shown_as_text(page, where, expect_text=number == 1 or kind in ("attention",
                                                                         "decisions"))
        table = page.get_by_role("button", name=t("present.data_table", "en"))
        if table.count():
            table.click()
            expect(page.locator("[data-testid=stPopoverBody]")).to_be_visible()
            _shown_as_text(page, f"{where}, data table",
                           expect_text=kind in ("by_line", "by_institution"))
            page.keyboard.press("Escape")
        forward = page.get_by_role("button", name=t("present.next", "en"))
        if forward.is_disabled():
            break
        forward.click()
        wait_idle(page)


def _history_download(page: Page, tmp_path) -> None:
    """The item's report history as the product's CSV: the narratives' formulas neutralised."""
    open_page(page, t("nav.item", "en"))
    with page.expect_download() as download:
        page.get_by_role("button", name=t("item.history_csv", "en")).click()
    path = tmp_path / "history.csv"
    download.value.save_as(path)
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    cells = [cell for row in rows[1:] for cell in row]
    assert any(cell.startswith(f"'{FORMULA}") for cell in cells)
    assert not [cell for cell in cells if cell.startswith(("=", "+", "-", "@"))]


def test_the_member_sees_hostile_text_as_text_on_her_institution(watched: Page,
                                                                 hostile_app: str):
    page = watched
    sign_in(page, hostile_app, "dinapen@demo.example")
    open_page(page, t("nav.my_institution", "en"))
    _open_expanders(page, limit=1)
    _shown_as_text(page, "my institution")
    _no_table_download(page, "my institution")
