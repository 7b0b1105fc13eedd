"""Change generations (tracker/changes.py, issue 27): every kind of write moves, in its own
transaction, the generations of exactly the plans it changed, checked against the rows it
actually wrote; on SQLite and PostgreSQL.

Two plans, so that a write of one plan that moved the other's generation (or failed to move
its own) shows.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import event
from sqlmodel import Session, select

from tests.factories import PlanBuilder, small_plan
from tracker import changes
from tracker.changes import Part
from tracker.db import session_scope
from tracker.models import (
    ActionItem,
    AuditEntry,
    Decision,
    Institution,
    ItemSupport,
    Meeting,
    MeetingAttendance,
    Plan,
    ReopenRequest,
    Report,
    ReportRevision,
    RoleGrant,
    Status,
    User,
)
from tracker.quarters import Quarter
from tracker.services import accounts, lifecycle, meetings, plan_admin, reminders, reporting
from tracker.services.permissions import SYSTEM, Actor, actor_for
from tracker.services.plan_admin import ItemFields
from tracker.services.reporting import Target
from tracker.services.reports import ReportContent

PASSWORD = "a long enough secret"
Q3, Q4 = Quarter(2026, 3), Quarter(2026, 4)  # Q3 reported by the factory; Q4 open
STRUCTURE = "structure"


def _plan_of(db: Session, row: object) -> int | str | None:
    """The plan a written row belongs to (``STRUCTURE`` for accounts, plans, institutions,
    roles; None for what no read shows)."""
    if isinstance(row, User | Institution | Plan | RoleGrant):
        return STRUCTURE
    if isinstance(row, ReportRevision):
        row = db.get_one(Report, row.report_id)
    if isinstance(row, Report | ItemSupport):
        row = db.get_one(ActionItem, row.item_id)
    if isinstance(row, Decision | MeetingAttendance):
        row = db.get_one(Meeting, row.meeting_id)
    if getattr(row, "__tablename__", None) in changes.UNSHOWN:
        return None
    plan_id = getattr(row, "plan_id", None)
    if isinstance(row, AuditEntry) and plan_id is None:
        return STRUCTURE  # an account's or an institution's entry
    assert plan_id is not None, f"a written {type(row).__name__} of no plan"
    return plan_id


@dataclass(frozen=True)
class Moved:
    plans: set[int]  # plan generations moved
    figures: set[int]  # figures generations moved
    structure: bool
    wrote: set[int | str]  # the plans (or STRUCTURE) of the rows the write flushed


def _moved(engine, write: Callable[[Session], object]) -> Moved:
    with engine.connect() as connection:
        before = changes.read(connection)
    wrote: set[int | str] = set()
    with session_scope(engine) as db:
        def note(session: Session, _context: object) -> None:
            with session.no_autoflush:
                for row in (*session.new, *session.dirty, *session.deleted):
                    if row in session.dirty and not session.is_modified(row):
                        continue
                    plan = _plan_of(session, row)
                    if plan is not None:
                        wrote.add(plan)

        event.listen(db, "after_flush", note)
        write(db)
    with engine.connect() as connection:
        moved = changes.read(connection).moved_since(before)
    return Moved({p for p, part in moved if part is Part.PLAN},
                 {p for p, part in moved if part is Part.FIGURES},
                 changes.STRUCTURE in moved, wrote)


@dataclass
class World:
    plan: PlanBuilder
    other: PlanBuilder
    coordinator: Actor
    member: Actor
    admin: Actor

    @property
    def id(self) -> int:
        return self.plan.plan.id


@pytest.fixture
def world(engine, monkeypatch) -> World:
    with session_scope(engine) as db:
        plan = small_plan(db, last="2027-Q2")
        other = PlanBuilder(db, name="Other plan", last="2027-Q2")
        other.institution("C", "PE")
        other.line("1")
        other.item("1.1", line="1", lead="C", start="2026-Q1", due="2026-Q4")

        def account(email: str, role: str, institution: str | None = None) -> Actor:
            user = accounts.add_user(db, SYSTEM, email=email, display_name=email[:5],
                                     role=role, password=PASSWORD, institution=institution,
                                     plans=[] if role == "admin" else [plan.plan])
            return actor_for(db, user)

        world = World(plan, other, account("c@example.org", "coordinator"),
                      account("m@example.org", "member", "A"), account("a@example.org", "admin"))
        account("b@example.org", "member", "B")  # reminded of B's report of 2.1
    return world


def _target(world: World, code: str = "1.1", quarter: Quarter = Q4) -> Target:
    return Target(world.plan.items[code].id, quarter, world.plan.institutions["A"].id)


def _content(percent: float) -> ReportContent:
    return ReportContent(status=Status.IN_PROGRESS, percent_complete=percent)


def _version(db: Session, target: Target) -> int:
    report = db.exec(select(Report).where(
        Report.item_id == target.item_id, Report.quarter == str(target.quarter),
        Report.institution_id == target.institution_id)).first()
    return report.version if report else 0


def _the(db: Session, model: type, **where: object):
    return db.exec(select(model).filter_by(**where).order_by(model.id.desc())).first()


def _item(code: str = "1.3") -> ItemFields:
    return ItemFields(code=code, title="Train prosecutors", description="", line="1", lead="A",
                      supporters=("B",), start_quarter=Quarter(2026, 2),
                      due_quarter=Quarter(2027, 1), indicator="Prosecutors trained",
                      unit="people", baseline=0, target=50, weight=2)


# Each write: what it does, whether it moves the plan's figures (a draft, a reminder, a notice
# read do not) and the structure's (the plans offered carry each plan's open and locked
# quarters: closing and locking change them).
PLAN_WRITES: list[tuple[str, Callable[[Session, World], object], bool, bool]] = [
    ("save a draft", lambda db, w: reporting.save_report(
        db, w.member, _target(w), _content(20), expected_version=_version(db, _target(w))),
     False, False),
    ("submit", lambda db, w: reporting.save_report(
        db, w.member, _target(w), _content(30), expected_version=_version(db, _target(w)),
        submit=True), True, False),
    ("approve", lambda db, w: reporting.review(
        db, w.coordinator, _the(db, Report, item_id=_target(w).item_id, quarter="2026-Q4").id,
        approve=True, expected_version=_version(db, _target(w))), True, False),
    ("submit every draft", lambda db, w: (
        reporting.save_report(db, w.member, _target(w), _content(35),
                              expected_version=_version(db, _target(w))),
        reporting.submit_drafts(db, w.member, w.id, Q4, w.plan.institutions["A"].id)), True, False),
    ("send reminders", lambda db, w: reminders.remind_from_app(db, w.coordinator, w.id, Q4,
                                                               None), False, False),
    ("set a deadline", lambda db, w: plan_admin.set_deadline(
        db, w.coordinator, w.id, Q4, date(2027, 1, 31)), True, False),
    ("add an item", lambda db, w: plan_admin.save_item(db, w.coordinator, w.id, _item()),
     True, False),
    ("archive an item", lambda db, w: plan_admin.archive_item(
        db, w.coordinator, _the(db, ActionItem, code="1.3").id), True, False),
    ("rename a line", lambda db, w: plan_admin.save_line(db, w.coordinator, w.id, "1",
                                                         "Prevention"), True, False),
    ("record a meeting", lambda db, w: meetings.record_meeting(
        db, w.coordinator, w.id, Q3, date(2026, 10, 20), ["A", "B"], "Minutes"), True, False),
    ("change the meeting", lambda db, w: meetings.update_meeting(
        db, w.coordinator, _the(db, Meeting, plan_id=w.id).id, held_on=date(2026, 10, 21),
        present=["A"], minutes="Minutes, amended", place=""), True, False),
    ("add a decision", lambda db, w: meetings.add_decision(
        db, w.coordinator, _the(db, Meeting, plan_id=w.id).id, "Train more judges"), True, False),
    ("change the decision", lambda db, w: meetings.update_decision(
        db, w.coordinator, _the(db, Decision).id, "Train more prosecutors", owner=None,
        due_quarter=None), True, False),
    ("delete the decision", lambda db, w: meetings.delete_decision(
        db, w.coordinator, _the(db, Decision).id), True, False),
    ("lock the quarter", lambda db, w: lifecycle.lock_quarter(
        db, w.coordinator, w.id, Q3, _the(db, Meeting, plan_id=w.id).id, confirm=Q3), True, True),
    ("ask for a reopening", lambda db, w: lifecycle.request_reopen(
        db, w.member, w.id, Q3, "A figure was wrong"), True, False),
    ("grant it", lambda db, w: lifecycle.decide_reopen(
        db, w.coordinator, _the(db, ReopenRequest).id, True), True, False),
    ("read the answer", lambda db, w: lifecycle.mark_seen(
        db, w.member, _the(db, ReopenRequest).id), False, False),
    ("correct the reopened quarter", lambda db, w: reporting.save_report(
        db, w.member, _target(w, quarter=Q3), _content(55),
        expected_version=_version(db, _target(w, quarter=Q3)), submit=True,
        reason="The figure was wrong"), True, False),
    ("finish the corrections", lambda db, w: lifecycle.finish_reopening(db, w.member, w.id, Q3),
     True, False),
    ("close the open quarter", lambda db, w: lifecycle.set_period_state(
        db, w.coordinator, w.id, Q4, lifecycle.PeriodState.CLOSED), True, True),
]

STRUCTURE_WRITES: list[tuple[str, Callable[[Session, World], object]]] = [
    ("add an account", lambda db, w: accounts.add_user(
        db, w.admin, email="new@example.org", display_name="New", role="observer",
        password=PASSWORD, plans=[w.plan.plan])),
    ("deactivate it", lambda db, w: accounts.set_active(
        db, w.admin, _the(db, User, email="new@example.org").id, False)),
    ("reset a password", lambda db, w: accounts.reset_password(
        db, w.admin, _the(db, User, email="m@example.org").id, "another long secret 42")),
    ("change one's language", lambda db, w: accounts.set_language(db, w.coordinator, "en")),
    ("rename an institution", lambda db, w: plan_admin.save_institution(
        db, w.admin, w.other.plan.id, "C", "Institution C, renamed", "PE")),
]


def test_every_write_of_a_plan_moves_that_plan_s_generations_and_no_other(engine, world):
    for name, write, figures, structure in PLAN_WRITES:
        moved = _moved(engine, lambda db, write=write: write(db, world))
        assert moved.wrote == {world.id}, name  # the rows it wrote: this plan's only
        assert moved.plans == {world.id}, name
        assert moved.figures == ({world.id} if figures else set()), name
        assert moved.structure == structure, name


def test_every_write_of_accounts_or_institutions_moves_the_structure_s(engine, world):
    for name, write in STRUCTURE_WRITES:
        moved = _moved(engine, lambda db, write=write: write(db, world))
        assert STRUCTURE in moved.wrote, name
        assert moved.structure, name
        assert moved.plans == moved.figures == set(), name


def test_a_plan_of_its_own_moves_the_structure_too(engine, world):
    """The plans offered change with a new plan or a plan's zone."""
    moved = _moved(engine, lambda db: plan_admin.set_time_zone(db, world.coordinator, world.id,
                                                               "America/Lima"))
    assert moved.structure and moved.plans == moved.figures == {world.id}
    moved = _moved(engine, lambda db: PlanBuilder(db, name="Third plan"))
    assert moved.structure


def test_a_sign_in_a_refusal_and_nothing_written_move_nothing(engine, world):
    from tracker.errors import TrackerError
    from tracker.services import auth

    def sign_in(db: Session) -> None:
        user = auth.sign_in(db, "m@example.org", PASSWORD, client="127.0.0.1")
        auth.start_session(db, user)

    for write in (sign_in, lambda db: None):
        moved = _moved(engine, write)
        assert (moved.plans, moved.figures, moved.structure) == (set(), set(), False)
    with engine.connect() as connection:
        before = changes.read(connection)
    with pytest.raises(TrackerError):  # 140 %: refused, nothing written
        _moved(engine, lambda db: reporting.save_report(
            db, world.member, _target(world), _content(140), expected_version=0))
    with engine.connect() as connection:
        assert changes.read(connection) == before


def test_a_write_that_declares_nothing_renews_everything_and_says_so(engine, world, caplog):
    """A forgotten declaration costs speed, not correctness: the structure's generation,
    which every cached read depends on, moves."""
    def rename_behind_the_services(db: Session) -> None:
        db.get_one(ActionItem, world.plan.items["1.1"].id).title = "Renamed"

    with caplog.at_level(logging.WARNING, logger="tracker.changes"):
        moved = _moved(engine, rename_behind_the_services)
    assert moved.structure
    assert "action_item" in caplog.text


def test_an_import_moves_its_plan_and_a_new_institution_the_structure(engine, world, tmp_path):
    from tests.helpers import MINIMAL, write_workbook
    from tracker.services.imports import import_path

    path = write_workbook(tmp_path / "plan.xlsx", MINIMAL)
    checked = _moved(engine, lambda db: import_path(db, SYSTEM, path, dry_run=True))
    assert (checked.plans, checked.figures, checked.structure) == (set(), set(), False)
    moved = _moved(engine, lambda db: import_path(db, SYSTEM, path))
    with Session(engine) as db:
        imported = db.exec(select(Plan).where(Plan.name == MINIMAL["plan"][1][0])).one().id
    assert moved.structure  # a new plan, new institutions
    assert moved.plans == moved.figures == {imported}


def test_a_restore_moves_every_server_on_and_never_back(engine, world, tmp_path):
    from tracker.services import backup

    backup.backup(engine, tmp_path / "copy.db")
    with engine.connect() as connection:
        before = changes.read(connection)
    backup.restore(engine, tmp_path / "copy.db")
    with engine.connect() as connection:
        after = changes.read(connection)
    assert after.structure > before.structure
    assert all(after.counters[key] >= value for key, value in before.counters.items())
