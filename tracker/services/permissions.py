"""Who may do what: the one place where the page x role table of DESIGN.md is decided."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from sqlmodel import Session, col, select

from tracker.errors import NotAllowed
from tracker.models import Role, RoleGrant, User


class Permission(StrEnum):
    READ_PLAN = "read_plan"
    WRITE_OWN_REPORTS = "write_own_reports"
    REVIEW_REPORTS = "review_reports"
    MANAGE_PLAN = "manage_plan"
    MANAGE_ACCOUNTS = "manage_accounts"


GRANTS: dict[Role, frozenset[Permission]] = {
    Role.MEMBER: frozenset({Permission.READ_PLAN, Permission.WRITE_OWN_REPORTS}),
    Role.COORDINATOR: frozenset(
        {Permission.READ_PLAN, Permission.REVIEW_REPORTS, Permission.MANAGE_PLAN,
         Permission.MANAGE_ACCOUNTS}
    ),
    Role.OBSERVER: frozenset({Permission.READ_PLAN}),
}
ADMIN_GRANTS = frozenset(
    {Permission.READ_PLAN, Permission.MANAGE_PLAN, Permission.MANAGE_ACCOUNTS}
)


@dataclass(frozen=True)
class Actor:
    """Who is acting: a signed-in user, or the operator at the command line (``SYSTEM``)."""

    user_id: int | None
    institution_id: int | None = None
    is_admin: bool = False
    roles: dict[int, frozenset[Role]] = field(default_factory=dict)
    is_system: bool = False

    def permissions(self, plan_id: int) -> frozenset[Permission]:
        if self.is_system:
            return frozenset(Permission)
        granted: set[Permission] = set(ADMIN_GRANTS) if self.is_admin else set()
        for role in self.roles.get(plan_id, frozenset()):
            granted |= GRANTS[role]
        return frozenset(granted)

    def can(self, permission: Permission, plan_id: int) -> bool:
        return permission in self.permissions(plan_id)

    def require(self, permission: Permission, plan_id: int) -> None:
        if not self.can(permission, plan_id):
            raise NotAllowed(f"error.not_allowed.{permission.value}")

    @property
    def can_create_plans(self) -> bool:
        """A coordinator of any plan or an admin creates plans (and coordinates them)."""
        return (self.is_system or self.is_admin
                or any(Role.COORDINATOR in roles for roles in self.roles.values()))


SYSTEM = Actor(user_id=None, is_system=True)


class PageName(StrEnum):
    OVERVIEW = "overview"
    GETTING_STARTED = "getting_started"
    MY_INSTITUTION = "my_institution"
    REVIEW = "review"
    ITEM = "item"
    PRESENTATION = "presentation"
    MEETINGS = "meetings"
    ACTIVITY = "activity"
    PLAN_ADMIN = "plan_admin"
    PLAN_FILES = "plan_files"
    ACCOUNTS = "accounts"
    MY_ACCOUNT = "my_account"


def visible_pages(actor: Actor) -> list[PageName]:
    """The page x role table of DESIGN.md: a page the actor may not use is not listed."""
    roles = {role for granted in actor.roles.values() for role in granted}
    pages = [PageName.OVERVIEW]
    if actor.is_admin or Role.COORDINATOR in roles:
        pages.append(PageName.GETTING_STARTED)
    if Role.MEMBER in roles and actor.institution_id is not None:
        pages.append(PageName.MY_INSTITUTION)
    if Role.COORDINATOR in roles:
        pages.append(PageName.REVIEW)
    pages.extend([PageName.ITEM, PageName.PRESENTATION])
    if actor.is_admin or Role.COORDINATOR in roles:
        pages.extend([PageName.MEETINGS, PageName.ACTIVITY, PageName.PLAN_ADMIN,
                      PageName.PLAN_FILES, PageName.ACCOUNTS])
    pages.append(PageName.MY_ACCOUNT)
    return pages


def actor_for(session: Session, user: User) -> Actor:
    """The actor of a signed-in user, with its roles on every plan."""
    roles: dict[int, set[Role]] = {}
    for grant in session.exec(select(RoleGrant).where(RoleGrant.user_id == user.id)):
        roles.setdefault(grant.plan_id, set()).add(Role(grant.role))
    return Actor(
        user_id=user.id,
        institution_id=user.institution_id,
        is_admin=user.is_admin,
        roles={plan: frozenset(granted) for plan, granted in roles.items()},
    )


def coordinator_names(session: Session, plan_id: int) -> list[str]:
    """Who can help with a plan: its active coordinators' names (for refusals)."""
    return list(session.exec(
        select(User.display_name).join(RoleGrant, col(RoleGrant.user_id) == User.id)
        .where(RoleGrant.plan_id == plan_id, RoleGrant.role == Role.COORDINATOR,
               User.is_active == True)  # noqa: E712
        .order_by(User.display_name)))
