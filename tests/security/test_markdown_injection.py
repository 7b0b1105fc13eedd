"""User text reaches Streamlit's Markdown as text: an image, emphasis, a colour directive, HTML
or an address written into any user field (names, titles, obstacles, decisions, …) makes no
viewer's browser fetch, style or link anything, on every page, slide and popover.

Every proto field Streamlit renders as Markdown is read back (bodies of headers, captions,
alerts, toasts and ``st.markdown``; labels and help of widgets, expanders, tabs, popovers and
page links; metrics' values and deltas; radio options) and so is every cell, header and index
of an ``st.table``, then rendered as Streamlit would: CommonMark with GFM tables and
strikethrough, and GFM's autolink literals found in the rendered text the way remark-gfm's
``transformGfmAutolinkLiterals`` finds them (its regular expressions, from Streamlit 1.67's
bundle).
"""

from __future__ import annotations

import html
import re

import pytest
from markdown_it import MarkdownIt

from tests.apptest import dashboard, go_to, shown, sign_in
from tests.factories import make_hostile
from tracker.i18n import t
from ui.text import md, md_t

WORD_JOINER = "\u2060"  # what ui.text.md puts inside "www.", "//" and before "@"
IMAGE = "![x](http://attacker.invalid/p.png)"
HOSTILE = (f"{IMAGE} **bold** :red[x] www.attacker.invalid someone@attacker.invalid "
           '<img src=x onerror=alert(1)> =HYPERLINK("http://attacker.invalid","x")')
# what Streamlit's Markdown (CommonMark with GFM tables and strikethrough) makes of a source
RENDER = MarkdownIt("commonmark").enable(["table", "strikethrough"])
# remark-gfm's autolink literals, matched in the parsed text (escapes already resolved)
AUTOLINKS = (re.compile(r"(https?://|www(?=\.))([-.\w]+)([^ \t\r\n]*)", re.I | re.A),
             re.compile(r"([-.\w+]+)@([-\w]+(?:\.[-\w]+)+)", re.A))
MARKDOWN_FIELDS = {"body", "label", "help", "delta", "delta_description", "caption",
                   "captions", "title"}
MARKDOWN_OPTIONS = {"Radio", "Option"}  # a radio's options, a segmented control's / pills'
PLAIN = {"Text", "Code"}  # st.text and st.code show their body as it is
HTML = "Html"  # st.html: HTML, not Markdown; checked apart (html_harm)


@pytest.fixture(scope="module")
def hostile_url(demo_url) -> str:
    """The module's demo database, every user-written field carrying the hostile text."""
    make_hostile(demo_url, HOSTILE)
    return demo_url


def _table_sources(proto, found: list[str]) -> None:
    from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df

    frame = convert_arrow_bytes_to_pandas_df(proto.arrow_data.data)
    for value in [*frame.columns, *frame.index, *frame.to_numpy().ravel()]:
        if isinstance(value, str):
            found.append(value)


def _markdown_sources(message, found: list[str]) -> None:
    if message.DESCRIPTOR.name == HTML:
        found.extend(HtmlSource(body) for body in [message.body] if body)
        return
    if message.DESCRIPTOR.name == "Table":
        _table_sources(message, found)
    if message.DESCRIPTOR.name in PLAIN:
        return
    for field, value in message.ListFields():
        repeated = field.is_repeated
        values = list(value) if repeated else [value]
        if field.type == field.TYPE_MESSAGE:
            for item in values:
                _markdown_sources(item, found)
        elif field.type == field.TYPE_STRING and (
                field.name in MARKDOWN_FIELDS or (
                    message.DESCRIPTOR.name in MARKDOWN_OPTIONS
                    and field.name in ("options", "content"))):
            found.extend(v for v in values if v)


def _walk(node, found: list[str]) -> None:
    proto = getattr(node, "proto", None)
    if proto is not None and hasattr(proto, "ListFields"):
        _markdown_sources(proto, found)
    children = getattr(node, "children", None)
    for child in (children.values() if isinstance(children, dict) else children or []):
        _walk(child, found)


def _sources(at) -> list[str]:
    found: list[str] = []
    _walk(at._tree, found)
    return found


def _text_of(rendered: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", rendered))


class HtmlSource(str):
    """The body of an ``st.html``: our own markup and scripts, user text only inside them as
    escaped JSON or HTML (the accessible names of charts and slides)."""


def html_harm(body: str) -> list[str]:
    """User text that would leave its string in an ``st.html`` body: an image or a link of
    the hostile text (JSON and HTML escapes keep its ``<`` out)."""
    return re.findall(r"<img[^>]*|<a [^>]*attacker[^>]*", body)


def harm(source: str) -> list[str]:
    """What a Markdown source would do beyond showing its text: empty when harmless."""
    if isinstance(source, HtmlSource):
        return html_harm(source)
    rendered = RENDER.render(source)
    found = [tag for tag in ("<img", "<strong>bold</strong>") if tag in rendered]
    found += re.findall(r'<a href="[^"]*attacker[^"]*"', rendered)
    if re.search(r"(?<!\\):red\[", source):
        found.append(":red[ directive")
    text = _text_of(rendered)
    found += [m.group(0) for pattern in AUTOLINKS for m in pattern.finditer(text)
              if "attacker" in m.group(0)]
    return found


def shows_hostile_text(sources: list[str]) -> bool:
    """Whether the hostile text is on the page, every character as written."""
    return any(HOSTILE in _text_of(RENDER.render(s)).replace(WORD_JOINER, "") for s in sources)


def assert_harmless(at, where: str) -> list[str]:
    assert not at.exception, where
    sources = _sources(at)
    harmful = {source: harm(source) for source in sources if harm(source)}
    assert not harmful, where
    return sources


PAGES = [
    ("observador@demo.example", ""),                # overview
    ("dinapen@demo.example", "my-institution"),
    ("dinapen@demo.example", "my-account"),
    ("coordinacion@demo.example", "getting-started"),
    ("coordinacion@demo.example", "review"),
    ("coordinacion@demo.example", "item"),
    ("coordinacion@demo.example", "plan"),
    ("coordinacion@demo.example", "plan-files"),
    ("coordinacion@demo.example", "meetings"),
    ("coordinacion@demo.example", "activity"),
    ("admin@demo.example", "accounts"),
]


@pytest.mark.parametrize(("email", "page"), PAGES)
def test_hostile_user_text_is_shown_as_text_on_every_page(hostile_url, monkeypatch, email,
                                                          page):
    monkeypatch.setenv("TRACKER_DATABASE_URL", hostile_url)
    monkeypatch.setenv("TRACKER_DEMO", "1")
    at = sign_in(dashboard(), email)
    if page:
        at = go_to(at, page)
    sources = assert_harmless(at, page)
    # and the words are there, literally, where the page shows them
    assert shows_hostile_text(sources), page


@pytest.mark.parametrize("lang", ["en", "es"])
def test_every_slide_and_its_data_table_show_hostile_text_as_text(hostile_url, monkeypatch,
                                                                  lang):
    """The title, the charts' data tables (popovers), the attention slide's obstacles and the
    decisions slide: ``st.table`` renders its cells as Markdown."""
    monkeypatch.setenv("TRACKER_DATABASE_URL", hostile_url)
    monkeypatch.setenv("TRACKER_DEMO", "1")
    at = dashboard()
    at.query_params["lang"] = lang
    at = go_to(sign_in(at, "coordinacion@demo.example"), "presentation")
    tables: dict[str, list[str]] = {}
    while True:  # every slide: a list too long for one takes several
        name = _slide_kind(at, lang)
        assert_harmless(at, name)
        tables.setdefault(name, []).extend(
            s for t in at.get("table") for s in _table_sources_of(t))
        if at.button(key="slide:next").disabled:
            break
        at.button(key="slide:next").click().run()
    for name in ("attention", "decisions", "by_line", "by_institution"):
        assert shows_hostile_text(tables[name]), name


def _slide_kind(at, lang: str) -> str:
    """The kind of the slide shown, told by its heading ("other" for the rest)."""
    heading = shown(at.header[0].value) if at.header else ""
    for kind in ("by_line", "by_institution", "attention", "decisions"):
        if heading.startswith(t(f"deck.{kind}", lang, quarter="")):
            return kind
    return "other"


def _table_sources_of(element) -> list[str]:
    found: list[str] = []
    _table_sources(element.proto, found)
    return found


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_new_plan_message_shows_the_name_as_written(hostile_url, monkeypatch, lang):
    monkeypatch.setenv("TRACKER_DATABASE_URL", hostile_url)
    monkeypatch.setenv("TRACKER_DEMO", "1")
    at = dashboard()
    at.query_params["lang"] = lang
    at = go_to(sign_in(at, "admin@demo.example"), "plan-files")
    at.text_input(key="newplan:name").input(f"{lang} {HOSTILE}")
    at.text_input(key="newplan:first").input("2026-Q1")
    at.text_input(key="newplan:last").input("2026-Q4")
    [submit] = [b for b in at.button if b.label == t("files.create_plan", lang)]
    submit.click()
    at.run()
    assert [s.value for s in at.success], "no plan was created"
    assert_harmless(at, "new plan")
    assert shows_hostile_text([s.value for s in at.success])
    assert any(IMAGE in _text_of(RENDER.render(s.value)).replace(WORD_JOINER, "")
               for s in at.success)


def test_the_escaping_helper_keeps_every_character():
    for text in [IMAGE, "**bold** _x_ `code`", "<img src=x onerror=alert(1)>", ":red[alarm]",
                 "$x^2$", "# title", "- item", "1. first", "a | b", "[link](javascript:x)",
                 "2.10 · Training (phase 1)", "\\![x](y)", "&lt;b&gt;", "~~gone~~",
                 "www.attacker.invalid", "WWW.Attacker.invalid", "someone@attacker.invalid",
                 "mailto:someone@attacker.invalid", "https://attacker.invalid/x?y=1", HOSTILE]:
        rendered = RENDER.render(md(text)).strip()
        assert rendered.replace(WORD_JOINER, "") == "<p>" + html.escape(text) + "</p>", text
        assert not harm(md(text)), text
    assert "\\[" in md_t("signin.no_account", "en", email=IMAGE)


@pytest.mark.parametrize("text", ["www.attacker.invalid", "see WWW.attacker.invalid/x",
                                  "someone@attacker.invalid", "(someone@attacker.invalid)",
                                  "http://attacker.invalid", "https://attacker.invalid/p"])
def test_no_autolink_literal_survives_the_helper(text):
    """GFM links ``www.``, ``http(s)://`` and e-mail addresses in text after escapes are
    resolved: a backslash before ``:`` does not stop it, a word joiner does."""
    assert harm(text), "the check itself must see the link"
    assert not harm(md(text))
    assert _text_of(RENDER.render(md(text))).strip().replace(WORD_JOINER, "") == text
