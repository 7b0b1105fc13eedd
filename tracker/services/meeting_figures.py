"""What the evaluation meeting looks at for a quarter, as plain JSON-able data: the figures,
the lead institutions' obstacles and the presenter's notes, live or as a locked quarter's
"as presented" snapshot kept them.

Read in SQLAlchemy Core on a session or a bare connection, without the ORM, the models or
pandas: ``tracker deck`` runs on this alone (``bench/commands.py`` measures it against a
process that only imports python-pptx and writes as many charts).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict
from typing import TYPE_CHECKING, NamedTuple

from sqlalchemy import bindparam, text

from tracker import metrics
from tracker.db import connection_of
from tracker.quarters import Quarter

if TYPE_CHECKING:
    from tracker.db import Reader


def _json_number(value: float) -> float | None:
    """A float as the snapshots of locked quarters hold it: they were written by pandas'
    ``to_json`` (10 decimals, 10 significant digits beyond 1e16 and under 1e-15, no -0.0,
    NaN as null), and live figures must read the same as a snapshot taken now."""
    if math.isnan(value) or math.isinf(value):
        return None
    if value != 0 and not 1e-15 <= abs(value) < 1e16:
        return float(f"{value:.10g}")
    return round(value, 10) + 0.0


def _records(rows: Iterable[NamedTuple]) -> list[dict[str, object]]:
    """Rows as JSON-safe records, one dict per row."""
    return [{key: _json_number(value) if isinstance(value, float) else value
             for key, value in zip(row._fields, row, strict=True)} for row in rows]


def plan_start(session: Reader, plan_id: int) -> Quarter:
    """The plan's first quarter (the meeting's trend starts there)."""
    first = connection_of(session).execute(
        text("SELECT first_quarter FROM plan WHERE id = :plan_id"), {"plan_id": plan_id}
    ).scalar_one()
    return Quarter.parse(first)


def quarter_figures(session: Reader, plan_id: int, quarter: Quarter) -> dict[str, object]:
    """Every figure the meeting looks at for ``quarter``, as plain JSON-able data."""
    found = metrics.quarter_rows(session, plan_id, quarter, since=plan_start(session, plan_id),
                                 trends=False)
    head = found.headline
    items = [row for row in metrics.item_rows(session, plan_id, quarter) if row.in_scope]
    return {
        "quarter": str(quarter),
        "headline": asdict(head) | {"quarter": str(head.quarter)},
        "by_line": _records(found.by_line),
        "by_institution": _records(found.by_institution),
        "by_country": _records(found.by_country),
        "trend": _records(found.history.rollups[metrics.Dimension.PLAN]),
        "items": _records(items),
        "obstacles": _lead_obstacles(session, plan_id, quarter),
        "notes": quarter_notes(session, plan_id, quarter, [row._asdict() for row in items]),
    }


NOTE_ITEMS = 60  # items whose reports of the quarter are kept for the speaker notes


def _number(value: object) -> float:
    """A figure of an item record; a missing one counts as 0."""
    return float(value) if isinstance(value, int | float) and value == value else 0.0


def _note_order(items: Sequence[Mapping[str, object]]) -> list[str]:
    """The codes of the items behind, overdue or blocked: overdue first, then by how far
    progress lags behind expected, the items' own order among equals."""
    wanted = [row for row in items
              if row["bucket"] in ("behind", "overdue") or row.get("blocked")]
    order = sorted(wanted, key=lambda row: (row["bucket"] != "overdue",
                                            _number(row["progress"])
                                            - _number(row["expected"])))
    return [str(row["code"]) for row in order[:NOTE_ITEMS]]


_NOTES = text(f"""
SELECT i.code, inst.acronym AS institution, r.institution_id = i.lead_institution_id AS lead,
       rv.status, rv.percent_complete AS percent, rv.narrative, rv.obstacles,
       rv.nothing_to_report
FROM action_item i
JOIN report r ON r.item_id = i.id
JOIN report_revision rv ON rv.id = r.counting_revision_id
JOIN institution inst ON inst.id = r.institution_id
WHERE i.plan_id = :plan_id AND i.code IN :codes AND r.quarter = :quarter
  AND rv.state IN {metrics.COUNTING}""").bindparams(bindparam("codes", expanding=True))


def quarter_notes(session: Reader, plan_id: int, quarter: Quarter,
                  items: Sequence[Mapping[str, object]]) -> list[dict[str, object]]:
    """Each institution's counting report of exactly ``quarter`` on the items behind,
    overdue or blocked (the presenter's notes): institution, lead or not, status, percent,
    narrative, obstacles. Kept in the snapshot, so a locked quarter's notes stay as seen.
    ``items``: the in-scope item records (``metrics.ItemFigures`` fields)."""
    codes = _note_order(items)
    if not codes:
        return []
    rows = connection_of(session).execute(
        _NOTES, {"plan_id": plan_id, "codes": codes, "quarter": str(quarter)}).mappings().all()
    rank = {code: index for index, code in enumerate(codes)}
    rows = sorted(rows, key=lambda r: (rank[r["code"]], not r["lead"], r["institution"]))
    return [{"code": r["code"], "institution": r["institution"], "lead": bool(r["lead"]),
             "status": None if r["nothing_to_report"] else r["status"],
             "percent": r["percent"], "narrative": r["narrative"] or "",
             "obstacles": r["obstacles"] or ""}
            for r in rows]


_OBSTACLES = text(f"""
SELECT i.code, rv.obstacles
FROM action_item i
JOIN report r ON r.item_id = i.id
JOIN report_revision rv ON rv.id = r.counting_revision_id
WHERE i.plan_id = :plan_id AND r.institution_id = i.lead_institution_id
  AND r.quarter <= :quarter AND rv.obstacles <> '' AND rv.state IN {metrics.COUNTING}
ORDER BY r.quarter""")


def _lead_obstacles(session: Reader, plan_id: int, quarter: Quarter) -> dict[str, str]:
    """Item code -> the obstacles its lead institution last reported (counting reports)."""
    rows = connection_of(session).execute(_OBSTACLES,
                                          {"plan_id": plan_id, "quarter": str(quarter)})
    # later quarters come last and win
    return {row["code"]: row["obstacles"] for row in rows.mappings()}


def snapshot(session: Reader, plan_id: int, quarter: Quarter) -> dict[str, object] | None:
    """The figures as presented at the quarter's last lock, or ``None``."""
    kept = connection_of(session).execute(text(
        "SELECT figures FROM quarter_snapshot WHERE plan_id = :plan_id AND quarter = :quarter "
        "ORDER BY id DESC LIMIT 1"), {"plan_id": plan_id, "quarter": str(quarter)}).scalar()
    return json.loads(kept) if kept is not None else None
