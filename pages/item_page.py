"""An item: its figures quarter by quarter, and every version of every institution's report."""

import pandas as pd
import streamlit as st

from tracker.i18n import day, number, percent, t
from tracker.quarters import Quarter
from tracker.services.figures import PlanChoice
from tracker.services.items import ItemDetail
from tracker.services.permissions import PageName, Permission
from ui import data, navigation, state
from ui.history import table as activity_table
from ui.report_form import FormContext, report_form
from ui.text import md, md_t
from ui.widgets import plan_picker, plans_for, url_select


def _facts(detail: ItemDetail, lang: str) -> None:
    span = " – ".join(q.label(lang) for q in (detail.start_quarter, detail.due_quarter))
    st.markdown(md_t("item.facts", lang, line=detail.line, lead=detail.lead,
                  supporters=", ".join(detail.supporters) or "—", span=span,
                  weight=number(detail.weight, lang)))
    if detail.indicator:
        st.markdown(md_t("item.indicator", lang, indicator=detail.indicator,
                      unit=detail.unit or "", baseline=number(detail.baseline, lang, 0),
                      target=number(detail.target, lang, 0)))
    if detail.description:
        st.text(detail.description)


def _figures(detail: ItemDetail, lang: str) -> pd.DataFrame:
    return pd.DataFrame({
        t("overview.quarter", lang): [Quarter.parse(q).label(lang)
                                      for q in detail.figures["quarter"]],
        t("form.col.status", lang): [t(f"status.{s}", lang) if isinstance(s, str) else "—"
                                     for s in detail.figures["status"]],
        t("chart.series.progress", lang): [percent(v, lang) for v in detail.figures["progress"]],
        t("chart.series.expected", lang): [percent(v, lang) for v in detail.figures["expected"]],
        t("item.schedule", lang): [t(f"schedule.{b}", lang) if isinstance(b, str) else "—"
                                   for b in detail.figures["bucket"]],
    })


def _history(detail: ItemDetail, lang: str) -> pd.DataFrame:
    return pd.DataFrame(
        [(e.quarter.label(lang), detail.institutions[e.institution_id],
          e.number, t(f"state.{e.state}", lang),
          t("form.nothing_short", lang) if e.nothing_to_report else (
              t(f"status.{e.status}", lang) if e.status else "—"),
          percent(e.percent_complete, lang), e.narrative, e.review_comment or "",
          e.author or t("item.imported", lang), e.at.strftime("%Y-%m-%d %H:%M"))
         for e in detail.history],
        columns=[t("overview.quarter", lang), t("form.col.institution", lang),
                 t("item.version", lang), t("form.col.state", lang),
                 t("form.col.status", lang), t("form.col.percent", lang),
                 t("form.col.narrative", lang), t("item.comment", lang),
                 t("item.author", lang), t("item.when", lang)])


def _correct(user: state.SignedIn, plan: PlanChoice, detail: ItemDetail, lang: str) -> None:
    """A coordinator corrects an institution's report of a closed (or reopened) quarter,
    saying why."""
    quarters = [q for q in plan.quarters if q != plan.open_quarter
                and q not in plan.locked_quarters and q >= detail.start_quarter
                and q <= plan.default_quarter] + [
        q for q in data.reopened_quarters(user.id, plan.id) if q >= detail.start_quarter]
    if not quarters:
        return
    with st.expander(t("item.correct", lang)):
        acronyms = {v: k for k, v in detail.institutions.items()}
        who = [detail.lead, *detail.supporters]
        left, right = st.columns(2)
        acronym = left.selectbox(t("form.col.institution", lang), who, key="correct:who")
        quarter = right.selectbox(t("overview.quarter", lang), sorted(set(quarters)),
                                  key="correct:quarter", index=len(set(quarters)) - 1,
                                  format_func=lambda q: q.label(lang))
        reason = st.text_input(t("item.correct_reason", lang), key="correct:reason")
        ctx = FormContext(user, plan.id, quarter, acronyms[acronym], lang, reason)
        found = [w for w in data.worklist_for(user.id, plan.id, quarter, acronyms[acronym])
                 if w.item_id == detail.id]
        if not found:
            st.info(t("item.correct_nothing", lang))
            return
        report_form(ctx, found[0])


def render() -> None:
    user = state.require_user()
    lang = state.language(user)
    st.title(t("item.title", lang))
    choices = plans_for(user, lang)
    if not choices:
        return
    plan = plan_picker(choices, lang)
    items = {choice.id: choice for choice in data.item_choices(user.id, plan.id)}
    if not items:
        st.info(t("item.none", lang))
        return
    item_id = url_select(t("item.choose", lang), list(items), key="item",
                         default=next(iter(items)),
                         format_func=lambda i: f"{items[i].code} · {items[i].title}")
    detail = data.item_detail(user.id, item_id)
    st.header(md(f"{detail.code} · {detail.title}"))
    if detail.origin:
        st.info(md_t("item.from_decision", lang, date=day(detail.origin.held_on, lang),
                     quarter=Quarter.parse(detail.origin.quarter).label(lang),
                     decision=detail.origin.decision))
        navigation.link(PageName.MEETINGS, t("item.to_meetings", lang))
    _facts(detail, lang)
    st.subheader(t("item.by_quarter", lang))
    st.dataframe(_figures(detail, lang), hide_index=True)
    st.subheader(t("item.history", lang))
    st.dataframe(_history(detail, lang), hide_index=True)
    if user.actor.can(Permission.CORRECT_REPORTS, plan.id):
        _correct(user, plan, detail, lang)
    st.subheader(t("item.changes", lang))
    st.dataframe(activity_table(data.item_activity(user.id, item_id, lang).events, lang),
                 hide_index=True)
