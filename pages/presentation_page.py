"""Presentation: the review meeting's slides, full screen, one at a time (PageDown/PageUp).

It renders the quarter's ``MeetingContent`` (the same as the deck and the handout): every slide
has a heading, fits 1280x720 with its navigation in view, and offers its data as a table one
click away.
"""

import streamlit as st

from tracker import meeting_content as mc
from tracker.i18n import t
from tracker.services.permissions import PageName
from ui import accessibility, data, navigation, state
from ui.deck_downloads import downloads
from ui.slides import FULL_SCREEN, slide, table
from ui.widgets import plan_and_quarter, plans_for


def _move(step: int, total: int) -> None:
    st.session_state["slide"] = max(0, min(total - 1, st.session_state.get("slide", 0) + step))


def render() -> None:
    user = state.require_user()
    lang = state.language(user)
    choices = plans_for(user, lang)
    if not choices:
        return
    full = st.session_state.get("present:full", False)
    if full:  # presentation mode: no sidebar or page chrome; the same button leaves it
        st.markdown(FULL_SCREEN, unsafe_allow_html=True)  # a constant: no user text in it
    st.button(t("present.leave_full" if full else "present.full", lang), key="present:toggle",
              icon=":material/fullscreen_exit:" if full else ":material/fullscreen:",
              on_click=lambda: st.session_state.update({"present:full": not full}))
    plan_box = st.container()
    with st.expander(t("present.setup", lang), expanded=False):
        shown = plan_and_quarter(choices, lang, under_evaluation=True)
        if shown is not None:
            plan, quarter = shown
            downloads(user, plan, quarter, lang)
            navigation.view_link(PageName.OVERVIEW, t("present.exit", lang), plan.id,
                                 quarter=quarter)
    if shown is None:  # the address names a plan or quarter that cannot be shown
        with plan_box:
            st.error(t("address.refused", lang, setup=t("present.setup", lang)))
        return
    content = data.presentation(user.id, plan.id, quarter)
    slides = mc.slides(content, lang)  # as many as the content needs, as in the deck
    total = len(slides)
    index = st.session_state["slide"] = min(st.session_state.get("slide", 0), total - 1)
    with plan_box:
        shown_table = slide(slides[index], content, lang, lambda shown: data.slide_chart(
            user.id, plan.id, quarter, lang, shown.kind, shown.page))
        back, where, table_box, forward = st.columns([2, 3, 2, 2],
                                                     vertical_alignment="center")
        back.button(t("present.previous", lang), key="slide:previous", on_click=_move,
                    args=(-1, total), shortcut="PageUp", disabled=index == 0,
                    width="stretch")
        where.caption(t("present.position", lang, number=index + 1, total=total))
        accessibility.announce_slide(lang, index + 1, total, f"{plan.id}:{quarter}")
        if shown_table is not None:
            with table_box.popover(t("present.data_table", lang), width="stretch"):
                table(shown_table)
        forward.button(t("present.next", lang), key="slide:next", on_click=_move,
                       args=(1, total), shortcut="PageDown", disabled=index == total - 1,
                       width="stretch", type="primary")
