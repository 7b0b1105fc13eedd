"""What an institution has to report for a quarter: its items, their last figures, the other
institutions' contributions, and its own report so far. A handful of queries, not one per item.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from tracker import metrics
from tracker.errors import NotAllowed
from tracker.models import (
    COUNTING_STATES,
    Institution,
    Report,
    ReportContent,
    ReportRevision,
    ReportState,
)
from tracker.quarters import Quarter
from tracker.services.permissions import Actor, Permission


@dataclass(frozen=True, kw_only=True)
class Contribution(ReportContent):
    """An institution's report for the quarter as it stands (its latest version): its
    content, and whose it is."""

    institution: str
    report_id: int
    version: int
    state: ReportState
    review_comment: str | None

    @property
    def counts(self) -> bool:
        return self.state in COUNTING_STATES


@dataclass
class WorkItem:
    item_id: int
    code: str
    title: str
    line_code: str
    line_name: str
    role: str  # "lead" or "support"
    lead: str
    indicator: str | None
    unit: str | None
    target: float | None
    due_quarter: Quarter
    last_status: str | None
    last_progress: float
    last_indicator_value: float | None
    own: Contribution | None = None
    others: list[Contribution] = field(default_factory=list)
    counted_before: bool = False  # a submitted version still counts under a newer draft

    @property
    def missing(self) -> bool:
        return not (self.own and (self.own.counts or self.counted_before))


def worklist(session: Session, actor: Actor, plan_id: int, quarter: Quarter,
             institution_id: int) -> list[WorkItem]:
    """The institution's items in scope at ``quarter`` that were not already done, by strategic
    line and code: the reports expected of it, as the completeness figure counts them."""
    if not (actor.can(Permission.CORRECT_REPORTS, plan_id) or (
            actor.can(Permission.WRITE_OWN_REPORTS, plan_id)
            and actor.institution_id == institution_id)):
        raise NotAllowed("report.other_institution")
    rows = metrics.item_rows(session, plan_id, [quarter - 1, quarter],  # one query
                             metrics.Filters(taking_part=institution_id))
    before = {row.item_id: row for row in rows if row.quarter == str(quarter - 1)}
    acronym = session.get_one(Institution, institution_id).acronym
    items = {}
    for row in rows:
        if row.quarter != str(quarter) or not row.in_scope:
            continue
        last = before.get(row.item_id)
        if last is not None and last.progress >= 100:
            continue  # done before this quarter: nothing more is expected (as in completeness)
        items[row.item_id] = WorkItem(
            item_id=row.item_id, code=row.code, title=row.title, line_code=row.line_code,
            line_name=row.line_name, role="lead" if row.lead == acronym else "support",
            lead=row.lead, indicator=_text(row.indicator), unit=_text(row.unit),
            target=row.target, due_quarter=Quarter.parse(row.due_quarter),
            last_status=None if last is None else _text(last.status),
            last_progress=0.0 if last is None else last.progress,
            last_indicator_value=None if last is None else last.indicator_value)
    _attach_reports(session, items, quarter, institution_id)
    return list(items.values())


def _text(value: object) -> str | None:
    """A text column of the figures: ``None`` for NULL or empty."""
    return None if value is None or value == "" else str(value)


def _attach_reports(session: Session, items: dict[int, WorkItem], quarter: Quarter,
                    institution_id: int) -> None:
    if not items:
        return
    acronyms = dict(session.exec(select(Institution.id, Institution.acronym)).all())
    rows = session.exec(
        select(Report, ReportRevision)
        .join(ReportRevision, col(ReportRevision.id) == Report.latest_revision_id)
        .where(col(Report.item_id).in_(list(items)), Report.quarter == quarter)).all()
    for report, revision in rows:
        contribution = Contribution.of(
            revision, institution=acronyms[report.institution_id], report_id=report.id,
            version=report.version, state=revision.state,
            review_comment=revision.review_comment)
        item = items[report.item_id]
        if report.institution_id == institution_id:
            item.own = contribution
            item.counted_before = (report.counting_revision_id is not None
                                   and report.counting_revision_id != revision.id)
        else:
            item.others.append(contribution)
    for item in items.values():
        item.others.sort(key=lambda c: c.institution)

