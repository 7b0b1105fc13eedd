"""Institutions shared between plans: which plans use one (leading or supporting an item), and
what a change to an existing one would touch, in words a coordinator reads."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.factories import PlanBuilder
from tracker.services import institutions


@pytest.fixture
def other(session, plan) -> PlanBuilder:
    """A second plan in which A only supports an item led by its own institution F."""
    b = PlanBuilder(session, name="Other plan")
    b.institution("F", "PE")
    b.institutions["A"] = plan.institutions["A"]
    b.line("1")
    b.item("1.1", line="1", lead="F", start="2026-Q1", due="2026-Q4", supporters=("A",))
    return b


def _row(institution, **changes) -> institutions.InstitutionValues:
    return replace(institutions.InstitutionValues(
        institution.acronym, institution.name, institution.country, institution.kind),
        **changes)


def test_a_plan_uses_the_institutions_that_lead_or_support_its_items(session, plan, other):
    unused = plan.institution("U")  # in the database, in no item
    ids = {acronym: i.id for acronym, i in plan.institutions.items()} | {
        "F": other.institutions["F"].id}
    assert institutions.plans_using(session, [ids["A"], ids["B"], ids["F"], unused.id]) == {
        ids["A"]: {plan.plan.id, other.plan.id}, ids["B"]: {plan.plan.id},
        ids["F"]: {other.plan.id}, unused.id: set()}
    assert institutions.plans_using(session, []) == {}
    assert institutions.plan_institution_ids(session, other.plan.id) == {ids["A"], ids["F"]}
    assert [i.acronym for i in institutions.plan_institutions(session, [plan.plan.id])] == [
        "A", "B"]
    assert [i.acronym for i in institutions.plan_institutions(
        session, [plan.plan.id, other.plan.id])] == ["A", "B", "F"]
    assert institutions.plan_institutions(session, []) == []


def test_a_change_names_the_other_plans_that_use_the_institution(session, plan, other):
    a, b = plan.institutions["A"], plan.institutions["B"]
    rows = [_row(a, name="A renamed"), _row(b, country="PE", kind="police"), _row(
        a, acronym="NEW", name="Not yet in the database")]
    found = {c.acronym: c for c in institutions.changes(session, rows, plan.plan.id)}
    assert set(found) == {"A", "B"}  # a new institution is no change to an existing one
    assert (found["A"].changed_fields, found["A"].other_plans) == (("name",), ("Other plan",))
    assert (found["A"].before["name"], found["A"].after["name"]) == (a.name, "A renamed")
    assert (found["B"].changed_fields, found["B"].other_plans) == (("country", "kind"), ())
    # seen from the other plan, this plan is the one also using A
    [seen] = institutions.changes(session, [_row(a, name="A renamed")], other.plan.id)
    assert seen.other_plans == (plan.plan.name,)
    # a new plan (no id yet): every plan using it is another plan
    [new] = institutions.changes(session, [_row(a, name="A renamed")], None)
    assert new.other_plans == tuple(sorted([plan.plan.name, other.plan.name]))
    assert institutions.changes(session, [_row(a), _row(b)], plan.plan.id) == []  # unchanged


def test_the_description_says_what_would_change_who_else_uses_it_and_whether_kept(
        session, plan, other):
    a = plan.institutions["A"]
    [change] = institutions.changes(session, [_row(a, name="A renamed")], plan.plan.id)
    text = institutions.describe(change, "en")
    assert text.startswith("A: name would change from")
    assert a.name in text and "A renamed" in text and "also used by Other plan" in text
    assert "kept as it is" not in text
    kept = institutions.describe(replace(change, applied=False), "en")
    assert kept.startswith(text) and "kept as it is" in kept
    assert "también la usa: Other plan" in institutions.describe(change, "es")
    [alone] = institutions.changes(session, [_row(plan.institutions["B"], name="B renamed")],
                                   plan.plan.id)
    assert "also used by" not in institutions.describe(alone, "en")
