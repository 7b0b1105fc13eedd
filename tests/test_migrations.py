"""Alembic owns the schema: the migrated database matches the models exactly."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

from tracker.migrate import upgrade


def test_migrations_build_the_schema_of_the_models(engine):
    upgrade(engine)  # a second upgrade is harmless
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, SQLModel.metadata) == []


def test_upgrading_a_database_full_of_data_keeps_it(engine):
    """Each revision goes down and up again under the demo's rows (SQLite rebuilds tables)."""
    from sqlmodel import Session

    from tests.helpers import row_counts
    from tracker.demo import load_demo
    from tracker.migrate import migrate

    with Session(engine) as session:
        load_demo(session)
        session.commit()
        before = row_counts(session)
    migrate(engine, "0001", down=True)
    upgrade(engine)
    with Session(engine) as session:
        assert row_counts(session) == before
