"""The member's worklist for a quarter: how many reports are in, what is missing, all drafts
submitted at once, and each item's panel with its report form."""

from __future__ import annotations

import streamlit as st

from tracker.i18n import plural, plural_key, t
from tracker.services import reporting
from tracker.services.worklist import WorkItem
from ui import actions, flash, state
from ui.report_form import (
    FormContext,
    contributions_table,
    last_quarter_caption,
    needs_attention,
    report_form,
    state_label,
)
from ui.text import md, md_t


def summary(ctx: FormContext, items: list) -> None:
    missing = [item for item in items if item.missing]
    drafts = [item for item in items if item.own and item.own.state == "draft"]
    st.progress((len(items) - len(missing)) / len(items) if items else 1.0,
                text=t("mine.progress", ctx.lang, done=len(items) - len(missing),
                       total=len(items)))
    if missing:
        st.warning(t("mine.missing", ctx.lang) + "\n\n" + "\n".join(
            f"- **{md(item.code)}** {md(item.title)} — {state_label(item, ctx.lang)}"
            for item in missing))
    else:
        st.success(t("mine.all_in", ctx.lang))
    if drafts and st.button(plural("mine.submit_drafts", ctx.lang, len(drafts),
                                   count=len(drafts)), type="primary", key="submit_drafts"):
        outcome = actions.write(lambda db: reporting.submit_drafts(
            db, ctx.user.actor, ctx.plan_id, ctx.quarter, ctx.institution_id))
        if outcome.ok:
            flash.remember("my_institution", plural_key(
                "mine.drafts_submitted", ctx.lang, outcome.value), count=outcome.value)
            st.rerun()
        st.error(state.message(outcome.error, ctx.lang))


def item_panel(ctx: FormContext, item: WorkItem) -> None:
    role = md_t(f"mine.role.{item.role}", ctx.lang, lead=item.lead)
    label = f"{md(f'{item.code} · {item.title}')} — {state_label(item, ctx.lang)}"
    with st.expander(label, expanded=item.missing or needs_attention(ctx, item)):
        due = item.due_quarter.label(ctx.lang)
        st.caption(f"{role} · {t('mine.due', ctx.lang, quarter=due)}")
        st.markdown(last_quarter_caption(item, ctx.lang))
        if item.others:
            st.caption(t("mine.others", ctx.lang))
            st.dataframe(contributions_table(item, ctx.lang), hide_index=True)
        report_form(ctx, item)
