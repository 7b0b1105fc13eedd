"""Engine and sessions for SQLite (default) and PostgreSQL.

SQLite: WAL, ``busy_timeout`` and ``BEGIN IMMEDIATE`` for every transaction. Measured (see
STREAMLIT.md): deferred transactions under WAL silently lost 41 of 320 concurrent
read-modify-write updates; ``BEGIN IMMEDIATE`` kept all of them.

Importing this module costs SQLAlchemy's core and nothing more: no ORM, no SQLModel, no
tables (``tracker plan list`` runs on an engine alone). The sessions' guard against NUL bytes
lives with the tables, in ``tracker.models``.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Table, TypeDecorator, create_engine, event, insert, inspect
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.pool import StaticPool

from tracker.settings import get_settings

if TYPE_CHECKING:
    from typing import TypeAlias

    from sqlmodel import Session, SQLModel

    # what the read-only figures run on: a session, or a bare connection (``tracker deck``
    # reads without the ORM)
    Reader: TypeAlias = Session | Connection


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


# How long a SQLite writer waits for another's transaction before "database is locked". Five
# seconds was too short on a loaded 2-core machine: twenty saves and an import at once made a
# save give up now and then (tests/test_reliability.py). A save that waits is better than one
# that must be pressed again; PostgreSQL waits on row locks, not on the whole file.
SQLITE_BUSY_SECONDS = 20


# Execution option of ``read_scope``'s connections: on SQLite their transactions begin
# deferred, as readers of a WAL snapshot that wait for no writer and hold up none.
READ_ONLY = "tracker_read_only"


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:  # noqa: ANN001
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_SECONDS * 1000}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:  # noqa: ANN001
        reading = connection.get_execution_options().get(READ_ONLY, False)
        connection.exec_driver_sql("BEGIN" if reading else "BEGIN IMMEDIATE")


def _configure_postgresql(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:  # noqa: ANN001
        # The figures' correlated subqueries make the planner's cost estimates large, which
        # switched on JIT compilation: 1.8 s with it, 0.77 s without, for a completeness trend at
        # national scale (23 quarters). Our queries are short; JIT does not pay for itself here.
        dbapi_connection.execute("SET jit = off")
        dbapi_connection.commit()


# SQLite lets one transaction in at a time (``BEGIN IMMEDIATE``), so connections beyond a few
# add nothing but contenders to its busy wait, which is not first come, first served: with
# twenty-one at once on a loaded machine one reader waited past the 20 s timeout. Sessions
# beyond ten queue for a connection instead, in turn, for up to a minute.
SQLITE_POOL = {"pool_size": 5, "max_overflow": 5, "pool_timeout": 60}


def _pool() -> dict[str, int]:
    """PostgreSQL: room for ``TRACKER_DB_CONNECTIONS`` sessions at once; ten stay open."""
    connections = get_settings().db_connections
    pool_size = min(10, connections)
    return {"pool_size": pool_size, "max_overflow": connections - pool_size}


def make_engine(url: str | None = None) -> Engine:
    """An engine for ``url`` (default: the configured database); SQLite files get a folder."""
    url = url or get_settings().database_url
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ":memory:"
        in_memory = database == ":memory:" or database.startswith("file::memory:")
        if not in_memory:
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        sqlite_args = {"check_same_thread": False, "timeout": SQLITE_BUSY_SECONDS}
        engine = (create_engine(url, connect_args=sqlite_args, poolclass=StaticPool)
                  if in_memory else create_engine(url, connect_args=sqlite_args,
                                                  **SQLITE_POOL))
        _configure_sqlite(engine)
        return engine
    engine = create_engine(url, pool_pre_ping=True, **_pool())
    _configure_postgresql(engine)
    return engine


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any error."""
    from sqlmodel import Session  # the ORM only for a session (see the module's docstring)

    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def connection_of(reader: Reader) -> Connection:
    """The Core connection a reader's queries run on. A session's pending changes are
    flushed first (unless it does not autoflush), so that Core reads see what the ORM's own
    queries would."""
    if isinstance(reader, Connection):
        return reader
    if reader.autoflush:
        reader.flush()
    return reader.connection()


@contextmanager
def read_scope(engine: Engine) -> Iterator[Session]:
    """A unit of reading: always rolled back, and a flush of any change in it is refused.

    On SQLite its transaction is deferred (plain ``BEGIN``): under WAL it reads a snapshot
    while a writer works, where ``BEGIN IMMEDIATE`` made every page of a meeting room queue
    behind every save for the one write lock. A read-modify-write must use
    ``session_scope``: a deferred transaction that tries to write after another writer
    committed fails instead of waiting (``SQLITE_BUSY_SNAPSHOT``).
    """
    from sqlmodel import Session

    with Session(engine.execution_options(**{READ_ONLY: True}),
                 expire_on_commit=False) as session:
        event.listen(session, "before_flush", _refuse_writes)
        try:
            yield session
        finally:
            session.rollback()


def _refuse_writes(session: Session, _context: object, _instances: object) -> None:
    if session.new or session.dirty or session.deleted:
        raise RuntimeError("a read scope tried to write: use session_scope")


def serialize(session: Session, topic: str) -> None:
    """Make writers on the same ``topic`` take turns until this transaction ends.

    PostgreSQL: a transaction-scoped advisory lock, so that two imports of one new plan
    cannot both decide to create it. SQLite needs nothing: ``BEGIN IMMEDIATE`` already lets
    one writer in at a time.
    """
    if session.get_bind().dialect.name == "postgresql":
        key = zlib.crc32(topic.encode()) & 0x7FFFFFFF
        session.connection().exec_driver_sql(f"SELECT pg_advisory_xact_lock({key})")


def table_of(model: type[SQLModel]) -> Table:
    """A table model's ``Table`` (SQLModel sets ``__table__`` on the class without declaring
    it for type checkers)."""
    table = inspect(model).local_table
    if not isinstance(table, Table):
        raise TypeError(f"{model.__name__} is not a table model")
    return table


def bulk_insert(connection: Connection, table: Table, rows: list[dict[str, object]]) -> None:
    """Insert many rows: PostgreSQL's COPY (several times faster than INSERTs for an import's
    tens of thousands of reports), else an executemany INSERT. Same transaction either way."""
    if not rows:
        return
    if connection.dialect.name != "postgresql":
        connection.execute(insert(table), rows)
        return
    columns = list(rows[0])
    names = ", ".join(f'"{column}"' for column in columns)
    # COPY passes values as they are: a column's own type (a ``Quarter``, an enum) writes them
    typed = {column: processor for column in columns
             if (processor := table.c[column].type.bind_processor(connection.dialect))
             and isinstance(table.c[column].type, TypeDecorator)}
    driver = connection.connection.driver_connection
    assert driver is not None  # a live connection has its DBAPI connection
    with driver.cursor() as cursor, \
            cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row([typed[column](row[column]) if column in typed else row[column]
                            for column in columns])
