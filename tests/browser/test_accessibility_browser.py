"""WCAG 2.1 AA in Chromium: axe-core over every page for every role in both languages, the
document's title and language per page, headings that skip no level.

axe-core runs through ``tests.browser.conftest.audit`` (with the ``axe_source`` fixture). What
axe still reports is Streamlit's own, listed in the README's accessibility section with its
upstream issue: ``STREAMLIT_OWN`` is exactly that list, and a violation anywhere else fails.
"""

from __future__ import annotations

import contextlib

from playwright.sync_api import Browser, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.browser.conftest import audit, sign_in, wait_for_cookie, wait_idle

# (axe rule, CSS selector of the node's nearest Streamlit element): Streamlit's own markup,
# which the product cannot change; each is in the README with its upstream issue.
STREAMLIT_OWN: set[tuple[str, str]] = set()

ACCOUNTS = {
    "member": "innfa@demo.example",
    "coordinator": "coordinacion@demo.example",
    "observer": "observador@demo.example",
    "admin": "admin@demo.example",
}


def _nav_paths(page: Page) -> list[str]:
    """The url paths of the pages in the sidebar's navigation ("" for the default page)."""
    page.locator("[data-testid=stSidebarNav] a").first.wait_for(timeout=30_000)
    hrefs = page.locator("[data-testid=stSidebarNav] a").evaluate_all(
        "links => links.map(a => new URL(a.href).pathname)")
    return [href.strip("/") for href in hrefs]


_HEADINGS = """() => [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')]
    .filter(h => h.offsetParent !== null).map(h => [Number(h.tagName[1]), h.innerText.trim()])"""


def heading_skips(page: Page) -> list[str]:
    """Headings that go down more than one level from the one before (h1 -> h3)."""
    skips, level = [], 0
    for depth, text in page.evaluate(_HEADINGS):
        if depth > level + 1:
            skips.append(f"h{level} -> h{depth} {text!r}")
        level = depth
    return skips


APP_TITLE = {"es": "Seguimiento del plan de trabajo conjunto", "en": "Joint Work Plan Tracker"}


def declared_language(page: Page, lang: str) -> str:
    """``<html lang>``, once the page's script set it to ``lang`` or 5 s went by: the
    script runs in an element drawn just after the run ends, not always before the
    ``notRunning`` state ``wait_idle`` waits for."""
    with contextlib.suppress(PlaywrightTimeout):
        page.wait_for_function("lang => document.documentElement.lang === lang", arg=lang,
                               timeout=5_000)
    return page.evaluate("() => document.documentElement.lang")


def title_and_language(page: Page, lang: str) -> list[str]:
    """The document names its page (and plan) in ``lang`` and declares ``lang``."""
    problems = []
    declared = declared_language(page, lang)
    if declared != lang:
        problems.append(f"<html lang={declared!r}>")
    # the link's text follows its icon's name ("bar_chart")
    current = page.locator("[data-testid=stSidebarNav] a[aria-current=page]").inner_text()
    title = page.title()
    named = title.split(" — ")[0].split(" · ")[0]
    if not (named and current.strip().endswith(named)
            and title.endswith(f" — {APP_TITLE[lang]}")):
        problems.append(f"title {title!r} for {current!r}")
    return problems


def page_states(page: Page, url: str, paths: list[str], lang: str):
    for path in paths:
        page.goto(f"{url}/{path}?lang={lang}")
        wait_idle(page)
        page.wait_for_timeout(300)  # charts draw after the script run
        yield path


WIDE, NARROW = {"width": 1280, "height": 900}, {"width": 320, "height": 900}


class Scan:
    """The violations found and the page states scanned (one state: one page as shown at one
    width, after one action)."""

    def __init__(self, axe: str) -> None:
        self.axe, self.found, self.states = axe, [], 0

    def __call__(self, page: Page, where: str) -> None:
        self.states += 1
        for node in audit(page, self.axe):
            if (node["rule"], node["owner"]) not in STREAMLIT_OWN:
                self.found.append(f"{where}: {node}")

    def both_widths(self, page: Page, where: str) -> None:
        """The page as it is at 1280 px, then reflowed to 320 px (WCAG 1.4.10) without
        loading it again: charts scroll sideways in their own box there."""
        self(page, where)
        self.figures_read_by_name(page, where)
        page.set_viewport_size(NARROW)
        page.wait_for_timeout(400)  # Plotly redraws on resize
        wait_idle(page)
        self(page, f"{where} 320px")
        page.set_viewport_size(WIDE)
        page.wait_for_timeout(400)

    def figures_read_by_name(self, page: Page, where: str) -> None:
        """A named chart is read as its name (the summary) alone: the tick labels, legend and
        values in Plotly's drawing are not read after it as loose words."""
        figures = page.locator("[data-testid=stPlotlyChart][role=figure]")
        for index in range(figures.count()):
            read = figures.nth(index).aria_snapshot().splitlines()
            if len(read) > 1:
                self.found.append(f"{where}: figure read with {len(read) - 1} more lines: "
                                  f"{read[:4]}")

    def each_tab(self, page: Page, where: str) -> None:
        """The page's other tabs, each opened by a click and scanned (the first one was):
        a hidden tab's content is not scanned while it is hidden."""
        tabs = page.locator("[data-testid=stMain] [role=tab]")
        for index in range(1, tabs.count()):
            tab = tabs.nth(index)
            name = tab.inner_text().strip()
            tab.click()
            page.wait_for_timeout(300)
            wait_idle(page)
            self(page, f"{where} tab {name!r}")


def test_no_wcag_violation_in_the_product(browser: Browser, app_url: str, axe_source: str):
    """Every page of every role in both languages at 1280 and 320 px, and every slide of the
    presentation: at least 150 page states, no violation outside Streamlit's own markup."""
    scan = Scan(axe_source)
    found = scan.found
    context = browser.new_context(viewport=WIDE)
    page = context.new_page()
    for lang in ("es", "en"):
        page.goto(f"{app_url}/?lang={lang}")
        wait_idle(page)
        found.extend(f"sign-in {lang}: {skip}" for skip in heading_skips(page))
        if declared_language(page, lang) != lang:
            found.append(f"sign-in {lang}: <html lang> is not {lang}")
        scan.both_widths(page, f"sign-in {lang}")
    context.close()
    for role, email in ACCOUNTS.items():  # one signed-in context per role
        context = browser.new_context(viewport=WIDE)
        page = context.new_page()
        sign_in(page, app_url, email, "es")
        paths = _nav_paths(page)
        wait_for_cookie(page, "tracker_session")  # each page below opens signed in
        assert paths, role
        for lang in ("es", "en"):
            for path in page_states(page, app_url, paths, lang):
                found.extend(f"{role} /{path} {lang}: {skip}" for skip in heading_skips(page))
                found.extend(f"{role} /{path} {lang}: {problem}"
                             for problem in title_and_language(page, lang))
                scan.both_widths(page, f"{role} /{path} {lang}")
                scan.each_tab(page, f"{role} /{path} {lang}")
            if role == "coordinator":
                slides(page, app_url, lang, scan)
        context.close()
    print(f"{scan.states} page states scanned")
    assert not found, f"{len(found)} violations:\n" + "\n".join(found)
    assert scan.states >= 150, scan.states


def slides(page: Page, url: str, lang: str, scan: Scan) -> None:
    """Every slide of the presentation, moved to with its Next button, scanned at both widths;
    each move is announced by its number and heading in a live region."""
    page.goto(f"{url}/presentation?lang={lang}")
    wait_idle(page)
    forward = page.get_by_role("button", name={"es": "Siguiente", "en": "Next"}[lang])
    number = 1
    while True:
        total = int(page.get_by_text(POSITION[lang]).first.inner_text().split()[3])
        heading = page.locator("[data-testid=stMain] h1, [data-testid=stMain] h2").first
        expect(page.locator("#tracker-announcer[aria-live=polite]")).to_have_text(
            ANNOUNCED[lang].format(number=number, total=total,
                                   heading=heading.inner_text().strip()))
        scan.both_widths(page, f"slide {number} {lang}")
        if number == total:
            return
        forward.click()
        wait_idle(page)
        number += 1


POSITION = {"es": "Diapositiva ", "en": "Slide "}
ANNOUNCED = {"es": "Diapositiva {number} de {total}: {heading}",
             "en": "Slide {number} of {total}: {heading}"}


def test_an_unknown_address_opens_the_overview_with_a_message_in_spanish(page: Page,
                                                                         app_url: str):
    sign_in(page, app_url, "observador@demo.example", "es")
    _nav_paths(page)
    wait_for_cookie(page, "tracker_session")
    page.goto(f"{app_url}/overview?lang=es")
    wait_idle(page)
    expect(page.get_by_text("No hay ninguna página en esa dirección: esta es la página Resumen."))\
        .to_be_visible()
    expect(page.get_by_role("heading", name="Resumen", exact=True)).to_be_visible()
    expect(page.get_by_text("Page not found")).to_have_count(0)
