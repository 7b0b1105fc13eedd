"""The evaluation meeting: its record and decisions, locking the quarter it evaluated with an
"as presented" snapshot of the figures, and reopening a locked quarter on request.

Each lock stores a new snapshot; earlier snapshots are never changed, so what a meeting saw
stays what it saw, whatever changes later.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from tracker import rules
from tracker.errors import InvalidInput, NotFound
from tracker.models import (
    ActionItem,
    Decision,
    Institution,
    Meeting,
    MeetingAttendance,
    PeriodState,
    ReportingPeriod,
)
from tracker.quarters import Quarter
from tracker.services import audit, meeting_figures, once, plans
from tracker.services.institutions import plan_institutions
from tracker.services.permissions import Actor, Permission
from tracker.services.plan_admin import ItemFields, PeriodRow, save_item

MAX_MINUTES = rules.limit("meeting", "minutes")
MAX_DECISION = rules.limit("decision", "text")
MAX_PLACE = rules.limit("meeting", "place")


def meeting_quarters(periods: Sequence[PeriodRow], evaluated: Quarter | None
                     ) -> tuple[list[Quarter], Quarter | None]:
    """The quarters a meeting may evaluate, and the one its form opens on.

    A meeting evaluates a quarter that reports have reached: any quarter no longer upcoming,
    and any up to the quarter under evaluation (the last one that ended). The form opens on
    the quarter under evaluation, else on the latest quarter offered.
    """
    quarters = [p.quarter for p in periods if p.state != PeriodState.UPCOMING
                or (evaluated is not None and p.quarter <= evaluated)]
    default = evaluated if evaluated in quarters else quarters[-1] if quarters else None
    return quarters, default


def _attendance_ids(session: Session, plan_id: int, present: list[str]) -> list[int]:
    """The ids of the institutions present: at least one, each one the plan's."""
    if not present:
        raise InvalidInput("meeting.no_attendee")
    ids = {i.acronym: i.id for i in plan_institutions(session, [plan_id])}
    unknown = [acronym for acronym in present if acronym not in ids]
    if unknown:
        raise InvalidInput("meeting.not_in_plan", value=", ".join(unknown))
    return [ids[acronym] for acronym in dict.fromkeys(present)]


def _checked_texts(minutes: str, place: str) -> tuple[str, str]:
    if refused := rules.refused_characters("meeting", minutes=minutes, place=place.strip()):
        raise InvalidInput(refused)
    if len(minutes) > MAX_MINUTES:
        raise InvalidInput("meeting.minutes_too_long", limit=MAX_MINUTES)
    if len(place.strip()) > MAX_PLACE:
        raise InvalidInput("meeting.place_too_long", limit=MAX_PLACE)
    return minutes.strip(), place.strip()


def record_meeting(session: Session, actor: Actor, plan_id: int, quarter: Quarter,
                   held_on: date, present: list[str], minutes: str = "",
                   place: str = "", *, token: str | None = None) -> Meeting:
    """A meeting evaluating ``quarter``, with the institutions present (acronyms of the plan's
    institutions, at least one) and where it was held. A repeat of ``token`` (the same form
    sent twice) records nothing and returns the first meeting."""
    actor.require(Permission.MANAGE_PLAN, plan_id)
    if earlier := once.claim(session, actor, token, "record_meeting"):
        return session.get_one(Meeting, earlier.result)
    plans.get_period(session, plan_id, quarter)
    minutes, place = _checked_texts(minutes, place)
    attending = _attendance_ids(session, plan_id, present)
    meeting = Meeting(plan_id=plan_id, quarter=quarter, held_on=held_on, place=place,
                      minutes=minutes, created_by_id=actor.user_id)
    session.add(meeting)
    session.flush()
    session.add_all([MeetingAttendance(meeting_id=meeting.id, institution_id=i)
                     for i in attending])
    audit.record(session, actor, "create", "meeting", meeting.id, plan_id=plan_id,
                 after={"quarter": str(quarter), "held_on": held_on, "place": place,
                        "present": present})
    session.flush()
    once.settle(session, token, meeting.id)
    return meeting


def _meeting(session: Session, actor: Actor, meeting_id: int) -> Meeting:
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        raise NotFound("meeting.not_found")
    actor.require(Permission.MANAGE_PLAN, meeting.plan_id)
    return meeting


def _present(session: Session, meeting_id: int) -> list[str]:
    return sorted(session.exec(select(Institution.acronym).join(
        MeetingAttendance, col(MeetingAttendance.institution_id) == Institution.id)
        .where(MeetingAttendance.meeting_id == meeting_id)).all())


def update_meeting(session: Session, actor: Actor, meeting_id: int, *, held_on: date,
                   present: list[str], minutes: str, place: str) -> Meeting:
    """Correct a meeting's record; the change lands in the history with before and after."""
    meeting = _meeting(session, actor, meeting_id)
    minutes, place = _checked_texts(minutes, place)
    attending = _attendance_ids(session, meeting.plan_id, present)
    before = {"held_on": meeting.held_on, "place": meeting.place, "minutes": meeting.minutes,
              "present": _present(session, meeting.id)}
    meeting.held_on, meeting.place, meeting.minutes = held_on, place, minutes
    session.add(meeting)
    for row in session.exec(select(MeetingAttendance).where(
            MeetingAttendance.meeting_id == meeting.id)):
        session.delete(row)
    session.flush()
    session.add_all([MeetingAttendance(meeting_id=meeting.id, institution_id=i)
                     for i in attending])
    audit.record(session, actor, "update", "meeting", meeting.id, plan_id=meeting.plan_id,
                 before=before, after={"held_on": held_on, "place": place, "minutes": minutes,
                                       "present": sorted(dict.fromkeys(present))})
    session.flush()
    return meeting


def delete_meeting(session: Session, actor: Actor, meeting_id: int) -> None:
    """Delete a meeting recorded by mistake, with its decisions (items made from them stay,
    unlinked). A meeting that locked its quarter stays: what it saw is on record."""
    meeting = _meeting(session, actor, meeting_id)
    if session.exec(select(ReportingPeriod.id).where(
            ReportingPeriod.meeting_id == meeting.id)).first():
        raise InvalidInput("meeting.locked_by_it")
    before = {"quarter": meeting.quarter, "held_on": meeting.held_on, "place": meeting.place,
              "present": _present(session, meeting.id)}
    for decision in session.exec(select(Decision).where(Decision.meeting_id == meeting.id)):
        _delete_decision(session, decision)
    for row in session.exec(select(MeetingAttendance).where(
            MeetingAttendance.meeting_id == meeting.id)):
        session.delete(row)
    session.flush()
    session.delete(meeting)
    audit.record(session, actor, "delete", "meeting", meeting_id, plan_id=meeting.plan_id,
                 before=before)
    session.flush()


@dataclass(frozen=True)
class NewItem:
    """A decision that becomes a new action item: its code and strategic line."""

    code: str
    line: str


def _owner_id(session: Session, plan_id: int, owner: str | None) -> int | None:
    if not owner:
        return None
    ids = {i.acronym: i.id for i in plan_institutions(session, [plan_id])}
    if owner not in ids:
        raise InvalidInput("meeting.not_in_plan", value=owner)
    return ids[owner]


def _decision_text(text: str) -> str:
    text = text.strip()
    if refused := rules.refused_characters("decision", text=text):
        raise InvalidInput(refused)
    if not text or len(text) > MAX_DECISION:
        raise InvalidInput("meeting.decision_text", limit=MAX_DECISION)
    return text


def _due(session: Session, plan_id: int, due_quarter: Quarter | None) -> Quarter | None:
    """The due quarter as stored, once checked to be one of the plan's."""
    if due_quarter is None:
        return None
    plans.get_period(session, plan_id, due_quarter)
    return due_quarter


def add_decision(session: Session, actor: Actor, meeting_id: int, text: str, *,
                 owner: str | None = None, due_quarter: Quarter | None = None,
                 item_id: int | None = None, new_item: NewItem | None = None,
                 token: str | None = None) -> Decision:
    """A decision of the meeting; it may become an action item: an existing one
    (``item_id``) or a new one (``new_item``: led by the owner from the quarter after the
    meeting's to the due quarter, titled by the decision), linked back to the decision. A
    repeat of ``token`` returns the first decision."""
    meeting = _meeting(session, actor, meeting_id)
    if earlier := once.claim(session, actor, token, "add_decision"):
        return session.get_one(Decision, earlier.result)
    text = _decision_text(text)
    item_id, new_item = becomes(item_id, new_item)
    decision = Decision(meeting_id=meeting.id, text=text,
                        owner_institution_id=_owner_id(session, meeting.plan_id, owner),
                        due_quarter=_due(session, meeting.plan_id, due_quarter))
    session.add(decision)
    session.flush()
    if new_item is not None:
        item_id = save_item(session, actor, meeting.plan_id,
                            _item_fields(meeting, decision, text, owner, new_item)).id
    if item_id is not None:
        _link(session, meeting.plan_id, decision, item_id)
    audit.record(session, actor, "create", "decision", decision.id, plan_id=meeting.plan_id,
                 after={"text": text, "owner": owner, "due": decision.due_quarter,
                        "item": item_id})
    session.flush()
    once.settle(session, token, decision.id)
    return decision


def becomes(item_id: int | None, new_item: NewItem | None
            ) -> tuple[int | None, NewItem | None]:
    """What item a decision becomes, from its form: a new item when a code is given (it wins
    over an existing item also chosen), else the existing item chosen, else none."""
    if new_item is not None and new_item.code.strip():
        return None, NewItem(new_item.code.strip(), new_item.line)
    return item_id, None


def _item_fields(meeting: Meeting, decision: Decision, text: str, owner: str | None,
                 new_item: NewItem) -> ItemFields:
    start = meeting.quarter + 1
    due = decision.due_quarter or start
    title = rules.shortened(text, "action_item", "title")  # a longer decision is cut
    return ItemFields(code=new_item.code, title=title, description=text, line=new_item.line,
                      lead=owner or "", supporters=(), start_quarter=start, due_quarter=due)


def _link(session: Session, plan_id: int, decision: Decision, item_id: int) -> None:
    item = session.get(ActionItem, item_id)
    if item is None or item.plan_id != plan_id:
        raise NotFound("report.item_not_found")
    item.decision_id = decision.id
    session.add(item)


def _decision(session: Session, actor: Actor, decision_id: int) -> tuple[Decision, Meeting]:
    decision = session.get(Decision, decision_id)
    if decision is None:
        raise NotFound("meeting.decision_not_found")
    return decision, _meeting(session, actor, decision.meeting_id)


def update_decision(session: Session, actor: Actor, decision_id: int, text: str, *,
                    owner: str | None, due_quarter: Quarter | None) -> Decision:
    decision, meeting = _decision(session, actor, decision_id)
    before = {"text": decision.text, "owner_institution_id": decision.owner_institution_id,
              "due_quarter": decision.due_quarter}
    decision.text = _decision_text(text)
    decision.owner_institution_id = _owner_id(session, meeting.plan_id, owner)
    decision.due_quarter = _due(session, meeting.plan_id, due_quarter)
    session.add(decision)
    audit.record(session, actor, "update", "decision", decision.id, plan_id=meeting.plan_id,
                 before=before, after={"text": decision.text,
                                       "owner_institution_id": decision.owner_institution_id,
                                       "due_quarter": decision.due_quarter})
    session.flush()
    return decision


def delete_decision(session: Session, actor: Actor, decision_id: int) -> None:
    decision, meeting = _decision(session, actor, decision_id)
    audit.record(session, actor, "delete", "decision", decision.id, plan_id=meeting.plan_id,
                 before={"text": decision.text, "due_quarter": decision.due_quarter})
    _delete_decision(session, decision)
    session.flush()


def _delete_decision(session: Session, decision: Decision) -> None:
    """The decision goes; an item made from it stays, no longer linked."""
    for item in session.exec(select(ActionItem).where(ActionItem.decision_id == decision.id)):
        item.decision_id = None
        session.add(item)
    session.flush()
    session.delete(decision)


def latest_snapshot(session: Session, actor: Actor, plan_id: int,
                    quarter: Quarter) -> dict[str, object] | None:
    """The figures as presented at the quarter's last lock, or ``None``."""
    actor.require(Permission.READ_PLAN, plan_id)
    return meeting_figures.snapshot(session, plan_id, quarter)


@dataclass(frozen=True)
class DecisionView:
    text: str
    owner: str | None
    due_quarter: Quarter | None
    item: str | None  # "code · title" of the item it became
    id: int = 0
    item_id: int | None = None


@dataclass(frozen=True)
class MeetingView:
    id: int
    quarter: Quarter
    held_on: date
    present: tuple[str, ...]
    minutes: str
    decisions: tuple[DecisionView, ...]
    place: str = ""
    locked_quarter: bool = False  # this meeting locked its quarter: it stays on record


def list_meetings(session: Session, actor: Actor, plan_id: int) -> list[MeetingView]:
    """The plan's meetings, newest first, with who was there and what was decided."""
    actor.require(Permission.READ_PLAN, plan_id)
    acronyms = dict(session.exec(select(Institution.id, Institution.acronym)).all())
    locking = set(session.exec(select(ReportingPeriod.meeting_id).where(
        ReportingPeriod.plan_id == plan_id, ReportingPeriod.meeting_id != None)))  # noqa: E711
    views = []
    for meeting in session.exec(select(Meeting).where(Meeting.plan_id == plan_id)
                                .order_by(col(Meeting.held_on).desc(), col(Meeting.id).desc())):
        present = sorted(acronyms[a.institution_id] for a in session.exec(
            select(MeetingAttendance).where(MeetingAttendance.meeting_id == meeting.id)))
        decisions = []
        for decision in session.exec(select(Decision).where(Decision.meeting_id == meeting.id)
                                     .order_by(col(Decision.id))):
            item = session.exec(select(ActionItem).where(
                ActionItem.decision_id == decision.id)).first()
            decisions.append(DecisionView(
                decision.text,
                None if decision.owner_institution_id is None
                else acronyms.get(decision.owner_institution_id),
                decision.due_quarter,
                f"{item.code} · {item.title}" if item else None,
                decision.id, item.id if item else None))
        views.append(MeetingView(meeting.id, meeting.quarter, meeting.held_on,
                                 tuple(present), meeting.minutes, tuple(decisions),
                                 meeting.place, meeting.id in locking))
    return views


@dataclass(frozen=True)
class Origin:
    """The meeting decision an item came from."""

    meeting_id: int
    quarter: Quarter
    held_on: date
    decision: str


def origin_of(session: Session, actor: Actor, item_id: int) -> Origin | None:
    item = session.get(ActionItem, item_id)
    if item is None or item.decision_id is None:
        return None
    actor.require(Permission.READ_PLAN, item.plan_id)
    decision = session.get_one(Decision, item.decision_id)
    meeting = session.get_one(Meeting, decision.meeting_id)
    return Origin(meeting.id, meeting.quarter, meeting.held_on, decision.text)
