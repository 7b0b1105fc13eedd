"""Cached reads, served only while what they were computed from is unchanged, whichever
server process wrote (docs/architecture.md, "Caches and many servers").

Every run reads the store's change generations once (``begin_run``, from ``dashboard.py``;
``tracker.changes``), and every cached read is keyed on the generations of the part it
depends on, besides its arguments and the database:

- ``FIGURES`` of a plan: computed from its counting revisions and its plan data (the
  overview, its charts, the meeting's content and slides, the deck, the handout, the export).
  A draft saved leaves them cached.
- ``PLAN``: anything else of one plan (worklists, missing reports, review, meetings,
  requests, activity).
- ``STRUCTURE``: plans, accounts and institutions (the plans offered, the accounts list,
  who may read a plan). Every read depends on it too: a role removed, an account
  deactivated or a plan renamed renews them all.
- ``ANY``: reads tied to an item rather than a plan: renewed after any write.

A generation in the key makes a read correct; the 600 s lifetime only bounds memory, and so
does ``begin_run``: when it finds a generation moved since this process last looked, it drops
the values computed at older ones (from a registry of the keys each read computed).

Decorators declare each read once: ``read`` (a service read for a signed-in user: the
function takes a read session and the user's actor, the page passes the user's id),
``derived`` (computed from other reads, such as the overview's charts), and ``shared_read``
and ``shared`` (the same for every reader of a plan, such as the meeting's content and its
slides: cached by plan, not by user, and each reader checked first, so that twenty
presenters compute it once).
"""

from __future__ import annotations

import functools
import inspect
import threading
from collections.abc import Callable
from datetime import date
from enum import Enum
from typing import Any, Concatenate, Generic, ParamSpec, TypeVar, cast

import streamlit as st
from sqlmodel import Session
from streamlit.runtime.scriptrunner import get_script_run_ctx

from tracker import changes, charts
from tracker import deck as deck_builder
from tracker import handout as handout_builder
from tracker.changes import Generations, Part
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

P = ParamSpec("P")
T = TypeVar("T")


class Scope(Enum):
    FIGURES = "figures"
    PLAN = "plan"
    STRUCTURE = "structure"
    ANY = "any"


_PART = {Scope.FIGURES: Part.FIGURES, Scope.PLAN: Part.PLAN}

# -- the generations of this run ---------------------------------------------------------------

GENERATIONS_KEY = "tracker_generations_this_run"
_lock = threading.Lock()
_seen = Generations()  # what this process last read: values of older generations are dropped
# (generation key, or Scope.ANY) -> the (cached function, arguments) computed for it
_keys: dict[object, set[tuple[Any, tuple]]] = {}
_ALL: list[Any] = []  # every cached function


def _read_generations() -> Generations:
    with reading() as db:
        return changes.read(db)


def begin_run() -> Generations:
    """Read the generations for this run (one small query) and drop what this process holds
    for generations that have moved since. ``dashboard.py`` calls it at the top of every run,
    and ``ui.actions.write`` after every write, so that the rest of the run sees it."""
    now = _read_generations()
    if get_script_run_ctx() is not None:
        st.session_state[GENERATIONS_KEY] = now
    _release(now)
    return now


def _generations() -> Generations:
    """This run's generations; outside a run (a test, the bench), read afresh."""
    if get_script_run_ctx() is not None:
        found = st.session_state.get(GENERATIONS_KEY)
        if isinstance(found, Generations):
            return found
    return begin_run()


def _release(now: Generations) -> None:
    global _seen
    with _lock:
        moved = now.moved_since(_seen) if _seen.counters else set()
        _seen = now
        if changes.STRUCTURE in moved:  # every read depends on it
            calls = [call for found in _keys.values() for call in found]
            _keys.clear()
        elif moved:
            calls = [call for key in (*moved, Scope.ANY) for call in _keys.pop(key, ())]
        else:
            calls = []
    for cached, args in calls:
        cached.clear(*args)


def _stamp(scope: Scope, plan_id: object) -> tuple[int, ...]:
    """The generations a read of ``scope`` depends on, for its cache key."""
    now = _generations()
    if scope is Scope.STRUCTURE:
        return (now.structure,)
    if scope is Scope.ANY:
        return (now.structure, sum(now.counters.values()))
    assert isinstance(plan_id, int)
    return (now.structure, now.of(plan_id, _PART[scope]))


def _bucket(scope: Scope, plan_id: object) -> object:
    if scope is Scope.STRUCTURE:
        return changes.STRUCTURE
    if scope is Scope.ANY:
        return Scope.ANY
    return (plan_id, _PART[scope])


# -- the decorators ---------------------------------------------------------------------------

def _db() -> str:
    return get_settings().database_url


def _actor(db: Session, user_id: int) -> Actor:
    return actor_for(db, db.get_one(User, user_id))


def _keyed(scope: Scope, func: Callable, compute: Callable,
           parameters: list[inspect.Parameter], *, resource: bool,
           max_entries: int | None) -> Callable[..., object]:
    """``compute(database, stamp, *arguments)`` cached, and the function that calls it with
    ``parameters`` (``func`` names the cache: Streamlit keys it on a function's name and
    source)."""
    defaults = [p.default for p in parameters]
    names = [p.name for p in parameters]
    position = names.index("plan_id") if scope in _PART else None

    @functools.wraps(func)
    def body(database: str, stamp: tuple[int, ...], *args: object) -> object:
        bucket = _bucket(scope, args[position] if position is not None else None)
        with _lock:
            _keys.setdefault(bucket, set()).add((cached, (database, stamp, *args)))
        return compute(database, stamp, *args)

    cache = st.cache_resource if resource else st.cache_data
    cached = cache(ttl=600, max_entries=max_entries, show_spinner=False)(body)
    _ALL.append(cached)

    def call(*args: object) -> object:
        if len(args) < len(names):  # defaults filled in: one key for one call
            args = (*args, *defaults[len(args):])
        plan_id = args[position] if position is not None else None
        return cached(_db(), _stamp(scope, plan_id), *args)
    return call


def _parameters(func: Callable, skipped: int) -> list[inspect.Parameter]:
    return list(inspect.signature(func).parameters.values())[skipped:]


_USER = inspect.Parameter("user_id", inspect.Parameter.POSITIONAL_OR_KEYWORD)


def read(scope: Scope, *, resource: bool = False, max_entries: int | None = None
         ) -> Callable[[Callable[Concatenate[Session, Actor, P], T]],
                       Callable[Concatenate[int, P], T]]:
    """A service read for a signed-in user, cached under ``scope``: the decorated function
    takes a read session and the user's actor; the page calls it with the user's id."""
    def decorate(func: Callable[Concatenate[Session, Actor, P], T]
                 ) -> Callable[Concatenate[int, P], T]:
        service = cast(Callable[..., T], func)

        def compute(_database: str, _stamp: tuple[int, ...], user_id: int,
                    *args: object) -> T:
            with reading() as db:
                return service(db, _actor(db, user_id), *args)

        call = _keyed(scope, func, compute, [_USER, *_parameters(func, 2)],
                      resource=resource, max_entries=max_entries)
        return cast(Callable[Concatenate[int, P], T], functools.wraps(func)(call))
    return decorate


def derived(scope: Scope, *, resource: bool = False, max_entries: int | None = None
            ) -> Callable[[Callable[P, T]], Callable[P, T]]:
    """A read computed from other reads (no session of its own), cached under ``scope``."""
    def decorate(func: Callable[P, T]) -> Callable[P, T]:
        loose = cast(Callable[..., T], func)

        def compute(_database: str, _stamp: tuple[int, ...], *args: object) -> T:
            return loose(*args)

        call = _keyed(scope, func, compute, _parameters(func, 0), resource=resource,
                      max_entries=max_entries)
        return cast(Callable[P, T], functools.wraps(func)(call))
    return decorate


class Shared(Generic[P, T]):
    """A read that is the same for every reader of a plan: cached by plan, and each reader
    checked first (``_may_read``). ``unchecked`` is for reads built from it, whose own
    readers were checked."""

    def __init__(self, unchecked: Callable[P, T]) -> None:
        self.unchecked = unchecked
        functools.update_wrapper(self, unchecked)

    def __call__(self, user_id: int, *args: P.args, **kwargs: P.kwargs) -> T:
        plan_id = args[0]
        assert isinstance(plan_id, int)
        _may_read(user_id, plan_id)
        return self.unchecked(*args, **kwargs)


def shared_read(scope: Scope, *, resource: bool = False, max_entries: int | None = None
                ) -> Callable[[Callable[Concatenate[Session, P], T]], Shared[P, T]]:
    """A read of a plan the same for every reader: the decorated function takes a read
    session and the plan's id first."""
    def decorate(func: Callable[Concatenate[Session, P], T]) -> Shared[P, T]:
        loose = cast(Callable[..., T], func)

        def compute(_database: str, _stamp: tuple[int, ...], *args: object) -> T:
            with reading() as db:
                return loose(db, *args)

        call = _keyed(scope, func, compute, _parameters(func, 1), resource=resource,
                      max_entries=max_entries)
        return Shared(cast(Callable[P, T], functools.wraps(func)(call)))
    return decorate


def shared(scope: Scope, *, resource: bool = False, max_entries: int | None = None
           ) -> Callable[[Callable[P, T]], Shared[P, T]]:
    """A read built from ``shared_read`` ones (their ``unchecked``), the same for every reader
    of a plan: the decorated function takes the plan's id first."""
    def decorate(func: Callable[P, T]) -> Shared[P, T]:
        return Shared(derived(scope, resource=resource, max_entries=max_entries)(func))
    return decorate


def clear() -> None:
    """Forget every cached read of this process (the bench's cold runs, tests)."""
    with _lock:
        _keys.clear()
    for cached in _ALL:
        cached.clear()


# -- structure ---------------------------------------------------------------------------------

@read(Scope.STRUCTURE)
def plan_choices(db: Session, actor: Actor) -> list[figures.PlanChoice]:
    return figures.plan_choices(db, actor)


def plans_where(user_id: int, actor: Actor, permission: Permission) -> list[figures.PlanChoice]:
    """The plans on which the user holds ``permission`` (admins included)."""
    return [choice for choice in plan_choices(user_id) if actor.can(permission, choice.id)]


@read(Scope.STRUCTURE)
def _may_read(db: Session, actor: Actor, plan_id: int) -> bool:
    """Whether the user may read the plan (``decks.require_reader`` raises when not, and a
    refusal is never cached): what the reads cached by plan alone check first."""
    decks.require_reader(actor, plan_id)
    return True


@read(Scope.STRUCTURE)
def accounts_for(db: Session, actor: Actor) -> list[accounts.AccountRow]:
    return accounts.list_accounts(db, actor)


@read(Scope.STRUCTURE)
def account_institutions(db: Session, actor: Actor) -> list[tuple[str, str]]:
    return accounts.account_institutions(db, actor)


# -- a plan's figures --------------------------------------------------------------------------

@read(Scope.FIGURES)
def overview(db: Session, actor: Actor, plan_id: int, quarter: Quarter,
             filters: Filters = NO_FILTERS) -> figures.Overview:
    return figures.overview(db, actor, plan_id, quarter, filters)


# Figures are cached as objects (cache_resource), not pickled: unpickling a plotly figure
# validates it all over again, which cost more than drawing it. Nothing mutates them.
@derived(Scope.FIGURES, resource=True, max_entries=64)
def overview_charts(user_id: int, plan_id: int, quarter: Quarter, filters: Filters,
                    lang: str) -> dict[str, tuple[object, object]]:
    """The overview's plotly figures by key, each with the data behind it."""
    return charts.overview_charts(overview(user_id, plan_id, quarter, filters), quarter, lang)


@derived(Scope.FIGURES)
def overview_summaries(user_id: int, plan_id: int, quarter: Quarter, filters: Filters,
                       lang: str) -> dict[str, str]:
    """Each overview chart described in words, generated from its figures."""
    return charts.overview_summaries(
        overview(user_id, plan_id, quarter, filters),
        overview_charts(user_id, plan_id, quarter, filters, lang), lang)


@derived(Scope.FIGURES)
def drill_down(user_id: int, plan_id: int, quarter: Quarter, filters: Filters, lang: str,
               lead: str) -> tuple[object, list[tuple[int, str]]]:
    """The overview's items led by ``lead``: a table, and links to the first ones."""
    return charts.drill_down_table(overview(user_id, plan_id, quarter, filters).items,
                                   lead, lang)


@read(Scope.FIGURES)
def exports(db: Session, actor: Actor, plan_id: int, lang: str) -> tuple[bytes, bytes]:
    """The plan and its counting reports as (.xlsx, .zip of CSVs), in ``lang``."""
    return (plan_files.export_xlsx(db, actor, plan_id, lang),
            plan_files.export_csv(db, actor, plan_id, lang))


@shared_read(Scope.FIGURES, resource=True, max_entries=64)  # immutable: shared, never copied
def presentation(db: Session, plan_id: int, quarter: Quarter) -> MeetingContent:
    """The meeting's content (as presented, once locked): what the slides show."""
    return decks.read_content(db, plan_id, quarter)


@shared(Scope.FIGURES, resource=True, max_entries=64)
def slide_chart(plan_id: int, quarter: Quarter, lang: str, name: str,
                page: int = 1) -> charts.MeetingChart:
    """One slide's chart (page ``page`` of a chart cut into several slides), built once for
    every presenter (a shared object: nothing mutates it after ``slides.for_slide``)."""
    content = presentation.unchecked(plan_id, quarter)
    shown = next(s for s in meeting_slides(content, lang) if s.kind == name and s.page == page)
    return slides.for_slide(charts.meeting_chart(content, lang, name, shown))


@shared(Scope.FIGURES)
def deck(plan_id: int, quarter: Quarter, lang: str) -> bytes:
    """The deck of the content the slides show, not read a second time."""
    return deck_builder.build_pptx(presentation.unchecked(plan_id, quarter), lang)


@shared(Scope.FIGURES)
def handout(plan_id: int, quarter: Quarter, lang: str) -> bytes:
    """The handout of the content the slides show, printed once per plan, quarter and
    language until the figures change."""
    return handout_builder.build_pdf(presentation.unchecked(plan_id, quarter), lang)


# -- the rest of a plan -------------------------------------------------------------------------

@read(Scope.PLAN)
def filter_choices(db: Session, actor: Actor, plan_id: int) -> figures.FilterChoices:
    return figures.filter_choices(db, actor, plan_id)


@read(Scope.PLAN)
def worklist_for(db: Session, actor: Actor, plan_id: int, quarter: Quarter,
                 institution_id: int) -> list[worklist.WorkItem]:
    return worklist.worklist(db, actor, plan_id, quarter, institution_id)


@read(Scope.PLAN)
def awaiting_review(db: Session, actor: Actor, plan_id: int,
                    quarter: Quarter) -> list[review.Submitted]:
    return review.awaiting_review(db, actor, plan_id, quarter)


@read(Scope.PLAN)
def item_choices(db: Session, actor: Actor, plan_id: int) -> list[items.ItemChoice]:
    return items.item_choices(db, actor, plan_id)


@read(Scope.PLAN)
def missing_for(db: Session, actor: Actor, plan_id: int,
                quarter: Quarter) -> list[missing.InstitutionDue]:
    return missing.missing_by_institution(db, actor, plan_id, quarter)


@read(Scope.PLAN)
def plan_catalog(db: Session, actor: Actor, plan_id: int) -> plan_admin.PlanCatalog:
    return plan_admin.catalog(db, actor, plan_id)


@read(Scope.PLAN)
def meetings_of(db: Session, actor: Actor, plan_id: int) -> list[meetings.MeetingView]:
    return meetings.list_meetings(db, actor, plan_id)


@read(Scope.PLAN)
def plan_activity(db: Session, actor: Actor, plan_id: int, filters: activity.ActivityFilters,
                  lang: str) -> activity.Activity:
    return activity.activity(db, actor, plan_id, filters, lang)


@read(Scope.PLAN)
def setup_checklist(db: Session, actor: Actor, plan_id: int) -> setup.Checklist:
    return setup.checklist(db, actor, plan_id)


# A reopening runs until its end date: the reads that show reopenings are cached per day.

@read(Scope.PLAN)
def _requests(db: Session, actor: Actor, plan_id: int,
              today: date) -> list[lifecycle.RequestView]:
    return lifecycle.reopen_requests(db, actor, plan_id)


def reopen_requests(user_id: int, plan_id: int) -> list[lifecycle.RequestView]:
    return _requests(user_id, plan_id, get_settings().today())


@read(Scope.PLAN)
def _member_view(db: Session, actor: Actor, plan_id: int, lang: str,
                 today: date) -> lifecycle.MemberView:
    return lifecycle.member_view(db, actor, plan_id, lang)


def member_view(user_id: int, plan_id: int, lang: str) -> lifecycle.MemberView:
    return _member_view(user_id, plan_id, lang, get_settings().today())


@read(Scope.PLAN)
def _reopened(db: Session, actor: Actor, plan_id: int, today: date) -> list[Quarter]:
    return lifecycle.reopened_quarters(db, actor, plan_id)


def reopened_quarters(user_id: int, plan_id: int) -> list[Quarter]:
    return _reopened(user_id, plan_id, get_settings().today())


# -- an item (of whichever plan: renewed after any write) ----------------------------------------

@read(Scope.ANY)
def item_detail(db: Session, actor: Actor, item_id: int) -> items.ItemDetail:
    return items.item_detail(db, actor, item_id)


@read(Scope.ANY)
def item_fields(db: Session, actor: Actor, item_id: int) -> tuple[plan_admin.ItemFields, int]:
    return plan_admin.item_fields(db, actor, item_id)


@read(Scope.ANY)
def item_activity(db: Session, actor: Actor, item_id: int, lang: str) -> activity.Activity:
    return activity.item_activity(db, actor, item_id, lang)
