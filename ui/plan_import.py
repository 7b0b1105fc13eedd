"""The plan files page's import: upload a workbook or CSVs, check it (a dry run that shows what
would change and lets a new plan's open quarter be chosen), then import; every problem is
listed by sheet, row and column."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from tracker.i18n import t
from tracker.quarters import Quarter
from tracker.services import institutions, plan_files
from tracker.services.imports import ImportRejected, ImportSummary
from tracker.services.permissions import PageName, Permission
from ui import actions, data, flash, navigation, state
from ui.text import md, md_t
from ui.widgets import kept_choice


def _problems(error: ImportRejected, lang: str) -> None:
    flash.say(st.error, t("import.rejected", lang, count=len(error.problems)), "import:outcome")
    st.dataframe(pd.DataFrame(
        [(p.sheet or "", p.row or "", p.column or "", t(p.key, lang, **p.values))
         for p in error.problems],
        columns=[t("files.sheet", lang), t("files.row", lang), t("files.column", lang),
                 t("files.problem", lang)]), hide_index=True)


def _summary(summary: ImportSummary, lang: str, *, focus: bool = True) -> None:
    """The check's or the import's result under its buttons (``focus``: it takes the focus,
    on the run of the press only)."""
    key = "files.checked" if summary.dry_run else "files.imported"
    flash.say(st.success, md_t(key, lang, plan=summary.plan, items_added=summary.items_added,
                               items_updated=summary.items_updated,
                               reports=summary.reports_added,
                               unchanged=summary.reports_unchanged),
              "import:outcome", focus=focus)
    if summary.open_quarter:
        st.info(t("files.open_quarter", lang, quarter=summary.open_quarter.label(lang)))
    if summary.institution_changes:  # a list under the warning, each line whole and wrapped
        st.warning("\n".join([t("files.institution_changes", lang), "", *(
            f"- {md(institutions.describe(change, lang))}"  # names are user text
            for change in summary.institution_changes)]))


def _choices(user: state.SignedIn, checked: ImportSummary | None,
             lang: str) -> tuple[Quarter | None, bool]:
    """After a check: the quarter a new plan opens, and an admin's yes to shared changes."""
    opened = None
    quarters = checked.open_choices if checked else []
    # choices only when the check creates the plan, which then opens a quarter
    if checked is not None and checked.open_quarter is not None and quarters:
        opened = kept_choice(
            st.selectbox, t("files.choose_open", lang), quarters, key="import:open", lang=lang,
            labels=Quarter.label, index=quarters.index(checked.open_quarter),
            help=t("files.choose_open_help", lang))
    rename = bool(checked and checked.institutions_kept and user.actor.is_admin
                  and st.checkbox(t("files.rename_shared", lang), key="import:rename"))
    return opened, rename


def import_form(user: state.SignedIn, lang: str) -> None:
    st.header(t("files.import", lang))
    st.caption(t("files.import_help", lang))
    upload = st.file_uploader(t("files.upload", lang), type=["xlsx", "csv", "zip"],
                              key="upload")
    names = [c.name for c in data.plans_where(user.id, user.actor, Permission.MANAGE_PLAN)]
    target = kept_choice(st.selectbox, t("files.into", lang), [None, *names], key="import_plan",
                         lang=lang, labels=lambda n, lang: n or t("files.from_sheet", lang))
    if upload is None:
        return
    checked = st.session_state.get("import:checked")
    checked = checked[1] if checked and checked[0] == (upload.file_id, target) else None
    opened, rename = _choices(user, checked, lang)
    check, run = st.columns(2)
    dry_run = check.button(t("files.check", lang), key="import:check")
    real = run.button(t("files.run", lang), key="import:run", type="primary")
    if not (dry_run or real):
        if checked:
            _summary(checked, lang, focus=st.session_state.pop("import:focus", False))
        return
    with st.spinner(t("files.working", lang)):
        outcome = actions.write(lambda db: plan_files.import_upload(
            db, user.actor, upload.getvalue(), upload.name, plan_name=target,
            dry_run=dry_run, opened=opened, rename_institutions=rename))
    if outcome.error is None and dry_run:  # ``outcome.ok``, which mypy cannot follow
        st.session_state["import:checked"] = ((upload.file_id, target), outcome.value)
        st.session_state["import:focus"] = True
        st.rerun()  # draw the choices the check made possible above the buttons
    st.session_state.pop("import:checked", None)
    if outcome.error is None:
        assert outcome.value is not None  # import_upload returns its summary
        _summary(outcome.value, lang)
        navigation.link(PageName.GETTING_STARTED, t("files.next_steps", lang))
    elif isinstance(outcome.error, ImportRejected):
        _problems(outcome.error, lang)
    else:
        flash.refused(state.message(outcome.error, lang), "plan_files", "import")
