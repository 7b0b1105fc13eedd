"""An expander whose content is drawn only once it has been opened, and then stays drawn
(collapsed or not) while its page is on screen: Streamlit 1.67's stateful expander
(``on_change="rerun"``, ``.open``).

Why opened content stays drawn: what a person types into an ``st.form`` stays in the browser
until the form is submitted, and the first run that does not draw a widget makes both the
server and the browser forget it, typed text included. The server cannot know whether a form
holds unsent text, so a form once shown is drawn in every later run of the page: collapsing an
item, or opening another, never takes text away. Leaving the page does (as before).

Why ``expanded`` stays put: the expander's widget id is computed from its label and
``expanded``, and a new id is a new widget that starts at ``expanded`` and that the browser draws
anew, which takes the keyboard focus off its summary. So ``expanded`` keeps the value of the
page's first run, and changes only when the label changes anyway (a report's state after a
save): then it takes the state the person left the expander in.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

PANELS = "lazy_expander:panels"  # widget key -> _Drawn (not a widget key itself)


@dataclass(frozen=True)
class _Drawn:
    label: str
    expanded: bool  # the ``expanded`` argument it was drawn with
    open: bool
    kept: bool  # its content is drawn in every run from now on


def lazy_expander(label: str, key: str, *, start_open: bool,
                  draw_anyway: bool = False) -> tuple[DeltaGenerator, bool]:
    """The expander, and whether to draw its content in this run: it is open, it was open
    earlier on this visit of the page, or ``draw_anyway`` (say, an error waits in it).
    ``start_open``: open when the page is visited."""
    panels: dict[str, _Drawn] = st.session_state.setdefault(PANELS, {})
    # no widget state: the expander was not drawn in the last run, a new visit of the page
    before = panels.get(key) if key in st.session_state else None
    if before is None:
        expanded, kept = start_open, False
    elif before.label == label:
        expanded, kept = before.expanded, before.kept
    else:
        expanded, kept = before.open, before.kept
    panel = st.expander(label, expanded=expanded, key=key, on_change="rerun")
    is_open = bool(panel.open)
    kept = kept or is_open or draw_anyway
    panels[key] = _Drawn(label, expanded, is_open, kept)
    return panel, kept
