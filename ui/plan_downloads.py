"""The plan files page's downloads: the import template in each language, and a plan's
workbook and CSVs."""

from __future__ import annotations

from functools import partial

import streamlit as st

from tracker.file_names import download_name
from tracker.i18n import t
from tracker.services import plan_files
from tracker.services.permissions import PageName
from tracker.settings import LANGUAGES
from ui import data, navigation, state
from ui.downloads import download_button
from ui.widgets import plan_picker


def downloads(user: state.SignedIn, lang: str) -> None:
    st.header(t("files.template", lang))
    cols = st.columns(len(LANGUAGES))
    for column, code in zip(cols, LANGUAGES, strict=True):
        with column:
            download_button(
                t("files.template_in", lang, language=t(f"language.{code}", lang)),
                partial(plan_files.template, code),
                file_name=download_name(t("files.template_file", lang,
                                          language=t(f"language.{code}", lang)), ".xlsx"),
                key=f"template:{code}", icon=":material/download:")
    choices = data.plan_choices(user.id)
    if not choices:
        return
    st.header(t("files.export", lang))
    plan = plan_picker(choices, lang, key=navigation.plan_param(PageName.PLAN_FILES))
    if plan is None:
        return
    left, right = st.columns(2)
    with left:
        download_button(t("files.export_xlsx", lang),
                        lambda: data.exports(user.id, plan.id, lang)[0],
                        file_name=download_name(plan.name, ".xlsx"), key="export:xlsx",
                        icon=":material/table_view:")
    with right:
        download_button(t("files.export_csv", lang),
                        lambda: data.exports(user.id, plan.id, lang)[1],
                        file_name=download_name(plan.name, ".zip"), key="export:csv",
                        icon=":material/folder_zip:")
