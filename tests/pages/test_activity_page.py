"""The plan's history page (pages/activity_page.py)."""

from __future__ import annotations

from tests.apptest import app_as, go_to
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
