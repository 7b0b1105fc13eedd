"""One account's management: deactivate or reactivate it, reset its password, or hand it over
to a new focal point (history kept)."""

from __future__ import annotations

import streamlit as st

from tracker.i18n import t
from tracker.services import accounts
from ui import actions, flash, state

PAGE = "accounts"


def manage_account(user: state.SignedIn, rows: list[accounts.AccountRow], lang: str) -> None:
    st.header(t("accounts.manage", lang))
    by_id = {r.id: r for r in rows}
    chosen = st.selectbox(t("accounts.choose", lang), list(by_id), key="manage:user",
                          format_func=lambda i: f"{by_id[i].email} — {by_id[i].display_name}")
    account = by_id[chosen]
    toggle = "accounts.deactivate" if account.is_active else "accounts.reactivate"
    if st.button(t(toggle, lang), key="manage:toggle"):
        flash.after_write(actions.write(lambda db: accounts.set_active(
            db, user.actor, account.id, not account.is_active)), PAGE, lang, "accounts.updated")
    with st.form("reset_password"):
        password = st.text_input(t("accounts.temporary_password", lang), type="password",
                                 key="reset:password")
        if st.form_submit_button(t("accounts.reset", lang)):
            flash.after_write(actions.write(lambda db: accounts.reset_password(
                db, user.actor, account.id, password)), PAGE, lang, "accounts.updated")
    with st.form("hand_over"):
        st.caption(t("accounts.hand_over_help", lang))
        email = st.text_input(t("signin.email", lang), key="handover:email")
        name = st.text_input(t("accounts.name", lang), key="handover:name")
        password = st.text_input(t("accounts.temporary_password", lang), type="password",
                                 key="handover:password")
        if st.form_submit_button(t("accounts.hand_over", lang)):
            flash.after_write(actions.write(lambda db: accounts.hand_over(
                db, user.actor, account.id, email=email, display_name=name,
                password=password)), PAGE, lang, "accounts.handed_over")
