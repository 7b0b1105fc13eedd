"""Reflow (WCAG 1.4.10) in Chromium at 320 CSS px wide: on the Overview no chart title, axis
label or value label is cut by its chart's edge or covered by another text. A chart keeps the
width its labels need and scrolls sideways in its own box (two-dimensional content, which
1.4.10 allows); the page itself never scrolls sideways."""

from __future__ import annotations

from playwright.sync_api import Browser

from tests.browser.conftest import sign_in, wait_for_cookie, wait_idle

# every text Plotly drew in each chart: its box, and the chart's box
_BOXES = """() => [...document.querySelectorAll('[data-testid=stPlotlyChart]')].map(chart => {
  const frame = chart.getBoundingClientRect();  // its drawn box (it may scroll sideways)
  const texts = [...chart.querySelectorAll('svg text')]
    .filter(t => t.textContent.trim() && t.getBBox().width > 0
            && getComputedStyle(t).visibility !== 'hidden' && t.closest('.legend') === null
            || t.closest('.legend') !== null && t.textContent.trim())
    .map(t => { const r = t.getBoundingClientRect();
      return {text: t.textContent.trim(), left: r.left, right: r.right, top: r.top,
              bottom: r.bottom}; });
  const title = chart.querySelector('.gtitle');
  return {title: title ? title.textContent : '', left: frame.left, right: frame.right,
          top: frame.top, bottom: frame.bottom, texts};
})"""
# the page does not scroll sideways; each chart wider than its column scrolls in its own box
_SCROLLING = """() => {
  const found = [];
  const page = document.scrollingElement;
  if (page.scrollWidth > page.clientWidth + 1) found.push('the page scrolls sideways');
  for (const chart of document.querySelectorAll('[data-testid=stPlotlyChart]')) {
    const box = chart.closest('[data-testid=stElementContainer]');
    if (chart.getBoundingClientRect().width > box.clientWidth + 1
        && getComputedStyle(box).overflowX !== 'auto') found.push('a chart is clipped');
  }
  return found;
}"""
SLACK = 1.0  # px: rounding of the boxes


def _overlap(a: dict, b: dict) -> bool:
    return (min(a["right"], b["right"]) - max(a["left"], b["left"]) > SLACK
            and min(a["bottom"], b["bottom"]) - max(a["top"], b["top"]) > SLACK)


def problems(charts: list[dict]) -> list[str]:
    found = []
    for chart in charts:
        texts = chart["texts"]
        for text in texts:
            if (text["left"] < chart["left"] - SLACK or text["right"] > chart["right"] + SLACK):
                found.append(f"{chart['title']!r}: {text['text']!r} is cut at the chart's edge")
        for i, a in enumerate(texts):
            for b in texts[i + 1:]:
                if _overlap(a, b):
                    found.append(f"{chart['title']!r}: {a['text']!r} covers {b['text']!r}")
    return found


def test_overview_charts_at_320_px(browser: Browser, app_url: str):
    context = browser.new_context(viewport={"width": 320, "height": 900})
    page = context.new_page()
    sign_in(page, app_url, "coordinacion@demo.example", "es")
    page.locator("[data-testid=stPlotlyChart]").first.wait_for(timeout=30_000)
    wait_for_cookie(page, "tracker_session")
    found = []
    for lang in ("es", "en"):
        page.goto(f"{app_url}/?lang={lang}")
        wait_idle(page)
        page.locator("[data-testid=stPlotlyChart]").first.wait_for(timeout=30_000)
        page.wait_for_timeout(1000)
        tabs = page.locator("[data-testid=stTab]")
        for index in range(max(1, tabs.count())):
            if tabs.count():
                tabs.nth(index).click()  # the open tab's charts are drawn by a new run
                wait_idle(page)
                page.locator("[data-testid=stPlotlyChart]").first.wait_for(timeout=30_000)
                page.wait_for_timeout(800)
            found.extend(f"{lang}: {p}" for p in problems(page.evaluate(_BOXES)))
            found.extend(f"{lang}: {p}" for p in page.evaluate(_SCROLLING))
    context.close()
    assert not found, "\n".join(sorted(set(found)))
