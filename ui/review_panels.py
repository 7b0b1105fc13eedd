"""The reports waiting for review: each one's content as the member wrote it, and a form to
approve it or return it with a comment."""

from __future__ import annotations

import streamlit as st

from tracker.i18n import moment, number, percent, t
from tracker.models import CONTENT_FIELDS, ContentKind
from tracker.services import reporting
from tracker.services.review import Submitted
from ui import actions, flash, state
from ui.text import md, md_t

PAGE = "review"
WAITING = "waiting"  # the place of what happened to a report no longer waiting


def waiting(user: state.SignedIn, reports: list[Submitted], lang: str,
            zone: str | None = None) -> None:
    flash.here(PAGE, WAITING, lang)  # a report decided leaves the list: said above it
    if not reports:
        st.success(t("review.none", lang))
        return
    st.caption(t("review.count", lang, count=len(reports)))
    for report in reports:
        label = md(f"{report.code} · {report.institution} · {report.title}")
        with st.expander(label, expanded=len(reports) <= 3):
            st.caption(md_t("review.by", lang, author=report.author or "—",
                         at=moment(report.submitted_at, lang, zone)))
            _content(report, lang)
            _decide(user, report, lang)


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
    for spec in CONTENT_FIELDS:
        value = getattr(report, spec.name)
        if value and spec.kind is ContentKind.TEXT:
            st.markdown(f"**{t(spec.label, lang)}**")
            st.text(value)  # members' words are shown as text, never as markup
    for spec in CONTENT_FIELDS:
        value = getattr(report, spec.name)
        if value and spec.kind is ContentKind.LINK:
            st.link_button(t(spec.label, lang), value)


def _decide(user: state.SignedIn, report: Submitted, lang: str) -> None:
    name = f"review:{report.report_id}"
    token = actions.form_token(name)  # pressed twice: one decision, never a conflict
    key = f"{name}:{report.version}:{token}"
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
            expected_version=report.version, token=token))
        if outcome.error is None:  # ``outcome.ok``, which mypy cannot follow
            actions.spend(name)
            flash.remember(PAGE, "review.approved" if approved else "review.returned",
                           at=WAITING)
            st.rerun()
        flash.refused(state.message(outcome.error, lang), PAGE, key)
