"""The figures of docs/figures.md on a hand-built plan, with expectations computed by hand.

Plan 2026-Q1..Q4; institutions A, B (EC) and C (CO); lines L1, L2 and an empty L3.
  I1 L1 lead A (+B) Q1-Q4 w2: A Q1 20 approved, Q2 50 submitted + a 70 draft on top,
                              Q3 90 draft; B Q2 nothing to report
  I2 L1 lead B      Q1-Q2:    B Q1 "completed" at 60 (completed means 100)
  I3 L2 lead C      Q2-Q3:    C Q2 10, Q3 cancelled
  I4 L2 lead A      Q3-Q4:    no reports (not started at Q2)
  I5 L2 lead C (+A) Q1-Q1:    C Q1 40, Q2 blocked 40
  I6 L1 lead A (+B) Q1-Q4:    only B reports (Q2 80): supporting reports never move figures
  I7 L1 lead A      Q1-Q2:    A Q1 nothing to report
"""

from __future__ import annotations

import math

import pytest

from tests.factories import PlanBuilder
from tests.helpers import bucket_counts, completeness, item_frame, rollup
from tracker import metrics
from tracker.metrics import Dimension
from tracker.models import ReportState, Status
from tracker.quarters import Quarter

Q1, Q2, Q3 = Quarter(2026, 1), Quarter(2026, 2), Quarter(2026, 3)


@pytest.fixture
def plan(session) -> PlanBuilder:
    b = PlanBuilder(session)
    for acronym, country in (("A", "EC"), ("B", "EC"), ("C", "CO")):
        b.institution(acronym, country)
    for code in ("L1", "L2", "L3"):
        b.line(code)
    b.item("I1", line="L1", lead="A", start="2026-Q1", due="2026-Q4", weight=2,
           supporters=("B",))
    b.item("I2", line="L1", lead="B", start="2026-Q1", due="2026-Q2")
    b.item("I3", line="L2", lead="C", start="2026-Q2", due="2026-Q3")
    b.item("I4", line="L2", lead="A", start="2026-Q3", due="2026-Q4")
    b.item("I5", line="L2", lead="C", start="2026-Q1", due="2026-Q1", supporters=("A",))
    b.item("I6", line="L1", lead="A", start="2026-Q1", due="2026-Q4", supporters=("B",))
    b.item("I7", line="L1", lead="A", start="2026-Q1", due="2026-Q2")
    b.report("I1", "2026-Q1", percent=20)
    b.report("I1", "2026-Q2", percent=50, state=ReportState.SUBMITTED)
    b.report("I1", "2026-Q2", percent=70, state=ReportState.DRAFT)
    b.report("I1", "2026-Q3", percent=90, state=ReportState.DRAFT)
    b.report("I1", "2026-Q2", "B", nothing=True)
    b.report("I2", "2026-Q1", status=Status.COMPLETED, percent=60)
    b.report("I3", "2026-Q2", percent=10)
    b.report("I3", "2026-Q3", status=Status.CANCELLED, percent=10)
    b.report("I5", "2026-Q1", percent=40)
    b.report("I5", "2026-Q2", status=Status.BLOCKED, percent=40)
    b.report("I6", "2026-Q2", "B", percent=80, state=ReportState.SUBMITTED)
    b.report("I7", "2026-Q1", nothing=True)
    return b


def _by_code(session, plan, quarter):
    frame = item_frame(session, plan.plan.id, quarter)
    return {row.code: row for row in frame.itertuples()}


def test_item_progress_comes_from_the_leads_latest_counting_report(session, plan):
    items = _by_code(session, plan, Q2)
    assert items["I1"].progress == 50  # the submitted 50 counts; the 70 draft on top does not
    assert items["I2"].progress == 100  # completed counts as 100 whatever the percent
    assert items["I2"].status == "completed"
    assert items["I6"].progress == 0  # only a supporting report
    assert items["I7"].progress == 0  # nothing to report does not set figures
    assert _by_code(session, plan, Q3)["I1"].progress == 50  # the Q3 draft does not count


def test_expected_progress_is_linear_from_start_to_due_and_capped(session, plan):
    items = _by_code(session, plan, Q2)
    assert items["I1"].expected == 50  # 2 of 4 quarters
    assert items["I3"].expected == 50  # 1 of 2
    assert items["I5"].expected == 100  # past due: capped at 100
    assert items["I7"].expected == 100


def test_scope_excludes_items_not_started_and_cancelled(session, plan):
    at_q2 = _by_code(session, plan, Q2)
    assert not at_q2["I4"].in_scope  # starts in Q3
    assert at_q2["I3"].in_scope
    at_q3 = _by_code(session, plan, Q3)
    assert not at_q3["I3"].in_scope  # cancelled in Q3
    assert at_q3["I4"].in_scope


def test_schedule_buckets_in_order_and_blocked_apart(session, plan):
    items = _by_code(session, plan, Q2)
    buckets = {code: row.bucket for code, row in items.items() if row.in_scope}
    assert buckets == {"I1": "on_track", "I2": "completed", "I3": "behind",
                       "I5": "overdue", "I6": "behind", "I7": "behind"}
    assert [code for code, row in items.items() if row.blocked] == ["I5"]
    assert _by_code(session, plan, Q3)["I1"].bucket == "behind"  # 50 < 75 - 15


def test_plan_rollup_is_weighted_by_item_weight(session, plan):
    frame = rollup(session, plan.plan.id, Q2, Dimension.PLAN)
    assert frame["progress"].iloc[0] == pytest.approx(250 / 7)
    assert frame["expected"].iloc[0] == pytest.approx(500 / 7)
    assert frame["items"].iloc[0] == 6


def _rollup(session, plan, by):
    frame = rollup(session, plan.plan.id, Q2, by)
    return {row.label: (row.progress, row.expected, row.items) for row in frame.itertuples()}


def test_rollups_by_line_institution_and_country(session, plan):
    lines = _rollup(session, plan, Dimension.LINE)
    assert lines["L1"] == (pytest.approx(40), pytest.approx(70), 4)
    assert lines["L2"] == (pytest.approx(25), pytest.approx(75), 2)
    assert math.isnan(lines["L3"][0]) and lines["L3"][2] == 0  # empty group shows "—"
    institutions = _rollup(session, plan, Dimension.INSTITUTION)
    assert institutions["A"] == (pytest.approx(25), pytest.approx(62.5), 3)
    assert institutions["B"] == (pytest.approx(100), pytest.approx(100), 1)
    assert institutions["C"] == (pytest.approx(25), pytest.approx(75), 2)
    countries = _rollup(session, plan, Dimension.COUNTRY)
    assert countries["EC"] == (pytest.approx(40), pytest.approx(70), 4)
    assert countries["CO"] == (pytest.approx(25), pytest.approx(75), 2)


def test_completeness_counts_participants_and_nothing_to_report(session, plan):
    def shares(by):
        frame = completeness(session, plan.plan.id, Q2, by)
        return {row.label: (row.received, row.expected_reports) for row in frame.itertuples()}

    assert shares(Dimension.PLAN) == {"plan": (5, 8)}
    assert shares(Dimension.INSTITUTION) == {"A": (1, 4), "B": (2, 2), "C": (2, 2)}
    assert shares(Dimension.COUNTRY) == {"CO": (2, 2), "EC": (3, 6)}


def test_trend_and_headline_change_since_last_quarter(session, plan):
    trend = rollup(session, plan.plan.id, [Q1, Q2], Dimension.PLAN)
    assert list(trend["quarter"]) == ["2026-Q1", "2026-Q2"]
    assert trend["progress"].iloc[0] == pytest.approx(30)
    assert trend["expected"].iloc[0] == pytest.approx(275 / 6)
    head = metrics.headline(session, plan.plan.id, Q2)
    assert head.progress == pytest.approx(250 / 7)
    assert head.progress_change == pytest.approx(250 / 7 - 30)
    assert head.buckets == {"completed": 1, "overdue": 1, "behind": 3, "on_track": 1}
    assert head.blocked == 1
    assert head.completeness == pytest.approx(62.5)
    assert (head.received_reports, head.expected_reports) == (5, 8)


def test_archived_items_are_never_in_scope(session, plan):
    plan.items["I6"].archived = True
    session.add(plan.items["I6"])
    session.flush()
    assert "I6" not in _by_code(session, plan, Q2)
    frame = rollup(session, plan.plan.id, Q2, Dimension.PLAN)
    assert frame["progress"].iloc[0] == pytest.approx(250 / 6)


def test_a_plan_with_nothing_started_has_no_figures(session, plan):
    head = metrics.headline(session, plan.plan.id, Quarter(2025, 4))
    assert head.items_in_scope == 0
    assert head.progress is None and head.completeness is None


def test_filters_by_country_lead_institution_and_line(session, plan):
    def plan_progress(filters):
        frame = rollup(session, plan.plan.id, Q2, Dimension.PLAN, filters)
        return frame["progress"].iloc[0]

    assert plan_progress(metrics.Filters(countries=("CO",))) == pytest.approx(25)
    assert plan_progress(metrics.Filters(institutions=("A",))) == pytest.approx(25)
    assert plan_progress(metrics.Filters(lines=("L2",))) == pytest.approx(25)
    assert math.isnan(plan_progress(metrics.Filters(countries=("EC",), lines=("L2",))))
    lines = rollup(session, plan.plan.id, Q2, Dimension.LINE,
                           metrics.Filters(lines=("L2", "L3")))
    assert lines["label"].tolist() == ["L2", "L3"]
    head = metrics.headline(session, plan.plan.id, Q2, metrics.Filters(countries=("CO",)))
    assert head.items_in_scope == 2
    assert (head.received_reports, head.expected_reports) == (2, 3)  # C on I3, C and A on I5


def test_bucket_counts_per_lead_institution(session, plan):
    frame = bucket_counts(session, plan.plan.id, Q2)
    counts = {(row.label, row.bucket): (row.items, row.blocked) for row in frame.itertuples()}
    assert counts == {("A", "behind"): (2, 0), ("A", "on_track"): (1, 0),
                      ("B", "completed"): (1, 0), ("C", "behind"): (1, 0),
                      ("C", "overdue"): (1, 1)}


def test_missing_reports_are_the_pairs_completeness_still_waits_for(session, plan):
    missing = metrics.missing_reports(session, plan.plan.id, Q2)
    pairs = sorted((row.code, row.institution) for row in missing)
    assert pairs == [("I5", "A"), ("I6", "A"), ("I7", "A")]  # 8 expected, 5 received
