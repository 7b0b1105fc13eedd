"""Overview: the quarter's figures with filters, charts, drill-down and each chart's data."""

import streamlit as st

from tracker.i18n import t
from tracker.services.permissions import PageName
from ui import accessibility, data, navigation, state
from ui.overview_charts import sections
from ui.overview_filters import overview_filters
from ui.overview_headline import bucket_tiles, headline_metrics
from ui.widgets import plan_and_quarter, plans_for


def render() -> None:
    user = state.require_user()
    lang = state.language(user)
    st.title(t("overview.title", lang))
    choices = plans_for(user, lang)
    if not choices:
        return
    shown = plan_and_quarter(choices, lang)
    if shown is None:
        return
    plan, quarter = shown
    if quarter in plan.locked_quarters:  # live figures; the meeting saw its snapshot
        st.info(t("overview.locked_live", lang, quarter=quarter.label(lang)))
        navigation.view_link(PageName.PRESENTATION, t("overview.as_presented", lang),
                             plan.id, quarter=quarter)
    filters = overview_filters(user, plan, lang)
    view = data.overview(user.id, plan.id, quarter, filters)
    if view.headline.items_in_scope == 0:
        st.info(t("overview.nothing_in_scope", lang))
    headline_metrics(view.headline, lang)
    st.header(t("overview.buckets", lang))
    bucket_tiles(view.headline, lang)
    summaries = data.overview_summaries(user.id, plan.id, quarter, filters, lang)
    sections(view, plan.id, data.overview_charts(user.id, plan.id, quarter, filters, lang),
             summaries, lang,
             lambda lead: data.drill_down(user.id, plan.id, quarter, filters, lang, lead))
    accessibility.name_charts(summaries)  # each chart's accessible name: its summary
