"""The overview's filters (countries, lead institutions, strategic lines), kept in the
address."""

from __future__ import annotations

import streamlit as st

from tracker.i18n import t
from tracker.metrics import Filters
from tracker.services.figures import PlanChoice
from ui import address, data
from ui.state import SignedIn


def overview_filters(user: SignedIn, plan: PlanChoice, lang: str) -> Filters:
    choices = data.filter_choices(user.id, plan.id)
    lines = dict(choices.lines)
    cols = st.columns(3)
    with cols[0]:
        countries = address.multiselect(t("overview.countries", lang), choices.countries,
                                        name="country",
                                        placeholder=t("overview.all_countries", lang))
    with cols[1]:
        institutions = address.multiselect(t("overview.institutions", lang),
                                           choices.institutions, name="institution",
                                           placeholder=t("overview.all_institutions", lang))
    with cols[2]:
        chosen_lines = address.multiselect(t("overview.lines", lang), list(lines), name="line",
                                           format_func=lambda c: f"{c} · {lines[c]}",
                                           placeholder=t("overview.all_lines", lang))
    return Filters(tuple(countries), tuple(institutions), tuple(chosen_lines))
