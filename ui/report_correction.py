"""A coordinator's correction of an institution's report on the item page: a closed (or
reopened) quarter, the institution, the reason, and the report form itself."""

from __future__ import annotations

import streamlit as st

from tracker.i18n import t
from tracker.quarters import Quarter
from tracker.services import lifecycle
from tracker.services.figures import PlanChoice
from tracker.services.items import ItemDetail
from ui import data, state
from ui.accessibility import required_label
from ui.report_form import FormContext, report_form
from ui.widgets import kept_choice


def correction(user: state.SignedIn, plan: PlanChoice, detail: ItemDetail, lang: str) -> None:
    """A coordinator corrects an institution's report of a closed (or reopened) quarter,
    saying why."""
    quarters = lifecycle.correctable_quarters(plan, detail.start_quarter,
                                              data.reopened_quarters(user.id, plan.id))
    if not quarters:
        return
    with st.expander(t("item.correct", lang)):
        acronyms = {v: k for k, v in detail.institutions.items()}
        who = [detail.lead, *detail.supporters]
        left, right = st.columns(2)
        acronym = left.selectbox(t("form.col.institution", lang), who, key="correct:who")
        quarter = kept_choice(right.selectbox, t("overview.quarter", lang), quarters,
                              key="correct:quarter", lang=lang, labels=Quarter.label,
                              index=len(quarters) - 1)
        assert quarter is not None  # the box offers the quarters (some), on the last one
        st.text_input(required_label("item.correct_reason", lang), key="correct:reason")
        ctx = FormContext(user, plan.id, quarter, acronyms[acronym], lang,
                          reason_key="correct:reason")
        found = [w for w in data.worklist_for(user.id, plan.id, quarter, acronyms[acronym])
                 if w.item_id == detail.id]
        if not found:
            st.info(t("item.correct_nothing", lang))
            return
        report_form(ctx, found[0])
