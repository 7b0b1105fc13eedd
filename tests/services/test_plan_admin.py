"""Keeping the plan: items, lines and institutions, on SQLite and PostgreSQL (opening and
closing quarters: tests/services/test_lifecycle.py)."""

from __future__ import annotations

import json

import pytest
from sqlmodel import select

from tests.factories import PlanBuilder
from tests.helpers import item_frame
from tracker.errors import InvalidInput, NotAllowed
from tracker.models import AuditEntry, Institution, StrategicLine
from tracker.quarters import Quarter
from tracker.services import plan_admin
from tracker.services.accounts import add_user
from tracker.services.permissions import SYSTEM, actor_for
from tracker.services.plan_admin import ItemFields

PASSWORD = "a long enough secret"


@pytest.fixture
def plan(session) -> PlanBuilder:
    b = PlanBuilder(session, last="2027-Q2")
    b.institution("A")
    b.institution("B")
    b.line("1")
    b.item("1.1", line="1", lead="A", start="2026-Q1", due="2026-Q4")
    return b


@pytest.fixture
def coordinator(session, plan):
    return actor_for(session, add_user(session, SYSTEM, email="c@example.org",
                                       display_name="C", role="coordinator",
                                       password=PASSWORD, plans=[plan.plan]))


@pytest.fixture
def member(session, plan):
    return actor_for(session, add_user(session, SYSTEM, email="m@example.org",
                                       display_name="M", role="member", institution="A",
                                       password=PASSWORD, plans=[plan.plan]))


def fields(**changes) -> ItemFields:
    values = dict(code="1.2", title="Train prosecutors", description="", line="1", lead="A",
                  supporters=("B",), start_quarter=Quarter(2026, 2),
                  due_quarter=Quarter(2027, 1),
                  indicator="Prosecutors trained", unit="people", baseline=0, target=50,
                  weight=2)
    values.update(changes)
    return ItemFields(**values)


def test_a_new_item_counts_in_the_figures(session, plan, coordinator):
    plan_admin.save_item(session, coordinator, plan.plan.id, fields())
    frame = item_frame(session, plan.plan.id, Quarter(2026, 4))
    row = frame.set_index("code").loc["1.2"]
    assert row["weight"] == 2 and row["expected"] == pytest.approx(75)


@pytest.mark.parametrize("bad, key", [
    (fields(code=""), "plan.field.code"),
    (fields(title="x" * 301), "plan.field.title"),
    (fields(due_quarter=Quarter(2025, 4)), "plan.field.span"),
    (fields(due_quarter=Quarter(2028, 1)), "plan.field.span"),
    (fields(weight=0), "plan.field.weight"),
    (fields(target=-1), "plan.field.indicator_negative"),
    (fields(lead="ZZ"), "plan.field.lead"),
    (fields(supporters=("B", "YY")), "plan.field.supporters"),
    (fields(line="9"), "plan.field.line"),
    (fields(code="1.1"), "plan.field.code_taken"),
])
def test_bad_items_are_refused_naming_the_field(session, plan, coordinator, bad, key):
    with pytest.raises(InvalidInput) as caught:
        plan_admin.save_item(session, coordinator, plan.plan.id, bad)
    assert caught.value.key == key


@pytest.mark.parametrize("typed", ["2026-Q9", "", "Q1", "2026-Q1\x00"])
def test_a_quarter_typed_in_the_item_form_that_is_none_is_refused_naming_the_field(typed):
    with pytest.raises(InvalidInput) as caught:
        plan_admin.form_quarter(typed)
    assert caught.value.key == "plan.field.quarter"


def test_a_quarter_typed_in_the_item_form_may_be_written_any_accepted_way():
    assert {plan_admin.form_quarter(typed) for typed in ("2026-Q3", "T3 2026", " q3 2026")} == {
        Quarter(2026, 3)}


def test_changing_the_lead_is_audited_and_stale_edits_refused(session, plan, coordinator):
    item = plan.items["1.1"]
    plan_admin.save_item(session, coordinator, plan.plan.id,
                         fields(code="1.1", lead="B", supporters=("A",)), item_id=item.id,
                         expected_version=1)
    entry = session.exec(select(AuditEntry).where(AuditEntry.entity == "action_item",
                                                  AuditEntry.action == "update")).one()
    before, after = json.loads(entry.before), json.loads(entry.after)
    assert before["lead_institution_id"] == plan.institutions["A"].id
    assert after["lead_institution_id"] == plan.institutions["B"].id
    with pytest.raises(InvalidInput) as caught:
        plan_admin.save_item(session, coordinator, plan.plan.id, fields(code="1.1"),
                             item_id=item.id, expected_version=1)
    assert caught.value.key == "plan.item_changed"


def test_archived_items_leave_the_figures_but_stay(session, plan, coordinator, member):
    plan_admin.archive_item(session, coordinator, plan.items["1.1"].id)
    assert item_frame(session, plan.plan.id, Quarter(2026, 4)).empty
    with pytest.raises(NotAllowed):
        plan_admin.archive_item(session, member, plan.items["1.1"].id, False)


def test_lines_and_institutions(session, plan, coordinator, member):
    plan_admin.save_line(session, coordinator, plan.plan.id, "2", "Awareness")
    plan_admin.save_line(session, coordinator, plan.plan.id, "2", "Awareness raising")
    names = session.exec(select(StrategicLine.name).where(StrategicLine.code == "2")).all()
    assert names == ["Awareness raising"]
    plan_admin.save_institution(session, coordinator, plan.plan.id, "FGE",
                                "Fiscalía General del Estado", "ec", "prosecution")
    assert session.exec(select(Institution.country).where(
        Institution.acronym == "FGE")).one() == "EC"
    with pytest.raises(InvalidInput):
        plan_admin.save_institution(session, coordinator, plan.plan.id, "X", "X", "Ecuador")
    with pytest.raises(NotAllowed):
        plan_admin.save_institution(session, member, plan.plan.id, "Y", "Y", "EC")


def test_a_coordinator_cannot_change_an_institution_another_plan_uses(session, plan,
                                                                       coordinator):
    other = PlanBuilder(session, name="Other plan")
    other.institution("FGN", country="CO")
    other.line("1")
    other.item("1.1", line="1", lead="FGN", start="2026-Q1", due="2026-Q4")
    with pytest.raises(NotAllowed) as caught:
        plan_admin.save_institution(session, coordinator, plan.plan.id, "FGN",
                                    "Renamed by plan 1", "CO")
    assert "also used by Other plan" in str(caught.value)
    assert other.institutions["FGN"].name == "FGN institution"
    # ... while an institution only this plan uses is the coordinator's to change
    plan_admin.save_institution(session, coordinator, plan.plan.id, "A", "A renamed", "EC")
    assert plan.institutions["A"].name == "A renamed"


def test_an_admin_changes_a_shared_institution_only_when_confirming(session, plan):
    admin = actor_for(session, add_user(session, SYSTEM, email="r@example.org",
                                        display_name="R", role="admin", password=PASSWORD,
                                        plans=[]))
    other = PlanBuilder(session, name="Other plan")
    other.line("1")
    other.institutions["A"] = plan.institutions["A"]
    other.item("1.1", line="1", lead="A", start="2026-Q1", due="2026-Q4")
    with pytest.raises(InvalidInput) as caught:
        plan_admin.save_institution(session, admin, plan.plan.id, "A", "New name", "EC")
    assert caught.value.key == "plan.institution_confirm"
    plan_admin.save_institution(session, admin, plan.plan.id, "A", "New name", "EC",
                                confirm_shared=True)
    assert plan.institutions["A"].name == "New name"
