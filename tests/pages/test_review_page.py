"""The review page (pages/review_page.py): approving, returning, missing reports,
reminders, as coordinators use it."""

from __future__ import annotations

from sqlmodel import Session, select

from tests.apptest import (
    app_as,
    field,
    first_missing_form,
    focuses_its_message,
    form_field,
    go_to,
    said_at,
    said_under,
    shown,
)
from tracker.db import make_engine
from tracker.quarters import Quarter


def test_coordinator_approves_and_returns_and_the_member_sees_the_comment(db_url):
    at = go_to(app_as("coordinacion@demo.example"), "review")
    assert at.title[0].value == "Review reports"
    waiting = len(at.expander)
    first = at.expander[0]
    [approve] = [b for b in first.button if b.label == "Approve"]
    approve.click()
    at.run()
    # said above the list it left (issue 26, item 7), with the focus
    assert said_at(at, "flash:ok:review:waiting") == [("success", "Report approved.")]
    assert focuses_its_message(at, "flash:ok:review:waiting")
    assert len(at.expander) == waiting - 1
    dinapen = next(e for e in at.expander if "DINAPEN" in e.label)
    [give_back] = [b for b in dinapen.button if b.label == "Return with comment"]
    give_back.click()
    at.run()
    dinapen = next(e for e in at.expander if "DINAPEN" in e.label)
    [(kind, refusal, focus)] = said_under(dinapen, "flash:no:review:")  # in its panel
    assert kind == "error" and "Comment: say what the member should change." in refusal
    assert focus
    dinapen = next(e for e in at.expander if "DINAPEN" in e.label)
    dinapen.text_area[0].input("Please attach the attendance lists.")
    [give_back] = [b for b in dinapen.button if b.label == "Return with comment"]
    give_back.click()
    at.run()
    assert any(s.value == "Report returned with your comment." for s in at.success)
    member = go_to(app_as("dinapen@demo.example"), "my-institution")
    assert any("Returned by the coordinator: Please attach the attendance lists." in w.value
               for w in member.warning)


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
    next(b for b in at.button if b.key.startswith("review:remind:")).click().run()
    [(kind, text)] = said_at(at, "review:reminded")  # under the button, with the focus
    assert kind == "info" and "No hay servidor de correo configurado" in text
    assert focuses_its_message(at, "review:reminded")
    messages = [c.value for c in at.code]
    assert any("Punto focal DINAPEN" in m for m in messages)
    # in each person's language: OIM's focal point reads English
    assert all(("Q4 2026" if "Punto focal OIM" in m else "T4 2026") in m for m in messages)
    engine = make_engine(db_url)
    with Session(engine) as session:
        recorded = session.exec(select(Reminder)).all()
    engine.dispose()
    assert len(recorded) == len(messages) and {r.channel for r in recorded} == {"copied"}


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
    assert form_field(meetings.selectbox, "meeting", "quarter").value == Quarter(2027, 1)


def test_the_reviewer_is_told_when_a_member_confirmed_past_a_warning(db_url):
    at = go_to(app_as("dinapen@demo.example"), "my-institution")
    expander = first_missing_form(at)
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
