"""Presentation: the review meeting's slides, full screen, one at a time (PageDown/PageUp).

It renders the quarter's ``MeetingContent`` (the same as the deck and the handout): every slide
has a heading, fits 1280x720 with its navigation in view, and offers its data as a table one
click away.
"""

import pandas as pd
import streamlit as st

from tracker import meeting_content as mc
from tracker import palette
from tracker.charts import PLOTLY_CONFIG, MeetingChart, meeting_charts
from tracker.i18n import number, percent, plural, t
from tracker.quarters import Quarter
from tracker.services import decks
from tracker.services.permissions import PageName
from ui import accessibility, actions, data, navigation, state
from ui.text import md
from ui.widgets import plan_and_quarter, plans_for

SLIDES = ("title", "headline", "by_line", "by_institution", "trend", "attention", "decisions",
          "indicators")
CHART_HEIGHT = 440  # px: heading, chart, summary and navigation fit a 720 px high screen
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
    "</style>",
])


def _table(frame: pd.DataFrame) -> None:
    st.table(frame.set_index(frame.columns[0]))


def _chart(chart: MeetingChart, key: str) -> None:
    st.header(md(chart.title))
    figure = chart.figure
    figure.update_layout(title=None, height=CHART_HEIGHT, margin={"t": 40})
    st.plotly_chart(figure, key=key, config=PLOTLY_CONFIG)
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


def _attention_table(content: mc.MeetingContent, lang: str) -> pd.DataFrame:
    rows = content.attention[:mc.LIST_ROWS]
    return pd.DataFrame(  # a static table wraps long obstacles instead of cutting them
        [(f"{r.code} · {r.title}", r.lead, percent(r.progress, lang), percent(r.expected, lang),
          t(f"schedule.{r.bucket}", lang), r.obstacles or "—") for r in rows],
        columns=[t("item.choose", lang), t("chart.axis.institution", lang),
                 t("chart.series.progress", lang), t("chart.series.expected", lang),
                 t("item.schedule", lang), t("form.obstacles", lang)])


def _decisions_table(content: mc.MeetingContent, lang: str) -> pd.DataFrame:
    return pd.DataFrame(
        [(d.text, d.owner or "—", d.due.label(lang) if d.due else "—",
          mc.decision_follow_up(d, lang)) for d in content.decisions[:mc.LIST_ROWS]],
        columns=[t("deck.col.decision", lang), t("deck.col.owner", lang),
                 t("deck.col.due", lang), t("deck.col.follow_up", lang)])


def _slide(name: str, content: mc.MeetingContent, lang: str) -> pd.DataFrame | None:
    """Draw one slide; return its data as a table when it has one beyond what it shows."""
    quarter = content.quarter.label(lang)
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
        chart = meeting_charts(content, lang)[name]
        _chart(chart, f"slide:{name}")
        return chart.table
    if name == "attention":
        st.header(t("deck.attention", lang, quarter=quarter))
        if not content.attention:
            st.write(t("notes.none", lang))
            return None
        _table(_attention_table(content, lang))
        if len(content.attention) > mc.LIST_ROWS:
            st.caption(t("chart.and_more", lang, count=len(content.attention) - mc.LIST_ROWS))
        return None
    st.header(t("deck.decisions", lang))
    if not content.decisions:
        st.write(t("deck.no_decisions", lang))
    else:
        _table(_decisions_table(content, lang))
    return None


def _handout(user: state.SignedIn, plan: object, quarter: Quarter, lang: str) -> None:
    """The PDF takes a few seconds (Chromium prints it): made on request."""
    key = f"handout:{plan.id}:{quarter}:{lang}"
    if st.button(t("present.make_pdf", lang), key="deck:make_pdf"):
        with st.spinner(t("present.making_pdf", lang)):
            outcome = actions.read(lambda db: decks.pdf(db, user.actor, plan.id, quarter,
                                                        lang))
        if outcome.ok:
            st.session_state[key] = outcome.value
        else:
            st.error(state.message(outcome.error, lang))
    if key in st.session_state:
        st.download_button(t("present.pdf", lang), st.session_state[key],
                           file_name=f"{plan.name} {quarter} {lang}.pdf", key="deck:pdf",
                           icon=":material/picture_as_pdf:", on_click="ignore")


def _move(step: int) -> None:
    st.session_state["slide"] = max(0, min(len(SLIDES) - 1,
                                           st.session_state.get("slide", 0) + step))


def render() -> None:
    user = state.require_user()
    lang = state.language(user)
    choices = plans_for(user, lang)
    if not choices:
        return
    full = st.session_state.get("present:full", False)
    if full:  # presentation mode: no sidebar or page chrome; the same button leaves it
        st.markdown(FULL_SCREEN, unsafe_allow_html=True)  # a constant: no user text in it
    st.button(t("present.leave_full" if full else "present.full", lang), key="present:toggle",
              icon=":material/fullscreen_exit:" if full else ":material/fullscreen:",
              on_click=lambda: st.session_state.update({"present:full": not full}))
    plan_box = st.container()
    with st.expander(t("present.setup", lang), expanded=False):
        plan, quarter = plan_and_quarter(choices, lang, under_evaluation=True)
        st.download_button(t("present.pptx", lang), data.deck(user.id, plan.id, quarter, lang),
                           file_name=f"{plan.name} {quarter} {lang}.pptx", key="deck:pptx",
                           icon=":material/slideshow:", on_click="ignore")
        _handout(user, plan, quarter, lang)
        navigation.link(PageName.OVERVIEW, t("present.exit", lang))
    content = data.presentation(user.id, plan.id, quarter)
    index = st.session_state.setdefault("slide", 0)
    with plan_box:
        table = _slide(SLIDES[index], content, lang)
        back, where, shown, forward = st.columns([2, 3, 2, 2], vertical_alignment="center")
        back.button(t("present.previous", lang), key="slide:previous", on_click=_move,
                    args=(-1,), shortcut="PageUp", disabled=index == 0, width="stretch")
        where.caption(t("present.position", lang, number=index + 1, total=len(SLIDES)))
        if table is not None:
            with shown.popover(t("present.data_table", lang), width="stretch"):
                _table(table)
        forward.button(t("present.next", lang), key="slide:next", on_click=_move, args=(1,),
                       shortcut="PageDown", disabled=index == len(SLIDES) - 1,
                       width="stretch", type="primary")
