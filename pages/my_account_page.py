"""My account: change my password and my preferred language."""

import streamlit as st

from tracker.i18n import t
from tracker.services import accounts
from tracker.settings import LANGUAGES
from ui import actions, flash, state
from ui.accessibility import required_label
from ui.text import md
from ui.widgets import kept_choice

PAGE = "my_account"
CLEAR = "pw:clear"  # a password changed: the form starts empty


def render() -> None:
    user = state.require_user()
    lang = state.language(user)
    st.title(t("account.title", lang))
    st.markdown(md(f"{user.name} · {user.email}"))  # a caption would grey the e-mail link (3:1)
    if user.must_change_password:
        st.warning(t("accounts.must_change", lang))
    if st.session_state.pop(CLEAR, False):
        for key in ("pw:current", "pw:new", "pw:again"):
            st.session_state.pop(key, None)
    with st.form("change_password"):
        st.header(t("account.password", lang))
        current = st.text_input(required_label("account.current", lang), type="password",
                                key="pw:current")
        new = st.text_input(required_label("account.new", lang), type="password", key="pw:new")
        again = st.text_input(required_label("account.again", lang), type="password",
                              key="pw:again")
        changing = st.form_submit_button(t("account.change", lang), type="primary")
    if changing:
        _change_password(user, current, new, again, lang)
    flash.here(PAGE, "password", lang)
    with st.form("preferred_language"):
        chosen = kept_choice(st.radio, t("account.language", lang), LANGUAGES,
                             key="pw:language", lang=lang, in_form=True,
                             labels=lambda code, lang: t(f"language.{code}", lang),
                             index=LANGUAGES.index(user.language), horizontal=True)
        if st.form_submit_button(t("account.save_language", lang)):
            assert chosen is not None  # the radio starts on the user's language
            flash.after_write(actions.write(lambda db: accounts.set_language(
                db, user.actor, chosen)), PAGE, lang, "account.language_saved", at="language")
        flash.here(PAGE, "language", lang)


def _change_password(user: state.SignedIn, current: str, new: str, again: str,
                     lang: str) -> None:
    """The outcome is said under the button. A temporary password changed: the message says
    the other pages are ready, and a button goes on to them (they come with the next run)."""
    if new != again:
        flash.refused(t("account.differ", lang), PAGE, "password")
        return
    outcome = actions.write(lambda db: accounts.change_own_password(
        db, user.actor, current, new))
    if outcome.ok:
        st.session_state[CLEAR] = True
    if outcome.ok and user.must_change_password:
        flash.say(st.success, t("account.changed_go_on", lang), "flash:ok:my_account:password")
        st.button(t("account.go_on", lang), key="pw:go_on", type="primary")
        return
    flash.after_write(outcome, PAGE, lang, "account.changed", at="password")
