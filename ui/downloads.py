"""Every download the product offers, through one button (a test keeps it the only one).

The file is made when the button is pressed (a deferred ``st.download_button``) and only if
this browser session's sign-in is still live then; it goes to ``tracker.downloads.TICKETS``
for that sign-in session, and Streamlit stores just the ticket. ``server.py`` hands the file
out once, to the same live session (the cookie), and forgets it. Pressing again makes it
again.

Tables: Streamlit's own table toolbar ("Download as CSV", and copying cells) writes the cells
as they are, so a narrative ``=HYPERLINK("http://…")`` would open as a live formula in the
coordinator's spreadsheet. It is switched off for every table of every page at once
(``client.disableDataExport`` in ``.streamlit/config.toml``; ``tests/security`` checks it). A
table worth keeping is offered through ``table_csv``, every text neutralised by
``tracker.io.cells.frame_csv``.
"""

from __future__ import annotations

import mimetypes
import secrets
from collections.abc import Callable

import pandas as pd
import streamlit as st

from tracker.downloads import TICKETS
from tracker.file_names import download_name
from tracker.io.cells import frame_csv
from tracker.services import auth
from ui import state

MIMETYPES = {".csv": "text/csv", ".zip": "application/zip"}


def _mimetype(file_name: str) -> str:
    suffix = "." + file_name.rsplit(".", 1)[-1].lower() if "." in file_name else ""
    return (MIMETYPES.get(suffix) or mimetypes.guess_type(file_name)[0]
            or "application/octet-stream")


def _ticket(session_id: int | None, make: Callable[[], bytes | str], file_name: str) -> bytes:
    """Run on press (in Streamlit's thread for deferred files): the ticket, or random bytes
    that the server refuses when the sign-in ended meanwhile (nothing is made then)."""
    if session_id is not None:
        with state.reading() as db:
            live = auth.signed_in_account(db, session_id) is not None
        if live:
            content = make()
            data = content.encode() if isinstance(content, str) else content
            return TICKETS.issue(session_id, data, file_name, _mimetype(file_name))
    return secrets.token_bytes(16)


def download_button(label: str, make: Callable[[], bytes | str], *, file_name: str, key: str,
                    icon: str | None = None, help: str | None = None) -> None:
    """``st.download_button`` whose file ``make`` builds on press, for this sign-in only."""
    session_id = st.session_state.get(state.SESSION_KEY)
    st.download_button(label, lambda: _ticket(session_id, make, file_name),
                       file_name=file_name, mime="application/octet-stream", key=key,
                       help=help, icon=icon, on_click="ignore")


def table_csv(frame: pd.DataFrame, label: str, name: str, *, key: str) -> None:
    """``frame`` as the product's CSV (``name``.csv), every text neutralised: the download a
    table offers instead of Streamlit's."""
    download_button(label, lambda: frame_csv(frame), file_name=download_name(name, ".csv"),
                    key=key, icon=":material/download:")
