"""The plan's history for people: every recorded event, newest first, with before → after in
words from the catalogs, filterable by institution, item, person, quarter and kind.

It reads the audit trail (``services.audit``) and says what each entry touched: a report's item,
quarter and institution; an item's code; a period's or a meeting's quarter; a reopen request's
institution. Account and institution changes belong to the plans whose people and items they
concern. Ids in before/after become acronyms, line codes and words.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import or_
from sqlmodel import Session, col, select

from tracker.i18n import day, moment, number, t
from tracker.models import (
    ActionItem,
    AuditEntry,
    Decision,
    Institution,
    Meeting,
    PeriodState,
    Plan,
    ReopenRequest,
    Report,
    ReportingPeriod,
    RoleGrant,
    StrategicLine,
    User,
)
from tracker.quarters import Quarter
from tracker.services.institutions import plan_institution_ids
from tracker.services.permissions import Actor, Permission

KINDS = ("report", "action_item", "reporting_period", "reopen_request", "meeting", "decision",
         "user", "institution", "strategic_line", "plan")
LIMIT = 500  # the newest events shown; the count says how many more match
HIDDEN = {"id", "version", "snapshot", "plan_id", "created_at", "password_hash"}
INSTITUTION_FIELDS = {"lead_institution_id", "owner_institution_id", "institution_id"}
ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
ISO_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")


@dataclass(frozen=True)
class Change:
    field: str  # a catalog word
    before: str
    after: str


@dataclass(frozen=True)
class Event:
    at: datetime
    who: str | None
    kind: str
    action: str
    item: str | None = None  # the item's code
    item_id: int | None = None
    quarter: Quarter | None = None
    institution: str | None = None
    changes: tuple[Change, ...] = field(default=())


@dataclass(frozen=True)
class ActivityFilters:
    institution: str | None = None  # acronym
    item_id: int | None = None
    person: str | None = None  # display name
    quarter: Quarter | None = None
    kind: str | None = None


@dataclass(frozen=True)
class Activity:
    events: tuple[Event, ...]
    more: int  # matching events beyond LIMIT
    time_zone: str | None = None  # the plan's: its events' times are shown there


@dataclass(frozen=True)
class _Names:
    institutions: dict[int, str]
    lines: dict[int, str]
    items: dict[int, tuple[str, int]]  # id -> (code, plan)
    time_zone: str | None = None  # the plan's, for the times inside before/after


def activity(session: Session, actor: Actor, plan_id: int,
             filters: ActivityFilters = ActivityFilters(), lang: str = "en") -> Activity:
    """The plan's events (coordinators and admins), filtered, newest first."""
    actor.require(Permission.MANAGE_PLAN, plan_id)
    return _activity(session, plan_id, filters, lang)


def item_activity(session: Session, actor: Actor, item_id: int, lang: str = "en") -> Activity:
    """One item's events, its reports' included (whoever may read the plan)."""
    item = session.get_one(ActionItem, item_id)
    actor.require(Permission.READ_PLAN, item.plan_id)
    return _activity(session, item.plan_id, ActivityFilters(item_id=item_id), lang)


def _activity(session: Session, plan_id: int, filters: ActivityFilters,
              lang: str) -> Activity:
    zone = session.get_one(Plan, plan_id).time_zone
    names = _names(session, zone)
    entries = _entries(session, plan_id, filters)
    context = _context(session, entries)
    people = dict(session.exec(select(User.id, User.display_name)).all())
    events = [_event(entry, context, names, people, lang) for entry in entries]
    matching = [e for e in events if _matches(e, filters)]
    return Activity(tuple(matching[:LIMIT]), max(0, len(matching) - LIMIT), zone)


def _names(session: Session, zone: str | None = None) -> _Names:
    return _Names(
        dict(session.exec(select(Institution.id, Institution.acronym)).all()),
        dict(session.exec(select(StrategicLine.id, StrategicLine.code)).all()),
        {i: (c, p) for i, c, p in session.exec(
            select(ActionItem.id, ActionItem.code, ActionItem.plan_id)).all()}, zone)


def _entries(session: Session, plan_id: int, filters: ActivityFilters) -> list[AuditEntry]:
    users = select(RoleGrant.user_id).where(RoleGrant.plan_id == plan_id)
    institutions = plan_institution_ids(session, plan_id)
    query = select(AuditEntry).where(or_(
        col(AuditEntry.plan_id) == plan_id,
        (col(AuditEntry.entity) == "user") & col(AuditEntry.entity_id).in_(users),
        (col(AuditEntry.entity) == "institution")
        & col(AuditEntry.entity_id).in_(institutions or {0})))
    if filters.kind:
        query = query.where(AuditEntry.entity == filters.kind)
    if filters.item_id:
        reports = select(Report.id).where(Report.item_id == filters.item_id)
        query = query.where(or_(
            (col(AuditEntry.entity) == "action_item") & (AuditEntry.entity_id == filters.item_id),
            (col(AuditEntry.entity) == "report") & col(AuditEntry.entity_id).in_(reports)))
    return list(session.exec(query.order_by(col(AuditEntry.at).desc(), col(AuditEntry.id).desc())))


@dataclass(frozen=True)
class _Where:
    item_id: int | None = None
    quarter: Quarter | None = None
    institution_id: int | None = None


def _context(session: Session, entries: list[AuditEntry]) -> dict[tuple[str, int], _Where]:
    """What each entry touched: item, quarter, institution (a few queries for all)."""
    ids: dict[str, set[int]] = {}
    for entry in entries:
        if entry.entity_id is not None:
            ids.setdefault(entry.entity, set()).add(entry.entity_id)
    found: dict[tuple[str, int], _Where] = {}
    if ids.get("report"):
        for report_id, item_id, quarter, institution_id in session.exec(
                select(Report.id, Report.item_id, col(Report.quarter), Report.institution_id)
                .where(col(Report.id).in_(ids["report"]))):
            found[("report", report_id)] = _Where(item_id, quarter, institution_id)
    if ids.get("action_item"):
        found.update({("action_item", i): _Where(item_id=i) for i in ids["action_item"]})
    if ids.get("reporting_period"):
        for period_id, quarter in session.exec(
                select(ReportingPeriod.id, col(ReportingPeriod.quarter))
                .where(col(ReportingPeriod.id).in_(ids["reporting_period"]))):
            found[("reporting_period", period_id)] = _Where(quarter=quarter)
    if ids.get("reopen_request"):
        for request_id, quarter, requested_for in session.exec(
                select(ReopenRequest.id, col(ReopenRequest.quarter), ReopenRequest.institution_id)
                .where(col(ReopenRequest.id).in_(ids["reopen_request"]))):
            found[("reopen_request", request_id)] = _Where(quarter=quarter,
                                                           institution_id=requested_for)
    if ids.get("meeting"):
        for meeting_id, quarter in session.exec(select(Meeting.id, col(Meeting.quarter))
                                                .where(col(Meeting.id).in_(ids["meeting"]))):
            found[("meeting", meeting_id)] = _Where(quarter=quarter)
    if ids.get("decision"):
        for decision_id, quarter in session.exec(
                select(Decision.id, col(Meeting.quarter))
                .join(Meeting, col(Meeting.id) == Decision.meeting_id)
                .where(col(Decision.id).in_(ids["decision"]))):
            found[("decision", decision_id)] = _Where(quarter=quarter)
    if ids.get("institution"):
        found.update({("institution", i): _Where(institution_id=i) for i in ids["institution"]})
    return found


def _event(entry: AuditEntry, context: dict[tuple[str, int], _Where], names: _Names,
           people: dict[int, str], lang: str) -> Event:
    where = (_Where() if entry.entity_id is None
             else context.get((entry.entity, entry.entity_id), _Where()))
    before = json.loads(entry.before) if entry.before else {}
    after = json.loads(entry.after) if entry.after else {}
    item = names.items.get(where.item_id) if where.item_id else None
    return Event(
        at=entry.at, who=None if entry.user_id is None else people.get(entry.user_id),
        kind=entry.entity, action=entry.action,
        item=item[0] if item else None, item_id=where.item_id,
        quarter=where.quarter,
        institution=(None if where.institution_id is None
                     else names.institutions.get(where.institution_id)),
        changes=tuple(_changes(entry.entity, before, after, names, lang)))


def _changes(kind: str, before: dict[str, object], after: dict[str, object], names: _Names,
             lang: str) -> list[Change]:
    keys = [k for k in dict.fromkeys([*after, *before]) if k not in HIDDEN
            and before.get(k) != after.get(k)
            and not (_empty(before.get(k)) and _empty(after.get(k)))]
    label = {"state": "period_state"} if kind == "reporting_period" else {}
    return [Change(t(f"field.{label.get(k, k)}", lang), _word(k, before.get(k), names, lang),
                   _word(k, after.get(k), names, lang)) for k in keys]


def _empty(value: object) -> bool:
    return value is None or value is False or value == "" or value == []


def _word(key: str, value: object, names: _Names, lang: str) -> str:
    """A stored value as a person reads it."""
    if value is None or value == "" or value == []:
        return "—"
    if key in INSTITUTION_FIELDS and isinstance(value, int):
        return names.institutions.get(value, str(value))
    if key == "supporters" and isinstance(value, list):
        return ", ".join(names.institutions.get(v, str(v)) if isinstance(v, int) else str(v)
                         for v in value)
    if key == "line_id" and isinstance(value, int):
        return names.lines.get(value, str(value))
    if isinstance(value, bool):
        return t("form.yes" if value else "form.no", lang)
    if key == "status":
        return t(f"status.{value}", lang)
    if key == "role" and isinstance(value, str):
        return t(f"role.{value}", lang)
    if key == "language" and isinstance(value, str):
        return t(f"language.{value}", lang)
    if key == "state":
        return (t(f"period.{value}", lang) if value in tuple(PeriodState)
                else t(f"state.{value}", lang))
    if key.endswith("quarter") and isinstance(value, str):
        try:
            return Quarter.parse(value).label(lang)
        except ValueError:
            return value
    if isinstance(value, int | float):
        return number(value, lang, 0 if float(value).is_integer() else 1)
    if isinstance(value, list):
        return ", ".join(_word(key, v, names, lang) for v in value)
    if isinstance(value, str):
        return _moment_or_text(value, names, lang)
    return str(value)


def _moment_or_text(value: str, names: _Names, lang: str) -> str:
    """A time or a day stored as ISO text (the audit trail's JSON) as the reader reads it, in
    the plan's zone; any other text as it is."""
    try:
        if len(value) > 10 and ISO_TIME.fullmatch(value[:16]):
            return moment(datetime.fromisoformat(value), lang, names.time_zone)
        if ISO_DAY.fullmatch(value):
            return day(date.fromisoformat(value), lang)
    except ValueError:
        pass
    return value


def _matches(event: Event, filters: ActivityFilters) -> bool:
    return ((not filters.institution or event.institution == filters.institution)
            and (not filters.person or event.who == filters.person)
            and (not filters.quarter or event.quarter == filters.quarter))


def describe(event: Event, lang: str) -> str:
    """"Status: in progress → completed; Progress: 40 → 100" for a table cell."""
    return "; ".join(f"{c.field}: {c.before} → {c.after}" for c in event.changes)


def what(event: Event, lang: str) -> str:
    """The event in words: "Report submitted", "Quarter locked", …"""
    return t(f"activity.{event.kind}.{event.action}", lang)
