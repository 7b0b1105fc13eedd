"""Meetings: record the evaluation meeting and its decisions, lock the quarter it evaluated,
and decide on requests to reopen a locked quarter."""

from datetime import date

import streamlit as st

from tracker.i18n import day, t
from tracker.quarters import Quarter
from tracker.services import lifecycle, meetings
from tracker.services.figures import PlanChoice
from tracker.services.permissions import PageName, Permission
from tracker.services.plan_admin import PlanCatalog
from tracker.settings import get_settings
from ui import actions, data, flash, navigation, state
from ui.text import md_t
from ui.widgets import DATE_FORMATS, forget_form, plan_picker, plans_for

PAGE = "meetings"


def _clear_after_save(form: str) -> None:
    """A form that saved starts empty on the next run (a second click made a duplicate)."""
    if st.session_state.pop(f"{form}:saved", False):
        forget_form(form)


def _saved(outcome: object, form: str, lang: str) -> None:
    """Flash and clear the form on success; keep what was typed and say why otherwise."""
    if outcome.ok:
        st.session_state[f"{form}:saved"] = True
    flash.after_write(outcome, PAGE, lang, "meetings.saved")


def _institution_picker(catalog: PlanCatalog, lang: str, key: str,
                        default: list[str] | None = None) -> list[str]:
    names = dict(catalog.plan_institutions)
    return st.multiselect(t("meetings.present", lang), list(names), key=key,
                          default=default, format_func=lambda a: f"{a} · {names[a]}",
                          placeholder=t("form.choose_some", lang))


def _record(user: state.SignedIn, plan: PlanChoice, lang: str) -> None:
    plan_id = plan.id
    catalog = data.plan_catalog(user.id, plan_id)
    evaluated = plan.under_evaluation  # the meeting evaluates the last quarter that ended
    quarters = [p.quarter for p in catalog.periods
                if p.state != "upcoming" or p.quarter <= evaluated]
    _clear_after_save("meeting")
    with st.form("meeting"):
        st.header(t("meetings.record", lang))
        quarter = st.selectbox(t("meetings.quarter", lang), quarters, key="meeting:quarter",
                               index=quarters.index(evaluated) if evaluated in quarters
                               else len(quarters) - 1 if quarters else None,
                               format_func=lambda q: Quarter.parse(q).label(lang))
        left, right = st.columns(2)
        held_on = left.date_input(t("meetings.date", lang), value=date.today(),
                                  key="meeting:date", format=DATE_FORMATS[lang])
        place = right.text_input(t("meetings.place", lang), key="meeting:place",
                                 max_chars=meetings.MAX_PLACE)
        present = _institution_picker(catalog, lang, "meeting:present")
        minutes = st.text_area(t("meetings.minutes", lang), key="meeting:minutes",
                               max_chars=meetings.MAX_MINUTES)
        if st.form_submit_button(t("meetings.save", lang), type="primary"):
            _saved(actions.write(lambda db: meetings.record_meeting(
                db, user.actor, plan_id, quarter, held_on, present, minutes, place)),
                "meeting", lang)


def _decision_fields(catalog: PlanCatalog, lang: str, key: str,
                     current: meetings.DecisionView | None = None) -> dict[str, object]:
    names = dict(catalog.plan_institutions)
    owners = [None, *names]
    dues = [None, *[p.quarter for p in catalog.periods]]
    text = st.text_area(t("meetings.decision", lang), key=f"{key}:text",
                        value=current.text if current else "", max_chars=meetings.MAX_DECISION)
    left, right = st.columns(2)
    owner = left.selectbox(t("meetings.owner", lang), owners, key=f"{key}:owner",
                           index=owners.index(current.owner) if current
                           and current.owner in owners else 0,
                           format_func=lambda a: f"{a} · {names[a]}" if a else "—")
    due = right.selectbox(t("meetings.due", lang), dues, key=f"{key}:due",
                          index=dues.index(current.due_quarter) if current
                          and current.due_quarter in dues else 0,
                          format_func=lambda q: Quarter.parse(q).label(lang) if q else "—")
    return {"text": text, "owner": owner, "due": due}


def _decisions(user: state.SignedIn, plan_id: int, meeting: meetings.MeetingView,
               lang: str) -> None:
    catalog = data.plan_catalog(user.id, plan_id)
    items = {item_id: f"{code} · {title}" for item_id, code, title in catalog.items}
    lines = dict(catalog.lines)
    form = f"decision:{meeting.id}"
    _clear_after_save(form)
    with st.form(form):
        values = _decision_fields(catalog, lang, form)
        item = st.selectbox(t("meetings.became", lang), [None, *items], key=f"{form}:item",
                            format_func=lambda i: items[i] if i else "—")
        st.caption(t("meetings.new_item_help", lang))
        left, right = st.columns(2)
        code = left.text_input(t("meetings.new_item_code", lang), key=f"{form}:code")
        line = right.selectbox(t("chart.axis.line", lang), list(lines), key=f"{form}:line",
                               format_func=lambda c: f"{c} · {lines[c]}")
        if st.form_submit_button(t("meetings.add_decision", lang)):
            _saved(actions.write(lambda db: meetings.add_decision(
                db, user.actor, meeting.id, values["text"], owner=values["owner"],
                due_quarter=values["due"], item_id=item,
                new_item=meetings.NewItem(code, line or ""))), form, lang)


def _decision(user: state.SignedIn, plan_id: int, decision: meetings.DecisionView,
              lang: str) -> None:
    """One decision: what it says, the item it became (a link), edit and delete."""
    due = Quarter.parse(decision.due_quarter).label(lang) if decision.due_quarter else "—"
    st.markdown(md_t("meetings.decision_line", lang, text=decision.text,
                     owner=decision.owner or "—", due=due))
    if decision.item_id:
        navigation.link(PageName.ITEM, t("meetings.became_item", lang, item=decision.item),
                        item=str(decision.item_id))
    with st.popover(t("meetings.edit_decision", lang)):
        catalog = data.plan_catalog(user.id, plan_id)
        form = f"edit_decision:{decision.id}"
        with st.form(form, border=False):
            values = _decision_fields(catalog, lang, form, decision)
            save, delete = st.columns(2)
            saved = save.form_submit_button(t("meetings.save", lang), type="primary")
            deleted = delete.form_submit_button(t("meetings.delete_decision", lang))
        if saved:
            flash.after_write(actions.write(lambda db: meetings.update_decision(
                db, user.actor, decision.id, values["text"], owner=values["owner"],
                due_quarter=values["due"])), PAGE, lang, "meetings.saved")
        if deleted:
            flash.after_write(actions.write(lambda db: meetings.delete_decision(
                db, user.actor, decision.id)), PAGE, lang, "meetings.deleted")


def _edit_meeting(user: state.SignedIn, plan_id: int, meeting: meetings.MeetingView,
                  lang: str) -> None:
    catalog = data.plan_catalog(user.id, plan_id)
    form = f"edit_meeting:{meeting.id}"
    with st.popover(t("meetings.edit", lang)), st.form(form, border=False):
        left, right = st.columns(2)
        held_on = left.date_input(t("meetings.date", lang), value=meeting.held_on,
                                  key=f"{form}:date", format=DATE_FORMATS[lang])
        place = right.text_input(t("meetings.place", lang), value=meeting.place,
                                 key=f"{form}:place", max_chars=meetings.MAX_PLACE)
        present = _institution_picker(catalog, lang, f"{form}:present", list(meeting.present))
        minutes = st.text_area(t("meetings.minutes", lang), value=meeting.minutes,
                               key=f"{form}:minutes", max_chars=meetings.MAX_MINUTES)
        save, delete = st.columns(2)
        saved = save.form_submit_button(t("meetings.save", lang), type="primary")
        deleted = delete.form_submit_button(t("meetings.delete", lang),
                                            disabled=meeting.locked_quarter,
                                            help=t("meeting.locked_by_it", lang)
                                            if meeting.locked_quarter else None)
    if saved:
        flash.after_write(actions.write(lambda db: meetings.update_meeting(
            db, user.actor, meeting.id, held_on=held_on, present=present, minutes=minutes,
            place=place)), PAGE, lang, "meetings.saved")
    if deleted:
        flash.after_write(actions.write(lambda db: meetings.delete_meeting(
            db, user.actor, meeting.id)), PAGE, lang, "meetings.deleted")


def _meeting(user: state.SignedIn, plan_id: int, meeting: meetings.MeetingView,
             locked: set[str], lang: str) -> None:
    label = t("meetings.title_of", lang, date=day(meeting.held_on, lang),
              quarter=Quarter.parse(meeting.quarter).label(lang))
    with st.expander(label):
        st.caption(md_t("meetings.present_list", lang, present=", ".join(meeting.present) or "—")
                   + (" · " + md_t("meetings.place_of", lang, place=meeting.place)
                      if meeting.place else ""))
        if meeting.minutes:
            st.text(meeting.minutes)
        _edit_meeting(user, plan_id, meeting, lang)
        for decision in meeting.decisions:
            with st.container(border=True):
                _decision(user, plan_id, decision, lang)
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
    st.header(t("meetings.requests", lang))
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
