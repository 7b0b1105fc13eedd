"""The bench's live servers and the people who use them: the servers themselves
(``streamlit run server.py``, the shipped nginx) come from ``devtools.servers``, which the
browser tests use too; here, what only the bench needs: their memory and CPU, the bench's
environment, and accounts made in the bench database, signed in by a server-side session as
``/api/session`` would give them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from bench.national import BENCH_PASSWORD  # the accounts made here: not the demo password
from devtools.servers import App, free_port, streamlit_app, two_apps_behind_nginx

__all__ = ["App", "free_port", "streamlit_app", "two_apps_behind_nginx"]


def rss_mb(pid: int) -> float:
    """Resident memory of one process now (``VmRSS``), in MB; 0 once it has gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of one process so far (``/proc/<pid>/stat``)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def bench_env(database: str, today: str, demo: bool, proxied: bool = False) -> dict[str, str]:
    env = {**os.environ, "TRACKER_DATABASE_URL": database, "TRACKER_TODAY": today,
           "TRACKER_DEFAULT_LANG": "en"}
    env.pop("TRACKER_DEMO", None)
    if demo:
        env["TRACKER_DEMO"] = "1"
    if proxied:
        env["TRACKER_TRUSTED_PROXIES"] = "127.0.0.1"
    return env


# People: accounts in the bench database, and signed-in sessions for them.

@dataclass(frozen=True)
class Person:
    email: str
    user_id: int
    institution_id: int | None


def _plan(session: object, name: str) -> object:
    from tracker.services import plans

    return plans.get_plan(session, name)


def ensure_people(database: str, plan_name: str, today: str, *, observers: int, members: int,
                  items_near: int = 40) -> tuple[list[Person], list[Person], int]:
    """``observers`` observers of the plan and ``members`` members of as many provinces (the
    institutions whose worklist of the open quarter is nearest ``items_near`` items first);
    made once per database. Also the size of the first member's worklist."""
    os.environ["TRACKER_TODAY"] = today
    from sqlmodel import select

    from tracker.db import make_engine, session_scope
    from tracker.models import Institution, User
    from tracker.services import accounts, plans
    from tracker.services.permissions import SYSTEM
    from tracker.services.worklist import worklist

    engine = make_engine(database)
    with session_scope(engine) as session:
        plan = _plan(session, plan_name)
        quarter = plans.open_quarter(session, plan.id)
        local = session.exec(select(Institution).where(
            Institution.kind == "local government")).all() or session.exec(
            select(Institution)).all()
        sizes = {i.id: len(worklist(session, SYSTEM, plan.id, quarter, i.id)) for i in local}
        chosen = sorted(local, key=lambda i: (abs(sizes[i.id] - items_near), i.id))[:members]
        people: dict[str, list[Person]] = {"observer": [], "member": []}
        wanted = [("observer", f"observer{n}@bench-room.example", None) for n in range(observers)]
        wanted += [("member", f"member-{i.acronym.lower()}@bench-room.example", i)
                   for i in chosen]
        for role, email, institution in wanted:
            user = session.exec(select(User).where(User.email == email)).first()
            if user is None:
                user = accounts.add_user(
                    session, SYSTEM, email=email, display_name=email.split("@")[0],
                    role=role, password=BENCH_PASSWORD, plans=[plan], language="en",
                    institution=institution.acronym if institution else None)
            people[role].append(Person(email, user.id, user.institution_id))
        first = sizes[chosen[0].id] if chosen else 0
    engine.dispose()
    return people["observer"], people["member"], first


def admin_person(database: str, email: str) -> Person:
    from sqlmodel import select

    from tracker.db import make_engine, session_scope
    from tracker.models import User

    engine = make_engine(database)
    with session_scope(engine) as session:
        user = session.exec(select(User).where(User.email == email)).one()
        person = Person(email, user.id, user.institution_id)
    engine.dispose()
    return person


def session_cookies(database: str, people: list[Person]) -> list[str]:
    """A signed-in session for each person: the value of the ``tracker_session`` cookie that
    ``/api/session`` would have set after their sign-in (same services, no password round)."""
    from tracker.db import make_engine, session_scope
    from tracker.models import User
    from tracker.services import auth

    engine = make_engine(database)
    tokens = []
    with session_scope(engine) as session:
        for person in people:
            _id, code = auth.start_session(session, session.get(User, person.user_id))
            tokens.append(auth.redeem_code(session, code))
    engine.dispose()
    return tokens
