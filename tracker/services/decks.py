"""The review meeting's deck for one quarter, in the chosen language."""

from __future__ import annotations

from sqlmodel import Session, select

from tracker import deck
from tracker.models import ActionItem, Decision, Institution, Meeting, PeriodState, Plan
from tracker.quarters import Quarter
from tracker.services import meetings, plans
from tracker.services.permissions import Actor, Permission


def is_locked(session: Session, plan_id: int, quarter: Quarter) -> bool:
    return plans.get_period(session, plan_id, str(quarter)).state == PeriodState.LOCKED


def figures_for(session: Session, actor: Actor, plan_id: int, quarter: Quarter) -> dict:
    """The "as presented" snapshot of a locked quarter, else the live figures."""
    actor.require(Permission.READ_PLAN, plan_id)
    period = plans.get_period(session, plan_id, str(quarter))
    if period.state == PeriodState.LOCKED:
        kept = meetings.latest_snapshot(session, actor, plan_id, str(quarter))
        if kept is not None:
            return kept
    return meetings.quarter_figures(session, plan_id, quarter)


def last_decisions(session: Session, plan_id: int, quarter: Quarter,
                   figures: dict) -> list[dict]:
    """Decisions of the last meeting on an earlier quarter, each with how it went."""
    meeting = session.exec(select(Meeting).where(
        Meeting.plan_id == plan_id, Meeting.quarter < str(quarter))
        .order_by(Meeting.held_on.desc(), Meeting.id.desc())).first()
    if meeting is None:
        return []
    progress = {row["code"]: row for row in figures["items"]}
    acronyms = dict(session.exec(select(Institution.id, Institution.acronym)).all())
    rows = []
    for decision in session.exec(select(Decision).where(Decision.meeting_id == meeting.id)):
        item = session.exec(select(ActionItem).where(
            ActionItem.decision_id == decision.id)).first()
        state = progress.get(item.code) if item else None
        follow_up = (f"{item.code}: {state['progress']:.0f}%" if state else
                     (item.code if item else None))
        rows.append({"text": decision.text, "owner": acronyms.get(decision.owner_institution_id),
                     "due": decision.due_quarter, "follow_up": follow_up})
    return rows


def pptx(session: Session, actor: Actor, plan_id: int, quarter: Quarter, lang: str) -> bytes:
    figures = figures_for(session, actor, plan_id, quarter)
    plan = session.get_one(Plan, plan_id)
    return deck.build_pptx(figures, plan.name, lang,
                           decisions=last_decisions(session, plan_id, quarter, figures))


def pdf(session: Session, actor: Actor, plan_id: int, quarter: Quarter, lang: str) -> bytes:
    from tracker import handout

    figures = figures_for(session, actor, plan_id, quarter)
    plan = session.get_one(Plan, plan_id)
    return handout.build_pdf(figures, plan.name, lang,
                             decisions=last_decisions(session, plan_id, quarter, figures))
