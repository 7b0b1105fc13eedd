"""Reminders before a period's deadline: each focal point with missing reports gets an e-mail
in their language (through SMTP when configured); the list is always available."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from tracker import changes
from tracker.i18n import day, t
from tracker.models import Plan, Reminder, Role, RoleGrant, User
from tracker.quarters import Quarter
from tracker.services import once, plans
from tracker.services.mail import Mail, deliver
from tracker.services.missing import missing_by_institution
from tracker.services.permissions import Actor, Permission
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
    deadline = plans.get_period(session, plan_id, quarter).deadline
    messages = []
    for due in missing_by_institution(session, actor, plan_id, quarter):
        people = session.exec(select(User).join(RoleGrant, col(RoleGrant.user_id) == User.id).where(
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
    sent = deliver(smtp, [Mail(m.email, m.subject, m.body) for m in messages])
    record(session, plan_id, quarter, messages, "email")
    return sent


def record(session: Session, plan_id: int, quarter: Quarter,
           messages: list[ReminderMessage], channel: str) -> None:
    """Keep who was reminded of what, whether by e-mail or by a message copied in the app."""
    for message in messages:
        session.add(Reminder(plan_id=plan_id, quarter=quarter, user_id=message.user_id,
                             missing_count=message.missing, channel=channel))
    if messages:  # who was reminded: no figure moves
        changes.touched(session, plan_id, figures=False)
    session.flush()


@dataclass(frozen=True)
class Reminded:
    """What the app did: sent by e-mail, or prepared for the coordinator to copy."""

    sent: int
    to_copy: list[ReminderMessage]


def remind_from_app(session: Session, actor: Actor, plan_id: int, quarter: Quarter,
                    smtp: SmtpSettings | None, *, token: str | None = None) -> Reminded:
    """The coordinator's "send reminders": by e-mail with SMTP, else messages to copy; both
    recorded like ``tracker remind``. A repeat of ``token`` (the button pressed twice) sends
    and records nothing again: how many were sent, or the messages to copy."""
    actor.require(Permission.FOLLOW_UP_REPORTS, plan_id)
    earlier = once.claim(session, actor, token, "remind")
    messages = reminders(session, actor, plan_id, quarter)
    if earlier is not None:
        return Reminded(earlier.result or 0, []) if smtp is not None else Reminded(0, messages)
    if smtp is not None:
        sent = send(session, plan_id, quarter, messages, smtp)
        once.settle(session, token, sent)
        return Reminded(sent, [])
    record(session, plan_id, quarter, messages, "copied")
    return Reminded(0, messages)
