"""Main flows in the browser: a member reports, a coordinator returns it; wrong passwords
and the lockout; an observer reaches no form."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.conftest import fill_first_missing_report, open_page, sign_in, wait_idle


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    wait_idle(page)


def test_member_submits_and_coordinator_returns_it(page: Page, app_url: str):
    sign_in(page, app_url, "innfa@demo.example")
    open_page(page, "My institution")
    expect(page.get_by_role("heading", name="Reports for Q4 2026")).to_be_visible()
    item, code = fill_first_missing_report(page, "35", "Workshops held in Imbabura.")
    item.get_by_role("button", name="Submit").click()
    wait_idle(page)
    expect(page.get_by_text(f"Report on {code} submitted.")).to_be_visible()
    sign_out(page)

    sign_in(page, app_url, "coordinacion@demo.example")
    open_page(page, "Review reports")
    report = page.locator("[data-testid=stExpander]").filter(has_text=f"{code} · INNFA")
    report.locator("summary").click()
    expect(report.get_by_text("Workshops held in Imbabura.")).to_be_visible()
    report.get_by_label("Comment for the institution").fill("Add the attendance lists.")
    report.get_by_role("button", name="Return with comment").click()
    wait_idle(page)
    expect(page.get_by_text("Report returned with your comment.")).to_be_visible()
    sign_out(page)

    sign_in(page, app_url, "innfa@demo.example")
    open_page(page, "My institution")
    expect(page.get_by_text("Returned by the coordinator: Add the attendance lists.")
           ).to_be_visible()


def _item(page: Page, code: str):
    """The expander of item ``code`` on My institution."""
    return page.locator("[data-testid=stExpander]").filter(
        has=page.locator("summary", has_text=f"{code} · "))


def _toggle(page: Page, code: str) -> None:
    _item(page, code).locator("summary").click()
    wait_idle(page)


def test_typed_text_stays_through_collapsing_and_opening_another_item(page: Page, app_url: str):
    sign_in(page, app_url, "mremh@demo.example")
    open_page(page, "My institution")
    summaries = page.locator("[data-testid=stExpander] summary").all_inner_texts()
    codes = [re.search(r"(\S+) · ", text).group(1) for text in summaries if " · " in text]
    # one item starts open: the first whose report is missing (a draft, here); a closed
    # item's form is not on the page
    [opened] = page.locator("[data-testid=stExpander] details[open] summary").all_inner_texts()
    first = re.search(r"(\S+) · ", opened).group(1)
    other = next(code for code in codes if code != first)
    expect(_item(page, first).get_by_label("What was done this quarter")).to_be_visible()
    items = page.locator("[data-testid=stExpander]").filter(
        has=page.locator("summary", has_text=" · "))
    expect(items.locator("textarea")).to_have_count(3)  # one report form on the page
    expect(_item(page, other).locator("textarea")).to_have_count(0)
    _item(page, first).get_by_label("What was done this quarter").fill("Typed, not saved.")
    _toggle(page, first)  # collapsed: a rerun
    # another item opened from the keyboard: the focus stays on its summary, and its form,
    # drawn by that run, is the next Tab stops
    _item(page, other).locator("summary").focus()
    page.keyboard.press("Enter")
    wait_idle(page)
    expect(_item(page, other).locator("summary")).to_be_focused()
    status = _item(page, other).get_by_role("combobox", name="Status")
    expect(status).to_be_visible()  # drawn before the first Tab
    trail = []  # the item's caption and, when others reported, their table come first
    for _ in range(15):
        page.keyboard.press("Tab")
        trail.append(page.evaluate("[document.activeElement.tagName, "
                                   "document.activeElement.getAttribute('aria-label')]"))
        if trail[-1][1] == "Status (required)":
            break
    assert trail[-1][1] == "Status (required)", trail
    expect(status).to_be_focused()
    expect(_item(page, other).get_by_label("What was done this quarter")).to_have_value("")
    _toggle(page, other)
    _toggle(page, first)
    narrative = _item(page, first).get_by_label("What was done this quarter")
    expect(narrative).to_have_value("Typed, not saved.")
    _item(page, first).get_by_role("button", name="Save draft").click()
    wait_idle(page)
    expect(page.get_by_text(f"Draft of {first} saved.")).to_be_visible()
    expect(narrative).to_have_value("Typed, not saved.")  # still open, with what was saved


def test_wrong_passwords_then_lockout(page: Page, app_url: str):
    page.goto(f"{app_url}/?lang=en")
    wait_idle(page)
    for _ in range(4):
        page.get_by_label("E-mail").fill("pn@demo.example")
        page.get_by_label("Password", exact=True).fill("not it")
        page.get_by_role("button", name="Sign in").click()
        wait_idle(page)
        expect(page.get_by_text("The e-mail or the password is not right.")).to_be_visible()
    page.get_by_label("Password", exact=True).fill("not it")
    page.get_by_role("button", name="Sign in").click()
    wait_idle(page)
    expect(page.get_by_text("Too many failed tries for this e-mail: wait 15 minutes")
           ).to_be_visible()
    page.get_by_label("Password", exact=True).fill("demo-commission-2026")
    page.get_by_role("button", name="Sign in").click()  # even the right one waits
    wait_idle(page)
    expect(page.get_by_text("Too many failed tries")).to_be_visible()


def test_an_observer_reaches_no_form(page: Page, app_url: str):
    sign_in(page, app_url, "observador@demo.example")
    nav = page.locator("[data-testid=stSidebarNav]")
    expect(nav.get_by_text("Overview")).to_be_visible()
    for hidden in ("My institution", "Review reports", "Accounts"):
        expect(nav.get_by_text(hidden, exact=True)).to_have_count(0)
    page.goto(f"{app_url}/review?lang=en")  # a typed address falls back to the overview
    wait_idle(page)
    expect(page.get_by_role("button", name="Approve")).to_have_count(0)
    expect(page.get_by_role("button", name="Submit")).to_have_count(0)
