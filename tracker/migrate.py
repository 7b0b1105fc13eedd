"""Run Alembic migrations from code (``tracker db upgrade``, the app's first start, tests).

SQLite rebuilds a table to change its columns (Alembic's batch mode), which drops the old
table: with foreign keys enforced, that fails as soon as other rows point at it. So foreign
keys are switched off around the migration and checked once it is done.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Connection, Engine

from tracker.db import is_sqlite

# Inside the package, so that an installed tracker (a wheel, not only this checkout) migrates.
MIGRATIONS_DIR = Path(__file__).parent / "migrations"


class MigrationError(RuntimeError):
    """The migrated database breaks its own foreign keys."""


def alembic_config(url: str | None = None) -> Config:
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


def upgrade(engine: Engine) -> None:
    """Bring the schema of ``engine``'s database to the newest revision."""
    migrate(engine, "head")
