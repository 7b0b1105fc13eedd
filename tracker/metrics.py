"""The figures of docs/figures.md, computed in SQL.

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

import functools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, NamedTuple, TypeVar

from sqlalchemy import RowMapping, text

from tracker.db import connection_of
from tracker.quarters import Quarter, quarter_range
from tracker.states import COUNTING_STATES, Status, sql_list

if TYPE_CHECKING:  # pandas loads only where a caller asks for a DataFrame
    import pandas as pd

    from tracker.db import Reader

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


COUNTING = sql_list(COUNTING_STATES)  # the states a report counts in, for SQL


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
    # the items one institution (by id) leads or supports: a worklist reads these alone
    taking_part: int | None = None

    def sql(self, params: dict[str, object]) -> str:
        clauses = []
        if self.taking_part is not None:
            params["taking_part"] = self.taking_part
            clauses.append(" AND (i.lead_institution_id = :taking_part OR EXISTS ("
                           "SELECT 1 FROM item_support s WHERE s.item_id = i.id"
                           " AND s.institution_id = :taking_part))")
        for name, column, values in (("fc", "inst.country", self.countries),
                                     ("fi", "inst.acronym", self.institutions),
                                     ("fl", "l.code", self.lines)):
            if values:
                keys = [f"{name}{index}" for index in range(len(values))]
                params.update(zip(keys, values, strict=True))
                clauses.append(f" AND {column} IN ({', '.join(':' + k for k in keys)})")
        return "".join(clauses)


NO_FILTERS = Filters()


def _progress(revision: str) -> str:
    """An item's progress by a revision: 100 when it says completed, else its percent."""
    return (f"CASE WHEN {revision}.status = '{Status.COMPLETED}' THEN 100.0 "
            f"ELSE COALESCE({revision}.percent_complete, 0.0) END")


def _latest_lead_revision(comparison: str, value: str = "r.counting_revision_id") -> str:
    """``value`` of the lead's latest counting report for a quarter ``<=`` (or ``<``) q
    (``rv``: its revision), as a correlated subquery: one seek in the (item, institution,
    quarter) index per item and quarter."""
    return f"""(
        SELECT {value}
        FROM report r JOIN report_revision rv ON rv.id = r.counting_revision_id
        WHERE r.item_id = i.id AND r.institution_id = i.lead_institution_id
          AND r.quarter {comparison} qs.q
          AND rv.state IN {COUNTING} AND NOT rv.nothing_to_report
        ORDER BY r.quarter DESC LIMIT 1)"""


# What roll-ups need of an item; the per-item figures add the descriptive columns. Carrying
# only these through a trend of many quarters keeps the intermediate rows narrow.
_ITEM_COLUMNS = "i.id, i.weight, i.line_id, i.lead_institution_id"
_DESCRIPTIVE_COLUMNS = ("i.code, i.title, i.start_quarter, i.due_quarter, i.indicator, i.unit, "
                        "i.baseline, i.target, l.code AS line_code, l.name AS line_name, ")


def _figures_ctes(quarters: Sequence[Quarter], params: dict[str, object],
                  filters: Filters = NO_FILTERS, *, descriptive: bool = False,
                  before_from: str | None = None) -> str:
    """CTEs ``qs``, ``items`` and ``fig``: one row per item and quarter, or, unless
    ``descriptive``, per item and quarter it has started by (the only rows roll-ups count).

    ``progress_before`` (the progress by the lead's latest counting report before q, what
    ``due_pairs`` needs) is looked up from the quarter ``before_from`` on only, never
    without it: a second seek per item and quarter that a trend's earlier quarters and the
    per-item figures do not use."""
    started = "\n    WHERE i.start_ord <= qs.q_ord"
    before = "CAST(NULL AS DOUBLE PRECISION)"
    if before_from is not None:
        params["before_from"] = before_from
        # the value itself, not a revision id to join: PostgreSQL hashed the whole
        # report_revision table for that join
        before = (f"CASE WHEN qs.q >= :before_from THEN COALESCE("
                  f"{_latest_lead_revision('<', _progress('rv'))}, 0.0) END")
    return f"""
WITH {_quarters_cte(quarters, params)},
items AS (
    SELECT {_ITEM_COLUMNS}, {_DESCRIPTIVE_COLUMNS if descriptive else ""}
           {_ordinal_sql("i.start_quarter")} AS start_ord,
           {_ordinal_sql("i.due_quarter")} AS due_ord,
           inst.acronym AS lead, inst.country AS country
    FROM action_item i
    JOIN institution inst ON inst.id = i.lead_institution_id
    JOIN strategic_line l ON l.id = i.line_id
    WHERE i.plan_id = :plan_id AND NOT i.archived{filters.sql(params)}
),
picked AS MATERIALIZED (
    SELECT qs.q, qs.q_ord, i.*,
           {_latest_lead_revision("<=")} AS now_id,
           {before} AS progress_before
    FROM qs CROSS JOIN items i{"" if descriptive else started}
),
raw AS (
    SELECT i.*, now_r.status, now_r.indicator_value,
           {_progress("now_r")} AS progress,
           CASE WHEN i.q_ord < i.start_ord THEN 0.0
                WHEN i.q_ord >= i.due_ord THEN 100.0
                ELSE CAST(100.0 * (i.q_ord - i.start_ord + 1) AS DOUBLE PRECISION)
                     / (i.due_ord - i.start_ord + 1) END AS expected,
           CASE WHEN i.start_ord <= i.q_ord
                     AND (now_r.status IS NULL OR now_r.status <> '{Status.CANCELLED}')
                THEN 1 ELSE 0 END AS in_scope
    FROM picked i
    LEFT JOIN report_revision now_r ON now_r.id = i.now_id
),
fig AS (
    SELECT raw.*,
           CASE WHEN in_scope = 0 THEN NULL
                WHEN progress >= 100 THEN '{Bucket.COMPLETED}'
                WHEN q_ord > due_ord THEN '{Bucket.OVERDUE}'
                WHEN progress < expected - {BEHIND_MARGIN} THEN '{Bucket.BEHIND}'
                ELSE '{Bucket.ON_TRACK}' END AS bucket,
           CASE WHEN in_scope = 1 AND status = '{Status.BLOCKED}' THEN 1 ELSE 0 END AS blocked
    FROM raw
)"""


# The (quarter, item, institution) pairs a quarter expects a report from: items in scope that
# were not finished before the quarter, their lead and supporting institutions. Joined through
# item_support's index rather than a CTE of participants, which SQLite would scan per row.
# ``:due_from`` skips the quarters whose completeness nobody asked for.
_DUE_PAIRS = """
due_pairs AS (
    SELECT f.q, f.id AS item_id, f.lead_institution_id AS institution_id
    FROM fig f WHERE f.in_scope = 1 AND f.progress_before < 100 AND f.q >= :due_from
    UNION
    SELECT f.q, f.id AS item_id, s.institution_id
    FROM fig f JOIN item_support s ON s.item_id = f.id
    WHERE f.in_scope = 1 AND f.progress_before < 100 AND f.q >= :due_from
)"""


def _as_quarters(quarters: Quarter | Sequence[Quarter]) -> list[Quarter]:
    return [quarters] if isinstance(quarters, Quarter) else list(quarters)


def _fetch(session: Reader, sql: str, params: dict[str, object]) -> list[RowMapping]:
    """The rows of ``sql``, each read by its columns' names."""
    return list(connection_of(session).execute(text(sql), params).mappings())


def natural_key(value: object) -> tuple:
    """Text with its digit runs as numbers, so that 2.9 sorts before 2.10."""
    return _natural_key(str(value))


@functools.lru_cache(maxsize=8192)  # sorts ask again for the same codes and labels
def _natural_key(value: str) -> tuple:
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", value))


def _float(value: object) -> float | None:
    return None if value is None else float(value)  # type: ignore[arg-type]


class ItemFigures(NamedTuple):
    """The figures of one item at one quarter (``None`` where there is no value)."""

    quarter: str
    item_id: int
    code: str
    title: str
    line_code: str
    line_name: str
    lead: str
    country: str
    weight: float
    start_quarter: str
    due_quarter: str
    status: str | None
    progress: float
    expected: float
    indicator_value: float | None
    indicator: str | None
    unit: str | None
    baseline: float | None
    target: float | None
    in_scope: bool
    bucket: str | None
    blocked: bool


ITEM_COLUMNS = ItemFigures._fields
_ITEM_TYPES = {**dict.fromkeys(("weight", "progress", "expected", "indicator_value", "baseline",
                                "target"), "float64"),
               "in_scope": "bool", "blocked": "bool"}


_ITEM_NUMBERS = ("weight", "progress", "expected")  # never NULL
_ITEM_MAYBE_NUMBERS = ("indicator_value", "baseline", "target")
_ITEM_FLAGS = ("in_scope", "blocked")


def _item_figures(row: RowMapping) -> ItemFigures:
    values = dict(row)
    for name in _ITEM_NUMBERS:
        values[name] = float(values[name])
    for name in _ITEM_MAYBE_NUMBERS:
        values[name] = _float(values[name])
    for name in _ITEM_FLAGS:
        values[name] = bool(values[name])
    return ItemFigures(**values)


def item_order(row: ItemFigures) -> tuple:
    """Items come by quarter, then by natural code order (2.9 before 2.10)."""
    return natural_key(row.quarter), natural_key(row.code)


def item_rows(
    session: Reader, plan_id: int, quarters: Quarter | Sequence[Quarter],
    filters: Filters = NO_FILTERS,
) -> list[ItemFigures]:
    """One row per (quarter, item) that is not archived, sorted by quarter and item code."""
    params: dict[str, object] = {"plan_id": plan_id}
    sql = _figures_ctes(_as_quarters(quarters), params, filters, descriptive=True) + f"""
SELECT q AS quarter, id AS item_id, {", ".join(ITEM_COLUMNS[2:])}
FROM fig"""
    return sorted((_item_figures(row) for row in _fetch(session, sql, params)), key=item_order)


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

# key, label, name of each completeness group, and how an institution belongs to it
_COMPLETENESS_GROUPS = {
    Dimension.INSTITUTION: ("inst.id", "inst.acronym", "inst.name", "inst.id = g.key"),
    Dimension.COUNTRY: ("inst.country", "inst.country", "inst.country", "inst.country = g.key"),
    Dimension.PLAN: ("0", "'plan'", "'plan'", "1 = 1"),
}

# The columns every part of a combined query returns, with the typed empty value of each
# (PostgreSQL wants one type per column across UNION ALL).
_COLUMNS = {
    "quarter": "CAST(NULL AS VARCHAR(7))", "key": "CAST(NULL AS VARCHAR(300))",
    "label": "CAST(NULL AS VARCHAR(300))", "name": "CAST(NULL AS VARCHAR(300))",
    "progress": "CAST(NULL AS DOUBLE PRECISION)", "expected": "CAST(NULL AS DOUBLE PRECISION)",
    "items": "0", "bucket": "CAST(NULL AS VARCHAR(20))", "blocked": "0",
    "expected_reports": "0", "received": "0",
}

_COUNTS = f"""
counts AS (
    SELECT d.q, d.institution_id, COUNT(*) AS expected_reports, COUNT(rv.id) AS received
    FROM due_pairs d
    LEFT JOIN report r ON r.item_id = d.item_id AND r.institution_id = d.institution_id
                      AND r.quarter = d.q
    LEFT JOIN report_revision rv ON rv.id = r.counting_revision_id AND rv.state IN {COUNTING}
    GROUP BY d.q, d.institution_id
)"""


def _select(part: str, source: str, **columns: str) -> str:
    values = ", ".join(f"{columns.get(name, empty)} AS {name}"
                       for name, empty in _COLUMNS.items())
    return f"SELECT '{part}' AS part, {values}\n{source}"


@dataclass(frozen=True)
class _Part:
    """One SELECT of a combined query, with the CTEs it needs."""

    name: str
    ctes: list[str]
    select: str
    needs_counts: bool = False


def _rollup_part(dimension: Dimension, filters: Filters, params: dict[str, object],
                 since: Quarter | None) -> _Part:
    groups_sql, column = _GROUPS[dimension]
    if dimension is Dimension.LINE:  # chosen lines only, empty ones included
        groups_sql += Filters(lines=filters.lines).sql(params)
    name = dimension.value
    params[f"from_{name}"] = str(since) if since else "0000-Q0"
    # aggregate first, then place the sums on every (quarter, group): empty groups stay
    sums = f"""sums_{name} AS (
    SELECT q, {column or "0"} AS key,
           SUM(weight * progress) / SUM(weight) AS progress,
           SUM(weight * expected) / SUM(weight) AS expected,
           COUNT(*) AS items
    FROM fig WHERE in_scope = 1 AND q >= :from_{name}
    GROUP BY q{", " + column if column else ""}
)"""
    select = _select(
        f"rollup:{name}",
        f"FROM qs CROSS JOIN groups_{name} g LEFT JOIN sums_{name} s ON s.q = qs.q"
        + (" AND s.key = g.key" if column else "") + f"\nWHERE qs.q >= :from_{name}",
        quarter="qs.q", key="CAST(g.key AS VARCHAR(300))", label="g.label", name="g.name",
        progress="s.progress", expected="s.expected", items="COALESCE(s.items, 0)")
    return _Part(f"rollup:{name}", [f"groups_{name} AS ({groups_sql})", sums], select)


def _completeness_part(dimension: Dimension) -> _Part:
    key, label, name, belongs = _COMPLETENESS_GROUPS[dimension]
    part = dimension.value
    groups = f"""cgroups_{part} AS (
    SELECT DISTINCT {key} AS key, {label} AS label, {name} AS name
    FROM institution inst
    WHERE inst.id IN (SELECT lead_institution_id FROM items)
       OR inst.id IN (SELECT s.institution_id FROM item_support s
                      WHERE s.item_id IN (SELECT id FROM items))
)"""
    select = _select(
        f"completeness:{part}",
        f"""FROM qs CROSS JOIN cgroups_{part} g
LEFT JOIN institution inst ON {belongs}
LEFT JOIN counts c ON c.q = qs.q AND c.institution_id = inst.id
GROUP BY qs.q, g.key, g.label, g.name""",
        quarter="qs.q", key="CAST(g.key AS VARCHAR(300))", label="g.label", name="g.name",
        expected_reports="COALESCE(SUM(c.expected_reports), 0)",
        received="COALESCE(SUM(c.received), 0)")
    return _Part(f"completeness:{part}", [groups], select, needs_counts=True)


_BUCKETS = _Part("buckets", [], _select(  # the last quarter's only
    "buckets", "FROM fig WHERE in_scope = 1 AND q = :last_q GROUP BY q, lead, bucket",
    quarter="q", label="lead", bucket="bucket", items="COUNT(*)", blocked="SUM(blocked)"))


class RollupRow(NamedTuple):
    """A group's weighted progress and expected at a quarter (``None`` where it is empty)."""

    quarter: str
    key: int | str
    label: str
    name: str
    progress: float | None
    expected: float | None
    items: int


class CompletenessRow(NamedTuple):
    """A group's due and received reports at a quarter; ``share`` ``None`` where none is due."""

    quarter: str
    key: int | str
    label: str
    name: str
    expected_reports: int
    received: int
    share: float | None


class BucketRow(NamedTuple):
    """How many items of a lead institution fall in a schedule bucket, and how many of them
    are blocked."""

    quarter: str
    label: str
    bucket: str
    items: int
    blocked: int


_ROLLUP_TYPES = {"progress": "float64", "expected": "float64", "items": "int64"}
_COMPLETENESS_TYPES = {"expected_reports": "int64", "received": "int64", "share": "float64"}
_BUCKET_TYPES = {"items": "int64", "blocked": "int64"}


@dataclass(frozen=True)
class FigureRows:
    """The roll-ups, completeness and bucket counts one combined query returned."""

    rollups: dict[Dimension, list[RollupRow]]
    completeness: dict[Dimension, list[CompletenessRow]]
    buckets: list[BucketRow] | None

    def since(self, first: Quarter) -> FigureRows:
        """The same figures from ``first`` on."""
        return FigureRows(
            rollups={d: _from(rows, first) for d, rows in self.rollups.items()},
            completeness={d: _from(rows, first) for d, rows in self.completeness.items()},
            buckets=None if self.buckets is None else _from(self.buckets, first))


def figure_rows(
    session: Reader,
    plan_id: int,
    quarters: Quarter | Sequence[Quarter],
    rollups: Sequence[Dimension] | Mapping[Dimension, Quarter] = (),
    completeness_by: Sequence[Dimension] = (),
    buckets: bool = False,
    filters: Filters = NO_FILTERS,
    completeness_from: Quarter | None = None,
) -> FigureRows:
    """Several figures in one query, so that the per-item figures are computed once.

    Roll-ups, given as a mapping, each dimension only from its quarter on; buckets of the
    last quarter only. Rows come by quarter, then by label in natural order (then bucket).
    """
    quarters = _as_quarters(quarters)
    due_from = str(completeness_from or min(quarters))
    params: dict[str, object] = {"plan_id": plan_id, "last_q": str(max(quarters)),
                                 "due_from": due_from}
    since = rollups if isinstance(rollups, Mapping) else dict.fromkeys(rollups)
    parts = [_rollup_part(Dimension(d), filters, params, since[d]) for d in since]
    parts += [_completeness_part(Dimension(d)) for d in completeness_by]
    parts += [_BUCKETS] if buckets else []
    ctes = [cte for part in parts for cte in part.ctes]
    counts = any(part.needs_counts for part in parts)
    if counts:
        ctes = [_DUE_PAIRS, _COUNTS, *ctes]
    sql = (_figures_ctes(quarters, params, filters, before_from=due_from if counts else None)
           + "".join(f",\n{cte}" for cte in ctes) + "\n"
           + "\nUNION ALL\n".join(part.select for part in parts))
    by_part: dict[str, list[RowMapping]] = {}
    for row in _fetch(session, sql, params):
        by_part.setdefault(row["part"], []).append(row)
    return FigureRows(
        rollups={Dimension(d): [_rollup_row(r, Dimension(d)) for r in _sorted(
            by_part.get(f"rollup:{Dimension(d).value}", []))] for d in since},
        completeness={Dimension(d): [_completeness_row(r, Dimension(d)) for r in _sorted(
            by_part.get(f"completeness:{Dimension(d).value}", []))] for d in completeness_by},
        buckets=[_bucket_row(r) for r in _sorted(by_part.get("buckets", []))]
        if buckets else None,
    )


# A row of a combined query has every column of ``_COLUMNS`` after its part; each part reads
# its own by name.

def _sorted(rows: list[RowMapping]) -> list[RowMapping]:
    return sorted(rows, key=lambda r: (r["quarter"], natural_key(r["label"]), r["bucket"] or ""))


def _key(value: int | str, dimension: Dimension) -> int | str:
    return value if dimension is Dimension.COUNTRY else int(value)


def _rollup_row(r: RowMapping, dimension: Dimension) -> RollupRow:
    return RollupRow(quarter=r["quarter"], key=_key(r["key"], dimension), label=r["label"],
                     name=r["name"], progress=_float(r["progress"]),
                     expected=_float(r["expected"]), items=int(r["items"]))


def _completeness_row(r: RowMapping, dimension: Dimension) -> CompletenessRow:
    due, got = int(r["expected_reports"]), int(r["received"])
    return CompletenessRow(quarter=r["quarter"], key=_key(r["key"], dimension),
                           label=r["label"], name=r["name"], expected_reports=due,
                           received=got, share=100.0 * got / due if due else None)


def _bucket_row(r: RowMapping) -> BucketRow:
    return BucketRow(quarter=r["quarter"], label=r["label"], bucket=r["bucket"],
                     items=int(r["items"]), blocked=int(r["blocked"]))


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


@dataclass(frozen=True)
class QuarterRows:
    """Every figure of one quarter, from one query."""

    headline: Headline
    by_institution: list[RollupRow]
    by_line: list[RollupRow]
    by_country: list[RollupRow]
    buckets: list[BucketRow]
    completeness_institutions: list[CompletenessRow]
    history: FigureRows  # with ``since``: from it on (see ``quarter_rows``)


_Row = TypeVar("_Row", RollupRow, CompletenessRow, BucketRow)


def _at(rows: list[_Row], quarter: Quarter) -> list[_Row]:
    return [row for row in rows if row.quarter == str(quarter)]


def _from(rows: list[_Row], first: Quarter) -> list[_Row]:
    return [row for row in rows if row.quarter >= str(first)]


def _headline(found: FigureRows, quarter: Quarter) -> Headline:
    """The headline of ``quarter`` from its roll-ups, buckets and completeness."""
    (now,) = _at(found.rollups[Dimension.PLAN], quarter)
    (before,) = _at(found.rollups[Dimension.PLAN], quarter - 1)
    buckets = _at(found.buckets or [], quarter)
    counts = {bucket.value: sum(r.items for r in buckets if r.bucket == bucket.value)
              for bucket in Bucket}
    # every due report belongs to one institution: the plan's totals are their sums
    reports = _at(found.completeness[Dimension.INSTITUTION], quarter)
    expected_reports = sum(r.expected_reports for r in reports)
    received = sum(r.received for r in reports)
    return Headline(
        quarter=quarter,
        progress=now.progress,
        expected=now.expected,
        progress_change=None if now.progress is None or before.progress is None
        else now.progress - before.progress,
        items_in_scope=now.items,
        buckets=counts,
        blocked=sum(r.blocked for r in buckets),
        completeness=100.0 * received / expected_reports if expected_reports else None,
        expected_reports=expected_reports,
        received_reports=received,
    )


def quarter_rows(session: Reader, plan_id: int, quarter: Quarter,
                 filters: Filters = NO_FILTERS, since: Quarter | None = None,
                 *, trends: bool = True) -> QuarterRows:
    """Headline (with the change since q-1), roll-ups by every dimension, schedule buckets
    per lead institution and completeness per institution: one query. With ``since``, the
    same query also returns every quarter from ``since`` to q as ``history``: the plan's
    trend and, unless ``trends`` is false, the institutions' trends and completeness (the
    meeting shows the plan's trend only; the rest would cost a query as long again)."""
    first = min(since, quarter - 1) if since is not None else quarter - 1
    wide = since if trends else None
    found = figure_rows(session, plan_id, list(quarter_range(first, quarter)),
                        rollups={Dimension.PLAN: first,
                                 Dimension.INSTITUTION: wide or quarter,
                                 Dimension.LINE: quarter, Dimension.COUNTRY: quarter},
                        completeness_by=[Dimension.INSTITUTION], buckets=True,
                        filters=filters, completeness_from=wide or quarter)
    return QuarterRows(
        headline=_headline(found, quarter),
        by_institution=_at(found.rollups[Dimension.INSTITUTION], quarter),
        by_line=_at(found.rollups[Dimension.LINE], quarter),
        by_country=_at(found.rollups[Dimension.COUNTRY], quarter),
        buckets=_at(found.buckets or [], quarter),
        completeness_institutions=_at(found.completeness[Dimension.INSTITUTION], quarter),
        history=found if since is None else found.since(since),
    )


def headline(session: Reader, plan_id: int, quarter: Quarter,
             filters: Filters = NO_FILTERS) -> Headline:
    """Plan progress against expected, buckets, blocked, completeness, change since q-1."""
    return quarter_rows(session, plan_id, quarter, filters).headline


class MissingReport(NamedTuple):
    """A report the completeness figure expects and has not received."""

    item_id: int
    code: str
    title: str
    institution_id: int
    institution: str  # acronym
    state: str | None  # the report's latest state, or None when nothing was written


def missing_reports(session: Reader, plan_id: int, quarter: Quarter,
                    filters: Filters = NO_FILTERS) -> list[MissingReport]:
    """The (item, institution) pairs the completeness figure expects and has not received,
    by institution and item code."""
    params: dict[str, object] = {"plan_id": plan_id, "due_from": str(quarter)}
    sql = _figures_ctes([quarter], params, filters, before_from=str(quarter)) + f"""
,{_DUE_PAIRS}
SELECT d.item_id, i.code, i.title, d.institution_id, inst.acronym AS institution,
       latest.state
FROM due_pairs d
JOIN action_item i ON i.id = d.item_id
JOIN institution inst ON inst.id = d.institution_id
LEFT JOIN report r ON r.item_id = d.item_id AND r.institution_id = d.institution_id
                  AND r.quarter = d.q
LEFT JOIN report_revision counted ON counted.id = r.counting_revision_id
                                 AND counted.state IN {COUNTING}
LEFT JOIN report_revision latest ON latest.id = r.latest_revision_id
WHERE counted.id IS NULL"""
    rows = sorted(_fetch(session, sql, params),
                  key=lambda r: (natural_key(r["institution"]), natural_key(r["code"])))
    return [MissingReport(**row) for row in rows]


Shape = type[ItemFigures] | type[RollupRow] | type[CompletenessRow] | type[BucketRow]
_DTYPES: dict[Shape, dict[str, str]] = {
    ItemFigures: _ITEM_TYPES, RollupRow: _ROLLUP_TYPES, CompletenessRow: _COMPLETENESS_TYPES,
    BucketRow: _BUCKET_TYPES}


def frame(rows: Sequence[tuple], shape: Shape) -> pd.DataFrame:
    """Rows of ``shape`` as the DataFrame a chart or a table draws (missing numbers NaN).
    pandas loads here, for the callers that draw: the figures themselves are rows."""
    import pandas as pd

    found = pd.DataFrame.from_records(list(rows), columns=list(shape._fields))
    return found.astype(_DTYPES[shape])
