"""One-shot confirmations that survive the rerun after a write ("Report approved.")."""

from __future__ import annotations

import streamlit as st

from tracker.i18n import t


def remember(page: str, key: str, **values: object) -> None:
    st.session_state[f"flash:{page}"] = (key, values)


def show(page: str, lang: str) -> None:
    """The page's pending confirmation, once."""
    pending = st.session_state.pop(f"flash:{page}", None)
    if pending:
        key, values = pending
        st.success(t(key, lang, **values))
