"""The member's worklist for a quarter: how many reports are in, what is missing, all drafts
submitted at once, and each item's panel with its report form.

A panel draws its form only once it has been opened (``ui.lazy_expander``): at national scale a
member has some 60 items, and drawing 60 forms made the page slow in the browser. One panel
starts open for the first item whose report is missing (the list above names all of them), and
one for every report the coordinator returned or whose form holds text a refusal kept."""

from __future__ import annotations

import streamlit as st

from tracker.i18n import plural, plural_key, t
from tracker.services import reporting
from tracker.services.worklist import WorkItem
from tracker.states import ReportState
from ui import actions, flash, state
from ui.lazy_expander import lazy_expander
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
    drafts = [item for item in items if item.own and item.own.state == ReportState.DRAFT]
    st.progress((len(items) - len(missing)) / len(items) if items else 1.0,
                text=t("mine.progress", ctx.lang, done=len(items) - len(missing),
                       total=len(items)))
    if missing:
        st.warning(t("mine.missing", ctx.lang) + "\n\n" + "\n".join(
            f"- **{md(item.code)}** {md(item.title)} — {state_label(item, ctx.lang)}"
            for item in missing))
    else:
        st.success(t("mine.all_in", ctx.lang))
    name = f"submit_drafts:{ctx.plan_id}:{ctx.quarter}:{ctx.institution_id}"
    token = actions.form_token(name)  # pressed twice: one submission of the drafts
    if drafts and st.button(plural("mine.submit_drafts", ctx.lang, len(drafts),
                                   count=len(drafts)), type="primary",
                            key=f"submit_drafts:{token}"):
        outcome = actions.write(lambda db: reporting.submit_drafts(
            db, ctx.user.actor, ctx.plan_id, ctx.quarter, ctx.institution_id, token=token))
        if outcome.error is None:  # ``outcome.ok``, which mypy cannot follow
            assert outcome.value is not None  # submit_drafts returns how many it submitted
            actions.spend(name)
            flash.remember("my_institution", plural_key(
                "mine.drafts_submitted", ctx.lang, outcome.value), at="drafts",
                count=outcome.value)
            st.rerun()
        flash.refused(state.message(outcome.error, ctx.lang), "my_institution", "drafts")
    flash.here("my_institution", "drafts", ctx.lang)


def starting_open(items: list[WorkItem]) -> set[int]:
    """The ids of the items whose panels start open: the first one still missing its report,
    and every report the coordinator returned (its comment is inside, and it asks for work)."""
    first = next((item.item_id for item in items if item.missing), None)
    returned = {item.item_id for item in items
                if item.own and item.own.state == ReportState.RETURNED}
    return returned | ({first} if first is not None else set())


def item_panel(ctx: FormContext, item: WorkItem, *, start_open: bool = False) -> None:
    label = f"{md(f'{item.code} · {item.title}')} — {state_label(item, ctx.lang)}"
    key = f"mine:item:{ctx.plan_id}:{ctx.quarter}:{ctx.institution_id}:{item.item_id}"
    attention = needs_attention(ctx, item)
    panel, drawn = lazy_expander(label, key, start_open=start_open or attention,
                                 draw_anyway=attention)
    if not drawn:
        return
    with panel:
        role = md_t(f"mine.role.{item.role}", ctx.lang, lead=item.lead)
        due = item.due_quarter.label(ctx.lang)
        st.caption(f"{role} · {t('mine.due', ctx.lang, quarter=due)}")
        st.markdown(last_quarter_caption(item, ctx.lang))
        if item.others:
            st.caption(t("mine.others", ctx.lang))
            st.dataframe(contributions_table(item, ctx.lang), hide_index=True)
        report_form(ctx, item)
