"""Plan management's tabs of reporting periods (open, close, deadline) and of strategic lines
and institutions."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from tracker import rules
from tracker.i18n import day, t
from tracker.models import PeriodState
from tracker.quarters import Quarter
from tracker.services import lifecycle, plan_admin
from tracker.services.plan_admin import PlanCatalog
from ui import actions, flash, state
from ui.text import md
from ui.widgets import DATE_FORMATS, kept_choice

PAGE = "plan_admin"


def periods_tab(user: state.SignedIn, plan_id: int, catalog: PlanCatalog, lang: str) -> None:
    periods = {p.quarter: p for p in catalog.periods}
    st.dataframe(pd.DataFrame(
        [(q.label(lang), t(f"period.{p.state}", lang), day(p.deadline, lang))
         for q, p in periods.items()],
        columns=[t("overview.quarter", lang), t("form.col.state", lang),
                 t("plan.deadline", lang)]), hide_index=True)
    quarters = list(periods)
    opened = [q for q, p in periods.items() if p.state == "open"]
    quarter = kept_choice(st.selectbox, t("overview.quarter", lang), quarters,
                          key="period:quarter", lang=lang, labels=Quarter.label,
                          index=quarters.index(opened[0]) if opened else 0)
    current = periods[quarter]
    left, right = st.columns(2)
    closing = lifecycle.closed_by_opening(catalog.periods, quarter)
    if left.button(t("plan.open", lang), key="period:open",
                   disabled=not lifecycle.can_move(current.state, PeriodState.OPEN)):
        st.session_state["period:confirm"] = quarter if closing else None
        if not closing:
            flash.after_write(actions.write(lambda db: lifecycle.set_period_state(
                db, user.actor, plan_id, quarter, PeriodState.OPEN)), PAGE, lang, "plan.saved")
    if closing and st.session_state.get("period:confirm") == quarter:
        _confirm_open(user, plan_id, quarter, closing, lang)
    if right.button(t("plan.close", lang), key="period:close",
                    disabled=not lifecycle.can_move(current.state, PeriodState.CLOSED)):
        flash.after_write(actions.write(lambda db: lifecycle.set_period_state(
            db, user.actor, plan_id, quarter, PeriodState.CLOSED)), PAGE, lang, "plan.saved")
    with st.form("deadline"):
        deadline = st.date_input(t("plan.deadline", lang), value=current.deadline,
                                 key=f"deadline:{quarter}", format=DATE_FORMATS[lang])
        if st.form_submit_button(t("plan.save_deadline", lang)):
            flash.after_write(actions.write(lambda db: plan_admin.set_deadline(
                db, user.actor, plan_id, quarter, deadline)), PAGE, lang, "plan.saved")


def _confirm_open(user: state.SignedIn, plan_id: int, quarter: Quarter, closing: Quarter,
                  lang: str) -> None:
    """Opening a quarter closes the open one: say which, and open only on a second click."""
    labels = {"opening": quarter.label(lang), "closing": closing.label(lang)}
    st.warning(t("plan.confirm_close_other", lang, **labels))
    if st.button(t("plan.open_and_close", lang, **labels), key="period:confirm_open",
                 type="primary"):
        st.session_state["period:confirm"] = None
        flash.after_write(actions.write(lambda db: lifecycle.set_period_state(
            db, user.actor, plan_id, quarter, PeriodState.OPEN, confirm_closing=closing)),
            PAGE, lang, "plan.saved")


def lines_and_institutions_tab(user: state.SignedIn, plan_id: int, catalog: PlanCatalog,
                               lang: str) -> None:
    left, right = st.columns(2)
    with left.form("line"):
        st.header(t("plan.line_form", lang))
        st.caption(md(", ".join(f"{code} · {name}" for code, name in catalog.lines)))
        code = st.text_input(t("plan.code", lang), key="line:code")
        name = st.text_input(t("accounts.name", lang), key="line:name")
        if st.form_submit_button(t("plan.save_line", lang)):
            flash.after_write(actions.write(lambda db: plan_admin.save_line(
                db, user.actor, plan_id, code, name)), PAGE, lang, "plan.saved")
    with right.form("institution"):
        st.header(t("plan.institution_form", lang))
        acronym = st.text_input(t("accounts.institution", lang), key="inst:acronym")
        name = st.text_input(t("accounts.name", lang), key="inst:name")
        country = st.text_input(t("plan.country", lang), key="inst:country",
                                max_chars=rules.limit("institution", "country"))
        kind = st.text_input(t("plan.kind", lang), key="inst:kind")
        shared = user.actor.is_admin and st.checkbox(t("plan.confirm_shared", lang),
                                                     key="inst:shared")
        if st.form_submit_button(t("plan.save_institution", lang)):
            flash.after_write(actions.write(lambda db: plan_admin.save_institution(
                db, user.actor, plan_id, acronym, name, country, kind,
                confirm_shared=shared)), PAGE, lang, "plan.saved")
