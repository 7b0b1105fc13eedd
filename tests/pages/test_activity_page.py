"""The plan's history page (pages/activity_page.py)."""

from __future__ import annotations

from tests.apptest import app_as, go_to, sends_label
from tracker.quarters import Quarter


def test_the_plans_history_page_lists_events_in_spanish_with_a_csv(db_url):
    at = go_to(app_as("coordinacion@demo.example", "es"), "my-account")
    at = go_to(app_as("coordinacion@demo.example", "es"), "plan")
    at.selectbox(key="period:quarter").select(Quarter(2027, 1)).run()
    at.button(key="period:open").click().run()
    at.button(key="period:open:2027-Q1:2026-Q4:yes").click().run()
    at = go_to(at, "activity")
    assert at.title[0].value == "Historial del plan"
    # a table whose before → after wraps (a data frame cut it at 1280 px: issue 26, item 11)
    assert not at.dataframe
    events = at.table[0].value
    assert "Trimestre abierto" in events["Qué"].tolist()
    assert "Trimestre cerrado" in events["Qué"].tolist()
    opened = events[events["Qué"] == "Trimestre abierto"].iloc[0]
    assert opened["Trimestre"] == "T1 2027" and "estado del reporte" not in opened[
        "Antes → después"]
    assert "Secretaría técnica" in opened["Quién"]
    at.selectbox(key="act:kind").select("reporting_period").run()
    assert set(at.table[0].value["Qué"]) <= {"Trimestre abierto", "Trimestre cerrado"}
    assert at.get("download_button")[0].proto.label == "Historial (CSV)"



def test_a_language_switch_keeps_every_filter_chosen(db_url):
    """Issue 26, item 5: a browser sends a choice as the label it shows, still the former
    language's after a switch; the filters fell back to "all"."""
    at = go_to(app_as("coordinacion@demo.example"), "activity")
    at.selectbox(key="act:kind").select("reporting_period")
    at.selectbox(key="act:quarter").select(Quarter(2026, 3)).run()
    at.button_group(key="language_switch").set_value("es")
    sends_label(at.selectbox(key="act:kind"), "Quarters")
    sends_label(at.selectbox(key="act:quarter"), "Q3 2026")
    at.run()
    assert not at.exception
    assert at.title[0].value == "Historial del plan"
    kind, quarter = at.selectbox(key="act:kind"), at.selectbox(key="act:quarter")
    assert kind.value == "reporting_period" and quarter.value == Quarter(2026, 3)
    assert quarter.format_func(quarter.value) == "T3 2026"  # in the new language
    sends_label(at.selectbox(key="act:quarter"), "Q3 2026")  # the browser's next run
    at.selectbox(key="act:item").select_index(1).run()
    assert at.selectbox(key="act:kind").value == "reporting_period"
    assert at.selectbox(key="act:quarter").value == Quarter(2026, 3)
