"""History: every recorded event of a plan, filterable, with before → after in words, and
its CSV (coordinators and admins)."""

import streamlit as st

from tracker.i18n import t
from tracker.services import activity
from tracker.services.figures import PlanChoice
from tracker.services.permissions import PageName, Permission
from ui import data, navigation, state
from ui.downloads import table_csv
from ui.history import table
from ui.tables import wrapped_table
from ui.widgets import kept_choice, plan_picker, plans_for


def _filters(plan: PlanChoice, lang: str) -> activity.ActivityFilters:
    catalog = data.plan_catalog(state.require_user().id, plan.id)
    items = {i: f"{code} · {title}" for i, code, title in catalog.items}
    cols = st.columns(4)
    # the values, shown in the language: a language switch keeps each choice (issue 26)
    kind = kept_choice(cols[0].selectbox, t("activity.kind", lang), [None, *activity.KINDS],
                       key="act:kind", lang=lang,
                       labels=lambda k, lang: t(f"activity.kind.{k}", lang) if k
                       else t("activity.all_kinds", lang))
    institution = kept_choice(cols[1].selectbox, t("activity.institution", lang),
                              [None, *dict(catalog.plan_institutions)], key="act:inst",
                              lang=lang,
                              labels=lambda a, lang: a or t("overview.all_institutions", lang))
    quarter = kept_choice(cols[2].selectbox, t("activity.quarter", lang),
                          [None, *plan.quarters], key="act:quarter", lang=lang,
                          labels=lambda q, lang: q.label(lang) if q
                          else t("activity.all_quarters", lang))
    item = kept_choice(cols[3].selectbox, t("activity.item", lang), [None, *items],
                       key="act:item", lang=lang,
                       labels=lambda i, lang: items[i] if i else t("activity.all_items", lang))
    return activity.ActivityFilters(institution=institution, item_id=item, quarter=quarter,
                                    kind=kind)


def render() -> None:
    user = state.require_user()
    lang = state.language(user)
    st.title(t("activity.title", lang))
    st.caption(t("activity.intro", lang))
    choices = plans_for(user, lang, Permission.MANAGE_PLAN)
    if not choices:
        return
    plan = plan_picker(choices, lang, key=navigation.plan_param(PageName.ACTIVITY))
    if plan is None:
        return
    found = data.plan_activity(user.id, plan.id, _filters(plan, lang), lang)
    people = sorted({e.who for e in found.events if e.who})
    person = kept_choice(st.selectbox, t("activity.person", lang), [None, *people],
                         key="act:person", lang=lang,
                         labels=lambda p, lang: p or t("activity.all_people", lang))
    events = tuple(e for e in found.events if person is None or e.who == person)
    if not events:
        st.info(t("activity.none", lang))
        return
    frame = table(events, lang, found.time_zone)
    wrapped_table(frame)  # before → after wraps in its cell, never cut at the right
    if found.more:
        st.caption(t("activity.more", lang, count=found.more))
    table_csv(frame, t("activity.csv", lang), t("activity.csv_file", lang, plan=plan.name),
              key="act:csv")
