"""Pages as a person feels them: Debian's Chromium (Playwright) against ``streamlit run``.

What is timed: from the click on a navigation link (or on the presentation's "Next") to the
moment when the script run that the click started has ended (``data-test-script-state`` went
to ``running`` and back to ``notRunning``, and Streamlit's status widget is gone) AND the page
holds the expected number of plotly charts, each drawn (its ``.main-svg`` is in the document).
The expected counts come from a first pass on a separate server process (``discover``), which
also saves the figures the floor draws.

The end of the run is the server's ``script_finished`` message seen on the page's websocket.

- cold: the first visit of each page on a server process that has just started (its data
  cache is empty), in a new browser context (its HTTP cache is empty too);
- warm: the median of ``repeat`` later visits, going back and forth between the pages.
- floor: a small Streamlit app (``FLOOR_APP``) whose pages draw the same content from
  constants: the texts, tables, plotly figures and expanders (by their labels) the measured
  page draws, and as many forms; timed the same way in the same browser: the least Streamlit
  and plotly need to put that content on the screen.

The sign-in is the session cookie ``tracker_session`` (made as ``/api/session`` makes it), set
in the browser context before the first page.
"""

from __future__ import annotations

import asyncio
import base64
import json
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from bench.room import Client
from tracker.i18n import t

# measured page -> (url path, navigation label, user)
PAGES = {"overview": ("overview", "Overview", "admin"),
         "review": ("review", "Review reports", "admin"),
         "mine": ("my-institution", "My institution", "member")}
TIMEOUT_MS = 120_000

FLOOR_APP = '''
import base64
import json
import os

import plotly.graph_objects as go
import pyarrow as pa
import streamlit as st

st.set_page_config(layout="wide")


@st.cache_resource
def shapes():
    with open(os.environ["BENCH_FLOOR_SHAPES"]) as handle:
        found = json.load(handle)
    return {name: ([go.Figure(spec) for spec in shape["specs"]], shape["forms"],
                   shape["texts"], shape["panels"],
                   [pa.ipc.open_stream(base64.b64decode(table)).read_pandas()
                    for table in shape["tables"]]) for name, shape in found.items()}


def form(index):
    with st.form(f"form{index}", border=False):
        left, right = st.columns(2)
        left.selectbox("Status", ["a", "b", "c"], index=None)
        right.number_input("Percent", value=None)
        st.text_area("Narrative")
        save, submit = st.columns(2)
        save.form_submit_button("Save")
        submit.form_submit_button("Submit")


def draw(name):
    figures, forms, texts, panels, tables = shapes()[name]
    for text in texts:
        st.markdown(text)
    for table in tables:
        st.dataframe(table, hide_index=True)
    for index, figure in enumerate(figures):
        st.plotly_chart(figure, key=f"{name}{index}")
    labels = panels + [f"Item {index}" for index in range(len(panels), forms)]
    for index, label in enumerate(labels):
        with st.expander(label):
            if index < forms:
                form(index)


def present():
    slide = st.session_state.setdefault("slide", 0)
    if slide:
        draw("present")
    st.button("Next", key="next",
              on_click=lambda: st.session_state.update(slide=1 - st.session_state.slide))


pages = [st.Page(lambda: st.write("start"), title="Start", url_path="start", default=True)]
pages += [st.Page(lambda n=name: draw(n), title=name, url_path=name)
          for name in ("overview", "review", "mine")]
pages += [st.Page(present, title="present", url_path="present")]
st.navigation(pages).run()
'''

DONE = """(expected) => {
  const app = document.querySelector('[data-testid=stApp]');
  if (app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  if (document.querySelector('[data-testid=stStatusWidget]')) return false;
  const charts = [...document.querySelectorAll(
    '[data-testid=stMain] [data-testid=stPlotlyChart]')];
  const drawn = charts.filter(c => c.querySelector('.main-svg'));
  return charts.length >= expected && drawn.length === charts.length;
}"""


# Discovery: what each page draws, through the protocol client on its own server process.

async def _discover(url: str, admin: str, member: str) -> dict[str, dict]:
    shapes = {}
    for name, (path, _label, who) in PAGES.items():
        client = Client(url, admin if who == "admin" else member)
        await client.connect()
        try:
            run = await client.rerun(path)
            shapes[name] = _shape(run)
            if name == "overview":  # the presentation, by the same user
                await client.rerun("presentation")
                steps = 0
                while not client.last.specs and steps < 8:
                    await client.rerun(widgets=[_next(client)])
                    steps += 1
                shapes["present"] = {**_shape(client.last), "steps": steps}
        finally:
            await client.close()
    return shapes


def _next(client: Client) -> object:
    from bench.room import trigger

    return trigger(client.widget("slide:next"))


def _shape(run: object) -> dict:
    return {"specs": list(run.specs), "texts": list(run.texts), "panels": list(run.panels),
            "tables": [base64.b64encode(table).decode() for table in run.tables],
            "forms": sum(1 for key in run.forms if key.startswith(("form:", "review:")))}


def discover(url: str, admin: str, member: str) -> dict[str, dict]:
    return asyncio.run(_discover(url, admin, member))


# Timing in the browser.

def count_runs(page: object) -> None:
    """Count, on ``page.runs``, the script runs the server reports finished over the page's
    websocket (a ``ForwardMsg`` ``script_finished``): the end of the run a click started,
    however fast, which the page's own attributes may not show in between."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    page.runs = 0

    def received(payload: bytes | str) -> None:
        if isinstance(payload, bytes):
            message = ForwardMsg()
            message.ParseFromString(payload)
            if (message.WhichOneof("type") == "script_finished"
                    and message.script_finished == ForwardMsg.FINISHED_SUCCESSFULLY):
                page.runs += 1

    page.on("websocket", lambda socket: socket.on("framereceived", received))


def _timed_click(page: object, click: Callable[[], None], expected: int) -> float:
    before = page.runs
    started = time.perf_counter()
    click()
    while page.runs == before:
        if time.perf_counter() - started > TIMEOUT_MS / 1000:
            raise TimeoutError("the click started no script run that ended")
        page.wait_for_timeout(5)
    page.wait_for_function(DONE, arg=expected, timeout=TIMEOUT_MS, polling="raf")
    return time.perf_counter() - started


def _nav(page: object, label: str) -> Callable[[], None]:
    return lambda: page.locator("[data-testid=stSidebarNav]").get_by_role(
        "link", name=label, exact=True).click()


def _open(page: object, url: str) -> None:
    page.goto(url)
    page.wait_for_function(
        "() => document.querySelector('[data-testid=stApp]')?.getAttribute("
        "'data-test-script-state') === 'notRunning' && document.querySelector("
        "'[data-testid=stSidebarNav]')", timeout=TIMEOUT_MS)
    page.wait_for_timeout(500)
    dialog = page.get_by_role("dialog")
    if dialog.count():  # the frontend's "page not found" of a first load on a sub-path
        page.keyboard.press("Escape")
        dialog.wait_for(state="detached", timeout=TIMEOUT_MS)


def _present_to_chart(page: object, steps: int, expected: int, button: str) -> float:
    """On the presentation, "Next" until one press short of the first chart; that press,
    timed."""
    for _ in range(max(0, steps - 1)):
        _timed_click(page, lambda: page.get_by_role("button", name=button).click(), 0)
    return _timed_click(page, lambda: page.get_by_role("button", name=button).click(),
                        expected)


def _back(page: object, button: str) -> None:
    _timed_click(page, lambda: page.get_by_role("button", name=button).click(), 0)


# The Overview draws its open tab's charts only: a switch to its heaviest tab (two heatmaps of
# institution x quarter) is timed too, on the app alone (the floor has no tabs).
OVERVIEW_TAB = (t("overview.tab.heatmaps", "en"), 2)


def measure_app(browser: object, url: str, cookies: dict[str, str], shapes: dict[str, dict],
                repeat: int, start_path: str = "my-account", labels: dict | None = None,
                present: tuple[str, str, str] = ("presentation", "Next →", "← Previous"),
                tab: tuple[str, int] | None = OVERVIEW_TAB) -> dict[str, float]:
    """Cold then warm timings of each page on a server that has just started (and of a
    switch of the Overview's tab, unless ``tab`` is None)."""
    labels = labels or {**{name: PAGES[name][1] for name in PAGES},
                        "present": "Presentation", "away": "My account"}
    measures: dict[str, float] = {}
    contexts = {}
    for who, cookie in cookies.items():
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.add_cookies([{"name": "tracker_session", "value": cookie, "url": url}])
        contexts[who] = context.new_page()
        count_runs(contexts[who])
    try:
        warm: dict[str, list[float]] = {name: [] for name in [*PAGES, "present"]}
        if tab is not None:
            warm["overview_tab"] = []
        for round_ in range(repeat + 1):
            for name, (_path, _label, who) in PAGES.items():
                page = contexts[who]
                if round_ == 0 and name in ("overview", "mine"):
                    _open(page, f"{url}/{start_path}?lang=en")
                elif name == "mine":  # away from the page first (untimed)
                    _timed_click(page, _nav(page, labels["away"]), 0)
                seconds = _timed_click(page, _nav(page, labels[name]),
                                       len(shapes[name]["specs"]))
                if round_:
                    warm[name].append(seconds)
                else:
                    measures[f"{name}_cold_s"] = seconds
                if name == "overview" and tab is not None:
                    seconds = _timed_click(
                        page, lambda p=page: p.get_by_role("tab", name=tab[0]).click(), tab[1])
                    if round_:
                        warm["overview_tab"].append(seconds)
                    else:
                        measures["overview_tab_cold_s"] = seconds
            page = contexts["admin"]
            _timed_click(page, _nav(page, labels["present"]), 0)
            if round_ == 0:
                measures["present_cold_s"] = _present_to_chart(
                    page, shapes["present"]["steps"], len(shapes["present"]["specs"]),
                    present[1])
            else:
                _back(page, present[2])  # from the chart's slide to the one before
                warm["present"].append(_timed_click(
                    page, lambda p=page: p.get_by_role("button", name=present[1]).click(),
                    len(shapes["present"]["specs"])))
        for name, values in warm.items():
            measures[f"{name}_warm_s"] = statistics.median(values) if values else float("nan")
    finally:
        for page in contexts.values():
            page.context.close()
    return measures


def floor_app(folder: Path, shapes: dict[str, dict]) -> tuple[Path, Path]:
    script = folder / "floor_app.py"
    script.write_text(FLOOR_APP)
    specs = folder / "floor_shapes.json"
    specs.write_text(json.dumps({name: {**shape, "specs": [json.loads(s) for s in shape["specs"]]}
                                 for name, shape in shapes.items()}))
    return script, specs


def measure_floor(browser: object, url: str, shapes: dict[str, dict], repeat: int
                  ) -> dict[str, float]:
    floor_shapes = {**shapes, "present": {**shapes["present"], "steps": 1}}
    labels = {name: name for name in PAGES} | {"present": "present", "away": "Start"}
    measures = measure_app(browser, url, {"admin": "-", "member": "-"}, floor_shapes, repeat,
                           start_path="start", labels=labels,
                           present=("present", "Next", "Next"), tab=None)
    return {key.replace("_s", "_floor_s"): value for key, value in measures.items()}


def step_browser(url: str, plan: str, admin_email: str, today: str, demo: bool,
                 repeat: int = 3) -> dict[str, float]:
    """The browser step, on three server processes one after another: discovery, the app,
    the floor."""
    import tempfile

    from playwright.sync_api import sync_playwright

    from bench import servers
    from devtools.servers import CHROMIUM, CHROMIUM_ARGS

    if not CHROMIUM.exists():
        raise RuntimeError(f"no Chromium at {CHROMIUM}: apt-get install chromium")
    _observers, [member], items = servers.ensure_people(url, plan, today, observers=0,
                                                        members=1)
    admin = servers.admin_person(url, admin_email)
    env = servers.bench_env(url, today, demo)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        with servers.streamlit_app(folder, env) as app:
            admin_cookie, member_cookie = servers.session_cookies(url, [admin, member])
            shapes = discover(app.url, admin_cookie, member_cookie)
        script, shape_file = floor_app(folder, shapes)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM),
                                                 args=CHROMIUM_ARGS, headless=True)
            try:
                with servers.streamlit_app(folder, env) as app:
                    measures = measure_app(browser, app.url, {"admin": admin_cookie,
                                                              "member": member_cookie},
                                           shapes, repeat)
                floor_env = {**env, "BENCH_FLOOR_SHAPES": str(shape_file)}
                with servers.streamlit_app(folder, floor_env, script=script) as app:
                    measures |= measure_floor(browser, app.url, shapes, repeat)
            finally:
                browser.close()
    for name in [*PAGES, "present"]:
        for kind in ("cold", "warm"):
            measures[f"{name}_{kind}_ratio"] = (measures[f"{name}_{kind}_s"]
                                                / measures[f"{name}_{kind}_floor_s"])
        measures[f"{name}_charts"] = len(shapes[name]["specs"])
    measures["mine_items"] = items
    return {f"browser_{key}": value for key, value in measures.items()}
