"""Plotly figure builders: a DataFrame in, a Figure out; no I/O, no Streamlit.

Colours come from ``tracker.palette`` (the deck and the handout use the same), the same for a
bucket everywhere; a status is never told by colour alone: each has its word (legend or
label) and its fill pattern. Value labels sit in their own column, clear of the bars and the
expected-progress marks. Type is large enough to read on a projector. Long lists are capped
with "and N more".
"""

from __future__ import annotations

import html
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

import pandas as pd
import plotly.graph_objects as go

from tracker import meeting_content as mc
from tracker import palette
from tracker.i18n import number, percent, percent_suffix, t
from tracker.metrics import Bucket
from tracker.quarters import Quarter, quarter_range

if TYPE_CHECKING:
    from tracker.services.figures import Overview

BUCKET_COLOURS = palette.STATUS_COLOURS
BUCKET_PATTERNS = palette.STATUS_PATTERNS
BUCKET_ORDER = [Bucket.COMPLETED, Bucket.ON_TRACK, Bucket.BEHIND, Bucket.OVERDUE]
PROGRESS_COLOUR = palette.PROGRESS
EXPECTED_COLOUR = palette.EXPECTED
TEXT_COLOUR = palette.TEXT
GRID_COLOUR = palette.GRID
VALUE_COLUMN = 103  # x where the value labels start: right of 100 %, clear of every bar
# Plotly's toolbar is off wherever a chart is drawn: its buttons were Tab stops in English
PLOTLY_CONFIG = {"displayModeBar": False}
FONT = {"family": "Source Sans Pro, Arial, sans-serif", "size": 16, "color": TEXT_COLOUR}
SEQUENTIAL = [[0, palette.SEQUENTIAL[0]], [1, palette.SEQUENTIAL[1]]]
MAX_ROWS = 40


def plain(text: object) -> str:
    """User text for a figure, shown as written: Plotly draws the tags ``<a href>``, ``<b>``,
    ``<i>``, ``<span style>``, ``<br>``… in titles, tick labels, legends, hover and text
    (an institution named ``<a href="http://…">`` would be a link in every chart), and
    decodes ``&lt;`` ``&gt;`` ``&amp;`` back to the characters."""
    return html.escape(str(text), quote=False)


def _wrap(text: str, width: int = 34) -> str:
    return "<br>".join(plain(line) for line in textwrap.wrap(text, width)) or plain(text)


def _short(text: str, width: int = 52) -> str:
    """One line for a row label: long titles end in an ellipsis (the hover shows it all)."""
    return plain(textwrap.shorten(text, width, placeholder="…"))


def _layout(figure: go.Figure, title: str, height: int) -> go.Figure:
    # title and legend placed in pixels: a fraction of a tall chart's height put the title
    # under the legend with a gap, once a plan had sixty institutions
    total, plot = height + 40, max(height - 130, 100)
    figure.update_layout(
        title={"text": plain(title), "font": {"size": 22}, "y": 1 - 12 / total, "yanchor": "top"},
        font=FONT, height=total, margin={"l": 10, "r": 40, "t": 110, "b": 60},
        plot_bgcolor=palette.BACKGROUND,
        legend={"orientation": "h", "yanchor": "bottom", "y": 1 + 8 / plot, "x": 0,
                "traceorder": "normal"},
    )
    figure.update_xaxes(tickfont={"color": TEXT_COLOUR}, title_font={"color": TEXT_COLOUR})
    figure.update_yaxes(tickfont={"color": TEXT_COLOUR}, title_font={"color": TEXT_COLOUR})
    return figure


def _more(figure: go.Figure, hidden: int, lang: str, *, beside: bool = False) -> None:
    """"… and N more" under the plot, or ``beside`` it (in the right margin, clear of the
    axis labels)."""
    if hidden > 0:
        figure.add_annotation(text=t("chart.and_more", lang, count=hidden), showarrow=False,
                              xref="paper", yref="paper", font={"size": 14},
                              **({"x": 1.08, "y": 0, "xanchor": "left", "yanchor": "top"}
                                 if beside else {"x": 1, "y": -0.12, "xanchor": "right"}))


def _status_marker(status: str | list[str]) -> dict[str, object]:
    """A status's colour and, over it, its pattern: never told by colour alone."""
    colour: str | list[str]
    shape: str | list[str]
    if isinstance(status, str):
        colour, shape = BUCKET_COLOURS[status], BUCKET_PATTERNS[status]
    else:
        colour = [BUCKET_COLOURS[s] for s in status]
        shape = [BUCKET_PATTERNS[s] for s in status]
    return {"color": colour,
            "pattern": {"shape": shape,
                        "fgcolor": palette.BACKGROUND, "solidity": 0.2, "fillmode": "overlay"}}


def _percent_ticks(values: list[int], lang: str) -> dict[str, list]:
    """Tick values with their localized labels ("40 %" / "40%")."""
    return {"tickvals": values,
            "ticktext": [f"{number(v, lang, 0)}{percent_suffix(lang)}" for v in values]}


def _row_height(rows: int) -> int:
    """Pixels per bar: roomy for a commission's few institutions, tighter for sixty."""
    return 70 if rows <= 12 else 36


# above this, institutions' trend lines start hidden (a click shows each): one colour each
MANY_LINES = len(palette.SERIES)


def progress_against_expected(frame: pd.DataFrame, lang: str, title: str,
                              axis: str = "chart.axis.line") -> go.Figure:
    """Horizontal bars of progress per group, with expected progress as a marker.

    ``frame`` has the columns of a ``metrics.RollupRow`` frame (label, name, progress, expected,
    items).
    Groups with nothing in scope keep their row and say so instead of showing a bar.
    """
    many = len(frame) > 12  # sixty institutions: acronyms only, the name is in the hover
    names = [plain(row.label) if many else
             _wrap(f"{row.label} · {row.name}" if row.label != row.name else str(row.name))
             for row in frame.itertuples()]
    progress = frame["progress"].astype(float)
    expected = frame["expected"].astype(float)
    empty = progress.isna()
    figure = go.Figure()
    figure.add_bar(
        y=names, x=progress.fillna(0), orientation="h", name=t("chart.series.progress", lang),
        marker_color=PROGRESS_COLOUR,
        hovertemplate=("%{y} · %{hovertext}" if many else "%{y}")
        + "<br>%{x:.1f} %<extra></extra>", customdata=frame["label"],
        hovertext=[plain(name) for name in frame["name"]],
    )
    figure.add_scatter(
        y=names, x=expected, mode="markers",
        name=t("chart.series.expected", lang),
        marker={"symbol": "line-ns", "size": int(_row_height(len(frame)) * 0.45),
                "line": {"width": 4, "color": EXPECTED_COLOUR}},
        hovertemplate="%{y}<br>" + t("chart.series.expected", lang) + ": %{x:.1f} %<extra></extra>",
    )
    # the values in a column of their own, right of 100 %: never over a bar or a marker
    figure.add_scatter(
        y=names, x=[VALUE_COLUMN] * len(frame), mode="text", showlegend=False,
        text=[t("chart.no_items", lang) if e else
              f"{percent(v, lang)} · " + t("deck.card.expected", lang, value=percent(x, lang))
              for v, x, e in zip(progress, expected, empty, strict=True)],
        textposition="middle right", textfont={"color": TEXT_COLOUR}, cliponaxis=False,
        hoverinfo="skip", name=t("chart.series.progress", lang),
    )
    _layout(figure, title, max(320, 90 + _row_height(len(frame)) * len(frame)))
    figure.update_layout(barmode="overlay", margin={"r": 240})
    figure.update_xaxes(title_text=t("chart.axis.progress", lang), range=[0, VALUE_COLUMN],
                        gridcolor=GRID_COLOUR, **_percent_ticks([0, 20, 40, 60, 80, 100], lang))
    figure.update_yaxes(title_text=t(axis, lang), autorange="reversed",
                        tickfont={"color": TEXT_COLOUR})
    return figure


def status_mix(counts: pd.DataFrame, lang: str, title: str) -> go.Figure:
    """Stacked bars: items of each lead institution by schedule bucket (``bucket_counts``)."""
    labels = sorted(set(counts["label"]))
    figure = go.Figure()
    for bucket in BUCKET_ORDER:
        rows = counts[counts["bucket"] == bucket.value].set_index("label")["items"]
        figure.add_bar(y=[plain(label) for label in labels],
                       x=[int(rows.get(label, 0)) for label in labels],
                       orientation="h", name=t(f"bucket.{bucket.value}", lang),
                       marker=_status_marker(bucket.value),
                       hovertemplate="%{y}: %{x}<extra>" + t(f"bucket.{bucket.value}", lang)
                       + "</extra>")
    _layout(figure, title, max(320, 100 + 45 * len(labels)))
    figure.update_layout(barmode="stack")
    figure.update_xaxes(title_text=t("chart.axis.items", lang), gridcolor=GRID_COLOUR, dtick=1)
    figure.update_yaxes(title_text=t("chart.axis.institution", lang), autorange="reversed")
    return figure


def trend(plan: pd.DataFrame, institutions: pd.DataFrame, lang: str, title: str) -> go.Figure:
    """Plan progress and expected over the quarters, with each lead institution's progress.

    Each institution's line has its own colour (``palette.SERIES``) and, up to
    ``MANY_LINES`` of them, its name and last value at its end, in the right margin, the
    labels moved apart where the lines meet (they bunch at the last quarter); more lines
    start hidden, named in a legend at the side."""
    quarter_labels = [Quarter.parse(q).label(lang) for q in plan["quarter"]]
    figure = go.Figure()
    many = institutions["label"].nunique() > MANY_LINES
    ends: list[LineEnd] = []
    for index, (label, rows) in enumerate(institutions.groupby("label", sort=True)):
        colour = palette.SERIES[index % len(palette.SERIES)]
        figure.add_scatter(x=[Quarter.parse(q).label(lang) for q in rows["quarter"]],
                           y=rows["progress"], mode="lines+markers", name=plain(label),
                           line={"width": 3, "color": colour},
                           marker={"size": 7, "color": colour}, showlegend=many,
                           visible="legendonly" if many else True,
                           hovertemplate="%{x} · %{y:.1f} %<extra>" + plain(label) + "</extra>")
        ends.append(LineEnd(plain(label), colour, _last(rows["progress"])))
    figure.add_scatter(x=quarter_labels, y=plan["expected"], mode="lines",
                       name=t("chart.series.expected", lang),
                       line={"color": EXPECTED_COLOUR, "width": 3, "dash": "dash"})
    figure.add_scatter(x=quarter_labels, y=plan["progress"], mode="lines+markers",
                       name=t("chart.series.plan", lang),
                       line={"color": PROGRESS_COLOUR, "width": 6}, marker={"size": 10})
    _layout(figure, title, TREND_HEIGHT)
    if many:  # a long legend goes to the side, where it scrolls, not over the title
        figure.update_layout(legend={"orientation": "v", "x": 1.02, "y": 1, "yanchor": "top"})
    else:
        _label_line_ends(figure, [
            *ends, LineEnd(t("chart.series.plan", lang), PROGRESS_COLOUR,
                           _last(plan["progress"])),
            LineEnd(t("chart.series.expected", lang), EXPECTED_COLOUR,
                    _last(plan["expected"]), "╍╍")], lang)
    figure.update_yaxes(title_text=t("chart.axis.progress", lang), range=[0, TREND_TOP],
                        gridcolor=GRID_COLOUR, ticksuffix=percent_suffix(lang),
                        automargin=True)  # its tick labels whole wherever it is drawn
    figure.update_xaxes(title_text=t("overview.quarter", lang), type="category",
                        categoryorder="array", categoryarray=quarter_labels)
    return figure


TREND_HEIGHT = 480
TREND_TOP = 105  # the y axis's top, in percent
END_LABEL_SIZE = 14  # px: the line-end labels' type
SAMPLE_WIDTH = 30  # px: a line's sample left of its name
END_LABEL_GAP = 20  # px between two line-end labels' baselines: a line of their type


@dataclass(frozen=True)
class LineEnd:
    """A trend line's label at its end: its name (escaped), colour and last value."""

    name: str
    colour: str
    value: float | None
    glyph: str = "━━"


def _last(values: pd.Series) -> float | None:
    known = values.dropna()
    return float(known.iloc[-1]) if len(known) else None


def spread(values: Sequence[float], gap: float, low: float, high: float) -> list[float]:
    """Heights for labels wanted at ``values``: each as near its value as it can be, at least
    ``gap`` from the next, within ``low``..``high`` while they fit (in the values' order)."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    placed: list[float] = []
    for i in order:  # upwards: each at its value or just above the one below
        placed.append(max(values[i], low, placed[-1] + gap if placed else low))
    ceiling = high
    for k in reversed(range(len(placed))):  # then down from the top, if pushed past it
        placed[k] = min(placed[k], ceiling)
        ceiling = placed[k] - gap
    heights = [0.0] * len(values)
    for k, i in enumerate(order):
        heights[i] = placed[k]
    return heights


def _label_line_ends(figure: go.Figure, ends: list[LineEnd], lang: str) -> None:
    """Each line's name and last value right of the plot, at its height, the labels apart."""
    shown = [end for end in ends if end.value is not None]
    plot = TREND_HEIGHT - 130  # the plot's height in px (``_layout``)
    gap = END_LABEL_GAP * TREND_TOP / plot
    heights = spread([float(end.value or 0) for end in shown], gap, 0, TREND_TOP)
    for end, height in zip(shown, heights, strict=True):
        # the line's sample in its colour, then its name and value in the text's colour (no
        # markup in a figure's text: ``plain``)
        place = {"xref": "paper", "x": 1, "xanchor": "left", "yref": "y", "y": height,
                 "yanchor": "middle", "showarrow": False}
        figure.add_annotation(**place, xshift=8, text=end.glyph, name="line-sample",
                              font={"size": END_LABEL_SIZE, "color": end.colour})
        figure.add_annotation(**place, xshift=8 + SAMPLE_WIDTH, text=f"{end.name} "
                              f"{percent(end.value, lang)}", name="line-end",
                              font={"size": END_LABEL_SIZE, "color": TEXT_COLOUR})
    widest = max((len(end.name) + 8 for end in shown), default=0)
    figure.update_layout(margin={"r": max(40, 20 + SAMPLE_WIDTH + widest * 9)})


def heatmap(frame: pd.DataFrame, column: str, lang: str, title: str) -> go.Figure:
    """Institution x quarter, coloured by ``column`` (0-100); empty cells stay blank."""
    table = frame.pivot_table(index="label", columns="quarter", values=column, aggfunc="first",
                              dropna=False)
    table = table.reindex(sorted(table.index), axis=0)
    quarters = [Quarter.parse(q).label(lang) for q in table.columns]
    values = table.to_numpy(dtype=float)
    text = [[percent(v, lang) if v == v else "—" for v in row] for row in values]
    figure = go.Figure(go.Heatmap(
        z=values, x=quarters, y=[plain(label) for label in table.index], zmin=0, zmax=100,
        colorscale=SEQUENTIAL,
        text=text, texttemplate="%{text}", textfont={"color": TEXT_COLOUR},
        hovertemplate="%{y} · %{x}: %{text}<extra></extra>",
        colorbar={"ticksuffix": percent_suffix(lang)}, xgap=2, ygap=2))
    _layout(figure, title, max(320, 130 + 38 * len(table.index)))
    figure.update_yaxes(autorange="reversed", title_text=t("chart.axis.institution", lang))
    figure.update_xaxes(type="category", side="top", title_text=t("overview.quarter", lang))
    return figure


GANTT_LABEL_WIDTH = 46  # characters per line of an item's label, left of its bar
GANTT_LABEL_LINES = 3  # a longer title ends in "…" on its third line (the hover has it all)
GANTT_TICK_SIZE = 14


def item_label(code: str, title: str) -> str:
    """An item's row label: its code and whole title, wrapped into lines of
    ``GANTT_LABEL_WIDTH`` characters (never cut in one line of a fixed width)."""
    lines = textwrap.wrap(f"{code} · {title}", GANTT_LABEL_WIDTH) or [str(code)]
    if len(lines) > GANTT_LABEL_LINES:
        rest = " ".join(lines[GANTT_LABEL_LINES - 1:])
        lines = [*lines[:GANTT_LABEL_LINES - 1],
                 textwrap.shorten(rest, GANTT_LABEL_WIDTH, placeholder="…")]
    return "<br>".join(plain(line) for line in lines)


def gantt(items: pd.DataFrame, fiscal_start_month: int, lang: str, title: str,
          limit: int = MAX_ROWS, quarter: Quarter | None = None) -> go.Figure:
    """Each item from its start to its due quarter, coloured by its schedule bucket; with
    ``quarter`` (the quarter whose status the bars show), a labelled line at its end."""
    shown = items[items["in_scope"] | items["bucket"].isna()].head(limit)
    labels = {code: item_label(code, ti) for code, ti in zip(shown["code"], shown["title"],
                                                             strict=True)}
    figure = go.Figure()
    for bucket in [*BUCKET_ORDER, None]:
        rows = shown[shown["bucket"].isna()] if bucket is None else shown[
            shown["bucket"] == bucket.value]
        if rows.empty:
            continue
        starts = [Quarter.parse(q).first_day(fiscal_start_month) for q in rows["start_quarter"]]
        ends = [Quarter.parse(q).last_day(fiscal_start_month) + timedelta(days=1)
                for q in rows["due_quarter"]]
        durations = [(end - start).total_seconds() * 1000 for start, end in
                     zip(starts, ends, strict=True)]
        name = t(f"bucket.{bucket.value}", lang) if bucket else t("chart.not_in_scope", lang)
        figure.add_bar(y=[labels[c] for c in rows["code"]],
                       x=durations, base=[s.isoformat() for s in starts], orientation="h",
                       name=name,
                       marker=_status_marker(bucket.value if bucket else "not_in_scope"),
                       hovertemplate="%{y}<extra>" + name + "</extra>")
    lines = max((label.count("<br>") + 1 for label in labels.values()), default=1)
    row = 12 + 17 * lines  # px: room for a label's lines in the tick type
    _layout(figure, title, max(360, 110 + row * len(shown)))
    figure.update_layout(barmode="overlay")
    ticks = _quarter_ticks(shown, fiscal_start_month)
    figure.update_xaxes(type="date", gridcolor=GRID_COLOUR, title_text=t("chart.axis.time", lang),
                        tickvals=[q.first_day(fiscal_start_month).isoformat() for q in ticks],
                        ticktext=[q.label(lang) for q in ticks])
    figure.update_yaxes(categoryorder="array", categoryarray=list(labels.values()),
                        autorange="reversed", automargin=True,
                        tickfont={"size": GANTT_TICK_SIZE}, title_text=t("item.choose", lang))
    if quarter is not None and not shown.empty:
        _quarter_marker(figure, quarter, fiscal_start_month, lang)
    _more(figure, len(items[items["in_scope"] | items["bucket"].isna()]) - len(shown), lang)
    return figure


MARKER_ROOM = 28  # px over the plot for the quarter marker's label, under the legend


def _quarter_marker(figure: go.Figure, quarter: Quarter, fiscal_start_month: int,
                    lang: str) -> None:
    """A vertical line where ``quarter`` ends (the bars' status is as of then), labelled
    over the plot, with the legend moved up to make room for the label."""
    end = (quarter.last_day(fiscal_start_month) + timedelta(days=1)).isoformat()
    figure.add_shape(type="line", xref="x", x0=end, x1=end, yref="paper", y0=0, y1=1,
                     line={"color": EXPECTED_COLOUR, "width": 2, "dash": "dot"},
                     layer="above", name="quarter")
    figure.add_annotation(xref="x", x=end, yref="paper", y=1, yanchor="bottom",
                          showarrow=False, font={"size": 14, "color": TEXT_COLOUR},
                          text=t("chart.gantt.quarter_end", lang, quarter=quarter.label(lang)),
                          bgcolor=palette.BACKGROUND)
    total = figure.layout.height + MARKER_ROOM  # the plot keeps its height (``_layout``)
    plot = total - MARKER_ROOM - 170
    figure.update_layout(height=total, margin={"t": 110 + MARKER_ROOM},
                         title={"y": 1 - 12 / total},
                         legend={"y": 1 + (8 + MARKER_ROOM) / plot})


def _quarter_ticks(items: pd.DataFrame, fiscal_start_month: int) -> list[Quarter]:
    """The quarters the timeline spans (every other one on long plans)."""
    if items.empty:
        return []
    first = min(Quarter.parse(q) for q in items["start_quarter"])
    last = max(Quarter.parse(q) for q in items["due_quarter"]) + 1
    quarters = list(quarter_range(first, last))
    return quarters[::2] if len(quarters) > 12 else quarters


def indicator_bullets(items: pd.DataFrame, lang: str, title: str,
                      limit: int = MAX_ROWS) -> go.Figure:
    """Each indicator's way from baseline to target (100 = target reached), by bucket colour."""
    rows = items[items["in_scope"] & items["target"].notna()].copy()
    rows["achieved"] = [mc.achieved(v, b, tg) for v, b, tg in zip(
        rows["indicator_value"], rows["baseline"], rows["target"], strict=True)]
    rows = rows[rows["achieved"].notna()]
    shown = rows.head(limit)
    names = [_short(f"{c} · {i}") for c, i in zip(shown["code"], shown["indicator"],
                                                  strict=True)]
    buckets = [b if isinstance(b, str) else "not_in_scope" for b in shown["bucket"]]
    figure = go.Figure(go.Bar(
        y=names, x=shown["achieved"].astype(float).clip(0, 150), orientation="h",
        marker=_status_marker(buckets),
        showlegend=False, hovertemplate="%{y}: %{x:.0f} %<extra></extra>"))
    # value / target, unit and the status in words, in a column of their own
    figure.add_scatter(
        y=names, x=[152] * len(shown), mode="text", showlegend=False, hoverinfo="skip",
        text=[plain(f"{number(v, lang, 0)} / {number(tg, lang, 0)} {u or ''}".strip())
              + (f" · {t(f'schedule.{b}', lang)}" if b != "not_in_scope" else "")
              for v, tg, u, b in zip(shown["indicator_value"], shown["target"], shown["unit"],
                                     buckets, strict=True)],
        textposition="middle right", cliponaxis=False, textfont={"color": TEXT_COLOUR})
    figure.add_vline(x=100, line_width=3, line_color=EXPECTED_COLOUR)
    _layout(figure, title, max(320, 110 + 40 * len(shown)))
    figure.update_layout(margin={"r": 300})
    figure.update_xaxes(title_text=t("chart.axis.of_target", lang), range=[0, 152],
                        gridcolor=GRID_COLOUR,
                        **_percent_ticks([0, 25, 50, 75, 100, 125, 150], lang))
    figure.update_yaxes(autorange="reversed", tickfont={"size": 13},
                        title_text=t("plan.indicator", lang))
    _more(figure, len(rows) - len(shown), lang, beside=True)
    return figure


def overview_charts(view: Overview, quarter: Quarter, lang: str
                    ) -> dict[str, tuple[go.Figure, pd.DataFrame]]:
    """Every chart of the overview, by key, each with the data behind it (offered as CSV)."""
    label = quarter.label(lang)
    found = {
        "by_institution": (progress_against_expected(
            view.by_institution, lang, t("chart.by_institution.title", lang, quarter=label),
            axis="chart.axis.institution"), view.by_institution),
        "status_mix": (status_mix(view.buckets, lang, t("chart.status_mix.title", lang,
                                                        quarter=label)), view.buckets),
        "by_line": (progress_against_expected(
            view.by_line, lang, t("chart.by_line.title", lang, quarter=label)), view.by_line),
        "trend": (trend(view.trend_plan, view.trend_institutions, lang,
                        t("chart.trend.title", lang)), view.trend_plan),
        "heat_progress": (heatmap(view.trend_institutions, "progress", lang,
                                  t("chart.heat_progress.title", lang)),
                          view.trend_institutions),
        "heat_completeness": (heatmap(view.completeness_institutions, "share", lang,
                                      t("chart.heat_completeness.title", lang)),
                              view.completeness_institutions),
        "timeline": (gantt(view.items, view.fiscal_start_month, lang,
                           t("chart.gantt.title", lang, quarter=label), quarter=quarter),
                     view.items),
        "indicators": (indicator_bullets(view.items, lang, t("chart.indicators.title", lang,
                                                                quarter=label)), view.items),
    }
    if len(view.by_country) > 1:
        found["by_country"] = (progress_against_expected(
            view.by_country, lang, t("chart.by_country.title", lang, quarter=label),
            axis="chart.axis.country"), view.by_country)
    return found


def _groups_of(frame: pd.DataFrame) -> list[mc.Group]:
    return [mc.Group(str(r.label), str(r.name), None if r.progress != r.progress else
                     float(r.progress), None if r.expected != r.expected else
                     float(r.expected), int(r.items)) for r in frame.itertuples()]


def _heat_summary(frame: pd.DataFrame, column: str, title: str, lang: str) -> str:
    if frame.empty:
        return f"{title}. {t('chart.no_items', lang)}."
    last = max(frame["quarter"], key=lambda q: Quarter.parse(q).ordinal)
    values = frame.loc[frame["quarter"] == last, column].dropna()
    return t("summary.heatmap", lang, title=title,
             institutions=number(frame["label"].nunique(), lang, 0),
             quarters=number(frame["quarter"].nunique(), lang, 0),
             last=Quarter.parse(last).label(lang),
             low=percent(values.min() if len(values) else None, lang),
             high=percent(values.max() if len(values) else None, lang))


def overview_summaries(view: Overview, drawn: dict[str, tuple[go.Figure, pd.DataFrame]],
                       lang: str) -> dict[str, str]:
    """A short text summary of each overview chart, generated from its figures (the chart's
    description for everyone who does not see it)."""
    def title(key: str) -> str:
        return drawn[key][0].layout.title.text or ""

    found = {key: mc.groups_summary(_groups_of(frame), title(key), lang)
             for key, frame in (("by_institution", view.by_institution),
                                ("by_line", view.by_line), ("by_country", view.by_country))
             if key in drawn}
    found["trend"] = mc.points_summary(
        [mc.TrendPoint(Quarter.parse(r.quarter), None if r.progress != r.progress else
                       float(r.progress), None if r.expected != r.expected else
                       float(r.expected)) for r in view.trend_plan.itertuples()],
        title("trend"), lang)
    counts = view.buckets.groupby("bucket")["items"].sum().to_dict() if len(view.buckets) \
        else {}
    found["status_mix"] = mc.bucket_summary(counts, title("status_mix"), lang)
    scope = view.items[view.items["in_scope"]]
    found["timeline"] = mc.bucket_summary(scope["bucket"].value_counts().to_dict(),
                                          title("timeline"), lang)
    found["heat_progress"] = _heat_summary(view.trend_institutions, "progress",
                                           title("heat_progress"), lang)
    found["heat_completeness"] = _heat_summary(view.completeness_institutions, "share",
                                               title("heat_completeness"), lang)
    rows = scope[scope["target"].notna() & scope["indicator_value"].notna()]
    found["indicators"] = mc.indicator_rows_summary(
        [mc.Indicator(str(r.code), str(r.title), str(r.indicator or ""), str(r.unit or ""),
                      None if r.baseline != r.baseline else r.baseline, float(r.target),
                      float(r.indicator_value), str(r.bucket)) for r in rows.itertuples()],
        title("indicators"), lang)
    return found


def _heat_table(frame: pd.DataFrame, column: str, lang: str) -> pd.DataFrame:
    table = frame.pivot_table(index="label", columns="quarter", values=column,
                              aggfunc="first", dropna=False)
    table = table[sorted(table.columns, key=lambda q: Quarter.parse(q).ordinal)]
    shown = table.apply(lambda col: [percent(v, lang) for v in col])
    shown.columns = [Quarter.parse(q).label(lang) for q in table.columns]
    return shown.rename_axis(t("chart.axis.institution", lang)).reset_index()


# a chart's data for download: the column names of the figures' frames, in the catalog as
# "csv.<column>"; internal ids are left out
CSV_HIDDEN = ("key", "item_id")


def csv_table(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """A chart's data as the CSV download writes it: headers in the language, numbers rounded
    to one decimal as the charts show them, statuses and buckets in words, yes/no for flags
    (quarters stay canonical, ``2026-Q3``, as in every file)."""
    table = frame.drop(columns=[c for c in CSV_HIDDEN if c in frame.columns])
    words = {"bucket": "bucket", "status": "status"}
    for column in table.columns:
        values = table[column]
        if column in words:
            table[column] = [t(f"{words[column]}.{v}", lang) if isinstance(v, str) and v
                             else v for v in values]
        elif pd.api.types.is_bool_dtype(values):
            table[column] = [t("csv.yes" if v else "csv.no", lang) for v in values]
        elif pd.api.types.is_float_dtype(values):
            table[column] = values.round(1)
    return table.rename(columns={c: t(f"csv.{c}", lang) for c in table.columns})


def overview_table(key: str, view: Overview, lang: str) -> pd.DataFrame:
    """The data of overview chart ``key`` as a table for reading (headers in the language,
    numbers formatted like the chart's)."""
    if key in ("by_institution", "by_line", "by_country"):
        axis = {"by_institution": "chart.axis.institution", "by_line": "chart.axis.line",
                "by_country": "chart.axis.country"}[key]
        return _groups_table(_groups_of(getattr(view, key)), axis, lang)
    if key == "trend":
        plan = view.trend_plan
        return pd.DataFrame({
            t("overview.quarter", lang): [Quarter.parse(q).label(lang) for q in plan["quarter"]],
            t("chart.series.progress", lang): [percent(v, lang) for v in plan["progress"]],
            t("chart.series.expected", lang): [percent(v, lang) for v in plan["expected"]]})
    if key in ("heat_progress", "heat_completeness"):
        frame, column = ((view.trend_institutions, "progress") if key == "heat_progress"
                         else (view.completeness_institutions, "share"))
        return _heat_table(frame, column, lang)
    if key == "status_mix":
        counts = view.buckets.pivot_table(index="label", columns="bucket", values="items",
                                          aggfunc="sum", fill_value=0)
        return pd.DataFrame({t("chart.axis.institution", lang): list(counts.index), **{
            t(f"bucket.{b.value}", lang): [number(v, lang, 0) for v in counts[b.value]]
            if b.value in counts else ["0"] * len(counts) for b in BUCKET_ORDER}})
    scope = view.items[view.items["in_scope"]]
    if key == "indicators":
        rows = scope[scope["target"].notna() & scope["indicator_value"].notna()]
        return pd.DataFrame({
            t("plan.indicator", lang): [f"{c} · {i or ''}" for c, i in
                                        zip(rows["code"], rows["indicator"], strict=True)],
            t("deck.col.value", lang): [
                f"{number(v, lang, 0)} / {number(tg, lang, 0)} {u or ''}".strip()
                for v, tg, u in zip(rows["indicator_value"], rows["target"], rows["unit"],
                                    strict=True)],
            t("deck.col.achieved", lang): [percent(mc.achieved(v, b, tg), lang) for v, b, tg in
                                           zip(rows["indicator_value"], rows["baseline"],
                                               rows["target"], strict=True)],
            t("item.schedule", lang): [t(f"schedule.{b}", lang) for b in rows["bucket"]]})
    return pd.DataFrame({  # the timeline
        t("item.choose", lang): [f"{c} · {ti}" for c, ti in
                                 zip(scope["code"], scope["title"], strict=True)],
        t("chart.axis.institution", lang): list(scope["lead"]),
        t("plan.start", lang): [Quarter.parse(q).label(lang) for q in scope["start_quarter"]],
        t("plan.due", lang): [Quarter.parse(q).label(lang) for q in scope["due_quarter"]],
        t("item.schedule", lang): [t(f"schedule.{b}", lang) for b in scope["bucket"]]})


def drill_down_table(items: pd.DataFrame, lead: str, lang: str, links: int = 12
                     ) -> tuple[pd.DataFrame, list[tuple[int, str]]]:
    """The in-scope items of one lead institution as a table, and the first ``links`` as
    (item id, label) for links to their pages."""
    rows = items[(items["lead"] == lead) & items["in_scope"]]
    labels = rows["code"] + " · " + rows["title"]
    table = pd.DataFrame({
        t("item.choose", lang): labels,
        t("chart.series.progress", lang): [percent(v, lang) for v in rows["progress"]],
        t("chart.series.expected", lang): [percent(v, lang) for v in rows["expected"]],
        t("item.schedule", lang): [t(f"schedule.{b}", lang) for b in rows["bucket"]],
    })
    return table, list(zip(rows["item_id"].head(links), labels.head(links), strict=True))


# ---- the review meeting's charts, from its content ------------------------------------------


@dataclass(frozen=True)
class MeetingChart:
    """One chart of the meeting with its generated summary and its data as a table."""

    title: str
    figure: go.Figure
    summary: str
    table: pd.DataFrame


def _groups_frame(groups: Sequence[mc.Group]) -> pd.DataFrame:
    return pd.DataFrame([(g.label, g.name, g.progress, g.expected, g.items) for g in groups],
                        columns=["label", "name", "progress", "expected", "items"])


def _groups_table(groups: Sequence[mc.Group], axis: str, lang: str) -> pd.DataFrame:
    return pd.DataFrame({
        t(axis, lang): [g.display for g in groups],
        t("chart.series.progress", lang): [percent(g.progress, lang) for g in groups],
        t("chart.series.expected", lang): [percent(g.expected, lang) for g in groups],
        t("chart.axis.items", lang): [number(g.items, lang, 0) for g in groups],
    })


def meeting_chart(content: mc.MeetingContent, lang: str, name: str,
                  slide: mc.Slide | None = None) -> MeetingChart:
    """One of the meeting's charts by slide name (by_line, by_institution, trend,
    indicators): a slide draws only its own, and of a chart cut into several slides
    (``meeting_content.slides``) only its page's rows, under its numbered heading."""
    quarter = content.quarter.label(lang)
    page = slide or mc.Slide(name, rows=range(len(
        content.indicators if name == "indicators" else
        content.by_line if name == "by_line" else content.by_institution)))
    if name in ("by_line", "by_institution"):
        groups = mc.groups_of(content, page)
        axis = "chart.axis.line" if name == "by_line" else "chart.axis.institution"
        title = page.heading(t(f"deck.{name}", lang, quarter=quarter), lang)
        return MeetingChart(
            title, progress_against_expected(_groups_frame(groups), lang, title, axis=axis),
            mc.groups_summary(groups, title, lang), _groups_table(groups, axis, lang))
    if name == "trend":
        return _trend_chart(content, lang)
    if name == "indicators":
        return _indicators_chart(content, page, lang)
    raise ValueError(f"no meeting chart {name!r}")


def _trend_chart(content: mc.MeetingContent, lang: str) -> MeetingChart:
    title = t("chart.trend.title", lang)
    plan = pd.DataFrame([(str(p.quarter), p.progress, p.expected) for p in content.trend],
                        columns=["quarter", "progress", "expected"])
    return MeetingChart(
        title, trend(plan, pd.DataFrame(columns=["quarter", "label", "progress"]), lang, title),
        mc.trend_summary(content, title, lang), pd.DataFrame({
            t("overview.quarter", lang): [p.quarter.label(lang) for p in content.trend],
            t("chart.series.progress", lang): [percent(p.progress, lang) for p in content.trend],
            t("chart.series.expected", lang): [percent(p.expected, lang)
                                               for p in content.trend]}))


def _indicators_chart(content: mc.MeetingContent, page: mc.Slide, lang: str) -> MeetingChart:
    title = page.heading(t("chart.indicators.title", lang,
                           quarter=content.quarter.label(lang)), lang)
    rows = content.indicators[page.rows.start:page.rows.stop]
    items = pd.DataFrame([(r.code, r.title, r.indicator, r.unit, r.baseline, r.target, r.value,
                           r.bucket, True) for r in rows],
                         columns=["code", "title", "indicator", "unit", "baseline", "target",
                                  "indicator_value", "bucket", "in_scope"])
    return MeetingChart(
        title, indicator_bullets(items, lang, title, limit=len(rows)),
        mc.indicator_rows_summary(rows, title, lang),
        pd.DataFrame({
            t("plan.indicator", lang): [f"{r.code} · {r.indicator or r.title}" for r in rows],
            t("deck.col.value", lang): [mc.indicator_value(r, lang) for r in rows],
            t("deck.col.achieved", lang): [percent(r.achieved, lang) for r in rows],
            t("item.schedule", lang): [t(f"schedule.{r.bucket}", lang)
                                       if r.bucket != "not_in_scope" else "—" for r in rows]}))
