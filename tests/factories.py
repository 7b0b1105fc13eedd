"""Factories with fixed quarters, through the same services the product uses."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session

from tracker.models import (
    ActionItem,
    Institution,
    ItemSupport,
    Plan,
    ReportState,
    Status,
    StrategicLine,
    User,
)
from tracker.quarters import Quarter
from tracker.services import plans
from tracker.services.accounts import add_user
from tracker.services.permissions import SYSTEM, Actor, actor_for
from tracker.services.reports import ReportContent, append_revision


@dataclass
class PlanBuilder:
    session: Session
    name: str = "Test plan"
    first: str = "2026-Q1"
    last: str = "2026-Q4"
    plan: Plan = field(init=False)
    institutions: dict[str, Institution] = field(default_factory=dict)
    lines: dict[str, StrategicLine] = field(default_factory=dict)
    items: dict[str, ActionItem] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.plan = plans.create_plan(self.session, SYSTEM, Plan(
            name=self.name, commission="Test commission", first_quarter=Quarter.parse(self.first),
            last_quarter=Quarter.parse(self.last)))

    def institution(self, acronym: str, country: str = "EC") -> Institution:
        institution = Institution(acronym=acronym, name=f"{acronym} institution",
                                  country=country)
        self.session.add(institution)
        self.session.flush()
        self.institutions[acronym] = institution
        return institution

    def line(self, code: str, name: str | None = None) -> StrategicLine:
        line = StrategicLine(plan_id=self.plan.id, code=code, name=name or f"Line {code}")
        self.session.add(line)
        self.session.flush()
        self.lines[code] = line
        return line

    def item(self, code: str, *, line: str, lead: str, start: str, due: str,
             weight: float = 1.0, supporters: tuple[str, ...] = (),
             target: float | None = None) -> ActionItem:
        item = ActionItem(plan_id=self.plan.id, code=code, title=f"Item {code}",
                          line_id=self.lines[line].id,
                          lead_institution_id=self.institutions[lead].id,
                          start_quarter=Quarter.parse(start), due_quarter=Quarter.parse(due),
                          weight=weight,
                          indicator="things done" if target else None, target=target)
        self.session.add(item)
        self.session.flush()
        for acronym in supporters:
            self.session.add(ItemSupport(item_id=item.id,
                                         institution_id=self.institutions[acronym].id))
        self.session.flush()
        self.items[code] = item
        return item

    def report(self, code: str, quarter: str | Quarter, institution: str | None = None, *,
               status: Status | None = Status.IN_PROGRESS, percent: float | None = None,
               state: ReportState = ReportState.APPROVED, nothing: bool = False,
               value: float | None = None) -> None:
        item = self.items[code]
        institution_id = (self.institutions[institution].id if institution
                          else item.lead_institution_id)
        append_revision(
            self.session, item_id=item.id, quarter=Quarter.parse(quarter),
            institution_id=institution_id,
            content=ReportContent(status=None if nothing else status, percent_complete=percent,
                                  indicator_value=value, nothing_to_report=nothing),
            state=state, author_id=None,
        )
        self.session.flush()


PASSWORD = "a long enough secret"


def person(session: Session, email: str, role: str, plans_: list[Plan],
           institution: str | None = None) -> User:
    """An account made by the command line (no temporary password), named after its e-mail."""
    return add_user(session, SYSTEM, email=email, display_name=email.split("@")[0], role=role,
                    password=PASSWORD, institution=institution, plans=plans_)


def small_plan(session: Session, last: str = "2026-Q4") -> PlanBuilder:
    """Institutions A (EC) and B (CO), lines 1 and 2 with one item each (led by A and B), both
    reported in 2026-Q3 (50 % and 10 %)."""
    b = PlanBuilder(session, last=last)
    b.institution("A")
    b.institution("B", "CO")
    b.line("1")
    b.line("2")
    b.item("1.1", line="1", lead="A", start="2026-Q1", due="2026-Q4", weight=1)
    b.item("2.1", line="2", lead="B", start="2026-Q1", due="2026-Q4", weight=1)
    b.report("1.1", "2026-Q3", percent=50)
    b.report("2.1", "2026-Q3", percent=10)
    return b


def three_institution_plan(session: Session) -> PlanBuilder:
    """A, B and C; 1.1 led by A with B's support, 1.2 led by B, 1.3 led by A from 2027-Q1."""
    b = PlanBuilder(session, last="2027-Q2")
    for acronym in ("A", "B", "C"):
        b.institution(acronym)
    b.line("1")
    b.item("1.1", line="1", lead="A", start="2026-Q1", due="2027-Q2", supporters=("B",),
           target=100)
    b.item("1.2", line="1", lead="B", start="2026-Q1", due="2026-Q4")
    b.item("1.3", line="1", lead="A", start="2027-Q1", due="2027-Q2")
    return b


def people_of(session: Session, plan: PlanBuilder, *names: str) -> dict[str, Actor]:
    """Actors of ``plan`` by name: a lower-case letter is a member of that institution
    (``"a"`` → A), otherwise the name is the role (coordinator, observer)."""
    def actor(name: str) -> Actor:
        if len(name) == 1:
            user = person(session, f"{name}@example.org", "member", [plan.plan], name.upper())
        else:
            local = {"coordinator": "coord", "observer": "obs"}[name]
            user = person(session, f"{local}@example.org", name, [plan.plan])
        return actor_for(session, user)

    return {name: actor(name) for name in names}


def two_plans_with_accounts(session: Session) -> dict[str, object]:
    """Plan "First" (institution A) with its coordinator and a member of A; an observer of
    plan "Second"; an admin."""
    first = PlanBuilder(session, name="First")
    first.institution("A")
    first.line("1")
    first.item("1.1", line="1", lead="A", start="2026-Q1", due="2026-Q4")
    second = PlanBuilder(session, name="Second")

    def account(email: str, role: str, plans_: list[Plan],
                institution: str | None = None) -> User:
        return add_user(session, SYSTEM, email=email, display_name=email[:5], role=role,
                        password=PASSWORD, institution=institution, plans=plans_)

    return {
        "plan": first,
        "coordinator": account("coord@example.org", "coordinator", [first.plan]),
        "member": account("member@example.org", "member", [first.plan], "A"),
        "other": account("other@example.org", "observer", [second.plan]),
        "admin": account("admin@example.org", "admin", []),
    }


def actor_with_role(session: Session, email: str, role: str, plan: Plan | None = None,
                    institution: str | None = None, admin: bool = False) -> Actor:
    """An account on ``plan`` (or none) with ``role`` (or admin), as an actor."""
    user = add_user(session, SYSTEM, email=email, display_name=email.split("@")[0],
                    role="admin" if admin else role, password="a-long-password-1",
                    institution=institution, plans=[plan] if plan else [])
    session.flush()
    return actor_for(session, user)


def filled(length: int, words: str = "Coordinación binacional ñandú ") -> str:
    """Text of exactly ``length`` characters, accents included, without outer spaces."""
    text = (words * (length // len(words) + 1))[:length]
    return text[:-1] + "á" if text.endswith(" ") else text


@dataclass(frozen=True)
class LongestPlan:
    """A plan whose every text is at the longest its rule allows (``tracker.rules``)."""

    plan: Plan
    quarter: Quarter
    coordinator: Actor
    member: Actor
    email: str  # the member's, 254 characters


def longest_plan(session: Session) -> LongestPlan:
    """Every field at its maximum length, with accents, through the services (so the rules
    accept each value): the plan, its line, institution, item, a report of 2026-Q3 and the
    meeting that evaluated it with a decision; a coordinator and a member (254-character
    e-mail, 200-character name). 2026-Q3 is then closed, 2026-Q4 open."""
    from datetime import date

    from tracker.rules import limit
    from tracker.services import meetings, plan_admin, reporting

    def most(entity: str, name: str, words: str = "Coordinación binacional ñandú ") -> str:
        return filled(limit(entity, name), words)

    plan = plans.new_plan(session, SYSTEM, name=most("plan", "name"),
                          commission=most("plan", "commission", "Comisión de la trata "),
                          first="2026-Q1", last="2026-Q4", opened="2026-Q3")
    acronym = most("institution", "acronym", "MINISTÉRIO-Ñ ")
    plan_admin.save_institution(session, SYSTEM, plan.id, acronym,
                                most("institution", "name", "Ministerio del Interior "), "EC",
                                most("institution", "kind", "policía especializada "))
    line = most("strategic_line", "code", "LÍNEA-")
    plan_admin.save_line(session, SYSTEM, plan.id, line, most("strategic_line", "name"))
    code = most("action_item", "code", "ACCIÓN-")
    item = plan_admin.save_item(session, SYSTEM, plan.id, plan_admin.ItemFields(
        code=code, title=most("action_item", "title", "Protocolo de atención "),
        description=most("action_item", "description"), line=line, lead=acronym,
        supporters=(), start_quarter=Quarter(2026, 1), due_quarter=Quarter(2026, 4),
        indicator=most("action_item", "indicator", "Víctimas atendidas "),
        unit=most("action_item", "unit", "personas "), baseline=0, target=1000))
    local = filled(64, "punto.focal.")
    domain = ".".join(["a" * 63, "b" * 63, "c" * (254 - 64 - 1 - 63 - 63 - 3 - 7), "example"])
    email = f"{local}@{domain}"
    assert len(email) == 254
    name = most("user", "display_name", "María José Ñúñez ")
    member = actor_for(session, add_user(
        session, SYSTEM, email=email, display_name=name, role="member", password=PASSWORD,
        institution=acronym, plans=[plan]))
    coordinator = actor_for(session, add_user(
        session, SYSTEM, email="coordinacion@example.org", display_name=name,
        role="coordinator", password=PASSWORD, plans=[plan]))
    quarter = Quarter(2026, 3)
    link = "https://ministerio.gob.ec/"
    reporting.save_report(
        session, member, reporting.Target(item.id, quarter, item.lead_institution_id),
        ReportContent(status=Status.BLOCKED, percent_complete=35, indicator_value=120,
                      narrative=most("report", "narrative"),
                      obstacles=most("report", "obstacles", "Falta de fondos "),
                      next_steps=most("report", "next_steps"),
                      evidence_link=link + filled(limit("report", "evidence_link") - len(link),
                                                  "informe-")),
        expected_version=0, submit=True)
    meeting = meetings.record_meeting(session, coordinator, plan.id, quarter,
                                      date(2026, 10, 20), [acronym],
                                      minutes=most("meeting", "minutes"),
                                      place=most("meeting", "place", "Quito, Cancillería "))
    meetings.add_decision(session, coordinator, meeting.id, most("decision", "text"),
                          owner=acronym, due_quarter=Quarter(2026, 4))
    return LongestPlan(plan, quarter, coordinator, member, email)


def make_hostile(database_url: str, text: str) -> None:
    """Append ``text`` to every user-written field of the database: plan names and
    commissions, line names, items' titles, indicators, units and descriptions, institutions'
    names, reports' narratives, obstacles, next steps and review comments, meetings' places and
    minutes, decisions, reopening reasons and answers, and people's display names (written
    directly: the hostile texts of issue 25 that the rules let through)."""
    from datetime import timedelta

    from sqlmodel import select

    from tracker.db import make_engine, session_scope
    from tracker.models import (
        Decision,
        Meeting,
        PeriodState,
        ReopenRequest,
        ReportingPeriod,
        ReportRevision,
    )
    from tracker.services import meetings
    from tracker.services.institutions import plan_institutions

    fields = {Plan: ("name", "commission"), StrategicLine: ("name",),
              ActionItem: ("title", "indicator", "unit", "description"),
              Institution: ("name",), User: ("display_name",),
              ReportRevision: ("narrative", "obstacles", "next_steps", "review_comment"),
              Meeting: ("place", "minutes"), Decision: ("text",),
              ReopenRequest: ("reason", "answer")}
    engine = make_engine(database_url)
    with session_scope(engine) as session:  # a meeting with a decision on each closed quarter
        for period in session.exec(select(ReportingPeriod).where(
                ReportingPeriod.state == PeriodState.CLOSED)):
            quarter = period.quarter
            present = [i.acronym for i in plan_institutions(session, [period.plan_id])][:2]
            meeting = meetings.record_meeting(
                session, SYSTEM, period.plan_id, quarter, quarter.last_day() + timedelta(days=20),
                present, minutes="Minutes", place="Room")
            meetings.add_decision(session, SYSTEM, meeting.id, "Decision", owner=present[0],
                                  due_quarter=quarter + 2)
        for model, names in fields.items():
            for row in session.exec(select(model)):
                for name in names:
                    setattr(row, name, f"{getattr(row, name) or ''} {text}".strip())
    engine.dispose()
