"""The presentation's downloads: the deck (PowerPoint, native charts) and the PDF handout.

Both are made when their button is pressed, not on every slide change (at national scale
building the deck was 43 % of the server's time in a meeting room of 30 sessions); the button
turns into a spinner meanwhile (Chromium takes a few seconds to print the handout)."""

from __future__ import annotations

import streamlit as st

from tracker import handout
from tracker.file_names import download_name
from tracker.i18n import t
from tracker.quarters import Quarter
from tracker.services.figures import PlanChoice
from ui import data, state
from ui.downloads import download_button


def downloads(user: state.SignedIn, plan: PlanChoice, quarter: Quarter, lang: str) -> None:
    name = f"{plan.name} {quarter} {lang}"
    download_button(t("present.pptx", lang), lambda: data.deck(user.id, plan.id, quarter, lang),
                    file_name=download_name(name, ".pptx"), key="deck:pptx",
                    icon=":material/slideshow:")
    missing = handout.missing_tool()
    if missing is not None:
        st.error(state.message(missing, lang))
        return
    download_button(t("present.pdf", lang), lambda: data.handout(user.id, plan.id, quarter, lang),
                    file_name=download_name(name, ".pdf"), key="deck:pdf",
                    help=t("present.pdf_help", lang), icon=":material/picture_as_pdf:")
