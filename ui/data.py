"""Cached reads. Keys include everything a result depends on (the database too, so that
tests on different databases in one process never share a result).

A write forgets only what it may have changed (``forget``, called by ``ui.actions.write``
with what the write's session saw), so that one member's save does not empty every session's
figures of every plan. Each read is cached under a scope:

- ``FIGURES`` of a plan: computed from its counting revisions (submitted or approved) and its
  plan data, never from drafts (the overview, its charts, the presentation, the deck, the
  export). A write that moved no counting revision (a draft saved) leaves them.
- ``PLAN``: anything else of one plan (worklists, missing reports with their latest state,
  review, meetings, activity).
- ``STRUCTURE``: plans, accounts and institutions (the plans offered, the accounts list): no
  report or audit entry changes them, so only ``clear()`` forgets them (a write ``ui.actions``
  cannot place on plans: every other kind of write). A room of members saving reports kept
  recomputing every session's plan choices.
- ``ANY``: other reads tied to no plan argument (an item's page): forgotten after every
  write, as all reads were before.

The meeting's content and its slides' charts are the same for every reader of a plan: they
are cached by plan, not by user, and each reader is checked first (``_may_read``), so that
twenty presenters compute them once.

The reads of a plan are forgotten key by key (``clear(*args)``, which also voids a value being
computed from before the write), from a registry of the keys each one was computed for; a
generation number in the key would have left every older generation's values in memory until
their TTL. ``clear()`` still forgets everything (a write it cannot place, a conflict).
"""

from __future__ import annotations

import functools
import inspect
import threading
from collections.abc import Callable, Collection
from datetime import date
from enum import Enum
from typing import Any

import streamlit as st
from sqlmodel import Session

from tracker import charts
from tracker import deck as deck_builder
from tracker import handout as handout_builder
from tracker.meeting_content import MeetingContent
from tracker.meeting_content import slides as meeting_slides
from tracker.metrics import NO_FILTERS, Filters
from tracker.models import User
from tracker.quarters import Quarter
from tracker.services import (
    accounts,
    activity,
    decks,
    figures,
    items,
    lifecycle,
    meetings,
    missing,
    plan_admin,
    plan_files,
    review,
    setup,
    worklist,
)
from tracker.services.permissions import Actor, Permission, actor_for
from tracker.settings import get_settings
from ui import slides
from ui.state import reading


class Scope(Enum):
    FIGURES = "figures"
    PLAN = "plan"
    STRUCTURE = "structure"
    ANY = "any"


_FUNCTIONS: dict[Scope, list[Any]] = {scope: [] for scope in Scope}
_lock = threading.Lock()
# (scope, plan id) -> the (cached function, arguments) computed for it since its last write
_keys: dict[tuple[Scope, int], set[tuple[Any, tuple]]] = {}


def _cached(scope: Scope, *, resource: bool = False, **options: object) -> Callable:
    """``st.cache_data`` (or ``cache_resource``) with a scope; a plan's read registers the key
    it computes (a miss: every cached value has been computed, so every one is registered)."""
    def decorate(func: Callable) -> Callable:
        names = list(inspect.signature(func).parameters)
        position = (names.index("plan_id") if scope in (Scope.FIGURES, Scope.PLAN)
                    else None)

        @functools.wraps(func)
        def body(*args: object) -> object:
            if position is not None:
                with _lock:
                    _keys.setdefault((scope, args[position]), set()).add((cached, args))
            return func(*args)

        cache = st.cache_resource if resource else st.cache_data
        cached = cache(ttl=600, show_spinner=False, **options)(body)
        _FUNCTIONS[scope].append(cached)
        return cached
    return decorate


def forget(plans: Collection[int], *, figures: bool) -> None:
    """Forget what a write of reports or audit entries of ``plans`` may have changed: their
    ``PLAN`` reads, their ``FIGURES`` too when ``figures`` (a counting revision moved), and
    every ``ANY`` read; ``STRUCTURE`` stays."""
    scopes = (Scope.PLAN, Scope.FIGURES) if figures else (Scope.PLAN,)
    with _lock:
        calls = [call for plan in plans for scope in scopes
                 for call in _keys.pop((scope, plan), ())]
    for cached, args in calls:
        cached.clear(*args)
    for cached in _FUNCTIONS[Scope.ANY]:
        cached.clear()


def _actor(db: Session, user_id: int) -> Actor:
    return actor_for(db, db.get_one(User, user_id))


def _db() -> str:
    return get_settings().database_url


@_cached(Scope.STRUCTURE)
def _plan_choices(database: str, user_id: int) -> list[figures.PlanChoice]:
    with reading() as db:
        return figures.plan_choices(db, _actor(db, user_id))


@_cached(Scope.FIGURES)
def _overview(database: str, user_id: int, plan_id: int, quarter: Quarter,
              filters: Filters) -> figures.Overview:
    with reading() as db:
        return figures.overview(db, _actor(db, user_id), plan_id, quarter,
                                filters)


# Figures are cached as objects (cache_resource), not pickled: unpickling a plotly figure
# validates it all over again, which cost more than drawing it. Nothing mutates them.
@_cached(Scope.FIGURES, resource=True, max_entries=64)
def _overview_charts(database: str, user_id: int, plan_id: int, quarter: Quarter,
                     filters: Filters, lang: str) -> dict[str, tuple[object, object]]:
    return charts.overview_charts(_overview(database, user_id, plan_id, quarter, filters),
                                  quarter, lang)


def overview_charts(user_id: int, plan_id: int, quarter: Quarter, filters: Filters,
                    lang: str) -> dict[str, tuple[object, object]]:
    """The overview's plotly figures by key, each with the data behind it."""
    return _overview_charts(_db(), user_id, plan_id, quarter, filters, lang)


@_cached(Scope.FIGURES)
def _overview_summaries(database: str, user_id: int, plan_id: int, quarter: Quarter,
                        filters: Filters, lang: str) -> dict[str, str]:
    return charts.overview_summaries(
        _overview(database, user_id, plan_id, quarter, filters),
        _overview_charts(database, user_id, plan_id, quarter, filters, lang), lang)


def overview_summaries(user_id: int, plan_id: int, quarter: Quarter, filters: Filters,
                       lang: str) -> dict[str, str]:
    """Each overview chart described in words, generated from its figures."""
    return _overview_summaries(_db(), user_id, plan_id, quarter, filters, lang)


@_cached(Scope.FIGURES)
def _drill_down(database: str, user_id: int, plan_id: int, quarter: Quarter, filters: Filters,
                lang: str, lead: str) -> tuple[object, list[tuple[int, str]]]:
    view = _overview(database, user_id, plan_id, quarter, filters)
    return charts.drill_down_table(view.items, lead, lang)


def drill_down(user_id: int, plan_id: int, quarter: Quarter, filters: Filters, lang: str,
               lead: str) -> tuple[object, list[tuple[int, str]]]:
    """The overview's items led by ``lead``: a table, and links to the first ones."""
    return _drill_down(_db(), user_id, plan_id, quarter, filters, lang, lead)


@_cached(Scope.PLAN)
def _filter_choices(database: str, user_id: int, plan_id: int) -> figures.FilterChoices:
    with reading() as db:
        return figures.filter_choices(db, _actor(db, user_id), plan_id)


@_cached(Scope.PLAN)
def _worklist(database: str, user_id: int, plan_id: int, quarter: Quarter,
              institution_id: int) -> list[worklist.WorkItem]:
    with reading() as db:
        return worklist.worklist(db, _actor(db, user_id), plan_id, quarter,
                                 institution_id)


@_cached(Scope.PLAN)
def _awaiting_review(database: str, user_id: int, plan_id: int,
                     quarter: Quarter) -> list[review.Submitted]:
    with reading() as db:
        return review.awaiting_review(db, _actor(db, user_id), plan_id, quarter)


@_cached(Scope.PLAN)
def _item_choices(database: str, user_id: int, plan_id: int) -> list[items.ItemChoice]:
    with reading() as db:
        return items.item_choices(db, _actor(db, user_id), plan_id)


@_cached(Scope.ANY)
def _item_detail(database: str, user_id: int, item_id: int) -> items.ItemDetail:
    with reading() as db:
        return items.item_detail(db, _actor(db, user_id), item_id)


@_cached(Scope.STRUCTURE)
def _accounts(database: str, user_id: int) -> list[accounts.AccountRow]:
    with reading() as db:
        return accounts.list_accounts(db, _actor(db, user_id))


@_cached(Scope.PLAN)
def _missing(database: str, user_id: int, plan_id: int,
             quarter: Quarter) -> list[missing.InstitutionDue]:
    with reading() as db:
        return missing.missing_by_institution(db, _actor(db, user_id), plan_id,
                                              quarter)


def missing_for(user_id: int, plan_id: int, quarter: Quarter) -> list[missing.InstitutionDue]:
    return _missing(_db(), user_id, plan_id, quarter)


@_cached(Scope.FIGURES)
def _exports(database: str, user_id: int, plan_id: int, lang: str) -> tuple[bytes, bytes]:
    with reading() as db:
        actor = _actor(db, user_id)
        return (plan_files.export_xlsx(db, actor, plan_id, lang),
                plan_files.export_csv(db, actor, plan_id, lang))


def exports(user_id: int, plan_id: int, lang: str) -> tuple[bytes, bytes]:
    """The plan and its counting reports as (.xlsx, .zip of CSVs), in ``lang``."""
    return _exports(_db(), user_id, plan_id, lang)


@_cached(Scope.PLAN)
def _plan_catalog(database: str, user_id: int, plan_id: int) -> plan_admin.PlanCatalog:
    with reading() as db:
        return plan_admin.catalog(db, _actor(db, user_id), plan_id)


def plan_catalog(user_id: int, plan_id: int) -> plan_admin.PlanCatalog:
    return _plan_catalog(_db(), user_id, plan_id)


@_cached(Scope.ANY)
def _item_fields(database: str, user_id: int,
                 item_id: int) -> tuple[plan_admin.ItemFields, int]:
    with reading() as db:
        return plan_admin.item_fields(db, _actor(db, user_id), item_id)


def item_fields(user_id: int, item_id: int) -> tuple[plan_admin.ItemFields, int]:
    return _item_fields(_db(), user_id, item_id)


@_cached(Scope.PLAN)
def _meetings(database: str, user_id: int, plan_id: int) -> list[meetings.MeetingView]:
    with reading() as db:
        return meetings.list_meetings(db, _actor(db, user_id), plan_id)


def meetings_of(user_id: int, plan_id: int) -> list[meetings.MeetingView]:
    return _meetings(_db(), user_id, plan_id)


# A reopening runs until its end date: the reads that show reopenings are cached per day.

@_cached(Scope.PLAN)
def _requests(database: str, user_id: int, plan_id: int,
              today: date) -> list[lifecycle.RequestView]:
    with reading() as db:
        return lifecycle.reopen_requests(db, _actor(db, user_id), plan_id)


@_cached(Scope.PLAN)
def _member_view(database: str, user_id: int, plan_id: int, lang: str,
                 today: date) -> lifecycle.MemberView:
    with reading() as db:
        return lifecycle.member_view(db, _actor(db, user_id), plan_id, lang)


def member_view(user_id: int, plan_id: int, lang: str) -> lifecycle.MemberView:
    return _member_view(_db(), user_id, plan_id, lang, get_settings().today())


@_cached(Scope.PLAN)
def _activity(database: str, user_id: int, plan_id: int, filters: activity.Filters,
              lang: str) -> activity.Activity:
    with reading() as db:
        return activity.activity(db, _actor(db, user_id), plan_id, filters, lang)


def plan_activity(user_id: int, plan_id: int, filters: activity.Filters,
                  lang: str) -> activity.Activity:
    return _activity(_db(), user_id, plan_id, filters, lang)


@_cached(Scope.ANY)
def _item_activity(database: str, user_id: int, item_id: int, lang: str) -> activity.Activity:
    with reading() as db:
        return activity.item_activity(db, _actor(db, user_id), item_id, lang)


def item_activity(user_id: int, item_id: int, lang: str) -> activity.Activity:
    return _item_activity(_db(), user_id, item_id, lang)


@_cached(Scope.PLAN)
def _reopened(database: str, user_id: int, plan_id: int, today: date) -> list[Quarter]:
    with reading() as db:
        return lifecycle.reopened_quarters(db, _actor(db, user_id), plan_id)


def reopened_quarters(user_id: int, plan_id: int) -> list[Quarter]:
    return _reopened(_db(), user_id, plan_id, get_settings().today())


def reopen_requests(user_id: int, plan_id: int) -> list[lifecycle.RequestView]:
    return _requests(_db(), user_id, plan_id, get_settings().today())


@_cached(Scope.STRUCTURE)
def _may_read(database: str, user_id: int, plan_id: int) -> bool:
    """Whether the user may read the plan (``decks.require_reader`` raises when not, and a
    refusal is never cached): what the reads cached by plan alone check first."""
    with reading() as db:
        decks.require_reader(_actor(db, user_id), plan_id)
    return True


@_cached(Scope.FIGURES, resource=True, max_entries=64)  # immutable: shared, never copied
def _presentation(database: str, plan_id: int, quarter: Quarter) -> MeetingContent:
    with reading() as db:
        return decks.read_content(db, plan_id, quarter)


def presentation(user_id: int, plan_id: int, quarter: Quarter) -> MeetingContent:
    """The meeting's content (as presented, once locked): what the slides show."""
    _may_read(_db(), user_id, plan_id)
    return _presentation(_db(), plan_id, quarter)


@_cached(Scope.FIGURES, resource=True, max_entries=64)
def _slide_chart(database: str, plan_id: int, quarter: Quarter, lang: str,
                 name: str, page: int) -> charts.MeetingChart:
    """One slide's chart (page ``page`` of a chart cut into several slides), built once for
    every presenter (a shared object: nothing mutates it after ``slides.for_slide``)."""
    content = _presentation(database, plan_id, quarter)
    shown = next(s for s in meeting_slides(content, lang) if s.kind == name and s.page == page)
    return slides.for_slide(charts.meeting_chart(content, lang, name, shown))


def slide_chart(user_id: int, plan_id: int, quarter: Quarter, lang: str,
                name: str, page: int = 1) -> charts.MeetingChart:
    _may_read(_db(), user_id, plan_id)
    return _slide_chart(_db(), plan_id, quarter, lang, name, page)


@_cached(Scope.FIGURES)
def _deck(database: str, plan_id: int, quarter: Quarter, lang: str) -> bytes:
    """The deck of the content the slides show (``_presentation``), not read a second time."""
    return deck_builder.build_pptx(_presentation(database, plan_id, quarter), lang)


def deck(user_id: int, plan_id: int, quarter: Quarter, lang: str) -> bytes:
    _may_read(_db(), user_id, plan_id)
    return _deck(_db(), plan_id, quarter, lang)


@_cached(Scope.FIGURES)
def _handout(database: str, plan_id: int, quarter: Quarter, lang: str) -> bytes:
    """The handout of the content the slides show, printed once per plan, quarter and
    language until the figures change."""
    return handout_builder.build_pdf(_presentation(database, plan_id, quarter), lang)


def handout(user_id: int, plan_id: int, quarter: Quarter, lang: str) -> bytes:
    _may_read(_db(), user_id, plan_id)
    return _handout(_db(), plan_id, quarter, lang)


def accounts_for(user_id: int) -> list[accounts.AccountRow]:
    return _accounts(_db(), user_id)


@_cached(Scope.STRUCTURE)
def _account_institutions(database: str, user_id: int) -> list[tuple[str, str]]:
    with reading() as db:
        return accounts.account_institutions(db, _actor(db, user_id))


def account_institutions(user_id: int) -> list[tuple[str, str]]:
    return _account_institutions(_db(), user_id)


@_cached(Scope.PLAN)
def _setup_checklist(database: str, user_id: int, plan_id: int) -> setup.Checklist:
    with reading() as db:
        return setup.checklist(db, _actor(db, user_id), plan_id)


def setup_checklist(user_id: int, plan_id: int) -> setup.Checklist:
    return _setup_checklist(_db(), user_id, plan_id)


def plan_choices(user_id: int) -> list[figures.PlanChoice]:
    return _plan_choices(_db(), user_id)


def plans_where(user_id: int, actor: Actor, permission: Permission) -> list[figures.PlanChoice]:
    """The plans on which the user holds ``permission`` (admins included)."""
    return [choice for choice in plan_choices(user_id) if actor.can(permission, choice.id)]


def overview(user_id: int, plan_id: int, quarter: Quarter,
             filters: Filters = NO_FILTERS) -> figures.Overview:
    return _overview(_db(), user_id, plan_id, quarter, filters)


def filter_choices(user_id: int, plan_id: int) -> figures.FilterChoices:
    return _filter_choices(_db(), user_id, plan_id)


def worklist_for(user_id: int, plan_id: int, quarter: Quarter,
                 institution_id: int) -> list[worklist.WorkItem]:
    return _worklist(_db(), user_id, plan_id, quarter, institution_id)


def awaiting_review(user_id: int, plan_id: int, quarter: Quarter) -> list[review.Submitted]:
    return _awaiting_review(_db(), user_id, plan_id, quarter)


def item_choices(user_id: int, plan_id: int) -> list[items.ItemChoice]:
    return _item_choices(_db(), user_id, plan_id)


def item_detail(user_id: int, item_id: int) -> items.ItemDetail:
    return _item_detail(_db(), user_id, item_id)


def clear() -> None:
    """Forget every cached read (a write that cannot be placed on plans, a conflict)."""
    with _lock:
        _keys.clear()
    for scope in Scope:
        for cached in _FUNCTIONS[scope]:
            cached.clear()
