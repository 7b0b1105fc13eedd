"""Import a plan from the template: validate everything first, then write in one transaction.

All or nothing: any problem refuses the whole file and nothing is written. Each problem names
its place as ``FILE: sheet S, row R, column C: message`` (R counts the header as row 1, C is
the header as written). Re-importing updates items by code, adds new ones and never deletes;
a changed report becomes a new approved version; a report row for a locked quarter is welcome
only when it repeats what is stored (an unchanged export), otherwise refused naming its cell.
A dry run writes everything in a savepoint and takes it back, so its counts are the import's.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import Table, bindparam, func, insert, text, update
from sqlmodel import Session, select

from tracker.db import bulk_insert, serialize
from tracker.errors import InvalidInput, TrackerError
from tracker.i18n import t
from tracker.io.reader import RawSheet, Text, read_path
from tracker.io.template import (
    FALSE_WORDS,
    INSTITUTIONS,
    INSTRUCTION_SHEETS,
    ITEMS,
    LINES,
    PLAN,
    REPORTS,
    STATUS_WORDS,
    TRUE_WORDS,
    Sheet,
    normalize,
    sheet_for,
)
from tracker.models import (
    ActionItem,
    Institution,
    ItemSupport,
    PeriodState,
    Plan,
    Report,
    ReportingPeriod,
    ReportRevision,
    ReportState,
    Status,
    StrategicLine,
    utcnow,
)
from tracker.quarters import Quarter, QuarterError, under_evaluation
from tracker.services import audit, institutions, plans
from tracker.services.institutions import InstitutionChange
from tracker.services.permissions import Actor, Permission, coordinator_names
from tracker.services.reports import (
    ReportContent,
)
from tracker.settings import get_settings

MAX_TEXT = {"title": 300, "name": 300, "code": 20, "acronym": 40, "short": 300,
            "long": 10_000, "link": 1000}
URL = re.compile(r"^https?://[^\s<>\"']+$", re.IGNORECASE)


@dataclass(frozen=True)
class Problem:
    source: str
    sheet: str | None
    row: int | None
    column: str | None
    key: str
    values: dict[str, object] = field(default_factory=dict)

    def render(self, lang: str = "en") -> str:
        place = [f"{self.source}:"]
        where = []
        if self.sheet:
            where.append(t("import.place.sheet", lang, sheet=self.sheet))
        if self.row:
            where.append(t("import.place.row", lang, row=self.row))
        if self.column:
            where.append(t("import.place.column", lang, column=self.column))
        if where:
            place.append(", ".join(where) + ":")
        return " ".join(place + [t(self.key, lang, **self.values)])


class ImportRejected(TrackerError):
    """The file has problems; nothing was written."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__("import.rejected", count=len(problems))
        self.problems = list(problems)

    def __str__(self) -> str:
        return "\n".join(problem.render() for problem in self.problems)


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
    open_quarter: str | None = None  # the quarter open for reports after the import
    span: tuple[str, str] | None = None  # the plan's first and last quarter
    institution_changes: list[InstitutionChange] = field(default_factory=list)

    @property
    def institutions_kept(self) -> list[InstitutionChange]:
        """Changes to shared institutions left out (they need an administrator's yes)."""
        return [change for change in self.institution_changes if not change.applied]


@dataclass
class _Row:
    """One row of a sheet with its cells by column name, and where it came from."""

    sheet: RawSheet
    number: int
    cells: dict[str, object]
    headers: dict[str, str]


@dataclass
class _Parsed:
    plan: dict[str, object] | None = None
    lines: list[dict[str, object]] = field(default_factory=list)
    institutions: list[dict[str, object]] = field(default_factory=list)
    items: list[dict[str, object]] = field(default_factory=list)
    reports: list[dict[str, object]] = field(default_factory=list)


class _Validator:
    """Reads typed values out of rows, collecting every problem instead of stopping."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def problem(self, row: _Row | None, column: str | None, key: str, **values: object) -> None:
        if row is None:
            self.problems.append(Problem("?", None, None, None, key, values))
            return
        header = row.headers.get(column, column) if column else None
        self.problems.append(Problem(row.sheet.source, row.sheet.name, row.number, header,
                                     key, values))

    def text(self, row: _Row, column: str, *, required: bool = False,
             limit: int = MAX_TEXT["short"]) -> str | None:
        value = row.cells.get(column)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.problem(row, column, "import.required")
            return None
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, datetime):
            self.problem(row, column, "import.not_text")
            return None
        text = str(value).strip()
        if "\x00" in text:
            self.problem(row, column, "import.bad_characters")
            return None
        if text.startswith("=") and not isinstance(value, Text):  # Text: see io/reader.py
            self.problem(row, column, "import.formula")
            return None
        if len(text) > limit:
            self.problem(row, column, "import.too_long", limit=limit)
            return None
        return text

    def quarter(self, row: _Row, column: str, *, required: bool = False) -> Quarter | None:
        text = self.text(row, column, required=required)
        if text is None:
            return None
        try:
            return Quarter.parse(text)
        except QuarterError:
            self.problem(row, column, "import.bad_quarter", value=text)
            return None

    def number(self, row: _Row, column: str, *, minimum: float | None = None,
               maximum: float | None = None, required: bool = False,
               strictly_above: float | None = None) -> float | None:
        value = row.cells.get(column)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.problem(row, column, "import.required")
            return None
        if isinstance(value, bool):
            number: float | None = None
        elif isinstance(value, int | float):
            number = float(value)
        else:
            number = _parse_number(str(value))
        if number is None or math.isnan(number) or math.isinf(number):
            self.problem(row, column, "import.not_a_number", value=str(value)[:40])
            return None
        if minimum is not None and number < minimum or maximum is not None and number > maximum:
            self.problem(row, column, "import.out_of_range", value=_shown(number),
                         minimum=_shown(minimum), maximum=_shown(maximum))
            return None
        if strictly_above is not None and number <= strictly_above:
            self.problem(row, column, "import.must_be_above", value=_shown(number),
                         minimum=_shown(strictly_above))
            return None
        return number

    def boolean(self, row: _Row, column: str) -> bool:
        value = row.cells.get(column)
        if value is None or isinstance(value, bool):
            return bool(value)
        if isinstance(value, float):
            if not value.is_integer():  # 0.5, infinity, NaN: no yes/no word
                self.problem(row, column, "import.not_yes_no", value=str(value)[:40])
                return False
            value = int(value)
        key = normalize(value)
        if key in TRUE_WORDS:
            return True
        if key not in FALSE_WORDS:
            self.problem(row, column, "import.not_yes_no", value=str(value)[:40])
        return False

    def status(self, row: _Row, column: str) -> Status | None:
        text = self.text(row, column)
        if text is None:
            return None
        status = STATUS_WORDS.get(normalize(text))
        if status is None:
            self.problem(row, column, "import.bad_status", value=text)
        return status


def _shown(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else str(value)


def _parse_number(text: str) -> float | None:
    """A number written as text: "45", "45%" (still 45), "12,5" (decimal comma)."""
    cleaned = text.strip().replace("\u00a0", "").replace(" ", "").removesuffix("%")
    if "," in cleaned and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    try:
        return float(cleaned)
    except ValueError:
        return None


def _rows_of(sheet: Sheet, raw: RawSheet, validator: _Validator) -> list[_Row]:
    by_column: dict[str, int] = {}
    headers: dict[str, str] = {}
    for index, header in enumerate(raw.headers):
        column = sheet.column(header)
        if column is None:
            continue
        if column.name in by_column:
            validator.problems.append(Problem(raw.source, raw.name, 1, header,
                                              "import.duplicate_column"))
            continue
        by_column[column.name] = index
        headers[column.name] = header
    missing = [c for c in sheet.columns if c.required and c.name not in by_column]
    for column in missing:
        validator.problems.append(Problem(raw.source, raw.name, 1, column.name,
                                          "import.missing_column"))
    if missing:
        return []
    rows = []
    for number, values in raw.rows:
        cells = {name: values[i] if i < len(values) else None for name, i in by_column.items()}
        rows.append(_Row(raw, number, cells, headers))
    return rows


def _sheets_by_kind(raw_sheets: Sequence[RawSheet], validator: _Validator,
                    source: str) -> dict[str, list[_Row]]:
    found: dict[str, RawSheet] = {}
    for raw in raw_sheets:
        sheet = sheet_for(raw.name)
        if sheet is None:
            continue
        if sheet.name in found:
            validator.problems.append(Problem(raw.source, raw.name, None, None,
                                              "import.duplicate_sheet"))
            continue
        found[sheet.name] = raw
    for required in (INSTITUTIONS, ITEMS):
        if required.name not in found:
            names = ", ".join(r.name for r in raw_sheets
                              if normalize(r.name) not in INSTRUCTION_SHEETS) or "—"
            validator.problems.append(Problem(source, None, None, None, "import.missing_sheet",
                                              {"sheet": required.name,
                                               "spanish": required.spanish, "found": names}))
    sheets = {s.name: s for s in (PLAN, LINES, INSTITUTIONS, ITEMS, REPORTS)}
    return {name: _rows_of(sheets[name], raw, validator) for name, raw in found.items()}


def _parse(rows: dict[str, list[_Row]], v: _Validator) -> _Parsed:
    parsed = _Parsed()
    for row in rows.get(PLAN.name, [])[:1]:
        parsed.plan = {
            "row": row,
            "name": v.text(row, "name", required=True, limit=200),
            "commission": v.text(row, "commission") or "",
            "first_quarter": v.quarter(row, "first_quarter", required=True),
            "last_quarter": v.quarter(row, "last_quarter", required=True),
            "fiscal_year_start_month": v.number(row, "fiscal_year_start_month",
                                                minimum=1, maximum=12),
        }
    for row in rows.get(LINES.name, []):
        parsed.lines.append({"row": row,
                             "code": v.text(row, "code", required=True, limit=MAX_TEXT["code"]),
                             "name": v.text(row, "name", required=True)})
    for row in rows.get(INSTITUTIONS.name, []):
        country = v.text(row, "country", required=True, limit=40)
        if country is not None and not re.fullmatch(r"[A-Za-z]{2}", country):
            v.problem(row, "country", "import.bad_country", value=country)
            country = None
        parsed.institutions.append({
            "row": row, "acronym": v.text(row, "acronym", required=True, limit=40),
            "name": v.text(row, "name", required=True),
            "country": country.upper() if country else None, "kind": v.text(row, "kind"),
        })
    for row in rows.get(ITEMS.name, []):
        parsed.items.append({
            "row": row,
            "code": v.text(row, "code", required=True, limit=MAX_TEXT["code"]),
            "strategic_line": v.text(row, "strategic_line", required=True),
            "title": v.text(row, "title", required=True),
            "description": v.text(row, "description", limit=MAX_TEXT["long"]) or "",
            "lead_institution": v.text(row, "lead_institution", required=True),
            "supporting_institutions": _split(v.text(row, "supporting_institutions",
                                                     limit=MAX_TEXT["long"])),
            "start_quarter": v.quarter(row, "start_quarter", required=True),
            "due_quarter": v.quarter(row, "due_quarter", required=True),
            "indicator": v.text(row, "indicator"),
            "unit": v.text(row, "unit", limit=60),
            "baseline": v.number(row, "baseline", minimum=0),
            "target": v.number(row, "target", minimum=0),
            "weight": v.number(row, "weight", strictly_above=0, maximum=1000),
        })
    for row in rows.get(REPORTS.name, []):
        nothing = v.boolean(row, "nothing_to_report")
        status = v.status(row, "status")
        percent = v.number(row, "percent_complete", minimum=0, maximum=100)
        if not nothing and status is None and row.cells.get("status") in (None, ""):
            v.problem(row, "status", "import.status_or_nothing")
        if not nothing and percent is None and status is not None:
            percent = {Status.COMPLETED: 100.0, Status.NOT_STARTED: 0.0}.get(status)
            if percent is None and row.cells.get("percent_complete") in (None, ""):
                v.problem(row, "percent_complete", "import.required")
        link = v.text(row, "evidence_link", limit=MAX_TEXT["link"])
        if link and not URL.match(link):
            v.problem(row, "evidence_link", "import.bad_link")
        parsed.reports.append({
            "row": row, "code": v.text(row, "code", required=True, limit=MAX_TEXT["code"]),
            "quarter": v.quarter(row, "quarter", required=True),
            "institution": v.text(row, "institution"),
            "content": ReportContent(
                status=None if nothing and status is None else status,
                percent_complete=percent,
                indicator_value=v.number(row, "indicator_value", minimum=0),
                narrative=v.text(row, "narrative", limit=MAX_TEXT["long"]) or "",
                obstacles=v.text(row, "obstacles", limit=MAX_TEXT["long"]) or "",
                next_steps=v.text(row, "next_steps", limit=MAX_TEXT["long"]) or "",
                evidence_link=link,
                nothing_to_report=nothing,
            ),
        })
    return parsed


def _reading_order(problem: Problem) -> tuple[int, int, str]:
    sheet = sheet_for(problem.sheet) if problem.sheet else None
    order = [s.name for s in (PLAN, LINES, INSTITUTIONS, ITEMS, REPORTS)]
    return (order.index(sheet.name) if sheet else -1, problem.row or 0, problem.column or "")


def _split(text: str | None) -> list[str]:
    if not text:
        return []
    separator = ";" if ";" in text else ","
    return [part.strip() for part in text.split(separator) if part.strip()]


class _Resolver:
    """Finds institutions, lines and items by acronym/code or name, in the file or the store."""

    def __init__(self, session: Session, plan: Plan | None, parsed: _Parsed) -> None:
        self.institutions: dict[str, str] = {}
        for institution in session.exec(select(Institution)):
            self._add_institution(institution.acronym, institution.name)
        for row in parsed.institutions:
            if row["acronym"] and row["name"]:
                self._add_institution(row["acronym"], row["name"])
        self.lines: dict[str, str] = {}
        if plan is not None and plan.id is not None:
            for line in session.exec(select(StrategicLine).where(StrategicLine.plan_id == plan.id)):
                self._add_line(line.code, line.name)
        for row in parsed.lines:
            if row["code"] and row["name"]:
                self._add_line(row["code"], row["name"])

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


def _check_duplicates(rows: list[dict[str, object]], key: str, v: _Validator,
                      message: str) -> None:
    seen: dict[str, int] = {}
    for row in rows:
        value = row[key]
        if value is None:
            continue
        normalized = normalize(value) if key == "acronym" else str(value)
        if normalized in seen:
            v.problem(row["row"], key, message, value=value, first=seen[normalized])
        else:
            seen[normalized] = row["row"].number


def _existing_plan(session: Session, parsed: _Parsed, plan_name: str | None,
                   v: _Validator, source: str) -> tuple[Plan | None, str | None]:
    sheet_name = parsed.plan["name"] if parsed.plan else None
    if plan_name and sheet_name and plan_name != sheet_name:
        v.problem(parsed.plan["row"], "name", "import.plan_name_mismatch",
                  given=plan_name, sheet=sheet_name)
    name = plan_name or sheet_name
    if name is None:
        existing = list(session.exec(select(Plan)))
        if len(existing) == 1:
            return existing[0], existing[0].name
        v.problems.append(Problem(source, None, None, None, "import.plan_name_needed"))
        return None, None
    return session.exec(select(Plan).where(Plan.name == name)).first(), name


def _span(parsed: _Parsed, plan: Plan | None, v: _Validator) -> tuple[Quarter, Quarter] | None:
    if parsed.plan and parsed.plan["first_quarter"] and parsed.plan["last_quarter"]:
        first, last = parsed.plan["first_quarter"], parsed.plan["last_quarter"]
        if last < first:
            v.problem(parsed.plan["row"], "last_quarter", "import.span_reversed",
                      first=str(first), last=str(last))
            return None
        return first, last
    if parsed.plan:
        return None
    if plan is not None:
        return plans.plan_span(plan)
    starts = [i["start_quarter"] for i in parsed.items if i["start_quarter"]]
    dues = [i["due_quarter"] for i in parsed.items if i["due_quarter"]]
    if not starts or not dues:
        return None
    return min(starts), max(dues)


def _validate_references(session: Session, parsed: _Parsed, plan: Plan | None,
                         span: tuple[Quarter, Quarter] | None, v: _Validator) -> _Resolver:
    _check_duplicates(parsed.institutions, "acronym", v, "import.duplicate_institution")
    _check_duplicates(parsed.lines, "code", v, "import.duplicate_line")
    _check_duplicates(parsed.items, "code", v, "import.duplicate_code")
    resolver = _Resolver(session, plan, parsed)
    participants: dict[str, set[str]] = {}
    leads: dict[str, str] = {}
    starts: dict[str, Quarter] = {}
    broken: set[str] = set()  # items with their own problem: their reports are not judged
    for item in parsed.items:
        row = item["row"]
        lead = item["lead_institution"] and resolver.institution(item["lead_institution"])
        if item["lead_institution"] and not lead:
            v.problem(row, "lead_institution", "import.unknown_institution",
                      value=item["lead_institution"])
        supporters = []
        for name in item["supporting_institutions"]:
            acronym = resolver.institution(name)
            if acronym is None:
                v.problem(row, "supporting_institutions", "import.unknown_institution",
                          value=name)
            elif acronym != lead and acronym not in supporters:
                supporters.append(acronym)
        item["lead"], item["supporters"] = lead, supporters
        start, due = item["start_quarter"], item["due_quarter"]
        if start and due and due < start:
            v.problem(row, "due_quarter", "import.due_before_start",
                      start=str(start), due=str(due))
        for column in ("start_quarter", "due_quarter"):
            quarter = item[column]
            if quarter and span and not span[0] <= quarter <= span[1]:
                v.problem(row, column, "import.outside_plan", value=str(quarter),
                          first=str(span[0]), last=str(span[1]))
        if item["code"] and lead and start:
            participants[item["code"]] = {lead, *supporters}
            leads[item["code"]] = lead
            starts[item["code"]] = start
        elif item["code"]:
            broken.add(item["code"])
    _known_items(session, plan, participants, leads, starts)
    locked_quarters = _locked_quarters(session, plan)
    locked = (locked_quarters, _locked_reports(session, plan, locked_quarters))
    seen: dict[tuple[str, str, str], int] = {}
    for report in parsed.reports:
        if report["code"] not in broken:
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
            starts[item.code] = Quarter.parse(item.start_quarter)


def _locked_quarters(session: Session, plan: Plan | None) -> set[str]:
    if plan is None or plan.id is None:
        return set()
    return set(session.exec(select(ReportingPeriod.quarter).where(
        ReportingPeriod.plan_id == plan.id, ReportingPeriod.state == PeriodState.LOCKED)))


LockedReports = dict[tuple[str, str, str], dict[str, object] | None]


def _locked_reports(session: Session, plan: Plan | None, locked: set[str]) -> LockedReports:
    """(code, quarter, acronym) -> counting content of the reports in locked quarters: a row
    that repeats one of them unchanged (an unchanged export) is welcome."""
    if not locked or plan is None:
        return {}
    acronyms = dict(session.exec(select(Institution.id, Institution.acronym)).all())
    codes = dict(session.exec(select(ActionItem.id, ActionItem.code).where(
        ActionItem.plan_id == plan.id)).all())
    return {(codes[item_id], quarter, acronyms[institution_id]): content
            for (item_id, quarter, institution_id), (_id, _version, content)
            in _existing_reports(session, plan.id).items() if quarter in locked}


def same_content(stored: dict[str, object] | None, wanted: dict[str, object]) -> bool:
    """Whether a report row says what the stored counting version says (an empty text and
    no text are the same; numbers compare as numbers)."""
    if stored is None:
        return False
    return all((stored.get(k) or None) == (value or None) if k != "nothing_to_report"
               else bool(stored.get(k)) == bool(value) for k, value in wanted.items())


def _first_difference(stored: dict[str, object] | None, wanted: dict[str, object]) -> str:
    """The template column where a row departs from the stored report."""
    if stored is None:
        return "quarter"
    return next(k for k in wanted if not same_content({k: stored.get(k)}, {k: wanted[k]}))


def _validate_report(report: dict[str, object], resolver: _Resolver,
                     participants: dict[str, set[str]], leads: dict[str, str],
                     starts: dict[str, Quarter],
                     span: tuple[Quarter, Quarter] | None,
                     locked: tuple[set[str], LockedReports],
                     seen: dict[tuple[str, str, str], int], v: _Validator) -> None:
    row, code, quarter = report["row"], report["code"], report["quarter"]
    if code is None or quarter is None:
        return
    if code not in participants:
        v.problem(row, "code", "import.unknown_item", value=code)
        return
    lead_and_supporters = participants[code]
    institution = report["institution"]
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
    key = (code, str(quarter), acronym or leads[code])  # an empty institution is the lead
    locked_quarters, locked_reports = locked
    wanted = report["content"].as_dict()
    if str(quarter) in locked_quarters and not same_content(locked_reports.get(key), wanted):
        v.problem(row, _first_difference(locked_reports.get(key), wanted),
                  "import.locked_quarter", value=str(quarter))
    if key in seen:
        v.problem(row, "code", "import.duplicate_report", first=seen[key])
    else:
        seen[key] = row.number
    report["acronym"] = acronym


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
    v = _Validator()
    rows = _sheets_by_kind(raw_sheets, v, source)
    parsed = _parse(rows, v)
    serialize(session, "import")  # two imports of one new plan must not both create it
    plan, name = _existing_plan(session, parsed, plan_name, v, source)
    _check_permission(session, actor, plan, name, v, source)
    span = _span(parsed, plan, v)
    _check_opened(opened, span, v, source)
    resolver = _validate_references(session, parsed, plan, span, v)
    if v.problems:
        raise ImportRejected(sorted(v.problems, key=_reading_order))
    summary = ImportSummary(plan=name or "", dry_run=dry_run)
    summary.institution_changes = _institution_changes(session, actor, parsed, plan,
                                                       rename_institutions)
    summary.open_quarter = _open_after(session, parsed, plan, span, opened)
    summary.span = (str(span[0]), str(span[1])) if span else None
    if not dry_run:
        _Writer(session, actor, parsed, resolver, summary).write(plan, name, span, opened)
        return summary
    # the check writes everything in a savepoint and takes it back: the counts it gives are
    # the ones the import will give
    savepoint = session.begin_nested()
    try:
        _Writer(session, actor, parsed, resolver, summary).write(plan, name, span, opened)
    finally:
        savepoint.rollback()
    return summary


def _check_permission(session: Session, actor: Actor, plan: Plan | None, name: str | None,
                      v: _Validator, source: str) -> None:
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
                  v: _Validator, source: str) -> None:
    if opened is not None and span is not None and not span[0] <= opened <= span[1]:
        v.problems.append(Problem(source, None, None, None, "import.open_outside_plan",
                                  {"value": str(opened), "first": str(span[0]),
                                   "last": str(span[1])}))


def _open_after(session: Session, parsed: _Parsed, plan: Plan | None,
                span: tuple[Quarter, Quarter] | None, opened: Quarter | None) -> str | None:
    """The quarter open for reports once the import is done."""
    if plan is not None:
        current = plans.open_quarter(session, plan.id)
        return str(current) if current else None
    if span is None:
        return None
    month = int((parsed.plan or {}).get("fiscal_year_start_month") or 1)
    return str(opened or under_evaluation(get_settings().today(), *span, month))


def _institution_changes(session: Session, actor: Actor, parsed: _Parsed, plan: Plan | None,
                         rename_shared: bool) -> list[InstitutionChange]:
    rows = [{k: row[k] for k in ("acronym", *institutions.FIELDS)}
            for row in parsed.institutions]
    confirmed = rename_shared and (actor.is_system or actor.is_admin)
    return [change if confirmed or not change.other_plans
            else dataclasses.replace(change, applied=False)
            for change in institutions.changes(session, rows, plan.id if plan else None)]


def import_path(session: Session, actor: Actor, path: Path, *, plan_name: str | None = None,
                dry_run: bool = False, opened: Quarter | None = None,
                rename_institutions: bool = False) -> ImportSummary:
    return import_sheets(session, actor, read_path(path), source=str(path),
                         plan_name=plan_name, dry_run=dry_run, opened=opened,
                         rename_institutions=rename_institutions)


class _Writer:
    """Writes a validated import. Runs inside the caller's transaction."""

    def __init__(self, session: Session, actor: Actor, parsed: _Parsed, resolver: _Resolver,
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
            values = {"name": row["name"], "country": row["country"], "kind": row["kind"]}
            institution = by_acronym.get(row["acronym"])
            if institution is None:
                institution = Institution(acronym=row["acronym"], **values)
                self.summary.institutions_added += 1
            elif row["acronym"] in kept:
                pass  # a shared institution keeps its values without an admin's yes
            elif any(getattr(institution, k) != val for k, val in values.items()):
                before = institution.model_dump()
                institution.sqlmodel_update(values)
                audit.record(self.session, self.actor, "update", "institution", institution.id,
                             before=before, after=institution.model_dump())
            self.session.add(institution)
            by_acronym[row["acronym"]] = institution
        self.session.flush()
        return by_acronym

    def _plan(self, plan: Plan | None, name: str | None,
              span: tuple[Quarter, Quarter] | None, opened: Quarter | None) -> Plan:
        sheet = self.parsed.plan or {}
        month = int(sheet.get("fiscal_year_start_month") or 0) or None
        if plan is None:
            assert name and span
            self.summary.plan_created = True
            return plans.create_plan(self.session, self.actor, Plan(
                name=name, commission=sheet.get("commission") or "",
                first_quarter=str(span[0]), last_quarter=str(span[1]),
                fiscal_year_start_month=month or 1,
            ), opened)
        if sheet:
            values = {"commission": sheet["commission"], "first_quarter": str(span[0]),
                      "last_quarter": str(span[1]),
                      "fiscal_year_start_month": month or plan.fiscal_year_start_month}
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
            line = by_code.get(row["code"])
            if line is None:
                line = StrategicLine(plan_id=plan.id, code=row["code"], name=row["name"])
                self.summary.lines_added += 1
            line.name = row["name"]
            self.session.add(line)
            by_code[row["code"]] = line
        for item in self.parsed.items:
            code = self.resolver.line(item["strategic_line"])
            if code is None:  # a new name creates a line
                code = _next_code(by_code)
                by_code[code] = StrategicLine(plan_id=plan.id, code=code,
                                              name=item["strategic_line"])
                self.session.add(by_code[code])
                self.resolver._add_line(code, item["strategic_line"])
                self.summary.lines_added += 1
            item["line_code"] = code
        self.session.flush()
        return by_code

    def _items(self, plan: Plan, lines: dict[str, StrategicLine],
               institutions: dict[str, Institution]) -> dict[str, ActionItem]:
        by_code = {i.code: i for i in self.session.exec(
            select(ActionItem).where(ActionItem.plan_id == plan.id))}
        supports: dict[int, set[int]] = {}
        if by_code:
            for link in self.session.exec(select(ItemSupport).where(
                    ItemSupport.item_id.in_([i.id for i in by_code.values()]))):
                supports.setdefault(link.item_id, set()).add(link.institution_id)
        created: list[ActionItem] = []
        adding: list[tuple[ActionItem, set[int]]] = []  # supporters each item gains
        for row in self.parsed.items:
            values = {
                "title": row["title"], "description": row["description"],
                "line_id": lines[row["line_code"]].id,
                "lead_institution_id": institutions[row["lead"]].id,
                "start_quarter": str(row["start_quarter"]),
                "due_quarter": str(row["due_quarter"]),
                "indicator": row["indicator"], "unit": row["unit"],
                "baseline": row["baseline"], "target": row["target"],
                "weight": row["weight"] if row["weight"] is not None else 1.0,
            }
            wanted = {institutions[a].id for a in row["supporters"]}
            item = by_code.get(row["code"])
            if item is None:
                item = ActionItem(plan_id=plan.id, code=row["code"], **values)
                created.append(item)
            else:
                current = supports.get(item.id, set())
                changed = any(getattr(item, k) != val for k, val in values.items())
                if changed or current != wanted:
                    before = item.model_dump() | {"supporters": sorted(current)}
                    item.sqlmodel_update(values)
                    item.version += 1
                    self.session.add(item)
                    self.summary.items_updated += 1
                    audit.record(self.session, self.actor, "update", "action_item", item.id,
                                 plan_id=plan.id, before=before,
                                 after=item.model_dump() | {"supporters": sorted(wanted)})
            adding.append((item, wanted - supports.get(item.id, set()) if item.id else wanted))
            by_code[row["code"]] = item
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
        wanted: dict[tuple[int, str, int], ReportContent] = {}
        for row in self.parsed.reports:
            item = items[row["code"]]
            institution_id = (institutions[row["acronym"]].id if row["acronym"]
                              else item.lead_institution_id)
            wanted[(item.id, str(row["quarter"]), institution_id)] = row["content"]
        if not wanted:
            return
        plan_id = next(iter(items.values())).plan_id
        existing = _existing_reports(self.session, plan_id)
        new_keys, changed = [], []
        for key, content in wanted.items():
            found = existing.get(key)
            if found is None:
                new_keys.append(key)
            elif same_content(found[2], content.as_dict()):
                self.summary.reports_unchanged += 1
            else:
                changed.append((key, found))
        _insert_new_reports(self.session, wanted, new_keys, self.actor.user_id)
        versions = [(report_id, version + 1, wanted[key])
                    for key, (report_id, version, _content) in changed]
        _insert_new_versions(self.session, versions, self.actor.user_id)
        self.summary.reports_added += len(new_keys) + len(versions)
        audit.record_many(self.session, self.actor, "import", "report", [
            (report_id, plan_id, None, wanted[key].as_dict())
            for key, (report_id, _version, _content) in changed])


def _existing_reports(session: Session, plan_id: int
                      ) -> dict[tuple[int, str, int], tuple[int, int, dict[str, object] | None]]:
    """(item, quarter, institution) -> (report id, version, counting content) for the plan."""
    fields = list(ReportContent.__dataclass_fields__)
    columns = [getattr(ReportRevision, name) for name in fields]
    rows = session.exec(
        select(Report.id, Report.item_id, Report.quarter, Report.institution_id,
               Report.version, ReportRevision.id, *columns)
        .join(ActionItem, ActionItem.id == Report.item_id)
        .outerjoin(ReportRevision, ReportRevision.id == Report.counting_revision_id)
        .where(ActionItem.plan_id == plan_id))
    found = {}
    for report_id, item_id, quarter, institution_id, version, counted, *values in rows:
        content = dict(zip(fields, values, strict=True)) if counted is not None else None
        found[(item_id, quarter, institution_id)] = (report_id, version, content)
    return found


def _reserve_ids(session: Session, table: Table, count: int) -> list[int]:
    """``count`` primary keys for rows about to be inserted with explicit ids, so that a
    report and its first revision can point at each other without an UPDATE afterwards.
    PostgreSQL: taken from the table's sequence. SQLite: after the largest id, safe because
    the transaction holds the write lock (``BEGIN IMMEDIATE``) until it commits."""
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        return list(connection.execute(
            text("SELECT nextval(pg_get_serial_sequence(:table, 'id')) "
                 "FROM generate_series(1, :count)"),
            {"table": table.name, "count": count}).scalars())
    largest = connection.execute(select(func.max(table.c.id))).scalar() or 0
    return list(range(largest + 1, largest + 1 + count))


def _insert_new_reports(session: Session, wanted: dict[tuple[int, str, int], ReportContent],
                        keys: list[tuple[int, str, int]], author_id: int | None) -> None:
    """New reports with their first, approved revision: two executemany inserts."""
    if not keys:
        return
    report_ids = _reserve_ids(session, Report.__table__, len(keys))
    revision_ids = _reserve_ids(session, ReportRevision.__table__, len(keys))
    connection, now = session.connection(), utcnow()
    bulk_insert(connection, Report.__table__, [
        {"id": report_id, "item_id": item_id, "quarter": quarter,
         "institution_id": institution_id, "version": 1, "latest_revision_id": revision_id,
         "counting_revision_id": revision_id}
        for (item_id, quarter, institution_id), report_id, revision_id
        in zip(keys, report_ids, revision_ids, strict=True)])
    bulk_insert(connection, ReportRevision.__table__, [
        _revision_row(revision_id, report_id, 1, wanted[key], author_id, now)
        for key, report_id, revision_id in zip(keys, report_ids, revision_ids, strict=True)])


def _revision_row(revision_id: int | None, report_id: int, number: int,
                  content: ReportContent, author_id: int | None, now: datetime
                  ) -> dict[str, object]:
    row = {"report_id": report_id, "number": number, "state": ReportState.APPROVED.value,
           "author_id": author_id, "review_comment": None, "created_at": now,
           **content.as_dict()}
    return row if revision_id is None else {"id": revision_id, **row}


def _insert_new_versions(session: Session, versions: list[tuple[int, int, ReportContent]],
                         author_id: int | None) -> None:
    """A re-import's new approved versions (report, number, content) of existing reports."""
    if not versions:
        return
    reports, connection, now = Report.__table__, session.connection(), utcnow()
    connection.execute(insert(ReportRevision.__table__), [
        _revision_row(None, report_id, number, content, author_id, now)
        for report_id, number, content in versions])
    revision = (select(ReportRevision.id)
                .where(ReportRevision.report_id == reports.c.id,
                       ReportRevision.number == bindparam("number"))
                .scalar_subquery())
    connection.execute(
        update(reports).where(reports.c.id == bindparam("report"))
        .values(version=bindparam("number"), latest_revision_id=revision,
                counting_revision_id=revision),
        [{"report": report_id, "number": number} for report_id, number, _ in versions])


def _next_code(lines: dict[str, StrategicLine]) -> str:
    numbers = [int(code) for code in lines if code.isdigit()]
    return str(max(numbers, default=0) + 1)


def rejected_lines(error: ImportRejected | InvalidInput, lang: str = "en") -> list[str]:
    """One line per problem, for the CLI and the import page."""
    if isinstance(error, ImportRejected):
        return [problem.render(lang) for problem in error.problems]
    return [t(error.key, lang, **error.values)]
