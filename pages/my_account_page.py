"""My account: change my password and my preferred language."""

import streamlit as st

from tracker.i18n import t
from tracker.services import accounts
from tracker.settings import LANGUAGES
from ui import actions, state
from ui.text import md
from ui.widgets import kept_choice


def render() -> None:
    user = state.require_user()
    lang = state.language(user)
    st.title(t("account.title", lang))
    st.markdown(md(f"{user.name} · {user.email}"))  # a caption would grey the e-mail link (3:1)
    if user.must_change_password:
        st.warning(t("accounts.must_change", lang))
    with st.form("change_password"):
        st.header(t("account.password", lang))
        current = st.text_input(t("account.current", lang), type="password", key="pw:current")
        new = st.text_input(t("account.new", lang), type="password", key="pw:new")
        again = st.text_input(t("account.again", lang), type="password", key="pw:again")
        if st.form_submit_button(t("account.change", lang), type="primary"):
            if new != again:
                st.error(t("account.differ", lang))
            else:
                outcome = actions.write(lambda db: accounts.change_own_password(
                    db, user.actor, current, new))
                if outcome.ok and user.must_change_password:
                    st.rerun()  # every page of the role comes back
                elif outcome.ok:
                    st.success(t("account.changed", lang))
                else:
                    st.error(state.message(outcome.error, lang))
    with st.form("preferred_language"):
        chosen = kept_choice(st.radio, t("account.language", lang), LANGUAGES,
                             key="pw:language", lang=lang, in_form=True,
                             labels=lambda code, lang: t(f"language.{code}", lang),
                             index=LANGUAGES.index(user.language), horizontal=True)
        if st.form_submit_button(t("account.save_language", lang)):
            outcome = actions.write(lambda db: accounts.set_language(db, user.actor, chosen))
            if outcome.ok:
                st.success(t("account.language_saved", lang))
            else:
                st.error(state.message(outcome.error, lang))
