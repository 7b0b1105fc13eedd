"""Reopening, as a member sees it: ask to reopen a closed or locked quarter (with a reason),
and read the coordinators' answers."""

from __future__ import annotations

import streamlit as st

from tracker.i18n import t
from tracker.quarters import Quarter
from tracker.services import lifecycle
from ui import actions, flash, state
from ui.lazy_expander import lazy_expander
from ui.report_form import FormContext
from ui.text import md
from ui.widgets import kept_choice


def ask_reopen(ctx: FormContext, closed: tuple[Quarter, ...]) -> None:
    """A member asks to reopen a closed or locked quarter for their institution, saying why;
    reachable whether or not a quarter is open."""
    if not closed:
        return
    key = f"mine:reopen:{ctx.plan_id}"
    panel, drawn = lazy_expander(t("mine.reopen", ctx.lang), key, start_open=False)
    if not drawn:  # its form only once opened, like the items' (ui.lazy_expander)
        return
    with panel, st.form("reopen"):
        quarter = kept_choice(st.selectbox, t("overview.quarter", ctx.lang), list(closed),
                              key="reopen:q", lang=ctx.lang, labels=Quarter.label,
                              in_form=True, index=len(closed) - 1)
        reason = st.text_area(t("mine.reopen_reason", ctx.lang), key="reopen:reason",
                              max_chars=lifecycle.MAX_REASON)
        if st.form_submit_button(t("mine.reopen_send", ctx.lang)):
            outcome = actions.write(lambda db: lifecycle.request_reopen(
                db, ctx.user.actor, ctx.plan_id, quarter, reason))
            if outcome.ok:
                flash.say(st.success, t("mine.reopen_sent", ctx.lang), "reopen:sent")
            else:
                flash.refused(state.message(outcome.error, ctx.lang), "my_institution", "reopen")


def notices(user: state.SignedIn, view: lifecycle.MemberView, lang: str) -> None:
    """The coordinators' answers to this member's reopen requests, until read."""
    for notice in view.notices:
        show = st.success if notice.granted else st.warning
        show(f"**{md(notice.subject)}**\n\n{md(notice.body)}")
        if st.button(t("mine.notice_read", lang), key=f"notice:{notice.request_id}"):
            outcome = actions.write(lambda db, n=notice: lifecycle.mark_seen(
                db, user.actor, n.request_id))
            if outcome.ok:
                st.rerun()
            st.error(state.message(outcome.error, lang))
