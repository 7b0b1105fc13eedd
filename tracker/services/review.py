"""What coordinators review: the submitted reports of a quarter, oldest first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy
from sqlalchemy import ColumnElement
from sqlmodel import Session, col, func, select

from tracker.models import (
    ActionItem,
    Institution,
    Report,
    ReportContent,
    ReportRevision,
    ReportState,
    User,
)
from tracker.quarters import Quarter
from tracker.services.permissions import Actor, Permission
from tracker.services.reporting import consistency_warnings, content_of


@dataclass(frozen=True, kw_only=True)
class Submitted(ReportContent):
    """A report waiting for review: its content, and what the reviewer needs beside it."""

    report_id: int
    version: int
    item_id: int
    code: str
    title: str
    institution: str
    unit: str | None
    target: float | None
    author: str | None
    submitted_at: datetime
    overridden: tuple[str, ...] = ()  # consistency warnings the member confirmed past


def _awaiting(plan_id: int, quarter: Quarter) -> tuple[ColumnElement[bool], ...]:
    """A report waits for review while its latest version is a submitted one: a draft on top
    (the member is writing again) takes it off the list until it is submitted."""
    return (col(ActionItem.plan_id) == plan_id, col(Report.quarter) == quarter,
            col(ReportRevision.state) == ReportState.SUBMITTED)


def waiting_count(session: Session, plan_id: int, quarter: Quarter) -> int:
    """How many reports ``awaiting_review`` lists (the getting-started checklist's count)."""
    return session.exec(select(func.count()).select_from(Report)
                        .join(ReportRevision,
                              col(ReportRevision.id) == Report.latest_revision_id)
                        .join(ActionItem, col(ActionItem.id) == Report.item_id)
                        .where(*_awaiting(plan_id, quarter))).one()


def awaiting_review(session: Session, actor: Actor, plan_id: int,
                    quarter: Quarter) -> list[Submitted]:
    actor.require(Permission.APPROVE_REPORTS, plan_id)
    # SQLAlchemy's select (SQLModel's types at most four entities); its rows are untyped
    rows = session.execute(
        sqlalchemy.select(Report, ReportRevision, ActionItem, col(Institution.acronym),
                          col(User.display_name))
        .join(ReportRevision, col(ReportRevision.id) == Report.latest_revision_id)
        .join(ActionItem, col(ActionItem.id) == Report.item_id)
        .join(Institution, col(Institution.id) == Report.institution_id)
        .join(User, col(User.id) == ReportRevision.author_id, isouter=True)
        .where(*_awaiting(plan_id, quarter))
        .order_by(col(ReportRevision.created_at), col(ReportRevision.id))).all()
    report: Report
    revision: ReportRevision
    item: ActionItem
    acronym: str
    author: str | None
    submitted = []
    for report, revision, item, acronym, author in rows:
        content = content_of(revision)
        submitted.append(Submitted.of(
            revision, report_id=report.id, version=report.version, item_id=item.id,
            code=item.code, title=item.title, institution=acronym, unit=item.unit,
            target=item.target, author=author, submitted_at=revision.created_at,
            overridden=tuple(consistency_warnings(content, item))))
    return submitted
