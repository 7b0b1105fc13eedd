"""Accounts: create, deactivate, hand over and reset passwords (admins; coordinators for the
accounts of their plans)."""

import pandas as pd
import streamlit as st

from tracker.i18n import t
from tracker.models import Plan, Role
from tracker.services import accounts
from tracker.services.permissions import Permission
from ui import actions, data, flash, state

PAGE = "accounts"


def _table(rows: list[accounts.AccountRow], lang: str) -> None:
    st.dataframe(pd.DataFrame(
        [(r.email, r.display_name, r.institution or "—",
          t("role.admin", lang) if r.is_admin else ", ".join(r.roles) or "—",
          t("accounts.active" if r.is_active else "accounts.inactive", lang)) for r in rows],
        columns=[t("signin.email", lang), t("accounts.name", lang),
                 t("signin.demo_institution", lang), t("signin.demo_role", lang),
                 t("accounts.state", lang)]), hide_index=True)


def _create(user: state.SignedIn, lang: str) -> None:
    plan_names = {c.id: c.name for c in data.plans_where(user.id, user.actor,
                                                         Permission.MANAGE_ACCOUNTS)}
    roles = [r.value for r in Role] + (["admin"] if user.actor.is_admin else [])
    with st.form("create_account"):
        st.subheader(t("accounts.create", lang))
        email = st.text_input(t("signin.email", lang), key="new:email")
        name = st.text_input(t("accounts.name", lang), key="new:name")
        role = st.selectbox(t("signin.demo_role", lang), roles, key="new:role",
                            format_func=lambda r: t(f"role.{r}", lang))
        institution = st.text_input(t("accounts.institution", lang), key="new:institution",
                                    help=t("accounts.institution_help", lang))
        chosen = st.multiselect(t("accounts.plans", lang), list(plan_names), key="new:plans",
                                default=list(plan_names), format_func=plan_names.get)
        password = st.text_input(t("accounts.temporary_password", lang), type="password",
                                 key="new:password")
        if st.form_submit_button(t("accounts.create", lang), type="primary"):
            outcome = actions.write(lambda db: accounts.add_user(
                db, user.actor, email=email, display_name=name, role=role,
                password=password, institution=institution.strip().upper() or None,
                plans=[db.get_one(Plan, plan_id) for plan_id in chosen]))
            flash.after_write(outcome, PAGE, lang, "accounts.created")


def _manage(user: state.SignedIn, rows: list[accounts.AccountRow], lang: str) -> None:
    st.subheader(t("accounts.manage", lang))
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


def render() -> None:
    user = state.require_user()
    lang = state.language(user)
    st.title(t("accounts.title", lang))
    flash.show(PAGE, lang)
    rows = data.accounts_for(user.id)
    _table(rows, lang)
    _create(user, lang)
    if rows:
        _manage(user, rows, lang)
