"""Members' pending requests to reopen a quarter, each granted (until a day, two weeks unless
chosen) or refused (with a reason) by a coordinator on the meetings page, and the reopenings
running now, each of which the coordinator may end (asked first); the member is told."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import streamlit as st

from tracker.i18n import t
from tracker.services import lifecycle
from tracker.settings import get_settings
from tracker.states import RequestState
from ui import actions, confirm, data, flash, state
from ui.meeting_forms import PAGE
from ui.text import md_t
from ui.widgets import DATE_FORMATS

REQUESTS = "requests"
REOPENINGS = "reopenings"


def pending_requests(user: state.SignedIn, plan_id: int, lang: str) -> None:
    _listed(user, [r for r in data.reopen_requests(user.id, plan_id)
                   if r.state == RequestState.PENDING],
            REQUESTS, "meetings.requests", _request, lang)


def _listed(user: state.SignedIn, requests: list[lifecycle.RequestView], place: str,
            header: str, draw: Callable[[state.SignedIn, lifecycle.RequestView, str], None],
            lang: str) -> None:
    """A list of requests under ``header``, each drawn by ``draw`` in a box; what a press on
    one of them did is said above it (``place``: the box it was in may be gone)."""
    flash.here(PAGE, place, lang)
    if not requests:
        return
    st.header(t(header, lang))
    for request in requests:
        with st.container(border=True):
            draw(user, request, lang)


def _request(user: state.SignedIn, request: lifecycle.RequestView, lang: str) -> None:
    st.markdown(md_t("meetings.request", lang, who=request.requested_by,
                     quarter=request.quarter.label(lang)))
    st.text(request.reason)
    answer = st.text_area(t("meetings.answer", lang), key=f"answer:{request.id}",
                          max_chars=lifecycle.MAX_REASON, help=t("meetings.answer_help", lang))
    today = get_settings().today()
    until = st.date_input(t("meetings.until", lang), key=f"until:{request.id}",
                          value=today + lifecycle.DEFAULT_REOPENING, min_value=today,
                          format=DATE_FORMATS[lang], help=t("meetings.until_help", lang))
    grant, refuse = st.columns(2)
    smtp = get_settings().smtp
    name = f"decide:{request.id}"
    token = actions.form_token(name)  # one decision per request, whichever button
    for column, granted, success in ((grant, True, "meetings.granted"),
                                     (refuse, False, "meetings.refused")):
        label = "meetings.grant" if granted else "meetings.refuse"
        if column.button(t(label, lang), key=f"{label}:{request.id}:{token}"):
            outcome = actions.write(partial(
                lifecycle.decide_reopen, actor=user.actor, request_id=request.id,
                grant=granted, answer=answer, until=until, smtp=smtp, token=token))
            if outcome.ok:
                actions.spend(name)
            flash.after_write(outcome, PAGE, lang, success, at=REQUESTS)


def running_reopenings(user: state.SignedIn, plan_id: int, lang: str) -> None:
    """The quarters reopened for an institution now, until when, and "End the reopening"
    (asked first, naming the quarter and the institution)."""
    _listed(user, [r for r in data.reopen_requests(user.id, plan_id) if r.running],
            REOPENINGS, "meetings.reopenings", _running, lang)


def _running(user: state.SignedIn, request: lifecycle.RequestView, lang: str) -> None:
    institution = request.institution or "—"
    st.markdown(md_t("meetings.reopening", lang, institution=institution,
                     quarter=request.quarter, until=request.until))
    name = f"end_reopening:{request.id}"
    token = actions.form_token(name)
    key = f"{name}:{token}"
    pressed = st.button(t("meetings.end_reopening", lang), key=key)
    if confirm.confirmed(key, pressed,
                         md_t("meetings.end_question", lang, quarter=request.quarter,
                              institution=institution),
                         md_t("meetings.end_confirm", lang, quarter=request.quarter,
                              institution=institution), lang):
        outcome = actions.write(lambda db: lifecycle.end_reopening(
            db, user.actor, request.id, smtp=get_settings().smtp, token=token))
        if outcome.ok:
            actions.spend(name)
        flash.after_write(outcome, PAGE, lang, "meetings.reopening_ended", at=REOPENINGS)
