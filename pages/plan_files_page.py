"""Plan files: the import template, the plan's workbook and CSVs, and checked imports."""

import streamlit as st

from tracker.i18n import t
from ui import state
from ui.new_plan_form import new_plan_form
from ui.plan_downloads import downloads
from ui.plan_import import import_form


def render() -> None:
    user = state.require_user()
    lang = state.language(user)
    st.title(t("files.title", lang))
    import_form(user, lang)
    new_plan_form(user, lang)
    st.divider()
    downloads(user, lang)
