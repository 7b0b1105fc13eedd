"""A meeting room of signed-in sessions on a live server, driven at the protocol level.

Each session is a real Streamlit websocket session (``/_stcore/stream``) opened with the
``tracker_session`` cookie in its handshake, exactly as a browser tab after sign-in: the server
runs the same script, the same sign-in check (``st.context.cookies``) and sends the same
``ForwardMsg`` deltas. The client speaks Streamlit's own protobufs (``streamlit.proto``):
a ``BackMsg`` ``rerun_script`` carrying the page and the widget states a browser would send
(a button's trigger, a form's fields with its submit button), then waits for the run's
``script_finished``. It draws nothing, so 30 sessions cost the client little CPU; that CPU is
measured in the client's own process (``time.process_time`` of the process running the
asyncio loop) and printed apart from the server's.

- A presenter opens the presentation and presses "Next" (or "Previous" at the end): a slide
  change is the time from sending the click to the end of the run it started.
- A member opens My institution and saves a report (draft) with a unique narrative: a save
  is the time from the form's submission to the end of the run that shows the confirmation
  (the save reruns the page once more). A save counts as acknowledged only when that
  confirmation came back; afterwards every acknowledged narrative must be in the database.
"""

from __future__ import annotations

import asyncio
import random
import ssl
import time
import uuid
from dataclasses import dataclass, field

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

RUN_TIMEOUT = 60.0  # seconds a single run may take before it counts as an error
FINISHED = (ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_WITH_COMPILE_ERROR)


class RunError(Exception):
    """A run that failed: an exception or an error alert on the page, or no end in time."""


@dataclass
class Run:
    """The elements one script run sent (the last run when a script reran itself)."""

    widgets: dict[str, object] = field(default_factory=dict)  # id -> widget proto
    forms: dict[str, list[object]] = field(default_factory=dict)  # form id -> its widgets
    texts: list[str] = field(default_factory=list)
    specs: list[str] = field(default_factory=list)  # the plotly figures, as JSON
    panels: list[str] = field(default_factory=list)  # the expanders' labels
    tables: list[bytes] = field(default_factory=list)  # the dataframes, as Arrow IPC
    errors: list[str] = field(default_factory=list)
    status: int | None = None


def _read_element(run: Run, element: object) -> None:
    kind = element.WhichOneof("type")
    if kind is None:
        return
    inner = getattr(element, kind)
    if kind == "exception":
        run.errors.append(f"{inner.type}: {inner.message}")
        return
    if kind == "alert":
        run.texts.append(inner.body)
        if inner.format == inner.ERROR:
            run.errors.append(inner.body)
        return
    if kind == "plotly_chart":
        run.specs.append(inner.spec)
        return
    if kind == "dataframe":
        run.tables.append(inner.arrow_data.data)
    if kind in ("markdown", "text", "heading"):
        run.texts.append(inner.body)
        return
    widget_id = getattr(inner, "id", "")
    if widget_id:
        run.widgets[widget_id] = inner
        form = getattr(inner, "form_id", "")
        if form:
            run.forms.setdefault(form, []).append(inner)


class Client:
    """One browser-less session: a websocket and the runs of its script."""

    def __init__(self, base_url: str, cookie: str, lang: str = "en",
                 local_address: str | None = None) -> None:
        scheme = "wss" if base_url.startswith("https") else "ws"
        self.host = base_url.split("://", 1)[1]
        self.url = f"{scheme}://{self.host}/_stcore/stream"
        self.base_url = base_url
        self.cookie = cookie
        self.lang = lang
        self.local_address = local_address
        self.socket = None
        self.page = ""
        self.last = Run()

    async def connect(self) -> None:
        import websockets

        options: dict[str, object] = {}
        if self.url.startswith("wss"):
            context = ssl.create_default_context()
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE  # the bench's own self-signed certificate
            options["ssl"] = context
        if self.local_address:  # a client address of its own (nginx's ip_hash sees it)
            options["local_addr"] = (self.local_address, 0)
        self.socket = await websockets.connect(
            self.url, subprotocols=["streamlit"], max_size=None, open_timeout=30,
            additional_headers={"Cookie": f"tracker_session={self.cookie}"},
            ping_interval=None, **options)

    async def close(self) -> None:
        if self.socket is not None:
            await self.socket.close()

    async def rerun(self, page: str | None = None, widgets: list[WidgetState] = ()) -> Run:
        """Send one rerun (a page visit or a widget event) and wait until the script is done
        (through any ``st.rerun`` it asks for); the last run's elements."""
        if page is not None:
            self.page = page
        message = BackMsg()
        state = message.rerun_script
        state.query_string = f"lang={self.lang}"
        state.page_name = self.page
        state.widget_states.widgets.extend(widgets)
        info = state.context_info
        info.timezone, info.locale = "UTC", self.lang
        info.url = f"{self.base_url}/{self.page}"
        await self.socket.send(message.SerializeToString())
        self.last = await asyncio.wait_for(self._until_finished(), RUN_TIMEOUT)
        if self.last.errors:
            raise RunError("; ".join(self.last.errors)[:300])
        return self.last

    async def _until_finished(self) -> Run:
        run = Run()
        while True:
            forward = ForwardMsg()
            forward.ParseFromString(await self.socket.recv())
            kind = forward.WhichOneof("type")
            delta = forward.delta.WhichOneof("type") if kind == "delta" else None
            if delta == "new_element":
                _read_element(run, forward.delta.new_element)
            elif delta == "add_block" and forward.delta.add_block.HasField("expandable"):
                run.panels.append(forward.delta.add_block.expandable.label)
            elif kind == "new_session":
                run = Run()  # a new run starts (after st.rerun): only its elements count
            elif kind == "script_finished":
                if forward.script_finished in FINISHED:
                    run.status = forward.script_finished
                    return run
                run = Run()

    def widget(self, suffix: str) -> object:
        """The widget of the last run whose key is ``suffix`` (ids end in ``-<key>``)."""
        for widget_id, proto in self.last.widgets.items():
            if widget_id.endswith(f"-{suffix}"):
                return proto
        raise RunError(f"no widget {suffix} on {self.page}")


def trigger(proto: object) -> WidgetState:
    return WidgetState(id=proto.id, trigger_value=True)


# The people of the room.

async def presenter(client: Client, stats: Stats, stop: float, pause: float) -> None:
    forward = True
    while time.monotonic() < stop:
        button = client.widget("slide:next" if forward else "slide:previous")
        if button.disabled:
            forward = not forward
            continue
        started = time.perf_counter()
        try:
            await client.rerun(widgets=[trigger(button)])
        except (RunError, TimeoutError) as error:
            stats.errors.append(f"slide: {error}")
            await client.rerun("presentation")
            continue
        stats.slides.append(time.perf_counter() - started)
        await asyncio.sleep(pause * random.uniform(0.5, 1.5))


def _report_form(client: Client, turn: int) -> tuple[str, list[object]]:
    """One report form of the last run (taking turns over the member's items)."""
    forms = sorted(key for key in client.last.forms if key.startswith("form:"))
    if not forms:
        raise RunError("no report form on My institution")
    form = forms[turn % len(forms)]
    return form, client.last.forms[form]


async def member(client: Client, stats: Stats, stop: float, pause: float) -> None:
    from tracker.models import Status

    turn = 0
    while time.monotonic() < stop:
        form, widgets = _report_form(client, turn)
        turn += 1
        narrative = f"bench-room {uuid.uuid4().hex}"
        states = []
        for proto in widgets:
            key = proto.id.rsplit(f"-{form}:", 1)[-1] if f"-{form}:" in proto.id else ""
            if key == "status" or key.startswith("status:"):
                index = [s.value for s in Status].index("in_progress")
                states.append(WidgetState(id=proto.id, string_value=proto.options[index]))
            elif key == "percent":
                states.append(WidgetState(id=proto.id, double_value=float(10 + turn % 80)))
            elif key == "narrative":
                states.append(WidgetState(id=proto.id, string_value=narrative))
        submitters = [p for p in widgets if getattr(p, "is_form_submitter", False)]
        if len(states) != 3 or not submitters:
            raise RunError(f"the report form {form} is not the expected one")
        started = time.perf_counter()
        try:  # the first submit button of the form is "Save draft"
            run = await client.rerun(widgets=[*states, trigger(submitters[0])])
        except (RunError, TimeoutError) as error:
            stats.errors.append(f"save: {error}")
            await client.rerun("my-institution")
            continue
        code = form.split(":")[2]
        if any(text for text in run.texts if "saved" in text.lower()):
            stats.saves.append(time.perf_counter() - started)
            stats.acknowledged.append((int(code), narrative))
        else:
            stats.errors.append(f"save of item {code}: no confirmation")
        await asyncio.sleep(pause * random.uniform(0.5, 1.5))


@dataclass
class Stats:
    slides: list[float] = field(default_factory=list)
    saves: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    acknowledged: list[tuple[int, str]] = field(default_factory=list)


def p95(values: list[float]) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


async def _drive(url: str, presenters: list[str], members: list[str], seconds: float,
                 pause: float, addresses: bool, server_pids: list[int]) -> dict:
    from bench.servers import cpu_seconds, rss_mb

    stats = Stats()
    cookies = [("presenter", c) for c in presenters] + [("member", c) for c in members]
    clients = [Client(url, cookie, local_address=f"127.0.{n + 1}.1" if addresses else None)
               for n, (_role, cookie) in enumerate(cookies)]
    peak = [0.0]

    async def watch() -> None:
        while True:
            peak[0] = max(peak[0], sum(rss_mb(pid) for pid in server_pids))
            await asyncio.sleep(0.25)

    before = sum(rss_mb(pid) for pid in server_pids)
    watcher = asyncio.create_task(watch())
    try:
        await asyncio.gather(*(client.connect() for client in clients))
        opened = time.perf_counter()  # everyone opens their page at once (cold or not)
        await asyncio.gather(*(c.rerun("presentation" if role == "presenter"
                                        else "my-institution")
                               for c, (role, _cookie) in zip(clients, cookies, strict=True)))
        opening = time.perf_counter() - opened
        stop = time.monotonic() + seconds
        started = time.perf_counter()
        server_cpu = sum(cpu_seconds(pid) for pid in server_pids)
        tasks = [presenter(c, stats, stop, pause) if role == "presenter"
                 else member(c, stats, stop, pause)
                 for c, (role, _cookie) in zip(clients, cookies, strict=True)]
        outcomes = await asyncio.gather(*tasks, return_exceptions=True)
        elapsed = time.perf_counter() - started
        server_cpu = sum(cpu_seconds(pid) for pid in server_pids) - server_cpu
        stats.errors += [f"session: {o!r}"[:300] for o in outcomes if isinstance(o, BaseException)]
    finally:
        watcher.cancel()
        await asyncio.gather(*(client.close() for client in clients), return_exceptions=True)
    sessions = len(clients)
    return {"open_all_s": opening, "slides": len(stats.slides), "saves": len(stats.saves),
            "slide_p95_s": p95(stats.slides), "save_p95_s": p95(stats.saves),
            "errors": len(stats.errors), "error_samples": stats.errors[:5],
            "ops_per_s": (len(stats.slides) + len(stats.saves)) / elapsed,
            # the servers' CPU while the room ran, per action (both cores count)
            "server_cpu_ms_per_op": 1000 * server_cpu / max(1, len(stats.slides)
                                                             + len(stats.saves)),
            "server_rss_mb": peak[0], "rss_before_mb": before,
            "mb_per_session": max(0.0, peak[0] - before) / sessions,
            "acknowledged": stats.acknowledged}


def drive(url: str, presenters: list[str], members: list[str], seconds: float, pause: float,
          *, addresses: bool = False, server_pids: list[int] = ()) -> dict:
    """Run the room for ``seconds``; the measures, with the client's own CPU seconds."""
    cpu = time.process_time()
    result = asyncio.run(_drive(url, presenters, members, seconds, pause, addresses,
                                list(server_pids)))
    result["client_cpu_s"] = time.process_time() - cpu
    return result


def lost_updates(database: str, acknowledged: list[tuple[int, str]]) -> int:
    """Acknowledged saves whose narrative is not in any revision of the database."""
    from sqlalchemy import select

    from tracker.db import make_engine, session_scope
    from tracker.models import ReportRevision

    if not acknowledged:
        return 0
    engine = make_engine(database)
    with session_scope(engine) as session:
        stored = set(session.execute(select(ReportRevision.narrative).where(
            ReportRevision.narrative.like("bench-room %"))).scalars())
    engine.dispose()
    return sum(1 for _item, narrative in acknowledged if narrative not in stored)


# The steps: one server, then two behind nginx (PostgreSQL only).

PRESENTERS, MEMBERS = 20, 10


def _room_people(url: str, plan: str, today: str, presenters: int, members: int
                 ) -> tuple[list[str], list[str]]:
    from bench import servers

    observers, people, _items = servers.ensure_people(url, plan, today, observers=presenters,
                                                      members=members)
    cookies = servers.session_cookies(url, observers + people)
    return cookies[:presenters], cookies[presenters:]


def _room_row(prefix: str, url: str, result: dict) -> dict[str, float]:
    lost = lost_updates(url, result.pop("acknowledged"))
    samples = result.pop("error_samples")
    for sample in samples:
        print(f"    {prefix} error: {sample}", flush=True)
    return {f"{prefix}_{key}": value for key, value in result.items()} | {
        f"{prefix}_lost_updates": lost}


def step_room(url: str, plan: str, today: str, demo: bool, seconds: float, pause: float,
              presenters: int = PRESENTERS, members: int = MEMBERS) -> dict[str, float]:
    """30 sessions (20 presenters, 10 members saving) on one ``streamlit run`` process."""
    import tempfile
    from pathlib import Path

    from bench import servers

    slides, saves = _room_people(url, plan, today, presenters, members)
    with tempfile.TemporaryDirectory() as tmp, servers.streamlit_app(
            Path(tmp), servers.bench_env(url, today, demo)) as app:
        result = drive(app.url, slides, saves, seconds, pause, server_pids=[app.pid])
    return _room_row("room", url, result)


def step_two_servers(url: str, plan: str, today: str, demo: bool, seconds: float,
                     presenters: int = PRESENTERS, members: int = MEMBERS
                     ) -> dict[str, float]:
    """Throughput (no pause between actions) of one process, then of two behind nginx (each
    client from its own loopback address, so ``ip_hash`` spreads them as it would spread
    offices), then the failover check."""
    import tempfile
    from pathlib import Path

    from bench import servers

    slides, saves = _room_people(url, plan, today, presenters, members)
    env = servers.bench_env(url, today, demo, proxied=True)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        with servers.streamlit_app(folder, env) as app:
            one = _room_row("one", url, drive(app.url, slides, saves, seconds, 0.0,
                                              server_pids=[app.pid]))
        with servers.two_apps_behind_nginx(folder, env) as (proxy, apps):
            two = _room_row("two", url, drive(proxy.url, slides, saves, seconds, 0.0,
                                              addresses=True,
                                              server_pids=[a.pid for a in apps]))
            two["failover_ok"] = float(failover(proxy.url, apps, slides[0]))
    row = one | two
    row["two_throughput_ratio"] = row["two_ops_per_s"] / row["one_ops_per_s"]
    return row


def failover(proxy: str, apps: list, cookie: str) -> bool:
    """A Chromium page signed in through the proxy; the process holding its websocket is
    killed; the page, reloaded, is served by the other process and still signed in."""
    import signal

    from playwright.sync_api import sync_playwright

    from devtools.servers import CHROMIUM, CHROMIUM_ARGS

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM),
                                             args=CHROMIUM_ARGS, headless=True)
        try:
            context = browser.new_context(ignore_https_errors=True)
            context.add_cookies([{"name": "tracker_session", "value": cookie, "url": proxy,
                                  "secure": True, "httpOnly": True, "sameSite": "Lax"}])
            page = context.new_page()
            signed_in = page.locator("[data-testid=stSidebar]").get_by_text("Signed in as")
            page.goto(f"{proxy}/?lang=en")
            signed_in.wait_for(timeout=60_000)
            serving = [a for a in apps if _has_connection(a.port)]
            if len(serving) != 1:
                return False
            serving[0].process.send_signal(signal.SIGKILL)
            serving[0].process.wait(timeout=10)
            page.reload()
            signed_in.wait_for(timeout=60_000)
            others = [a for a in apps if a is not serving[0] and _has_connection(a.port)]
            return bool(others) and page.get_by_role("button", name="Sign in").count() == 0
        finally:
            browser.close()


def _has_connection(port: int) -> bool:
    from devtools.servers import established

    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if established(port):
            return True
        time.sleep(0.2)
    return False
