"""The import template's workbook or CSVs read into typed, checked rows (formats only).

Every cell is checked against the field rules (``tracker.rules``) and the template's shape;
each problem names its place as ``FILE: sheet S, row R, column C: message`` (R counts the
header as row 1, C is the header as written) and every problem is collected, none stops the
reading. What the rows refer to (institutions, lines, items, the plan, locked quarters) and
who may write them is the import service's business: ``tracker.services.imports``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from tracker import rules
from tracker.errors import InvalidInput, TrackerError
from tracker.i18n import t
from tracker.io.reader import RawSheet, Text
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
from tracker.models import CONTENT_FIELDS, ContentField, ContentKind, ReportContent, Status
from tracker.quarters import Quarter, QuarterError
from tracker.settings import is_time_zone

SHORT = 300  # a cell without a field rule of its own: a quarter, a status word, a reference
LIST = 10_000  # a list of references (supporting institutions)
COUNTRY_CELL = 40  # read generously: a country that is not two letters gets its own message


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
class Row:
    """One row of a sheet with its cells by column name, and where it came from."""

    sheet: RawSheet
    number: int
    cells: dict[str, object]
    headers: dict[str, str]
    template: Sheet

    def required(self, column: str) -> bool:
        """Whether the cell must be filled: the field rules say (the template's required
        columns come from the same rules)."""
        return rules.required(self.template.entity, column)


# The rows of each sheet, typed: a value is None when its cell is empty or has a problem
# (the validator holds it, and a file with problems is refused before anything is written).


@dataclass
class PlanRow:
    row: Row
    name: str | None
    commission: str
    first_quarter: Quarter | None
    last_quarter: Quarter | None
    fiscal_year_start_month: float | None
    time_zone: str | None = None  # an IANA name; None when the cell is empty


@dataclass
class LineRow:
    row: Row
    code: str | None
    name: str | None


@dataclass
class InstitutionRow:
    row: Row
    acronym: str | None
    name: str | None
    country: str | None  # upper case
    kind: str | None


@dataclass
class ItemRow:
    row: Row
    code: str | None
    strategic_line: str | None  # a line's code or name
    title: str | None
    description: str
    lead_institution: str | None  # an institution's acronym or name
    supporting_institutions: list[str]
    start_quarter: Quarter | None
    due_quarter: Quarter | None
    indicator: str | None
    unit: str | None
    baseline: float | None
    target: float | None
    weight: float | None
    # what the references resolve to, set by the import service
    lead: str | None = None  # the lead's acronym
    supporters: list[str] = field(default_factory=list)  # acronyms, without the lead
    line_code: str | None = None


@dataclass
class ReportRow:
    row: Row
    code: str | None
    quarter: Quarter | None
    institution: str | None  # an institution's acronym or name; empty: the lead
    content: ReportContent
    acronym: str | None = None  # the institution resolved by the import service


@dataclass
class ParsedPlan:
    plan: PlanRow | None = None
    lines: list[LineRow] = field(default_factory=list)
    institutions: list[InstitutionRow] = field(default_factory=list)
    items: list[ItemRow] = field(default_factory=list)
    reports: list[ReportRow] = field(default_factory=list)


class Validator:
    """Reads typed values out of rows, collecting every problem instead of stopping."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def reject_if_any(self) -> None:
        """Refuse the whole file when anything is wrong, its problems in reading order."""
        if self.problems:
            raise ImportRejected(sorted(self.problems, key=reading_order))

    def problem(self, row: Row | None, column: str | None, key: str, **values: object) -> None:
        if row is None:
            self.problems.append(Problem("?", None, None, None, key, values))
            return
        header = row.headers.get(column, column) if column else None
        self.problems.append(Problem(row.sheet.source, row.sheet.name, row.number, header,
                                     key, values))

    def text(self, row: Row, column: str, *, limit: int = SHORT) -> str | None:
        value = row.cells.get(column)
        if value is None or (isinstance(value, str) and not value.strip()):
            if row.required(column):
                self.problem(row, column, "import.required")
            return None
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, datetime):
            self.problem(row, column, "import.not_text")
            return None
        text = str(value).strip()
        if rules.has_bad_characters(text):
            self.problem(row, column, "import.bad_characters")
            return None
        if rules.bad_characters(row.template.entity, column, text):
            self.problem(row, column, "import.not_one_line")
            return None
        if text.startswith("=") and not isinstance(value, Text):  # Text: see io/reader.py
            self.problem(row, column, "import.formula")
            return None
        if len(text) > limit:
            self.problem(row, column, "import.too_long", limit=limit)
            return None
        return text

    def quarter(self, row: Row, column: str) -> Quarter | None:
        text = self.text(row, column)
        if text is None:
            return None
        try:
            return Quarter.parse(text)
        except QuarterError:
            self.problem(row, column, "import.bad_quarter", value=text)
            return None

    def time_zone(self, row: Row, column: str) -> str | None:
        text = self.text(row, column)
        if text is not None and not is_time_zone(text):
            self.problem(row, column, "import.bad_time_zone", value=text)
            return None
        return text

    def number(self, row: Row, column: str, *, minimum: float | None = None,
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

    def boolean(self, row: Row, column: str) -> bool:
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

    def status(self, row: Row, column: str) -> Status | None:
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


def _rows_of(sheet: Sheet, raw: RawSheet, validator: Validator) -> list[Row]:
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
        rows.append(Row(raw, number, cells, headers, sheet))
    return rows


def _sheets_by_kind(raw_sheets: Sequence[RawSheet], validator: Validator,
                    source: str) -> dict[str, list[Row]]:
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


def _parse(rows: dict[str, list[Row]], v: Validator) -> ParsedPlan:
    parsed = ParsedPlan()
    for row in rows.get(PLAN.name, [])[:1]:
        parsed.plan = PlanRow(
            row=row,
            name=v.text(row, "name", limit=rules.limit("plan", "name")),
            commission=v.text(row, "commission", limit=rules.limit("plan", "commission")) or "",
            first_quarter=v.quarter(row, "first_quarter"),
            last_quarter=v.quarter(row, "last_quarter"),
            fiscal_year_start_month=v.number(row, "fiscal_year_start_month",
                                             minimum=rules.FISCAL_MONTH[0],
                                             maximum=rules.FISCAL_MONTH[1]),
            time_zone=v.time_zone(row, "time_zone"),
        )
    for row in rows.get(LINES.name, []):
        parsed.lines.append(LineRow(
            row=row,
            code=v.text(row, "code", limit=rules.limit("strategic_line", "code")),
            name=v.text(row, "name", limit=rules.limit("strategic_line", "name"))))
    for row in rows.get(INSTITUTIONS.name, []):
        country = v.text(row, "country", limit=COUNTRY_CELL)
        if country is not None and not rules.country_ok(country):
            v.problem(row, "country", "import.bad_country", value=country)
            country = None
        parsed.institutions.append(InstitutionRow(
            row=row,
            acronym=v.text(row, "acronym", limit=rules.limit("institution", "acronym")),
            name=v.text(row, "name", limit=rules.limit("institution", "name")),
            country=country.upper() if country else None,
            kind=v.text(row, "kind", limit=rules.limit("institution", "kind")),
        ))
    for row in rows.get(ITEMS.name, []):
        parsed.items.append(ItemRow(
            row=row,
            code=v.text(row, "code", limit=rules.limit("action_item", "code")),
            strategic_line=v.text(row, "strategic_line"),
            title=v.text(row, "title", limit=rules.limit("action_item", "title")),
            description=v.text(row, "description",
                               limit=rules.limit("action_item", "description")) or "",
            lead_institution=v.text(row, "lead_institution"),
            supporting_institutions=split_list(v.text(row, "supporting_institutions",
                                                      limit=LIST)),
            start_quarter=v.quarter(row, "start_quarter"),
            due_quarter=v.quarter(row, "due_quarter"),
            indicator=v.text(row, "indicator", limit=rules.limit("action_item", "indicator")),
            unit=v.text(row, "unit", limit=rules.limit("action_item", "unit")),
            baseline=v.number(row, "baseline", minimum=0),
            target=v.number(row, "target", minimum=0),
            weight=v.number(row, "weight", strictly_above=rules.WEIGHT[0],
                            maximum=rules.WEIGHT[1]),
        ))
    for row in rows.get(REPORTS.name, []):
        parsed.reports.append(ReportRow(
            row=row,
            code=v.text(row, "code", limit=rules.limit("action_item", "code")),
            quarter=v.quarter(row, "quarter"),
            institution=v.text(row, "institution"),
            content=_report_content(v, row),
        ))
    return parsed


def _report_content(v: Validator, row: Row) -> ReportContent:
    """A report row's content, each cell read as its field's kind says; a status or nothing
    to report is required, and a progress unless the status says it (done: 100, not
    started: 0)."""
    content: dict[str, Any] = {spec.name: _content_cell(v, row, spec)
                               for spec in CONTENT_FIELDS}
    nothing, status = content["nothing_to_report"], content["status"]
    if not nothing and status is None and row.cells.get("status") in (None, ""):
        v.problem(row, "status", "import.status_or_nothing")
    if not nothing and content["percent_complete"] is None and status is not None:
        percent = {Status.COMPLETED: 100.0, Status.NOT_STARTED: 0.0}.get(status)
        if percent is None and row.cells.get("percent_complete") in (None, ""):
            v.problem(row, "percent_complete", "import.required")
        content["percent_complete"] = percent
    return ReportContent(**content)


def _content_cell(v: Validator, row: Row, spec: ContentField) -> object:
    """A report row's cell of one content field."""
    name = spec.name
    if spec.kind is ContentKind.STATUS:
        return v.status(row, name)
    if spec.kind is ContentKind.PERCENT:
        return v.number(row, name, minimum=rules.PERCENT[0], maximum=rules.PERCENT[1])
    if spec.kind is ContentKind.AMOUNT:
        return v.number(row, name, minimum=0)
    if spec.kind is ContentKind.FLAG:
        return v.boolean(row, name)
    text = v.text(row, name, limit=rules.limit("report", name))
    if spec.kind is ContentKind.TEXT:
        return text or ""
    if text and not rules.link_ok(text):  # a link
        v.problem(row, name, "import.bad_link")
    return text


def parse_sheets(raw_sheets: Sequence[RawSheet], source: str) -> tuple[ParsedPlan, Validator]:
    """The file's rows, typed and checked on their own (each cell, each sheet's duplicates),
    and the validator holding their problems, for the import service to add its own to."""
    v = Validator()
    parsed = _parse(_sheets_by_kind(raw_sheets, v, source), v)
    _check_duplicates([(i.row, i.acronym) for i in parsed.institutions], "acronym", v,
                      "import.duplicate_institution", normalized=True)
    _check_duplicates([(line.row, line.code) for line in parsed.lines], "code", v,
                      "import.duplicate_line")
    _check_duplicates([(i.row, i.code) for i in parsed.items], "code", v,
                      "import.duplicate_code")
    return parsed, v


def reading_order(problem: Problem) -> tuple[int, int, str]:
    sheet = sheet_for(problem.sheet) if problem.sheet else None
    order = [s.name for s in (PLAN, LINES, INSTITUTIONS, ITEMS, REPORTS)]
    return (order.index(sheet.name) if sheet else -1, problem.row or 0, problem.column or "")


def split_list(text: str | None) -> list[str]:
    """A list of references: split on ``;`` when the cell has one, else on ``,``."""
    if not text:
        return []
    separator = ";" if ";" in text else ","
    return [part.strip() for part in text.split(separator) if part.strip()]


def _check_duplicates(cells: list[tuple[Row, str | None]], column: str, v: Validator,
                      message: str, *, normalized: bool = False) -> None:
    """A problem for each row whose value in ``column`` an earlier row has (compared
    ``normalized`` or as written)."""
    seen: dict[str, int] = {}
    for row, value in cells:
        if value is None:
            continue
        key = normalize(value) if normalized else value
        if key in seen:
            v.problem(row, column, message, value=value, first=seen[key])
        else:
            seen[key] = row.number


def rejected_lines(error: ImportRejected | InvalidInput, lang: str = "en") -> list[str]:
    """One line per problem, for the CLI and the import page."""
    if isinstance(error, ImportRejected):
        return [problem.render(lang) for problem in error.problems]
    return [t(error.key, lang, **error.values)]
