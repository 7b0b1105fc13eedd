"""The second step of every button that deletes, closes, locks, deactivates or hands over
(issue 26, item 6): one press only asks, naming exactly what will happen ("Close Q3 2026 of
Plan X: members can no longer submit"); the action runs on the press of a second button that
names it again, and "Cancel" takes the question away.

Inline, under the button, rather than in a dialog: it works from inside a form's popover, an
AppTest test presses it like any button, and the question takes the keyboard focus, so a
screen reader reads it and Tab reaches the two answers next.
"""

from __future__ import annotations

import streamlit as st

from tracker.i18n import t
from ui.accessibility import focus_message


def _asked_key(key: str) -> str:
    return f"confirm:{key}"


def confirmed(key: str, pressed: bool, question: str, action: str, lang: str) -> bool:
    """True on the run where the person confirms the action of the button ``key``.

    ``pressed``: the button was pressed in this run (the first step: ``st.button`` or a form's
    submit button, whose form must have ended before this call). From then on ``question``
    (Markdown made safe: ``md_t``) is asked here, with a button ``action`` that does it
    (``<key>:yes``) and one that cancels (``<key>:no``).
    """
    asked = _asked_key(key)
    if pressed:
        st.session_state[asked] = True
    if not st.session_state.get(asked):
        return False
    box = f"confirm:box:{key}"
    with st.container(border=True, key=box):
        st.warning(question)
        yes_column, no_column = st.columns(2)
        yes = yes_column.button(action, key=f"{key}:yes", type="primary")
        no = no_column.button(t("confirm.cancel", lang), key=f"{key}:no")
        if pressed:  # the question takes the focus once, when it appears
            focus_message(box)
    if yes or no:
        st.session_state.pop(asked, None)
    if no:
        st.rerun()
    return yes


def forget(key: str) -> None:
    """Take back the question of ``key`` (what it asked about is gone)."""
    st.session_state.pop(_asked_key(key), None)
