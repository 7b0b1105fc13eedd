"""The figures as the overview reads them: which plans a person may choose, the quarters each
opens on, what the figures can be narrowed to, and the overview's figures themselves."""

from __future__ import annotations

from datetime import date

import pytest

from tests.factories import PlanBuilder
from tracker.errors import NotAllowed
from tracker.metrics import Filters
from tracker.models import PeriodState, Role
from tracker.quarters import Quarter, quarter_range
from tracker.services import figures, lifecycle, meetings, plan_admin
from tracker.services.permissions import SYSTEM, Actor

Q3, Q4 = Quarter(2026, 3), Quarter(2026, 4)  # 2026-Q4: open and under evaluation
Q3_PERCENT = {"1.1": 50, "2.1": 10}  # what the ``plan`` of tests/conftest.py reports in Q3


def _other_plan(session, name="Other plan"):
    other = PlanBuilder(session, name=name)
    other.institution("MPFN", "PE")
    other.line("1")
    other.item("1.1", line="1", lead="MPFN", start="2026-Q1", due="2026-Q4")
    return other


def test_a_person_chooses_among_the_plans_they_read_each_with_its_quarters(session, plan,
                                                                           people):
    other = _other_plan(session)
    [choice] = figures.plan_choices(session, people["member"])
    assert (choice.id, choice.name) == (plan.plan.id, plan.plan.name)
    assert choice.quarters == tuple(quarter_range(Quarter.parse(plan.first),
                                                  Quarter.parse(plan.last)))
    assert choice.open_quarter == choice.default_quarter == choice.under_evaluation == Q4
    assert choice.locked_quarters == ()
    assert [c.name for c in figures.plan_choices(session, SYSTEM)] == sorted(
        [plan.plan.name, other.plan.name])
    other.plan.archived = True
    session.add(other.plan)
    session.flush()
    assert [c.name for c in figures.plan_choices(session, SYSTEM)] == [plan.plan.name]


def test_without_an_open_quarter_pages_open_on_the_latest_reported(session, plan, people):
    coordinator = people["coordinator"]
    lifecycle.set_period_state(session, coordinator, plan.plan.id, Q4, PeriodState.CLOSED)
    meeting = meetings.record_meeting(session, coordinator, plan.plan.id, Q3,
                                      date(2026, 10, 20), ["A"])
    lifecycle.lock_quarter(session, coordinator, plan.plan.id, Q3, meeting.id, confirm=Q3)
    [choice] = figures.plan_choices(session, coordinator)
    assert choice.open_quarter is None
    assert choice.default_quarter == Q3  # the fixture's reports are of 2026-Q3
    assert choice.under_evaluation == Q4 and choice.locked_quarters == (Q3,)


def test_the_overview_can_be_narrowed_to_the_leads_countries_institutions_and_lines(
        session, plan, people):
    plan.institution("C", "PE")
    plan.line("10")  # after line 2, not between 1 and 2
    plan.item("1.2", line="1", lead="A", start="2026-Q1", due="2026-Q4", supporters=("C",))
    plan.item("10.1", line="10", lead="C", start="2026-Q1", due="2026-Q4")
    choices = figures.filter_choices(session, people["member"], plan.plan.id)
    assert choices.lines == (("1", "Line 1"), ("2", "Line 2"), ("10", "Line 10"))
    assert (choices.countries, choices.institutions) == (("CO", "EC", "PE"), ("A", "B", "C"))
    plan_admin.archive_item(session, SYSTEM, plan.items["10.1"].id)
    choices = figures.filter_choices(session, people["member"], plan.plan.id)
    # C now only supports an item: it leads nothing the figures could be narrowed to
    assert (choices.countries, choices.institutions) == (("CO", "EC"), ("A", "B"))
    with pytest.raises(NotAllowed):
        figures.filter_choices(session, Actor(user_id=None), plan.plan.id)


def test_the_overview_holds_the_quarters_figures_and_their_trend(session, plan, people):
    found = figures.overview(session, people["member"], plan.plan.id, Q3)
    assert found.headline.progress == pytest.approx(sum(Q3_PERCENT.values()) / 2)  # weights 1
    assert found.headline.items_in_scope == len(Q3_PERCENT)
    assert dict(zip(found.by_institution["label"], found.by_institution["progress"],
                    strict=True)) == {"A": Q3_PERCENT["1.1"], "B": Q3_PERCENT["2.1"]}
    assert dict(zip(found.by_country["label"], found.by_country["progress"], strict=True)) == {
        "EC": Q3_PERCENT["1.1"], "CO": Q3_PERCENT["2.1"]}
    assert list(found.trend_plan["quarter"]) == [str(q) for q in quarter_range(
        Quarter.parse(plan.first), Q3)]  # from the plan's first quarter
    assert list(found.trend_plan["progress"])[-1] == pytest.approx(found.headline.progress)
    assert sorted(found.items["code"]) == sorted(Q3_PERCENT)
    assert found.fiscal_start_month == plan.plan.fiscal_year_start_month
    colombia = figures.overview(session, people["member"], plan.plan.id, Q3,
                                Filters(countries=("CO",)))
    assert colombia.headline.progress == pytest.approx(Q3_PERCENT["2.1"])
    assert list(colombia.items["code"]) == ["2.1"]


def test_only_the_plans_readers_see_its_figures(session, plan):
    other = _other_plan(session)
    elsewhere = Actor(user_id=None, institution_id=other.institutions["MPFN"].id,
                      roles={other.plan.id: frozenset({Role.MEMBER})})
    with pytest.raises(NotAllowed):
        figures.overview(session, elsewhere, plan.plan.id, Q3)
    assert [c.name for c in figures.plan_choices(session, elsewhere)] == [other.plan.name]
    observer = Actor(user_id=None, roles={plan.plan.id: frozenset({Role.OBSERVER})})
    found = figures.overview(session, observer, plan.plan.id, Q3)
    assert found.headline.items_in_scope == len(Q3_PERCENT)
