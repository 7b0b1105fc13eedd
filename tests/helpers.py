"""Helpers for tests: small workbooks, counting rows, reading workbooks back, a free port,
one kind of figure at a time as a DataFrame (the app asks ``metrics.figure_rows`` for several in
one query)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd
from openpyxl import Workbook, load_workbook
from sqlalchemy import func
from sqlmodel import Session, select

from devtools.servers import free_port as free_port  # the service tests' SMTP ports
from tracker import changes, metrics
from tracker.metrics import NO_FILTERS, Dimension, Filters, figure_rows
from tracker.quarters import Quarter

MINIMAL = {
    "plan": [["name", "commission", "first_quarter", "last_quarter"],
             ["Small plan", "Test commission", "2026-Q1", "2026-Q4"]],
    "institutions": [["acronym", "name", "country", "kind"],
                     ["OIM", "Organización Internacional para las Migraciones", "EC", ""],
                     ["DINAPEN", "Policía especializada para niños", "EC", "police"]],
    "items": [["code", "strategic_line", "title", "lead_institution", "supporting_institutions",
               "start_quarter", "due_quarter", "indicator", "unit", "baseline", "target",
               "weight"],
              ["1.1", "Capacity", "Train officials", "OIM", "DINAPEN", "2026-Q1", "2026-Q4",
               "Officials trained", "people", 0, 100, 2],
              ["1.2", "Capacity", "Protocol", "DINAPEN", "", "2026-Q2", "2026-Q3", "", "", "",
               "", ""]],
    "reports": [["code", "quarter", "institution", "status", "percent_complete",
                 "indicator_value", "nothing_to_report"],
                ["1.1", "2026-Q1", "", "in progress", 20, 20, ""],
                ["1.1", "2026-Q2", "", "en curso", 45, 45, ""],
                ["1.1", "2026-Q2", "DINAPEN", "", "", "", "sí"],
                ["1.2", "2026-Q2", "", "completado", 100, "", ""]],
}


def write_workbook(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        worksheet = workbook.create_sheet(name)
        for row in rows:
            worksheet.append(row)
    workbook.save(path)
    return path


def read_workbook(path: Path) -> dict[str, list[tuple]]:
    workbook = load_workbook(path, read_only=True)
    return {ws.title: [tuple(row) for row in ws.iter_rows(values_only=True)]
            for ws in workbook.worksheets}


def row_counts(session: Session) -> dict[str, int]:
    """Rows per table of the tracker's data (the change generations are bookkeeping: a new
    database has the structure's)."""
    return {table.name: session.exec(select(func.count()).select_from(table)).one()
            for table in changes.data_tables()}


def rollup(session: Session, plan_id: int, quarters: Quarter | Sequence[Quarter],
           by: Dimension | str = Dimension.PLAN, filters: Filters = NO_FILTERS) -> pd.DataFrame:
    """Weighted progress and expected per group of one dimension and quarter."""
    dimension = Dimension(by)
    return metrics.frame(figure_rows(session, plan_id, quarters, rollups=[dimension],
                                     filters=filters).rollups[dimension], metrics.RollupRow)


def completeness(session: Session, plan_id: int, quarters: Quarter | Sequence[Quarter],
                 by: Dimension | str = Dimension.PLAN) -> pd.DataFrame:
    """Reporting completeness per group of one dimension and quarter."""
    dimension = Dimension(by)
    return metrics.frame(figure_rows(session, plan_id, quarters, completeness_by=[dimension]
                                     ).completeness[dimension], metrics.CompletenessRow)


def bucket_counts(session: Session, plan_id: int, quarter: Quarter) -> pd.DataFrame:
    """Items in scope per lead institution and schedule bucket (label, bucket, items, blocked)."""
    found = figure_rows(session, plan_id, quarter, buckets=True).buckets
    assert found is not None
    return metrics.frame(found, metrics.BucketRow).drop(columns="quarter")


def item_frame(session: Session, plan_id: int, quarters: Quarter | Sequence[Quarter],
               filters: Filters = NO_FILTERS) -> pd.DataFrame:
    """``metrics.item_rows`` as a DataFrame (missing numbers NaN)."""
    return metrics.frame(metrics.item_rows(session, plan_id, quarters, filters),
                         metrics.ItemFigures)
