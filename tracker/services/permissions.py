"""Who may do what: the one place where the page x role table of docs/pages.md is decided
(the permissions each role gives: docs/architecture.md, "Authorization")."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from sqlmodel import Session, col, select

from tracker.errors import NotAllowed
from tracker.models import Role, RoleGrant, User


class Permission(StrEnum):
    READ_PLAN = "read_plan"
    WRITE_OWN_REPORTS = "write_own_reports"
    APPROVE_REPORTS = "approve_reports"  # approve or return a submitted report
    # write any institution's part (its worklist too), also in a closed quarter or one
    # reopened for it
    CORRECT_REPORTS = "correct_reports"
    FOLLOW_UP_REPORTS = "follow_up_reports"  # every institution's missing reports; reminders
    MANAGE_PLAN = "manage_plan"
    MANAGE_ACCOUNTS = "manage_accounts"


GRANTS: dict[Role, frozenset[Permission]] = {
    Role.MEMBER: frozenset({Permission.READ_PLAN, Permission.WRITE_OWN_REPORTS}),
    Role.COORDINATOR: frozenset(
        {Permission.READ_PLAN, Permission.APPROVE_REPORTS, Permission.CORRECT_REPORTS,
         Permission.FOLLOW_UP_REPORTS, Permission.MANAGE_PLAN, Permission.MANAGE_ACCOUNTS}
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

    def permissions_anywhere(self) -> frozenset[Permission]:
        """What the actor may do on at least one plan (the navigation's question)."""
        if self.is_system:
            return frozenset(Permission)
        granted: set[Permission] = set(ADMIN_GRANTS) if self.is_admin else set()
        for roles in self.roles.values():
            for role in roles:
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


@dataclass(frozen=True)
class PageRule:
    """What a page needs: a permission on some plan (``None``: every signed-in person), and
    for the report form, an institution of one's own to report for."""

    needs: Permission | None = None
    own_institution: bool = False


# The page x role table of docs/pages.md, derived from GRANTS: each page names the permission it
# is for; the order is the navigation's (the first page is the default one).
PAGES: dict[PageName, PageRule] = {
    PageName.OVERVIEW: PageRule(),
    PageName.GETTING_STARTED: PageRule(Permission.MANAGE_PLAN),
    PageName.MY_INSTITUTION: PageRule(Permission.WRITE_OWN_REPORTS, own_institution=True),
    PageName.REVIEW: PageRule(Permission.APPROVE_REPORTS),
    PageName.ITEM: PageRule(),
    PageName.PRESENTATION: PageRule(),
    PageName.MEETINGS: PageRule(Permission.MANAGE_PLAN),
    PageName.ACTIVITY: PageRule(Permission.MANAGE_PLAN),
    PageName.PLAN_ADMIN: PageRule(Permission.MANAGE_PLAN),
    PageName.PLAN_FILES: PageRule(Permission.MANAGE_PLAN),
    PageName.ACCOUNTS: PageRule(Permission.MANAGE_ACCOUNTS),
    PageName.MY_ACCOUNT: PageRule(),
}


def visible_pages(actor: Actor) -> list[PageName]:
    """The pages the actor may use, in the navigation's order; the others are not listed."""
    granted = actor.permissions_anywhere()
    return [name for name, rule in PAGES.items()
            if (rule.needs is None or rule.needs in granted)
            and (not rule.own_institution or actor.institution_id is not None)]


def actor_for(session: Session, user: User) -> Actor:
    """The actor of a signed-in user, with its roles on every plan."""
    grants = session.exec(select(RoleGrant.plan_id, RoleGrant.role).where(
        RoleGrant.user_id == user.id)).all()
    return actor_of(user.id, user.institution_id, user.is_admin, grants)


def actor_of(user_id: int, institution_id: int | None, is_admin: bool,
             grants: Iterable[tuple[int, str]]) -> Actor:
    """The actor of a user with these (plan id, role) grants."""
    roles: dict[int, set[Role]] = {}
    for plan_id, role in grants:
        roles.setdefault(plan_id, set()).add(Role(role))
    return Actor(user_id=user_id, institution_id=institution_id, is_admin=is_admin,
                 roles={plan: frozenset(granted) for plan, granted in roles.items()})


def coordinator_names(session: Session, plan_id: int) -> list[str]:
    """Who can help with a plan: its active coordinators' names (for refusals)."""
    return list(session.exec(
        select(User.display_name).join(RoleGrant, col(RoleGrant.user_id) == User.id)
        .where(RoleGrant.plan_id == plan_id, RoleGrant.role == Role.COORDINATOR,
               User.is_active == True)  # noqa: E712
        .order_by(User.display_name)))
