"""An action item's page: the items to choose from, and one item's figures quarter by quarter,
its reports' versions and the meeting decision it came from."""

from __future__ import annotations

from datetime import date

import pytest

from tracker.errors import NotAllowed
from tracker.models import ReportState, Role, Status
from tracker.quarters import Quarter, quarter_range
from tracker.services import items, meetings, plan_admin
from tracker.services.permissions import SYSTEM, Actor

Q3, Q4 = Quarter(2026, 3), Quarter(2026, 4)  # 2026-Q4 is open (today 2027-01-10)


def test_items_are_chosen_in_code_order_without_the_archived(session, plan, people):
    for code in ("1.10", "1.2", "1.3"):
        plan.item(code, line="1", lead="A", start="2026-Q1", due="2026-Q4")
    plan_admin.archive_item(session, SYSTEM, plan.items["1.3"].id)
    choices = items.item_choices(session, people["member"], plan.plan.id)
    assert [c.code for c in choices] == ["1.1", "1.2", "1.10", "2.1"]
    assert choices[0].id == plan.items["1.1"].id and choices[0].title == "Item 1.1"
    with pytest.raises(NotAllowed):
        items.item_choices(session, Actor(user_id=None), plan.plan.id)


def test_an_items_detail_follows_it_quarter_by_quarter_up_to_the_open_one(session, plan,
                                                                           people):
    plan.item("1.2", line="1", lead="A", start="2026-Q2", due="2026-Q3", supporters=("B",))
    plan.report("1.2", "2026-Q2", status=Status.IN_PROGRESS, percent=40, value=3)
    plan.report("1.2", "2026-Q2", "B", nothing=True)
    plan.report("1.2", "2026-Q3", status=Status.BLOCKED, percent=60,
                state=ReportState.SUBMITTED)
    detail = items.item_detail(session, people["member"], plan.items["1.2"].id)
    assert (detail.code, detail.line, detail.lead, detail.supporters) == (
        "1.2", "1 · Line 1", "A", ("B",))
    assert (detail.start_quarter, detail.due_quarter) == (Quarter(2026, 2), Q3)
    assert list(detail.figures["quarter"]) == [str(q) for q in quarter_range(
        detail.start_quarter, Q4)]  # from its start to the quarter pages open on
    by_quarter = detail.figures.set_index("quarter")
    assert list(by_quarter["progress"]) == [40, 60, 60]  # the last report carries on
    assert list(by_quarter["status"]) == ["in_progress", "blocked", "blocked"]
    assert by_quarter.loc[str(Q4), "bucket"] == "overdue"  # due in Q3, not done
    assert by_quarter.loc["2026-Q2", "indicator_value"] == 3
    history = [(e.quarter, detail.institutions[e.institution_id], e.state)
               for e in detail.history]
    assert history == [(Q3, "A", "submitted"), (Quarter(2026, 2), "B", "approved"),
                       (Quarter(2026, 2), "A", "approved")]  # newest first
    assert detail.origin is None


def test_an_item_from_a_meeting_decision_names_it(session, plan, people):
    meeting = meetings.record_meeting(session, people["coordinator"], plan.plan.id, Q3,
                                      date(2026, 10, 20), ["A"])
    meetings.add_decision(session, people["coordinator"], meeting.id, "Train judges",
                          item_id=plan.items["2.1"].id)
    origin = items.item_detail(session, people["member"], plan.items["2.1"].id).origin
    assert (origin.meeting_id, origin.quarter, origin.held_on, origin.decision) == (
        meeting.id, Q3, date(2026, 10, 20), "Train judges")


def test_an_items_detail_is_for_its_plans_readers(session, plan):
    observer = Actor(user_id=None, roles={plan.plan.id: frozenset({Role.OBSERVER})})
    assert items.item_detail(session, observer, plan.items["1.1"].id).code == "1.1"
    with pytest.raises(NotAllowed):
        items.item_detail(session, Actor(user_id=None), plan.items["1.1"].id)
