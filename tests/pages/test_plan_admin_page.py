"""The plan management page (pages/plan_admin_page.py): quarters and items."""

from __future__ import annotations

from sqlmodel import Session

from tests.apptest import app_as, go_to, item_id_of, sends_label
from tracker.db import make_engine
from tracker.quarters import Quarter


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
