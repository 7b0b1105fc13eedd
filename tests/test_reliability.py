"""Reliability: nothing lost under load and faults.

- 20 sessions at once (threads, then six separate processes) save the same few reports while an
  import runs: every save either lands as a version or comes back as a conflict; no lost
  update, no duplicate, no "database is locked" reaching anyone.
- Concurrent ``tracker plan import`` of one workbook leaves one copy.
- A process killed in the middle of an import or of saves leaves the database consistent.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.exc import TimeoutError as NoConnection
from sqlmodel import Session, select

from tests.conftest import missing_service
from tests.factories import PlanBuilder, small_plan
from tests.helpers import MINIMAL, write_workbook
from tracker.cli import main as tracker
from tracker.db import make_engine, session_scope
from tracker.models import ActionItem, Plan, Report, ReportRevision, Status, User
from tracker.quarters import Quarter
from tracker.services import reporting
from tracker.services.accounts import add_user
from tracker.services.permissions import SYSTEM, actor_for
from tracker.services.reporting import Conflict, Target
from tracker.services.reports import ReportContent, find_report

OPEN = "2026-Q4"
SESSIONS = 20
# Processes the twenty sessions share in the multi-process test: each spawned process costs
# 1–2 s of imports on a 2-core machine, and six already make every save cross processes.
PROCESSES = 6
ROOT = Path(__file__).resolve().parent.parent


def _plan_with_members(engine) -> tuple[list[int], list[tuple[int, str, int]]]:
    """Five items led by A: the user ids of A's and B's members and the reports to fight
    over (A's own part of each item, and B's part as a supporter)."""
    with Session(engine) as session:
        plan = PlanBuilder(session, last="2027-Q2")
        for acronym in ("A", "B"):
            plan.institution(acronym)
        plan.line("1")
        for n in range(1, 6):
            plan.item(f"1.{n}", line="1", lead="A", start="2026-Q1", due="2027-Q2",
                      supporters=("B",))
        users = [add_user(session, SYSTEM, email=f"{who}{n}@example.org",
                          display_name=f"{who}{n}", role="member", password="long enough pw",
                          institution=who, plans=[plan.plan])
                 for n in range(SESSIONS // 2) for who in ("A", "B")]
        session.commit()
        targets = [(item.id, OPEN, plan.institutions[who].id)
                   for item in plan.items.values() for who in ("A", "B")]
        return [user.id for user in users], targets


def save_many(url: str, user_id: int, targets: list[tuple[int, str, int]], rounds: int,
              tag: str) -> dict[str, object]:
    """One member's session: read the report's version, save on it; again and again."""
    engine = make_engine(url)
    outcome: dict[str, object] = {"saved": [], "conflicts": 0, "busy": 0}
    with Session(engine) as session:
        actor = actor_for(session, session.get_one(User, user_id))
    mine = [t for t in targets if t[2] == actor.institution_id]
    try:
        for round_ in range(rounds):
            for item_id, quarter, institution_id in mine:
                narrative = f"{tag} round {round_} item {item_id}"
                try:
                    with Session(engine) as session:
                        found = find_report(session, item_id, Quarter.parse(quarter),
                                            institution_id)
                        version = found.version if found else 0
                    with session_scope(engine) as session:
                        reporting.save_report(
                            session, actor, Target(item_id, Quarter.parse(quarter), institution_id),
                            ReportContent(status=Status.IN_PROGRESS,
                                          percent_complete=round_ % 100, narrative=narrative),
                            expected_version=version)
                    outcome["saved"].append(narrative)
                except (Conflict, IntegrityError):  # what the page shows as a conflict
                    outcome["conflicts"] += 1
                except (OperationalError, NoConnection):  # locked, or no connection free
                    outcome["busy"] += 1
    finally:
        engine.dispose()
    return outcome


def _check_nothing_lost(engine, outcomes: list[dict[str, object]],
                        targets: list[tuple[int, str, int]]) -> dict[str, int]:
    saved = [n for outcome in outcomes for n in outcome["saved"]]
    items = {item_id for item_id, _, _ in targets}
    with Session(engine) as session:  # the fought-over plan's reports (not the import's)
        reports = session.exec(select(Report).where(Report.item_id.in_(items))).all()
        revisions = session.exec(select(ReportRevision).where(
            ReportRevision.report_id.in_([r.id for r in reports]))).all()
    assert sum(outcome["busy"] for outcome in outcomes) == 0
    assert Counter(r.narrative for r in revisions) == Counter(saved)  # no loss, no phantom
    keys = Counter((r.item_id, r.quarter, r.institution_id) for r in reports)
    assert max(keys.values()) == 1  # no duplicate report
    numbers: dict[int, list[int]] = {}
    for revision in revisions:
        numbers.setdefault(revision.report_id, []).append(revision.number)
    for report in reports:  # versions 1..n without gaps, pointers on the newest
        assert sorted(numbers[report.id]) == list(range(1, report.version + 1))
        latest = max((r for r in revisions if r.report_id == report.id), key=lambda r: r.number)
        assert report.latest_revision_id == latest.id
    return {"saved": len(saved), "conflicts": sum(o["conflicts"] for o in outcomes)}


def _importer(url: str, folder: Path, stop: threading.Event, codes: list[int]) -> None:
    workbook = write_workbook(folder / "other.xlsx", MINIMAL)
    engine = make_engine(url)
    from tracker.services.imports import import_path

    while not stop.is_set():
        with session_scope(engine) as session:
            import_path(session, SYSTEM, workbook)
        codes.append(0)
    engine.dispose()


def test_twenty_threads_saving_and_an_import_at_once_lose_nothing(engine, database_url,
                                                                 tmp_path):
    users, targets = _plan_with_members(engine)
    outcomes: list[dict[str, object]] = []
    stop, imports = threading.Event(), []
    importer = threading.Thread(target=_importer, args=(database_url, tmp_path, stop, imports))
    importer.start()
    threads = [threading.Thread(target=lambda u=u, n=n: outcomes.append(
        save_many(database_url, u, targets, 4, f"thread {n}"))) for n, u in enumerate(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stop.set()
    importer.join()
    figures = _check_nothing_lost(engine, outcomes, targets)
    assert figures["saved"] >= 10 and figures["conflicts"] > 0  # they really did collide
    assert imports  # and the import ran alongside
    with Session(engine) as session:
        assert len(session.exec(select(Plan).where(Plan.name == "Small plan")).all()) == 1


def test_twenty_sessions_in_six_processes_and_an_import_at_once_lose_nothing(
        engine, database_url, tmp_path):
    users, targets = _plan_with_members(engine)
    workbook = str(write_workbook(tmp_path / "other.xlsx", MINIMAL))
    context = multiprocessing.get_context("spawn")
    with context.Pool(1) as importer, context.Pool(PROCESSES) as pool:
        imported = importer.apply_async(_cli_import, (database_url, workbook))
        outcomes = pool.starmap(save_many, [(database_url, user, targets, 2, f"process {n}")
                                            for n, user in enumerate(users)])
        assert imported.get(timeout=300) == 0
    figures = _check_nothing_lost(engine, outcomes, targets)
    assert figures["saved"] >= 10
    with Session(engine) as session:
        assert len(session.exec(select(Plan).where(Plan.name == "Small plan")).all()) == 1


def _cli_import(url: str, workbook: str) -> int:
    os.environ["TRACKER_DATABASE_URL"] = url
    return tracker(["plan", "import", workbook])


def test_the_same_workbook_imported_four_times_at_once_leaves_one_copy(engine, database_url,
                                                                        tmp_path):
    workbook = str(write_workbook(tmp_path / "plan.xlsx", MINIMAL))
    context = multiprocessing.get_context("spawn")
    with context.Pool(4) as pool:
        codes = pool.starmap(_cli_import, [(database_url, workbook)] * 4)
    assert codes == [0, 0, 0, 0]
    with Session(engine) as session:
        assert len(session.exec(select(Plan)).all()) == 1
        assert len(session.exec(select(ActionItem)).all()) == 2
        assert len(session.exec(select(Report)).all()) == 4  # as in the workbook, once


def _big_workbook(path: Path, items: int = 1500, quarters: int = 8) -> Path:
    rows = {key: [list(MINIMAL[key][0])] for key in ("plan", "institutions", "items",
                                                      "reports")}
    rows["plan"].append(["Big plan", "Test", "2025-Q1", "2026-Q4"])
    rows["institutions"] += MINIMAL["institutions"][1:]
    for n in range(items):
        rows["items"].append([f"1.{n}", "Capacity", f"Action {n}", "OIM", "DINAPEN",
                              "2025-Q1", "2026-Q4", "", "", "", "", 1])
        for q in range(quarters):
            quarter = f"{2025 + q // 4}-Q{q % 4 + 1}"
            rows["reports"].append([f"1.{n}", quarter, "", "in progress", 10 * q, "", ""])
    return write_workbook(path, rows)


def _consistent(engine) -> tuple[int, int]:
    """The database's own checks pass; (plans, reports) it holds."""
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            assert connection.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
            assert connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
        broken = connection.execute(text(
            "SELECT COUNT(*) FROM report r LEFT JOIN report_revision v "
            "ON v.id = r.latest_revision_id WHERE v.id IS NULL")).scalar()
        assert broken == 0
        return (connection.execute(text("SELECT COUNT(*) FROM plan")).scalar(),
                connection.execute(text("SELECT COUNT(*) FROM report")).scalar())


def _run_and_kill(arguments: list[str], url: str, after: float) -> int | None:
    """Start ``tracker ...`` in a real process and SIGKILL it ``after`` seconds in."""
    process = subprocess.Popen([sys.executable, "-m", "tracker.cli", *arguments],
                               env={**os.environ, "TRACKER_DATABASE_URL": url},
                               cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + after
    while process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    if process.poll() is None:
        process.send_signal(signal.SIGKILL)
    return process.wait()


def test_an_import_killed_midway_leaves_all_or_nothing(engine, database_url, tmp_path):
    workbook = _big_workbook(tmp_path / "big.xlsx")
    outcomes = []
    for after in (1.0, 1.5, 2.0, 2.5, 3.0, 30):  # killed reading, writing, committing, or not
        code = _run_and_kill(["plan", "import", str(workbook)], database_url, after)
        found = _consistent(engine)
        assert found in ((0, 0), (1, 1500 * 8))  # all or nothing, never half a plan
        outcomes.append((code, found))
        if found != (0, 0):
            break
    assert outcomes[-1][1] == (1, 1500 * 8)  # it does finish when left alone
    assert outcomes[0] == (-signal.SIGKILL, (0, 0))  # and the first kill did land


def _revision_count(engine) -> int:
    with Session(engine) as session:
        return len(session.exec(select(ReportRevision.id)).all())


def _wait_until(condition, seconds: float) -> None:
    """Until ``condition()`` holds: a loaded machine starts a process in its own time."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"not within {seconds} s"
        time.sleep(0.05)


def test_saves_killed_midway_leave_every_report_whole(engine, database_url, tmp_path):
    users, targets = _plan_with_members(engine)
    script = (
        "import sys; from tests.test_reliability import save_many; "
        f"save_many({database_url!r}, {users[0]}, {targets!r}, 10_000, 'killed')")
    for after in (0.5, 1.0):
        saved = _revision_count(engine)
        process = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _wait_until(lambda n=saved: _revision_count(engine) > n, seconds=60)  # saving now
        time.sleep(after)
        process.send_signal(signal.SIGKILL)
        assert process.wait() == -signal.SIGKILL
        _consistent(engine)
    with Session(engine) as session:
        revisions = session.exec(select(ReportRevision)).all()
        assert revisions  # it was saving when killed
        for report in session.exec(select(Report)):
            numbers = sorted(r.number for r in revisions if r.report_id == report.id)
            assert numbers == list(range(1, report.version + 1))


def test_a_meeting_room_of_thirty_sessions_each_gets_a_postgresql_connection_at_once(
        postgres_engine):
    """Each Streamlit session reads in its own thread with a connection of its own: thirty
    at once must not queue behind a pool of fifteen (bench/room.py timed out there). SQLite
    queues them on purpose (``tracker.db.SQLITE_POOL``)."""
    if postgres_engine is None:
        missing_service("PostgreSQL is not reachable: set TRACKER_TEST_DATABASE_URL")
    engine = make_engine(postgres_engine.url.render_as_string(hide_password=False))
    room = threading.Barrier(30, timeout=15)
    failures: list[BaseException] = []

    def session() -> None:
        try:
            with engine.connect():
                room.wait()  # all thirty hold a connection at the same moment
        except BaseException as error:  # noqa: BLE001 - reported below
            failures.append(error)

    threads = [threading.Thread(target=session) for _ in range(30)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    engine.dispose()
    assert failures == []


def test_a_connection_limit_that_is_not_a_positive_number_is_refused(monkeypatch):
    from tracker.settings import get_settings

    for wrong in ("0", "-3", "many"):
        monkeypatch.setenv("TRACKER_DB_CONNECTIONS", wrong)
        with pytest.raises(ValueError, match="TRACKER_DB_CONNECTIONS"):
            get_settings()
    monkeypatch.setenv("TRACKER_DB_CONNECTIONS", "12")
    assert get_settings().db_connections == 12


def test_a_page_reads_while_a_save_holds_the_write_lock_and_a_read_never_writes(
        engine, database_url, session):
    """The pages' cached reads (``ui.data`` through ``tracker.db.read_scope``) read a snapshot:
    on SQLite they used to queue behind every save for the one write lock."""
    from tracker.db import read_scope

    small_plan(session)
    session.commit()
    reader = make_engine(database_url)
    with session_scope(engine) as writer:
        writer.exec(select(Plan)).all()  # the writer's transaction has begun (and holds the lock)
        writer.add(Plan(name="Being written", commission="Test", first_quarter=Quarter(2026, 1),
                        last_quarter=Quarter(2026, 4)))
        writer.flush()
        done = threading.Event()

        def read() -> None:
            with read_scope(reader) as reading:
                names = reading.exec(select(Plan.name)).all()
            assert "Test plan" in names and "Being written" not in names
            done.set()

        thread = threading.Thread(target=read)
        thread.start()
        assert done.wait(timeout=10)  # not the 20 s lock wait, nor after the writer commits
        thread.join()
    with read_scope(reader) as reading:
        plan_row = reading.exec(select(Plan).where(Plan.name == "Test plan")).one()
        plan_row.name = "Renamed by a read"
        with pytest.raises(RuntimeError, match="read scope tried to write"):
            reading.flush()
    with read_scope(reader) as reading:
        assert reading.exec(select(Plan).where(Plan.name == "Test plan")).first()
    reader.dispose()
