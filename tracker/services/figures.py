"""Read access to the figures, with the permission check every page goes through."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlmodel import Session

from tracker import metrics
from tracker.models import Plan
from tracker.quarters import Quarter, quarter_range
from tracker.services import plans
from tracker.services.permissions import Actor, Permission


@dataclass(frozen=True)
class PlanChoice:
    id: int
    name: str
    quarters: tuple[str, ...]
    default_quarter: str
    open_quarter: str | None


@dataclass(frozen=True)
class Overview:
    headline: metrics.Headline
    by_line: pd.DataFrame


def plan_choices(session: Session, actor: Actor) -> list[PlanChoice]:
    """The plans the actor may read, each with its quarters and the one pages open on."""
    return [
        PlanChoice(
            id=plan.id, name=plan.name,
            quarters=tuple(str(q) for q in quarter_range(*plans.plan_span(plan))),
            default_quarter=str(plans.default_quarter(session, plan)),
            open_quarter=_text(plans.open_quarter(session, plan.id)),
        )
        for plan in plans.list_plans(session, actor)
    ]


def _text(quarter: Quarter | None) -> str | None:
    return None if quarter is None else str(quarter)


def overview(session: Session, actor: Actor, plan_id: int, quarter: Quarter) -> Overview:
    actor.require(Permission.READ_PLAN, plan_id)
    session.get_one(Plan, plan_id)
    return Overview(
        headline=metrics.headline(session, plan_id, quarter),
        by_line=metrics.rollup(session, plan_id, quarter, metrics.Dimension.LINE),
    )
