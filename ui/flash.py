"""One-shot confirmations that survive the rerun after a write ("Report approved.")."""

from __future__ import annotations

import streamlit as st

from ui.text import md_t


def remember(page: str, key: str, **values: object) -> None:
    st.session_state[f"flash:{page}"] = (key, values)


def show(page: str, lang: str) -> None:
    """The page's pending confirmation, once."""
    pending = st.session_state.pop(f"flash:{page}", None)
    if pending:
        key, values = pending
        st.success(md_t(key, lang, **values))  # the values may be user texts


def after_write(outcome: object, page: str, lang: str, success: str) -> None:
    """A write's ending: the confirmation on the next run, or the refusal in words now."""
    if outcome.ok:
        remember(page, success)
        st.rerun()
    from ui.state import message

    st.error(message(outcome.error, lang))
