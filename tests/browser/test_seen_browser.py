"""What is shown at a projector's 1280x720 is read whole (issue 26, item 11): the trend's
lines named at their ends, apart; the timeline's whole titles and its quarter marker; the
history's before → after and an import's changes to shared institutions wrapped, where a
data frame cut them at the right, even in full screen."""

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


# every text Plotly drew in the open tab's chart, with its box, and the chart's box
_CHART_TEXTS = """() => { const chart = document.querySelector('[data-testid=stPlotlyChart]');
  const frame = chart.getBoundingClientRect();
  return {left: frame.left, right: frame.right, texts: [...chart.querySelectorAll('svg text')]
    .filter(t => t.textContent.trim() && t.getBBox().width > 0)
    .map(t => { const r = t.getBoundingClientRect();
      return {text: t.textContent.trim(), left: r.left, right: r.right, top: r.top,
              bottom: r.bottom}; })}; }"""


def _overlapping(texts: list[dict]) -> list[tuple[str, str]]:
    return [(a["text"], b["text"]) for i, a in enumerate(texts) for b in texts[i + 1:]
            if min(a["right"], b["right"]) - max(a["left"], b["left"]) > 1
            and min(a["bottom"], b["bottom"]) - max(a["top"], b["top"]) > 1]


def _open_tab(page: Page, name: str) -> dict:
    page.get_by_role("tab", name=name).click()
    wait_idle(page)
    page.locator("[data-testid=stPlotlyChart] svg text").first.wait_for()
    page.wait_for_timeout(800)  # Plotly lays the texts out after the first draw
    return page.evaluate(_CHART_TEXTS)


def test_the_trend_names_each_line_at_its_end_and_the_timeline_shows_whole_titles(
        page: Page, app_url: str):
    page.set_viewport_size({"width": 1280, "height": 720})
    sign_in(page, app_url, "coordinacion@demo.example", "es")
    trend = _open_tab(page, t("overview.tab.trend", "es"))
    names = [text["text"] for text in trend["texts"]]
    for acronym in ("DINAPEN", "INNFA", "MREMH", "OIM", "PN", "Plan", "Esperado"):
        assert [n for n in names if n.startswith(f"{acronym} ") and n.endswith(" %")], acronym
    assert _overlapping(trend["texts"]) == []
    timeline = _open_tab(page, t("overview.tab.timeline", "es"))
    drawn = {"".join(text["text"].split()) for text in timeline["texts"]}
    title = "1.1 · Acuerdo de cooperación OIM–MREMH–INNFA–PN–DINAPEN firmado y difundido"
    assert "".join(title.split()) in drawn  # the whole title, on its lines
    assert "FindeT42026" in drawn  # the quarter the bars' status is at, marked
    assert _overlapping(timeline["texts"]) == []
    assert [text["text"] for text in timeline["texts"]
            if text["left"] < timeline["left"] - 1 or text["right"] > timeline["right"] + 1] == []
