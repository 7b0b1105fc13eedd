"""A language switch keeps every choice (issue 26, item 5). Streamlit sends a select box's
choice as the label it shows; a switch changes the labels, and the choice came back unknown:
the report form dropped its status (the percent and the texts were kept), a filter fell back
to "all". Only a browser sends the former label, so only a browser test shows it."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.conftest import fill_first_missing_report, open_page, sign_in, wait_idle


def _switch_to_spanish(page: Page) -> None:
    page.locator("[data-testid=stSidebar]").get_by_text("Español").click()
    wait_idle(page)


def test_the_report_form_keeps_its_status_across_a_language_switch(page: Page, app_url: str):
    sign_in(page, app_url, "dinapen@demo.example")
    open_page(page, "My institution")
    item, code = fill_first_missing_report(page, "40", "Training in two provinces.")
    _switch_to_spanish(page)
    expect(page.get_by_role("heading", name="Mi institución")).to_be_visible()
    item = page.locator("[data-testid=stExpander]").filter(
        has=page.locator("summary", has_text=f"{code} · ")).first
    expect(item.get_by_label("Porcentaje de avance (0–100)")).to_have_value("40")
    item.get_by_role("button", name="Enviar").click()
    wait_idle(page)
    expect(page.get_by_text(f"Reporte de {code} enviado.")).to_be_visible()
    item = page.locator("[data-testid=stExpander]").filter(
        has=page.locator("summary", has_text=f"{code} · ")).first
    # the status sent is the one chosen, now shown in Spanish
    expect(item.get_by_role("combobox").first).to_have_value("En curso")


def test_the_history_filters_keep_their_choices_across_a_language_switch(page: Page,
                                                                       app_url: str):
    sign_in(page, app_url, "coordinacion@demo.example")
    open_page(page, "History")
    for label, option in (("Kind", "Quarters"), ("Quarter", "Q3 2026")):
        page.get_by_role("combobox", name=label, exact=True).click()
        page.keyboard.type(option)
        page.keyboard.press("Enter")
        wait_idle(page)
    _switch_to_spanish(page)
    expect(page.get_by_role("heading", name="Historial del plan")).to_be_visible()
    kind = page.get_by_role("combobox", name="Tipo", exact=True)
    quarter = page.get_by_role("combobox", name="Trimestre", exact=True)
    expect(kind).to_have_value("Trimestres")
    expect(quarter).to_have_value("T3 2026")
    # the next choice sends the others as the browser shows them: they stay
    page.get_by_role("combobox", name="Acción", exact=True).click()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    wait_idle(page)
    expect(kind).to_have_value("Trimestres")
    expect(quarter).to_have_value("T3 2026")
