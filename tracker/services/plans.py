"""Plans, their reporting periods and the quarter pages open on."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from tracker import rules
from tracker.errors import InvalidInput, NotAllowed, NotFound
from tracker.models import (
    ActionItem,
    PeriodState,
    Plan,
    Report,
    ReportingPeriod,
    Role,
    RoleGrant,
)
from tracker.quarters import Quarter, QuarterError, quarter_range, under_evaluation
from tracker.services import audit, once
from tracker.services.permissions import Actor, Permission
from tracker.settings import get_settings

DEADLINE_DAYS_AFTER_QUARTER = 15


def list_plans(session: Session, actor: Actor) -> list[Plan]:
    """The plans the actor may read, by name."""
    plans = session.exec(select(Plan).where(Plan.archived == False).order_by(Plan.name))  # noqa: E712
    return [plan for plan in plans if actor.can(Permission.READ_PLAN, plan.id)]


def get_plan(session: Session, name: str) -> Plan:
    plan = session.exec(select(Plan).where(Plan.name == name)).first()
    if plan is None:
        raise NotFound("error.plan_not_found", name=name)
    return plan


def plan_span(plan: Plan) -> tuple[Quarter, Quarter]:
    return plan.first_quarter, plan.last_quarter


def evaluation_quarter(plan: Plan, today: date | None = None) -> Quarter:
    """The plan's quarter under evaluation (see ``tracker.quarters.under_evaluation``)."""
    return under_evaluation(today or get_settings().today(plan.time_zone), *plan_span(plan),
                            plan.fiscal_year_start_month)


def period_states(plan: Plan, today: date,
                  opened: Quarter | None = None) -> dict[Quarter, PeriodState]:
    """A new plan's periods: ``opened`` (default: the quarter under evaluation) open,
    earlier ones closed, later ones upcoming."""
    first, last = plan_span(plan)
    current = opened or evaluation_quarter(plan, today)
    return {
        quarter: PeriodState.CLOSED if quarter < current
        else PeriodState.OPEN if quarter == current else PeriodState.UPCOMING
        for quarter in quarter_range(first, last)
    }


def default_deadline(plan: Plan, quarter: Quarter) -> date:
    last_day = quarter.last_day(plan.fiscal_year_start_month)
    return last_day + timedelta(days=DEADLINE_DAYS_AFTER_QUARTER)


def create_plan(session: Session, actor: Actor, plan: Plan,
                opened: Quarter | None = None) -> Plan:
    """Store a new plan with one reporting period per quarter of its span, ``opened`` (by
    default the quarter under evaluation) open for reports; its creator coordinates it."""
    session.add(plan)
    session.flush()
    ensure_periods(session, plan, opened)
    if actor.user_id is not None:
        session.add(RoleGrant(user_id=actor.user_id, plan_id=plan.id, role=Role.COORDINATOR))
    audit.record(session, actor, "create", "plan", plan.id, plan_id=plan.id,
                 after=plan.model_dump(exclude={"created_at"}))
    return plan


def new_plan(session: Session, actor: Actor, *, name: str, commission: str, first: str,
             last: str, fiscal_year_start_month: int = 1,
             opened: str | None = None, token: str | None = None) -> Plan:
    """A plan made from a form (no workbook yet): any plan's coordinator or an admin makes one
    and coordinates it; its quarter under evaluation (or ``opened``) opens for reports. A
    repeat of ``token`` (the same form sent twice) returns the first plan."""
    if not actor.can_create_plans:
        raise NotAllowed("plan.cannot_create")
    if earlier := once.claim(session, actor, token, "new_plan"):
        return session.get_one(Plan, earlier.result)
    name, commission = name.strip(), commission.strip()
    if (not name or rules.too_long("plan", "name", name)
            or rules.too_long("plan", "commission", commission)):
        raise InvalidInput("plan.field.plan_name")
    if refused := rules.refused_characters("plan", name=name, commission=commission):
        raise InvalidInput(refused)
    if session.exec(select(Plan.id).where(Plan.name == name)).first():
        raise InvalidInput("plan.name_taken", name=name)
    try:
        span = Quarter.parse(first), Quarter.parse(last)
        chosen = Quarter.parse(opened) if opened else None
    except QuarterError:
        raise InvalidInput("plan.field.quarter") from None
    if span[1] < span[0] or not 1 <= fiscal_year_start_month <= 12:
        raise InvalidInput("plan.field.span", first=span[0], last=span[1])
    if chosen and not span[0] <= chosen <= span[1]:
        raise InvalidInput("import.open_outside_plan", value=chosen, first=span[0],
                           last=span[1])
    plan = create_plan(session, actor, Plan(
        name=name, commission=commission, first_quarter=span[0],
        last_quarter=span[1], fiscal_year_start_month=fiscal_year_start_month), chosen)
    once.settle(session, token, plan.id)
    return plan


def ensure_periods(session: Session, plan: Plan, opened: Quarter | None = None) -> None:
    """Add the missing periods of the plan's span (after a span change, say); a plan keeps
    at most one open quarter."""
    existing = dict(session.exec(
        select(col(ReportingPeriod.quarter), col(ReportingPeriod.state))
        .where(ReportingPeriod.plan_id == plan.id)
    ).all())
    has_open = PeriodState.OPEN in existing.values()
    for quarter, state in period_states(plan, get_settings().today(plan.time_zone), opened).items():
        if has_open and state == PeriodState.OPEN:
            state = PeriodState.CLOSED
        if quarter not in existing:
            session.add(ReportingPeriod(
                plan_id=plan.id, quarter=quarter, state=state,
                deadline=default_deadline(plan, quarter),
            ))
    session.flush()


def get_period(session: Session, plan_id: int, quarter: Quarter) -> ReportingPeriod:
    """The plan's reporting period for ``quarter``; a quarter outside the plan is bad input."""
    period = session.exec(select(ReportingPeriod).where(
        ReportingPeriod.plan_id == plan_id, ReportingPeriod.quarter == quarter)).first()
    if period is None:
        raise InvalidInput("report.outside_plan", quarter=quarter)
    return period


def periods(session: Session, plan_id: int) -> list[ReportingPeriod]:
    return list(session.exec(
        select(ReportingPeriod).where(ReportingPeriod.plan_id == plan_id)
        .order_by(col(ReportingPeriod.quarter))
    ))


def open_quarter(session: Session, plan_id: int) -> Quarter | None:
    period = session.exec(select(ReportingPeriod).where(
        ReportingPeriod.plan_id == plan_id, ReportingPeriod.state == PeriodState.OPEN
    )).first()
    return period.quarter if period else None


def default_quarter(session: Session, plan: Plan) -> Quarter:
    """The plan's open quarter, else the latest with reports, else the one under evaluation."""
    opened = open_quarter(session, plan.id)
    if opened:
        return opened
    latest = session.exec(
        select(func.max(Report.quarter)).join(ActionItem, col(ActionItem.id) == Report.item_id)
        .where(ActionItem.plan_id == plan.id)
    ).first()
    if latest:
        return latest
    return evaluation_quarter(plan)
