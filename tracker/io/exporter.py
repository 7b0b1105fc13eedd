"""Export a plan in the import template's shape, and write the empty template.

Export writes English headers and the counting reports (submitted or approved), so that
export -> import -> export gives the same workbook.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from sqlmodel import Session, select

from tracker import palette
from tracker.i18n import t
from tracker.io.cells import as_text_cell, csv_text
from tracker.io.template import INSTITUTIONS, ITEMS, LINES, PLAN, REPORTS, SHEETS, Sheet
from tracker.metrics import natural_key
from tracker.models import (
    COUNTING_STATES,
    ActionItem,
    Institution,
    ItemSupport,
    Plan,
    Report,
    ReportRevision,
    StrategicLine,
)
from tracker.services.permissions import Actor, Permission

Table = tuple[Sheet, list[list[object]]]


def _yes(value: bool) -> str:
    return "yes" if value else ""


def plan_tables(session: Session, actor: Actor, plan: Plan) -> list[Table]:
    """The plan as the template's sheets: rows in template column order."""
    actor.require(Permission.READ_PLAN, plan.id)
    lines = sorted(session.exec(select(StrategicLine).where(StrategicLine.plan_id == plan.id)),
                   key=lambda line: natural_key(line.code))
    line_codes = {line.id: line.code for line in lines}
    items = sorted(session.exec(select(ActionItem).where(ActionItem.plan_id == plan.id,
                                                         ActionItem.archived == False)),  # noqa: E712
                   key=lambda item: natural_key(item.code))
    institutions = {i.id: i for i in session.exec(select(Institution))}
    supporters: dict[int, list[str]] = {}
    for link in session.exec(select(ItemSupport).join(ActionItem).where(
            ActionItem.plan_id == plan.id)):
        supporters.setdefault(link.item_id, []).append(institutions[link.institution_id].acronym)
    used = {item.lead_institution_id for item in items}
    used |= {i.id for i in institutions.values()
             if any(i.acronym in names for names in supporters.values())}
    return [
        (PLAN, [[plan.name, plan.commission, plan.first_quarter, plan.last_quarter,
                 plan.fiscal_year_start_month]]),
        (LINES, [[line.code, line.name] for line in lines]),
        (INSTITUTIONS, [[i.acronym, i.name, i.country, i.kind]
                        for i in sorted(institutions.values(), key=lambda i: i.acronym)
                        if i.id in used]),
        (ITEMS, [[item.code, line_codes[item.line_id], item.title, item.description,
                  institutions[item.lead_institution_id].acronym,
                  "; ".join(sorted(supporters.get(item.id, []))), item.start_quarter,
                  item.due_quarter, item.indicator, item.unit, item.baseline, item.target,
                  item.weight] for item in items]),
        (REPORTS, _report_rows(session, plan, institutions)),
    ]


def _report_rows(session: Session, plan: Plan,
                 institutions: dict[int, Institution]) -> list[list[object]]:
    """The counting reports, read as plain columns (a national plan has tens of thousands)."""
    query = (
        select(ActionItem.code, Report.quarter, Report.institution_id, ReportRevision.status,
               ReportRevision.percent_complete, ReportRevision.indicator_value,
               ReportRevision.narrative, ReportRevision.obstacles, ReportRevision.next_steps,
               ReportRevision.evidence_link, ReportRevision.nothing_to_report)
        .join(Report, Report.item_id == ActionItem.id)
        .join(ReportRevision, ReportRevision.id == Report.counting_revision_id)
        .where(ActionItem.plan_id == plan.id, ActionItem.archived == False,  # noqa: E712
               ReportRevision.state.in_([s.value for s in COUNTING_STATES]))
    )
    rows = [
        [code, quarter, institutions[institution_id].acronym, *content, _yes(nothing)]
        for code, quarter, institution_id, *content, nothing in session.exec(query)
    ]
    return sorted(rows, key=lambda r: (natural_key(r[0]), r[1], r[2]))


def _style_header(worksheet: object, widths: list[int]) -> None:
    bold = Font(bold=True, color=palette.hex_digits(palette.BACKGROUND))
    fill = PatternFill("solid", fgColor=palette.hex_digits(palette.TABLE_HEADER))
    for cell in worksheet[1]:
        cell.font, cell.fill = bold, fill
        cell.alignment = Alignment(vertical="center")
    for index, width in enumerate(widths):
        worksheet.column_dimensions[chr(ord("A") + index)].width = width
    worksheet.freeze_panes = "A2"


def build_workbook(tables: list[Table], lang: str = "en") -> Workbook:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for sheet, rows in tables:
        worksheet = workbook.create_sheet(sheet.title(lang))
        worksheet.append(sheet.headers(lang))
        for row in rows:
            worksheet.append(row)
            for cell in worksheet[worksheet.max_row]:
                as_text_cell(cell)  # a text is never a formula
        for row_cells in worksheet.iter_rows(min_row=2, max_col=1):
            for cell in row_cells:
                cell.number_format = "@"  # codes stay text: "1.10" is not 1.1
        _style_header(worksheet, [max(12, min(40, len(h) + 4)) for h in sheet.headers(lang)])
    return workbook


def write_workbook(tables: list[Table], path: Path | io.BytesIO, lang: str = "en") -> None:
    # Not openpyxl's write-only mode: it stores every string inline, which made the national
    # workbook 1.5x slower to read back than the shared strings Excel itself writes.
    build_workbook(tables, lang).save(path)


def export_workbook(session: Session, actor: Actor, plan: Plan) -> bytes:
    buffer = io.BytesIO()
    write_workbook(plan_tables(session, actor, plan), buffer)
    return buffer.getvalue()


def export_csv_zip(session: Session, actor: Actor, plan: Plan) -> bytes:
    """The same sheets as CSV files (UTF-8 with BOM so that Excel shows accents), zipped."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for sheet, rows in plan_tables(session, actor, plan):
            text = csv_text(sheet.headers("en"), rows)  # texts a spreadsheet would run: quoted
            archive.writestr(f"{sheet.name}.csv", "\ufeff" + text)
    return buffer.getvalue()


def write_template(path: Path | io.BytesIO, lang: str = "en") -> None:
    """An empty workbook with the template's sheets and an instructions sheet first."""
    workbook = build_workbook([(sheet, []) for sheet in SHEETS], lang)
    guide = workbook.create_sheet(t("template.instructions_sheet", lang), 0)
    guide.append([t("template.instructions_title", lang)])
    guide["A1"].font = Font(bold=True, size=14)
    for index in range(1, 13):
        guide.append([t(f"template.instruction_{index}", lang)])
    guide.column_dimensions["A"].width = 120
    for sheet in SHEETS:
        guide.append([])
        guide.append([sheet.title(lang)])
        guide.cell(guide.max_row, 1).font = Font(bold=True)
        for column in sheet.columns:
            name = column.spanish if lang == "es" else column.name
            required = t("template.required", lang) if column.required else ""
            guide.append([f"  {name}: {t(f'template.column.{sheet.name}.{column.name}', lang)}"
                          f"{' ' + required if required else ''}"])
    workbook.save(path)
