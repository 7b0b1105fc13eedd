"""Accounts: create, deactivate, hand over and reset passwords (admins; coordinators for the
accounts of their plans)."""

import pandas as pd
import streamlit as st
from sqlmodel import Session

from tracker.i18n import t
from tracker.models import Plan, Role
from tracker.services import accounts, invitations
from tracker.services.permissions import Permission
from tracker.settings import get_settings
from ui import actions, data, flash, navigation, state
from ui.text import md_t

PAGE = "accounts"


def _table(rows: list[accounts.AccountRow], lang: str) -> None:
    st.dataframe(pd.DataFrame(
        [(r.email, r.display_name, r.institution or "—",
          r.roles_text(lang),
          t("accounts.active" if r.is_active else "accounts.inactive", lang)) for r in rows],
        columns=[t("signin.email", lang), t("accounts.name", lang),
                 t("signin.demo_institution", lang), t("signin.demo_role", lang),
                 t("accounts.state", lang)]), hide_index=True)


FIELDS = ("new:email", "new:name", "new:role", "new:institution", "new:plans", "new:password")


def _prefill(institutions: dict[str, str], plan_names: dict[int, str]) -> None:
    """A link from the getting-started checklist opens the form for one institution's focal
    point (``?institution=ACR&plan=ID``); after an account is made the form starts empty."""
    if st.session_state.pop("new:clear", False):
        for key in FIELDS:
            st.session_state.pop(key, None)
    wanted = st.query_params.get("institution")
    if wanted in institutions and "new:institution" not in st.session_state:
        st.session_state["new:institution"] = wanted
        st.session_state["new:role"] = Role.MEMBER.value
        plan = st.query_params.get("plan", "")
        if plan.isdigit() and int(plan) in plan_names:
            st.session_state["new:plans"] = [int(plan)]


def _create(user: state.SignedIn, lang: str) -> None:
    plan_names = {c.id: c.name for c in data.plans_where(user.id, user.actor,
                                                         Permission.MANAGE_ACCOUNTS)}
    institutions = dict(data.account_institutions(user.id))
    _prefill(institutions, plan_names)
    roles = [r.value for r in Role] + (["admin"] if user.actor.is_admin else [])
    with st.form("create_account"):
        st.header(t("accounts.create", lang))
        email = st.text_input(t("signin.email", lang), key="new:email")
        name = st.text_input(t("accounts.name", lang), key="new:name")
        role = st.selectbox(t("signin.demo_role", lang), roles, key="new:role",
                            format_func=lambda r: t(f"role.{r}", lang))
        institution = st.selectbox(
            t("accounts.institution", lang), [None, *institutions], key="new:institution",
            format_func=lambda a: f"{a} · {institutions[a]}" if a else t(
                "accounts.no_institution", lang), help=t("accounts.institution_help", lang))
        chosen = st.multiselect(t("accounts.plans", lang), list(plan_names), key="new:plans",
                                format_func=plan_names.get, placeholder=t("form.choose_some", lang))
        password = st.text_input(t("accounts.temporary_password", lang), type="password",
                                 key="new:password")
        submitted = st.form_submit_button(t("accounts.create", lang), type="primary")
    if submitted:
        outcome = actions.write(lambda db: _add_and_invite(
            db, user, email=email, name=name, role=role, institution=institution,
            plan_ids=chosen, password=password))
        if outcome.ok:
            st.session_state["new:clear"] = True
            st.session_state["new:invitation"] = outcome.value
            st.rerun()
        st.error(state.message(outcome.error, lang))
    _invitation(lang)


def _add_and_invite(db: Session, user: state.SignedIn, *, email: str, name: str, role: str,
                    institution: str | None, plan_ids: list[int],
                    password: str) -> invitations.Invitation:
    created = accounts.add_user(db, user.actor, email=email, display_name=name, role=role,
                                password=password, institution=institution,
                                plans=[db.get_one(Plan, plan_id) for plan_id in plan_ids])
    return invitations.invite(db, user.actor, created.id, app_url=navigation.app_address(),
                              password=password, smtp=get_settings().smtp)


def _invitation(lang: str) -> None:
    """The last account's invitation: sent, or ready to copy (shown once)."""
    sent = st.session_state.pop("new:invitation", None)
    if sent is None:
        return
    if sent.sent:
        st.success(md_t("accounts.invitation_sent", lang, email=sent.mail.to))
        return
    st.success(md_t("accounts.invitation_copy", lang, email=sent.mail.to))
    st.code(f"{sent.mail.subject}\n\n{sent.mail.body}", language=None, wrap_lines=True)


def _manage(user: state.SignedIn, rows: list[accounts.AccountRow], lang: str) -> None:
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
