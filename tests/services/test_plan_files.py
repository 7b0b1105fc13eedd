"""The plan's files from the app: the template, the exports, and uploads checked (dry run)
or imported, all or nothing."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from tests.helpers import MINIMAL, row_counts, write_workbook
from tests.hostile_workbooks import HOSTILE, REFUSED_WITH
from tracker.errors import InvalidInput, NotAllowed
from tracker.quarters import Quarter
from tracker.services import plan_files, plans
from tracker.services.permissions import SYSTEM, Actor

REPORTS = len(MINIMAL["reports"]) - 1  # the header is not a report


@pytest.fixture
def minimal(tmp_path) -> bytes:
    """tests/helpers.py's MINIMAL workbook as uploaded: "Small plan", 2026-Q1..Q4."""
    return write_workbook(tmp_path / "small.xlsx", MINIMAL).read_bytes()


def test_an_upload_is_checked_without_writing_then_imported(session, minimal):
    before = row_counts(session)
    checked = plan_files.import_upload(session, SYSTEM, minimal, "small.xlsx", plan_name=None,
                                       dry_run=True, opened=Quarter(2026, 3))
    assert checked.plan_created and checked.open_quarter == Quarter(2026, 3)
    assert (checked.items_added, checked.reports_added) == (len(MINIMAL["items"]) - 1, REPORTS)
    assert row_counts(session) == before  # the dry run wrote nothing
    done = plan_files.import_upload(session, SYSTEM, minimal, "small.xlsx", plan_name=None,
                                    dry_run=False, opened=Quarter(2026, 3))
    assert (done.items_added, done.reports_added) == (checked.items_added,
                                                      checked.reports_added)
    assert plans.open_quarter(session, plans.get_plan(session, "Small plan").id) == Quarter(
        2026, 3)


def test_an_upload_too_big_or_of_an_unknown_kind_is_refused_before_it_is_read(
        session, minimal, monkeypatch):
    monkeypatch.setattr(plan_files, "MAX_UPLOAD_BYTES", len(minimal) - 1)
    with pytest.raises(InvalidInput) as caught:
        plan_files.import_upload(session, SYSTEM, minimal, "small.xlsx", plan_name=None,
                                 dry_run=True)
    assert caught.value.key == "import.too_big"
    monkeypatch.setattr(plan_files, "MAX_UPLOAD_BYTES", len(minimal))
    assert plan_files.import_upload(session, SYSTEM, minimal, "small.xlsx", plan_name=None,
                                    dry_run=True).plan_created  # the limit itself is fine
    with pytest.raises(InvalidInput) as caught:
        plan_files.import_upload(session, SYSTEM, minimal, "small.txt", plan_name=None,
                                 dry_run=True)
    assert caught.value.key == "import.unknown_file_type"


@pytest.mark.parametrize("export, filename", [(plan_files.export_xlsx, "export.xlsx"),
                                              (plan_files.export_csv, "export.zip")])
def test_an_export_uploaded_again_changes_nothing(session, minimal, export, filename):
    plan_files.import_upload(session, SYSTEM, minimal, "small.xlsx", plan_name=None,
                             dry_run=False)
    plan = plans.get_plan(session, "Small plan")
    data = export(session, SYSTEM, plan.id)
    before = row_counts(session)
    again = plan_files.import_upload(session, SYSTEM, data, filename, plan_name=None,
                                     dry_run=False)
    assert not again.plan_created
    assert (again.items_added, again.items_updated, again.reports_added) == (0, 0, 0)
    assert again.reports_unchanged == REPORTS
    assert row_counts(session) == before
    with pytest.raises(NotAllowed):  # only the plan's readers export it
        export(session, Actor(user_id=None), plan.id)


@pytest.mark.parametrize("lang, items_sheet", [("en", "items"), ("es", "acciones")])
def test_the_template_is_a_workbook_in_the_chosen_language(lang, items_sheet):
    workbook = load_workbook(io.BytesIO(plan_files.template(lang)), read_only=True)
    assert items_sheet in workbook.sheetnames


@pytest.mark.parametrize("attack", ["cell at XFD1048576", "billion laughs in the workbook part",
                                    "one long text in 50,000 cells"])
def test_a_hostile_upload_is_refused_with_the_import_s_message_and_writes_nothing(
        session, tmp_path, attack):
    """Issue 25: the first killed the server process (calamine asked for 512 GiB), the second
    ended in an incident (lxml's error), the third needs gigabytes within every bound."""
    data, name = HOSTILE[attack](tmp_path)
    before = row_counts(session)
    for dry_run in (True, False):
        with pytest.raises(InvalidInput) as refused:
            plan_files.import_upload(session, SYSTEM, data, name, plan_name=None,
                                     dry_run=dry_run)
        assert refused.value.key == REFUSED_WITH[attack]
    assert row_counts(session) == before
