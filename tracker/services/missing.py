"""Who still owes a report for a quarter: per institution, with its focal points."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from tracker import metrics
from tracker.models import ReportState, Role, RoleGrant, User
from tracker.quarters import Quarter
from tracker.services.permissions import Actor, Permission


@dataclass(frozen=True)
class MissingItem:
    item_id: int
    code: str
    title: str
    state: ReportState | None  # None: nothing written; a draft or returned: not counted


@dataclass
class InstitutionDue:
    institution_id: int
    institution: str
    focal_points: list[tuple[str, str]] = field(default_factory=list)  # (name, e-mail)
    items: list[MissingItem] = field(default_factory=list)


def missing_by_institution(session: Session, actor: Actor, plan_id: int,
                           quarter: Quarter) -> list[InstitutionDue]:
    actor.require(Permission.FOLLOW_UP_REPORTS, plan_id)
    dues: dict[int, InstitutionDue] = {}
    for row in metrics.missing_reports(session, plan_id, quarter):
        due = dues.setdefault(row.institution_id,
                              InstitutionDue(row.institution_id, row.institution))
        due.items.append(MissingItem(row.item_id, row.code, row.title,
                                         ReportState(row.state) if row.state else None))
    if dues:
        members = session.exec(
            select(User.institution_id, User.display_name, User.email)
            .join(RoleGrant, col(RoleGrant.user_id) == User.id)
            .where(RoleGrant.plan_id == plan_id, RoleGrant.role == Role.MEMBER,
                   User.is_active, col(User.institution_id).in_(list(dues)))
            .order_by(User.email)).all()
        for institution_id, name, email in members:
            assert institution_id is not None  # only members of the institutions due
            dues[institution_id].focal_points.append((name, email))
    return list(dues.values())
