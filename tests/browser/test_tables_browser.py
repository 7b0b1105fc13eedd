"""Long texts in tables are read whole at a projector's 1280x720 (issue 26, item 11): the
history's before → after and an import's changes to shared institutions wrap in their cells,
where a data frame cut them at the right, even in full screen."""

from __future__ import annotations

import copy

from playwright.sync_api import Page, expect

from tests.browser.conftest import open_page, sign_in, wait_idle
from tests.helpers import MINIMAL, write_workbook
from tracker.i18n import t

# every cell of every static table and every line of a list in an alert: its text, and
# whether it is wider than its box or goes past the window's right edge
_CELLS = """() => [...document.querySelectorAll(
    '[data-testid=stTable] :is(td, th), [data-testid=stAlert] li')].map(cell => ({
  text: cell.textContent.trim(), cut: cell.scrollWidth > cell.clientWidth + 1,
  outside: cell.getBoundingClientRect().right > document.documentElement.clientWidth + 1}))"""


def _cut(page: Page) -> list[str]:
    cells = page.evaluate(_CELLS)
    assert cells, "no table cell or listed line on the page"
    return [cell["text"][:80] for cell in cells if cell["cut"] or cell["outside"]]


def test_the_historys_before_and_after_is_read_whole_at_1280_px(page: Page, app_url: str):
    page.set_viewport_size({"width": 1280, "height": 720})
    sign_in(page, app_url, "coordinacion@demo.example", "es")
    open_page(page, t("nav.activity", "es"))
    table = page.get_by_test_id("stTable")
    expect(table).to_contain_text("correo: — → dinapen")  # an account created, its e-mail
    assert _cut(page) == []


def test_an_imports_changes_to_shared_institutions_are_read_whole(page: Page, app_url: str,
                                                                  tmp_path):
    sheets = copy.deepcopy(MINIMAL)
    sheets["plan"][1][0] = "Plan binacional de prueba"
    sheets["institutions"][1][1] = ("Organización Internacional para las Migraciones, "
                                    "Misión en el Ecuador, Oficina de Quito y frontera norte")
    sheets["institutions"][2][1] = ("Dirección Nacional de Policía Especializada para Niños, "
                                    "Niñas y Adolescentes, Unidad contra la trata")
    page.set_viewport_size({"width": 1280, "height": 720})
    sign_in(page, app_url, "coordinacion@demo.example", "es")
    open_page(page, t("nav.plan_files", "es"))
    page.locator("input[type=file]").set_input_files(
        str(write_workbook(tmp_path / "plan.xlsx", sheets)))
    wait_idle(page)
    page.get_by_role("button", name=t("files.check", "es")).click()
    wait_idle(page)
    changes = page.get_by_test_id("stAlert").filter(has_text=t("files.institution_changes", "es"))
    expect(changes).to_contain_text("Oficina de Quito y frontera norte")
    expect(changes).to_contain_text("Unidad contra la trata")
    assert _cut(page) == []
