"""The review meeting's deck: PowerPoint with native, editable charts (python-pptx).

The figures come from ``tracker.services.meetings.quarter_figures`` — live for an open or
closed quarter, the "as presented" snapshot for a locked one — so the deck, the presentation
and the overview agree.
"""

from __future__ import annotations

import io
from datetime import date

from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION
from pptx.util import Emu, Inches, Pt

from tracker.i18n import percent, t
from tracker.quarters import Quarter

WIDTH, HEIGHT = Inches(13.333), Inches(7.5)
BLUE, DARK, ORANGE = RGBColor(0x00, 0x72, 0xB2), RGBColor(0x22, 0x22, 0x22), RGBColor(
    0xE6, 0x9F, 0x00)
MAX_TABLE_ROWS = 10
SLIDE_TABLE_ROWS = 7  # rows that fit a slide at a size readable from the back of a room
COLUMN_INCHES = (6.3, 2.0, 2.4, 1.6)


def _text(slide: object, text: str, left: Emu, top: Emu, width: Emu, height: Emu, *,
          size: int = 20, bold: bool = False, colour: RGBColor = DARK) -> None:
    frame = slide.shapes.add_textbox(left, top, width, height).text_frame
    frame.word_wrap = True
    for index, line in enumerate(text.split("\n")):
        paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
        paragraph.text = line
        paragraph.font.size, paragraph.font.bold = Pt(size), bold
        paragraph.font.color.rgb = colour


def _slide(deck: Presentation, title: str, source: str) -> object:
    slide = deck.slides.add_slide(deck.slide_layouts[6])  # blank
    _text(slide, title, Inches(0.5), Inches(0.3), Inches(12.3), Inches(0.9), size=32, bold=True)
    _text(slide, source, Inches(0.5), Inches(6.95), Inches(12.3), Inches(0.4), size=12)
    return slide


def _bar_chart(slide: object, categories: list[str], series: dict[str, list[float]],
               *, percent_axis: bool = True) -> object:
    data = CategoryChartData()
    data.categories = categories
    for name, values in series.items():
        data.add_series(name, [None if v is None else round(float(v), 1) for v in values])
    shape = slide.shapes.add_chart(XL_CHART_TYPE.BAR_CLUSTERED, Inches(0.5), Inches(1.3),
                                   Inches(12.3), Inches(5.5), data)
    chart = shape.chart
    chart.has_legend = len(series) > 1
    if chart.has_legend:
        chart.legend.position, chart.legend.include_in_layout = XL_LEGEND_POSITION.TOP, False
    chart.category_axis.reverse_order = True
    chart.category_axis.tick_labels.font.size = Pt(16)
    chart.value_axis.tick_labels.font.size = Pt(14)
    if percent_axis:
        chart.value_axis.maximum_scale, chart.value_axis.minimum_scale = 100, 0
    chart.plots[0].has_data_labels = True
    chart.plots[0].data_labels.font.size = Pt(14)
    chart.plots[0].data_labels.number_format = '0.0'
    chart.plots[0].data_labels.number_format_is_linked = False
    colours = [BLUE, DARK]
    for index, plotted in enumerate(chart.series):
        plotted.format.fill.solid()
        plotted.format.fill.fore_color.rgb = colours[index % len(colours)]
    return chart


def _rows(records: list[dict], label: str = "label", name: str = "name") -> list[str]:
    return [f"{r[label]} · {r[name]}" if r[label] != r[name] else str(r[name]) for r in records]


def build_pptx(figures: dict, plan_name: str, lang: str, *, decisions: list[dict] | None = None,
               generated: date | None = None) -> bytes:
    """The deck for one quarter: one slide per view of the review meeting."""
    quarter = Quarter.parse(figures["quarter"]).label(lang)
    source = t("deck.source", lang, plan=plan_name, quarter=quarter,
               date=(generated or date.today()).isoformat())
    deck = Presentation()
    deck.slide_width, deck.slide_height = WIDTH, HEIGHT
    head = figures["headline"]

    slide = _slide(deck, plan_name, source)
    _text(slide, t("deck.subtitle", lang, quarter=quarter), Inches(0.5), Inches(2.5),
          Inches(12.3), Inches(1.5), size=36)

    slide = _slide(deck, t("deck.headline", lang, quarter=quarter), source)
    buckets = head["buckets"]
    lines = [t("deck.progress_line", lang, progress=percent(head["progress"], lang),
               expected=percent(head["expected"], lang)),
             t("deck.buckets_line", lang, completed=buckets["completed"],
               on_track=buckets["on_track"], behind=buckets["behind"],
               overdue=buckets["overdue"], blocked=head["blocked"]),
             t("deck.completeness_line", lang, share=percent(head["completeness"], lang),
               received=head["received_reports"], expected=head["expected_reports"])]
    _text(slide, "\n".join(lines), Inches(0.8), Inches(1.6), Inches(11.8), Inches(4.5), size=28)

    for key, records in (("deck.by_line", figures["by_line"]),
                         ("deck.by_institution", figures["by_institution"])):
        slide = _slide(deck, t(key, lang, quarter=quarter), source)
        _bar_chart(slide, _rows(records), {
            t("chart.series.progress", lang): [r["progress"] for r in records],
            t("chart.series.expected", lang): [r["expected"] for r in records]})

    slide = _slide(deck, t("chart.trend.title", lang), source)
    trend = CategoryChartData()
    trend.categories = [Quarter.parse(r["quarter"]).label(lang) for r in figures["trend"]]
    trend.add_series(t("chart.series.progress", lang),
                     [round(r["progress"] or 0, 1) for r in figures["trend"]])
    trend.add_series(t("chart.series.expected", lang),
                     [round(r["expected"] or 0, 1) for r in figures["trend"]])
    chart = slide.shapes.add_chart(XL_CHART_TYPE.LINE_MARKERS, Inches(0.5), Inches(1.3),
                                   Inches(12.3), Inches(5.5), trend).chart
    chart.has_legend, chart.legend.position = True, XL_LEGEND_POSITION.TOP
    chart.value_axis.maximum_scale, chart.value_axis.minimum_scale = 100, 0
    for plotted, colour in zip(chart.plots[0].series, (BLUE, DARK), strict=True):
        plotted.format.line.color.rgb = colour
        plotted.format.line.width = Pt(4 if colour == BLUE else 2.5)

    _attention_slide(deck, figures, source, quarter, lang)
    _decisions_slide(deck, decisions or [], source, lang)
    _indicator_slide(deck, figures, source, quarter, lang)
    buffer = io.BytesIO()
    deck.save(buffer)
    return buffer.getvalue()


def needing_attention(figures: dict) -> list[dict]:
    """Items behind or overdue, overdue first, then by how far they lag."""
    rows = [r for r in figures["items"] if r["bucket"] in ("behind", "overdue")]
    return sorted(rows, key=lambda r: (r["bucket"] != "overdue",
                                       (r["progress"] or 0) - (r["expected"] or 0)))


def _attention_slide(deck: Presentation, figures: dict, source: str, quarter: str,
                     lang: str) -> None:
    slide = _slide(deck, t("deck.attention", lang, quarter=quarter), source)
    rows = needing_attention(figures)
    shown = rows[:SLIDE_TABLE_ROWS]
    table = slide.shapes.add_table(len(shown) + 1, 4, Inches(0.5), Inches(1.6), Inches(12.3),
                                   Inches(0.6 * (len(shown) + 1))).table
    for column, width in enumerate(COLUMN_INCHES):
        table.columns[column].width = Inches(width)
    headers = [t("item.choose", lang), t("chart.axis.institution", lang),
               t("chart.series.progress", lang), t("item.schedule", lang)]
    for column, header in enumerate(headers):
        table.cell(0, column).text = header
    for row_index, row in enumerate(shown, 1):
        values = [f"{row['code']} · {row['title']}", row["lead"],
                  f"{percent(row['progress'], lang)} / {percent(row['expected'], lang)}",
                  t(f"schedule.{row['bucket']}", lang)]
        for column, value in enumerate(values):
            table.cell(row_index, column).text = value
    for cell in (c for row in table.rows for c in row.cells):
        for paragraph in cell.text_frame.paragraphs:
            paragraph.font.size = Pt(14)
    if len(rows) > len(shown):
        _text(slide, t("chart.and_more", lang, count=len(rows) - len(shown)), Inches(0.5),
              Inches(6.5), Inches(12.3), Inches(0.4), size=16)


def _decisions_slide(deck: Presentation, decisions: list[dict], source: str,
                     lang: str) -> None:
    slide = _slide(deck, t("deck.decisions", lang), source)
    lines = [f"• {d['text']} — {d.get('owner') or '—'} · {d.get('follow_up') or '—'}"
             for d in decisions[:MAX_TABLE_ROWS]] or [t("deck.no_decisions", lang)]
    _text(slide, "\n".join(lines), Inches(0.8), Inches(1.4), Inches(11.8), Inches(5.3), size=20)


def _indicator_slide(deck: Presentation, figures: dict, source: str, quarter: str,
                     lang: str) -> None:
    slide = _slide(deck, t("chart.indicators.title", lang, quarter=quarter), source)
    rows = [r for r in figures["items"] if r.get("target") and r.get("indicator_value")
            is not None]
    shown = rows[:MAX_TABLE_ROWS + 5]
    if not shown:
        _text(slide, t("deck.no_indicators", lang), Inches(0.8), Inches(1.4), Inches(11.8),
              Inches(1), size=20)
        return
    achieved = [100 * (r["indicator_value"] - (r.get("baseline") or 0))
                / ((r["target"] - (r.get("baseline") or 0)) or 1) for r in shown]
    _bar_chart(slide, [f"{r['code']} · {r['indicator']}" for r in shown],
               {t("chart.axis.of_target", lang): [min(max(a, 0), 150) for a in achieved]},
               percent_axis=False)
