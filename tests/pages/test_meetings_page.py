
"""The meetings page (pages/meetings_page.py): meetings, locking, reopening."""

from __future__ import annotations

from tests.apptest import app_as, go_to, toggle
from tracker.quarters import Quarter


def test_meeting_lock_and_reopen_request_from_a_member(db_url):
    at = go_to(app_as("coordinacion@demo.example"), "meetings")
    assert at.title[0].value == "Evaluation meetings"
    at.selectbox(key="meeting:quarter").select(Quarter(2026, 3))
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
    toggle(member, next(e for e in member.expander if e.label == "Reopen a closed quarter"), True)
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
