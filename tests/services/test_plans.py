"""A new commission's plan: who may create it, which quarter opens, shared institutions."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from sqlmodel import select

from tests.factories import actor_with_role
from tests.helpers import MINIMAL, write_workbook
from tracker.errors import NotAllowed
from tracker.models import Institution, Role, RoleGrant
from tracker.quarters import Quarter
from tracker.services import plans
from tracker.services.imports import ImportRejected, import_path
from tracker.services.permissions import SYSTEM


def _new_plan(name="New commission plan", oim_name=None):
    sheets = copy.deepcopy(MINIMAL)
    sheets["plan"][1][0] = name
    if oim_name:
        sheets["institutions"][1][1] = oim_name
    return sheets


def test_a_coordinator_of_another_plan_creates_a_plan_and_coordinates_it(session, tmp_path,
                                                                          existing):
    _, ana = existing
    path = write_workbook(tmp_path / "new.xlsx", _new_plan())
    summary = import_path(session, ana, path)
    created = plans.get_plan(session, "New commission plan")
    assert summary.plan_created
    grants = session.exec(select(RoleGrant.role).where(
        RoleGrant.plan_id == created.id, RoleGrant.user_id == ana.user_id)).all()
    assert grants == [Role.COORDINATOR]


def test_a_member_cannot_create_a_plan_and_is_told_why(session, tmp_path, existing):
    plan, _ = existing
    member = actor_with_role(session, "m@example.org", Role.MEMBER, plan, institution="OIM")
    with pytest.raises(ImportRejected) as caught:
        import_path(session, member, write_workbook(tmp_path / "new.xlsx", _new_plan()))
    [problem] = caught.value.problems
    assert "creating the plan New commission plan needs a coordinator" in problem.render()


def test_a_coordinator_of_another_plan_is_refused_naming_this_plans_coordinators(
        session, tmp_path, existing):
    _, _ana = existing
    other = import_path(session, SYSTEM, write_workbook(tmp_path / "o.xlsx",
                                                         _new_plan("Other plan")))
    assert other.plan_created
    bruno = actor_with_role(session, "bruno@example.org", Role.COORDINATOR,
                    plans.get_plan(session, "Other plan"))
    with pytest.raises(ImportRejected) as caught:
        import_path(session, bruno, write_workbook(tmp_path / "s.xlsx", MINIMAL))
    text = caught.value.problems[0].render("es")
    assert "solo las personas coordinadoras de Small plan pueden modificarlo: ana" in text


def test_the_quarter_under_evaluation_opens_and_another_can_be_chosen(session, tmp_path):
    path = write_workbook(tmp_path / "plan.xlsx", MINIMAL)  # 2026-Q1..2026-Q4
    checked = import_path(session, SYSTEM, path, dry_run=True, opened=Quarter(2026, 3))
    assert checked.open_quarter == Quarter(2026, 3)
    assert checked.open_choices == [Quarter(2026, q) for q in (1, 2, 3, 4)]  # the plan's span
    summary = import_path(session, SYSTEM, path, opened=Quarter(2026, 3))
    plan = plans.get_plan(session, "Small plan")
    states = {str(p.quarter): p.state for p in plans.periods(session, plan.id)}
    assert summary.open_quarter == Quarter(2026, 3)
    assert states == {"2026-Q1": "closed", "2026-Q2": "closed", "2026-Q3": "open",
                      "2026-Q4": "upcoming"}
    again = import_path(session, SYSTEM, path, dry_run=True)  # into the plan now there
    assert again.open_quarter == Quarter(2026, 3) and again.open_choices == []


def test_a_quarter_to_open_outside_the_plan_is_refused(session, tmp_path):
    path = write_workbook(tmp_path / "plan.xlsx", MINIMAL)
    with pytest.raises(ImportRejected) as caught:
        import_path(session, SYSTEM, path, opened=Quarter(2027, 2))
    assert "2027-Q2, is outside the plan (2026-Q1 to 2026-Q4)" in caught.value.problems[0].render()


def test_renaming_an_institution_another_plan_uses_keeps_its_name_without_an_admin(
        session, tmp_path, existing):
    _, ana = existing
    long_name = "Organización Internacional para las Migraciones — Misión en Ecuador"
    checked = import_path(session, ana, write_workbook(
        tmp_path / "n.xlsx", _new_plan(oim_name=long_name)), dry_run=True)
    [change] = checked.institution_changes
    assert (change.acronym, change.other_plans, change.applied) == ("OIM", ("Small plan",),
                                                                     False)
    assert change.after["name"] == long_name
    summary = import_path(session, ana, write_workbook(tmp_path / "n.xlsx",
                                                       _new_plan(oim_name=long_name)))
    oim = session.exec(select(Institution).where(Institution.acronym == "OIM")).one()
    assert oim.name == "Organización Internacional para las Migraciones"
    assert [c.acronym for c in summary.institutions_kept] == ["OIM"]


def test_an_admin_confirms_the_rename_of_a_shared_institution(session, tmp_path, existing):
    admin = actor_with_role(session, "root@example.org", None, admin=True)
    new_name = "OIM — Misión en Ecuador"
    summary = import_path(session, admin, write_workbook(
        tmp_path / "n.xlsx", _new_plan(oim_name=new_name)), rename_institutions=True)
    oim = session.exec(select(Institution).where(Institution.acronym == "OIM")).one()
    assert oim.name == new_name and not summary.institutions_kept


def test_renaming_an_institution_only_this_plan_uses_needs_no_confirmation(session, tmp_path,
                                                                           existing):
    _, ana = existing
    sheets = copy.deepcopy(MINIMAL)
    sheets["institutions"][2][1] = "Dirección Nacional de Policía Especializada"
    summary = import_path(session, ana, write_workbook(Path(tmp_path / "s.xlsx"), sheets))
    dinapen = session.exec(select(Institution).where(Institution.acronym == "DINAPEN")).one()
    assert dinapen.name == "Dirección Nacional de Policía Especializada"
    assert [c.applied for c in summary.institution_changes] == [True]


def test_a_coordinator_creates_an_empty_plan_with_the_form(session, existing):
    _, ana = existing
    created = plans.new_plan(session, ana, name="Plan binacional", commission="Mesa",
                             first="2026-Q1", last="T4 2027")
    assert (created.first_quarter, created.last_quarter) == (Quarter(2026, 1), Quarter(2027, 4))
    assert plans.get_period(session, created.id, Quarter(2026, 4)).state == "open"
    grants = session.exec(select(RoleGrant.role).where(RoleGrant.plan_id == created.id)).all()
    assert grants == [Role.COORDINATOR]
    from tracker.errors import InvalidInput

    with pytest.raises(InvalidInput) as caught:
        plans.new_plan(session, ana, name="Plan binacional", commission="", first="2026-Q1",
                       last="2026-Q4")
    assert caught.value.key == "plan.name_taken"
    observer = actor_with_role(session, "obs@example.org", Role.OBSERVER, created)
    with pytest.raises(NotAllowed):
        plans.new_plan(session, observer, name="Otro", commission="", first="2026-Q1",
                       last="2026-Q4")


def test_today_is_the_plans_day_and_a_new_plan_takes_the_configured_zone(session, monkeypatch):
    """A deadline passes when the commission's day ends: "today" is the date in the plan's
    zone (Kiritimati, UTC+14, and Pago Pago, UTC−11, are never on the same date)."""
    from tracker.models import Plan
    from tracker.services.permissions import SYSTEM
    from tracker.settings import get_settings

    monkeypatch.delenv("TRACKER_TODAY", raising=False)
    settings = get_settings()
    assert settings.today("Pacific/Kiritimati") != settings.today("Pacific/Pago_Pago")
    monkeypatch.setenv("TRACKER_TIME_ZONE", "America/Bogota")
    plan = plans.create_plan(session, SYSTEM, Plan(name="Zona", first_quarter=Quarter(2026, 1),
                                                   last_quarter=Quarter(2026, 4)))
    assert session.get_one(Plan, plan.id).time_zone == "America/Bogota"
    monkeypatch.setenv("TRACKER_TIME_ZONE", "Quito")
    with pytest.raises(ValueError, match="TRACKER_TIME_ZONE"):
        get_settings()
