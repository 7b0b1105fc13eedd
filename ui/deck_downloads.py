"""The presentation's downloads: the deck (PowerPoint, native charts) and the PDF handout,
made on request since Chromium takes a few seconds to print it."""

from __future__ import annotations

import streamlit as st

from tracker.i18n import t
from tracker.quarters import Quarter
from tracker.services import decks
from tracker.services.figures import PlanChoice
from ui import actions, data, state


def downloads(user: state.SignedIn, plan: PlanChoice, quarter: Quarter, lang: str) -> None:
    # the deck is made when the button is pressed, not on every slide change: at national
    # scale building it was 43 % of the server's time in a meeting room of 30 sessions
    st.download_button(t("present.pptx", lang),
                       lambda: data.deck(user.id, plan.id, quarter, lang),
                       file_name=f"{plan.name} {quarter} {lang}.pptx", key="deck:pptx",
                       icon=":material/slideshow:", on_click="ignore")
    _handout(user, plan, quarter, lang)


def _handout(user: state.SignedIn, plan: PlanChoice, quarter: Quarter, lang: str) -> None:
    """The PDF takes a few seconds (Chromium prints it): made on request."""
    key = f"handout:{plan.id}:{quarter}:{lang}"
    if st.button(t("present.make_pdf", lang), key="deck:make_pdf"):
        with st.spinner(t("present.making_pdf", lang)):
            outcome = actions.read(lambda db: decks.pdf(db, user.actor, plan.id, quarter,
                                                        lang))
        if outcome.ok:
            st.session_state[key] = outcome.value
        else:
            st.error(state.message(outcome.error, lang))
    if key in st.session_state:
        st.download_button(t("present.pdf", lang), st.session_state[key],
                           file_name=f"{plan.name} {quarter} {lang}.pdf", key="deck:pdf",
                           icon=":material/picture_as_pdf:", on_click="ignore")
