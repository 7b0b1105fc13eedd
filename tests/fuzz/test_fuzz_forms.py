"""The report form's values fuzzed with hypothesis: whatever reaches the service, a save lands
whole or is refused with a message naming the field; never an exception of another kind,
never half a save."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import select

from tests.factories import PlanBuilder
from tracker.errors import InvalidInput, NotFound
from tracker.i18n import t
from tracker.models import ActionItem, Meeting, Report, ReportRevision, Status
from tracker.quarters import Quarter
from tracker.services import meetings, plan_admin, reporting
from tracker.services.accounts import add_user
from tracker.services.permissions import SYSTEM, actor_for
from tracker.services.plan_admin import ItemFields
from tracker.services.reporting import NeedsConfirmation, Target
from tracker.services.reports import ReportContent

NUMBERS = st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True),
                    st.integers(-10**9, 10**9))
TEXTS = st.one_of(st.just(""), st.text(max_size=40), st.just("x" * 10_001),
                  st.just("<script>alert(1)</script>"), st.just("=cmd|' /C calc'!A0"),
                  st.just("pegado de Word\x00"))
LINKS = st.one_of(st.none(), st.sampled_from(["https://example.org/acta.pdf",
                                               "javascript:alert(1)", "ftp://files", "http://",
                                               "https://x.org/" + "a" * 1200, "acta.pdf"]),
                  st.text(max_size=30))
CONTENTS = st.builds(ReportContent, status=st.one_of(st.none(), st.sampled_from(list(Status))),
                     percent_complete=NUMBERS, indicator_value=NUMBERS, narrative=TEXTS,
                     obstacles=TEXTS, next_steps=TEXTS, evidence_link=LINKS,
                     nothing_to_report=st.booleans())


def _plan(session, *institutions: str) -> PlanBuilder:
    """One line, one item 1.1 led by the first institution, open in 2026-Q4."""
    plan = PlanBuilder(session, last="2027-Q2")
    for acronym in institutions:
        plan.institution(acronym)
    plan.line("1")
    plan.item("1.1", line="1", lead=institutions[0], start="2026-Q1", due="2027-Q2",
              target=100)
    return plan


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(content=CONTENTS, confirmed=st.booleans(), submit=st.booleans())
def test_any_form_values_save_whole_or_are_refused_naming_the_field(session, content, confirmed,
                                                                    submit):
    savepoint = session.begin_nested()
    plan = _plan(session, "A")
    user = add_user(session, SYSTEM, email="a@example.org", display_name="a", role="member",
                    password="long enough pw", institution="A", plans=[plan.plan])
    member = actor_for(session, user)
    target = Target(plan.items["1.1"].id, Quarter(2026, 4), plan.institutions["A"].id)
    try:
        saved = reporting.save_report(session, member, target, content, expected_version=0,
                                      submit=submit, confirmed=confirmed)
    except InvalidInput as error:
        assert t(error.key, "es", **error.values)  # a sentence, in both languages
        assert t(error.key, "en", **error.values)
        assert session.exec(select(Report)).all() == []  # nothing half-written
    except NeedsConfirmation:
        assert not confirmed
        assert session.exec(select(Report)).all() == []
    else:
        [revision] = session.exec(select(ReportRevision).where(
            ReportRevision.report_id == saved.id)).all()
        percent = revision.percent_complete
        assert percent is None or (math.isfinite(percent) and 0 <= percent <= 100)
        value = revision.indicator_value
        assert value is None or (math.isfinite(value) and value >= 0)
        link = revision.evidence_link
        assert not link or link.startswith(("https://", "http://"))  # "" is no link
        assert len(revision.narrative) <= 10_000
    finally:
        savepoint.rollback()


QUARTERS = st.sampled_from(["2026-Q1", "2026-Q4", "2027-Q2", "2030-Q1", "T3 2026", "2026-Q9",
                            "", "Q1", "2026-Q1\x00"])
ACRONYMS = st.sampled_from(["A", "B", "Z", "", "a", "A\x00"])


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(fields=st.builds(
    ItemFields, code=TEXTS, title=TEXTS, description=TEXTS, line=st.sampled_from(["1", "9", ""]),
    lead=ACRONYMS, supporters=st.lists(ACRONYMS, max_size=3).map(tuple),
    start_quarter=QUARTERS, due_quarter=QUARTERS, indicator=st.one_of(st.none(), TEXTS),
    unit=st.one_of(st.none(), TEXTS), baseline=NUMBERS, target=NUMBERS,
    weight=st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(-5, 5000))),
    minutes=TEXTS, present=st.lists(ACRONYMS, max_size=3))
def test_any_item_or_meeting_form_values_save_whole_or_are_refused(session, fields, minutes,
                                                                   present):
    savepoint = session.begin_nested()
    plan = _plan(session, "A", "B")
    session.flush()
    items_before = len(session.exec(select(ActionItem)).all())
    try:  # the quarters are text as typed in the form, read the way the page reads them
        item = plan_admin.save_item(session, SYSTEM, plan.plan.id, replace(
            fields, start_quarter=plan_admin.form_quarter(fields.start_quarter),
            due_quarter=plan_admin.form_quarter(fields.due_quarter)))
    except InvalidInput as error:
        assert t(error.key, "es", **error.values) and t(error.key, "en", **error.values)
        with session.no_autoflush:
            assert len(session.exec(select(ActionItem)).all()) == items_before
        session.expunge_all()  # what the page's rolled-back transaction would drop
    else:
        assert item.target is None or (math.isfinite(item.target) and item.target >= 0)
        assert item.baseline is None or math.isfinite(item.baseline)
        assert math.isfinite(item.weight) and 0 < item.weight <= 1000
        assert "\x00" not in item.title + item.description
    try:
        meeting = meetings.record_meeting(session, SYSTEM, plan.plan.id, Quarter(2026, 3),
                                          date(2026, 10, 15), present, minutes)
    except InvalidInput as error:
        assert t(error.key, "en", **error.values)
        with session.no_autoflush:  # the refused meeting is still pending in this session
            assert session.exec(select(Meeting)).all() == []
    else:
        assert "\x00" not in meeting.minutes
    finally:
        savepoint.rollback()


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(email=st.one_of(st.sampled_from(["ana@example.org", "ANA@EXAMPLE.ORG ", "ana@", "@x.org",
                                        "ana@example.org\x00", "a" * 300 + "@x.org"]),
                       st.emails(), st.text(max_size=30)),
       name=TEXTS, role=st.sampled_from(["member", "coordinator", "observer", "admin", "root",
                                         ""]),
       password=st.one_of(st.text(max_size=40), st.just("short"), st.just("x" * 5000)),
       institution=st.one_of(st.none(), ACRONYMS))
def test_any_account_form_values_create_one_account_or_are_refused(session, email, name, role,
                                                                   password, institution):
    savepoint = session.begin_nested()
    plan = PlanBuilder(session, last="2027-Q2")
    plan.institution("A")
    session.flush()
    try:
        user = add_user(session, SYSTEM, email=email, display_name=name, role=role,
                        password=password, institution=institution, plans=[plan.plan])
    except (InvalidInput, NotFound) as error:  # an unknown institution is NotFound
        assert t(error.key, "es", **error.values) and t(error.key, "en", **error.values)
        session.expunge_all()
    else:
        assert "@" in user.email and user.email == user.email.strip().lower()
        assert user.password_hash.startswith("$argon2")  # never the password itself
        assert "\x00" not in user.email + user.display_name
    finally:
        savepoint.rollback()
