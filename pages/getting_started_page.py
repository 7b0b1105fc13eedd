"""Getting started: a plan's steps from import to its first review deck, ticked as they are
done, each with a link to where it is done (coordinators and admins)."""

from datetime import date

import streamlit as st

from tracker.i18n import day, t
from tracker.quarters import Quarter
from tracker.services.permissions import PageName, Permission
from tracker.services.setup import Checklist, Step
from ui import data, navigation, state
from ui.text import md_t
from ui.widgets import plan_picker, plans_for


def _values(step: Step, lang: str) -> dict[str, object]:
    values = dict(step.values)
    quarter, deadline = values.get("quarter"), values.get("deadline")
    if isinstance(quarter, Quarter):
        values["quarter"] = quarter.label(lang)
    if "deadline" in values:
        values["deadline"] = day(deadline, lang) if isinstance(deadline, date) else "—"
    return values


def _step(step: Step, number: int, plan_id: int, lang: str) -> None:
    mark = ":material/check_circle:" if step.done else ":material/radio_button_unchecked:"
    state_word = t("setup.done" if step.done else "setup.to_do", lang)
    late = "_late" if step.values.get("late") else ""  # the deadline passed: say so
    label = md_t(f"setup.step.{step.key}{late}", lang, **_values(step, lang))
    st.markdown(f"{mark} **{number}. {label}** · {state_word}")
    navigation.view_link(step.page, t(f"setup.go.{step.key}", lang), plan_id)


def _focal_points(checklist: Checklist, lang: str) -> None:
    """One link per institution still without a focal point: the account form, prefilled."""
    for acronym, name in checklist.without_focal_point:
        navigation.link(PageName.ACCOUNTS, t("setup.add_focal_point", lang,
                                             acronym=acronym, name=name),
                        institution=acronym, plan=str(checklist.plan_id))


def render() -> None:
    user = state.require_user()
    lang = state.language(user)
    st.title(t("setup.title", lang))
    choices = plans_for(user, lang, Permission.MANAGE_PLAN)
    if not choices:
        return
    plan = plan_picker(choices, lang, key=navigation.plan_param(PageName.GETTING_STARTED))
    if plan is None:
        return
    checklist = data.setup_checklist(user.id, plan.id)
    st.caption(t("setup.intro", lang, quarter=checklist.quarter.label(lang)))
    if checklist.complete:
        st.success(t("setup.complete", lang))
    for number, step in enumerate(checklist.steps, 1):
        with st.container(border=True):
            _step(step, number, plan.id, lang)
            if step.key == "focal_points":
                _focal_points(checklist, lang)
