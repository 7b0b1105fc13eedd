"""Sign-in page; in demo mode it lists the demo accounts and their shared password."""

import pandas as pd
import streamlit as st

from tracker.demo import demo_accounts
from tracker.i18n import t
from tracker.services.auth import SignInRefused
from tracker.settings import DEMO_PASSWORD, get_settings
from ui import state
from ui.text import md_t


def _demo_accounts(lang: str) -> None:
    """Demo mode only: the demo accounts and their shared password."""
    st.divider()
    st.header(t("signin.demo_title", lang), anchor=False)
    st.info(t("signin.demo_notice", lang, password=f"`{DEMO_PASSWORD}`"))
    st.dataframe(
        pd.DataFrame(
            [(email, t(f"role.{role}", lang), institution or "—")
             for email, _name, role, institution in demo_accounts()],
            columns=[t("signin.demo_account", lang), t("signin.demo_role", lang),
                     t("signin.demo_institution", lang)],
        ),
        hide_index=True,
    )


def _identity_provider(lang: str) -> None:
    """Sign-in through the institution's identity provider (OIDC, ``st.login``)."""
    refused = st.session_state.pop(state.OIDC_REFUSED_KEY, None)
    if refused:
        st.error(md_t("signin.no_account", lang, email=refused))
        if st.button(t("app.sign_out", lang), key="oidc_sign_out"):
            st.logout()
        return
    st.button(t("signin.with_provider", lang), key="oidc_sign_in", on_click=st.login,
              icon=":material/badge:")


def render() -> None:
    lang = state.language()
    st.title(t("app.title", lang), anchor=False)
    st.caption(t("app.caption", lang))

    with st.form("sign_in", border=True, width=480):
        st.header(t("signin.title", lang), anchor=False)
        email = st.text_input(t("signin.email", lang), key="email", autocomplete="username")
        password = st.text_input(t("signin.password", lang), type="password", key="password",
                                 autocomplete="current-password")
        submitted = st.form_submit_button(t("signin.submit", lang), type="primary")

    if submitted:
        try:
            state.sign_in(email, password)
        except SignInRefused as refusal:
            st.error(state.message(refusal, lang))
        else:
            st.rerun()

    if state.oidc_enabled():
        _identity_provider(lang)
    if get_settings().demo_mode:
        _demo_accounts(lang)
