"""Every chart has an accessible name: the summary in words generated from its figures."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.conftest import sign_in, wait_idle

# Every chart of the open tab drawn and named, one whose name starts so among them (charts
# arrive one by one; only the open tab's are drawn).
NAMED = """(start) => {
    const charts = [...document.querySelectorAll('[data-testid=stPlotlyChart][role=figure]')];
    return charts.length >= 1 && charts.every(chart => chart.getAttribute('aria-label'))
        && charts.some(chart => chart.getAttribute('aria-label').startsWith(start));
}"""


def test_the_overview_charts_are_named_by_their_summaries(page: Page, app_url: str):
    sign_in(page, app_url, "observador@demo.example", "es")
    named = page.locator("[data-testid=stPlotlyChart][role=figure]")
    expect(named.first).to_be_attached(timeout=30_000)  # charts draw after the script ends
    wait_idle(page)
    page.wait_for_function(NAMED, arg="Avance por institución responsable", timeout=30_000)
    assert named.count() == 2  # the first tab's two charts
    page.get_by_role("tab", name="Por línea estratégica").click()
    wait_idle(page)
    page.wait_for_function(NAMED, arg="Avance por línea estratégica", timeout=30_000)
    names = [named.nth(i).get_attribute("aria-label") for i in range(named.count())]
    assert all(names), names
    by_line = next(n for n in names if n.startswith("Avance por línea estratégica"))
    assert "T4 2026" in by_line and "%" in by_line  # words from the figures, in Spanish
    expect(page.get_by_text(by_line[:40]).first).to_be_attached()  # shown under it too
    page.locator("[data-testid=stSidebarNav]").get_by_text("Presentación", exact=True).click()
    wait_idle(page)
    page.get_by_role("button", name="Siguiente").click()
    wait_idle(page)
    page.get_by_role("button", name="Siguiente").click()
    wait_idle(page)
    slide_chart = page.locator("[data-testid=stPlotlyChart][role=figure]").first
    expect(slide_chart).to_be_attached()
    assert slide_chart.get_attribute("aria-label")
