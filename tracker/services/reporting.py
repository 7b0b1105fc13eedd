"""The quarterly report workflow: drafts, submission, review, and every rule that guards them.

draft -> submitted -> approved, or returned with the coordinator's comment. Editing a
submitted report makes a new draft; the submitted version keeps counting until a newer one is
submitted. Each write states the version it was based on; a newer version in between is a
``Conflict`` that names what the other person changed, and nothing is overwritten. A form sent
twice (its token, ``services.once``) writes once: the repeat gets the first save back, never a
conflict with itself. Each refusal says which case it is (a closed quarter, a locked one, a
reopening that is over, another institution's item).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session, col, select

from tracker import rules
from tracker.errors import InvalidInput, NotAllowed, NotFound, TrackerError
from tracker.models import (
    CONTENT_FIELDS,
    ActionItem,
    ContentKind,
    ItemSupport,
    Meeting,
    PeriodState,
    Report,
    ReportingPeriod,
    ReportRevision,
    ReportState,
    Status,
    User,
)
from tracker.quarters import Quarter
from tracker.services import audit, lifecycle, once, plans
from tracker.services.permissions import Actor, Permission
from tracker.services.reports import ReportContent, append_revision, find_report

MAX_TEXT = rules.limit("report", "review_comment")  # a coordinator's comment (tracker.rules)
WRITTEN = (ContentKind.TEXT, ContentKind.LINK)  # typed by hand: their characters are checked
TEXTS = frozenset(spec.name for spec in CONTENT_FIELDS if spec.kind is ContentKind.TEXT)


class Conflict(TrackerError):
    """Someone saved the report after this version was read; ``changes`` says what they did."""

    def __init__(self, author: str, changes: dict[str, object]) -> None:
        super().__init__("report.conflict", author=author)
        self.changes = changes


class NeedsConfirmation(TrackerError):
    """The status disagrees with the numbers; saving again with ``confirmed=True`` accepts."""

    def __init__(self, warnings: list[str]) -> None:
        super().__init__("report.confirm")
        self.warnings = warnings


@dataclass(frozen=True)
class Target:
    """Which report: an item, a quarter, an institution."""

    item_id: int
    quarter: Quarter
    institution_id: int


# -- the guards -----------------------------------------------------------------------------



def _locked_refusal(session: Session, period: ReportingPeriod) -> NotAllowed:
    meeting = session.get(Meeting, period.meeting_id) if period.meeting_id else None
    held = meeting.held_on if meeting else (period.locked_at.date() if period.locked_at else None)
    return NotAllowed("report.quarter_locked", quarter=period.quarter, date=held)


def check_period(session: Session, actor: Actor, plan_id: int, quarter: Quarter,
                 institution_id: int | None = None) -> None:
    """Members write in the open quarter, or in one reopened for their institution;
    coordinators may still correct a closed one (see ``services.lifecycle``)."""
    period = plans.get_period(session, plan_id, quarter)
    if period.state == PeriodState.OPEN:
        return
    if quarter in lifecycle.granted_quarters(session, plan_id, institution_id):
        return  # a reopening running: every report of the institution's part is editable
    correcting = actor.can(Permission.CORRECT_REPORTS, plan_id)
    if not correcting and period.state in (PeriodState.CLOSED, PeriodState.LOCKED):
        ended = lifecycle.reopening_over(session, plan_id, quarter, institution_id)
        if ended is not None:  # say so, not only that the quarter is closed
            raise NotAllowed("report.reopening_over", quarter=quarter, date=ended)
    if period.state == PeriodState.LOCKED:
        raise _locked_refusal(session, period)
    if period.state == PeriodState.UPCOMING:
        raise NotAllowed("report.quarter_not_open", quarter=quarter)
    if period.state == PeriodState.CLOSED and not correcting:
        raise NotAllowed("report.quarter_closed", quarter=quarter)


def participants(session: Session, item: ActionItem) -> set[int]:
    supporters = session.exec(select(ItemSupport.institution_id).where(
        ItemSupport.item_id == item.id)).all()
    return {item.lead_institution_id, *supporters}


def _correction_reason(session: Session, actor: Actor, plan_id: int, target: Target,
                       reason: str) -> str:
    """A coordinator correcting another institution's report of a quarter that is not open
    says why (it goes into the history); members and the command line need no reason."""
    period = plans.get_period(session, plan_id, target.quarter)
    correcting = (period.state != PeriodState.OPEN and not actor.is_system
                  and actor.institution_id != target.institution_id)
    reason = reason.strip()
    if correcting and not reason:
        raise InvalidInput("report.correction_needs_reason")
    if len(reason) > lifecycle.MAX_REASON:  # the same bound as a reopening's reason
        raise InvalidInput("meeting.reason", limit=lifecycle.MAX_REASON)
    if refused := rules.refused_characters("reason", text=reason):
        raise InvalidInput(refused)
    return reason


def check_writer(session: Session, actor: Actor, item: ActionItem, institution_id: int) -> None:
    """A member writes only its own institution's part; coordinators may correct any part."""
    if institution_id not in participants(session, item):
        raise InvalidInput("report.not_participant")
    if actor.can(Permission.CORRECT_REPORTS, item.plan_id):
        return
    if not actor.can(Permission.WRITE_OWN_REPORTS, item.plan_id):
        raise NotAllowed("error.not_allowed.write_own_reports")
    if actor.institution_id != institution_id:
        raise NotAllowed("report.other_institution")


def check_item_quarter(item: ActionItem, quarter: Quarter) -> None:
    if item.archived:
        raise InvalidInput("report.item_archived", code=item.code)
    if quarter < item.start_quarter:
        raise InvalidInput("report.before_start", quarter=quarter,
                           start=item.start_quarter)


def validate(content: ReportContent) -> None:
    """Refuse values no report can have, naming the field."""
    if not content.nothing_to_report:
        if content.status is None:
            raise InvalidInput("report.field.status_required")
        if content.percent_complete is None:
            raise InvalidInput("report.field.percent_required")
    percent, value = content.percent_complete, content.indicator_value
    if percent is not None and not rules.percent_ok(percent):
        raise InvalidInput("report.field.percent_range")
    if value is not None and not math.isfinite(value):
        raise InvalidInput("report.field.indicator_invalid")
    if value is not None and value < 0:
        raise InvalidInput("report.field.indicator_negative")
    typed = [spec.name for spec in CONTENT_FIELDS if spec.kind in WRITTEN]
    for name in typed:
        if rules.bad_characters("report", name, getattr(content, name)):
            raise InvalidInput(f"report.field.{name}_bad_characters")
    for name in typed:  # a link too long is no link (below)
        if name in TEXTS and rules.too_long("report", name, getattr(content, name)):
            raise InvalidInput(f"report.field.{name}_too_long", limit=rules.limit("report", name))
    link = content.evidence_link
    if link and not rules.link_ok(link):
        raise InvalidInput("report.field.link_invalid")


def consistency_warnings(content: ReportContent, item: ActionItem) -> list[str]:
    """Statuses that disagree with the numbers (each is a catalog key)."""
    if content.nothing_to_report:
        return []
    warnings = []
    percent = content.percent_complete or 0
    if content.status is Status.COMPLETED and percent < 100:
        warnings.append("report.warn.completed_below_100")
    if (content.status is Status.COMPLETED and item.target is not None
            and content.indicator_value is not None and content.indicator_value < item.target):
        warnings.append("report.warn.completed_below_target")
    if content.status is Status.NOT_STARTED and percent > 0:
        warnings.append("report.warn.not_started_with_progress")
    return warnings


# -- writing --------------------------------------------------------------------------------


def _revision(session: Session, report: Report, number: int) -> ReportRevision | None:
    return session.exec(select(ReportRevision).where(
        ReportRevision.report_id == report.id, ReportRevision.number == number)).first()


def _stored(revision: ReportRevision | None) -> dict[str, object]:
    """A version's content columns as stored (none yet: an empty report's)."""
    return (ReportContent() if revision is None else content_of(revision)).as_dict()


def _check_version(session: Session, report: Report | None, expected_version: int) -> None:
    current = report.version if report else 0
    if current == expected_version:
        return
    # no report yet (a version that never existed was expected): nothing seen, nothing there
    seen = _stored(_revision(session, report, expected_version)
                   if report and expected_version else None)
    latest = _revision(session, report, current) if report else None
    now = _stored(latest)
    changes = {name: value for name, value in now.items() if value != seen[name]}
    author = session.get(User, latest.author_id) if latest and latest.author_id else None
    raise Conflict(author.display_name if author else "—", changes)


def _item(session: Session, item_id: int) -> ActionItem:
    item = session.get(ActionItem, item_id)
    if item is None:
        raise NotFound("report.item_not_found")
    return item


def save_report(
    session: Session,
    actor: Actor,
    target: Target,
    content: ReportContent,
    *,
    expected_version: int,
    submit: bool = False,
    confirmed: bool = False,
    reason: str = "",
    token: str | None = None,
) -> Report:
    """Save a draft (or submit) of one institution's report, checking every rule first. A
    repeat of ``token`` (the same form sent twice) saves nothing and returns the report as
    the first save left it. A submission in a reopened quarter leaves the reopening running
    (``services.lifecycle``)."""
    item = _item(session, target.item_id)
    check_writer(session, actor, item, target.institution_id)
    if earlier := once.claim(session, actor, token, "save_report"):
        return _as_saved(session, earlier.result)
    check_item_quarter(item, target.quarter)
    check_period(session, actor, item.plan_id, target.quarter, target.institution_id)
    reason = _correction_reason(session, actor, item.plan_id, target, reason)
    validate(content)
    warnings = consistency_warnings(content, item)
    if warnings and not confirmed:
        raise NeedsConfirmation(warnings)
    report = find_report(session, target.item_id, target.quarter, target.institution_id,
                         for_update=True)
    _check_version(session, report, expected_version)
    before = _stored(_revision(session, report, report.version)) if report else None
    state = ReportState.SUBMITTED if submit else ReportState.DRAFT
    saved = append_revision(session, item_id=item.id, quarter=target.quarter,
                            institution_id=target.institution_id, content=content,
                            state=state, author_id=actor.user_id)
    audit.record(session, actor, "submit" if submit else "save_draft", "report", saved.id,
                 plan_id=item.plan_id, before=before,
                 after=content.as_dict() | {"state": state.value, "version": saved.version}
                 | ({"reason": reason} if reason else {}),
                 figures=submit)  # a draft counts nowhere: the plan's figures stay
    once.settle(session, token, saved.latest_revision_id)
    return saved


def _as_saved(session: Session, revision_id: int | None) -> Report:
    """The report as the write that made ``revision_id`` left it (its version then), for a
    repeat of that write: not attached to the session, so nothing of it is written."""
    revision = session.get_one(ReportRevision, revision_id)
    report = session.get_one(Report, revision.report_id)
    return Report(**(report.model_dump() | {"version": revision.number,
                                            "latest_revision_id": revision.id}))


def _latest(session: Session, report: Report) -> ReportRevision:
    return session.get_one(ReportRevision, report.latest_revision_id)


def content_of(revision: ReportRevision) -> ReportContent:
    """A stored version's content, as the form and the checks read it."""
    return ReportContent.of(revision)


def submit_drafts(session: Session, actor: Actor, plan_id: int, quarter: Quarter,
                  institution_id: int, *, token: str | None = None) -> int:
    """Submit every draft of the institution for the quarter; how many were submitted (a
    repeat of ``token``: how many the first press submitted)."""
    if earlier := once.claim(session, actor, token, "submit_drafts"):
        return earlier.result or 0
    drafts = session.exec(
        select(Report).join(ActionItem, col(ActionItem.id) == Report.item_id)
        .join(ReportRevision, col(ReportRevision.id) == Report.latest_revision_id)
        .where(ActionItem.plan_id == plan_id, Report.quarter == quarter,
               Report.institution_id == institution_id,
               ReportRevision.state == ReportState.DRAFT)).all()
    for report in drafts:
        save_report(session, actor, Target(report.item_id, quarter, institution_id),
                    content_of(_latest(session, report)), expected_version=report.version,
                    submit=True, confirmed=True)
    once.settle(session, token, len(drafts))
    return len(drafts)


def review(session: Session, actor: Actor, report_id: int, *, approve: bool,
           comment: str = "", expected_version: int, token: str | None = None) -> Report:
    """Approve a submitted report, or return it with a comment the member will see (a
    repeat of ``token``: the report as the first press left it)."""
    report = session.get(Report, report_id, with_for_update=True)
    if report is None:
        raise NotFound("report.not_found")
    item = _item(session, report.item_id)
    actor.require(Permission.APPROVE_REPORTS, item.plan_id)
    if earlier := once.claim(session, actor, token, "review"):
        return _as_saved(session, earlier.result)
    period = plans.get_period(session, item.plan_id, report.quarter)
    if period.state == PeriodState.LOCKED:
        raise _locked_refusal(session, period)
    _check_version(session, report, expected_version)
    latest = _latest(session, report)
    if latest.state != ReportState.SUBMITTED:
        raise InvalidInput("report.not_submitted")
    comment = comment.strip()
    if not approve and not comment:
        raise InvalidInput("report.field.comment_required")
    if refused := rules.refused_characters("report", review_comment=comment):
        raise InvalidInput(refused)
    if rules.too_long("report", "review_comment", comment):
        raise InvalidInput("report.field.comment_too_long",
                           limit=rules.limit("report", "review_comment"))
    state = ReportState.APPROVED if approve else ReportState.RETURNED
    saved = append_revision(session, item_id=report.item_id,
                            quarter=report.quarter,
                            institution_id=report.institution_id, content=content_of(latest),
                            state=state, author_id=actor.user_id,
                            review_comment=comment or None)
    if not approve:
        saved.counting_revision_id = _last_approved_id(session, saved)
        session.add(saved)
    audit.record(session, actor, state.value, "report", saved.id, plan_id=item.plan_id,
                 after={"state": state.value, "comment": comment, "version": saved.version})
    session.flush()
    once.settle(session, token, saved.latest_revision_id)
    return saved


def _last_approved_id(session: Session, report: Report) -> int | None:
    """After a return, the last approved version counts again (or none)."""
    return session.exec(select(ReportRevision.id).where(
        ReportRevision.report_id == report.id, ReportRevision.state == ReportState.APPROVED)
        .order_by(col(ReportRevision.number).desc())).first()


@dataclass(frozen=True)
class HistoryEntry:
    quarter: Quarter
    institution_id: int
    number: int
    state: ReportState
    status: Status | None
    percent_complete: float | None
    nothing_to_report: bool
    narrative: str
    review_comment: str | None
    author: str | None
    at: datetime


@dataclass
class ItemHistory:
    item: ActionItem
    entries: list[HistoryEntry] = field(default_factory=list)


def item_history(session: Session, actor: Actor, item_id: int) -> ItemHistory:
    """Every version of every report on the item, newest first, with who and when."""
    item = _item(session, item_id)
    actor.require(Permission.READ_PLAN, item.plan_id)
    rows = session.exec(
        select(Report, ReportRevision, User.display_name)
        .join(ReportRevision, col(ReportRevision.report_id) == Report.id)
        .join(User, col(User.id) == ReportRevision.author_id, isouter=True)
        .where(Report.item_id == item_id)
        .order_by(col(ReportRevision.created_at).desc(), col(ReportRevision.id).desc())).all()
    return ItemHistory(item, [
        HistoryEntry(report.quarter, report.institution_id, revision.number,
                     revision.state, revision.status, revision.percent_complete,
                     revision.nothing_to_report, revision.narrative, revision.review_comment,
                     author, revision.created_at)
        for report, revision, author in rows
    ])
