"""A meeting's decisions on the meetings page: each one with the item it became, its edit and
delete, and the form that adds one (which may make it an existing or a new action item)."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from tracker.i18n import t
from tracker.quarters import Quarter
from tracker.services import meetings
from tracker.services.permissions import PageName
from tracker.services.plan_admin import PlanCatalog
from ui import actions, confirm, data, flash, navigation, state
from ui.accessibility import required_label
from ui.meeting_forms import PAGE, saved
from ui.text import md_t
from ui.widgets import kept_choice

QUOTED = 80  # characters of a decision quoted in the question that deletes it


@dataclass(frozen=True)
class _Fields:
    """What a decision's form holds."""

    text: str
    owner: str | None  # the acronym of the institution that carries it out
    due: Quarter | None


def _fields(catalog: PlanCatalog, lang: str, key: str,
            current: meetings.DecisionView | None = None) -> _Fields:
    names = dict(catalog.plan_institutions)
    owners = [None, *names]
    dues = [None, *[p.quarter for p in catalog.periods]]
    text = st.text_area(required_label("meetings.decision", lang), key=f"{key}:text",
                        value=current.text if current else "", max_chars=meetings.MAX_DECISION)
    left, right = st.columns(2)
    owner = left.selectbox(t("meetings.owner", lang), owners, key=f"{key}:owner",
                           index=owners.index(current.owner) if current
                           and current.owner in owners else 0,
                           format_func=lambda a: f"{a} · {names[a]}" if a else "—")
    due = kept_choice(right.selectbox, t("meetings.due", lang), dues, key=f"{key}:due",
                      lang=lang, in_form=True, labels=lambda q, lang: q.label(lang) if q else "—",
                      index=dues.index(current.due_quarter) if current
                      and current.due_quarter in dues else 0)
    return _Fields(text, owner, due)


def _refused(key: str) -> dict[str, str]:
    """The fields of decision form ``key`` that ``services.meetings`` names when it refuses
    them (by message key), those of the new item it may become among them."""
    return {"meeting.decision_text": f"{key}:text",
            "error.characters.decision.text": f"{key}:text",
            "meeting.not_in_plan": f"{key}:owner", "plan.field.lead": f"{key}:owner",
            "plan.field.code": f"{key}:code", "plan.field.code_taken": f"{key}:code",
            "error.characters.action_item.code": f"{key}:code",
            "plan.field.line": f"{key}:line"}


def add_decision_form(user: state.SignedIn, plan_id: int, meeting: meetings.MeetingView,
                      lang: str) -> None:
    catalog = data.plan_catalog(user.id, plan_id)
    items = {item_id: f"{code} · {title}" for item_id, code, title in catalog.items}
    lines = dict(catalog.lines)
    name = f"decision:{meeting.id}"
    token = actions.form_token(name)
    form = f"{name}:{token}"
    with st.form(form):
        values = _fields(catalog, lang, form)
        item = st.selectbox(t("meetings.became", lang), [None, *items], key=f"{form}:item",
                            format_func=lambda i: items[i] if i else "—")
        st.caption(t("meetings.new_item_help", lang))
        left, right = st.columns(2)
        code = left.text_input(t("meetings.new_item_code", lang), key=f"{form}:code")
        line = right.selectbox(t("chart.axis.line", lang), list(lines), key=f"{form}:line",
                               format_func=lambda c: f"{c} · {lines[c]}")
        if st.form_submit_button(t("meetings.add_decision", lang)):
            saved(actions.write(lambda db: meetings.add_decision(
                db, user.actor, meeting.id, values.text, owner=values.owner,
                due_quarter=values.due, item_id=item,
                new_item=meetings.NewItem(code, line or ""), token=token)), name, lang,
                _refused(form))
        flash.here(PAGE, name, lang)


def decision_card(user: state.SignedIn, plan_id: int, decision: meetings.DecisionView,
                  lang: str, *, after_delete: str | None = None) -> None:
    """One decision: what it says, the item it became (a link), edit and delete (which asks
    first; what it did is said at ``after_delete``, the place of its meeting)."""
    due = decision.due_quarter.label(lang) if decision.due_quarter else "—"
    st.markdown(md_t("meetings.decision_line", lang, text=decision.text,
                     owner=decision.owner or "—", due=due))
    if decision.item_id:
        navigation.view_link(PageName.ITEM, t("meetings.became_item", lang, item=decision.item),
                             plan_id, item=decision.item_id)
    with st.popover(t("meetings.edit_decision", lang)):
        catalog = data.plan_catalog(user.id, plan_id)
        form = f"edit_decision:{decision.id}"
        with st.form(form, border=False):
            values = _fields(catalog, lang, form, decision)
            save, delete = st.columns(2)
            save_clicked = save.form_submit_button(t("meetings.save_decision", lang),
                                                   type="primary")
            delete_clicked = delete.form_submit_button(t("meetings.delete_decision", lang))
        if save_clicked:
            flash.after_write(actions.write(lambda db: meetings.update_decision(
                db, user.actor, decision.id, values.text, owner=values.owner,
                due_quarter=values.due)), PAGE, lang, "meetings.saved", at=form,
                fields=_refused(form))
        _delete(user, decision, delete_clicked, after_delete, lang)
    flash.here(PAGE, form, lang)


def _delete(user: state.SignedIn, decision: meetings.DecisionView, pressed: bool,
            place: str | None, lang: str) -> None:
    """Deleting a decision asks first, quoting it (an item it became stays in the plan)."""
    quoted = decision.text if len(decision.text) <= QUOTED else decision.text[:QUOTED] + "…"
    question = md_t("meetings.confirm_delete_decision_item" if decision.item
                    else "meetings.confirm_delete_decision", lang, text=quoted,
                    item=decision.item or "")
    if confirm.confirmed(f"decision:delete:{decision.id}", pressed, question,
                         t("meetings.delete_decision_confirm", lang), lang):
        flash.after_write(actions.write(lambda db: meetings.delete_decision(
            db, user.actor, decision.id)), PAGE, lang, "meetings.deleted_decision",
            at=place, text=quoted)
