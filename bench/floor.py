"""The floors the benchmarks compare against.

- ``raw_rollups``: the roll-ups of one quarter (plan at q and q-1, by institution, line and
  country, buckets per lead institution, completeness per institution) by one hand-written
  query, with none of ``tracker.metrics``' generality: the least this store needs.
- ``floor_page_script``: a Streamlit page drawing the same plotly charts from constants.
- ``read_floor``: openpyxl reading every row of a workbook, nothing else.

The smoke test checks that ``raw_rollups`` gives the same figures as ``tracker.metrics``, so
the floor measures the same work.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy import text
from sqlmodel import Session

from tracker.quarters import Quarter


def _ordinal(column: str) -> str:
    return (f"(CAST(SUBSTR({column}, 1, 4) AS INTEGER) * 4 "
            f"+ CAST(SUBSTR({column}, 7, 1) AS INTEGER) - 1)")


def _latest(comparison: str) -> str:
    return f"""(SELECT r.counting_revision_id FROM report r
        JOIN report_revision v ON v.id = r.counting_revision_id
        WHERE r.item_id = it.id AND r.institution_id = it.lead_institution_id
          AND r.quarter {comparison} qq.q AND v.state IN ('submitted', 'approved')
          AND NOT v.nothing_to_report
        ORDER BY r.quarter DESC LIMIT 1)"""


RAW_ROLLUPS = f"""
WITH it AS (
    SELECT i.id, i.weight, i.line_id, i.lead_institution_id, inst.country, inst.acronym,
           {_ordinal("i.start_quarter")} AS start_ord, {_ordinal("i.due_quarter")} AS due_ord
    FROM action_item i JOIN institution inst ON inst.id = i.lead_institution_id
    WHERE i.plan_id = :plan_id AND NOT i.archived
),
qq AS (SELECT CAST(:q AS VARCHAR(7)) AS q, CAST(:qo AS INTEGER) AS qo
       UNION ALL SELECT CAST(:p AS VARCHAR(7)), CAST(:po AS INTEGER)),
cur AS MATERIALIZED (
    SELECT it.*, qq.q, qq.qo, {_latest("<=")} AS now_id, {_latest("<")} AS before_id
    FROM it CROSS JOIN qq WHERE it.start_ord <= qq.qo
),
f AS MATERIALIZED (
    SELECT c.id, c.weight, c.line_id, c.lead_institution_id, c.country, c.acronym, c.q,
           CASE WHEN n.status = 'completed' THEN 100.0 ELSE COALESCE(n.percent_complete, 0) END
               AS progress,
           CASE WHEN b.status = 'completed' THEN 100.0 ELSE COALESCE(b.percent_complete, 0) END
               AS before_progress,
           CASE WHEN c.qo >= c.due_ord THEN 100.0
                ELSE 100.0 * (c.qo - c.start_ord + 1) / (c.due_ord - c.start_ord + 1) END
               AS expected,
           CASE WHEN n.status = 'blocked' THEN 1 ELSE 0 END AS blocked,
           c.qo > c.due_ord AS late
    FROM cur c
    LEFT JOIN report_revision n ON n.id = c.now_id
    LEFT JOIN report_revision b ON b.id = c.before_id
    WHERE n.status IS NULL OR n.status <> 'cancelled'
),
due AS (
    SELECT id AS item_id, lead_institution_id AS institution_id FROM f
    WHERE q = :q AND before_progress < 100
    UNION
    SELECT f.id, s.institution_id FROM f JOIN item_support s ON s.item_id = f.id
    WHERE f.q = :q AND f.before_progress < 100
)
SELECT 'plan' AS part, q AS grp, CAST(NULL AS VARCHAR(20)) AS bucket,
       SUM(weight * progress) / SUM(weight) AS progress,
       SUM(weight * expected) / SUM(weight) AS expected, COUNT(*) AS n, 0 AS received
FROM f GROUP BY q
UNION ALL
SELECT 'institution', acronym, NULL, SUM(weight * progress) / SUM(weight),
       SUM(weight * expected) / SUM(weight), COUNT(*), 0
FROM f WHERE q = :q GROUP BY acronym
UNION ALL
SELECT 'line', CAST(line_id AS VARCHAR(20)), NULL, SUM(weight * progress) / SUM(weight),
       SUM(weight * expected) / SUM(weight), COUNT(*), 0
FROM f WHERE q = :q GROUP BY line_id
UNION ALL
SELECT 'country', country, NULL, SUM(weight * progress) / SUM(weight),
       SUM(weight * expected) / SUM(weight), COUNT(*), 0
FROM f WHERE q = :q GROUP BY country
UNION ALL
SELECT 'bucket', acronym, bucket, NULL, NULL, COUNT(*), SUM(blocked)
FROM (SELECT acronym, blocked,
             CASE WHEN progress >= 100 THEN 'completed' WHEN late THEN 'overdue'
                  WHEN progress < expected - 15 THEN 'behind' ELSE 'on_track' END AS bucket
      FROM f WHERE q = :q) b
GROUP BY acronym, bucket
UNION ALL
SELECT 'completeness', CAST(d.institution_id AS VARCHAR(20)), NULL, NULL, NULL, COUNT(*),
       COUNT(v.id)
FROM due d
LEFT JOIN report r ON r.item_id = d.item_id AND r.institution_id = d.institution_id
                  AND r.quarter = :q
LEFT JOIN report_revision v ON v.id = r.counting_revision_id
                           AND v.state IN ('submitted', 'approved')
GROUP BY d.institution_id
"""


def raw_rollups(session: Session, plan_id: int, quarter: Quarter) -> list[tuple]:
    """(part, group, bucket, progress, expected, items, received) rows of one quarter."""
    before = quarter - 1
    params = {"plan_id": plan_id, "q": str(quarter), "qo": quarter.ordinal,
              "p": str(before), "po": before.ordinal}
    return [tuple(row) for row in session.connection().execute(text(RAW_ROLLUPS), params)]


def floor_page_script(specs: Path) -> str:
    """A page drawing the plotly charts saved in ``specs`` (a JSON list of figures): the
    same charts as the measured page, from constant data built once."""
    return f"""
import json

import plotly.graph_objects as go
import streamlit as st


@st.cache_resource
def figures():
    with open({str(specs)!r}) as handle:
        return [go.Figure(spec) for spec in json.load(handle)]


for index, figure in enumerate(figures()):
    st.plotly_chart(figure, key=f"chart{{index}}")
"""


def read_floor(path: Path) -> int:
    """Read every row of every sheet with openpyxl in read-only mode; the number of rows."""
    workbook = load_workbook(path, read_only=True)
    rows = 0
    for worksheet in workbook.worksheets:
        for _row in worksheet.iter_rows(values_only=True):
            rows += 1
    workbook.close()
    return rows
