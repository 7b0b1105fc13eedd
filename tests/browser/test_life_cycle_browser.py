"""A quarter's edges in two browsers, in Spanish: nothing a member typed is dropped in silence.

One member has the same item open in two browsers; the quarter closes while a form is open;
the member asks to reopen it with no quarter open, a coordinator grants it, the member sees the
answer and corrects the report.
"""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import sign_in, wait_idle
from tracker.i18n import t

MEMBER = "pn@demo.example"


def _nav(page: Page, key: str) -> None:
    page.locator("[data-testid=stSidebarNav]").get_by_text(t(key, "es"), exact=True).click()
    wait_idle(page)


def _member_page(browser: Browser, app_url: str) -> Page:
    page = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
    sign_in(page, app_url, MEMBER, "es")
    _nav(page, "nav.my_institution")
    return page


def _form(page: Page, code: str):
    wait_idle(page)
    index = None
    for _ in range(100):  # the page may still be drawing its forms on a loaded machine
        names = page.get_by_test_id("stExpander").locator("summary").all_inner_texts()
        index = next((i for i, name in enumerate(names)  # the label's last line: no icon
                      if name.strip() and name.strip().splitlines()[-1].startswith(
                          f"{code} · ")), None)
        if index is not None:
            break
        page.wait_for_timeout(200)
    assert index is not None, f"no form for {code}"
    form = page.get_by_test_id("stExpander").nth(index)
    if not form.get_by_label(t("form.narrative", "es")).first.is_visible():
        form.locator("summary").click()
    return form


def _fill(page: Page, code: str, percent: str, narrative: str) -> None:
    form = _form(page, code)
    status = form.get_by_role("combobox", name=t("form.status", "es")).first
    status.click()
    page.keyboard.type(t("status.in_progress", "es"))
    page.keyboard.press("Enter")
    expect(form.get_by_text(t("status.in_progress", "es")).first).to_be_visible()
    form.get_by_label(t("form.percent", "es")).first.fill(percent)
    form.get_by_label(t("form.narrative", "es")).first.fill(narrative)


def _press(page: Page, code: str, key: str) -> None:
    _form(page, code).get_by_role("button", name=t(key, "es"), exact=True).click()
    wait_idle(page)


def test_a_stale_form_and_a_closed_quarter_keep_the_text_and_a_reopening_closes_the_loop(
        browser: Browser, app_url: str):
    expect.set_options(timeout=20_000)  # two browsers and a coordinator on a 2-core machine
    first, second = _member_page(browser, app_url), _member_page(browser, app_url)
    pending = first.get_by_test_id("stExpander").filter(has_text="pendiente").first
    code = re.search(r"(\S+) · ", pending.locator("summary").inner_text()).group(1)

    # the same member, two browsers: A submits, then B (whose form is older) submits
    _fill(first, code, "40", "Texto del navegador A.")
    _press(first, code, "form.submit")
    expect(first.get_by_text(f"Reporte de {code} enviado.")).to_be_visible()
    _fill(second, code, "55", "Texto del navegador B, que no debe perderse.")
    _press(second, code, "form.submit")
    form = _form(second, code)
    # (a stale copy of the form may linger while the page redraws: the first is enough)
    expect(form.get_by_label(t("form.narrative", "es")).first).to_have_value(
        "Texto del navegador B, que no debe perderse.")
    # both versions side by side (a data grid: its cells are in the accessible table)
    expect(form.get_by_text(t("form.your_value", "es"))).to_be_attached()
    expect(form.get_by_text("Texto del navegador A.")).to_be_attached()
    form.get_by_role("button", name=re.compile("^Conservar el mío")).click()
    wait_idle(second)
    expect(second.get_by_text(f"Reporte de {code} enviado.")).to_be_visible()

    # the coordinator closes the quarter while B's form holds new text
    _fill(second, code, "60", "Escrito mientras se cerraba el trimestre.")
    coordinator = browser.new_context().new_page()
    sign_in(coordinator, app_url, "coordinacion@demo.example", "es")
    _nav(coordinator, "nav.plan_admin")
    tabs = coordinator.get_by_test_id("stTabs")
    tabs.get_by_role("button", name=t("plan.close", "es"), exact=True).click()
    wait_idle(coordinator)  # closing asks first, naming the quarter
    tabs.get_by_role("button", name="Cerrar T4 2026", exact=True).click()
    wait_idle(coordinator)
    _press(second, code, "form.save_draft")
    expect(second.get_by_text(re.compile("El trimestre T4 2026 está cerrado: pida su "
                                          "reapertura"))).to_be_visible()
    expect(_form(second, code).get_by_label(t("form.narrative", "es")).first).to_have_value(
        "Escrito mientras se cerraba el trimestre.")

    # no quarter is open: the member asks to reopen it anyway
    second.reload()
    wait_idle(second)
    expect(second.get_by_text(t("mine.no_open_quarter", "es"))).to_be_visible()
    second.get_by_text(t("mine.reopen", "es")).click()
    second.get_by_label(t("mine.reopen_reason", "es")).fill("Faltó el operativo de diciembre.")
    second.get_by_role("button", name=t("mine.reopen_send", "es")).click()
    wait_idle(second)
    expect(second.get_by_text(t("mine.reopen_sent", "es"))).to_be_visible()

    _nav(coordinator, "nav.meetings")
    expect(coordinator.get_by_text("Faltó el operativo de diciembre.")).to_be_visible()
    coordinator.get_by_role("button", name=t("meetings.grant", "es")).click()
    wait_idle(coordinator)

    second.reload()
    wait_idle(second)
    expect(second.get_by_text("Reapertura de T4 2026 concedida")).to_be_visible()
    _fill(second, code, "65", "Corregido tras la reapertura.")
    _press(second, code, "form.submit")
    expect(second.get_by_text(f"Reporte de {code} enviado.")).to_be_visible()
    # one submission does not end the reopening (issue 26, item 1): the institution says
    # when it has finished, and is asked first
    expect(second.get_by_role("heading", name="Reportes de T4 2026")).to_be_visible()
    second.get_by_role("button", name=t("mine.finish", "es")).click()
    wait_idle(second)
    second.get_by_role("button", name="Sí, terminé mis correcciones de T4 2026").click()
    wait_idle(second)
    expect(second.get_by_text("Sus correcciones de T4 2026 terminaron")).to_be_visible()
    expect(second.get_by_text(t("mine.no_open_quarter", "es"))).to_be_visible()
