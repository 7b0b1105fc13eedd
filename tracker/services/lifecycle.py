"""A quarter's life cycle, in one place: who may move it, and who may still write in it.

::

    upcoming ──open──▶ open ──close──▶ closed ──lock (at its meeting, confirmed)──▶ locked
                        ▲                │
                        └─────open───────┘   (opening one closes the open one, confirmed)

    closed or locked ──a member asks to reopen, with a reason──▶ request pending
    request pending ──grant (until a date, two weeks unless chosen)──▶ reopened: every report
        of that institution and quarter, drafts included, is editable again (the period and
        its snapshot "as presented" stay as they are)
    reopened ──the institution says it has finished, a coordinator ends it, or its end date
        passes──▶ over (one submitted report does not end it)
    request pending ──refuse, with a reason──▶ refused
    the member is told of a grant, a refusal and an ending by a coordinator: on "My
    institution", and by e-mail where SMTP is set

Members write in the open quarter, or in a quarter reopened for their institution;
coordinators may correct a closed quarter; nobody else writes in a locked one. A quarter still
open for reports is not locked: it is closed first. Every step lands in the audit trail.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import ColumnElement, and_
from sqlmodel import Session, col, select

from tracker import changes, rules
from tracker.errors import InvalidInput, NotAllowed, NotFound, TrackerError
from tracker.i18n import t
from tracker.models import (
    Institution,
    Meeting,
    PeriodState,
    Plan,
    QuarterSnapshot,
    ReopenRequest,
    ReportingPeriod,
    RequestState,
    User,
    utcnow,
)
from tracker.quarters import Quarter
from tracker.services import audit, once, plans
from tracker.services.figures import PlanChoice
from tracker.services.mail import Mail, deliver
from tracker.services.permissions import Actor, Permission
from tracker.services.plan_admin import PeriodRow
from tracker.settings import SmtpSettings, get_settings

MAX_REASON = rules.limit("reason", "text")
DEFAULT_REOPENING = timedelta(days=14)  # how long a grant lasts unless the coordinator says

# The transitions a coordinator makes on plan management; locking belongs to the meeting.
TRANSITIONS = {
    PeriodState.UPCOMING: {PeriodState.OPEN},
    PeriodState.OPEN: {PeriodState.CLOSED},
    PeriodState.CLOSED: {PeriodState.OPEN},
    PeriodState.LOCKED: set(),
}


def can_move(state: PeriodState, to: PeriodState) -> bool:
    """Whether plan management may move a quarter in ``state`` to ``to`` (its buttons)."""
    return to in TRANSITIONS[state]


def closed_by_opening(periods: Sequence[PeriodRow], quarter: Quarter) -> Quarter | None:
    """The open quarter that opening ``quarter`` would close (at most one is open), if any."""
    return next((p.quarter for p in periods
                 if p.state == PeriodState.OPEN and p.quarter != quarter), None)


class CloseNeedsConfirmation(InvalidInput):
    """Opening this quarter would close the one open now: say which, and ask."""

    def __init__(self, opening: Quarter, closing: Quarter, plan: str) -> None:
        super().__init__("plan.confirm_close_other", opening=opening, closing=closing,
                         plan=plan)
        self.closing = closing


def set_period_state(session: Session, actor: Actor, plan_id: int, quarter: Quarter,
                     state: PeriodState, *,
                     confirm_closing: Quarter | None = None) -> list[ReportingPeriod]:
    """Open or close a quarter. Opening one closes the plan's other open quarter (at most one
    is open), only when ``confirm_closing`` names that quarter. Returns the periods changed."""
    actor.require(Permission.MANAGE_PLAN, plan_id)
    period = plans.get_period(session, plan_id, quarter)
    if state not in TRANSITIONS[period.state]:
        key = "plan.period_locked" if period.state == PeriodState.LOCKED else "plan.bad_transition"
        raise InvalidInput(key, quarter=quarter, state=period.state, to=state)
    changed = []
    if state == PeriodState.OPEN:
        for other in session.exec(select(ReportingPeriod).where(
                ReportingPeriod.plan_id == plan_id, ReportingPeriod.state == PeriodState.OPEN)):
            if other.quarter != confirm_closing:
                raise CloseNeedsConfirmation(quarter, other.quarter,
                                             session.get_one(Plan, plan_id).name)
            changed.append(_move(session, actor, other, PeriodState.CLOSED))
    changed.append(_move(session, actor, period, state))
    session.flush()
    return changed


def _move(session: Session, actor: Actor, period: ReportingPeriod,
          state: PeriodState) -> ReportingPeriod:
    before = period.state
    period.state = state
    session.add(period)
    audit.record(session, actor, f"period_{state.value}", "reporting_period", period.id,
                 plan_id=period.plan_id, before={"state": before}, after={"state": state})
    changes.structure_touched(session)  # the plans offered carry their open quarter
    return period


def lock_quarter(session: Session, actor: Actor, plan_id: int, quarter: Quarter,
                 meeting_id: int, *, confirm: Quarter | None = None) -> QuarterSnapshot:
    """Lock a quarter at its meeting and keep the figures as presented. ``confirm`` must name
    the quarter; a quarter still open for reports is closed first."""
    from tracker.services.meeting_figures import quarter_figures

    actor.require(Permission.MANAGE_PLAN, plan_id)
    period = plans.get_period(session, plan_id, quarter)
    if period.state == PeriodState.LOCKED:
        raise InvalidInput("plan.period_locked", quarter=quarter)
    if period.state == PeriodState.OPEN:
        raise InvalidInput("lifecycle.close_before_lock", quarter=quarter)
    if confirm is None or str(confirm) != str(quarter):
        raise InvalidInput("lifecycle.confirm_lock", quarter=quarter,
                           plan=session.get_one(Plan, plan_id).name)
    meeting = session.get(Meeting, meeting_id)
    if meeting is None or meeting.plan_id != plan_id:
        raise NotFound("meeting.not_found")
    snapshot = QuarterSnapshot(
        plan_id=plan_id, quarter=quarter, created_by_id=actor.user_id,
        figures=json.dumps(quarter_figures(session, plan_id, quarter),
                           default=str, ensure_ascii=False))
    session.add(snapshot)
    before = period.state
    period.state, period.locked_at = PeriodState.LOCKED, utcnow()
    period.locked_by_id, period.meeting_id = actor.user_id, meeting.id
    session.add(period)
    session.flush()
    audit.record(session, actor, "lock", "reporting_period", period.id, plan_id=plan_id,
                 before={"state": before},
                 after={"state": PeriodState.LOCKED, "meeting": meeting.id,
                        "snapshot": snapshot.id})
    changes.structure_touched(session)  # the plans offered carry their locked quarters
    session.flush()
    return snapshot


def request_reopen(session: Session, actor: Actor, plan_id: int, quarter: Quarter,
                   reason: str, *, token: str | None = None) -> ReopenRequest:
    """A member asks to reopen a closed or locked quarter for their institution, saying why
    (whether or not another quarter is open). A repeat of ``token`` (the same form sent
    twice) returns the first request (``services.once``)."""
    actor.require(Permission.WRITE_OWN_REPORTS, plan_id)
    if actor.institution_id is None or actor.user_id is None:
        raise NotAllowed("error.not_allowed.write_own_reports")
    if earlier := once.claim(session, actor, token, "request_reopen"):
        return session.get_one(ReopenRequest, earlier.result)
    period = plans.get_period(session, plan_id, quarter)
    if period.state not in (PeriodState.CLOSED, PeriodState.LOCKED):
        raise InvalidInput("lifecycle.not_closed", quarter=quarter)
    reason = reason.strip()
    if refused := rules.refused_characters("reason", text=reason):
        raise InvalidInput(refused)
    if not reason or len(reason) > MAX_REASON:
        raise InvalidInput("meeting.reason", limit=MAX_REASON)
    request = ReopenRequest(plan_id=plan_id, quarter=quarter, requested_by_id=actor.user_id,
                            institution_id=actor.institution_id, reason=reason)
    session.add(request)
    session.flush()
    audit.record(session, actor, "request_reopen", "reopen_request", request.id,
                 plan_id=plan_id, after={"quarter": str(quarter), "reason": reason})
    once.settle(session, token, request.id)
    return request


@dataclass(frozen=True)
class Decided:
    request: ReopenRequest
    mailed: bool | None  # None: no mail server; False: the server refused (said in the page)


def decide_reopen(session: Session, actor: Actor, request_id: int, grant: bool, *,
                  answer: str = "", until: date | None = None,
                  smtp: SmtpSettings | None = None, token: str | None = None) -> Decided:
    """A coordinator grants (every report of that institution and quarter, drafts included,
    is editable again until the institution says it has finished, a coordinator ends the
    reopening, or the end of ``until``: two weeks from today unless chosen; the period and its
    snapshot stay as they are) or refuses, with a reason. The member is told in the app, and
    by e-mail where a mail server is set. A repeat of ``token`` returns the first decision."""
    request = session.get(ReopenRequest, request_id)
    if request is None:
        raise NotFound("meeting.request_not_found")
    actor.require(Permission.MANAGE_PLAN, request.plan_id)
    if earlier := once.claim(session, actor, token, "decide_reopen"):
        return Decided(session.get_one(ReopenRequest, earlier.result), None)  # told once
    if request.state != RequestState.PENDING:
        raise InvalidInput("meeting.already_decided")
    today = get_settings().today()
    until = until or today + DEFAULT_REOPENING
    if grant and until < today:
        raise InvalidInput("lifecycle.until_past", date=until)
    answer = answer.strip()
    if not grant and not answer:
        raise InvalidInput("lifecycle.refusal_needs_reason")
    if len(answer) > MAX_REASON:
        raise InvalidInput("meeting.reason", limit=MAX_REASON)
    if refused := rules.refused_characters("reason", text=answer):
        raise InvalidInput(refused)
    request.state = RequestState.GRANTED if grant else RequestState.REFUSED
    request.decided_by_id, request.decided_at = actor.user_id, utcnow()
    request.answer = answer or None
    request.ends_on = until if grant else None
    session.add(request)
    audit.record(session, actor, "grant_reopen" if grant else "refuse_reopen",
                 "reopen_request", request.id, plan_id=request.plan_id,
                 after={"quarter": request.quarter, "granted": grant, "answer": answer}
                 | ({"until": str(until)} if grant else {}))
    session.flush()
    once.settle(session, token, request.id)
    return Decided(request, _tell(session, request, smtp))


def _running() -> ColumnElement[bool]:
    """A reopening still running today: granted, not ended, its end date not passed."""
    return and_(col(ReopenRequest.state) == RequestState.GRANTED,
                col(ReopenRequest.ended_at).is_(None),
                col(ReopenRequest.ends_on) >= get_settings().today())


def _end(session: Session, actor: Actor, request: ReopenRequest, action: str) -> None:
    """End a running reopening now: today becomes its end date; the history keeps who and
    the end date it had."""
    today = get_settings().today()
    before = request.ends_on
    request.ended_at, request.ended_by_id, request.ends_on = utcnow(), actor.user_id, today
    session.add(request)
    audit.record(session, actor, action, "reopen_request", request.id, plan_id=request.plan_id,
                 before={"until": str(before)}, after={"until": str(today)})


def finish_reopening(session: Session, actor: Actor, plan_id: int, quarter: Quarter, *,
                     token: str | None = None) -> ReopenRequest:
    """The member's institution says it has finished its corrections of ``quarter``: the
    reopening ends (its reports are closed again, as the quarter is)."""
    actor.require(Permission.WRITE_OWN_REPORTS, plan_id)
    if actor.institution_id is None:
        raise NotAllowed("error.not_allowed.write_own_reports")
    if earlier := once.claim(session, actor, token, "finish_reopening"):
        return session.get_one(ReopenRequest, earlier.result)
    running = session.exec(select(ReopenRequest).where(
        ReopenRequest.plan_id == plan_id, ReopenRequest.quarter == quarter,
        ReopenRequest.institution_id == actor.institution_id, _running())
        .order_by(col(ReopenRequest.id))).all()
    if not running:
        raise InvalidInput("lifecycle.not_reopened", quarter=quarter)
    for request in running:  # two grants of one quarter end together
        _end(session, actor, request, "finish_reopening")
    session.flush()
    once.settle(session, token, running[0].id)
    return running[0]


def end_reopening(session: Session, actor: Actor, request_id: int, *,
                  smtp: SmtpSettings | None = None, token: str | None = None) -> Decided:
    """A coordinator ends a reopening before its end date; the member is told (in the app,
    and by e-mail where a mail server is set)."""
    request = session.get(ReopenRequest, request_id)
    if request is None:
        raise NotFound("meeting.request_not_found")
    actor.require(Permission.MANAGE_PLAN, request.plan_id)
    if earlier := once.claim(session, actor, token, "end_reopening"):
        return Decided(session.get_one(ReopenRequest, earlier.result), None)
    if not session.exec(select(ReopenRequest.id).where(
            ReopenRequest.id == request.id, _running())).first():
        raise InvalidInput("lifecycle.reopening_over",
                           quarter=request.quarter)
    _end(session, actor, request, "end_reopening")
    request.seen_at = None  # a notice for the member, like the grant's
    session.flush()
    once.settle(session, token, request.id)
    return Decided(request, _tell(session, request, smtp))


def _tell(session: Session, request: ReopenRequest, smtp: SmtpSettings | None) -> bool | None:
    if smtp is None:
        return None
    person = session.get_one(User, request.requested_by_id)
    notice = notice_text(session, request, person.language)
    try:
        deliver(smtp, [Mail(person.email, notice.subject, notice.body)])
    except TrackerError:
        return False  # the decision stands; the member still sees it in the app
    return True


@dataclass(frozen=True)
class Notice:
    request_id: int
    quarter: Quarter
    granted: bool
    subject: str
    body: str


def notice_text(session: Session, request: ReopenRequest, lang: str) -> Notice:
    plan = session.get_one(Plan, request.plan_id)
    quarter = request.quarter
    granted = request.state == RequestState.GRANTED
    outcome = ("ended" if request.ended_at
               else RequestState.GRANTED if granted else RequestState.REFUSED)
    return Notice(request.id, quarter, granted and not request.ended_at,
                  t(f"lifecycle.{outcome}.subject", lang, quarter=quarter, plan=plan.name),
                  t(f"lifecycle.{outcome}.body", lang, quarter=quarter, plan=plan.name,
                    answer=request.answer or "", until=request.ends_on))


def notices(session: Session, actor: Actor, plan_id: int, lang: str) -> list[Notice]:
    """The answers to the actor's reopen requests not yet read."""
    requests = session.exec(select(ReopenRequest).where(
        ReopenRequest.plan_id == plan_id, ReopenRequest.requested_by_id == actor.user_id,
        ReopenRequest.state != RequestState.PENDING, ReopenRequest.seen_at == None)  # noqa: E711
        .order_by(col(ReopenRequest.decided_at))).all()
    return [notice_text(session, request, lang) for request in requests]


def mark_seen(session: Session, actor: Actor, request_id: int) -> None:
    request = session.get(ReopenRequest, request_id)
    if request is None or request.requested_by_id != actor.user_id:
        raise NotFound("meeting.request_not_found")
    request.seen_at = utcnow()
    session.add(request)
    changes.touched(session, request.plan_id, figures=False)  # the member's notices
    session.flush()


def _quarters(quarters: Iterable[Quarter]) -> list[Quarter]:
    """Quarters read from a column, in time order, each once."""
    return sorted(set(quarters))


@dataclass(frozen=True)
class Reopening:
    """A quarter reopened for an institution, running until the end of ``until``."""

    request_id: int
    quarter: Quarter
    until: date


def reopenings(session: Session, plan_id: int, institution_id: int | None) -> list[Reopening]:
    """The reopenings running today for an institution, oldest quarter first (one a quarter:
    the latest end date)."""
    if institution_id is None:
        return []
    rows = session.exec(select(ReopenRequest).where(
        ReopenRequest.plan_id == plan_id, ReopenRequest.institution_id == institution_id,
        _running()).order_by(col(ReopenRequest.ends_on))).all()
    latest = {r.quarter: Reopening(r.id, r.quarter, r.ends_on)
              for r in rows if r.ends_on is not None}
    return [latest[q] for q in sorted(latest)]


def granted_quarters(session: Session, plan_id: int,
                     institution_id: int | None) -> list[Quarter]:
    """Closed or locked quarters an institution may write in again (a reopening running)."""
    return [r.quarter for r in reopenings(session, plan_id, institution_id)]


def reopening_over(session: Session, plan_id: int, quarter: Quarter,
                   institution_id: int | None) -> date | None:
    """The day the institution's last reopening of ``quarter`` ended or ends (finished or
    ended by a coordinator: that day; else its end date), if it had one."""
    if institution_id is None:
        return None
    last = session.exec(select(ReopenRequest).where(
        ReopenRequest.plan_id == plan_id, ReopenRequest.quarter == quarter,
        ReopenRequest.institution_id == institution_id,
        ReopenRequest.state == RequestState.GRANTED)
        .order_by(col(ReopenRequest.decided_at).desc(), col(ReopenRequest.id).desc())).first()
    return last.ends_on if last else None


def closed_quarters(session: Session, plan_id: int) -> list[Quarter]:
    """Quarters a member may ask to reopen."""
    return _quarters(session.exec(select(col(ReportingPeriod.quarter)).where(
        ReportingPeriod.plan_id == plan_id,
        col(ReportingPeriod.state).in_([PeriodState.CLOSED, PeriodState.LOCKED]))))


@dataclass(frozen=True)
class RequestView:
    id: int
    quarter: Quarter
    reason: str
    requested_by: str
    institution: str | None
    state: RequestState
    answer: str | None
    decided_at: datetime | None
    until: date | None = None  # a grant's end date
    running: bool = False  # a grant still running today


def reopen_requests(session: Session, actor: Actor, plan_id: int) -> list[RequestView]:
    actor.require(Permission.MANAGE_PLAN, plan_id)
    acronyms = dict(session.exec(select(Institution.id, Institution.acronym)).all())
    rows = session.exec(
        select(ReopenRequest, User.display_name)
        .join(User, col(User.id) == ReopenRequest.requested_by_id)
        .where(ReopenRequest.plan_id == plan_id)
        .order_by(col(ReopenRequest.created_at).desc())).all()
    running = set(session.exec(select(ReopenRequest.id).where(
        ReopenRequest.plan_id == plan_id, _running())))
    return [RequestView(r.id, r.quarter, r.reason, name,
                        None if r.institution_id is None else acronyms.get(r.institution_id),
                        r.state, r.answer, r.decided_at, r.ends_on, r.id in running)
            for r, name in rows]


@dataclass(frozen=True)
class MemberView:
    """What a member's page needs of the life cycle: quarters reopened for their institution
    (and until when), quarters they may ask to reopen, and answers they have not read."""

    reopened: tuple[Reopening, ...]
    closed: tuple[Quarter, ...]
    notices: tuple[Notice, ...]

    @property
    def granted(self) -> tuple[Quarter, ...]:
        return tuple(r.quarter for r in self.reopened)

    def reopening(self, quarter: Quarter | None) -> Reopening | None:
        return next((r for r in self.reopened if r.quarter == quarter), None)


def member_quarters(open_quarter: Quarter | None, granted: Sequence[Quarter]) -> list[Quarter]:
    """The quarters a member reports in: the open one first, then those reopened for their
    institution (a reopening running)."""
    return ([open_quarter] if open_quarter else []) + [q for q in granted if q != open_quarter]


def member_view(session: Session, actor: Actor, plan_id: int, lang: str) -> MemberView:
    actor.require(Permission.WRITE_OWN_REPORTS, plan_id)
    return MemberView(tuple(reopenings(session, plan_id, actor.institution_id)),
                      tuple(closed_quarters(session, plan_id)),
                      tuple(notices(session, actor, plan_id, lang)))


def correctable_quarters(plan: PlanChoice, start: Quarter,
                         reopened: Sequence[Quarter]) -> list[Quarter]:
    """The quarters in which a coordinator may correct an item's reports, oldest first: those
    from the item's start up to the plan's default quarter that are neither open nor locked,
    and those reopened (a reopening running) since its start."""
    closed = {q for q in plan.quarters if q != plan.open_quarter
              and q not in plan.locked_quarters and start <= q <= plan.default_quarter}
    return sorted(closed | {q for q in reopened if q >= start})


def reopened_quarters(session: Session, actor: Actor, plan_id: int) -> list[Quarter]:
    """Quarters with a reopening running (a coordinator may correct them)."""
    actor.require(Permission.CORRECT_REPORTS, plan_id)
    return _quarters(session.exec(select(col(ReopenRequest.quarter)).where(
        ReopenRequest.plan_id == plan_id, _running())))

