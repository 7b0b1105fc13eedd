"""Import a plan from the template: check everything first, then write in one transaction.

All or nothing: any problem refuses the whole file and nothing is written. The file's cells
are read and checked by ``tracker.io.plan_workbook``; here the rows meet the store: what
they refer to (institutions and lines by acronym/code or name, items, the plan), who may
write them, the quarters they may touch, and the bulk writes with their audit. The app's
upload (``services.plan_files``) and the command line (``tracker plan import``) both come
through ``import_sheets``.

Re-importing updates items by code, adds new ones and never deletes; a changed report
becomes a new approved version; a report row for a locked quarter is welcome only when it
repeats what is stored (an unchanged export), otherwise refused naming its cell. A dry run
writes everything in a savepoint and takes it back, so its counts are the import's.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from sqlmodel import Session, col, select

from tracker import changes
from tracker.db import serialize
from tracker.io.plan_workbook import (
    ImportRejected,
    InstitutionRow,
    ParsedPlan,
    Problem,
    ReportRow,
    Validator,
    parse_sheets,
    rejected_lines,
)
from tracker.io.reader import RawSheet, read_path
from tracker.io.template import normalize
from tracker.models import (
    ActionItem,
    Institution,
    ItemSupport,
    ItemValues,
    PeriodState,
    Plan,
    ReportContent,
    ReportingPeriod,
    ReportState,
    StrategicLine,
    default_time_zone,
)
from tracker.quarters import Quarter, quarter_range, under_evaluation
from tracker.services import audit, institutions, plans, reports
from tracker.services.institutions import InstitutionChange, InstitutionValues
from tracker.services.permissions import Actor, Permission, coordinator_names
from tracker.settings import get_settings

__all__ = ["ImportRejected", "ImportSummary", "Problem", "import_path", "import_sheets",
           "rejected_lines"]

T = TypeVar("T")


def _filled(value: T | None) -> T:
    """A required cell of a row that passed validation: an empty one refused the file."""
    if value is None:
        raise AssertionError("a required cell is empty after validation")
    return value


@dataclass
class ImportSummary:
    plan: str
    plan_created: bool = False
    institutions_added: int = 0
    lines_added: int = 0
    items_added: int = 0
    items_updated: int = 0
    reports_added: int = 0
    reports_unchanged: int = 0
    dry_run: bool = False
    open_quarter: Quarter | None = None  # the quarter open for reports after the import
    span: tuple[Quarter, Quarter] | None = None  # the plan's first and last quarter
    institution_changes: list[InstitutionChange] = field(default_factory=list)

    @property
    def institutions_kept(self) -> list[InstitutionChange]:
        """Changes to shared institutions left out (they need an administrator's yes)."""
        return [change for change in self.institution_changes if not change.applied]

    @property
    def open_choices(self) -> list[Quarter]:
        """The quarters the coordinator may open instead when the import creates the plan
        (any of its span); none when it goes into an existing plan."""
        if not (self.plan_created and self.span and self.open_quarter):
            return []
        return list(quarter_range(*self.span))


class _Resolver:
    """Finds institutions, lines and items by acronym/code or name, in the file or the store."""

    def __init__(self, session: Session, plan: Plan | None, parsed: ParsedPlan) -> None:
        self.institutions: dict[str, str] = {}
        for institution in session.exec(select(Institution)):
            self._add_institution(institution.acronym, institution.name)
        for row in parsed.institutions:
            if row.acronym and row.name:
                self._add_institution(row.acronym, row.name)
        self.lines: dict[str, str] = {}
        if plan is not None and plan.id is not None:
            for line in session.exec(select(StrategicLine).where(StrategicLine.plan_id == plan.id)):
                self._add_line(line.code, line.name)
        for line_row in parsed.lines:
            if line_row.code and line_row.name:
                self._add_line(line_row.code, line_row.name)

    def _add_institution(self, acronym: str, name: str) -> None:
        self.institutions.setdefault(normalize(acronym), acronym)
        self.institutions.setdefault(normalize(name), acronym)

    def _add_line(self, code: str, name: str) -> None:
        self.lines.setdefault(normalize(code), code)
        self.lines.setdefault(normalize(name), code)

    def institution(self, text: str) -> str | None:
        return self.institutions.get(normalize(text))

    def line(self, text: str) -> str | None:
        return self.lines.get(normalize(text))


def _existing_plan(session: Session, parsed: ParsedPlan, plan_name: str | None,
                   v: Validator, source: str) -> tuple[Plan | None, str | None]:
    sheet_name = parsed.plan.name if parsed.plan else None
    if plan_name and parsed.plan and sheet_name and plan_name != sheet_name:
        v.problem(parsed.plan.row, "name", "import.plan_name_mismatch",
                  given=plan_name, sheet=sheet_name)
    name = plan_name or sheet_name
    if name is None:
        existing = list(session.exec(select(Plan)))
        if len(existing) == 1:
            return existing[0], existing[0].name
        v.problems.append(Problem(source, None, None, None, "import.plan_name_needed"))
        return None, None
    return session.exec(select(Plan).where(Plan.name == name)).first(), name


def _span(parsed: ParsedPlan, plan: Plan | None, v: Validator) -> tuple[Quarter, Quarter] | None:
    sheet = parsed.plan
    if sheet and sheet.first_quarter and sheet.last_quarter:
        first, last = sheet.first_quarter, sheet.last_quarter
        if last < first:
            v.problem(sheet.row, "last_quarter", "import.span_reversed",
                      first=str(first), last=str(last))
            return None
        return first, last
    if sheet:
        return None
    if plan is not None:
        return plans.plan_span(plan)
    starts = [i.start_quarter for i in parsed.items if i.start_quarter]
    dues = [i.due_quarter for i in parsed.items if i.due_quarter]
    if not starts or not dues:
        return None
    return min(starts), max(dues)


def _validate_references(session: Session, parsed: ParsedPlan, plan: Plan | None,
                         span: tuple[Quarter, Quarter] | None, v: Validator) -> _Resolver:
    resolver = _Resolver(session, plan, parsed)
    participants: dict[str, set[str]] = {}
    leads: dict[str, str] = {}
    starts: dict[str, Quarter] = {}
    broken: set[str] = set()  # items with their own problem: their reports are not judged
    for item in parsed.items:
        row = item.row
        lead = item.lead_institution and resolver.institution(item.lead_institution)
        if item.lead_institution and not lead:
            v.problem(row, "lead_institution", "import.unknown_institution",
                      value=item.lead_institution)
        supporters: list[str] = []
        for name in item.supporting_institutions:
            acronym = resolver.institution(name)
            if acronym is None:
                v.problem(row, "supporting_institutions", "import.unknown_institution",
                          value=name)
            elif acronym != lead and acronym not in supporters:
                supporters.append(acronym)
        item.lead, item.supporters = lead, supporters
        start, due = item.start_quarter, item.due_quarter
        if start and due and due < start:
            v.problem(row, "due_quarter", "import.due_before_start",
                      start=str(start), due=str(due))
        for column, quarter in (("start_quarter", start), ("due_quarter", due)):
            if quarter and span and not span[0] <= quarter <= span[1]:
                v.problem(row, column, "import.outside_plan", value=str(quarter),
                          first=str(span[0]), last=str(span[1]))
        if item.code and lead and start:
            participants[item.code] = {lead, *supporters}
            leads[item.code] = lead
            starts[item.code] = start
        elif item.code:
            broken.add(item.code)
    _known_items(session, plan, participants, leads, starts)
    locked_quarters = _locked_quarters(session, plan)
    locked = (locked_quarters, _locked_reports(session, plan, locked_quarters))
    seen: dict[tuple[str, Quarter, str], int] = {}
    for report in parsed.reports:
        if report.code not in broken:
            _validate_report(report, resolver, participants, leads, starts, span, locked,
                             seen, v)
    return resolver


def _known_items(session: Session, plan: Plan | None, participants: dict[str, set[str]],
                 leads: dict[str, str], starts: dict[str, Quarter]) -> None:
    """Items already in the plan, so that reports may refer to them without the items sheet."""
    if plan is None or plan.id is None:
        return
    acronyms = {i.id: i.acronym for i in session.exec(select(Institution))}
    supports: dict[int, set[str]] = {}
    for link in session.exec(select(ItemSupport).join(ActionItem).where(
            ActionItem.plan_id == plan.id)):
        supports.setdefault(link.item_id, set()).add(acronyms[link.institution_id])
    for item in session.exec(select(ActionItem).where(ActionItem.plan_id == plan.id)):
        if item.code not in participants:
            participants[item.code] = {acronyms[item.lead_institution_id],
                                       *supports.get(item.id, set())}
            leads[item.code] = acronyms[item.lead_institution_id]
            starts[item.code] = item.start_quarter


def _locked_quarters(session: Session, plan: Plan | None) -> set[Quarter]:
    if plan is None or plan.id is None:
        return set()
    return set(session.exec(select(col(ReportingPeriod.quarter)).where(
        ReportingPeriod.plan_id == plan.id, ReportingPeriod.state == PeriodState.LOCKED)))


LockedReports = dict[tuple[str, Quarter, str], dict[str, object] | None]


def _locked_reports(session: Session, plan: Plan | None, locked: set[Quarter]) -> LockedReports:
    """(code, quarter, acronym) -> counting content of the reports in locked quarters: a row
    that repeats one of them unchanged (an unchanged export) is welcome."""
    if not locked or plan is None:
        return {}
    acronyms = dict(session.exec(select(Institution.id, Institution.acronym)).all())
    codes = dict(session.exec(select(ActionItem.id, ActionItem.code).where(
        ActionItem.plan_id == plan.id)).all())
    return {(codes[item_id], quarter, acronyms[institution_id]): content
            for (item_id, quarter, institution_id), (_id, _version, content)
            in reports.counting_contents(session, plan.id).items() if quarter in locked}


def _first_difference(stored: Mapping[str, object] | None, wanted: Mapping[str, object]
                      ) -> str:
    """The template column where a row departs from the stored report."""
    if stored is None:
        return "quarter"
    return next(k for k in wanted
                if not reports.same_content({k: stored.get(k)}, {k: wanted[k]}))


def _validate_report(report: ReportRow, resolver: _Resolver,
                     participants: dict[str, set[str]], leads: dict[str, str],
                     starts: dict[str, Quarter],
                     span: tuple[Quarter, Quarter] | None,
                     locked: tuple[set[Quarter], LockedReports],
                     seen: dict[tuple[str, Quarter, str], int], v: Validator) -> None:
    row, code, quarter = report.row, report.code, report.quarter
    if code is None or quarter is None:
        return
    if code not in participants:
        v.problem(row, "code", "import.unknown_item", value=code)
        return
    lead_and_supporters = participants[code]
    institution = report.institution
    if institution:
        acronym = resolver.institution(institution)
        if acronym is None:
            v.problem(row, "institution", "import.unknown_institution", value=institution)
            return
        if acronym not in lead_and_supporters:
            v.problem(row, "institution", "import.not_participant", value=institution,
                      code=code)
            return
    else:
        acronym = None  # the lead, resolved when writing
    if quarter < starts[code]:
        v.problem(row, "quarter", "import.before_start", value=str(quarter),
                  start=str(starts[code]))
    if span and not span[0] <= quarter <= span[1]:
        v.problem(row, "quarter", "import.outside_plan", value=str(quarter),
                  first=str(span[0]), last=str(span[1]))
    key = (code, quarter, acronym or leads[code])  # an empty institution is the lead
    locked_quarters, locked_reports = locked
    wanted = report.content.as_dict()
    stored = locked_reports.get(key)
    if quarter in locked_quarters and not reports.same_content(stored, wanted):
        v.problem(row, _first_difference(stored, wanted),
                  "import.locked_quarter", value=str(quarter))
    if key in seen:
        v.problem(row, "code", "import.duplicate_report", first=seen[key])
    else:
        seen[key] = row.number
    report.acronym = acronym


def import_sheets(session: Session, actor: Actor, raw_sheets: Sequence[RawSheet], *,
                  source: str, plan_name: str | None = None, dry_run: bool = False,
                  opened: Quarter | None = None,
                  rename_institutions: bool = False) -> ImportSummary:
    """Validate ``raw_sheets`` as a whole; write them all in the session, or raise.

    A new plan opens ``opened`` for reports (by default the quarter under evaluation).
    Changes to institutions that other plans use are applied only with
    ``rename_institutions`` from an administrator (or the command line); otherwise the
    existing values stay and the summary lists them.
    """
    parsed, v = parse_sheets(raw_sheets, source)
    serialize(session, "import")  # two imports of one new plan must not both create it
    plan, name = _existing_plan(session, parsed, plan_name, v, source)
    _check_permission(session, actor, plan, name, v, source)
    span = _span(parsed, plan, v)
    _check_opened(opened, span, v, source)
    resolver = _validate_references(session, parsed, plan, span, v)
    v.reject_if_any()
    summary = ImportSummary(plan=name or "", dry_run=dry_run)
    summary.institution_changes = _institution_changes(session, actor, parsed, plan,
                                                       rename_institutions)
    summary.open_quarter = _open_after(session, parsed, plan, span, opened)
    summary.span = span
    if not dry_run:
        _Writer(session, actor, parsed, resolver, summary).write(plan, name, span, opened)
        # the plans offered carry each plan's default quarter, which its reports may move
        changes.structure_touched(session)
        return summary
    # the check writes everything in a savepoint and takes it back: the counts it gives are
    # the ones the import will give; what it declared changed is taken back with it
    with changes.taken_back(session):
        _Writer(session, actor, parsed, resolver, summary).write(plan, name, span, opened)
    return summary


def _check_permission(session: Session, actor: Actor, plan: Plan | None, name: str | None,
                      v: Validator, source: str) -> None:
    """A plan's coordinators change it; any coordinator or an admin creates a new one."""
    if plan is not None and not actor.can(Permission.MANAGE_PLAN, plan.id):
        v.problems.append(Problem(source, None, None, None, "import.not_plan_coordinator",
                                  {"plan": plan.name,
                                   "people": ", ".join(coordinator_names(session, plan.id))
                                   or "—"}))
    elif plan is None and name and not actor.can_create_plans:
        v.problems.append(Problem(source, None, None, None, "import.cannot_create_plan",
                                  {"plan": name}))


def _check_opened(opened: Quarter | None, span: tuple[Quarter, Quarter] | None,
                  v: Validator, source: str) -> None:
    if opened is not None and span is not None and not span[0] <= opened <= span[1]:
        v.problems.append(Problem(source, None, None, None, "import.open_outside_plan",
                                  {"value": str(opened), "first": str(span[0]),
                                   "last": str(span[1])}))


def _open_after(session: Session, parsed: ParsedPlan, plan: Plan | None,
                span: tuple[Quarter, Quarter] | None,
                opened: Quarter | None) -> Quarter | None:
    """The quarter open for reports once the import is done."""
    if plan is not None:
        return plans.open_quarter(session, plan.id)
    if span is None:
        return None
    month = parsed.plan.fiscal_year_start_month if parsed.plan else None
    return opened or under_evaluation(get_settings().today(), *span, int(month or 1))


def _institution_changes(session: Session, actor: Actor, parsed: ParsedPlan, plan: Plan | None,
                         rename_shared: bool) -> list[InstitutionChange]:
    rows = [_institution_values(row) for row in parsed.institutions]
    confirmed = rename_shared and (actor.is_system or actor.is_admin)
    return [change if confirmed or not change.other_plans
            else dataclasses.replace(change, applied=False)
            for change in institutions.changes(session, rows, plan.id if plan else None)]


def _institution_values(row: InstitutionRow) -> InstitutionValues:
    return InstitutionValues(_filled(row.acronym), _filled(row.name), _filled(row.country),
                             row.kind)


def import_path(session: Session, actor: Actor, path: Path, *, plan_name: str | None = None,
                dry_run: bool = False, opened: Quarter | None = None,
                rename_institutions: bool = False) -> ImportSummary:
    return import_sheets(session, actor, read_path(path), source=str(path),
                         plan_name=plan_name, dry_run=dry_run, opened=opened,
                         rename_institutions=rename_institutions)


class _Writer:
    """Writes a validated import. Runs inside the caller's transaction."""

    def __init__(self, session: Session, actor: Actor, parsed: ParsedPlan, resolver: _Resolver,
                 summary: ImportSummary) -> None:
        self.session, self.actor, self.parsed = session, actor, parsed
        self.resolver, self.summary = resolver, summary

    def write(self, plan: Plan | None, name: str | None,
              span: tuple[Quarter, Quarter] | None, opened: Quarter | None = None) -> None:
        institutions = self._institutions()
        plan = self._plan(plan, name, span, opened)
        lines = self._lines(plan)
        items = self._items(plan, lines, institutions)
        self._reports(items, institutions)

    def _institutions(self) -> dict[str, Institution]:
        by_acronym = {i.acronym: i for i in self.session.exec(select(Institution))}
        kept = {change.acronym for change in self.summary.institutions_kept}
        for row in self.parsed.institutions:
            wanted = _institution_values(row)
            values = wanted.fields()
            institution = by_acronym.get(wanted.acronym)
            if institution is None:
                institution = Institution(acronym=wanted.acronym, name=wanted.name,
                                          country=wanted.country, kind=wanted.kind)
                self.summary.institutions_added += 1
                changes.structure_touched(self.session)  # offered to every plan now
            elif wanted.acronym in kept:
                pass  # a shared institution keeps its values without an admin's yes
            elif any(getattr(institution, k) != val for k, val in values.items()):
                before = institution.model_dump()
                institution.sqlmodel_update(values)
                audit.record(self.session, self.actor, "update", "institution", institution.id,
                             before=before, after=institution.model_dump())
            self.session.add(institution)
            by_acronym[wanted.acronym] = institution
        self.session.flush()
        return by_acronym

    def _plan(self, plan: Plan | None, name: str | None,
              span: tuple[Quarter, Quarter] | None, opened: Quarter | None) -> Plan:
        sheet = self.parsed.plan
        month_cell = sheet.fiscal_year_start_month if sheet else None
        month = int(month_cell or 0) or None
        if plan is None:
            assert name and span
            self.summary.plan_created = True
            return plans.create_plan(self.session, self.actor, Plan(
                name=name, commission=sheet.commission if sheet else "",
                first_quarter=span[0], last_quarter=span[1],
                fiscal_year_start_month=month or 1,
                time_zone=(sheet.time_zone if sheet else None) or default_time_zone(),
            ), opened)
        if sheet:
            assert span  # the plan sheet's quarters are required and were checked
            values = {"commission": sheet.commission, "first_quarter": span[0],
                      "last_quarter": span[1],
                      "fiscal_year_start_month": month or plan.fiscal_year_start_month,
                      "time_zone": sheet.time_zone or plan.time_zone}
            if any(getattr(plan, k) != val for k, val in values.items()):
                before = plan.model_dump(exclude={"created_at"})
                plan.sqlmodel_update(values)
                self.session.add(plan)
                audit.record(self.session, self.actor, "update", "plan", plan.id,
                             plan_id=plan.id, before=before,
                             after=plan.model_dump(exclude={"created_at"}))
                plans.ensure_periods(self.session, plan)
        return plan

    def _lines(self, plan: Plan) -> dict[str, StrategicLine]:
        by_code = {line.code: line for line in self.session.exec(
            select(StrategicLine).where(StrategicLine.plan_id == plan.id))}
        for row in self.parsed.lines:
            code, name = _filled(row.code), _filled(row.name)
            line = by_code.get(code)
            if line is None:
                line = StrategicLine(plan_id=plan.id, code=code, name=name)
                self.summary.lines_added += 1
            line.name = name
            self.session.add(line)
            by_code[code] = line
        for item in self.parsed.items:
            line_name = _filled(item.strategic_line)
            found = self.resolver.line(line_name)
            if found is None:  # a new name creates a line
                found = _next_code(by_code)
                by_code[found] = StrategicLine(plan_id=plan.id, code=found, name=line_name)
                self.session.add(by_code[found])
                self.resolver._add_line(found, line_name)
                self.summary.lines_added += 1
            item.line_code = found
        self.session.flush()
        return by_code

    def _items(self, plan: Plan, lines: dict[str, StrategicLine],
               institutions: dict[str, Institution]) -> dict[str, ActionItem]:
        by_code = {i.code: i for i in self.session.exec(
            select(ActionItem).where(ActionItem.plan_id == plan.id))}
        supports: dict[int, set[int]] = {}
        if by_code:
            for link in self.session.exec(select(ItemSupport).where(
                    col(ItemSupport.item_id).in_([i.id for i in by_code.values()]))):
                supports.setdefault(link.item_id, set()).add(link.institution_id)
        created: list[ActionItem] = []
        adding: list[tuple[ActionItem, set[int]]] = []  # supporters each item gains
        for row in self.parsed.items:
            code = _filled(row.code)
            values = ItemValues(
                code=code, title=_filled(row.title), description=row.description,
                line_id=lines[_filled(row.line_code)].id,
                lead_institution_id=institutions[_filled(row.lead)].id,
                start_quarter=_filled(row.start_quarter),
                due_quarter=_filled(row.due_quarter),
                indicator=row.indicator, unit=row.unit,
                baseline=row.baseline, target=row.target,
                weight=row.weight if row.weight is not None else 1.0,
            )
            wanted = {institutions[a].id for a in row.supporters}
            item = by_code.get(code)
            if item is None:
                item = ActionItem(plan_id=plan.id, **values)
                created.append(item)
            else:
                current = supports.get(item.id, set())
                changed = any(getattr(item, k) != val for k, val in values.items())
                if changed or current != wanted:
                    before = item.model_dump() | {"supporters": sorted(current)}
                    item.sqlmodel_update(dict(values))
                    item.version += 1
                    self.session.add(item)
                    self.summary.items_updated += 1
                    audit.record(self.session, self.actor, "update", "action_item", item.id,
                                 plan_id=plan.id, before=before,
                                 after=item.model_dump() | {"supporters": sorted(wanted)})
            adding.append((item, wanted - supports.get(item.id, set()) if item.id else wanted))
            by_code[code] = item
        self.session.add_all(created)
        self.session.flush()  # one batch for every new item
        self.summary.items_added += len(created)
        audit.record_many(self.session, self.actor, "create", "action_item",
                          [(item.id, plan.id, None, item.model_dump()) for item in created])
        self.session.add_all([ItemSupport(item_id=item.id, institution_id=institution_id)
                              for item, new_supporters in adding
                              for institution_id in new_supporters])
        self.session.flush()
        return by_code

    def _reports(self, items: dict[str, ActionItem],
                 institutions: dict[str, Institution]) -> None:
        """Write every report in a few statements: imports carry tens of thousands."""
        wanted: dict[tuple[int, Quarter, int], ReportContent] = {}
        for row in self.parsed.reports:
            item = items[_filled(row.code)]
            institution_id = (institutions[row.acronym].id if row.acronym
                              else item.lead_institution_id)
            wanted[(item.id, _filled(row.quarter), institution_id)] = row.content
        if not wanted:
            return
        plan_id = next(iter(items.values())).plan_id
        existing = reports.counting_contents(self.session, plan_id)
        new_keys, changed = [], []
        for key, content in wanted.items():
            found = existing.get(key)
            if found is None:
                new_keys.append(key)
            elif reports.same_content(found[2], content.as_dict()):
                self.summary.reports_unchanged += 1
            else:
                changed.append((key, found))
        reports.create_reports_bulk(self.session, {key: wanted[key] for key in new_keys},
                                    state=ReportState.APPROVED, author_id=self.actor.user_id)
        versions = [(report_id, version, wanted[key])
                    for key, (report_id, version, _content) in changed]
        reports.append_revisions_bulk(self.session, versions, state=ReportState.APPROVED,
                                      author_id=self.actor.user_id)
        self.summary.reports_added += len(new_keys) + len(versions)
        audit.record_many(self.session, self.actor, "import", "report", [
            (report_id, plan_id, None, wanted[key].as_dict())
            for key, (report_id, _version, _content) in changed])


def _next_code(lines: dict[str, StrategicLine]) -> str:
    numbers = [int(code) for code in lines if code.isdigit()]
    return str(max(numbers, default=0) + 1)


