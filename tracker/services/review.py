"""What coordinators review: the submitted reports of a quarter, oldest first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, select

from tracker.models import ActionItem, Institution, Report, ReportRevision, ReportState, User
from tracker.quarters import Quarter
from tracker.services.permissions import Actor, Permission
from tracker.services.reporting import consistency_warnings, content_of


@dataclass(frozen=True)
class Submitted:
    report_id: int
    version: int
    item_id: int
    code: str
    title: str
    institution: str
    status: str | None
    percent_complete: float | None
    indicator_value: float | None
    unit: str | None
    target: float | None
    narrative: str
    obstacles: str
    next_steps: str
    evidence_link: str | None
    nothing_to_report: bool
    author: str | None
    submitted_at: datetime
    overridden: tuple[str, ...] = ()  # consistency warnings the member confirmed past


def awaiting_review(session: Session, actor: Actor, plan_id: int,
                    quarter: Quarter) -> list[Submitted]:
    actor.require(Permission.APPROVE_REPORTS, plan_id)
    rows = session.exec(
        select(Report, ReportRevision, ActionItem, Institution.acronym, User.display_name)
        .join(ReportRevision, ReportRevision.id == Report.latest_revision_id)
        .join(ActionItem, ActionItem.id == Report.item_id)
        .join(Institution, Institution.id == Report.institution_id)
        .join(User, User.id == ReportRevision.author_id, isouter=True)
        .where(ActionItem.plan_id == plan_id, Report.quarter == str(quarter),
               ReportRevision.state == ReportState.SUBMITTED)
        .order_by(ReportRevision.created_at, ReportRevision.id)).all()
    return [
        Submitted(report.id, report.version, item.id, item.code, item.title, acronym,
                  revision.status, revision.percent_complete, revision.indicator_value,
                  item.unit, item.target, revision.narrative, revision.obstacles,
                  revision.next_steps, revision.evidence_link, revision.nothing_to_report,
                  author, revision.created_at,
                  tuple(consistency_warnings(content_of(revision), item)))
        for report, revision, item, acronym, author in rows
    ]
