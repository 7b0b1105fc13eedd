"""The pages of this session's navigation, so that a page can link to another one."""

from __future__ import annotations

import re
from collections.abc import Callable

import streamlit as st

from tracker.i18n import t
from tracker.quarters import Quarter
from tracker.services.permissions import PageName
from ui import address
from ui.text import md

PAGES_KEY = "navigation_pages"


def remember(pages: dict[PageName, st.Page]) -> None:
    st.session_state[PAGES_KEY] = pages


# the address parameter that names each page's plan: "plan" (shared by the pages that read a
# plan, so that it follows from page to page), or the page's own where its list of plans is
# narrower (the plans a person manages)
PLAN_PARAMS: dict[PageName, str] = {
    PageName.MEETINGS: "meetings_plan", PageName.PLAN_ADMIN: "admin_plan",
    PageName.ACTIVITY: "activity_plan", PageName.GETTING_STARTED: "setup_plan",
    PageName.PLAN_FILES: "export_plan",
}


def plan_param(name: PageName) -> str:
    return PLAN_PARAMS.get(name, address.PLAN)


def view_link(name: PageName, label: str, plan_id: int, *, quarter: Quarter | None = None,
              item: int | None = None) -> None:
    """A link to a view of page ``name``: its address names the plan, and the quarter or
    item when there is one (``ui.address``)."""
    link(name, label, **address.query(plan_id, quarter=quarter, item=item,
                                      plan_name=plan_param(name)))


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


def _requested_path() -> str | None:
    """The page path typed in the browser's address for this run (``None`` when the run
    comes from a click in the navigation). Streamlit keeps it in its pages manager."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    manager = getattr(ctx, "pages_manager", None)
    if manager is None or manager.intended_page_script_hash:
        return None
    return manager.intended_page_name or None


def _not_found(render: Callable[[], None], title: str, lang: str) -> Callable[[], None]:
    def page_not_found() -> None:
        st.info(t("app.page_not_found", lang, page=title))
        render()
    return page_not_found


def with_unknown_path(pages: list[st.Page], render: Callable[[], None], title: str,
                      lang: str) -> list[st.Page]:
    """An address that names no page (``/overview``, an old link) opens the default page with
    a message in the user's language, instead of Streamlit's English "Page not found"."""
    path = _requested_path()
    if not path or not re.fullmatch(r"[A-Za-z0-9_-]{1,80}", path):
        return pages
    # a page's own path (the default page is served at "/" but keeps one: a second page
    # there would be refused as a duplicate)
    if path in {page.url_path for page in pages} | {page._url_path for page in pages}:
        return pages
    return [*pages, st.Page(_not_found(render, title, lang), title=title, url_path=path,
                            visibility="hidden")]
