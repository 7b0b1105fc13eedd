"""Tables whose long texts wrap instead of being cut.

``st.dataframe`` draws each cell on one line of a canvas and cuts what does not fit: the
history's before → after at 1280 px, a conflict's narratives. ``st.table`` wraps every cell;
it renders cells and headers as Markdown, so each text goes through ``md`` (names, titles and
narratives are user text).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ui.text import md

LONG = 12  # rows: a longer table scrolls in its own box of ``SCROLL_HEIGHT`` px
SCROLL_HEIGHT = 640


def wrapped_table(frame: pd.DataFrame) -> None:
    """``frame`` as a static table whose texts wrap in their cells, without its index."""
    shown = frame.map(lambda cell: md(cell) if isinstance(cell, str) else cell).rename(
        columns=md)
    st.table(shown, hide_index=True,
             height=SCROLL_HEIGHT if len(frame) > LONG else "content")
