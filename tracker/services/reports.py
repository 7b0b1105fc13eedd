"""Quarterly reports: each write appends an immutable revision and moves the pointers.

The workflow rules (who, which quarter, optimistic locking, review) are built on
``append_revision``; the import writes approved history in bulk through
``create_reports_bulk`` and ``append_revisions_bulk``, which move the pointers by the same
rule (``pointers``) in a few statements instead of a few per report.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

import sqlalchemy
from sqlalchemy import Table, bindparam, func, insert, text, update
from sqlmodel import Session, col, select

from tracker.db import bulk_insert, table_of
from tracker.models import (
    CONTENT_FIELDS,
    COUNTING_STATES,
    ActionItem,
    ContentKind,
    Report,
    ReportContent,
    ReportRevision,
    ReportState,
    utcnow,
)
from tracker.quarters import Quarter

__all__ = ["ReportContent", "append_revision", "append_revisions_bulk", "create_reports_bulk",
           "find_report", "pointers", "same_content"]

ReportKey = tuple[int, Quarter, int]  # (item id, quarter, institution id)
FLAGS = frozenset(spec.name for spec in CONTENT_FIELDS if spec.kind is ContentKind.FLAG)


def find_report(
    session: Session, item_id: int, quarter: Quarter, institution_id: int, *,
    for_update: bool = False,
) -> Report | None:
    """The report, locked for this transaction with ``for_update`` (PostgreSQL; SQLite's
    ``BEGIN IMMEDIATE`` already serialises writers), so two saves cannot both pass the
    version check."""
    query = select(Report).where(
        Report.item_id == item_id, Report.quarter == quarter,
        Report.institution_id == institution_id,
    )
    return session.exec(query.with_for_update() if for_update else query).first()


def counting_revision(session: Session, report: Report) -> ReportRevision | None:
    if report.counting_revision_id is None:
        return None
    return session.get(ReportRevision, report.counting_revision_id)


def pointers(state: ReportState, revision: object) -> dict[str, object]:
    """Where a report's pointers go when a revision in ``state`` is added (``revision``: its
    id, or an SQL expression giving it): the latest always, the counting one when it counts."""
    moved = {"latest_revision_id": revision}
    if state in COUNTING_STATES:
        moved["counting_revision_id"] = revision
    return moved


def append_revision(
    session: Session,
    *,
    item_id: int,
    quarter: Quarter,
    institution_id: int,
    content: ReportContent,
    state: ReportState,
    author_id: int | None,
    review_comment: str | None = None,
) -> Report:
    """Add a new version of the report (creating the report if it is the first)."""
    report = find_report(session, item_id, quarter, institution_id)
    if report is None:
        report = Report(item_id=item_id, quarter=quarter, institution_id=institution_id,
                        version=0)
        session.add(report)
        session.flush()
    report.version += 1
    revision = ReportRevision(
        report_id=report.id, number=report.version, state=state, author_id=author_id,
        review_comment=review_comment, **content.as_dict(),
    )
    session.add(revision)
    session.flush()
    report.sqlmodel_update(pointers(state, revision.id))
    session.add(report)
    session.flush()  # the figures read the pointers with plain SQL
    return report


# -- in bulk, for the import -----------------------------------------------------------------


def counting_contents(session: Session, plan_id: int
                      ) -> dict[ReportKey, tuple[int, int, dict[str, object] | None]]:
    """(item, quarter, institution) -> (report id, version, counting content) for the plan."""
    fields = [spec.name for spec in CONTENT_FIELDS]
    columns = [getattr(ReportRevision, name) for name in fields]
    # SQLAlchemy's select: SQLModel's types a select of at most four columns
    rows = session.execute(
        sqlalchemy.select(col(Report.id), col(Report.item_id), col(Report.quarter),
                          col(Report.institution_id), col(Report.version),
                          col(ReportRevision.id), *columns)
        .join(ActionItem, col(ActionItem.id) == Report.item_id)
        .outerjoin(ReportRevision, col(ReportRevision.id) == Report.counting_revision_id)
        .where(col(ActionItem.plan_id) == plan_id))
    found: dict[ReportKey, tuple[int, int, dict[str, object] | None]] = {}
    for report_id, item_id, quarter, institution_id, version, counted, *values in rows:
        content = dict(zip(fields, values, strict=True)) if counted is not None else None
        found[(item_id, quarter, institution_id)] = (report_id, version, content)
    return found


def same_content(stored: Mapping[str, object] | None, wanted: Mapping[str, object]) -> bool:
    """Whether a report row says what the stored counting version says (an empty text and
    no text are the same; numbers compare as numbers)."""
    if stored is None:
        return False
    return all(bool(stored.get(k)) == bool(value) if k in FLAGS
               else (stored.get(k) or None) == (value or None) for k, value in wanted.items())


def _reserve_ids(session: Session, table: Table, count: int) -> list[int]:
    """``count`` primary keys for rows about to be inserted with explicit ids, so that a
    report and its first revision can point at each other without an UPDATE afterwards.
    PostgreSQL: taken from the table's sequence. SQLite: after the largest id, safe because
    the transaction holds the write lock (``BEGIN IMMEDIATE``) until it commits."""
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        # one row holding every id: fetching 58,000 rows one by one took longer than taking them
        return list(connection.execute(
            text("SELECT array_agg(nextval(pg_get_serial_sequence(:table, 'id'))) "
                 "FROM generate_series(1, :count)"),
            {"table": table.name, "count": count}).scalar_one())
    largest = connection.execute(select(func.max(table.c.id))).scalar() or 0
    return list(range(largest + 1, largest + 1 + count))


def _revision_row(revision_id: int | None, report_id: int, number: int, state: ReportState,
                  content: ReportContent, author_id: int | None, now: datetime
                  ) -> dict[str, object]:
    row = {"report_id": report_id, "number": number, "state": state.value,
           "author_id": author_id, "review_comment": None, "created_at": now,
           **content.as_dict()}
    return row if revision_id is None else {"id": revision_id, **row}


def create_reports_bulk(session: Session, contents: Mapping[ReportKey, ReportContent], *,
                        state: ReportState, author_id: int | None) -> None:
    """New reports, each with its first revision in ``state``: two executemany inserts."""
    if not contents:
        return
    keys = list(contents)
    report_ids = _reserve_ids(session, table_of(Report), len(keys))
    revision_ids = _reserve_ids(session, table_of(ReportRevision), len(keys))
    connection, now = session.connection(), utcnow()
    bulk_insert(connection, table_of(Report), [
        {"id": report_id, "item_id": item_id, "quarter": quarter,
         "institution_id": institution_id, "version": 1, "latest_revision_id": None,
         "counting_revision_id": None, **pointers(state, revision_id)}
        for (item_id, quarter, institution_id), report_id, revision_id
        in zip(keys, report_ids, revision_ids, strict=True)])
    bulk_insert(connection, table_of(ReportRevision), [
        _revision_row(revision_id, report_id, 1, state, contents[key], author_id, now)
        for key, report_id, revision_id in zip(keys, report_ids, revision_ids, strict=True)])


def append_revisions_bulk(session: Session, versions: Sequence[tuple[int, int, ReportContent]],
                          *, state: ReportState, author_id: int | None) -> None:
    """A new revision in ``state`` of each (report id, its current version, content)."""
    if not versions:
        return
    reports, connection, now = table_of(Report), session.connection(), utcnow()
    connection.execute(insert(table_of(ReportRevision)), [
        _revision_row(None, report_id, version + 1, state, content, author_id, now)
        for report_id, version, content in versions])
    revision = (select(ReportRevision.id)
                .where(ReportRevision.report_id == reports.c.id,
                       ReportRevision.number == bindparam("number"))
                .scalar_subquery())
    connection.execute(
        update(reports).where(reports.c.id == bindparam("report"))
        .values(version=bindparam("number"), **pointers(state, revision)),
        [{"report": report_id, "number": version + 1} for report_id, version, _ in versions])
