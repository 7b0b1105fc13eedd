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


def test_the_head_read_from_the_files_is_alembics_head():
    from alembic.script import ScriptDirectory

    from tracker.migrate import alembic_config, head_revision

    assert head_revision() == ScriptDirectory.from_config(alembic_config()).get_current_head()


def test_an_up_to_date_database_is_not_migrated_again_but_an_older_one_is(engine, monkeypatch):
    """Every ``tracker`` command upgrades first: at the head it must cost one SELECT only."""
    from tracker import migrate

    upgrade(engine)
    assert migrate.current_revision(engine) == migrate.head_revision()
    ran: list[str] = []
    real = migrate.migrate
    monkeypatch.setattr(migrate, "migrate", lambda e, revision="head", **kw: (
        ran.append(revision), real(e, revision, **kw)))
    upgrade(engine)
    assert ran == []
    real(engine, "0005", down=True)
    assert migrate.current_revision(engine) == "0005"
    upgrade(engine)
    assert ran == ["head"] and migrate.current_revision(engine) == migrate.head_revision()
