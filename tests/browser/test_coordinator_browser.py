"""A coordinator prepares the meeting: quarter, filter, drill-down to an item, export."""

from __future__ import annotations

import re

from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from tests.browser.conftest import open_page, sign_in, wait_idle


def choose(page: Page, label: str, option: str) -> None:
    page.get_by_role("combobox", name=label).click()
    page.keyboard.type(option)
    page.keyboard.press("Enter")
    wait_idle(page)


def test_quarter_filter_drill_down_and_export(page: Page, app_url: str, tmp_path):
    sign_in(page, app_url, "coordinacion@demo.example")
    choose(page, "Quarter", "Q2 2026")
    expect(page.get_by_text("Progress by lead institution, Q2 2026", exact=True)).to_be_visible()
    expect(page.locator(".modebar-btn")).to_have_count(0)  # no toolbar: no Tab stops
    assert "quarter=2026-Q2" in page.url
    choose(page, "Lead institutions", "DINAPEN")
    page.keyboard.press("Escape")
    assert "institution=DINAPEN" in page.url
    page.reload()  # the quarter and the filter live in the URL
    wait_idle(page)
    expect(page.get_by_text("Progress by lead institution, Q2 2026", exact=True)).to_be_visible()
    page.get_by_role("link", name="4.3 · Operativos de control de trabajo infantil").click()
    wait_idle(page)
    expect(page.get_by_role("heading", name="4.3 · Operativos de control de trabajo "
                                         "infantil y mendicidad")).to_be_visible()
    open_page(page, "Plan files")
    with page.expect_download() as download:
        page.get_by_role("button", name="Plan and reports (Excel)").click()
    path = tmp_path / "export.xlsx"
    download.value.save_as(path)
    workbook = load_workbook(path, read_only=True)
    assert {"items", "reports"} <= set(workbook.sheetnames)


def test_presentation_through_all_slides_and_both_decks(page: Page, app_url: str, tmp_path):
    from pptx import Presentation

    sign_in(page, app_url, "coordinacion@demo.example")
    open_page(page, "Presentation")
    # the first slide is drawn before a key is pressed: a PageDown sent while the page was
    # still loading went nowhere (one CI run in six)
    counter = page.get_by_text(re.compile(r"^Slide 1 of \d+ ·"))  # the announcer says it too
    expect(counter).to_be_visible()
    total = int(re.search(r"Slide 1 of (\d+)", counter.inner_text())[1])
    assert total > 8  # the demo's 26 indicators and 13 items needing a decision: more slides
    expect(page.get_by_test_id("stSidebar")).to_be_visible()  # until presenting
    page.get_by_role("button", name="Present full screen").click()
    page.set_viewport_size({"width": 1280, "height": 720})  # a projector's screen
    wait_idle(page)
    expect(page.get_by_test_id("stSidebar")).to_be_hidden()  # full screen: no page chrome
    headings = []
    for number in range(1, total + 1):
        if number > 1:
            page.keyboard.press("PageDown")
            wait_idle(page)
        expect(page.get_by_text(re.compile(f"^Slide {number} of {total} ·"))).to_be_in_viewport()
        # every slide has a heading and fits the screen with its navigation in view, a page
        # of a long list too (its last row above the navigation)
        main = page.get_by_test_id("stMain")
        expect(main.locator("h1, h2").first).to_be_in_viewport()
        headings.append(main.locator("h1, h2").first.inner_text())
        for name in ("← Previous", "Next →"):
            expect(page.get_by_role("button", name=name)).to_be_in_viewport(ratio=1)
        rows = main.locator("[data-testid=stTable] tbody tr")
        if rows.count():
            expect(rows.last).to_be_in_viewport(ratio=1)
        if number == 3:  # a chart's data is one click away, as a table
            expect(page.locator(".modebar-btn")).to_have_count(0)
            page.get_by_role("button", name="Data table").click()
            expect(page.get_by_role("table").first).to_be_visible()
            page.keyboard.press("Escape")
            wait_idle(page)
    assert any(h.startswith("Last meeting's decisions") for h in headings)
    assert [h for h in headings if h.startswith("Indicators")][-1].endswith(" of 3)")
    page.keyboard.press("PageUp")
    wait_idle(page)
    expect(page.get_by_text(re.compile(f"^Slide {total - 1} of {total} ·"))).to_be_visible()
    page.keyboard.press("PageDown")
    wait_idle(page)
    page.get_by_text("Plan, quarter and deck").click()
    with page.expect_download() as pptx:
        page.get_by_role("button", name="PowerPoint deck (editable charts)").click()
    path = tmp_path / "deck.pptx"
    pptx.value.save_as(path)
    assert len(Presentation(str(path)).slides) == total  # the same slides as the screen
    # Chromium prints the handout when the button is pressed: seconds alone, longer beside
    # the other tests; one click, the button a spinner meanwhile
    with page.expect_download(timeout=120_000) as pdf:
        page.get_by_role("button", name="PDF handout", exact=True).click()
    pdf.value.save_as(tmp_path / "handout.pdf")
    assert (tmp_path / "handout.pdf").read_bytes().startswith(b"%PDF")
