"""Reminders before a period's deadline: each focal point with missing reports gets an e-mail
in their language (through SMTP when configured); the list is always available."""

from __future__ import annotations

import smtplib
from dataclasses import dataclass
from email.message import EmailMessage

from sqlmodel import Session, select

from tracker.errors import TrackerError
from tracker.i18n import day, t
from tracker.models import Plan, Reminder, Role, RoleGrant, User
from tracker.quarters import Quarter
from tracker.services import plans
from tracker.services.missing import missing_by_institution
from tracker.services.permissions import Actor
from tracker.settings import SmtpSettings


@dataclass(frozen=True)
class ReminderMessage:
    user_id: int
    email: str
    language: str
    subject: str
    body: str
    missing: int


def reminders(session: Session, actor: Actor, plan_id: int,
              quarter: Quarter) -> list[ReminderMessage]:
    """One message per active focal point whose institution still owes reports."""
    plan = session.get_one(Plan, plan_id)
    deadline = plans.get_period(session, plan_id, str(quarter)).deadline
    messages = []
    for due in missing_by_institution(session, actor, plan_id, quarter):
        people = session.exec(select(User).join(RoleGrant, RoleGrant.user_id == User.id).where(
            RoleGrant.plan_id == plan_id, RoleGrant.role == Role.MEMBER, User.is_active,
            User.institution_id == due.institution_id).order_by(User.email)).all()
        for person in people:
            lang = person.language
            items = "\n".join(
                f"- {i.code} {i.title} ({t('state.' + (i.state or 'missing'), lang)})"
                for i in due.items)
            messages.append(ReminderMessage(
                person.id, person.email, lang,
                t("remind.subject", lang, quarter=quarter.label(lang), plan=plan.name),
                t("remind.body", lang, name=person.display_name, quarter=quarter.label(lang),
                  plan=plan.name, institution=due.institution, count=len(due.items),
                  items=items, deadline=day(deadline, lang)),
                len(due.items)))
    return messages


def send(session: Session, plan_id: int, quarter: Quarter, messages: list[ReminderMessage],
         smtp: SmtpSettings) -> int:
    """Send through SMTP and record each reminder; a refusal is a sentence, not a traceback."""
    try:
        with smtplib.SMTP(smtp.host, smtp.port, timeout=15) as server:
            if smtp.starttls:
                server.starttls()
            if smtp.user:
                server.login(smtp.user, smtp.password or "")
            for message in messages:
                mail = EmailMessage()
                mail["From"], mail["To"], mail["Subject"] = smtp.sender, message.email, \
                    message.subject
                mail.set_content(message.body)
                server.send_message(mail)
                session.add(Reminder(plan_id=plan_id, quarter=str(quarter),
                                     user_id=message.user_id, missing_count=message.missing))
    except (OSError, smtplib.SMTPException) as error:
        raise TrackerError("remind.smtp_failed", host=smtp.host, port=smtp.port,
                           reason=str(error) or type(error).__name__) from None
    session.flush()
    return len(messages)
