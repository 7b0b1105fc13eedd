"""Reminders through a real SMTP server started by the test (aiosmtpd)."""

from __future__ import annotations

from sqlmodel import Session, select

from tests.helpers import free_port
from tracker.demo import ECUADOR_PLAN
from tracker.models import Reminder
from tracker.quarters import Quarter


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


def test_the_member_is_emailed_the_answer_to_a_reopen_request(session, inbox):
    from datetime import date

    from tests.factories import PlanBuilder
    from tracker.services import accounts, lifecycle, meetings
    from tracker.services.permissions import SYSTEM, actor_for
    from tracker.settings import get_settings

    plan = PlanBuilder(session)
    plan.institution("A")
    plan.line("1")
    plan.item("1.1", line="1", lead="A", start="2026-Q1", due="2026-Q4")

    def person(email, role, institution=None):
        return actor_for(session, accounts.add_user(
            session, SYSTEM, email=email, display_name=email, role=role,
            institution=institution, password="a long enough secret", plans=[plan.plan]))

    member, coordinator = person("m@example.org", "member", "A"), person("c@example.org",
                                                                         "coordinator")
    meeting = meetings.record_meeting(session, coordinator, plan.plan.id, Quarter(2026, 3),
                                      date(2026, 10, 20), ["A"])
    lifecycle.lock_quarter(session, coordinator, plan.plan.id, Quarter(2026, 3), meeting.id,
                           confirm=Quarter(2026, 3))
    request = lifecycle.request_reopen(session, member, plan.plan.id, Quarter(2026, 3), "Falta")
    decided = lifecycle.decide_reopen(session, coordinator, request.id, False,
                                      answer="Se discutió en la reunión",
                                      smtp=get_settings().smtp)
    assert decided.mailed is True
    [mail] = inbox.messages
    assert mail["To"] == "m@example.org"
    assert mail["Subject"].startswith("Reapertura de T3 2026 rechazada")
    assert "Se discutió en la reunión" in mail.get_payload(decode=True).decode()


def test_an_invitation_is_emailed_in_the_persons_language(session, inbox):
    from tests.factories import PlanBuilder
    from tracker.services import accounts, invitations
    from tracker.services.permissions import SYSTEM, actor_for
    from tracker.settings import get_settings

    plan = PlanBuilder(session, name="Plan binacional")
    plan.institution("A")
    plan.line("1")
    plan.item("1.1", line="1", lead="A", start="2026-Q1", due="2026-Q4")
    coordinator = actor_for(session, accounts.add_user(
        session, SYSTEM, email="c@example.org", display_name="Ana Torres", role="coordinator",
        password="a long enough secret", plans=[plan.plan]))
    person = accounts.add_user(session, coordinator, email="pf@example.org",
                               display_name="Punto focal A", role="member", institution="A",
                               password="clave-temporal-2026", plans=[plan.plan], language="es")
    sent = invitations.invite(session, coordinator, person.id, app_url="https://tracker.example/",
                              password="clave-temporal-2026", smtp=get_settings().smtp)
    assert sent.sent
    [mail] = inbox.messages
    body = mail.get_payload(decode=True).decode()
    assert mail["Subject"] == "Su cuenta en el seguimiento del plan conjunto"
    assert "https://tracker.example/" in body and "Ana Torres creó su cuenta" in body
    assert "Plan binacional" in body and person.must_change_password
