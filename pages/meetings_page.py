"""Meetings: record the evaluation meeting and its decisions, lock the quarter it evaluated,
and decide on requests to reopen a locked quarter."""

from datetime import date

import pandas as pd
import streamlit as st

from tracker.i18n import day, t
from tracker.quarters import Quarter
from tracker.services import lifecycle, meetings
from tracker.services.figures import PlanChoice
from tracker.services.permissions import Permission
from tracker.services.plan_admin import ItemFields
from tracker.settings import get_settings
from ui import actions, data, flash, state
from ui.text import md_t
from ui.widgets import plan_picker, plans_for

PAGE = "meetings"


def _record(user: state.SignedIn, plan: PlanChoice, lang: str) -> None:
    plan_id = plan.id
    catalog = data.plan_catalog(user.id, plan_id)
    evaluated = plan.evaluation_quarter  # the meeting evaluates the last quarter that ended
    quarters = [p.quarter for p in catalog.periods
                if p.state != "upcoming" or p.quarter <= evaluated]
    with st.form("meeting"):
        st.subheader(t("meetings.record", lang))
        quarter = st.selectbox(t("meetings.quarter", lang), quarters, key="meeting:quarter",
                               index=quarters.index(evaluated) if evaluated in quarters
                               else len(quarters) - 1 if quarters else None,
                               format_func=lambda q: Quarter.parse(q).label(lang))
        held_on = st.date_input(t("meetings.date", lang), value=date.today(), key="meeting:date")
        present = st.multiselect(t("meetings.present", lang),
                                 [a for a, _n, _c in catalog.institutions], key="meeting:present")
        minutes = st.text_area(t("meetings.minutes", lang), key="meeting:minutes",
                               max_chars=meetings.MAX_MINUTES)
        if st.form_submit_button(t("meetings.save", lang), type="primary"):
            flash.after_write(actions.write(lambda db: meetings.record_meeting(
                db, user.actor, plan_id, quarter, held_on, present, minutes)), PAGE, lang,
                "meetings.saved")


def _decisions(user: state.SignedIn, plan_id: int, meeting: meetings.MeetingView,
               lang: str) -> None:
    catalog = data.plan_catalog(user.id, plan_id)
    items = {item_id: f"{code} · {title}" for item_id, code, title in catalog.items}
    with st.form(f"decision:{meeting.id}"):
        text = st.text_area(t("meetings.decision", lang), key=f"decision:{meeting.id}:text",
                            max_chars=meetings.MAX_DECISION)
        left, right = st.columns(2)
        owner = left.selectbox(t("meetings.owner", lang),
                               [None, *[a for a, _n, _c in catalog.institutions]],
                               key=f"decision:{meeting.id}:owner",
                               format_func=lambda a: a or "—")
        due = right.selectbox(t("meetings.due", lang),
                              [None, *[p.quarter for p in catalog.periods]],
                              key=f"decision:{meeting.id}:due",
                              format_func=lambda q: Quarter.parse(q).label(lang) if q else "—")
        item = st.selectbox(t("meetings.became", lang), [None, *items],
                            key=f"decision:{meeting.id}:item",
                            format_func=lambda i: items[i] if i else "—")
        st.caption(t("meetings.new_item_help", lang))
        left, right = st.columns(2)
        code = left.text_input(t("meetings.new_item_code", lang),
                               key=f"decision:{meeting.id}:code")
        line = right.selectbox(t("chart.axis.line", lang), [c for c, _n in catalog.lines],
                               key=f"decision:{meeting.id}:line")
        if st.form_submit_button(t("meetings.add_decision", lang)):
            new_item = _new_item(code, line, text, owner, meeting.quarter, due)
            flash.after_write(actions.write(lambda db: meetings.add_decision(
                db, user.actor, meeting.id, text, owner=owner, due_quarter=due,
                item_id=None if new_item else item, new_item=new_item)),
                PAGE, lang, "meetings.saved")


def _new_item(code: str, line: str | None, text: str, owner: str | None, quarter: str,
              due: str | None) -> ItemFields | None:
    """A decision with a code becomes a new item, led by its owner, from the next quarter."""
    if not code.strip():
        return None
    start = str(Quarter.parse(quarter) + 1)
    return ItemFields(code=code, title=text.strip()[:300], description=text.strip(),
                      line=line or "", lead=owner or "", supporters=(), start_quarter=start,
                      due_quarter=due or start)


def _meeting(user: state.SignedIn, plan_id: int, meeting: meetings.MeetingView,
             locked: set[str], lang: str) -> None:
    label = t("meetings.title_of", lang, date=day(meeting.held_on, lang),
              quarter=Quarter.parse(meeting.quarter).label(lang))
    with st.expander(label):
        st.caption(md_t("meetings.present_list", lang, present=", ".join(meeting.present) or "—"))
        if meeting.minutes:
            st.text(meeting.minutes)
        if meeting.decisions:
            st.dataframe(pd.DataFrame(
                [(d.text, d.owner or "—",
                  Quarter.parse(d.due_quarter).label(lang) if d.due_quarter else "—",
                  d.item or "—") for d in meeting.decisions],
                columns=[t("meetings.decision", lang), t("meetings.owner", lang),
                         t("meetings.due", lang), t("meetings.became", lang)]),
                hide_index=True)
        _decisions(user, plan_id, meeting, lang)
        if meeting.quarter not in locked:
            _lock(user, plan_id, meeting, lang)


def _lock(user: state.SignedIn, plan_id: int, meeting: meetings.MeetingView,
          lang: str) -> None:
    """Locking stops every change to the quarter: it asks first, naming the quarter."""
    label = Quarter.parse(meeting.quarter).label(lang)
    key = f"lock:{meeting.id}"
    if st.button(t("meetings.lock", lang, quarter=label), key=key, type="primary"):
        st.session_state[f"{key}:asked"] = True
    if not st.session_state.get(f"{key}:asked"):
        return
    st.warning(t("lifecycle.confirm_lock", lang, quarter=label))
    if st.button(t("meetings.lock_confirm", lang, quarter=label), key=f"{key}:confirm"):
        st.session_state.pop(f"{key}:asked", None)
        outcome = actions.write(lambda db: lifecycle.lock_quarter(
            db, user.actor, plan_id, meeting.quarter, meeting.id, confirm=meeting.quarter))
        flash.after_write(outcome, PAGE, lang, "meetings.locked")


def _requests(user: state.SignedIn, plan_id: int, lang: str) -> None:
    pending = [r for r in data.reopen_requests(user.id, plan_id) if r.state == "pending"]
    if not pending:
        return
    st.subheader(t("meetings.requests", lang))
    for request in pending:
        with st.container(border=True):
            _request(user, request, lang)


def _request(user: state.SignedIn, request: lifecycle.RequestView, lang: str) -> None:
    st.markdown(md_t("meetings.request", lang, who=request.requested_by,
                     quarter=Quarter.parse(request.quarter).label(lang)))
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
                success)


def render() -> None:
    user = state.require_user()
    lang = state.language(user)
    st.title(t("meetings.title", lang))
    flash.show(PAGE, lang)
    choices = plans_for(user, lang, Permission.MANAGE_PLAN)
    if not choices:
        return
    plan = plan_picker(choices, lang, key="meetings_plan")
    _requests(user, plan.id, lang)
    locked = {p.quarter for p in data.plan_catalog(user.id, plan.id).periods
              if p.state == "locked"}
    for meeting in data.meetings_of(user.id, plan.id):
        _meeting(user, plan.id, meeting, locked, lang)
    _record(user, plan, lang)
