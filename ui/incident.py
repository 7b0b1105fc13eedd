"""An unexpected error: a short message with an incident number; the server log has the rest.

Nobody sees a traceback (SQL, parameters, file paths): ``.streamlit/config.toml`` sets
``client.showErrorDetails = "none"``, ``dashboard.py`` catches what a page raises, and
``server.py`` hands every other uncaught error of a script run (callbacks included) here
through ``st.App(on_script_error=...)``.
"""

from __future__ import annotations

import logging
import secrets

import streamlit as st

from tracker.i18n import t

LOG = logging.getLogger("tracker.incident")
if not LOG.handlers:  # the server's log (stderr) gets the details whatever logging is set up
    _handler = logging.StreamHandler()
    _handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    LOG.addHandler(_handler)
    LOG.propagate = False


def new_incident_id() -> str:
    """Short enough to read out on the phone, unique enough to find in the log."""
    return secrets.token_hex(4).upper()


def report(error: BaseException) -> str:
    """Log ``error`` in full under a new incident id and show the short message; the id."""
    incident = new_incident_id()
    LOG.error("incident %s: %s", incident, type(error).__name__,
              exc_info=(type(error), error, error.__traceback__))
    try:
        from ui.state import language

        lang = language()
    except Exception:  # the language itself could not be read  # noqa: BLE001
        lang = "en"
    st.error(t("error.incident", lang, incident=incident), icon=":material/error:")
    return incident


def on_script_error(error: Exception) -> bool:
    """``st.App``'s handler: report it, and tell Streamlit not to show its own display."""
    report(error)
    return True
