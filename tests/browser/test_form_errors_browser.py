"""Required fields and refused fields in Chromium (issue 26, item 12): a field its service refuses
empty says so in its label and carries ``aria-required``; the field a refusal names carries
``aria-invalid``, is described by the refusal and takes the focus, and the page with the refusal
open passes axe."""

from __future__ import annotations

from playwright.sync_api import Locator, Page, expect

from tests.browser.conftest import audit, open_page, sign_in, wait_idle
from tracker.i18n import t

DESCRIBED = """field => (field.getAttribute('aria-describedby') || '').split(' ').filter(Boolean)
    .map(id => document.getElementById(id)).filter(Boolean)
    .map(node => node.innerText.trim())"""


def described_by(field: Locator) -> list[str]:
    """The texts of the elements that describe ``field`` (``aria-describedby``)."""
    return field.evaluate(DESCRIBED)


def _missing_item(page: Page) -> Locator:
    """On *My institution* (English): the first item whose report is missing."""
    return page.locator("[data-testid=stExpander]").filter(has_text="missing").first


def test_an_empty_required_field_is_marked_invalid_described_and_focused(
        page: Page, app_url: str, axe_source: str):
    sign_in(page, app_url, "innfa@demo.example")
    open_page(page, "My institution")
    item = _missing_item(page)
    status = item.get_by_role("combobox", name="Status")
    percent = item.get_by_label("Percent complete (0–100)")
    narrative = item.get_by_label("What was done this quarter")
    # required unless "Nothing to report" is ticked: said in the label and to assistive tech
    expect(item.get_by_test_id("stWidgetLabel").filter(has_text="Status (required)")
           ).to_be_visible()
    expect(status).to_have_attribute("aria-required", "true")
    expect(percent).to_have_attribute("aria-required", "true")
    expect(narrative).not_to_have_attribute("aria-required", "true")
    expect(status).not_to_have_attribute("aria-invalid", "true")

    narrative.fill("Workshops held in Imbabura.")
    item.get_by_role("button", name="Save draft").click()
    wait_idle(page)
    refusal = t("report.field.status_required", "en")
    expect(item.get_by_test_id("stAlertContainer")).to_have_text(refusal)
    expect(status).to_have_attribute("aria-invalid", "true")
    expect(status).to_be_focused()
    assert described_by(status) == [refusal]
    expect(percent).not_to_have_attribute("aria-invalid", "true")
    found = audit(page, axe_source)
    assert found == [], found

    # the status chosen, the percent still empty: the refusal and the mark move to it
    status.click()
    page.keyboard.type("In progress")
    page.keyboard.press("Enter")
    item.get_by_role("button", name="Save draft").click()
    wait_idle(page)
    refusal = t("report.field.percent_required", "en")
    expect(item.get_by_test_id("stAlertContainer")).to_have_text(refusal)
    expect(percent).to_have_attribute("aria-invalid", "true")
    expect(percent).to_be_focused()
    assert described_by(percent) == [refusal]
    expect(status).not_to_have_attribute("aria-invalid", "true")
    assert described_by(status) == []

    percent.fill("35")
    item.get_by_role("button", name="Save draft").click()
    wait_idle(page)
    saved = page.get_by_test_id("stAlertContainer").filter(has_text="saved")
    expect(saved).to_be_visible()
    expect(page.locator("[aria-invalid=true]")).to_have_count(0)


def test_a_meeting_with_nobody_present_marks_the_attendance_in_spanish(
        page: Page, app_url: str, axe_source: str):
    sign_in(page, app_url, "coordinacion@demo.example", "es")
    open_page(page, t("nav.meetings", "es"))
    form = page.get_by_test_id("stForm").filter(has_text=t("meetings.record", "es"))
    present = form.get_by_role("combobox", name="Instituciones presentes (obligatorio)")
    expect(form.get_by_test_id("stWidgetLabel").filter(
        has_text="Instituciones presentes (obligatorio)")).to_be_visible()
    expect(present).to_have_attribute("aria-required", "true")
    expect(form.get_by_label(t("meetings.minutes", "es"))).not_to_have_attribute(
        "aria-required", "true")
    form.get_by_label(t("meetings.place", "es")).fill("Quito")
    form.get_by_role("button", name=t("meetings.save", "es")).click()
    wait_idle(page)
    refusal = t("meeting.no_attendee", "es")
    expect(form.get_by_test_id("stAlertContainer")).to_have_text(refusal)
    expect(present).to_have_attribute("aria-invalid", "true")
    expect(present).to_be_focused()
    assert described_by(present) == [refusal]
    found = audit(page, axe_source)
    assert found == [], found

    page.keyboard.type("OIM")  # the focus is there: the institution chosen from it
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    form.get_by_role("button", name=t("meetings.save", "es")).click()
    wait_idle(page)
    expect(page.get_by_text("Guardado.", exact=True)).to_be_visible()
    expect(page.locator("[aria-invalid=true]")).to_have_count(0)
