"""The pages of this session's navigation, so that a page can link to another one."""

from __future__ import annotations

import streamlit as st

from tracker.services.permissions import PageName
from ui.text import md

PAGES_KEY = "navigation_pages"


def remember(pages: dict[PageName, st.Page]) -> None:
    st.session_state[PAGES_KEY] = pages


def link(name: PageName, label: str, **query: str) -> None:
    """A link to page ``name`` with plain query values; nothing when the role lacks the page.
    ``label`` is plain text (an item's code and title): shown as written, never as Markdown."""
    page = st.session_state.get(PAGES_KEY, {}).get(name)
    if page is not None:
        st.page_link(page, label=md(label), query_params=query or None)


def app_address() -> str:
    """The address people open the app at: ``TRACKER_PUBLIC_URL``, else this browser's."""
    from urllib.parse import urlsplit

    from tracker.settings import get_settings

    configured = get_settings().public_url
    if configured:
        return configured
    url = urlsplit(st.context.url or "")
    return f"{url.scheme}://{url.netloc}/" if url.netloc else "http://localhost:8501/"
