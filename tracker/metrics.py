"""The figures of DESIGN.md ("The figures, exactly"), computed in SQL.

Every chart, page, deck and export reads its numbers from here. Each query takes a list of
quarters so that one figure for one quarter and a trend over many come from the same SQL.

- A report counts when its counting revision is ``submitted`` or ``approved``.
- An item's status, progress and indicator value at q come from the lead institution's latest
  counting report for a quarter <= q that is not "nothing to report" (progress 100 when the
  status is ``completed``); no such report means progress 0.
- In scope at q: start <= q and status at q is not ``cancelled`` (archived items never are).
- Expected at q: 100 x (quarters start..q) / (quarters start..due), at most 100.
- Bucket, first match: completed (progress 100), overdue (q after due), behind
  (progress < expected - 15), on track. Blocked is counted apart.
- Roll-ups: weighted means of progress and expected over the items in scope.
- Completeness at q: (item, participating institution) pairs in scope whose item was not at
  100 before q; the share with a counting report for exactly q (nothing to report included).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import pandas as pd
from sqlalchemy import text
from sqlmodel import Session

from tracker.quarters import Quarter

BEHIND_MARGIN = 15.0


class Bucket(StrEnum):
    COMPLETED = "completed"
    OVERDUE = "overdue"
    BEHIND = "behind"
    ON_TRACK = "on_track"


class Dimension(StrEnum):
    INSTITUTION = "institution"
    LINE = "line"
    COUNTRY = "country"
    PLAN = "plan"


def _ordinal_sql(column: str) -> str:
    """The quarter ordinal of a ``YYYY-Qn`` text column, portable to SQLite and PostgreSQL."""
    return (
        f"(CAST(SUBSTR({column}, 1, 4) AS INTEGER) * 4 "
        f"+ CAST(SUBSTR({column}, 7, 1) AS INTEGER) - 1)"
    )


_COUNTING = "('submitted', 'approved')"


def _quarters_cte(quarters: Sequence[Quarter], params: dict[str, object]) -> str:
    rows = []
    for index, quarter in enumerate(quarters):
        params[f"q{index}"] = str(quarter)
        params[f"o{index}"] = quarter.ordinal
        rows.append(f"(CAST(:q{index} AS VARCHAR(7)), CAST(:o{index} AS INTEGER))")
    return f"qs(q, q_ord) AS (VALUES {', '.join(rows)})"


@dataclass(frozen=True)
class Filters:
    """Which items the figures cover: lead institution's country, lead institution, line."""

    countries: tuple[str, ...] = ()
    institutions: tuple[str, ...] = ()  # acronyms of lead institutions
    lines: tuple[str, ...] = ()  # line codes

    def sql(self, params: dict[str, object]) -> str:
        clauses = []
        for name, column, values in (("fc", "inst.country", self.countries),
                                     ("fi", "inst.acronym", self.institutions),
                                     ("fl", "l.code", self.lines)):
            if values:
                keys = [f"{name}{index}" for index in range(len(values))]
                params.update(zip(keys, values, strict=True))
                clauses.append(f" AND {column} IN ({', '.join(':' + k for k in keys)})")
        return "".join(clauses)


NO_FILTERS = Filters()


def _figures_ctes(quarters: Sequence[Quarter], params: dict[str, object],
                  filters: Filters = NO_FILTERS) -> str:
    """CTEs ``qs``, ``items``, ``parts`` and ``fig`` (one row per item and quarter)."""
    return f"""
WITH {_quarters_cte(quarters, params)},
items AS (
    SELECT i.id, i.code, i.title, i.weight, i.line_id, i.lead_institution_id,
           i.start_quarter, i.due_quarter, i.indicator, i.unit, i.baseline, i.target,
           {_ordinal_sql("i.start_quarter")} AS start_ord,
           {_ordinal_sql("i.due_quarter")} AS due_ord,
           inst.acronym AS lead, inst.country AS country,
           l.code AS line_code, l.name AS line_name
    FROM action_item i
    JOIN institution inst ON inst.id = i.lead_institution_id
    JOIN strategic_line l ON l.id = i.line_id
    WHERE i.plan_id = :plan_id AND NOT i.archived{filters.sql(params)}
),
parts AS (
    SELECT id AS item_id, lead_institution_id AS institution_id FROM items
    UNION
    SELECT s.item_id, s.institution_id FROM item_support s JOIN items i ON i.id = s.item_id
),
lead_reports AS (
    SELECT qs.q, r.item_id, rv.status, rv.percent_complete, rv.indicator_value,
           CASE WHEN r.quarter < qs.q THEN 1 ELSE 0 END AS is_before,
           ROW_NUMBER() OVER (PARTITION BY qs.q, r.item_id ORDER BY r.quarter DESC) AS rn,
           ROW_NUMBER() OVER (
               PARTITION BY qs.q, r.item_id, CASE WHEN r.quarter < qs.q THEN 1 ELSE 0 END
               ORDER BY r.quarter DESC) AS rn_part
    FROM items i
    JOIN report r ON r.item_id = i.id AND r.institution_id = i.lead_institution_id
    JOIN report_revision rv ON rv.id = r.counting_revision_id
    JOIN qs ON r.quarter <= qs.q
    WHERE rv.state IN {_COUNTING} AND NOT rv.nothing_to_report
),
raw AS (
    SELECT qs.q, qs.q_ord, i.*, now_r.status, now_r.indicator_value,
           CASE WHEN now_r.status = 'completed' THEN 100.0
                ELSE COALESCE(now_r.percent_complete, 0.0) END AS progress,
           CASE WHEN before_r.status = 'completed' THEN 100.0
                ELSE COALESCE(before_r.percent_complete, 0.0) END AS progress_before,
           CASE WHEN qs.q_ord < i.start_ord THEN 0.0
                WHEN qs.q_ord >= i.due_ord THEN 100.0
                ELSE CAST(100.0 * (qs.q_ord - i.start_ord + 1) AS DOUBLE PRECISION)
                     / (i.due_ord - i.start_ord + 1) END AS expected,
           CASE WHEN i.start_ord <= qs.q_ord
                     AND (now_r.status IS NULL OR now_r.status <> 'cancelled')
                THEN 1 ELSE 0 END AS in_scope
    FROM qs CROSS JOIN items i
    LEFT JOIN lead_reports now_r
           ON now_r.q = qs.q AND now_r.item_id = i.id AND now_r.rn = 1
    LEFT JOIN lead_reports before_r
           ON before_r.q = qs.q AND before_r.item_id = i.id
          AND before_r.is_before = 1 AND before_r.rn_part = 1
),
fig AS (
    SELECT raw.*,
           CASE WHEN in_scope = 0 THEN NULL
                WHEN progress >= 100 THEN 'completed'
                WHEN q_ord > due_ord THEN 'overdue'
                WHEN progress < expected - {BEHIND_MARGIN} THEN 'behind'
                ELSE 'on_track' END AS bucket,
           CASE WHEN in_scope = 1 AND status = 'blocked' THEN 1 ELSE 0 END AS blocked
    FROM raw
)"""


def _as_quarters(quarters: Quarter | Sequence[Quarter]) -> list[Quarter]:
    return [quarters] if isinstance(quarters, Quarter) else list(quarters)


def _frame(session: Session, sql: str, params: dict[str, object]) -> pd.DataFrame:
    result = session.connection().execute(text(sql), params)
    return pd.DataFrame(result.mappings().all(), columns=list(result.keys()))


def natural_key(value: object) -> tuple:
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", str(value)))


def _to_float(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    for column in columns:
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("float64")
    return frame


ITEM_COLUMNS = (
    "quarter", "item_id", "code", "title", "line_code", "line_name", "lead", "country", "weight",
    "start_quarter", "due_quarter", "status", "progress", "expected", "indicator_value",
    "indicator", "unit", "baseline", "target", "in_scope", "bucket", "blocked",
)


def item_figures(
    session: Session, plan_id: int, quarters: Quarter | Sequence[Quarter],
    filters: Filters = NO_FILTERS,
) -> pd.DataFrame:
    """One row per (quarter, item) that is not archived, sorted by quarter and item code."""
    params: dict[str, object] = {"plan_id": plan_id}
    sql = _figures_ctes(_as_quarters(quarters), params, filters) + """
SELECT q AS quarter, id AS item_id, code, title, line_code, line_name, lead, country, weight,
       start_quarter, due_quarter, status, progress, expected, indicator_value,
       indicator, unit, baseline, target, in_scope, bucket, blocked
FROM fig"""
    frame = _frame(session, sql, params)
    frame = _to_float(frame, "weight", "progress", "expected", "indicator_value", "baseline",
                      "target")
    frame["in_scope"] = frame["in_scope"].astype(bool)
    frame["blocked"] = frame["blocked"].astype(bool)
    frame = frame.sort_values(["quarter", "code"], key=_sort_key, ignore_index=True)
    return frame


def _sort_key(series: pd.Series) -> pd.Series:
    return series.map(natural_key)


_GROUPS = {
    Dimension.INSTITUTION: (
        "SELECT DISTINCT inst.id AS key, inst.acronym AS label, inst.name AS name "
        "FROM items i JOIN institution inst ON inst.id = i.lead_institution_id",
        "lead_institution_id",
    ),
    Dimension.LINE: (
        "SELECT l.id AS key, l.code AS label, l.name AS name "
        "FROM strategic_line l WHERE l.plan_id = :plan_id",
        "line_id",
    ),
    Dimension.COUNTRY: (
        "SELECT DISTINCT country AS key, country AS label, country AS name FROM items",
        "country",
    ),
    Dimension.PLAN: (
        "SELECT p.id AS key, p.name AS label, p.name AS name FROM plan p WHERE p.id = :plan_id",
        None,
    ),
}


def rollup(
    session: Session,
    plan_id: int,
    quarters: Quarter | Sequence[Quarter],
    by: Dimension | str = Dimension.PLAN,
    filters: Filters = NO_FILTERS,
) -> pd.DataFrame:
    """Weighted progress and expected per group and quarter; NaN where a group is empty.

    Columns: quarter, key, label, name, progress, expected, items.
    """
    dimension = Dimension(by)
    groups_sql, column = _GROUPS[dimension]
    match = f"AND f.{column} = g.key" if column else ""
    params: dict[str, object] = {"plan_id": plan_id}
    if dimension is Dimension.LINE:  # chosen lines only, empty ones included
        groups_sql += Filters(lines=filters.lines).sql(params)
    sql = _figures_ctes(_as_quarters(quarters), params, filters) + f""",
groups AS ({groups_sql})
SELECT qs.q AS quarter, g.key, g.label, g.name,
       SUM(f.weight * f.progress) / SUM(f.weight) AS progress,
       SUM(f.weight * f.expected) / SUM(f.weight) AS expected,
       COUNT(f.id) AS items
FROM qs CROSS JOIN groups g
LEFT JOIN fig f ON f.q = qs.q AND f.in_scope = 1 {match}
GROUP BY qs.q, g.key, g.label, g.name"""
    frame = _to_float(_frame(session, sql, params), "progress", "expected")
    frame["items"] = frame["items"].astype(int)
    return frame.sort_values(["quarter", "label"], key=_sort_key, ignore_index=True)


# key, label, name of each group, and how an institution belongs to it
_COMPLETENESS_GROUPS = {
    Dimension.INSTITUTION: ("inst.id", "inst.acronym", "inst.name", "inst.id = g.key"),
    Dimension.COUNTRY: ("inst.country", "inst.country", "inst.country", "inst.country = g.key"),
    Dimension.PLAN: ("0", "'plan'", "'plan'", "1 = 1"),
}


def completeness(
    session: Session,
    plan_id: int,
    quarters: Quarter | Sequence[Quarter],
    by: Dimension | str = Dimension.PLAN,
    filters: Filters = NO_FILTERS,
) -> pd.DataFrame:
    """Reporting completeness per group and quarter.

    Columns: quarter, key, label, name, expected_reports, received, share (0-100, NaN when
    nothing was expected). Institutions are those taking part in the plan's items.
    """
    dimension = Dimension(by)
    key, label, name, belongs = _COMPLETENESS_GROUPS[dimension]
    params: dict[str, object] = {"plan_id": plan_id}
    sql = _figures_ctes(_as_quarters(quarters), params, filters) + f""",
due_pairs AS (
    SELECT f.q, p.item_id, p.institution_id
    FROM fig f JOIN parts p ON p.item_id = f.id
    WHERE f.in_scope = 1 AND f.progress_before < 100
),
groups AS (
    SELECT DISTINCT {key} AS key, {label} AS label, {name} AS name
    FROM parts p JOIN institution inst ON inst.id = p.institution_id
)
SELECT qs.q AS quarter, g.key, g.label, g.name,
       COUNT(d.item_id) AS expected_reports,
       COUNT(rv.id) AS received
FROM qs CROSS JOIN groups g
LEFT JOIN institution inst ON {belongs}
LEFT JOIN due_pairs d ON d.q = qs.q AND d.institution_id = inst.id
LEFT JOIN report r ON r.item_id = d.item_id AND r.institution_id = d.institution_id
                  AND r.quarter = d.q
LEFT JOIN report_revision rv ON rv.id = r.counting_revision_id AND rv.state IN {_COUNTING}
GROUP BY qs.q, g.key, g.label, g.name"""
    frame = _frame(session, sql, params)
    frame["expected_reports"] = frame["expected_reports"].astype(int)
    frame["received"] = frame["received"].astype(int)
    expected = frame["expected_reports"].where(frame["expected_reports"] > 0)
    frame["share"] = (100.0 * frame["received"] / expected).astype("float64")
    return frame.sort_values(["quarter", "label"], key=_sort_key, ignore_index=True)


@dataclass(frozen=True)
class Headline:
    """The quarter's headline figures; ``None`` where nothing is in scope."""

    quarter: Quarter
    progress: float | None
    expected: float | None
    progress_change: float | None
    items_in_scope: int
    buckets: dict[str, int]
    blocked: int
    completeness: float | None
    expected_reports: int
    received_reports: int


def _number(value: float) -> float | None:
    return None if pd.isna(value) else float(value)


def headline(session: Session, plan_id: int, quarter: Quarter,
             filters: Filters = NO_FILTERS) -> Headline:
    """Plan progress against expected, buckets, blocked, completeness, change since q-1."""
    plan_rows = rollup(session, plan_id, [quarter - 1, quarter], Dimension.PLAN, filters)
    now = plan_rows[plan_rows["quarter"] == str(quarter)].iloc[0]
    before = plan_rows[plan_rows["quarter"] == str(quarter - 1)].iloc[0]
    items = item_figures(session, plan_id, quarter, filters)
    in_scope = items[items["in_scope"]]
    counts = in_scope["bucket"].value_counts()
    report_rows = completeness(session, plan_id, quarter, Dimension.PLAN, filters)
    expected_reports = int(report_rows["expected_reports"].sum())
    received = int(report_rows["received"].sum())
    progress, previous = _number(now["progress"]), _number(before["progress"])
    return Headline(
        quarter=quarter,
        progress=progress,
        expected=_number(now["expected"]),
        progress_change=None if progress is None or previous is None else progress - previous,
        items_in_scope=len(in_scope),
        buckets={bucket.value: int(counts.get(bucket.value, 0)) for bucket in Bucket},
        blocked=int(in_scope["blocked"].sum()),
        completeness=100.0 * received / expected_reports if expected_reports else None,
        expected_reports=expected_reports,
        received_reports=received,
    )


def bucket_counts(session: Session, plan_id: int, quarter: Quarter,
                  filters: Filters = NO_FILTERS) -> pd.DataFrame:
    """Items in scope per lead institution and schedule bucket, and blocked ones apart.

    Columns: label (lead institution), bucket, items, blocked.
    """
    params: dict[str, object] = {"plan_id": plan_id}
    sql = _figures_ctes([quarter], params, filters) + """
SELECT lead AS label, bucket, COUNT(*) AS items, SUM(blocked) AS blocked
FROM fig WHERE in_scope = 1
GROUP BY lead, bucket"""
    frame = _frame(session, sql, params)
    frame["items"] = frame["items"].astype(int)
    frame["blocked"] = frame["blocked"].astype(int)
    return frame.sort_values(["label", "bucket"], key=_sort_key, ignore_index=True)


def missing_reports(session: Session, plan_id: int, quarter: Quarter,
                    filters: Filters = NO_FILTERS) -> pd.DataFrame:
    """The (item, institution) pairs the completeness figure expects and has not received.

    Columns: item_id, code, title, institution_id, institution, state (the report's latest
    state, or None when nothing was written).
    """
    params: dict[str, object] = {"plan_id": plan_id}
    sql = _figures_ctes([quarter], params, filters) + f"""
SELECT f.id AS item_id, f.code, f.title, p.institution_id, inst.acronym AS institution,
       latest.state
FROM fig f
JOIN parts p ON p.item_id = f.id
JOIN institution inst ON inst.id = p.institution_id
LEFT JOIN report r ON r.item_id = f.id AND r.institution_id = p.institution_id
                  AND r.quarter = f.q
LEFT JOIN report_revision counted ON counted.id = r.counting_revision_id
                                 AND counted.state IN {_COUNTING}
LEFT JOIN report_revision latest ON latest.id = r.latest_revision_id
WHERE f.in_scope = 1 AND f.progress_before < 100 AND counted.id IS NULL"""
    frame = _frame(session, sql, params)
    return frame.sort_values(["institution", "code"], key=_sort_key, ignore_index=True)
