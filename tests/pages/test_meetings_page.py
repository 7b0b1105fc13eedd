
"""The meetings page (pages/meetings_page.py): meetings, locking, reopening."""

from __future__ import annotations

from datetime import date

from sqlmodel import func, select

from tests.apptest import (
    app_as,
    focuses_its_message,
    form_field,
    go_to,
    press,
    query_one,
    reopen_request,
    said_at,
    toggle,
)
from tracker.demo import ECUADOR_PLAN
from tracker.i18n import day
from tracker.models import Decision, Meeting
from tracker.quarters import Quarter


def test_meeting_lock_and_reopen_request_from_a_member(db_url):
    at = go_to(app_as("coordinacion@demo.example"), "meetings")
    assert at.title[0].value == "Evaluation meetings"
    form_field(at.selectbox, "meeting", "quarter").select(Quarter(2026, 3))
    form_field(at.multiselect, "meeting", "present").select("OIM").select("DINAPEN")
    form_field(at.text_area, "meeting", "minutes").input("Quarterly evaluation in Quito.")
    next(b for b in at.button if b.label == "Save meeting").click()
    at.run()
    assert any(s.value == "Saved." for s in at.success)
    [meeting] = [e for e in at.expander if "Q3 2026" in e.label]
    lock = next(b for b in meeting.button if b.label.startswith("Lock Q3 2026"))
    lock.click()
    at.run()
    assert not at.success  # locking asks first, naming the quarter and the plan
    assert any(w.value.startswith(f"Lock Q3 2026 of {ECUADOR_PLAN}: its figures are kept")
               for w in at.warning)
    next(b for b in at.button if b.label == "Yes, lock Q3 2026").click()
    at.run()
    [meeting] = [e for e in at.expander if "Q3 2026" in e.label]
    assert [s.value for s in meeting.success] == [  # said in the meeting it locked
        f"Q3 2026 of {ECUADOR_PLAN} is locked; its figures are kept as presented."]

    member = go_to(app_as("dinapen@demo.example"), "my-institution")
    toggle(member, next(e for e in member.expander if e.label == "Reopen a closed quarter"), True)
    assert form_field(member.selectbox, "reopen", "q").value == Quarter(2026, 3)
    form_field(member.text_area, "reopen", "reason").input(
        "The September operations were left out.")
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
    present = form_field(at.multiselect, "meeting", "present")
    assert all(" · " in option for option in present.options)  # acronym and name
    assert not any(o.startswith("MPFN") for o in present.options)  # not in this plan
    form_field(at.text_input, "meeting", "place").input("Quito, Cancillería")
    form_field(at.text_area, "meeting", "minutes").input("Evaluación trimestral.")
    next(b for b in at.button if b.label == "Guardar reunión").click()
    at.run()
    assert any("al menos una institución" in e.value for e in at.error)
    assert form_field(at.text_input, "meeting", "place").value == "Quito, Cancillería"
    form_field(at.multiselect, "meeting", "present").select("OIM")
    next(b for b in at.button if b.label == "Guardar reunión").click()
    at.run()
    assert any(s.value == "Guardado." for s in at.success)
    place = form_field(at.text_input, "meeting", "place")
    assert place.value == ""  # empty again, under a new token: no duplicate
    assert form_field(at.text_area, "meeting", "minutes").value == ""
    lines = at.selectbox(key=next(s.key for s in at.selectbox if s.key.endswith(":line")))
    assert all(" · " in option for option in lines.options)  # code and name


def _record_meeting_with_decisions(at, db_url: str, held_on: date, decisions: list[str]) -> int:
    """A meeting on Q3 2026 (in Spanish) and its decisions, each saved message said under its
    form's button; the meeting's id."""
    form_field(at.selectbox, "meeting", "quarter").select(Quarter(2026, 3))
    form_field(at.date_input, "meeting", "date").set_value(held_on)
    form_field(at.multiselect, "meeting", "present").select("OIM")
    next(b for b in at.button if b.label == "Guardar reunión").click()
    at.run()
    assert said_at(at, "flash:ok:meetings:meeting") == [("success", "Guardado.")]
    assert focuses_its_message(at, "flash:ok:meetings:meeting")
    meeting_id = query_one(db_url, select(Meeting.id).where(Meeting.held_on == held_on))
    for text in decisions:
        form_field(at.text_area, f"decision:{meeting_id}", "text").input(text)
        next(b for b in at.button if b.label == "Agregar decisión"
             and b.form_id.startswith(f"decision:{meeting_id}:")).click()
        at.run()
        assert said_at(at, f"flash:ok:meetings:decision:{meeting_id}") == [
            ("success", "Guardado.")]
    return meeting_id


def test_deleting_a_meeting_asks_first_naming_its_date_and_its_decisions(db_url):
    """Issue 26, items 6 and 7: "Eliminar la reunión" only asks, naming the meeting and how
    many decisions go with it; "Bloquear" (not "Cerrar") locks."""
    at = go_to(app_as("coordinacion@demo.example", "es"), "meetings")
    held_on = date(2026, 12, 7)
    meeting_id = _record_meeting_with_decisions(
        at, db_url, held_on, ["Convocar a fiscalías", "Revisar el protocolo", "Informe anual"])
    lock = at.button(key=f"lock:{meeting_id}")
    assert lock.label.startswith("Bloquear T3 2026") and "errar" not in lock.label
    next(b for b in at.button if b.label == "Eliminar la reunión"
         and b.form_id == f"edit_meeting:{meeting_id}").click()
    at.run()
    box = f"confirm:box:meeting:delete:{meeting_id}"
    when = day(held_on, "es")
    assert said_at(at, box) == [("warning", (
        f"¿Eliminar la reunión del {when} sobre T3 2026 y sus 3 decisiones? Las acciones "
        "creadas a partir de ellas se mantienen en el plan; la eliminación queda en el "
        "historial del plan."))]
    assert focuses_its_message(at, box)
    assert query_one(db_url, select(Meeting.id).where(Meeting.id == meeting_id))  # still there
    yes = at.button(key=f"meeting:delete:{meeting_id}:yes")
    assert yes.label == f"Eliminar la reunión del {when}"
    yes.click()
    at.run()
    assert not any(when in e.label for e in at.expander)
    assert said_at(at, "flash:ok:meetings:list") == [("success", (
        f"Se eliminaron la reunión del {when} sobre T3 2026 y sus 3 decisiones (quedan en el "
        "historial del plan)."))]
    assert focuses_its_message(at, "flash:ok:meetings:list")


def test_deleting_a_decision_asks_first_quoting_it(db_url):
    at = go_to(app_as("coordinacion@demo.example", "es"), "meetings")
    meeting_id = _record_meeting_with_decisions(at, db_url, date(2026, 12, 8),
                                                ["Convocar a fiscalías"])
    decision_id = query_one(db_url, select(Decision.id).where(
        Decision.meeting_id == meeting_id))
    next(b for b in at.button if b.label == "Eliminar la decisión"
         and b.form_id == f"edit_decision:{decision_id}").click()
    at.run()
    box = f"confirm:box:decision:delete:{decision_id}"
    assert said_at(at, box) == [("warning", "¿Eliminar la decisión «Convocar a fiscalías»? La "
                                            "eliminación queda en el historial del plan.")]
    press(at, f"decision:delete:{decision_id}:no")  # cancelled: it stays
    assert not said_at(at, box)
    assert query_one(db_url, select(Decision.id).where(Decision.id == decision_id))
    next(b for b in at.button if b.label == "Eliminar la decisión"
         and b.form_id == f"edit_decision:{decision_id}").click()
    at.run()
    press(at, f"decision:delete:{decision_id}:yes")
    assert said_at(at, f"flash:ok:meetings:edit_meeting:{meeting_id}") == [
        ("success", "Se eliminó la decisión «Convocar a fiscalías» (queda en el historial del "
                    "plan).")]
    assert not any("Convocar a fiscalías" in m.value for m in at.markdown)


def test_a_corrected_meeting_says_so_in_it_or_above_the_list_when_its_date_moved(db_url):
    at = go_to(app_as("coordinacion@demo.example", "es"), "meetings")
    meeting_id = _record_meeting_with_decisions(at, db_url, date(2026, 12, 9), [])
    form = f"edit_meeting:{meeting_id}"
    at.text_area(key=f"{form}:minutes").input("Acta corregida.")
    next(b for b in at.button if b.label == "Guardar reunión" and b.form_id == form).click()
    at.run()
    [meeting] = [e for e in at.expander if day(date(2026, 12, 9), "es") in e.label]
    assert [s.value for s in meeting.success] == ["Guardado."]  # in the meeting's panel
    at.date_input(key=f"{form}:date").set_value(date(2026, 12, 10))
    next(b for b in at.button if b.label == "Guardar reunión" and b.form_id == form).click()
    at.run()  # a new date, a new title: said above the meetings, where it is listed
    assert said_at(at, "flash:ok:meetings:list") == [("success", "Guardado.")]


def test_a_grant_runs_until_its_day_and_a_coordinator_may_end_it(db_url):
    reopen_request(db_url)  # INNFA's T3 2026
    at = go_to(app_as("coordinacion@demo.example"), "meetings")
    until = next(d for d in at.date_input if d.label == "Reopened until (included)")
    assert until.value == date(2027, 1, 24)  # two weeks from today unless chosen
    until.set_value(date(2027, 2, 1))
    next(b for b in at.button if b.label == "Grant").click()
    at.run()
    assert any(s.value.startswith("Reopened for the institution") for s in at.success)
    assert any(h.value == "Quarters reopened now" for h in at.header)
    assert any("may correct its reports of Q3 2026 until Feb 1, 2027" in m.value
               for m in at.markdown)
    next(b for b in at.button if b.label == "End the reopening").click()
    at.run()
    assert any("closes Q3 2026 again for INNFA" in w.value for w in at.warning)
    next(b for b in at.button if b.label == "Yes, end the reopening of Q3 2026 for INNFA").click()
    at.run()
    assert any(s.value.startswith("The reopening is over") for s in at.success)
    assert not any(h.value == "Quarters reopened now" for h in at.header)
    member = go_to(app_as("innfa@demo.example"), "my-institution")
    assert any("Reopening of Q3 2026 ended" in w.value for w in member.warning)
    assert member.header[0].value == "Reports for Q4 2026"


def test_the_decisions_own_form_saves_the_decision_not_the_meeting(db_url):
    """Issue 26, item 9: the decision popover's button said "Guardar reunión"; it says "Guardar
    la decisión" (English "Save the decision") and saves the decision."""
    at = go_to(app_as("coordinacion@demo.example", "es"), "meetings")
    meeting_id = _record_meeting_with_decisions(at, db_url, date(2026, 12, 10),
                                                ["Convocar a fiscalías"])
    decision_id = query_one(db_url, select(Decision.id).where(
        Decision.meeting_id == meeting_id))
    form = f"edit_decision:{decision_id}"
    labels = [b.label for b in at.button if b.form_id == form]
    assert labels == ["Guardar la decisión", "Eliminar la decisión"]
    text = next(w for w in at.text_area if w.key.startswith(f"{form}:"))
    text.input("Convocar a fiscalías y defensorías")
    next(b for b in at.button if b.label == "Guardar la decisión" and b.form_id == form).click()
    at.run()
    assert said_at(at, f"flash:ok:meetings:{form}") == [("success", "Guardado.")]
    assert query_one(db_url, select(Decision.text).where(Decision.id == decision_id)) == (
        "Convocar a fiscalías y defensorías")
    assert query_one(db_url, select(func.count()).select_from(Meeting).where(
        Meeting.held_on == date(2026, 12, 10))) == 1  # no meeting saved again
    english = go_to(app_as("coordinacion@demo.example", "en"), "meetings")
    assert [b.label for b in english.button if b.form_id == form] == [
        "Save the decision", "Delete the decision"]
