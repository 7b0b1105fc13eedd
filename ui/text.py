"""User text in Streamlit Markdown: shown as written, never as markup.

Headers, captions, ``st.markdown``, alerts, expander and widget labels and ``help`` all render
Markdown, so a line name ``![x](http://attacker/p.png)`` would make every viewer's browser
fetch the attacker's URL, and ``**``, ``#``, ``[link](…)``, ``:red[…]`` or ``$…$`` would
restyle the page. Every user-written text (names, titles, indicators, units, comments, …)
that reaches one of those goes through ``md`` (or ``md_t`` for a catalog message with user
values); ``st.table`` renders every cell, header and index as Markdown too (``ui.slides.table``
escapes them). ``st.dataframe``, ``st.text`` and the options of a select box are plain text
already and need nothing.

Escaping is not enough for links: Streamlit's Markdown is GFM with autolink literals, found
twice — by the parser and again by a pass over the parsed text (remark-gfm's
``transformGfmAutolinkLiterals``, after backslash escapes are resolved) — so ``www.x.org``,
``someone@x.org`` and ``http://x.org`` would still become links. ``md`` puts a WORD JOINER
(U+2060: no width, no line break, ignored by search) inside each of ``www.``, ``://`` and
before every ``@``: no pattern matches, and the text reads exactly as written.
"""

from __future__ import annotations

import re

from tracker.i18n import t

# Every ASCII punctuation character may be backslash-escaped in CommonMark. Escaped here: the
# ones that open Markdown or HTML anywhere in a line (links and images need "[", code "`",
# emphasis "*" "_" "~", HTML "<" and entities "&", tables "|", LaTeX "$", Streamlit's
# directives and icons ":"), and those that open a
# block only at the start of a line (headings, lists, quotes). Dots and brackets elsewhere
# stay as they are, so "2.10 · Training (phase 1)" reads the same in the page's source.
_ANYWHERE = re.compile(r"([\\`*_{}\[\]<>|~$:&])")
_BLOCK_MARK = re.compile(r"^([#+\-]|\d{1,9}(?=[.)](?:\s|$)))([.)]?)")
# GFM autolink literals: "www." (any case), a scheme's "://" and an e-mail's "@"
WORD_JOINER = "\u2060"
_AUTOLINK = re.compile(r"(?<=www)(?=\.)|(?<=:)(?=//)|(?=@)", re.IGNORECASE)


def md(text: object) -> str:
    """``text`` escaped for Streamlit Markdown: it renders exactly as written, on one line."""
    unlinked = _AUTOLINK.sub(WORD_JOINER, " ".join(str(text).split()))
    escaped = _ANYWHERE.sub(r"\\\1", unlinked)
    # "# x", "- x", "+ x", "1. x", "1) x" would open a block at the start of a line
    return _BLOCK_MARK.sub(lambda m: (m.group(1) + "\\" + m.group(2)) if m.group(2)
                           else "\\" + m.group(1), escaped)


def md_t(key: str, lang: str, **values: object) -> str:
    """A catalog message for Markdown whose values are user texts (numbers stay as they are)."""
    return t(key, lang, **{name: md(value) if isinstance(value, str) else value
                           for name, value in values.items()})
