"""Small reusable widgets; each keeps its value in the URL so a refresh or a link keeps it."""

from __future__ import annotations

import streamlit as st

from tracker.i18n import t
from tracker.quarters import Quarter
from tracker.services.figures import PlanChoice
from tracker.settings import LANGUAGES

LANGUAGE_NAMES = {"es": "Español", "en": "English"}


def _remember_language(key: str) -> None:
    st.query_params["lang"] = st.session_state[key]


def language_switch(lang: str, key: str = "language_switch") -> None:
    """Shows ``lang`` (URL, else the user's preference, else the default); a choice goes to
    the URL, so it survives a refresh and a shared link."""
    st.session_state[key] = lang
    st.segmented_control(t("app.language", lang), LANGUAGES, key=key, required=True,
                         format_func=LANGUAGE_NAMES.__getitem__,
                         on_change=_remember_language, args=(key,))


def plan_picker(choices: list[PlanChoice], lang: str, key: str = "plan") -> PlanChoice:
    by_id = {choice.id: choice for choice in choices}
    chosen = st.selectbox(t("overview.plan", lang), list(by_id), key=key,
                          format_func=lambda plan_id: by_id[plan_id].name,
                          bind="query-params")
    return by_id[chosen if chosen in by_id else choices[0].id]


def quarter_picker(plan: PlanChoice, lang: str, key: str = "quarter") -> str:
    """A quarter of the plan; opens on the plan's open quarter (or latest with reports)."""
    options = list(plan.quarters)
    chosen = st.selectbox(t("overview.quarter", lang), options, key=key,
                          index=options.index(plan.default_quarter),
                          format_func=lambda q: Quarter.parse(q).label(lang),
                          bind="query-params")
    return chosen or plan.default_quarter
