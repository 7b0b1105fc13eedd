"""The meetings page's forms for a meeting: record one, correct or delete one, and lock the
quarter it evaluated (asking first). A form that saved starts empty on the next run, under a
new token (``ui.actions.form_token``): a second press of the form it replaced writes nothing."""

from __future__ import annotations

from datetime import date
from typing import Any

import streamlit as st

from tracker.i18n import day, plural, plural_key, t
from tracker.quarters import Quarter
from tracker.services import lifecycle, meetings
from tracker.services.figures import PlanChoice
from tracker.services.plan_admin import PlanCatalog
from ui import actions, confirm, data, flash, state
from ui.accessibility import required_label
from ui.text import md_t
from ui.widgets import DATE_FORMATS, kept_choice

PAGE = "meetings"
LIST = "list"  # the place of what happened to a meeting no longer listed


def saved(outcome: flash.Written, form: str, lang: str,
          fields: dict[str, str] | None = None) -> None:
    """Flash (next to the form's button: ``flash.here(PAGE, form)``) on success, the form
    drawn afresh under a new token; keep what was typed and say why otherwise, marking the
    field the refusal names (``fields``)."""
    if outcome.error is None:  # ``outcome.ok``
        actions.spend(form)
    flash.after_write(outcome, PAGE, lang, "meetings.saved", at=form, fields=fields)


def meeting_fields(form: str) -> dict[str, str]:
    """The fields of a meeting's form (its widget keys ``<form>:…``) that
    ``services.meetings`` names when it refuses them (by message key)."""
    return {"meeting.no_attendee": f"{form}:present", "meeting.not_in_plan": f"{form}:present",
            "meeting.place_too_long": f"{form}:place",
            "error.characters.meeting.place": f"{form}:place",
            "meeting.minutes_too_long": f"{form}:minutes",
            "error.characters.meeting.minutes": f"{form}:minutes"}


def institution_picker(catalog: PlanCatalog, lang: str, key: str,
                       default: list[str] | None = None) -> list[str]:
    names = dict(catalog.plan_institutions)
    return st.multiselect(required_label("meetings.present", lang), list(names), key=key,
                          default=default, format_func=lambda a: f"{a} · {names[a]}",
                          placeholder=t("form.choose_some", lang))


def record_form(user: state.SignedIn, plan: PlanChoice, lang: str) -> None:
    """A new meeting, opening on the quarter under evaluation."""
    plan_id = plan.id
    catalog = data.plan_catalog(user.id, plan_id)
    quarters, default = meetings.meeting_quarters(catalog.periods, plan.under_evaluation)
    token = actions.form_token("meeting")
    form = f"meeting:{token}"
    with st.form(form):
        st.header(t("meetings.record", lang))
        quarter = kept_choice(st.selectbox, t("meetings.quarter", lang), quarters,
                              key=f"{form}:quarter", lang=lang, labels=Quarter.label,
                              in_form=True,
                              index=quarters.index(default) if default is not None else None)
        left, right = st.columns(2)
        held_on = left.date_input(t("meetings.date", lang), value=date.today(),
                                  key=f"{form}:date", format=DATE_FORMATS[lang])
        place = right.text_input(t("meetings.place", lang), key=f"{form}:place",
                                 max_chars=meetings.MAX_PLACE)
        present = institution_picker(catalog, lang, f"{form}:present")
        minutes = st.text_area(t("meetings.minutes", lang), key=f"{form}:minutes",
                               max_chars=meetings.MAX_MINUTES)
        if st.form_submit_button(t("meetings.save", lang), type="primary"):
            # the box opens on a quarter whenever it offers any (meeting_quarters)
            assert quarter is not None
            saved(actions.write(lambda db: meetings.record_meeting(
                db, user.actor, plan_id, quarter, held_on, present, minutes, place,
                token=token)), "meeting", lang, meeting_fields(form))
        flash.here(PAGE, "meeting", lang)


def edit_meeting(user: state.SignedIn, plan_id: int, meeting: meetings.MeetingView,
                 lang: str) -> None:
    """Correct the record, or delete it (not a meeting that locked its quarter)."""
    catalog = data.plan_catalog(user.id, plan_id)
    form = f"edit_meeting:{meeting.id}"
    with (popover := st.popover(t("meetings.edit", lang))), st.form(form, border=False):
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
            place=place)), PAGE, lang, "meetings.saved", fields=meeting_fields(form),
            # a new date is a new title: its expander is drawn anew, closed
            at=form if held_on == meeting.held_on else LIST)
    with popover:
        _delete_meeting(user, meeting, delete_clicked, lang)
    flash.here(PAGE, form, lang)


def _delete_meeting(user: state.SignedIn, meeting: meetings.MeetingView, pressed: bool,
                    lang: str) -> None:
    """Deleting asks first, naming the meeting and how many decisions go with it; the
    outcome is said above the meetings (this one is gone)."""
    count = len(meeting.decisions)
    names: dict[str, Any] = {"date": day(meeting.held_on, lang),
                             "quarter": meeting.quarter.label(lang), "count": count}
    question = plural("meetings.confirm_delete", lang, count, **names) if count else t(
        "meetings.confirm_delete_empty", lang, **names)
    done = plural_key("meetings.deleted_meeting", lang, count) if count else (
        "meetings.deleted_meeting_empty")
    if confirm.confirmed(f"meeting:delete:{meeting.id}", pressed, question,
                         t("meetings.delete_this", lang, **names), lang):
        flash.after_write(actions.write(lambda db: meetings.delete_meeting(
            db, user.actor, meeting.id)), PAGE, lang, done, at=LIST, **names)


def lock_button(user: state.SignedIn, plan_id: int, meeting: meetings.MeetingView,
                plan_name: str, lang: str) -> None:
    """Locking stops every change to the quarter: it asks first, naming the quarter."""
    names: dict[str, Any] = {"quarter": meeting.quarter.label(lang), "plan": plan_name}
    key = f"lock:{meeting.id}"
    pressed = st.button(md_t("meetings.lock", lang, **names), key=key, type="primary")
    if confirm.confirmed(key, pressed, md_t("lifecycle.confirm_lock", lang, **names),
                         md_t("meetings.lock_confirm", lang, **names), lang):
        outcome = actions.write(lambda db: lifecycle.lock_quarter(
            db, user.actor, plan_id, meeting.quarter, meeting.id, confirm=meeting.quarter))
        flash.after_write(outcome, PAGE, lang, "meetings.locked", at=f"edit_meeting:{meeting.id}",
                          **names)
