"""The demo is believable and complete enough to show every rule of the figures."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import select

from tests.helpers import item_frame, rollup
from tracker import metrics
from tracker.demo import (
    DEMO_PASSWORD,
    ECUADOR_PLAN,
    TRINATIONAL_PLAN,
    demo_accounts,
    load_demo,
)
from tracker.models import (
    ActionItem,
    Institution,
    Report,
    ReportRevision,
    StrategicLine,
    User,
)
from tracker.quarters import Quarter
from tracker.services import plans
from tracker.services.auth import authenticate


def test_ecuador_plan_has_the_commission_lines_items_and_history(session):
    load_demo(session)
    plan = plans.get_plan(session, ECUADOR_PLAN)
    acronyms = set(session.exec(select(Institution.acronym)))
    assert {"OIM", "MREMH", "INNFA", "PN", "DINAPEN"} <= acronyms
    lines = session.exec(select(StrategicLine).where(StrategicLine.plan_id == plan.id)).all()
    assert len(lines) >= 5
    items = session.exec(select(ActionItem).where(ActionItem.plan_id == plan.id)).all()
    assert len(items) >= 25 and all(item.indicator and item.target for item in items)
    quarters = session.exec(select(func.count(func.distinct(Report.quarter)))).one()
    assert quarters >= 6
    figures = item_frame(session, plan.id, plans.default_quarter(session, plan))
    statuses = set(figures["status"].dropna())
    assert {"blocked", "cancelled", "completed", "in_progress"} <= statuses
    assert {"behind", "overdue", "on_track", "completed"} <= set(figures["bucket"].dropna())


def test_supporting_institutions_report_too(session):
    load_demo(session)
    supporting = session.exec(
        select(func.count()).select_from(Report)
        .join(ActionItem, ActionItem.id == Report.item_id)
        .where(Report.institution_id != ActionItem.lead_institution_id)).one()
    nothing = session.exec(select(func.count()).select_from(ReportRevision)
                           .where(ReportRevision.nothing_to_report)).one()
    assert supporting > 20 and nothing > 5


def test_open_quarter_has_submitted_and_draft_reports(session):
    load_demo(session)
    plan = plans.get_plan(session, ECUADOR_PLAN)
    assert plans.default_quarter(session, plan) == Quarter(2026, 4)
    states = set(session.exec(select(ReportRevision.state).join(
        Report, Report.id == ReportRevision.report_id).where(Report.quarter == "2026-Q4")))
    assert {"submitted", "draft"} <= states


def test_trinational_plan_spans_three_countries(session):
    load_demo(session)
    plan = plans.get_plan(session, TRINATIONAL_PLAN)
    countries = rollup(session, plan.id, Quarter(2026, 3), metrics.Dimension.COUNTRY)
    assert set(countries["label"]) == {"CO", "EC", "PE"}
    assert countries["progress"].notna().all()


def test_demo_accounts_one_per_role_and_institution(session, monkeypatch):
    load_demo(session)
    emails = set(session.exec(select(User.email)))
    assert {email for email, *_ in demo_accounts()} == emails
    institutions = {institution for *_, institution in demo_accounts() if institution}
    assert institutions == set(session.exec(select(Institution.acronym)))
    email = "coordinacion@demo.example"
    assert authenticate(session, email, DEMO_PASSWORD) is None  # not in demo mode
    monkeypatch.setenv("TRACKER_DEMO", "1")
    assert authenticate(session, email, DEMO_PASSWORD).email == email
    assert authenticate(session, email, "wrong password") is None


def test_the_demo_workbooks_are_what_the_demo_writes(tmp_path):
    """tracker/demo_workbooks/ holds the demo plans as filled-in template workbooks (an example
    for a new commission); they must not drift from the demo the app loads."""
    from tests.helpers import read_workbook
    from tracker.demo import WORKBOOKS_DIR, write_workbooks

    for written in write_workbooks(tmp_path):
        committed = WORKBOOKS_DIR / written.name
        assert committed.is_file(), f"{committed} is missing: run python -m tracker.demo"
        assert read_workbook(committed) == read_workbook(written)
    spanish = read_workbook(WORKBOOKS_DIR / "demo-ecuador-es.xlsx")
    assert "acciones" in spanish  # Spanish sheet names
