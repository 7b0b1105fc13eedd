"""The review meeting's material for one quarter: its content (``tracker.meeting_content``),
then the deck and the PDF handout that render it, in the chosen language.

The figures are the "as presented" snapshot of a locked quarter, else the live ones, so the
deck, the handout, the presentation and the overview agree. Everything here reads in
SQLAlchemy Core, on a session or a bare connection: ``tracker deck`` loads neither the ORM
nor the models nor pandas (``bench/commands.py`` times it against python-pptx alone).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, cast

from sqlalchemy import Date, Integer, String, text

from tracker import deck
from tracker.db import connection_of
from tracker.errors import InvalidInput
from tracker.meeting_content import DecisionLine, MeetingContent, MeetingInfo, build
from tracker.quarters import Quarter
from tracker.rules import one_line
from tracker.services import meeting_figures
from tracker.settings import get_settings
from tracker.states import PeriodState

if TYPE_CHECKING:
    from tracker.db import Reader
    from tracker.services.permissions import Actor


def require_reader(actor: Actor, plan_id: int) -> None:
    """Refuse an actor who may not read the plan (what ``content`` checks first)."""
    from tracker.services.permissions import Permission

    actor.require(Permission.READ_PLAN, plan_id)


def period_state(session: Reader, plan_id: int, quarter: Quarter) -> PeriodState:
    """The state of the plan's period for ``quarter``; a quarter outside the plan is bad
    input (as ``plans.get_period``)."""
    state = connection_of(session).execute(text(
        "SELECT state FROM reporting_period WHERE plan_id = :plan_id AND quarter = :quarter"),
        {"plan_id": plan_id, "quarter": str(quarter)}).scalar()
    if state is None:
        raise InvalidInput("report.outside_plan", quarter=str(quarter))  # as the CLI writes it
    return PeriodState(state)


def is_locked(session: Reader, plan_id: int, quarter: Quarter) -> bool:
    return period_state(session, plan_id, quarter) == PeriodState.LOCKED


def _figures(session: Reader, plan_id: int, quarter: Quarter, state: PeriodState) -> dict:
    if state == PeriodState.LOCKED:
        kept = meeting_figures.snapshot(session, plan_id, quarter)
        if kept is not None:
            if "notes" not in kept:  # a snapshot from before the notes were kept
                items = cast("list[dict[str, object]]", kept["items"])
                kept["notes"] = meeting_figures.quarter_notes(session, plan_id, quarter, items)
            return kept
    return meeting_figures.quarter_figures(session, plan_id, quarter)


def figures_for(session: Reader, actor: Actor, plan_id: int, quarter: Quarter) -> dict:
    """The "as presented" snapshot of a locked quarter, else the live figures."""
    require_reader(actor, plan_id)
    return _figures(session, plan_id, quarter, period_state(session, plan_id, quarter))


_DECISIONS = text("""
SELECT d.text, owner.acronym AS owner, d.due_quarter,
       (SELECT i.code FROM action_item i WHERE i.decision_id = d.id ORDER BY i.id LIMIT 1)
       AS item_code
FROM decision d
LEFT JOIN institution owner ON owner.id = d.owner_institution_id
WHERE d.meeting_id = (SELECT m.id FROM meeting m
                      WHERE m.plan_id = :plan_id AND m.quarter < :quarter
                      ORDER BY m.held_on DESC, m.id DESC LIMIT 1)
ORDER BY d.id""")


def last_decisions(session: Reader, plan_id: int, quarter: Quarter,
                   figures: dict) -> list[DecisionLine]:
    """Decisions of the last meeting on an earlier quarter, each with how it went."""
    progress = {row["code"]: row for row in figures["items"]}
    rows = connection_of(session).execute(_DECISIONS,
                                          {"plan_id": plan_id, "quarter": str(quarter)})
    lines = []
    for row in rows.mappings():
        code, due = row["item_code"], row["due_quarter"]
        state = progress.get(code) if code else None
        lines.append(DecisionLine(
            text=row["text"], owner=row["owner"], due=Quarter.parse(due) if due else None,
            item_code=code, item_progress=state["progress"] if state else None))
    return lines


_MEETING = text("""
SELECT id, held_on, place FROM meeting WHERE plan_id = :plan_id AND quarter = :quarter
ORDER BY held_on DESC, id DESC LIMIT 1""").columns(id=Integer, held_on=Date, place=String)

_PRESENT = text("""
SELECT inst.acronym FROM meeting_attendance a JOIN institution inst ON inst.id = a.institution_id
WHERE a.meeting_id = :meeting_id""")


def _meeting_of(session: Reader, plan_id: int, quarter: Quarter) -> MeetingInfo | None:
    """The meeting that evaluated ``quarter``, when it is recorded."""
    connection = connection_of(session)
    meeting = connection.execute(_MEETING, {"plan_id": plan_id, "quarter": str(quarter)}
                                 ).first()
    if meeting is None:
        return None
    present = connection.execute(_PRESENT, {"meeting_id": meeting.id}).scalars()
    return MeetingInfo(meeting.held_on, tuple(sorted(present)), one_line(meeting.place or ""))


def read_content(session: Reader, plan_id: int, quarter: Quarter) -> MeetingContent:
    """Everything the meeting shows for ``quarter``, built once for every renderer; no
    permission check (``content`` makes it; the command line's operator reads every plan)."""
    state = period_state(session, plan_id, quarter)
    figures = _figures(session, plan_id, quarter, state)
    plan = connection_of(session).execute(text(
        "SELECT name, commission, time_zone FROM plan WHERE id = :plan_id"),
        {"plan_id": plan_id}).mappings().one()
    return build(figures, plan=one_line(plan["name"]),
                 commission=one_line(plan["commission"] or ""),
                 locked=state == PeriodState.LOCKED,
                 generated=get_settings().today(plan["time_zone"]),
                 meeting=_meeting_of(session, plan_id, quarter),
                 decisions=last_decisions(session, plan_id, quarter, figures))


def content(session: Reader, actor: Actor, plan_id: int, quarter: Quarter) -> MeetingContent:
    """Everything the meeting shows for ``quarter``, for an actor who may read the plan."""
    require_reader(actor, plan_id)
    return read_content(session, plan_id, quarter)


def render_pdf(material: MeetingContent, lang: str) -> bytes:
    from tracker import handout

    return handout.build_pdf(material, lang)


RENDERERS: dict[str, Callable[[MeetingContent, str], bytes]] = {
    ".pptx": deck.build_pptx, ".pdf": render_pdf}


def pptx(session: Reader, actor: Actor, plan_id: int, quarter: Quarter, lang: str) -> bytes:
    return deck.build_pptx(content(session, actor, plan_id, quarter), lang)


def pdf(session: Reader, actor: Actor, plan_id: int, quarter: Quarter, lang: str) -> bytes:
    return render_pdf(content(session, actor, plan_id, quarter), lang)
