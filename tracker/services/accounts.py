"""Accounts: creation, role grants and password hashing (argon2)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlmodel import Session, select

from tracker import changes, rules
from tracker.errors import InvalidInput, NotAllowed, NotFound
from tracker.models import Institution, Plan, Role, RoleGrant, SignInSession, User, utcnow
from tracker.services import audit
from tracker.services.passwords import check_new_password
from tracker.services.permissions import Actor, Permission
from tracker.settings import get_settings

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
ADMIN = "admin"  # the global role, beside the per-plan ``Role``s


@cache
def _hasher_with(time_cost: int, memory_kib: int) -> PasswordHasher:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_kib)


def _hasher() -> PasswordHasher:
    """argon2id at the configured cost (``TRACKER_ARGON2_*``, RFC 9106's by default)."""
    settings = get_settings()
    return _hasher_with(settings.argon2_time_cost, settings.argon2_memory_kib)


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def password_matches(password_hash: str | None, password: str) -> bool:
    if not password_hash:
        return False
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def check_password_strength(password: str, email: str | None = None,
                            name: str | None = None) -> None:
    """A new password: long enough, and not a common, breached or guessable one, nor one
    built on the person's e-mail or name (``services.passwords``)."""
    check_new_password(password, email, name)


def may_grant_admin(actor: Actor) -> bool:
    """Only an administrator (or the operator at the command line) makes an administrator:
    a coordinator manages the accounts of its plans, never a global role."""
    return actor.is_system or actor.is_admin


def grantable_roles(actor: Actor) -> list[str]:
    """The roles an account made by ``actor`` may have (the account form offers these)."""
    return [role.value for role in Role] + ([ADMIN] if may_grant_admin(actor) else [])


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
    checked: bool = True,
) -> User:
    """Create an account with ``role`` on each of ``plans`` (``admin`` is global).

    ``checked=False`` skips the password rules for the operator's own loaders (the demo's
    accounts share the published demo password); any other actor is always checked."""
    if any("\x00" in text for text in (email, display_name, institution or "")):
        raise InvalidInput("error.invalid_text")  # before any query carries it
    email = email.strip().lower()
    if refused := rules.refused_characters("user", email=email, display_name=display_name.strip()):
        raise InvalidInput(refused)
    if not display_name.strip() or len(display_name) > 200:
        raise InvalidInput("error.bad_name", limit=200)
    if len(email) > 254 or not EMAIL.match(email):
        raise InvalidInput("error.bad_email", email=email)
    if find_user(session, email):
        raise InvalidInput("error.email_exists", email=email)
    if role not in {*Role, ADMIN}:
        raise InvalidInput("error.bad_role", role=role)
    for plan in plans:
        actor.require(Permission.MANAGE_ACCOUNTS, plan.id)
    if not plans and role != ADMIN and not may_grant_admin(actor):
        raise InvalidInput("error.choose_plan")
    if role not in grantable_roles(actor):
        raise InvalidInput("error.not_allowed.manage_accounts")
    institution_id = None
    if institution:
        found = session.exec(select(Institution).where(Institution.acronym == institution)).first()
        if found is None:
            raise NotFound("error.institution_not_found", acronym=institution)
        _require_institution_of(session, actor, found, plans)
        institution_id = found.id
    elif role == Role.MEMBER:
        raise InvalidInput("error.member_needs_institution")
    if checked or not actor.is_system:
        check_password_strength(password, email, display_name.strip())
    user = User(email=email, display_name=display_name.strip(), institution_id=institution_id,
                language=language, password_hash=hash_password(password),
                is_admin=role == ADMIN, must_change_password=not actor.is_system)
    session.add(user)
    session.flush()
    if role != ADMIN:
        for plan in plans:
            session.add(RoleGrant(user_id=user.id, plan_id=plan.id, role=role))
    audit.record(session, actor, "create", "user", user.id,
                 after={"email": email, "role": role, "institution": institution,
                        "plans": [p.name for p in plans]})
    session.flush()
    return user


def add_user_to_plans(session: Session, actor: Actor, *, email: str, display_name: str,
                      role: str, password: str, institution: str | None,
                      plan_ids: list[int]) -> User:
    """``add_user`` with the plans chosen by id (the account form's choice)."""
    plans = [session.get(Plan, plan_id) for plan_id in plan_ids]
    found = [plan for plan in plans if plan is not None]
    if len(found) < len(plans):
        raise NotFound("error.plan_not_found", name="—")
    return add_user(session, actor, email=email, display_name=display_name, role=role,
                    password=password, institution=institution, plans=found)


def _require_institution_of(session: Session, actor: Actor, institution: Institution,
                            plans: list[Plan]) -> None:
    """A person's institution takes part in one of the plans they are given (the command
    line, which sets up plans before their items exist, is trusted)."""
    from tracker.services.institutions import plan_institution_ids

    if actor.is_system or not plans:
        return
    if not any(institution.id in plan_institution_ids(session, plan.id) for plan in plans):
        raise InvalidInput("error.institution_not_in_plans", acronym=institution.acronym)


@dataclass(frozen=True)
class AccountRow:
    id: int
    email: str
    display_name: str
    institution: str | None
    roles: tuple[str, ...]  # "role@plan"
    is_active: bool
    is_admin: bool

    def roles_text(self, lang: str) -> str:
        """"coordinación de Plan …, observador de Plan …" (roles in the language)."""
        from tracker.i18n import t

        if self.is_admin:
            return t("role.admin", lang)
        return ", ".join(
            t("accounts.role_on_plan", lang, role=t(f"role.{role}", lang), plan=plan)
            for role, _, plan in (grant.partition("@") for grant in self.roles)) or "—"


def _grants(session: Session, user_id: int) -> list[RoleGrant]:
    return list(session.exec(select(RoleGrant).where(RoleGrant.user_id == user_id)))


def require_manage(session: Session, actor: Actor, user: User) -> None:
    """Admins manage anyone; a coordinator, the non-admin accounts of its own plans only."""
    if actor.is_system or actor.is_admin:
        return
    plan_ids = {grant.plan_id for grant in _grants(session, user.id)}
    if user.is_admin or not plan_ids or not all(
            actor.can(Permission.MANAGE_ACCOUNTS, plan_id) for plan_id in plan_ids):
        raise NotAllowed("error.not_allowed.manage_accounts")


def _get(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("error.user_not_found")
    return user


def _own(session: Session, actor: Actor) -> User:
    """The actor's own account (the operator at the command line has none)."""
    if actor.user_id is None:
        raise NotFound("error.user_not_found")
    return _get(session, actor.user_id)


def list_accounts(session: Session, actor: Actor) -> list[AccountRow]:
    """The accounts the actor may manage, by e-mail."""
    acronyms = dict(session.exec(select(Institution.id, Institution.acronym)).all())
    plan_names = dict(session.exec(select(Plan.id, Plan.name)).all())
    rows = []
    for user in session.exec(select(User).order_by(User.email)):
        try:
            require_manage(session, actor, user)
        except NotAllowed:
            continue
        roles = tuple(sorted(f"{g.role}@{plan_names[g.plan_id]}"
                             for g in _grants(session, user.id)))
        rows.append(AccountRow(user.id, user.email, user.display_name,
                               None if user.institution_id is None
                               else acronyms.get(user.institution_id), roles, user.is_active,
                               user.is_admin))
    return rows


def revoke_all_sessions(session: Session, user_id: int) -> None:
    """Sign a user out everywhere (deactivation, password reset). Here rather than in
    ``services.auth``, which reads accounts: the other way round would be an import loop."""
    now = utcnow()
    for signed_in in session.exec(select(SignInSession).where(
            SignInSession.user_id == user_id, SignInSession.revoked_at == None)):  # noqa: E711
        signed_in.revoked_at = now
        session.add(signed_in)
    session.flush()


def set_active(session: Session, actor: Actor, user_id: int, active: bool) -> User:
    """Deactivate (signing the user out everywhere) or reactivate; never delete."""
    user = _get(session, user_id)
    require_manage(session, actor, user)
    if actor.user_id == user_id and not active:
        raise InvalidInput("error.cannot_deactivate_self")
    user.is_active = active
    session.add(user)
    if not active:
        revoke_all_sessions(session, user.id)
    audit.record(session, actor, "activate" if active else "deactivate", "user", user.id,
                 after={"is_active": active})
    session.flush()
    return user


def reset_password(session: Session, actor: Actor, user_id: int, password: str) -> None:
    user = _get(session, user_id)
    require_manage(session, actor, user)
    check_password_strength(password, user.email, user.display_name)
    user.password_hash = hash_password(password)
    user.must_change_password = not actor.is_system
    session.add(user)
    revoke_all_sessions(session, user.id)
    audit.record(session, actor, "reset_password", "user", user.id)
    session.flush()


def change_own_password(session: Session, actor: Actor, current: str, new: str) -> None:
    user = _own(session, actor)
    if not password_matches(user.password_hash, current):
        raise InvalidInput("error.wrong_current_password")
    if new == current:
        raise InvalidInput("error.same_password")
    check_password_strength(new, user.email, user.display_name)
    user.password_hash = hash_password(new)
    user.must_change_password = False
    session.add(user)
    audit.record(session, actor, "change_password", "user", user.id)
    session.flush()


def set_language(session: Session, actor: Actor, language: str) -> None:
    if language not in ("es", "en"):
        raise InvalidInput("error.bad_language")
    user = _own(session, actor)
    if user.language == language:
        return
    user.language = language
    session.add(user)
    changes.structure_touched(session)  # the accounts list shows it
    session.flush()


def hand_over(session: Session, actor: Actor, user_id: int, *, email: str,
              display_name: str, password: str) -> User:
    """A departing focal point hands over: a new account with the same institution and roles;
    the old one is deactivated, and everything it wrote stays in its name."""
    old = _get(session, user_id)
    require_manage(session, actor, old)
    grants = _grants(session, old.id)
    plan_rows = [session.get_one(Plan, g.plan_id) for g in grants]
    institution = session.get(Institution, old.institution_id) if old.institution_id else None
    first_role = grants[0].role if grants else "observer"
    new = add_user(session, actor, email=email, display_name=display_name, role=first_role,
                   password=password, institution=institution.acronym if institution else None,
                   plans=[p for g, p in zip(grants, plan_rows, strict=True)
                          if g.role == first_role], language=old.language)
    for grant in grants:
        if grant.role != first_role:
            session.add(RoleGrant(user_id=new.id, plan_id=grant.plan_id, role=grant.role))
    set_active(session, actor, old.id, False)
    audit.record(session, actor, "hand_over", "user", old.id,
                 before={"email": old.email}, after={"email": new.email,
                                                     "plans": [p.name for p in plan_rows]})
    session.flush()
    return new


def account_institutions(session: Session, actor: Actor) -> list[tuple[str, str]]:
    """(acronym, name) of the institutions an account made by ``actor`` may belong to: those
    of the plans whose accounts the actor manages (every institution for an admin)."""
    from tracker.services.institutions import plan_institutions

    if actor.is_system or actor.is_admin:
        found = session.exec(select(Institution).order_by(Institution.acronym)).all()
    else:
        managed = [p for p in session.exec(select(Plan.id)).all()
                   if actor.can(Permission.MANAGE_ACCOUNTS, p)]
        found = plan_institutions(session, managed)
    return [(i.acronym, i.name) for i in found]

