"""An item: its figures quarter by quarter, and every version of every institution's report."""

import streamlit as st

from tracker.i18n import day, t
from tracker.services.permissions import PageName, Permission
from ui import address, data, flash, navigation, state
from ui.downloads import table_csv
from ui.history import table as activity_table
from ui.item_views import facts, figures_table, history_table
from ui.report_correction import correction
from ui.report_form import PAGE as REPORT_PAGE
from ui.text import md, md_t
from ui.widgets import plan_picker, plans_for


def render() -> None:
    user = state.require_user()
    lang = state.language(user)
    st.title(t("item.title", lang))
    choices = plans_for(user, lang)
    if not choices:
        return
    plan = plan_picker(choices, lang)
    if plan is None:
        return
    items = {choice.id: choice for choice in data.item_choices(user.id, plan.id)}
    if not items:
        st.info(t("item.none", lang))
        return
    # an item of another plan (or none the person may read) is refused, never replaced
    item_id = address.select(t("item.choose", lang), list(items), name=address.ITEM,
                             default=next(iter(items)),
                             refusal=address.refuse_item(lang, plan.name),
                             format_func=lambda i: f"{items[i].code} · {items[i].title}",
                             placeholder=address.choose(lang))
    if item_id is None:
        return
    detail = data.item_detail(user.id, item_id)
    st.header(md(f"{detail.code} · {detail.title}"))
    if detail.origin:
        st.info(md_t("item.from_decision", lang, date=day(detail.origin.held_on, lang),
                     quarter=detail.origin.quarter.label(lang),
                     decision=detail.origin.decision))
        navigation.view_link(PageName.MEETINGS, t("item.to_meetings", lang), plan.id)
    facts(detail, lang)
    st.subheader(t("item.by_quarter", lang))
    st.dataframe(figures_table(detail, lang), hide_index=True)
    st.subheader(t("item.history", lang))
    history = history_table(detail, lang, plan.time_zone)
    st.dataframe(history, hide_index=True)
    table_csv(history, t("item.history_csv", lang),
              t("item.history_file", lang, code=detail.code), key="item:history_csv")
    if user.actor.can(Permission.CORRECT_REPORTS, plan.id):
        correction(user, plan, detail, lang)
        flash.leftovers(REPORT_PAGE, lang)  # a correction whose form is gone
    st.subheader(t("item.changes", lang))
    changes = data.item_activity(user.id, item_id, lang)
    st.dataframe(activity_table(changes.events, lang, changes.time_zone),
                 hide_index=True)
