"""What an institution has to report for a quarter: its led and supported items in scope, the
last figures, its own report so far and the other institutions' contributions."""

from __future__ import annotations

import pytest

from tests.factories import PlanBuilder, people_of, three_institution_plan
from tracker import metrics
from tracker.errors import NotAllowed
from tracker.models import ReportState, Status
from tracker.quarters import Quarter
from tracker.services import reporting
from tracker.services.permissions import SYSTEM
from tracker.services.reporting import Target
from tracker.services.reports import ReportContent
from tracker.services.worklist import worklist

OPEN = Quarter(2026, 4)  # today is 2027-01-10


@pytest.fixture
def plan(session) -> PlanBuilder:
    return three_institution_plan(session)


@pytest.fixture
def people(session, plan):
    return people_of(session, plan, "a", "b", "coordinator", "observer")


def content(percent=40.0, status=Status.IN_PROGRESS, **kwargs) -> ReportContent:
    return ReportContent(status=status, percent_complete=percent, **kwargs)


def target(plan, code="1.1", quarter=OPEN, institution="A") -> Target:
    return Target(plan.items[code].id, quarter, plan.institutions[institution].id)


def test_worklist_holds_led_and_supported_items_with_others_contributions(session, plan,
                                                                          people):
    reporting.save_report(session, people["a"], target(plan), content(40), expected_version=0,
                          submit=True)
    items = worklist(session, people["b"], plan.plan.id, Quarter(2026, 4),
                     plan.institutions["B"].id)
    assert [(w.code, w.role) for w in items] == [("1.1", "support"), ("1.2", "lead")]
    assert [(c.institution, c.percent_complete) for c in items[0].others] == [("A", 40)]
    assert all(w.missing for w in items)
    with pytest.raises(NotAllowed):
        worklist(session, people["b"], plan.plan.id, Quarter(2026, 4),
                 plan.institutions["A"].id)


def test_items_done_before_the_quarter_are_not_asked_for_again(session, plan, people):
    plan.report("1.2", "2026-Q3", status=Status.COMPLETED, percent=100)
    items = worklist(session, people["b"], plan.plan.id, Quarter(2026, 4),
                     plan.institutions["B"].id)
    assert [w.code for w in items] == ["1.1"]
    head = metrics.headline(session, plan.plan.id, Quarter(2026, 4))
    assert head.expected_reports == 2  # A and B on 1.1, as the worklists say


def _codes(session, actor, plan, institution, quarter=OPEN):
    return [w.code for w in worklist(session, actor, plan.plan.id, quarter,
                                     plan.institutions[institution].id)]


def test_the_last_figures_are_the_leads_counting_report_before_the_quarter(session, plan,
                                                                         people):
    plan.report("1.1", "2026-Q2", status=Status.IN_PROGRESS, percent=20, value=5)
    plan.report("1.1", "2026-Q3", status=Status.BLOCKED, percent=30, value=12)
    plan.report("1.1", "2026-Q3", percent=35, state=ReportState.DRAFT)  # does not count
    plan.report("1.1", "2026-Q3", "B", percent=90)  # a supporter's: never the item's figures
    reporting.save_report(session, people["a"], target(plan), content(60), expected_version=0,
                          submit=True)  # this quarter's: what is being reported, not "last"
    items = {w.code: w for w in worklist(session, people["b"], plan.plan.id, OPEN,
                                         plan.institutions["B"].id)}
    last = items["1.1"]
    assert (last.last_status, last.last_progress, last.last_indicator_value) == (
        "blocked", 30, 12)
    assert (last.role, last.lead, last.target, last.due_quarter) == (
        "support", "A", 100, Quarter(2027, 2))
    assert (items["1.2"].last_status, items["1.2"].last_progress,
            items["1.2"].last_indicator_value) == (None, 0, None)  # never reported
    assert items["1.2"].role == "lead" and items["1.2"].own is None


def test_only_items_in_scope_are_asked_for(session, plan, people):
    from tracker.services import plan_admin

    assert _codes(session, people["a"], plan, "A") == ["1.1"]  # 1.3 starts in 2027-Q1
    assert _codes(session, people["a"], plan, "A", Quarter(2027, 1)) == ["1.1", "1.3"]
    plan.report("1.2", "2026-Q3", status=Status.CANCELLED, percent=10)
    assert _codes(session, people["b"], plan, "B") == ["1.1"]
    plan_admin.archive_item(session, SYSTEM, plan.items["1.1"].id)
    assert _codes(session, people["b"], plan, "B") == []
    assert _codes(session, people["a"], plan, "A", Quarter(2027, 1)) == ["1.3"]


def test_a_draft_is_still_missing_and_nothing_to_report_is_not(session, plan, people):
    reporting.save_report(session, people["a"], target(plan), content(40), expected_version=0)
    reporting.save_report(session, people["b"], target(plan, "1.2", institution="B"),
                          ReportContent(nothing_to_report=True), expected_version=0,
                          submit=True)
    [mine] = worklist(session, people["a"], plan.plan.id, OPEN, plan.institutions["A"].id)
    assert (mine.own.state, mine.own.percent_complete, mine.missing) == ("draft", 40, True)
    b_items = {w.code: w for w in worklist(session, people["b"], plan.plan.id, OPEN,
                                           plan.institutions["B"].id)}
    assert b_items["1.2"].own.nothing_to_report and not b_items["1.2"].missing
    assert b_items["1.1"].own is None and b_items["1.1"].missing
    assert [(c.institution, c.state) for c in b_items["1.1"].others] == [("A", "draft")]


def test_coordinators_open_any_institutions_worklist_observers_none(session, plan, people):
    assert _codes(session, people["coordinator"], plan, "B") == ["1.1", "1.2"]
    assert _codes(session, people["coordinator"], plan, "C") == []  # C takes part in nothing
    with pytest.raises(NotAllowed):
        worklist(session, people["observer"], plan.plan.id, OPEN, plan.institutions["A"].id)
