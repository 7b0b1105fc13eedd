"""The plan management page (pages/plan_admin_page.py): quarters and items."""

from __future__ import annotations

from sqlmodel import Session

from tests.apptest import (
    app_as,
    focuses_its_message,
    form_field,
    go_to,
    item_id_of,
    press,
    said_at,
    sends_label,
)
from tracker.db import make_engine
from tracker.demo import ECUADOR_PLAN
from tracker.quarters import Quarter

OPEN_Q1_2027 = "period:open:2027-Q1:2026-Q4:yes"  # "Open Q1 2027 and close Q4 2026"


def test_coordinator_opens_the_next_quarter_and_adds_an_item(db_url):
    at = go_to(app_as("coordinacion@demo.example"), "plan")
    assert at.title[0].value == "Plan management"
    periods = at.dataframe[0].value
    assert periods.set_index("Quarter").loc["Q4 2026", "State"] == "open"
    at.selectbox(key="period:quarter").select(Quarter(2027, 1)).run()
    at.button(key="period:open").click().run()
    assert not at.success  # nothing closed in silence: the page asks first
    assert f"Opening Q1 2027 of {ECUADOR_PLAN}" in at.warning[0].value
    assert "closes Q4 2026" in at.warning[0].value
    assert at.dataframe[0].value.set_index("Quarter").loc["Q4 2026", "State"] == "open"
    press(at, OPEN_Q1_2027)
    assert said_at(at, "flash:ok:plan_admin:period") == [
        ("success", f"Q1 2027 of {ECUADOR_PLAN} is open for reports; Q4 2026 is closed.")]
    periods = at.dataframe[0].value.set_index("Quarter")
    assert (periods.loc["Q1 2027", "State"], periods.loc["Q4 2026", "State"]) == (
        "open", "closed")
    form = "item:0"
    form_field(at.text_input, form, "code").input("7.1")
    form_field(at.text_input, form, "title").input("Mesa técnica con fiscalías provinciales")
    form_field(at.text_input, form, "start").input("2027-Q1")
    form_field(at.text_input, form, "due").input("2029-Q4")  # beyond the plan
    next(b for b in at.button if b.label == "Save item").click()
    at.run()
    assert any("within the plan (Q1 2025 to Q4 2027)" in e.value for e in at.error)
    form_field(at.text_input, form, "due").input("2027-Q4")
    next(b for b in at.button if b.label == "Save item").click()
    at.run()
    assert any(s.value == "Saved." for s in at.success)
    labels = at.selectbox(key="edit:item").options
    assert any(label.startswith("7.1 · Mesa técnica") for label in labels)


def test_an_item_form_keeps_what_was_typed_when_someone_saved_first(db_url):
    from dataclasses import replace

    from tracker.db import session_scope
    from tracker.models import ActionItem
    from tracker.services import plan_admin
    from tracker.services.permissions import SYSTEM

    item_id = item_id_of(db_url, "1.1")
    at = go_to(app_as("coordinacion@demo.example"), "plan")
    at.selectbox(key="edit:item").set_value(item_id).run()
    form = f"item:{item_id}"
    form_field(at.text_input, form, "title").input("Título escrito por B")
    engine = make_engine(db_url)
    with session_scope(engine) as session:  # A saves first, in another browser
        fields, version = plan_admin.item_fields(session, SYSTEM, item_id)
        plan_id = session.get(ActionItem, item_id).plan_id
        plan_admin.save_item(session, SYSTEM, plan_id, replace(fields, title="Título de A"),
                             item_id=item_id, expected_version=version)
    engine.dispose()
    next(b for b in at.button if b.label == "Save item").click()
    at.run()
    assert form_field(at.text_input, form, "title").value == "Título escrito por B"  # kept
    assert any("Someone saved this item after you opened it" in w.value for w in at.warning)
    theirs = at.dataframe[-1].value
    assert "Título de A" in theirs.iloc[:, 1].tolist()
    form_field(at.button, form, "keep").click().run()
    next(b for b in at.button if b.label == "Save item").click()
    at.run()
    assert any(s.value == "Saved." for s in at.success)
    engine = make_engine(db_url)
    with Session(engine) as session:
        assert session.get(ActionItem, item_id).title == "Título escrito por B"
    engine.dispose()



def test_a_language_switch_keeps_the_period_chosen(db_url):
    """Issue 26, item 5: the period's quarter chosen in English stays chosen in Spanish (the
    browser sends it as it showed it, "Q1 2027")."""
    at = go_to(app_as("coordinacion@demo.example"), "plan")
    at.selectbox(key="period:quarter").select(Quarter(2027, 1)).run()
    at.button_group(key="language_switch").set_value("es")
    sends_label(at.selectbox(key="period:quarter"), "Q1 2027")
    at.run()
    sends_label(at.selectbox(key="period:quarter"), "Q1 2027")  # until the browser relabels
    at.run()
    assert not at.exception
    period = at.selectbox(key="period:quarter")
    assert period.value == Quarter(2027, 1)
    assert period.format_func(period.value) == "T1 2027"


def test_the_coordinator_sets_the_plans_time_zone_and_the_history_follows_it(db_url):
    """The demo plan starts in the configured zone (America/Guayaquil); a coordinator moves it
    to Lima: saved, and the history's times are then named in Peru's zone."""
    from tests.apptest import plan_id_of
    from tracker.demo import ECUADOR_PLAN
    from tracker.models import Plan

    at = go_to(app_as("coordinacion@demo.example", "es"), "plan")
    [zone] = [s for s in at.selectbox if s.key.startswith("time_zone:")]
    assert zone.value == "America/Guayaquil" and zone.label == "Zona horaria del plan"
    zone.select("America/Lima")
    next(b for b in at.button if b.label == "Guardar la zona horaria").click()
    at.run()
    assert any(s.value == "Guardado." for s in at.success)
    engine = make_engine(db_url)
    with Session(engine) as session:
        assert session.get(Plan, plan_id_of(db_url, ECUADOR_PLAN)).time_zone == "America/Lima"
    engine.dispose()
    at = go_to(at, "activity")
    whens = set(at.table[0].value["Cuándo"])
    assert whens and all(w.endswith("(hora estándar de Perú)") for w in whens), whens


def _state(at, quarter: str) -> str:
    return at.dataframe[0].value.set_index("Quarter").loc[quarter, "State"]


def test_closing_a_quarter_asks_first_naming_it_and_says_so_under_its_buttons(db_url):
    """Issue 26, items 6 and 7: "Close" no longer closes at once; the question names the
    quarter, the plan and what members lose; the outcome is said under the buttons, with the
    focus."""
    at = go_to(app_as("coordinacion@demo.example"), "plan")
    box = "confirm:box:period:close:2026-Q4"
    press(at, "period:close")
    assert _state(at, "Q4 2026") == "open"  # one press only asks
    assert said_at(at, box) == [("warning", f"Close Q4 2026 of {ECUADOR_PLAN}: members can no "
                                            "longer submit its reports (coordinators can still "
                                            "correct them, giving a reason).")]
    assert focuses_its_message(at, box)
    assert at.button(key="period:close:2026-Q4:yes").label == "Close Q4 2026"
    press(at, "period:close:2026-Q4:no")  # cancelled: nothing happened, the question is gone
    assert not said_at(at, box) and _state(at, "Q4 2026") == "open"
    press(at, "period:close")
    press(at, "period:close:2026-Q4:yes")
    assert _state(at, "Q4 2026") == "closed"
    assert said_at(at, "flash:ok:plan_admin:period") == [
        ("success", f"Q4 2026 of {ECUADOR_PLAN} is closed: members can no longer submit its "
                    "reports.")]
    assert focuses_its_message(at, "flash:ok:plan_admin:period")
    assert not said_at(at, box)
    assert not [s for s in at.main.success if s not in at.get_by_key(
        "flash:ok:plan_admin:period")]  # said once, under the buttons: not at the page's top


def test_closing_says_cerrar_in_spanish(db_url):
    """Issue 26, items 6 and 9: "Cerrar" closes a quarter ("Bloquear" locks it: the meetings
    page's test)."""
    at = go_to(app_as("coordinacion@demo.example", "es"), "plan")
    assert at.button(key="period:close").label == "Cerrar"
    press(at, "period:close")
    assert at.button(key="period:close:2026-Q4:yes").label == "Cerrar T4 2026"


def test_archiving_an_item_asks_first_naming_it(db_url):
    item_id = item_id_of(db_url, "1.1")
    at = go_to(app_as("coordinacion@demo.example"), "plan")
    at.selectbox(key="edit:item").set_value(item_id).run()
    press(at, "edit:archive")
    [(kind, question)] = said_at(at, f"confirm:box:edit:archive:{item_id}")
    assert kind == "warning" and question.startswith("Archive item 1.1 · ")
    assert "(archived)" not in at.selectbox(key="edit:item").format_func(item_id)
    press(at, f"edit:archive:{item_id}:yes")
    assert "(archived)" in at.selectbox(key="edit:item").format_func(item_id)
    assert said_at(at, "flash:ok:plan_admin:archive") == [
        ("success", "Item 1.1 archived: it no longer counts in the figures.")]
    press(at, "edit:archive")  # restoring takes nothing away: at once
    assert "(archived)" not in at.selectbox(key="edit:item").format_func(item_id)
