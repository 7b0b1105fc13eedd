"""The my-institution page (pages/my_institution_page.py): a member fills, saves and submits its
institution's reports."""

from __future__ import annotations

from sqlmodel import Session, select
from streamlit.testing.v1 import AppTest

from tests.apptest import (
    app_as,
    field,
    first_missing_form,
    form_field,
    go_to,
    item_panel,
    item_panels,
    reopen_request,
    said_under,
    sends_label,
    toggle,
)
from tracker.db import make_engine
from tracker.demo import ECUADOR_PLAN
from tracker.models import ReportRevision, User
from tracker.quarters import Quarter


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
    assert "Reports submitted: 2 of 8" in at.get("progress")[0].proto.text
    expander = first_missing_form(at)
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
    assert item_panel(at, code).proto.expanded  # its new state did not close it
    assert "Reports submitted: 3 of 8" in at.get("progress")[0].proto.text
    [revision] = _revisions(db_url)
    assert (revision.state, revision.percent_complete, revision.indicator_value) == (
        "submitted", 55, 6)


def test_a_doubtful_status_asks_for_confirmation_then_saves(db_url):
    at = go_to(app_as("dinapen@demo.example"), "my-institution")
    expander = first_missing_form(at)
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


def test_a_member_can_ask_to_reopen_when_no_quarter_is_open(db_url):
    from tracker.db import session_scope
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
    ask = next(e for e in member.expander if e.label == "Reopen a closed quarter")
    assert not ask.selectbox  # its form comes once it is opened
    toggle(member, ask, True)
    assert form_field(member.selectbox, "reopen", "q").value == Quarter(2026, 4)


def test_an_item_without_indicator_shows_no_indicator_field_and_no_nan(db_url):
    from tracker.db import session_scope
    from tracker.services import plan_admin, plans
    from tracker.services.permissions import SYSTEM
    from tracker.services.plan_admin import ItemFields

    engine = make_engine(db_url)
    with session_scope(engine) as session:
        plan = plans.get_plan(session, ECUADOR_PLAN)
        plan_admin.save_item(session, SYSTEM, plan.id, ItemFields(
            code="9.9", title="Hoja de ruta sin indicador", description="", line="1",
            lead="DINAPEN", supporters=(), start_quarter=Quarter(2026, 4),
            due_quarter=Quarter(2027, 2)))
    engine.dispose()
    at = go_to(app_as("dinapen@demo.example", "es"), "my-institution")
    expander = item_panel(toggle(at, item_panel(at, "9.9"), True), "9.9")
    labels = [w.label for w in expander.number_input] + [w.label for w in expander.selectbox]
    assert not any("nan" in label for label in labels)
    assert [w.key.rsplit(":", 1)[1] for w in expander.number_input] == ["percent"]
    assert "nan" not in " ".join(c.value for c in expander.caption)


def _someone_else_saves(db_url: str, code: str, narrative: str) -> None:
    """Another browser of the same member saves first."""
    from tracker.db import session_scope
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
    # a table whose narratives wrap (a data frame cut them at the right: issue 26, item 11)
    both = next(d.value for d in form.table
                if "Lo que usted escribió (se conserva)" in d.value.columns)
    row = both.set_index(both.columns[0]).loc["Narrativa"]
    assert "Texto de A, guardado primero." in row.tolist()
    assert "Texto de B que no debe perderse." in row.tolist()
    next(b for b in form.button if b.label.startswith("Conservar el mío")).click()
    at.run()
    narratives = [r.narrative for r in _revisions(db_url)]
    assert narratives[-2:] == ["Texto de A, guardado primero.",
                               "Texto de B que no debe perderse."]
    assert [r.state for r in _revisions(db_url)][-1] == "submitted"


def _a_conflict_met_by_a_submit(db_url: str) -> tuple[AppTest, str]:
    """DINAPEN typed its report in Spanish while another browser of it saved the same report
    first; then it pressed "Enviar": the page and the item's code."""
    at, expander, code = _typed_in_spanish(55.0, "Texto de B que no debe perderse.")
    _someone_else_saves(db_url, code, "Texto de A, guardado primero.")
    next(b for b in expander.button if b.label == "Enviar").click()
    return at.run(), code


def test_a_conflict_is_said_under_the_items_buttons_and_takes_the_focus(db_url):
    """Issue 26, item 7: after a save that meets a conflict the focus moved to the page's
    start; the conflict's message is drawn in the item's panel and takes the focus once, when
    it appears."""
    at, code = _a_conflict_met_by_a_submit(db_url)
    [(kind, text, focus)] = said_under(item_panel(at, code), "conflict:")
    assert kind == "error" and "mientras usted lo editaba" in text
    assert focus
    at.run()  # drawn again on the next run, without taking the focus a second time
    [(kind, _text, focus)] = said_under(item_panel(at, code), "conflict:")
    assert kind == "error" and not focus


def _in_columns(node, target) -> bool | None:
    """Whether ``target`` sits inside a column of ``node`` (None: not under ``node``)."""
    if node is target:
        return False
    for child in getattr(node, "children", {}).values():
        found = _in_columns(child, target)
        if found is not None:
            return found or getattr(node, "type", "") in ("column", "horizontal")
    return None


def test_the_conflicts_buttons_stand_one_under_the_other_with_their_labels_whole(db_url):
    """Issue 26, item 11: side by side in two columns, "Conservar el mío (se guarda como nueva
    versión sobre la suya)" was cut; each button now has the panel's whole width."""
    at, code = _a_conflict_met_by_a_submit(db_url)
    panel = item_panel(at, code)
    keep = next(b for b in panel.button if b.label.startswith("Conservar el mío"))
    take = next(b for b in panel.button if b.label.startswith("Tomar el suyo"))
    assert keep.label == "Conservar el mío (se guarda como nueva versión sobre la suya)"
    assert take.label == "Tomar el suyo (descartar lo que escribí)"
    assert _in_columns(panel, keep) is False and _in_columns(panel, take) is False


def test_a_save_into_a_quarter_closed_meanwhile_keeps_the_text_and_says_why(db_url):
    from tracker.db import session_scope
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
    assert any("El trimestre T4 2026 está cerrado: pida su reapertura" in e.value
               for e in at.error)
    form = next(e for e in at.expander if e.label.startswith(code))
    assert field(form.text_area, "narrative").value == "Escrito antes del cierre."
    assert at.header[0].value == "Reportes de T4 2026"
    assert _revisions(db_url) == []


def test_small_things_of_the_member_page_read_right(db_url):
    at = go_to(app_as("dinapen@demo.example", "es"), "my-institution")
    expander = next(e for e in at.expander if "pendiente" in e.label)
    assert "En curso" in field(expander.selectbox, "status").options
    at.query_params["lang"] = "en"
    at.run()  # the language switch: the status words follow
    expander = next(e for e in at.expander if "missing" in e.label)
    assert "In progress" in field(expander.selectbox, "status").options
    code = next(e for e in at.expander if "submitted" in e.label).label.split(" · ")[0]
    submitted = item_panel(toggle(at, item_panel(at, code), True), code)
    field(submitted.text_area, "narrative").input("A correction after submitting.")
    next(b for b in submitted.button if b.label == "Save draft").click()
    at.run()
    assert any(s.value == f"Draft of {code} saved. The submitted version still counts until "
               "you submit this one." for s in at.success)
    drafts = next(b for b in at.button if b.key.startswith("submit_drafts:"))
    assert drafts.label == "Submit the draft"  # one draft: singular (it read "all 1 drafts")
    drafts.click()
    at.run()
    assert any(s.value == "The report was submitted." for s in at.success)


def _form_widgets(expander) -> int:
    return sum(len(widgets) for widgets in (expander.selectbox, expander.number_input,
                                             expander.text_input, expander.text_area,
                                             expander.checkbox, expander.button))


def _report_texts(at: AppTest) -> list:
    return [w for w in at.text_area if w.key.startswith("form:")]


def test_only_the_first_missing_item_starts_open_and_a_closed_item_draws_nothing(db_url):
    at = go_to(app_as("dinapen@demo.example"), "my-institution")
    first = first_missing_form(at)
    assert [e.label for e in at.expander if e.proto.expanded] == [first.label]
    assert field(first.text_area, "narrative")  # its form is drawn
    others = [e for e in item_panels(at) if e.label != first.label]
    assert len(others) == 7  # DINAPEN's other items, missing ones included
    assert all(not e.proto.expanded and _form_widgets(e) == 0 and not e.caption
               and not e.dataframe for e in others)
    assert len(_report_texts(at)) == 3  # one report form: narrative, obstacles, next steps
    code = others[-1].label.split(" · ")[0]
    opened = item_panel(toggle(at, others[-1], True), code)
    assert opened.proto.expanded and field(opened.text_area, "narrative")
    assert len(_report_texts(at)) == 6


def _form_keys(expander) -> list[str]:
    return sorted(w.key for widgets in (expander.selectbox, expander.number_input,
                                         expander.text_input, expander.text_area,
                                         expander.checkbox) for w in widgets)


def test_an_opened_item_keeps_its_form_drawn_while_collapsed_so_typed_text_stays(db_url):
    """What a member types into a form stays in the browser until the form is submitted (AppTest
    drops it at every rerun, collapsed or not: tests/browser/test_reporting_browser.py follows
    the text itself); the browser keeps it as long as every run draws the form's widgets. So an
    item opened once draws its form, with the same widgets, in every run of the page."""
    at = go_to(app_as("dinapen@demo.example"), "my-institution")
    first = first_missing_form(at)
    code = first.label.split(" · ")[0]
    keys = _form_keys(first)
    assert len(keys) == 8  # status, percent, indicator, link, 3 texts, nothing to report
    toggle(at, first, False)
    collapsed = item_panel(at, code)
    assert not collapsed.proto.expanded and _form_keys(collapsed) == keys
    other = next(e for e in item_panels(at) if not e.label.startswith(f"{code} · "))
    other_code = other.label.split(" · ")[0]
    toggle(at, other, True)  # another item opened: a rerun that draws its form too
    toggle(at, item_panel(at, other_code), False)
    assert _form_keys(item_panel(at, code)) == keys
    assert _form_keys(item_panel(at, other_code))  # both stay drawn
    reopened = item_panel(toggle(at, item_panel(at, code), True), code)
    assert reopened.proto.expanded and _form_keys(reopened) == keys
    field(reopened.selectbox, "status").select("in_progress")
    field(reopened.number_input, "percent").set_value(35.0)
    field(reopened.text_area, "narrative").input("Typed, then saved.")
    next(b for b in reopened.button if b.label == "Save draft").click()
    at.run()
    assert [(r.narrative, r.percent_complete) for r in _revisions(db_url)] == [
        ("Typed, then saved.", 35)]
    assert item_panel(at, code).proto.expanded  # "missing" became "draft": still open


def test_a_new_visit_of_the_page_starts_with_only_the_first_missing_item_open(db_url):
    at = go_to(app_as("dinapen@demo.example"), "my-institution")
    first = first_missing_form(at)
    other = next(e for e in item_panels(at) if e.label != first.label)
    other_code = other.label.split(" · ")[0]
    toggle(at, other, True)
    go_to(at, "my-account")
    go_to(at, "my-institution")
    assert [e.label for e in item_panels(at) if e.proto.expanded] == [first.label]
    assert _form_widgets(item_panel(at, other_code)) == 0


def test_a_language_switch_mid_form_keeps_the_chosen_status(db_url):
    """Issue 26, item 5: a status chosen, the language switched, the form sent: the browser
    holds the unsent choice and sends it as it showed it ("In progress"); it is saved as
    chosen, and then shown in the new language."""
    at = go_to(app_as("dinapen@demo.example"), "my-institution")
    expander = first_missing_form(at)
    code = expander.label.split(" · ")[0]
    at.button_group(key="language_switch").set_value("es").run()
    assert at.title[0].value == "Mi institución"
    expander = next(e for e in at.expander if e.label.startswith(f"{code} · "))
    sends_label(field(expander.selectbox, "status"), "In progress")
    field(expander.number_input, "percent").set_value(40.0)
    next(b for b in expander.button if b.label == "Enviar").click()
    at.run()
    assert not at.exception
    assert any(s.value == f"Reporte de {code} enviado." for s in at.success)
    [revision] = _revisions(db_url)
    assert (revision.state, revision.status, revision.percent_complete) == (
        "submitted", "in_progress", 40)
    expander = next(e for e in at.expander if e.label.startswith(f"{code} · "))
    status = field(expander.selectbox, "status")
    assert status.format_func(status.value) == "En curso"


def test_a_submit_under_a_warning_is_said_in_the_items_panel_with_the_focus(db_url):
    """Issue 26, item 7: the question and then the outcome are drawn in the item's panel,
    under its buttons (the page's top said it before, out of sight), and take the focus."""
    at = go_to(app_as("dinapen@demo.example"), "my-institution")
    expander = first_missing_form(at)
    code = expander.label.split(" · ")[0]
    field(expander.selectbox, "status").select("completed")
    field(expander.number_input, "percent").set_value(80.0)
    next(b for b in expander.button if b.label == "Submit").click()
    at.run()
    panel = item_panel(at, code)
    [(kind, question, focus)] = said_under(panel, "confirm:")
    assert kind == "warning" and "Please confirm" in question and focus
    next(b for b in panel.button if b.label == "Save anyway").click()
    at.run()
    panel = item_panel(at, code)
    assert said_under(panel, "flash:ok:report:") == [
        ("success", f"Report on {code} submitted.", True)]
    assert not said_under(panel, "confirm:")
    at.run()  # said once
    assert not said_under(item_panel(at, code), "flash:ok:report:")


def test_discarding_what_was_typed_after_a_refusal_asks_first(db_url):
    """Issue 26, item 6: "Discard what I typed" drops text: it asks first, naming the report."""
    at = go_to(app_as("dinapen@demo.example"), "my-institution")
    expander = first_missing_form(at)
    code = expander.label.split(" · ")[0]
    field(expander.selectbox, "status").select("in_progress")
    field(expander.number_input, "percent").set_value(140.0)
    field(expander.text_area, "narrative").input("Texto que no debe perderse sin preguntar.")
    next(b for b in expander.button if b.label == "Save draft").click()
    at.run()
    panel = item_panel(at, code)
    next(b for b in panel.button if b.label == "Discard what I typed").click()
    at.run()
    panel = item_panel(at, code)
    [(kind, question, focus)] = said_under(panel, "confirm:box:discard:")
    assert kind == "warning" and question.startswith(f"Discard what you typed in the report on "
                                                     f"{code}") and focus
    assert field(panel.text_area, "narrative").value == (
        "Texto que no debe perderse sin preguntar.")  # nothing dropped yet
    next(b for b in panel.button if b.label == "Discard my text").click()
    at.run()
    panel = item_panel(at, code)
    assert field(panel.text_area, "narrative").value == ""  # the saved version: none
    assert not said_under(panel, "refused:")


def _submit(at: AppTest, panel, percent: float) -> AppTest:
    code = panel.label.split(" · ")[0]
    panel = item_panel(toggle(at, panel, True), code)
    field(panel.selectbox, "status").select("in_progress")
    field(panel.number_input, "percent").set_value(percent)
    field(panel.checkbox, "nothing").uncheck()
    next(b for b in panel.button if b.label == "Enviar").click()
    return at.run()


def test_a_reopened_quarter_stays_open_after_a_report_until_the_institution_finishes(db_url):
    """Issue 26, item 1: INNFA's T3 2026, granted; after one report was submitted, "Ningún
    trimestre … abierto" and the other ten could not be sent."""
    reopen_request(db_url, grant=True)  # INNFA's T3 2026, for two weeks
    at = go_to(app_as("innfa@demo.example", "es"), "my-institution")
    at.selectbox(key="mine:quarter").select(Quarter(2026, 3)).run()
    assert at.header[0].value == "Reportes de T3 2026"
    assert any("T3 2026 está reabierto para su institución hasta el 24 ene 2027" in i.value
               for i in at.info)
    panels = item_panels(at)
    assert len(panels) >= 2
    first, second = (p.label.split(" · ")[0] for p in panels[:2])
    _submit(at, item_panel(at, first), 45.0)
    assert any(s.value == f"Reporte de {first} enviado." for s in at.success)
    assert at.header[0].value == "Reportes de T3 2026"  # still reopened: the other reports
    _submit(at, item_panel(at, second), 55.0)
    assert not at.error
    assert any(s.value == f"Reporte de {second} enviado." for s in at.success)
    next(b for b in at.button if b.label == "Terminé mis correcciones").click()
    at.run()
    assert any("Al terminar, T3 2026 vuelve a cerrarse" in w.value for w in at.warning)
    next(b for b in at.button if b.label == "Sí, terminé mis correcciones de T3 2026").click()
    at.run()
    assert any(s.value.startswith("Sus correcciones de T3 2026 terminaron") for s in at.success)
    assert at.header[0].value == "Reportes de T4 2026"  # back to the open quarter alone
    assert not any(s.key == "mine:quarter" for s in at.selectbox)
