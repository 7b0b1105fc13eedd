"""Entry point: page config, sign-in gate, language switch, navigation by role."""

import streamlit as st

from pages import overview_page, sign_in_page
from tracker.i18n import t
from ui import state
from ui.widgets import language_switch

st.set_page_config(page_title="Joint Work Plan Tracker", page_icon="📊", layout="wide")

user = state.current_user()
lang = state.language(user)

with st.sidebar:
    state.deliver_cookie()
    language_switch(lang)
    if user is not None:
        st.caption(t("app.signed_in_as", lang, name=user.name))
        st.button(t("app.sign_out", lang), key="sign_out", on_click=state.sign_out)

# Pages are functions, not scripts: Streamlit's legacy pages/ discovery runs scripts found in
# pages/ directly (skipping this gate) on a server's first run; a module that only defines
# render() runs nothing there, and the url paths below differ from the file names.
if user is None:
    pages = [st.Page(sign_in_page.render, title=t("nav.sign_in", lang), icon="🔑",
                     url_path="sign-in", default=True)]
else:
    pages = [st.Page(overview_page.render, title=t("nav.overview", lang), icon="📊",
                     url_path="overview", default=True)]

st.navigation(pages).run()
