"""The review meeting's PDF handout: HTML printed by Chromium as a tagged PDF.

It renders a ``tracker.meeting_content.MeetingContent``. Charts are drawn here as HTML rows
with inline SVG bars, so they print as vectors and their labels are real text that wraps
instead of being cut, for three categories or sixty. Chromium's tagged printing
(``page.pdf(tagged=True, outline=True)``) gives the structure tree: headings, paragraphs,
tables with header cells, and each chart as a Figure whose alternative text is the summary
generated from its figures; ``/Lang`` and the displayed ``/Title`` come from the document.
The running header and footer are marked as artefacts afterwards (pikepdf). An appendix
carries the speaker notes. Set in DejaVu Sans so Spanish accents and ñ print.
"""

from __future__ import annotations

import base64
import html
import shutil
import textwrap
from collections.abc import Sequence
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING

from tracker import meeting_content as mc
from tracker import palette
from tracker.errors import TrackerError
from tracker.i18n import number, percent, percent_suffix, plural, t

if TYPE_CHECKING:
    from typing import TypeAlias

    import pikepdf

    _Instruction: TypeAlias = pikepdf.ContentStreamInstruction | pikepdf.ContentStreamInlineImage

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "chrome")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
ROWS_PER_FIGURE = 15  # bars of one chart on one page; longer charts continue on the next
TABLE_ROWS = 30  # attention and indicator rows in the handout, then "and N more"
NOTE_ITEMS = 30
RUNNING_HEADER = 120  # characters of the running header (the title in full on page one)
TICKS = (0, 20, 40, 60, 80, 100)

CSS = """
@page { size: A4 landscape; margin: 16mm 12mm 15mm 12mm; }
* { box-sizing: border-box; }
html { font-family: "DejaVu Sans", sans-serif; color: %(text)s; font-size: 10.5pt;
       line-height: 1.35; }
body { margin: 0; }
h1 { font-size: 24pt; line-height: 1.25; margin: 30mm 0 4mm; }
h2 { font-size: 16pt; line-height: 1.3; margin: 0 0 3mm; }
h3 { font-size: 12pt; line-height: 1.3; margin: 4mm 0 1mm; }
p { margin: 0 0 2mm; }
section { break-before: page; }
section.title { break-before: auto; }
.lead { font-size: 16pt; }
.muted { color: %(muted)s; }
.cards { display: grid; grid-template-columns: repeat(5, 1fr); gap: 4mm; margin-top: 4mm; }
.cards.top { grid-template-columns: 1fr 1fr; }
.card { border: 3px solid; border-radius: 3mm; padding: 3mm; text-align: center; }
.card .value { font-size: 26pt; font-weight: bold; line-height: 1.3; display: block; }
.card .what { display: block; }
.chart { display: grid; grid-template-columns: 34%% 1fr 15em; column-gap: 3mm;
         row-gap: 1.2mm; align-items: center; }
.chart .label { text-align: right; overflow-wrap: break-word; }
.chart .value { white-space: nowrap; }
.chart svg { display: block; width: 100%%; }
.ticks { position: relative; height: 1.4em; font-size: 9pt; }
.ticks span { position: absolute; top: 0; white-space: nowrap; }
.legend { margin: 0 0 2mm; }
img.drawing { display: block; width: 100%%; height: auto; }
.legend svg { vertical-align: middle; }
.legend span { margin-right: 6mm; }
table { border-collapse: collapse; width: 100%%; margin: 2mm 0 3mm; }
th, td { border: 1px solid %(rule)s; padding: 1mm 1.5mm; text-align: left;
         vertical-align: top; overflow-wrap: break-word; hyphens: none; }
th { background: %(shade)s; }
td.number, th.number { text-align: right; white-space: nowrap; }
.note { break-inside: avoid; margin-bottom: 2mm; }
.note p { margin: 0 0 1mm 5mm; }
"""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def missing_tool() -> TrackerError | None:
    """Why the handout cannot be printed on this machine, or None: said before anyone asks."""
    try:
        _check_tools()
    except TrackerError as error:
        return error
    return None


def _check_tools() -> str:
    if not (FONT_DIR / "DejaVuSans.ttf").is_file():
        raise TrackerError("handout.no_font", path=str(FONT_DIR))
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    raise TrackerError("handout.no_chromium")


# ---- charts -------------------------------------------------------------------------------


def _ticks(lang: str) -> str:
    """The percentage scale above a bar chart: HTML labels placed along the bar's width (the
    ends anchored inside, so no label leaves the chart)."""
    spans = []
    for tick in TICKS:
        shift = "0" if tick == 0 else "-100%" if tick == 100 else "-50%"
        spans.append(f'<span style="left:{tick}%;transform:translateX({shift})">'
                     f"{_e(_percent_tick(tick, lang))}</span>")
    return f'<div class="ticks" aria-hidden="true">{"".join(spans)}</div>'


def _percent_tick(value: int, lang: str) -> str:
    return number(value, lang, 0) + percent_suffix(lang)


def _bar_svg(progress: float | None, expected: float | None, colour: str) -> str:
    grid = "".join(f'<line x1="{x * 10}" x2="{x * 10}" y1="0" y2="24" stroke="{palette.GRID}" '
                   f'stroke-width="2"/>' for x in TICKS)
    bar = "" if progress is None else (
        f'<rect x="0" y="5" width="{max(0.0, min(progress, 100)) * 10:.1f}" height="14" '
        f'fill="{colour}"/>')
    mark = "" if expected is None else (
        f'<rect x="{max(0.0, min(expected, 100)) * 10 - 3:.1f}" y="0" width="6" height="24" '
        f'fill="{palette.EXPECTED}"/>')
    return (f'<svg viewBox="0 0 1000 24" preserveAspectRatio="none" height="22" '
            f'aria-hidden="true">{grid}{bar}{mark}</svg>')


def _legend(lang: str) -> str:
    progress = (f'<svg width="18" height="12" aria-hidden="true"><rect width="18" height="12" '
                f'fill="{palette.PROGRESS}"/></svg>')
    expected = (f'<svg width="6" height="16" aria-hidden="true"><rect width="6" height="16" '
                f'fill="{palette.EXPECTED}"/></svg>')
    return (f'<p class="legend"><span>{progress} {_e(t("chart.series.progress", lang))}</span>'
            f'<span>{expected} {_e(t("chart.series.expected", lang))}</span></p>')


def _chunks(rows: Sequence, size: int = ROWS_PER_FIGURE) -> list[tuple[int, Sequence]]:
    return [(start, rows[start:start + size]) for start in range(0, len(rows), size)] or [
        (0, rows)]


def _part_heading(title: str, start: int, shown: int, total: int, lang: str) -> str:
    """A chart's heading on each page it is split over: which of its rows the page holds, on
    the first page too, so that nobody reads the first page as the whole of it."""
    if shown == total:
        return title
    key = "handout.first_part" if start == 0 else "handout.continued"
    return t(key, lang, title=title, first=start + 1, last=start + shown, total=total)


def _figure(summary: str, body: str) -> str:
    """A chart as one Figure in the structure tree, its alternative text the summary."""
    return f'<div role="img" aria-label="{_e(summary)}">{body}</div>'


def _groups_section(title: str, groups: Sequence[mc.Group], axis: str, lang: str) -> str:
    summary = mc.groups_summary(groups, title, lang)
    parts = []
    for start, chunk in _chunks(groups):
        heading = _part_heading(title, start, len(chunk), len(groups), lang)
        rows = [f'<span class="label"></span>{_ticks(lang)}<span class="value"></span>']
        for group in chunk:
            value = (t("chart.no_items", lang) if group.progress is None else
                     f"{percent(group.progress, lang)} · "
                     + t("deck.card.expected", lang, value=percent(group.expected, lang)))
            rows.append(f'<span class="label">{_e(group.display)}</span>'
                        f'{_bar_svg(group.progress, group.expected, palette.PROGRESS)}'
                        f'<span class="value">{_e(value)}</span>')
        alt = summary if start == 0 else heading
        parts.append(f'<section><h2>{_e(heading)}</h2>{_legend(lang)}'
                     + _figure(alt, f'<div class="chart">{"".join(rows)}</div>')
                     + "</section>")
    table = _table([t(axis, lang), t("chart.series.progress", lang),
                    t("chart.series.expected", lang), t("chart.axis.items", lang)],
                   [(g.display, percent(g.progress, lang), percent(g.expected, lang),
                     number(g.items, lang, 0)) for g in groups], numbers=(1, 2, 3))
    parts.append(f'<h3>{_e(t("handout.data", lang))}</h3>{table}')
    return "".join(parts)


def _trend_svg(content: mc.MeetingContent, lang: str) -> str:
    points = content.trend
    width, height, left, right, bottom, top = 1000, 330, 70, 50, 60, 10
    plot_w, plot_h = width - left - right, height - bottom - top
    step = plot_w / max(1, len(points) - 1) if len(points) > 1 else 0

    def x(index: int) -> float:
        return left + (index * step if len(points) > 1 else plot_w / 2)

    def y(value: float) -> float:
        return top + plot_h * (1 - value / 100)

    parts = []
    for tick in TICKS:
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y(tick):.1f}" '
                     f'y2="{y(tick):.1f}" stroke="{palette.GRID}" stroke-width="1.5"/>')
        parts.append(f'<text x="{left - 10}" y="{y(tick) + 5:.1f}" font-size="15" '
                     f'text-anchor="end" fill="{palette.TEXT}">{_e(_percent_tick(tick, lang))}'
                     "</text>")
    two_lines = len(points) > 10
    for index, point in enumerate(points):
        label = point.quarter.label(lang)
        if two_lines:
            first, _, second = label.partition(" ")
            parts.append(f'<text x="{x(index):.1f}" y="{height - bottom + 22}" font-size="14" '
                         f'text-anchor="middle" fill="{palette.TEXT}">{_e(first)}</text>'
                         f'<text x="{x(index):.1f}" y="{height - bottom + 40}" font-size="14" '
                         f'text-anchor="middle" fill="{palette.TEXT}">{_e(second)}</text>')
        else:
            parts.append(f'<text x="{x(index):.1f}" y="{height - bottom + 24}" font-size="15" '
                         f'text-anchor="middle" fill="{palette.TEXT}">{_e(label)}</text>')
    for field, colour, dash, stroke in (("expected", palette.EXPECTED, "10 6", 3),
                                        ("progress", palette.PROGRESS, "", 5)):
        coords = [(x(i), y(getattr(p, field))) for i, p in enumerate(points)
                  if getattr(p, field) is not None]
        if coords:
            path = " ".join(f"{a:.1f},{b:.1f}" for a, b in coords)
            parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" '
                         f'stroke-width="{stroke}" stroke-dasharray="{dash}"/>')
            if field == "progress":
                parts += [f'<circle cx="{a:.1f}" cy="{b:.1f}" r="6" fill="{colour}"/>'
                          for a, b in coords]
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
            f'width="{width}" height="{height}" font-family="DejaVu Sans, sans-serif">'
            f'{"".join(parts)}</svg>')


def _svg_figure(summary: str, svg: str) -> str:
    """A drawing as one Figure with ``summary`` as its /Alt: Chromium tags an ``<img>`` with
    its alt text, whereas an inline SVG hidden from assistive technology left the chart an
    untagged drawing (an artefact) with no Figure at all. Still printed as vectors."""
    source = "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
    return f'<img class="drawing" src="{source}" alt="{_e(summary)}">'


def _trend_section(content: mc.MeetingContent, lang: str) -> str:
    title = t("chart.trend.title", lang)
    summary = mc.trend_summary(content, title, lang)
    progress = (f'<svg width="22" height="12" aria-hidden="true"><line x1="0" x2="22" y1="6" '
                f'y2="6" stroke="{palette.PROGRESS}" stroke-width="5"/></svg>')
    expected = (f'<svg width="22" height="12" aria-hidden="true"><line x1="0" x2="22" y1="6" '
                f'y2="6" stroke="{palette.EXPECTED}" stroke-width="3" '
                f'stroke-dasharray="6 3"/></svg>')
    legend = (f'<p class="legend"><span>{progress} {_e(t("chart.series.progress", lang))}'
              f'</span><span>{expected} {_e(t("chart.series.expected", lang))}</span></p>')
    table = _table([t("overview.quarter", lang), t("chart.series.progress", lang),
                    t("chart.series.expected", lang)],
                   [(p.quarter.label(lang), percent(p.progress, lang), percent(p.expected, lang))
                    for p in content.trend], numbers=(1, 2))
    figure = _svg_figure(summary, _trend_svg(content, lang))
    return (f'<section><h2>{_e(title)}</h2>{legend}{figure}'
            f'<h3>{_e(t("handout.data", lang))}</h3>{table}</section>')


def _indicator_section(content: mc.MeetingContent, lang: str) -> str:
    title = t("chart.indicators.title", lang, quarter=content.quarter.label(lang))
    rows = content.indicators
    if not rows:
        return f'<section><h2>{_e(title)}</h2><p>{_e(t("deck.no_indicators", lang))}</p></section>'
    summary = mc.indicators_summary(content, title, lang)
    parts = []
    shown = rows[:TABLE_ROWS]
    for start, chunk in _chunks(shown):
        heading = _part_heading(title, start, len(chunk), len(shown), lang)
        cells = [f'<span class="label"></span>{_ticks(lang)}<span class="value"></span>']
        for row in chunk:
            share = row.achieved
            status = (t(f"schedule.{row.bucket}", lang) if row.bucket != "not_in_scope"
                      else "—")
            cells.append(
                f'<span class="label">{_e(f"{row.code} · {row.indicator or row.title}")}</span>'
                f'{_bar_svg(None if share is None else share, 100, palette.STATUS_COLOURS.get(row.bucket, palette.PROGRESS))}'  # noqa: E501
                f'<span class="value">{_e(percent(share, lang))} · {_e(status)}</span>')
        parts.append(f'<section><h2>{_e(heading)}</h2>'
                     f'<p class="legend muted">{_e(t("chart.axis.of_target", lang))}</p>'
                     + _figure(summary if start == 0 else heading,
                               f'<div class="chart">{"".join(cells)}</div>') + "</section>")
    table = _table([t("plan.indicator", lang), t("deck.col.value", lang),
                    t("deck.col.achieved", lang), t("item.schedule", lang)],
                   [(f"{r.code} · {r.indicator or r.title}", mc.indicator_value(r, lang),
                     percent(r.achieved, lang),
                     t(f"schedule.{r.bucket}", lang) if r.bucket != "not_in_scope" else "—")
                    for r in shown], numbers=(1, 2))
    more = (f'<p>{_e(t("chart.and_more", lang, count=len(rows) - len(shown)))}</p>'
            if len(rows) > len(shown) else "")
    return "".join(parts) + f'<h3>{_e(t("handout.data", lang))}</h3>{table}{more}'


# ---- text, tables, notes --------------------------------------------------------------------


def _table(header: Sequence[str], rows: Sequence[Sequence[str]],
           numbers: Sequence[int] = ()) -> str:
    head = "".join(f'<th scope="col"{" class=number" if i in numbers else ""}>{_e(h)}</th>'
                   for i, h in enumerate(header))
    body = "".join("<tr>" + "".join(
        f'<td{" class=number" if i in numbers else ""}>{_e(cell)}</td>'
        for i, cell in enumerate(row)) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _title_section(content: mc.MeetingContent, lang: str) -> str:
    quarter = content.quarter.label(lang)
    lines = [f'<p class="lead">{_e(t("deck.subtitle", lang, quarter=quarter))}</p>']
    if content.commission:
        lines.append(f"<p>{_e(content.commission)}</p>")
    meeting = mc.meeting_line(content, lang)
    if meeting:
        lines.append(f"<p>{_e(meeting)}</p>")
    if content.locked:
        lines.append(f'<p class="muted">{_e(t("present.as_presented", lang))}</p>')
    return (f'<section class="title"><h1>{_e(content.plan)}</h1>{"".join(lines)}'
            + _headline(content, lang) + "</section>")


def _headline(content: mc.MeetingContent, lang: str) -> str:
    head = content.headline
    top = [(percent(head.progress, lang), t("deck.card.progress", lang) + " · "
            + t("deck.card.expected", lang, value=percent(head.expected, lang)),
            palette.PROGRESS),
           (percent(head.completeness, lang), t("deck.card.reports", lang) + " · "
            + t("deck.card.reports_of", lang, received=number(head.received_reports, lang, 0),
                expected=number(head.expected_reports, lang, 0)), palette.TEXT)]
    statuses = ("completed", "on_track", "behind", "overdue", "blocked")
    cards = [(number(head.count(s), lang, 0), plural(f"deck.card.{s}", lang, head.count(s)),
              palette.STATUS_COLOURS[s]) for s in statuses]

    def block(entries: list[tuple[str, str, str]], kind: str) -> str:
        return f'<div class="cards {kind}">' + "".join(
            f'<p class="card" style="border-color:{colour}"><span class="value" '
            f'style="color:{colour}">{_e(value)}</span><span class="what">{_e(what)}</span></p>'
            for value, what, colour in entries) + "</div>"

    title = t("deck.headline", lang, quarter=content.quarter.label(lang))
    return f"<h2 style='margin-top:8mm'>{_e(title)}</h2>" + block(top, "top") + block(cards, "")


def _attention_section(content: mc.MeetingContent, lang: str) -> str:
    title = t("deck.attention", lang, quarter=content.quarter.label(lang))
    rows = content.attention
    shown = rows[:TABLE_ROWS]
    if not shown:
        return f'<section><h2>{_e(title)}</h2><p>{_e(t("notes.none", lang))}</p></section>'
    table = _table([t("item.choose", lang), t("chart.axis.institution", lang),
                    t("chart.series.progress", lang), t("chart.series.expected", lang),
                    t("item.schedule", lang), t("form.obstacles", lang)],
                   [(f"{r.code} · {r.title}", r.lead, percent(r.progress, lang),
                     percent(r.expected, lang), t(f"schedule.{r.bucket}", lang),
                     r.obstacles or "—") for r in shown], numbers=(2, 3))
    more = (f'<p>{_e(t("chart.and_more", lang, count=len(rows) - len(shown)))}</p>'
            if len(rows) > len(shown) else "")
    return f'<section><h2>{_e(title)}</h2>{table}{more}</section>'


def _decisions_section(content: mc.MeetingContent, lang: str) -> str:
    title = t("deck.decisions", lang)
    if not content.decisions:
        return f'<section><h2>{_e(title)}</h2><p>{_e(t("deck.no_decisions", lang))}</p></section>'
    table = _table([t("deck.col.decision", lang), t("deck.col.owner", lang),
                    t("deck.col.due", lang), t("deck.col.follow_up", lang)],
                   [(d.text, d.owner or "—", d.due.label(lang) if d.due else "—",
                     mc.decision_follow_up(d, lang)) for d in content.decisions])
    return f'<section><h2>{_e(title)}</h2>{table}</section>'


def _notes_section(content: mc.MeetingContent, lang: str) -> str:
    parts = [f'<section><h2>{_e(t("notes.title", lang))}</h2>']
    if not content.notes:
        parts.append(f'<p>{_e(t("notes.none", lang))}</p>')
    for note in content.notes[:NOTE_ITEMS]:
        item = note.item
        state = t(f"schedule.{item.bucket}", lang)
        if item.blocked:
            state += " · " + t("bucket.blocked", lang)
        parts.append(f'<div class="note"><h3>{_e(f"{item.code} · {item.title}")}</h3>'
                     f'<p>{_e(item.lead)} · {_e(state)} · {_e(percent(item.progress, lang))} / '
                     f'{_e(percent(item.expected, lang))}</p>')
        if not note.contributions:
            parts.append(f'<p>{_e(t("notes.no_report", lang))}</p>')
        for part in note.contributions:
            role = t("notes.lead" if part.lead else "notes.support", lang)
            parts.append(f"<p><b>{_e(part.institution)}</b> ({_e(role)}): "
                         f"{_e(mc.status_word(part.status, lang))}</p>")
            if part.narrative:
                parts.append(f'<p>{_e(t("notes.narrative", lang, text=part.narrative))}</p>')
            if part.obstacles:
                parts.append(f'<p>{_e(t("notes.obstacles", lang, text=part.obstacles))}</p>')
        parts.append("</div>")
    if len(content.notes) > NOTE_ITEMS:
        parts.append(f'<p>{_e(t("chart.and_more", lang, count=len(content.notes) - NOTE_ITEMS))}'
                     "</p>")
    return "".join(parts) + "</section>"


def document_title(content: mc.MeetingContent, lang: str) -> str:
    return f"{content.plan} · {t('deck.subtitle', lang, quarter=content.quarter.label(lang))}"


def render_html(content: mc.MeetingContent, lang: str) -> str:
    """The handout as one HTML document (what Chromium prints)."""
    quarter = content.quarter.label(lang)
    body = "".join([
        _title_section(content, lang),
        _groups_section(t("deck.by_line", lang, quarter=quarter), content.by_line,
                        "chart.axis.line", lang),
        _groups_section(t("deck.by_institution", lang, quarter=quarter),
                        content.by_institution, "chart.axis.institution", lang),
        _trend_section(content, lang),
        _attention_section(content, lang),
        _decisions_section(content, lang),
        _indicator_section(content, lang),
        _notes_section(content, lang),
    ])
    css = CSS % {"text": palette.TEXT, "muted": palette.MUTED_TEXT, "rule": palette.RULE,
                 "shade": palette.SHADE}
    return (f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
            f"<title>{_e(document_title(content, lang))}</title><style>{css}</style></head>"
            f"<body>{body}</body></html>")


def _running(text: str, right: str = "") -> str:
    return ('<div style="font-family:\'DejaVu Sans\',sans-serif;font-size:8pt;'
            f'color:{palette.MUTED_TEXT};width:100%;margin:0 12mm;display:flex;'
            'justify-content:space-between">'
            f"<span>{_e(text)}</span><span>{right}</span></div>")


def print_pdf(document: str, header: str, footer: str, **info: str) -> bytes:
    """``document`` printed by Chromium as a tagged PDF with an outline.

    Printed in a thread of its own: Playwright's sync API refuses a thread where an asyncio
    loop runs (a test session's browser, an event loop of the caller)."""
    from concurrent.futures import ThreadPoolExecutor

    chromium = _check_tools()
    with ThreadPoolExecutor(max_workers=1) as pool:
        data = pool.submit(_print, chromium, document, header, footer).result()
    return mark_artifacts(data, **info)


def _print(chromium: str, document: str, header: str, footer: str) -> bytes:
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            try:
                page = browser.new_page()
                page.set_content(document, wait_until="load")
                data = page.pdf(
                    tagged=True, outline=True, prefer_css_page_size=True,
                    display_header_footer=True, header_template=_running(header),
                    footer_template=_running(footer, '<span class="pageNumber"></span> / '
                                                     '<span class="totalPages"></span>'))
            finally:
                browser.close()
    except PlaywrightError as error:
        raise TrackerError("handout.export_failed", reason=str(error)[:200]) from None
    return data


# ---- structure after printing ---------------------------------------------------------------

_Marked = dict[object, set[int]]  # a page's (object, generation): marked-content ids


def _elements(node: pikepdf.Object | None, kind: str) -> list[pikepdf.Dictionary]:
    """The structure elements of type ``kind`` under ``node`` (not looking inside them)."""
    import pikepdf

    if isinstance(node, pikepdf.Array):
        return [found for kid in node for found in _elements(kid, kind)]
    if not isinstance(node, pikepdf.Dictionary) or "/S" not in node:
        return []
    if kind == node.S:
        return [node]
    return _elements(node.get("/K"), kind)


def _keep_first_page(node: pikepdf.Dictionary, page: pikepdf.Object | None,
                     first: list[object], repeated: _Marked) -> None:
    """Keeps the marked content under ``node`` that lies on the first page any of it lies on;
    references to later pages leave the structure and are recorded in ``repeated``."""
    import pikepdf

    page = node.get("/Pg", page)
    kids = node.get("/K")
    if kids is None:
        return
    listed = list(kids) if isinstance(kids, pikepdf.Array) else [kids]
    kept = []
    for kid in listed:
        where, mcid = None, None
        if isinstance(kid, int):
            where, mcid = page, int(kid)
        elif isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            _keep_first_page(kid, page, first, repeated)
        elif isinstance(kid, pikepdf.Dictionary) and "/MCID" in kid:
            where, mcid = kid.get("/Pg", page), int(kid.MCID)
        if where is not None and mcid is not None:
            first[:] = first or [where.objgen]
            if where.objgen != first[0]:
                repeated.setdefault(where.objgen, set()).add(mcid)
                continue
        kept.append(kid)
    if len(kept) != len(listed):
        node.K = pikepdf.Array(kept)


def one_header_per_table(pdf: pikepdf.Pdf) -> _Marked:
    """Chromium repeats a table's header row on every page the table continues on and tags
    each copy as the same header cells' content, so a screen reader read "Acción Acción". The
    copies on later pages leave the structure tree (and its parent tree); the marked content
    they were is returned, to be printed as a pagination artefact."""
    import pikepdf

    repeated: _Marked = {}
    tree = pdf.Root.get("/StructTreeRoot")
    if tree is None:
        return repeated
    for table in _elements(tree.get("/K"), "/Table"):
        for row in _elements(table.get("/K"), "/TR"):
            cells = [*_elements(row.get("/K"), "/TH"), *_elements(row.get("/K"), "/TD")]
            if cells and all(cell.S == "/TH" for cell in cells):  # a header row
                _keep_first_page(row, table.get("/Pg"), [], repeated)
    if repeated and "/ParentTree" in tree:
        parents = pikepdf.NumberTree(tree.ParentTree)
        for page in pdf.pages:
            marked = repeated.get(page.objgen)
            if marked and "/StructParents" in page:
                owners = parents[int(page.StructParents)]
                for mcid in marked:
                    if mcid < len(owners):
                        owners[mcid] = None
    return repeated


_PAINT = frozenset({"f", "f*", "F", "S", "s", "B", "B*", "b", "b*", "Do", "sh"})
_TEXT = frozenset({"BT", "Tj", "TJ", "'", '"'})


def _inside(element: pikepdf.Object | None, kind: str) -> bool:
    import pikepdf

    while isinstance(element, pikepdf.Dictionary) and "/S" in element:
        if kind == element.S:
            return True
        element = element.get("/P")
    return False


def _page_of(element: pikepdf.Object | None) -> pikepdf.Object | None:
    while element is not None and "/Pg" not in element and "/P" in element:
        element = element.P
    return None if element is None else element.get("/Pg")


def decorations(pdf: pikepdf.Pdf) -> _Marked:
    """Marked content that only draws (a table's cell borders and header shading: Chromium
    tags them as the table's or the cell's content) and is not part of a Figure leaves the
    structure tree, to be printed as an artefact: every graphic is a Figure or an artefact."""
    import pikepdf

    found: _Marked = {}
    tree = pdf.Root.get("/StructTreeRoot")
    if tree is None or "/ParentTree" not in tree:
        return found
    parents = pikepdf.NumberTree(tree.ParentTree)
    for page in pdf.pages:
        if "/StructParents" not in page:
            continue
        owners = parents[int(page.StructParents)]
        painted: set[int] = set()
        written: set[int] = set()
        stack: list[int | None] = []
        for instruction in pikepdf.parse_content_stream(page):
            name, operands = str(instruction.operator), instruction.operands
            if name in ("BDC", "BMC"):
                properties = operands[1] if name == "BDC" else None
                stack.append(int(properties.MCID) if isinstance(properties, pikepdf.Dictionary)
                             and "/MCID" in properties else None)
            elif name == "EMC" and stack:
                stack.pop()
            elif stack and stack[-1] is not None:
                (painted if name in _PAINT else written if name in _TEXT else set()).add(
                    stack[-1])
        for mcid in sorted(painted - written):
            owner = owners[mcid] if mcid < len(owners) else None
            if not isinstance(owner, pikepdf.Dictionary) or _inside(owner, "/Figure"):
                continue
            _drop_reference(owner, page, mcid)
            owners[mcid] = None
            found.setdefault(page.objgen, set()).add(mcid)
    return found


def _drop_reference(owner: pikepdf.Dictionary, page: pikepdf.Page, mcid: int) -> None:
    import pikepdf

    kids = owner.get("/K")
    listed = list(kids) if isinstance(kids, pikepdf.Array) else [kids]
    own_page = _page_of(owner)

    def points_here(kid: object) -> bool:
        if isinstance(kid, int):
            return kid == mcid and own_page is not None and own_page.objgen == page.objgen
        if not (isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR"
                and int(kid.MCID) == mcid):
            return False
        where = kid.get("/Pg", own_page)
        return where is not None and where.objgen == page.objgen

    owner.K = pikepdf.Array([kid for kid in listed if not points_here(kid)])


def _as_artifact(instruction: _Instruction, marked: set[int]) -> _Instruction:
    """``instruction`` itself, or an artefact in its place when it opens marked content whose
    MCID is in ``marked`` (a repeated header row, a border: pagination and layout)."""
    import pikepdf

    operands = instruction.operands
    if (str(instruction.operator) == "BDC" and len(operands) == 2
            and isinstance(operands[1], pikepdf.Dictionary) and "/MCID" in operands[1]
            and int(operands[1].MCID) in marked):
        return pikepdf.ContentStreamInstruction(
            [pikepdf.Name.Artifact], pikepdf.Operator("BMC"))
    return instruction


def mark_artifacts(data: bytes, *, title: str = "", lang: str = "", subject: str = "",
                   author: str = "") -> bytes:
    """Content outside the structure tree (the running header and footer, page backgrounds)
    marked as ``/Artifact``, so assistive technology skips it; the document information and
    its XMP metadata say what the handout is (not which browser printed it)."""
    import pikepdf

    with pikepdf.open(BytesIO(data)) as pdf:
        if title:
            with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
                meta["dc:title"] = title
                meta["dc:language"] = [lang]
                meta["dc:description"] = subject
                meta["dc:creator"] = [author or title]
                meta["xmp:CreatorTool"] = "Joint Work Plan Tracker"
                meta["pdfuaid:part"] = "1"  # PDF/UA-1: what the tags above are for
            pdf.docinfo["/Subject"] = subject
            pdf.docinfo["/Author"] = author or title
            pdf.docinfo["/Creator"] = "Joint Work Plan Tracker"
        repeated, drawn = one_header_per_table(pdf), decorations(pdf)
        for page in pdf.pages:
            marked = repeated.get(page.objgen, set()) | drawn.get(page.objgen, set())
            operations = [_as_artifact(instruction, marked)
                          for instruction in pikepdf.parse_content_stream(page)]
            out: list[pikepdf.ContentStreamInstruction | pikepdf.ContentStreamInlineImage] = []
            depth, wrapping = 0, False
            for instruction in operations:
                name = str(instruction.operator)
                if name in ("BDC", "BMC"):
                    depth += 1
                elif name == "EMC":
                    depth -= 1
                starts = name in ("BT", "m", "re") and depth == 0 and not wrapping
                if starts:
                    out.append(pikepdf.ContentStreamInstruction([pikepdf.Name.Artifact],
                                                                pikepdf.Operator("BMC")))
                    wrapping = True
                out.append(instruction)
                if wrapping and name in ("ET", "f", "f*", "F", "S", "s", "B", "B*", "b", "b*",
                                         "n"):
                    out.append(pikepdf.ContentStreamInstruction([], pikepdf.Operator("EMC")))
                    wrapping = False
            page.Contents = pdf.make_stream(pikepdf.unparse_content_stream(out))
        buffer = BytesIO()
        pdf.save(buffer)
    return buffer.getvalue()


def build_pdf(content: mc.MeetingContent, lang: str) -> bytes:
    """The handout for one quarter."""
    title = document_title(content, lang)
    header = textwrap.shorten(title, RUNNING_HEADER, placeholder="…")  # one line of 8 pt
    return print_pdf(render_html(content, lang), header, mc.source_line(content, lang),
                     title=title, lang=lang, subject=t("deck.subject", lang),
                     author=content.commission or content.plan)
