"""E-mail through the configured SMTP server: one connection for a batch of messages.

Header values are put on one line whatever they hold: a plan's name stored before the rules
refused line breaks in single-line fields must not end a header early (or add one), nor make
the message unbuildable (``email`` refuses CR/LF in a header with a ``ValueError``)."""

from __future__ import annotations

import smtplib
from collections.abc import Iterable
from dataclasses import dataclass
from email.message import EmailMessage

from tracker.errors import TrackerError
from tracker.rules import one_line
from tracker.settings import SmtpSettings


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    body: str


def message_of(sender: str, mail: Mail) -> EmailMessage:
    """The message: its headers on one line each (folded by ``email`` where long)."""
    message = EmailMessage()
    message["From"], message["To"] = one_line(sender), one_line(mail.to)
    message["Subject"] = one_line(mail.subject)
    message.set_content(mail.body)
    return message


def deliver(smtp: SmtpSettings, mails: Iterable[Mail]) -> int:
    """Send every mail over one connection; a refusal is a sentence, not a traceback."""
    sent = 0
    try:
        with smtplib.SMTP(smtp.host, smtp.port, timeout=15) as server:
            if smtp.starttls:
                server.starttls()
            if smtp.user:
                server.login(smtp.user, smtp.password or "")
            for mail in mails:
                server.send_message(message_of(smtp.sender, mail))
                sent += 1
    except (OSError, smtplib.SMTPException, ValueError) as error:
        raise TrackerError("remind.smtp_failed", host=smtp.host, port=smtp.port,
                           reason=str(error) or type(error).__name__) from None
    return sent
