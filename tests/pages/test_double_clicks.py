"""Every form that writes, pressed twice quickly (issue 26, item 2): two reruns carrying the
same drawn form (``tests.apptest.press_twice``) write once, and say nothing went wrong.

Streamlit delivers a double click as two rerun requests with the same widget states: the
second is made on the form as the browser drew it before the first one's outcome. Each form is
drawn under a token (``ui.actions.form_token``) that its write spends, so the second press
matches no widget of the form drawn afresh; when it comes before the first run spent the
token (the run cut short at a yield point), the service finds the token used and returns the
first outcome (``cut_short``)."""

from __future__ import annotations

import re

from sqlmodel import func, select

from tests.apptest import (
    app_as,
    field,
    first_missing_form,
    form_field,
    go_to,
    item_id_of,
    press_twice,
    pressed_states,
    query_one,
    record_demo_meeting,
    reopen_request,
    toggle,
)
from tracker.demo import ECUADOR_PLAN
from tracker.models import (
    ActionItem,
    AuditEntry,
    Decision,
    Meeting,
    Plan,
    Reminder,
    ReopenRequest,
    Report,
    ReportRevision,
    User,
)
from tracker.quarters import Quarter

CONFLICT = ("while you were editing", "mientras usted lo editaba")


def count(db_url: str, model: type, *where: object) -> int:
    return query_one(db_url, select(func.count()).select_from(model).where(*where))


def said_nothing_wrong(at) -> None:
    assert not at.exception
    assert [e.value for e in at.error] == []
    assert not any(c in w.value for w in at.warning for c in CONFLICT)


def button(at, label: str):
    return next(b for b in at.button if b.label == label)


def test_save_meeting_pressed_twice_records_one_meeting(db_url):
    at = go_to(app_as("coordinacion@demo.example", "es"), "meetings")
    before = count(db_url, Meeting)
    form_field(at.multiselect, "meeting", "present").select("OIM")
    form_field(at.text_area, "meeting", "minutes").input("Evaluación trimestral.")
    press_twice(at, button(at, "Guardar reunión"))
    said_nothing_wrong(at)
    assert count(db_url, Meeting) == before + 1
    assert form_field(at.text_area, "meeting", "minutes").value == ""  # a new, empty form


def test_save_meeting_pressed_again_before_the_first_run_ended_records_one_meeting(db_url):
    at = go_to(app_as("coordinacion@demo.example"), "meetings")
    before = count(db_url, Meeting)
    token = at.session_state["form_token:meeting"]
    form_field(at.multiselect, "meeting", "present").select("OIM")
    button(at, "Save meeting").click()
    states = pressed_states(at)
    at._run(states)
    at.session_state["form_token:meeting"] = token  # the first run cut short: not spent
    at._run(states)
    said_nothing_wrong(at)
    assert any(s.value == "Saved." for s in at.success)  # the first outcome, said again
    assert count(db_url, Meeting) == before + 1


def test_a_decision_pressed_twice_is_added_once(db_url):
    record_demo_meeting(db_url)
    at = go_to(app_as("coordinacion@demo.example"), "meetings")
    before = count(db_url, Decision)
    text = next(w for w in at.text_area if re.fullmatch(r"decision:\d+:[\w-]+:text", w.key))
    text.input("Train prosecutors in Imbabura")
    form = text.key.rsplit(":", 1)[0]
    [add] = [b for b in at.button if b.label == "Add decision" and form in b.proto.form_id]
    press_twice(at, add)
    said_nothing_wrong(at)
    assert count(db_url, Decision) == before + 1


def _ask_reopen(lang: str = "en"):
    at = go_to(app_as("dinapen@demo.example", lang), "my-institution")
    label = "Reopen a closed quarter" if lang == "en" else "Reabrir un trimestre cerrado"
    toggle(at, next(e for e in at.expander if e.label == label), True)
    return at


def test_send_request_pressed_twice_sends_one_request(db_url):
    at = _ask_reopen("es")
    form_field(at.text_area, "reopen", "reason").input("Faltaron las cifras de septiembre.")
    press_twice(at, button(at, "Enviar solicitud"))
    said_nothing_wrong(at)
    assert count(db_url, ReopenRequest) == 1


def test_grant_pressed_twice_grants_once_and_says_nothing_wrong(db_url):
    """Not "this request was already decided" under the first press's "Reopened"."""
    reopen_request(db_url)
    at = go_to(app_as("coordinacion@demo.example"), "meetings")
    press_twice(at, button(at, "Grant"))
    said_nothing_wrong(at)
    assert count(db_url, AuditEntry, AuditEntry.action == "grant_reopen") == 1


def test_submit_pressed_twice_saves_once_with_no_conflict_with_oneself(db_url):
    at = go_to(app_as("dinapen@demo.example", "es"), "my-institution")
    expander = next(e for e in at.expander if "pendiente" in e.label)
    code = expander.label.split(" · ")[0]
    field(expander.selectbox, "status").select("in_progress")
    field(expander.number_input, "percent").set_value(55.0)
    versions = _versions(db_url, code)
    press_twice(at, next(b for b in expander.button if b.label == "Enviar"))
    said_nothing_wrong(at)
    assert _versions(db_url, code) == versions + 1
    assert not any("Su valor" in str(d.value.columns) for d in at.dataframe)


def _versions(db_url: str, code: str, quarter: str = "2026-Q4") -> int:
    """How many versions the report of DINAPEN's item ``code`` has for the quarter."""
    return count(db_url, ReportRevision, ReportRevision.report_id.in_(
        select(Report.id).join(User, User.institution_id == Report.institution_id).where(
            Report.item_id == item_id_of(db_url, code), Report.quarter == quarter,
            User.email == "dinapen@demo.example")))


def _seen_key(db_url: str, code: str) -> str:
    """The report form's key of DINAPEN's item ``code`` in 2026-Q4 (``ui.report_form``)."""
    institution = query_one(db_url, select(User.institution_id).where(
        User.email == "dinapen@demo.example"))
    plan = query_one(db_url, select(Plan.id).where(Plan.name == ECUADOR_PLAN))
    return f"seen_version:{plan}:2026-Q4:{institution}:{item_id_of(db_url, code)}"


def test_submit_pressed_again_before_the_first_callback_ended_is_no_conflict(db_url):
    """The first press's callback cut short right after its save (before it noted the new
    version and spent the token): the second press, with the same token, gets the first save
    back instead of "Punto focal DINAPEN guardó este reporte mientras usted lo editaba"."""
    at = go_to(app_as("dinapen@demo.example"), "my-institution")
    expander = first_missing_form(at)
    code = expander.label.split(" · ")[0]
    seen = _seen_key(db_url, code)
    token_key, token = f"form_token:{seen}", at.session_state[f"form_token:{seen}"]
    versions, seen_before = _versions(db_url, code), at.session_state[seen]
    field(expander.selectbox, "status").select("in_progress")
    field(expander.number_input, "percent").set_value(40.0)
    next(b for b in expander.button if b.label == "Submit").click()
    states = pressed_states(at)
    at._run(states)
    at.session_state[seen] = seen_before  # as it was when the second press was made
    at.session_state[token_key] = token
    at._run(states)
    said_nothing_wrong(at)
    assert any(s.value == f"Report on {code} submitted." for s in at.success)
    assert _versions(db_url, code) == versions + 1
    assert at.session_state[seen] == versions + 1  # what the first save left


def test_submit_all_drafts_pressed_twice_submits_them_once(db_url):
    at = go_to(app_as("dinapen@demo.example"), "my-institution")
    expander = first_missing_form(at)
    field(expander.selectbox, "status").select("in_progress")
    field(expander.number_input, "percent").set_value(10.0)
    next(b for b in expander.button if b.label == "Save draft").click()
    at.run()
    submitted = count(db_url, ReportRevision, ReportRevision.state == "submitted")
    press_twice(at, next(b for b in at.button if b.key.startswith("submit_drafts:")))
    said_nothing_wrong(at)
    assert count(db_url, ReportRevision, ReportRevision.state == "submitted") == submitted + 1


def test_approve_pressed_twice_approves_once(db_url):
    at = go_to(app_as("coordinacion@demo.example"), "review")
    approved = count(db_url, ReportRevision, ReportRevision.state == "approved")
    [approve] = [b for b in at.expander[0].button if b.label == "Approve"]
    press_twice(at, approve)
    said_nothing_wrong(at)
    assert count(db_url, ReportRevision, ReportRevision.state == "approved") == approved + 1


def test_reminders_pressed_twice_are_recorded_once(db_url):
    at = go_to(app_as("coordinacion@demo.example"), "review")
    press_twice(at, next(b for b in at.button if b.key.startswith("review:remind:")))
    said_nothing_wrong(at)
    assert count(db_url, Reminder) == len(at.code) > 0  # one record a message to copy


def test_create_account_pressed_twice_makes_one_account(db_url):
    at = go_to(app_as("admin@demo.example"), "accounts")
    at.text_input(key="new:email").input("nuevo.punto@example.org")
    at.text_input(key="new:name").input("Nuevo punto focal")
    at.selectbox(key="new:role").select("member")
    at.selectbox(key="new:institution").select("INNFA")
    at.text_input(key="new:password").input("temporary-secret-1")
    press_twice(at, button(at, "Create account"))
    said_nothing_wrong(at)  # not "an account with this e-mail exists"
    assert count(db_url, User, User.email == "nuevo.punto@example.org") == 1


def test_create_plan_pressed_twice_makes_one_plan(db_url):
    at = go_to(app_as("coordinacion@demo.example", "es"), "plan-files")
    at.text_input(key="newplan:name").input("Plan fronterizo 2027")
    at.text_input(key="newplan:first").input("2027-Q1")
    at.text_input(key="newplan:last").input("2028-Q4")
    press_twice(at, button(at, "Crear el plan"))
    said_nothing_wrong(at)  # not "the name is taken"
    assert count(db_url, Plan, Plan.name == "Plan fronterizo 2027") == 1


def test_save_item_pressed_twice_makes_one_item(db_url):
    at = go_to(app_as("coordinacion@demo.example"), "plan")
    form_field(at.text_input, "item:0", "code").input("7.1")
    form_field(at.text_input, "item:0", "title").input("Mesa técnica con fiscalías")
    form_field(at.text_input, "item:0", "start").input("2027-Q1")
    form_field(at.text_input, "item:0", "due").input("2027-Q4")
    press_twice(at, button(at, "Save item"))
    said_nothing_wrong(at)  # not "code 7.1 is taken"
    assert count(db_url, ActionItem, ActionItem.code == "7.1") == 1


def test_a_correction_pressed_twice_is_saved_once(db_url):
    at = go_to(app_as("coordinacion@demo.example"), "item")
    item = item_id_of(db_url, "1.4")
    at.selectbox(key="item").set_value(item).run()
    at.selectbox(key="correct:quarter").set_value(Quarter(2026, 3)).run()
    at.text_input(key="correct:reason").input("The focal point was on leave")
    form = next(e for e in at.expander if e.label.startswith("Correct a report"))
    field(form.number_input, "percent").set_value(66.0)
    before = count(db_url, ReportRevision, ReportRevision.report_id.in_(
        select(Report.id).where(Report.item_id == item, Report.quarter == "2026-Q3")))
    press_twice(at, next(b for b in form.button if b.label == "Submit"))
    said_nothing_wrong(at)
    assert count(db_url, ReportRevision, ReportRevision.report_id.in_(
        select(Report.id).where(Report.item_id == item, Report.quarter == "2026-Q3"))) == (
        before + 1)


def test_finished_pressed_twice_ends_the_reopening_once(db_url):
    reopen_request(db_url, grant=True)
    at = go_to(app_as("innfa@demo.example"), "my-institution")
    at.selectbox(key="mine:quarter").select(Quarter(2026, 3)).run()
    button(at, "I have finished my corrections").click()
    at.run()
    press_twice(at, button(at, "Yes, I have finished my corrections of Q3 2026"))
    said_nothing_wrong(at)
    assert count(db_url, AuditEntry, AuditEntry.action == "finish_reopening") == 1


def test_end_the_reopening_pressed_twice_ends_it_once(db_url):
    reopen_request(db_url, grant=True)
    at = go_to(app_as("coordinacion@demo.example"), "meetings")
    button(at, "End the reopening").click()
    at.run()
    press_twice(at, button(at, "Yes, end the reopening of Q3 2026 for INNFA"))
    said_nothing_wrong(at)
    assert count(db_url, AuditEntry, AuditEntry.action == "end_reopening") == 1
