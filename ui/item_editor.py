"""Plan management's item editor: choose an item (or a new one), edit it in a form that keeps
what was typed, archive or restore it; a stale save shows the other person's values."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from tracker.i18n import t
from tracker.quarters import Quarter, QuarterError
from tracker.services import plan_admin
from tracker.services.plan_admin import ItemFields, PlanCatalog
from ui import actions, confirm, data, flash, state
from ui.accessibility import required_label
from ui.plan_tabs import PAGE
from ui.text import md_t
from ui.widgets import PLAIN_NUMBER, forget_form

NEW = 0

# the fields of the item form ``plan_admin.save_item`` names when it refuses them (by message
# key, the field's name in the form's widget keys ``<form>:<name>``); a quarter typed wrong is
# the first of the two that reads as no quarter (``_refused_field``)
REFUSED = {"plan.field.code": "code", "plan.field.code_taken": "code",
           "error.characters.action_item.code": "code",
           "plan.field.title": "title", "error.characters.action_item.title": "title",
           "plan.field.description": "description",
           "error.characters.action_item.description": "description",
           "error.characters.action_item.indicator": "indicator",
           "error.characters.action_item.unit": "unit",
           "plan.field.weight": "weight", "plan.field.lead": "lead",
           "plan.field.supporters": "support", "plan.field.line": "line"}


def _refused_fields(outcome: actions.Outcome, form: str) -> dict[str, str]:
    """The refusal's message key and the widget key of the field of form ``form`` it names
    (for ``flash.after_write``); nothing when it names none."""
    key = getattr(outcome.error, "key", "")
    name = REFUSED.get(key)
    if key == "plan.field.quarter":
        for which in ("start", "due"):
            try:
                Quarter.parse(str(st.session_state.get(f"{form}:{which}", "")))
            except QuarterError:
                name = which
                break
    return {key: f"{form}:{name}"} if name else {}

def _item_form(catalog: PlanCatalog, current: ItemFields | None, key: str,
               lang: str) -> Callable[[], ItemFields]:
    """The form's widgets; the item they describe is read when saved (the quarters are
    typed text, refused in words by the service when they are no quarter)."""
    acronyms = [a for a, _n, _c in catalog.institutions]
    codes = [c for c, _n in catalog.lines]
    lines = dict(catalog.lines)
    c = current
    code = st.text_input(required_label("plan.code", lang), value=c.code if c else "",
                         key=f"{key}:code")
    title = st.text_input(required_label("plan.title", lang), value=c.title if c else "",
                          key=f"{key}:title")
    description = st.text_area(t("plan.description", lang), value=c.description if c else "",
                               key=f"{key}:description")
    line = st.selectbox(t("chart.axis.line", lang), codes, key=f"{key}:line",
                        index=codes.index(c.line) if c and c.line in codes else 0,
                        format_func=lambda code_: f"{code_} · {lines[code_]}")
    left, right = st.columns(2)
    lead = left.selectbox(t("chart.axis.institution", lang), acronyms, key=f"{key}:lead",
                          index=acronyms.index(c.lead) if c else 0)
    supporters = right.multiselect(t("plan.supporters", lang), acronyms, key=f"{key}:support",
                                   default=list(c.supporters) if c else [],
                                   placeholder=t("form.choose_some", lang))
    start = left.text_input(required_label("plan.start", lang),
                            value=str(c.start_quarter) if c else "", key=f"{key}:start",
                            placeholder="2026-Q1")
    due = right.text_input(required_label("plan.due", lang),
                           value=str(c.due_quarter) if c else "", key=f"{key}:due",
                           placeholder="2026-Q4")
    indicator = left.text_input(t("plan.indicator", lang), value=(c.indicator or "") if c
                                else "", key=f"{key}:indicator")
    unit = right.text_input(t("plan.unit", lang), value=(c.unit or "") if c else "",
                            key=f"{key}:unit")
    baseline = left.number_input(t("plan.baseline", lang), min_value=0.0, key=f"{key}:base",
                                 value=c.baseline if c else None, format=PLAIN_NUMBER)
    target = right.number_input(t("plan.target", lang), min_value=0.0, key=f"{key}:target",
                                value=c.target if c else None, format=PLAIN_NUMBER)
    weight = left.number_input(t("plan.weight", lang), min_value=0.1, max_value=1000.0,
                               value=c.weight if c else 1.0, key=f"{key}:weight",
                               format=PLAIN_NUMBER)
    return lambda: ItemFields(code, title, description, line, lead, tuple(supporters),
                              plan_admin.form_quarter(start), plan_admin.form_quarter(due),
                              indicator, unit, baseline, target, weight)


def items_tab(user: state.SignedIn, plan_id: int, catalog: PlanCatalog, lang: str) -> None:
    labels: dict[int, str] = {NEW: t("plan.new_item", lang)} | {
        item_id: f"{code} · {title}" + (f" ({t('plan.archived', lang)})"
                                        if item_id in catalog.archived else "")
        for item_id, code, title in catalog.items}
    item_id = st.selectbox(t("item.choose", lang), list(labels), key="edit:item",
                           format_func=lambda option: labels[option])
    stored = data.item_fields(user.id, item_id) if item_id else None  # (fields, version)
    current, version = stored if stored is not None else (None, None)
    # A stable key: the form keeps what was typed, whoever else saves meanwhile; the version
    # it was read at goes with it, so a stale save is refused, never lost. Its token changes
    # with this person's own save only: a second press of the form saved is no second save.
    token = actions.form_token(f"item:{item_id}")
    form = f"item:{item_id}:{token}"
    seen = st.session_state.setdefault(f"{form}:seen", version)
    with st.form(form):
        fields = _item_form(catalog, current, form, lang)
        saved = st.form_submit_button(t("plan.save_item", lang), type="primary")
    if saved:
        outcome = actions.write(lambda db: plan_admin.save_item(
            db, user.actor, plan_id, fields(), item_id=item_id or None, expected_version=seen,
            token=token))
        if outcome.ok:
            actions.spend(f"item:{item_id}")  # a new form: the stored item again
        elif getattr(outcome.error, "key", "") == "plan.item_changed":
            st.rerun()  # theirs, read afresh (their save moved the plan's generation), beside ours
        flash.after_write(outcome, PAGE, lang, "plan.saved", at="item",
                          fields=_refused_fields(outcome, form))
    flash.here(PAGE, "item", lang)
    if stored is not None and seen != version:
        theirs, their_version = stored
        _stale_item(form, theirs, their_version, lang)
    if item_id and current is not None:
        _archive(user, item_id, current, item_id in catalog.archived, lang)


def _archive(user: state.SignedIn, item_id: int, current: ItemFields, archived: bool,
             lang: str) -> None:
    """Archiving takes the item out of the figures, the forms and the deck: it asks first,
    naming the item; restoring runs at once."""
    names: dict[str, Any] = {"code": current.code, "title": current.title}
    pressed = st.button(t("plan.restore" if archived else "plan.archive", lang),
                        key="edit:archive")
    if archived:
        go = pressed
    else:
        go = confirm.confirmed(f"edit:archive:{item_id}", pressed,
                               md_t("plan.confirm_archive", lang, **names),
                               md_t("plan.archive_item", lang, **names), lang)
    if go:
        flash.after_write(actions.write(lambda db: plan_admin.archive_item(
            db, user.actor, item_id, not archived)), PAGE, lang,
            "plan.restored" if archived else "plan.archived_item", at="archive", **names)
    flash.here(PAGE, "archive", lang)


def _shown(value: object) -> str:
    if isinstance(value, tuple | list):
        return ", ".join(map(str, value)) or "—"
    return "—" if value is None or value == "" else str(value)


def _stale_item(form: str, current: ItemFields, version: int, lang: str) -> None:
    """Someone saved the item after this form read it: their values beside the person's."""
    st.warning(t("plan.item_stale", lang))
    st.dataframe(pd.DataFrame([(t(f"field.{name}", lang), _shown(getattr(current, name)))
                               for name in ItemFields.__dataclass_fields__],
                              columns=[t("form.their_field", lang), t("form.their_value", lang)]),
                 hide_index=True)
    keep, take = st.columns(2)
    if keep.button(t("plan.keep_mine", lang), key=f"{form}:keep", type="primary"):
        st.session_state[f"{form}:seen"] = version  # the next save goes on top of theirs
        st.rerun()
    if take.button(t("form.take_theirs", lang), key=f"{form}:take"):
        forget_form(form)  # the form shows the stored item again
        st.rerun()

