"""What a press did, said where the person is looking (issue 26, item 7).

A write's outcome is drawn next to the button that caused it, in a container of its own, and
takes the keyboard focus (``ui.accessibility.focus_message``), so that a screen reader reads
it: a success survives the rerun after the write (``remember`` now, ``here`` at the button's
place on the next run); a refusal is drawn at once (``refused``). ``at`` names the place, one
per button or group of buttons; a message with no place goes to the top of the page (``show``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

import streamlit as st

from tracker.errors import TrackerError
from ui.accessibility import focus_message
from ui.text import md_t


class Written(Protocol):
    """A write's outcome (``ui.actions.Outcome``): its refusal, or ``None`` when it wrote."""

    @property
    def error(self) -> TrackerError | None: ...


def _pending_key(page: str, at: str | None) -> str:
    return f"flash:{page}" if at is None else f"flash:{page}:{at}"


def remember(page: str, key: str, *, at: str | None = None, **values: object) -> None:
    """The success message ``key`` to draw on the next run (at ``at``, or the page's top)."""
    st.session_state[_pending_key(page, at)] = (key, values)


def pending(page: str, at: str | None = None) -> bool:
    """A success waits to be drawn at ``at`` (say, to draw the panel it goes in)."""
    return _pending_key(page, at) in st.session_state


def say(draw: Callable[[str], object], text: str, box: str, *, focus: bool = True) -> None:
    """``text`` drawn by ``draw`` (``st.success``, ``st.error``...) in the container ``box``,
    where it takes the focus (``focus``: a message drawn again on every run takes it only
    when it appears). ``text`` is Markdown already made safe (``md_t``)."""
    with st.container(key=box):
        draw(text)
        if focus:
            focus_message(box)


def show(page: str, lang: str) -> None:
    """The page's pending confirmation with no place of its own, once, at the top."""
    here(page, None, lang)


def here(page: str, at: str | None, lang: str) -> None:
    """The pending confirmation of the button(s) ``at``, once: call it next to them."""
    found = st.session_state.pop(_pending_key(page, at), None)
    if found:
        key, values = found
        # the values may be user texts
        say(st.success, md_t(key, lang, **values), f"flash:ok:{page}:{at or ''}")


def leftovers(page: str, lang: str) -> None:
    """Every success of ``page`` not drawn at its place in this run (the place is gone: a
    submission ended a reopening and its form with it), here: call it last, inside a
    container drawn earlier near the page's top."""
    for name in [k for k in st.session_state if str(k).startswith(f"flash:{page}:")]:
        key, values = st.session_state.pop(name)
        say(st.success, md_t(key, lang, **values), f"flash:left:{name}")


def refused(text: str, page: str, at: str | None = None) -> None:
    """A refusal in words, now, where ``refused`` is called (next to the button)."""
    say(st.error, text, f"flash:no:{page}:{at or ''}")


def after_write(outcome: Written, page: str, lang: str, success: str, *,
                at: str | None = None, **values: object) -> None:
    """A write's ending: the confirmation on the next run (at ``at``: call ``here(page, at)``
    next to the button), or the refusal in words now, where this is called."""
    if outcome.error is None:  # ``outcome.ok``
        remember(page, success, at=at, **values)
        st.rerun()
    from ui.state import message

    refused(message(outcome.error, lang), page, at)
