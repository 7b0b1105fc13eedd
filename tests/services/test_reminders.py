"""Reminders through a real SMTP server started by the test (aiosmtpd)."""

from __future__ import annotations

from sqlmodel import Session, select

from tests.helpers import free_port
from tracker.demo import ECUADOR_PLAN
from tracker.models import Reminder


def test_focal_points_with_missing_reports_get_one_email_in_their_language(
        cli, inbox, engine):  # noqa: F811
    cli("demo", "load")
    code, out, err = cli("remind", "2026-Q4", "--plan", ECUADOR_PLAN)
    assert code == 0, err
    by_recipient = {m["To"]: m for m in inbox.messages}
    assert "dinapen@demo.example" in by_recipient and "oim@demo.example" in by_recipient
    assert by_recipient["dinapen@demo.example"]["Subject"].startswith(
        "Reportes pendientes de T4 2026")
    assert by_recipient["oim@demo.example"]["Subject"].startswith("Reports missing for Q4 2026")
    body = by_recipient["dinapen@demo.example"].get_payload(decode=True).decode()
    assert "DINAPEN tiene todavía" in body and "15 ene 2027" in body
    assert f"{len(inbox.messages)} reminder(s) sent." in out
    with Session(engine) as session:
        assert len(session.exec(select(Reminder)).all()) == len(inbox.messages)


def test_dry_run_lists_and_sends_nothing(cli, inbox):  # noqa: F811
    cli("demo", "load")
    code, out, _ = cli("remind", "2026-Q4", "--plan", ECUADOR_PLAN, "--dry-run")
    assert code == 0 and "dinapen@demo.example (es):" in out
    assert inbox.messages == []


def test_a_refusing_mail_server_is_a_sentence_and_exit_1(cli, monkeypatch):  # noqa: F811
    cli("demo", "load")
    monkeypatch.setenv("TRACKER_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("TRACKER_SMTP_PORT", str(free_port()))  # nobody listens there
    code, _, err = cli("remind", "2026-Q4", "--plan", ECUADOR_PLAN)
    assert code == 1
    assert err.startswith("The mail server 127.0.0.1:") and "TRACKER_SMTP_HOST" in err
