"""Accounts: creation, role grants and password hashing (argon2)."""

from __future__ import annotations

import re

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlmodel import Session, select

from tracker.errors import InvalidInput, NotFound
from tracker.models import Institution, Plan, Role, RoleGrant, User
from tracker.services import audit
from tracker.services.permissions import Actor, Permission

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_PASSWORD_LENGTH = 10
_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def password_matches(password_hash: str | None, password: str) -> bool:
    if not password_hash:
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def check_password_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput("error.password_too_short", minimum=MIN_PASSWORD_LENGTH)


def find_user(session: Session, email: str) -> User | None:
    return session.exec(select(User).where(User.email == email.strip().lower())).first()


def add_user(
    session: Session,
    actor: Actor,
    *,
    email: str,
    display_name: str,
    role: str,
    password: str,
    institution: str | None = None,
    plans: list[Plan],
    language: str = "es",
) -> User:
    """Create an account with ``role`` on each of ``plans`` (``admin`` is global)."""
    email = email.strip().lower()
    if not EMAIL.match(email):
        raise InvalidInput("error.bad_email", email=email)
    if find_user(session, email):
        raise InvalidInput("error.email_exists", email=email)
    if role not in {*Role, "admin"}:
        raise InvalidInput("error.bad_role", role=role)
    for plan in plans:
        actor.require(Permission.MANAGE_ACCOUNTS, plan.id)
    if role == "admin" and not (actor.is_system or actor.is_admin):
        raise InvalidInput("error.not_allowed.manage_accounts")
    institution_id = None
    if institution:
        found = session.exec(select(Institution).where(Institution.acronym == institution)).first()
        if found is None:
            raise NotFound("error.institution_not_found", acronym=institution)
        institution_id = found.id
    elif role == Role.MEMBER:
        raise InvalidInput("error.member_needs_institution")
    check_password_strength(password)
    user = User(email=email, display_name=display_name.strip(), institution_id=institution_id,
                language=language, password_hash=hash_password(password),
                is_admin=role == "admin")
    session.add(user)
    session.flush()
    if role != "admin":
        for plan in plans:
            session.add(RoleGrant(user_id=user.id, plan_id=plan.id, role=role))
    audit.record(session, actor, "create", "user", user.id,
                 after={"email": email, "role": role, "institution": institution,
                        "plans": [p.name for p in plans]})
    session.flush()
    return user
