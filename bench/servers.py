"""Real servers for the browser and load benchmarks: ``streamlit run server.py`` processes and
Debian's nginx with the shipped ``deploy/nginx/tracker.conf.template``; the people who use them
(accounts made in the bench database, signed in by a server-side session as ``/api/session``
would give them).

Every process started here is stopped when its ``with`` block ends, whatever happens inside.
The nginx rendering and the port/Chromium settings are the browser tests' own
(``tests/browser``), imported rather than written twice.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from bench.national import BENCH_PASSWORD  # the accounts made here: not the demo password

ROOT = Path(__file__).resolve().parent.parent
SERVER = ROOT / "server.py"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
STARTUP_SECONDS = 90


def free_port() -> int:
    from tests.browser.conftest import free_port as tests_free_port

    return tests_free_port()


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


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def _wait_healthy(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited early:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.read().decode().strip() == "ok":
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"streamlit not healthy in {STARTUP_SECONDS} s:\n{log.read_text()[-3000:]}")


def bench_env(database: str, today: str, demo: bool, proxied: bool = False) -> dict[str, str]:
    env = {**os.environ, "TRACKER_DATABASE_URL": database, "TRACKER_TODAY": today,
           "TRACKER_DEFAULT_LANG": "en"}
    env.pop("TRACKER_DEMO", None)
    if demo:
        env["TRACKER_DEMO"] = "1"
    if proxied:
        env["TRACKER_TRUSTED_PROXIES"] = "127.0.0.1"
    return env


@dataclass
class App:
    url: str
    port: int
    process: subprocess.Popen

    @property
    def pid(self) -> int:
        return self.process.pid


@contextmanager
def streamlit_app(folder: Path, env: dict[str, str], script: Path = SERVER,
                  port: int | None = None) -> Iterator[App]:
    """``streamlit run <script>`` on the loopback; stopped when the block ends."""
    port = port or free_port()
    log = folder / f"streamlit-{port}.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(script), "--server.headless", "true",
             "--server.port", str(port), "--server.address", "127.0.0.1",
             "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false"],
            cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
    try:
        url = f"http://127.0.0.1:{port}"
        _wait_healthy(url, process, log)
        yield App(url, port, process)
    finally:
        _stop(process)


@contextmanager
def nginx(folder: Path, app_ports: tuple[int, int]) -> Iterator[str]:
    """The shipped nginx site (TLS, websockets, ``ip_hash`` over two processes) rendered as
    ``tests/browser/test_proxy_browser.py`` renders it; its https base URL."""
    from tests.browser.test_proxy_browser import _nginx_conf, _self_signed

    if not Path(NGINX).exists():
        raise RuntimeError("no nginx: apt-get install nginx")
    cert, key = _self_signed(folder)
    https, http_port = free_port(), free_port()
    conf = _nginx_conf(folder, cert, key, https, http_port, app_ports)
    startup_log = str(folder / "error.log")
    checked = subprocess.run([NGINX, "-t", "-e", startup_log, "-p", str(folder), "-c",
                              str(conf)], capture_output=True, text=True)
    if checked.returncode != 0:
        raise RuntimeError(checked.stderr)
    log = folder / "nginx.out"
    with log.open("w") as output:
        process = subprocess.Popen([NGINX, "-e", startup_log, "-p", str(folder), "-c",
                                    str(conf)], stdout=output, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while not _listening(https):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"nginx did not start:\n{log.read_text()}")
            time.sleep(0.2)
        yield f"https://127.0.0.1:{https}"
    finally:
        _stop(process)


def _listening(port: int) -> bool:
    import socket

    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


@contextmanager
def two_apps_behind_nginx(folder: Path, env: dict[str, str]) -> Iterator[tuple[str, list[App]]]:
    with ExitStack() as stack:
        apps = [stack.enter_context(streamlit_app(folder, env)) for _ in range(2)]
        url = stack.enter_context(nginx(folder, (apps[0].port, apps[1].port)))
        yield url, apps


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
