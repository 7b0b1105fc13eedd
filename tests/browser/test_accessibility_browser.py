"""WCAG 2.1 AA in Chromium: axe-core over every page for every role in both languages, the
document's title and language per page, headings that skip no level.

axe-core is pinned in ``tests/browser/axe/package-lock.json`` and installed by ``make install``
(``npm ci``); nothing is fetched here. What axe still reports is Streamlit's own, listed in
the README's accessibility section with its upstream issue: ``STREAMLIT_OWN`` is exactly that
list, and a violation anywhere else fails.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.browser.conftest import sign_in, wait_for_cookie, wait_idle

AXE = Path(__file__).parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

# (axe rule, CSS selector of the node's nearest Streamlit element): Streamlit's own markup,
# which the product cannot change; each is in the README with its upstream issue.
STREAMLIT_OWN: set[tuple[str, str]] = set()

ACCOUNTS = {
    "member": "innfa@demo.example",
    "coordinator": "coordinacion@demo.example",
    "observer": "observador@demo.example",
    "admin": "admin@demo.example",
}


def _axe_source() -> str:
    if not AXE.exists():
        message = "axe-core is not installed: make install (npm ci in tests/browser/axe)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return AXE.read_text()


def _nav_paths(page: Page) -> list[str]:
    """The url paths of the pages in the sidebar's navigation ("" for the default page)."""
    page.locator("[data-testid=stSidebarNav] a").first.wait_for(timeout=30_000)
    hrefs = page.locator("[data-testid=stSidebarNav] a").evaluate_all(
        "links => links.map(a => new URL(a.href).pathname)")
    return [href.strip("/") for href in hrefs]


# the node's own Streamlit element (data-testid), so that the allow-list names elements
_OWNER = """results => results.violations.flatMap(v => v.nodes.map(n => {
    const node = document.querySelector(n.target[0]);
    const owner = node && node.closest('[data-testid]');
    return {rule: v.id, owner: owner ? owner.dataset.testid : '', target: n.target.join(' '),
            html: n.html.slice(0, 160), summary: n.failureSummary};
}))"""


def audit(page: Page, axe: str) -> list[dict]:
    """axe-core's WCAG 2.0/2.1 A and AA violations on the page as it is now."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=axe)
    results = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags},"
        " resultTypes: ['violations']})", WCAG_AA)
    return page.evaluate(_OWNER, results)


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


@pytest.fixture(scope="module")
def axe_source() -> str:
    return _axe_source()


def test_no_wcag_violation_in_the_product(browser: Browser, app_url: str, axe_source: str):
    found: list[str] = []
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    for lang in ("es", "en"):
        page.goto(f"{app_url}/?lang={lang}")
        wait_idle(page)
        found.extend(f"sign-in {lang}: {skip}" for skip in heading_skips(page))
        if declared_language(page, lang) != lang:
            found.append(f"sign-in {lang}: <html lang> is not {lang}")
        for node in audit(page, axe_source):
            if (node["rule"], node["owner"]) not in STREAMLIT_OWN:
                found.append(f"sign-in {lang}: {node}")
    context.close()
    for role, email in ACCOUNTS.items():  # one signed-in context per role
        context = browser.new_context(viewport={"width": 1280, "height": 900})
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
                for node in audit(page, axe_source):
                    if (node["rule"], node["owner"]) not in STREAMLIT_OWN:
                        found.append(f"{role} /{path} {lang}: {node}")
        context.close()
    assert not found, f"{len(found)} violations:\n" + "\n".join(found)


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
