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


def test_0007_ends_the_reopenings_a_submission_used_and_gives_the_others_two_weeks(engine):
    """Before 0007 a grant ended with the institution's first submission (``used_at``):
    such a grant is over; one still running gets the end date a new grant gets."""
    from datetime import UTC, date, datetime

    from sqlalchemy import text
    from sqlmodel import Session

    from tests.factories import small_plan
    from tracker.migrate import migrate
    from tracker.models import ReopenRequest
    from tracker.quarters import Quarter
    from tracker.services import lifecycle
    from tracker.services.accounts import add_user
    from tracker.services.permissions import SYSTEM, actor_for

    upgrade(engine)
    with Session(engine) as session:
        plan = small_plan(session)
        member = actor_for(session, add_user(
            session, SYSTEM, email="m@example.org", display_name="M", role="member",
            institution="A", password="a long enough secret", plans=[plan.plan]))
        ids = [lifecycle.request_reopen(session, member, plan.plan.id, Quarter(2026, q),
                                        "why").id for q in (2, 3)]
        plan_id, institution_id = plan.plan.id, member.institution_id
        session.commit()
    migrate(engine, "0006", down=True)
    with engine.begin() as connection:
        connection.execute(text("UPDATE reopen_request SET state = 'granted', decided_at = "
                                ":at"), {"at": datetime(2027, 1, 5, 15, tzinfo=UTC)})
        connection.execute(text("UPDATE reopen_request SET used_at = :at WHERE id = :id"),
                           {"at": datetime(2027, 1, 6, tzinfo=UTC), "id": ids[0]})
    upgrade(engine)
    with Session(engine) as session:
        used, running = (session.get(ReopenRequest, i) for i in ids)
        assert used.ended_at is not None and used.ended_at.date() == date(2027, 1, 6)
        assert running.ended_at is None and running.ends_on == date(2027, 1, 19)
        assert lifecycle.granted_quarters(session, plan_id,
                                          institution_id) == [Quarter(2026, 3)]
