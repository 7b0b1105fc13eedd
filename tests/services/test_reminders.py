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
    assert f"{len(inbox.messages)} reminders sent." in out
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


def test_a_plan_name_with_a_line_break_stored_earlier_still_mails_one_line_subjects(
        session, plan, people, inbox):
    """A name stored before single-line fields refused control characters (issue 25)."""
    from tracker.quarters import Quarter
    from tracker.services import reminders
    from tracker.services.permissions import SYSTEM
    from tracker.settings import get_settings

    plan.plan.name = "Plan\r\nBcc: intruso@example.org\r\n\r\ncuerpo"
    session.add(plan.plan)
    session.flush()
    messages = reminders.reminders(session, SYSTEM, plan.plan.id, Quarter(2026, 4))
    assert [m.email for m in messages] == ["m@example.org"]
    assert reminders.send(session, plan.plan.id, Quarter(2026, 4), messages,
                          get_settings().smtp) == 1
    [mail] = inbox.messages
    assert set(mail.keys()) == {"From", "To", "Subject", "Content-Type",
                                "Content-Transfer-Encoding", "MIME-Version"}  # no Bcc added
    assert mail["To"] == "m@example.org"
    subject = "".join(mail["Subject"].splitlines())  # unfolded (RFC 5322, 2.2.3)
    assert "Plan Bcc: intruso@example.org cuerpo" in subject
    assert len(session.exec(select(Reminder)).all()) == 1


def test_reminders_of_the_longest_plan_are_mailed_whole(session, inbox):
    """Issue 25, item 7: every field at its longest (254-character e-mail, 200-character plan
    name and display name with accents)."""
    from tests.factories import longest_plan
    from tracker.quarters import Quarter
    from tracker.services import reminders
    from tracker.services.permissions import SYSTEM
    from tracker.settings import get_settings

    longest = longest_plan(session)
    messages = reminders.reminders(session, SYSTEM, longest.plan.id, Quarter(2026, 4))
    assert [m.email for m in messages] == [longest.email]
    assert reminders.send(session, longest.plan.id, Quarter(2026, 4), messages,
                          get_settings().smtp) == 1
    [mail] = inbox.messages
    assert mail["To"] == longest.email
    from email.header import decode_header, make_header

    assert longest.plan.name in str(make_header(decode_header(mail["Subject"])))
    assert longest.plan.name in mail.get_payload(decode=True).decode()
