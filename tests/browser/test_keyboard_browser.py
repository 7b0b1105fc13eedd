"""Keyboard alone, in Chromium: from the sign-in form to a submitted report and signing out.

Every key press is counted (typing a value into a field counts as typing, not as presses);
the whole way takes at most 25 presses. Tab stops are found by pressing Tab and reading the
focused element, so the count is what a person at the keyboard would press.
"""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.conftest import wait_for_cookie, wait_idle
from tracker.demo import DEMO_PASSWORD

BUDGET = 25
_FOCUSED = """() => { const e = document.activeElement;
  return [e.tagName, e.getAttribute('aria-label') || '', (e.innerText || '').trim()]; }"""


class Keyboard:
    def __init__(self, page: Page) -> None:
        self.page = page
        self.presses: list[str] = []

    def press(self, key: str) -> None:
        self.presses.append(key)
        self.page.keyboard.press(key)

    def type(self, text: str) -> None:  # characters typed into a field: not presses
        self.page.keyboard.type(text)

    def focused(self) -> tuple[str, str, str]:
        return tuple(self.page.evaluate(_FOCUSED))

    def tab_to(self, matches, limit: int = 12, key: str = "Tab") -> None:
        trail = []
        for _ in range(limit):
            self.press(key)
            trail.append(self.focused())
            if matches(*trail[-1]):
                return
        raise AssertionError(f"not reached with {limit} x {key}: {trail}")


def test_member_reports_and_signs_out_with_the_keyboard_alone(page: Page, app_url: str):
    keys = Keyboard(page)
    page.goto(f"{app_url}/?lang=es")
    wait_idle(page)
    expect(page.get_by_label("Correo electrónico")).to_be_focused()  # the form's first field
    keys.type("innfa@demo.example")
    keys.press("Tab")
    keys.type(DEMO_PASSWORD)
    keys.press("Enter")
    wait_idle(page)
    wait_for_cookie(page, "tracker_session")
    # signed in: the focus is on the skip link, the plan's pages one Enter away
    expect(page.get_by_role("link", name="Ir a las páginas del plan")).to_be_focused()
    keys.press("Enter")
    keys.tab_to(lambda tag, label, text: text.endswith("Mi institución"))
    keys.press("Enter")
    wait_idle(page)
    expect(page.get_by_role("heading", name="Reportes de T4 2026")).to_be_visible()
    # the focus moved to the page's content: the first item's form is a few Tabs away
    keys.tab_to(lambda tag, label, text: label == "Estado (obligatorio)")
    keys.type("En curso")
    # Enter picks the option once the list shows it
    expect(page.get_by_role("option", name="En curso")).to_be_visible()
    keys.press("Enter")
    wait_idle(page)
    expect(page.get_by_role("option")).to_have_count(0)  # the list closed: the choice is made
    # Tabbing on at once (Chromium 156.0.8078.114) skipped the number fields and text areas
    # the choice was still re-drawing; a person takes longer than this to reach for Tab
    page.wait_for_timeout(1500)
    keys.tab_to(lambda tag, label, text: label.startswith("Porcentaje de avance"))
    keys.type("40")
    keys.tab_to(lambda tag, label, text: label.startswith("Qué se hizo"))
    keys.type("Talleres en Imbabura.")
    keys.tab_to(lambda tag, label, text: tag == "BUTTON" and text == "Enviar")
    keys.press("Enter")
    wait_idle(page)
    expect(page.get_by_text("enviado").first).to_be_visible()
    keys.press("Alt+Shift+S")  # the sign-out button's shortcut

    wait_idle(page)
    expect(page.get_by_role("button", name="Ingresar")).to_be_visible()
    print(f"{len(keys.presses)} key presses: {keys.presses}")
    assert len(keys.presses) <= BUDGET, keys.presses


def _luminance(css: str) -> float:
    """Relative luminance of a computed CSS colour ``rgb(r, g, b)`` / ``rgba(...)``."""
    values = [float(v) for v in css[css.index("(") + 1:css.index(")")].split(",")[:3]]
    linear = [v / 255 / 12.92 if v / 255 <= 0.03928 else ((v / 255 + 0.055) / 1.055) ** 2.4
              for v in values]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first: str, second: str) -> float:
    light, dark = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


# the outline, and the colour it is drawn against: the first opaque background from the
# focused link outwards (the outline is drawn just inside the link's edge)
_OUTLINE = """() => { const e = document.activeElement, s = getComputedStyle(e);
  let under = e, background = 'rgb(255, 255, 255)';
  while (under) {
    const colour = getComputedStyle(under).backgroundColor;
    if (colour !== 'transparent' && !colour.endsWith(', 0)')) { background = colour; break; }
    under = under.parentElement;
  }
  return {text: e.innerText, style: s.outlineStyle, width: parseFloat(s.outlineWidth),
          colour: s.outlineColor, background}; }"""


def _signed_in(page: Page, app_url: str, email: str) -> None:
    page.goto(f"{app_url}/?lang=es")
    wait_idle(page)
    page.get_by_label("Correo electrónico").fill(email)
    page.get_by_label("Contraseña", exact=True).fill(DEMO_PASSWORD)
    page.keyboard.press("Enter")
    wait_idle(page)
    wait_for_cookie(page, "tracker_session")


def test_the_focused_page_link_shows_an_outline_of_3_to_1(page: Page, app_url: str):
    """Issue 26, item 12: the navigation's focus indicator was a tint of about 1.1:1; a
    keyboard user now sees an outline of at least 2 px at 3:1 against the sidebar (2.4.7,
    1.4.11)."""
    _signed_in(page, app_url, "observador@demo.example")
    expect(page.get_by_role("link", name="Ir a las páginas del plan")).to_be_focused()
    page.keyboard.press("Enter")  # to the current page's link in the navigation
    page.keyboard.press("Tab")  # and on to the next page's link
    shown = page.evaluate(_OUTLINE)
    assert shown["text"].strip(), shown  # a page link has the focus
    assert shown["style"] != "none" and shown["width"] >= 2, shown
    assert contrast(shown["colour"], shown["background"]) >= 3, shown


# the charts' boxes that scroll sideways, each as whether the keyboard's focus reached it
# and the box says so itself (tabindex): Chromium (130 on) makes a scroller without
# focusable content a Tab stop of its own accord, Firefox and Safari do not
_SCROLL_BOXES = """() => [...document.querySelectorAll('[data-testid=stPlotlyChart]')]
  .map((chart) => chart.closest('[data-testid=stElementContainer]'))
  .filter((box) => box && ['auto', 'scroll'].includes(getComputedStyle(box).overflowX)
                   && box.scrollWidth > box.clientWidth + 1)
  .map((box) => box.dataset.reached === 'yes' && box.getAttribute('tabindex') === '0')"""


def test_every_chart_that_scrolls_at_320px_is_a_tab_stop_scrolled_with_the_arrows(
        page: Page, app_url: str):
    """Issue 26, item 12 (axe ``scrollable-region-focusable``): at 320 px a chart keeps its
    width and scrolls sideways in its own box; Tab reaches every such box and the arrows
    scroll it."""
    page.set_viewport_size({"width": 320, "height": 800})
    _signed_in(page, app_url, "observador@demo.example")
    page.wait_for_selector("[data-testid=stPlotlyChart] svg.main-svg")
    page.wait_for_timeout(500)  # the boxes are marked once the charts are drawn
    assert page.evaluate(_SCROLL_BOXES), "no chart scrolls sideways at 320 px"
    first = None
    for _ in range(150):  # the whole page, Tab after Tab
        page.keyboard.press("Tab")
        page.evaluate("() => { document.activeElement.dataset.reached = 'yes'; }")
        if first is None and page.evaluate(
                "() => document.activeElement.matches('[data-testid=stElementContainer]')"
                " && !!document.activeElement.querySelector('[data-testid=stPlotlyChart]')"):
            first = page.evaluate_handle("() => document.activeElement")
            page.keyboard.press("ArrowRight")
            page.keyboard.press("ArrowRight")
            # Chromium scrolls smoothly: wait until the box has moved (15 s at most)
            page.wait_for_function("box => box.scrollLeft > 0", arg=first, timeout=15_000)
        if all(page.evaluate(_SCROLL_BOXES)):
            break
    reached = page.evaluate(_SCROLL_BOXES)
    assert all(reached), f"{reached.count(False)} of {len(reached)} scrolling charts not reached"
