"""E-mail delivery (tracker/services/mail.py) through a real SMTP server started by the test."""

from __future__ import annotations

import pytest

from tests.helpers import free_port
from tracker.errors import TrackerError
from tracker.services.mail import Mail, deliver
from tracker.settings import get_settings


def test_every_mail_arrives_with_its_sender_recipient_subject_and_body(inbox):
    smtp = get_settings().smtp
    sent = deliver(smtp, [Mail("dinapen@demo.example", "Reportes pendientes", "¿Qué falta?"),
                          Mail("oim@demo.example", "Reports missing", "What is left?")])
    assert sent == 2
    assert [(m["From"], m["To"], m["Subject"]) for m in inbox.messages] == [
        ("secretaria@demo.example", "dinapen@demo.example", "Reportes pendientes"),
        ("secretaria@demo.example", "oim@demo.example", "Reports missing")]
    assert inbox.messages[0].get_payload(decode=True).decode().strip() == "¿Qué falta?"


def test_a_server_nobody_listens_on_is_a_sentence_naming_it(monkeypatch):
    port = free_port()
    monkeypatch.setenv("TRACKER_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("TRACKER_SMTP_PORT", str(port))
    monkeypatch.setenv("TRACKER_SMTP_STARTTLS", "0")
    with pytest.raises(TrackerError) as refused:
        deliver(get_settings().smtp, [Mail("a@example.org", "Subject", "Body")])
    assert refused.value.key == "remind.smtp_failed"
    assert str(refused.value).startswith(f"The mail server 127.0.0.1:{port} refused")


def test_header_values_never_carry_a_line_break(inbox):
    """Defence in depth: whatever a subject or an address holds (a name stored before the
    single-line rule), each header stays one line and no header is added."""
    smtp = get_settings().smtp
    deliver(smtp, [Mail("m@example.org", "Recordatorio\r\nBcc: intruso@example.org\n\tX", "B")])
    [mail] = inbox.messages
    assert mail["Subject"] == "Recordatorio Bcc: intruso@example.org X"
    assert mail["Bcc"] is None
