"""Quarterly reports: each write appends an immutable revision and moves the pointers.

The workflow rules (who, which quarter, optimistic locking, review) are built on
``append_revision``; the import writes approved history through it too.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from tracker.models import COUNTING_STATES, Report, ReportRevision, ReportState, Status


@dataclass(frozen=True)
class ReportContent:
    """What an institution says about an item for a quarter."""

    status: Status | None = None
    percent_complete: float | None = None
    indicator_value: float | None = None
    narrative: str = ""
    obstacles: str = ""
    next_steps: str = ""
    evidence_link: str | None = None
    nothing_to_report: bool = False

    def as_dict(self) -> dict[str, object]:
        return {
            "status": self.status.value if self.status else None,
            "percent_complete": self.percent_complete,
            "indicator_value": self.indicator_value,
            "narrative": self.narrative,
            "obstacles": self.obstacles,
            "next_steps": self.next_steps,
            "evidence_link": self.evidence_link,
            "nothing_to_report": self.nothing_to_report,
        }


def find_report(
    session: Session, item_id: int, quarter: str, institution_id: int, *,
    for_update: bool = False,
) -> Report | None:
    """The report, locked for this transaction with ``for_update`` (PostgreSQL; SQLite's
    ``BEGIN IMMEDIATE`` already serialises writers), so two saves cannot both pass the
    version check."""
    query = select(Report).where(
        Report.item_id == item_id, Report.quarter == quarter,
        Report.institution_id == institution_id,
    )
    return session.exec(query.with_for_update() if for_update else query).first()


def counting_revision(session: Session, report: Report) -> ReportRevision | None:
    if report.counting_revision_id is None:
        return None
    return session.get(ReportRevision, report.counting_revision_id)


def append_revision(
    session: Session,
    *,
    item_id: int,
    quarter: str,
    institution_id: int,
    content: ReportContent,
    state: ReportState,
    author_id: int | None,
    review_comment: str | None = None,
) -> Report:
    """Add a new version of the report (creating the report if it is the first)."""
    report = find_report(session, item_id, quarter, institution_id)
    if report is None:
        report = Report(item_id=item_id, quarter=quarter, institution_id=institution_id,
                        version=0)
        session.add(report)
        session.flush()
    report.version += 1
    revision = ReportRevision(
        report_id=report.id, number=report.version, state=state, author_id=author_id,
        review_comment=review_comment, **content.as_dict(),
    )
    session.add(revision)
    session.flush()
    report.latest_revision_id = revision.id
    if state in COUNTING_STATES:
        report.counting_revision_id = revision.id
    session.add(report)
    session.flush()  # the figures read the pointers with plain SQL
    return report
