"""Accounts: create, deactivate, hand over and reset passwords (admins; coordinators for the
accounts of their plans)."""

import pandas as pd
import streamlit as st

from tracker.i18n import t
from tracker.services import accounts
from ui import data, flash, state
from ui.account_management import PAGE, manage_account
from ui.downloads import table_csv
from ui.new_account_form import new_account_form


def _table(rows: list[accounts.AccountRow], lang: str) -> None:
    frame = pd.DataFrame(
        [(r.email, r.display_name, r.institution or "—",
          r.roles_text(lang),
          t("accounts.active" if r.is_active else "accounts.inactive", lang)) for r in rows],
        columns=[t("signin.email", lang), t("accounts.name", lang),
                 t("signin.demo_institution", lang), t("signin.demo_role", lang),
                 t("accounts.state", lang)])
    st.dataframe(frame, hide_index=True)
    table_csv(frame, t("accounts.csv", lang), t("accounts.csv_file", lang), key="accounts:csv")


def render() -> None:
    user = state.require_user()
    lang = state.language(user)
    st.title(t("accounts.title", lang))
    flash.show(PAGE, lang)
    rows = data.accounts_for(user.id)
    _table(rows, lang)
    new_account_form(user, lang)
    if rows:
        manage_account(user, rows, lang)
