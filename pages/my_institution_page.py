"""My institution: this quarter's reports of the member's institution, item by item."""

from itertools import groupby

import streamlit as st

from tracker import palette
from tracker.i18n import plural, plural_key, t
from tracker.quarters import Quarter
from tracker.services import lifecycle, reporting
from tracker.services.figures import PlanChoice
from tracker.services.permissions import Permission
from tracker.services.worklist import WorkItem
from ui import actions, data, flash, state
from ui.report_form import (
    FormContext,
    contributions_table,
    kept_quarter,
    last_quarter_caption,
    needs_attention,
    report_form,
    state_label,
)
from ui.text import md, md_t
from ui.widgets import plan_picker


def _summary(ctx: FormContext, items: list) -> None:
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


def _item(ctx: FormContext, item: WorkItem) -> None:
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


def _ask_reopen(ctx: FormContext, closed: tuple[Quarter, ...]) -> None:
    """A member asks to reopen a closed or locked quarter for their institution, saying why;
    reachable whether or not a quarter is open."""
    if not closed:
        return
    with st.expander(t("mine.reopen", ctx.lang)), st.form("reopen"):
        quarter = st.selectbox(t("overview.quarter", ctx.lang), list(closed), key="reopen:q",
                               index=len(closed) - 1,
                               format_func=lambda q: q.label(ctx.lang))
        reason = st.text_area(t("mine.reopen_reason", ctx.lang), key="reopen:reason",
                              max_chars=lifecycle.MAX_REASON)
        if st.form_submit_button(t("mine.reopen_send", ctx.lang)):
            outcome = actions.write(lambda db: lifecycle.request_reopen(
                db, ctx.user.actor, ctx.plan_id, quarter, reason))
            if outcome.ok:
                st.success(t("mine.reopen_sent", ctx.lang))
            else:
                st.error(state.message(outcome.error, ctx.lang))


def _notices(user: state.SignedIn, view: lifecycle.MemberView, lang: str) -> None:
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


def _quarter(plan: PlanChoice, view: lifecycle.MemberView, lang: str) -> Quarter | None:
    """The open quarter, or one reopened for the institution (a choice when both); a quarter
    closed while its form held text stays on screen with that text and the reason."""
    kept = kept_quarter()
    quarters = ([plan.open_quarter] if plan.open_quarter else []) + [
        q for q in view.granted if q != plan.open_quarter]
    if kept and kept not in quarters and kept in plan.quarters:
        quarters.append(kept)
    if len(quarters) <= 1:
        return quarters[0] if quarters else None
    return st.selectbox(t("overview.quarter", lang), quarters, key="mine:quarter",
                        index=quarters.index(kept) if kept in quarters else 0,
                        format_func=lambda q: q.label(lang) + (
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
    view = data.member_view(user.id, plan.id, lang)
    flash.show("my_institution", lang)  # before the quarter: a submission may end a reopening
    _notices(user, view, lang)
    quarter = _quarter(plan, view, lang)
    ctx = FormContext(user, plan.id, quarter, user.institution_id, lang)
    if quarter is None:
        st.info(t("mine.no_open_quarter", lang))
        _ask_reopen(ctx, view.closed)
        return
    st.header(t("mine.quarter", lang, quarter=quarter.label(lang)), anchor=False)
    st.caption(t("mine.intro", lang))
    if quarter in view.granted:
        st.info(t("mine.reopened_help", lang, quarter=quarter.label(lang)))
    items = data.worklist_for(user.id, plan.id, quarter, user.institution_id)
    _summary(ctx, items)
    _ask_reopen(ctx, view.closed)
    for (code, name), group in groupby(items, key=lambda i: (i.line_code, i.line_name)):
        st.header(md(f"{code} · {name}"), divider=palette.DIVIDER, anchor=False)
        for item in group:
            _item(ctx, item)
