"""Chart builders on hand-built figures: values, categories, colours, caps."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from tracker import charts
from tracker.charts import BUCKET_COLOURS


def rollup_frame(rows):
    return pd.DataFrame(rows, columns=["quarter", "key", "label", "name", "progress",
                                       "expected", "items"])


def item_frame(rows):
    columns = ["code", "title", "lead", "start_quarter", "due_quarter", "bucket", "in_scope",
               "progress", "expected", "indicator", "unit", "baseline", "target",
               "indicator_value", "item_id"]
    return pd.DataFrame([dict(zip(columns, row, strict=False)) for row in rows])


def test_progress_against_expected_keeps_empty_groups_and_says_so():
    frame = rollup_frame([("2026-Q2", 1, "1", "Capacity", 40.0, 70.0, 4),
                          ("2026-Q2", 2, "2", "Awareness", float("nan"), float("nan"), 0)])
    figure = charts.progress_against_expected(frame, "en", "Progress")
    bars, markers, values = figure.data
    assert list(bars.x) == [40.0, 0.0]
    assert list(values.text) == ["40.0% · expected 70.0%", "no item in scope"]
    # the values stand in their own column, right of every bar and marker: no collision
    assert set(values.x) == {charts.VALUE_COLUMN} and charts.VALUE_COLUMN > 100
    assert list(bars.y) == ["1 · Capacity", "2 · Awareness"]
    assert markers.x[0] == 70.0 and math.isnan(markers.x[1])
    assert bars.marker.color == charts.PROGRESS_COLOUR
    spanish = charts.progress_against_expected(frame, "es", "Avance")
    assert list(spanish.data[2].text)[0] == "40,0 % · esperado 70,0 %"
    assert spanish.layout.xaxis.title.text == "Avance (%)"


def test_status_mix_stacks_buckets_in_their_colours():
    counts = pd.DataFrame([("A", "behind", 2, 0), ("A", "on_track", 1, 0),
                           ("B", "completed", 1, 0)],
                          columns=["label", "bucket", "items", "blocked"])
    figure = charts.status_mix(counts, "en", "Mix")
    by_name = {trace.name: trace for trace in figure.data}
    assert list(by_name) == ["Completed", "On track", "Behind", "Overdue"]
    assert list(by_name["Behind"].x) == [2, 0]
    assert list(by_name["Completed"].x) == [0, 1]
    assert by_name["Overdue"].marker.color == BUCKET_COLOURS["overdue"]
    assert figure.layout.barmode == "stack"


def test_trend_draws_the_plan_over_institutions():
    plan = rollup_frame([("2026-Q1", 0, "P", "P", 30.0, 45.0, 5),
                         ("2026-Q2", 0, "P", "P", 35.7, 71.4, 6)])
    institutions = rollup_frame([("2026-Q1", 1, "A", "A", 20.0, 25.0, 2),
                                 ("2026-Q2", 1, "A", "A", 25.0, 62.5, 3)])
    figure = charts.trend(plan, institutions, "es", "Tendencia")
    assert [trace.name for trace in figure.data] == ["A", "Esperado", "Plan"]
    assert list(figure.data[-1].x) == ["T1 2026", "T2 2026"]
    assert list(figure.data[-1].y) == [30.0, 35.7]
    assert figure.data[1].line.dash == "dash"


def test_heatmap_puts_institutions_down_and_quarters_across():
    frame = pd.DataFrame([("2026-Q1", "B", 10.0), ("2026-Q2", "B", 20.0),
                          ("2026-Q1", "A", float("nan")), ("2026-Q2", "A", 50.0)],
                         columns=["quarter", "label", "share"])
    figure = charts.heatmap(frame, "share", "en", "Reports")
    heat = figure.data[0]
    assert list(heat.y) == ["A", "B"]
    assert list(heat.x) == ["Q1 2026", "Q2 2026"]
    assert math.isnan(heat.z[0][0]) and heat.z[0][1] == 50.0 and heat.z[1][0] == 10.0
    assert heat.text[0][0] == "—" and heat.zmin == 0 and heat.zmax == 100
    # the cell texts are dark on every colour of the scale (issue 18: 3.6:1 before)
    from tracker.palette import contrast

    assert heat.textfont.color == charts.TEXT_COLOUR
    assert min(contrast(charts.TEXT_COLOUR, colour) for _, colour in heat.colorscale) >= 4.5


def test_gantt_spans_quarters_colours_by_bucket_and_caps_long_plans():
    rows = [(f"{n}", f"Item {n}", "A", "2026-Q1", "2026-Q2", "behind", True)
            for n in range(1, 46)]
    rows.append(("99", "Cancelled one", "A", "2026-Q1", "2026-Q4", None, False))
    figure = charts.gantt(item_frame(rows), 1, "en", "Timeline", limit=40)
    behind = figure.data[0]
    assert behind.marker.color == BUCKET_COLOURS["behind"]
    assert behind.base[0] == "2026-01-01"
    assert behind.x[0] == pytest.approx(181 * 24 * 3600 * 1000)  # Jan 1 to Jul 1
    assert len(behind.y) == 40
    assert figure.layout.annotations[0].text == "… and 6 more"


def test_indicator_bullets_measure_the_way_from_baseline_to_target():
    rows = [("1", "t", "A", "2026-Q1", "2026-Q4", "behind", True, 0, 0, "People", "p",
             100.0, 300.0, 200.0, 1),
            ("2", "t", "A", "2026-Q1", "2026-Q4", "completed", True, 0, 0, "Docs", "d",
             0.0, 1.0, 1.0, 2),
            ("3", "t", "A", "2026-Q1", "2026-Q4", "on_track", True, 0, 0, None, None,
             None, None, None, 3)]
    figure = charts.indicator_bullets(item_frame(rows), "es", "Indicadores")
    bars, values = figure.data
    assert list(bars.x) == [50.0, 100.0]
    assert list(bars.marker.color) == [BUCKET_COLOURS["behind"], BUCKET_COLOURS["completed"]]
    # the status in words and in a pattern too, never by colour alone
    assert list(values.text) == ["200 / 300 p · Atrasada", "1 / 1 d · Completada"]
    assert list(bars.marker.pattern.shape) == [charts.BUCKET_PATTERNS["behind"],
                                               charts.BUCKET_PATTERNS["completed"]]


def test_target_equal_to_baseline_has_no_share_of_target():
    rows = [("1", "t", "A", "2026-Q1", "2026-Q4", "behind", True, 0, 0, "People", "p",
             10.0, 10.0, 12.0, 1)]
    figure = charts.indicator_bullets(item_frame(rows), "en", "Indicators")
    assert list(figure.data[0].x) == []  # the same rule as the deck and the handout


def test_status_is_never_told_by_colour_alone():
    counts = pd.DataFrame([("A", "behind", 2, 0), ("A", "overdue", 1, 0),
                           ("B", "completed", 1, 0), ("B", "on_track", 1, 0)],
                          columns=["label", "bucket", "items", "blocked"])
    traces = charts.status_mix(counts, "en", "Mix").data
    patterns = [trace.marker.pattern.shape for trace in traces]
    assert len(set(patterns)) == len(patterns) == 4  # each status its own pattern
    assert [trace.name for trace in traces] == ["Completed", "On track", "Behind", "Overdue"]
    items = item_frame([("1", "t", "A", "2026-Q1", "2026-Q4", "behind", True, 10, 20, None,
                         None, None, None, None, 1),
                        ("2", "t", "A", "2027-Q1", "2027-Q4", None, False, 0, 0, None,
                         None, None, None, None, 2)])
    gantt = charts.gantt(items, 1, "en", "Timeline").data
    assert {trace.name for trace in gantt} == {"Behind", "Not started or cancelled"}
    assert all(trace.marker.pattern.shape is not None for trace in gantt)


def test_no_chart_toolbar_tab_stops():
    assert charts.PLOTLY_CONFIG == {"displayModeBar": False}


def test_every_chart_names_its_axes_in_the_language():
    rollup = rollup_frame([("2026-Q2", 1, "A", "A", 40.0, 70.0, 4)])
    items = item_frame([("1", "t", "A", "2026-Q1", "2026-Q4", "behind", True, 10, 20, "People",
                         "p", 0.0, 10.0, 5.0, 1)])
    counts = pd.DataFrame([("A", "behind", 1, 0)],
                          columns=["label", "bucket", "items", "blocked"])
    heat = pd.DataFrame([("2026-Q2", "A", 10.0)], columns=["quarter", "label", "progress"])
    figures = [charts.progress_against_expected(rollup, "es", "x"),
               charts.status_mix(counts, "es", "x"), charts.trend(rollup, rollup, "es", "x"),
               charts.heatmap(heat, "progress", "es", "x"), charts.gantt(items, 1, "es", "x"),
               charts.indicator_bullets(items, "es", "x")]
    for figure in figures:
        assert figure.layout.xaxis.title.text and figure.layout.yaxis.title.text
    assert figures[3].layout.yaxis.title.text == "Institución responsable"


def test_a_trend_of_sixty_institutions_starts_with_the_plan_alone_and_a_side_legend():
    quarters = ["2026-Q1", "2026-Q2"]
    plan = pd.DataFrame({"quarter": quarters, "progress": [20.0, 40.0],
                         "expected": [25.0, 50.0]})
    institutions = pd.DataFrame([{"quarter": q, "label": f"I{n:02}", "progress": 10.0 + n % 50}
                                 for n in range(60) for q in quarters])
    figure = charts.trend(plan, institutions, "es", "Avance")
    hidden = [trace.name for trace in figure.data if trace.visible == "legendonly"]
    assert len(hidden) == 60
    shown = [trace.name for trace in figure.data if trace.visible is not False
             and trace.visible != "legendonly"]
    assert shown == ["Esperado", "Plan"]
    assert figure.layout.legend.orientation == "v"
    few = charts.trend(plan, institutions[institutions["label"] < "I05"], "es", "Avance")
    assert not any(trace.visible == "legendonly" for trace in few.data)


TAGGED = '<a href="http://attacker.invalid/">x</a> <b>bold</b> & <span style="x">s</span>'


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list | tuple):
        return [s for v in value for s in _strings(v)]
    return []


def test_user_text_in_a_figure_is_shown_as_written_never_as_plotly_markup():
    """Plotly draws <a href>, <b>, <span style> in titles, ticks, legends, hover and text
    (issue 25, found after the Markdown round): names, titles, indicators and units reach a
    figure escaped, and Plotly decodes the escapes back to the characters."""
    rollup = rollup_frame([("2026-Q2", 1, TAGGED, TAGGED, 40.0, 70.0, 4)])
    many = rollup_frame([("2026-Q2", n, f"{TAGGED}{n}", TAGGED, 40.0, 70.0, 4)
                         for n in range(13)])
    items = item_frame([("1", TAGGED, "A", "2026-Q1", "2026-Q4", "behind", True, 0, 0, TAGGED,
                         TAGGED, 0.0, 10.0, 5.0, 1)])
    figures = [
        charts.progress_against_expected(rollup, "en", TAGGED),
        charts.progress_against_expected(many, "en", "Many"),
        charts.status_mix(pd.DataFrame([(TAGGED, "behind", 2, 0)],
                                       columns=["label", "bucket", "items", "blocked"]),
                          "en", "Mix"),
        charts.trend(rollup, rollup, "en", "Trend"),
        charts.heatmap(pd.DataFrame([("2026-Q1", TAGGED, 10.0)],
                                    columns=["quarter", "label", "share"]), "share", "en", "H"),
        charts.gantt(items, 1, "en", "Timeline"),
        charts.indicator_bullets(items, "en", "Indicators"),
    ]
    for figure in figures:
        texts = _strings(figure.to_plotly_json())
        assert not [s for s in texts if "<a " in s or "<b>" in s or "<span" in s], figure
        assert [s for s in texts if "&lt;a href" in s], figure  # the words are there
    assert list(figures[1].data[0].customdata)[0] == f"{TAGGED}0"  # a click reads the label


# ---- issue 26, item 11: seen, not read -------------------------------------------------------


def _trend_of(count: int, last: float = 60.0):
    """A plan and ``count`` institutions whose lines all meet at ``last`` in the last quarter."""
    quarters = ["2026-Q1", "2026-Q2", "2026-Q3"]
    plan = pd.DataFrame({"quarter": quarters, "progress": [20.0, 40.0, last],
                         "expected": [25.0, 50.0, 75.0]})
    institutions = pd.DataFrame([{"quarter": q, "label": f"INST{n}", "progress": value}
                                 for n in range(count)
                                 for q, value in zip(quarters, [10.0 + n, 30.0 + n, last],
                                                     strict=True)])
    return plan, institutions


def test_each_institutions_trend_line_has_its_own_solid_colour_that_stands_out():
    from tracker.palette import contrast

    plan, institutions = _trend_of(charts.MANY_LINES)
    figure = charts.trend(plan, institutions, "es", "Avance")
    lines = [trace for trace in figure.data if trace.name.startswith("INST")]
    colours = [trace.line.color for trace in lines]
    assert len(lines) == charts.MANY_LINES >= 10
    assert len(set(colours)) == len(colours)  # no two institutions share a colour
    assert not {c.upper() for c in colours} & {charts.PROGRESS_COLOUR, charts.EXPECTED_COLOUR}
    assert min(contrast(colour) for colour in colours) >= 3.0  # against the white background
    assert all(trace.opacity in (None, 1) for trace in lines)  # not faded


def test_each_trend_line_is_named_at_its_end_and_the_names_do_not_touch():
    """Six institutions and the plan end at 60 %: their names stand right of the plot, each
    with its value, one line of type apart, inside the axis."""
    plan, institutions = _trend_of(6)
    figure = charts.trend(plan, institutions, "es", "Avance")
    labels = {a.text: a for a in figure.layout.annotations if a.name == "line-end"}
    assert set(labels) == {f"INST{n} 60,0 %" for n in range(6)} | {"Plan 60,0 %",
                                                                    "Esperado 75,0 %"}
    assert all(a.xref == "paper" and a.x == 1 and a.xanchor == "left" for a in labels.values())
    samples = {a.y: a.font.color for a in figure.layout.annotations if a.name == "line-sample"}
    lines = {trace.name: trace.line.color for trace in figure.data}
    assert {samples[a.y] for a in labels.values()} == set(lines.values())  # each in its colour
    heights = sorted(a.y for a in labels.values())
    gap = charts.END_LABEL_GAP * charts.TREND_TOP / (charts.TREND_HEIGHT - 130)
    assert min(b - a for a, b in zip(heights, heights[1:], strict=False)) >= gap - 1e-9
    assert heights[0] >= 0 and heights[-1] <= charts.TREND_TOP
    # the lines carry no legend entry of their own (their names are at their ends)
    assert not [trace for trace in figure.data if trace.name.startswith("INST")
                and trace.showlegend is not False]


def test_spread_keeps_labels_near_their_values_and_apart():
    assert charts.spread([10.0, 50.0, 90.0], 6, 0, 105) == [10.0, 50.0, 90.0]
    assert charts.spread([60.0, 60.0, 60.0], 6, 0, 105) == [60.0, 66.0, 72.0]
    assert charts.spread([104.0, 104.0], 6, 0, 105) == [99.0, 105.0]


DEMO_TITLES = [  # the demo's longest Spanish titles
    ("1.1", "Acuerdo de cooperación OIM–MREMH–INNFA–PN–DINAPEN firmado y difundido"),
    ("2.3", "Ferias comunitarias en Chimborazo, Tungurahua e Imbabura"),
    ("1.5", "Presupuesto anual de la comisión incluido en la proforma del Estado"),
]


def test_gantt_labels_keep_every_word_of_the_title_in_lines_that_fit():
    items = item_frame([(code, title, "A", "2026-Q1", "2026-Q4", "behind", True)
                        for code, title in DEMO_TITLES])
    figure = charts.gantt(items, 1, "es", "Cronograma")
    shown = list(figure.data[0].y)
    assert [label.replace("<br>", " ") for label in shown] == [
        f"{code} · {title}" for code, title in DEMO_TITLES]  # nothing cut, no "…"
    lines = [line for label in shown for line in label.split("<br>")]
    assert max(len(line) for line in lines) <= charts.GANTT_LABEL_WIDTH
    assert list(figure.layout.yaxis.categoryarray) == shown
    # the rows are as tall as their labels' lines in the tick type
    rows = (figure.layout.height - 40 - 130) / len(shown)
    assert rows >= 2 * charts.GANTT_TICK_SIZE


def test_a_gantt_label_longer_than_three_lines_ends_in_an_ellipsis():
    label = charts.item_label("9.9", "palabra " * 60)
    assert label.count("<br>") == charts.GANTT_LABEL_LINES - 1 and label.endswith("…")


def test_gantt_marks_the_end_of_the_quarter_it_shows_in_both_languages():
    from tracker.quarters import Quarter

    items = item_frame([("1", "t", "A", "2026-Q1", "2027-Q4", "behind", True)])
    for lang, text in (("es", "Fin de T3 2026"), ("en", "End of Q3 2026")):
        figure = charts.gantt(items, 1, lang, "x", quarter=Quarter(2026, 3))
        [line] = [shape for shape in figure.layout.shapes if shape.x0 == shape.x1]
        assert str(line.x0).startswith("2026-10-01") and line.yref == "paper"
        assert [a.text for a in figure.layout.annotations] == [text]
        assert str(figure.layout.annotations[0].x).startswith("2026-10-01")
        # its label sits between the plot and the legend, clear of both
        assert figure.layout.legend.y > 1 and figure.layout.annotations[0].yanchor == "bottom"
    assert not charts.gantt(items, 1, "es", "x").layout.shapes  # no quarter, no marker
