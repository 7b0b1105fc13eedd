"""AppTest tests of the pages of the reporting workflow, as members and coordinators use them."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import Session, select
from streamlit.testing.v1 import AppTest

from tests.apptest import (
    copy_database,
    dashboard,
    demo_database,
    go_to,
    pages_in_navigation,
    shown,
    sign_in,
)
from tests.conftest import FIXED_TODAY
from tracker.db import make_engine
from tracker.demo import ECUADOR_PLAN
from tracker.models import ReportRevision, User
from tracker.quarters import Quarter


@pytest.fixture(scope="module")
def template_url(tmp_path_factory) -> str:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TRACKER_TODAY", FIXED_TODAY)
        return demo_database(tmp_path_factory.mktemp("report-pages") / "demo.db")


@pytest.fixture
def db_url(template_url, tmp_path, monkeypatch) -> str:
    url = copy_database(template_url, tmp_path)
    monkeypatch.setenv("TRACKER_DATABASE_URL", url)
    monkeypatch.setenv("TRACKER_DEMO", "1")
    return url


def app_as(email: str, lang: str = "en") -> AppTest:
    at = dashboard()
    at.query_params["lang"] = lang
    return sign_in(at, email)


@pytest.mark.parametrize("email, pages", [
    ("dinapen@demo.example", ["", "my-institution", "item", "presentation", "my-account"]),
    ("coordinacion@demo.example", ["", "getting-started", "review", "item", "presentation",
                                   "meetings", "activity", "plan", "plan-files", "accounts",
                                   "my-account"]),
    ("observador@demo.example", ["", "item", "presentation", "my-account"]),
    ("admin@demo.example", ["", "getting-started", "item", "presentation", "meetings",
                            "activity", "plan", "plan-files", "accounts", "my-account"]),
])
def test_navigation_offers_each_role_its_pages_only(db_url, email, pages):
    at = app_as(email)
    assert not at.exception
    assert pages_in_navigation(at) == pages


def field(widgets, name: str):
    """The form's widget whose key ends with ``:name`` (status, percent, indicator, ...)."""
    [found] = [w for w in widgets if w.key.endswith(f":{name}")
               or w.key.rsplit(":", 1)[0].endswith(f":{name}")]  # ":status:<lang>"
    return found


def _first_missing_form(at: AppTest):
    expander = next(e for e in at.expander if "missing" in e.label)
    return expander


def _revisions(db_url: str) -> list[ReportRevision]:
    engine = make_engine(db_url)
    with Session(engine) as session:
        rows = session.exec(select(ReportRevision).join(
            User, User.id == ReportRevision.author_id).where(
            User.email == "dinapen@demo.example")).all()
    engine.dispose()
    return rows


def test_member_fills_and_submits_a_report(db_url):
    at = go_to(app_as("dinapen@demo.example"), "my-institution")
    assert at.title[0].value == "My institution"
    assert "2 of 8 reports submitted" in at.get("progress")[0].proto.text
    expander = _first_missing_form(at)
    code = expander.label.split(" · ")[0]
    field(expander.selectbox, "status").select("in_progress")
    field(expander.number_input, "percent").set_value(55.0)
    field(expander.number_input, "indicator").set_value(6.0)
    field(expander.text_area, "narrative").input("Two more provinces trained their staff.")
    [submit] = [b for b in expander.button if b.label == "Submit"]
    submit.click()
    at.run()
    assert not at.exception
    assert any(s.value == f"Report on {code} submitted." for s in at.success)
    assert any(e.label.startswith(code) and "submitted" in e.label for e in at.expander)
    assert "3 of 8 reports submitted" in at.get("progress")[0].proto.text
    [revision] = _revisions(db_url)
    assert (revision.state, revision.percent_complete, revision.indicator_value) == (
        "submitted", 55, 6)


def test_a_doubtful_status_asks_for_confirmation_then_saves(db_url):
    at = go_to(app_as("dinapen@demo.example"), "my-institution")
    expander = _first_missing_form(at)
    field(expander.selectbox, "status").select("completed")
    field(expander.number_input, "percent").set_value(80.0)
    [save] = [b for b in expander.button if b.label == "Save draft"]
    save.click()
    at.run()
    warning = next(w.value for w in at.warning if "Please confirm" in w.value)
    assert "The status is completed but the progress is below 100%." in warning
    assert _revisions(db_url) == []  # nothing saved yet
    at.button(key=next(b.key for b in at.button if b.label == "Save anyway")).click()
    at.run()
    assert [r.state for r in _revisions(db_url)] == ["draft"]


def test_bad_values_are_refused_with_the_field_named_in_spanish(db_url):
    at = go_to(app_as("dinapen@demo.example", "es"), "my-institution")
    expander = next(e for e in at.expander if "pendiente" in e.label)
    field(expander.selectbox, "status").select("in_progress")
    field(expander.number_input, "percent").set_value(40.0)
    field(expander.text_input, "link").input("javascript:alert(1)")
    [save] = [b for b in expander.button if b.label == "Guardar borrador"]
    save.click()
    at.run()
    assert any("Enlace de evidencia: escriba una dirección web completa" in e.value
               for e in at.error)
    assert _revisions(db_url) == []


def test_coordinator_approves_and_returns_and_the_member_sees_the_comment(db_url):
    at = go_to(app_as("coordinacion@demo.example"), "review")
    assert at.title[0].value == "Review reports"
    waiting = len(at.expander)
    first = at.expander[0]
    [approve] = [b for b in first.button if b.label == "Approve"]
    approve.click()
    at.run()
    assert any(s.value == "Report approved." for s in at.success)
    assert len(at.expander) == waiting - 1
    dinapen = next(e for e in at.expander if "DINAPEN" in e.label)
    [give_back] = [b for b in dinapen.button if b.label == "Return with comment"]
    give_back.click()
    at.run()
    assert any("Comment: say what the member should change." in e.value for e in at.error)
    dinapen = next(e for e in at.expander if "DINAPEN" in e.label)
    dinapen.text_area[0].input("Please attach the attendance lists.")
    [give_back] = [b for b in dinapen.button if b.label == "Return with comment"]
    give_back.click()
    at.run()
    assert any(s.value == "Report returned with your comment." for s in at.success)
    member = go_to(app_as("dinapen@demo.example"), "my-institution")
    assert any("Returned by the coordinator: Please attach the attendance lists." in w.value
               for w in member.warning)


def test_item_page_shows_figures_and_every_version(db_url):
    at = go_to(app_as("observador@demo.example"), "item")
    assert at.title[0].value == "Action items"
    assert at.selectbox(key="item").value is not None
    figures, history = at.dataframe[0].value, at.dataframe[1].value
    assert "Progress" in figures.columns and len(figures) >= 4
    assert {"Version", "State", "By"} <= set(history.columns)
    assert len(history) > 0
    changes = at.dataframe[2].value
    assert "Item created" in changes["What"].tolist()  # the demo's import created it
    assert "Report imported" not in changes["Who"].tolist()


def test_the_plans_history_page_lists_events_in_spanish_with_a_csv(db_url):
    at = go_to(app_as("coordinacion@demo.example", "es"), "my-account")
    at = go_to(app_as("coordinacion@demo.example", "es"), "plan")
    at.selectbox(key="period:quarter").select(Quarter(2027, 1)).run()
    at.button(key="period:open").click().run()
    at.button(key="period:confirm_open").click().run()
    at = go_to(at, "activity")
    assert at.title[0].value == "Historial del plan"
    events = at.dataframe[0].value
    assert "Trimestre abierto" in events["Qué"].tolist()
    assert "Trimestre cerrado" in events["Qué"].tolist()
    opened = events[events["Qué"] == "Trimestre abierto"].iloc[0]
    assert opened["Trimestre"] == "T1 2027" and "estado del reporte" not in opened[
        "Antes → después"]
    assert "Secretaría técnica" in opened["Quién"]
    at.selectbox(key="act:kind").select("reporting_period").run()
    assert set(at.dataframe[0].value["Qué"]) <= {"Trimestre abierto", "Trimestre cerrado"}
    assert at.get("download_button")[0].proto.label == "Historial (CSV)"


def test_admin_creates_and_deactivates_an_account(db_url):
    at = go_to(app_as("admin@demo.example"), "accounts")
    assert at.multiselect(key="new:plans").value == []  # no plan chosen for the person
    at.text_input(key="new:email").input("nuevo.punto@example.org")
    at.text_input(key="new:name").input("Nuevo punto focal")
    at.selectbox(key="new:role").select("member")
    at.selectbox(key="new:institution").select("INNFA")
    at.text_input(key="new:password").input("temporary-secret-1")
    next(b for b in at.button if b.label == "Create account").click()
    at.run()
    assert any(s.value.startswith("Account created. No mail server is configured")
               for s in at.success)
    invitation = at.code[0].value
    assert "nuevo.punto@example.org" in invitation and "temporary-secret-1" in invitation
    assert "http" in invitation  # the app's address
    assert at.text_input(key="new:email").value == ""  # the form starts empty again
    assert at.selectbox(key="new:institution").value is None
    assert "nuevo.punto@example.org" in at.dataframe[0].value.iloc[:, 0].tolist()
    at.selectbox(key="manage:user").set_value(_user_id(db_url, "nuevo.punto@example.org"))
    at.run()
    at.button(key="manage:toggle").click()
    at.run()
    table = at.dataframe[0].value.set_index(at.dataframe[0].value.columns[0])
    assert table.loc["nuevo.punto@example.org"].iloc[-1] == "deactivated"


def _one(db_url: str, query: object) -> object:
    """The one value ``query`` selects in the test's database."""
    engine = make_engine(db_url)
    with Session(engine) as session:
        value = session.exec(query).one()
    engine.dispose()
    return value


def _user_id(db_url: str, email: str) -> int:
    return _one(db_url, select(User.id).where(User.email == email))


def test_creating_an_account_with_bad_input_says_what_is_wrong(db_url):
    at = go_to(app_as("admin@demo.example"), "accounts")
    at.text_input(key="new:email").input("not-an-email")
    at.text_input(key="new:name").input("X")
    at.text_input(key="new:password").input("temporary-secret-1")
    next(b for b in at.button if b.label == "Create account").click()
    at.run()
    assert any("Not an e-mail address: not-an-email" in e.value for e in at.error)
    assert at.text_input(key="new:name").value == "X"  # what was typed stays


def test_a_focal_point_account_from_a_link_must_change_its_temporary_password(db_url):
    at = app_as("coordinacion@demo.example")
    at.query_params["institution"] = "DINAPEN"
    at.query_params["plan"] = str(_plan_id(db_url, ECUADOR_PLAN))
    at = go_to(at, "accounts")
    assert at.selectbox(key="new:institution").value == "DINAPEN"
    assert at.selectbox(key="new:role").value == "member"
    assert len(at.multiselect(key="new:plans").value) == 1
    at.text_input(key="new:email").input("relevo.dinapen@example.org")
    at.text_input(key="new:name").input("Relevo DINAPEN")
    at.text_input(key="new:password").input("temporary-secret-1")
    next(b for b in at.button if b.label == "Create account").click()
    at.run()
    assert at.code, "the invitation to copy"
    person = dashboard()
    person.query_params["lang"] = "en"
    person = sign_in(person, "relevo.dinapen@example.org", "temporary-secret-1")
    assert pages_in_navigation(person) == [""]  # one page, the default one: My account
    assert person.title[0].value == "My account"
    assert "choose your own before you go on" in person.warning[0].value
    person.text_input(key="pw:current").input("temporary-secret-1")
    person.text_input(key="pw:new").input("mi clave propia del 2026")
    person.text_input(key="pw:again").input("mi clave propia del 2026")
    next(b for b in person.button if b.label == "Change password").click()
    person.run()
    assert "my-institution" in pages_in_navigation(person)


def _plan_id(db_url: str, name: str) -> int:
    from tracker.models import Plan

    return _one(db_url, select(Plan.id).where(Plan.name == name))

def test_changing_my_password_checks_the_current_one(db_url):
    at = go_to(app_as("observador@demo.example"), "my-account")
    at.text_input(key="pw:current").input("wrong")
    at.text_input(key="pw:new").input("a brand new secret")
    at.text_input(key="pw:again").input("a brand new secret")
    next(b for b in at.button if b.label == "Change password").click()
    at.run()
    assert any(e.value == "The current password is not right." for e in at.error)
    at.text_input(key="pw:current").input("demo-commission-2026")
    next(b for b in at.button if b.label == "Change password").click()
    at.run()
    assert any(s.value == "Password changed." for s in at.success)
    assert sign_in(dashboard(), "observador@demo.example", "a brand new secret").title[
        0].value != "Joint Work Plan Tracker"


def test_after_sign_out_only_the_sign_in_page_is_left(db_url):
    at = app_as("dinapen@demo.example")
    at.button(key="sign_out").click().run()
    assert at.text_input(key="email") is not None
    # every address left is the sign-in form (a link to a page signs in there)
    for path in [p for p in pages_in_navigation(at) if p]:
        page = go_to(at, path)
        assert page.text_input(key="email") is not None and not page.get("plotly_chart"), path


def test_coordinator_sees_missing_reports_with_focal_points(db_url):
    at = go_to(app_as("coordinacion@demo.example"), "review")
    captions = [c.value for c in at.caption]
    assert any(shown(c).startswith("Focal points: Punto focal DINAPEN <dinapen@demo.example>")
               for c in captions)
    tables = [d.value for d in at.dataframe]
    states = {state for table in tables for state in table.get("State", [])}
    assert {"missing", "draft"} <= states


def test_coordinator_prepares_reminders_to_copy_and_they_are_recorded(db_url):
    from tracker.models import Reminder

    at = go_to(app_as("coordinacion@demo.example", "es"), "review")
    at.button(key="review:remind").click().run()
    assert any("No hay servidor de correo configurado" in i.value for i in at.info)
    messages = [c.value for c in at.code]
    assert any("Punto focal DINAPEN" in m for m in messages)
    # in each person's language: OIM's focal point reads English
    assert all(("Q4 2026" if "Punto focal OIM" in m else "T4 2026") in m for m in messages)
    engine = make_engine(db_url)
    with Session(engine) as session:
        recorded = session.exec(select(Reminder)).all()
    engine.dispose()
    assert len(recorded) == len(messages) and {r.channel for r in recorded} == {"copied"}


def _workbook_bytes(tmp_path, sheets) -> bytes:
    from tests.helpers import write_workbook

    return write_workbook(tmp_path / "upload.xlsx", sheets).read_bytes()


def test_coordinator_checks_then_imports_a_workbook(db_url, tmp_path):
    import copy

    from tests.helpers import MINIMAL

    at = go_to(app_as("admin@demo.example"), "plan-files")
    assert at.title[0].value == "Plan files"
    labels = [b.label for b in at.get("download_button")]
    assert "Template in Spanish" in labels and "Plan and reports (Excel)" in labels
    bad = copy.deepcopy(MINIMAL)
    bad["reports"][2][4] = 140
    at.file_uploader(key="upload").set_value(
        ("plan.xlsx", _workbook_bytes(tmp_path, bad), "application/octet-stream"))
    at.run()
    at.button(key="import:check").click()
    at.run()
    assert at.error[0].value.startswith("The file was not imported: 1 problem(s).")
    problems = at.dataframe[0].value
    assert problems.iloc[0].tolist()[1:] == [3, "percent_complete", "140 is outside 0–100"]
    at.file_uploader(key="upload").set_value(
        ("plan.xlsx", _workbook_bytes(tmp_path, MINIMAL), "application/octet-stream"))
    at.run()
    at.button(key="import:run").click()
    at.run()
    assert any(s.value.startswith("Imported into Small plan: 2 items added")
               for s in at.success)
    assert "Small plan" in [c.name for c in _plans(db_url)]


def _plans(db_url):
    from tracker.models import Plan

    engine = make_engine(db_url)
    with Session(engine) as session:
        rows = session.exec(select(Plan)).all()
    engine.dispose()
    return rows


def test_members_and_observers_have_no_plan_files_page(db_url):
    for email in ("dinapen@demo.example", "observador@demo.example"):
        assert "plan-files" not in pages_in_navigation(app_as(email))


def test_coordinator_opens_the_next_quarter_and_adds_an_item(db_url):
    at = go_to(app_as("coordinacion@demo.example"), "plan")
    assert at.title[0].value == "Plan management"
    periods = at.dataframe[0].value
    assert periods.set_index("Quarter").loc["Q4 2026", "State"] == "open"
    at.selectbox(key="period:quarter").select(Quarter(2027, 1)).run()
    at.button(key="period:open").click().run()
    assert not at.success  # nothing closed in silence: the page asks first
    assert "Opening Q1 2027 closes Q4 2026" in at.warning[0].value
    assert at.dataframe[0].value.set_index("Quarter").loc["Q4 2026", "State"] == "open"
    at.button(key="period:confirm_open").click().run()
    assert any(s.value == "Saved." for s in at.success)
    periods = at.dataframe[0].value.set_index("Quarter")
    assert (periods.loc["Q1 2027", "State"], periods.loc["Q4 2026", "State"]) == (
        "open", "closed")
    form = "item:0"
    at.text_input(key=f"{form}:code").input("7.1")
    at.text_input(key=f"{form}:title").input("Mesa técnica con fiscalías provinciales")
    at.text_input(key=f"{form}:start").input("2027-Q1")
    at.text_input(key=f"{form}:due").input("2029-Q4")  # beyond the plan
    next(b for b in at.button if b.label == "Save item").click()
    at.run()
    assert any("within the plan (2025-Q1 to 2027-Q4)" in e.value for e in at.error)
    at.text_input(key=f"{form}:due").input("2027-Q4")
    next(b for b in at.button if b.label == "Save item").click()
    at.run()
    assert any(s.value == "Saved." for s in at.success)
    labels = at.selectbox(key="edit:item").options
    assert any(label.startswith("7.1 · Mesa técnica") for label in labels)


def test_a_link_to_an_item_opens_that_item_even_after_another_was_shown(db_url):
    at = go_to(app_as("observador@demo.example"), "item")
    first = at.selectbox(key="item").value
    assert at.header[0].value.startswith("1.1 · ")
    go_to(at, "")
    at.query_params["item"] = str(first + 1)  # the demo's item 1.2
    go_to(at, "item")
    assert at.selectbox(key="item").value == first + 1
    assert at.header[0].value.startswith("1.2 · ")


def test_meeting_lock_and_reopen_request_from_a_member(db_url):
    at = go_to(app_as("coordinacion@demo.example"), "meetings")
    assert at.title[0].value == "Evaluation meetings"
    at.selectbox(key="meeting:quarter").select("2026-Q3")
    at.multiselect(key="meeting:present").select("OIM").select("DINAPEN")
    at.text_area(key="meeting:minutes").input("Quarterly evaluation in Quito.")
    next(b for b in at.button if b.label == "Save meeting").click()
    at.run()
    assert any(s.value == "Saved." for s in at.success)
    [meeting] = [e for e in at.expander if "Q3 2026" in e.label]
    lock = next(b for b in meeting.button if b.label.startswith("Lock Q3 2026"))
    lock.click()
    at.run()
    assert not at.success  # locking asks first, naming the quarter
    assert any("Locking Q3 2026 keeps its figures" in w.value for w in at.warning)
    next(b for b in at.button if b.label == "Yes, lock Q3 2026").click()
    at.run()
    assert any(s.value.startswith("The quarter is locked") for s in at.success)

    member = go_to(app_as("dinapen@demo.example"), "my-institution")
    assert member.selectbox(key="reopen:q").value == Quarter(2026, 3)
    member.text_area(key="reopen:reason").input("The September operations were left out.")
    next(b for b in member.button if b.label == "Send request").click()
    member.run()
    assert any(s.value == "Request sent to the coordinators." for s in member.success)

    at = go_to(app_as("coordinacion@demo.example"), "meetings")
    assert any("The September operations were left out." in x.value for x in at.text)
    next(b for b in at.button if b.label == "Refuse").click()
    at.run()
    assert any("Say why the reopening is refused" in e.value for e in at.error)
    next(b for b in at.button if b.label == "Grant").click()
    at.run()
    assert any(s.value.startswith("Reopened") for s in at.success)

    member = go_to(app_as("dinapen@demo.example"), "my-institution")
    assert any("Reopening of Q3 2026 granted" in s.value for s in member.success)
    member.selectbox(key="mine:quarter").select(Quarter(2026, 3)).run()
    assert member.header[0].value == "Reports for Q3 2026"
    next(b for b in member.button if b.label == "Understood").click()
    member.run()
    assert not any("Reopening of Q3 2026 granted" in s.value for s in member.success)


def test_a_member_can_ask_to_reopen_when_no_quarter_is_open(db_url):
    from tracker.db import session_scope
    from tracker.demo import ECUADOR_PLAN
    from tracker.models import PeriodState
    from tracker.services import lifecycle, plans
    from tracker.services.permissions import SYSTEM

    engine = make_engine(db_url)
    with session_scope(engine) as session:
        plan = plans.get_plan(session, ECUADOR_PLAN)
        lifecycle.set_period_state(session, SYSTEM, plan.id, Quarter(2026, 4), PeriodState.CLOSED)
    engine.dispose()
    member = go_to(app_as("dinapen@demo.example"), "my-institution")
    assert any("No quarter" in i.value or "no quarter" in i.value for i in member.info)
    assert member.selectbox(key="reopen:q").value == Quarter(2026, 4)


def test_presentation_runs_through_every_slide(db_url):
    at = go_to(app_as("observador@demo.example"), "presentation")
    assert not at.exception
    assert at.title[0].value == "Plan de trabajo conjunto Ecuador 2025-2027"
    seen_charts = 0
    for number in range(1, 9):
        positions = [c.value for c in at.main.caption if c.value.startswith("Slide")]
        assert positions == [f"Slide {number} of 8 · PageDown / PageUp"]
        seen_charts += len(at.get("plotly_chart"))
        if number < 8:
            at.button(key="slide:next").click().run()
            assert not at.exception
    assert seen_charts == 4  # by line, by institution, trend, indicators
    assert at.button(key="slide:next").disabled
    labels = [b.label for b in at.get("download_button")]
    assert "PowerPoint deck (editable charts)" in labels


def test_a_coordinator_checks_a_new_plan_chooses_its_open_quarter_and_sees_shared_changes(
        db_url, tmp_path):
    import copy

    from tests.helpers import MINIMAL

    sheets = copy.deepcopy(MINIMAL)
    sheets["plan"][1][0] = "Plan nuevo"
    sheets["institutions"][1][1] = "Organización Internacional para las Migraciones — Quito"
    at = go_to(app_as("coordinacion@demo.example"), "plan-files")
    at.file_uploader(key="upload").set_value(
        ("plan.xlsx", _workbook_bytes(tmp_path, sheets), "application/octet-stream"))
    at.run()
    at.button(key="import:check").click().run()
    assert any("Quarter open for reports: Q4 2026" in i.value for i in at.info)
    [changes] = [d.value for d in at.dataframe]
    assert "also used by" in changes.iloc[0, 0] and "kept as it is" in changes.iloc[0, 0]
    at.selectbox(key="import:open").select("2026-Q3").run()
    at.button(key="import:run").click().run()
    assert any(s.value.startswith("Imported into Plan nuevo") for s in at.success)
    assert any("Quarter open for reports: Q3 2026" in i.value for i in at.info)
    [plan] = [p for p in _plans(db_url) if p.name == "Plan nuevo"]
    from tracker.models import Institution, ReportingPeriod

    engine = make_engine(db_url)
    with Session(engine) as session:
        opened = session.exec(select(ReportingPeriod.quarter).where(
            ReportingPeriod.plan_id == plan.id, ReportingPeriod.state == "open")).all()
        oim = session.exec(select(Institution.name).where(Institution.acronym == "OIM")).one()
    engine.dispose()
    assert opened == ["2026-Q3"] and "Quito" not in oim  # the shared name stayed


def test_an_item_without_indicator_shows_no_indicator_field_and_no_nan(db_url):
    from tracker.db import session_scope
    from tracker.demo import ECUADOR_PLAN
    from tracker.services import plan_admin, plans
    from tracker.services.permissions import SYSTEM
    from tracker.services.plan_admin import ItemFields

    engine = make_engine(db_url)
    with session_scope(engine) as session:
        plan = plans.get_plan(session, ECUADOR_PLAN)
        plan_admin.save_item(session, SYSTEM, plan.id, ItemFields(
            code="9.9", title="Hoja de ruta sin indicador", description="", line="1",
            lead="DINAPEN", supporters=(), start_quarter="2026-Q4", due_quarter="2027-Q2"))
    engine.dispose()
    at = go_to(app_as("dinapen@demo.example", "es"), "my-institution")
    expander = next(e for e in at.expander if e.label.startswith("9.9"))
    labels = [w.label for w in expander.number_input] + [w.label for w in expander.selectbox]
    assert not any("nan" in label for label in labels)
    assert [w.key.rsplit(":", 1)[1] for w in expander.number_input] == ["percent"]
    assert "nan" not in " ".join(c.value for c in expander.caption)


def test_review_meetings_and_presentation_open_on_the_quarter_under_evaluation(db_url,
                                                                                monkeypatch):
    # 2026-Q4 is still open for reports, but by 20 April 2027 2027-Q1 has ended too
    monkeypatch.setenv("TRACKER_TODAY", "2027-04-20")
    at = app_as("coordinacion@demo.example")
    assert at.selectbox(key="quarter").value == Quarter(2026, 4)  # the overview: the open quarter
    for page in ("review", "presentation"):  # each opened first in a new browser session
        opened = go_to(app_as("coordinacion@demo.example"), page)
        assert opened.selectbox(key="quarter").value == Quarter(2027, 1), page
    meetings = go_to(app_as("coordinacion@demo.example"), "meetings")
    assert meetings.selectbox(key="meeting:quarter").value == "2027-Q1"


def test_the_getting_started_checklist_shows_live_state_and_links_each_missing_focal_point(
        db_url):
    from tracker.db import session_scope
    from tracker.models import RoleGrant

    engine = make_engine(db_url)
    with session_scope(engine) as session:  # DINAPEN's focal point leaves the plan
        dinapen = session.exec(select(User).where(User.email == "dinapen@demo.example")).one()
        for grant in session.exec(select(RoleGrant).where(RoleGrant.user_id == dinapen.id)):
            session.delete(grant)
    engine.dispose()
    at = go_to(app_as("coordinacion@demo.example", "es"), "getting-started")
    assert at.title[0].value == "Primeros pasos"
    steps = [m.value for m in at.markdown if m.value.startswith(":material/")]
    assert len(steps) == 7
    assert steps[0].startswith(":material/check_circle: **1. Plan importado (")
    assert "**2. Un punto focal por institución (1 sin punto focal)** · pendiente" in steps[1]
    assert "T4 2026 abierto para reportes, plazo" in steps[2] and "hecho" in steps[2]
    assert "Reportes recibidos:" in steps[3] and "pendiente" in steps[3]
    links = [link.proto.label for link in at.get("page_link")]
    assert any(label.startswith("Crear el punto focal de DINAPEN") for label in links)
    [link] = [x for x in at.get("page_link") if x.proto.label.startswith("Crear el punto focal")]
    assert "institution=DINAPEN" in str(link.proto)  # the account form opens prefilled


def _someone_else_saves(db_url: str, code: str, narrative: str) -> None:
    """Another browser of the same member saves first."""
    from tracker.db import session_scope
    from tracker.demo import ECUADOR_PLAN
    from tracker.models import ActionItem, Status
    from tracker.services import plans, reporting
    from tracker.services.permissions import actor_for
    from tracker.services.reporting import Target
    from tracker.services.reports import ReportContent

    engine = make_engine(db_url)
    with session_scope(engine) as session:
        plan = plans.get_plan(session, ECUADOR_PLAN)
        user = session.exec(select(User).where(User.email == "dinapen@demo.example")).one()
        item = session.exec(select(ActionItem).where(ActionItem.plan_id == plan.id,
                                                     ActionItem.code == code)).one()
        reporting.save_report(session, actor_for(session, user),
                              Target(item.id, Quarter(2026, 4), user.institution_id),
                              ReportContent(status=Status.IN_PROGRESS, percent_complete=30,
                                            narrative=narrative), expected_version=0)
    engine.dispose()


def _typed_in_spanish(percent: float, narrative: str) -> tuple[AppTest, object, str]:
    """DINAPEN's first missing report, filled in but not saved yet: the page, the form, the
    item's code."""
    at = go_to(app_as("dinapen@demo.example", "es"), "my-institution")
    expander = next(e for e in at.expander if "pendiente" in e.label)
    field(expander.selectbox, "status").select("in_progress")
    field(expander.number_input, "percent").set_value(percent)
    field(expander.text_area, "narrative").input(narrative)
    return at, expander, expander.label.split(" · ")[0]


def test_a_stale_form_keeps_what_was_typed_and_offers_both_versions(db_url):
    at, expander, code = _typed_in_spanish(55.0, "Texto de B que no debe perderse.")
    _someone_else_saves(db_url, code, "Texto de A, guardado primero.")
    next(b for b in expander.button if b.label == "Enviar").click()
    at.run()
    form = next(e for e in at.expander if e.label.startswith(code))
    assert field(form.text_area, "narrative").value == "Texto de B que no debe perderse."
    both = next(d.value for d in form.dataframe if "Su valor (conservado)" in d.value.columns)
    row = both.set_index(both.columns[0]).loc["Narrativa"]
    assert "Texto de A, guardado primero." in row.tolist()
    assert "Texto de B que no debe perderse." in row.tolist()
    next(b for b in form.button if b.label.startswith("Conservar el mío")).click()
    at.run()
    narratives = [r.narrative for r in _revisions(db_url)]
    assert narratives[-2:] == ["Texto de A, guardado primero.",
                               "Texto de B que no debe perderse."]
    assert [r.state for r in _revisions(db_url)][-1] == "submitted"


def test_a_save_into_a_quarter_closed_meanwhile_keeps_the_text_and_says_why(db_url):
    from tracker.db import session_scope
    from tracker.demo import ECUADOR_PLAN
    from tracker.models import PeriodState
    from tracker.services import lifecycle, plans
    from tracker.services.permissions import SYSTEM

    at, expander, code = _typed_in_spanish(20.0, "Escrito antes del cierre.")
    engine = make_engine(db_url)
    with session_scope(engine) as session:
        plan = plans.get_plan(session, ECUADOR_PLAN)
        lifecycle.set_period_state(session, SYSTEM, plan.id, Quarter(2026, 4), PeriodState.CLOSED)
    engine.dispose()
    next(b for b in expander.button if b.label == "Guardar borrador").click()
    at.run()
    assert any("El trimestre 2026-Q4 está cerrado: pida su reapertura" in e.value
               for e in at.error)
    form = next(e for e in at.expander if e.label.startswith(code))
    assert field(form.text_area, "narrative").value == "Escrito antes del cierre."
    assert at.header[0].value == "Reportes de T4 2026"
    assert _revisions(db_url) == []


def test_the_meeting_form_keeps_values_on_a_refusal_and_clears_after_saving(db_url):
    at = go_to(app_as("coordinacion@demo.example", "es"), "meetings")
    present = at.multiselect(key="meeting:present")
    assert all(" · " in option for option in present.options)  # acronym and name
    assert not any(o.startswith("MPFN") for o in present.options)  # not in this plan
    at.text_input(key="meeting:place").input("Quito, Cancillería")
    at.text_area(key="meeting:minutes").input("Evaluación trimestral.")
    next(b for b in at.button if b.label == "Guardar reunión").click()
    at.run()
    assert any("al menos una institución" in e.value for e in at.error)
    assert at.text_input(key="meeting:place").value == "Quito, Cancillería"
    at.multiselect(key="meeting:present").select("OIM")
    next(b for b in at.button if b.label == "Guardar reunión").click()
    at.run()
    assert any(s.value == "Guardado." for s in at.success)
    assert at.text_input(key="meeting:place").value == ""  # empty again: no duplicate
    assert at.text_area(key="meeting:minutes").value == ""
    lines = at.selectbox(key=next(s.key for s in at.selectbox if s.key.endswith(":line")))
    assert all(" · " in option for option in lines.options)  # code and name


def test_small_things_of_the_member_page_read_right(db_url):
    at = go_to(app_as("dinapen@demo.example", "es"), "my-institution")
    expander = next(e for e in at.expander if "pendiente" in e.label)
    assert "En curso" in field(expander.selectbox, "status").options
    at.query_params["lang"] = "en"
    at.run()  # the language switch: the status words follow
    expander = next(e for e in at.expander if "missing" in e.label)
    assert "In progress" in field(expander.selectbox, "status").options
    submitted = next(e for e in at.expander if "submitted" in e.label)
    code = submitted.label.split(" · ")[0]
    field(submitted.text_area, "narrative").input("A correction after submitting.")
    next(b for b in submitted.button if b.label == "Save draft").click()
    at.run()
    assert any(s.value == f"Draft of {code} saved. The submitted version still counts until "
               "you submit this one." for s in at.success)
    drafts = next(b for b in at.button if b.key == "submit_drafts")
    assert drafts.label == "Submit the draft"  # one draft: singular (it read "all 1 drafts")
    drafts.click()
    at.run()
    assert any(s.value == "The report was submitted." for s in at.success)


def test_the_reviewer_is_told_when_a_member_confirmed_past_a_warning(db_url):
    at = go_to(app_as("dinapen@demo.example"), "my-institution")
    expander = _first_missing_form(at)
    code = expander.label.split(" · ")[0]
    field(expander.selectbox, "status").select("completed")
    field(expander.number_input, "percent").set_value(80.0)
    next(b for b in expander.button if b.label == "Submit").click()
    at.run()
    at.button(key=next(b.key for b in at.button if b.label == "Save anyway")).click()
    at.run()
    review = go_to(app_as("coordinacion@demo.example"), "review")
    [expander] = [e for e in review.expander if e.label.startswith(f"{code} · DINAPEN")]
    warning = next(w.value for w in expander.warning)
    assert warning.startswith("The member confirmed despite this warning:")
    assert "The status is completed but the progress is below 100%." in warning


def test_a_signed_out_link_to_a_page_signs_in_there(db_url):
    at = dashboard()
    at.query_params["lang"] = "es"
    at.run()
    [review] = [h for h, info in at._registered_pages.items()
                if info["url_pathname"] == "review"]
    at._page_hash = review  # the browser opened /review, signed out
    at.run()
    assert not at.exception and at.text_input(key="email")  # the sign-in form, no "not found"
    at = sign_in(at, "coordinacion@demo.example")
    assert at.title[0].value == "Revisar reportes"  # where the link pointed


def test_the_overview_of_a_locked_quarter_says_its_figures_are_live(db_url):
    from tracker.db import session_scope
    from tracker.demo import ECUADOR_PLAN
    from tracker.services import lifecycle, meetings, plans
    from tracker.services.permissions import SYSTEM

    engine = make_engine(db_url)
    with session_scope(engine) as session:
        plan = plans.get_plan(session, ECUADOR_PLAN)
        meeting = meetings.record_meeting(session, SYSTEM, plan.id, "2026-Q3",
                                          date(2026, 10, 20), ["OIM"])
        lifecycle.lock_quarter(session, SYSTEM, plan.id, Quarter(2026, 3), meeting.id,
                               confirm=Quarter(2026, 3))
    engine.dispose()
    at = app_as("observador@demo.example")
    at.selectbox(key="quarter").select(Quarter(2026, 3)).run()
    assert any(i.value.startswith("Q3 2026 was locked at its meeting. These are today's")
               for i in at.info)
    at.selectbox(key="quarter").select(Quarter(2026, 4)).run()
    assert not any("was locked at its meeting" in i.value for i in at.info)


def test_an_item_form_keeps_what_was_typed_when_someone_saved_first(db_url):
    from dataclasses import replace

    from tracker.db import session_scope
    from tracker.models import ActionItem
    from tracker.services import plan_admin
    from tracker.services.permissions import SYSTEM

    item_id = _item_id(db_url, "1.1")
    at = go_to(app_as("coordinacion@demo.example"), "plan")
    at.selectbox(key="edit:item").set_value(item_id).run()
    form = f"item:{item_id}"
    at.text_input(key=f"{form}:title").input("Título escrito por B")
    engine = make_engine(db_url)
    with session_scope(engine) as session:  # A saves first, in another browser
        fields, version = plan_admin.item_fields(session, SYSTEM, item_id)
        plan_id = session.get(ActionItem, item_id).plan_id
        plan_admin.save_item(session, SYSTEM, plan_id, replace(fields, title="Título de A"),
                             item_id=item_id, expected_version=version)
    engine.dispose()
    next(b for b in at.button if b.label == "Save item").click()
    at.run()
    assert at.text_input(key=f"{form}:title").value == "Título escrito por B"  # kept
    assert any("Someone saved this item after you opened it" in w.value for w in at.warning)
    theirs = at.dataframe[-1].value
    assert "Título de A" in theirs.iloc[:, 1].tolist()
    at.button(key=f"{form}:keep").click().run()
    next(b for b in at.button if b.label == "Save item").click()
    at.run()
    assert any(s.value == "Saved." for s in at.success)
    engine = make_engine(db_url)
    with Session(engine) as session:
        assert session.get(ActionItem, item_id).title == "Título escrito por B"
    engine.dispose()


def _item_id(db_url: str, code: str) -> int:
    from tracker.models import ActionItem, Plan

    return _one(db_url, select(ActionItem.id).join(Plan).where(
        Plan.name == ECUADOR_PLAN, ActionItem.code == code))


def test_a_coordinator_corrects_a_closed_quarter_saying_why(db_url):
    at = go_to(app_as("coordinacion@demo.example"), "item")
    at.selectbox(key="item").set_value(_item_id(db_url, "1.4")).run()  # PN, in progress
    at.selectbox(key="correct:quarter").set_value(Quarter(2026, 3)).run()
    form = next(e for e in at.expander if e.label.startswith("Correct a report"))
    field(form.number_input, "percent").set_value(66.0)
    field(form.text_area, "narrative").input("Figures sent by e-mail after the close.")
    next(b for b in form.button if b.label == "Submit").click()
    at.run()
    assert any("says why: write the reason" in e.value for e in at.error)
    form = next(e for e in at.expander if e.label.startswith("Correct a report"))
    assert field(form.text_area, "narrative").value == "Figures sent by e-mail after the close."
    at.text_input(key="correct:reason").input("The focal point was on leave")
    next(b for b in form.button if b.label == "Submit").click()
    at.run()
    history = at.dataframe[-1].value
    assert any("reason: — → The focal point was on leave" in c for c in history.iloc[:, -1])


def test_a_coordinator_creates_an_empty_plan_from_the_form(db_url):
    at = go_to(app_as("coordinacion@demo.example", "es"), "plan-files")
    at.text_input(key="newplan:name").input("Plan fronterizo 2027")
    at.text_input(key="newplan:first").input("2027-Q1")
    at.text_input(key="newplan:last").input("2026-Q4")  # before the first: refused
    next(b for b in at.button if b.label == "Crear el plan").click()
    at.run()
    assert at.error and at.text_input(key="newplan:name").value == "Plan fronterizo 2027"
    at.text_input(key="newplan:last").input("2028-Q4")
    next(b for b in at.button if b.label == "Crear el plan").click()
    at.run()
    assert any(s.value == "Se creó el plan Plan fronterizo 2027; usted lo coordina."
               for s in at.success)
    assert _plan_id(db_url, "Plan fronterizo 2027")
