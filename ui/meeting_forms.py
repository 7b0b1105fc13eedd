"""The meetings page's forms for a meeting: record one, correct or delete one, and lock the
quarter it evaluated (asking first). A form that saved starts empty on the next run."""

from __future__ import annotations

from datetime import date

import streamlit as st

from tracker.i18n import t
from tracker.quarters import Quarter
from tracker.services import lifecycle, meetings
from tracker.services.figures import PlanChoice
from tracker.services.plan_admin import PlanCatalog
from ui import actions, data, flash, state
from ui.widgets import DATE_FORMATS, forget_form, kept_choice

PAGE = "meetings"


def clear_after_save(form: str) -> None:
    """A form that saved starts empty on the next run (a second click made a duplicate)."""
    if st.session_state.pop(f"{form}:saved", False):
        forget_form(form)


def saved(outcome: object, form: str, lang: str) -> None:
    """Flash and clear the form on success; keep what was typed and say why otherwise."""
    if outcome.ok:
        st.session_state[f"{form}:saved"] = True
    flash.after_write(outcome, PAGE, lang, "meetings.saved")


def institution_picker(catalog: PlanCatalog, lang: str, key: str,
                       default: list[str] | None = None) -> list[str]:
    names = dict(catalog.plan_institutions)
    return st.multiselect(t("meetings.present", lang), list(names), key=key,
                          default=default, format_func=lambda a: f"{a} · {names[a]}",
                          placeholder=t("form.choose_some", lang))


def record_form(user: state.SignedIn, plan: PlanChoice, lang: str) -> None:
    """A new meeting, opening on the quarter under evaluation."""
    plan_id = plan.id
    catalog = data.plan_catalog(user.id, plan_id)
    quarters, default = meetings.meeting_quarters(catalog.periods, plan.under_evaluation)
    clear_after_save("meeting")
    with st.form("meeting"):
        st.header(t("meetings.record", lang))
        quarter = kept_choice(st.selectbox, t("meetings.quarter", lang), quarters,
                              key="meeting:quarter", lang=lang, labels=Quarter.label,
                              in_form=True,
                              index=quarters.index(default) if default is not None else None)
        left, right = st.columns(2)
        held_on = left.date_input(t("meetings.date", lang), value=date.today(),
                                  key="meeting:date", format=DATE_FORMATS[lang])
        place = right.text_input(t("meetings.place", lang), key="meeting:place",
                                 max_chars=meetings.MAX_PLACE)
        present = institution_picker(catalog, lang, "meeting:present")
        minutes = st.text_area(t("meetings.minutes", lang), key="meeting:minutes",
                               max_chars=meetings.MAX_MINUTES)
        if st.form_submit_button(t("meetings.save", lang), type="primary"):
            saved(actions.write(lambda db: meetings.record_meeting(
                db, user.actor, plan_id, quarter, held_on, present, minutes, place)),
                "meeting", lang)


def edit_meeting(user: state.SignedIn, plan_id: int, meeting: meetings.MeetingView,
                 lang: str) -> None:
    """Correct the record, or delete it (not a meeting that locked its quarter)."""
    catalog = data.plan_catalog(user.id, plan_id)
    form = f"edit_meeting:{meeting.id}"
    with st.popover(t("meetings.edit", lang)), st.form(form, border=False):
        left, right = st.columns(2)
        held_on = left.date_input(t("meetings.date", lang), value=meeting.held_on,
                                  key=f"{form}:date", format=DATE_FORMATS[lang])
        place = right.text_input(t("meetings.place", lang), value=meeting.place,
                                 key=f"{form}:place", max_chars=meetings.MAX_PLACE)
        present = institution_picker(catalog, lang, f"{form}:present", list(meeting.present))
        minutes = st.text_area(t("meetings.minutes", lang), value=meeting.minutes,
                               key=f"{form}:minutes", max_chars=meetings.MAX_MINUTES)
        save, delete = st.columns(2)
        save_clicked = save.form_submit_button(t("meetings.save", lang), type="primary")
        delete_clicked = delete.form_submit_button(
            t("meetings.delete", lang), disabled=meeting.locked_quarter,
            help=t("meeting.locked_by_it", lang) if meeting.locked_quarter else None)
    if save_clicked:
        flash.after_write(actions.write(lambda db: meetings.update_meeting(
            db, user.actor, meeting.id, held_on=held_on, present=present, minutes=minutes,
            place=place)), PAGE, lang, "meetings.saved")
    if delete_clicked:
        flash.after_write(actions.write(lambda db: meetings.delete_meeting(
            db, user.actor, meeting.id)), PAGE, lang, "meetings.deleted")


def lock_button(user: state.SignedIn, plan_id: int, meeting: meetings.MeetingView,
                lang: str) -> None:
    """Locking stops every change to the quarter: it asks first, naming the quarter."""
    label = meeting.quarter.label(lang)
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
