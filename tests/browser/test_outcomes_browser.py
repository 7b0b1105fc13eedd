"""Every press says what it did where the person is looking (issue 26, items 6 and 7): a
closing asks first, naming the quarter; the question, then the outcome, take the keyboard
focus next to the button, so a screen reader reads them."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.conftest import open_page, sign_in, wait_idle
from tracker.demo import ECUADOR_PLAN
from tracker.i18n import t

FOCUSED_MESSAGE = """() => {
  const active = document.activeElement;
  if (!active || !active.matches('[data-testid=stAlertContainer]')) { return null; }
  return {text: active.innerText.trim(), role: active.getAttribute('role'),
          live: active.getAttribute('aria-live'), tabindex: active.getAttribute('tabindex')};
}"""


def focused_message(page: Page) -> dict:
    """The message that has the keyboard focus (waits until one has it)."""
    return page.wait_for_function(FOCUSED_MESSAGE).json_value()


def test_closing_asks_then_says_so_under_the_buttons_with_the_focus(page: Page, app_url: str):
    sign_in(page, app_url, "coordinacion@demo.example", "es")
    open_page(page, t("nav.plan_admin", "es"))
    tabs = page.get_by_test_id("stTabs")
    tabs.get_by_role("button", name=t("plan.close", "es"), exact=True).click()
    wait_idle(page)
    question = focused_message(page)
    assert question == {"text": f"Cerrar T4 2026 de {ECUADOR_PLAN}: los miembros ya no podrán "
                                "enviar sus reportes (la coordinación aún puede corregirlos, "
                                "indicando el motivo).",
                        "role": "alert", "live": "assertive", "tabindex": "-1"}
    page.keyboard.press("Tab")  # the next Tab stop is the answer that closes
    assert page.evaluate("document.activeElement.innerText.trim()") == "Cerrar T4 2026"
    page.keyboard.press("Enter")
    wait_idle(page)
    done = focused_message(page)
    assert done == {"text": f"T4 2026 de {ECUADOR_PLAN} quedó cerrado: los miembros ya no "
                            "pueden enviar sus reportes.",
                    "role": "status", "live": "polite", "tabindex": "-1"}
    # next to the buttons, not at the page's top: the message sits in the periods tab
    expect(tabs.get_by_test_id("stAlertContainer").filter(
        has_text="quedó cerrado")).to_be_visible()


def test_a_refused_password_change_takes_the_focus_as_an_alert(page: Page, app_url: str):
    sign_in(page, app_url, "observador@demo.example")
    open_page(page, "My account")
    page.get_by_label("Current password").fill("not my password")
    page.get_by_label("New password (at least 12 characters, not a common one)").fill(
        "a brand new secret")
    page.get_by_label("New password again").fill("a brand new secret")
    page.get_by_role("button", name="Change password").click()
    wait_idle(page)
    assert focused_message(page) == {"text": "The current password is not right.",
                                     "role": "alert", "live": "assertive", "tabindex": "-1"}
    form = page.get_by_test_id("stForm").filter(has_text="Change my password")
    # drawn right under the form, the next thing after its button
    expect(form.locator("xpath=following::*[@data-testid='stAlertContainer'][1]")).to_have_text(
        "The current password is not right.")
