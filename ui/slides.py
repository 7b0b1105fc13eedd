"""The presentation's slides: each one drawn from the quarter's ``MeetingContent`` (the same as
the deck and the handout), with a heading, sized to fit 1280x720 with the navigation in view,
and its data as a table when it has one."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from tracker import meeting_content as mc
from tracker import palette
from tracker.charts import PLOTLY_CONFIG, MeetingChart
from tracker.i18n import number, percent, plural, t
from ui import accessibility
from ui.text import md

SLIDES = mc.SLIDE_KINDS  # in this order; a list or chart too long for one slide takes several
CHART_HEIGHT = 380  # px: heading, chart, a summary of up to three lines and navigation fit 720 px
STATUSES = ("completed", "on_track", "behind", "overdue", "blocked")
# Full screen: no sidebar, header or toolbar; each figure card edged in its status colour.
FULL_SCREEN = "".join([
    "<style>",
    "[data-testid=stSidebar],[data-testid=stSidebarCollapsedControl],"
    "[data-testid=stHeader],[data-testid=stToolbar],[data-testid=stDecoration]"
    "{display:none!important}",
    "[data-testid=stMainBlockContainer]"
    "{padding:1rem 2.5rem 1rem!important;max-width:100%!important}",
    "[data-testid=stMetricValue]{font-size:2.6rem}",
    *(f".st-key-card-{status}{{border-left:.6rem solid {palette.STATUS_COLOURS[status]}}}"
      f".st-key-card-{status} [data-testid=stMetricValue]"
      f"{{color:{palette.STATUS_COLOURS[status]}}}" for status in STATUSES),
    # a page of a list: the deck's type and columns in proportion (14 pt on a 13.33 in wide
    # slide is 19 px on a 1280 px screen), so that the rows the page was cut to fill it
    *(f".st-key-slide-table-{kind} table{{table-layout:fixed;width:100%}}"
      f".st-key-slide-table-{kind} th,.st-key-slide-table-{kind} td"
      f"{{font-size:18px;line-height:1.3;padding:.3rem .5rem}}"
      + "".join(f".st-key-slide-table-{kind} thead th:nth-child({column})"
                f"{{width:{share * 100:.1f}%}}" for column, share in enumerate(shares, 1))
      for kind, shares in (("attention", mc.ATTENTION_SHARES),
                           ("decisions", mc.DECISION_SHARES))),
    "</style>",
])


def table(frame: pd.DataFrame) -> None:
    """``frame`` as a static table, its first column as the rows' names. ``st.table`` renders
    every cell, header and index as Markdown: each goes through ``md`` (names, titles,
    obstacles and decisions are user text; numbers stay numbers, formatted by the table)."""
    shown = frame.map(lambda cell: md(cell) if isinstance(cell, str) else cell).rename(
        columns=md)
    st.table(shown.set_index(shown.columns[0]))


def for_slide(chart: MeetingChart) -> MeetingChart:
    """The chart as a slide draws it: ``CHART_HEIGHT`` high, with no title of its own (the
    slide's heading is its title). ``ui.data`` keeps it so, shared by every presenter."""
    chart.figure.update_layout(title=None, height=CHART_HEIGHT, margin={"t": 40})
    return chart


def _chart(chart: MeetingChart, key: str) -> None:
    st.header(md(chart.title))
    st.plotly_chart(chart.figure, key=key, config=PLOTLY_CONFIG)
    st.text(chart.summary)  # names in it are user text: plain text, never Markdown
    accessibility.name_charts({key: chart.summary})  # the chart's accessible name


def _cards(content: mc.MeetingContent, lang: str) -> None:
    head = content.headline
    left, right = st.columns(2)
    with left.container(border=True, key="card-progress"):
        st.metric(t("deck.card.progress", lang), percent(head.progress, lang),
                  t("deck.card.expected", lang, value=percent(head.expected, lang)),
                  delta_color="off", delta_arrow="off")
    with right.container(border=True, key="card-reports"):
        st.metric(t("deck.card.reports", lang), percent(head.completeness, lang),
                  t("deck.card.reports_of", lang,
                    received=number(head.received_reports, lang, 0),
                    expected=number(head.expected_reports, lang, 0)), delta_color="off",
                  delta_arrow="off")
    for column, status in zip(st.columns(len(STATUSES)), STATUSES, strict=True):
        with column.container(border=True, key=f"card-{status}"):
            st.metric(plural(f"deck.card.{status}", lang, head.count(status)),
                      number(head.count(status), lang, 0))


def _headline_table(content: mc.MeetingContent, lang: str) -> pd.DataFrame:
    head = content.headline
    return pd.DataFrame({
        t("deck.col.figure", lang): [t("deck.card.progress", lang),
                                     t("chart.series.expected", lang),
                                     *(t(f"bucket.{s}", lang) for s in STATUSES),
                                     t("deck.card.reports", lang)],
        t("deck.col.value", lang): [percent(head.progress, lang), percent(head.expected, lang),
                                    *(number(head.count(s), lang, 0) for s in STATUSES),
                                    f"{number(head.received_reports, lang, 0)} / "
                                    f"{number(head.expected_reports, lang, 0)}"]})


def _page_table(table: mc.Table, rows: range) -> pd.DataFrame:
    """A page of a list as the deck shows it: the same cells (a long text wraps; past a
    slide cell's lines it ends in "…", in full in the handout)."""
    return pd.DataFrame([table.rows[i] for i in rows], columns=list(table.header))


def _list(shown: mc.Slide, title: str, cells: mc.Table, empty: str, lang: str) -> None:
    """A page of a list: its numbered heading and its rows (or what an empty list says)."""
    st.header(md(shown.heading(title, lang)))
    if not cells.rows:
        st.write(empty)
        return
    with st.container(key=f"slide-table-{shown.kind}"):
        table(_page_table(cells, shown.rows))


def slide(shown: mc.Slide, content: mc.MeetingContent, lang: str,
          chart_of: Callable[[mc.Slide], MeetingChart]) -> pd.DataFrame | None:
    """Draw one slide of ``meeting_content.slides``; return its data as a table when it has
    one beyond what it shows. ``chart_of(slide)`` gives a chart slide its chart (its page's
    rows) as ``for_slide`` shapes it: the page passes a cached one."""
    quarter = content.quarter.label(lang)
    name = shown.kind
    if name == "title":
        st.title(md(content.plan))  # user-written text is shown as text, never as markup
        st.header(t("deck.subtitle", lang, quarter=quarter))
        for line in (content.commission, mc.meeting_line(content, lang)):
            if line:
                st.text(line)
        if content.locked:
            st.info(t("present.as_presented", lang))
        return None
    if name == "headline":
        st.header(t("deck.headline", lang, quarter=quarter))
        _cards(content, lang)
        return _headline_table(content, lang)
    if name in ("by_line", "by_institution", "trend", "indicators"):
        if name == "indicators" and not content.indicators:
            st.header(t("chart.indicators.title", lang, quarter=quarter))
            st.write(t("deck.no_indicators", lang))
            return None
        chart = chart_of(shown)
        _chart(chart, f"slide:{name}:{shown.page}")
        return chart.table
    if name == "attention":
        _list(shown, t("deck.attention", lang, quarter=quarter),
              mc.attention_table(content.attention, lang), t("notes.none", lang), lang)
        return None
    _list(shown, t("deck.decisions", lang), mc.decision_table(content.decisions, lang),
          t("deck.no_decisions", lang), lang)
    return None
