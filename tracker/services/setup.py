"""Getting started: the steps from a new plan to its first review deck, with their live state.

A coordinator setting up a plan sees, for the quarter under evaluation: the plan imported;
every institution of the plan with an active focal point; the quarter open with a deadline;
reports received; reports waiting for review; the meeting recorded; the deck presented (the
quarter locked at the meeting). Done steps stay in the list, ticked; an open quarter whose
deadline passed with reports missing is a step to do again.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func
from sqlmodel import Session, col, select

from tracker import metrics
from tracker.models import (
    ActionItem,
    Institution,
    Meeting,
    PeriodState,
    Plan,
    Role,
    RoleGrant,
    User,
)
from tracker.quarters import Quarter
from tracker.services import plans, review
from tracker.services.institutions import plan_institution_ids
from tracker.services.permissions import Actor, PageName, Permission
from tracker.settings import get_settings


@dataclass(frozen=True)
class Step:
    """One step: its catalog key (``setup.step.<key>``), values for the text, where to act."""

    key: str
    done: bool
    values: dict[str, object] = field(default_factory=dict)
    page: PageName = PageName.OVERVIEW


@dataclass(frozen=True)
class Checklist:
    plan_id: int
    quarter: Quarter
    steps: tuple[Step, ...]
    without_focal_point: tuple[tuple[str, str], ...]  # (acronym, name)

    @property
    def complete(self) -> bool:
        return all(step.done for step in self.steps)


def checklist(session: Session, actor: Actor, plan_id: int) -> Checklist:
    actor.require(Permission.MANAGE_PLAN, plan_id)
    plan = session.get_one(Plan, plan_id)
    quarter = plans.evaluation_quarter(plan)
    period = plans.get_period(session, plan_id, quarter)
    missing = _without_focal_point(session, plan_id)
    head = metrics.headline(session, plan_id, quarter)
    waiting = review.waiting_count(session, plan_id, quarter)
    meetings = session.exec(select(func.count()).select_from(Meeting).where(
        Meeting.plan_id == plan_id, Meeting.quarter == quarter)).one()
    items = session.exec(select(func.count()).select_from(ActionItem).where(
        ActionItem.plan_id == plan_id)).one()
    opened = period.state == PeriodState.OPEN and period.deadline is not None
    locked = period.state == PeriodState.LOCKED
    all_in = head.expected_reports > 0 and head.received_reports >= head.expected_reports
    # a deadline passed with reports still missing asks for reminders or a later deadline:
    # the step is to do again, not ticked beside that request
    late = (opened and not all_in and period.deadline is not None
            and period.deadline < get_settings().today(plan.time_zone))
    label: dict[str, object] = {"quarter": quarter}
    steps = (
        Step("imported", items > 0, {"items": items}, PageName.PLAN_FILES),
        Step("focal_points", not missing, {"missing": len(missing)}, PageName.ACCOUNTS),
        Step("quarter_open", (opened and not late) or locked,
             label | {"deadline": period.deadline, "late": late}, PageName.PLAN_ADMIN),
        Step("reports", all_in,
             {"received": head.received_reports, "expected": head.expected_reports},
             PageName.REVIEW),
        Step("review", head.received_reports > 0 and waiting == 0, {"waiting": waiting},
             PageName.REVIEW),
        Step("meeting", meetings > 0, label, PageName.MEETINGS),
        Step("deck", locked, label, PageName.PRESENTATION),
    )
    return Checklist(plan_id, quarter, steps, tuple(missing))


def _without_focal_point(session: Session, plan_id: int) -> list[tuple[str, str]]:
    """The plan's institutions with no active member account on this plan."""
    covered = set(session.exec(
        select(User.institution_id).join(RoleGrant, col(RoleGrant.user_id) == User.id)
        .where(RoleGrant.plan_id == plan_id, RoleGrant.role == Role.MEMBER,
               User.is_active == True)))  # noqa: E712
    wanted = plan_institution_ids(session, plan_id) - covered
    if not wanted:
        return []
    return list(session.exec(select(Institution.acronym, Institution.name)
                             .where(col(Institution.id).in_(wanted))
                             .order_by(Institution.acronym)).all())
