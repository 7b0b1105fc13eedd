"""Quarterly reports as stored: every write appends a version and moves the pointers (the
latest always, the counting one when it counts), one by one or in bulk for the import."""

from __future__ import annotations

import pytest
from sqlmodel import select

from tests.factories import PlanBuilder
from tracker.models import Report, ReportRevision, ReportState, Status
from tracker.quarters import Quarter
from tracker.services import reports
from tracker.services.reports import ReportContent

S = ReportState


def _content(percent, **kwargs) -> ReportContent:
    return ReportContent(status=Status.IN_PROGRESS, percent_complete=percent, **kwargs)


def _append(session, plan, code, quarter, content, state, institution=None):
    item = plan.items[code]
    institution_id = (plan.institutions[institution].id if institution
                      else item.lead_institution_id)
    return reports.append_revision(session, item_id=item.id, quarter=Quarter.parse(str(quarter)),
                                   institution_id=institution_id, content=content,
                                   state=state, author_id=None)


def _counted_percent(session, report):
    revision = reports.counting_revision(session, report)
    return None if revision is None else revision.percent_complete


def test_a_draft_never_moves_what_counts_and_earlier_versions_stay(session, plan):
    states = [S.DRAFT, S.SUBMITTED, S.DRAFT, S.APPROVED]
    counted = []
    for number, state in enumerate(states, start=1):
        report = _append(session, plan, "1.1", "2026-Q4", _content(10 * number), state)
        assert report.version == number
        counted.append(_counted_percent(session, report))
    assert counted == [None, 20, 20, 40]  # a draft on top leaves the submitted one counting
    revisions = session.exec(select(ReportRevision).where(ReportRevision.report_id == report.id)
                             .order_by(ReportRevision.number)).all()
    assert [(r.number, r.state, r.percent_complete) for r in revisions] == [
        (n, s, 10 * n) for n, s in enumerate(states, start=1)]
    assert report.latest_revision_id == revisions[-1].id
    assert reports.find_report(session, plan.items["1.1"].id, Quarter(2026, 4),
                               plan.institutions["A"].id).id == report.id
    assert reports.find_report(session, plan.items["1.1"].id, Quarter(2026, 4),
                               plan.institutions["B"].id) is None  # each part its own


def test_the_counting_contents_are_what_counts_per_item_quarter_and_institution(session,
                                                                               plan):
    _append(session, plan, "1.1", "2026-Q4", _content(70), S.DRAFT)
    found = reports.counting_contents(session, plan.plan.id)
    a, b = plan.institutions["A"].id, plan.institutions["B"].id
    item_1, item_2 = plan.items["1.1"].id, plan.items["2.1"].id
    assert set(found) == {(item_1, Quarter(2026, 3), a), (item_2, Quarter(2026, 3), b),
                          (item_1, Quarter(2026, 4), a)}
    assert found[(item_1, Quarter(2026, 4), a)][1:] == (1, None)  # only a draft: nothing counts
    report_id, version, content = found[(item_1, Quarter(2026, 3), a)]
    assert (version, content["percent_complete"]) == (1, 50)  # the fixture's approved 50 %
    assert session.get(Report, report_id).item_id == item_1


@pytest.mark.parametrize("stored, wanted, same", [
    ({"narrative": None, "percent_complete": 40.0}, {"narrative": "", "percent_complete": 40},
     True),
    ({"evidence_link": ""}, {"evidence_link": None}, True),
    ({"nothing_to_report": None}, {"nothing_to_report": False}, True),
    ({"nothing_to_report": 1}, {"nothing_to_report": True}, True),
    ({"percent_complete": 40.0}, {"percent_complete": 45}, False),
    ({"narrative": "Done"}, {"narrative": "done"}, False),
    (None, {"percent_complete": 40}, False),  # nothing counts yet: anything is new
])
def test_same_content_ignores_only_empty_text_and_number_types(stored, wanted, same):
    assert reports.same_content(stored, wanted) is same


def _by_key(session, plan):
    """The counting contents and versions keyed by (code, quarter, acronym)."""
    codes = {item.id: code for code, item in plan.items.items()}
    acronyms = {i.id: acronym for acronym, i in plan.institutions.items()}
    return {(codes[item], quarter, acronyms[institution]): (version, content)
            for (item, quarter, institution), (_, version, content)
            in reports.counting_contents(session, plan.plan.id).items()}


def test_bulk_writes_leave_what_writing_one_by_one_leaves(session):
    def build(name, shared=None):
        b = PlanBuilder(session, name=name)
        for acronym in ("A", "B"):
            if shared:
                b.institutions[acronym] = shared.institutions[acronym]
            else:
                b.institution(acronym)
        b.line("1")
        b.item("1.1", line="1", lead="A", start="2026-Q1", due="2026-Q4", supporters=("B",))
        b.item("1.2", line="1", lead="B", start="2026-Q1", due="2026-Q4")
        return b

    one_by_one = build("One by one")
    in_bulk = build("In bulk", shared=one_by_one)
    first = {("1.1", "2026-Q1", "A"): _content(20), ("1.1", "2026-Q1", "B"):
             ReportContent(nothing_to_report=True), ("1.2", "2026-Q2", "B"): _content(35)}
    second = {("1.1", "2026-Q1", "A"): _content(25, narrative="Corrected")}

    for contents in (first, second):
        for (code, quarter, acronym), content in contents.items():
            _append(session, one_by_one, code, quarter, content, S.APPROVED, acronym)

    def key(plan, code, quarter, acronym):
        return plan.items[code].id, Quarter.parse(quarter), plan.institutions[acronym].id

    reports.create_reports_bulk(session, {key(in_bulk, *k): c for k, c in first.items()},
                                state=S.APPROVED, author_id=None)
    stored = reports.counting_contents(session, in_bulk.plan.id)
    reports.append_revisions_bulk(session, [
        (stored[key(in_bulk, *k)][0], stored[key(in_bulk, *k)][1], c)
        for k, c in second.items()], state=S.APPROVED, author_id=None)
    session.expire_all()
    assert _by_key(session, in_bulk) == _by_key(session, one_by_one)
    bulk_items = [item.id for item in in_bulk.items.values()]
    for report in session.exec(select(Report).where(Report.item_id.in_(bulk_items))):
        latest = session.get(ReportRevision, report.latest_revision_id)
        assert (latest.report_id, latest.number) == (report.id, report.version)
    # the ids the bulk reserved are taken: the next write, one by one, finds its own
    after = _append(session, in_bulk, "1.2", "2026-Q3", _content(50), S.SUBMITTED)
    assert (after.version, _counted_percent(session, after)) == (1, 50)
