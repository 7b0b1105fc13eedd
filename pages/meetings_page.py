"""Meetings: record the evaluation meeting and its decisions, lock the quarter it evaluated,
and decide on requests to reopen a locked quarter."""

import streamlit as st

from tracker.i18n import day, t
from tracker.quarters import Quarter
from tracker.services import meetings
from tracker.services.permissions import PageName, Permission
from tracker.states import PeriodState
from ui import data, flash, navigation, state
from ui.decision_forms import add_decision_form, decision_card
from ui.meeting_forms import LIST, PAGE, edit_meeting, lock_button, record_form
from ui.reopen_requests import pending_requests, running_reopenings
from ui.text import md_t
from ui.widgets import plan_picker, plans_for


def _meeting(user: state.SignedIn, plan_id: int, plan_name: str,
             meeting: meetings.MeetingView, locked: set[Quarter], lang: str) -> None:
    label = t("meetings.title_of", lang, date=day(meeting.held_on, lang),
              quarter=meeting.quarter.label(lang))
    with st.expander(label):
        st.caption(md_t("meetings.present_list", lang, present=", ".join(meeting.present) or "—")
                   + (" · " + md_t("meetings.place_of", lang, place=meeting.place)
                      if meeting.place else ""))
        if meeting.minutes:
            st.text(meeting.minutes)
        edit_meeting(user, plan_id, meeting, lang)
        for decision in meeting.decisions:
            with st.container(border=True):
                decision_card(user, plan_id, decision, lang,
                              after_delete=f"edit_meeting:{meeting.id}")
        add_decision_form(user, plan_id, meeting, lang)
        if meeting.quarter not in locked:
            lock_button(user, plan_id, meeting, plan_name, lang)


def render() -> None:
    user = state.require_user()
    lang = state.language(user)
    st.title(t("meetings.title", lang))
    flash.show(PAGE, lang)
    choices = plans_for(user, lang, Permission.MANAGE_PLAN)
    if not choices:
        return
    plan = plan_picker(choices, lang, key=navigation.plan_param(PageName.MEETINGS))
    if plan is None:
        return
    pending_requests(user, plan.id, lang)
    running_reopenings(user, plan.id, lang)
    locked = {p.quarter for p in data.plan_catalog(user.id, plan.id).periods
              if p.state == PeriodState.LOCKED}
    flash.here(PAGE, LIST, lang)  # a meeting deleted: said where it was listed
    for meeting in data.meetings_of(user.id, plan.id):
        _meeting(user, plan.id, plan.name, meeting, locked, lang)
    record_form(user, plan, lang)
