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
