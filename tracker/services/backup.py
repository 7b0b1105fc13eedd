"""Backups: a consistent copy of the whole database in one portable SQLite file, and back.

- SQLite: SQLite's online backup API copies the file page by page while the app keeps working;
  the copy is one consistent state.
- PostgreSQL: every table is read inside one REPEATABLE READ transaction (one snapshot, while
  others keep writing) into a new SQLite file with the same schema. No ``pg_dump`` needed, and
  a backup of either store restores into either store.

Restore checks the file, brings a copy of it to the current schema (Alembic), then replaces
every row of the target in one transaction: all or nothing.
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Table, delete, func, insert, inspect, select, text
from sqlalchemy.engine import Connection, Engine
from sqlmodel import SQLModel

from tracker import changes, migrate, models  # noqa: F401  (models registers every table)
from tracker.db import is_sqlite, make_engine
from tracker.errors import InvalidInput

CHUNK = 5_000
REQUIRED_TABLES = {"plan", "institution", "action_item", "report", "report_revision",
                   "alembic_version"}


@dataclass(frozen=True)
class BackupSummary:
    path: Path
    rows: dict[str, int]


def _tables() -> list[Table]:
    return list(SQLModel.metadata.sorted_tables)  # parents before children


def _counts(connection: Connection) -> dict[str, int]:
    return {table.name: connection.execute(select(func.count()).select_from(table)).scalar_one()
            for table in changes.data_tables()}


def backup(engine: Engine, path: Path) -> BackupSummary:
    """Write a consistent copy of ``engine``'s database to ``path`` (a SQLite file)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    if is_sqlite(engine):
        with engine.connect() as connection:
            source = connection.connection.driver_connection
            assert source is not None  # a live connection has its DBAPI connection
            target = sqlite3.connect(partial)
            try:
                source.backup(target)
            finally:
                target.close()
    else:
        _copy_postgresql(engine, partial)
    partial.replace(path)  # a half-written backup never carries the final name
    copy = make_engine(f"sqlite:///{path}")
    try:
        with copy.connect() as connection:
            rows = _counts(connection)
    finally:
        copy.dispose()
    return BackupSummary(path, rows)


def _copy_postgresql(engine: Engine, path: Path) -> None:
    target = make_engine(f"sqlite:///{path}")
    try:
        migrate.upgrade(target)
        snapshot = engine.connect().execution_options(isolation_level="REPEATABLE READ")
        with snapshot as source, source.begin(), target.begin() as sink:
            for table in _tables():
                sink.execute(delete(table))
                _copy_rows(source, sink, table)
    finally:
        target.dispose()


def _copy_rows(source: Connection, sink: Connection, table: Table) -> None:
    result = source.execution_options(yield_per=CHUNK).execute(
        select(table).order_by(*table.primary_key.columns))
    for chunk in result.mappings().partitions(CHUNK):
        sink.execute(insert(table), [dict(row) for row in chunk])


def _check_backup(path: Path) -> None:
    if not path.is_file():
        raise InvalidInput("backup.no_such_file", path=str(path))
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            names = {row[0] for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")}
            connection.execute("PRAGMA quick_check").fetchone()
        finally:
            connection.close()
    except sqlite3.DatabaseError:
        raise InvalidInput("backup.not_a_backup", path=str(path)) from None
    if not names >= REQUIRED_TABLES:
        raise InvalidInput("backup.not_a_backup", path=str(path))


def restore(engine: Engine, path: Path) -> BackupSummary:
    """Replace every row of ``engine``'s database with the backup's, in one transaction."""
    path = Path(path)
    _check_backup(path)
    with tempfile.TemporaryDirectory() as folder:
        copy_path = Path(folder) / "restore.db"
        shutil.copyfile(path, copy_path)
        source_engine = make_engine(f"sqlite:///{copy_path}")
        try:
            migrate.upgrade(source_engine)  # a backup from an older version
            migrate.upgrade(engine)
            with source_engine.connect() as source, engine.begin() as target:
                if is_sqlite(engine):
                    target.exec_driver_sql("PRAGMA defer_foreign_keys = ON")
                for table in reversed(changes.data_tables()):
                    target.execute(delete(table))
                for table in changes.data_tables():
                    _copy_rows(source, target, table)
                _advance_sequences(target)
                changes.move_everything(target)  # every server's cached reads renewed
                rows = _counts(target)
        finally:
            source_engine.dispose()
    return BackupSummary(path, rows)


def _advance_sequences(connection: Connection) -> None:
    """PostgreSQL hands out ids from sequences: move each past the restored rows."""
    if connection.dialect.name != "postgresql":
        return
    inspector = inspect(connection)
    for table in _tables():
        if "id" in table.columns and table.name in inspector.get_table_names():
            connection.execute(text(
                "SELECT setval(pg_get_serial_sequence(:name, 'id'), "
                f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"),
                {"name": table.name})
