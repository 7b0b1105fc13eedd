"""AppTest helper: the dashboard on a demo database, signed in as a given account."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterator
from pathlib import Path

import numpy as np
from sqlmodel import Session, select
from streamlit.proto.WidgetStates_pb2 import WidgetStates
from streamlit.testing.v1 import AppTest

from tracker.db import make_engine, session_scope
from tracker.demo import DEMO_PASSWORD, ECUADOR_PLAN, load_demo
from tracker.migrate import upgrade
from tracker.models import ActionItem, Plan, User
from tracker.quarters import Quarter

ROOT = Path(__file__).resolve().parent.parent
DASHBOARD = ROOT / "dashboard.py"
SERVER = ROOT / "server.py"
TIMEOUT = 30


def demo_database(path: Path) -> str:
    """A SQLite file with the demo loaded (call with TRACKER_TODAY fixed); its URL."""
    return load_demo_into(f"sqlite:///{path}")


def load_demo_into(url: str) -> str:
    """The database at ``url`` migrated and the demo loaded into it (call with TRACKER_TODAY
    fixed); ``url``."""
    engine = make_engine(url)
    upgrade(engine)
    with session_scope(engine) as session:
        load_demo(session)
    engine.dispose()
    return url


def record_demo_meeting(db_url: str) -> None:
    """A meeting of the demo's Ecuador plan evaluating 2026-Q3, OIM present (its decision
    form is then on the Meetings page)."""
    from datetime import date

    from tracker.services import meetings, plans
    from tracker.services.permissions import SYSTEM

    engine = make_engine(db_url)
    with session_scope(engine) as session:
        plan = plans.get_plan(session, ECUADOR_PLAN)
        meetings.record_meeting(session, SYSTEM, plan.id, Quarter(2026, 3), date(2026, 10, 20),
                                ["OIM"])
    engine.dispose()


def dashboard() -> AppTest:
    return AppTest.from_file(str(DASHBOARD), default_timeout=TIMEOUT)


def sign_in(at: AppTest, email: str, password: str = DEMO_PASSWORD) -> AppTest:
    """Fill and submit the sign-in form as a user would."""
    at.run()
    at.text_input(key="email").input(email)
    at.text_input(key="password").input(password)
    [submit] = [button for button in at.button if button.proto.is_form_submitter]
    submit.click()
    return at.run()


def app_as(email: str, lang: str = "en") -> AppTest:
    at = dashboard()
    at.query_params["lang"] = lang
    return sign_in(at, email)


def field(widgets, name: str):
    """The form's widget whose key ends with ``:name`` (status, percent, indicator, ...)."""
    [found] = [w for w in widgets if w.key.endswith(f":{name}")
               or w.key.rsplit(":", 1)[0].endswith(f":{name}")]  # ":status:<lang>"
    return found


def form_field(widgets, form: str, name: str):
    """The widget ``name`` of form ``form`` as drawn now, under its token
    (``ui.actions.form_token``: its keys are ``<form>:<token>:<name>``)."""
    [found] = [w for w in widgets
               if re.fullmatch(rf"{re.escape(form)}:[\w-]+:{re.escape(name)}", w.key or "")]
    return found


def token_of(at: AppTest, form: str) -> str:
    """The token form ``form`` is drawn with now (``ui.actions.form_token``)."""
    return at.session_state[f"form_token:{form}"]


def pressed_states(at: AppTest) -> WidgetStates:
    """What the browser sends for a press of the button just ``click()``ed on the page as
    drawn: every widget's value and that one trigger (it sends no trigger left unpressed).
    Running it twice (``at._run``) is a double click: two reruns carrying the same drawn
    form, the second made before the browser drew the first one's outcome."""
    drawn = at._tree.get_widget_states()
    states = WidgetStates()
    states.widgets.extend(w for w in drawn.widgets if not (
        w.WhichOneof("value") == "trigger_value" and not w.trigger_value))
    return states


def press_twice(at: AppTest, button) -> AppTest:
    """Click ``button`` twice quickly: two runs with the same drawn form."""
    button.click()
    states = pressed_states(at)
    at._run(states)
    return at._run(states)


def first_missing_form(at: AppTest):
    """The expander of the first report still missing (the member page, in English): the one
    that starts open."""
    expander = next(e for e in at.expander if "missing" in e.label)
    return expander


def expander_key(expander) -> str:
    """The key of a stateful expander (``on_change="rerun"``): its element id ends with it."""
    return expander.proto.id.split("-", 2)[2] if expander.proto.id else ""


def toggle(at: AppTest, expander, open_: bool) -> AppTest:
    """Open or collapse a stateful expander as a click on its summary would, and rerun."""
    at.session_state[expander_key(expander)] = open_
    return at.run()


def item_panels(at: AppTest) -> list:
    """The member page's expanders of action items, in page order."""
    return [e for e in at.expander if expander_key(e).startswith("mine:item:")]


def item_panel(at: AppTest, code: str):
    """The member page's expander of item ``code``."""
    return next(e for e in item_panels(at) if e.label.startswith(f"{code} · "))


def query_one(db_url: str, query: object) -> object:
    """The one value ``query`` selects in the test's database."""
    engine = make_engine(db_url)
    with Session(engine) as session:
        value = session.exec(query).one()
    engine.dispose()
    return value


def reopen_request(db_url: str, *, grant: bool = False, email: str = "innfa@demo.example",
                   quarter: Quarter = Quarter(2026, 3)) -> int:
    """A member's request to reopen ``quarter`` of the Ecuador plan (INNFA's T3 2026, the
    case of issue 26), granted for two weeks when ``grant``; its id."""
    from tracker.services import lifecycle, plans
    from tracker.services.permissions import SYSTEM, actor_for

    engine = make_engine(db_url)
    with session_scope(engine) as session:
        plan = plans.get_plan(session, ECUADOR_PLAN)
        member = session.exec(select(User).where(User.email == email)).one()
        request_id = lifecycle.request_reopen(session, actor_for(session, member), plan.id,
                                              quarter, "Las cifras de septiembre").id
        if grant:
            lifecycle.decide_reopen(session, SYSTEM, request_id, True)
    engine.dispose()
    return request_id


def plan_id_of(db_url: str, name: str) -> int:
    return query_one(db_url, select(Plan.id).where(Plan.name == name))


def item_id_of(db_url: str, code: str) -> int:
    """The id of the demo's Ecuador item ``code``."""
    return query_one(db_url, select(ActionItem.id).join(Plan).where(
        Plan.name == ECUADOR_PLAN, ActionItem.code == code))


def _decode(value: object) -> object:
    """Plotly writes numeric arrays as base64 (``{"dtype", "bdata"}``): back to lists."""
    if isinstance(value, dict) and {"dtype", "bdata"} <= set(value):
        array = np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))
        if "shape" in value:  # "5, 8" for a 5 x 8 matrix
            shape = [int(size) for size in str(value["shape"]).split(",")]
            return array.reshape(shape).tolist()
        return array.tolist()
    if isinstance(value, dict):
        return {key: _decode(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_decode(item) for item in value]
    return value


def chart_spec(at: AppTest, index: int = 0) -> dict:
    """The plotly figure JSON of the ``index``-th chart on the page, arrays as lists."""
    return _decode(json.loads(at.get("plotly_chart")[index].proto.spec))


def overview_tabs(at: AppTest) -> Iterator[str]:
    """Open each of the overview's tabs in turn, as a person clicks through them (only the
    open tab's charts are drawn); the open tab's label each time."""
    from ui.overview_charts import tab_key

    key = next(tab_key(lang) for lang in ("en", "es") if tab_key(lang) in at.session_state)
    for label in [tab.label for tab in at.tabs]:
        at.session_state[key] = label
        at.run()
        yield label


def chart_titled(at: AppTest, start: str) -> dict:
    """The chart whose title starts with ``start`` (figure JSON, arrays as lists), on the
    page as drawn or, on the overview, in the first tab that has it."""
    seen: list[str] = []

    def find() -> dict | None:
        specs = [chart_spec(at, i) for i in range(len(at.get("plotly_chart")))]
        seen.extend(s["layout"]["title"]["text"] for s in specs)
        return next((s for s in specs if s["layout"]["title"]["text"].startswith(start)),
                    None)

    found = find()
    if found is None and at.tabs:
        found = next((chart for _tab in overview_tabs(at) if (chart := find())), None)
    assert found, f"no chart titled {start!r} among {seen!r}"
    return found


def copy_database(url: str, folder: Path) -> str:
    """A private copy of a SQLite demo database, for a test that writes."""
    import shutil

    source = Path(url.removeprefix("sqlite:///"))
    target = folder / source.name
    shutil.copyfile(source, target)
    return f"sqlite:///{target}"


def shown(source: str) -> str:
    """What a Markdown source (a caption, header, label) shows: ``ui.text.md``'s backslash
    escapes and word joiners (which keep addresses from becoming links) taken off."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", source).replace("\u2060", "")


def pages_in_navigation(at: AppTest) -> list[str]:
    """The url paths of the pages the navigation offers ('' is the default page)."""
    return [info["url_pathname"] for info in at._registered_pages.values()]


def go_to(at: AppTest, url_path: str) -> AppTest:
    """Open a page of the navigation as a click in the sidebar would.

    AppTest.switch_page() takes file paths only; our pages are functions, so this finds the
    page's hash among those the last run registered (AppTest's own registry).
    """
    [page_hash] = [h for h, info in at._registered_pages.items()
                   if info["url_pathname"] == url_path]
    at._page_hash = page_hash
    return at.run()


def sends_label(widget, label: str) -> None:
    """On the next run, ``widget`` (a select box or radio) sends ``label``, as a browser
    does: the label it shows, which after a language switch is still the former language's
    (a browser holds it; AppTest would send the label of the value in the new language)."""
    from streamlit.proto.WidgetStates_pb2 import WidgetState

    def widget_state(node) -> WidgetState:
        state = WidgetState(id=node.id)
        state.string_value = label
        return state

    widget.__class__ = type(type(widget).__name__, (type(widget),),
                            {"_widget_state": property(widget_state)})


ALERTS = ("success", "error", "warning", "info")


def said_at(at: AppTest, key: str) -> list[tuple[str, str]]:
    """(kind, text) of the messages drawn in the container of ``key`` (``ui.flash``,
    ``ui.confirm``): where the person is looking, not the page's top. Empty when it is not
    drawn."""
    try:
        box = at.get_by_key(key)
    except KeyError:
        return []
    return [(node.type, node.value) for node in box if node.type in ALERTS]


def focuses_its_message(at: AppTest, key: str) -> bool:
    """The container of ``key`` carries the script that moves the focus to its message."""
    try:
        box = at.get_by_key(key)
    except KeyError:
        return False
    return any(node.type == "html" and "focus(" in node.value for node in box)


def press(at: AppTest, key: str) -> AppTest:
    """Click the button of ``key`` and run."""
    at.button(key=key).click()
    return at.run()


def said_under(block, prefix: str) -> list[tuple[str, str, bool]]:
    """(kind, text, takes the focus) of the messages in ``block``'s containers whose key starts
    with ``prefix`` (a form's outcome drawn in its panel, ``ui.flash``)."""
    return [(node.type, node.value, any(n.type == "html" and "focus(" in n.value for n in box))
            for box in block if getattr(box, "key", None) and str(box.key).startswith(prefix)
            for node in box if node.type in ALERTS]
