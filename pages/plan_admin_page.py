"""Plan management: reporting periods, action items, strategic lines and institutions."""

import streamlit as st

from tracker.i18n import t
from tracker.services.permissions import PageName, Permission
from ui import data, flash, navigation, state
from ui.item_editor import items_tab
from ui.plan_tabs import PAGE, lines_and_institutions_tab, periods_tab
from ui.widgets import plan_picker, plans_for


def render() -> None:
    user = state.require_user()
    lang = state.language(user)
    st.title(t("plan.title_page", lang))
    flash.show(PAGE, lang)
    choices = plans_for(user, lang, Permission.MANAGE_PLAN)
    if not choices:
        return
    plan = plan_picker(choices, lang, key=navigation.plan_param(PageName.PLAN_ADMIN))
    if plan is None:
        return
    catalog = data.plan_catalog(user.id, plan.id)
    periods, items, others = st.tabs([t("plan.tab.periods", lang), t("plan.tab.items", lang),
                                      t("plan.tab.lines", lang)])
    with periods:
        periods_tab(user, plan.id, plan.name, catalog, lang)
    with items:
        items_tab(user, plan.id, catalog, lang)
    with others:
        lines_and_institutions_tab(user, plan.id, catalog, lang)
