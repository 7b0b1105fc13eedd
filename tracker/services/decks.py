"""The review meeting's material for one quarter: its content (``tracker.meeting_content``),
then the deck and the PDF handout that render it, in the chosen language.

The figures are the "as presented" snapshot of a locked quarter, else the live ones, so the
deck, the handout, the presentation and the overview agree.
"""

from __future__ import annotations

from typing import cast

from sqlmodel import Session, col, select

from tracker import deck
from tracker.meeting_content import DecisionLine, MeetingContent, MeetingInfo, build
from tracker.models import (
    ActionItem,
    Decision,
    Institution,
    Meeting,
    MeetingAttendance,
    PeriodState,
    Plan,
)
from tracker.quarters import Quarter
from tracker.services import meetings, plans
from tracker.services.permissions import Actor, Permission
from tracker.settings import get_settings


def is_locked(session: Session, plan_id: int, quarter: Quarter) -> bool:
    return plans.get_period(session, plan_id, quarter).state == PeriodState.LOCKED


def figures_for(session: Session, actor: Actor, plan_id: int, quarter: Quarter) -> dict:
    """The "as presented" snapshot of a locked quarter, else the live figures."""
    actor.require(Permission.READ_PLAN, plan_id)
    period = plans.get_period(session, plan_id, quarter)
    if period.state == PeriodState.LOCKED:
        kept = meetings.latest_snapshot(session, actor, plan_id, quarter)
        if kept is not None:
            if "notes" not in kept:  # a snapshot from before the notes were kept
                items = cast("list[dict[str, object]]", kept["items"])
                kept["notes"] = meetings.quarter_notes(session, plan_id, quarter, items)
            return kept
    return meetings.quarter_figures(session, plan_id, quarter)


def last_decisions(session: Session, plan_id: int, quarter: Quarter,
                   figures: dict) -> list[DecisionLine]:
    """Decisions of the last meeting on an earlier quarter, each with how it went."""
    meeting = session.exec(select(Meeting).where(
        Meeting.plan_id == plan_id, Meeting.quarter < str(quarter))
        .order_by(col(Meeting.held_on).desc(), col(Meeting.id).desc())).first()
    if meeting is None:
        return []
    progress = {row["code"]: row for row in figures["items"]}
    acronyms: dict[int | None, str] = dict(session.exec(select(Institution.id,
                                                               Institution.acronym)))
    rows = []
    for decision in session.exec(select(Decision).where(Decision.meeting_id == meeting.id)
                                 .order_by(col(Decision.id))):
        item = session.exec(select(ActionItem).where(
            ActionItem.decision_id == decision.id)).first()
        state = progress.get(item.code) if item else None
        rows.append(DecisionLine(
            text=decision.text, owner=acronyms.get(decision.owner_institution_id),
            due=Quarter.parse(decision.due_quarter) if decision.due_quarter else None,
            item_code=item.code if item else None,
            item_progress=state["progress"] if state else None))
    return rows


def _meeting_of(session: Session, plan_id: int, quarter: Quarter) -> MeetingInfo | None:
    """The meeting that evaluated ``quarter``, when it is recorded."""
    meeting = session.exec(select(Meeting).where(
        Meeting.plan_id == plan_id, Meeting.quarter == str(quarter))
        .order_by(col(Meeting.held_on).desc(), col(Meeting.id).desc())).first()
    if meeting is None:
        return None
    present = session.exec(select(Institution.acronym).join(
        MeetingAttendance, col(MeetingAttendance.institution_id) == Institution.id)
        .where(MeetingAttendance.meeting_id == meeting.id)).all()
    return MeetingInfo(meeting.held_on, tuple(sorted(present)), meeting.place)


def content(session: Session, actor: Actor, plan_id: int, quarter: Quarter) -> MeetingContent:
    """Everything the meeting shows for ``quarter``, built once for every renderer."""
    figures = figures_for(session, actor, plan_id, quarter)
    plan = session.get_one(Plan, plan_id)
    return build(figures, plan=plan.name, commission=plan.commission,
                 locked=is_locked(session, plan_id, quarter), generated=get_settings().today(),
                 meeting=_meeting_of(session, plan_id, quarter),
                 decisions=last_decisions(session, plan_id, quarter, figures))


def pptx(session: Session, actor: Actor, plan_id: int, quarter: Quarter, lang: str) -> bytes:
    return deck.build_pptx(content(session, actor, plan_id, quarter), lang)


def pdf(session: Session, actor: Actor, plan_id: int, quarter: Quarter, lang: str) -> bytes:
    from tracker import handout

    return handout.build_pdf(content(session, actor, plan_id, quarter), lang)
