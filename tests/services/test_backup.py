"""Backups: a consistent copy while the app is in use, restored into either store, and the
round trip backup -> restore -> export giving the original export."""

from __future__ import annotations

import sqlite3
import threading

import pytest
from sqlmodel import Session, select

from tests.helpers import read_workbook, row_counts
from tracker.cli import main as tracker
from tracker.db import make_engine, session_scope
from tracker.demo import ECUADOR_PLAN, load_demo
from tracker.errors import InvalidInput
from tracker.migrate import upgrade
from tracker.models import ActionItem, Report, ReportRevision, ReportState, Status
from tracker.quarters import Quarter
from tracker.services import backup, plans
from tracker.services.exports import export_workbook
from tracker.services.permissions import SYSTEM
from tracker.services.reports import ReportContent, append_revision


def _export(engine, path):
    with session_scope(engine) as session:
        path.write_bytes(export_workbook(session, SYSTEM, plans.get_plan(session, ECUADOR_PLAN)))
    return read_workbook(path)


def test_backup_then_restore_gives_back_the_same_plan(engine, tmp_path):
    with session_scope(engine) as session:
        load_demo(session)
    before = _export(engine, tmp_path / "before.xlsx")
    with Session(engine) as session:
        counts = row_counts(session)
    saved = backup.backup(engine, tmp_path / "copy.db")
    assert saved.rows["report"] == counts["report"] > 200
    with session_scope(engine) as session:  # the plan is then damaged...
        item = session.exec(select(ActionItem).where(ActionItem.code == "1.1")).first()
        item.title = "changed after the backup"
        session.add(item)
    assert _export(engine, tmp_path / "changed.xlsx") != before
    restored = backup.restore(engine, tmp_path / "copy.db")  # ...and restored
    assert restored.rows == counts
    assert _export(engine, tmp_path / "after.xlsx") == before
    with session_scope(engine) as session:  # ids keep coming after the restored ones
        item = session.exec(select(ActionItem).order_by(ActionItem.id)).first()
        report = append_revision(
            session, item_id=item.id, quarter=Quarter(2027, 1),  # nobody reported it: new
            institution_id=item.lead_institution_id,
            content=ReportContent(status=Status.IN_PROGRESS, percent_complete=10),
            state=ReportState.DRAFT, author_id=None)
        assert report.id > max(session.exec(select(Report.id).where(Report.id != report.id)))
        newest = report.latest_revision_id
        assert newest > max(session.exec(select(ReportRevision.id).where(
            ReportRevision.id != newest)))


def test_a_backup_of_one_store_restores_into_the_other(engine, tmp_path):
    with session_scope(engine) as session:
        load_demo(session)
    before = _export(engine, tmp_path / "before.xlsx")
    backup.backup(engine, tmp_path / "copy.db")
    other = make_engine(f"sqlite:///{tmp_path / 'other.db'}")
    upgrade(other)
    backup.restore(other, tmp_path / "copy.db")
    assert _export(other, tmp_path / "other.xlsx") == before
    other.dispose()


def test_a_backup_taken_while_members_save_is_consistent(engine, tmp_path):
    with session_scope(engine) as session:
        load_demo(session)
        items = [(i.id, i.lead_institution_id) for i in session.exec(select(ActionItem))]
    stop = threading.Event()
    saved = []

    def member_saves() -> None:
        for round_ in range(1, 1000):
            for item_id, institution_id in items[:5]:
                if stop.is_set():
                    return
                with session_scope(engine) as session:
                    append_revision(session, item_id=item_id, quarter=Quarter(2026, 4),
                                    institution_id=institution_id,
                                    content=ReportContent(status=Status.IN_PROGRESS,
                                                          percent_complete=round_ % 100),
                                    state=ReportState.DRAFT, author_id=None)
                saved.append(round_)

    writer = threading.Thread(target=member_saves)
    writer.start()
    try:
        while len(saved) < 5:
            stop.wait(0.01)
        backup.backup(engine, tmp_path / "busy.db")
    finally:
        stop.set()
        writer.join()
    assert saved  # the writer really was writing during the backup
    with sqlite3.connect(tmp_path / "busy.db") as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        # every report's newest version is in the copy, and no version without its report
        assert copy.execute(
            "SELECT COUNT(*) FROM report r LEFT JOIN report_revision v "
            "ON v.id = r.latest_revision_id WHERE v.id IS NULL").fetchone() == (0,)
        assert copy.execute(
            "SELECT COUNT(*) FROM report r JOIN report_revision v ON v.report_id = r.id "
            "WHERE v.number > r.version").fetchone() == (0,)


def test_restore_refuses_a_file_that_is_not_a_backup_and_changes_nothing(engine, tmp_path):
    with session_scope(engine) as session:
        load_demo(session)
    with Session(engine) as session:
        counts = row_counts(session)
    junk = tmp_path / "notes.db"
    junk.write_text("minutes of the meeting")
    with pytest.raises(InvalidInput) as refused:
        backup.restore(engine, junk)
    assert refused.value.key == "backup.not_a_backup"
    with pytest.raises(InvalidInput):
        backup.restore(engine, tmp_path / "missing.db")
    with Session(engine) as session:
        assert row_counts(session) == counts
        assert session.exec(select(ReportRevision)).first() is not None


def test_the_tracker_command_backs_up_and_restores(tmp_path, monkeypatch, capsys):
    url = f"sqlite:///{tmp_path / 'live.db'}"
    monkeypatch.setenv("TRACKER_DATABASE_URL", url)
    engine = make_engine(url)
    upgrade(engine)
    with session_scope(engine) as session:
        load_demo(session)
    assert tracker(["backup", str(tmp_path / "b.db")]) == 0
    assert "b.db" in capsys.readouterr().out
    with session_scope(engine) as session:
        for item in session.exec(select(ActionItem)):
            item.archived = True
            session.add(item)
    assert tracker(["restore", str(tmp_path / "b.db")]) == 0
    assert "restored" in capsys.readouterr().out.lower()
    with Session(engine) as session:
        assert not any(i.archived for i in session.exec(select(ActionItem)))
    (tmp_path / "bad.db").write_bytes(b"\x00" * 100)
    assert tracker(["restore", str(tmp_path / "bad.db")]) == 2
    assert "not a tracker backup" in capsys.readouterr().err
    engine.dispose()
