"""Fixtures: a fresh database per test on SQLite and PostgreSQL, a fixed today, hypothesis,
and the fixtures several folders share (the demo database, the CLI, a small plan with people).

PostgreSQL comes from ``TRACKER_TEST_DATABASE_URL``. Without it (or when the server is
down) its tests skip, except under ``CI=true``, where they fail.

The test tree mirrors the code (tests/README.md); fixtures are shared here, in a folder's
``conftest.py`` or in ``tests/factories.py``, never by importing another test module.
"""

from __future__ import annotations

import io
import logging
import os
import secrets
import shutil
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, SQLModel

from tests.factories import PlanBuilder, small_plan
from tracker.cli import main as tracker_main
from tracker.db import make_engine
from tracker.migrate import upgrade
from tracker.services.accounts import add_user
from tracker.services.permissions import SYSTEM, Actor, actor_for

# 2026-Q4 is the quarter under evaluation (the last that ended), open, its deadline ahead
FIXED_TODAY = "2027-01-10"
IN_CI = os.environ.get("CI", "").lower() == "true"
# Passwords are hashed at argon2's lowest cost in tests and in the servers and commands they
# start: at the real cost (0.2–0.8 s a hash on 2 cores) the demo's fifteen accounts took 11 s
# to load, and every sign-in paid it again. tests/services/test_accounts.py checks the real
# cost is the default.
TEST_ARGON2 = {"TRACKER_ARGON2_TIME_COST": "1", "TRACKER_ARGON2_MEMORY_KIB": "1024"}
for _name, _value in TEST_ARGON2.items():
    os.environ.setdefault(_name, _value)

settings.register_profile("ci", max_examples=30, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", max_examples=100, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if IN_CI else "dev"))


# Under pytest-xdist (``make test``: ``-n 2 --dist loadfile``) each test file runs whole on
# one worker, except that the browser tests and the load tests take turns on one worker while
# the other takes the rest: two Chromiums, or a load test beside a browser test, on 2 cores
# turned waits into timeouts. (xdist's own ``loadgroup`` does not group under pytest 9: the
# group it appends to a test's id is lost, checked with xdist 3.8.0.)
ONE_AT_A_TIME = "one-at-a-time"
_HEAVY_FILES = ("tests/test_reliability.py",)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> object:
    from xdist.scheduler import LoadScopeScheduling

    class HeavyOnOneWorker(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            path = nodeid.split("::", 1)[0]
            if path.startswith("tests/browser/") or path in _HEAVY_FILES:
                return ONE_AT_A_TIME
            return path

    return HeavyOnOneWorker(config, log)


def missing_service(reason: str) -> None:
    """Skip on a developer's machine; fail in CI, where every service must be there."""
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: this test must run)")
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("TRACKER_TODAY", FIXED_TODAY)
    monkeypatch.delenv("TRACKER_DEMO", raising=False)
    monkeypatch.setenv("TRACKER_DEFAULT_LANG", "en")
    return FIXED_TODAY


class _Incidents(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture(autouse=True)
def incidents(request: pytest.FixtureRequest) -> Iterator[list[logging.LogRecord]]:
    """Pages show an incident id instead of a traceback (ui/incident.py), so AppTest's
    ``at.exception`` stays empty when a page fails: a test fails on any incident it did not
    ask for (``@pytest.mark.incident``)."""
    handler = _Incidents()
    logger = logging.getLogger("tracker.incident")
    logger.addHandler(handler)
    try:
        yield handler.records
    finally:
        logger.removeHandler(handler)
    if handler.records and request.node.get_closest_marker("incident") is None:
        record = handler.records[0]
        pytest.fail("a page failed (incident " + record.getMessage() + "):\n"
                    + logging.Formatter().formatException(record.exc_info), pytrace=False)


@pytest.fixture(scope="session")
def postgres_engine() -> Iterator[Engine | None]:
    """A schema of its own in the PostgreSQL test database, so that two test runs at once
    (a developer's and CI's) never touch each other's tables; dropped at the end."""
    url = os.environ.get("TRACKER_TEST_DATABASE_URL")
    if not url:
        yield None
        return
    schema = f"tracker_test_{os.getpid()}_{secrets.token_hex(3)}"
    admin = make_engine(url)
    try:
        with admin.begin() as connection:
            connection.exec_driver_sql(f"CREATE SCHEMA {schema}")
    except OperationalError:
        admin.dispose()
        yield None
        return
    separator = "&" if "?" in url else "?"
    engine = make_engine(f"{url}{separator}options=-csearch_path%3D{schema}")
    try:
        upgrade(engine)
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as connection:
            connection.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        admin.dispose()


def _empty_postgres(engine: Engine) -> None:
    """Delete every row and restart the ids: one round trip of DELETEs, ~100× faster than
    TRUNCATE of twenty tables (whose fixed cost per table made it half a second a test)."""
    with engine.begin() as connection:
        sequences = connection.exec_driver_sql(
            "SELECT sequencename FROM pg_sequences WHERE schemaname = current_schema()"
        ).scalars().all()
        statements = [f'DELETE FROM "{t.name}"' for t in reversed(SQLModel.metadata.sorted_tables)]
        statements += [f'ALTER SEQUENCE "{name}" RESTART' for name in sequences]
        connection.exec_driver_sql("; ".join(statements))


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    """A migrated, empty SQLite file, copied for each test (migrating took half a second)."""
    path = tmp_path_factory.mktemp("sqlite") / "template.db"
    template = make_engine(f"sqlite:///{path}")
    upgrade(template)
    template.dispose()
    return path


@pytest.fixture(params=["sqlite", "postgres"])
def engine(request: pytest.FixtureRequest, tmp_path, sqlite_template,
           postgres_engine) -> Iterator[Engine]:
    """A migrated, empty database: SQLite in a temporary file, then PostgreSQL."""
    if request.param == "sqlite":
        shutil.copyfile(sqlite_template, tmp_path / "test.db")
        sqlite = make_engine(f"sqlite:///{tmp_path / 'test.db'}")
        yield sqlite
        sqlite.dispose()
        return
    if postgres_engine is None:
        missing_service("PostgreSQL is not reachable: set TRACKER_TEST_DATABASE_URL")
    _empty_postgres(postgres_engine)
    yield postgres_engine


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with Session(engine, expire_on_commit=False) as db:
        yield db
        db.rollback()


@pytest.fixture
def database_url(engine: Engine) -> str:
    """The URL of the test database, for code that opens its own engine (CLI, pages)."""
    return engine.url.render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory) -> str:
    """The demo loaded once per run, today fixed: copy it before writing (``demo_url``)."""
    from tests.apptest import demo_database  # Streamlit's AppTest: only for those who need it

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TRACKER_TODAY", FIXED_TODAY)
        return demo_database(tmp_path_factory.mktemp("demo") / "demo.db")


@pytest.fixture(scope="module")
def demo_url(demo_template, tmp_path_factory) -> str:
    """A SQLite demo database of the test module's own (its tests may write into it); its URL."""
    from tests.apptest import copy_database

    return copy_database(demo_template, tmp_path_factory.mktemp("demo-module"))


@pytest.fixture
def cli(database_url, monkeypatch, capsys) -> Callable[..., tuple[int, str, str]]:
    """The ``tracker`` command on the test database: ``cli(*args, stdin="")`` gives the exit
    code, stdout and stderr."""
    monkeypatch.setenv("TRACKER_DATABASE_URL", database_url)

    def run(*args: str, stdin: str = "") -> tuple[int, str, str]:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        code = tracker_main(list(args))
        out, err = capsys.readouterr()
        return code, out, err

    return run


PASSWORD = "a long enough secret"


@pytest.fixture
def plan(session) -> PlanBuilder:
    """A small plan (``tests.factories.small_plan``): institutions A (EC) and B (CO), lines 1
    and 2 with one item each (led by A and B), both reported in 2026-Q3 (50 % and 10 %). A
    module that needs another plan defines its own ``plan`` fixture, which overrides this one."""
    return small_plan(session)


@pytest.fixture
def people(session, plan) -> dict[str, Actor]:
    """The plan's coordinator and a member of A (``people["coordinator"]``,
    ``people["member"]``)."""
    def account(email, role, institution=None):
        return actor_for(session, add_user(session, SYSTEM, email=email, display_name=email,
                                           role=role, institution=institution,
                                           password=PASSWORD, plans=[plan.plan]))

    return {"coordinator": account("c@example.org", "coordinator"),
            "member": account("m@example.org", "member", "A")}
