"""An action item as its page shows it: the plan's figures for it over the quarters, and every
version of every participating institution's reports."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlmodel import Session, select

from tracker import metrics
from tracker.models import (
    ActionItem,
    Institution,
    ItemSupport,
    Plan,
    StrategicLine,
)
from tracker.quarters import Quarter, quarter_range
from tracker.services import plans
from tracker.services.meetings import Origin, origin_of
from tracker.services.permissions import Actor, Permission
from tracker.services.reporting import HistoryEntry, item_history


@dataclass(frozen=True)
class ItemChoice:
    id: int
    code: str
    title: str


@dataclass(frozen=True)
class ItemDetail:
    id: int
    code: str
    title: str
    description: str
    line: str
    lead: str
    supporters: tuple[str, ...]
    start_quarter: Quarter
    due_quarter: Quarter
    indicator: str | None
    unit: str | None
    baseline: float | None
    target: float | None
    weight: float
    figures: pd.DataFrame  # one row per quarter so far: status, progress, expected, bucket
    history: list[HistoryEntry]
    institutions: dict[int, str]
    origin: Origin | None = None  # the meeting decision it came from


def item_choices(session: Session, actor: Actor, plan_id: int) -> list[ItemChoice]:
    actor.require(Permission.READ_PLAN, plan_id)
    items = session.exec(select(ActionItem).where(ActionItem.plan_id == plan_id,
                                                  ActionItem.archived == False))  # noqa: E712
    return sorted((ItemChoice(i.id, i.code, i.title) for i in items),
                  key=lambda c: metrics.natural_key(c.code))


def item_detail(session: Session, actor: Actor, item_id: int) -> ItemDetail:
    history = item_history(session, actor, item_id)  # checks READ_PLAN
    item = history.item
    plan = session.get_one(Plan, item.plan_id)
    acronyms = dict(session.exec(select(Institution.id, Institution.acronym)).all())
    supporters = sorted(acronyms[i] for i in session.exec(
        select(ItemSupport.institution_id).where(ItemSupport.item_id == item.id)))
    line = session.get_one(StrategicLine, item.line_id)
    first, _ = plans.plan_span(plan)
    start, due = item.start_quarter, item.due_quarter
    quarters = list(quarter_range(max(first, start),
                                  plans.default_quarter(session, plan)))
    frame = metrics.frame(metrics.item_rows(session, plan.id, quarters) if quarters else [],
                          metrics.ItemFigures)
    frame = frame[frame["item_id"] == item.id][
        ["quarter", "status", "progress", "expected", "bucket", "indicator_value"]]
    return ItemDetail(
        item.id, item.code, item.title, item.description, f"{line.code} · {line.name}",
        acronyms[item.lead_institution_id], tuple(supporters), start,
        due, item.indicator, item.unit, item.baseline, item.target, item.weight,
        frame.reset_index(drop=True), history.entries, acronyms,
        origin_of(session, actor, item.id))
