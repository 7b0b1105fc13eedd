"""My institution: this quarter's reports of the member's institution, item by item."""

from itertools import groupby

import streamlit as st

from tracker import palette
from tracker.i18n import t
from tracker.quarters import Quarter
from tracker.services import lifecycle
from tracker.services.figures import PlanChoice
from tracker.services.permissions import Permission
from ui import data, flash, state
from ui.member_reopening import ask_reopen, notices, reopening
from ui.member_reports import item_panel, starting_open, summary
from ui.report_form import PAGE as REPORT_PAGE
from ui.report_form import FormContext, kept_quarter
from ui.text import md
from ui.widgets import kept_choice, plan_picker


def _quarter(plan: PlanChoice, view: lifecycle.MemberView, lang: str) -> Quarter | None:
    """The open quarter, or one reopened for the institution (a choice when both); a quarter
    closed while its form held text stays on screen with that text and the reason."""
    kept = kept_quarter()
    quarters = lifecycle.member_quarters(plan.open_quarter, view.granted)
    if kept and kept not in quarters and kept in plan.quarters:
        quarters.append(kept)
    if len(quarters) <= 1:
        return quarters[0] if quarters else None
    return kept_choice(st.selectbox, t("overview.quarter", lang), quarters, key="mine:quarter",
                       lang=lang, index=quarters.index(kept) if kept in quarters else 0,
                       labels=lambda q, lang: q.label(lang) + (
                           f" · {t('mine.reopened', lang)}" if q in view.granted else ""))


def render() -> None:
    user = state.require_user()
    lang = state.language(user)
    st.title(t("mine.title", lang), anchor=False)
    choices = data.plans_where(user.id, user.actor, Permission.WRITE_OWN_REPORTS)
    if not choices or user.institution_id is None:
        st.info(t("mine.no_plan", lang))
        return
    plan = plan_picker(choices, lang)
    if plan is None:
        return
    view = data.member_view(user.id, plan.id, lang)
    top = st.container()
    with top:
        flash.show("my_institution", lang)
    _quarter_and_forms(user, user.institution_id, plan, view, lang)
    with top:  # a report's outcome whose form this run did not draw
        flash.leftovers(REPORT_PAGE, lang)


def _quarter_and_forms(user: state.SignedIn, institution_id: int, plan: PlanChoice,
                       view: lifecycle.MemberView, lang: str) -> None:
    notices(user, view, lang)
    quarter = _quarter(plan, view, lang)
    if quarter is None:
        st.info(t("mine.no_open_quarter", lang))
        ask_reopen(user, plan.id, view.closed, lang)
        return
    ctx = FormContext(user, plan.id, quarter, institution_id, lang)
    st.header(t("mine.quarter", lang, quarter=quarter.label(lang)), anchor=False)
    st.caption(t("mine.intro", lang))
    items = data.worklist_for(user.id, plan.id, quarter, institution_id)
    reopening(ctx, view, items)
    summary(ctx, items)
    ask_reopen(user, plan.id, view.closed, lang)
    opening = starting_open(items)
    for (code, name), group in groupby(items, key=lambda i: (i.line_code, i.line_name)):
        st.header(md(f"{code} · {name}"), divider=palette.DIVIDER, anchor=False)
        for item in group:
            item_panel(ctx, item, start_open=item.item_id in opening)
