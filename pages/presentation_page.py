"""Presentation: the review meeting's slides, full screen, one at a time (PageDown/PageUp)."""

import pandas as pd
import streamlit as st

from tracker import charts
from tracker.deck import MAX_TABLE_ROWS, needing_attention
from tracker.i18n import percent, t
from tracker.quarters import Quarter
from tracker.services import decks
from ui import actions, data, state
from ui.widgets import plan_and_quarter, plans_for

SLIDES = ("title", "headline", "by_line", "by_institution", "trend", "attention", "decisions",
          "indicators")
BIG = "<div style='font-size:{size}rem;line-height:1.35'>{text}</div>"


def _big(text: str, size: float = 2.2) -> None:
    st.markdown(BIG.format(size=size, text=text), unsafe_allow_html=True)


def _frame(records: list[dict]) -> pd.DataFrame:
    return pd.DataFrame.from_records(records)


def _slide(name: str, figures: dict, decisions: list[dict], plan: str, lang: str,
           locked: bool) -> None:
    quarter = Quarter.parse(figures["quarter"]).label(lang)
    head = figures["headline"]
    if name == "title":
        st.title(plan)  # user-written text is shown as text, never as markup
        _big(t("deck.subtitle", lang, quarter=quarter), 2.6)
        if locked:
            st.caption(t("present.as_presented", lang))
    elif name == "headline":
        st.header(t("deck.headline", lang, quarter=quarter))
        buckets = head["buckets"]
        _big(t("deck.progress_line", lang, progress=percent(head["progress"], lang),
               expected=percent(head["expected"], lang)), 2.6)
        _big(t("deck.buckets_line", lang, completed=buckets["completed"],
               on_track=buckets["on_track"], behind=buckets["behind"],
               overdue=buckets["overdue"], blocked=head["blocked"]))
        _big(t("deck.completeness_line", lang, share=percent(head["completeness"], lang),
               received=head["received_reports"], expected=head["expected_reports"]))
    elif name in ("by_line", "by_institution"):
        axis = "chart.axis.line" if name == "by_line" else "chart.axis.institution"
        st.plotly_chart(charts.progress_against_expected(
            _frame(figures[name]), lang, t(f"deck.{name}", lang, quarter=quarter), axis=axis),
            key=f"slide:{name}")
    elif name == "trend":
        trend = _frame(figures["trend"])
        st.plotly_chart(charts.trend(trend, trend.iloc[0:0], lang, t("chart.trend.title", lang)),
                        key="slide:trend")
    elif name == "attention":
        _attention(figures, quarter, lang)
    elif name == "decisions":
        st.header(t("deck.decisions", lang))
        if not decisions:
            _big(t("deck.no_decisions", lang))
        for decision in decisions[:MAX_TABLE_ROWS]:
            st.text(f"• {decision['text']} — {decision.get('owner') or '—'} · "
                    f"{decision.get('follow_up') or '—'}")
    else:
        st.plotly_chart(charts.indicator_bullets(
            _frame(figures["items"]).assign(in_scope=True), lang,
            t("chart.indicators.title", lang, quarter=quarter)), key="slide:indicators")


def _attention(figures: dict, quarter: str, lang: str) -> None:
    st.header(t("deck.attention", lang, quarter=quarter))
    rows = needing_attention(figures)
    obstacles = figures.get("obstacles", {})
    st.table(pd.DataFrame(  # a static table wraps long obstacles instead of cutting them
        [(f"{r['code']} · {r['title']}", r["lead"],
          f"{percent(r['progress'], lang)} / {percent(r['expected'], lang)}",
          t(f"schedule.{r['bucket']}", lang), obstacles.get(r["code"], ""))
         for r in rows[:MAX_TABLE_ROWS]],
        columns=[t("item.choose", lang), t("chart.axis.institution", lang),
                 t("present.progress_expected", lang), t("item.schedule", lang),
                 t("form.obstacles", lang)]).set_index(t("item.choose", lang)))
    if len(rows) > MAX_TABLE_ROWS:
        st.caption(t("chart.and_more", lang, count=len(rows) - MAX_TABLE_ROWS))


def _handout(user: state.SignedIn, plan: object, quarter: str, lang: str) -> None:
    """The PDF takes a few seconds (its charts are drawn by Chromium): made on request."""
    key = f"handout:{plan.id}:{quarter}:{lang}"
    if st.button(t("present.make_pdf", lang), key="deck:make_pdf"):
        with st.spinner(t("present.making_pdf", lang)):
            outcome = actions.read(lambda db: decks.pdf(db, user.actor, plan.id,
                                                        Quarter.parse(quarter), lang))
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
    with st.expander(t("present.setup", lang), expanded=False):
        plan, quarter = plan_and_quarter(choices, lang, under_evaluation=True)
        st.download_button(t("present.pptx", lang), data.deck(user.id, plan.id, quarter, lang),
                           file_name=f"{plan.name} {quarter} {lang}.pptx", key="deck:pptx",
                           icon=":material/slideshow:", on_click="ignore")
        _handout(user, plan, quarter, lang)
    figures, decisions, locked = data.presentation(user.id, plan.id, quarter)
    index = st.session_state.setdefault("slide", 0)
    _slide(SLIDES[index], figures, decisions, plan.name, lang, locked)
    back, where, forward = st.columns([1, 2, 1])
    back.button(t("present.previous", lang), key="slide:previous", on_click=_move, args=(-1,),
                shortcut="PageUp", disabled=index == 0, width="stretch")
    where.caption(t("present.position", lang, number=index + 1, total=len(SLIDES)))
    forward.button(t("present.next", lang), key="slide:next", on_click=_move, args=(1,),
                   shortcut="PageDown", disabled=index == len(SLIDES) - 1, width="stretch",
                   type="primary")
