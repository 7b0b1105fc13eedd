"""The form that creates an account and invites its person (by e-mail, or a message to copy);
a link from the getting-started checklist opens it prefilled for one institution."""

from __future__ import annotations

import streamlit as st

from tracker.i18n import t
from tracker.models import Role
from tracker.services import accounts, invitations
from tracker.services.permissions import Permission
from tracker.settings import get_settings
from ui import actions, data, flash, navigation, state
from ui.accessibility import required_label
from ui.text import md_t
from ui.widgets import kept_choice

FIELDS = ("new:email", "new:name", "new:role", "new:institution", "new:plans", "new:password")


def account_fields(form: str) -> dict[str, str]:
    """The fields of an account's form (widget keys ``<form>:email``…) that
    ``services.accounts`` names when it refuses them (by message key)."""
    return {"error.bad_email": f"{form}:email", "error.email_exists": f"{form}:email",
            "error.characters.user.email": f"{form}:email",
            "error.bad_name": f"{form}:name", "error.characters.user.display_name": f"{form}:name",
            "error.password_*": f"{form}:password",
            "error.choose_plan": f"{form}:plans",
            "error.member_needs_institution": f"{form}:institution",
            "error.institution_not_in_plans": f"{form}:institution"}


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


def new_account_form(user: state.SignedIn, lang: str) -> None:
    plan_names = {c.id: c.name for c in data.plans_where(user.id, user.actor,
                                                         Permission.MANAGE_ACCOUNTS)}
    institutions = dict(data.account_institutions(user.id))
    _prefill(institutions, plan_names)
    roles = accounts.grantable_roles(user.actor)
    # the form's token is in its key (its button's): a press of the form drawn before the
    # account was made is no second account
    token = actions.form_token("create_account")
    with st.form(f"create_account:{token}"):
        st.header(t("accounts.create", lang))
        email = st.text_input(required_label("signin.email", lang), key="new:email")
        name = st.text_input(required_label("accounts.name", lang), key="new:name")
        role = kept_choice(st.selectbox, t("signin.demo_role", lang), roles, key="new:role",
                           lang=lang, labels=lambda r, lang: t(f"role.{r}", lang),
                           in_form=True)
        institution = kept_choice(
            st.selectbox, t("accounts.institution", lang), [None, *institutions],
            key="new:institution", lang=lang, in_form=True,
            labels=lambda a, lang: f"{a} · {institutions[a]}" if a else t(
                "accounts.no_institution", lang), help=t("accounts.institution_help", lang))
        # an administrator may make an account on no plan (an administrator's)
        plans_label = (t("accounts.plans", lang) if accounts.may_grant_admin(user.actor)
                       else required_label("accounts.plans", lang))
        chosen = st.multiselect(plans_label, list(plan_names), key="new:plans",
                                format_func=lambda plan_id: plan_names[plan_id],
                                placeholder=t("form.choose_some", lang))
        password = st.text_input(required_label("accounts.temporary_password", lang),
                                 type="password", key="new:password")
        submitted = st.form_submit_button(t("accounts.create", lang), type="primary")
    if submitted:
        assert role is not None  # the box offers the grantable roles (never none), on the first
        outcome = actions.write(lambda db: invitations.add_and_invite(
            db, user.actor, email=email, display_name=name, role=role,
            institution=institution, plan_ids=chosen, password=password,
            app_url=navigation.app_address(), smtp=get_settings().smtp, token=token))
        if outcome.error is None:  # ``outcome.ok``, which mypy cannot follow
            actions.spend("create_account")
            st.session_state["new:clear"] = True
            st.session_state["new:invitation"] = outcome.value
            st.rerun()
        flash.refused(state.message(outcome.error, lang), "accounts", "create",
                      field=flash.field_of(outcome.error, account_fields("new")))
    _invitation(lang)


def _invitation(lang: str) -> None:
    """The last account's invitation: sent, or ready to copy (shown once)."""
    sent = st.session_state.pop("new:invitation", None)
    if sent is not None:
        show_invitation(sent, lang, "accounts.invitation_sent", "accounts.invitation_copy",
                        box="new:done")


def show_invitation(sent: invitations.Invitation, lang: str, sent_key: str, copy_key: str, *,
                    box: str, **values: str) -> None:
    """An invitation's outcome where the form was sent, with the focus: e-mailed (``sent_key``)
    or a message to copy (``copy_key``, and the message itself)."""
    key = sent_key if sent.sent else copy_key
    flash.say(st.success, md_t(key, lang, email=sent.mail.to, **values), box)
    if not sent.sent:
        st.code(f"{sent.mail.subject}\n\n{sent.mail.body}", language=None, wrap_lines=True)
