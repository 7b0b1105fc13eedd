"""Review: coordinators approve the quarter's submitted reports or return them with a comment."""

import streamlit as st

from tracker.i18n import t
from tracker.services.permissions import Permission
from ui import data, flash, state
from ui.missing_reports import missing, remind
from ui.review_panels import waiting
from ui.widgets import plan_and_quarter, plans_for


def render() -> None:
    user = state.require_user()
    lang = state.language(user)
    st.title(t("review.title", lang))
    flash.show("review", lang)
    choices = plans_for(user, lang, Permission.APPROVE_REPORTS)
    if not choices:
        return
    shown = plan_and_quarter(choices, lang, under_evaluation=True)
    if shown is None:
        return
    plan, quarter = shown
    if not user.actor.can(Permission.FOLLOW_UP_REPORTS, plan.id):  # approving only
        waiting(user, data.awaiting_review(user.id, plan.id, quarter), lang,
                plan.time_zone)
        return
    # keyed, so that a button in the second tab does not bring the first one back
    waiting_tab, missing_tab = st.tabs([t("review.tab.waiting", lang),
                                        t("review.tab.missing", lang)], key="review:tab")
    with waiting_tab:
        waiting(user, data.awaiting_review(user.id, plan.id, quarter), lang,
                plan.time_zone)
    with missing_tab:
        dues = data.missing_for(user.id, plan.id, quarter)
        missing(dues, lang)
        if dues:
            remind(user, plan.id, quarter, lang)
