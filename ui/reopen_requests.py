"""Members' pending requests to reopen a quarter, each granted or refused (with a reason) by
a coordinator on the meetings page; the member is told either way."""

from __future__ import annotations

import streamlit as st

from tracker.i18n import t
from tracker.services import lifecycle
from tracker.settings import get_settings
from ui import actions, data, flash, state
from ui.meeting_forms import PAGE
from ui.text import md_t

REQUESTS = "requests"


def pending_requests(user: state.SignedIn, plan_id: int, lang: str) -> None:
    pending = [r for r in data.reopen_requests(user.id, plan_id) if r.state == "pending"]
    flash.here(PAGE, REQUESTS, lang)  # a request decided: said where the requests are
    if not pending:
        return
    st.header(t("meetings.requests", lang))
    for request in pending:
        with st.container(border=True):
            _request(user, request, lang)


def _request(user: state.SignedIn, request: lifecycle.RequestView, lang: str) -> None:
    st.markdown(md_t("meetings.request", lang, who=request.requested_by,
                     quarter=request.quarter.label(lang)))
    st.text(request.reason)
    answer = st.text_area(t("meetings.answer", lang), key=f"answer:{request.id}",
                          max_chars=lifecycle.MAX_REASON, help=t("meetings.answer_help", lang))
    grant, refuse = st.columns(2)
    smtp = get_settings().smtp
    for column, granted, success in ((grant, True, "meetings.granted"),
                                     (refuse, False, "meetings.refused")):
        label = "meetings.grant" if granted else "meetings.refuse"
        if column.button(t(label, lang), key=f"{label}:{request.id}"):
            flash.after_write(actions.write(lambda db, g=granted: lifecycle.decide_reopen(
                db, user.actor, request.id, g, answer=answer, smtp=smtp)), PAGE, lang,
                success, at=REQUESTS)
