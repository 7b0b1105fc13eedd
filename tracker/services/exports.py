"""A plan's export in the import template's shape: who may export, and what it holds.

The rows are read here, as plain columns in a few queries (a national plan has tens of
thousands of reports); ``tracker/io/exporter.py`` only writes them as a workbook or CSVs.
Export holds the counting reports (submitted or approved), with the sheet names, headers,
statuses and yes/no words of one language (the reader's in the app, English from the CLI), so
that export -> import -> export gives the same workbook in either language.
"""

from __future__ import annotations

import sqlalchemy
from sqlmodel import Session, col, select

from tracker.io.exporter import Table, csv_zip, workbook_bytes
from tracker.io.template import INSTITUTIONS, ITEMS, LINES, PLAN, REPORTS, status_word, yes_word
from tracker.metrics import natural_key
from tracker.models import (
    CONTENT_FIELDS,
    COUNTING_STATES,
    ActionItem,
    ContentKind,
    Institution,
    ItemSupport,
    Plan,
    Report,
    ReportRevision,
    StrategicLine,
)
from tracker.services.permissions import Actor, Permission

WORDS = {ContentKind.STATUS: status_word, ContentKind.FLAG: yes_word}  # the others as stored


def plan_tables(session: Session, actor: Actor, plan: Plan, lang: str = "en") -> list[Table]:
    """The plan as the template's sheets: rows in template column order, words in ``lang``."""
    actor.require(Permission.READ_PLAN, plan.id)
    lines = sorted(session.exec(select(StrategicLine.id, StrategicLine.code, StrategicLine.name)
                                .where(StrategicLine.plan_id == plan.id)),
                   key=lambda line: natural_key(line[1]))
    line_codes = {line_id: code for line_id, code, _name in lines}
    acronyms = dict(session.exec(select(Institution.id, Institution.acronym)).all())
    supporters: dict[int, list[str]] = {}
    for item_id, institution_id in session.exec(
            select(ItemSupport.item_id, ItemSupport.institution_id).join(ActionItem)
            .where(ActionItem.plan_id == plan.id)):
        supporters.setdefault(item_id, []).append(acronyms[institution_id])
    items = _item_rows(session, plan, line_codes, acronyms, supporters)
    used = {row[4] for row in items} | {name for names in supporters.values() for name in names}
    institutions = session.exec(
        select(Institution.acronym, Institution.name, Institution.country, Institution.kind))
    return [
        (PLAN, [[plan.name, plan.commission, plan.first_quarter, plan.last_quarter,
                 plan.fiscal_year_start_month, plan.time_zone]]),
        (LINES, [[code, name] for _id, code, name in lines]),
        (INSTITUTIONS, [list(row) for row in sorted(institutions, key=lambda i: i[0])
                        if row[0] in used]),  # (acronym, name, country, kind)
        (ITEMS, items),
        (REPORTS, _report_rows(session, plan, acronyms, lang)),
    ]


def _item_rows(session: Session, plan: Plan, line_codes: dict[int, str],
               acronyms: dict[int, str], supporters: dict[int, list[str]]
               ) -> list[list[object]]:
    # SQLAlchemy's select: SQLModel's types a select of at most four columns
    query = (sqlalchemy.select(
        col(ActionItem.id), col(ActionItem.code), col(ActionItem.line_id), col(ActionItem.title),
        col(ActionItem.description), col(ActionItem.lead_institution_id),
        col(ActionItem.start_quarter), col(ActionItem.due_quarter), col(ActionItem.indicator),
        col(ActionItem.unit), col(ActionItem.baseline), col(ActionItem.target),
        col(ActionItem.weight))
        .where(col(ActionItem.plan_id) == plan.id,
               col(ActionItem.archived) == False))  # noqa: E712
    rows = [[code, line_codes[line_id], title, description, acronyms[lead],
             "; ".join(sorted(supporters.get(item_id, []))), *rest]
            for item_id, code, line_id, title, description, lead, *rest
            in session.execute(query)]
    return sorted(rows, key=lambda row: natural_key(row[0]))


def _report_rows(session: Session, plan: Plan, acronyms: dict[int, str],
                 lang: str) -> list[list[object]]:
    """The counting reports, read as plain columns (a national plan has tens of thousands)."""
    query = (
        sqlalchemy.select(
            col(ActionItem.code), col(Report.quarter), col(Report.institution_id),
            *(col(getattr(ReportRevision, spec.name)) for spec in CONTENT_FIELDS))
        .join(Report, col(Report.item_id) == ActionItem.id)
        .join(ReportRevision, col(ReportRevision.id) == Report.counting_revision_id)
        .where(col(ActionItem.plan_id) == plan.id,
               col(ActionItem.archived) == False,  # noqa: E712
               col(ReportRevision.state).in_([s.value for s in COUNTING_STATES]))
    )
    keys: dict[str, tuple] = {}  # each code's natural key, computed once
    ordered: list[tuple[tuple, str, str, list[object]]] = []  # (order..., row)
    words = [WORDS.get(spec.kind) for spec in CONTENT_FIELDS]  # a status, a yes: in ``lang``
    for code, quarter, institution_id, *content in session.execute(query):
        if code not in keys:
            keys[code] = natural_key(code)
        acronym = acronyms[institution_id]
        ordered.append((keys[code], quarter, acronym,
                        [code, quarter, acronym,
                         *(value if word is None else word(value, lang)
                           for word, value in zip(words, content, strict=True))]))
    ordered.sort(key=lambda entry: entry[:3])
    return [row for *_order, row in ordered]


def export_workbook(session: Session, actor: Actor, plan: Plan, lang: str = "en") -> bytes:
    """The plan as an .xlsx workbook in the template's shape, in ``lang``."""
    return workbook_bytes(plan_tables(session, actor, plan, lang), lang)


def export_csv_zip(session: Session, actor: Actor, plan: Plan, lang: str = "en") -> bytes:
    """The same sheets as CSV files, zipped."""
    return csv_zip(plan_tables(session, actor, plan, lang), lang)
