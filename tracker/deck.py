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
from collections.abc import Sequence
from operator import attrgetter

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
LANGUAGE_TAGS = {"es": "es-ES", "en": "en-US"}
LEFT, CONTENT_TOP, CONTENT_WIDTH = Inches(0.5), Inches(1.45), Inches(12.33)
CONTENT_HEIGHT = Inches(5.35)
CORE_PROPERTY = 255  # python-pptx refuses a longer title, subject, author or keywords
TITLE_LAYOUT, TITLE_ONLY_LAYOUT = 0, 5
SLIDE_TABLE_ROWS = mc.SLIDE_ROWS
INDICATOR_ROWS = 8
DECISION_ROWS = 7
CHART_ROWS = 12  # at most this many groups on one chart slide; more continue on the next


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


def _table(slide: Slide, header: Sequence[str], rows: Sequence[Sequence[str]],
           widths: Sequence[float], summary: str, *, size: int = 13) -> Table:
    shape = slide.shapes.add_table(len(rows) + 1, len(header), LEFT, CONTENT_TOP,
                                   CONTENT_WIDTH, Inches(0.45 * (len(rows) + 1)))
    table = shape.table
    table.first_row = True  # a header row: the cells of row 0 are the columns' headers
    for column, width in enumerate(widths):
        table.columns[column].width = Inches(width)
    for column, text in enumerate(header):
        table.cell(0, column).text = text
    for row_index, row in enumerate(rows, 1):
        for column, text in enumerate(row):
            table.cell(row_index, column).text = text
    for row in table.rows:
        for cell in row.cells:
            cell.margin_top = cell.margin_bottom = Inches(0.04)
            for paragraph in cell.text_frame.paragraphs:
                paragraph.font.size = Pt(size)
                paragraph.font.color.rgb = _colour(palette.TEXT)
    for cell in table.rows[0].cells:  # white on navy: 10:1
        cell.fill.solid()
        cell.fill.fore_color.rgb = _colour(palette.TABLE_HEADER)
        for paragraph in cell.text_frame.paragraphs:
            paragraph.font.bold = True
            paragraph.font.color.rgb = _colour(palette.BACKGROUND)
    _alt(shape, summary)
    return table


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


def _short(text: str, width: int) -> str:
    return textwrap.shorten(" ".join(text.split()), width, placeholder="…") if text else ""


def _set_language(deck: Presentation, lang: str) -> None:
    """Every run, paragraph end and default run property carries the deck's language."""
    tag = LANGUAGE_TAGS[lang]
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
    """The deck for one quarter: one slide per view of the review meeting."""
    quarter = mc.quarter_label(content, lang)
    source = mc.source_line(content, lang)
    deck = pptx.Presentation()
    deck.slide_width, deck.slide_height = WIDTH, HEIGHT
    notes = mc.note_lines(content.notes, lang)

    slide = deck.slides.add_slide(deck.slide_layouts[TITLE_LAYOUT])
    _title(slide, content.plan, size=fitting_size([content.plan], CONTENT_WIDTH, Inches(1.8),
                                                  (40, 32, 28, 24, 20)))
    slide.shapes.title.top, slide.shapes.title.height = Inches(1.6), Inches(1.8)
    subtitle = slide.placeholders[1]
    subtitle.left, subtitle.top, subtitle.width, subtitle.height = LEFT, Inches(3.6), \
        CONTENT_WIDTH, Inches(2.6)
    lines = [t("deck.subtitle", lang, quarter=quarter), content.commission,
             mc.meeting_line(content, lang) or ""]
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
    _footer(slide, source)

    slide = _slide(deck, t("deck.headline", lang, quarter=quarter))
    _cards(slide, content, lang)
    _footer(slide, source)
    _notes(slide, [mc.headline_summary(content, lang), "", *notes])

    for key, groups, order in (("deck.by_line", content.by_line, "line"),
                               ("deck.by_institution", content.by_institution, "lead")):
        title = t(key, lang, quarter=quarter)
        summary = mc.groups_summary(groups, title, lang)
        ordered = sorted(content.notes, key=attrgetter(f"item.{order}"))
        # a national plan's sixty institutions: paged, a readable dozen bars a slide
        slides = max(1, -(-len(groups) // CHART_ROWS))
        size = max(1, -(-len(groups) // slides))  # balanced: 13 groups are 7 + 6, not 12 + 1
        for start in range(0, max(1, len(groups)), size):
            chunk = groups[start:start + size]
            heading = title if len(groups) <= CHART_ROWS else t(
                "deck.part" if start == 0 else "handout.continued", lang, title=title,
                first=start + 1, last=start + len(chunk), total=len(groups))
            slide = _slide(deck, heading)
            _progress_chart(slide, chunk, lang, summary if start == 0 else
                            mc.groups_summary(chunk, heading, lang))
            _footer(slide, source)
            _notes(slide, [summary, "", *mc.note_lines(ordered, lang)])

    title = t("chart.trend.title", lang)
    slide = _slide(deck, title)
    _trend_chart(slide, content, lang, mc.trend_summary(content, title, lang))
    _footer(slide, source)
    _notes(slide, [mc.trend_summary(content, title, lang), "", *notes])

    _attention_slide(deck, content, source, quarter, lang, notes)
    _decisions_slide(deck, content, source, lang)
    _indicator_slide(deck, content, source, quarter, lang, notes)

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


def _attention_slide(deck: Presentation, content: mc.MeetingContent, source: str,
                     quarter: str, lang: str, notes: list[str]) -> None:
    title = t("deck.attention", lang, quarter=quarter)
    slide = _slide(deck, title)
    rows = content.attention
    shown = rows[:SLIDE_TABLE_ROWS]
    if shown:
        _table(slide, [t("item.choose", lang), t("chart.axis.institution", lang),
                       t("chart.series.progress", lang), t("chart.series.expected", lang),
                       t("item.schedule", lang), t("form.obstacles", lang)],
               [(_short(f"{r.code} · {r.title}", 64), r.lead, percent(r.progress, lang),
                 percent(r.expected, lang), t(f"schedule.{r.bucket}", lang),
                 _short(r.obstacles, 90) or "—") for r in shown],  # in full in the notes
               (3.4, 1.45, 1.15, 1.15, 1.6, 3.58), mc.attention_summary(content, title, lang),
               size=12)
    else:
        _text(slide, [t("notes.none", lang)], LEFT, CONTENT_TOP, CONTENT_WIDTH, Inches(1))
    if len(rows) > len(shown):
        _text(slide, [t("chart.and_more", lang, count=number(len(rows) - len(shown), lang, 0))],
              LEFT, Inches(6.45), CONTENT_WIDTH, Inches(0.4), size=16)
    _footer(slide, source)
    _notes(slide, [mc.attention_summary(content, title, lang), "", *notes])


def _decisions_slide(deck: Presentation, content: mc.MeetingContent, source: str,
                     lang: str) -> None:
    title = t("deck.decisions", lang)
    slide = _slide(deck, title)
    shown = content.decisions[:DECISION_ROWS]
    if shown:
        _table(slide, [t("deck.col.decision", lang), t("deck.col.owner", lang),
                       t("deck.col.due", lang), t("deck.col.follow_up", lang)],
               [(_short(d.text, 160), d.owner or "—", d.due.label(lang) if d.due else "—",
                 mc.decision_follow_up(d, lang)) for d in shown],
               (6.73, 1.8, 1.6, 2.2), title, size=14)
    else:
        _text(slide, [t("deck.no_decisions", lang)], LEFT, CONTENT_TOP, CONTENT_WIDTH,
              Inches(1))
    if len(content.decisions) > len(shown):
        _text(slide, [t("chart.and_more", lang, count=len(content.decisions) - len(shown))],
              LEFT, Inches(6.45), CONTENT_WIDTH, Inches(0.4), size=16)
    _footer(slide, source)


def _indicator_slide(deck: Presentation, content: mc.MeetingContent, source: str,
                     quarter: str, lang: str, notes: list[str]) -> None:
    title = t("chart.indicators.title", lang, quarter=quarter)
    slide = _slide(deck, title)
    rows = content.indicators
    shown = rows[:INDICATOR_ROWS]
    summary = mc.indicators_summary(content, title, lang)
    if shown:
        _table(slide, [t("plan.indicator", lang), t("deck.col.value", lang),
                       t("deck.col.achieved", lang), t("item.schedule", lang)],
               [(_short(f"{r.code} · {r.indicator or r.title}", 80), mc.indicator_value(r, lang),
                 percent(r.achieved, lang),
                 t(f"schedule.{r.bucket}", lang) if r.bucket != "not_in_scope" else "—")
                for r in shown], (6.13, 3.0, 1.6, 1.6), summary, size=14)
    else:
        _text(slide, [t("deck.no_indicators", lang)], LEFT, CONTENT_TOP, CONTENT_WIDTH,
              Inches(1))
    if len(rows) > len(shown):
        _text(slide, [t("chart.and_more", lang, count=number(len(rows) - len(shown), lang, 0))],
              LEFT, Inches(6.45), CONTENT_WIDTH, Inches(0.4), size=16)
    _footer(slide, source)
    _notes(slide, [summary, "", *notes])

