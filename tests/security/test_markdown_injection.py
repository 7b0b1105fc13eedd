"""User text reaches Streamlit's Markdown as text: an image written into a line name, an item's
title, indicator or unit, or a person's display name makes no viewer's browser fetch it."""

from __future__ import annotations

import pytest
from markdown_it import MarkdownIt
from sqlmodel import select

from tests.apptest import dashboard, go_to, sign_in
from tracker.db import make_engine, session_scope
from tracker.models import ActionItem, Plan, StrategicLine, User
from ui.text import md, md_t

IMAGE = "![x](http://attacker/p.png)"
# what Streamlit's Markdown (CommonMark with GFM tables and strikethrough) makes of a source
RENDER = MarkdownIt("commonmark").enable(["table", "strikethrough"])
MARKDOWN_FIELDS = {"body", "label", "help"}  # alerts, headers, captions, labels, help texts


@pytest.fixture(scope="module")
def hostile_url(demo_url) -> str:
    """The module's demo database, every name and title carrying a Markdown image."""
    url = demo_url
    engine = make_engine(url)
    with session_scope(engine) as session:
        for line in session.exec(select(StrategicLine)):
            line.name = f"{line.name} {IMAGE}"
        for item in session.exec(select(ActionItem)):
            item.title = f"{item.title} {IMAGE}"
            item.indicator = f"{item.indicator or 'Indicator'} {IMAGE}"
            item.unit = f"units {IMAGE}"
        for plan in session.exec(select(Plan)):
            plan.name = f"{plan.name} {IMAGE}"
        for user in session.exec(select(User)):
            user.display_name = f"{user.display_name} {IMAGE}"
    engine.dispose()
    return url


def _markdown_sources(message, found: list[str]) -> None:
    for field, value in message.ListFields():
        if field.type == field.TYPE_MESSAGE:
            for item in (value if getattr(field, "is_repeated", False) or isinstance(
                    value, list | tuple) or hasattr(value, "append") else [value]):
                _markdown_sources(item, found)
        elif field.name in MARKDOWN_FIELDS and isinstance(value, str) and value:
            found.append(value)


def _walk(node, found: list[str]) -> None:
    proto = getattr(node, "proto", None)
    if proto is not None and hasattr(proto, "ListFields"):
        _markdown_sources(proto, found)
    children = getattr(node, "children", None)
    for child in (children.values() if isinstance(children, dict) else children or []):
        _walk(child, found)


def _rendered(at) -> list[str]:
    sources: list[str] = []
    _walk(at._tree, sources)
    return [RENDER.render(source) for source in sources]


PAGES = [
    ("observador@demo.example", ""),                # overview
    ("dinapen@demo.example", "my-institution"),
    ("dinapen@demo.example", "my-account"),
    ("coordinacion@demo.example", "review"),
    ("coordinacion@demo.example", "item"),
    ("coordinacion@demo.example", "plan"),
    ("coordinacion@demo.example", "meetings"),
    ("admin@demo.example", "accounts"),
    ("coordinacion@demo.example", "presentation"),
]


@pytest.mark.parametrize(("email", "page"), PAGES)
def test_an_image_in_user_text_is_shown_as_text(hostile_url, monkeypatch, email, page):
    monkeypatch.setenv("TRACKER_DATABASE_URL", hostile_url)
    monkeypatch.setenv("TRACKER_DEMO", "1")
    at = sign_in(dashboard(), email)
    if page:
        at = go_to(at, page)
    assert not at.exception
    html = _rendered(at)
    assert not [h for h in html if "<img" in h or "attacker/p.png\"" in h]
    # and the words are there, literally, where the page shows them
    assert any(IMAGE.replace("&", "&amp;") in h for h in html), page


def test_the_escaping_helper_keeps_every_character():
    for text in [IMAGE, "**bold** _x_ `code`", "<img src=x onerror=alert(1)>", ":red[alarm]",
                 "$x^2$", "# title", "- item", "1. first", "a | b", "[link](javascript:x)",
                 "2.10 · Training (phase 1)", "\\![x](y)", "&lt;b&gt;", "~~gone~~"]:
        escaped = RENDER.renderInline(md(text)) if hasattr(RENDER, "renderInline") else ""
        assert RENDER.render(md(text)).strip() == "<p>" + text.replace("&", "&amp;").replace(
            "<", "&lt;").replace(">", "&gt;").replace('"', "&quot;") + "</p>", (text, escaped)
    assert "\\[" in md_t("signin.no_account", "en", email=IMAGE)
