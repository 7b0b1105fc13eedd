"""The evaluation meeting: its record and decisions, locking the quarter it evaluated with an
"as presented" snapshot of the figures, and reopening a locked quarter on request.

Each lock stores a new snapshot; earlier snapshots are never changed, so what a meeting saw
stays what it saw, whatever changes later.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import date

from sqlmodel import Session, select

from tracker import metrics
from tracker.errors import InvalidInput, NotFound
from tracker.models import (
    COUNTING_STATES,
    ActionItem,
    Decision,
    Institution,
    Meeting,
    MeetingAttendance,
    Plan,
    QuarterSnapshot,
    Report,
    ReportRevision,
)
from tracker.quarters import Quarter
from tracker.services import audit, plans
from tracker.services.permissions import Actor, Permission
from tracker.services.plan_admin import ItemFields, save_item

MAX_MINUTES = 50_000
MAX_DECISION = 2_000


def record_meeting(session: Session, actor: Actor, plan_id: int, quarter: str, held_on: date,
                   present: list[str], minutes: str = "") -> Meeting:
    """A meeting evaluating ``quarter``, with the institutions present (acronyms)."""
    actor.require(Permission.MANAGE_PLAN, plan_id)
    plans.get_period(session, plan_id, quarter)
    if len(minutes) > MAX_MINUTES:
        raise InvalidInput("meeting.minutes_too_long", limit=MAX_MINUTES)
    ids = dict(session.exec(select(Institution.acronym, Institution.id)).all())
    unknown = [acronym for acronym in present if acronym not in ids]
    if unknown:
        raise InvalidInput("plan.field.supporters", value=", ".join(unknown))
    meeting = Meeting(plan_id=plan_id, quarter=quarter, held_on=held_on,
                      minutes=minutes.strip(), created_by_id=actor.user_id)
    session.add(meeting)
    session.flush()
    for acronym in dict.fromkeys(present):
        session.add(MeetingAttendance(meeting_id=meeting.id, institution_id=ids[acronym]))
    audit.record(session, actor, "create", "meeting", meeting.id, plan_id=plan_id,
                 after={"quarter": quarter, "held_on": held_on, "present": present})
    session.flush()
    return meeting


def add_decision(session: Session, actor: Actor, meeting_id: int, text: str, *,
                 owner: str | None = None, due_quarter: str | None = None,
                 item_id: int | None = None, new_item: ItemFields | None = None) -> Decision:
    """A decision of the meeting; it may become an action item: an existing one
    (``item_id``) or a new one (``new_item``), linked back to the decision."""
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        raise NotFound("meeting.not_found")
    actor.require(Permission.MANAGE_PLAN, meeting.plan_id)
    text = text.strip()
    if not text or len(text) > MAX_DECISION:
        raise InvalidInput("meeting.decision_text", limit=MAX_DECISION)
    owner_id = None
    if owner:
        owner_id = session.exec(select(Institution.id).where(Institution.acronym == owner)).first()
        if owner_id is None:
            raise InvalidInput("plan.field.lead", value=owner)
    if due_quarter:
        plans.get_period(session, meeting.plan_id, str(Quarter.parse(due_quarter)))
    decision = Decision(meeting_id=meeting.id, text=text, owner_institution_id=owner_id,
                        due_quarter=str(Quarter.parse(due_quarter)) if due_quarter else None)
    session.add(decision)
    session.flush()
    if new_item is not None:
        item_id = save_item(session, actor, meeting.plan_id, new_item).id
    if item_id is not None:
        item = session.get(ActionItem, item_id)
        if item is None or item.plan_id != meeting.plan_id:
            raise NotFound("report.item_not_found")
        item.decision_id = decision.id
        session.add(item)
    audit.record(session, actor, "create", "decision", decision.id, plan_id=meeting.plan_id,
                 after={"text": text, "owner": owner, "due": due_quarter, "item": item_id})
    session.flush()
    return decision


def _frame_records(frame: object) -> list[dict[str, object]]:
    """A DataFrame as JSON-safe records (NaN becomes None)."""
    return json.loads(frame.to_json(orient="records"))


def quarter_figures(session: Session, plan_id: int, quarter: Quarter) -> dict[str, object]:
    """Every figure the meeting looks at for ``quarter``, as plain JSON-able data."""
    first, _ = plans.plan_span(session.get_one(Plan, plan_id))
    found = metrics.quarter_figures(session, plan_id, quarter, since=first)
    head = found.headline
    items = metrics.item_figures(session, plan_id, quarter)
    return {
        "quarter": str(quarter),
        "headline": asdict(head) | {"quarter": str(head.quarter)},
        "by_line": _frame_records(found.by_line),
        "by_institution": _frame_records(found.by_institution),
        "by_country": _frame_records(found.by_country),
        "trend": _frame_records(found.history.rollups[metrics.Dimension.PLAN]),
        "items": _frame_records(items[items["in_scope"]]),
        "obstacles": _lead_obstacles(session, plan_id, quarter),
        "notes": quarter_notes(session, plan_id, quarter, items[items["in_scope"]]),
    }


NOTE_ITEMS = 60  # items whose reports of the quarter are kept for the speaker notes


def quarter_notes(session: Session, plan_id: int, quarter: Quarter,
                   items: object) -> list[dict[str, object]]:
    """Each institution's counting report of exactly ``quarter`` on the items behind,
    overdue or blocked (the presenter's notes): institution, lead or not, status, percent,
    narrative, obstacles. Kept in the snapshot, so a locked quarter's notes stay as seen."""
    wanted = items[items["bucket"].isin(["behind", "overdue"]) | items["blocked"]]
    lag = wanted["progress"].fillna(0) - wanted["expected"].fillna(0)
    order = wanted.assign(_late=wanted["bucket"] != "overdue", _lag=lag).sort_values(
        ["_late", "_lag"], kind="stable")
    codes = [str(code) for code in order["code"].head(NOTE_ITEMS)]
    if not codes:
        return []
    rows = session.exec(
        select(ActionItem.code, Institution.acronym,
               Report.institution_id == ActionItem.lead_institution_id,
               ReportRevision.status, ReportRevision.percent_complete,
               ReportRevision.narrative, ReportRevision.obstacles,
               ReportRevision.nothing_to_report)
        .join(Report, Report.item_id == ActionItem.id)
        .join(ReportRevision, ReportRevision.id == Report.counting_revision_id)
        .join(Institution, Institution.id == Report.institution_id)
        .where(ActionItem.plan_id == plan_id, ActionItem.code.in_(codes),
               Report.quarter == str(quarter),
               ReportRevision.state.in_([s.value for s in COUNTING_STATES]))).all()
    rank = {code: index for index, code in enumerate(codes)}
    rows = sorted(rows, key=lambda r: (rank[r[0]], not r[2], r[1]))
    return [{"code": code, "institution": acronym, "lead": bool(lead),
             "status": None if nothing else status, "percent": percent,
             "narrative": narrative or "", "obstacles": obstacles or ""}
            for code, acronym, lead, status, percent, narrative, obstacles, nothing in rows]


def _lead_obstacles(session: Session, plan_id: int, quarter: Quarter) -> dict[str, str]:
    """Item code -> the obstacles its lead institution last reported (counting reports)."""
    rows = session.exec(
        select(ActionItem.code, ReportRevision.obstacles)
        .join(Report, Report.item_id == ActionItem.id)
        .join(ReportRevision, ReportRevision.id == Report.counting_revision_id)
        .where(ActionItem.plan_id == plan_id,
               Report.institution_id == ActionItem.lead_institution_id,
               Report.quarter <= str(quarter), ReportRevision.obstacles != "",
               ReportRevision.state.in_([s.value for s in COUNTING_STATES]))
        .order_by(Report.quarter)).all()
    return dict(rows)  # later quarters come last and win


def latest_snapshot(session: Session, actor: Actor, plan_id: int,
                    quarter: str) -> dict[str, object] | None:
    """The figures as presented at the quarter's last lock, or ``None``."""
    actor.require(Permission.READ_PLAN, plan_id)
    snapshot = session.exec(select(QuarterSnapshot).where(
        QuarterSnapshot.plan_id == plan_id, QuarterSnapshot.quarter == quarter)
        .order_by(QuarterSnapshot.id.desc())).first()
    return json.loads(snapshot.figures) if snapshot else None


@dataclass(frozen=True)
class DecisionView:
    text: str
    owner: str | None
    due_quarter: str | None
    item: str | None  # "code · title" of the item it became


@dataclass(frozen=True)
class MeetingView:
    id: int
    quarter: str
    held_on: date
    present: tuple[str, ...]
    minutes: str
    decisions: tuple[DecisionView, ...]


def list_meetings(session: Session, actor: Actor, plan_id: int) -> list[MeetingView]:
    """The plan's meetings, newest first, with who was there and what was decided."""
    actor.require(Permission.READ_PLAN, plan_id)
    acronyms = dict(session.exec(select(Institution.id, Institution.acronym)).all())
    views = []
    for meeting in session.exec(select(Meeting).where(Meeting.plan_id == plan_id)
                                .order_by(Meeting.held_on.desc(), Meeting.id.desc())):
        present = sorted(acronyms[a.institution_id] for a in session.exec(
            select(MeetingAttendance).where(MeetingAttendance.meeting_id == meeting.id)))
        decisions = []
        for decision in session.exec(select(Decision).where(Decision.meeting_id == meeting.id)
                                     .order_by(Decision.id)):
            item = session.exec(select(ActionItem).where(
                ActionItem.decision_id == decision.id)).first()
            decisions.append(DecisionView(
                decision.text, acronyms.get(decision.owner_institution_id),
                decision.due_quarter, f"{item.code} · {item.title}" if item else None))
        views.append(MeetingView(meeting.id, meeting.quarter, meeting.held_on, tuple(present),
                                 meeting.minutes, tuple(decisions)))
    return views
