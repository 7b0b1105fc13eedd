"""What a press did, said where the person is looking (issue 26, item 7).

A write's outcome is drawn next to the button that caused it, in a container of its own, and
takes the keyboard focus (``ui.accessibility.focus_message``), so that a screen reader reads
it: a success survives the rerun after the write (``remember`` now, ``here`` at the button's
place on the next run); a refusal is drawn at once (``refused``). ``at`` names the place, one
per button or group of buttons; a message with no place goes to the top of the page (``show``).
A refusal that names a field (``fields``: the refusal's message key to the field's widget key)
marks that field invalid and gives the focus to it rather than to the message
(``ui.accessibility.invalid_field``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Protocol

import streamlit as st

from tracker.errors import TrackerError
from ui.accessibility import focus_message, invalid_field
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


def say(draw: Callable[[str], object], text: str, box: str, *, focus: bool = True,
        field: str | None = None) -> None:
    """``text`` drawn by ``draw`` (``st.success``, ``st.error``...) in the container ``box``,
    where it takes the focus (``focus``: a message drawn again on every run takes it only
    when it appears); a refusal of the field of widget key ``field`` marks that field, which
    takes the focus instead. ``text`` is Markdown already made safe (``md_t``)."""
    with st.container(key=box):
        draw(text)
        if field is not None:
            invalid_field(field, focus=focus)
        elif focus:
            focus_message(box)


def field_of(error: object, fields: Mapping[str, str] | None) -> str | None:
    """The widget key of the field a refusal names: its message key looked up in ``fields``
    (a key ending in ``*`` stands for every message key it starts)."""
    key = getattr(error, "key", None)
    if not fields or not isinstance(key, str):
        return None
    if key in fields:
        return fields[key]
    return next((field for name, field in fields.items()
                 if name.endswith("*") and key.startswith(name[:-1])), None)


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


def refused(text: str, page: str, at: str | None = None, *, field: str | None = None) -> None:
    """A refusal in words, now, where ``refused`` is called (next to the button); ``field``:
    the widget key of the field it names."""
    say(st.error, text, f"flash:no:{page}:{at or ''}", field=field)


def after_write(outcome: Written, page: str, lang: str, success: str, *,
                at: str | None = None, fields: Mapping[str, str] | None = None,
                **values: object) -> None:
    """A write's ending: the confirmation on the next run (at ``at``: call ``here(page, at)``
    next to the button), or the refusal in words now, where this is called, marking the
    field it names (``fields``, ``field_of``). Message values spread from a dict are typed
    ``dict[str, Any]``: mypy matches a spread against ``fields`` too."""
    if outcome.error is None:  # ``outcome.ok``
        remember(page, success, at=at, **values)
        st.rerun()
    from ui.state import message

    refused(message(outcome.error, lang), page, at, field=field_of(outcome.error, fields))
