"""Run Alembic migrations from code (``tracker db upgrade``, the app's first start, tests).

SQLite rebuilds a table to change its columns (Alembic's batch mode), which drops the old
table: with foreign keys enforced, that fails as soon as other rows point at it. So foreign
keys are switched off around the migration and checked once it is done.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError

from tracker.db import is_sqlite

if TYPE_CHECKING:
    from alembic.config import Config

# Inside the package, so that an installed tracker (a wheel, not only this checkout) migrates.
MIGRATIONS_DIR = Path(__file__).parent / "migrations"


class MigrationError(RuntimeError):
    """The migrated database breaks its own foreign keys."""


def alembic_config(url: str | None = None) -> Config:
    from alembic.config import Config  # Alembic only when a migration may run (0.3 s)

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if url:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def _sqlite_foreign_keys(connection: Connection, enabled: bool) -> None:
    # Run on the DBAPI connection, outside any transaction: inside one the pragma does nothing.
    raw = connection.connection.driver_connection
    assert raw is not None  # a live connection has its DBAPI connection
    raw.execute(f"PRAGMA foreign_keys={'ON' if enabled else 'OFF'}")


def migrate(engine: Engine, revision: str = "head", *, down: bool = False) -> None:
    """Move the schema of ``engine``'s database to ``revision``."""
    from alembic import command

    config = alembic_config()
    with engine.connect() as connection:
        sqlite = is_sqlite(engine)
        if sqlite:
            _sqlite_foreign_keys(connection, False)
        try:
            with connection.begin():
                config.attributes["connection"] = connection
                (command.downgrade if down else command.upgrade)(config, revision)
                if sqlite:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise MigrationError(f"foreign keys broken by the migration: {broken}")
        finally:
            if sqlite:
                _sqlite_foreign_keys(connection, True)


_REVISION = re.compile(r"^revision(?::[^=]*)?=\s*['\"]([^'\"]+)['\"]", re.M)
_DOWN = re.compile(r"^down_revision(?::[^=]*)?=\s*['\"]([^'\"]+)['\"]", re.M)


def head_revision() -> str | None:
    """The newest revision of the migrations, read from their files without Alembic (every
    ``tracker`` command checks it: importing Alembic cost a third of ``tracker plan list``).
    ``None`` when the history is not one line (then Alembic decides); a test compares it with
    Alembic's own answer."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
        source = path.read_text(encoding="utf-8")
        revision = _REVISION.search(source)
        if revision is None:
            return None
        revisions.add(revision.group(1))
        parents.update(_DOWN.findall(source))
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def current_revision(engine: Engine) -> str | None:
    """The revision the database says it has; ``None`` when it has none yet."""
    try:
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT version_num FROM alembic_version")).all()
    except DBAPIError:  # no table yet: a new database
        return None
    return rows[0][0] if len(rows) == 1 else None


def upgrade(engine: Engine) -> None:
    """Bring the schema of ``engine``'s database to the newest revision (nothing to do, and
    no Alembic imported, when it is there already)."""
    head = head_revision()
    if head is not None and current_revision(engine) == head:
        return
    migrate(engine, "head")
