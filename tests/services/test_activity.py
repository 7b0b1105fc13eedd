"""The plan's history for people: every event with before → after in words, filterable."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from tracker.errors import NotAllowed
from tracker.models import PeriodState, Status
from tracker.quarters import Quarter
from tracker.services import activity, lifecycle, meetings, plan_admin, reporting
from tracker.services.plan_admin import ItemFields
from tracker.services.reporting import Target
from tracker.services.reports import ReportContent

Q3 = Quarter(2026, 3)  # the quarter the ``plan`` of tests/conftest.py reports


def _history(session, plan, people, **filters):  # noqa: F811
    return activity.activity(session, people["coordinator"], plan.plan.id,
                             activity.ActivityFilters(**filters), "es").events


def test_every_kind_of_event_is_listed_in_words(session, plan, people):  # noqa: F811
    coordinator, member = people["coordinator"], people["member"]
    item = plan.items["1.1"]
    plan_admin.save_item(session, coordinator, plan.plan.id, ItemFields(
        code="1.1", title="Item 1.1", description="", line="1", lead="B", supporters=("A",),
        start_quarter=Quarter.parse(item.start_quarter),
        due_quarter=Quarter.parse(item.due_quarter), weight=2),
        item_id=item.id, expected_version=item.version)
    reporting.save_report(session, member,
                          Target(item.id, Quarter(2026, 4), plan.institutions["A"].id),
                          ReportContent(status=Status.IN_PROGRESS, percent_complete=40,
                                        narrative="Avance"), expected_version=0, submit=True)
    meeting = meetings.record_meeting(session, coordinator, plan.plan.id, Q3,
                                      date(2026, 10, 20), ["A"], place="Quito")
    lifecycle.lock_quarter(session, coordinator, plan.plan.id, Q3, meeting.id, confirm=Q3)
    request = lifecycle.request_reopen(session, member, plan.plan.id, Q3, "Faltó un taller")
    lifecycle.decide_reopen(session, coordinator, request.id, False, answer="Ya se discutió")
    lifecycle.set_period_state(session, coordinator, plan.plan.id, Quarter(2026, 4),
                               PeriodState.CLOSED)
    events = _history(session, plan, people)
    said = [activity.what(e, "es") for e in events]
    for expected in ("Acción modificada", "Reporte enviado", "Reunión registrada",
                     "Trimestre bloqueado en su reunión", "Reapertura pedida",
                     "Reapertura rechazada", "Trimestre cerrado"):
        assert expected in said, expected
    changed = next(e for e in events if e.kind == "action_item" and e.action == "update")
    lines = activity.describe(changed, "es")
    assert "institución responsable: A → B" in lines and "peso: 1 → 2" in lines
    assert "lead_institution_id" not in lines  # words, never raw field names
    report = next(e for e in events if e.kind == "report")
    assert (report.item, report.quarter, report.institution) == ("1.1", Quarter(2026, 4), "A")
    assert "estado: — → En curso" in activity.describe(report, "es")
    assert "próximos pasos" not in activity.describe(report, "es")  # nothing to say


def test_filters_by_institution_item_quarter_and_kind(session, plan, people):  # noqa: F811
    member = people["member"]
    for code in ("1.1", "2.1"):
        item = plan.items[code]
        institution = "A" if code == "1.1" else "B"
        actor = member if institution == "A" else people["coordinator"]
        reporting.save_report(session, actor, Target(item.id, Quarter(2026, 4),
                                                     plan.institutions[institution].id),
                              ReportContent(status=Status.IN_PROGRESS, percent_complete=10),
                              expected_version=0)
    assert {e.institution for e in _history(session, plan, people, institution="B")} == {"B"}
    assert {e.item for e in _history(session, plan, people,
                                     item_id=plan.items["2.1"].id)} == {"2.1"}
    assert all(e.quarter == Quarter(2026, 4)
               for e in _history(session, plan, people, quarter=Quarter(2026, 4)))
    assert {e.kind for e in _history(session, plan, people, kind="report")} == {"report"}
    with pytest.raises(NotAllowed):  # the plan's history is the coordinators'
        activity.activity(session, member, plan.plan.id)
    assert activity.item_activity(session, member, plan.items["1.1"].id).events  # its own


def test_history_is_in_the_plans_time_zone_with_roles_and_dates_in_words(session, plan,
                                                                         people):  # noqa: F811
    """Times in the plan's zone (UTC−5 for Ecuador), named; roles, dates and the zone's own
    change in the reader's words, never "member" or "2026-12-07"."""
    from datetime import UTC, datetime

    from tracker.models import AuditEntry
    from tracker.services import accounts, plan_admin
    from ui.history import table

    coordinator = people["coordinator"]
    assert plan.plan.time_zone == "America/Guayaquil"  # the setting's default
    plan_admin.set_deadline(session, coordinator, plan.plan.id, Quarter(2026, 4),
                            date(2027, 1, 20))
    accounts.add_user(session, coordinator, email="nuevo@a.example", display_name="Nuevo",
                      role="member", password="Una clave larga de verdad 2026",
                      institution="A", plans=[plan.plan])
    plan_admin.set_time_zone(session, coordinator, plan.plan.id, "America/Lima")
    for entry in session.exec(select(AuditEntry)):
        entry.at = datetime(2026, 12, 7, 19, 55, tzinfo=UTC)  # 14:55 in Quito and Lima
        session.add(entry)
    session.flush()
    found = activity.activity(session, coordinator, plan.plan.id, activity.ActivityFilters(), "es")
    assert found.time_zone == "America/Lima"
    said = {activity.describe(e, "es") for e in found.events}
    assert "plazo: 15 ene 2027 → 20 ene 2027" in said
    assert "zona horaria: America/Guayaquil → America/Lima" in said
    assert any("rol: — → miembro" in text for text in said), said
    whens = set(table(found.events, "es", found.time_zone)["Cuándo"])
    assert whens == {"7 dic 2026, 14:55 (hora estándar de Perú)"}


def test_a_reopening_and_how_it_ended_are_in_the_history_in_both_languages(session, plan,
                                                                          people):
    """Issue 26, item 1: the grant with its end date, the institution's "I have finished",
    a coordinator's ending: each an event of the plan, with the end date in words."""
    coordinator, member = people["coordinator"], people["member"]
    first = lifecycle.request_reopen(session, member, plan.plan.id, Q3, "Faltó un taller")
    lifecycle.decide_reopen(session, coordinator, first.id, True)
    lifecycle.finish_reopening(session, member, plan.plan.id, Q3)
    again = lifecycle.request_reopen(session, member, plan.plan.id, Q3, "Otro taller")
    lifecycle.decide_reopen(session, coordinator, again.id, True, until=date(2027, 2, 1))
    lifecycle.end_reopening(session, coordinator, again.id)
    for lang, said in (("es", ("Reapertura concedida", "Correcciones terminadas",
                               "Reapertura terminada", "reabierto hasta: — → 24 ene 2027",
                               "reabierto hasta: 24 ene 2027 → 10 ene 2027",
                               "reabierto hasta: 1 feb 2027 → 10 ene 2027")),
                       ("en", ("Reopening granted", "Corrections finished", "Reopening ended",
                               "reopened until: — → Jan 24, 2027",
                               "reopened until: Jan 24, 2027 → Jan 10, 2027",
                               "reopened until: Feb 1, 2027 → Jan 10, 2027"))):
        events = activity.activity(session, coordinator, plan.plan.id, activity.ActivityFilters(),
                                   lang).events
        words = [f"{activity.what(e, lang)}: {activity.describe(e, lang)}" for e in events
                 if e.kind == "reopen_request"]
        for expected in said:
            assert any(expected in line for line in words), (expected, words)
        ended = [e for e in events if e.action in ("finish_reopening", "end_reopening")]
        assert {(e.quarter, e.institution) for e in ended} == {(Q3, "A")}
        assert {e.who for e in ended} == {"m@example.org", "c@example.org"}
