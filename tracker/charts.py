"""Plotly figure builders: a DataFrame in, a Figure out; no I/O, no Streamlit.

Colours are Okabe–Ito (safe for colour-blind viewers) and the same for a bucket everywhere.
Type is large enough to read on a projector.
"""

from __future__ import annotations

import textwrap

import pandas as pd
import plotly.graph_objects as go

from tracker.i18n import percent, percent_suffix, t

BUCKET_COLOURS = {
    "completed": "#009E73",
    "on_track": "#0072B2",
    "behind": "#E69F00",
    "overdue": "#D55E00",
    "blocked": "#CC79A7",
}
PROGRESS_COLOUR = "#0072B2"
EXPECTED_COLOUR = "#222222"
FONT = {"family": "Source Sans Pro, Arial, sans-serif", "size": 16}


def _wrap(text: str, width: int = 34) -> str:
    return "<br>".join(textwrap.wrap(text, width)) or text


def progress_against_expected(frame: pd.DataFrame, lang: str, title: str) -> go.Figure:
    """Horizontal bars of progress per group, with expected progress as a marker.

    ``frame`` has the columns of ``metrics.rollup`` (label, name, progress, expected, items).
    Groups with nothing in scope keep their row and say so instead of showing a bar.
    """
    names = [_wrap(f"{row.label} · {row.name}" if row.label != row.name else str(row.name))
             for row in frame.itertuples()]
    progress = frame["progress"].astype(float)
    empty = progress.isna()
    figure = go.Figure()
    figure.add_bar(
        y=names, x=progress.fillna(0), orientation="h", name=t("chart.series.progress", lang),
        marker_color=PROGRESS_COLOUR,
        text=[t("chart.no_items", lang) if e else percent(v, lang)
              for v, e in zip(progress, empty, strict=True)],
        textposition="outside", cliponaxis=False, textfont={"color": "#222222"},
        hovertemplate="%{y}<br>%{x:.1f} %<extra></extra>",
    )
    figure.add_scatter(
        y=names, x=frame["expected"].astype(float), mode="markers",
        name=t("chart.series.expected", lang),
        marker={"symbol": "line-ns", "size": 30, "line": {"width": 4, "color": EXPECTED_COLOUR}},
        hovertemplate="%{y}<br>" + t("chart.series.expected", lang) + ": %{x:.1f} %<extra></extra>",
    )
    figure.update_layout(
        title={"text": title, "font": {"size": 22}}, font=FONT, barmode="overlay",
        height=max(320, 90 + 70 * len(frame)), margin={"l": 10, "r": 60, "t": 70, "b": 60},
        legend={"orientation": "h", "y": -0.12, "x": 0}, plot_bgcolor="white",
    )
    figure.update_xaxes(title_text=t("chart.axis.progress", lang), range=[0, 105],
                        gridcolor="#DDDDDD", ticksuffix=percent_suffix(lang))
    figure.update_yaxes(title_text=t("chart.axis.line", lang), autorange="reversed",
                        tickfont={"color": "#222222"})
    return figure
