"""Security checks that need no browser: cached reads never cross from one user to another,
and the repository holds no secrets."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from sqlmodel import select

from tests.apptest import dashboard, sign_in
from tracker.db import make_engine, session_scope
from tracker.demo import ECUADOR_PLAN, TRINATIONAL_PLAN
from tracker.models import User
from tracker.services import plans
from tracker.services.permissions import actor_for

ROOT = Path(__file__).resolve().parents[2]


def _plans_offered(at) -> list[str]:
    return list(at.selectbox(key="plan").options)


def test_a_cached_read_of_one_user_never_reaches_another(demo_url, monkeypatch):
    monkeypatch.setenv("TRACKER_DATABASE_URL", demo_url)
    monkeypatch.setenv("TRACKER_DEMO", "1")
    coordinator = sign_in(dashboard(), "coordinacion@demo.example")  # fills the caches first
    assert sorted(_plans_offered(coordinator)) == sorted([ECUADOR_PLAN, TRINATIONAL_PLAN])
    colombia = sign_in(dashboard(), "mininter-co@demo.example")  # same process, same caches
    assert not colombia.exception
    assert _plans_offered(colombia) == [TRINATIONAL_PLAN]
    for email in ("dinapen@demo.example", "innfa@demo.example", "icbf@demo.example"):
        member = sign_in(dashboard(), email)
        assert sorted(_plans_offered(member)) == _plans_of(demo_url, email)


def _plans_of(url: str, email: str) -> list[str]:
    """The plans the database grants ``email``, asked of the service, not the page."""
    with session_scope(make_engine(url)) as session:
        user = session.exec(select(User).where(User.email == email)).one()
        return sorted(p.name for p in plans.list_plans(session, actor_for(session, user)))


# Literals that look like secrets but are published on purpose: the demo's password (said on
# the sign-in page, accepted only in demo mode) and the benchmark's generated account.
ALLOWED = {"demo-commission-2026", "bench-national-2026"}
SECRET_PATTERNS = [
    re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"),
    re.compile(r"AKIA[0-9A-Z]{16}"),
    re.compile(r"(?i)(password|secret|token|api_key)\s*[:=]\s*[\"']([^\"'\s]{8,})[\"']"),
    re.compile(r"postgres(?:ql)?(?:\+\w+)?://[^:/\s]+:([^@\s]{4,})@"),
]


def test_the_repository_holds_no_secrets():
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True,
                             check=True).stdout.split()
    assert ".streamlit/secrets.toml" not in tracked
    found = []
    for name in tracked:
        if name.startswith("tests/") or not (ROOT / name).is_file():
            continue  # tests hold throw-away passwords for throw-away databases
        text = (ROOT / name).read_text(errors="ignore")
        for pattern in SECRET_PATTERNS:
            for match in pattern.finditer(text):
                value = match.group(match.lastindex or 0)
                if value not in ALLOWED and "secret" not in value.lower():
                    found.append(f"{name}: {match.group(0)[:60]}")
    assert found == []


@pytest.mark.incident
def test_an_unexpected_error_shows_an_incident_id_never_a_traceback(demo_url, monkeypatch,
                                                                     incidents):
    """What 8 simultaneous sign-ins once showed on PostgreSQL (an IntegrityError with its SQL,
    parameters and file paths) now reads as one sentence with an id the server log holds."""
    import tomllib

    from sqlalchemy.exc import IntegrityError

    from tracker.services import auth

    def failing(*args, **kwargs):
        raise IntegrityError("INSERT INTO signin_throttle (email, failures) VALUES (%(email)s)",
                             {"email": "pn@demo.example"},
                             Exception('duplicate key value violates unique constraint '
                                       '"signin_throttle_pkey"'))

    monkeypatch.setenv("TRACKER_DATABASE_URL", demo_url)
    monkeypatch.setattr(auth, "sign_in", failing)
    at = sign_in(dashboard(), "pn@demo.example")
    assert not at.exception
    [error] = at.error
    incident = re.search(r"incident number: ([0-9A-F]{8})", error.value).group(1)
    shown = " ".join(str(e.value) for e in [*at.error, *at.markdown, *at.caption])
    for leak in ("signin_throttle", "INSERT", "IntegrityError", "Traceback", ".py"):
        assert leak not in shown
    [record] = incidents
    assert incident in record.getMessage()
    assert "signin_throttle_pkey" in str(record.exc_info[1])  # the log keeps everything
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["client"]["showErrorDetails"] == "none"
    import server

    assert server.app._on_script_error is not None
