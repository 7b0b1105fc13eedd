"""Review: coordinators approve the quarter's submitted reports or return them with a comment."""

import pandas as pd
import streamlit as st

from tracker.i18n import number, percent, t
from tracker.quarters import Quarter
from tracker.services import reminders, reporting
from tracker.services.permissions import Permission
from tracker.services.review import Submitted
from tracker.settings import get_settings
from ui import actions, data, flash, state
from ui.text import md, md_t
from ui.widgets import plan_and_quarter, plans_for


def _content(report: Submitted, lang: str) -> None:
    if report.overridden:  # the member saved past a consistency check: the reviewer knows
        st.warning("\n\n".join([t("review.overrode", lang),
                                 *(t(w, lang) for w in report.overridden)]))
    _figures(report, lang)


def _figures(report: Submitted, lang: str) -> None:
    if report.nothing_to_report:
        st.markdown(t("review.nothing", lang))
    else:
        status = t(f"status.{report.status}", lang) if report.status else "—"
        value = number(report.indicator_value, lang, 0)
        st.markdown(md_t("review.figures", lang, status=status,
                      percent=percent(report.percent_complete, lang), value=value,
                      unit=report.unit or "", target=number(report.target, lang, 0)))
    for name in ("narrative", "obstacles", "next_steps"):
        text = getattr(report, name)
        if text:
            st.markdown(f"**{t(f'form.{name}', lang)}**")
            st.text(text)  # members' words are shown as text, never as markup
    if report.evidence_link:
        st.link_button(t("form.link", lang), report.evidence_link)


def _decide(user: state.SignedIn, report: Submitted, lang: str) -> None:
    key = f"review:{report.report_id}:{report.version}"
    with st.form(key, border=False):
        comment = st.text_area(t("review.comment", lang), key=f"{key}:comment",
                               max_chars=reporting.MAX_TEXT)
        approve, give_back = st.columns(2)
        approved = approve.form_submit_button(t("review.approve", lang), type="primary",
                                              width="stretch")
        returned = give_back.form_submit_button(t("review.return", lang), width="stretch")
    if approved or returned:
        outcome = actions.write(lambda db: reporting.review(
            db, user.actor, report.report_id, approve=bool(approved), comment=comment or "",
            expected_version=report.version))
        if outcome.ok:
            flash.remember("review", "review.approved" if approved else "review.returned")
            st.rerun()
        st.error(state.message(outcome.error, lang))


def render() -> None:
    user = state.require_user()
    lang = state.language(user)
    st.title(t("review.title", lang))
    flash.show("review", lang)
    choices = plans_for(user, lang, Permission.APPROVE_REPORTS)
    if not choices:
        return
    plan, quarter = plan_and_quarter(choices, lang, under_evaluation=True)
    # keyed, so that a button in the second tab does not bring the first one back
    if not user.actor.can(Permission.FOLLOW_UP_REPORTS, plan.id):  # approving only
        _waiting(user, data.awaiting_review(user.id, plan.id, quarter), lang)
        return
    waiting_tab, missing_tab = st.tabs([t("review.tab.waiting", lang),
                                        t("review.tab.missing", lang)], key="review:tab")
    with waiting_tab:
        _waiting(user, data.awaiting_review(user.id, plan.id, quarter), lang)
    with missing_tab:
        dues = data.missing_for(user.id, plan.id, quarter)
        _missing(dues, lang)
        if dues:
            _remind(user, plan.id, quarter, lang)


def _remind(user: state.SignedIn, plan_id: int, quarter: Quarter, lang: str) -> None:
    """Remind every focal point still owing reports: by e-mail, or messages to copy."""
    smtp = get_settings().smtp
    label = "review.send_reminders" if smtp else "review.prepare_reminders"
    if st.button(t(label, lang), key="review:remind", icon=":material/mail:"):
        outcome = actions.write(lambda db: reminders.remind_from_app(
            db, user.actor, plan_id, quarter, smtp))
        if not outcome.ok:
            st.error(state.message(outcome.error, lang))
            return
        st.session_state["review:reminded"] = outcome.value
    done = st.session_state.get("review:reminded")
    if done is None:
        return
    if not done.to_copy:
        st.success(t("review.reminders_sent", lang, count=done.sent))
        return
    st.info(t("review.reminders_to_copy", lang, count=len(done.to_copy)))
    for message in done.to_copy:
        st.markdown(md(message.email))  # a caption would grey the e-mail link (3:1)
        st.code(f"{message.subject}\n\n{message.body}", language=None, wrap_lines=True)


def _missing(dues: list, lang: str) -> None:
    """Per institution and focal point: what the quarter still waits for."""
    if not dues:
        st.success(t("review.nothing_missing", lang))
        return
    st.caption(t("review.missing_count", lang, count=sum(len(d.items) for d in dues),
                 institutions=len(dues)))
    for due in dues:
        people = ", ".join(f"{name} <{email}>" for name, email in due.focal_points) or t(
            "review.no_focal_point", lang)
        st.markdown(f"**{md(due.institution)}** · {len(due.items)}")
        st.caption(md_t("review.focal_points", lang, people=people))
        st.dataframe(pd.DataFrame(
            [(f"{i.code} · {i.title}", t(f"state.{i.state or 'missing'}", lang))
             for i in due.items],
            columns=[t("item.choose", lang), t("form.col.state", lang)]), hide_index=True)


def _waiting(user: state.SignedIn, waiting: list[Submitted], lang: str) -> None:
    if not waiting:
        st.success(t("review.none", lang))
        return
    st.caption(t("review.count", lang, count=len(waiting)))
    for report in waiting:
        label = md(f"{report.code} · {report.institution} · {report.title}")
        with st.expander(label, expanded=len(waiting) <= 3):
            st.caption(md_t("review.by", lang, author=report.author or "—",
                         at=report.submitted_at.strftime("%Y-%m-%d %H:%M")))
            _content(report, lang)
            _decide(user, report, lang)
