"""The one declaration of a report's content (``ReportContent`` and ``CONTENT_FIELDS``) and
the revision table that stores it: SQLModel needs the table's columns spelled out, so they are
checked here against the declaration."""

from __future__ import annotations

import dataclasses
import typing

from sqlalchemy import String

from tracker import rules
from tracker.io.template import REPORTS
from tracker.models import CONTENT_FIELDS, ContentKind, ReportContent, ReportRevision, Status


def _revision_columns() -> list[str]:
    return [column.name for column in ReportRevision.__table__.columns]


def test_the_revision_table_stores_each_content_field_in_the_declared_order():
    names = [spec.name for spec in CONTENT_FIELDS]
    assert names == [f.name for f in dataclasses.fields(ReportContent)]
    assert [name for name in _revision_columns() if name in names] == names


def test_each_content_column_takes_what_the_field_holds():
    hints = typing.get_type_hints(ReportContent)
    table = ReportRevision.__table__
    for spec in CONTENT_FIELDS:
        column = table.columns[spec.name]
        optional = type(None) in typing.get_args(hints[spec.name])
        assert column.nullable == optional, spec.name
        if isinstance(column.type, String) and column.type.length is not None:
            assert column.type.length >= rules.limit("report", spec.name), spec.name


def test_the_texts_a_member_types_have_their_rules():
    for spec in CONTENT_FIELDS:
        if spec.kind in (ContentKind.TEXT, ContentKind.LINK):
            assert rules.limit("report", spec.name) > 0
        if spec.kind is ContentKind.TEXT:
            assert not rules.single_line("report", spec.name)


def test_the_template_has_a_column_for_each_content_field():
    assert [c.name for c in REPORTS.columns][-len(CONTENT_FIELDS):] == [
        spec.name for spec in CONTENT_FIELDS]


def test_a_content_reads_back_as_stored():
    content = ReportContent(status=Status.IN_PROGRESS, percent_complete=40.0, narrative="Done")
    revision = ReportRevision(report_id=1, number=1, state="draft", **content.as_dict())
    assert revision.status == "in_progress"
    assert ReportContent.of(revision) == content
