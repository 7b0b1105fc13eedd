"""A new plan made from a form (no workbook needed), to be filled in on plan management."""

from __future__ import annotations

import streamlit as st

from tracker import rules
from tracker.i18n import t
from tracker.quarters import Quarter, QuarterError
from tracker.services import plans
from tracker.services.permissions import PageName
from ui import actions, flash, navigation, state
from ui.accessibility import required_label
from ui.text import md_t

# the fields ``plans.new_plan`` names when it refuses them (by message key); a quarter typed
# wrong is the first of the two that reads as no quarter (``_refused_field``)
REFUSED = {"plan.field.plan_name": "newplan:name", "plan.name_taken": "newplan:name",
           "error.characters.plan.name": "newplan:name",
           "error.characters.plan.commission": "newplan:commission"}


def _refused_field(error: object, first: str, last: str) -> str | None:
    if getattr(error, "key", None) == "plan.field.quarter":
        for key, typed in (("newplan:first", first), ("newplan:last", last)):
            try:
                Quarter.parse(typed)
            except QuarterError:
                return key
    return flash.field_of(error, REFUSED)


def new_plan_form(user: state.SignedIn, lang: str) -> None:
    """A plan made from a form, to be filled in on plan management (no workbook needed)."""
    if not user.actor.can_create_plans:
        return
    token = actions.form_token("new_plan")  # in the form's key: pressed twice, one plan
    with st.expander(t("files.new_plan", lang)), st.form(f"new_plan:{token}"):
        name = st.text_input(required_label("files.plan_name", lang), key="newplan:name",
                             max_chars=rules.limit("plan", "name"))
        commission = st.text_input(t("files.commission", lang), key="newplan:commission",
                                   max_chars=rules.limit("plan", "commission"))
        left, middle, right = st.columns(3)
        first = left.text_input(required_label("files.first_quarter", lang),
                                key="newplan:first", placeholder="2026-Q1")
        last = middle.text_input(required_label("files.last_quarter", lang),
                                 key="newplan:last", placeholder="2027-Q4")
        month = right.number_input(t("files.fiscal_month", lang), 1, 12, 1, key="newplan:month")
        if st.form_submit_button(t("files.create_plan", lang), type="primary"):
            outcome = actions.write(lambda db: plans.new_plan(
                db, user.actor, name=name, commission=commission, first=first, last=last,
                fiscal_year_start_month=int(month), token=token))
            if outcome.error is None:  # ``outcome.ok``, which mypy cannot follow
                assert outcome.value is not None  # new_plan returns the plan
                actions.spend("new_plan")
                flash.say(st.success, md_t("files.plan_created", lang, plan=outcome.value.name),
                          "newplan:created")
                navigation.link(PageName.GETTING_STARTED, t("files.next_steps", lang))
            else:
                flash.refused(state.message(outcome.error, lang), "plan_files", "new_plan",
                              field=_refused_field(outcome.error, first, last))
