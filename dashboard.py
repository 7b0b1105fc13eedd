"""Entry point: page config, sign-in gate, language switch, navigation by role."""

import streamlit as st

from tracker.i18n import t
from ui import state
from ui.widgets import language_switch

st.set_page_config(page_title="Joint Work Plan Tracker", page_icon="📊", layout="wide")

user = state.current_user()
lang = state.language(user)

with st.sidebar:
    language_switch(lang)
    if user is not None:
        st.caption(t("app.signed_in_as", lang, name=user.name))
        if st.button(t("app.sign_out", lang), key="sign_out"):
            state.sign_out()
            st.rerun()

if user is None:
    pages = [st.Page("pages/sign_in.py", title=t("nav.sign_in", lang), icon="🔑",
                     url_path="sign-in", default=True)]
else:
    pages = [st.Page("pages/overview.py", title=t("nav.overview", lang), icon="📊",
                     url_path="overview", default=True)]

st.navigation(pages).run()
