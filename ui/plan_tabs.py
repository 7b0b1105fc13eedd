"""Plan management's tabs of reporting periods (open, close, deadline) and of strategic lines
and institutions."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from tracker import rules
from tracker.i18n import day, t
from tracker.models import PeriodState
from tracker.quarters import Quarter
from tracker.services import lifecycle, plan_admin
from tracker.services.plan_admin import PlanCatalog
from tracker.settings import time_zones
from ui import actions, confirm, flash, state
from ui.accessibility import required_label
from ui.text import md, md_t
from ui.widgets import DATE_FORMATS, kept_choice

PAGE = "plan_admin"


def periods_tab(user: state.SignedIn, plan_id: int, plan_name: str, catalog: PlanCatalog,
                lang: str) -> None:
    periods = {p.quarter: p for p in catalog.periods}
    st.dataframe(pd.DataFrame(
        [(q.label(lang), t(f"period.{p.state}", lang), day(p.deadline, lang))
         for q, p in periods.items()],
        columns=[t("overview.quarter", lang), t("form.col.state", lang),
                 t("plan.deadline", lang)]), hide_index=True)
    quarters = list(periods)
    opened = [q for q, p in periods.items() if p.state == PeriodState.OPEN]
    quarter = kept_choice(st.selectbox, t("overview.quarter", lang), quarters,
                          key="period:quarter", lang=lang, labels=Quarter.label,
                          index=quarters.index(opened[0]) if opened else 0)
    assert quarter is not None  # the box offers the plan's quarters, on the open one or the first
    current = periods[quarter]
    left, right = st.columns(2)
    opening = left.button(t("plan.open", lang), key="period:open",
                          disabled=not lifecycle.can_move(current.state, PeriodState.OPEN))
    closing = right.button(t("plan.close", lang), key="period:close",
                           disabled=not lifecycle.can_move(current.state, PeriodState.CLOSED))
    _open(user, plan_id, plan_name, quarter, catalog, opening, lang)
    _close(user, plan_id, plan_name, quarter, closing, lang)
    flash.here(PAGE, "period", lang)
    with st.form("deadline"):
        deadline = st.date_input(t("plan.deadline", lang), value=current.deadline,
                                 key=f"deadline:{quarter}", format=DATE_FORMATS[lang])
        if st.form_submit_button(t("plan.save_deadline", lang)):
            flash.after_write(actions.write(lambda db: plan_admin.set_deadline(
                db, user.actor, plan_id, quarter, deadline)), PAGE, lang, "plan.saved",
                at="deadline")
        flash.here(PAGE, "deadline", lang)
    _time_zone_form(user, plan_id, catalog.time_zone, lang)


def _time_zone_form(user: state.SignedIn, plan_id: int, current: str, lang: str) -> None:
    """The plan's time zone: its times are shown there, its deadlines end there."""
    zones = list(time_zones())
    if current not in zones:
        zones.insert(0, current)
    with st.form("time_zone"):
        zone = st.selectbox(t("plan.time_zone", lang), zones, index=zones.index(current),
                            key=f"time_zone:{plan_id}", help=t("plan.time_zone_help", lang))
        if st.form_submit_button(t("plan.save_time_zone", lang)):
            flash.after_write(actions.write(lambda db: plan_admin.set_time_zone(
                db, user.actor, plan_id, zone)), PAGE, lang, "plan.saved", at="time_zone")
        flash.here(PAGE, "time_zone", lang)


def _open(user: state.SignedIn, plan_id: int, plan_name: str, quarter: Quarter,
          catalog: PlanCatalog, pressed: bool, lang: str) -> None:
    """Opening a quarter that closes the open one asks first, naming both; opening with no
    other quarter open closes nothing and runs at once."""
    label = quarter.label(lang)
    closing = lifecycle.closed_by_opening(catalog.periods, quarter)
    if closing is None:
        if pressed:
            flash.after_write(actions.write(lambda db: lifecycle.set_period_state(
                db, user.actor, plan_id, quarter, PeriodState.OPEN)), PAGE, lang,
                "plan.opened", at="period", quarter=label)
        return
    names: dict[str, Any] = {"opening": label, "closing": closing.label(lang), "plan": plan_name}
    if confirm.confirmed(f"period:open:{quarter}:{closing}", pressed,
                         md_t("plan.confirm_close_other", lang, **names),
                         md_t("plan.open_and_close", lang, **names), lang):
        flash.after_write(actions.write(lambda db: lifecycle.set_period_state(
            db, user.actor, plan_id, quarter, PeriodState.OPEN, confirm_closing=closing)),
            PAGE, lang, "plan.opened_closing", at="period", **names)


def _close(user: state.SignedIn, plan_id: int, plan_name: str, quarter: Quarter,
           pressed: bool, lang: str) -> None:
    """Closing stops the members' reports of the quarter: it asks first, naming it."""
    names: dict[str, Any] = {"quarter": quarter.label(lang), "plan": plan_name}
    if confirm.confirmed(f"period:close:{quarter}", pressed,
                         md_t("plan.confirm_close", lang, **names),
                         md_t("plan.close_quarter", lang, **names), lang):
        flash.after_write(actions.write(lambda db: lifecycle.set_period_state(
            db, user.actor, plan_id, quarter, PeriodState.CLOSED)), PAGE, lang,
            "plan.closed", at="period", **names)


def _first_empty(refusal: str, typed: dict[str, str]) -> dict[str, str]:
    """The refusal ``refusal`` of values left out (or too long) names the first field
    (widget key) of ``typed`` left empty, if any (``flash.after_write``'s ``fields``)."""
    empty = [key for key, value in typed.items() if not value.strip()]
    return {refusal: empty[0]} if empty else {}


def lines_and_institutions_tab(user: state.SignedIn, plan_id: int, catalog: PlanCatalog,
                               lang: str) -> None:
    left, right = st.columns(2)
    with left.form("line"):
        st.header(t("plan.line_form", lang))
        st.caption(md(", ".join(f"{code} · {name}" for code, name in catalog.lines)))
        code = st.text_input(required_label("plan.code", lang), key="line:code")
        name = st.text_input(required_label("accounts.name", lang), key="line:name")
        if st.form_submit_button(t("plan.save_line", lang)):
            flash.after_write(actions.write(lambda db: plan_admin.save_line(
                db, user.actor, plan_id, code, name)), PAGE, lang, "plan.saved", at="line",
                fields=_first_empty("plan.field.line_values",
                                    {"line:code": code, "line:name": name}))
        flash.here(PAGE, "line", lang)
    with right.form("institution"):
        st.header(t("plan.institution_form", lang))
        acronym = st.text_input(required_label("accounts.institution", lang),
                                key="inst:acronym")
        name = st.text_input(required_label("accounts.name", lang), key="inst:name")
        country = st.text_input(required_label("plan.country", lang), key="inst:country",
                                max_chars=rules.limit("institution", "country"))
        kind = st.text_input(t("plan.kind", lang), key="inst:kind")
        shared = user.actor.is_admin and st.checkbox(t("plan.confirm_shared", lang),
                                                     key="inst:shared")
        if st.form_submit_button(t("plan.save_institution", lang)):
            flash.after_write(actions.write(lambda db: plan_admin.save_institution(
                db, user.actor, plan_id, acronym, name, country, kind,
                confirm_shared=shared)), PAGE, lang, "plan.saved", at="institution",
                fields={"import.bad_country": "inst:country",
                        **_first_empty("plan.field.institution_values",
                                       {"inst:acronym": acronym, "inst:name": name})})
        flash.here(PAGE, "institution", lang)
