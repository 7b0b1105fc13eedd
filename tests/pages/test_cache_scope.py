"""Cached reads after a save (ui/data.py, ui/actions.py): every session of the plan sees the
save at its next run; what the save could not have changed stays cached.

Several AppTest sessions in one process share the caches, as the sessions of one server do.
"""

from __future__ import annotations

import re

import pytest
from pandas.testing import assert_frame_equal
from sqlmodel import select

from tests.apptest import app_as, field, first_missing_form, go_to, plan_id_of
from tracker.db import make_engine, session_scope
from tracker.demo import ECUADOR_PLAN, TRINATIONAL_PLAN
from tracker.models import Institution
from tracker.services import decks, figures, plans
from tracker.services.permissions import SYSTEM


def _fill(expander, percent: float) -> None:
    field(expander.selectbox, "status").select("in_progress")
    field(expander.number_input, "percent").set_value(percent)


def _press(expander, label: str) -> None:
    [button] = [b for b in expander.button if b.label == label]
    button.click()


def _save_first_missing(member, percent: float) -> None:
    """The member's first missing report saved as a draft, and the page run after it."""
    expander = first_missing_form(member)
    _fill(expander, percent)
    _press(expander, "Save draft")
    member.run()


def _missing_states(at) -> dict[str, str]:
    """Item code -> state in the review page's missing reports of DINAPEN (one table per
    institution, after its name in bold)."""
    names = [found.group(1) for m in at.markdown
             if (found := re.fullmatch(r"\*\*(.+)\*\* · \d+", m.value))]
    tables = [d.value for d in at.dataframe if "State" in d.value]
    table = dict(zip(names, tables, strict=True))["DINAPEN"]
    return {item.split(" · ")[0]: state
            for item, state in zip(table.iloc[:, 0], table["State"], strict=True)}


def test_a_save_shows_in_every_other_session_of_the_plan_at_its_next_run(db_url):
    coordinator = go_to(app_as("coordinacion@demo.example"), "review")  # caches filled
    waiting = {e.label for e in coordinator.expander}
    other_tab = go_to(app_as("dinapen@demo.example"), "my-institution")
    member = go_to(app_as("dinapen@demo.example"), "my-institution")
    expander = first_missing_form(member)
    code = expander.label.split(" · ")[0]
    assert _missing_states(coordinator)[code] == "missing"

    _fill(expander, 30.0)
    _press(expander, "Save draft")
    member.run()
    assert not member.exception
    assert _missing_states(coordinator.run())[code] == "draft"  # a draft: the plan's reads
    assert any(e.label.startswith(code) and "draft" in e.label for e in other_tab.run().expander)

    expander = next(e for e in member.expander if e.label.startswith(code))
    _fill(expander, 40.0)
    _press(expander, "Submit")
    member.run()
    assert not member.exception
    coordinator.run()
    assert code not in _missing_states(coordinator)  # counted now, and waiting for review
    assert len({e.label for e in coordinator.expander} - waiting) == 1
    assert any(e.label.startswith(code) and "submitted" in e.label
               for e in other_tab.run().expander)


def test_a_draft_keeps_the_plans_figures_a_submission_renews_only_its_plan(db_url,
                                                                          monkeypatch):
    computed: list[int] = []
    overview = figures.overview

    def counted(db, actor, plan_id, *args):
        computed.append(plan_id)
        return overview(db, actor, plan_id, *args)

    monkeypatch.setattr(figures, "overview", counted)
    ecuador, trinational = plan_id_of(db_url, ECUADOR_PLAN), plan_id_of(db_url, TRINATIONAL_PLAN)
    watching = app_as("coordinacion@demo.example")  # the overview of the Ecuador plan
    other = app_as("coordinacion@demo.example")
    other.selectbox(key="plan").set_value(trinational).run()
    assert set(computed) == {ecuador, trinational}
    headline = [m.value for m in watching.metric]
    member = go_to(app_as("dinapen@demo.example"), "my-institution")

    computed.clear()
    _save_first_missing(member, 90.0)
    watching.run()
    other.run()
    assert computed == []  # a draft moves no figure: both overviews still cached
    assert [m.value for m in watching.metric] == headline

    expander = next(e for e in member.expander if "draft" in e.label)
    _press(expander, "Submit")
    member.run()
    watching.run()
    other.run()
    assert computed == [ecuador]  # the Ecuador figures computed afresh, the other plan's kept
    assert [m.value for m in watching.metric] != headline  # and the submission shows


def _submit_elsewhere(db_url: str, institution: str, quarter) -> str:
    """A member of ``institution`` submits its first missing report of ``quarter`` through
    the services on an engine of its own, as another server process would: nothing of this
    process's caches is told. The item's code."""
    from tracker.models import ReportContent, Status
    from tracker.services import reporting
    from tracker.services.reporting import Target
    from tracker.services.worklist import worklist

    engine = make_engine(db_url)
    try:
        with session_scope(engine) as db:
            plan = plans.get_plan(db, ECUADOR_PLAN)
            found = db.exec(select(Institution).where(Institution.acronym == institution)).one()
            work = next(w for w in worklist(db, SYSTEM, plan.id, quarter, found.id)
                        if w.own is None)
            reporting.save_report(db, SYSTEM, Target(work.item_id, quarter, found.id),
                                  ReportContent(status=Status.IN_PROGRESS, percent_complete=35.0),
                                  expected_version=0, submit=True)
            return work.code
    finally:
        engine.dispose()


def test_a_submission_made_by_another_process_shows_at_the_next_run(db_url):
    """Issue 27: server B drew the review list and the overview; a member submits on
    server A; B's next run shows the new count and the moved figures."""
    from tracker.quarters import Quarter

    coordinator = go_to(app_as("coordinacion@demo.example"), "review")
    waiting = {e.label for e in coordinator.expander}
    overview = app_as("coordinacion@demo.example")
    headline = [m.value for m in overview.metric]
    code = _submit_elsewhere(db_url, "DINAPEN", Quarter(2026, 4))
    coordinator.run()
    assert not coordinator.exception
    added = {e.label for e in coordinator.expander} - waiting
    assert [label.split(" · ")[0] for label in added] == [code]
    assert [m.value for m in overview.run().metric] != headline


def test_a_role_removed_by_another_process_stops_the_cached_reads_at_the_next_click(db_url):
    """The plans offered are cached; an administrator on another process takes the
    observer off the tri-national plan: the observer's next run no longer offers it."""
    from tracker.models import RoleGrant, User

    observer = app_as("observador@demo.example")
    trinational = plan_id_of(db_url, TRINATIONAL_PLAN)
    assert TRINATIONAL_PLAN in observer.selectbox(key="plan").options
    engine = make_engine(db_url)
    with session_scope(engine) as db:
        user = db.exec(select(User).where(User.email == "observador@demo.example")).one()
        grant = db.exec(select(RoleGrant).where(RoleGrant.user_id == user.id,
                                                RoleGrant.plan_id == trinational)).one()
        db.delete(grant)  # no service removes one role yet: the safety net moves it all
    engine.dispose()
    observer.run()
    assert not observer.exception
    assert TRINATIONAL_PLAN not in [o for box in observer.selectbox for o in box.options]


def test_the_figures_cached_through_drafts_are_computed_from_counting_reports_only(db_url):
    """What keeps the FIGURES scope sound: the reads it holds give the same answer after a
    draft is saved, over a missing report and over a submitted one."""
    from tracker.models import ReportContent, Status
    from tracker.quarters import Quarter
    from tracker.services import reporting
    from tracker.services.reporting import Target
    from tracker.services.worklist import worklist

    engine = make_engine(db_url)
    quarter = Quarter(2026, 4)

    def figures_now(plan_id: int) -> tuple:
        with session_scope(engine) as db:
            view = figures.overview(db, SYSTEM, plan_id, quarter)
            content = decks.content(db, SYSTEM, plan_id, quarter)
            return view, content

    with session_scope(engine) as db:
        plan = plans.get_plan(db, ECUADOR_PLAN)
        dinapen = db.exec(select(Institution).where(Institution.acronym == "DINAPEN")).one()
        work = worklist(db, SYSTEM, plan.id, quarter, dinapen.id)
    before = figures_now(plan.id)
    over = [item.own.state if item.own else "missing" for item in work
            if item.own is None or item.own.state in ("submitted", "approved")]
    assert "missing" in over and "submitted" in over  # drafts over both kinds
    with session_scope(engine) as db:
        for item in work:
            if item.own is not None and item.own.state not in ("submitted", "approved"):
                continue
            reporting.save_report(
                db, SYSTEM, Target(item.item_id, quarter, dinapen.id),
                ReportContent(status=Status.BLOCKED, percent_complete=3.0),
                expected_version=item.own.version if item.own else 0)
    view, content = figures_now(plan.id)
    assert view.headline == before[0].headline
    for frame in ("items", "by_institution", "by_line", "buckets", "trend_plan",
                  "completeness_institutions"):
        assert_frame_equal(getattr(view, frame), getattr(before[0], frame))
    assert content == before[1]
    engine.dispose()


def _users(db_url: str) -> dict[str, int]:
    from tracker.models import User

    with session_scope(make_engine(db_url)) as db:
        return {u.email.split("@")[0]: u.id for u in db.exec(select(User))}


def test_presenters_share_one_meeting_content_and_each_reader_is_still_checked(
        db_url, monkeypatch):
    """Twenty presenters of one plan compute its content once (cached by plan), and a reader
    who may not see the plan is refused even though the content is cached."""
    from tracker.errors import NotAllowed
    from tracker.quarters import Quarter
    from tracker.services.permissions import Permission, actor_for
    from ui import data, slides

    read: list[int] = []
    read_content = decks.read_content
    monkeypatch.setattr(decks, "read_content",
                        lambda db, plan_id, quarter: read.append(plan_id)
                        or read_content(db, plan_id, quarter))
    data.clear()
    trinational, users = plan_id_of(db_url, TRINATIONAL_PLAN), _users(db_url)
    quarter = Quarter(2026, 3)
    first = data.presentation(users["coordinacion"], trinational, quarter)
    assert data.presentation(users["observador"], trinational, quarter) == first
    chart = data.slide_chart(users["observador"], trinational, quarter, "es", "by_line")
    assert data.slide_chart(users["coordinacion"], trinational, quarter, "es",
                            "by_line") is chart  # one shared object for every presenter
    assert chart.figure.layout.height == slides.CHART_HEIGHT
    assert chart.figure.layout.title.text is None
    assert read == [trinational]

    from tracker.models import User
    with session_scope(make_engine(db_url)) as db:
        outsiders = [name for name, user_id in users.items()
                     if not actor_for(db, db.get(User, user_id)).can(Permission.READ_PLAN,
                                                                     trinational)]
    assert outsiders  # an Ecuadorian institution's member is not in the tri-national plan
    with pytest.raises(NotAllowed):
        data.presentation(users[outsiders[0]], trinational, quarter)
    with pytest.raises(NotAllowed):
        data.slide_chart(users[outsiders[0]], trinational, quarter, "es", "by_line")
    with pytest.raises(NotAllowed):
        data.deck(users[outsiders[0]], trinational, quarter, "es")


def test_a_report_save_keeps_the_plans_offered_a_plan_change_renews_them(db_url,
                                                                        monkeypatch):
    """The plans offered and the accounts (``STRUCTURE``) outlive a room of report saves;
    a write ``ui.actions`` cannot place (a plan renamed) forgets them."""
    from tracker.models import Plan
    from ui.actions import write

    computed: list[int] = []
    plan_choices = figures.plan_choices
    monkeypatch.setattr(figures, "plan_choices",
                        lambda db, actor: computed.append(actor.user_id)
                        or plan_choices(db, actor))
    member = go_to(app_as("dinapen@demo.example"), "my-institution")
    computed.clear()
    _save_first_missing(member, 20.0)
    assert not member.exception and computed == []  # the save: still cached
    ecuador = plan_id_of(db_url, ECUADOR_PLAN)

    def rename(db):
        db.get(Plan, ecuador).name = "Plan renombrado"

    assert write(rename).ok
    member.run()
    assert computed  # the plans offered computed afresh
    assert "Plan renombrado" in [o for box in member.selectbox for o in box.options]


def test_a_quarter_closed_by_another_process_is_closed_on_the_members_next_run(db_url):
    """The plans offered carry each plan's open quarter (cached with the accounts): a close
    made on another server renews them, and the member's form is gone at the next run."""
    from tracker.i18n import t
    from tracker.models import PeriodState
    from tracker.quarters import Quarter
    from tracker.services import lifecycle

    member = go_to(app_as("dinapen@demo.example"), "my-institution")
    assert any("missing" in e.label for e in member.expander)
    engine = make_engine(db_url)
    with session_scope(engine) as db:
        lifecycle.set_period_state(db, SYSTEM, plans.get_plan(db, ECUADOR_PLAN).id,
                                   Quarter(2026, 4), PeriodState.CLOSED)
    engine.dispose()
    member.run()
    assert not member.exception
    assert t("mine.no_open_quarter", "en") in [i.value for i in member.info]
