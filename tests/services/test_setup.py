"""Getting started: the checklist from a new plan to its first review deck, step by step."""

from __future__ import annotations

from datetime import date

import pytest

from tests.factories import PlanBuilder, actor_with_role
from tracker.errors import NotAllowed
from tracker.models import PeriodState, Role, Status
from tracker.services import lifecycle, meetings, plans, reporting, setup
from tracker.services.permissions import SYSTEM
from tracker.services.reporting import Target
from tracker.services.reports import ReportContent


def test_the_checklist_of_a_new_plan_follows_what_was_done(session, tmp_path, existing):
    from tracker.services import setup

    plan, ana = existing
    steps = {s.key: s for s in setup.checklist(session, ana, plan.id).steps}
    assert steps["imported"].done and steps["quarter_open"].done  # 2026-Q4 open, a deadline
    assert not steps["focal_points"].done and steps["focal_points"].values == {"missing": 2}
    assert not steps["meeting"].done and not steps["deck"].done
    actor_with_role(session, "oim@example.org", Role.MEMBER, plan, institution="OIM")
    checklist = setup.checklist(session, ana, plan.id)
    assert checklist.without_focal_point == (("DINAPEN", "Policía especializada para niños"),)
    with pytest.raises(NotAllowed):  # a member does not keep the plan
        setup.checklist(session, actor_with_role(session, "x@example.org", Role.MEMBER, plan,
                                         institution="DINAPEN"), plan.id)


def test_the_checklist_says_when_the_open_quarters_deadline_has_passed(session, existing,
                                                                       monkeypatch):
    from tracker.services import setup

    plan, ana = existing
    step = next(s for s in setup.checklist(session, ana, plan.id).steps
                if s.key == "quarter_open")
    assert step.done and not step.values["late"]  # 2026-Q4's deadline: 15 Jan 2027
    monkeypatch.setenv("TRACKER_TODAY", "2027-01-20")
    steps = {s.key: s for s in setup.checklist(session, ana, plan.id).steps}
    assert not steps["reports"].done  # reports are missing: reminders or a later deadline
    step = steps["quarter_open"]
    assert step.values["late"] and not step.done  # asked for, not ticked beside the request


def _steps(session, actor, plan_id):
    return {s.key: s for s in setup.checklist(session, actor, plan_id).steps}


def test_the_steps_after_the_import_tick_as_reports_reviews_meeting_and_lock_happen(
        session, plan, people, monkeypatch):
    coordinator, quarter = people["coordinator"], plans.evaluation_quarter(plan.plan)
    steps = _steps(session, coordinator, plan.plan.id)
    assert steps["quarter_open"].values["quarter"] == quarter
    assert steps["reports"].values == {"received": 0, "expected": len(plan.items)}
    assert not steps["reports"].done and not steps["review"].done
    saved = [reporting.save_report(
        session, coordinator, Target(item.id, quarter, item.lead_institution_id),
        ReportContent(status=Status.IN_PROGRESS, percent_complete=60), expected_version=0,
        submit=True) for item in plan.items.values()]
    steps = _steps(session, coordinator, plan.plan.id)
    assert steps["reports"].done and steps["reports"].values["received"] == len(saved)
    with monkeypatch.context() as later:  # after 2026-Q4's deadline (15 Jan 2027)
        later.setenv("TRACKER_TODAY", "2027-01-20")
        step = _steps(session, coordinator, plan.plan.id)["quarter_open"]
        assert step.done and not step.values["late"]  # every report in: nothing more to ask
    assert not steps["review"].done and steps["review"].values == {"waiting": len(saved)}
    for report in saved:
        reporting.review(session, coordinator, report.id, approve=True,
                         expected_version=report.version)
    assert _steps(session, coordinator, plan.plan.id)["review"].done
    meeting = meetings.record_meeting(session, coordinator, plan.plan.id, quarter,
                                      date(2027, 1, 20), ["A"])
    steps = _steps(session, coordinator, plan.plan.id)
    assert steps["meeting"].done and not steps["deck"].done
    lifecycle.set_period_state(session, coordinator, plan.plan.id, quarter, PeriodState.CLOSED)
    assert not _steps(session, coordinator, plan.plan.id)["quarter_open"].done  # closed: no
    lifecycle.lock_quarter(session, coordinator, plan.plan.id, quarter, meeting.id,
                           confirm=quarter)
    checklist = setup.checklist(session, coordinator, plan.plan.id)
    assert [s.key for s in checklist.steps if not s.done] == ["focal_points"]
    assert checklist.without_focal_point == (("B", "B institution"),)  # A has the member
    assert not checklist.complete


def test_a_plan_without_items_has_everything_still_to_do(session):
    empty = PlanBuilder(session, name="Empty plan")
    steps = _steps(session, SYSTEM, empty.plan.id)
    assert (steps["imported"].done, steps["imported"].values) == (False, {"items": 0})
    assert not steps["reports"].done and not steps["review"].done  # nothing to receive
    assert steps["focal_points"].done  # no institution waits for one


def test_the_reports_waiting_are_those_the_review_page_lists(session, plan, people):
    from tracker.services.review import awaiting_review

    member, coordinator = people["member"], people["coordinator"]
    quarter = plans.evaluation_quarter(plan.plan)
    target = Target(plan.items["1.1"].id, quarter, plan.institutions["A"].id)
    reporting.save_report(session, member, target,
                          ReportContent(status=Status.IN_PROGRESS, percent_complete=60),
                          expected_version=0, submit=True)
    reporting.save_report(session, member, target,  # editing it again: a new draft
                          ReportContent(status=Status.IN_PROGRESS, percent_complete=65),
                          expected_version=1)
    listed = awaiting_review(session, coordinator, plan.plan.id, quarter)
    waiting = _steps(session, coordinator, plan.plan.id)["review"].values["waiting"]
    assert waiting == len(listed)
