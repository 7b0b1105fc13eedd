"""Keeping the plan: reporting periods, action items, strategic lines and institutions.

Coordinators of the plan (and admins) only; every change is validated here, whatever the page
checked, and lands in the audit trail with its before and after. Changing an item's lead or
span after reports exist is allowed and audited; reports are never rewritten.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, select

from tracker import rules
from tracker.errors import InvalidInput, NotAllowed, NotFound
from tracker.models import (
    ActionItem,
    Institution,
    ItemSupport,
    ItemValues,
    PeriodState,
    Plan,
    StrategicLine,
)
from tracker.quarters import Quarter, QuarterError
from tracker.services import audit, institutions, once, plans
from tracker.services.permissions import Actor, Permission
from tracker.settings import DEFAULT_TIME_ZONE, is_time_zone


def set_deadline(session: Session, actor: Actor, plan_id: int, quarter: Quarter,
                 deadline: date | None) -> None:
    """The day the quarter's reports are due; ``None`` (the date cleared) sets none."""
    actor.require(Permission.MANAGE_PLAN, plan_id)
    period = plans.get_period(session, plan_id, quarter)
    before = period.deadline
    period.deadline = deadline
    session.add(period)
    audit.record(session, actor, "deadline", "reporting_period", period.id, plan_id=plan_id,
                 before={"deadline": before}, after={"deadline": deadline})
    session.flush()


def set_time_zone(session: Session, actor: Actor, plan_id: int, zone: str) -> None:
    """The zone in which the plan's times are shown and its deadlines end (an IANA name)."""
    actor.require(Permission.MANAGE_PLAN, plan_id)
    zone = zone.strip()
    if not is_time_zone(zone):
        raise InvalidInput("plan.field.time_zone", value=zone)
    plan = session.get_one(Plan, plan_id)
    if plan.time_zone == zone:
        return
    before = plan.time_zone
    plan.time_zone = zone
    session.add(plan)
    audit.record(session, actor, "update", "plan", plan_id, plan_id=plan_id,
                 before={"time_zone": before}, after={"time_zone": zone})
    session.flush()


@dataclass(frozen=True)
class ItemFields:
    """An action item as a coordinator edits it (institutions by acronym, line by code)."""

    code: str
    title: str
    description: str
    line: str
    lead: str
    supporters: tuple[str, ...]
    start_quarter: Quarter
    due_quarter: Quarter
    indicator: str | None = None
    unit: str | None = None
    baseline: float | None = None
    target: float | None = None
    weight: float = 1.0


def form_quarter(text: str) -> Quarter:
    """A quarter typed in a form, in any spelling ``Quarter.parse`` reads; any other text is
    refused naming the field, like every other value of the item form."""
    try:
        return Quarter.parse(text)
    except QuarterError:
        raise InvalidInput("plan.field.quarter") from None


def _institution_ids(session: Session) -> dict[str, int]:
    return dict(session.exec(select(Institution.acronym, Institution.id)).all())


def _validated(session: Session, plan: Plan, fields: ItemFields) -> ItemValues:
    code, title = fields.code.strip(), fields.title.strip()
    if refused := rules.refused_characters("action_item", code=code, title=title,
                                           description=fields.description,
                                           indicator=fields.indicator, unit=fields.unit):
        raise InvalidInput(refused)
    if not code or rules.too_long("action_item", "code", code):
        raise InvalidInput("plan.field.code")
    if not title or rules.too_long("action_item", "title", title):
        raise InvalidInput("plan.field.title")
    if rules.too_long("action_item", "description", fields.description.strip()):
        raise InvalidInput("plan.field.description")
    for name in ("indicator", "unit"):  # the columns' width: longer ones failed on PostgreSQL
        if rules.too_long("action_item", name, (getattr(fields, name) or "").strip()):
            raise InvalidInput("import.too_long", limit=rules.limit("action_item", name))
    start, due = fields.start_quarter, fields.due_quarter
    first, last = plans.plan_span(plan)
    if not first <= start <= due <= last:
        raise InvalidInput("plan.field.span", first=first, last=last)
    if not rules.weight_ok(fields.weight):
        raise InvalidInput("plan.field.weight")
    for number in (fields.baseline, fields.target):
        if number is not None and not rules.amount_ok(number):
            raise InvalidInput("plan.field.indicator_negative")
    ids = _institution_ids(session)
    if fields.lead not in ids:
        raise InvalidInput("plan.field.lead", value=fields.lead)
    unknown = [s for s in fields.supporters if s not in ids]
    if unknown:
        raise InvalidInput("plan.field.supporters", value=", ".join(unknown))
    line = session.exec(select(StrategicLine).where(
        StrategicLine.plan_id == plan.id, StrategicLine.code == fields.line)).first()
    if line is None:
        raise InvalidInput("plan.field.line", value=fields.line)
    return {"code": code, "title": title, "description": fields.description.strip(),
            "line_id": line.id, "lead_institution_id": ids[fields.lead],
            "start_quarter": start, "due_quarter": due,
            "indicator": (fields.indicator or "").strip() or None,
            "unit": (fields.unit or "").strip() or None, "baseline": fields.baseline,
            "target": fields.target, "weight": float(fields.weight)}


def _supporters(session: Session, item_id: int) -> set[int]:
    return set(session.exec(select(ItemSupport.institution_id).where(
        ItemSupport.item_id == item_id)))


def _set_supporters(session: Session, item: ActionItem, wanted: set[int]) -> None:
    current = _supporters(session, item.id)
    for link in session.exec(select(ItemSupport).where(ItemSupport.item_id == item.id)):
        if link.institution_id not in wanted:
            session.delete(link)
    for institution_id in wanted - current:
        session.add(ItemSupport(item_id=item.id, institution_id=institution_id))


def save_item(session: Session, actor: Actor, plan_id: int, fields: ItemFields, *,
              item_id: int | None = None, expected_version: int | None = None,
              token: str | None = None) -> ActionItem:
    """Create an item (``item_id`` None) or change one, refusing a stale version. A repeat
    of ``token`` (the same form sent twice) returns the item the first save made or changed,
    never a second item nor a conflict with itself."""
    actor.require(Permission.MANAGE_PLAN, plan_id)
    if earlier := once.claim(session, actor, token, "save_item"):
        return session.get_one(ActionItem, earlier.result)
    plan = session.get_one(Plan, plan_id)
    values = _validated(session, plan, fields)
    ids = _institution_ids(session)
    wanted = {ids[s] for s in fields.supporters} - {values["lead_institution_id"]}
    clash = session.exec(select(ActionItem.id).where(
        ActionItem.plan_id == plan_id, ActionItem.code == values["code"])).first()
    if clash is not None and clash != item_id:
        raise InvalidInput("plan.field.code_taken", code=values["code"])
    if item_id is None:
        item = ActionItem(plan_id=plan_id, **values)
        session.add(item)
        session.flush()
        _set_supporters(session, item, wanted)
        audit.record(session, actor, "create", "action_item", item.id, plan_id=plan_id,
                     after=item.model_dump())
        session.flush()
        once.settle(session, token, item.id)
        return item
    found = session.get(ActionItem, item_id, with_for_update=True)
    if found is None or found.plan_id != plan_id:
        raise NotFound("report.item_not_found")
    item = found
    if expected_version is not None and item.version != expected_version:
        raise InvalidInput("plan.item_changed", code=item.code)
    before = item.model_dump() | {"supporters": sorted(_supporters(session, item.id))}
    item.sqlmodel_update(dict(values))
    item.version += 1
    session.add(item)
    _set_supporters(session, item, wanted)
    audit.record(session, actor, "update", "action_item", item.id, plan_id=plan_id,
                 before=before, after=item.model_dump() | {"supporters": sorted(wanted)})
    session.flush()
    once.settle(session, token, item.id)
    return item


def archive_item(session: Session, actor: Actor, item_id: int, archived: bool = True) -> None:
    """Items are archived, never deleted: their reports stay."""
    item = session.get(ActionItem, item_id)
    if item is None:
        raise NotFound("report.item_not_found")
    actor.require(Permission.MANAGE_PLAN, item.plan_id)
    item.archived = archived
    item.version += 1
    session.add(item)
    audit.record(session, actor, "archive" if archived else "restore", "action_item",
                 item.id, plan_id=item.plan_id, after={"archived": archived})
    session.flush()


def save_line(session: Session, actor: Actor, plan_id: int, code: str, name: str) -> None:
    """Add a strategic line, or rename the one with this code."""
    actor.require(Permission.MANAGE_PLAN, plan_id)
    code, name = code.strip(), name.strip()
    if (not code or rules.too_long("strategic_line", "code", code) or not name
            or rules.too_long("strategic_line", "name", name)):
        raise InvalidInput("plan.field.line_values")
    if refused := rules.refused_characters("strategic_line", code=code, name=name):
        raise InvalidInput(refused)
    line = session.exec(select(StrategicLine).where(
        StrategicLine.plan_id == plan_id, StrategicLine.code == code)).first()
    before = None if line is None else {"name": line.name}
    line = line or StrategicLine(plan_id=plan_id, code=code, name=name)
    line.name = name
    session.add(line)
    session.flush()
    audit.record(session, actor, "update" if before else "create", "strategic_line", line.id,
                 plan_id=plan_id, before=before, after={"code": code, "name": name})


def save_institution(session: Session, actor: Actor, plan_id: int, acronym: str, name: str,
                     country: str, kind: str | None = None, *,
                     confirm_shared: bool = False) -> None:
    """Add an institution, or change the one with this acronym (coordinators of a plan).

    Institutions are shared: changing one that another plan uses is refused to coordinators
    and needs ``confirm_shared`` from an administrator (see ``services.institutions``).
    """
    if not (actor.can(Permission.MANAGE_PLAN, plan_id)):
        raise NotAllowed("error.not_allowed.manage_plan")
    acronym, name, country = acronym.strip(), name.strip(), country.strip()
    if (not acronym or rules.too_long("institution", "acronym", acronym) or not name
            or rules.too_long("institution", "name", name)
            or rules.too_long("institution", "kind", (kind or "").strip())):
        raise InvalidInput("plan.field.institution_values")
    if refused := rules.refused_characters("institution", acronym=acronym, name=name,
                                           country=country, kind=(kind or "").strip()):
        raise InvalidInput(refused)
    if not rules.country_ok(country):
        raise InvalidInput("import.bad_country", value=country.upper())
    country = country.upper()
    row = institutions.InstitutionValues(acronym, name, country, (kind or "").strip() or None)
    for change in institutions.changes(session, [row], plan_id):
        if change.other_plans and not (actor.is_admin or actor.is_system):
            raise NotAllowed("plan.institution_shared", acronym=acronym,
                             plans=", ".join(change.other_plans))
        if change.other_plans and not confirm_shared:
            raise InvalidInput("plan.institution_confirm", acronym=acronym,
                               plans=", ".join(change.other_plans))
    institution = session.exec(select(Institution).where(
        Institution.acronym == acronym)).first()
    before = None if institution is None else institution.model_dump()
    institution = institution or Institution(acronym=acronym, name=name, country=country)
    institution.sqlmodel_update({"name": name, "country": country,
                                 "kind": (kind or "").strip() or None})
    session.add(institution)
    session.flush()
    audit.record(session, actor, "update" if before else "create", "institution",
                 institution.id, before=before, after=institution.model_dump())


@dataclass(frozen=True)
class PeriodRow:
    quarter: Quarter
    state: PeriodState
    deadline: date | None


@dataclass(frozen=True)
class PlanCatalog:
    """What the plan's forms choose from."""

    periods: tuple[PeriodRow, ...]
    institutions: tuple[tuple[str, str, str], ...]  # (acronym, name, country)
    lines: tuple[tuple[str, str], ...]  # (code, name)
    items: tuple[tuple[int, str, str], ...]  # (id, code, title), archived ones included
    archived: frozenset[int]
    plan_institutions: tuple[tuple[str, str], ...] = ()  # (acronym, name) the plan uses
    time_zone: str = DEFAULT_TIME_ZONE


def catalog(session: Session, actor: Actor, plan_id: int) -> PlanCatalog:
    actor.require(Permission.MANAGE_PLAN, plan_id)
    from tracker.metrics import natural_key

    items = sorted(session.exec(select(ActionItem).where(ActionItem.plan_id == plan_id)),
                   key=lambda i: natural_key(i.code))
    lines = sorted(session.exec(select(StrategicLine).where(StrategicLine.plan_id == plan_id)),
                   key=lambda line: natural_key(line.code))
    return PlanCatalog(
        periods=tuple(PeriodRow(p.quarter, p.state, p.deadline)
                      for p in plans.periods(session, plan_id)),
        institutions=tuple((i.acronym, i.name, i.country) for i in session.exec(
            select(Institution).order_by(Institution.acronym))),
        lines=tuple((line.code, line.name) for line in lines),
        items=tuple((i.id, i.code, i.title) for i in items),
        archived=frozenset(i.id for i in items if i.archived),
        plan_institutions=tuple((i.acronym, i.name)
                                for i in institutions.plan_institutions(session, [plan_id])),
        time_zone=session.get_one(Plan, plan_id).time_zone,
    )


def item_fields(session: Session, actor: Actor, item_id: int) -> tuple[ItemFields, int]:
    """The item as its form shows it, and the version the form is based on."""
    item = session.get(ActionItem, item_id)
    if item is None:
        raise NotFound("report.item_not_found")
    actor.require(Permission.MANAGE_PLAN, item.plan_id)
    acronyms = {v: k for k, v in _institution_ids(session).items()}
    line = session.get_one(StrategicLine, item.line_id)
    return ItemFields(
        code=item.code, title=item.title, description=item.description, line=line.code,
        lead=acronyms[item.lead_institution_id],
        supporters=tuple(sorted(acronyms[i] for i in _supporters(session, item.id))),
        start_quarter=item.start_quarter,
        due_quarter=item.due_quarter,
        indicator=item.indicator, unit=item.unit, baseline=item.baseline, target=item.target,
        weight=item.weight), item.version
