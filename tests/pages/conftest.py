"""Fixtures of the page tests (AppTest): the dashboard on a demo database of its own."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.apptest import copy_database, dashboard


@pytest.fixture
def app(demo_url, monkeypatch) -> AppTest:
    """The dashboard in demo mode on the module's demo database (tests/conftest.py), not run
    yet."""
    monkeypatch.setenv("TRACKER_DATABASE_URL", demo_url)
    monkeypatch.setenv("TRACKER_DEMO", "1")
    return dashboard()


@pytest.fixture
def db_url(demo_template, tmp_path, monkeypatch) -> str:
    """A copy of the demo database for this test alone, which the dashboard (``app_as``)
    opens in demo mode; its URL."""
    url = copy_database(demo_template, tmp_path)
    monkeypatch.setenv("TRACKER_DATABASE_URL", url)
    monkeypatch.setenv("TRACKER_DEMO", "1")
    return url
