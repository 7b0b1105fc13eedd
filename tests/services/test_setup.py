"""Getting started: the checklist from a new plan to its first review deck, step by step."""

from __future__ import annotations

import pytest

from tests.helpers import MINIMAL, write_workbook
from tracker.errors import NotAllowed
from tracker.models import Role
from tracker.services import accounts, plans
from tracker.services.imports import import_path
from tracker.services.permissions import SYSTEM, actor_for


def _person(session, email, role, plan=None, institution=None, admin=False):
    user = accounts.add_user(session, SYSTEM, email=email, display_name=email.split("@")[0],
                             role="admin" if admin else role, password="a-long-password-1",
                             institution=institution, plans=[plan] if plan else [])
    session.flush()
    return actor_for(session, user)


@pytest.fixture
def existing(session, tmp_path):
    """Plan "Small plan" (tests/helpers.py's MINIMAL) with OIM and DINAPEN, and its
    coordinator Ana."""
    import_path(session, SYSTEM, write_workbook(tmp_path / "small.xlsx", MINIMAL))
    plan = plans.get_plan(session, "Small plan")
    ana = _person(session, "ana@example.org", Role.COORDINATOR, plan)
    return plan, ana


def test_the_checklist_of_a_new_plan_follows_what_was_done(session, tmp_path, existing):
    from tracker.services import setup

    plan, ana = existing
    steps = {s.key: s for s in setup.checklist(session, ana, plan.id).steps}
    assert steps["imported"].done and steps["quarter_open"].done  # 2026-Q4 open, a deadline
    assert not steps["focal_points"].done and steps["focal_points"].values == {"missing": 2}
    assert not steps["meeting"].done and not steps["deck"].done
    _person(session, "oim@example.org", Role.MEMBER, plan, institution="OIM")
    checklist = setup.checklist(session, ana, plan.id)
    assert checklist.without_focal_point == (("DINAPEN", "Policía especializada para niños"),)
    with pytest.raises(NotAllowed):  # a member does not keep the plan
        setup.checklist(session, _person(session, "x@example.org", Role.MEMBER, plan,
                                         institution="DINAPEN"), plan.id)


def test_the_checklist_says_when_the_open_quarters_deadline_has_passed(session, existing,
                                                                       monkeypatch):
    from tracker.services import setup

    plan, ana = existing
    step = next(s for s in setup.checklist(session, ana, plan.id).steps
                if s.key == "quarter_open")
    assert step.done and not step.values["late"]  # 2026-Q4's deadline: 15 Jan 2027
    monkeypatch.setenv("TRACKER_TODAY", "2027-01-20")
    step = next(s for s in setup.checklist(session, ana, plan.id).steps
                if s.key == "quarter_open")
    assert step.values["late"]
