"""Reopening, as a member sees it: ask to reopen a closed or locked quarter (with a reason),
read the coordinators' answers, and, in a quarter reopened for the institution, say when its
corrections are finished."""

from __future__ import annotations

from functools import partial

import streamlit as st

from tracker.i18n import t
from tracker.quarters import Quarter
from tracker.services import lifecycle
from tracker.services.worklist import WorkItem
from tracker.states import ReportState
from ui import actions, confirm, flash, state
from ui.accessibility import required_label
from ui.lazy_expander import lazy_expander
from ui.report_form import FormContext
from ui.text import md
from ui.widgets import kept_choice


def ask_reopen(user: state.SignedIn, plan_id: int, closed: tuple[Quarter, ...],
               lang: str) -> None:
    """A member asks to reopen a closed or locked quarter for their institution, saying why;
    reachable whether or not a quarter is open."""
    if not closed:
        return
    key = f"mine:reopen:{plan_id}"
    panel, drawn = lazy_expander(t("mine.reopen", lang), key, start_open=False)
    if not drawn:  # its form only once opened, like the items' (ui.lazy_expander)
        return
    token = actions.form_token("reopen")
    form = f"reopen:{token}"  # a form sent starts empty, under a new token
    with panel, st.form(form):
        quarter = kept_choice(st.selectbox, t("overview.quarter", lang), list(closed),
                              key=f"{form}:q", lang=lang, labels=Quarter.label,
                              in_form=True, index=len(closed) - 1)
        reason = st.text_area(required_label("mine.reopen_reason", lang),
                              key=f"{form}:reason", max_chars=lifecycle.MAX_REASON)
        if st.form_submit_button(t("mine.reopen_send", lang)):
            assert quarter is not None  # the box offers the closed quarters, on the last one
            outcome = actions.write(lambda db: lifecycle.request_reopen(
                db, user.actor, plan_id, quarter, reason, token=token))
            if outcome.error is None:  # ``outcome.ok``, which mypy cannot follow
                actions.spend("reopen")
                flash.say(st.success, t("mine.reopen_sent", lang), "reopen:sent")
            else:
                refused = {"meeting.reason": f"{form}:reason",
                           "error.characters.reason.text": f"{form}:reason"}
                flash.refused(state.message(outcome.error, lang), "my_institution", "reopen",
                              field=flash.field_of(outcome.error, refused))


def reopening(ctx: FormContext, view: lifecycle.MemberView, items: list[WorkItem]) -> None:
    """In a quarter reopened for the institution: until when, and "I have finished my
    corrections", which closes it again once confirmed (submitting a report does not)."""
    found = view.reopening(ctx.quarter)
    if found is None:
        return
    quarter = ctx.quarter
    st.info(t("mine.reopened_help", ctx.lang, quarter=quarter, until=found.until))
    drafts = sum(1 for item in items if item.own and item.own.state == ReportState.DRAFT)
    question = t("mine.finish_help", ctx.lang, quarter=quarter) + (
        "\n\n" + t("mine.finish_drafts", ctx.lang, count=drafts, quarter=quarter)
        if drafts else "")
    name = f"finish:{ctx.plan_id}:{quarter}"
    token = actions.form_token(name)
    key = f"{name}:{token}"
    pressed = st.button(t("mine.finish", ctx.lang), key=key)
    if confirm.confirmed(key, pressed, question, t("mine.finish_confirm", ctx.lang,
                                                    quarter=quarter), ctx.lang):
        outcome = actions.write(lambda db: lifecycle.finish_reopening(
            db, ctx.user.actor, ctx.plan_id, quarter, token=token))
        if outcome.ok:
            actions.spend(name)  # the quarter leaves the page: said at its top
        flash.after_write(outcome, "my_institution", ctx.lang, "mine.finished", quarter=quarter)


def notices(user: state.SignedIn, view: lifecycle.MemberView, lang: str) -> None:
    """The coordinators' answers to this member's reopen requests, until read."""
    for notice in view.notices:
        show = st.success if notice.granted else st.warning
        show(f"**{md(notice.subject)}**\n\n{md(notice.body)}")
        if st.button(t("mine.notice_read", lang), key=f"notice:{notice.request_id}"):
            outcome = actions.write(partial(lifecycle.mark_seen, actor=user.actor,
                                            request_id=notice.request_id))
            if outcome.error is None:  # ``outcome.ok``, which mypy cannot follow
                st.rerun()
            st.error(state.message(outcome.error, lang))
