"""One account's management: deactivate or reactivate it, reset its password, or hand it over
to a new focal point (history kept). What deactivates or replaces a password asks first,
naming the account; the outcome is said under the button, and a handover shows (or mails) the
new focal point's invitation as account creation does."""

from __future__ import annotations

from typing import Any

import streamlit as st

from tracker.i18n import t
from tracker.services import accounts, invitations
from tracker.settings import get_settings
from ui import actions, confirm, flash, navigation, state
from ui.accessibility import required_label
from ui.new_account_form import account_fields, show_invitation
from ui.text import md_t

PAGE = "accounts"
HANDED_OVER = "handover:invitation"  # the last handover's invitation, shown once


def manage_account(user: state.SignedIn, rows: list[accounts.AccountRow], lang: str) -> None:
    st.header(t("accounts.manage", lang))
    by_id = {r.id: r for r in rows}
    chosen = st.selectbox(t("accounts.choose", lang), list(by_id), key="manage:user",
                          format_func=lambda i: f"{by_id[i].email} — {by_id[i].display_name}")
    account = by_id[chosen]
    names: dict[str, Any] = {"email": account.email, "name": account.display_name}
    _toggle(user, account, names, lang)
    with st.form("reset_password"):
        password = st.text_input(required_label("accounts.temporary_password", lang),
                                 type="password", key="reset:password")
        reset = st.form_submit_button(t("accounts.reset", lang))
    if confirm.confirmed(f"manage:reset:{account.id}", reset,
                         md_t("accounts.confirm_reset", lang, **names),
                         md_t("accounts.reset_this", lang, **names), lang):
        flash.after_write(actions.write(lambda db: accounts.reset_password(
            db, user.actor, account.id, password)), PAGE, lang, "accounts.password_reset",
            at="reset", fields=account_fields("reset"), **names)
    flash.here(PAGE, "reset", lang)
    _hand_over(user, account, names, lang)


def _toggle(user: state.SignedIn, account: accounts.AccountRow, names: dict[str, Any],
            lang: str) -> None:
    """Deactivating asks first (the person can no longer sign in); reactivating does not."""
    active = account.is_active
    pressed = st.button(t("accounts.deactivate" if active else "accounts.reactivate", lang),
                        key="manage:toggle")
    go = confirm.confirmed(f"manage:deactivate:{account.id}", pressed,
                           md_t("accounts.confirm_deactivate", lang, **names),
                           md_t("accounts.deactivate_this", lang, **names),
                           lang) if active else pressed
    if go:
        flash.after_write(actions.write(lambda db: accounts.set_active(
            db, user.actor, account.id, not active)), PAGE, lang,
            "accounts.deactivated" if active else "accounts.reactivated", at="toggle", **names)
    flash.here(PAGE, "toggle", lang)


def _hand_over(user: state.SignedIn, account: accounts.AccountRow, names: dict[str, Any],
               lang: str) -> None:
    if st.session_state.pop("handover:clear", False):  # a handover made: the form starts empty
        for key in ("handover:email", "handover:name", "handover:password"):
            st.session_state.pop(key, None)
    with st.form("hand_over"):
        st.caption(t("accounts.hand_over_help", lang))
        email = st.text_input(required_label("signin.email", lang), key="handover:email")
        name = st.text_input(required_label("accounts.name", lang), key="handover:name")
        password = st.text_input(required_label("accounts.temporary_password", lang),
                                 type="password", key="handover:password")
        pressed = st.form_submit_button(t("accounts.hand_over", lang))
    name = f"hand_over:{account.id}"
    token = actions.form_token(name)  # its "yes" pressed twice: one new account
    if confirm.confirmed(f"manage:{name}:{token}", pressed,
                         md_t("accounts.confirm_hand_over", lang, new=email.strip(), **names),
                         md_t("accounts.hand_over_this", lang, **names), lang):
        outcome = actions.write(lambda db: invitations.hand_over_and_invite(
            db, user.actor, account.id, email=email, display_name=name, password=password,
            app_url=navigation.app_address(), smtp=get_settings().smtp, token=token))
        if outcome.error is None:  # ``outcome.ok``, which mypy cannot follow
            actions.spend(name)
            st.session_state[HANDED_OVER] = (outcome.value, names)
            st.session_state["handover:clear"] = True
            st.rerun()
        flash.refused(state.message(outcome.error, lang), PAGE, "hand_over",
                      field=flash.field_of(outcome.error, account_fields("handover")))
    done = st.session_state.pop(HANDED_OVER, None)
    if done is not None:
        sent, before = done
        show_invitation(sent, lang, "accounts.handed_over_sent", "accounts.handed_over_copy",
                        box="handover:done", old=before["email"])
