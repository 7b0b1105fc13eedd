"""E-mail through the configured SMTP server: one connection for a batch of messages."""

from __future__ import annotations

import smtplib
from collections.abc import Iterable
from dataclasses import dataclass
from email.message import EmailMessage

from tracker.errors import TrackerError
from tracker.settings import SmtpSettings


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    body: str


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
                message = EmailMessage()
                message["From"], message["To"] = smtp.sender, mail.to
                message["Subject"] = mail.subject
                message.set_content(mail.body)
                server.send_message(message)
                sent += 1
    except (OSError, smtplib.SMTPException) as error:
        raise TrackerError("remind.smtp_failed", host=smtp.host, port=smtp.port,
                           reason=str(error) or type(error).__name__) from None
    return sent
