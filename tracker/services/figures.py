"""Read access to the figures, with the permission check every page goes through."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlmodel import Session, col, select

from tracker import metrics
from tracker.db import connection_of
from tracker.metrics import Dimension
from tracker.models import ActionItem, Institution, PeriodState, Plan, StrategicLine
from tracker.quarters import Quarter, quarter_range
from tracker.services import plans
from tracker.services.permissions import Actor, Permission
from tracker.settings import DEFAULT_TIME_ZONE


@dataclass(frozen=True)
class PlanChoice:
    id: int
    name: str
    quarters: tuple[Quarter, ...]
    default_quarter: Quarter
    open_quarter: Quarter | None
    locked_quarters: tuple[Quarter, ...] = ()
    under_evaluation: Quarter | None = None  # the last quarter that ended: review, meetings
    time_zone: str = DEFAULT_TIME_ZONE  # where its times are shown (IANA name)


@dataclass(frozen=True)
class FilterChoices:
    countries: tuple[str, ...]
    institutions: tuple[str, ...]
    lines: tuple[tuple[str, str], ...]  # (code, name)


@dataclass(frozen=True)
class Overview:
    """Every figure the overview draws for one quarter, all from ``tracker.metrics``."""

    headline: metrics.Headline
    by_line: pd.DataFrame
    by_institution: pd.DataFrame
    by_country: pd.DataFrame
    buckets: pd.DataFrame
    trend_plan: pd.DataFrame
    trend_institutions: pd.DataFrame
    completeness_institutions: pd.DataFrame
    items: pd.DataFrame
    fiscal_start_month: int


def plan_choices(session: Session, actor: Actor) -> list[PlanChoice]:
    """The plans the actor may read, each with its quarters and the one pages open on."""
    return [_choice(session, plan) for plan in plans.list_plans(session, actor)]


def _choice(session: Session, plan: Plan) -> PlanChoice:
    periods = plans.periods(session, plan.id)
    evaluated = plans.evaluation_quarter(plan)
    return PlanChoice(
        id=plan.id, name=plan.name, time_zone=plan.time_zone,
        quarters=tuple(quarter_range(*plans.plan_span(plan))),
        default_quarter=plans.default_quarter(session, plan),
        open_quarter=next((p.quarter for p in periods if p.state == PeriodState.OPEN),
                          None),
        locked_quarters=tuple(p.quarter for p in periods if p.state == PeriodState.LOCKED),
        under_evaluation=evaluated,
    )


def filter_choices(session: Session, actor: Actor, plan_id: int) -> FilterChoices:
    """The countries, lead institutions and lines the overview can be narrowed to."""
    actor.require(Permission.READ_PLAN, plan_id)
    read = connection_of(session)
    leads = read.execute(
        select(Institution.acronym, Institution.country).join(
            ActionItem, col(ActionItem.lead_institution_id) == Institution.id)
        .where(ActionItem.plan_id == plan_id, ActionItem.archived == False)  # noqa: E712
        .distinct()).mappings().all()
    lines = read.execute(select(StrategicLine.code, StrategicLine.name).where(
        StrategicLine.plan_id == plan_id)).mappings().all()
    return FilterChoices(
        countries=tuple(sorted({lead["country"] for lead in leads})),
        institutions=tuple(sorted({lead["acronym"] for lead in leads})),
        lines=tuple(sorted(((line["code"], line["name"]) for line in lines),
                           key=lambda line: metrics.natural_key(line[0]))))


def overview(session: Session, actor: Actor, plan_id: int, quarter: Quarter,
             filters: metrics.Filters = metrics.NO_FILTERS) -> Overview:
    actor.require(Permission.READ_PLAN, plan_id)
    plan = session.get_one(Plan, plan_id)
    first, _ = plans.plan_span(plan)
    found = metrics.quarter_rows(session, plan_id, quarter, filters, since=first)
    history = found.history

    def rollup(rows: list[metrics.RollupRow]) -> pd.DataFrame:
        return metrics.frame(rows, metrics.RollupRow)

    return Overview(  # as the charts and tables draw them
        headline=found.headline,
        by_line=rollup(found.by_line),
        by_institution=rollup(found.by_institution),
        by_country=rollup(found.by_country),
        buckets=metrics.frame(found.buckets, metrics.BucketRow).drop(columns="quarter"),
        trend_plan=rollup(history.rollups[Dimension.PLAN]),
        trend_institutions=rollup(history.rollups[Dimension.INSTITUTION]),
        completeness_institutions=metrics.frame(history.completeness[Dimension.INSTITUTION],
                                                metrics.CompletenessRow),
        items=metrics.frame(metrics.item_rows(session, plan_id, quarter, filters),
                            metrics.ItemFigures),
        fiscal_start_month=plan.fiscal_year_start_month,
    )
