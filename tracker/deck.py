"""The review meeting's deck: PowerPoint with native, editable charts (python-pptx).

It renders a ``tracker.meeting_content.MeetingContent`` and nothing else. Accessible as a
document: every slide has a title placeholder (read first, listed in the outline), every chart
and table has alt text (the summaries generated from the figures), every text run carries the
deck's language, the footer comes last in the reading order, and the core properties say what
the deck is. The chart slides carry speaker notes on the items behind, overdue or blocked.
"""

from __future__ import annotations

import io
import math
import textwrap
from collections.abc import Callable, Sequence

import pptx
from lxml import etree
from pptx.chart.chart import Chart
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_LEGEND_POSITION
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.presentation import Presentation
from pptx.shapes.autoshape import Shape
from pptx.shapes.base import BaseShape
from pptx.shapes.graphfrm import GraphicFrame
from pptx.shapes.shapetree import SlideShapes
from pptx.slide import Slide
from pptx.table import Table
from pptx.util import Emu, Inches, Length, Pt

from tracker import meeting_content as mc
from tracker import palette
from tracker.i18n import number, percent, percent_suffix, plural, t

WIDTH, HEIGHT = Inches(13.333), Inches(7.5)
# the commission meets in Ecuador: its Spanish (proofing, number display in PowerPoint)
LANGUAGE_TAGS = {"es": "es-EC", "en": "en-US"}
LEFT, CONTENT_TOP = Inches(0.5), Inches(1.45)
CONTENT_WIDTH, CONTENT_HEIGHT = Inches(mc.SLIDE_WIDTH_IN), Inches(mc.SLIDE_HEIGHT_IN)
CORE_PROPERTY = 255  # python-pptx refuses a longer title, subject, author or keywords
TITLE_LAYOUT, TITLE_ONLY_LAYOUT = 0, 5


def _colour(hex_colour: str) -> RGBColor:
    return RGBColor(*palette.rgb(hex_colour))


def _alt(shape: BaseShape, text: str) -> None:
    """Alt text (``descr``) and a name on the shape's non-visual properties."""
    properties = shape._element.xpath("./*[1]/p:cNvPr")[0]
    properties.set("descr", text)


def _title_shape(shapes: SlideShapes) -> Shape:
    title = shapes.title
    assert title is not None  # both layouts the deck uses have a title placeholder
    return title


def fitting_size(texts: Sequence[str], width: Length, height: Length,
                 sizes: Sequence[int]) -> int:
    """The largest of ``sizes`` (points, largest first) at which ``texts``, one paragraph
    each, wrapped at ``width``, fit ``height``: an estimate (an average character is half
    an em wide, a line 1.2 em high), since PowerPoint fits text only when it is edited."""
    for size in sizes:
        per_line = max(1, int(Emu(width).inches / (size * 0.5 / 72)))
        lines = sum(max(1, math.ceil(len(text) / per_line)) for text in texts)
        if lines * size * 1.2 / 72 <= Emu(height).inches:
            return size
    return sizes[-1]


def _core(text: str) -> str:
    """A core property's value: one line, at most ``CORE_PROPERTY`` characters."""
    return textwrap.shorten(text, CORE_PROPERTY, placeholder="…") if text else ""


def _title(slide: Slide, text: str, *, size: int = 28) -> None:
    title = _title_shape(slide.shapes)
    title.left, title.top, title.width, title.height = LEFT, Inches(0.25), CONTENT_WIDTH, \
        Inches(1.1)
    frame = title.text_frame
    frame.word_wrap = True
    frame.vertical_anchor = MSO_ANCHOR.MIDDLE
    frame.text = text
    paragraph = frame.paragraphs[0]
    paragraph.alignment = PP_ALIGN.LEFT
    paragraph.font.size, paragraph.font.bold = Pt(size), True
    paragraph.font.color.rgb = _colour(palette.TEXT)


def _text(slide: Slide, lines: Sequence[str], left: Length, top: Length, width: Length,
          height: Length, *, size: int = 20, bold: bool = False,
          colour: str = palette.TEXT) -> Shape:
    box = slide.shapes.add_textbox(left, top, width, height)
    frame = box.text_frame
    frame.word_wrap = True
    for index, line in enumerate(lines):
        paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
        paragraph.text = line
        paragraph.font.size, paragraph.font.bold = Pt(size), bold
        paragraph.font.color.rgb = _colour(colour)
    return box


def _slide(deck: Presentation, title: str) -> Slide:
    slide = deck.slides.add_slide(deck.slide_layouts[TITLE_ONLY_LAYOUT])
    _title(slide, title)
    return slide


def _footer(slide: Slide, source: str) -> None:
    """Added last, so read last (after the title and the content)."""
    _text(slide, [source], LEFT, Inches(6.95), CONTENT_WIDTH, Inches(0.4), size=12,
          colour=palette.MUTED_TEXT)


def _notes(slide: Slide, lines: Sequence[str]) -> None:
    frame = slide.notes_slide.notes_text_frame
    assert frame is not None  # python-pptx's default notes master has a notes placeholder
    frame.text = "\n".join(lines)


def _percent_format(lang: str, digits: int = 1) -> str:
    return ("0." + "0" * digits if digits else "0") + f'"{percent_suffix(lang)}"'


def _chart_language(chart: Chart, lang: str) -> None:
    """``c:lang`` of the chart (number and date display) and every text property's run
    language."""
    space = chart._chartSpace
    found = space.find(qn("c:lang"))
    if found is None:
        found = etree.SubElement(space, qn("c:lang"))
        date1904 = space.find(qn("c:date1904"))
        if date1904 is not None:
            date1904.addnext(found)
        else:
            space.insert(0, found)
    found.set("val", LANGUAGE_TAGS[lang])


def _style_chart(chart: Chart, categories: int) -> None:
    small = categories > 12
    chart.font.size = Pt(10 if small else 16)
    chart.font.color.rgb = _colour(palette.TEXT)
    chart.category_axis.tick_labels.font.size = Pt(9 if small else 16)
    chart.value_axis.tick_labels.font.size = Pt(12 if small else 14)
    chart.value_axis.has_major_gridlines = True
    chart.value_axis.major_gridlines.format.line.color.rgb = _colour(palette.GRID)


def _add_chart(slide: Slide, chart_type: XL_CHART_TYPE, data: CategoryChartData
               ) -> GraphicFrame:
    """A chart in the content area: the frame that holds it.

    python-pptx 1.0.2 annotates ``add_chart`` as taking a ``ChartData`` (a deprecated alias of
    ``CategoryChartData``, which its documentation asks for) and returning the ``Chart``; it
    returns the ``GraphicFrame`` (scanny/python-pptx#1035)."""
    frame: object = slide.shapes.add_chart(
        chart_type, LEFT, CONTENT_TOP, CONTENT_WIDTH, CONTENT_HEIGHT,
        data)  # type: ignore[arg-type]  # the annotation names the deprecated alias only
    if not isinstance(frame, GraphicFrame):
        raise TypeError(f"add_chart gave {type(frame).__name__}, not a GraphicFrame")
    return frame


def _progress_chart(slide: Slide, groups: Sequence[mc.Group], lang: str,
                    summary: str) -> Chart:
    """Progress and expected as two bar series per group (expected in dark grey)."""
    data = CategoryChartData(number_format=_percent_format(lang))
    data.categories = [group.display for group in groups]
    data.add_series(t("chart.series.progress", lang),
                    [None if g.progress is None else round(g.progress, 1) for g in groups])
    data.add_series(t("chart.series.expected", lang),
                    [None if g.expected is None else round(g.expected, 1) for g in groups])
    shape = _add_chart(slide, XL_CHART_TYPE.BAR_CLUSTERED, data)
    chart = shape.chart
    _style_chart(chart, len(groups))
    crowded = len(groups) > 6
    chart.category_axis.tick_labels.font.size = Pt(12 if crowded else 16)
    chart.has_legend = True
    chart.legend.position, chart.legend.include_in_layout = XL_LEGEND_POSITION.TOP, False
    chart.legend.font.size = Pt(14)
    chart.category_axis.reverse_order = True
    axis = chart.value_axis
    axis.maximum_scale, axis.minimum_scale, axis.major_unit = 100, 0, 20
    axis.tick_labels.number_format = _percent_format(lang, 0)
    axis.tick_labels.number_format_is_linked = False
    plot = chart.plots[0]
    plot.gap_width, plot.overlap = (40, 0) if crowded else (60, -10)
    plot.has_data_labels = True
    labels = plot.data_labels
    labels.font.size = Pt(10 if crowded else 14)
    labels.number_format, labels.number_format_is_linked = _percent_format(lang), False
    labels.position = XL_LABEL_POSITION.OUTSIDE_END
    for plotted, colour in zip(chart.series, (palette.PROGRESS, palette.EXPECTED), strict=True):
        plotted.format.fill.solid()
        plotted.format.fill.fore_color.rgb = _colour(colour)
    _labels_as_text(chart, [[g.progress for g in groups], [g.expected for g in groups]], lang,
                    Pt(10 if crowded else 14))
    _alt(shape, summary)
    return chart


def _labels_as_text(chart: Chart, values: Sequence[Sequence[float | None]], lang: str,
                    size: Pt) -> None:
    """Each data label written in the deck's language ("76,0 %"): a number format's decimal
    separator is the viewer's system's, so a Spanish deck opened on an English laptop showed
    "76.0 %" beside the slide's "76,0 %"."""
    for plotted, series_values in zip(chart.plots[0].series, values, strict=True):
        for index, value in enumerate(series_values):
            if value is None:
                continue
            label = plotted.points[index].data_label
            label.position = XL_LABEL_POSITION.OUTSIDE_END
            frame = label.text_frame
            frame.text = percent(value, lang)
            frame.paragraphs[0].runs[0].font.size = size


def _trend_chart(slide: Slide, content: mc.MeetingContent, lang: str, summary: str) -> None:
    data = CategoryChartData(number_format=_percent_format(lang))
    data.categories = [point.quarter.label(lang) for point in content.trend]
    data.add_series(t("chart.series.progress", lang),
                    [None if p.progress is None else round(p.progress, 1) for p in content.trend])
    data.add_series(t("chart.series.expected", lang),
                    [None if p.expected is None else round(p.expected, 1) for p in content.trend])
    shape = _add_chart(slide, XL_CHART_TYPE.LINE_MARKERS, data)
    chart = shape.chart
    _style_chart(chart, 0)
    chart.category_axis.tick_labels.font.size = Pt(14 if len(content.trend) <= 12 else 10)
    chart.has_legend = True
    chart.legend.position, chart.legend.include_in_layout = XL_LEGEND_POSITION.TOP, False
    axis = chart.value_axis
    axis.maximum_scale, axis.minimum_scale, axis.major_unit = 100, 0, 20
    axis.tick_labels.number_format = _percent_format(lang, 0)
    axis.tick_labels.number_format_is_linked = False
    for plotted, colour, width in zip(chart.plots[0].series, (palette.PROGRESS, palette.EXPECTED),
                                      (4, 2.5), strict=True):
        plotted.format.line.color.rgb = _colour(colour)
        plotted.format.line.width = Pt(width)
        plotted.marker.format.fill.solid()
        plotted.marker.format.fill.fore_color.rgb = _colour(colour)
    chart.plots[0].series[1].format.line.dash_style = 4  # dash: not told by colour alone
    _alt(shape, summary)


TABLE_SIZES = (24, 22, 20, 18, 16, mc.SMALLEST_TYPE)  # points, largest first


def table_size(table: mc.Table, rows: range) -> int:
    """The largest type at which the header and ``rows`` fill the slide's content area
    without overflowing it or cutting a word (the page was cut to fit at the smallest)."""
    return next((size for size in TABLE_SIZES if table.fits(rows, size)), TABLE_SIZES[-1])


def _table(slide: Slide, table: mc.Table, rows: range, summary: str) -> Table:
    """A page of ``table``: its header and ``rows``, in the largest type that fits, each row
    as high as its wrapped text."""
    size = table_size(table, rows)
    cells = [table.header, *(table.rows[i] for i in rows)]
    needed = [mc.row_height(row, table.shares, size) for row in cells]
    # what the type leaves of the slide, shared out: at most a line more to a row
    extra = min((mc.SLIDE_HEIGHT_IN - sum(needed)) / len(cells), size * mc.LINE_EM / 72)
    heights = [Inches(height + max(0.0, extra)) for height in needed]
    shape = slide.shapes.add_table(len(cells), len(table.header), LEFT, CONTENT_TOP,
                                   CONTENT_WIDTH, Emu(sum(heights)))
    drawn = shape.table
    drawn.first_row = True  # a header row: the cells of row 0 are the columns' headers
    for column, share in enumerate(table.shares):
        drawn.columns[column].width = Emu(int(CONTENT_WIDTH * share))
    for row_index, (row, height) in enumerate(zip(cells, heights, strict=True)):
        drawn.rows[row_index].height = height
        for column, text in enumerate(row):
            cell = drawn.cell(row_index, column)
            cell.text = text
            cell.margin_top = cell.margin_bottom = Inches(mc.ROW_MARGIN_IN)
            cell.margin_left = cell.margin_right = Inches(mc.CELL_MARGIN_IN)
            cell.vertical_anchor = MSO_ANCHOR.MIDDLE
            for paragraph in cell.text_frame.paragraphs:
                paragraph.font.size = Pt(size)
                paragraph.font.color.rgb = _colour(palette.TEXT)
    for cell in drawn.rows[0].cells:  # white on navy: 10:1
        cell.fill.solid()
        cell.fill.fore_color.rgb = _colour(palette.TABLE_HEADER)
        for paragraph in cell.text_frame.paragraphs:
            paragraph.font.bold = True
            paragraph.font.color.rgb = _colour(palette.BACKGROUND)
    _alt(shape, summary)
    return drawn


def _cards(slide: Slide, content: mc.MeetingContent, lang: str) -> None:
    """Figure cards: plan progress against expected, reports received, then each schedule
    bucket and blocked, each number in its status colour with its word beside it."""
    head = content.headline
    cards = [
        (percent(head.progress, lang), t("deck.card.progress", lang) + " · "
         + t("deck.card.expected", lang, value=percent(head.expected, lang)), palette.PROGRESS),
        (percent(head.completeness, lang), t("deck.card.reports", lang) + " · "
         + t("deck.card.reports_of", lang, received=number(head.received_reports, lang, 0),
             expected=number(head.expected_reports, lang, 0)), palette.TEXT),
    ]
    statuses = ("completed", "on_track", "behind", "overdue", "blocked")
    small = [(number(head.count(s), lang, 0),
              plural(f"deck.card.{s}", lang, head.count(s)), palette.STATUS_COLOURS[s])
             for s in statuses]
    gap = Inches(0.25)
    for row, (entries, top, height, big) in enumerate((
            (cards, CONTENT_TOP + Inches(0.1), Inches(2.0), 54),
            (small, CONTENT_TOP + Inches(2.45), Inches(2.3), 48))):
        width = Emu(int((CONTENT_WIDTH - gap * (len(entries) - 1)) / len(entries)))
        for index, (value, label, colour) in enumerate(entries):
            left = Emu(LEFT + (width + gap) * index)
            shape = slide.shapes.add_shape(MSO_SHAPE.ROUNDED_RECTANGLE, left, Emu(top), width,
                                           height)
            shape.adjustments[0] = 0.08
            shape.fill.solid()
            shape.fill.fore_color.rgb = _colour(palette.BACKGROUND)
            shape.line.color.rgb = _colour(colour)
            shape.line.width = Pt(4)
            shape.shadow.inherit = False
            frame = shape.text_frame
            frame.word_wrap = True
            frame.vertical_anchor = MSO_ANCHOR.MIDDLE
            frame.text = value
            first = frame.paragraphs[0]
            size = big if len(value) <= 4 else int(big * 4.5 / len(value)) if row else big
            first.font.size, first.font.bold = Pt(max(size, 24)), True
            first.font.color.rgb = _colour(colour)
            second = frame.add_paragraph()
            second.text = label
            second.font.size = Pt(18 if row else 20)
            second.font.color.rgb = _colour(palette.TEXT)
            for paragraph in frame.paragraphs:
                paragraph.alignment = PP_ALIGN.CENTER
            shape.name = f"card {row}.{index}"


def _set_default_language(deck: Presentation, tag: str) -> None:
    """The presentation's default text style and the masters' and layouts' text styles in the
    deck's language (python-pptx's template says en-US): PowerPoint gives text typed into the
    deck later, and a screen reader text without a run language, this language."""
    masters = [*deck.slide_masters]
    parts = [deck.part._element, *(m._element for m in masters),
             *(layout._element for m in masters for layout in m.slide_layouts)]
    if any(slide.has_notes_slide for slide in deck.slides):  # never adds a notes master
        parts.append(deck.notes_master._element)
    for part in parts:
        for element in part.xpath(".//a:defRPr | .//a:rPr | .//a:endParaRPr"):
            element.set("lang", tag)


def _set_language(deck: Presentation, lang: str) -> None:
    """Every run, paragraph end and default run property carries the deck's language."""
    tag = LANGUAGE_TAGS[lang]
    _set_default_language(deck, tag)
    parts = [slide for slide in deck.slides]
    parts += [slide.notes_slide for slide in deck.slides if slide.has_notes_slide]
    for master in deck.slide_masters:  # the defaults a new text box or slide takes
        parts += [master, *master.slide_layouts]
    for element in deck.part._element.xpath(".//a:defRPr"):  # the presentation's default
        element.set("lang", tag)
    for part in parts:
        for run in part._element.xpath(".//a:r"):
            run.get_or_add_rPr().set("lang", tag)
        for element in part._element.xpath(".//a:fld/a:rPr"):  # date and number fields
            element.set("lang", tag)
        for element in part._element.xpath(".//a:endParaRPr | .//a:defRPr"):
            element.set("lang", tag)
        for frame in (s for s in part.shapes if getattr(s, "has_chart", False)):
            _chart_language(frame.chart, lang)
            for element in frame.chart._chartSpace.xpath(
                    ".//a:defRPr | .//a:rPr | .//a:endParaRPr"):
                element.set("lang", tag)


def build_pptx(content: mc.MeetingContent, lang: str) -> bytes:
    """The deck for one quarter: every slide of the meeting (``meeting_content.slides``), as
    many as its content needs."""
    deck = pptx.Presentation()
    deck.slide_width, deck.slide_height = WIDTH, HEIGHT
    for shown in mc.slides(content, lang):
        DRAW[shown.kind](deck, content, shown, lang)
    quarter = mc.quarter_label(content, lang)
    properties = deck.core_properties
    properties.title = _core(f"{content.plan} · {quarter}")
    properties.subject = _core(t("deck.subject", lang))
    properties.language = LANGUAGE_TAGS[lang]
    properties.author = _core(content.commission or content.plan)
    properties.keywords = _core(quarter)
    _set_language(deck, lang)
    buffer = io.BytesIO()
    deck.save(buffer)
    return buffer.getvalue()


def _finish(slide: Slide, content: mc.MeetingContent, lang: str,
            notes: Sequence[str] | None = None) -> None:
    """The footer (added last, so read last) and the speaker notes, when the slide has any."""
    _footer(slide, mc.source_line(content, lang))
    if notes is not None:
        _notes(slide, notes)


def _notes_of(content: mc.MeetingContent, shown: mc.Slide, summary: str,
              lang: str) -> list[str]:
    return [summary, "", *mc.note_lines(mc.slide_notes(content, shown), lang)]


def _title_slide(deck: Presentation, content: mc.MeetingContent, shown: mc.Slide,
                 lang: str) -> None:
    slide = deck.slides.add_slide(deck.slide_layouts[TITLE_LAYOUT])
    _title(slide, content.plan, size=fitting_size([content.plan], CONTENT_WIDTH, Inches(1.8),
                                                  (40, 32, 28, 24, 20)))
    slide.shapes.title.top, slide.shapes.title.height = Inches(1.6), Inches(1.8)
    subtitle = slide.placeholders[1]
    subtitle.left, subtitle.top, subtitle.width, subtitle.height = LEFT, Inches(3.6), \
        CONTENT_WIDTH, Inches(2.6)
    lines = [t("deck.subtitle", lang, quarter=mc.quarter_label(content, lang)),
             content.commission, mc.meeting_line(content, lang) or ""]
    if content.locked:
        lines.append(t("present.as_presented", lang))
    frame = subtitle.text_frame
    frame.word_wrap = True
    frame.text = "\n".join(line for line in lines if line)
    small = fitting_size([line for line in lines[1:] if line], CONTENT_WIDTH,
                         Inches(2.6 - 28 * 1.2 / 72), (20, 18, 16, 14, 12))
    for index, paragraph in enumerate(frame.paragraphs):
        paragraph.alignment = PP_ALIGN.LEFT
        paragraph.font.size = Pt(28 if index == 0 else small)
        paragraph.font.color.rgb = _colour(palette.TEXT if index == 0 else palette.MUTED_TEXT)
    _finish(slide, content, lang)


def _headline_slide(deck: Presentation, content: mc.MeetingContent, shown: mc.Slide,
                    lang: str) -> None:
    slide = _slide(deck, t("deck.headline", lang, quarter=mc.quarter_label(content, lang)))
    _cards(slide, content, lang)
    _finish(slide, content, lang, _notes_of(content, shown, mc.headline_summary(content, lang),
                                            lang))


def _groups_slide(deck: Presentation, content: mc.MeetingContent, shown: mc.Slide,
                  lang: str) -> None:
    """A page of the progress of the strategic lines or of the lead institutions (a national
    plan's sixty institutions: a readable dozen bars a slide)."""
    title = t(f"deck.{shown.kind}", lang, quarter=mc.quarter_label(content, lang))
    heading = shown.heading(title, lang)
    groups = mc.groups_of(content, shown)
    slide = _slide(deck, heading)
    summary = mc.groups_summary(groups, heading, lang)
    _progress_chart(slide, groups, lang, summary)
    _finish(slide, content, lang, _notes_of(content, shown, summary, lang))


def _trend_slide(deck: Presentation, content: mc.MeetingContent, shown: mc.Slide,
                 lang: str) -> None:
    title = t("chart.trend.title", lang)
    slide = _slide(deck, title)
    summary = mc.trend_summary(content, title, lang)
    _trend_chart(slide, content, lang, summary)
    _finish(slide, content, lang, _notes_of(content, shown, summary, lang))


def _attention_slide(deck: Presentation, content: mc.MeetingContent, shown: mc.Slide,
                     lang: str) -> None:
    heading = shown.heading(t("deck.attention", lang, quarter=mc.quarter_label(content, lang)),
                            lang)
    slide = _slide(deck, heading)
    rows = content.attention[shown.rows.start:shown.rows.stop]
    summary = mc.attention_rows_summary(rows, heading, lang)
    if rows:
        _table(slide, mc.attention_table(content.attention, lang), shown.rows, summary)
    else:
        _text(slide, [t("notes.none", lang)], LEFT, CONTENT_TOP, CONTENT_WIDTH, Inches(1))
    _finish(slide, content, lang, _notes_of(content, shown, summary, lang))


def _decisions_slide(deck: Presentation, content: mc.MeetingContent, shown: mc.Slide,
                     lang: str) -> None:
    heading = shown.heading(t("deck.decisions", lang), lang)
    slide = _slide(deck, heading)
    if content.decisions:
        _table(slide, mc.decision_table(content.decisions, lang), shown.rows, heading)
    else:
        _text(slide, [t("deck.no_decisions", lang)], LEFT, CONTENT_TOP, CONTENT_WIDTH,
              Inches(1))
    _finish(slide, content, lang)


def _indicator_slide(deck: Presentation, content: mc.MeetingContent, shown: mc.Slide,
                     lang: str) -> None:
    heading = shown.heading(t("chart.indicators.title", lang,
                              quarter=mc.quarter_label(content, lang)), lang)
    slide = _slide(deck, heading)
    rows = content.indicators[shown.rows.start:shown.rows.stop]
    summary = mc.indicator_rows_summary(rows, heading, lang)
    if rows:
        _table(slide, mc.indicator_table(content.indicators, lang), shown.rows, summary)
    else:
        _text(slide, [t("deck.no_indicators", lang)], LEFT, CONTENT_TOP, CONTENT_WIDTH,
              Inches(1))
    _finish(slide, content, lang, _notes_of(content, shown, summary, lang))


DRAW: dict[str, Callable[[Presentation, mc.MeetingContent, mc.Slide, str], None]] = {
    "title": _title_slide, "headline": _headline_slide, "by_line": _groups_slide,
    "by_institution": _groups_slide, "trend": _trend_slide, "attention": _attention_slide,
    "decisions": _decisions_slide, "indicators": _indicator_slide}
