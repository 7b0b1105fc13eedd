"""Inviting a new focal point: a message in their language with the app's address and the
steps to sign in, e-mailed when SMTP is configured, otherwise shown for the coordinator to copy.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from sqlmodel import Session, col, select

from tracker.i18n import t
from tracker.models import Plan, RoleGrant, User
from tracker.services import once
from tracker.services.accounts import add_user_to_plans, hand_over, require_manage
from tracker.services.mail import Mail, deliver
from tracker.services.permissions import Actor
from tracker.settings import SmtpSettings


@dataclass(frozen=True)
class Invitation:
    mail: Mail
    sent: bool  # False: the coordinator copies ``mail`` and sends it their own way


def link_in(app_url: str, lang: str) -> str:
    """The app's address opening its sign-in page in ``lang`` (``?lang=es``): the invitee's
    first page is in their language, before any preference of theirs is known."""
    parts = urlsplit(app_url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "lang"]
    return urlunsplit(parts._replace(query=urlencode([*query, ("lang", lang)])))


def invitation(session: Session, actor: Actor, user_id: int, *, app_url: str,
               password: str) -> Mail:
    """The invitation of ``user_id``, in that person's language."""
    user = session.get_one(User, user_id)
    require_manage(session, actor, user)
    lang = user.language
    names = session.exec(select(Plan.name).join(RoleGrant, col(RoleGrant.plan_id) == Plan.id)
                         .where(RoleGrant.user_id == user.id).order_by(Plan.name)).all()
    inviter = session.get(User, actor.user_id) if actor.user_id else None
    return Mail(user.email, t("invite.subject", lang),
                t("invite.body", lang, name=user.display_name, url=link_in(app_url, lang),
                  email=user.email,
                  password=password, plans=", ".join(names) or "—",
                  inviter=inviter.display_name if inviter else t("invite.someone", lang)))


def invite(session: Session, actor: Actor, user_id: int, *, app_url: str, password: str,
           smtp: SmtpSettings | None) -> Invitation:
    mail = invitation(session, actor, user_id, app_url=app_url, password=password)
    if smtp is None:
        return Invitation(mail, sent=False)
    deliver(smtp, [mail])
    return Invitation(mail, sent=True)


def add_and_invite(session: Session, actor: Actor, *, email: str, display_name: str, role: str,
                   password: str, institution: str | None, plan_ids: list[int], app_url: str,
                   smtp: SmtpSettings | None, token: str | None = None) -> Invitation:
    """The account form's one write: the account (checked by ``accounts.add_user``) and its
    invitation. A repeat of ``token`` (the same form sent twice) makes no second account and
    sends nothing again: it gives the first one's invitation back (the form still holds the
    password it was made with)."""
    if earlier := _earlier_invitation(session, actor, token, "add_account", app_url=app_url,
                                      password=password, smtp=smtp):
        return earlier
    created = add_user_to_plans(session, actor, email=email, display_name=display_name,
                                role=role, password=password, institution=institution,
                                plan_ids=plan_ids)
    once.settle(session, token, created.id)
    return invite(session, actor, created.id, app_url=app_url, password=password, smtp=smtp)


def hand_over_and_invite(session: Session, actor: Actor, user_id: int, *, email: str,
                         display_name: str, password: str, app_url: str,
                         smtp: SmtpSettings | None, token: str | None = None) -> Invitation:
    """A handover's one write: the new focal point's account (``accounts.hand_over``: the old
    one deactivated, its history kept) and the same invitation account creation sends, with
    the temporary password (issue 26, item 8). A repeat of ``token``, like account
    creation's, makes and sends nothing again: the first invitation back."""
    if earlier := _earlier_invitation(session, actor, token, "hand_over", app_url=app_url,
                                      password=password, smtp=smtp):
        return earlier
    new = hand_over(session, actor, user_id, email=email, display_name=display_name,
                    password=password)
    once.settle(session, token, new.id)
    return invite(session, actor, new.id, app_url=app_url, password=password, smtp=smtp)


def _earlier_invitation(session: Session, actor: Actor, token: str | None, kind: str, *,
                        app_url: str, password: str,
                        smtp: SmtpSettings | None) -> Invitation | None:
    """The invitation of the account a first submission of ``token`` made (the form still
    holds the password it was made with); with a mail server, it was sent then."""
    earlier = once.claim(session, actor, token, kind)
    if earlier is None:
        return None
    assert earlier.result is not None  # the account's id, settled with the write
    mail = invitation(session, actor, earlier.result, app_url=app_url, password=password)
    return Invitation(mail, sent=smtp is not None)
